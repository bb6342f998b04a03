//! Work recorded on the case page: checklist answers, the fault analysis, time corrections.

use chrono::{Duration, Utc};
use onsite::i18n::Lang;
use onsite_core::{CaseStatus, CheckResult, Severity, TimeKind};
use serde_json::json;
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::common::{
    all, assert_entry, attr, by_testid, click, el, input_value, server_case, type_into, wait_until,
    ALICE,
};
use crate::{inspection_case, seeded_store, time_entry, Mounted};

#[wasm_bindgen_test]
async fn checklist_answers_record_case_check_and_a_failed_item_opens_a_follow_up() {
    let id = Uuid::from_u128(0x101);
    let store = seeded_store("checklist", &[inspection_case(id)], &[], &[]).await;
    let m = Mounted::new(store, id, Lang::En).await;

    let items = by_testid(&m.root, "checklist-item");
    assert_eq!(items.len(), 2);
    assert_eq!(attr(&items[0], "data-item-id"), "battery");
    assert_eq!(attr(&items[0], "data-result"), "");
    assert!(
        by_testid(&m.root, "check-follow-up").is_empty(),
        "nothing failed yet"
    );

    // Pass the first item.
    el(&items[0], "check-pass").click();
    let o = m.wait_outbox(1).await;
    let passed = json!({ "item_id": "battery", "result": "pass" });
    assert_entry(&o[0], "case.check", passed);
    // The page takes one write at a time: its buttons are disabled until the first one is
    // done. Wait for that (a click on a disabled button goes nowhere).
    let fail = el(&items[1], "check-fail");
    wait_until("the answer buttons enabled again", || {
        !fail.has_attribute("disabled")
    })
    .await;

    // Fail the second one with a note: the note is saved with the result.
    type_into(&el(&items[1], "check-note"), "bearing noise at full load");
    el(&items[1], "check-fail").click();
    let o = m.wait_outbox(2).await;
    let failed =
        json!({ "item_id": "fan", "result": "fail", "note": "bearing noise at full load" });
    assert_entry(&o[1], "case.check", failed);

    // The stored case has both answers; the page shows them and offers the follow-up.
    let stored = m.store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.checklist[0].result, Some(CheckResult::Pass));
    assert_eq!(stored.checklist[1].result, Some(CheckResult::Fail));
    m.reload().await;
    let items = by_testid(&m.root, "checklist-item");
    assert_eq!(attr(&items[0], "data-result"), "pass");
    assert_eq!(attr(&items[1], "data-result"), "fail");
    let follow = by_testid(&m.root, "check-follow-up");
    assert_eq!(follow.len(), 1, "only the failed item offers a follow-up");
    assert!(
        all(&items[1], "[data-testid='check-follow-up']").len() == 1,
        "on the failed item"
    );
    follow[0].click();
    let o = m.wait_outbox(3).await;
    assert_eq!(o[2].name, "case.follow_up");
    let leftover = o[2].args["leftover"].as_str().unwrap();
    assert!(
        leftover.contains("Cooling fan runs quietly")
            && leftover.contains("bearing noise at full load"),
        "{leftover}"
    );
    let new_id: Uuid = serde_json::from_value(o[2].args["new_case_id"].clone()).unwrap();
    let stored = m.store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.follow_ups, vec![new_id]);
    let follow_up = m.store.case(new_id).await.unwrap().expect("follow-up case");
    assert_eq!(follow_up.follow_up_of, Some(id));
}

#[wasm_bindgen_test]
async fn fault_analysis_form_records_case_fault_analysis_on_a_severity_1_case() {
    let id = Uuid::from_u128(0x102);
    let mut c = server_case(id, ALICE, CaseStatus::InProgress);
    c.severity = Severity::new(1).unwrap();
    let mut minor = server_case(Uuid::from_u128(0x103), ALICE, CaseStatus::InProgress);
    minor.severity = Severity::new(3).unwrap();
    let store = seeded_store("fault", &[c, minor], &[], &[]).await;

    // Severity 3: no fault-analysis form.
    let m3 = Mounted::new(store.clone(), Uuid::from_u128(0x103), Lang::En).await;
    assert!(by_testid(&m3.root, "fault-analysis").is_empty());

    let m = Mounted::new(store, id, Lang::En).await;
    let form = el(&m.root, "fault-analysis");
    assert_eq!(attr(&form, "data-recorded"), "false");
    // Incomplete: nothing is recorded, the form says why.
    let analysis = [
        ("cause", "UPS firmware bug"),
        ("impact", "Hospital wing without power 40 min"),
        ("prevention", "Firmware 2.1 on all units"),
    ];
    let cause = analysis[0].1;
    type_into(&el(&m.root, "fault-cause"), cause);
    click(&m.root, "fault-save").await;
    let error = attr(&el(&m.root, "fault-error"), "data-error");
    assert_eq!(error, "fault.need_all");
    assert!(m.outbox().await.is_empty());

    for (field, text) in &analysis[1..] {
        type_into(&el(&m.root, &format!("fault-{field}")), text);
    }
    el(&m.root, "fault-save").click();
    let o = m.wait_outbox(1).await;
    assert_eq!(o[0].name, "case.fault_analysis");
    for (field, text) in analysis {
        assert_eq!(o[0].args[field], text, "{field}");
    }
    // Shown filled once recorded.
    m.reload().await;
    let recorded = attr(&el(&m.root, "fault-analysis"), "data-recorded");
    assert_eq!(recorded, "true");
    // (Leptos sets `prop:value` of a re-rendered view a moment later.)
    wait_until("the recorded cause shown", || {
        input_value(&el(&m.root, "fault-cause")) == cause
    })
    .await;
}

/// The list item of time entry `entry_id`.
fn entry_li(root: &HtmlElement, entry_id: Uuid) -> web_sys::Element {
    all(
        root,
        &format!("[data-testid='time-entry'][data-entry-id='{entry_id}']"),
    )
    .remove(0)
}

fn minutes_of(root: &HtmlElement, testid: &str) -> String {
    attr(&el(root, testid), "data-minutes")
}

#[wasm_bindgen_test]
async fn time_corrections_record_case_time_correct_and_change_the_totals() {
    use onsite::components::labour::to_local_input;
    let id = Uuid::from_u128(0x104);
    let mut c = server_case(id, ALICE, CaseStatus::InProgress);
    let travel = time_entry(TimeKind::Travel, 0, 30);
    let work = time_entry(TimeKind::Work, 40, 60);
    c.time_entries = vec![travel.clone(), work.clone()];
    let store = seeded_store("timecorrect", &[c], &[], &[]).await;
    let m = Mounted::new(store, id, Lang::En).await;
    assert_eq!(minutes_of(&m.root, "time-total-travel"), "30");
    assert_eq!(minutes_of(&m.root, "time-total-work"), "60");
    assert_eq!(by_testid(&m.root, "time-entry-edit").len(), 2);

    // Remove the travel entry: struck out, not deleted.
    let travel_li = entry_li(&m.root, travel.entry_id);
    el(&travel_li, "time-entry-remove").click();
    let o = m.wait_outbox(1).await;
    let struck = json!({ "corrects": travel.entry_id });
    assert_entry(&o[0], "case.time_correct", struck);
    assert!(o[0].args.get("start").is_none() && o[0].args.get("end").is_none());
    m.reload().await;
    assert_eq!(minutes_of(&m.root, "time-total-travel"), "0");
    assert_eq!(minutes_of(&m.root, "time-total-work"), "60");
    let travel_li = entry_li(&m.root, travel.entry_id);
    assert_eq!(attr(&travel_li, "data-superseded"), "true");
    assert!(
        all(&travel_li, "[data-testid='time-entry-edit']").is_empty(),
        "a struck-out entry cannot be corrected again"
    );

    // Edit the work entry to 90 minutes.
    let work_li = entry_li(&m.root, work.entry_id);
    el(&work_li, "time-entry-edit").click();
    let prefilled = to_local_input(work.start);
    wait_until("the edit form prefilled", || {
        by_testid(&m.root, "time-edit-start")
            .first()
            .is_some_and(|e| input_value(e) == prefilled)
    })
    .await;
    type_into(
        &el(&m.root, "time-edit-end"),
        &to_local_input(work.start + Duration::minutes(90)),
    );
    el(&m.root, "time-edit-save").click();
    let o = m.wait_outbox(2).await;
    let corrected = json!({ "corrects": work.entry_id });
    assert_entry(&o[1], "case.time_correct", corrected);
    let end: chrono::DateTime<Utc> = serde_json::from_value(o[1].args["end"].clone()).unwrap();
    assert_eq!(end, work.start + Duration::minutes(90));
    m.reload().await;
    assert_eq!(minutes_of(&m.root, "time-total-work"), "90");
    assert_eq!(minutes_of(&m.root, "time-total-travel"), "0");
    let stored = m.store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.labour_minutes(), (0, 90));
    assert_eq!(stored.time_entries.len(), 3, "kept, never edited in place");
}
