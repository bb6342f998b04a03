//! Onsite PWA: Leptos 0.8 client-side app. `main.rs` only mounts [`App`].

pub mod api;
pub mod browser;
pub mod case_filter;
pub mod checklist_templates;
pub mod hooks;
pub mod store;
pub mod sync;

pub mod components;
pub mod i18n;
pub mod pages;
pub mod pwa;
pub mod state;

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::{
    AppIosInstallHint, AppNav, AppUpdateBanner, ErrorBanner, Header, StatusBar, StorageNotice,
};
use crate::i18n::provide_i18n;
use crate::pages::lazy::page;
use crate::pages::{CaseShell, CasesPage, LoginPage};
use crate::state::{AppState, UiError};
use crate::store::Store;

/// A User Timing mark (`performance.mark`): the cold-start benchmark reads them
/// (`ONSITE_BENCH_MARKS=1 make bench`) to show where the time goes.
pub fn perf_mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    let state = AppState::new();
    provide_context(state);
    // The device's language could not be fetched before the first screen (main.rs).
    if i18n.lang.get_untracked() != crate::i18n::initial_lang() {
        state.show_error(UiError::new("i18n.missing"));
    }
    let pwa = pwa::Pwa::new();
    provide_context(pwa);
    pwa::start(state, pwa);

    // Open IndexedDB; a stored session opens the app offline without asking.
    spawn_local(async move {
        match Store::open().await {
            Ok(store) => {
                perf_mark("onsite:store-open");
                // Another tab upgrades the database: let it, and ask the user to reload.
                store.on_version_change(move || {
                    state.sync.with_value(|h| {
                        if let Some(h) = h {
                            h.stop();
                        }
                    });
                    state.store.set_value(None);
                    state.show_error(UiError::new("error.db_version"));
                });
                state.store.set_value(Some(store.clone()));
                if pwa::ios_needs_hint() {
                    let dismissed = store
                        .setting::<bool>(pwa::IOS_HINT_DISMISSED)
                        .await
                        .ok()
                        .flatten()
                        .unwrap_or(false);
                    pwa.ios_hint.set(!dismissed);
                }
                // Both at once: two reads of the first screen's path.
                let (refreshed, session) =
                    futures::join!(sync::refresh_status(&store, state.status), store.session());
                if let Err(e) = refreshed {
                    state.show_error(UiError::from_store(&e));
                }
                match session {
                    Ok(Some(session)) => state.start_session(session),
                    Ok(None) => {}
                    Err(e) => state.show_error(UiError::from_store(&e)),
                }
            }
            Err(e) => state.show_error(UiError::from_store(&e)),
        }
        perf_mark("onsite:ready");
        state.ready.set(true);
    });

    // Keep "time left" badges and relative times current.
    let tick = gloo_timers::callback::Interval::new(30_000, move || state.now.set(Utc::now()));
    let tick = StoredValue::new_local(Some(tick));
    on_cleanup(move || tick.set_value(None));

    // A sync that brought news (new cursor, rejections) makes pages reload from the store.
    let sync_mark = Memo::new(move |_| {
        state
            .status
            .with(|s| (s.last_sync, s.rejections.len(), s.pending))
    });
    Effect::new(move |prev: Option<()>| {
        // `get`, not `track`: a memo only subscribes to its sources once it has run.
        let _ = sync_mark.get();
        if prev.is_some() {
            state.bump();
        }
    });

    // Revoked by a manager or idle too long (the engine cleared the data), or another user
    // signed in on this device in another tab: sign out here too.
    Effect::new(move || {
        if state.status.with(|s| s.session_ended || s.session_replaced)
            && state.session.with_untracked(Option::is_some)
        {
            state.session_ended_on_server();
        }
    });

    let logged_in = move || state.session.with(|s| s.is_some());

    view! {
        <Router>
            <Header />
            <AppNav />
            <ErrorBanner error=state.error />
            <AppUpdateBanner />
            <AppIosInstallHint />
            <StorageNotice />
            <main class="app-main">
                <Show
                    when=move || state.ready.get()
                    fallback=move || view! { <p class="muted loading">{i18n.text("common.loading")}</p> }
                >
                    <Show when=logged_in fallback=|| view! { <LoginPage /> }>
                        <Routes fallback=|| view! { <Redirect path="/" /> }>
                            <Route path=path!("/") view=CasesPage />
                            <Route path=path!("/login") view=|| view! { <Redirect path="/" /> } />
                            <Route path=path!("/status") view=page!(StatusPage) />
                            <Route path=path!("/settings") view=page!(SettingsPage) />
                            <Route path=path!("/new-case") view=page!(NewCasePage) />
                            <Route path=path!("/review") view=page!(ReviewPage) />
                            <Route path=path!("/dashboard") view=page!(DashboardPage) />
                            <Route path=path!("/stock") view=page!(StockPage) />
                            <Route path=path!("/devices") view=page!(DevicesPage) />
                            <Route path=path!("/knowledge") view=page!(KnowledgePage) />
                            <ParentRoute path=path!("/cases/:id") view=CaseShell>
                                <Route path=path!("") view=page!(CaseDetailPage) />
                                <Route path=path!("parts") view=page!(PartsPage) />
                                <Route path=path!("report") view=page!(ReportPage) />
                                <Route path=path!("sign") view=page!(SignPage) />
                                <Route path=path!("print") view=page!(PrintPage) />
                            </ParentRoute>
                        </Routes>
                    </Show>
                </Show>
            </main>
            <StatusBar status=state.status />
        </Router>
    }
}
