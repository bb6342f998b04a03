use std::collections::BTreeSet;

use onsite_core::{CaseStatus, Category, Role};

use crate::helpers::{spawn_app, spawn_empty_app};

#[tokio::test]
async fn demo_data_covers_every_status_severity_and_category() {
    let app = spawn_app().await;
    let manager = app.login("manager").await;
    let alice = app.login("alice").await;
    let bob = app.login("bob").await;
    let all = app.snapshot(&manager).await;
    assert!(all.cases.len() >= 30, "{} cases", all.cases.len());
    assert!(all.parts.len() >= 2000, "{} parts", all.parts.len());
    let statuses: BTreeSet<_> = all.cases.values().map(|c| c.status).collect();
    assert_eq!(statuses.len(), CaseStatus::ALL.len(), "{statuses:?}");
    let severities: BTreeSet<_> = all.cases.values().map(|c| c.severity.level()).collect();
    assert_eq!(severities, (1..=4).collect());
    let categories: BTreeSet<_> = all.cases.values().map(|c| c.category.as_str()).collect();
    assert_eq!(categories.len(), Category::ALL.len());
    let modes: BTreeSet<_> = all.cases.values().map(|c| c.mode.as_str()).collect();
    assert_eq!(modes.len(), 3);

    let fresh = all.with_status(alice.user.id, CaseStatus::Assigned);
    assert!(fresh.len() >= 5, "alice has {} assigned cases", fresh.len());
    let sev: BTreeSet<_> = fresh.iter().map(|c| c.severity.level()).collect();
    assert!(sev.len() >= 3);
    let assigned = all
        .cases
        .values()
        .filter(|c| c.assignee_id.is_some())
        .count();
    assert!(
        assigned * 4 >= all.cases.len() * 3,
        "most cases are assigned"
    );

    // Done work is consistent with its status.
    for c in all.cases.values() {
        if matches!(c.status, CaseStatus::Completed | CaseStatus::Closed) {
            assert!(c.ready_to_complete(), "{} {}", c.number, c.title);
            assert!(!c.time_entries.is_empty());
        }
        if c.status == CaseStatus::New {
            assert!(c.assignee_id.is_none());
        }
    }
    // Van stock for each engineer, covering the parts their cases used.
    for dev in [&alice, &bob] {
        let snap = app.snapshot(dev).await;
        assert!(snap.stock.len() >= 200, "{} stock lines", snap.stock.len());
        for c in snap.cases.values() {
            for u in &c.parts {
                assert!(snap.stock.contains_key(&u.part_no), "{}", u.part_no);
            }
        }
    }
}

#[tokio::test]
async fn demo_loads_only_into_an_empty_database() {
    let app = spawn_app().await;
    let err = onsite_server::load_demo(&app.store).await.unwrap_err();
    assert!(matches!(err, onsite_server::demo::DemoError::NotEmpty(3)));
}

#[tokio::test]
async fn demo_loads_fast() {
    let app = spawn_empty_app().await;
    let started = std::time::Instant::now();
    let summary = onsite_server::load_demo(&app.store).await.unwrap();
    // Generous for unoptimised test builds on shared machines; release loads far faster.
    assert!(started.elapsed().as_secs_f64() < 10.0);
    assert!(summary.cases >= 30 && summary.parts >= 2000);
    assert!(summary.to_string().contains("alice"));
}

#[tokio::test]
async fn users_can_be_added() {
    let app = spawn_empty_app().await;
    let id = onsite_server::store::users::add_user(
        &app.store,
        "carol",
        "Carol Wu",
        Role::Engineer,
        "correct horse",
    )
    .await
    .unwrap();
    let again = onsite_server::store::users::add_user(
        &app.store,
        "carol",
        "Carol Again",
        Role::Engineer,
        "correct horse",
    )
    .await;
    assert!(again.is_err());
    let res = app
        .http
        .post(app.url("/api/v1/login"))
        .json(&serde_json::json!({ "username": "carol", "password": "correct horse", "client_id": uuid::Uuid::new_v4() }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: onsite_core::wire::LoginResponse = res.json().await.unwrap();
    assert_eq!(body.user.id, id);
    // The stored hash is argon2id.
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'carol'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"));
}

#[tokio::test]
async fn demo_data_exercises_fault_analysis_clock_skew_and_stock_adjustments() {
    let app = spawn_app().await;
    let manager = app.login("manager").await;
    let alice = app.login("alice").await;
    let all = app.snapshot(&manager).await;
    let sev1_closed: Vec<_> = all
        .cases
        .values()
        .filter(|c| c.severity.level() == 1 && c.status == CaseStatus::Closed)
        .collect();
    assert!(!sev1_closed.is_empty());
    assert!(sev1_closed.iter().all(|c| c.fault_analysis.is_some()));
    assert!(
        all.cases
            .values()
            .any(|c| !c.checklist.is_empty() && c.checklist_complete()),
        "an inspection case with its checklist answered"
    );
    assert!(
        all.cases.values().any(|c| c.has_clock_skew()),
        "a case flagged for a skewed device clock"
    );
    let res = app
        .http
        .get(app.url("/api/v1/stock/ledger"))
        .bearer_auth(&manager.token)
        .query(&[("engineer_id", alice.user.id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let ledger: onsite_core::wire::StockLedgerResponse = res.json().await.unwrap();
    let adjust = ledger
        .lines
        .iter()
        .find(|l| l.reason == "stock.adjust")
        .expect("a stock adjustment in the demo");
    assert!(adjust.note.is_some());
    // The dashboard over the demo's last 30 days answers.
    let now = chrono::Utc::now();
    let res = app
        .http
        .get(app.url("/api/v1/dashboard"))
        .bearer_auth(&manager.token)
        .query(&[
            ("from", (now - chrono::Duration::days(30)).to_rfc3339()),
            ("to", (now + chrono::Duration::days(1)).to_rfc3339()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let d: onsite_core::Dashboard = res.json().await.unwrap();
    assert_eq!(d.overall.cases as usize, all.cases.len());
}
