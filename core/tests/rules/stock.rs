//! Van stock: use, correction and adjustment sum to the ledger; only a manager adjusts.

use onsite_core::mutation::*;
use onsite_core::*;
use uuid::Uuid;

use crate::common::*;

fn adjust(engineer_id: Uuid, part_no: &str, delta: i64, reason: &str) -> Mutation {
    Mutation::StockAdjust(StockAdjustArgs {
        engineer_id,
        part_no: part_no.into(),
        delta,
        reason: reason.into(),
    })
}

#[test]
fn use_correction_and_adjust_sum_to_the_ledger() {
    let part = "BAT-12V-9AH";
    let mut w = World::in_progress();
    let mut ledger: Vec<StockMove> = Vec::new();
    let mut run = |w: &mut World, actor: Actor, m: Mutation| {
        let out = w.run(actor, m).expect("applied");
        ledger.extend(out.stock_moves.clone());
        out
    };
    // Replenish 5, use 3, correct the use down by 1 (2 used), use 6 more: 5 - 3 + 1 - 6 = -3.
    let out = run(&mut w, manager(), adjust(ALICE, part, 5, "replenish"));
    assert!(out.cases.is_empty(), "stock.adjust touches no case");
    assert_eq!(
        out.stock_moves,
        [StockMove {
            engineer_id: ALICE,
            part_no: part.into(),
            delta: 5
        }]
    );
    let correct = part_correct(8, Uuid::from_u128(7), -1);
    for m in [part_use(7, part, 3), correct, part_use(9, part, 6)] {
        run(&mut w, alice(), m);
    }
    let deltas: Vec<i64> = ledger.iter().map(|m| m.delta).collect();
    assert_eq!(deltas, [5, -3, 1, -6]);
    let level = StockLevel {
        part_no: part.into(),
        engineer_id: ALICE,
        qty: w.stock[&(ALICE, part.to_string())],
        min_qty: 2,
    };
    assert_eq!(level.qty, deltas.iter().sum::<i64>());
    assert_eq!(level.qty, -3);
    assert!(level.is_negative(), "negative stock is allowed but flagged");
    assert!(
        level.is_low(),
        "negative stock is also below the reorder point"
    );
    let restocked = StockLevel {
        qty: 3,
        ..level.clone()
    };
    assert!(!restocked.is_low() && !restocked.is_negative());
    assert!(
        StockLevel {
            qty: 2,
            ..level.clone()
        }
        .is_low(),
        "at the reorder point is low"
    );
    // The case's net parts agree with what left the van through it.
    assert_eq!(w.case().net_parts(), [(part.to_string(), 8)]);
    // A manager correction back up to zero.
    w.ok(manager(), adjust(ALICE, part, 3, "stock count"));
    assert_eq!(w.stock[&(ALICE, part.to_string())], 0);
}

#[test]
fn only_a_manager_adjusts_stock_with_a_delta_and_a_reason() {
    let mut w = World::new();
    let found = adjust(ALICE, "FAN-1", 2, "found in the van");
    assert_eq!(w.err(alice(), found), "forbidden_role");
    for bad in [
        adjust(ALICE, "FAN-1", 0, "nothing"),
        adjust(ALICE, "FAN-1", 2, " "),
        adjust(ALICE, " ", 2, "why"),
        adjust(ALICE, "FAN-1", MAX_QTY + 1, "too many"),
    ] {
        assert_eq!(w.err(manager(), bad), "invalid_args");
    }
    assert!(w.stock.is_empty());
    w.ok(
        manager(),
        adjust(BOB, "FAN-1", -2, "returned to the warehouse"),
    );
    assert_eq!(w.stock[&(BOB, "FAN-1".to_string())], -2);
    let m = adjust(BOB, "FAN-1", -2, "returned");
    assert_eq!(m.target_case(), None);
    assert!(m.touched_case_ids().is_empty());
    let wire = m.to_wire(1, Uuid::from_u128(5), t0());
    assert_eq!(wire.name, "stock.adjust");
    assert_eq!(Mutation::parse(&wire.name, &wire.args).unwrap(), m);
}

/// Alice used three, the case went to Bob, Bob corrects the use down by one: the part goes
/// back into Alice's van, the one it came from, and Bob's van does not move.
#[test]
fn a_correction_after_a_reassignment_moves_the_van_the_part_came_from() {
    let part = "FAN-1";
    let mut w = World::in_progress();
    w.ok(alice(), part_use(7, part, 3));
    w.ok(manager(), assign(CASE, BOB));
    w.ok(bob(), accept());
    let out = w
        .run(bob(), part_correct(8, Uuid::from_u128(7), -1))
        .unwrap();
    assert_eq!(
        out.stock_moves,
        [StockMove {
            engineer_id: ALICE,
            part_no: part.into(),
            delta: 1
        }]
    );
    assert_eq!(w.stock[&(ALICE, part.to_string())], -2);
    assert!(!w.stock.contains_key(&(BOB, part.to_string())));
    assert_eq!(w.case().net_parts(), [(part.to_string(), 2)]);

    // A use stored before uses kept their van: the timeline says whose it was.
    let old = Uuid::from_u128(9);
    w.ok(bob(), part_use(9, part, 4));
    w.cases
        .get_mut(&CASE)
        .unwrap()
        .parts
        .last_mut()
        .unwrap()
        .van = None;
    w.ok(manager(), assign(CASE, ALICE));
    w.ok(alice(), accept());
    let out = w.run(alice(), part_correct(10, old, -1)).unwrap();
    assert_eq!(out.stock_moves[0].engineer_id, BOB, "{:?}", out.stock_moves);
}
