//! The background loop: triggers, debounce, backoff, Web Locks, status signal.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures::channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures::future::{select, Either};
use futures::StreamExt;
use gloo_events::EventListener;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::{RwSignal, Update};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use super::{flush_once, HttpTransport, SyncError, SyncStatus, BLOCKED_BY_OTHER_USER};
use crate::api::ApiError;
use crate::store::{Store, StoreErrorKind};
use uuid::Uuid;

const LOCK_NAME: &str = "onsite-sync";
const DEBOUNCE_MS: u32 = 1_000;
/// Another tab holds the sync lock: how soon to look again.
const LOCK_BUSY_RETRY_MS: f64 = 3_000.0;
const PERIOD_MS: f64 = 60_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    /// A local write happened: sync about 1 s later (writes in that second coalesce).
    Nudge,
    /// Sync now (start, visible again, the user asked).
    Run,
    /// The browser says we are online again: forget the backoff and sync now.
    Online,
    /// The browser says we are offline.
    Offline,
    Stop,
}

/// Controls the engine started by [`start`]. Cheap to clone, `Send + Sync`.
#[derive(Clone)]
pub struct SyncHandle {
    tx: UnboundedSender<Cmd>,
}

impl SyncHandle {
    /// Call after every local write.
    pub fn nudge(&self) {
        let _ = self.tx.unbounded_send(Cmd::Nudge);
    }
    pub fn sync_now(&self) {
        let _ = self.tx.unbounded_send(Cmd::Run);
    }
    pub fn stop(&self) {
        let _ = self.tx.unbounded_send(Cmd::Stop);
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn navigator_online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

/// Starts the engine: at start, on `online`, on `visibilitychange` to visible, ~1 s after
/// `nudge()`, every 60 s; backoff 1..60 s with full jitter (never shorter than a 503's
/// Retry-After, `onsite_core::backoff`), forever; one tab at a time
/// (`navigator.locks` "onsite-sync" where available). Writes its state into `status`.
pub fn start(store: Store, status: RwSignal<SyncStatus>, client: Uuid) -> SyncHandle {
    let (tx, rx) = unbounded();
    let listeners = install_listeners(&tx);
    // Once the first screen is drawn: in the app's build the loop is a file of its own.
    crate::browser::when_idle(move || {
        spawn_local(load_and_run(store, client, status, rx, listeners))
    });
    SyncHandle { tx }
}

fn install_listeners(tx: &UnboundedSender<Cmd>) -> Vec<EventListener> {
    let mut out = Vec::new();
    let Some(window) = web_sys::window() else {
        return out;
    };
    let t = tx.clone();
    out.push(EventListener::new(&window, "online", move |_| {
        let _ = t.unbounded_send(Cmd::Online);
    }));
    let t = tx.clone();
    out.push(EventListener::new(&window, "offline", move |_| {
        let _ = t.unbounded_send(Cmd::Offline);
    }));
    if let Some(doc) = window.document() {
        let t = tx.clone();
        let d = doc.clone();
        out.push(EventListener::new(&doc, "visibilitychange", move |_| {
            if d.visibility_state() == web_sys::VisibilityState::Visible {
                let _ = t.unbounded_send(Cmd::Run);
            }
        }));
    }
    out
}

/// Pending count, last sync and rejections as the store holds them. The app loads them once
/// before it shows anything, so the engine's first refresh changes nothing and does not make
/// every page read the store again.
pub async fn refresh_status(
    store: &Store,
    status: RwSignal<SyncStatus>,
) -> Result<(), crate::store::StoreError> {
    let counts = store.sync_counts().await?;
    status.update(|s| {
        s.pending = counts.pending;
        if counts.last_sync.is_some() {
            s.last_sync = counts.last_sync;
        }
        s.rejections = counts.rejections;
    });
    Ok(())
}

#[cfg(not(feature = "split"))]
async fn load_and_run(
    store: Store,
    client: Uuid,
    status: RwSignal<SyncStatus>,
    rx: UnboundedReceiver<Cmd>,
    listeners: Vec<EventListener>,
) {
    run_loop(store, client, status, rx, listeners).await
}

/// Fetches the engine's file (src/pages/lazy.rs), again and again with the sync's own backoff
/// while it cannot be had, and runs the loop. Offline (a first visit that went offline before
/// the service worker had it) there is nothing to sync with either; online, the file is gone
/// (a page that outlived a deploy with no worker holding its build), and the status bar says
/// to reload.
#[cfg(feature = "split")]
async fn load_and_run(
    store: Store,
    client: Uuid,
    status: RwSignal<SyncStatus>,
    rx: UnboundedReceiver<Cmd>,
    listeners: Vec<EventListener>,
) {
    let mut failures = 0;
    while load_run_loop().await.is_err() {
        failures += 1;
        if crate::browser::online() {
            status.update(|s| s.last_error = Some("sync_error.not_loaded"));
        }
        let wait = onsite_core::backoff::wait_ms(failures, None, js_sys::Math::random());
        TimeoutFuture::new(wait as u32).await;
    }
    match boxed_run_loop(store, client, status, rx, listeners).await {
        Ok(run) => run.await,
        // Loaded just above, so not expected; the next start of the app tries again.
        Err(e) => leptos::logging::error!("sync engine: {e}"),
    }
}

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(
    sync_engine,
    wasm_split_path = ::leptos::wasm_split,
    preload(load_run_loop),
    fallible
)]
fn boxed_run_loop(
    store: Store,
    client: Uuid,
    status: RwSignal<SyncStatus>,
    rx: UnboundedReceiver<Cmd>,
    listeners: Vec<EventListener>,
) -> Result<std::pin::Pin<Box<dyn Future<Output = ()>>>, leptos::wasm_split::SplitLoaderError> {
    Ok(Box::pin(run_loop(store, client, status, rx, listeners)))
}

async fn run_loop(
    store: Store,
    client: Uuid,
    status: RwSignal<SyncStatus>,
    mut rx: UnboundedReceiver<Cmd>,
    listeners: Vec<EventListener>,
) {
    // No refresh here: the app loaded the status before it started the session, and the run
    // below refreshes it after its first flush.
    status.update(|s| s.online = navigator_online());
    let mut failures = 0u32;
    // Run at once on start.
    let mut next_at = now_ms();
    loop {
        let wait = (next_at - now_ms()).max(0.0);
        let cmd = if wait <= 0.0 {
            Cmd::Run
        } else {
            match select(
                rx.next(),
                TimeoutFuture::new(wait.min(u32::MAX as f64) as u32),
            )
            .await
            {
                Either::Left((Some(c), _)) => c,
                Either::Left((None, _)) => Cmd::Stop,
                Either::Right(_) => Cmd::Run,
            }
        };
        match cmd {
            Cmd::Stop => break,
            Cmd::Offline => {
                status.update(|s| s.online = false);
                continue;
            }
            Cmd::Online => {
                failures = 0;
                status.update(|s| s.online = true);
            }
            Cmd::Nudge => {
                // A failure here shows after the round (its own refresh meets it too).
                if let Err(e) = refresh_status(&store, status).await {
                    leptos::logging::warn!("sync status: {e}");
                }
                TimeoutFuture::new(DEBOUNCE_MS).await;
                // Coalesce whatever else arrived meanwhile.
                while let Ok(c) = rx.try_recv() {
                    match c {
                        Cmd::Stop => {
                            drop(listeners);
                            return;
                        }
                        Cmd::Offline => status.update(|s| s.online = false),
                        Cmd::Online => {
                            failures = 0;
                            status.update(|s| s.online = true);
                        }
                        Cmd::Nudge | Cmd::Run => {}
                    }
                }
            }
            Cmd::Run => {}
        }

        let session = match store.session().await {
            Ok(Some(s)) if s.client_id == client => s,
            Ok(Some(_)) => {
                // Another user signed in on this device (another tab): theirs now.
                replaced(status);
                break;
            }
            _ => {
                // Nobody signed in: nothing may be pushed; try again later.
                next_at = now_ms() + PERIOD_MS;
                continue;
            }
        };
        status.update(|s| {
            s.syncing = true;
            s.auth_expired = false;
        });
        let token = session.token.clone();
        let result = with_lock(LOCK_NAME, {
            let store = store.clone();
            move || async move { flush_once(&store, &HttpTransport, &session).await }
        })
        .await;
        let refreshed = refresh_status(&store, status).await;
        let Some(result) = result else {
            // Another tab holds the sync lock: look again soon.
            status.update(|s| s.syncing = false);
            next_at = now_ms() + LOCK_BUSY_RETRY_MS;
            continue;
        };
        match result {
            Ok(report) => {
                failures = 0;
                next_at = now_ms() + PERIOD_MS;
                // The round went through, but the counts it would show could not be read.
                let (error, detail) = match &refreshed {
                    Err(e) => (Some("sync_error.store"), Some(e.to_string())),
                    Ok(()) => (
                        report
                            .blocked_by_other_user
                            .then_some(BLOCKED_BY_OTHER_USER),
                        None,
                    ),
                };
                status.update(|s| {
                    s.syncing = false;
                    s.online = navigator_online();
                    s.last_error = error;
                    s.last_error_detail = detail;
                    s.last_error_reason = None;
                });
            }
            Err(e) => {
                // Revoked (a lost phone) or idle too long: nothing of the server's stays on
                // the device; this user's queued changes wait for them to sign in. A clear
                // that fails is shown as the store error it is, and tried again next round.
                let e = match e {
                    SyncError::SessionEnded => match store.end_session(&token).await {
                        Ok(true) => SyncError::SessionEnded,
                        Ok(false) => {
                            replaced(status);
                            break;
                        }
                        Err(err) => SyncError::Store(err),
                    },
                    SyncError::Store(e) if e.kind == StoreErrorKind::SessionChanged => {
                        replaced(status);
                        break;
                    }
                    e => e,
                };
                let offline = matches!(e, SyncError::Transient(ApiError::Offline));
                let ended = matches!(e, SyncError::SessionEnded);
                let auth = ended || matches!(e, SyncError::AuthExpired);
                failures = failures.saturating_add(1);
                next_at = now_ms()
                    + if auth {
                        PERIOD_MS
                    } else {
                        // A saturated server says how long to stay away (503 Retry-After).
                        let asked = match &e {
                            SyncError::Transient(api) => api.retry_after(),
                            _ => None,
                        };
                        onsite_core::backoff::wait_ms(failures, asked, js_sys::Math::random())
                    };
                status.update(|s| {
                    s.syncing = false;
                    s.online = navigator_online() && !offline;
                    s.auth_expired = auth;
                    s.session_ended |= ended;
                    s.last_error = (!offline).then(|| e.key());
                    s.last_error_detail = (!offline).then(|| e.to_string());
                    s.last_error_reason = if offline { None } else { e.reason_key() };
                });
            }
        }
    }
    drop(listeners);
}

/// Another user's sign-in on this device replaced the session this engine syncs for (in
/// another tab): the engine stops, and the app signs this tab out (src/lib.rs).
fn replaced(status: RwSignal<SyncStatus>) {
    status.update(|s| {
        s.syncing = false;
        s.session_replaced = true;
    });
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = LockManager)]
    type JsLockManager;
    #[wasm_bindgen(method, js_name = request)]
    fn request_lock(
        this: &JsLockManager,
        name: &str,
        options: &JsValue,
        callback: &js_sys::Function,
    ) -> js_sys::Promise;
}

/// Runs `f` while holding the named exclusive Web Lock, or returns `None` at once when another
/// tab holds it (`ifAvailable`): never queue behind a holder that may be stuck; the engine tries
/// again shortly. Without Web Locks (insecure context, old browser) it just runs `f`.
pub async fn with_lock<F, Fut, T>(name: &str, f: F) -> Option<T>
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = T> + 'static,
    T: 'static,
{
    let locks = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("locks")).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let Some(locks) = locks else {
        return Some(f().await);
    };
    let locks: JsLockManager = locks.unchecked_into();
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let slot: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let f_slot: Rc<RefCell<Option<F>>> = Rc::new(RefCell::new(Some(f)));
    let granted = Rc::new(std::cell::Cell::new(false));
    let out = slot.clone();
    let fs = f_slot.clone();
    let got = granted.clone();
    let cb = Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
        future_to_promise(async move {
            if lock.is_null() {
                return Ok(JsValue::UNDEFINED);
            }
            got.set(true);
            let job = fs.borrow_mut().take();
            if let Some(f) = job {
                let v = f().await;
                *out.borrow_mut() = Some(v);
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    let requested = JsFuture::from(locks.request_lock(name, &options, cb.unchecked_ref())).await;
    let done = slot.borrow_mut().take();
    if let Some(v) = done {
        return Some(v);
    }
    if requested.is_ok() && !granted.get() {
        // Another tab is flushing right now.
        return None;
    }
    // The lock request failed before running `f` (e.g. SecurityError): run without it.
    let job = f_slot.borrow_mut().take();
    let f = job.expect("lock callback neither ran nor left the job");
    Some(f().await)
}
