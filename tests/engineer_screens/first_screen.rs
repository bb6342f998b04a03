//! The first screen of a phone shows the work: at 360 × 640, with the storage notice up,
//! the header, the navigation, the search and at least three cases fit above the status bar;
//! the notice is one line and goes away when dismissed; the other filters wait behind one
//! control that says how many are set.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::Router;
use onsite::components::{AppNav, Header, StatusBar, StorageNotice};
use onsite::pages::CasesPage;
use onsite::state::use_app;

use super::*;

use crate::common::{
    all, app_stylesheet, attr, by_testid, el, mount_app, mount_app_in, rejection, set_checked,
    set_value, text, wait_count, wait_until,
};

const PHONE_HEIGHT: f64 = 640.0;

#[component]
fn Shell() -> impl IntoView {
    let state = use_app();
    view! {
        <Router>
            <Header />
            <AppNav />
            <StorageNotice />
            <main class="app-main"><CasesPage /></main>
            <StatusBar status=state.status />
        </Router>
    }
}

#[wasm_bindgen_test]
async fn the_first_phone_screen_shows_at_least_three_cases() {
    let style = app_stylesheet();
    let cases: Vec<Case> = (0..6u128)
        .map(|i| {
            let mut c = server_case(
                Uuid::from_u128(0xf1 << 96 | i),
                ALICE,
                CaseStatus::InProgress,
            );
            c.title = format!("Cold room compressor trips on high pressure, unit {i}");
            c
        })
        .collect();
    let store = seeded_store("first-screen", &cases, &[], &[]).await;
    let (root, state) = mount_app(store, alice(), true, || view! { <Shell /> });
    root.set_attribute("style", "width: 360px").unwrap();
    state.persist_notice.set(true);
    wait_count(&root, "case-row", 6).await;

    let top = root.get_bounding_client_rect().top();
    let status_bar = all(&root, ".status-bar")
        .first()
        .map_or(0.0, |e| e.get_bounding_client_rect().height());
    let rows = by_testid(&root, "case-row");
    let third = rows[2].get_bounding_client_rect().bottom() - top;
    let layout: Vec<String> = all(
        &root,
        ".app-header, .app-nav, .notice, .knowledge-link, .filters, .case-row, .case-row .row-top > *, .case-title, .case-sub",
    )
    .iter()
    .map(|e| {
        let r = e.get_bounding_client_rect();
        format!(
            "{} {:.0}..{:.0} w{:.0} {:?}",
            e.class_name(),
            r.top() - top,
            r.bottom() - top,
            r.width(),
            e.text_content().unwrap_or_default().chars().take(30).collect::<String>()
        )
    })
    .collect();
    assert!(
        third <= PHONE_HEIGHT - status_bar,
        "the third case ends at {third} px; the first screen shows {} px: {layout:#?}",
        PHONE_HEIGHT - status_bar
    );

    // The notice: one line, its dismiss button a full touch target, and it goes away.
    let notice = el(&root, "storage-notice");
    assert!(
        notice.get_bounding_client_rect().height() <= 56.0,
        "the notice is {} px tall",
        notice.get_bounding_client_rect().height()
    );
    let dismiss = el(&root, "storage-notice-dismiss");
    assert!(dismiss.get_bounding_client_rect().height() >= 44.0);
    assert!(dismiss.get_bounding_client_rect().width() >= 44.0);
    assert_eq!(attr(&dismiss, "aria-label"), "Dismiss");
    dismiss.click();
    wait_until("the notice to go", || {
        by_testid(&root, "storage-notice").is_empty()
    })
    .await;

    // Filters: hidden behind one control, which counts what is set.
    let toggle = el(&root, "filter-toggle");
    assert!(toggle.get_bounding_client_rect().height() >= 44.0);
    assert!(el(&root, "filter-panel").has_attribute("hidden"));
    assert!(by_testid(&root, "filter-count").is_empty());
    toggle.click();
    wait_until("the filter panel", || {
        !el(&root, "filter-panel").has_attribute("hidden")
    })
    .await;
    assert_eq!(attr(&toggle, "aria-expanded"), "true");
    set_value(&el(&root, "filter-severity"), "2");
    set_checked(&el(&root, "filter-escalated"), true);
    wait_until("two filters counted", || {
        by_testid(&root, "filter-count")
            .first()
            .and_then(|c| c.text_content())
            .is_some_and(|t| t.trim() == "2")
    })
    .await;
    style.remove();
}

/// The status bar at 360 px in both languages, with changes waiting, an old last sync and
/// rejections: one line, and everything but the time of the last sync shows whole (that time
/// gives way with an ellipsis). Before, the line scrolled sideways and hid the rejections.
#[wasm_bindgen_test]
async fn the_status_bar_at_360_px_shows_the_waiting_changes_and_the_rejections_whole() {
    let style = app_stylesheet();
    let rejection = rejection(9, None);
    let store = seeded_store("status-bar", &[], &[], &[]).await;
    for lang in [Lang::En, Lang::Zh] {
        let (root, state) = mount_app_in(lang, &store, alice(), true, || {
            view! { <StatusBar status=use_app().status /> }
        });
        state.status.update(|s| {
            s.online = true;
            s.pending = 1234;
            s.last_sync = Some(Utc::now() - Duration::hours(30));
            s.rejections = vec![rejection.clone(); 12];
        });
        let bar = all(&root, ".status-bar")[0].clone();
        bar.set_attribute("style", "right: auto; width: 360px")
            .unwrap();
        wait_until("the status shown", || {
            text(&root, "sync-rejections").contains("12")
        })
        .await;
        let line = all(&root, ".status-line")[0].clone();
        assert!(
            line.scroll_width() <= line.client_width(),
            "{lang:?}: the status line is {} px wide in {} px",
            line.scroll_width(),
            line.client_width()
        );
        let right = bar.get_bounding_client_rect().right();
        for id in ["sync-online", "sync-pending", "sync-rejections"] {
            let e = el(&root, id);
            let r = e.get_bounding_client_rect();
            assert!(
                r.right() <= right && e.scroll_width() <= e.client_width().max(r.width() as i32),
                "{lang:?}: {id} ({:?}) ends at {} px, the bar at {right} px",
                e.text_content(),
                r.right()
            );
        }
        root.remove();
    }
    style.remove();
}
