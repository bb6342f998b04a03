//! Inspection checklists: a case completes only when every item is answered; templates.

use onsite_core::mutation::*;
use onsite_core::*;
use uuid::Uuid;

use crate::common::*;

fn inspection_create() -> Mutation {
    Mutation::parse(
        "case.create",
        &serde_json::json!({
            "case_id": CASE,
            "title": "Annual elevator inspection",
            "customer": { "name": "Acme Ltd" },
            "site": { "address": "1 Harbour Road" },
            "product": { "model": "Lift-5500" },
            "category": "business",
            "severity": 3,
            "mode": "on_site",
            "reported_at": t0(),
            "checklist": [
                { "item_id": "doors", "text": "Doors close and reopen on obstruction" },
                { "item_id": "brake", "text": "Brake holds at 125% load" },
                { "item_id": "phone", "text": "Emergency phone connects" },
            ],
        }),
    )
    .unwrap()
}

fn check(item: &str, result: CheckResult, note: Option<&str>) -> Mutation {
    Mutation::Check(CheckArgs {
        case_id: CASE,
        item_id: item.into(),
        result,
        note: note.map(String::from),
    })
}

#[test]
fn an_inspection_completes_only_when_every_checklist_item_is_answered() {
    let create = inspection_create();
    assert!(matches!(create, Mutation::CreateInspection(_)));
    assert_eq!(create.name(), "case.create");
    // The wire shape round-trips.
    let wire = create.to_wire(1, Uuid::from_u128(1), t0());
    assert_eq!(wire.args["checklist"][1]["item_id"], "brake");
    assert_eq!(Mutation::parse(&wire.name, &wire.args).unwrap(), create);

    let mut w = World::new();
    w.ok(manager(), create.clone());
    assert!(
        w.run(manager(), create).unwrap().is_noop(),
        "same creation again"
    );
    assert_eq!(w.case().checklist.len(), 3);
    assert!(w.case().checklist.iter().all(|i| i.result.is_none()));
    w.ok(manager(), assign(CASE, ALICE));
    // Not before the engineer works the case; never by another engineer.
    let pass = |item| check(item, CheckResult::Pass, None);
    assert_eq!(w.err(alice(), pass("doors")), "invalid_status");
    w.ok(alice(), accept());
    w.ok(alice(), set_status(CaseStatus::InProgress, None));
    assert_eq!(w.err(bob(), pass("doors")), "not_assignee");
    assert_eq!(w.err(alice(), pass("nope")), "not_found");
    w.ok(alice(), pass("doors"));
    w.ok(
        alice(),
        check("brake", CheckResult::Fail, Some("slipped 3 cm at 125%")),
    );
    assert!(w.run(alice(), pass("doors")).unwrap().is_noop());
    w.ok(alice(), report_result());
    w.ok(alice(), w.sign_off(9, "Mr Wang"));
    assert!(!w.case().ready_to_complete());
    let r = w
        .run(alice(), set_status(CaseStatus::Completed, None))
        .unwrap_err();
    assert_eq!(r.code, "not_ready");
    assert!(r.message.contains("1 checklist item"), "{}", r.message);
    let before = w.case().report_sha256();
    w.ok(
        alice(),
        check("phone", CheckResult::Na, Some("no phone fitted")),
    );
    assert_ne!(
        w.case().report_sha256(),
        before,
        "results are part of the report"
    );
    assert!(w.case().ready_to_complete());
    w.ok(alice(), set_status(CaseStatus::Completed, None));
    let brake = &w.case().checklist[1];
    assert_eq!(brake.result, Some(CheckResult::Fail));
    assert_eq!(brake.note.as_deref(), Some("slipped 3 cm at 125%"));
}

#[test]
fn a_checklist_template_needs_unique_ids_and_text() {
    let mut w = World::new();
    let mut args = inspection_create().args();
    args["checklist"][1]["item_id"] = serde_json::json!("doors");
    let m = Mutation::parse("case.create", &args).unwrap();
    let r = w.run(manager(), m).unwrap_err();
    assert_eq!(r.code, "invalid_args");
    assert!(r.message.contains("twice"), "{}", r.message);
    args["checklist"][1]["item_id"] = serde_json::json!("brake");
    args["checklist"][2]["text"] = serde_json::json!(" ");
    let m = Mutation::parse("case.create", &args).unwrap();
    assert_eq!(w.err(manager(), m), "invalid_args");
    // An empty checklist is a plain case.
    args["checklist"] = serde_json::json!([]);
    assert!(matches!(
        Mutation::parse("case.create", &args).unwrap(),
        Mutation::Create(_)
    ));
    assert_eq!(
        Mutation::parse(
            "case.check",
            &serde_json::json!({ "case_id": CASE, "item_id": "a", "result": "maybe" })
        )
        .unwrap_err()
        .code,
        "invalid_args"
    );
}
