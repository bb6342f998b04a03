use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

/// EN / 中文 switch.
#[component]
pub fn LangToggle() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    view! {
        <button
            class="btn btn-ghost lang-toggle"
            data-testid="lang-toggle"
            data-lang=move || i18n.lang.get().code()
            on:click=move |_| i18n.toggle(move || state.show_error(UiError::new("i18n.missing")))
            title=i18n.text("header.language")
        >
            {move || i18n.t("header.other_lang")}
        </button>
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let user = move || state.session.with(|s| s.as_ref().map(|s| s.user.clone()));
    let signing_out = crate::state::use_logout();
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
        signing_out.dispatch(());
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
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                            <path d="M19.14 12.94c.04-.3.06-.61.06-.94 0-.32-.02-.64-.07-.94l2.03-1.58a.49.49 0 0 0 .12-.61l-1.92-3.32a.49.49 0 0 0-.59-.22l-2.39.96c-.5-.38-1.03-.7-1.62-.94l-.36-2.54a.48.48 0 0 0-.48-.41h-3.84c-.24 0-.43.17-.47.41l-.36 2.54c-.59.24-1.13.57-1.62.94l-2.39-.96a.49.49 0 0 0-.59.22L2.74 8.87a.48.48 0 0 0 .12.61l2.03 1.58c-.05.3-.09.63-.09.94s.02.64.07.94l-2.03 1.58a.49.49 0 0 0-.12.61l1.92 3.32c.12.22.37.29.59.22l2.39-.96c.5.38 1.03.7 1.62.94l.36 2.54c.05.24.24.41.48.41h3.84c.24 0 .44-.17.47-.41l.36-2.54c.59-.24 1.13-.56 1.62-.94l2.39.96c.22.08.47 0 .59-.22l1.92-3.32c.12-.22.07-.47-.12-.61l-2.01-1.58zM12 15.6A3.6 3.6 0 1 1 12 8.4a3.6 3.6 0 0 1 0 7.2z" />
                        </svg>
                    </a>
                </Show>
                <LangToggle />
                <Show when=move || user().is_some()>
                    <button class="btn btn-ghost btn-icon" data-testid="logout" on:click=logout
                        disabled=move || signing_out.pending().get()
                        aria-label=i18n.text("header.logout") title=i18n.text("header.logout")>
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                            <path d="M17 7l-1.41 1.41L18.17 11H8v2h10.17l-2.58 2.58L17 17l5-5zM4 5h8V3H4c-1.1 0-2 .9-2 2v14c0 1.1.9 2 2 2h8v-2H4V5z" />
                        </svg>
                    </button>
                </Show>
            </div>
        </header>
    }
}

/// The app's sections under the header: cases, van stock, and for managers the review queue
/// (with the number of completed cases waiting) and the dashboard.
#[component]
pub fn AppNav() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let manager = move || state.actor_tracked().map(|a| a.role) == Some(onsite_core::Role::Manager);
    let waiting = LocalResource::new(move || {
        state.revision.track();
        let store = if manager() { state.store() } else { None };
        async move {
            match store {
                Some(s) => match s.case_summaries().await {
                    Ok(cs) => cs
                        .iter()
                        .filter(|c| c.status == onsite_core::CaseStatus::Completed)
                        .count(),
                    Err(e) => {
                        state.show_error(crate::state::UiError::from_store(&e));
                        0
                    }
                },
                None => 0,
            }
        }
    });
    let count = move || waiting.get().unwrap_or(0);
    let has_count = move || count() > 0;
    view! {
        <Show when=move || state.actor_tracked().is_some()>
            <nav class="app-nav" aria-label=i18n.text("nav.sections")>
                <NavLink href="/" testid="nav-cases">{i18n.text("nav.cases")}</NavLink>
                <Show when=manager>
                    <NavLink href="/review" testid="nav-review" count=Signal::derive(count)>
                        {i18n.text("nav.review")}
                        <span class="nav-count" class:has-count=has_count>{move || count().to_string()}</span>
                    </NavLink>
                    <NavLink href="/dashboard" testid="nav-dashboard">{i18n.text("nav.dashboard")}</NavLink>
                </Show>
                <NavLink href="/stock" testid="nav-stock">{i18n.text("nav.stock")}</NavLink>
            </nav>
        </Show>
    }
}

/// A section link, marked `aria-current="page"` while its section is open (a plain link:
/// the router's `<A>` resolves relative paths this nav never has, at a cost in the first load).
#[component]
fn NavLink(
    href: &'static str,
    testid: &'static str,
    #[prop(optional, into)] count: Option<Signal<usize>>,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let current = move || {
        location.pathname.with(|p| {
            let open = p == href
                || (href != "/"
                    && p.strip_prefix(href)
                        .is_some_and(|rest| rest.starts_with('/')));
            open.then_some("page")
        })
    };
    view! {
        <a href=href data-testid=testid aria-current=current
            data-count=move || count.map(|c| c.get().to_string())>
            {children()}
        </a>
    }
}
