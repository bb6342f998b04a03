//! Time corrections, past fixes (the knowledge base) and contract SLA policies.

mod common;

use chrono::Duration;
use common::*;
use onsite_core::knowledge::{search, PastFix};
use onsite_core::mutation::*;
use onsite_core::wire::PolicyRecord;
use onsite_core::*;
use uuid::Uuid;

fn correct(entry: u128, corrects: u128, span: Option<(i64, i64)>) -> Mutation {
    Mutation::TimeCorrect(TimeCorrectArgs {
        case_id: CASE,
        entry_id: Uuid::from_u128(entry),
        corrects: Uuid::from_u128(corrects),
        start: span.map(|(s, _)| t0() + Duration::minutes(s)),
        end: span.map(|(s, m)| t0() + Duration::minutes(s + m)),
    })
}

#[test]
fn a_correction_replaces_an_entry_and_totals_count_only_live_entries() {
    let mut w = World::in_progress();
    w.ok(alice(), time_log(1, TimeKind::Travel, 0, 45));
    w.ok(alice(), time_log(2, TimeKind::Work, 60, 600));
    assert_eq!(w.case().labour_minutes(), (45, 600));

    // Work was 2 h, not 10 h: the new entry replaces it, keeping the kind.
    w.ok(alice(), correct(3, 2, Some((60, 120))));
    assert_eq!(w.case().labour_minutes(), (45, 120));
    let old = w.time_entry(2);
    assert_eq!(
        old.superseded_by,
        Some(Uuid::from_u128(3)),
        "kept, not edited"
    );
    let new = w.time_entry(3);
    assert_eq!(new.kind, TimeKind::Work);
    assert_eq!(new.corrects, Some(Uuid::from_u128(2)));

    // Travel was logged by mistake: struck out with no replacement.
    w.ok(alice(), correct(4, 1, None));
    assert_eq!(w.case().labour_minutes(), (0, 120));
    assert_eq!(w.case().effective_time_entries().count(), 1);
    assert_eq!(w.case().time_entries.len(), 3, "nothing is deleted");
}

#[test]
fn time_corrections_replay_once_and_never_twice_over_one_entry() {
    let mut w = World::in_progress();
    w.ok(alice(), time_log(1, TimeKind::Work, 0, 90));
    w.ok(alice(), correct(2, 1, Some((0, 60))));
    let before = w.case().clone();
    // The same correction again (a replay) changes nothing.
    let replay = w.run(alice(), correct(2, 1, Some((0, 60))));
    assert!(replay.unwrap().cases.is_empty());
    assert_eq!(w.case(), &before);
    // A different correction reusing the id conflicts.
    assert_eq!(w.err(alice(), correct(2, 1, Some((0, 30)))), "conflict");
    // A second correction of the already-corrected entry conflicts: correct the new one.
    assert_eq!(w.err(alice(), correct(5, 1, Some((0, 30)))), "conflict");
    w.ok(alice(), correct(6, 2, Some((0, 30))));
    assert_eq!(w.case().labour_minutes(), (0, 30));
    // A strike-out replays as a no-op too.
    w.ok(alice(), correct(7, 6, None));
    assert!(w
        .run(alice(), correct(7, 6, None))
        .unwrap()
        .cases
        .is_empty());
    assert_eq!(w.case().labour_minutes(), (0, 0));
}

#[test]
fn time_corrections_are_validated_and_authorized() {
    let mut w = World::in_progress();
    w.ok(alice(), time_log(1, TimeKind::Work, 0, 90));
    for bad in [
        correct(1, 1, None),
        correct(2, 1, Some((0, 0))),
        correct(2, 1, Some((0, 25 * 60))),
        Mutation::TimeCorrect(TimeCorrectArgs {
            case_id: CASE,
            entry_id: Uuid::from_u128(2),
            corrects: Uuid::from_u128(1),
            start: Some(t0()),
            end: None,
        }),
    ] {
        assert_eq!(w.err(alice(), bad), "invalid_args");
    }
    assert_eq!(w.err(alice(), correct(2, 99, None)), "not_found");
    assert_eq!(w.err(bob(), correct(2, 1, None)), "not_assignee");
    // A manager fixes labour while the case is worked; once completed the time is part of
    // what the customer signed, so it takes a reopen — for the engineer and the manager alike.
    w.ok(manager(), correct(3, 1, Some((0, 75))));
    assert_eq!(w.case().labour_minutes(), (0, 75));
    w.complete();
    for who in [alice(), manager()] {
        assert_eq!(
            w.err(who, correct(4, 3, Some((0, 70)))),
            "invalid_status",
            "no correction under a customer's signature"
        );
    }
    w.ok(manager(), reopen("labour to be corrected"));
    w.ok(alice(), correct(4, 3, Some((0, 70))));
    assert_eq!(w.case().labour_minutes(), (0, 70));
    w.ok(alice(), w.sign_off(10, "Mr Wang"));
    w.ok(alice(), set_status(CaseStatus::Completed, None));
    w.ok(manager(), close());
    assert_eq!(w.err(manager(), correct(5, 4, None)), "invalid_status");
}

fn closed_case(result: RepairResult) -> World {
    let mut w = World::in_progress();
    let Mutation::PartUse(mut used) = part_use(50, "BAT-12V-9AH", 2) else {
        unreachable!()
    };
    used.returned_defective = true;
    w.ok(alice(), Mutation::PartUse(used));
    w.ok(
        alice(),
        Mutation::Report(ReportArgs {
            case_id: CASE,
            symptom: Some("UPS 报警，电池故障灯亮".into()),
            cause: Some("Battery string worn out".into()),
            actions: Some("Replaced both batteries, ran a load test".into()),
            result: Some(result),
            verification: None,
            leftover: None,
        }),
    );
    w.ok(alice(), w.sign_off(9, "Mr Wang"));
    w.ok(alice(), set_status(CaseStatus::Completed, None));
    w
}

#[test]
fn only_a_closed_resolved_or_worked_around_case_is_a_past_fix() {
    let mut w = closed_case(RepairResult::Resolved);
    assert!(
        PastFix::from_case(w.case()).is_none(),
        "completed is not yet reviewed"
    );
    w.ok(manager(), close());
    let fix = PastFix::from_case(w.case()).expect("a closed resolved case is a fix");
    assert_eq!(fix.product_model, w.case().product.model);
    assert_eq!(fix.cause, "Battery string worn out");
    assert_eq!(fix.parts.len(), 1);
    assert_eq!(
        (fix.parts[0].part_no.as_str(), fix.parts[0].qty),
        ("BAT-12V-9AH", 2)
    );

    // An unresolved case teaches nothing.
    for (result, fix) in [
        (RepairResult::Workaround, true),
        (RepairResult::Unresolved, false),
    ] {
        let mut w = closed_case(result);
        w.ok(manager(), close());
        assert_eq!(PastFix::from_case(w.case()).is_some(), fix, "{result:?}");
    }
}

#[test]
fn past_fixes_are_searched_by_model_and_every_word() {
    let mut w = closed_case(RepairResult::Resolved);
    w.ok(manager(), close());
    let mut a = PastFix::from_case(w.case()).unwrap();
    a.resolved_at = Some(t0());
    let mut b = a.clone();
    b.case_id = Uuid::from_u128(7);
    b.number = "SR-00000007".into();
    b.symptom = "Fan noise at start".into();
    b.cause = "Bearing dry".into();
    b.parts.clear();
    b.resolved_at = Some(t0() + Duration::days(3));
    let mut c = b.clone();
    c.case_id = Uuid::from_u128(8);
    c.product_model = "Other-9000".into();
    let fixes = vec![a.clone(), b.clone(), c.clone()];
    let model = a.product_model.to_uppercase();

    let ids = |hits: Vec<&PastFix>| hits.iter().map(|f| f.case_id).collect::<Vec<_>>();
    assert_eq!(
        ids(search(&fixes, Some(&model), "")),
        [b.case_id, a.case_id],
        "newest first"
    );
    assert_eq!(
        ids(search(&fixes, Some(&model), "BATTERY load")),
        [a.case_id]
    );
    assert_eq!(
        ids(search(&fixes, Some(&model), "电池")),
        [a.case_id],
        "Chinese by substring"
    );
    assert_eq!(ids(search(&fixes, None, "bearing")), [b.case_id, c.case_id]);
    assert_eq!(
        ids(search(&fixes, None, "bat-12v")),
        [a.case_id],
        "by part number"
    );
    assert!(
        search(&fixes, None, "battery fan").is_empty(),
        "every word must match"
    );
}

#[test]
fn a_customer_gets_its_contract_policy() {
    let records = vec![
        PolicyRecord {
            policy: SlaPolicy::standard(),
            customers: vec![],
        },
        PolicyRecord {
            policy: SlaPolicy::strict(),
            customers: vec!["Harbour Hospital".into()],
        },
    ];
    let hit = PolicyRecord::for_customer(&records, "  harbour hospital ").unwrap();
    assert_eq!(hit.policy.name, "strict");
    assert!(PolicyRecord::for_customer(&records, "Corner Shop").is_none());
}
