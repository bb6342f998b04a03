//! The manager's frame: the section nav, and every screen on a phone.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use onsite::store::Store;
use onsite_core::{CaseFlag, CaseStatus, Role, Severity};
use uuid::Uuid;
use wasm_bindgen_test::*;

use crate::common::{
    all, app_stylesheet, attr, by_testid, case_change, el, mount_app, seed, seed_cases,
    server_case, unique_db, user, user_change, wait_until, ALICE, BOB,
};
use crate::{completed, dashboard_fixture, manager};

#[wasm_bindgen_test]
async fn nav_counts_cases_waiting_for_review_and_hides_manager_links_from_engineers() {
    use leptos_router::components::Router;
    use onsite::components::AppNav;
    let store = Store::open_named(&unique_db("nav")).await.unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap();
    let done = completed(0x61 << 96, t);
    let other = completed(0x62 << 96, t);
    let busy = server_case(Uuid::from_u128(0x63 << 96), BOB, CaseStatus::InProgress);
    seed_cases(&store, &[done, other, busy]).await;
    set_path("/review");
    let (root, _) = mount_app(store.clone(), manager(), true, || {
        view! { <Router><AppNav /></Router> }
    });
    wait_until("the review count", || {
        by_testid(&root, "nav-review")
            .first()
            .map(|e| attr(e, "data-count") == "2")
            .unwrap_or(false)
    })
    .await;
    let review = el(&root, "nav-review");
    assert_eq!(attr(&review, "href"), "/review");
    assert!(review.text_content().unwrap().contains("Review"));
    assert_eq!(attr(&el(&root, "nav-dashboard"), "href"), "/dashboard");
    assert_eq!(attr(&el(&root, "nav-stock"), "href"), "/stock");
    // The open section's link is the current page.
    let current = |id| el(&root, id).get_attribute("aria-current");
    assert_eq!(current("nav-review").as_deref(), Some("page"));
    for other in ["nav-cases", "nav-dashboard", "nav-stock"] {
        assert_eq!(current(other), None, "{other}");
    }

    let alice = user(ALICE, "Alice Chen", Role::Engineer);
    let (root, _) = mount_app(store, alice, true, || view! { <Router><AppNav /></Router> });
    tick().await;
    assert_eq!(by_testid(&root, "nav-stock").len(), 1);
    assert_eq!(by_testid(&root, "nav-cases").len(), 1);
    assert!(by_testid(&root, "nav-review").is_empty());
    assert!(by_testid(&root, "nav-dashboard").is_empty());
    set_path("/");
}

/// Points the page's URL at `path` (the router reads it when it mounts).
fn set_path(path: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Phones first: 360 px wide, 44 px touch targets (with the app's real stylesheet)

#[wasm_bindgen_test]
async fn manager_screens_fit_a_360px_phone_with_44px_targets() {
    use leptos_router::components::Router;
    use onsite::components::{AppNav, CaseList};
    use onsite::pages::dashboard::DashboardView;
    use onsite::pages::{ReviewPage, StockPage};
    let style = app_stylesheet();

    let store = Store::open_named(&unique_db("phone")).await.unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap();
    let mut done = completed(0x71 << 96, t);
    done.severity = Severity::new(1).unwrap();
    done.title = "A rather long case title that has to wrap on a small phone screen".into();
    done.flags = vec![CaseFlag::NegativeStock {
        part_no: "BAT-12V9".into(),
    }];
    let bob = user(BOB, "Bob Li", Role::Engineer);
    seed(&store, vec![case_change(&done), user_change(&bob)]).await;
    let cases = dashboard_fixture();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let (root, _) = mount_app(store, manager(), false, move || {
        view! {
            <Router>
                <AppNav />
                <CaseList />
                <ReviewPage />
                <StockPage />
                <DashboardView cases=cases names=BTreeMap::new() now=now />
            </Router>
        }
    });
    root.set_attribute("style", "width: 360px").unwrap();
    wait_until("the screens", || {
        by_testid(&root, "review-row").len() == 1
            && by_testid(&root, "case-row").len() == 1
            && by_testid(&root, "stock-offline").len() == 1
    })
    .await;

    let edge = root.get_bounding_client_rect().right() + 0.5;
    let over: Vec<String> = all(&root, "*")
        .iter()
        .filter(|e| e.get_bounding_client_rect().right() > edge)
        // The per-engineer table scrolls inside its own box.
        .filter(|e| e.closest(".table-scroll").ok().flatten().is_none())
        .map(|e| {
            format!(
                "{}.{} {:?}",
                e.tag_name(),
                e.class_name(),
                e.get_attribute("data-testid")
            )
        })
        .collect();
    assert!(
        root.scroll_width() <= 360,
        "nothing overflows 360 px: scrollWidth {}; {over:?}",
        root.scroll_width()
    );
    let targets = all(
        &root,
        "button, select, input[type=text], input[type=search], input[type=number], \
         input[type=date], .app-nav a, label.check",
    );
    assert!(targets.len() > 15, "found {} targets", targets.len());
    for e in targets {
        let r = e.get_bounding_client_rect();
        if r.width() == 0.0 {
            continue; // not displayed
        }
        assert!(
            r.height() >= 44.0,
            "{} {:?} is {} px tall",
            e.tag_name(),
            e.get_attribute("data-testid"),
            r.height()
        );
        assert!(
            r.right() <= edge,
            "{} {:?} sticks out: {:?}",
            e.tag_name(),
            e.get_attribute("data-testid"),
            all(&root, ".app-nav a")
                .iter()
                .map(|a| (a.get_bounding_client_rect().width(), a.text_content()))
                .collect::<Vec<_>>()
        );
    }
    style.remove();
}
