//! Component tests: mount into a fresh node in headless Chromium, click, assert on the DOM.
//! One test binary; one module per part of the app, the fixtures they share here.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test components

#![cfg(target_arch = "wasm32")]

use onsite_core::{Actor, Case, CaseStatus, Role};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

#[path = "../common/mod.rs"]
mod common;

mod cases;
mod i18n;
mod shell;
mod work;

wasm_bindgen_test_configure!(run_in_browser);

fn testids(root: &HtmlElement, prefix: &str) -> Vec<String> {
    let list = root
        .query_selector_all(&format!("[data-testid^='{prefix}']"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .filter_map(|e| e.get_attribute("data-testid"))
        .collect()
}

fn engineer() -> Actor {
    Actor {
        user_id: Uuid::from_u128(7),
        role: Role::Engineer,
    }
}

/// A case assigned to `assignee`, put in `status` directly (a fixture: the state machine is
/// tested in onsite-core).
fn case_in(status: CaseStatus, assignee: Uuid) -> Case {
    let mut case = common::server_case(Uuid::from_u128(42), assignee, CaseStatus::Assigned);
    case.status = status;
    case
}
