//! Issue 4 over HTTP: van-stock levels and reorder points, adjustments and their ledger.

use onsite_core::wire::{Entity, PushStatus, StockLedgerResponse};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_json_error, Device, TestApp};
use crate::seed::{spawn_with, Seed, VAN_LOAD};

/// A manager, two engineers and three parts: alice carries two of them (one with a reorder
/// point above the default), bob the third.
fn vans() -> Seed {
    Seed::new()
        .manager("manager")
        .engineer("alice")
        .engineer("bob")
        .part("P-100")
        .part("P-200")
        .part("P-300")
        .stock("alice", "P-100", 5)
        .stock("alice", "P-200", 2)
        .reorder_point("alice", "P-200", 3)
        .stock("bob", "P-300", 4)
}

async fn ledger(app: &TestApp, dev: &Device, engineer: &str) -> reqwest::Response {
    app.http
        .get(app.url("/api/v1/stock/ledger"))
        .bearer_auth(&dev.token)
        .query(&[("engineer_id", engineer)])
        .send()
        .await
        .expect("ledger request")
}

async fn levels(app: &TestApp, dev: &Device, query: &[(&str, &str)]) -> reqwest::Response {
    app.http
        .get(app.url("/api/v1/stock/levels"))
        .bearer_auth(&dev.token)
        .query(query)
        .send()
        .await
        .expect("levels request")
}

#[tokio::test]
async fn a_manager_reads_an_engineers_van_levels_with_reorder_points() {
    let app = spawn_with(vans()).await;
    let manager = app.login("manager").await;
    let alice = app.login("alice").await;
    let alice_id = alice.user.id.to_string();

    let res = levels(&app, &manager, &[("engineer_id", &alice_id)]).await;
    assert_eq!(res.status(), 200);
    let got: Vec<onsite_core::StockLevel> = res.json().await.unwrap();
    // Exactly what alice's own pull gives her (the snapshot is keyed, so sorted, by part_no).
    let pulled: Vec<onsite_core::StockLevel> =
        app.snapshot(&alice).await.stock.into_values().collect();
    assert!(!pulled.is_empty());
    assert_eq!(got, pulled);
    assert!(got.windows(2).all(|w| w[0].part_no < w[1].part_no));
    // Reorder points are real, not the default 1.
    assert!(got.iter().any(|s| s.min_qty > 1), "{got:?}");
    assert!(got.iter().all(|s| s.engineer_id == alice.user.id));

    // Manager only; every error is JSON.
    let body = assert_json_error(
        levels(&app, &alice, &[("engineer_id", &alice_id)]).await,
        403,
        "forbidden",
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("manager"),
        "{body}"
    );
    assert_json_error(levels(&app, &manager, &[]).await, 400, "invalid_query").await;
    assert_json_error(
        levels(&app, &manager, &[("engineer_id", "not-a-uuid")]).await,
        400,
        "invalid_query",
    )
    .await;
    assert_json_error(
        levels(
            &app,
            &manager,
            &[("engineer_id", &manager.user.id.to_string())],
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

async fn put_reorder_point(app: &TestApp, dev: &Device, body: Value) -> reqwest::Response {
    app.http
        .put(app.url("/api/v1/stock/reorder-point"))
        .bearer_auth(&dev.token)
        .json(&body)
        .send()
        .await
        .expect("reorder point request")
}

#[tokio::test]
async fn a_manager_sets_a_reorder_point_and_the_engineer_pulls_it() {
    let app = spawn_with(vans()).await;
    let manager = app.login("manager").await;
    let alice = app.login("alice").await;
    let bob = app.login("bob").await;
    let (_, cursor) = app.pull_all(&alice, None).await;
    let (_, bob_cursor) = app.pull_all(&bob, None).await;
    let before = app.snapshot(&alice).await.stock;
    let (part_no, line) = before
        .iter()
        .find(|(_, s)| s.qty > 0 && !s.is_low())
        .map(|(p, s)| (p.clone(), s.clone()))
        .expect("a line that is not low");

    // Raised to the quantity on hand: the line is low from now on.
    let body = json!({ "engineer_id": alice.user.id, "part_no": part_no, "min_qty": line.qty });
    let res = put_reorder_point(&app, &manager, body).await;
    assert_eq!(res.status(), 200);
    let set: onsite_core::StockLevel = res.json().await.unwrap();
    assert_eq!((set.qty, set.min_qty), (line.qty, line.qty));
    assert!(set.is_low());
    // Alice's next pull brings exactly that line; bob's brings nothing of hers.
    let (changes, _) = app.pull_all(&alice, Some(&cursor)).await;
    let stock: Vec<onsite_core::StockLevel> = changes
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
    let res = put_reorder_point(
        &app,
        &manager,
        json!({ "engineer_id": alice.user.id, "part_no": new_part, "min_qty": 2 }),
    )
    .await;
    let added: onsite_core::StockLevel = res.json().await.unwrap();
    assert_eq!((added.qty, added.min_qty), (0, 2));
    assert_eq!(app.snapshot(&alice).await.stock[&new_part], added);

    // Manager only, a real engineer and part, a sane number; every error is JSON.
    let ok = |min: i64| json!({ "engineer_id": alice.user.id, "part_no": part_no, "min_qty": min });
    assert_json_error(
        put_reorder_point(&app, &alice, ok(1)).await,
        403,
        "forbidden",
    )
    .await;
    assert_json_error(
        put_reorder_point(&app, &manager, ok(-1)).await,
        400,
        "invalid_min_qty",
    )
    .await;
    assert_json_error(
        put_reorder_point(&app, &manager, ok(10_001)).await,
        400,
        "invalid_min_qty",
    )
    .await;
    assert_json_error(
        put_reorder_point(
            &app,
            &manager,
            json!({ "engineer_id": alice.user.id, "part_no": "NOPE-0000", "min_qty": 1 }),
        )
        .await,
        400,
        "unknown_part",
    )
    .await;
    assert_json_error(
        put_reorder_point(
            &app,
            &manager,
            json!({ "engineer_id": manager.user.id, "part_no": part_no, "min_qty": 1 }),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_json_error(
        put_reorder_point(&app, &manager, json!({ "engineer_id": alice.user.id })).await,
        400,
        "invalid_body",
    )
    .await;
    // Nothing the refusals carried was stored.
    assert_eq!(app.snapshot(&alice).await.stock[&part_no], set);
}

#[tokio::test]
async fn a_manager_adjusts_van_stock_and_the_ledger_lists_every_movement() {
    let app = spawn_with(vans()).await;
    let case = app.case_for("alice").create().await;
    let mut manager = app.login("manager").await;
    let mut alice = app.login("alice").await;
    let alice_id = alice.user.id;
    let manager_id = manager.user.id;
    let snap = app.snapshot(&alice).await;
    let (part_no, before) = snap
        .stock
        .iter()
        .find(|(_, s)| s.qty >= 3)
        .map(|(p, s)| (p.clone(), s.qty))
        .expect("alice has stock");

    let adjust = |delta: i64, engineer: Uuid| json!({ "engineer_id": engineer, "part_no": part_no, "delta": delta, "reason": "Replenished from the warehouse" });
    let (status, reason) = app
        .push_one(&mut manager, "stock.adjust", adjust(5, alice_id))
        .await;
    assert_eq!(status, PushStatus::Applied, "{reason:?}");
    let after = app.snapshot(&alice).await;
    assert_eq!(after.stock[&part_no].qty, before + 5, "the engineer's pull");

    // Engineers may not adjust; unknown parts, zero deltas and non-engineers are rejected.
    let (status, reason) = app
        .push_one(&mut alice, "stock.adjust", adjust(5, alice_id))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("forbidden_role"));
    let mut unknown = adjust(1, alice_id);
    unknown["part_no"] = json!("NO-SUCH-PART");
    let (status, reason) = app.push_one(&mut manager, "stock.adjust", unknown).await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("unknown_part"));
    let (status, _) = app
        .push_one(&mut manager, "stock.adjust", adjust(0, alice_id))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    let (status, reason) = app
        .push_one(&mut manager, "stock.adjust", adjust(1, manager_id))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("unknown_engineer"));

    // Use 2 on a case, correct it down by 1, then take the van below zero (allowed, visible).
    app.push_one(&mut alice, "case.accept", json!({ "case_id": case }))
        .await;
    app.push_one(
        &mut alice,
        "case.set_status",
        json!({ "case_id": case, "status": "in_progress" }),
    )
    .await;
    let usage = Uuid::new_v4();
    let (status, _) = app
        .push_one(
            &mut alice,
            "part.use",
            json!({ "case_id": case, "usage_id": usage, "part_no": part_no, "qty": 2, "returned_defective": false }),
        )
        .await;
    assert_eq!(status, PushStatus::Applied);
    let (status, _) = app
        .push_one(
            &mut alice,
            "part.correct",
            json!({ "case_id": case, "usage_id": Uuid::new_v4(), "corrects": usage, "qty_delta": -1 }),
        )
        .await;
    assert_eq!(status, PushStatus::Applied);
    let level = before + 5 - 2 + 1;
    let (status, _) = app
        .push_one(&mut manager, "stock.adjust", adjust(-(level + 3), alice_id))
        .await;
    assert_eq!(status, PushStatus::Applied);
    let stock = app.snapshot(&alice).await.stock.remove(&part_no).unwrap();
    assert_eq!(stock.qty, -3);
    assert!(stock.is_negative());

    let res = ledger(&app, &manager, &alice.user.id.to_string()).await;
    assert_eq!(res.status(), 200);
    let body: StockLedgerResponse = res.json().await.unwrap();
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
    assert_json_error(
        ledger(&app, &alice, &alice.user.id.to_string()).await,
        403,
        "forbidden",
    )
    .await;
    assert_json_error(
        ledger(&app, &manager, "not-a-uuid").await,
        400,
        "invalid_query",
    )
    .await;
    assert_json_error(
        ledger(&app, &manager, &manager.user.id.to_string()).await,
        404,
        "not_found",
    )
    .await;
}

/// A push's van-stock moves are written together at its end: each use still gets its own
/// ledger line, the level counts every one, and the case whose use took the van below zero
/// is flagged once, for that part only, even when a later correction in the same push
/// brings the van back to zero.
#[tokio::test]
async fn uses_in_one_push_that_take_a_van_below_zero_flag_the_case_once() {
    let app = spawn_with(vans()).await;
    let case = app
        .case_for("alice")
        .status(onsite_core::CaseStatus::InProgress)
        .create()
        .await;
    let mut alice = app.login("alice").await;
    let manager = app.login("manager").await;
    let uses = |dev: &mut Device, parts: &[&str]| -> Vec<_> {
        parts
            .iter()
            .map(|p| {
                dev.next(
                    "part.use",
                    json!({ "case_id": case, "usage_id": Uuid::new_v4(), "part_no": p, "qty": 1, "returned_defective": false }),
                )
            })
            .collect()
    };
    let mut batch = uses(&mut alice, &["P-200", "P-100", "P-200", "P-200"]);
    let first_use = batch[0].args["usage_id"].clone();
    batch.push(alice.next(
        "part.correct",
        json!({ "case_id": case, "usage_id": Uuid::new_v4(), "corrects": first_use, "qty_delta": -1 }),
    ));
    let answer = app.push(&alice, batch).await;
    assert!(
        answer
            .results
            .iter()
            .all(|r| r.status == PushStatus::Applied),
        "{answer:?}"
    );
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

    let res = ledger(&app, &manager, &alice.user.id.to_string()).await;
    let body: StockLedgerResponse = res.json().await.unwrap();
    let used: Vec<i64> = body
        .lines
        .iter()
        .filter(|l| l.part_no == "P-200" && l.reason == "part.use")
        .map(|l| l.delta)
        .collect();
    assert_eq!(used, [-1, -1, -1, -1], "one ledger line per use");
}
