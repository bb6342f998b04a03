mod common;

use common::*;
use onsite_core::mutation::*;
use onsite_core::status::available_actions;
use onsite_core::*;
use uuid::Uuid;

#[test]
fn a_case_is_worked_from_creation_to_close() {
    let mut w = World::in_progress();
    assert_eq!(w.case().status, CaseStatus::InProgress);
    assert!(
        w.case().sla.responded_at.is_some(),
        "accept records the response"
    );
    let Mutation::PartUse(mut used) = part_use(7, "BAT-12V-9AH", 4) else {
        unreachable!()
    };
    used.serial_fitted = Some("NEW1".into());
    used.serial_removed = Some("OLD1".into());
    used.returned_defective = true;
    w.ok(alice(), Mutation::PartUse(used));
    assert_eq!(w.stock[&(ALICE, "BAT-12V-9AH".to_string())], -4);
    w.complete();
    assert_eq!(w.case().status, CaseStatus::Completed);
    assert_eq!(
        w.case().sla.resolved_at,
        Some(w.case().sign_off.as_ref().unwrap().signed_at)
    );
    w.ok(manager(), close());
    assert_eq!(w.case().status, CaseStatus::Closed);
    let events: Vec<_> = w.case().timeline.iter().map(|t| t.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "case.create",
            "case.assign",
            "case.accept",
            "case.set_status",
            "part.use",
            "case.report",
            "case.sign_off",
            "case.set_status",
            "case.close"
        ]
    );
}

#[test]
fn completing_needs_a_result_and_a_sign_off() {
    let mut w = World::in_progress();
    let completed = || set_status(CaseStatus::Completed, None);
    assert_eq!(w.err(alice(), completed()), "not_ready");
    w.ok(alice(), report_result());
    let may_complete = |w: &World| {
        available_actions(&alice(), w.case())
            .contains(&CaseAction::SetStatus(CaseStatus::Completed))
    };
    assert!(!may_complete(&w));
    w.ok(alice(), w.sign_off(9, "Mr Wang"));
    assert!(may_complete(&w));
}

#[test]
fn a_sign_off_may_record_why_the_customer_could_not_sign() {
    let mut w = World::in_progress();
    w.ok(
        alice(),
        w.unsigned_sign_off(9, "Front desk", Some("customer left site")),
    );
    assert_eq!(
        w.err(alice(), w.unsigned_sign_off(9, "Front desk", None)),
        "invalid_args",
        "neither signature nor reason"
    );
}

/// SERVICE-SPEC: "resolve" means completed and confirmed by the customer. A signed sign-off
/// stops the resolve clock when the case is completed; one the customer could not sign leaves
/// it running until the manager's review closes the case.
#[test]
fn the_resolve_clock_stops_at_the_customers_signature_or_else_at_the_close() {
    let mut w = World::in_progress();
    w.ok(alice(), report_result());
    w.ok(
        alice(),
        w.unsigned_sign_off(9, "Front desk", Some("customer left site")),
    );
    w.ok(alice(), set_status(CaseStatus::Completed, None));
    assert_eq!(w.case().sla.resolved_at, None, "nobody confirmed yet");
    w.clock += chrono::Duration::hours(2);
    w.ok(manager(), close());
    assert_eq!(w.case().sla.resolved_at, Some(w.clock));

    let mut w = World::in_progress();
    w.ok(alice(), report_result());
    w.ok(alice(), w.sign_off(9, "Mr Wang"));
    let signed = w.case().sign_off.as_ref().unwrap().signed_at;
    w.ok(alice(), set_status(CaseStatus::Completed, None));
    assert_eq!(w.case().sla.resolved_at, Some(signed));
    w.clock += chrono::Duration::hours(2);
    w.ok(manager(), close());
    assert_eq!(
        w.case().sla.resolved_at,
        Some(signed),
        "the customer's confirmation stands"
    );
}

#[test]
fn only_the_assignee_works_a_case_and_only_a_manager_closes() {
    let mut w = World::in_progress();
    assert_eq!(w.err(bob(), report_result()), "not_assignee");
    w.complete();
    assert_eq!(w.err(alice(), close()), "forbidden_role");
    let in_progress = set_status(CaseStatus::InProgress, None);
    assert_eq!(w.err(manager(), in_progress), "forbidden_role");
}

#[test]
fn an_engineer_may_skip_travel_steps_but_not_jump_back() {
    let mut w = World::assigned(3);
    let to = |s| set_status(s, None);
    let r = w.err(alice(), to(CaseStatus::InProgress));
    assert_eq!(r, "invalid_status", "accept first");
    w.ok(alice(), accept());
    w.ok(alice(), to(CaseStatus::InProgress));
    assert_eq!(w.err(alice(), to(CaseStatus::EnRoute)), "invalid_status");
}

#[test]
fn on_hold_needs_a_reason() {
    let mut w = World::in_progress();
    let r = w.err(alice(), set_status(CaseStatus::OnHold, None));
    assert_eq!(r, "invalid_args");
    w.ok(
        alice(),
        set_status(CaseStatus::OnHold, Some("waiting for parts")),
    );
    w.ok(alice(), set_status(CaseStatus::InProgress, None));
}

#[test]
fn sign_offs_are_immutable_and_conflicts_are_kept_and_flagged() {
    let mut w = World::in_progress();
    w.ok(alice(), w.sign_off(9, "Mr Wang"));
    let before = w.case().clone();
    assert!(
        w.run(alice(), w.sign_off(9, "Mr Wang")).unwrap().is_noop(),
        "same id + same content is a no-op"
    );
    assert_eq!(w.case(), &before);
    w.ok(alice(), w.sign_off(9, "Mrs Li"));
    let c = w.case();
    assert_eq!(
        c.sign_off.as_ref().unwrap().signer_name,
        "Mr Wang",
        "never overwritten"
    );
    assert_eq!(c.extra_sign_offs.len(), 1);
    assert!(matches!(c.flags[0], CaseFlag::ConflictingSignOff { .. }));
}

#[test]
fn a_sign_off_of_a_report_that_changed_since_is_kept_and_flagged() {
    // The device signs what it shows; the server applies it to the case as it stands then.
    let mut w = World::in_progress();
    w.ok(alice(), report_result());
    w.ok(alice(), w.sign_off(9, "Mr Wang"));
    assert!(
        w.case().flags.is_empty(),
        "the signed report is the case's report"
    );

    let mut w = World::in_progress();
    w.ok(alice(), report_result());
    let signed = w.sign_off(9, "Mr Wang");
    // The report changes between the device's signing and the server applying the sign-off.
    let Mutation::Report(mut changed) = report_result() else {
        unreachable!()
    };
    changed.verification = Some("load test 5 min".into());
    w.ok(alice(), Mutation::Report(changed));
    w.ok(alice(), signed);
    let c = w.case();
    assert_eq!(c.sign_off.as_ref().unwrap().signer_name, "Mr Wang", "kept");
    assert_eq!(
        c.flags,
        vec![CaseFlag::SignedReportDiffers {
            signoff_id: Uuid::from_u128(9)
        }]
    );
}

#[test]
fn a_sign_off_is_never_rejected_for_a_state_conflict() {
    let mut w = World::in_progress();
    w.ok(manager(), cancel("duplicate request"));
    w.ok(alice(), w.sign_off(9, "Mr Wang"));
    let c = w.case();
    assert!(c.sign_off.is_some());
    assert!(matches!(
        c.flags[0],
        CaseFlag::SignOffOutOfState {
            status: CaseStatus::Cancelled,
            ..
        }
    ));
    // Another engineer is still refused: authorization is not a state conflict.
    assert_eq!(w.err(bob(), sign_off(10, "x")), "not_assignee");
}

#[test]
fn parts_are_corrected_never_edited() {
    let mut w = World::in_progress();
    let used = Uuid::from_u128(7);
    w.ok(alice(), part_use(7, "FAN-80", 3));
    let correct = |id: u128, delta: i64| part_correct(id, used, delta);
    w.ok(alice(), correct(8, -1));
    assert_eq!(w.case().usage_net_qty(used), Some(2));
    assert_eq!(w.case().net_parts(), vec![("FAN-80".to_string(), 2)]);
    assert_eq!(w.stock[&(ALICE, "FAN-80".to_string())], -2);
    assert_eq!(w.case().parts[0].qty, 3, "the original line is untouched");
    assert_eq!(w.err(alice(), correct(9, -3)), "invalid_args", "below zero");
    // Reusing a usage id with different content is a conflict, not an edit.
    assert_eq!(w.err(alice(), part_use(7, "FAN-80", 5)), "conflict");
}

#[test]
fn report_fields_are_last_write_wins_per_field() {
    let mut w = World::in_progress();
    w.ok(alice(), report_result());
    w.ok(
        alice(),
        Mutation::Report(ReportArgs {
            case_id: CASE,
            symptom: None,
            cause: Some("loose connector".into()),
            actions: None,
            result: None,
            verification: None,
            leftover: None,
        }),
    );
    let r = &w.case().report;
    assert_eq!(r.cause.as_deref(), Some("loose connector"));
    assert_eq!(
        r.symptom.as_deref(),
        Some("UPS beeps"),
        "untouched fields stay"
    );
}

#[test]
fn escalation_only_goes_up() {
    let mut w = World::in_progress();
    let esc = |tier| escalate(tier, "needs a specialist");
    w.ok(alice(), esc(1));
    assert!(w.run(alice(), esc(1)).unwrap().is_noop());
    w.ok(alice(), esc(2));
    assert!(
        w.run(alice(), esc(1)).unwrap().is_noop(),
        "the same escalation again changes nothing"
    );
    let lower = escalate(1, "another reason");
    assert_eq!(w.err(alice(), lower), "invalid_status");
    assert_eq!(w.err(alice(), esc(4)), "invalid_args");
    assert_eq!(w.case().current_escalation_tier(), 2);
}

/// SERVICE-SPEC, escalation: engineer → specialist → department manager → executive. A
/// manager records an escalation on any case not closed, accepted or not; an engineer only
/// while working it.
#[test]
fn a_manager_escalates_any_open_case_an_engineer_only_the_one_they_work() {
    let mut w = World::assigned(1);
    let esc = |tier| escalate(tier, "site down, nobody on it yet");
    assert_eq!(w.err(alice(), esc(1)), "invalid_status");
    w.ok(manager(), esc(2));
    assert_eq!(w.case().current_escalation_tier(), 2);
    w.ok(manager(), cancel("duplicate"));
    assert_eq!(w.err(manager(), esc(3)), "invalid_status");
}

/// SERVICE-SPEC, step 9: at review the leftover issues of a completed case become a new
/// follow-up case, which goes to the engineer who did the work. Not while the case is worked.
#[test]
fn a_manager_opens_a_follow_up_at_review_for_the_engineer_who_did_the_work() {
    let mut w = World::in_progress();
    let follow_up = |id| follow_up(Uuid::from_u128(id), "replace the fan next month");
    assert_eq!(w.err(manager(), follow_up(300)), "invalid_status");
    w.complete();
    w.ok(manager(), follow_up(301));
    let follow = &w.cases[&Uuid::from_u128(301)];
    assert_eq!(follow.follow_up_of, Some(CASE));
    assert_eq!(follow.assignee_id, Some(ALICE));
    assert_eq!(follow.status, CaseStatus::Assigned);
    assert_eq!(
        w.case().status,
        CaseStatus::Completed,
        "the parent waits to be closed"
    );
    assert_eq!(w.case().follow_ups, vec![Uuid::from_u128(301)]);
    assert_eq!(w.err(alice(), follow_up(302)), "invalid_status");
}

#[test]
fn a_follow_up_case_is_linked_both_ways() {
    let mut w = World::in_progress();
    let new_id = Uuid::from_u128(200);
    w.ok(
        alice(),
        follow_up(new_id, "replace second battery string next month"),
    );
    let follow = &w.cases[&new_id];
    assert_eq!(follow.follow_up_of, Some(CASE));
    assert_eq!(follow.assignee_id, Some(ALICE));
    assert_eq!(follow.status, CaseStatus::Assigned);
    assert_eq!(follow.number, Case::number_for(new_id));
    assert_eq!(w.case().follow_ups, vec![new_id]);
}

#[test]
fn reassignment_moves_the_case_and_resets_to_assigned() {
    let mut w = World::in_progress();
    w.ok(manager(), assign(CASE, BOB));
    assert_eq!(w.case().assignee_id, Some(BOB));
    assert_eq!(w.case().status, CaseStatus::Assigned);
    assert_eq!(w.err(alice(), report_result()), "not_assignee");
    assert!(w.case().was_assigned_to(ALICE));
    // Bob accepts: the case was responded to when alice accepted it, and stays so.
    let first = w.case().sla.responded_at;
    assert!(first.is_some());
    w.ok(bob(), accept());
    assert_eq!(w.case().sla.responded_at, first);
}

#[test]
fn reopen_and_cancel_need_a_reason_and_a_manager() {
    let mut w = World::completed(2);
    assert_eq!(w.err(manager(), reopen(" ")), "invalid_args");
    assert_eq!(w.err(alice(), reopen("not fixed")), "forbidden_role");
    w.ok(manager(), reopen("fault came back"));
    assert_eq!(w.case().status, CaseStatus::InProgress);
    assert!(
        w.case().sign_off.is_none(),
        "the old sign-off is kept aside, not reused"
    );
    assert_eq!(w.case().extra_sign_offs.len(), 1);
    assert_eq!(w.case().sla.resolved_at, None);
}

#[test]
fn unknown_and_malformed_mutations_are_rejections() {
    let r = Mutation::parse("case.teleport", &serde_json::json!({})).unwrap_err();
    assert_eq!(r.code, "unknown_mutation");
    let r =
        Mutation::parse("case.accept", &serde_json::json!({"case_id": "not-a-uuid"})).unwrap_err();
    assert_eq!(r.code, "invalid_args");
    let r = Mutation::parse(
        "case.escalate",
        &serde_json::json!({"case_id": CASE, "tier": 9, "reason": "x"}),
    )
    .unwrap();
    assert_eq!(r.validate().unwrap_err().code, "invalid_args");
}

#[test]
fn mutations_round_trip_through_the_wire_shape() {
    let m = sign_off(9, "Mr Wang");
    let wire = m.to_wire(3, Uuid::from_u128(55), t0());
    assert_eq!(wire.name, "case.sign_off");
    assert_eq!(wire.args["signer_name"], "Mr Wang");
    assert_eq!(wire.args["case_id"], CASE.to_string());
    assert_eq!(Mutation::parse(&wire.name, &wire.args).unwrap(), m);
}

#[test]
fn sla_is_started_from_the_policy_at_creation() {
    let mut w = World::new();
    let mut args = create_args(CASE, 1);
    args.policy = Some("strict".into());
    w.ok(manager(), Mutation::Create(args));
    assert_eq!(
        w.case().sla.resolve_by,
        Some(t0() + chrono::Duration::hours(2))
    );
    let mut bad = create_args(Uuid::from_u128(5), 1);
    bad.policy = Some("gold".into());
    assert_eq!(w.err(manager(), Mutation::Create(bad)), "invalid_args");
}

#[test]
fn report_hash_changes_with_the_report() {
    let mut w = World::in_progress();
    let before = w.case().report_sha256();
    assert!(is_sha256_hex(&before));
    w.ok(alice(), report_result());
    assert_ne!(w.case().report_sha256(), before);
}

#[test]
fn every_mutation_name_is_known_to_the_parser() {
    for name in MUTATION_NAMES {
        let r = Mutation::parse(name, &serde_json::json!({})).unwrap_err();
        assert_eq!(r.code, "invalid_args", "{name}");
        assert!(r.message.starts_with(name), "{name}: {}", r.message);
    }
}

#[test]
fn a_changed_sign_off_under_a_set_aside_id_is_a_flagged_conflict() {
    let mut w = World::completed(2);
    w.ok(manager(), reopen("fault came back"));
    // Same id as the set-aside sign-off, different content: never the case's sign-off.
    w.ok(alice(), w.sign_off(9, "Someone else"));
    let c = w.case();
    assert!(c.sign_off.is_none());
    assert_eq!(c.extra_sign_offs.len(), 2);
    assert!(c
        .flags
        .iter()
        .any(|f| matches!(f, CaseFlag::ConflictingSignOff { signoff_id } if *signoff_id == Uuid::from_u128(9))));
    // A fresh sign-off with its own id becomes the case's sign-off.
    w.ok(alice(), w.sign_off(10, "Mr Wang"));
    assert_eq!(
        w.case().sign_off.as_ref().unwrap().signoff_id,
        Uuid::from_u128(10)
    );
}

#[test]
fn only_user_feedback_can_be_a_complaint() {
    let mut args = create_args(CASE, 4);
    args.complaint = true;
    let mut w = World::new();
    assert_eq!(
        w.err(manager(), Mutation::Create(args.clone())),
        "invalid_args"
    );
    assert!(w.cases.is_empty());
    args.category = Category::Feedback;
    w.ok(manager(), Mutation::Create(args.clone()));
    assert!(w.case().complaint);
    // The wire shape leaves the flag out when false (older servers and apps never see it).
    args.complaint = false;
    let wire = Mutation::Create(args).args();
    assert!(wire.get("complaint").is_none());
}
