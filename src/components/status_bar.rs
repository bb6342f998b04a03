use chrono::Utc;
use leptos::prelude::*;

use crate::components::fmt;
use crate::i18n::use_i18n;
use crate::state::AppState;
use crate::sync::SyncStatus;

/// Always visible: online/offline, changes waiting, last successful sync, rejections.
#[component]
pub fn StatusBar(#[prop(into)] status: Signal<SyncStatus>) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_context::<AppState>().map(|s| s.now);
    let now = move || now.map(|n| n.get()).unwrap_or_else(Utc::now);
    let online = move || status.with(|s| s.online);
    let pending = move || status.with(|s| s.pending);
    let rejections = move || status.with(|s| s.rejections.len());
    let syncing = move || status.with(|s| s.syncing);
    let error = move || status.with(|s| s.last_error);
    let auth_expired = move || status.with(|s| s.auth_expired);

    view! {
        <footer class="status-bar">
            <div class="status-line" role="status" aria-live="polite">
            <span
                class="sync-online"
                class:is-online=online
                data-testid="sync-online"
                data-online=move || online().to_string()
                title=move || error().map(|key| i18n.t(key)).unwrap_or_default()
            >
                <span class="dot" aria-hidden="true"></span>
                {move || if online() { i18n.t("sync.online") } else { i18n.t("sync.offline") }}
                {move || syncing().then(|| view! { <span class="spinner" aria-hidden="true">"⟳"</span> })}
            </span>
            <span
                class="sync-pending"
                class:has-pending=move || { pending() > 0 }
                data-testid="sync-pending"
                data-count=move || pending().to_string()
            >
                {move || match pending() {
                    0 => i18n.t("sync.all_saved").to_string(),
                    n => i18n.tf("sync.pending", &[("n", n.to_string())]),
                }}
            </span>
            <span class="sync-last" data-testid="sync-last">
                {move || match status.with(|s| s.last_sync) {
                    Some(at) => i18n.tf("sync.last", &[("t", fmt::relative(&i18n, at, now()))]),
                    None => i18n.t("sync.never").to_string(),
                }}
            </span>
            <a
                href="/status"
                class="sync-rejections"
                class:has-rejections=move || { rejections() > 0 }
                data-testid="sync-rejections"
                data-count=move || rejections().to_string()
            >
                {move || {
                    if auth_expired() {
                        i18n.t("sync.auth_expired").to_string()
                    } else {
                        i18n.tf("sync.rejections", &[("n", rejections().to_string())])
                    }
                }}
            </a>
            </div>
        </footer>
    }
}
