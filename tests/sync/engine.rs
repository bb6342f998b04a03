//! The real engine: when it runs, the Web Lock, deadlines, and a replaced session.

use super::*;

/// The real engine against the test page's origin (which has no Onsite API: every call is a
/// 404): it runs at start under the Web Lock, reports the error, and keeps the outbox.
#[wasm_bindgen_test]
async fn engine_runs_at_start_and_reports_without_dropping_anything() {
    use leptos::prelude::{Get, RwSignal, With};
    let f = fixture("engine").await;
    f.record_reports(2).await;
    let status = RwSignal::new(onsite::sync::SyncStatus::default());
    let handle = onsite::sync::start(f.store.clone(), status, f.session.client_id);
    common::wait_until("the engine to run and report", || {
        status.with(|s| s.last_error.is_some() && !s.syncing)
    })
    .await;
    handle.stop();
    let s = status.get();
    assert_eq!(s.pending, 2);
    assert!(!s.auth_expired);
    // The status carries an i18n key (translated by the UI) and the technical detail apart.
    assert_eq!(s.last_error, Some("sync_error.server"));
    assert!(s.last_error_detail.unwrap().contains("404"));
    assert_eq!(f.pending_seqs().await, vec![1, 2]);
}

#[wasm_bindgen_test]
async fn a_request_without_an_answer_in_time_counts_as_offline() {
    let never = futures::future::pending::<Result<u32, ApiError>>();
    let started = js_sys::Date::now();
    assert!(matches!(
        onsite::api::within(50, never).await,
        Err(ApiError::Offline)
    ));
    assert!(js_sys::Date::now() - started < 5_000.0);
    let quick = async { Ok::<u32, ApiError>(7) };
    assert_eq!(onsite::api::within(5_000, quick).await.unwrap(), 7);
}

#[wasm_bindgen_test]
async fn a_busy_sync_lock_is_not_waited_for() {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let name = format!("test-lock-{}", Uuid::new_v4());
    // Another "tab" holds the lock until we release it.
    let release: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let keep = release.clone();
    let holder = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        js_sys::Promise::new(&mut |resolve, _reject| {
            *keep.borrow_mut() = Some(resolve);
        })
    });
    let locks =
        js_sys::Reflect::get(&web_sys::window().unwrap().navigator(), &"locks".into()).unwrap();
    let request: js_sys::Function = js_sys::Reflect::get(&locks, &"request".into())
        .unwrap()
        .unchecked_into();
    let held = request
        .call2(&locks, &JsValue::from_str(&name), &holder)
        .unwrap();
    let held = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(held));
    common::wait_until("the test's lock to be held", || release.borrow().is_some()).await;
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let busy = onsite::sync::with_lock(&name, move || async move { r.set(true) }).await;
    assert!(busy.is_none(), "a held lock is not waited for");
    assert!(!ran.get());

    let resolve = release.borrow_mut().take().unwrap();
    resolve.call0(&JsValue::NULL).unwrap();
    held.await.unwrap();
    let free = onsite::sync::with_lock(&name, || async { 42 }).await;
    assert_eq!(free, Some(42));
}
