//! The app's own notices: a new version is waiting, install the app, the iOS
//! add-to-home-screen hint, and storage that is not persistent.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::pwa::{self, Pwa};
use crate::state::use_app;

/// "A new version is ready" with a button. `on_apply` flushes the outbox and switches (see
/// [`pwa::apply_update`]); `busy` is true meanwhile.
#[component]
pub fn UpdateBanner(
    #[prop(into)] ready: Signal<bool>,
    #[prop(into)] busy: Signal<bool>,
    on_apply: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || ready.get()>
            <div class="update-banner" role="status" data-testid="update-banner">
                <div class="update-text">
                    <strong>
                        {move || if busy.get() { i18n.t("update.applying") } else { i18n.t("update.ready") }}
                    </strong>
                    <small class="muted">{i18n.text("update.keeps_changes")}</small>
                </div>
                <button
                    class="btn btn-primary"
                    data-testid="update-apply"
                    disabled=move || busy.get()
                    on:click=move |_| on_apply.run(())
                >
                    {i18n.text("update.apply")}
                </button>
            </div>
        </Show>
    }
}

/// The update banner wired to the app (service worker state in context).
#[component]
pub fn AppUpdateBanner() -> impl IntoView {
    let state = use_app();
    let Some(p) = pwa::use_pwa() else {
        return ().into_any();
    };
    let on_apply = Callback::new(move |_| {
        leptos::task::spawn_local(pwa::apply_update(state, p));
    });
    view! { <UpdateBanner ready=p.update_ready busy=p.applying on_apply=on_apply /> }.into_any()
}

/// Shown where the browser offered `beforeinstallprompt`.
#[component]
pub fn InstallButton() -> impl IntoView {
    let i18n = use_i18n();
    let Some(p) = pwa::use_pwa() else {
        return ().into_any();
    };
    view! {
        <Show when=move || p.can_install.get()>
            <button
                class="btn btn-ghost install-button"
                data-testid="install-button"
                on:click=move |_| pwa::prompt_install(p)
            >
                {i18n.text("install.button")}
            </button>
        </Show>
    }
    .into_any()
}

/// iOS Safari: how to add Onsite to the home screen, and why (7-day storage eviction).
#[component]
pub fn IosInstallHint(
    pwa: Pwa,
    #[prop(optional)] on_dismiss: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || pwa.ios_hint.get()>
            <div class="notice ios-install-hint" role="note" data-testid="ios-install-hint">
                <p>{i18n.text("install.ios_hint")}</p>
                <button
                    class="btn btn-ghost"
                    data-testid="ios-install-dismiss"
                    on:click=move |_| {
                        pwa.ios_hint.set(false);
                        if let Some(cb) = on_dismiss {
                            cb.run(());
                        }
                    }
                >
                    {i18n.text("common.dismiss")}
                </button>
            </div>
        </Show>
    }
}

/// The iOS hint wired to the app: dismissing it is remembered on this device.
#[component]
pub fn AppIosInstallHint() -> impl IntoView {
    let state = use_app();
    let Some(p) = pwa::use_pwa() else {
        return ().into_any();
    };
    let on_dismiss = Callback::new(move |_| {
        if let Some(store) = state.store() {
            leptos::task::spawn_local(async move {
                // Not saved: the hint would come back at the next start; say why now.
                if let Err(e) = store.set_setting(pwa::IOS_HINT_DISMISSED, &true).await {
                    state.show_error(crate::state::UiError::from_store(&e));
                }
            });
        }
    });
    view! { <IosInstallHint pwa=p on_dismiss=on_dismiss /> }.into_any()
}

/// The browser refused persistent storage when asked after login.
#[component]
pub fn StorageNotice() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    view! {
        <Show when=move || state.persist_notice.get()>
            // One line: what it is, where to read more, and a way to put it away.
            <div class="notice notice-line storage-notice" role="note" data-testid="storage-notice">
                <a href="/settings" class="notice-text"
                    on:click=move |_| state.persist_notice.set(false)>
                    {i18n.text("storage.refused_line")}
                </a>
                <button class="btn btn-ghost notice-dismiss" data-testid="storage-notice-dismiss"
                    aria-label=move || i18n.t("common.dismiss")
                    on:click=move |_| state.persist_notice.set(false)>
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                        <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.5"
                            stroke-linecap="round" fill="none" />
                    </svg>
                </button>
            </div>
        </Show>
    }
}
