use onsite_core::wire::{ChangeOp, Entity};
use onsite_core::CaseStatus;

use crate::args;
use crate::seed::{spawn_with, Seed};

#[tokio::test]
async fn each_user_sees_only_what_they_may() {
    let seed = Seed::team()
        .part("P-100")
        .part("P-200")
        .stock("alice", "P-100", 5)
        .stock("bob", "P-100", 2)
        .stock("bob", "P-200", 1);
    let app = spawn_with(seed).await;
    for status in [CaseStatus::Assigned, CaseStatus::InProgress] {
        app.case_in("alice", status).await;
        app.case_in("bob", status).await;
    }
    app.unassigned_case().create().await;
    let [alice, bob, manager] = app.login_all(["alice", "bob", "manager"]).await;
    let a = app.snapshot(&alice).await;
    let b = app.snapshot(&bob).await;
    let m = app.snapshot(&manager).await;

    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(m.cases.len() as i64, total, "a manager sees every case");
    assert!(!a.cases.is_empty() && !b.cases.is_empty());
    assert!(a
        .cases
        .values()
        .all(|c| c.assignee_id == Some(alice.user.id)));
    assert!(b.cases.values().all(|c| c.assignee_id == Some(bob.user.id)));
    let alices = m
        .cases
        .values()
        .filter(|c| c.assignee_id == Some(alice.user.id))
        .count();
    assert_eq!(a.cases.len(), alices);

    for s in [&a, &b, &m] {
        let parts: Vec<&str> = s.parts.keys().map(String::as_str).collect();
        assert_eq!(parts, ["P-100", "P-200"], "the whole catalog for everyone");
    }
    assert!(!a.stock.is_empty());
    assert!(a.stock.values().all(|s| s.engineer_id == alice.user.id));
    assert!(b.stock.values().all(|s| s.engineer_id == bob.user.id));
    assert!(m.stock.is_empty(), "managers carry no van stock");
}

#[tokio::test]
async fn pages_and_cursors() {
    let app = spawn_with(Seed::new().engineer("alice").parts(1500)).await;
    let alice = app.login("alice").await;
    let first = app.pull(&alice, None).await;
    assert!(first.reset);
    assert!(first.has_more, "the catalog alone is more than a page");
    assert_eq!(first.changes.len(), 1000);
    let second = app.pull(&alice, Some(&first.cursor)).await;
    assert!(!second.reset);
    assert!(second.changes.iter().all(|c| !first.changes.contains(c)));

    // Garbage, another epoch or a position past the end start over.
    for bad in ["garbage", "deadbeef.5", "", "x.y.z"] {
        let page = app.pull(&alice, Some(bad)).await;
        assert!(page.reset, "{bad}");
        assert_eq!(page.changes, first.changes);
    }
    let epoch = first.cursor.split('.').next().unwrap();
    let page = app.pull(&alice, Some(&format!("{epoch}.99999999"))).await;
    assert!(page.reset);

    // Caught up: an empty page at the same position.
    let (_, cursor) = app.pull_all(&alice, None).await;
    let page = app.pull(&alice, Some(&cursor)).await;
    assert!(page.changes.is_empty() && !page.has_more && !page.reset);
    assert_eq!(page.cursor, cursor);
}

#[tokio::test]
async fn an_incremental_pull_returns_just_the_change() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_for("alice").create().await;
    let [mut alice, manager] = app.login_all(["alice", "manager"]).await;
    let snap = app.snapshot(&alice).await;
    let (_, m_cursor) = app.pull_all(&manager, None).await;
    app.push_applied(&mut alice, "case.accept", args::case(case))
        .await;

    for (dev, cursor) in [(&alice, &snap.cursor), (&manager, &m_cursor)] {
        let page = app.pull(dev, Some(cursor)).await;
        assert!(!page.reset);
        assert_eq!(page.changes.len(), 1, "{:?}", page.changes);
        let c = &page.changes[0];
        assert_eq!((c.entity, c.op), (Entity::Case, ChangeOp::Put));
        assert_eq!(c.id, case.to_string());
        assert_eq!(c.data["status"], "accepted");
        assert!(c.data["sla"]["responded_at"].is_string());
    }
}

#[tokio::test]
async fn reassigning_sends_the_previous_engineer_a_tombstone() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_for("alice").create().await;
    let [alice, bob, mut manager] = app.login_all(["alice", "bob", "manager"]).await;
    let a = app.snapshot(&alice).await;
    let (_, bob_cursor) = app.pull_all(&bob, None).await;

    let to_bob = args::assign(case, bob.user.id);
    app.push_applied(&mut manager, "case.assign", to_bob).await;

    let page = app.pull(&alice, Some(&a.cursor)).await;
    assert_eq!(page.changes.len(), 1, "{:?}", page.changes);
    assert_eq!(page.changes[0].op, ChangeOp::Delete);
    assert_eq!(page.changes[0].entity, Entity::Case);
    assert_eq!(page.changes[0].id, case.to_string());

    let page = app.pull(&bob, Some(&bob_cursor)).await;
    assert_eq!(page.changes.len(), 1);
    assert_eq!(page.changes[0].op, ChangeOp::Put);
    assert_eq!(page.changes[0].data["assignee_id"], bob.user.id.to_string());

    // A full pull no longer shows it to alice.
    assert!(!app.snapshot(&alice).await.cases.contains_key(&case));

    // And back: alice gets it again, bob gets the tombstone.
    let to_alice = args::assign(case, alice.user.id);
    app.push_applied(&mut manager, "case.assign", to_alice)
        .await;
    let page = app.pull(&alice, Some(&a.cursor)).await;
    assert_eq!(page.changes.len(), 1, "{:?}", page.changes);
    assert_eq!(page.changes[0].op, ChangeOp::Put);
    assert!(app.snapshot(&alice).await.cases.contains_key(&case));
    assert!(!app.snapshot(&bob).await.cases.contains_key(&case));
}

#[tokio::test]
async fn stock_changes_reach_only_their_engineer() {
    let seed = Seed::team()
        .part("P-100")
        .stock("alice", "P-100", 5)
        .stock("bob", "P-100", 5);
    let app = spawn_with(seed).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, bob, manager] = app.login_all(["alice", "bob", "manager"]).await;
    let a = app.snapshot(&alice).await;
    let (_, bob_cursor) = app.pull_all(&bob, None).await;
    let (_, m_cursor) = app.pull_all(&manager, None).await;
    let part_no = "P-100".to_string();
    app.push_applied(&mut alice, "part.use", args::part_use(case, &part_no, 1))
        .await;
    let page = app.pull(&alice, Some(&a.cursor)).await;
    let kinds: Vec<_> = page.changes.iter().map(|c| c.entity).collect();
    assert!(kinds.contains(&Entity::Stock) && kinds.contains(&Entity::Case));
    let stock = page
        .changes
        .iter()
        .find(|c| c.entity == Entity::Stock)
        .unwrap();
    assert_eq!(stock.id, part_no);
    assert_eq!(stock.data["qty"], a.stock[&part_no].qty - 1);
    // Bob sees nothing; the manager sees the case only.
    assert!(app.pull(&bob, Some(&bob_cursor)).await.changes.is_empty());
    let m = app.pull(&manager, Some(&m_cursor)).await;
    assert_eq!(m.changes.len(), 1);
    assert_eq!(m.changes[0].entity, Entity::Case);
}
