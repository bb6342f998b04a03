//! The case list: first rows at once, the rest on demand, unchanged rows kept, filters (and
//! their reset at logout).

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::Lang;
use onsite::store::Store;
use onsite_core::{Case, CaseStatus, Category, Escalation, ServiceMode, Severity};
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::common::{
    attr, attrs, by_testid, case_change, click, el, input_value, mount_app, mount_en, seed,
    seed_cases, server_case, set_checked, set_value, text, unique_db, wait_count, wait_until,
    ALICE, BOB,
};
use crate::manager;

#[wasm_bindgen_test]
async fn a_long_case_list_shows_its_first_rows_at_once_and_keeps_unchanged_rows() {
    use onsite::components::{CaseList, LangToggle};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    let store = Store::open_named(&unique_db("long-list")).await.unwrap();
    let cases: Vec<Case> = (0..150u128)
        .map(|i| {
            let mut c = server_case(
                Uuid::from_u128((0x10 << 96) + i),
                ALICE,
                CaseStatus::Assigned,
            );
            c.title = format!("Case {i}");
            c
        })
        .collect();
    seed_cases(&store, &cases).await;

    // The list in a clipped box: its end never comes into view, so only "show more" grows
    // it past what it shows on its own.
    let (root, state) = mount_app(store.clone(), manager(), true, || {
        view! { <LangToggle /> <div style="height: 200px; overflow: hidden"><CaseList /></div> }
    });
    // The row count when rows first reach the DOM (an observer sees each render's result).
    let first = std::rc::Rc::new(std::cell::Cell::new(0usize));
    let (f, r) = (first.clone(), root.clone());
    let seen = Closure::<dyn FnMut()>::new(move || {
        let n = by_testid(&r, "case-row").len();
        if f.get() == 0 && n > 0 {
            f.set(n);
        }
    });
    let observer = web_sys::MutationObserver::new(seen.as_ref().unchecked_ref()).unwrap();
    let init = web_sys::MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    observer.observe_with_options(&root, &init).unwrap();
    seen.forget();
    wait_until("the first rows", || first.get() > 0).await;
    let first = first.get();
    assert!(
        first < 150,
        "{first} rows in the first render: the rest follow"
    );
    // On its own the list stops short of 150 rows; its "show more" brings the rest.
    wait_until("the list to settle", || {
        root.query_selector("[data-testid='case-rows'][data-settled]")
            .unwrap()
            .is_some()
    })
    .await;
    let settled = by_testid(&root, "case-row").len();
    assert!(settled < 150, "{settled} rows without scrolling");
    while by_testid(&root, "case-row").len() < 150 {
        let before = by_testid(&root, "case-row").len();
        el(&root, "list-more").click();
        wait_until("more rows", || by_testid(&root, "case-row").len() > before).await;
    }
    assert!(by_testid(&root, "list-more").is_empty());

    // A sync that changed one case re-renders that row only; the others are the same nodes.
    let row = |id: Uuid| -> web_sys::Element {
        root.query_selector(&format!("[data-case-id='{id}']"))
            .unwrap()
            .unwrap()
    };
    let (kept_id, changed_id) = (cases[0].id, cases[1].id);
    let kept = row(kept_id);
    let mut changed = cases[1].clone();
    changed.title = "Changed on the server".into();
    changed.timeline.push(changed.timeline[0].clone());
    seed(&store, vec![case_change(&changed)]).await;
    state.bump();
    wait_until("the changed row", || {
        row(changed_id)
            .text_content()
            .unwrap()
            .contains("Changed on the server")
    })
    .await;
    assert!(
        JsValue::from(row(kept_id)) == JsValue::from(kept),
        "an unchanged row keeps its DOM node"
    );
    assert_eq!(by_testid(&root, "case-row").len(), 150);

    // Rows read their texts once; switching the language still re-renders every one.
    let mode_texts = |root: &HtmlElement| -> BTreeSet<String> {
        by_testid(root, "row-mode")
            .iter()
            .map(|e| e.text_content().unwrap())
            .collect()
    };
    assert_eq!(
        mode_texts(&root),
        BTreeSet::from([onsite::i18n::lookup(Lang::En, "mode.on_site").to_string()])
    );
    el(&root, "lang-toggle").click();
    wait_until("Chinese rows", || {
        mode_texts(&root)
            == BTreeSet::from([onsite::i18n::lookup(Lang::Zh, "mode.on_site").to_string()])
            && by_testid(&root, "case-row").len() == 150
    })
    .await;
}

#[wasm_bindgen_test]
async fn filters_narrow_the_case_list_and_survive_remounting() {
    use onsite::components::CaseList;
    let store = Store::open_named(&unique_db("filters")).await.unwrap();
    // 1: on-site system fault, severity 2 (fixture defaults), customer Acme.
    let a = server_case(Uuid::from_u128(0xa1 << 96), ALICE, CaseStatus::Assigned);
    // 2: phone, business, severity 4, escalated, customer Harbour Bank.
    let mut b = server_case(Uuid::from_u128(0xb2 << 96), BOB, CaseStatus::Assigned);
    b.mode = ServiceMode::Phone;
    b.category = Category::Business;
    b.severity = Severity::new(4).unwrap();
    b.customer.name = "Harbour Bank".into();
    b.escalations.push(Escalation {
        tier: 1,
        reason: "needs a specialist".into(),
        at: b.reported_at,
        by: BOB,
    });
    // 3: remote, security, severity 1, title "Firewall breach".
    let mut c = server_case(Uuid::from_u128(0xc3 << 96), ALICE, CaseStatus::Assigned);
    c.mode = ServiceMode::Remote;
    c.category = Category::Security;
    c.severity = Severity::new(1).unwrap();
    c.title = "Firewall breach".into();
    seed_cases(&store, &[a.clone(), b.clone(), c.clone()]).await;

    let (root, state) = mount_app(store, manager(), true, || view! { <CaseList /> });
    let ids = |root: &HtmlElement| {
        let mut v = attrs(root, "case-row", "data-case-id");
        v.sort();
        v
    };
    wait_count(&root, "case-row", 3).await;
    // Mode and category are on every row.
    let row_b = root
        .query_selector(&format!("[data-case-id='{}']", b.id))
        .unwrap()
        .unwrap();
    assert_eq!(attr(&el(&row_b, "row-mode"), "data-mode"), "phone");
    assert_eq!(text(&row_b, "row-mode"), "Phone / e-mail");
    let category = attr(&el(&row_b, "row-category"), "data-category");
    assert_eq!(category, "business");
    assert_eq!(text(&row_b, "row-category"), "Business / process");
    assert_eq!(by_testid(&root, "row-mode").len(), 3);
    assert_eq!(by_testid(&root, "row-category").len(), 3);

    // One filter at a time, each cleared before the next.
    for (filter, value, only) in [
        ("filter-mode", "phone", &b),
        ("filter-category", "security", &c),
        ("filter-severity", "2", &a),
    ] {
        set_value(&el(&root, filter), value);
        tick().await;
        assert_eq!(ids(&root), vec![only.id.to_string()], "{filter}");
        set_value(&el(&root, filter), "");
    }
    let esc = el(&root, "filter-escalated");
    set_checked(&esc, true);
    tick().await;
    assert_eq!(ids(&root), vec![b.id.to_string()]);
    set_checked(&esc, false);

    // Search: customer, title and number (distinct per id), case-insensitively.
    assert_ne!(a.number, b.number);
    let number = a.number.to_lowercase();
    for (search, only) in [("harbour", &b), ("FIREWALL", &c), (number.as_str(), &a)] {
        set_value(&el(&root, "filter-search"), search);
        tick().await;
        assert_eq!(ids(&root), vec![only.id.to_string()], "{search}");
    }

    // Nothing matches: a message, not the "no cases" one.
    set_value(&el(&root, "filter-search"), "no such thing");
    tick().await;
    assert!(ids(&root).is_empty());
    assert_eq!(by_testid(&root, "cases-filtered-out").len(), 1);
    assert!(by_testid(&root, "cases-empty").is_empty());

    // The filter lives in AppState: a list mounted again (back from a case) keeps it.
    set_value(&el(&root, "filter-search"), "acme");
    set_value(&el(&root, "filter-mode"), "on_site");
    tick().await;
    assert_eq!(ids(&root), vec![a.id.to_string()]);
    let again = mount_en(move || {
        provide_context(state);
        view! { <CaseList /> }
    });
    wait_until("the remounted list", || {
        !by_testid(&again, "case-row").is_empty()
    })
    .await;
    assert_eq!(ids(&again), vec![a.id.to_string()]);
    assert_eq!(input_value(&el(&again, "filter-mode")), "on_site");

    // Clearing brings every case back.
    click(&again, "filter-clear").await;
    assert_eq!(by_testid(&again, "case-row").len(), 3);
}

/// Logging out clears the case-list filters: the next user on this device does not inherit
/// the previous one's.
#[wasm_bindgen_test]
async fn logout_resets_the_case_filters() {
    use onsite::components::case_list::CaseFilter;
    let store = Store::open_named(&unique_db("filters-logout"))
        .await
        .unwrap();
    let (_root, state) = mount_app(store, manager(), false, || ());
    state.case_filter.set(CaseFilter {
        search: "harbour".into(),
        severity: "2".into(),
        escalated_only: true,
        ..CaseFilter::default()
    });
    assert!(state.case_filter.get_untracked().is_active());
    state.logout().await;
    assert!(state.session.get_untracked().is_none());
    assert_eq!(state.case_filter.get_untracked(), CaseFilter::default());
}
