//! Cases: the actions each role is offered, escalation, assigning, the new-case form and the
//! order of the list.

use chrono::{Duration, TimeZone, Utc};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite_core::{
    Actor, Case, CaseStatus, Category, Mutation, RepairResult, Role, ServiceMode, SignOff,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use onsite::components::case_actions::status_actions;
use onsite::components::CaseActions;
use onsite::i18n::{provide_i18n_with, Lang};

use crate::common::{container, el};
use crate::{case_in, engineer, testids};

fn mount_actions(case: Case, actor: Actor) -> (HtmlElement, RwSignal<Vec<Mutation>>) {
    let root = container();
    let got: RwSignal<Vec<Mutation>> = RwSignal::new(vec![]);
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <CaseActions case=case actor=actor on_action=move |m: Mutation| got.update(|v| v.push(m)) /> }
    })
    .forget();
    (root, got)
}

#[wasm_bindgen_test]
async fn assigned_case_offers_only_accept() {
    let me = engineer();
    let (root, got) = mount_actions(case_in(CaseStatus::Assigned, me.user_id), me);
    tick().await;
    assert_eq!(testids(&root, "action-"), vec!["action-accept"]);
    el(&root, "action-accept").click();
    tick().await;
    let m = got.get_untracked();
    assert_eq!(m.len(), 1);
    assert!(matches!(&m[0], Mutation::Accept(a) if a.case_id == Uuid::from_u128(42)));
    assert_eq!(el(&root, "action-accept").text_content().unwrap(), "Accept");
}

#[wasm_bindgen_test]
async fn in_progress_offers_on_hold_and_completed_only_when_ready() {
    let me = engineer();
    let (root, _) = mount_actions(case_in(CaseStatus::InProgress, me.user_id), me);
    tick().await;
    assert_eq!(testids(&root, "action-"), vec!["action-on_hold"]);

    let mut ready = case_in(CaseStatus::InProgress, me.user_id);
    ready.report.result = Some(RepairResult::Resolved);
    ready.sign_off = Some(SignOff {
        signoff_id: Uuid::from_u128(9),
        signer_name: "Li Wei".into(),
        signature_sha256: Some("a".repeat(64)),
        unsigned_reason: None,
        report_sha256: ready.report_sha256(),
        satisfaction: Some(5),
        comment: None,
        signed_at: Utc::now(),
    });
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
    el(&root, "action-on_hold").click();
    tick().await;
    assert!(
        got.get_untracked().is_empty(),
        "no mutation before a reason"
    );
    let input: web_sys::HtmlInputElement = el(&root, "action-reason").unchecked_into();
    input.set_value("waiting for parts");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick().await;
    el(&root, "action-on_hold-confirm").click();
    tick().await;
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

    let manager = Actor {
        user_id: Uuid::from_u128(1),
        role: Role::Manager,
    };
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

fn tier_options(root: &HtmlElement) -> Vec<String> {
    let list = root
        .query_selector_all("[data-testid='escalate-tier'] option")
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .filter_map(|e| e.get_attribute("value"))
        .collect()
}

fn mount_escalate(case: Case, actor: Actor) -> (HtmlElement, RwSignal<Vec<Mutation>>) {
    use onsite::components::EscalateForm;
    let root = container();
    let got: RwSignal<Vec<Mutation>> = RwSignal::new(vec![]);
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <EscalateForm case=case actor=actor on_escalate=move |m: Mutation| got.update(|v| v.push(m)) /> }
    })
    .forget();
    (root, got)
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
    el(&root, "action-escalate").click();
    tick().await;
    assert_eq!(tier_options(&root), vec!["2", "3"]);
    let labels = el(&root, "escalate-tier").text_content().unwrap();
    assert!(labels.contains("Department manager") && labels.contains("Executive"));
    assert!(!labels.contains("Technical specialist"));
    // No reason, no escalation.
    assert!(el(&root, "escalate-submit").has_attribute("disabled"));
    let reason = el(&root, "escalate-reason");
    js_sys::Reflect::set(
        &reason,
        &"value".into(),
        &"customer director calls daily".into(),
    )
    .unwrap();
    reason
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick().await;
    el(&root, "escalate-submit").click();
    tick().await;
    let m = got.get_untracked();
    assert_eq!(m.len(), 1);
    assert!(
        matches!(&m[0], Mutation::Escalate(a) if a.tier == 2 && a.reason == "customer director calls daily")
    );
}

#[wasm_bindgen_test]
async fn escalation_is_hidden_at_the_top_tier_and_for_others() {
    let me = engineer();
    let (root, _) = mount_escalate(
        escalated(case_in(CaseStatus::InProgress, me.user_id), 3),
        me,
    );
    tick().await;
    assert!(testids(&root, "action-escalate").is_empty());
    // Not yet accepted work, or another engineer's case: no escalation.
    let (root, _) = mount_escalate(case_in(CaseStatus::Assigned, me.user_id), me);
    tick().await;
    assert!(testids(&root, "action-escalate").is_empty());
    let (root, _) = mount_escalate(case_in(CaseStatus::InProgress, Uuid::from_u128(99)), me);
    tick().await;
    assert!(testids(&root, "action-escalate").is_empty());
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
    let manager = Actor {
        user_id: Uuid::from_u128(1),
        role: Role::Manager,
    };
    let root = container();
    let got: RwSignal<Vec<Mutation>> = RwSignal::new(vec![]);
    let (c, k) = (new.clone(), known.clone());
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <AssignForm case=c actor=manager engineers=k on_assign=move |m: Mutation| got.update(|v| v.push(m)) /> }
    })
    .forget();
    tick().await;
    el(&root, "assign-submit").click();
    tick().await;
    let m = got.get_untracked();
    assert!(matches!(&m[..], [Mutation::Assign(a)] if a.engineer_id == bob && a.case_id == new.id));
    // An engineer gets no assign form.
    let root = container();
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <AssignForm case=new actor=engineer() engineers=known on_assign=|_m: Mutation| {} /> }
    })
    .forget();
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
