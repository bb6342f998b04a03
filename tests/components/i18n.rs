//! Languages: the toggle, the translation tables, translated sync errors.

use std::collections::BTreeSet;

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite_core::mutation::MUTATION_NAMES;
use onsite_core::{CaseStatus, Category, ServiceMode};
use wasm_bindgen_test::*;

use onsite::components::{LangToggle, StatusBadge, StatusBar};
use onsite::i18n::{provide_i18n_with, Lang, EN, ZH};
use onsite::state::AppState;
use onsite::sync::SyncStatus;

use crate::common::{attr, click, container, el, mount_en, text};

#[wasm_bindgen_test]
async fn language_toggle_switches_to_chinese() {
    let root = mount_en(|| {
        // The toggle reports a language it cannot load through the app's error banner.
        provide_context(AppState::new());
        view! {
            <LangToggle />
            <StatusBadge status=CaseStatus::InProgress />
        }
    });
    tick().await;
    let badge = || {
        let e = root.query_selector("[data-status='in_progress']").unwrap();
        e.unwrap().text_content().unwrap()
    };
    assert_eq!(badge(), "In progress");
    assert_eq!(text(&root, "lang-toggle"), "中文");
    click(&root, "lang-toggle").await;
    assert_eq!(badge(), "处理中");
    assert_eq!(text(&root, "lang-toggle"), "EN");
    click(&root, "lang-toggle").await;
    assert_eq!(badge(), "In progress");
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
    let prefixed = |prefix: &str, names: &[&str]| -> Vec<String> {
        names.iter().map(|n| format!("{prefix}.{n}")).collect()
    };
    let statuses: Vec<&str> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    let modes: Vec<&str> = ServiceMode::ALL.iter().map(|m| m.as_str()).collect();
    let mut needed = prefixed("status", &statuses);
    needed.extend(prefixed("event", MUTATION_NAMES));
    needed.extend(prefixed("category", &categories));
    needed.extend(prefixed("mode", &modes));
    needed.extend(prefixed("severity", &["1", "2", "3", "4"]));
    let actions = "accept en_route on_site in_progress on_hold completed close reopen cancel";
    needed.extend(prefixed("action", &actions.split(' ').collect::<Vec<_>>()));
    needed.extend(prefixed(
        "result",
        &["resolved", "workaround", "unresolved"],
    ));
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
    let title = || attr(&el(&root, "sync-online"), "title");
    assert_eq!(title(), onsite::i18n::lookup(Lang::En, "sync_error.server"));
    i18n.get_untracked().unwrap().set(Lang::Zh, || {});
    tick().await;
    assert_eq!(title(), onsite::i18n::lookup(Lang::Zh, "sync_error.server"));
    i18n.get_untracked().unwrap().set(Lang::En, || {});
}
