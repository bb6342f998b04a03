use onsite_core::wire::PushStatus;
use onsite_core::CaseStatus;
use serde_json::json;
use uuid::Uuid;

use crate::args;
use crate::helpers::{assert_all, assert_json_error, code, png, sha};
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

    let batch = alice.queue(vec![
        ("case.accept", args::case(case)),
        ("case.set_status", args::to_status(case, "on_site")),
        ("case.set_status", args::to_status(case, "in_progress")),
        ("part.use", args::part_use(case, &part_no, 2)),
    ]);
    let res = app.push(&alice, batch.clone()).await;
    assert_eq!(res.last_seq, 4);
    assert_all(&res, PushStatus::Applied);

    // The same batch again: nothing applied twice.
    let again = app.push(&alice, batch).await;
    assert_eq!(again.last_seq, 4);
    assert_all(&again, PushStatus::Duplicate);

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
        alice.at(1, "case.accept", args::case(case)),
        alice.at(3, "case.set_status", args::to_status(case, "en_route")),
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

    let res = app.push_raw(&alice, vec![alice.at(5, "case.accept", args::case(case))]);
    let body = assert_json_error(res.await, 409, "seq_gap").await;
    assert_eq!(body["expected"], 1);
}

#[tokio::test]
async fn a_batch_may_replay_old_seqs_before_new_ones() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_for("alice").create().await;
    let mut alice = app.login("alice").await;
    let first = alice.queue(vec![
        ("case.accept", args::case(case)),
        ("case.set_status", args::to_status(case, "en_route")),
    ]);
    app.push(&alice, first.clone()).await;
    let mut second = first;
    second.push(alice.next("case.set_status", args::to_status(case, "on_site")));
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
    let [mut alice, manager] = app.login_all(["alice", "manager"]).await;
    let (_, cursor) = app.pull_all(&alice, None).await;

    let accept = args::case(bobs_case);
    app.push_rejected_code(&mut alice, "case.accept", accept, "not_assignee")
        .await;

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
    let replay = vec![alice.at(1, "case.accept", args::case(bobs_case))];
    let replay = &app.push(&alice, replay).await.results[0];
    assert_eq!(replay.status, PushStatus::Rejected);
    assert_eq!(code(replay.reason.as_deref().unwrap()), "not_assignee");
    assert_eq!(
        app.snapshot(&bob).await.cases[&bobs_case].status,
        CaseStatus::Assigned
    );
}

#[tokio::test]
async fn only_a_manager_closes_a_completed_case() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_in("alice", CaseStatus::Completed).await;
    let [mut manager, mut alice] = app.login_all(["manager", "alice"]).await;
    app.push_rejected_code(&mut alice, "case.close", args::case(case), "forbidden_role")
        .await;
    app.push_applied(&mut manager, "case.close", args::case(case))
        .await;
    let all = app.snapshot(&manager).await;
    assert_eq!(all.cases[&case].status, CaseStatus::Closed);
}

#[tokio::test]
async fn an_unknown_mutation_is_rejected_and_the_queue_goes_on() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_for("alice").create().await;
    let mut alice = app.login("alice").await;
    let batch = alice.queue(vec![
        ("case.teleport", args::case(case)),
        ("case.accept", json!({ "case_id": "not-a-uuid" })),
        ("case.accept", args::case(case)),
    ]);
    let res = app.push(&alice, batch).await;
    let got: Vec<_> = (res.results.iter())
        .map(|r| (r.status, r.reason.as_deref().map(code)))
        .collect();
    use PushStatus::{Applied, Rejected};
    let unknown = (Rejected, Some("unknown_mutation"));
    assert_eq!(
        got,
        [unknown, (Rejected, Some("invalid_args")), (Applied, None)]
    );
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
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, mut manager] = app.login_all(["alice", "manager"]).await;
    let part = args::part_use(case, "NOPE-0000", 1);
    app.push_rejected_code(&mut alice, "part.use", part, "unknown_part")
        .await;
    let photo = args::photo(case, &"a".repeat(64));
    app.push_rejected_code(&mut alice, "photo.add", photo, "blob_missing")
        .await;

    // A sign-off names its signature image the same way: it must be uploaded first.
    let signature = png(7);
    let sign_off = args::with(
        args::signed(case, &sha(&signature)),
        json!({ "signer_name": "Mr Wang", "satisfaction": 5 }),
    );
    let name = "case.sign_off";
    app.push_rejected_code(&mut alice, name, sign_off.clone(), "blob_missing")
        .await;
    assert!(app.snapshot(&alice).await.cases[&case].sign_off.is_none());
    app.upload(&alice, &signature).await;
    app.push_applied(&mut alice, name, sign_off).await;
    let signed = &app.snapshot(&alice).await.cases[&case];
    assert_eq!(signed.sign_off.as_ref().unwrap().signer_name, "Mr Wang");

    let assign = args::assign(case, manager.user.id);
    app.push_rejected_code(&mut manager, "case.assign", assign, "unknown_engineer")
        .await;
}

#[tokio::test]
async fn a_manager_creates_and_assigns_a_case() {
    let app = spawn_with(Seed::team()).await;
    let [mut manager, bob] = app.login_all(["manager", "bob"]).await;
    let (_, bob_cursor) = app.pull_all(&bob, None).await;
    let case = Uuid::new_v4();
    let batch = manager.queue(vec![
        ("case.create", args::case_create(case)),
        ("case.assign", args::assign(case, bob.user.id)),
    ]);
    assert_all(&app.push(&manager, batch).await, PushStatus::Applied);
    let page = app.pull(&bob, Some(&bob_cursor)).await;
    assert_eq!(page.changes.len(), 1);
    assert_eq!(page.changes[0].id, case.to_string());
    assert_eq!(page.changes[0].data["status"], "assigned");
}

#[tokio::test]
async fn push_checks_schema_and_batch_size() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let mut alice = app.login("alice").await;
    let push = json!({ "client_id": alice.client_id, "schema_version": 99, "mutations": [] });
    let res = app.send_json(Some(&alice), "POST /api/v1/sync/push", &push);
    assert_json_error(res.await, 400, "unsupported_schema").await;

    let batch: Vec<_> = (0..101)
        .map(|_| alice.next("case.accept", json!({ "case_id": Uuid::new_v4() })))
        .collect();
    let res = app.push_raw(&alice, batch).await;
    assert_json_error(res, 413, "payload_too_large").await;
}
