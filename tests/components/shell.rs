//! The app around the pages: the status bar, the update banner, the iOS install hint, the
//! storage error, the settings page.

use chrono::Utc;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite_core::Role;
use uuid::Uuid;
use wasm_bindgen_test::*;

use onsite::components::StatusBar;
use onsite::i18n::{provide_i18n_with, Lang};
use onsite::sync::SyncStatus;

use crate::common::{container, el, mount_store_error, wait_until};
use crate::{engineer, testids};

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
