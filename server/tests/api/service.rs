//! Issue 4 over HTTP: the fault-analysis rule, clock-skew flags and inspection checklists,
//! with the case fixtures (`push_at`, `create_args`, `work_case`) that `service_dashboard.rs`
//! uses too. Van stock and its ledger: `service_stock.rs`.

use chrono::{DateTime, Duration, Utc};
use onsite_core::wire::PushStatus;
use onsite_core::{CaseFlag, CaseStatus};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::args;
use crate::helpers::{png, sha, Device, TestApp};
use crate::seed::{spawn_with, Seed};

pub(crate) fn create_args(case_id: Uuid, severity: u8, reported_at: DateTime<Utc>) -> Value {
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

/// How a fixture case is worked: its severity, the minutes to its acceptance, the report's
/// result, and the minutes to the customer's sign-off with their rating (`None`: the work
/// goes on).
pub(crate) type Work<'a> = (u8, i64, &'a str, Option<(i64, u8)>);

/// Manager creates and assigns; the engineer accepts, works, reports, gets a sign-off and
/// completes. Times are minutes after `t`.
pub(crate) async fn work_case(
    app: &TestApp,
    manager: &mut Device,
    eng: &mut Device,
    t: DateTime<Utc>,
    (severity, accept_after, result, signed): Work<'_>,
) -> Uuid {
    let id = Uuid::new_v4();
    let at = |m: i64| t + Duration::minutes(m);
    let create = create_args(id, severity, t);
    app.push_applied_at(manager, "case.create", create, t).await;
    let assign = args::assign(id, eng.user.id);
    app.push_applied_at(manager, "case.assign", assign, at(1))
        .await;
    let (accept, work) = (args::case(id), args::to_status(id, "in_progress"));
    let mut steps = vec![
        ("case.accept", accept, accept_after),
        ("case.set_status", work, accept_after + 1),
    ];
    if let Some((signed_after, rating)) = signed {
        let report = json!({ "case_id": id, "cause": "worn part", "actions": "replaced it",
            "result": result });
        // The customer signs: their confirmation is what resolves the case.
        let signature = png(rating);
        let signature_sha = sha(&signature);
        let put = app.put_blob(eng, &signature_sha, signature).await;
        assert!(put.status().is_success(), "{}", put.status());
        let sign = args::with(
            args::signed(id, &signature_sha),
            json!({ "satisfaction": rating, "signed_at": at(signed_after) }),
        );
        let done = args::to_status(id, "completed");
        steps.extend([
            ("case.report", report, signed_after - 2),
            ("case.sign_off", sign, signed_after),
            ("case.set_status", done, signed_after + 1),
        ]);
    }
    for (name, args, after) in steps {
        app.push_applied_at(eng, name, args, at(after)).await;
    }
    id
}

#[tokio::test]
async fn a_severity_1_case_is_closed_only_after_a_fault_analysis() {
    let app = spawn_with(Seed::team()).await;
    let [mut manager, mut alice, mut bob] = app.login_all(["manager", "alice", "bob"]).await;
    let t = Utc::now() - Duration::hours(3);
    let work = (1, 10, "resolved", Some((120, 5)));
    let id = work_case(&app, &mut manager, &mut alice, t, work).await;
    let close = args::case(id);
    let reason = app
        .push_rejected_code(&mut manager, "case.close", close.clone(), "not_ready")
        .await;
    assert!(reason.contains("fault analysis"), "{reason}");

    let analysis = json!({
        "case_id": id, "cause": "Capacitor failure on the PSU board",
        "impact": "Site offline for 2 hours", "prevention": "Replace boards older than 5 years",
    });
    let name = "case.fault_analysis";
    app.push_rejected_code(&mut bob, name, analysis.clone(), "not_assignee")
        .await;
    let missing = args::with(analysis.clone(), json!({ "impact": "" }));
    app.push_rejected(&mut manager, name, missing).await;
    app.push_applied(&mut manager, name, analysis).await;
    app.push_applied(&mut manager, "case.close", close).await;

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
    let app = spawn_with(Seed::new().manager("manager").engineer("alice")).await;
    let case = app.case_for("alice").create().await;
    let mut alice = app.login("alice").await;
    let slow = Utc::now() - Duration::minutes(30);
    let mut accept = alice.next("case.accept", args::case(case));
    accept.client_time = slow;
    let accept_id = accept.id;
    let res = app.push(&alice, vec![accept]).await;
    assert_eq!(res.results[0].status, PushStatus::Applied);
    // 5 minutes off: no flag.
    let go = args::to_status(case, "in_progress");
    let five_off = Utc::now() - Duration::minutes(5);
    app.push_applied_at(&mut alice, "case.set_status", go, five_off)
        .await;

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

#[tokio::test]
async fn an_inspection_case_completes_once_every_checklist_item_is_answered() {
    let app = spawn_with(Seed::team()).await;
    let [mut manager, mut alice, mut bob] = app.login_all(["manager", "alice", "bob"]).await;
    let id = Uuid::new_v4();
    let mut create = create_args(id, 3, Utc::now());
    create["checklist"] = json!([
        { "item_id": "filters", "text": "Air filters clean" },
        { "item_id": "belts", "text": "Fan belts tensioned" },
        { "item_id": "alarm", "text": "High-temperature alarm fires at 30 °C" },
    ]);
    let assign = args::assign(id, alice.user.id);
    let steps = vec![("case.create", create), ("case.assign", assign)];
    app.push_steps(&mut manager, steps).await;
    let check =
        |item: &str, result: &str| json!({ "case_id": id, "item_id": item, "result": result });
    let mut failed = check("belts", "fail");
    failed["note"] = json!("Belt cracked; replacement ordered");
    let steps = vec![
        ("case.accept", args::case(id)),
        ("case.set_status", args::to_status(id, "in_progress")),
        ("case.check", check("filters", "pass")),
        ("case.check", failed),
    ];
    app.push_steps(&mut alice, steps).await;
    let alarm = check("alarm", "pass");
    app.push_rejected_code(&mut bob, "case.check", alarm, "not_assignee")
        .await;
    app.push_rejected_code(&mut alice, "case.check", check("nope", "pass"), "not_found")
        .await;
    let report =
        json!({ "case_id": id, "result": "workaround", "leftover": "Replace the fan belt" });
    let sign = args::with(args::sign_off(id), json!({ "satisfaction": 4 }));
    let steps = vec![("case.report", report), ("case.sign_off", sign)];
    app.push_steps(&mut alice, steps).await;
    let done = args::to_status(id, "completed");
    app.push_rejected_code(&mut alice, "case.set_status", done.clone(), "not_ready")
        .await;
    let steps = vec![
        ("case.check", check("alarm", "na")),
        ("case.set_status", done),
    ];
    app.push_steps(&mut alice, steps).await;

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
