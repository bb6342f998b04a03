//! Component tests: mount into a fresh node in headless Chromium, click, assert on the DOM.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test components

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeSet;

use chrono::{Duration, TimeZone, Utc};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite_core::mutation::MUTATION_NAMES;
use onsite_core::{
    Actor, Case, CaseStatus, Category, Mutation, RepairResult, Report, Role, ServiceMode, SignOff,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use onsite::components::case_actions::status_actions;
use onsite::components::case_list::sort_by_urgency;
use onsite::components::signature_pad::base64_decode;
use onsite::components::{CaseActions, LangToggle, StatusBadge, StatusBar};
use onsite::i18n::{provide_i18n_with, Lang, EN, ZH};
use onsite::pages::report::report_changes;
use onsite::sync::SyncStatus;

mod common;

use common::{container, el, mount_store_error, wait_until};

wasm_bindgen_test_configure!(run_in_browser);

fn testids(root: &HtmlElement, prefix: &str) -> Vec<String> {
    let list = root
        .query_selector_all(&format!("[data-testid^='{prefix}']"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .filter_map(|e| e.get_attribute("data-testid"))
        .collect()
}

fn engineer() -> Actor {
    Actor {
        user_id: Uuid::from_u128(7),
        role: Role::Engineer,
    }
}

/// A case assigned to `assignee`, put in `status` directly (a fixture: the state machine is
/// tested in onsite-core).
fn case_in(status: CaseStatus, assignee: Uuid) -> Case {
    let mut case = common::server_case(Uuid::from_u128(42), assignee, CaseStatus::Assigned);
    case.status = status;
    case
}

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

#[wasm_bindgen_test]
async fn language_toggle_switches_to_chinese() {
    let root = container();
    mount_to(root.clone(), || {
        provide_i18n_with(Lang::En);
        view! {
            <LangToggle />
            <StatusBadge status=CaseStatus::InProgress />
        }
    })
    .forget();
    tick().await;
    let badge = || {
        root.query_selector("[data-status='in_progress']")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert_eq!(badge(), "In progress");
    assert_eq!(el(&root, "lang-toggle").text_content().unwrap(), "中文");
    el(&root, "lang-toggle").click();
    tick().await;
    assert_eq!(badge(), "处理中");
    assert_eq!(el(&root, "lang-toggle").text_content().unwrap(), "EN");
    el(&root, "lang-toggle").click();
    tick().await;
    assert_eq!(badge(), "In progress");
}

#[wasm_bindgen_test]
async fn status_bar_shows_pending_count_from_the_signal() {
    let root = container();
    let status = RwSignal::new(SyncStatus {
        online: false,
        pending: 3,
        ..SyncStatus::default()
    });
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <StatusBar status=status /> }
    })
    .forget();
    tick().await;
    let pending = el(&root, "sync-pending");
    assert_eq!(pending.get_attribute("data-count").as_deref(), Some("3"));
    assert!(pending.text_content().unwrap().contains('3'));
    let online = el(&root, "sync-online");
    assert_eq!(
        online.get_attribute("data-online").as_deref(),
        Some("false")
    );
    assert!(online.text_content().unwrap().contains("Offline"));
    assert_eq!(
        el(&root, "sync-last").text_content().unwrap(),
        "Never synced"
    );

    status.update(|s| {
        s.online = true;
        s.pending = 0;
        s.last_sync = Some(Utc::now());
    });
    tick().await;
    let pending = el(&root, "sync-pending");
    assert_eq!(pending.get_attribute("data-count").as_deref(), Some("0"));
    assert_eq!(pending.text_content().unwrap(), "All synced");
    assert_eq!(
        el(&root, "sync-online")
            .get_attribute("data-online")
            .as_deref(),
        Some("true")
    );
    assert!(el(&root, "sync-last")
        .text_content()
        .unwrap()
        .contains("just now"));
}

#[wasm_bindgen_test]
fn translation_tables_have_the_same_keys_and_cover_domain_names() {
    let en: BTreeSet<&str> = EN.iter().map(|(k, _)| *k).collect();
    let zh: BTreeSet<&str> = ZH.iter().map(|(k, _)| *k).collect();
    assert_eq!(en.len(), EN.len(), "duplicate key in EN");
    assert_eq!(zh.len(), ZH.len(), "duplicate key in ZH");
    assert_eq!(
        en.symmetric_difference(&zh).collect::<Vec<_>>(),
        Vec::<&&str>::new()
    );
    let mut needed: Vec<String> = vec![];
    needed.extend(
        CaseStatus::ALL
            .iter()
            .map(|s| format!("status.{}", s.as_str())),
    );
    needed.extend(MUTATION_NAMES.iter().map(|n| format!("event.{n}")));
    needed.extend(
        Category::ALL
            .iter()
            .map(|c| format!("category.{}", c.as_str())),
    );
    needed.extend(
        ServiceMode::ALL
            .iter()
            .map(|m| format!("mode.{}", m.as_str())),
    );
    needed.extend((1..=4).map(|l| format!("severity.{l}")));
    needed.extend(
        [
            "accept",
            "en_route",
            "on_site",
            "in_progress",
            "on_hold",
            "completed",
            "close",
            "reopen",
            "cancel",
        ]
        .iter()
        .map(|a| format!("action.{a}")),
    );
    needed.extend(
        ["resolved", "workaround", "unresolved"]
            .iter()
            .map(|r| format!("result.{r}")),
    );
    // Sync errors reach the UI as keys (no English outside the tables).
    needed.extend(
        [
            onsite::sync::SyncError::AuthExpired,
            onsite::sync::SyncError::Transient(onsite::api::ApiError::Offline),
            onsite::sync::SyncError::Transient(onsite::api::ApiError::Decode("x".into())),
            onsite::sync::SyncError::Server(onsite::api::ApiError::Unauthorized),
            onsite::sync::SyncError::Stuck("x".into()),
            onsite::sync::SyncError::Store(onsite::store::StoreError {
                kind: onsite::store::StoreErrorKind::QuotaExceeded,
                message: "x".into(),
            }),
            onsite::sync::SyncError::Store(onsite::store::StoreError {
                kind: onsite::store::StoreErrorKind::Other,
                message: "x".into(),
            }),
        ]
        .iter()
        .map(|e| e.key().to_string()),
    );
    needed.push(onsite::sync::BLOCKED_BY_OTHER_USER.to_string());
    for k in &needed {
        assert!(en.contains(k.as_str()), "missing key {k}");
    }
}

#[wasm_bindgen_test]
fn report_sends_only_changed_fields() {
    let id = Uuid::from_u128(1);
    let old = Report {
        symptom: Some("no power".into()),
        ..Report::default()
    };
    let same = Report {
        symptom: Some("no power".into()),
        cause: Some(String::new()),
        ..Report::default()
    };
    assert!(report_changes(id, &old, &same).is_none());
    let new = Report {
        symptom: Some("no power".into()),
        cause: Some("PSU".into()),
        result: Some(RepairResult::Resolved),
        ..Report::default()
    };
    let args = report_changes(id, &old, &new).unwrap();
    assert_eq!(args.symptom, None);
    assert_eq!(args.cause.as_deref(), Some("PSU"));
    assert_eq!(args.result, Some(RepairResult::Resolved));
    assert_eq!(args.actions, None);
}

#[wasm_bindgen_test]
fn cases_sort_by_sla_urgency() {
    let me = engineer().user_id;
    let mut a = case_in(CaseStatus::Assigned, me);
    a.number = "A".into();
    let mut b = case_in(CaseStatus::Assigned, me);
    b.number = "B".into();
    b.sla.respond_by = a.sla.respond_by - Duration::minutes(5);
    let mut done = case_in(CaseStatus::Completed, me);
    done.number = "0".into();
    done.sla.responded_at = Some(done.reported_at);
    done.sla.resolved_at = Some(done.reported_at);
    let mut list = vec![done, a, b];
    sort_by_urgency(&mut list);
    let order: Vec<_> = list.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(order, vec!["B", "A", "0"]);
}

#[wasm_bindgen_test]
fn base64_decodes_png_data() {
    assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
    assert_eq!(base64_decode("aGk=").unwrap(), b"hi");
    assert_eq!(base64_decode("iVBORw0KGgo=").unwrap(), b"\x89PNG\r\n\x1a\n");
}

#[wasm_bindgen_test]
async fn update_banner_shows_when_a_worker_waits_and_apply_calls_back() {
    use onsite::components::UpdateBanner;
    let root = container();
    let waiting = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let applied = RwSignal::new(0u32);
    let on_apply = Callback::new(move |_| applied.update(|n| *n += 1));
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <UpdateBanner ready=waiting busy=busy on_apply=on_apply /> }
    })
    .forget();
    tick().await;
    assert!(
        testids(&root, "update-").is_empty(),
        "no banner before a worker waits"
    );

    waiting.set(true);
    tick().await;
    let banner = el(&root, "update-banner");
    assert!(banner
        .text_content()
        .unwrap()
        .contains("A new version is ready"));
    let apply = el(&root, "update-apply");
    assert_eq!(apply.get_attribute("disabled"), None);
    apply.click();
    tick().await;
    assert_eq!(applied.get_untracked(), 1);

    // While it flushes and switches the button is disabled and says so.
    busy.set(true);
    tick().await;
    assert!(el(&root, "update-apply").has_attribute("disabled"));
    assert!(el(&root, "update-banner")
        .text_content()
        .unwrap()
        .contains("Saving your changes"));
}

#[wasm_bindgen_test]
async fn ios_hint_says_why_and_can_be_dismissed() {
    use onsite::components::IosInstallHint;
    use onsite::pwa::{is_ios_user_agent, Pwa};
    assert!(is_ios_user_agent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"
    ));
    assert!(is_ios_user_agent(
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X)"
    ));
    assert!(!is_ios_user_agent(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/148.0 Safari/537.36"
    ));

    let root = container();
    let dismissed = RwSignal::new(false);
    let pwa = Pwa::new();
    pwa.ios_hint.set(true);
    let on_dismiss = Callback::new(move |_| dismissed.set(true));
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <IosInstallHint pwa=pwa on_dismiss=on_dismiss /> }
    })
    .forget();
    tick().await;
    let text = el(&root, "ios-install-hint").text_content().unwrap();
    assert!(text.contains("Add to Home Screen"), "{text}");
    assert!(text.contains("7 days"), "{text}");
    el(&root, "ios-install-dismiss").click();
    tick().await;
    assert!(testids(&root, "ios-install-hint").is_empty());
    assert!(dismissed.get_untracked());
}

#[wasm_bindgen_test]
async fn quota_error_is_shown_in_plain_words() {
    use onsite::store::StoreErrorKind;
    let (root, _) = mount_store_error(
        Lang::En,
        StoreErrorKind::QuotaExceeded,
        "QuotaExceededError: the quota has been exceeded",
    )
    .await;
    let banner = el(&root, "error-banner");
    assert_eq!(
        banner.get_attribute("data-error").as_deref(),
        Some("error.quota")
    );
    assert!(banner
        .text_content()
        .unwrap()
        .contains("This device is out of storage space"));
}

#[wasm_bindgen_test]
async fn status_bar_translates_the_sync_error() {
    let root = container();
    let status = RwSignal::new(SyncStatus {
        online: true,
        last_error: Some("sync_error.server"),
        last_error_detail: Some("HTTP 404: not found".into()),
        ..SyncStatus::default()
    });
    let i18n = RwSignal::new(None);
    mount_to(root.clone(), move || {
        i18n.set(Some(provide_i18n_with(Lang::En)));
        view! { <StatusBar status=status /> }
    })
    .forget();
    tick().await;
    let title = || el(&root, "sync-online").get_attribute("title").unwrap();
    assert_eq!(title(), onsite::i18n::lookup(Lang::En, "sync_error.server"));
    i18n.get_untracked().unwrap().set(Lang::Zh);
    tick().await;
    assert_eq!(title(), onsite::i18n::lookup(Lang::Zh, "sync_error.server"));
    i18n.get_untracked().unwrap().set(Lang::En);
}

#[wasm_bindgen_test]
async fn settings_page_shows_storage_version_device_and_queue() {
    use onsite::pages::settings::format_bytes;
    use onsite::pages::SettingsPage;
    use onsite::state::AppState;
    use onsite::store::Session;
    use onsite_core::wire::UserInfo;

    assert_eq!(format_bytes(512.0), "512 B");
    assert_eq!(format_bytes(3.5 * 1024.0 * 1024.0), "3.5 MB");
    assert_eq!(format_bytes(200.0 * 1024.0 * 1024.0 * 1024.0), "200 GB");

    let client_id = Uuid::from_u128(0xabc);
    let root = container();
    let app = RwSignal::new(None::<AppState>);
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        let state = AppState::new();
        state.session.set(Some(Session {
            token: "t".into(),
            user: UserInfo {
                id: engineer().user_id,
                name: "Alice".into(),
                role: Role::Engineer,
            },
            client_id,
        }));
        state.status.update(|s| s.pending = 2);
        state.persisted.set(Some(false));
        provide_context(state);
        app.set(Some(state));
        view! { <SettingsPage /> }
    })
    .forget();
    tick().await;
    let state = app.get_untracked().unwrap();

    let persistent = el(&root, "storage-persistent");
    assert_eq!(
        persistent.get_attribute("data-persistent").as_deref(),
        Some("false")
    );
    assert!(el(&root, "storage-refused-explain")
        .text_content()
        .unwrap()
        .contains("may delete the data"));
    // No <meta name="onsite-version"> on the test page: the package version.
    assert_eq!(
        el(&root, "app-version").text_content().unwrap(),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        el(&root, "client-id").text_content().unwrap(),
        client_id.to_string()
    );
    let pending = el(&root, "settings-pending");
    assert_eq!(pending.get_attribute("data-count").as_deref(), Some("2"));
    assert_eq!(pending.text_content().unwrap(), "2");
    // Chromium answers navigator.storage.estimate().
    wait_until("the storage estimate", || {
        el(&root, "storage-estimate")
            .text_content()
            .unwrap()
            .contains(" of ")
    })
    .await;
    // No sync running (not started here): the button is there and harmless.
    el(&root, "force-sync").click();

    state.persisted.set(Some(true));
    state.status.update(|s| s.pending = 0);
    tick().await;
    assert_eq!(
        el(&root, "storage-persistent")
            .get_attribute("data-persistent")
            .as_deref(),
        Some("true")
    );
    assert!(testids(&root, "storage-refused-explain").is_empty());
    assert_eq!(
        el(&root, "settings-pending")
            .get_attribute("data-count")
            .as_deref(),
        Some("0")
    );
    state.persisted.set(None);
    tick().await;
    assert_eq!(
        el(&root, "storage-persistent")
            .get_attribute("data-persistent")
            .as_deref(),
        Some("unknown")
    );

    // The version the build wrote into the page wins.
    let meta = document().create_element("meta").unwrap();
    meta.set_attribute("name", "onsite-version").unwrap();
    meta.set_attribute("content", "0.1.0-next (1a2b3c4d)")
        .unwrap();
    document().head().unwrap().append_child(&meta).unwrap();
    assert_eq!(onsite::pwa::app_version(), "0.1.0-next (1a2b3c4d)");
    meta.remove();
}

fn entry(kind: onsite_core::TimeKind, start_min: i64, mins: i64) -> onsite_core::TimeEntry {
    let base = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    onsite_core::TimeEntry {
        entry_id: Uuid::new_v4(),
        kind,
        start: base + Duration::minutes(start_min),
        end: base + Duration::minutes(start_min + mins),
        corrects: None,
        superseded_by: None,
    }
}

#[wasm_bindgen_test]
async fn time_entries_show_travel_and_work_totals() {
    use onsite::components::labour::time_totals;
    use onsite::components::TimeEntries;
    use onsite_core::TimeKind;
    let entries = vec![
        entry(TimeKind::Travel, 0, 35),
        entry(TimeKind::Work, 40, 90),
        entry(TimeKind::Work, 200, 25),
        entry(TimeKind::Travel, 300, 40),
    ];
    assert_eq!(time_totals(&entries), (75, 115));
    let root = container();
    let list = RwSignal::new(entries);
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <TimeEntries entries=list /> }
    })
    .forget();
    tick().await;
    assert_eq!(testids(&root, "time-entry").len(), 4);
    let travel = el(&root, "time-total-travel");
    let work = el(&root, "time-total-work");
    assert_eq!(travel.get_attribute("data-minutes").as_deref(), Some("75"));
    assert_eq!(work.get_attribute("data-minutes").as_deref(), Some("115"));
    assert_eq!(travel.text_content().unwrap(), "1 h 15 min");
    // A new entry updates the totals.
    list.update(|l| l.push(entry(TimeKind::Work, 400, 5)));
    tick().await;
    assert_eq!(testids(&root, "time-entry").len(), 5);
    assert_eq!(
        el(&root, "time-total-work")
            .get_attribute("data-minutes")
            .as_deref(),
        Some("120")
    );
}

#[wasm_bindgen_test]
fn stopped_timer_makes_one_entry_capped_at_a_day() {
    use onsite::components::labour::timer_entry;
    use onsite_core::TimeKind;
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    let id = Uuid::from_u128(42);
    let a = timer_entry(id, TimeKind::Work, start, start + Duration::minutes(47)).unwrap();
    assert_eq!(
        (a.kind, a.start, a.end),
        (TimeKind::Work, start, start + Duration::minutes(47))
    );
    let long = timer_entry(id, TimeKind::Travel, start, start + Duration::hours(30)).unwrap();
    assert_eq!(long.end, start + Duration::hours(24));
    assert!(timer_entry(id, TimeKind::Work, start, start).is_none());
    assert!(onsite::components::labour::parse_local_input("2026-03-02T08:30").is_some());
    assert!(onsite::components::labour::parse_local_input("nope").is_none());
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
fn photos_fit_1600_px_on_the_long_side() {
    use onsite::components::photos::fit_long_side;
    assert_eq!(fit_long_side(4032, 3024, 1600), (1600, 1200));
    assert_eq!(fit_long_side(3024, 4032, 1600), (1200, 1600));
    assert_eq!(fit_long_side(800, 600, 1600), (800, 600));
    assert_eq!(fit_long_side(10_000, 10, 1600), (1600, 2));
}

async fn bitmap_size(blob: &wasm_bindgen::JsValue) -> (u32, u32) {
    let window = web_sys::window().unwrap();
    let f: js_sys::Function = js_sys::Reflect::get(&window, &"createImageBitmap".into())
        .unwrap()
        .unchecked_into();
    let p: js_sys::Promise = f.call1(&window, blob).unwrap().unchecked_into();
    let bmp = wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    let dim = |k: &str| {
        js_sys::Reflect::get(&bmp, &k.into())
            .unwrap()
            .as_f64()
            .unwrap() as u32
    };
    (dim("width"), dim("height"))
}

#[wasm_bindgen_test]
async fn a_big_picture_is_resized_to_a_jpeg_before_it_is_stored() {
    use onsite::components::photos::{resize_to_jpeg, TARGET_BYTES};
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .unchecked_into();
    canvas.set_width(3200);
    canvas.set_height(2000);
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    ctx.set_fill_style_str("#3366cc");
    ctx.fill_rect(0.0, 0.0, 3200.0, 2000.0);
    ctx.set_fill_style_str("#ffcc00");
    ctx.fill_rect(400.0, 300.0, 1200.0, 900.0);
    let png = onsite::components::signature_pad::canvas_png(&canvas).unwrap();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&png[..]));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let jpeg = resize_to_jpeg(&blob).await.unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG");
    assert!(jpeg.len() <= TARGET_BYTES, "{} bytes", jpeg.len());
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&jpeg[..]));
    let out = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    assert_eq!(bitmap_size(&out).await, (1600, 1000));
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
async fn running_timer_and_fetched_photos_are_kept_on_the_device() {
    use onsite::components::labour::timer_key;
    use onsite::store::{hash_blob, Store};
    use onsite_core::TimeKind;
    let name = format!("onsite-ui-{}", Uuid::new_v4());
    let store = Store::open_named(&name).await.unwrap();
    let key = timer_key(Uuid::from_u128(42), TimeKind::Travel);
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    store.set_setting(&key, &start).await.unwrap();
    store.close();
    // "Restart": a new connection still has the running timer.
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(
        store.setting::<chrono::DateTime<Utc>>(&key).await.unwrap(),
        Some(start)
    );
    store.remove_setting(&key).await.unwrap();
    assert_eq!(
        store.setting::<chrono::DateTime<Utc>>(&key).await.unwrap(),
        None
    );
    let bytes = vec![0xFF, 0xD8, 1, 2, 3];
    let sha = hash_blob(&bytes);
    assert!(store.cache_blob(&"0".repeat(64), &bytes).await.is_err());
    store.cache_blob(&sha, &bytes).await.unwrap();
    assert_eq!(store.blob(&sha).await.unwrap(), Some(bytes));
    assert_eq!(store.pending_count().await.unwrap(), 0, "no outbox entry");
    store.close();
}
