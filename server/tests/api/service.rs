//! Issue 4 over HTTP: the fault-analysis rule, clock-skew flags and inspection checklists,
//! with the case fixtures (`push_at`, `create_args`, `work_case`) that `service_dashboard.rs`
//! uses too. Van stock and its ledger: `service_stock.rs`.

use chrono::{DateTime, Duration, Utc};
use onsite_core::wire::PushStatus;
use onsite_core::{CaseFlag, CaseStatus};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{png, sha, Device, TestApp};
use crate::seed::{spawn_with, Seed};

/// Push one mutation with the given device time.
pub(crate) async fn push_at(
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

/// Manager creates and assigns; the engineer accepts, works, reports, gets a sign-off and
/// completes. Times are minutes after `t`; `None` for `signed` stops after starting work.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn work_case(
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
    // The customer signs: their confirmation is what resolves the case.
    let signature = png(rating);
    let signature_sha = sha(&signature);
    let put = app.put_blob(eng, &signature_sha, signature).await;
    assert!(put.status().is_success(), "{}", put.status());
    let sign = json!({
        "case_id": id, "signoff_id": Uuid::new_v4(), "signer_name": "Ms Test",
        "signature_sha256": signature_sha, "report_sha256": sha(b"report"),
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
    let app = spawn_with(Seed::team()).await;
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
    let app = spawn_with(Seed::new().manager("manager").engineer("alice")).await;
    let case = app.case_for("alice").create().await;
    let mut alice = app.login("alice").await;
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

#[tokio::test]
async fn an_inspection_case_completes_once_every_checklist_item_is_answered() {
    let app = spawn_with(Seed::team()).await;
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
