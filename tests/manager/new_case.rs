//! New cases and their assignment: engineers by name, the contract's SLA policy, complaints,
//! inspections.

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::{provide_i18n_with, Lang};
use onsite::store::Store;
use onsite_core::wire::Entity;
use onsite_core::{CaseStatus, Role};
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::common::{
    all, attr, attrs, by_testid, container, el, mount_app, put, seed, server_case, set_value,
    unique_db, user, wait_outbox, wait_until, ALICE, BOB, MANAGER,
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
    let actor = onsite_core::Actor {
        user_id: MANAGER,
        role: Role::Manager,
    };
    let root = container();
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <AssignForm case=new.clone() actor=actor engineers=choices.clone() on_assign=|_m: onsite_core::Mutation| {} /> }
    })
    .forget();
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

/// Offline, the form resolves the customer's contract policy from the pulled records, shows
/// it, and sends it explicitly: the device's clock is the one the server will keep.
#[wasm_bindgen_test]
async fn new_case_sends_the_customers_contract_policy() {
    use leptos_router::components::Router;
    use onsite::pages::NewCasePage;
    use onsite_core::wire::PolicyRecord;
    use onsite_core::SlaPolicy;
    let store = Store::open_named(&unique_db("new-case-policy"))
        .await
        .unwrap();
    seed(
        &store,
        vec![put(
            Entity::Policy,
            "strict",
            serde_json::to_value(PolicyRecord {
                policy: SlaPolicy::strict(),
                customers: vec!["Harbour Hospital".into()],
            })
            .unwrap(),
        )],
    )
    .await;
    let (root, _) = mount_app(store.clone(), manager(), false, || {
        view! { <Router><NewCasePage /></Router> }
    });
    wait_until("the policy line", || {
        by_testid(&root, "new-case-policy").len() == 1
    })
    .await;
    assert_eq!(
        attr(&el(&root, "new-case-policy"), "data-policy"),
        "standard"
    );

    fill_new_case(
        &root,
        ["Chiller alarm", "  harbour HOSPITAL ", "2 Quay St", "CH-9"],
    );
    wait_until("the contract's policy", || {
        attr(&el(&root, "new-case-policy"), "data-policy") == "strict"
    })
    .await;
    assert!(el(&root, "new-case-policy")
        .text_content()
        .unwrap()
        .contains("SLA policy: Strict"));

    el(&root, "new-case-submit").click();
    let pending = wait_outbox(&store, 1).await;
    assert_eq!(pending.len(), 1, "the case.create is queued");
    assert_eq!(pending[0].name, "case.create");
    assert_eq!(pending[0].args["policy"], "strict");
    let id: Uuid = serde_json::from_value(pending[0].args["case_id"].clone()).unwrap();
    let case = store.case(id).await.unwrap().unwrap();
    assert_eq!(case.sla.policy, "strict");
}

/// A customer complaint: the box is offered only for user feedback, and the case carries it.
#[wasm_bindgen_test]
async fn a_complaint_is_recorded_as_user_feedback_only() {
    use leptos_router::components::Router;
    use onsite::pages::NewCasePage;
    let store = Store::open_named(&unique_db("new-complaint"))
        .await
        .unwrap();
    let (root, _) = mount_app(store.clone(), manager(), false, || {
        view! { <Router><NewCasePage /></Router> }
    });
    wait_until("the form", || {
        by_testid(&root, "new-case-category").len() == 1
    })
    .await;
    assert!(
        by_testid(&root, "new-case-complaint").is_empty(),
        "not for a system fault"
    );
    set_value(&el(&root, "new-case-category"), "feedback");
    wait_until("the complaint box", || {
        by_testid(&root, "new-case-complaint").len() == 1
    })
    .await;
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
    assert_eq!(pending[0].args["category"], "feedback");
    assert_eq!(pending[0].args["complaint"], true);
    let id: Uuid = serde_json::from_value(pending[0].args["case_id"].clone()).unwrap();
    assert!(store.case(id).await.unwrap().unwrap().complaint);
}

/// A preventive-maintenance visit: the manager picks a checklist template and the case is
/// created with its items, written in the manager's language (here Chinese).
#[wasm_bindgen_test]
async fn new_inspection_carries_the_templates_checklist_in_the_managers_language() {
    use leptos_router::components::Router;
    use onsite::checklist_templates::{item_key, template};
    use onsite::pages::NewCasePage;
    let store = Store::open_named(&unique_db("new-inspection"))
        .await
        .unwrap();
    let (root, _) = mount_app(store.clone(), manager(), false, || {
        onsite::i18n::use_i18n().set(Lang::Zh, || {});
        view! { <Router><NewCasePage /></Router> }
    });
    wait_until("the form", || {
        by_testid(&root, "new-case-template").len() == 1
    })
    .await;
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
    let id: Uuid = serde_json::from_value(pending[0].args["case_id"].clone()).unwrap();
    let case = store.case(id).await.unwrap().unwrap();
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
