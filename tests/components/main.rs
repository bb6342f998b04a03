//! Component tests: mount into a fresh node in headless Chromium, click, assert on the DOM.
//! One test binary; one module per part of the app, the fixtures they share here.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test components

#![cfg(target_arch = "wasm32")]

use onsite_core::{Actor, Case, CaseStatus};
use uuid::Uuid;
use wasm_bindgen_test::*;

#[path = "../common/mod.rs"]
mod common;

mod cases;
mod i18n;
mod shell;
mod work;

wasm_bindgen_test_configure!(run_in_browser);

fn engineer() -> Actor {
    common::engineer(Uuid::from_u128(7))
}

/// A case assigned to `assignee`, put in `status` directly (a fixture: the state machine is
/// tested in onsite-core).
fn case_in(status: CaseStatus, assignee: Uuid) -> Case {
    let mut case = common::server_case(Uuid::from_u128(42), assignee, CaseStatus::Assigned);
    case.status = status;
    case
}
