use std::collections::BTreeSet;

use onsite_core::{CaseStatus, Category, Role};

use crate::helpers::{demo_view, spawn_app, spawn_empty_app};

#[tokio::test]
async fn demo_data_covers_every_status_severity_and_category() {
    let (app, _, alice, all) = demo_view().await;
    let bob = app.login("bob").await;
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
    let carol = app.login_with("carol", "correct horse").await;
    assert_eq!(carol.user.id, id);
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
    let (app, manager, alice, all) = demo_view().await;
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
    let alice_id = alice.user.id.to_string();
    let query = [("engineer_id", alice_id.as_str())];
    let ledger: onsite_core::wire::StockLedgerResponse =
        app.get_ok(&manager, "/api/v1/stock/ledger", &query).await;
    let adjust = ledger
        .lines
        .iter()
        .find(|l| l.reason == "stock.adjust")
        .expect("a stock adjustment in the demo");
    assert!(adjust.note.is_some());
    // The dashboard over the demo's whole period (its service history goes back ~70 days).
    let now = chrono::Utc::now();
    let from = (now - chrono::Duration::days(120)).to_rfc3339();
    let to = (now + chrono::Duration::days(1)).to_rfc3339();
    let query = [("from", from.as_str()), ("to", to.as_str())];
    let d: onsite_core::Dashboard = app.get_ok(&manager, "/api/v1/dashboard", &query).await;
    assert_eq!(d.overall.cases as usize, all.cases.len());
}

#[tokio::test]
async fn demo_data_exercises_every_feature_of_part_two() {
    use onsite_core::{CaseStatus as S, CheckResult};
    let (app, manager, alice, all) = demo_view().await;
    let now = chrono::Utc::now();

    // An inspection with a failed item, whose leftover is a follow-up linked both ways.
    let inspection = all
        .cases
        .values()
        .find(|c| {
            c.checklist
                .iter()
                .any(|i| i.result == Some(CheckResult::Fail))
        })
        .expect("an inspection with a failed item");
    let failed = inspection
        .checklist
        .iter()
        .find(|i| i.result == Some(CheckResult::Fail))
        .unwrap();
    let follow = inspection
        .follow_ups
        .iter()
        .filter_map(|id| all.cases.get(id))
        .find(|f| f.description.contains(&failed.text))
        .expect("the failed item's follow-up");
    assert_eq!(follow.follow_up_of, Some(inspection.id));
    // Every follow-up link goes both ways.
    let mut links = 0;
    for c in all.cases.values() {
        if let Some(parent) = c.follow_up_of {
            assert!(
                all.cases[&parent].follow_ups.contains(&c.id),
                "{}",
                c.number
            );
            links += 1;
        }
        for f in &c.follow_ups {
            assert_eq!(all.cases[f].follow_up_of, Some(c.id));
        }
    }
    assert!(links >= 2, "{links} follow-ups");

    // Escalations at all three tiers.
    let tiers: BTreeSet<u8> = all
        .cases
        .values()
        .flat_map(|c| c.escalations.iter().map(|e| e.tier))
        .collect();
    assert_eq!(tiers, BTreeSet::from([1, 2, 3]));

    // Breaches: an open case past its target, and a case closed after its resolve-by.
    assert!(all
        .cases
        .values()
        .any(|c| !c.status.is_final() && c.sla.breached(now)));
    let late = all
        .cases
        .values()
        .find(|c| {
            c.status == S::Closed
                && matches!((c.sla.resolved_at, c.sla.resolve_by), (Some(at), Some(by)) if at > by)
        })
        .expect("a case closed late");
    assert_eq!(late.sla.policy, "strict");

    // A repeat fault: an open case on a unit whose fault was fixed within the window.
    let cases: Vec<&onsite_core::Case> = all.cases.values().collect();
    let index = onsite_core::dashboard::RepeatIndex::new(&cases);
    let (repeat, fixed) = cases
        .iter()
        .find_map(|c| Some((*c, index.repeat_of(c)?)))
        .expect("a repeat fault");
    assert!(!repeat.status.is_final(), "{}", repeat.number);
    assert_eq!(repeat.product.serial, fixed.product.serial);
    assert_ne!(
        repeat.assignee_id, fixed.assignee_id,
        "the fixer answers for it"
    );

    // Strict contracts: the policy record lists customers, and their cases run on it.
    let strict = &all.policies["strict"];
    assert!(strict.customers.len() >= 3);
    let on_strict = all
        .cases
        .values()
        .filter(|c| strict.customers.contains(&c.customer.name))
        .collect::<Vec<_>>();
    assert!(on_strict.len() >= 3);
    assert!(on_strict.iter().all(|c| c.sla.policy == "strict"));
    assert!(all.cases.values().any(|c| c.sla.policy == "standard"));

    // Photos: real JPEGs in the blob store, readable by the case's engineer.
    let photos: BTreeSet<&str> = all
        .cases
        .values()
        .flat_map(|c| c.photos.iter().map(|p| p.sha256.as_str()))
        .collect();
    assert!(photos.len() >= 3, "{} distinct photos", photos.len());
    let alice_cases = app.snapshot(&alice).await;
    for hash in &photos {
        let res = app.get_blob(&manager, hash).await;
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap();
        assert_eq!(&bytes[..3], &[0xff, 0xd8, 0xff], "a JPEG");
        assert_eq!(bytes[bytes.len() - 2..], [0xff, 0xd9], "a whole JPEG");
        assert_eq!(crate::helpers::sha(&bytes), *hash);
    }
    let alice_photo = alice_cases
        .cases
        .values()
        .flat_map(|c| &c.photos)
        .next()
        .expect("alice has a case with photos");
    assert_eq!(
        app.get_blob(&alice, &alice_photo.sha256).await.status(),
        200
    );
    let signature = all
        .cases
        .values()
        .find_map(|c| c.sign_off.as_ref()?.signature_sha256.clone())
        .unwrap();
    let res = app.get_blob(&manager, &signature).await;
    assert_eq!(res.status(), 200);
    assert_eq!(&res.bytes().await.unwrap()[..4], b"\x89PNG");

    // Time corrections: a replaced entry and a struck-out one, both kept.
    let entries: Vec<_> = all.cases.values().flat_map(|c| &c.time_entries).collect();
    assert!(entries.iter().any(
        |t| t.superseded_by.is_some() && entries.iter().any(|n| n.corrects == Some(t.entry_id))
    ));
    assert!(entries
        .iter()
        .any(|t| t.superseded_by.is_some()
            && !entries.iter().any(|n| n.corrects == Some(t.entry_id))));

    // Van stock: low lines and a negative one (its case flagged); the adjustment is tested above.
    let stock = &alice_cases.stock;
    assert!(stock.values().filter(|s| s.is_low()).count() >= 5);
    let negative = stock
        .values()
        .find(|s| s.is_negative())
        .expect("a negative stock line");
    assert!(alice_cases.cases.values().any(|c| c.flags.contains(
        &onsite_core::CaseFlag::NegativeStock {
            part_no: negative.part_no.clone()
        }
    )));
    assert!(stock.values().any(|s| !s.is_low()));

    // Past fixes on the product models of alice's open cases.
    let open_models: BTreeSet<&str> = alice_cases
        .cases
        .values()
        .filter(|c| !c.status.is_final() && c.status != S::Completed)
        .map(|c| c.product.model.as_str())
        .collect();
    let fix_models: BTreeSet<&str> = alice_cases
        .past_fixes
        .values()
        .map(|f| f.product_model.as_str())
        .collect();
    let covered = open_models.intersection(&fix_models).count();
    assert!(
        covered >= 5,
        "{covered} of alice's open models have past fixes"
    );
    for f in alice_cases.past_fixes.values() {
        let case = &all.cases[&f.case_id];
        assert_eq!(case.status, S::Closed);
    }
}

#[tokio::test]
async fn the_dashboard_cli_prints_the_demo_figures() {
    let app = spawn_app().await;
    let today = chrono::Utc::now().date_naive();
    let text = onsite_server::report::dashboard_text(
        &app.store,
        today - chrono::Duration::days(120),
        today,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let all = app.snapshot(&app.login("manager").await).await;
    assert!(
        text.contains(&format!("cases                {} (", all.cases.len())),
        "{text}"
    );
    for name in [
        "Overall",
        "Alice Chen",
        "Bob Li",
        "repair timeliness",
        "SLA breaches",
        "repeat faults",
        "complaints",
    ] {
        assert!(text.contains(name), "{name}: {text}");
    }
    assert!(onsite_server::report::period(today, today - chrono::Duration::days(1)).is_err());
}
