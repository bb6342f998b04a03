//! The device's replica as pure logic: server copy + pending changes re-applied in order.

mod common;

use std::collections::BTreeSet;

use common::*;
use onsite_core::mutation::*;
use onsite_core::replica::{cases_to_rebuild, rebuild, stock_with_pending, PendingChange};
use onsite_core::*;
use uuid::Uuid;

fn pending(actor: Actor, m: Mutation) -> PendingChange {
    PendingChange {
        actor,
        mutation: m,
        client_time: t0(),
        stock_moves: vec![],
    }
}

fn policies() -> Vec<SlaPolicy> {
    vec![SlaPolicy::standard(), SlaPolicy::strict()]
}

#[test]
fn a_pending_change_is_reapplied_on_the_servers_copy() {
    let server = World::assigned(2).cases;
    let queue = [pending(alice(), accept())];
    let ids = BTreeSet::from([CASE]);
    let view = rebuild(server.clone(), &ids, &queue, &policies());
    assert_eq!(view[&CASE].status, CaseStatus::Accepted);
    assert_eq!(
        server[&CASE].status,
        CaseStatus::Assigned,
        "the server's copy is untouched"
    );
}

#[test]
fn a_change_that_no_longer_applies_is_skipped_and_the_rest_still_apply() {
    // The manager reassigned the case to bob meanwhile: alice's queued accept no longer
    // applies; her report on another case does.
    let mut w = World::assigned(2);
    w.ok(manager(), assign(CASE, BOB));
    let other = Uuid::from_u128(101);
    w.create_assigned(other, 3, ALICE);
    let queue = [
        pending(alice(), accept()),
        pending(alice(), Mutation::Accept(CaseRef { case_id: other })),
    ];
    let ids = BTreeSet::from([CASE, other]);
    let view = rebuild(w.cases.clone(), &ids, &queue, &policies());
    assert_eq!(view[&CASE], w.cases[&CASE]);
    assert_eq!(view[&other].status, CaseStatus::Accepted);
}

#[test]
fn a_follow_up_rebuilds_both_cases_and_a_case_without_a_source_is_gone() {
    let mut w = World::in_progress();
    let new_case = Uuid::from_u128(2000);
    let follow = pending(alice(), follow_up(new_case, "second fan"));
    let ids = cases_to_rebuild(BTreeSet::from([CASE]), std::slice::from_ref(&follow));
    assert_eq!(ids, BTreeSet::from([CASE, new_case]));
    let view = rebuild(w.cases.clone(), &ids, &[follow], &policies());
    assert_eq!(view[&new_case].follow_up_of, Some(CASE));
    assert!(view[&CASE].follow_ups.contains(&new_case));

    // Without the pending change the new case has no source: it leaves the view.
    w.cases.remove(&new_case);
    let view = rebuild(w.cases.clone(), &ids, &[], &policies());
    assert!(!view.contains_key(&new_case));
}

#[test]
fn stock_shows_the_servers_count_plus_this_devices_pending_moves() {
    let level = StockLevel {
        part_no: "FAN-80".into(),
        engineer_id: ALICE,
        qty: 5,
        min_qty: 1,
    };
    let mv = |part: &str, who, delta| StockMove {
        engineer_id: who,
        part_no: part.into(),
        delta,
    };
    let mut used = pending(alice(), accept());
    used.stock_moves = vec![
        mv("FAN-80", ALICE, -2),
        mv("BAT-1", ALICE, -1),
        mv("FAN-80", BOB, -7),
    ];
    let mut corrected = used.clone();
    corrected.stock_moves = vec![mv("FAN-80", ALICE, 1)];
    assert_eq!(stock_with_pending(level.clone(), &[used, corrected]).qty, 4);
    assert_eq!(stock_with_pending(level, &[]).qty, 5);
}
