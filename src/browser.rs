//! Browser facilities the app uses from several places, with no app state of their own:
//! online state, the service-worker registration, Background Sync, storage persistence.

use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::ServiceWorkerRegistration;

/// Background Sync tag the worker answers with `FLUSH_OUTBOX`.
pub const SYNC_TAG: &str = "onsite-outbox";

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
}

/// The service worker's registration, once `pwa::start` has it.
pub fn registration() -> Option<ServiceWorkerRegistration> {
    REGISTRATION.with(|r| r.borrow().clone())
}

pub fn set_registration(reg: ServiceWorkerRegistration) {
    REGISTRATION.with(|r| *r.borrow_mut() = Some(reg));
}

pub fn navigator() -> Option<web_sys::Navigator> {
    web_sys::window().map(|w| w.navigator())
}

pub fn online() -> bool {
    navigator().map(|n| n.on_line()).unwrap_or(true)
}

/// Where the browser has Background Sync, ask for a `sync` event when the connection is
/// back (the worker then asks us to flush). Best effort: the page's own sync is the mechanism.
pub fn request_background_sync() {
    if online() {
        return;
    }
    let Some(reg) = registration() else {
        return;
    };
    let Ok(sync) = js_sys::Reflect::get(&reg, &JsValue::from_str("sync")) else {
        return;
    };
    if sync.is_undefined() || sync.is_null() {
        return;
    }
    let register = js_sys::Reflect::get(&sync, &JsValue::from_str("register"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(register) = register {
        if let Ok(p) = register.call1(&sync, &JsValue::from_str(SYNC_TAG)) {
            if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                spawn_local(async move {
                    let _ = JsFuture::from(p).await;
                });
            }
        }
    }
}

/// `navigator.storage.estimate()`: (used bytes, quota bytes).
pub async fn storage_estimate() -> Option<(f64, f64)> {
    let est = JsFuture::from(storage_manager()?.estimate().ok()?)
        .await
        .ok()?;
    let est: web_sys::StorageEstimate = est.unchecked_into();
    Some((est.get_usage()?, est.get_quota()?))
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    let nav = navigator()?;
    let storage = js_sys::Reflect::get(&nav, &JsValue::from_str("storage")).ok()?;
    (!storage.is_undefined() && !storage.is_null()).then(|| storage.unchecked_into())
}

/// `navigator.storage.persisted()` (no prompt); `None` where the API is missing.
pub async fn storage_persisted() -> Option<bool> {
    let p = storage_manager()?.persisted().ok()?;
    JsFuture::from(p).await.ok()?.as_bool()
}

/// `navigator.storage.persist()`; `None` where the API is missing.
pub async fn storage_persist() -> Option<bool> {
    let p = storage_manager()?.persist().ok()?;
    JsFuture::from(p).await.ok()?.as_bool()
}

/// Calls `f` each time `el` comes within `margin` (CSS) of the viewport, and once at the
/// start if it already is; until dropped.
pub fn when_visible(
    el: &web_sys::Element,
    margin: &str,
    f: impl Fn() + 'static,
) -> Option<Visible> {
    let callback = wasm_bindgen::closure::Closure::<dyn Fn(js_sys::Array)>::new(
        move |entries: js_sys::Array| {
            let seen = entries.iter().any(|e| {
                e.unchecked_into::<web_sys::IntersectionObserverEntry>()
                    .is_intersecting()
            });
            if seen {
                f();
            }
        },
    );
    let init = web_sys::IntersectionObserverInit::new();
    init.set_root_margin(margin);
    let observer =
        web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &init)
            .ok()?;
    observer.observe(el);
    Some(Visible {
        observer,
        _callback: callback,
    })
}

/// An observation of `when_visible`; dropping it ends it.
pub struct Visible {
    observer: web_sys::IntersectionObserver,
    _callback: wasm_bindgen::closure::Closure<dyn Fn(js_sys::Array)>,
}

impl Drop for Visible {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Runs `f` once the browser is idle (`requestIdleCallback`, within 2 s), or after a short
/// timeout where there is none (Safari): for work that must not compete with the first screen.
pub fn when_idle(f: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return f();
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    let idle = js_sys::Reflect::get(&window, &JsValue::from_str("requestIdleCallback"))
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Function>().ok());
    let scheduled = match idle {
        Some(request) => {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"timeout".into(), &2000.into());
            request.call2(&window, &callback, &options).is_ok()
        }
        None => window
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 200)
            .is_ok(),
    };
    if !scheduled {
        leptos::logging::warn!("when_idle: could not schedule");
    }
}
