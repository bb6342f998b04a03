//! Reading and driving the DOM, and waiting for what must happen.

use leptos::prelude::document;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// A fresh `div` appended to the page's body, to mount a view into.
pub fn container() -> HtmlElement {
    let doc = document();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

pub fn by_testid(root: &Element, testid: &str) -> Vec<HtmlElement> {
    all(root, &format!("[data-testid='{testid}']"))
        .into_iter()
        .map(|e| e.unchecked_into())
        .collect()
}

/// The first element with `testid`; panics when there is none.
pub fn el(root: &Element, testid: &str) -> HtmlElement {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element {testid}"))
        .unchecked_into()
}

pub fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

/// (`data-part-no`, `data-qty`) of every element with `testid`, in document order.
pub fn part_qtys(root: &Element, testid: &str) -> Vec<(String, String)> {
    by_testid(root, testid)
        .iter()
        .map(|e| (attr(e, "data-part-no"), attr(e, "data-qty")))
        .collect()
}

/// Attribute `name` of every element with `testid`, in document order.
pub fn attrs(root: &Element, testid: &str, name: &str) -> Vec<String> {
    by_testid(root, testid)
        .iter()
        .map(|e| attr(e, name))
        .collect()
}

/// The `data-testid` of every element whose test id starts with `prefix`, in document order.
pub fn testids(root: &Element, prefix: &str) -> Vec<String> {
    let found = all(root, &format!("[data-testid^='{prefix}']"));
    found.iter().map(|e| attr(e, "data-testid")).collect()
}

/// The text of the first element with `testid`.
pub fn text(root: &Element, testid: &str) -> String {
    el(root, testid).text_content().unwrap_or_default()
}

/// An input's, select's or textarea's current value.
pub fn input_value(e: &Element) -> String {
    let v = js_sys::Reflect::get(e, &"value".into()).unwrap();
    v.as_string().unwrap_or_default()
}

/// Clicks the first element with `testid` and lets the view update.
pub async fn click(root: &Element, testid: &str) {
    el(root, testid).click();
    tick().await;
}

/// Ticks or clears a checkbox and fires the `change` event Leptos listens to.
pub fn set_checked(e: &Element, on: bool) {
    js_sys::Reflect::set(e, &"checked".into(), &on.into()).unwrap();
    e.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// Adds the app's real stylesheet to the page; remove it when done.
pub fn app_stylesheet() -> Element {
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some(include_str!("../../style/main.css")));
    document().head().unwrap().append_child(&style).unwrap();
    style
}

/// Sets an input's or select's value and fires the events Leptos listens to.
pub fn set_value(e: &HtmlElement, v: &str) {
    // `value` on an input or a select (no extra web-sys features for the tests).
    js_sys::Reflect::set(e, &"value".into(), &v.into()).unwrap();
    for ev in ["input", "change"] {
        e.dispatch_event(&web_sys::Event::new(ev).unwrap()).unwrap();
    }
}

/// Types into an input or textarea the way a user does (value + `input` event).
pub fn type_into(e: &Element, text: &str) {
    js_sys::Reflect::set(e, &"value".into(), &text.into()).unwrap();
    e.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// How long a test waits for something that must happen: long enough that only a real
/// failure exceeds it on a busy CI machine (a passing test returns as soon as it happens).
pub const DEADLINE_MS: f64 = 60_000.0;

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Polls `cond` every 20 ms until it holds, failing only after [`DEADLINE_MS`].
pub async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let end = now_ms() + DEADLINE_MS;
    while now_ms() < end {
        if cond() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    panic!("timed out waiting for {what}");
}

/// Waits for exactly `n` elements with `testid`.
pub async fn wait_count(root: &Element, testid: &str, n: usize) {
    let what = format!("{n} × {testid}");
    wait_until(&what, || by_testid(root, testid).len() == n).await;
}
