//! Manager screens in headless Chromium: case-list filters, the review queue, the on-device
//! dashboard, van stock and the replenish form. Pages run against a real IndexedDB store.
//! One test binary; one module per screen, the fixtures they share here.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test manager

#![cfg(target_arch = "wasm32")]

use chrono::{DateTime, Duration, TimeZone, Utc};
use onsite_core::wire::UserInfo;
use onsite_core::{Case, CaseStatus, RepairResult, Role, SignOff, TimelineEntry};
use uuid::Uuid;
use wasm_bindgen_test::*;

#[path = "../common/mod.rs"]
mod common;

mod case_list;
mod dashboard;
mod layout;
mod new_case;
mod review;
mod stock;

use common::{server_case, sign_off, user, ALICE, BOB, MANAGER};

wasm_bindgen_test_configure!(run_in_browser);

fn manager() -> UserInfo {
    user(MANAGER, "Mia Manager", Role::Manager)
}

/// A case alice completed at `resolved_at`, with a full report: waiting for review.
fn completed(id: u128, resolved_at: DateTime<Utc>) -> Case {
    let mut c = server_case(Uuid::from_u128(id), ALICE, CaseStatus::InProgress);
    c.status = CaseStatus::Completed;
    c.sla.resolved_at = Some(resolved_at);
    c.report.symptom = Some("UPS beeps every minute".into());
    c.report.cause = Some("Battery string worn out".into());
    c.report.actions = Some("Replaced both batteries".into());
    c.report.result = Some(RepairResult::Resolved);
    c
}

fn oct(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, day, 12, 0, 0).unwrap()
}

fn dash_case(id: u128, engineer: Uuid, reported: DateTime<Utc>) -> Case {
    let mut c = server_case(Uuid::from_u128(id), engineer, CaseStatus::Assigned);
    c.reported_at = reported;
    c.sign_off = None;
    c.report.result = None;
    c.timeline.clear();
    c
}

fn rated(c: &Case, stars: u8) -> Option<SignOff> {
    Some(SignOff {
        unsigned_reason: Some("fixture".into()),
        ..sign_off(c, "Customer", None, Some(stars), c.reported_at)
    })
}

/// Figures worked out by hand in `dashboard.rs`; `layout.rs` shows them on a phone.
fn dashboard_fixture() -> Vec<Case> {
    let m = Duration::minutes;
    // A (alice): respond 30 of 60 min, resolved in 1 d of 3 d, resolved, never reopened, 5 stars.
    let mut a = dash_case(0xd1, ALICE, oct(10));
    a.status = CaseStatus::Closed;
    a.sla.respond_by = a.reported_at + m(60);
    a.sla.resolve_by = Some(a.reported_at + m(4320));
    a.sla.responded_at = Some(a.reported_at + m(30));
    a.sla.resolved_at = Some(a.reported_at + m(1440));
    a.report.result = Some(RepairResult::Resolved);
    a.sign_off = rated(&a, 5);
    // B (alice): respond 90 of 60 (breach), resolved in 5 d of 3 d (breach), reopened once, 3 stars.
    let mut b = dash_case(0xd2, ALICE, oct(12));
    b.status = CaseStatus::Completed;
    b.sla.respond_by = b.reported_at + m(60);
    b.sla.resolve_by = Some(b.reported_at + m(4320));
    b.sla.responded_at = Some(b.reported_at + m(90));
    b.sla.resolved_at = Some(b.reported_at + m(7200));
    b.report.result = Some(RepairResult::Resolved);
    b.timeline.push(TimelineEntry {
        event: "case.reopen".into(),
        actor_id: MANAGER,
        client_time: b.reported_at + m(5000),
        server_time: Some(b.reported_at + m(5000)),
        detail: Some("came back".into()),
    });
    b.sign_off = rated(&b, 3);
    // C (bob): respond 60 of 120, not resolved, resolve target 7 d long past at `now`.
    let mut c = dash_case(0xd3, BOB, oct(15));
    c.status = CaseStatus::InProgress;
    c.sla.respond_by = c.reported_at + m(120);
    c.sla.resolve_by = Some(c.reported_at + m(10080));
    c.sla.responded_at = Some(c.reported_at + m(60));
    // D (bob): cancelled — only counted.
    let mut d = dash_case(0xd4, BOB, oct(16));
    d.status = CaseStatus::Cancelled;
    d.sla.respond_by = d.reported_at + m(60);
    // E (alice): reported in September, outside the period.
    let mut e = dash_case(
        0xd5,
        ALICE,
        Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).unwrap(),
    );
    e.sla.respond_by = e.reported_at + m(60);
    // C is also a customer complaint (bob's case).
    c.complaint = true;
    // C's unit is A's, fixed by alice on Oct 11: C is a repeat fault, counted against alice.
    a.product.serial = Some("UNIT-1".into());
    c.product.serial = Some("UNIT-1".into());
    vec![a, b, c, d, e]
}
