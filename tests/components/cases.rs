//! Cases: the actions each role is offered, escalation, assigning, the new-case form and the
//! order of the list.

use chrono::{Duration, TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use onsite_core::{Actor, Case, CaseStatus, Category, Mutation, RepairResult, ServiceMode};
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use onsite::components::case_actions::status_actions;
use onsite::components::CaseActions;

use crate::common::{
    all, attr, click, el, manager_actor, mount_collecting, sign_off, testids, text, type_into,
};
use crate::{case_in, engineer};

fn mount_actions(case: Case, actor: Actor) -> (HtmlElement, RwSignal<Vec<Mutation>>) {
    mount_collecting(move |got| view! { <CaseActions case=case actor=actor on_action=got /> })
}

#[wasm_bindgen_test]
async fn assigned_case_offers_only_accept() {
    let me = engineer();
    let (root, got) = mount_actions(case_in(CaseStatus::Assigned, me.user_id), me);
    tick().await;
    assert_eq!(testids(&root, "action-"), vec!["action-accept"]);
    click(&root, "action-accept").await;
    let m = got.get_untracked();
    assert_eq!(m.len(), 1);
    assert!(matches!(&m[0], Mutation::Accept(a) if a.case_id == Uuid::from_u128(42)));
    assert_eq!(text(&root, "action-accept"), "Accept");
}

#[wasm_bindgen_test]
async fn in_progress_offers_on_hold_and_completed_only_when_ready() {
    let me = engineer();
    let (root, _) = mount_actions(case_in(CaseStatus::InProgress, me.user_id), me);
    tick().await;
    assert_eq!(testids(&root, "action-"), vec!["action-on_hold"]);

    let mut ready = case_in(CaseStatus::InProgress, me.user_id);
    ready.report.result = Some(RepairResult::Resolved);
    let signature = "a".repeat(64);
    ready.sign_off = Some(sign_off(
        &ready,
        "Li Wei",
        Some(&signature),
        Some(5),
        Utc::now(),
    ));
    let (root, _) = mount_actions(ready, me);
    tick().await;
    assert_eq!(
        testids(&root, "action-"),
        vec!["action-on_hold", "action-completed"]
    );
}

#[wasm_bindgen_test]
async fn on_hold_asks_for_a_reason_first() {
    let me = engineer();
    let (root, got) = mount_actions(case_in(CaseStatus::InProgress, me.user_id), me);
    tick().await;
    click(&root, "action-on_hold").await;
    assert!(
        got.get_untracked().is_empty(),
        "no mutation before a reason"
    );
    type_into(&el(&root, "action-reason"), "waiting for parts");
    tick().await;
    click(&root, "action-on_hold-confirm").await;
    let m = got.get_untracked();
    assert_eq!(m.len(), 1);
    match &m[0] {
        Mutation::SetStatus(a) => {
            assert_eq!(a.status, CaseStatus::OnHold);
            assert_eq!(a.reason.as_deref(), Some("waiting for parts"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn other_engineers_and_managers_get_their_own_actions() {
    let me = engineer();
    let someone_else = Uuid::from_u128(8);
    let (root, _) = mount_actions(case_in(CaseStatus::Assigned, someone_else), me);
    tick().await;
    assert!(testids(&root, "action-").is_empty());

    let manager = manager_actor();
    let completed = case_in(CaseStatus::Completed, me.user_id);
    assert_eq!(
        status_actions(&manager, &completed).len(),
        3,
        "close, reopen, cancel"
    );
    let (root, _) = mount_actions(completed, manager);
    tick().await;
    assert_eq!(
        testids(&root, "action-"),
        vec!["action-close", "action-reopen", "action-cancel"]
    );
}

fn escalated(mut case: Case, tier: u8) -> Case {
    case.escalations.push(onsite_core::Escalation {
        tier,
        reason: "needs help".into(),
        at: Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
        by: Uuid::from_u128(7),
    });
    case
}

fn mount_escalate(case: Case, actor: Actor) -> (HtmlElement, RwSignal<Vec<Mutation>>) {
    use onsite::components::EscalateForm;
    mount_collecting(move |got| view! { <EscalateForm case=case actor=actor on_escalate=got /> })
}

#[wasm_bindgen_test]
async fn escalation_offers_only_tiers_above_the_current_one() {
    use onsite::components::escalation::escalation_tiers;
    let me = engineer();
    let fresh = case_in(CaseStatus::InProgress, me.user_id);
    assert_eq!(escalation_tiers(&fresh), vec![1, 2, 3]);
    assert_eq!(escalation_tiers(&escalated(fresh.clone(), 1)), vec![2, 3]);
    assert_eq!(
        escalation_tiers(&escalated(fresh.clone(), 3)),
        Vec::<u8>::new()
    );

    let (root, got) = mount_escalate(escalated(fresh.clone(), 1), me);
    tick().await;
    click(&root, "action-escalate").await;
    let options = all(&root, "[data-testid='escalate-tier'] option");
    let tiers: Vec<String> = options.iter().map(|o| attr(o, "value")).collect();
    assert_eq!(tiers, vec!["2", "3"]);
    let labels = text(&root, "escalate-tier");
    assert!(labels.contains("Department manager") && labels.contains("Executive"));
    assert!(!labels.contains("Technical specialist"));
    // No reason, no escalation.
    assert!(el(&root, "escalate-submit").has_attribute("disabled"));
    type_into(
        &el(&root, "escalate-reason"),
        "customer director calls daily",
    );
    tick().await;
    click(&root, "escalate-submit").await;
    let m = got.get_untracked();
    assert_eq!(m.len(), 1);
    assert!(
        matches!(&m[0], Mutation::Escalate(a) if a.tier == 2 && a.reason == "customer director calls daily")
    );
}

#[wasm_bindgen_test]
async fn escalation_is_hidden_at_the_top_tier_and_for_others() {
    let me = engineer();
    let top = escalated(case_in(CaseStatus::InProgress, me.user_id), 3);
    // Not yet accepted work, or another engineer's case: no escalation either.
    let not_accepted = case_in(CaseStatus::Assigned, me.user_id);
    let others = case_in(CaseStatus::InProgress, Uuid::from_u128(99));
    for case in [top, not_accepted, others] {
        let (root, _) = mount_escalate(case, me);
        tick().await;
        assert!(testids(&root, "action-escalate").is_empty());
    }
}

#[wasm_bindgen_test]
async fn manager_assigns_a_new_case_to_a_known_engineer() {
    use onsite::components::assign::engineer_choices;
    use onsite::components::AssignForm;
    let alice = Uuid::from_u128(7);
    let bob = Uuid::from_u128(8);
    let mut done = case_in(CaseStatus::Closed, bob);
    done.id = Uuid::from_u128(43);
    let known = engineer_choices(&[case_in(CaseStatus::InProgress, alice), done]);
    assert_eq!(
        known.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![bob, alice]
    );
    let mut new = case_in(CaseStatus::New, alice);
    new.assignee_id = None;
    let (c, k) = (new.clone(), known.clone());
    let (root, got) = mount_collecting(move |got| {
        view! { <AssignForm case=c actor=manager_actor() engineers=k on_assign=got /> }
    });
    tick().await;
    click(&root, "assign-submit").await;
    let m = got.get_untracked();
    assert!(matches!(&m[..], [Mutation::Assign(a)] if a.engineer_id == bob && a.case_id == new.id));
    // An engineer gets no assign form.
    let (root, _) = mount_collecting(move |got| {
        view! { <AssignForm case=new actor=engineer() engineers=known on_assign=got /> }
    });
    tick().await;
    assert!(testids(&root, "assign-").is_empty());
}

#[wasm_bindgen_test]
fn new_case_form_needs_the_required_fields() {
    use onsite::pages::new_case::{create_args, NewCaseForm};
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let id = Uuid::from_u128(5);
    let mut f = NewCaseForm {
        title: "Scanner jams".into(),
        customer: "ACME".into(),
        address: "1 Main St".into(),
        severity: "2".into(),
        category: "security".into(),
        mode: "remote".into(),
        ..NewCaseForm::default()
    };
    assert_eq!(create_args(&f, id, now).unwrap_err(), "new_case.need_model");
    f.model = "X-100".into();
    let a = create_args(&f, id, now).unwrap();
    assert_eq!(a.case_id, id);
    assert_eq!(a.severity.level(), 2);
    assert_eq!(a.category, Category::Security);
    assert_eq!(a.mode, ServiceMode::Remote);
    assert!(a.appointment.is_none() && a.customer.phone.is_none());
    assert!(Mutation::Create(a).validate().is_ok());
    f.appointment_start = "2026-03-03T10:00".into();
    assert_eq!(
        create_args(&f, id, now).unwrap_err(),
        "new_case.bad_appointment"
    );
    f.appointment_end = "2026-03-03T12:00".into();
    let ap = create_args(&f, id, now).unwrap().appointment.unwrap();
    assert_eq!(ap.end - ap.start, Duration::hours(2));
}
