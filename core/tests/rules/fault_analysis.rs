//! A severity-1 case closes only after a fault analysis; who records one, and what it needs.

use onsite_core::mutation::*;
use onsite_core::*;

use crate::common::*;

fn fault_analysis() -> Mutation {
    Mutation::FaultAnalysis(FaultAnalysisArgs {
        case_id: CASE,
        cause: "Battery string aged past its rated life".into(),
        impact: "Server room ran on mains only for 3 hours".into(),
        prevention: "Battery health check added to the quarterly visit".into(),
    })
}

#[test]
fn a_severity_1_case_closes_only_after_a_fault_analysis() {
    let mut w = World::completed(1);
    let r = w.run(manager(), close()).unwrap_err();
    assert_eq!(r.code, "not_ready");
    assert!(r.message.contains("fault analysis"), "{}", r.message);
    assert_eq!(w.case().status, CaseStatus::Completed);

    w.ok(manager(), fault_analysis());
    let fa = w.case().fault_analysis.clone().expect("stored on the case");
    assert_eq!(fa.cause, "Battery string aged past its rated life");
    assert_eq!(fa.by, MANAGER);
    // The same analysis again is a no-op.
    assert!(w.run(manager(), fault_analysis()).unwrap().is_noop());
    w.ok(manager(), close());
    assert_eq!(w.case().status, CaseStatus::Closed);
    let events: Vec<_> = w.case().timeline.iter().map(|t| t.event.as_str()).collect();
    assert!(events.ends_with(&["case.fault_analysis", "case.close"]));
}

#[test]
fn other_severities_close_without_a_fault_analysis() {
    for sev in 2..=4 {
        let mut w = World::completed(sev);
        w.ok(manager(), close());
        assert_eq!(w.case().status, CaseStatus::Closed, "severity {sev}");
    }
}

#[test]
fn the_assigned_engineer_or_a_manager_records_the_fault_analysis() {
    let mut w = World::completed(1);
    assert_eq!(w.err(bob(), fault_analysis()), "not_assignee");
    w.ok(alice(), fault_analysis());
    assert_eq!(w.case().fault_analysis.as_ref().unwrap().by, ALICE);
    // While working, too.
    let mut w = World::in_progress();
    w.ok(alice(), fault_analysis());
    // Not on an assigned (not yet accepted) case by the engineer.
    let mut w = World::assigned(1);
    assert_eq!(w.err(alice(), fault_analysis()), "invalid_status");
}

#[test]
fn a_fault_analysis_needs_cause_impact_and_prevention() {
    let mut w = World::completed(1);
    for field in ["cause", "impact", "prevention"] {
        let mut args = serde_json::json!({
            "case_id": CASE, "cause": "c", "impact": "i", "prevention": "p"
        });
        args[field] = serde_json::json!("  ");
        let m = Mutation::parse("case.fault_analysis", &args).unwrap();
        let r = w.run(manager(), m).unwrap_err();
        assert_eq!(r.code, "invalid_args");
        assert!(r.message.contains(field), "{}", r.message);
        args.as_object_mut().unwrap().remove(field);
        assert_eq!(
            Mutation::parse("case.fault_analysis", &args)
                .unwrap_err()
                .code,
            "invalid_args"
        );
    }
    assert!(w.case().fault_analysis.is_none());
}

/// Text is stored trimmed, so a repeat with the same untrimmed text is the same analysis: a
/// no-op, not a second timeline entry.
#[test]
fn a_fault_analysis_with_trailing_whitespace_applied_twice_is_a_no_op() {
    let mut w = World::in_progress();
    let m = Mutation::FaultAnalysis(FaultAnalysisArgs {
        case_id: CASE,
        cause: "Worn contactor \n".into(),
        impact: " Chiller down for 2 h".into(),
        prevention: "Yearly contactor check ".into(),
    });
    w.ok(alice(), m.clone());
    let entries = w.case().timeline.len();
    let again = w.run(alice(), m).unwrap();
    assert!(again.is_noop());
    assert_eq!(w.case().timeline.len(), entries);
}
