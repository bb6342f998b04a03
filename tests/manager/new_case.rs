//! New cases and their assignment: engineers by name, the contract's SLA policy, complaints,
//! inspections.

use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::Lang;
use onsite::store::Store;
use onsite_core::wire::Change;
use onsite_core::{CaseStatus, Role};
use serde_json::json;
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::common::{
    all, assert_entry, attr, attrs, by_testid, created_case, el, manager_actor, mount_app_in,
    mount_en, policy_change, seed, server_case, set_value, text, unique_db, user, wait_count,
    wait_outbox, wait_until, ALICE, BOB,
};
use crate::manager;

#[wasm_bindgen_test]
async fn assign_lists_engineers_by_name() {
    use onsite::components::assign::engineer_choices_with_users;
    use onsite::components::AssignForm;
    let mut new = server_case(Uuid::from_u128(0xe1), ALICE, CaseStatus::Assigned);
    new.assignee_id = None;
    new.status = CaseStatus::New;
    let busy = server_case(Uuid::from_u128(0xe2), ALICE, CaseStatus::InProgress);
    let users = vec![
        user(ALICE, "Alice Chen", Role::Engineer),
        user(BOB, "Bob Li", Role::Engineer),
        manager(),
    ];
    let choices = engineer_choices_with_users(&[busy], &users);
    // Bob (no open case) first, then Alice (1 open); the manager is not offered.
    assert_eq!(
        choices
            .iter()
            .map(|c| (c.id, c.name.clone(), c.open_cases))
            .collect::<Vec<_>>(),
        vec![
            (BOB, Some("Bob Li".to_string()), 0),
            (ALICE, Some("Alice Chen".to_string()), 1)
        ]
    );
    let root = mount_en(move || {
        view! { <AssignForm case=new actor=manager_actor() engineers=choices on_assign=|_m: onsite_core::Mutation| {} /> }
    });
    tick().await;
    let labels: Vec<String> = all(&root, "[data-testid='assign-engineer'] option")
        .iter()
        .map(|o| o.text_content().unwrap())
        .collect();
    assert_eq!(labels, vec!["Bob Li · 0 open", "Alice Chen · 1 open"]);
}

/// Types the new-case form's title, customer, address and model.
fn fill_new_case(root: &HtmlElement, [title, customer, address, model]: [&str; 4]) {
    set_value(&el(root, "new-case-title"), title);
    set_value(&el(root, "new-case-customer"), customer);
    set_value(&el(root, "new-case-address"), address);
    set_value(&el(root, "new-case-model"), model);
}

/// The new-case page in `lang`, offline, for the manager, over a fresh store (`tag`) holding
/// what `seeded` pulled.
async fn new_case_page(tag: &str, lang: Lang, seeded: Vec<Change>) -> (Store, HtmlElement) {
    use leptos_router::components::Router;
    use onsite::pages::NewCasePage;
    let store = Store::open_named(&unique_db(tag)).await.unwrap();
    if !seeded.is_empty() {
        seed(&store, seeded).await;
    }
    let (root, _) = mount_app_in(lang, &store, manager(), false, || {
        view! { <Router><NewCasePage /></Router> }
    });
    (store, root)
}

/// Offline, the form resolves the customer's contract policy from the pulled records, shows
/// it, and sends it explicitly: the device's clock is the one the server will keep.
#[wasm_bindgen_test]
async fn new_case_sends_the_customers_contract_policy() {
    use onsite_core::wire::PolicyRecord;
    use onsite_core::SlaPolicy;
    let strict = PolicyRecord {
        policy: SlaPolicy::strict(),
        customers: vec!["Harbour Hospital".into()],
    };
    let (store, root) =
        new_case_page("new-case-policy", Lang::En, vec![policy_change(&strict)]).await;
    wait_count(&root, "new-case-policy", 1).await;
    let policy = || attr(&el(&root, "new-case-policy"), "data-policy");
    assert_eq!(policy(), "standard");

    fill_new_case(
        &root,
        ["Chiller alarm", "  harbour HOSPITAL ", "2 Quay St", "CH-9"],
    );
    wait_until("the contract's policy", || policy() == "strict").await;
    assert!(text(&root, "new-case-policy").contains("SLA policy: Strict"));

    el(&root, "new-case-submit").click();
    let pending = wait_outbox(&store, 1).await;
    assert_eq!(pending.len(), 1, "the case.create is queued");
    assert_entry(&pending[0], "case.create", json!({ "policy": "strict" }));
    let case = created_case(&store, &pending[0]).await;
    assert_eq!(case.sla.policy, "strict");
}

/// A customer complaint: the box is offered only for user feedback, and the case carries it.
#[wasm_bindgen_test]
async fn a_complaint_is_recorded_as_user_feedback_only() {
    let (store, root) = new_case_page("new-complaint", Lang::En, vec![]).await;
    wait_count(&root, "new-case-category", 1).await;
    assert!(
        by_testid(&root, "new-case-complaint").is_empty(),
        "not for a system fault"
    );
    set_value(&el(&root, "new-case-category"), "feedback");
    wait_count(&root, "new-case-complaint", 1).await;
    el(&root, "new-case-complaint").click();
    fill_new_case(
        &root,
        [
            "Technician arrived late",
            "Harbour Bank",
            "1 Quay Road",
            "UPS-3000",
        ],
    );
    el(&root, "new-case-submit").click();
    let pending = wait_outbox(&store, 1).await;
    let filed = json!({ "category": "feedback", "complaint": true });
    assert_entry(&pending[0], "case.create", filed);
    assert!(created_case(&store, &pending[0]).await.complaint);
}

/// A preventive-maintenance visit: the manager picks a checklist template and the case is
/// created with its items, written in the manager's language (here Chinese).
#[wasm_bindgen_test]
async fn new_inspection_carries_the_templates_checklist_in_the_managers_language() {
    use onsite::checklist_templates::{item_key, template};
    let (store, root) = new_case_page("new-inspection", Lang::Zh, vec![]).await;
    wait_count(&root, "new-case-template", 1).await;
    let options = attrs(&root, "new-case-template", "value");
    assert_eq!(options.len(), 1, "one select");
    set_value(&el(&root, "new-case-template"), "ups_quarterly");
    fill_new_case(
        &root,
        ["UPS 季度巡检", "海港医院", "港湾路 2 号", "UPS-3000"],
    );
    el(&root, "new-case-submit").click();
    let pending = wait_outbox(&store, 1).await;
    assert_eq!(pending.len(), 1, "one case.create is queued");
    assert_eq!(pending[0].name, "case.create");
    let t = template("ups_quarterly").unwrap();
    let items = pending[0].args["checklist"]
        .as_array()
        .expect("a checklist")
        .clone();
    assert_eq!(items.len(), t.items.len());
    assert_eq!(items[0]["item_id"], t.items[0]);
    assert_eq!(
        items[0]["text"],
        onsite::i18n::lookup(Lang::Zh, &item_key(t.id, t.items[0])),
        "item text in the manager's language"
    );
    let case = created_case(&store, &pending[0]).await;
    assert_eq!(case.checklist.len(), t.items.len());
    assert!(
        case.checklist.iter().all(|i| i.result.is_none()),
        "nothing answered yet"
    );
    assert!(
        !case.checklist_complete(),
        "an inspection completes only when every item is answered"
    );
}
