//! The installable-app side of the page: registers `/sw.js`, notices a new build waiting
//! (update banner), applies it (outbox first), relays the worker's Background Sync to the
//! sync engine, and keeps the browser's install prompt for an install button.
//!
//! The service worker itself (public/sw.js) waits for `{type:"SKIP_WAITING"}` from us and
//! posts `{type:"FLUSH_OUTBOX"}` when its `sync` event fires.

use std::cell::{Cell, RefCell};

use gloo_events::EventListener;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

use crate::browser::{self, navigator, online};
use crate::state::AppState;

/// `registration.update()` also runs at start, on `online` and when the app becomes visible.
const UPDATE_EVERY_MS: u32 = 10 * 60 * 1000;
/// The second `update()` after the `online` event (the first one often comes too early).
const ONLINE_RECHECK_MS: u32 = 3_000;
/// How long taking an update waits for the outbox to flush (online only).
const FLUSH_WAIT_MS: f64 = 10_000.0;
/// If the new worker never takes control, reload anyway after this long.
const RELOAD_FALLBACK_MS: u32 = 10_000;
/// Setting: the iOS add-to-home-screen hint was dismissed.
pub const IOS_HINT_DISMISSED: &str = "ios_hint_dismissed";

/// What the UI shows about the app itself. `Copy`, in context.
#[derive(Clone, Copy, Debug)]
pub struct Pwa {
    /// A new build's worker is installed and waiting.
    pub update_ready: RwSignal<bool>,
    /// The user took the update: flushing, then switching.
    pub applying: RwSignal<bool>,
    /// The browser offered `beforeinstallprompt`; the event is kept for the install button.
    pub can_install: RwSignal<bool>,
    /// iOS Safari outside the home screen: show the add-to-home-screen hint.
    pub ios_hint: RwSignal<bool>,
}

impl Default for Pwa {
    fn default() -> Self {
        Self::new()
    }
}

impl Pwa {
    pub fn new() -> Pwa {
        Pwa {
            update_ready: RwSignal::new(false),
            applying: RwSignal::new(false),
            can_install: RwSignal::new(false),
            ios_hint: RwSignal::new(false),
        }
    }
}

pub fn use_pwa() -> Option<Pwa> {
    use_context::<Pwa>()
}

thread_local! {
    static INSTALL_EVENT: RefCell<Option<web_sys::Event>> = const { RefCell::new(None) };
    /// Set when the user took the update: the next `controllerchange` reloads the page.
    static RELOAD_ON_CONTROLLER_CHANGE: Cell<bool> = const { Cell::new(false) };
}

/// `navigator.serviceWorker`, absent outside secure contexts and in old browsers.
fn sw_container() -> Option<ServiceWorkerContainer> {
    let nav = navigator()?;
    let c = js_sys::Reflect::get(&nav, &JsValue::from_str("serviceWorker")).ok()?;
    (!c.is_undefined() && !c.is_null()).then(|| c.unchecked_into())
}

fn has_controller() -> bool {
    sw_container().and_then(|c| c.controller()).is_some()
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Wires everything up; call once from the app root.
pub fn start(state: AppState, pwa: Pwa) {
    listen_install_prompt(pwa);
    let Some(container) = sw_container() else {
        return;
    };
    // A page runs the build its worker served it: when another worker takes over (the user
    // took the update here or in another tab), the page reloads into that build, whose files
    // are the only ones left. Not when the first worker takes over a first visit's page.
    let controlled = Cell::new(has_controller());
    EventListener::new(&container, "controllerchange", move |_| {
        if controlled.replace(true) || RELOAD_ON_CONTROLLER_CHANGE.with(|r| r.get()) {
            reload();
        }
    })
    .forget();
    EventListener::new(&container, "message", move |ev| {
        let Some(ev) = ev.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        let kind = js_sys::Reflect::get(&ev.data(), &JsValue::from_str("type"))
            .ok()
            .and_then(|t| t.as_string());
        if kind.as_deref() == Some("FLUSH_OUTBOX") {
            state.sync_now();
        }
    })
    .forget();
    spawn_local(async move {
        match JsFuture::from(container.register("/sw.js")).await {
            Ok(reg) => watch_registration(reg.unchecked_into(), pwa),
            Err(e) => leptos::logging::warn!("service worker registration failed: {e:?}"),
        }
    });
}

fn watch_registration(reg: ServiceWorkerRegistration, pwa: Pwa) {
    browser::set_registration(reg.clone());
    if reg.waiting().is_some() && has_controller() {
        pwa.update_ready.set(true);
    }
    // A new build may already be installing (the browser looked when the page was opened,
    // before this ran): its `updatefound` has passed.
    if let Some(worker) = reg.installing() {
        watch_installing(worker, pwa);
    }
    let r = reg.clone();
    EventListener::new(&reg, "updatefound", move |_| {
        if let Some(worker) = r.installing() {
            watch_installing(worker, pwa);
        }
    })
    .forget();

    check_for_update();
    if let Some(window) = web_sys::window() {
        // An update() at the moment the connection returns often finds nothing (measured in
        // Chromium); the same call a few seconds later does. So: now, and again ~3 s later.
        EventListener::new(&window, "online", |_| {
            check_for_update();
            gloo_timers::callback::Timeout::new(ONLINE_RECHECK_MS, check_for_update).forget();
        })
        .forget();
        if let Some(doc) = window.document() {
            let d = doc.clone();
            EventListener::new(&doc, "visibilitychange", move |_| {
                if d.visibility_state() == web_sys::VisibilityState::Visible {
                    check_for_update();
                }
            })
            .forget();
        }
    }
    gloo_timers::callback::Interval::new(UPDATE_EVERY_MS, check_for_update).forget();
}

/// Installed while a worker controls the page = a new build is waiting: offer it.
fn watch_installing(worker: web_sys::ServiceWorker, pwa: Pwa) {
    let w = worker.clone();
    EventListener::new(&worker, "statechange", move |_| {
        if w.state() == ServiceWorkerState::Installed && has_controller() {
            pwa.update_ready.set(true);
        }
    })
    .forget();
}

/// Asks the browser to look for a new `/sw.js` (a new build). Failures (offline) are fine.
pub fn check_for_update() {
    let promise = browser::registration().and_then(|r| r.update().ok());
    if let Some(p) = promise {
        spawn_local(async move {
            let _ = JsFuture::from(p).await;
        });
    }
}

/// Takes the waiting build: flushes the outbox first when online (at most ~10 s), then lets
/// the new worker take over and reloads. Queued changes are never touched: whatever did not
/// sync stays in IndexedDB, which the new build opens (and migrates) as it is.
pub async fn apply_update(state: AppState, pwa: Pwa) {
    if pwa.applying.get_untracked() {
        return;
    }
    pwa.applying.set(true);
    let has_sync = state.sync.with_value(|h| h.is_some());
    if online() && has_sync && state.status.with_untracked(|s| s.pending) > 0 {
        state.sync_now();
        let started = js_sys::Date::now();
        let mut saw_round = false;
        while js_sys::Date::now() - started < FLUSH_WAIT_MS {
            gloo_timers::future::TimeoutFuture::new(100).await;
            let (pending, syncing, failed, reachable) = state
                .status
                .with_untracked(|s| (s.pending, s.syncing, s.last_error.is_some(), s.online));
            if pending == 0 {
                break;
            }
            saw_round |= syncing;
            let waited = js_sys::Date::now() - started;
            if !syncing && (saw_round || waited > 1_000.0) && (failed || !reachable) {
                // The round ended without emptying the queue (server unreachable or
                // refusing): go on; the changes stay queued for the new build.
                break;
            }
        }
    }
    let waiting = browser::registration().and_then(|r| r.waiting());
    RELOAD_ON_CONTROLLER_CHANGE.with(|r| r.set(true));
    match waiting {
        Some(worker) => {
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&msg, &"type".into(), &"SKIP_WAITING".into());
            if let Err(e) = worker.post_message(&msg) {
                leptos::logging::warn!("could not message the new worker: {e:?}");
            }
            gloo_timers::future::TimeoutFuture::new(RELOAD_FALLBACK_MS).await;
            reload();
        }
        None => reload(),
    }
}

fn listen_install_prompt(pwa: Pwa) {
    let Some(window) = web_sys::window() else {
        return;
    };
    EventListener::new(&window, "beforeinstallprompt", move |ev| {
        // Keep the event: the install button shows the browser's dialog later.
        ev.prevent_default();
        INSTALL_EVENT.with(|e| *e.borrow_mut() = Some(ev.clone()));
        pwa.can_install.set(true);
    })
    .forget();
    EventListener::new(&window, "appinstalled", move |_| {
        INSTALL_EVENT.with(|e| e.borrow_mut().take());
        pwa.can_install.set(false);
        pwa.ios_hint.set(false);
    })
    .forget();
}

/// Shows the browser's install dialog (the kept `beforeinstallprompt`; it works once).
pub fn prompt_install(pwa: Pwa) {
    let ev = INSTALL_EVENT.with(|e| e.borrow_mut().take());
    pwa.can_install.set(false);
    let Some(ev) = ev else {
        return;
    };
    let prompt = js_sys::Reflect::get(&ev, &JsValue::from_str("prompt"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(prompt) = prompt {
        if let Ok(p) = prompt.call0(&ev) {
            if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                spawn_local(async move {
                    let _ = JsFuture::from(p).await;
                });
            }
        }
    }
}

/// iPhone / iPad / iPod Safari outside the home screen (no install prompt there, and its
/// storage is deleted after 7 days without a visit unless the app is on the home screen).
pub fn ios_needs_hint() -> bool {
    let Some(nav) = navigator() else {
        return false;
    };
    let ua = nav.user_agent().unwrap_or_default();
    let standalone = js_sys::Reflect::get(&nav, &JsValue::from_str("standalone"))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    is_ios_user_agent(&ua) && !standalone
}

pub fn is_ios_user_agent(ua: &str) -> bool {
    ["iPhone", "iPad", "iPod"].iter().any(|d| ua.contains(d))
}

/// The build's version: `<meta name="onsite-version">` (written by the build), else the label
/// the build was given (`ONSITE_VERSION`, compiled in: the e2e tests' next build is other
/// code for it), else the package version.
pub fn app_version() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("meta[name='onsite-version']")
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| {
            option_env!("ONSITE_VERSION")
                .unwrap_or(env!("CARGO_PKG_VERSION"))
                .to_string()
        })
}
