//! Van stock: levels for the engineer, the server's levels for the manager, replenishing.

use leptos::prelude::*;
use leptos::task::tick;
use onsite::store::Store;
use onsite_core::{Role, StockLevel};
use wasm_bindgen_test::*;

use crate::common::{
    all, attr, attrs, by_testid, click, el, input_value, mount_app, seed, seed_users, set_value,
    stock_change, stock_level, text, unique_db, user, wait_count, wait_until, ALICE, BOB,
};
use crate::manager;

fn level(part: &str, qty: i64, min: i64) -> StockLevel {
    stock_level(part, ALICE, qty, min)
}

#[wasm_bindgen_test]
async fn engineer_sees_negative_and_low_stock_first_with_warnings() {
    use onsite::pages::StockPage;
    let store = Store::open_named(&unique_db("stock")).await.unwrap();
    let levels = [
        level("A-100", 5, 1),
        level("B-200", 0, 1),
        level("C-300", -2, 1),
        level("D-400", 3, 5),
        level("E-500", 2, 1),
    ];
    seed(&store, levels.iter().map(stock_change).collect()).await;
    let alice = user(ALICE, "Alice Chen", Role::Engineer);
    let (root, _) = mount_app(store, alice, false, || view! { <StockPage /> });
    wait_count(&root, "stock-row", 5).await;
    assert_eq!(
        attrs(&root, "stock-row", "data-part-no"),
        vec!["C-300", "B-200", "D-400", "A-100", "E-500"]
    );
    assert_eq!(
        attrs(&root, "stock-row", "data-qty"),
        vec!["-2", "0", "3", "5", "2"]
    );
    assert_eq!(
        attrs(&root, "stock-row", "data-negative"),
        vec!["true", "false", "false", "false", "false"]
    );
    assert_eq!(
        attrs(&root, "stock-row", "data-low"),
        vec!["true", "true", "true", "false", "false"]
    );
    let rows = by_testid(&root, "stock-row");
    assert!(rows[0].text_content().unwrap().contains("Negative"));
    assert!(rows[1].text_content().unwrap().contains("Low"));
    assert!(rows[2].text_content().unwrap().contains("Low"));
    assert!(!rows[3].text_content().unwrap().contains("Low"));
    assert_eq!(attr(&el(&root, "stock-low-count"), "data-count"), "3");
    assert!(text(&root, "stock-low-count").contains("3 part(s) low"));
    // No manager controls for an engineer.
    assert!(by_testid(&root, "stock-engineer").is_empty());
    assert!(by_testid(&root, "stock-adjust-submit").is_empty());
}

/// Replaces `window.fetch` for `/api/v1/stock/levels` with a canned answer (other requests
/// go through); returns the original to put back.
fn stub_stock_levels(status: u16, body: &str) -> wasm_bindgen::JsValue {
    let window = web_sys::window().unwrap();
    let original = js_sys::Reflect::get(&window, &"fetch".into()).unwrap();
    let make = js_sys::Function::new_with_args(
        "original, status, body",
        "return function (req, init) { \
           const url = typeof req === 'string' ? req : req.url; \
           if (url.includes('/api/v1/stock/levels')) { \
             return Promise.resolve(new Response(body, \
               { status: status, headers: { 'Content-Type': 'application/json' } })); \
           } \
           return original.call(window, req, init); };",
    );
    let stub = make
        .call3(
            &wasm_bindgen::JsValue::NULL,
            &original,
            &wasm_bindgen::JsValue::from(status),
            &body.into(),
        )
        .unwrap();
    js_sys::Reflect::set(&window, &"fetch".into(), &stub).unwrap();
    original
}

fn restore_fetch(original: wasm_bindgen::JsValue) {
    let window = web_sys::window().unwrap();
    js_sys::Reflect::set(&window, &"fetch".into(), &original).unwrap();
}

/// Online, the manager sees an engineer's levels from `GET /api/v1/stock/levels`, low flags
/// by the server's reorder points (`min_qty`), negative then low first.
#[wasm_bindgen_test]
async fn manager_sees_levels_with_the_servers_reorder_points() {
    use onsite::pages::StockPage;
    let store = Store::open_named(&unique_db("mgr-levels")).await.unwrap();
    seed_users(
        &store,
        &[user(ALICE, "Alice Chen", Role::Engineer), manager()],
    )
    .await;
    let body =
        serde_json::to_string(&[level("P-2", 10, 2), level("P-1", 3, 5), level("P-3", -1, 1)])
            .unwrap();
    let original = stub_stock_levels(200, &body);
    let (root, _) = mount_app(store, manager(), true, || view! { <StockPage /> });
    wait_count(&root, "stock-row", 3).await;
    restore_fetch(original);
    assert_eq!(
        attrs(&root, "stock-row", "data-part-no"),
        vec!["P-3", "P-1", "P-2"]
    );
    assert_eq!(
        attrs(&root, "stock-row", "data-low"),
        vec!["true", "true", "false"],
        "P-1 (3 ≤ its reorder point 5) is low"
    );
    assert_eq!(attr(&el(&root, "stock-low-count"), "data-count"), "2");
}

/// A failed load reads as translated keys (never the server's English); a 401 starts the
/// session-expired flow.
#[wasm_bindgen_test]
async fn manager_stock_errors_are_translated_and_401_asks_to_sign_in_again() {
    use onsite::pages::StockPage;
    let store = Store::open_named(&unique_db("mgr-levels-err"))
        .await
        .unwrap();
    seed_users(
        &store,
        &[user(ALICE, "Alice Chen", Role::Engineer), manager()],
    )
    .await;

    let original = stub_stock_levels(
        403,
        r#"{"error":"forbidden","message":"managers only, you are not one"}"#,
    );
    let (root, _) = mount_app(store.clone(), manager(), true, || view! { <StockPage /> });
    wait_count(&root, "stock-error", 1).await;
    restore_fetch(original);
    let e = el(&root, "stock-error");
    assert_eq!(attr(&e, "data-error"), "stock.failed");
    assert_eq!(attr(&e, "data-reason"), "sync_reason.forbidden");
    let text = e.text_content().unwrap();
    assert!(text.contains("Could not load the van stock."), "{text}");
    assert!(text.contains("The server refused access."), "{text}");
    assert!(!text.contains("managers only"), "no server English: {text}");
    assert!(!text.contains("403"), "{text}");

    let original = stub_stock_levels(401, r#"{"error":"unauthorized","message":"token expired"}"#);
    let (root, state) = mount_app(store, manager(), true, || view! { <StockPage /> });
    wait_count(&root, "stock-auth-expired", 1).await;
    restore_fetch(original);
    wait_until("the session-expired status", || {
        state.status.with_untracked(|s| s.auth_expired)
    })
    .await;
    assert_eq!(
        state.status.with_untracked(|s| s.last_error),
        Some("sync_error.auth_expired")
    );
    assert_eq!(by_testid(&root, "stock-relogin").len(), 1);
}

#[wasm_bindgen_test]
async fn manager_replenish_queues_a_stock_adjust_offline() {
    use onsite::pages::StockPage;

    let store = Store::open_named(&unique_db("replenish")).await.unwrap();
    seed_users(
        &store,
        &[
            user(ALICE, "Alice Chen", Role::Engineer),
            user(BOB, "Bob Li", Role::Engineer),
            manager(),
        ],
    )
    .await;
    let (root, _) = mount_app(store.clone(), manager(), false, || view! { <StockPage /> });
    wait_until("the engineers", || {
        all(&root, "[data-testid='stock-engineer'] option").len() == 2
    })
    .await;
    let options: Vec<String> = all(&root, "[data-testid='stock-engineer'] option")
        .iter()
        .map(|o| o.text_content().unwrap())
        .collect();
    assert_eq!(
        options,
        vec!["Alice Chen", "Bob Li"],
        "engineers only, by name"
    );
    // Offline: the server's levels cannot be read; the page says so plainly.
    wait_count(&root, "stock-offline", 1).await;

    set_value(&el(&root, "stock-engineer"), &BOB.to_string());
    set_value(&el(&root, "stock-adjust-part"), "BAT-12V9");
    set_value(&el(&root, "stock-adjust-qty"), "0");
    set_value(&el(&root, "stock-adjust-reason"), "Weekly top-up");
    tick().await;
    click(&root, "stock-adjust-submit").await;
    assert_eq!(
        attr(&el(&root, "stock-adjust-error"), "data-error"),
        "stock.bad_qty"
    );
    assert_eq!(store.pending_count().await.unwrap(), 0);

    set_value(&el(&root, "stock-adjust-qty"), "6");
    tick().await;
    el(&root, "stock-adjust-submit").click();
    wait_count(&root, "stock-adjust-queued", 1).await;
    assert!(by_testid(&root, "stock-adjust-error").is_empty());
    let pending = store.pending(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].name, "stock.adjust");
    assert_eq!(
        pending[0].args,
        serde_json::json!({
            "engineer_id": BOB,
            "part_no": "BAT-12V9",
            "delta": 6,
            "reason": "Weekly top-up"
        })
    );
    // The form is cleared for the next one.
    assert_eq!(input_value(&el(&root, "stock-adjust-part")), "");
}
