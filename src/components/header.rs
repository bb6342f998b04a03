use leptos::prelude::*;

use crate::i18n::{use_i18n, Lang};
use crate::state::use_app;

/// EN / 中文 switch.
#[component]
pub fn LangToggle() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            class="btn btn-ghost lang-toggle"
            data-testid="lang-toggle"
            data-lang=move || i18n.lang.get().code()
            on:click=move |_| i18n.toggle()
            title=i18n.text("header.language")
        >
            {move || match i18n.lang.get() {
                Lang::En => "中文",
                Lang::Zh => "EN",
            }}
        </button>
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let user = move || state.session.with(|s| s.as_ref().map(|s| s.user.clone()));
    let logout = move |_| {
        let pending = state.status.with_untracked(|s| s.pending);
        if pending > 0 {
            let msg = i18n.tf("logout.confirm_pending", &[("n", pending.to_string())]);
            let ok = web_sys::window()
                .and_then(|w| w.confirm_with_message(&msg).ok())
                .unwrap_or(false);
            if !ok {
                return;
            }
        }
        leptos::task::spawn_local(state.logout());
    };
    view! {
        <header class="app-header">
            <a href="/" class="brand">{i18n.text("app.name")}</a>
            <div class="header-right">
                {move || {
                    user()
                        .map(|u| {
                            let role_key = match u.role {
                                onsite_core::Role::Engineer => "role.engineer",
                                onsite_core::Role::Manager => "role.manager",
                            };
                            view! {
                                <span class="user" data-testid="user-name">
                                    {u.name.clone()}
                                    <small>{i18n.text(role_key)}</small>
                                </span>
                            }
                        })
                }}
                <crate::components::InstallButton />
                <Show when=move || user().is_some()>
                    <a href="/settings" class="btn btn-ghost btn-icon" data-testid="nav-settings"
                        aria-label=i18n.text("nav.settings") title=i18n.text("nav.settings")>
                        <span aria-hidden="true">"⚙"</span>
                    </a>
                </Show>
                <LangToggle />
                <Show when=move || user().is_some()>
                    <button class="btn btn-ghost btn-icon" data-testid="logout" on:click=logout
                        aria-label=i18n.text("header.logout") title=i18n.text("header.logout")>
                        <span aria-hidden="true">"⏻"</span>
                    </button>
                </Show>
            </div>
        </header>
    }
}
