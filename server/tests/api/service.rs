//! Issue 4 over HTTP: the fault-analysis rule, clock-skew flags, van-stock adjustments and
//! their ledger, and the manager's dashboard on a fixture with hand-computed figures.

use chrono::{DateTime, Duration, TimeZone, Utc};
use onsite_core::wire::{Entity, PushStatus, StockLedgerResponse};
use onsite_core::{CaseFlag, CaseStatus, Dashboard};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_json_error, sha, spawn_app, Device, TestApp};

/// Push one mutation with the given device time.
async fn push_at(
    app: &TestApp,
    dev: &mut Device,
    name: &str,
    args: Value,
    client_time: DateTime<Utc>,
) -> (PushStatus, Option<String>) {
    let mut m = dev.next(name, args);
    m.client_time = client_time;
    let r = app.push(dev, vec![m]).await.results.remove(0);
    (r.status, r.reason)
}

fn create_args(case_id: Uuid, severity: u8, reported_at: DateTime<Utc>) -> Value {
    json!({
        "case_id": case_id,
        "title": format!("Fixture case, severity {severity}"),
        "customer": { "name": "Fixture Customer" },
        "site": { "address": "1 Test Road" },
        // One unit per severity: the dashboard test's repeat fault is a second case on one.
        "product": { "model": "FX-100", "serial": format!("FX-{severity}") },
        "category": "system_fault",
        "severity": severity,
        "mode": "remote",
        "reported_at": reported_at,
    })
}

/// Manager creates and assigns; the engineer accepts, works, reports, gets a sign-off and
/// completes. Times are minutes after `t`; `None` for `signed` stops after starting work.
#[allow(clippy::too_many_arguments)]
async fn work_case(
    app: &TestApp,
    manager: &mut Device,
    eng: &mut Device,
    severity: u8,
    t: DateTime<Utc>,
    accept_after: i64,
    result: &str,
    signed: Option<(i64, u8)>,
) -> Uuid {
    let id = Uuid::new_v4();
    let at = |m: i64| t + Duration::minutes(m);
    let ok = (PushStatus::Applied, None);
    assert_eq!(
        push_at(app, manager, "case.create", create_args(id, severity, t), t).await,
        ok
    );
    let assign = json!({ "case_id": id, "engineer_id": eng.user.id });
    assert_eq!(
        push_at(app, manager, "case.assign", assign, at(1)).await,
        ok
    );
    let case = json!({ "case_id": id });
    assert_eq!(
        push_at(app, eng, "case.accept", case.clone(), at(accept_after)).await,
        ok
    );
    let work = json!({ "case_id": id, "status": "in_progress" });
    let r = push_at(app, eng, "case.set_status", work, at(accept_after + 1)).await;
    assert_eq!(r, ok);
    let Some((signed_after, rating)) = signed else {
        return id;
    };
    let report =
        json!({ "case_id": id, "cause": "worn part", "actions": "replaced it", "result": result });
    let r = push_at(app, eng, "case.report", report, at(signed_after - 2)).await;
    assert_eq!(r, ok);
    let sign = json!({
        "case_id": id, "signoff_id": Uuid::new_v4(), "signer_name": "Ms Test",
        "unsigned_reason": "Confirmed by phone", "report_sha256": sha(b"report"),
        "satisfaction": rating, "signed_at": at(signed_after),
    });
    let r = push_at(app, eng, "case.sign_off", sign, at(signed_after)).await;
    assert_eq!(r, ok);
    let done = json!({ "case_id": id, "status": "completed" });
    let r = push_at(app, eng, "case.set_status", done, at(signed_after + 1)).await;
    assert_eq!(r, ok);
    id
}

#[tokio::test]
async fn a_severity_1_case_is_closed_only_after_a_fault_analysis() {
    let app = spawn_app().await;
    let mut manager = app.login("manager").await;
    let mut alice = app.login("alice").await;
    let mut bob = app.login("bob").await;
    let now = Utc::now();
    let id = work_case(
        &app,
        &mut manager,
        &mut alice,
        1,
        now - Duration::hours(3),
        10,
        "resolved",
        Some((120, 5)),
    )
    .await;
    let close = json!({ "case_id": id });
    let (status, reason) = app
        .push_one(&mut manager, "case.close", close.clone())
        .await;
    assert_eq!(status, PushStatus::Rejected);
    let reason = reason.unwrap();
    assert!(
        reason.starts_with("not_ready:") && reason.contains("fault analysis"),
        "{reason}"
    );

    let analysis = json!({
        "case_id": id, "cause": "Capacitor failure on the PSU board",
        "impact": "Site offline for 2 hours", "prevention": "Replace boards older than 5 years",
    });
    let (status, reason) = app
        .push_one(&mut bob, "case.fault_analysis", analysis.clone())
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("not_assignee"));
    let mut missing = analysis.clone();
    missing["impact"] = json!("");
    let (status, _) = app
        .push_one(&mut manager, "case.fault_analysis", missing)
        .await;
    assert_eq!(status, PushStatus::Rejected);
    let (status, reason) = app
        .push_one(&mut manager, "case.fault_analysis", analysis)
        .await;
    assert_eq!(status, PushStatus::Applied, "{reason:?}");
    let (status, reason) = app.push_one(&mut manager, "case.close", close).await;
    assert_eq!(status, PushStatus::Applied, "{reason:?}");

    let snap = app.snapshot(&alice).await;
    let c = &snap.cases[&id];
    assert_eq!(c.status, CaseStatus::Closed);
    let fa = c
        .fault_analysis
        .as_ref()
        .expect("the analysis syncs with the case");
    assert_eq!(fa.prevention, "Replace boards older than 5 years");
    assert_eq!(fa.by, manager.user.id);
}

#[tokio::test]
async fn a_device_clock_far_from_the_servers_flags_the_case() {
    let app = spawn_app().await;
    let mut alice = app.login("alice").await;
    let snap = app.snapshot(&alice).await;
    let case = snap.with_status(alice.user.id, CaseStatus::Assigned)[0].id;
    let slow = Utc::now() - Duration::minutes(30);
    let mut accept = alice.next("case.accept", json!({ "case_id": case }));
    accept.client_time = slow;
    let accept_id = accept.id;
    let res = app.push(&alice, vec![accept]).await;
    assert_eq!(res.results[0].status, PushStatus::Applied);
    // 5 minutes off: no flag.
    let mut go = alice.next(
        "case.set_status",
        json!({ "case_id": case, "status": "in_progress" }),
    );
    go.client_time = Utc::now() - Duration::minutes(5);
    app.push(&alice, vec![go]).await;

    let c = app.snapshot(&alice).await.cases.remove(&case).unwrap();
    let skews: Vec<_> = c
        .flags
        .iter()
        .filter_map(|f| match f {
            CaseFlag::ClockSkew {
                mutation_id,
                event,
                client_time,
                server_time,
            } => Some((*mutation_id, event.clone(), *client_time, *server_time)),
            _ => None,
        })
        .collect();
    assert_eq!(skews.len(), 1, "{:?}", c.flags);
    let (mutation_id, event, client_time, server_time) = skews[0].clone();
    assert_eq!(mutation_id, Some(accept_id));
    assert_eq!(event, "case.accept");
    assert_eq!(client_time, slow);
    assert!(server_time - client_time > Duration::minutes(29));
    // The SLA evidence stays the device time.
    assert_eq!(c.sla.responded_at, Some(slow));
}

async fn ledger(app: &TestApp, dev: &Device, engineer: &str) -> reqwest::Response {
    app.http
        .get(app.url("/api/v1/stock/ledger"))
        .bearer_auth(&dev.token)
        .query(&[("engineer_id", engineer)])
        .send()
        .await
        .expect("ledger request")
}

async fn levels(app: &TestApp, dev: &Device, query: &[(&str, &str)]) -> reqwest::Response {
    app.http
        .get(app.url("/api/v1/stock/levels"))
        .bearer_auth(&dev.token)
        .query(query)
        .send()
        .await
        .expect("levels request")
}

#[tokio::test]
async fn a_manager_reads_an_engineers_van_levels_with_reorder_points() {
    let app = spawn_app().await;
    let manager = app.login("manager").await;
    let alice = app.login("alice").await;
    let alice_id = alice.user.id.to_string();

    let res = levels(&app, &manager, &[("engineer_id", &alice_id)]).await;
    assert_eq!(res.status(), 200);
    let got: Vec<onsite_core::StockLevel> = res.json().await.unwrap();
    // Exactly what alice's own pull gives her (the snapshot is keyed, so sorted, by part_no).
    let pulled: Vec<onsite_core::StockLevel> =
        app.snapshot(&alice).await.stock.into_values().collect();
    assert!(!pulled.is_empty());
    assert_eq!(got, pulled);
    assert!(got.windows(2).all(|w| w[0].part_no < w[1].part_no));
    // The demo's reorder points by part family are real, not the default 1.
    assert!(got.iter().any(|s| s.min_qty > 1), "{got:?}");
    assert!(got.iter().all(|s| s.engineer_id == alice.user.id));

    // Manager only; every error is JSON.
    let body = assert_json_error(
        levels(&app, &alice, &[("engineer_id", &alice_id)]).await,
        403,
        "forbidden",
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("manager"),
        "{body}"
    );
    assert_json_error(levels(&app, &manager, &[]).await, 400, "invalid_query").await;
    assert_json_error(
        levels(&app, &manager, &[("engineer_id", "not-a-uuid")]).await,
        400,
        "invalid_query",
    )
    .await;
    assert_json_error(
        levels(
            &app,
            &manager,
            &[("engineer_id", &manager.user.id.to_string())],
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

async fn put_reorder_point(app: &TestApp, dev: &Device, body: Value) -> reqwest::Response {
    app.http
        .put(app.url("/api/v1/stock/reorder-point"))
        .bearer_auth(&dev.token)
        .json(&body)
        .send()
        .await
        .expect("reorder point request")
}

#[tokio::test]
async fn a_manager_sets_a_reorder_point_and_the_engineer_pulls_it() {
    let app = spawn_app().await;
    let manager = app.login("manager").await;
    let alice = app.login("alice").await;
    let bob = app.login("bob").await;
    let (_, cursor) = app.pull_all(&alice, None).await;
    let (_, bob_cursor) = app.pull_all(&bob, None).await;
    let before = app.snapshot(&alice).await.stock;
    let (part_no, line) = before
        .iter()
        .find(|(_, s)| s.qty > 0 && !s.is_low())
        .map(|(p, s)| (p.clone(), s.clone()))
        .expect("a line that is not low");

    // Raised to the quantity on hand: the line is low from now on.
    let body = json!({ "engineer_id": alice.user.id, "part_no": part_no, "min_qty": line.qty });
    let res = put_reorder_point(&app, &manager, body).await;
    assert_eq!(res.status(), 200);
    let set: onsite_core::StockLevel = res.json().await.unwrap();
    assert_eq!((set.qty, set.min_qty), (line.qty, line.qty));
    assert!(set.is_low());
    // Alice's next pull brings exactly that line; bob's brings nothing of hers.
    let (changes, _) = app.pull_all(&alice, Some(&cursor)).await;
    let stock: Vec<onsite_core::StockLevel> = changes
        .iter()
        .filter(|c| c.entity == Entity::Stock)
        .map(|c| serde_json::from_value(c.data.clone()).unwrap())
        .collect();
    assert_eq!(stock, vec![set.clone()]);
    let (bob_changes, _) = app.pull_all(&bob, Some(&bob_cursor)).await;
    assert!(bob_changes.iter().all(|c| c.entity != Entity::Stock));

    // A part the van does not hold yet gets a line at 0.
    let catalog = app.snapshot(&manager).await.parts;
    let new_part = catalog
        .keys()
        .find(|p| !before.contains_key(*p))
        .expect("a catalog part alice has none of")
        .clone();
    let res = put_reorder_point(
        &app,
        &manager,
        json!({ "engineer_id": alice.user.id, "part_no": new_part, "min_qty": 2 }),
    )
    .await;
    let added: onsite_core::StockLevel = res.json().await.unwrap();
    assert_eq!((added.qty, added.min_qty), (0, 2));
    assert_eq!(app.snapshot(&alice).await.stock[&new_part], added);

    // Manager only, a real engineer and part, a sane number; every error is JSON.
    let ok = |min: i64| json!({ "engineer_id": alice.user.id, "part_no": part_no, "min_qty": min });
    assert_json_error(
        put_reorder_point(&app, &alice, ok(1)).await,
        403,
        "forbidden",
    )
    .await;
    assert_json_error(
        put_reorder_point(&app, &manager, ok(-1)).await,
        400,
        "invalid_min_qty",
    )
    .await;
    assert_json_error(
        put_reorder_point(&app, &manager, ok(10_001)).await,
        400,
        "invalid_min_qty",
    )
    .await;
    assert_json_error(
        put_reorder_point(
            &app,
            &manager,
            json!({ "engineer_id": alice.user.id, "part_no": "NOPE-0000", "min_qty": 1 }),
        )
        .await,
        400,
        "unknown_part",
    )
    .await;
    assert_json_error(
        put_reorder_point(
            &app,
            &manager,
            json!({ "engineer_id": manager.user.id, "part_no": part_no, "min_qty": 1 }),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_json_error(
        put_reorder_point(&app, &manager, json!({ "engineer_id": alice.user.id })).await,
        400,
        "invalid_body",
    )
    .await;
    // Nothing the refusals carried was stored.
    assert_eq!(app.snapshot(&alice).await.stock[&part_no], set);
}

#[tokio::test]
async fn a_manager_adjusts_van_stock_and_the_ledger_lists_every_movement() {
    let app = spawn_app().await;
    let mut manager = app.login("manager").await;
    let mut alice = app.login("alice").await;
    let alice_id = alice.user.id;
    let manager_id = manager.user.id;
    let snap = app.snapshot(&alice).await;
    let (part_no, before) = snap
        .stock
        .iter()
        .find(|(_, s)| s.qty >= 3)
        .map(|(p, s)| (p.clone(), s.qty))
        .expect("alice has stock");

    let adjust = |delta: i64, engineer: Uuid| json!({ "engineer_id": engineer, "part_no": part_no, "delta": delta, "reason": "Replenished from the warehouse" });
    let (status, reason) = app
        .push_one(&mut manager, "stock.adjust", adjust(5, alice_id))
        .await;
    assert_eq!(status, PushStatus::Applied, "{reason:?}");
    let after = app.snapshot(&alice).await;
    assert_eq!(after.stock[&part_no].qty, before + 5, "the engineer's pull");

    // Engineers may not adjust; unknown parts, zero deltas and non-engineers are rejected.
    let (status, reason) = app
        .push_one(&mut alice, "stock.adjust", adjust(5, alice_id))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("forbidden_role"));
    let mut unknown = adjust(1, alice_id);
    unknown["part_no"] = json!("NO-SUCH-PART");
    let (status, reason) = app.push_one(&mut manager, "stock.adjust", unknown).await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("unknown_part"));
    let (status, _) = app
        .push_one(&mut manager, "stock.adjust", adjust(0, alice_id))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    let (status, reason) = app
        .push_one(&mut manager, "stock.adjust", adjust(1, manager_id))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("unknown_engineer"));

    // Use 2 on a case, correct it down by 1, then take the van below zero (allowed, visible).
    let case = after.with_status(alice.user.id, CaseStatus::Assigned)[0].id;
    app.push_one(&mut alice, "case.accept", json!({ "case_id": case }))
        .await;
    app.push_one(
        &mut alice,
        "case.set_status",
        json!({ "case_id": case, "status": "in_progress" }),
    )
    .await;
    let usage = Uuid::new_v4();
    let (status, _) = app
        .push_one(
            &mut alice,
            "part.use",
            json!({ "case_id": case, "usage_id": usage, "part_no": part_no, "qty": 2, "returned_defective": false }),
        )
        .await;
    assert_eq!(status, PushStatus::Applied);
    let (status, _) = app
        .push_one(
            &mut alice,
            "part.correct",
            json!({ "case_id": case, "usage_id": Uuid::new_v4(), "corrects": usage, "qty_delta": -1 }),
        )
        .await;
    assert_eq!(status, PushStatus::Applied);
    let level = before + 5 - 2 + 1;
    let (status, _) = app
        .push_one(&mut manager, "stock.adjust", adjust(-(level + 3), alice_id))
        .await;
    assert_eq!(status, PushStatus::Applied);
    let stock = app.snapshot(&alice).await.stock.remove(&part_no).unwrap();
    assert_eq!(stock.qty, -3);
    assert!(stock.is_negative());

    let res = ledger(&app, &manager, &alice.user.id.to_string()).await;
    assert_eq!(res.status(), 200);
    let body: StockLedgerResponse = res.json().await.unwrap();
    let lines: Vec<_> = body.lines.iter().filter(|l| l.part_no == part_no).collect();
    let moves: Vec<(&str, i64)> = lines
        .iter()
        .filter(|l| {
            l.reason != "demo van load" && l.reason != "part.use" || l.mutation_id.is_some()
        })
        .map(|l| (l.reason.as_str(), l.delta))
        .collect();
    assert_eq!(
        moves,
        [
            ("stock.adjust", 5),
            ("part.use", -2),
            ("part.correct", 1),
            ("stock.adjust", -(level + 3)),
        ]
    );
    let adjust_line = lines.iter().find(|l| l.reason == "stock.adjust").unwrap();
    assert_eq!(
        adjust_line.note.as_deref(),
        Some("Replenished from the warehouse")
    );
    assert_eq!(adjust_line.case_id, None);
    assert!(lines
        .iter()
        .any(|l| l.reason == "part.correct" && l.case_id == Some(case)));
    // The whole ledger sums to the level.
    assert_eq!(lines.iter().map(|l| l.delta).sum::<i64>(), -3);

    // Manager only; every error is JSON.
    assert_json_error(
        ledger(&app, &alice, &alice.user.id.to_string()).await,
        403,
        "forbidden",
    )
    .await;
    assert_json_error(
        ledger(&app, &manager, "not-a-uuid").await,
        400,
        "invalid_query",
    )
    .await;
    assert_json_error(
        ledger(&app, &manager, &manager.user.id.to_string()).await,
        404,
        "not_found",
    )
    .await;
}

async fn get_dashboard(app: &TestApp, dev: &Device, from: &str, to: &str) -> reqwest::Response {
    app.http
        .get(app.url("/api/v1/dashboard"))
        .bearer_auth(&dev.token)
        .query(&[("from", from), ("to", to)])
        .send()
        .await
        .expect("dashboard request")
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn the_dashboard_shows_hand_computed_figures_for_a_period() {
    let app = spawn_app().await;
    let mut manager = app.login("manager").await;
    let mut alice = app.login("alice").await;
    let mut bob = app.login("bob").await;
    // A day in 2020: none of the demo cases fall in it.
    let t = Utc.with_ymd_and_hms(2020, 3, 2, 8, 0, 0).unwrap();
    // Standard targets (minutes): sev1 30 / 1440, sev2 60 / 4320, sev3 120 / 10080, sev4 240 / none.
    // P alice sev2: accepted +30 (✓), signed +300 (✓), resolved, rating 5.
    work_case(
        &app,
        &mut manager,
        &mut alice,
        2,
        t,
        30,
        "resolved",
        Some((300, 5)),
    )
    .await;
    // Q alice sev1: accepted +45 (✗ 30), signed +1500 (✗ 1440), workaround, rating 3.
    work_case(
        &app,
        &mut manager,
        &mut alice,
        1,
        t,
        45,
        "workaround",
        Some((1500, 3)),
    )
    .await;
    // R bob sev3: accepted +90 (✓ 120), still in progress; its 10080 resolve target is long past.
    work_case(&app, &mut manager, &mut bob, 3, t, 90, "resolved", None).await;
    // S sev4, never assigned: its 240-minute respond target is long past; no resolve target.
    let (status, _) = push_at(
        &app,
        &mut manager,
        "case.create",
        create_args(Uuid::new_v4(), 4, t),
        t,
    )
    .await;
    assert_eq!(status, PushStatus::Applied);

    let (from, to) = ("2020-03-02T00:00:00Z", "2020-03-03T00:00:00Z");
    let res = get_dashboard(&app, &manager, from, to).await;
    assert_eq!(res.status(), 200);
    let d: Dashboard = res.json().await.unwrap();
    let o = &d.overall;
    // 4 cases; resolved P, Q; open R, S.
    assert_eq!((o.cases, o.cancelled, o.resolved, o.open), (4, 0, 2, 2));
    // Timeliness: P within, Q not → 1/2.
    assert!(close(o.timeliness_rate, 0.5));
    // Response (30 + 45 + 90) / 3 = 55 against (60 + 30 + 120) / 3 = 70.
    assert!(close(o.avg_response_minutes, 55.0));
    assert!(close(o.avg_response_target_minutes, 70.0));
    // Resolution (300 + 1500) / 2 = 900 against (4320 + 1440) / 2 = 2880.
    assert!(close(o.avg_resolution_minutes, 900.0));
    assert!(close(o.avg_resolution_target_minutes, 2880.0));
    // First-time fix: P only (Q is a workaround) → 1/2. Satisfaction (5 + 3) / 2 = 4.
    assert!(close(o.first_time_fix_rate, 0.5));
    assert!(close(o.avg_satisfaction, 4.0));
    // Breaches: respond Q, S; resolve Q, R.
    assert_eq!((o.respond_breaches, o.resolve_breaches), (2, 2));

    assert_eq!(d.engineers.len(), 2, "S has no engineer");
    let fig = |id: Uuid| {
        &d.engineers
            .iter()
            .find(|e| e.engineer_id == id)
            .unwrap()
            .figures
    };
    let a = fig(alice.user.id);
    // Alice (P, Q): 1/2 in time; response (30 + 45) / 2 = 37.5 vs (60 + 30) / 2 = 45;
    // resolution 900 vs 2880; FTF 1/2; satisfaction 4; breaches Q, Q.
    assert_eq!((a.cases, a.resolved, a.open), (2, 2, 0));
    assert!(close(a.timeliness_rate, 0.5));
    assert!(close(a.avg_response_minutes, 37.5));
    assert!(close(a.avg_response_target_minutes, 45.0));
    assert!(close(a.avg_resolution_minutes, 900.0));
    assert!(close(a.first_time_fix_rate, 0.5));
    assert!(close(a.avg_satisfaction, 4.0));
    assert_eq!((a.respond_breaches, a.resolve_breaches), (1, 1));
    let b = fig(bob.user.id);
    // Bob (R): nothing resolved, so no rates; response 90 vs 120; resolve breach R.
    assert_eq!((b.cases, b.resolved, b.open), (1, 0, 1));
    assert_eq!(b.timeliness_rate, None);
    assert_eq!(b.avg_resolution_minutes, None);
    assert!(close(b.avg_response_minutes, 90.0));
    assert!(close(b.avg_response_target_minutes, 120.0));
    assert_eq!((b.respond_breaches, b.resolve_breaches), (0, 1));
    assert_eq!(
        o.repeat_faults, 0,
        "nothing was fixed before these were reported"
    );
    assert_eq!(o.complaints, 0);

    // The next day the unit alice fixed in P (resolved at +300) fails again: a repeat fault,
    // counted against alice although the new case is not hers.
    let (status, _) = push_at(
        &app,
        &mut manager,
        "case.create",
        create_args(Uuid::new_v4(), 2, t + Duration::days(1)),
        t + Duration::days(1),
    )
    .await;
    assert_eq!(status, PushStatus::Applied);
    // And a customer complains that day (user feedback marked as a complaint).
    let mut complaint = create_args(Uuid::new_v4(), 4, t + Duration::days(1));
    complaint["category"] = json!("feedback");
    complaint["complaint"] = json!(true);
    let (status, reason) = push_at(
        &app,
        &mut manager,
        "case.create",
        complaint,
        t + Duration::days(1),
    )
    .await;
    assert_eq!(status, PushStatus::Applied, "{reason:?}");
    let res = get_dashboard(&app, &manager, to, "2020-03-04T00:00:00Z").await;
    let d: Dashboard = res.json().await.unwrap();
    assert_eq!(
        (
            d.overall.cases,
            d.overall.repeat_faults,
            d.overall.complaints
        ),
        (2, 1, 1)
    );
    assert_eq!(d.engineers.len(), 1);
    assert_eq!(d.engineers[0].engineer_id, alice.user.id);
    assert_eq!(
        (
            d.engineers[0].figures.cases,
            d.engineers[0].figures.repeat_faults
        ),
        (0, 1)
    );

    // Engineers may not; bad input is a 400; every error is JSON.
    assert_json_error(
        get_dashboard(&app, &alice, from, to).await,
        403,
        "forbidden",
    )
    .await;
    assert_json_error(
        get_dashboard(&app, &manager, "yesterday", to).await,
        400,
        "invalid_query",
    )
    .await;
    assert_json_error(
        get_dashboard(&app, &manager, to, from).await,
        400,
        "invalid_query",
    )
    .await;
    let res = app
        .http
        .get(app.url("/api/v1/dashboard"))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    assert_json_error(res, 400, "invalid_query").await;
}

#[tokio::test]
async fn an_inspection_case_completes_once_every_checklist_item_is_answered() {
    let app = spawn_app().await;
    let mut manager = app.login("manager").await;
    let mut alice = app.login("alice").await;
    let mut bob = app.login("bob").await;
    let id = Uuid::new_v4();
    let mut create = create_args(id, 3, Utc::now());
    create["checklist"] = json!([
        { "item_id": "filters", "text": "Air filters clean" },
        { "item_id": "belts", "text": "Fan belts tensioned" },
        { "item_id": "alarm", "text": "High-temperature alarm fires at 30 °C" },
    ]);
    let applied = (PushStatus::Applied, None);
    assert_eq!(
        app.push_one(&mut manager, "case.create", create).await,
        applied
    );
    let assign = json!({ "case_id": id, "engineer_id": alice.user.id });
    assert_eq!(
        app.push_one(&mut manager, "case.assign", assign).await,
        applied
    );
    app.push_one(&mut alice, "case.accept", json!({ "case_id": id }))
        .await;
    app.push_one(
        &mut alice,
        "case.set_status",
        json!({ "case_id": id, "status": "in_progress" }),
    )
    .await;
    let check =
        |item: &str, result: &str| json!({ "case_id": id, "item_id": item, "result": result });
    assert_eq!(
        app.push_one(&mut alice, "case.check", check("filters", "pass"))
            .await,
        applied
    );
    let mut failed = check("belts", "fail");
    failed["note"] = json!("Belt cracked; replacement ordered");
    assert_eq!(
        app.push_one(&mut alice, "case.check", failed).await,
        applied
    );
    let (status, reason) = app
        .push_one(&mut bob, "case.check", check("alarm", "pass"))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("not_assignee"));
    let (status, reason) = app
        .push_one(&mut alice, "case.check", check("nope", "pass"))
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("not_found"));
    let report =
        json!({ "case_id": id, "result": "workaround", "leftover": "Replace the fan belt" });
    assert_eq!(
        app.push_one(&mut alice, "case.report", report).await,
        applied
    );
    let sign = json!({
        "case_id": id, "signoff_id": Uuid::new_v4(), "signer_name": "Ms Test",
        "unsigned_reason": "Confirmed by phone", "report_sha256": sha(b"report"),
        "satisfaction": 4, "signed_at": Utc::now(),
    });
    assert_eq!(
        app.push_one(&mut alice, "case.sign_off", sign).await,
        applied
    );
    let done = json!({ "case_id": id, "status": "completed" });
    let (status, reason) = app
        .push_one(&mut alice, "case.set_status", done.clone())
        .await;
    assert_eq!(status, PushStatus::Rejected);
    assert!(reason.unwrap().starts_with("not_ready"));
    assert_eq!(
        app.push_one(&mut alice, "case.check", check("alarm", "na"))
            .await,
        applied
    );
    assert_eq!(
        app.push_one(&mut alice, "case.set_status", done).await,
        applied
    );

    let c = app.snapshot(&manager).await.cases.remove(&id).unwrap();
    assert_eq!(c.status, CaseStatus::Completed);
    let results: Vec<_> = c
        .checklist
        .iter()
        .map(|i| (i.item_id.as_str(), i.result.map(|r| r.as_str())))
        .collect();
    assert_eq!(
        results,
        [
            ("filters", Some("pass")),
            ("belts", Some("fail")),
            ("alarm", Some("na"))
        ]
    );
    assert_eq!(
        c.checklist[1].note.as_deref(),
        Some("Belt cracked; replacement ordered")
    );
}
