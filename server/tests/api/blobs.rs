use chrono::{Duration, Utc};
use onsite_core::CaseStatus;
use onsite_server::store::blobs::collect_garbage_now;
use serde_json::json;

use crate::args;
use crate::helpers::{assert_json_error, png, sha, TestApp};
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

/// Whether someone else stored the same bytes is not the uploader's to learn: each user's
/// first upload of a hash is 201, whether or not the bytes were there; only their own repeat
/// is 200. Anyone who may read them gets the bytes as stored, with their type.
#[tokio::test]
async fn a_first_upload_is_201_whoever_stored_the_bytes_before() {
    let app = spawn_with(Seed::team()).await;
    let [alice, bob, manager] = app.login_all(["alice", "bob", "manager"]).await;
    let bytes = png(4);
    let hash = sha(&bytes);
    for who in [&alice, &bob, &manager] {
        app.upload(who, &bytes).await;
    }
    for who in [&alice, &bob, &manager] {
        let res = app.put_blob(who, &hash, bytes.clone()).await;
        assert_eq!(res.status(), 200, "{}'s repeat", who.user.name);
    }
    let res = app.get_blob(&manager, &hash).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn blobs_are_readable_by_those_who_work_the_case() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, bob, mut manager] = app.login_all(["alice", "bob", "manager"]).await;
    let hash = app.upload(&alice, &png(3)).await;

    // Access follows the case, not the uploader: a blob no case of hers names is not hers.
    let blob = |hash: &str| format!("GET /api/v1/blobs/{hash}");
    let (stored, missing) = (blob(&hash), blob(&"0".repeat(64)));
    assert_eq!(
        app.get_blob(&manager, &hash).await.status(),
        200,
        "a manager"
    );
    #[rustfmt::skip]
    let refusals = [
        (Some(&alice), &*stored, None, 403, "forbidden"),
        (Some(&bob), &stored, None, 403, "forbidden"),
        // Authorization before existence: a stranger cannot tell a missing hash from another's.
        (Some(&bob), &missing, None, 403, "forbidden"),
        (Some(&manager), &missing, None, 404, "not_found"),
    ];
    app.assert_refused(&refusals).await;

    // Alice attaches it to her case; the case moves to bob, who may now read it.
    let photo = args::with(args::photo(case, &hash), json!({ "caption": "rack" }));
    app.push_applied(&mut alice, "photo.add", photo).await;
    let assign = args::assign(case, bob.user.id);
    app.push_applied(&mut manager, "case.assign", assign).await;
    assert_eq!(app.get_blob(&bob, &hash).await.status(), 200);
    // The former assignee no longer reads the case's photos.
    assert_json_error(app.get_blob(&alice, &hash).await, 403, "forbidden").await;
    let h2 = app.upload(&bob, b"plain bytes").await;
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
        let route = format!("PUT /api/v1/blobs/{}", sha(&bytes));
        let req = app.req(Some(&alice), &route);
        let req = req
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

/// The server's grace period for blobs no case names.
fn grace() -> Duration {
    Duration::days(onsite_server::DEFAULT_BLOB_GRACE_DAYS)
}

/// As if the blob had last been wanted (uploaded, named) `ago` before now.
async fn age(app: &TestApp, hash: &str, ago: Duration) {
    let n = sqlx::query("UPDATE blobs SET created_at = $1 WHERE sha256 = $2")
        .bind(onsite_server::store::ts(Utc::now() - ago))
        .bind(hash)
        .execute(app.store.pool())
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 1, "blob {hash}");
}

/// The clean-up as it would run `later` from now (the grace period counted from then).
async fn clean_up_in(app: &TestApp, later: Duration) -> u64 {
    collect_garbage_now(&app.store, grace() - later)
        .await
        .expect("clean-up")
}

/// A device uploads a photo, its push fails, and it stays offline for weeks: while its session
/// lasts, the bytes wait for the push that names them.
#[tokio::test]
async fn a_device_still_signed_in_finds_its_upload_after_weeks_offline() {
    let app = spawn_with(Seed::new().manager("manager").engineer("alice")).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, manager] = app.login_all(["alice", "manager"]).await;
    let hash = app.upload(&alice, &png(41)).await;

    // Nearly the session's idle limit later: uploaded then, last heard of then.
    let quiet = Duration::days(onsite_server::auth::SESSION_IDLE_DAYS) - Duration::hours(1);
    age(&app, &hash, quiet).await;
    app.idle_sessions(None, quiet).await;
    clean_up_in(&app, Duration::zero()).await;

    app.push_applied(&mut alice, "photo.add", args::photo(case, &hash))
        .await;
    assert_eq!(app.get_blob(&manager, &hash).await.status(), 200);
}

/// A push that names an old blob starts its grace over, even when the mutation is then
/// rejected for something else and no case names the blob: the device still holds a mutation
/// that may name it, and the push held the row (on PostgreSQL) until its commit.
#[tokio::test]
async fn a_push_naming_an_old_blob_keeps_it_from_the_next_clean_up() {
    let app = spawn_with(Seed::new().manager("manager").engineer("alice")).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, manager] = app.login_all(["alice", "manager"]).await;
    let (first, named, unnamed) = (png(51), png(52), png(53));
    for bytes in [&first, &named, &unnamed] {
        app.upload(&alice, bytes).await;
    }
    let photo = args::photo(case, &sha(&first));
    app.push_applied(&mut alice, "photo.add", photo.clone())
        .await;
    // Both just inside the grace period; a push names one, in a mutation rejected after the
    // server's checks (another photo under the same id).
    for bytes in [&named, &unnamed] {
        age(&app, &sha(bytes), grace() - Duration::hours(1)).await;
    }
    let same_id = args::with(photo, json!({ "sha256": sha(&named) }));
    app.push_rejected_code(&mut alice, "photo.add", same_id, "conflict")
        .await;

    assert_eq!(clean_up_in(&app, Duration::hours(2)).await, 1);
    assert_eq!(app.get_blob(&manager, &sha(&named)).await.status(), 200);
    assert_json_error(
        app.get_blob(&manager, &sha(&unnamed)).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(app.get_blob(&manager, &sha(&first)).await.status(), 200);
}

/// Putting bytes that are already stored (a repeat, 200, or another user's first upload, 201)
/// starts their grace over.
#[tokio::test]
async fn a_repeat_upload_starts_the_grace_over() {
    let app = spawn_with(Seed::team()).await;
    let [alice, bob, manager] = app.login_all(["alice", "bob", "manager"]).await;
    let (kept, left) = (png(61), png(62));
    for bytes in [&kept, &left] {
        app.upload(&alice, bytes).await;
        age(&app, &sha(bytes), grace() - Duration::hours(1)).await;
    }
    let res = app.put_blob(&alice, &sha(&kept), kept.clone()).await;
    assert_eq!(res.status(), 200, "a repeat");
    assert_eq!(clean_up_in(&app, Duration::hours(2)).await, 1);
    assert_eq!(app.get_blob(&manager, &sha(&kept)).await.status(), 200);
    assert_json_error(app.get_blob(&manager, &sha(&left)).await, 404, "not_found").await;

    age(&app, &sha(&kept), grace() - Duration::hours(1)).await;
    app.upload(&bob, &kept).await; // bob's first upload of the same bytes
    assert_eq!(clean_up_in(&app, Duration::hours(2)).await, 0);
    assert_eq!(app.get_blob(&manager, &sha(&kept)).await.status(), 200);
}

/// On PostgreSQL a push and the clean-up run at once: a push that has found an old blob holds
/// it, and the clean-up that comes while it runs waits for its commit and then keeps the blob.
#[tokio::test]
async fn a_clean_up_during_a_push_naming_the_blob_keeps_it() {
    let app = spawn_with(Seed::new().manager("manager").engineer("alice")).await;
    if app.store.backend() != onsite_server::store::Backend::Postgres {
        eprintln!(
            "on SQLite the clean-up and a push take turns on the one writer: nothing to race"
        );
        return;
    }
    let [alice, manager] = app.login_all(["alice", "manager"]).await;
    let hash = app.upload(&alice, &png(71)).await;
    age(&app, &hash, grace() + Duration::days(1)).await;

    // What a push does with a mutation naming the blob, its commit held back.
    let mut push = app.store.write().await.unwrap();
    let named = onsite_server::store::blobs::may_name(
        &mut push,
        &hash,
        alice.user.id,
        onsite_core::Role::Engineer,
        Utc::now(),
    )
    .await
    .unwrap();
    assert!(named);
    let store = app.store.clone();
    let clean_up = tokio::spawn(async move { collect_garbage_now(&store, grace()).await });
    // Until the clean-up waits for the push's lock (or, without one, has finished).
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        if waiting > 0 || clean_up.is_finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    push.commit().await.unwrap();
    assert_eq!(clean_up.await.unwrap().unwrap(), 0);
    assert_eq!(app.get_blob(&manager, &hash).await.status(), 200);
}
