//! The on-device dashboard on a fixture with hand-computed figures.

use std::collections::BTreeMap;

use chrono::{Duration, Local, TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::Element;

use crate::common::{attr, by_testid, click, el, input_value, mount_en, set_value, text};
use crate::common::{ALICE, BOB};
use crate::dashboard_fixture;

/// The `data-value` of the element `selector` finds under `root`, a number or none.
fn number_at(root: &Element, selector: &str) -> Option<f64> {
    let e = root.query_selector(selector).unwrap();
    let v = attr(
        &e.unwrap_or_else(|| panic!("nothing at {selector}")),
        "data-value",
    );
    (!v.is_empty()).then(|| v.parse().expect("a number"))
}

fn value(root: &Element, testid: &str) -> Option<f64> {
    number_at(root, &format!("[data-testid='{testid}']"))
}

fn cell(row: &Element, figure: &str) -> Option<f64> {
    number_at(row, &format!("[data-figure='{figure}']"))
}

#[wasm_bindgen_test]
async fn dashboard_figures_for_a_hand_computed_fixture() {
    use onsite::pages::dashboard::DashboardView;
    let cases = dashboard_fixture();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let names: BTreeMap<Uuid, String> = [(ALICE, "Alice Chen".to_string())].into();
    let root = mount_en(move || view! { <DashboardView cases=cases names=names now=now /> });
    tick().await;

    // The default period is the last 30 days (inclusive of today, device time).
    let today = Local::now().date_naive();
    let (from, to) = (el(&root, "dash-from"), el(&root, "dash-to"));
    assert_eq!(input_value(&from), (today - Duration::days(29)).to_string());
    assert_eq!(input_value(&to), today.to_string());

    set_value(&el(&root, "dash-from"), "2026-10-01");
    set_value(&el(&root, "dash-to"), "2026-10-31");
    tick().await;
    // A, B, C, D in the period (E is September); D cancelled.
    assert_eq!(attr(&el(&root, "dash-count"), "data-count"), "4");
    // Timeliness: A within target; B resolved late and C open past its target → 1/3.
    assert_eq!(value(&root, "dash-timeliness"), Some(1.0 / 3.0));
    let timeliness = text(&root, "dash-timeliness");
    assert_eq!(timeliness, "Repair timeliness33%1 of 3 due in time");
    // Response: (30 + 90 + 60) / 3 = 60 min; target (60 + 60 + 120) / 3 = 80.
    assert_eq!(value(&root, "dash-response"), Some(60.0));
    assert!(text(&root, "dash-response").contains("target 1 h 20 min"));
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
    assert!(text(&root, "dash-repeat-faults").contains("within 30 days"));

    // Per engineer (by id): Alice named, Bob (no user record) by short id.
    let rows = by_testid(&root, "dash-engineer-row");
    assert_eq!(rows.len(), 2);
    let (ra, rb) = (&rows[0], &rows[1]);
    assert_eq!(attr(ra, "data-engineer-id"), ALICE.to_string());
    assert_eq!(attr(rb, "data-engineer-id"), BOB.to_string());
    let name = |r: &Element| {
        let e = r.query_selector("[data-figure='name']").unwrap();
        e.unwrap().text_content().unwrap()
    };
    assert_eq!(name(ra), "Alice Chen");
    assert_eq!(name(rb), BOB.simple().to_string()[..8].to_string());
    // Bob's timeliness: nothing resolved, C past its target; alice's fix came back (repeat).
    #[rustfmt::skip]
    let cells = [
        (ra, "cases", Some(2.0)), (ra, "timeliness", Some(0.5)), (ra, "response", Some(60.0)),
        (ra, "resolution", Some(4320.0)), (ra, "first_time_fix", Some(0.5)),
        (ra, "satisfaction", Some(4.0)), (ra, "breaches", Some(2.0)),
        (rb, "cases", Some(2.0)), (rb, "timeliness", Some(0.0)), (rb, "response", Some(60.0)),
        (rb, "satisfaction", None), (rb, "breaches", Some(1.0)),
        (ra, "repeat_faults", Some(1.0)), (rb, "repeat_faults", Some(0.0)),
        (ra, "complaints", Some(0.0)), (rb, "complaints", Some(1.0)),
    ];
    for (row, figure, want) in cells {
        let who = attr(row, "data-engineer-id");
        assert_eq!(cell(row, figure), want, "{figure} of {who}");
    }

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
    click(&root, "dash-preset-90").await;
    assert_eq!(input_value(&from), (today - Duration::days(89)).to_string());
    assert_eq!(input_value(&to), today.to_string());
    click(&root, "dash-preset-month").await;
    assert_eq!(input_value(&from), today.format("%Y-%m-01").to_string());
    assert!(by_testid(&root, "dash-bad-period").is_empty());
}
