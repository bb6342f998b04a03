//! Issue 4 over HTTP: van-stock levels and reorder points, adjustments and their ledger.

use std::fmt::Display;

use onsite_core::wire::{Entity, PushStatus, StockLedgerResponse};
use onsite_core::{CaseStatus, StockLevel};
use serde_json::json;
use uuid::Uuid;

use crate::args;
use crate::helpers::{assert_all, assert_json_error, Device};
use crate::seed::{spawn_with, Seed, VAN_LOAD};

/// A manager, two engineers and three parts: alice carries two of them (one with a reorder
/// point above the default), bob the third.
fn vans() -> Seed {
    Seed::team()
        .part("P-100")
        .part("P-200")
        .part("P-300")
        .stock("alice", "P-100", 5)
        .stock("alice", "P-200", 2)
        .reorder_point("alice", "P-200", 3)
        .stock("bob", "P-300", 4)
}

/// The ledger of `engineer`'s van.
fn ledger(engineer: impl Display) -> String {
    format!("/api/v1/stock/ledger?engineer_id={engineer}")
}

/// The levels of `engineer`'s van.
fn levels(engineer: impl Display) -> String {
    format!("/api/v1/stock/levels?engineer_id={engineer}")
}

#[tokio::test]
async fn a_manager_reads_an_engineers_van_levels_with_reorder_points() {
    let app = spawn_with(vans()).await;
    let [manager, alice] = app.login_all(["manager", "alice"]).await;

    let got: Vec<StockLevel> = app.get_ok(&manager, &levels(alice.user.id), &[]).await;
    // Exactly what alice's own pull gives her (the snapshot is keyed, so sorted, by part_no).
    let pulled: Vec<StockLevel> = app.snapshot(&alice).await.stock.into_values().collect();
    assert!(!pulled.is_empty());
    assert_eq!(got, pulled);
    assert!(got.windows(2).all(|w| w[0].part_no < w[1].part_no));
    // Reorder points are real, not the default 1.
    assert!(got.iter().any(|s| s.min_qty > 1), "{got:?}");
    assert!(got.iter().all(|s| s.engineer_id == alice.user.id));

    // Manager only; every error is JSON.
    let res = app.get(&alice, &levels(alice.user.id), &[]).await;
    let body = assert_json_error(res, 403, "forbidden").await;
    assert!(
        body["message"].as_str().unwrap().contains("manager"),
        "{body}"
    );
    let m = Some(&manager);
    #[rustfmt::skip]
    let refusals = [
        (m, "GET /api/v1/stock/levels", None, 400, "invalid_query"),
        (m, &format!("GET {}", levels("not-a-uuid")), None, 400, "invalid_query"),
        (m, &format!("GET {}", levels(manager.user.id)), None, 404, "not_found"),
    ];
    app.assert_refused(&refusals).await;
}

#[tokio::test]
async fn a_manager_sets_a_reorder_point_and_the_engineer_pulls_it() {
    let app = spawn_with(vans()).await;
    let [manager, alice, bob] = app.login_all(["manager", "alice", "bob"]).await;
    let (_, cursor) = app.pull_all(&alice, None).await;
    let (_, bob_cursor) = app.pull_all(&bob, None).await;
    let before = app.snapshot(&alice).await.stock;
    let (part_no, line) = before
        .iter()
        .find(|(_, s)| s.qty > 0 && !s.is_low())
        .map(|(p, s)| (p.clone(), s.clone()))
        .expect("a line that is not low");
    let route = "PUT /api/v1/stock/reorder-point";
    let point = |engineer: Uuid, part_no: &str, min_qty: i64| json!({ "engineer_id": engineer, "part_no": part_no, "min_qty": min_qty });

    // Raised to the quantity on hand: the line is low from now on.
    let body = point(alice.user.id, &part_no, line.qty);
    let res = app.send_json(Some(&manager), route, &body).await;
    assert_eq!(res.status(), 200);
    let set: StockLevel = res.json().await.unwrap();
    assert_eq!((set.qty, set.min_qty), (line.qty, line.qty));
    assert!(set.is_low());
    // Alice's next pull brings exactly that line; bob's brings nothing of hers.
    let (changes, _) = app.pull_all(&alice, Some(&cursor)).await;
    let stock: Vec<StockLevel> = changes
        .iter()
        .filter(|c| c.entity == Entity::Stock)
        .map(|c| serde_json::from_value(c.data.clone()).unwrap())
        .collect();
    assert_eq!(stock, vec![set.clone()]);
    let (bob_changes, _) = app.pull_all(&bob, Some(&bob_cursor)).await;
    assert!(bob_changes.iter().all(|c| c.entity != Entity::Stock));

    // A part the van does not hold yet gets a line at 0.
    let catalog = app.snapshot(&manager).await.parts;
    let new_part = catalog
        .keys()
        .find(|p| !before.contains_key(*p))
        .expect("a catalog part alice has none of")
        .clone();
    let body = point(alice.user.id, &new_part, 2);
    let res = app.send_json(Some(&manager), route, &body).await;
    let added: StockLevel = res.json().await.unwrap();
    assert_eq!((added.qty, added.min_qty), (0, 2));
    assert_eq!(app.snapshot(&alice).await.stock[&new_part], added);

    // Manager only, a real engineer and part, a sane number; every error is JSON.
    let ok = |min: i64| Some(point(alice.user.id, &part_no, min));
    let (a, m) = (Some(&alice), Some(&manager));
    let unknown_part = Some(point(alice.user.id, "NOPE-0000", 1));
    let not_an_engineer = Some(point(manager.user.id, &part_no, 1));
    let no_part = Some(json!({ "engineer_id": alice.user.id }));
    #[rustfmt::skip]
    let refusals = [
        (a, route, ok(1), 403, "forbidden"),
        (m, route, ok(-1), 400, "invalid_min_qty"),
        (m, route, ok(10_001), 400, "invalid_min_qty"),
        (m, route, unknown_part, 400, "unknown_part"),
        (m, route, not_an_engineer, 404, "not_found"),
        (m, route, no_part, 400, "invalid_body"),
    ];
    app.assert_refused(&refusals).await;
    // Nothing the refusals carried was stored.
    assert_eq!(app.snapshot(&alice).await.stock[&part_no], set);
}

#[tokio::test]
async fn a_manager_adjusts_van_stock_and_the_ledger_lists_every_movement() {
    let app = spawn_with(vans()).await;
    let case = app.case_for("alice").create().await;
    let [mut manager, mut alice] = app.login_all(["manager", "alice"]).await;
    let (alice_id, manager_id) = (alice.user.id, manager.user.id);
    let snap = app.snapshot(&alice).await;
    let (part_no, before) = snap
        .stock
        .iter()
        .find(|(_, s)| s.qty >= 3)
        .map(|(p, s)| (p.clone(), s.qty))
        .expect("alice has stock");

    let adjust = |delta: i64, engineer: Uuid| json!({ "engineer_id": engineer, "part_no": part_no, "delta": delta, "reason": "Replenished from the warehouse" });
    app.push_applied(&mut manager, "stock.adjust", adjust(5, alice_id))
        .await;
    let after = app.snapshot(&alice).await;
    assert_eq!(after.stock[&part_no].qty, before + 5, "the engineer's pull");

    // Engineers may not adjust; unknown parts, zero deltas and non-engineers are rejected.
    let forbidden = adjust(5, alice_id);
    app.push_rejected_code(&mut alice, "stock.adjust", forbidden, "forbidden_role")
        .await;
    let unknown = args::with(adjust(1, alice_id), json!({ "part_no": "NO-SUCH-PART" }));
    let not_an_engineer = adjust(1, manager_id);
    for (args, code) in [
        (unknown, "unknown_part"),
        (not_an_engineer, "unknown_engineer"),
    ] {
        app.push_rejected_code(&mut manager, "stock.adjust", args, code)
            .await;
    }
    app.push_rejected(&mut manager, "stock.adjust", adjust(0, alice_id))
        .await;

    // Use 2 on a case, correct it down by 1, then take the van below zero (allowed, visible).
    app.push_applied(&mut alice, "case.accept", args::case(case))
        .await;
    let work = args::to_status(case, "in_progress");
    app.push_applied(&mut alice, "case.set_status", work).await;
    let usage = args::part_use(case, &part_no, 2);
    let correct = args::part_correct(case, &usage["usage_id"], -1);
    app.push_applied(&mut alice, "part.use", usage).await;
    app.push_applied(&mut alice, "part.correct", correct).await;
    let level = before + 5 - 2 + 1;
    app.push_applied(&mut manager, "stock.adjust", adjust(-(level + 3), alice_id))
        .await;
    let stock = app.snapshot(&alice).await.stock.remove(&part_no).unwrap();
    assert_eq!(stock.qty, -3);
    assert!(stock.is_negative());

    let body: StockLedgerResponse = app.get_ok(&manager, &ledger(alice_id), &[]).await;
    let lines: Vec<_> = body.lines.iter().filter(|l| l.part_no == part_no).collect();
    let moves: Vec<(&str, i64)> = lines
        .iter()
        .filter(|l| l.reason != VAN_LOAD && l.reason != "part.use" || l.mutation_id.is_some())
        .map(|l| (l.reason.as_str(), l.delta))
        .collect();
    assert_eq!(
        moves,
        [
            ("stock.adjust", 5),
            ("part.use", -2),
            ("part.correct", 1),
            ("stock.adjust", -(level + 3)),
        ]
    );
    let adjust_line = lines.iter().find(|l| l.reason == "stock.adjust").unwrap();
    assert_eq!(
        adjust_line.note.as_deref(),
        Some("Replenished from the warehouse")
    );
    assert_eq!(adjust_line.case_id, None);
    assert!(lines
        .iter()
        .any(|l| l.reason == "part.correct" && l.case_id == Some(case)));
    // The whole ledger sums to the level.
    assert_eq!(lines.iter().map(|l| l.delta).sum::<i64>(), -3);

    // Manager only; every error is JSON.
    let (a, m) = (Some(&alice), Some(&manager));
    #[rustfmt::skip]
    let refusals = [
        (a, &*format!("GET {}", ledger(alice_id)), None, 403, "forbidden"),
        (m, &format!("GET {}", ledger("not-a-uuid")), None, 400, "invalid_query"),
        (m, &format!("GET {}", ledger(manager_id)), None, 404, "not_found"),
    ];
    app.assert_refused(&refusals).await;
}

/// A push's van-stock moves are written together at its end: each use still gets its own
/// ledger line, the level counts every one, and the case whose use took the van below zero
/// is flagged once, for that part only, even when a later correction in the same push
/// brings the van back to zero.
#[tokio::test]
async fn uses_in_one_push_that_take_a_van_below_zero_flag_the_case_once() {
    let app = spawn_with(vans()).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, manager] = app.login_all(["alice", "manager"]).await;
    let uses = |dev: &mut Device, parts: &[&str]| -> Vec<_> {
        parts
            .iter()
            .map(|p| dev.next("part.use", args::part_use(case, p, 1)))
            .collect()
    };
    let mut batch = uses(&mut alice, &["P-200", "P-100", "P-200", "P-200"]);
    let first_use = batch[0].args["usage_id"].clone();
    batch.push(alice.next("part.correct", args::part_correct(case, first_use, -1)));
    assert_all(&app.push(&alice, batch).await, PushStatus::Applied);
    let negative = |part: &str| onsite_core::CaseFlag::NegativeStock {
        part_no: part.into(),
    };
    let snap = app.snapshot(&alice).await;
    assert_eq!(snap.stock["P-200"].qty, 0);
    assert_eq!(snap.stock["P-100"].qty, 4);
    let flags = &snap.cases[&case].flags;
    assert_eq!(flags.iter().filter(|f| **f == negative("P-200")).count(), 1);
    assert!(!flags.contains(&negative("P-100")), "{flags:?}");

    // The next use goes further below zero: the flag is not repeated.
    let batch = uses(&mut alice, &["P-200"]);
    app.push(&alice, batch).await;
    let snap = app.snapshot(&alice).await;
    assert_eq!(snap.stock["P-200"].qty, -1);
    let flags = &snap.cases[&case].flags;
    assert_eq!(flags.iter().filter(|f| **f == negative("P-200")).count(), 1);

    let body: StockLedgerResponse = app.get_ok(&manager, &ledger(alice.user.id), &[]).await;
    let used: Vec<i64> = body
        .lines
        .iter()
        .filter(|l| l.part_no == "P-200" && l.reason == "part.use")
        .map(|l| l.delta)
        .collect();
    assert_eq!(used, [-1, -1, -1, -1], "one ledger line per use");
}

/// Alice used two of P-100 and the case went to Bob; Bob corrects her use down by one: the
/// part goes back into Alice's van on the server (her level, her ledger, her pull), and
/// Bob's van does not move.
#[tokio::test]
async fn a_correction_after_a_reassignment_moves_the_van_the_part_came_from() {
    let app = spawn_with(vans()).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, mut bob, mut manager] = app.login_all(["alice", "bob", "manager"]).await;
    let used = alice.next("part.use", args::part_use(case, "P-100", 2));
    let usage = used.args["usage_id"].clone();
    assert_all(&app.push(&alice, vec![used]).await, PushStatus::Applied);
    let bob_id = bob.user.id;
    app.push_applied(&mut manager, "case.assign", args::assign(case, bob_id))
        .await;
    app.push_applied(&mut bob, "case.accept", args::case(case))
        .await;
    app.push_applied(
        &mut bob,
        "part.correct",
        args::part_correct(case, usage, -1),
    )
    .await;

    assert_eq!(
        app.snapshot(&alice).await.stock["P-100"].qty,
        4,
        "5 - 2 + 1"
    );
    let bobs: Vec<StockLevel> = app.get_ok(&manager, &levels(bob_id), &[]).await;
    assert!(bobs.iter().all(|l| l.part_no != "P-100"), "{bobs:?}");
    let body: StockLedgerResponse = app.get_ok(&manager, &ledger(alice.user.id), &[]).await;
    let moves: Vec<(String, i64)> = body
        .lines
        .iter()
        .filter(|l| l.part_no == "P-100")
        .map(|l| (l.reason.clone(), l.delta))
        .collect();
    assert_eq!(
        moves.last(),
        Some(&("part.correct".to_string(), 1)),
        "{moves:?}"
    );
}
