//! `/settings`: storage (persistent? how much used?), app version, device id, the queue,
//! a sync button and the language.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Lang};
use crate::pwa;
use crate::state::{use_app, UiError};

/// Bytes for people: "512 B", "3.4 MB", "1.2 GB".
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes.max(0.0);
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v:.0} {}", UNITS[0])
    } else if v < 10.0 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let status = state.status;
    let version = pwa::app_version();
    let client_id = move || {
        state
            .session
            .with(|s| s.as_ref().map(|s| s.client_id.to_string()))
            .unwrap_or_default()
    };
    let estimate = LocalResource::new(move || {
        // Refresh after writes and syncs.
        state.revision.track();
        crate::browser::storage_estimate()
    });
    // The current answer (the browser may have granted it since the app asked).
    leptos::task::spawn_local(async move {
        if let Some(p) = crate::browser::storage_persisted().await {
            if p || state.persisted.get_untracked().is_none() {
                state.persisted.set(Some(p));
            }
        }
    });
    let persistent = move || match state.persisted.get() {
        Some(true) => "true",
        Some(false) => "false",
        None => "unknown",
    };
    let pending = move || status.with(|s| s.pending);

    view! {
        <section class="settings-page">
            <a href="/" class="back">"‹ " {i18n.text("nav.back_to_cases")}</a>
            <h1 class="page-title">{i18n.text("settings.title")}</h1>
            <section class="card">
                <h2>{i18n.text("settings.storage")}</h2>
                <dl>
                    <div class="field">
                        <dt>{i18n.text("settings.persistent")}</dt>
                        <dd data-testid="storage-persistent" data-persistent=persistent>
                            {move || match persistent() {
                                "true" => i18n.t("settings.persist_yes"),
                                "false" => i18n.t("settings.persist_no"),
                                _ => i18n.t("settings.persist_unknown"),
                            }}
                        </dd>
                    </div>
                    <div class="field">
                        <dt>{i18n.text("settings.estimate")}</dt>
                        <dd data-testid="storage-estimate">
                            {move || match estimate.get().flatten() {
                                Some((used, quota)) => i18n.tf(
                                    "settings.estimate_value",
                                    &[("used", format_bytes(used)), ("quota", format_bytes(quota))],
                                ),
                                None => i18n.t("settings.estimate_unknown").to_string(),
                            }}
                        </dd>
                    </div>
                </dl>
                // Outside the <dl>: a list of terms holds terms and their values only.
                <Show when=move || state.persisted.get() == Some(false)>
                    <p class="notice" data-testid="storage-refused-explain">
                        {i18n.text("settings.persist_refused_explain")}
                    </p>
                </Show>
            </section>
            <section class="card">
                <h2>{i18n.text("status.title")}</h2>
                <dl>
                    <div class="field">
                        <dt>{i18n.text("settings.pending")}</dt>
                        <dd data-testid="settings-pending" data-count=move || pending().to_string()>
                            {pending}
                        </dd>
                    </div>
                </dl>
                <div class="row">
                    <button
                        class="btn btn-primary"
                        data-testid="force-sync"
                        on:click=move |_| state.sync_now()
                    >
                        {i18n.text("settings.force_sync")}
                    </button>
                    <a href="/status" class="btn btn-ghost">{i18n.text("status.title")}</a>
                </div>
            </section>
            <Show when=move || state.actor_tracked().map(|a| a.role) == Some(onsite_core::Role::Manager)>
                <section class="card">
                    <h2>{i18n.text("devices.title")}</h2>
                    <p class="muted">{i18n.text("devices.hint")}</p>
                    <a href="/devices" class="btn" data-testid="settings-devices">{i18n.text("devices.open")}</a>
                </section>
            </Show>
            <section class="card">
                <h2>{i18n.text("settings.language")}</h2>
                <select
                    data-testid="settings-lang"
                    aria-label=i18n.text("settings.language")
                    on:change=move |ev| {
                        let missing = move || state.show_error(UiError::new("i18n.missing"));
                        i18n.set(Lang::from_tag(&event_target_value(&ev)), missing)
                    }
                    prop:value=move || i18n.lang.get().code()
                >
                    <option value="en">{i18n.text("lang.en")}</option>
                    <option value="zh-CN">{i18n.text("lang.zh")}</option>
                </select>
            </section>
            <section class="card">
                <h2>{i18n.text("settings.about")}</h2>
                <dl>
                    <div class="field">
                        <dt>{i18n.text("settings.version")}</dt>
                        <dd data-testid="app-version">{version}</dd>
                    </div>
                    <div class="field">
                        <dt>{i18n.text("settings.client_id")}</dt>
                        <dd><code data-testid="client-id">{client_id}</code></dd>
                    </div>
                </dl>
            </section>
        </section>
    }
}
