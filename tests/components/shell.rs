//! The app around the pages: the status bar, the update banner, the iOS install hint, the
//! storage error, the settings page.

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::tick;
use uuid::Uuid;
use wasm_bindgen_test::*;

use onsite::components::StatusBar;
use onsite::i18n::Lang;
use onsite::sync::SyncStatus;

use crate::common::{
    attr, click, el, mount_en, mount_store_error, session, testids, text, wait_until,
};
use crate::engineer;

#[wasm_bindgen_test]
async fn status_bar_shows_pending_count_from_the_signal() {
    let status = RwSignal::new(SyncStatus {
        online: false,
        pending: 3,
        ..SyncStatus::default()
    });
    let root = mount_en(move || view! { <StatusBar status=status /> });
    tick().await;
    assert_eq!(attr(&el(&root, "sync-pending"), "data-count"), "3");
    assert!(text(&root, "sync-pending").contains('3'));
    assert_eq!(attr(&el(&root, "sync-online"), "data-online"), "false");
    assert!(text(&root, "sync-online").contains("Offline"));
    assert_eq!(text(&root, "sync-last"), "Never synced");

    status.update(|s| {
        s.online = true;
        s.pending = 0;
        s.last_sync = Some(Utc::now());
    });
    tick().await;
    assert_eq!(attr(&el(&root, "sync-pending"), "data-count"), "0");
    assert_eq!(text(&root, "sync-pending"), "All synced");
    assert_eq!(attr(&el(&root, "sync-online"), "data-online"), "true");
    assert!(text(&root, "sync-last").contains("just now"));
}

#[wasm_bindgen_test]
async fn update_banner_shows_when_a_worker_waits_and_apply_calls_back() {
    use onsite::components::UpdateBanner;
    let waiting = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let applied = RwSignal::new(0u32);
    let on_apply = Callback::new(move |_| applied.update(|n| *n += 1));
    let root =
        mount_en(move || view! { <UpdateBanner ready=waiting busy=busy on_apply=on_apply /> });
    tick().await;
    assert!(
        testids(&root, "update-").is_empty(),
        "no banner before a worker waits"
    );

    waiting.set(true);
    tick().await;
    assert!(text(&root, "update-banner").contains("A new version is ready"));
    assert_eq!(el(&root, "update-apply").get_attribute("disabled"), None);
    click(&root, "update-apply").await;
    assert_eq!(applied.get_untracked(), 1);

    // While it flushes and switches the button is disabled and says so.
    busy.set(true);
    tick().await;
    assert!(el(&root, "update-apply").has_attribute("disabled"));
    assert!(text(&root, "update-banner").contains("Saving your changes"));
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

    let dismissed = RwSignal::new(false);
    let pwa = Pwa::new();
    pwa.ios_hint.set(true);
    let on_dismiss = Callback::new(move |_| dismissed.set(true));
    let root = mount_en(move || view! { <IosInstallHint pwa=pwa on_dismiss=on_dismiss /> });
    tick().await;
    let hint = text(&root, "ios-install-hint");
    assert!(hint.contains("Add to Home Screen"), "{hint}");
    assert!(hint.contains("7 days"), "{hint}");
    click(&root, "ios-install-dismiss").await;
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
    assert_eq!(
        attr(&el(&root, "error-banner"), "data-error"),
        "error.quota"
    );
    assert!(text(&root, "error-banner").contains("This device is out of storage space"));
}

#[wasm_bindgen_test]
async fn settings_page_shows_storage_version_device_and_queue() {
    use onsite::pages::settings::format_bytes;
    use onsite::pages::SettingsPage;
    use onsite::state::AppState;

    assert_eq!(format_bytes(512.0), "512 B");
    assert_eq!(format_bytes(3.5 * 1024.0 * 1024.0), "3.5 MB");
    assert_eq!(format_bytes(200.0 * 1024.0 * 1024.0 * 1024.0), "200 GB");

    let client_id = Uuid::from_u128(0xabc);
    let app = RwSignal::new(None::<AppState>);
    let root = mount_en(move || {
        let state = AppState::new();
        let alice = session(engineer().user_id, "Alice", client_id);
        state.session.set(Some(alice));
        state.status.update(|s| s.pending = 2);
        state.persisted.set(Some(false));
        provide_context(state);
        app.set(Some(state));
        view! { <SettingsPage /> }
    });
    tick().await;
    let state = app.get_untracked().unwrap();

    let persistent = || attr(&el(&root, "storage-persistent"), "data-persistent");
    assert_eq!(persistent(), "false");
    assert!(text(&root, "storage-refused-explain").contains("may delete the data"));
    // No <meta name="onsite-version"> on the test page: the package version.
    assert_eq!(text(&root, "app-version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(text(&root, "client-id"), client_id.to_string());
    assert_eq!(attr(&el(&root, "settings-pending"), "data-count"), "2");
    assert_eq!(text(&root, "settings-pending"), "2");
    // Chromium answers navigator.storage.estimate().
    wait_until("the storage estimate", || {
        text(&root, "storage-estimate").contains(" of ")
    })
    .await;
    // No sync running (not started here): the button is there and harmless.
    el(&root, "force-sync").click();

    state.persisted.set(Some(true));
    state.status.update(|s| s.pending = 0);
    tick().await;
    assert_eq!(persistent(), "true");
    assert!(testids(&root, "storage-refused-explain").is_empty());
    assert_eq!(attr(&el(&root, "settings-pending"), "data-count"), "0");
    state.persisted.set(None);
    tick().await;
    assert_eq!(persistent(), "unknown");

    // The version the build wrote into the page wins.
    let meta = document().create_element("meta").unwrap();
    meta.set_attribute("name", "onsite-version").unwrap();
    meta.set_attribute("content", "0.1.0-next (1a2b3c4d)")
        .unwrap();
    document().head().unwrap().append_child(&meta).unwrap();
    assert_eq!(onsite::pwa::app_version(), "0.1.0-next (1a2b3c4d)");
    meta.remove();
}
