use onsite_core::wire::PushStatus;
use onsite_core::CaseStatus;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{assert_json_error, png, sha};
use crate::seed::{spawn_with, Seed};

#[tokio::test]
async fn push_applies_in_order_and_replays_are_duplicates() {
    let seed = Seed::team().part("P-100").stock("alice", "P-100", 5);
    let app = spawn_with(seed).await;
    let case = app.case_for("alice").create().await;
    let mut alice = app.login("alice").await;
    let before = app.snapshot(&alice).await;
    let (part_no, stock_before) = before
        .stock
        .iter()
        .find(|(_, s)| s.qty >= 3)
        .map(|(p, s)| (p.clone(), s.qty))
        .expect("alice has stock");

    let batch = vec![
        alice.next("case.accept", json!({ "case_id": case })),
        alice.next("case.set_status", json!({ "case_id": case, "status": "on_site" })),
        alice.next("case.set_status", json!({ "case_id": case, "status": "in_progress" })),
        alice.next(
            "part.use",
            json!({ "case_id": case, "usage_id": Uuid::new_v4(), "part_no": part_no, "qty": 2, "returned_defective": false }),
        ),
    ];
    let res = app.push(&alice, batch.clone()).await;
    assert_eq!(res.last_seq, 4);
    assert!(
        res.results.iter().all(|r| r.status == PushStatus::Applied),
        "{:?}",
        res.results
    );

    // The same batch again: nothing applied twice.
    let again = app.push(&alice, batch).await;
    assert_eq!(again.last_seq, 4);
    assert!(again
        .results
        .iter()
        .all(|r| r.status == PushStatus::Duplicate));

    let after = app.snapshot(&alice).await;
    let c = &after.cases[&case];
    assert_eq!(c.status, CaseStatus::InProgress);
    assert_eq!(c.parts.len(), 1, "one usage line");
    assert_eq!(c.parts[0].qty, 2);
    assert_eq!(
        after.stock[&part_no].qty,
        stock_before - 2,
        "stock moved once"
    );
    assert_eq!(app.pull(&alice, None).await.last_seq, 4);
    // The server's times are on the timeline.
    assert!(c.timeline.iter().all(|t| t.server_time.is_some()));

    // Every movement is in the ledger.
    let moves: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stock_ledger WHERE part_no = $1 AND engineer_id = $2 AND reason = 'part.use' AND case_id = $3",
    )
    .bind(&part_no)
    .bind(alice.user.id.to_string())
    .bind(case.to_string())
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(moves, 1);
}

#[tokio::test]
async fn a_gap_is_409_with_the_expected_seq_and_applies_nothing() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_for("alice").create().await;
    let alice = app.login("alice").await;
    let batch = vec![
        alice.at(1, "case.accept", json!({ "case_id": case })),
        alice.at(
            3,
            "case.set_status",
            json!({ "case_id": case, "status": "en_route" }),
        ),
    ];
    let res = app.push_raw(&alice, batch).await;
    let body = assert_json_error(res, 409, "seq_gap").await;
    // Nothing of the batch was kept, so the server still expects seq 1: a device that took
    // `expected` as "everything below is stored" must not drop seq 1.
    assert_eq!(body["expected"], 1);
    // Not applied: seq 1 was not kept.
    let after = app.snapshot(&alice).await;
    assert_eq!(after.cases[&case].status, CaseStatus::Assigned);
    assert_eq!(app.pull(&alice, None).await.last_seq, 0);

    let res = app
        .push_raw(
            &alice,
            vec![alice.at(5, "case.accept", json!({ "case_id": case }))],
        )
        .await;
    let body = assert_json_error(res, 409, "seq_gap").await;
    assert_eq!(body["expected"], 1);
}

#[tokio::test]
async fn a_batch_may_replay_old_seqs_before_new_ones() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_for("alice").create().await;
    let mut alice = app.login("alice").await;
    let first = vec![
        alice.next("case.accept", json!({ "case_id": case })),
        alice.next(
            "case.set_status",
            json!({ "case_id": case, "status": "en_route" }),
        ),
    ];
    app.push(&alice, first.clone()).await;
    let mut second = first;
    second.push(alice.next(
        "case.set_status",
        json!({ "case_id": case, "status": "on_site" }),
    ));
    // Order in the body does not matter: the server sorts by seq.
    second.reverse();
    let res = app.push(&alice, second).await;
    assert_eq!(res.last_seq, 3);
    let statuses: Vec<_> = res.results.iter().map(|r| (r.seq, r.status)).collect();
    assert_eq!(
        statuses,
        vec![
            (1, PushStatus::Duplicate),
            (2, PushStatus::Duplicate),
            (3, PushStatus::Applied)
        ]
    );
    let after = app.snapshot(&alice).await;
    assert_eq!(after.cases[&case].status, CaseStatus::OnSite);
}

#[tokio::test]
async fn writing_to_another_engineers_case_is_rejected_and_synced_back() {
    let app = spawn_with(Seed::team()).await;
    let bobs_case = app.case_for("bob").create().await;
    let mut alice = app.login("alice").await;
    let manager = app.login("manager").await;
    let (_, cursor) = app.pull_all(&alice, None).await;

    let (status, reason) = app
        .push_one(&mut alice, "case.accept", json!({ "case_id": bobs_case }))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("not_assignee:"));

    // The rejection arrives in alice's next pull, and only hers.
    let page = app.pull(&alice, Some(&cursor)).await;
    assert_eq!(page.changes.len(), 1, "{:?}", page.changes);
    let change = &page.changes[0];
    assert_eq!(change.entity, onsite_core::wire::Entity::Rejection);
    let rec: onsite_core::wire::RejectionRecord =
        serde_json::from_value(change.data.clone()).unwrap();
    assert_eq!(rec.code, "not_assignee");
    assert_eq!(rec.seq, 1);
    assert_eq!(rec.case_id, Some(bobs_case));
    assert_eq!(rec.client_id, alice.client_id);
    let bob = app.login("bob").await;
    assert!(app.snapshot(&bob).await.rejections.is_empty());
    // Bob's case is untouched; the queue went on (last_seq advanced).
    assert_eq!(
        app.snapshot(&manager).await.cases[&bobs_case].status,
        CaseStatus::Assigned
    );
    assert_eq!(page.last_seq, 1);

    // The device lost that answer and sends seq 1 again: nothing is applied again, and the
    // answer is still the rejection, so the device can undo its local effect.
    let replay = app
        .push(
            &alice,
            vec![alice.at(1, "case.accept", json!({ "case_id": bobs_case }))],
        )
        .await;
    assert_eq!(replay.results[0].status, PushStatus::Rejected);
    assert!(replay.results[0]
        .reason
        .as_deref()
        .unwrap()
        .starts_with("not_assignee:"));
    assert_eq!(
        app.snapshot(&bob).await.cases[&bobs_case].status,
        CaseStatus::Assigned
    );
}

#[tokio::test]
async fn only_a_manager_closes_a_completed_case() {
    let app = spawn_with(Seed::team()).await;
    let case = app
        .case_for("alice")
        .status(CaseStatus::Completed)
        .create()
        .await;
    let mut manager = app.login("manager").await;
    let mut alice = app.login("alice").await;

    let (status, reason) = app
        .push_one(&mut alice, "case.close", json!({ "case_id": case }))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("forbidden_role:"));

    let (status, reason) = app
        .push_one(&mut manager, "case.close", json!({ "case_id": case }))
        .await;
    assert_eq!(status, PushStatus::Applied, "{reason:?}");
    let all = app.snapshot(&manager).await;
    assert_eq!(all.cases[&case].status, CaseStatus::Closed);
}

#[tokio::test]
async fn an_unknown_mutation_is_rejected_and_the_queue_goes_on() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_for("alice").create().await;
    let mut alice = app.login("alice").await;
    let batch = vec![
        alice.next("case.teleport", json!({ "case_id": case })),
        alice.next("case.accept", json!({ "case_id": "not-a-uuid" })),
        alice.next("case.accept", json!({ "case_id": case })),
    ];
    let res = app.push(&alice, batch).await;
    assert_eq!(res.results[0].status, PushStatus::Rejected);
    assert!(res.results[0]
        .reason
        .as_deref()
        .unwrap()
        .starts_with("unknown_mutation:"));
    assert_eq!(res.results[1].status, PushStatus::Rejected);
    assert!(res.results[1]
        .reason
        .as_deref()
        .unwrap()
        .starts_with("invalid_args:"));
    assert_eq!(res.results[2].status, PushStatus::Applied);
    assert_eq!(res.last_seq, 3);
    let audit: Vec<(i64, String)> =
        sqlx::query_as("SELECT seq, status FROM mutations WHERE client_id = $1 ORDER BY seq")
            .bind(alice.client_id.to_string())
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        audit,
        vec![
            (1, "rejected".to_string()),
            (2, "rejected".to_string()),
            (3, "applied".to_string())
        ]
    );
}

#[tokio::test]
async fn server_checks_unknown_part_engineer_and_blob() {
    let app = spawn_with(Seed::team().part("P-100")).await;
    let case = app
        .case_for("alice")
        .status(CaseStatus::InProgress)
        .create()
        .await;
    let mut alice = app.login("alice").await;
    let mut manager = app.login("manager").await;

    let (status, reason) = app
        .push_one(
            &mut alice,
            "part.use",
            json!({ "case_id": case, "usage_id": Uuid::new_v4(), "part_no": "NOPE-0000", "qty": 1 }),
        )
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("unknown_part:"));

    let (status, reason) = app
        .push_one(
            &mut alice,
            "photo.add",
            json!({ "case_id": case, "photo_id": Uuid::new_v4(), "sha256": "a".repeat(64) }),
        )
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("blob_missing:"));

    // A sign-off names its signature image the same way: it must be uploaded first.
    let signature = png(7);
    let sign_off = json!({
        "case_id": case, "signoff_id": Uuid::new_v4(), "signer_name": "Mr Wang",
        "signature_sha256": sha(&signature), "report_sha256": "b".repeat(64),
        "satisfaction": 5, "signed_at": chrono::Utc::now(),
    });
    let (status, reason) = app
        .push_one(&mut alice, "case.sign_off", sign_off.clone())
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("blob_missing:"));
    assert!(app.snapshot(&alice).await.cases[&case].sign_off.is_none());
    assert_eq!(
        app.put_blob(&alice, &sha(&signature), signature)
            .await
            .status(),
        201
    );
    app.push_applied(&mut alice, "case.sign_off", sign_off)
        .await;
    let signed = &app.snapshot(&alice).await.cases[&case];
    assert_eq!(signed.sign_off.as_ref().unwrap().signer_name, "Mr Wang");

    let manager_id = manager.user.id;
    let (status, reason) = app
        .push_one(
            &mut manager,
            "case.assign",
            json!({ "case_id": case, "engineer_id": manager_id }),
        )
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("unknown_engineer:"));
}

#[tokio::test]
async fn a_manager_creates_and_assigns_a_case() {
    let app = spawn_with(Seed::team()).await;
    let mut manager = app.login("manager").await;
    let bob = app.login("bob").await;
    let (_, bob_cursor) = app.pull_all(&bob, None).await;
    let case = Uuid::new_v4();
    let create = json!({
        "case_id": case, "title": "Printer jams", "customer": { "name": "ACME" },
        "site": { "address": "1 Main St" }, "product": { "model": "HP M607" },
        "category": "system_fault", "severity": 3, "mode": "on_site",
        "reported_at": chrono::Utc::now(),
    });
    let batch = vec![
        manager.next("case.create", create),
        manager.next(
            "case.assign",
            json!({ "case_id": case, "engineer_id": bob.user.id }),
        ),
    ];
    let res = app.push(&manager, batch).await;
    assert!(
        res.results.iter().all(|r| r.status == PushStatus::Applied),
        "{:?}",
        res.results
    );
    let page = app.pull(&bob, Some(&bob_cursor)).await;
    assert_eq!(page.changes.len(), 1);
    assert_eq!(page.changes[0].id, case.to_string());
    assert_eq!(page.changes[0].data["status"], "assigned");
}

#[tokio::test]
async fn push_checks_schema_and_batch_size() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let mut alice = app.login("alice").await;
    let res = app
        .http
        .post(app.url("/api/v1/sync/push"))
        .bearer_auth(&alice.token)
        .json(&json!({ "client_id": alice.client_id, "schema_version": 99, "mutations": [] }))
        .send()
        .await
        .unwrap();
    assert_json_error(res, 400, "unsupported_schema").await;

    let batch: Vec<_> = (0..101)
        .map(|_| alice.next("case.accept", json!({ "case_id": Uuid::new_v4() })))
        .collect();
    let res = app.push_raw(&alice, batch).await;
    assert_json_error(res, 413, "payload_too_large").await;
}
