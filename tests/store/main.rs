//! IndexedDB store: round trips, the one write path (atomic outbox), pull apply, schema
//! upgrades, several users on one device. One test binary; one module per theme, the
//! fixtures they share here.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test store
#![cfg(target_arch = "wasm32")]

use onsite_core::Actor;
use wasm_bindgen_test::*;

#[path = "../common/mod.rs"]
mod common;

mod basics;
mod pull;
mod upgrade;
mod users;
mod write_path;

use common::{engineer, ALICE, BOB};

wasm_bindgen_test_configure!(run_in_browser);

fn alice() -> Actor {
    engineer(ALICE)
}
fn bob() -> Actor {
    engineer(BOB)
}
