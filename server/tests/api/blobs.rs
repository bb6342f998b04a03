use onsite_core::wire::PushStatus;
use onsite_core::CaseStatus;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{assert_json_error, png, sha};
use crate::seed::{spawn_with, Seed};

#[tokio::test]
async fn a_blob_must_match_its_hash() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let bytes = png(1);
    let res = app
        .put_blob(&alice, &sha(b"something else"), bytes.clone())
        .await;
    assert_json_error(res, 400, "hash_mismatch").await;
    let res = app.put_blob(&alice, "NOT-A-HASH", bytes).await;
    assert_json_error(res, 400, "invalid_hash").await;
}

#[tokio::test]
async fn putting_a_blob_twice_is_201_then_200() {
    let app = spawn_with(Seed::new().engineer("alice").manager("manager")).await;
    let alice = app.login("alice").await;
    let manager = app.login("manager").await;
    let bytes = png(2);
    let hash = sha(&bytes);
    assert_eq!(
        app.put_blob(&alice, &hash, bytes.clone()).await.status(),
        201
    );
    assert_eq!(
        app.put_blob(&alice, &hash, bytes.clone()).await.status(),
        200
    );
    let res = app.get_blob(&manager, &hash).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);
}

/// Whether someone else stored the same bytes is not the uploader's to learn: each user's
/// first upload of a hash is 201, whether or not the bytes were there; only their own repeat
/// is 200.
#[tokio::test]
async fn a_first_upload_is_201_whoever_stored_the_bytes_before() {
    let app = spawn_with(Seed::team()).await;
    let alice = app.login("alice").await;
    let bob = app.login("bob").await;
    let manager = app.login("manager").await;
    let bytes = png(4);
    let hash = sha(&bytes);
    for (who, first) in [(&alice, 201), (&bob, 201), (&manager, 201)] {
        let res = app.put_blob(who, &hash, bytes.clone()).await;
        assert_eq!(res.status(), first, "{}'s first upload", who.user.name);
    }
    for who in [&alice, &bob, &manager] {
        let res = app.put_blob(who, &hash, bytes.clone()).await;
        assert_eq!(res.status(), 200, "{}'s repeat", who.user.name);
    }
}

#[tokio::test]
async fn blobs_are_readable_by_those_who_work_the_case() {
    let app = spawn_with(Seed::team()).await;
    let case = app
        .case_for("alice")
        .status(CaseStatus::InProgress)
        .create()
        .await;
    let mut alice = app.login("alice").await;
    let bob = app.login("bob").await;
    let mut manager = app.login("manager").await;
    let bytes = png(3);
    let hash = sha(&bytes);
    assert_eq!(app.put_blob(&alice, &hash, bytes).await.status(), 201);

    // Access follows the case, not the uploader: a blob no case of hers names is not hers.
    assert_json_error(app.get_blob(&alice, &hash).await, 403, "forbidden").await;
    assert_eq!(
        app.get_blob(&manager, &hash).await.status(),
        200,
        "a manager"
    );
    assert_json_error(app.get_blob(&bob, &hash).await, 403, "forbidden").await;
    // Authorization before existence: a stranger cannot tell a missing hash from another's.
    assert_json_error(app.get_blob(&bob, &"0".repeat(64)).await, 403, "forbidden").await;
    assert_json_error(
        app.get_blob(&manager, &"0".repeat(64)).await,
        404,
        "not_found",
    )
    .await;

    // Alice attaches it to her case; the case moves to bob, who may now read it.
    let (status, reason) = app
        .push_one(
            &mut alice,
            "photo.add",
            json!({ "case_id": case, "photo_id": Uuid::new_v4(), "sha256": hash, "caption": "rack" }),
        )
        .await;
    assert_eq!(status, PushStatus::Applied, "{reason:?}");
    let (status, _) = app
        .push_one(
            &mut manager,
            "case.assign",
            json!({ "case_id": case, "engineer_id": bob.user.id }),
        )
        .await;
    assert_eq!(status, PushStatus::Applied);
    assert_eq!(app.get_blob(&bob, &hash).await.status(), 200);
    // The former assignee no longer reads the case's photos.
    assert_json_error(app.get_blob(&alice, &hash).await, 403, "forbidden").await;
    let octets = b"plain bytes".to_vec();
    let h2 = sha(&octets);
    assert_eq!(app.put_blob(&bob, &h2, octets).await.status(), 201);
    let res = app.get_blob(&manager, &h2).await;
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
}

#[tokio::test]
async fn an_oversized_blob_is_413_json() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let bytes = vec![7u8; 10 * 1024 * 1024 + 1];
    let hash = sha(&bytes);
    let res = app.put_blob(&alice, &hash, bytes).await;
    assert_json_error(res, 413, "payload_too_large").await;
}

/// Uploads at the same moment all count against the quota: with room for three, three of a
/// burst of parallel uploads are stored and the rest answered `429 upload_quota`, whatever
/// order they reach the database in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_uploads_never_pass_the_quota_together() {
    const SIZE: usize = 300;
    const QUOTA: i64 = 1000;
    let app = crate::helpers::spawn_configured(false, None, |c| c.upload_quota_bytes = QUOTA).await;
    Seed::new().engineer("alice").load(&app).await;
    let alice = app.login("alice").await;
    let mut uploads = tokio::task::JoinSet::new();
    for i in 0..16u8 {
        let bytes = vec![i; SIZE];
        let req = app
            .http
            .put(app.url(&format!("/api/v1/blobs/{}", sha(&bytes))))
            .bearer_auth(&alice.token)
            .header("content-type", "application/octet-stream")
            .body(bytes);
        uploads.spawn(async move {
            let res = req.send().await.expect("put blob");
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            (status, body)
        });
    }
    let mut stored = 0;
    while let Some(done) = uploads.join_next().await {
        let (status, body) = done.unwrap();
        match status {
            201 => stored += 1,
            429 => assert!(body.contains("\"upload_quota\""), "{body}"),
            _ => panic!("{status}: {body}"),
        }
    }
    let mut conn = app.store.pool().acquire().await.unwrap();
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    let used = onsite_server::store::blobs::uploaded_since(&mut conn, alice.user.id, since)
        .await
        .unwrap();
    assert!(
        used <= QUOTA,
        "{used} bytes stored, over the quota of {QUOTA}"
    );
    assert_eq!(stored, QUOTA as usize / SIZE, "as many as fit");
    assert_eq!(used, (stored * SIZE) as i64);
}
