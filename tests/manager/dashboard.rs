//! The on-device dashboard on a fixture with hand-computed figures.

use std::collections::BTreeMap;

use chrono::{Duration, Local, TimeZone, Utc};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::{provide_i18n_with, Lang};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

use crate::common::{attr, by_testid, container, el, set_value, ALICE, BOB};
use crate::dashboard_fixture;

fn value(root: &Element, testid: &str) -> Option<f64> {
    let v = attr(&el(root, testid), "data-value");
    (!v.is_empty()).then(|| v.parse().expect("a number"))
}

fn cell(row: &Element, figure: &str) -> Option<f64> {
    let e = row
        .query_selector(&format!("[data-figure='{figure}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no cell {figure}"));
    let v = attr(&e, "data-value");
    (!v.is_empty()).then(|| v.parse().expect("a number"))
}

#[wasm_bindgen_test]
async fn dashboard_figures_for_a_hand_computed_fixture() {
    use onsite::pages::dashboard::DashboardView;
    let cases = dashboard_fixture();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let names: BTreeMap<Uuid, String> = [(ALICE, "Alice Chen".to_string())].into();
    let root = container();
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view! { <DashboardView cases=cases.clone() names=names.clone() now=now /> }
    })
    .forget();
    tick().await;

    // The default period is the last 30 days (inclusive of today, device time).
    let today = Local::now().date_naive();
    let from: HtmlInputElement = el(&root, "dash-from").unchecked_into();
    let to: HtmlInputElement = el(&root, "dash-to").unchecked_into();
    assert_eq!(from.value(), (today - Duration::days(29)).to_string());
    assert_eq!(to.value(), today.to_string());

    set_value(&el(&root, "dash-from"), "2026-10-01");
    set_value(&el(&root, "dash-to"), "2026-10-31");
    tick().await;
    // A, B, C, D in the period (E is September); D cancelled.
    assert_eq!(attr(&el(&root, "dash-count"), "data-count"), "4");
    // Timeliness: A within target; B resolved late and C open past its target → 1/3.
    assert_eq!(value(&root, "dash-timeliness"), Some(1.0 / 3.0));
    assert_eq!(
        el(&root, "dash-timeliness").text_content().unwrap(),
        "Repair timeliness33%1 of 3 due in time"
    );
    // Response: (30 + 90 + 60) / 3 = 60 min; target (60 + 60 + 120) / 3 = 80.
    assert_eq!(value(&root, "dash-response"), Some(60.0));
    assert!(el(&root, "dash-response")
        .text_content()
        .unwrap()
        .contains("target 1 h 20 min"));
    // Resolution: (1440 + 7200) / 2 = 4320 min = 3 d.
    assert_eq!(value(&root, "dash-resolution"), Some(4320.0));
    // First-time fix: A only (B was reopened) → 1/2.
    assert_eq!(value(&root, "dash-first-time-fix"), Some(0.5));
    // Satisfaction: (5 + 3) / 2.
    assert_eq!(value(&root, "dash-satisfaction"), Some(4.0));
    // Breaches: B respond + B resolve + C resolve (open past its target at `now`).
    assert_eq!(value(&root, "dash-breaches"), Some(3.0));
    assert_eq!(value(&root, "dash-repeat-faults"), Some(1.0));
    assert_eq!(value(&root, "dash-complaints"), Some(1.0));
    assert!(el(&root, "dash-repeat-faults")
        .text_content()
        .unwrap()
        .contains("within 30 days"));

    // Per engineer (by id): Alice named, Bob (no user record) by short id.
    let rows = by_testid(&root, "dash-engineer-row");
    assert_eq!(rows.len(), 2);
    let (ra, rb) = (&rows[0], &rows[1]);
    assert_eq!(attr(ra, "data-engineer-id"), ALICE.to_string());
    assert_eq!(attr(rb, "data-engineer-id"), BOB.to_string());
    let name = |r: &Element| {
        r.query_selector("[data-figure='name']")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert_eq!(name(ra), "Alice Chen");
    assert_eq!(name(rb), BOB.simple().to_string()[..8].to_string());
    assert_eq!(cell(ra, "cases"), Some(2.0));
    assert_eq!(cell(ra, "timeliness"), Some(0.5));
    assert_eq!(cell(ra, "response"), Some(60.0));
    assert_eq!(cell(ra, "resolution"), Some(4320.0));
    assert_eq!(cell(ra, "first_time_fix"), Some(0.5));
    assert_eq!(cell(ra, "satisfaction"), Some(4.0));
    assert_eq!(cell(ra, "breaches"), Some(2.0));
    assert_eq!(cell(rb, "cases"), Some(2.0));
    assert_eq!(
        cell(rb, "timeliness"),
        Some(0.0),
        "nothing resolved, C past its target"
    );
    assert_eq!(cell(rb, "response"), Some(60.0));
    assert_eq!(cell(rb, "satisfaction"), None);
    assert_eq!(cell(rb, "breaches"), Some(1.0));
    assert_eq!(
        cell(ra, "repeat_faults"),
        Some(1.0),
        "alice's fix came back"
    );
    assert_eq!(cell(rb, "repeat_faults"), Some(0.0));
    assert_eq!(
        (cell(ra, "complaints"), cell(rb, "complaints")),
        (Some(0.0), Some(1.0))
    );

    // A narrower period: only A (Oct 10).
    set_value(&el(&root, "dash-to"), "2026-10-11");
    tick().await;
    assert_eq!(attr(&el(&root, "dash-count"), "data-count"), "1");
    assert_eq!(value(&root, "dash-timeliness"), Some(1.0));
    assert_eq!(value(&root, "dash-breaches"), Some(0.0));
    assert_eq!(value(&root, "dash-repeat-faults"), Some(0.0));
    assert_eq!(by_testid(&root, "dash-engineer-row").len(), 1);

    // An impossible period says so.
    set_value(&el(&root, "dash-from"), "2026-10-20");
    tick().await;
    assert_eq!(by_testid(&root, "dash-bad-period").len(), 1);
    assert_eq!(value(&root, "dash-timeliness"), None);

    // Presets set both dates.
    el(&root, "dash-preset-90").click();
    tick().await;
    assert_eq!(from.value(), (today - Duration::days(89)).to_string());
    assert_eq!(to.value(), today.to_string());
    el(&root, "dash-preset-month").click();
    tick().await;
    assert_eq!(from.value(), today.format("%Y-%m-01").to_string());
    assert!(by_testid(&root, "dash-bad-period").is_empty());
}
