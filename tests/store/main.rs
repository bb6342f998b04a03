//! IndexedDB store: round trips, the one write path (atomic outbox), pull apply, schema
//! upgrades, several users on one device. One test binary; one module per theme, the
//! fixtures they share here.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test store
#![cfg(target_arch = "wasm32")]

use onsite::store::Store;
use onsite_core::mutation::CaseRef;
use onsite_core::{Actor, Mutation, Part};
use uuid::Uuid;
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

fn part(no: &str, name: &str) -> Part {
    Part {
        part_no: no.into(),
        name: name.into(),
        description: None,
        unit: "pcs".into(),
    }
}

/// Records alice's `case.accept`.
async fn accept_as_alice(store: &Store, case_id: Uuid) -> onsite::store::OutboxEntry {
    store
        .record(alice(), Mutation::Accept(CaseRef { case_id }), vec![])
        .await
        .unwrap()
}
