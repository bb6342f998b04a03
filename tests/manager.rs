//! Manager screens in headless Chromium: case-list filters, the review queue, the on-device
//! dashboard, van stock and the replenish form. Pages run against a real IndexedDB store.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test manager

#![cfg(target_arch = "wasm32")]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Local, TimeZone, Utc};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::{provide_i18n_with, Lang};
use onsite::store::{hash_blob, Store};
use onsite_core::wire::{Entity, UserInfo};
use onsite_core::{
    Case, CaseFlag, CaseStatus, Category, Escalation, PartUsage, Photo, RepairResult, Role,
    ServiceMode, Severity, SignOff, StockLevel, TimelineEntry,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

mod common;

use common::{
    all, attr, attrs, by_testid, case_change, container, el, mount_app, part_qtys, part_usage, put,
    seed, seed_users, server_case, set_value, unique_db, user, wait_outbox, wait_until, ALICE, BOB,
    MANAGER,
};

wasm_bindgen_test_configure!(run_in_browser);

fn manager() -> UserInfo {
    user(MANAGER, "Mia Manager", Role::Manager)
}

// ---------------------------------------------------------------------------------------------
// Case list filters

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
    seed(&store, cases.iter().map(case_change).collect()).await;

    let (root, state) = mount_app(store.clone(), manager(), true, || {
        view! { <LangToggle /> <CaseList /> }
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
    wait_until("all 150 rows", || by_testid(&root, "case-row").len() == 150).await;

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
    seed(
        &store,
        vec![case_change(&a), case_change(&b), case_change(&c)],
    )
    .await;

    let (root, state) = mount_app(store, manager(), true, || view! { <CaseList /> });
    let ids = |root: &HtmlElement| {
        let mut v = attrs(root, "case-row", "data-case-id");
        v.sort();
        v
    };
    wait_until("three rows", || by_testid(&root, "case-row").len() == 3).await;
    // Mode and category are on every row.
    let row_b = root
        .query_selector(&format!("[data-case-id='{}']", b.id))
        .unwrap()
        .unwrap();
    assert_eq!(attr(&el(&row_b, "row-mode"), "data-mode"), "phone");
    assert_eq!(
        el(&row_b, "row-mode").text_content().unwrap(),
        "Phone / e-mail"
    );
    assert_eq!(
        attr(&el(&row_b, "row-category"), "data-category"),
        "business"
    );
    assert_eq!(
        el(&row_b, "row-category").text_content().unwrap(),
        "Business / process"
    );
    assert_eq!(by_testid(&root, "row-mode").len(), 3);
    assert_eq!(by_testid(&root, "row-category").len(), 3);

    set_value(&el(&root, "filter-mode"), "phone");
    tick().await;
    assert_eq!(ids(&root), vec![b.id.to_string()]);

    set_value(&el(&root, "filter-mode"), "");
    set_value(&el(&root, "filter-category"), "security");
    tick().await;
    assert_eq!(ids(&root), vec![c.id.to_string()]);

    set_value(&el(&root, "filter-category"), "");
    set_value(&el(&root, "filter-severity"), "2");
    tick().await;
    assert_eq!(ids(&root), vec![a.id.to_string()]);

    set_value(&el(&root, "filter-severity"), "");
    let esc: HtmlInputElement = el(&root, "filter-escalated").unchecked_into();
    esc.set_checked(true);
    esc.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(ids(&root), vec![b.id.to_string()]);
    esc.set_checked(false);
    esc.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();

    // Search: customer, title and number (distinct per id), case-insensitively.
    assert_ne!(a.number, b.number);
    set_value(&el(&root, "filter-search"), "harbour");
    tick().await;
    assert_eq!(ids(&root), vec![b.id.to_string()]);
    set_value(&el(&root, "filter-search"), "FIREWALL");
    tick().await;
    assert_eq!(ids(&root), vec![c.id.to_string()]);
    set_value(&el(&root, "filter-search"), &a.number.to_lowercase());
    tick().await;
    assert_eq!(ids(&root), vec![a.id.to_string()]);

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
    let again = container();
    mount_to(again.clone(), move || {
        provide_i18n_with(Lang::En);
        provide_context(state);
        view! { <CaseList /> }
    })
    .forget();
    wait_until("the remounted list", || {
        !by_testid(&again, "case-row").is_empty()
    })
    .await;
    assert_eq!(ids(&again), vec![a.id.to_string()]);
    let mode = js_sys::Reflect::get(&el(&again, "filter-mode"), &"value".into()).unwrap();
    assert_eq!(mode.as_string().as_deref(), Some("on_site"));

    // Clearing brings every case back.
    el(&again, "filter-clear").click();
    tick().await;
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

// ---------------------------------------------------------------------------------------------
// Review queue

/// 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

fn completed(id: u128, resolved_at: DateTime<Utc>) -> Case {
    let mut c = server_case(Uuid::from_u128(id), ALICE, CaseStatus::InProgress);
    c.status = CaseStatus::Completed;
    c.sla.resolved_at = Some(resolved_at);
    c.report.symptom = Some("UPS beeps every minute".into());
    c.report.cause = Some("Battery string worn out".into());
    c.report.actions = Some("Replaced both batteries".into());
    c.report.result = Some(RepairResult::Resolved);
    c
}

#[wasm_bindgen_test]
async fn review_queue_shows_the_work_and_close_records_case_close() {
    use onsite::components::signature_pad::base64_decode;
    use onsite::pages::ReviewPage;
    let store = Store::open_named(&unique_db("review")).await.unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap();
    let png = base64_decode(PNG).unwrap();
    let sig_sha = hash_blob(&png);
    let photo_bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
    let photo_sha = hash_blob(&photo_bytes);
    store.cache_blob(&sig_sha, &png).await.unwrap();
    store.cache_blob(&photo_sha, &photo_bytes).await.unwrap();

    // Completed later: second in the queue.
    let mut work = completed(0x51, t + Duration::hours(5));
    let usage = Uuid::from_u128(0x501);
    work.parts = vec![
        PartUsage {
            returned_defective: true,
            ..part_usage(usage, "BAT-12V9", 3, t)
        },
        // A correction: net 2.
        PartUsage {
            corrects: Some(usage),
            ..part_usage(Uuid::from_u128(0x502), "BAT-12V9", -1, t)
        },
        part_usage(Uuid::from_u128(0x503), "FUSE-10A", 1, t),
    ];
    work.time_entries = serde_json::from_value(serde_json::json!([
        {"entry_id": Uuid::from_u128(0x601), "kind": "travel",
         "start": "2026-11-03T08:00:00Z", "end": "2026-11-03T08:40:00Z"},
        {"entry_id": Uuid::from_u128(0x602), "kind": "work",
         "start": "2026-11-03T09:00:00Z", "end": "2026-11-03T10:30:00Z"},
        // Struck out by a correction: does not count.
        {"entry_id": Uuid::from_u128(0x603), "kind": "work",
         "start": "2026-11-03T11:00:00Z", "end": "2026-11-03T12:00:00Z",
         "superseded_by": Uuid::from_u128(0x604)}
    ]))
    .unwrap();
    work.photos = vec![Photo {
        photo_id: Uuid::from_u128(0x701),
        sha256: photo_sha.clone(),
        caption: Some("Old batteries".into()),
    }];
    work.sign_off = Some(SignOff {
        signoff_id: Uuid::from_u128(0x801),
        signer_name: "Li Wei".into(),
        signature_sha256: Some(sig_sha.clone()),
        unsigned_reason: None,
        report_sha256: work.report_sha256(),
        satisfaction: Some(4),
        comment: Some("Quick and tidy".into()),
        signed_at: t + Duration::hours(5),
    });
    work.flags = vec![CaseFlag::ClockSkew {
        mutation_id: None,
        event: "case.accept".into(),
        client_time: t,
        server_time: t + Duration::hours(1),
    }];

    // Completed first: severity 1 without a fault analysis — it cannot be closed yet.
    let mut sev1 = completed(0x52, t + Duration::hours(1));
    sev1.severity = Severity::new(1).unwrap();
    // Not completed: not in the queue.
    let busy = server_case(Uuid::from_u128(0x53), BOB, CaseStatus::InProgress);
    seed(
        &store,
        vec![case_change(&work), case_change(&sev1), case_change(&busy)],
    )
    .await;

    let (root, _state) = mount_app(store.clone(), manager(), false, || view! { <ReviewPage /> });
    wait_until("two review rows", || {
        by_testid(&root, "review-row").len() == 2
    })
    .await;
    // Oldest first.
    assert_eq!(
        attrs(&root, "review-row", "data-case-id"),
        vec![sev1.id.to_string(), work.id.to_string()]
    );
    assert_eq!(attr(&el(&root, "review-count"), "data-count"), "2");

    let row = |id: Uuid| -> Element {
        root.query_selector(&format!("[data-testid='review-row'][data-case-id='{id}']"))
            .unwrap()
            .unwrap_or_else(|| panic!("no review row {id}"))
    };
    let w = row(work.id);
    // Parts: net quantities per part number, corrections folded in.
    assert_eq!(
        part_qtys(&w, "review-part"),
        vec![
            ("BAT-12V9".to_string(), "2".to_string()),
            ("FUSE-10A".to_string(), "1".to_string())
        ]
    );
    // Labour: live entries only (40 min travel, 90 min work).
    assert_eq!(attr(&el(&w, "review-travel"), "data-minutes"), "40");
    assert_eq!(attr(&el(&w, "review-work"), "data-minutes"), "90");
    assert_eq!(el(&w, "review-work").text_content().unwrap(), "1 h 30 min");
    // Report, signer, satisfaction, flags.
    assert!(w
        .text_content()
        .unwrap()
        .contains("Battery string worn out"));
    assert_eq!(attr(&el(&w, "review-result"), "data-result"), "resolved");
    assert!(el(&w, "review-signer")
        .text_content()
        .unwrap()
        .contains("Li Wei"));
    assert_eq!(attr(&el(&w, "review-satisfaction"), "data-value"), "4");
    assert_eq!(attrs(&w, "review-flag", "data-flag"), vec!["clock_skew"]);
    // The signature and the photo come from the blobs store (offline here).
    wait_until("the signature image", || {
        by_testid(&w, "review-signature")
            .first()
            .map(|e| attr(e, "data-loaded") == "true" && e.tag_name() == "IMG")
            .unwrap_or(false)
    })
    .await;
    let sig = el(&w, "review-signature");
    assert_eq!(attr(&sig, "data-sha256"), sig_sha);
    assert!(attr(&sig, "src").starts_with("blob:"));
    wait_until("the photo thumbnail", || {
        attrs(&w, "photo-thumb", "data-loaded") == vec!["true"]
    })
    .await;

    // Severity 1 without fault analysis: says why, and offers no close.
    let s = row(sev1.id);
    assert_eq!(by_testid(&s, "review-needs-fault-analysis").len(), 1);
    assert!(by_testid(&s, "review-close").is_empty());
    assert_eq!(by_testid(&s, "review-reopen").len(), 1);
    assert!(by_testid(&w, "review-needs-fault-analysis").is_empty());

    // Close: recorded through the one write path (case + outbox entry).
    el(&w, "review-close").click();
    wait_until("the case to leave the queue", || {
        by_testid(&root, "review-row").len() == 1
    })
    .await;
    let pending = store.pending(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].name, "case.close");
    assert_eq!(pending[0].args["case_id"], work.id.to_string());
    assert_eq!(
        store.case(work.id).await.unwrap().unwrap().status,
        CaseStatus::Closed
    );

    // Reopen asks for a reason first.
    let s = row(sev1.id);
    el(&s, "review-reopen").click();
    tick().await;
    assert!(el(&s, "review-reopen-confirm").has_attribute("disabled"));
    set_value(&el(&s, "review-reason"), "Customer still sees the alarm");
    tick().await;
    el(&s, "review-reopen-confirm").click();
    wait_until("the queue to empty", || {
        by_testid(&root, "review-empty").len() == 1
    })
    .await;
    let pending = store.pending(10).await.unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[1].name, "case.reopen");
    assert_eq!(pending[1].args["reason"], "Customer still sees the alarm");
    assert_eq!(
        store.case(sev1.id).await.unwrap().unwrap().status,
        CaseStatus::InProgress
    );
}

// ---------------------------------------------------------------------------------------------
// Dashboard

fn oct(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, day, 12, 0, 0).unwrap()
}

fn dash_case(id: u128, engineer: Uuid, reported: DateTime<Utc>) -> Case {
    let mut c = server_case(Uuid::from_u128(id), engineer, CaseStatus::Assigned);
    c.reported_at = reported;
    c.sign_off = None;
    c.report.result = None;
    c.timeline.clear();
    c
}

fn rated(c: &Case, stars: u8) -> Option<SignOff> {
    Some(SignOff {
        signoff_id: Uuid::new_v4(),
        signer_name: "Customer".into(),
        signature_sha256: None,
        unsigned_reason: Some("fixture".into()),
        report_sha256: c.report_sha256(),
        satisfaction: Some(stars),
        comment: None,
        signed_at: c.reported_at,
    })
}

/// Figures worked out by hand in the test below.
fn dashboard_fixture() -> Vec<Case> {
    let m = Duration::minutes;
    // A (alice): respond 30 of 60 min, resolved in 1 d of 3 d, resolved, never reopened, 5 stars.
    let mut a = dash_case(0xd1, ALICE, oct(10));
    a.status = CaseStatus::Closed;
    a.sla.respond_by = a.reported_at + m(60);
    a.sla.resolve_by = Some(a.reported_at + m(4320));
    a.sla.responded_at = Some(a.reported_at + m(30));
    a.sla.resolved_at = Some(a.reported_at + m(1440));
    a.report.result = Some(RepairResult::Resolved);
    a.sign_off = rated(&a, 5);
    // B (alice): respond 90 of 60 (breach), resolved in 5 d of 3 d (breach), reopened once, 3 stars.
    let mut b = dash_case(0xd2, ALICE, oct(12));
    b.status = CaseStatus::Completed;
    b.sla.respond_by = b.reported_at + m(60);
    b.sla.resolve_by = Some(b.reported_at + m(4320));
    b.sla.responded_at = Some(b.reported_at + m(90));
    b.sla.resolved_at = Some(b.reported_at + m(7200));
    b.report.result = Some(RepairResult::Resolved);
    b.timeline.push(TimelineEntry {
        event: "case.reopen".into(),
        actor_id: MANAGER,
        client_time: b.reported_at + m(5000),
        server_time: Some(b.reported_at + m(5000)),
        detail: Some("came back".into()),
    });
    b.sign_off = rated(&b, 3);
    // C (bob): respond 60 of 120, not resolved, resolve target 7 d long past at `now`.
    let mut c = dash_case(0xd3, BOB, oct(15));
    c.status = CaseStatus::InProgress;
    c.sla.respond_by = c.reported_at + m(120);
    c.sla.resolve_by = Some(c.reported_at + m(10080));
    c.sla.responded_at = Some(c.reported_at + m(60));
    // D (bob): cancelled — only counted.
    let mut d = dash_case(0xd4, BOB, oct(16));
    d.status = CaseStatus::Cancelled;
    d.sla.respond_by = d.reported_at + m(60);
    // E (alice): reported in September, outside the period.
    let mut e = dash_case(
        0xd5,
        ALICE,
        Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).unwrap(),
    );
    e.sla.respond_by = e.reported_at + m(60);
    // C is also a customer complaint (bob's case).
    c.complaint = true;
    // C's unit is A's, fixed by alice on Oct 11: C is a repeat fault, counted against alice.
    a.product.serial = Some("UNIT-1".into());
    c.product.serial = Some("UNIT-1".into());
    vec![a, b, c, d, e]
}

fn value(root: &Element, testid: &str) -> Option<f64> {
    let v = attr(&el(root, testid), "data-value");
    (!v.is_empty()).then(|| v.parse().expect("a number"))
}

fn cell(row: &Element, figure: &str) -> Option<f64> {
    let e = row
        .query_selector(&format!("[data-figure='{figure}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no cell {figure}"));
    let v = attr(&e, "data-value");
    (!v.is_empty()).then(|| v.parse().expect("a number"))
}

#[wasm_bindgen_test]
async fn dashboard_figures_for_a_hand_computed_fixture() {
    use onsite::pages::dashboard::DashboardView;
    let cases = dashboard_fixture();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let names: BTreeMap<Uuid, String> = [(ALICE, "Alice Chen".to_string())].into();
    let root = container();
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <DashboardView cases=cases.clone() names=names.clone() now=now /> }
    })
    .forget();
    tick().await;

    // The default period is the last 30 days (inclusive of today, device time).
    let today = Local::now().date_naive();
    let from: HtmlInputElement = el(&root, "dash-from").unchecked_into();
    let to: HtmlInputElement = el(&root, "dash-to").unchecked_into();
    assert_eq!(from.value(), (today - Duration::days(29)).to_string());
    assert_eq!(to.value(), today.to_string());

    set_value(&el(&root, "dash-from"), "2026-10-01");
    set_value(&el(&root, "dash-to"), "2026-10-31");
    tick().await;
    // A, B, C, D in the period (E is September); D cancelled.
    assert_eq!(attr(&el(&root, "dash-count"), "data-count"), "4");
    // Timeliness: A within target, B late → 1/2.
    assert_eq!(value(&root, "dash-timeliness"), Some(0.5));
    assert_eq!(
        el(&root, "dash-timeliness").text_content().unwrap(),
        "Repair timeliness50%1 of 2 resolved"
    );
    // Response: (30 + 90 + 60) / 3 = 60 min; target (60 + 60 + 120) / 3 = 80.
    assert_eq!(value(&root, "dash-response"), Some(60.0));
    assert!(el(&root, "dash-response")
        .text_content()
        .unwrap()
        .contains("target 1 h 20 min"));
    // Resolution: (1440 + 7200) / 2 = 4320 min = 3 d.
    assert_eq!(value(&root, "dash-resolution"), Some(4320.0));
    // First-time fix: A only (B was reopened) → 1/2.
    assert_eq!(value(&root, "dash-first-time-fix"), Some(0.5));
    // Satisfaction: (5 + 3) / 2.
    assert_eq!(value(&root, "dash-satisfaction"), Some(4.0));
    // Breaches: B respond + B resolve + C resolve (open past its target at `now`).
    assert_eq!(value(&root, "dash-breaches"), Some(3.0));
    assert_eq!(value(&root, "dash-repeat-faults"), Some(1.0));
    assert_eq!(value(&root, "dash-complaints"), Some(1.0));
    assert!(el(&root, "dash-repeat-faults")
        .text_content()
        .unwrap()
        .contains("within 30 days"));

    // Per engineer (by id): Alice named, Bob (no user record) by short id.
    let rows = by_testid(&root, "dash-engineer-row");
    assert_eq!(rows.len(), 2);
    let (ra, rb) = (&rows[0], &rows[1]);
    assert_eq!(attr(ra, "data-engineer-id"), ALICE.to_string());
    assert_eq!(attr(rb, "data-engineer-id"), BOB.to_string());
    let name = |r: &Element| {
        r.query_selector("[data-figure='name']")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert_eq!(name(ra), "Alice Chen");
    assert_eq!(name(rb), BOB.simple().to_string()[..8].to_string());
    assert_eq!(cell(ra, "cases"), Some(2.0));
    assert_eq!(cell(ra, "timeliness"), Some(0.5));
    assert_eq!(cell(ra, "response"), Some(60.0));
    assert_eq!(cell(ra, "resolution"), Some(4320.0));
    assert_eq!(cell(ra, "first_time_fix"), Some(0.5));
    assert_eq!(cell(ra, "satisfaction"), Some(4.0));
    assert_eq!(cell(ra, "breaches"), Some(2.0));
    assert_eq!(cell(rb, "cases"), Some(2.0));
    assert_eq!(cell(rb, "timeliness"), None, "nothing resolved");
    assert_eq!(cell(rb, "response"), Some(60.0));
    assert_eq!(cell(rb, "satisfaction"), None);
    assert_eq!(cell(rb, "breaches"), Some(1.0));
    assert_eq!(
        cell(ra, "repeat_faults"),
        Some(1.0),
        "alice's fix came back"
    );
    assert_eq!(cell(rb, "repeat_faults"), Some(0.0));
    assert_eq!(
        (cell(ra, "complaints"), cell(rb, "complaints")),
        (Some(0.0), Some(1.0))
    );

    // A narrower period: only A (Oct 10).
    set_value(&el(&root, "dash-to"), "2026-10-11");
    tick().await;
    assert_eq!(attr(&el(&root, "dash-count"), "data-count"), "1");
    assert_eq!(value(&root, "dash-timeliness"), Some(1.0));
    assert_eq!(value(&root, "dash-breaches"), Some(0.0));
    assert_eq!(value(&root, "dash-repeat-faults"), Some(0.0));
    assert_eq!(by_testid(&root, "dash-engineer-row").len(), 1);

    // An impossible period says so.
    set_value(&el(&root, "dash-from"), "2026-10-20");
    tick().await;
    assert_eq!(by_testid(&root, "dash-bad-period").len(), 1);
    assert_eq!(value(&root, "dash-timeliness"), None);

    // Presets set both dates.
    el(&root, "dash-preset-90").click();
    tick().await;
    assert_eq!(from.value(), (today - Duration::days(89)).to_string());
    assert_eq!(to.value(), today.to_string());
    el(&root, "dash-preset-month").click();
    tick().await;
    assert_eq!(from.value(), today.format("%Y-%m-01").to_string());
    assert!(by_testid(&root, "dash-bad-period").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Van stock

fn level(part: &str, qty: i64, min: i64) -> StockLevel {
    StockLevel {
        part_no: part.into(),
        engineer_id: ALICE,
        qty,
        min_qty: min,
    }
}

#[wasm_bindgen_test]
async fn engineer_sees_negative_and_low_stock_first_with_warnings() {
    use onsite::pages::StockPage;
    let store = Store::open_named(&unique_db("stock")).await.unwrap();
    let levels = [
        level("A-100", 5, 1),
        level("B-200", 0, 1),
        level("C-300", -2, 1),
        level("D-400", 3, 5),
        level("E-500", 2, 1),
    ];
    seed(
        &store,
        levels
            .iter()
            .map(|l| put(Entity::Stock, &l.part_no, serde_json::to_value(l).unwrap()))
            .collect(),
    )
    .await;
    let (root, _) = mount_app(
        store,
        user(ALICE, "Alice Chen", Role::Engineer),
        false,
        || view! { <StockPage /> },
    );
    wait_until("five stock rows", || {
        by_testid(&root, "stock-row").len() == 5
    })
    .await;
    assert_eq!(
        attrs(&root, "stock-row", "data-part-no"),
        vec!["C-300", "B-200", "D-400", "A-100", "E-500"]
    );
    assert_eq!(
        attrs(&root, "stock-row", "data-qty"),
        vec!["-2", "0", "3", "5", "2"]
    );
    assert_eq!(
        attrs(&root, "stock-row", "data-negative"),
        vec!["true", "false", "false", "false", "false"]
    );
    assert_eq!(
        attrs(&root, "stock-row", "data-low"),
        vec!["true", "true", "true", "false", "false"]
    );
    let rows = by_testid(&root, "stock-row");
    assert!(rows[0].text_content().unwrap().contains("Negative"));
    assert!(rows[1].text_content().unwrap().contains("Low"));
    assert!(rows[2].text_content().unwrap().contains("Low"));
    assert!(!rows[3].text_content().unwrap().contains("Low"));
    let count = el(&root, "stock-low-count");
    assert_eq!(attr(&count, "data-count"), "3");
    assert!(count.text_content().unwrap().contains("3 part(s) low"));
    // No manager controls for an engineer.
    assert!(by_testid(&root, "stock-engineer").is_empty());
    assert!(by_testid(&root, "stock-adjust-submit").is_empty());
}

/// Replaces `window.fetch` for `/api/v1/stock/levels` with a canned answer (other requests
/// go through); returns the original to put back.
fn stub_stock_levels(status: u16, body: &str) -> wasm_bindgen::JsValue {
    let window = web_sys::window().unwrap();
    let original = js_sys::Reflect::get(&window, &"fetch".into()).unwrap();
    let make = js_sys::Function::new_with_args(
        "original, status, body",
        "return function (req, init) { \
           const url = typeof req === 'string' ? req : req.url; \
           if (url.includes('/api/v1/stock/levels')) { \
             return Promise.resolve(new Response(body, \
               { status: status, headers: { 'Content-Type': 'application/json' } })); \
           } \
           return original.call(window, req, init); };",
    );
    let stub = make
        .call3(
            &wasm_bindgen::JsValue::NULL,
            &original,
            &wasm_bindgen::JsValue::from(status),
            &body.into(),
        )
        .unwrap();
    js_sys::Reflect::set(&window, &"fetch".into(), &stub).unwrap();
    original
}

fn restore_fetch(original: wasm_bindgen::JsValue) {
    let window = web_sys::window().unwrap();
    js_sys::Reflect::set(&window, &"fetch".into(), &original).unwrap();
}

/// Online, the manager sees an engineer's levels from `GET /api/v1/stock/levels`, low flags
/// by the server's reorder points (`min_qty`), negative then low first.
#[wasm_bindgen_test]
async fn manager_sees_levels_with_the_servers_reorder_points() {
    use onsite::pages::StockPage;
    let store = Store::open_named(&unique_db("mgr-levels")).await.unwrap();
    seed_users(
        &store,
        &[user(ALICE, "Alice Chen", Role::Engineer), manager()],
    )
    .await;
    let level = |part: &str, qty: i64, min_qty: i64| StockLevel {
        part_no: part.into(),
        engineer_id: ALICE,
        qty,
        min_qty,
    };
    let body =
        serde_json::to_string(&[level("P-2", 10, 2), level("P-1", 3, 5), level("P-3", -1, 1)])
            .unwrap();
    let original = stub_stock_levels(200, &body);
    let (root, _) = mount_app(store, manager(), true, || view! { <StockPage /> });
    wait_until("three rows", || by_testid(&root, "stock-row").len() == 3).await;
    restore_fetch(original);
    assert_eq!(
        attrs(&root, "stock-row", "data-part-no"),
        vec!["P-3", "P-1", "P-2"]
    );
    assert_eq!(
        attrs(&root, "stock-row", "data-low"),
        vec!["true", "true", "false"],
        "P-1 (3 ≤ its reorder point 5) is low"
    );
    assert_eq!(attr(&el(&root, "stock-low-count"), "data-count"), "2");
}

/// A failed load reads as translated keys (never the server's English); a 401 starts the
/// session-expired flow.
#[wasm_bindgen_test]
async fn manager_stock_errors_are_translated_and_401_asks_to_sign_in_again() {
    use onsite::pages::StockPage;
    let store = Store::open_named(&unique_db("mgr-levels-err"))
        .await
        .unwrap();
    seed_users(
        &store,
        &[user(ALICE, "Alice Chen", Role::Engineer), manager()],
    )
    .await;

    let original = stub_stock_levels(
        403,
        r#"{"error":"forbidden","message":"managers only, you are not one"}"#,
    );
    let (root, _) = mount_app(store.clone(), manager(), true, || view! { <StockPage /> });
    wait_until("the error", || by_testid(&root, "stock-error").len() == 1).await;
    restore_fetch(original);
    let e = el(&root, "stock-error");
    assert_eq!(attr(&e, "data-error"), "stock.failed");
    assert_eq!(attr(&e, "data-reason"), "sync_reason.forbidden");
    let text = e.text_content().unwrap();
    assert!(text.contains("Could not load the van stock."), "{text}");
    assert!(text.contains("The server refused access."), "{text}");
    assert!(!text.contains("managers only"), "no server English: {text}");
    assert!(!text.contains("403"), "{text}");

    let original = stub_stock_levels(401, r#"{"error":"unauthorized","message":"token expired"}"#);
    let (root, state) = mount_app(store, manager(), true, || view! { <StockPage /> });
    wait_until("the sign-in prompt", || {
        by_testid(&root, "stock-auth-expired").len() == 1
    })
    .await;
    restore_fetch(original);
    wait_until("the session-expired status", || {
        state.status.with_untracked(|s| s.auth_expired)
    })
    .await;
    assert_eq!(
        state.status.with_untracked(|s| s.last_error),
        Some("sync_error.auth_expired")
    );
    assert_eq!(by_testid(&root, "stock-relogin").len(), 1);
}

#[wasm_bindgen_test]
async fn manager_replenish_queues_a_stock_adjust_offline() {
    use onsite::pages::StockPage;

    let store = Store::open_named(&unique_db("replenish")).await.unwrap();
    seed_users(
        &store,
        &[
            user(ALICE, "Alice Chen", Role::Engineer),
            user(BOB, "Bob Li", Role::Engineer),
            manager(),
        ],
    )
    .await;
    let (root, _) = mount_app(store.clone(), manager(), false, || view! { <StockPage /> });
    wait_until("the engineers", || {
        all(&root, "[data-testid='stock-engineer'] option").len() == 2
    })
    .await;
    let options: Vec<String> = all(&root, "[data-testid='stock-engineer'] option")
        .iter()
        .map(|o| o.text_content().unwrap())
        .collect();
    assert_eq!(
        options,
        vec!["Alice Chen", "Bob Li"],
        "engineers only, by name"
    );
    // Offline: the server's levels cannot be read; the page says so plainly.
    wait_until("the offline notice", || {
        by_testid(&root, "stock-offline").len() == 1
    })
    .await;

    set_value(&el(&root, "stock-engineer"), &BOB.to_string());
    set_value(&el(&root, "stock-adjust-part"), "BAT-12V9");
    set_value(&el(&root, "stock-adjust-qty"), "0");
    set_value(&el(&root, "stock-adjust-reason"), "Weekly top-up");
    tick().await;
    el(&root, "stock-adjust-submit").click();
    tick().await;
    assert_eq!(
        attr(&el(&root, "stock-adjust-error"), "data-error"),
        "stock.bad_qty"
    );
    assert_eq!(store.pending_count().await.unwrap(), 0);

    set_value(&el(&root, "stock-adjust-qty"), "6");
    tick().await;
    el(&root, "stock-adjust-submit").click();
    wait_until("the queued notice", || {
        by_testid(&root, "stock-adjust-queued").len() == 1
    })
    .await;
    assert!(by_testid(&root, "stock-adjust-error").is_empty());
    let pending = store.pending(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].name, "stock.adjust");
    assert_eq!(
        pending[0].args,
        serde_json::json!({
            "engineer_id": BOB,
            "part_no": "BAT-12V9",
            "delta": 6,
            "reason": "Weekly top-up"
        })
    );
    // The form is cleared for the next one.
    let part: HtmlInputElement = el(&root, "stock-adjust-part").unchecked_into();
    assert_eq!(part.value(), "");
}

// ---------------------------------------------------------------------------------------------
// Assign with names

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

// ---------------------------------------------------------------------------------------------
// New case: the contract's SLA policy

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
        onsite::i18n::use_i18n().set(Lang::Zh);
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

// ---------------------------------------------------------------------------------------------
// Section nav

#[wasm_bindgen_test]
async fn nav_counts_cases_waiting_for_review_and_hides_manager_links_from_engineers() {
    use leptos_router::components::Router;
    use onsite::components::AppNav;
    let store = Store::open_named(&unique_db("nav")).await.unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap();
    let done = completed(0x61 << 96, t);
    let other = completed(0x62 << 96, t);
    let busy = server_case(Uuid::from_u128(0x63 << 96), BOB, CaseStatus::InProgress);
    seed(
        &store,
        vec![case_change(&done), case_change(&other), case_change(&busy)],
    )
    .await;
    let (root, _) = mount_app(store.clone(), manager(), true, || {
        view! { <Router><AppNav /></Router> }
    });
    wait_until("the review count", || {
        by_testid(&root, "nav-review")
            .first()
            .map(|e| attr(e, "data-count") == "2")
            .unwrap_or(false)
    })
    .await;
    let review = el(&root, "nav-review");
    assert_eq!(attr(&review, "href"), "/review");
    assert!(review.text_content().unwrap().contains("Review"));
    assert_eq!(attr(&el(&root, "nav-dashboard"), "href"), "/dashboard");
    assert_eq!(attr(&el(&root, "nav-stock"), "href"), "/stock");

    let (root, _) = mount_app(
        store,
        user(ALICE, "Alice Chen", Role::Engineer),
        true,
        || {
            view! { <Router><AppNav /></Router> }
        },
    );
    tick().await;
    assert_eq!(by_testid(&root, "nav-stock").len(), 1);
    assert_eq!(by_testid(&root, "nav-cases").len(), 1);
    assert!(by_testid(&root, "nav-review").is_empty());
    assert!(by_testid(&root, "nav-dashboard").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Phones first: 360 px wide, 44 px touch targets (with the app's real stylesheet)

#[wasm_bindgen_test]
async fn manager_screens_fit_a_360px_phone_with_44px_targets() {
    use leptos_router::components::Router;
    use onsite::components::{AppNav, CaseList};
    use onsite::pages::dashboard::DashboardView;
    use onsite::pages::{ReviewPage, StockPage};
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some(include_str!("../style/main.css")));
    document().head().unwrap().append_child(&style).unwrap();

    let store = Store::open_named(&unique_db("phone")).await.unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap();
    let mut done = completed(0x71 << 96, t);
    done.severity = Severity::new(1).unwrap();
    done.title = "A rather long case title that has to wrap on a small phone screen".into();
    done.flags = vec![CaseFlag::NegativeStock {
        part_no: "BAT-12V9".into(),
    }];
    seed(
        &store,
        vec![
            case_change(&done),
            put(
                Entity::User,
                &BOB.to_string(),
                serde_json::to_value(user(BOB, "Bob Li", Role::Engineer)).unwrap(),
            ),
        ],
    )
    .await;
    let cases = dashboard_fixture();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let (root, _) = mount_app(store, manager(), false, move || {
        let cases = cases.clone();
        view! {
            <Router>
                <AppNav />
                <CaseList />
                <ReviewPage />
                <StockPage />
                <DashboardView cases=cases names=BTreeMap::new() now=now />
            </Router>
        }
    });
    root.set_attribute("style", "width: 360px").unwrap();
    wait_until("the screens", || {
        by_testid(&root, "review-row").len() == 1
            && by_testid(&root, "case-row").len() == 1
            && by_testid(&root, "stock-offline").len() == 1
    })
    .await;

    let edge = root.get_bounding_client_rect().right() + 0.5;
    let over: Vec<String> = all(&root, "*")
        .iter()
        .filter(|e| e.get_bounding_client_rect().right() > edge)
        // The per-engineer table scrolls inside its own box.
        .filter(|e| e.closest(".table-scroll").ok().flatten().is_none())
        .map(|e| {
            format!(
                "{}.{} {:?}",
                e.tag_name(),
                e.class_name(),
                e.get_attribute("data-testid")
            )
        })
        .collect();
    assert!(
        root.scroll_width() <= 360,
        "nothing overflows 360 px: scrollWidth {}; {over:?}",
        root.scroll_width()
    );
    let targets = all(
        &root,
        "button, select, input[type=text], input[type=search], input[type=number], \
         input[type=date], .app-nav a, label.check",
    );
    assert!(targets.len() > 15, "found {} targets", targets.len());
    for e in targets {
        let r = e.get_bounding_client_rect();
        if r.width() == 0.0 {
            continue; // not displayed
        }
        assert!(
            r.height() >= 44.0,
            "{} {:?} is {} px tall",
            e.tag_name(),
            e.get_attribute("data-testid"),
            r.height()
        );
        assert!(
            r.right() <= edge,
            "{} {:?} sticks out: {:?}",
            e.tag_name(),
            e.get_attribute("data-testid"),
            all(&root, ".app-nav a")
                .iter()
                .map(|a| (a.get_bounding_client_rect().width(), a.text_content()))
                .collect::<Vec<_>>()
        );
    }
    style.remove();
}
