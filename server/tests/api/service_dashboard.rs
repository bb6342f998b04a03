//! Issue 4 over HTTP: the manager's dashboard on a fixture with hand-computed figures.

use chrono::{Duration, TimeZone, Utc};
use onsite_core::{CaseStatus, Dashboard};
use serde_json::json;
use uuid::Uuid;

use crate::args;
use crate::seed::{spawn_with, Seed};
use crate::service::{create_args, work_case, Work};

/// The dashboard of the period `from` to `to`.
fn dashboard(from: &str, to: &str) -> String {
    format!("/api/v1/dashboard?from={from}&to={to}")
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn the_dashboard_shows_hand_computed_figures_for_a_period() {
    let app = spawn_with(Seed::team()).await;
    // Work of today, outside every period below.
    for status in [CaseStatus::Closed, CaseStatus::InProgress] {
        app.case_in("alice", status).await;
        app.case_in("bob", status).await;
    }
    let [mut manager, mut alice, mut bob] = app.login_all(["manager", "alice", "bob"]).await;
    // A day in 2020: none of today's cases fall in it.
    let t = Utc.with_ymd_and_hms(2020, 3, 2, 8, 0, 0).unwrap();
    // Standard targets (minutes): sev1 30 / 1440, sev2 60 / 4320, sev3 120 / 10080, sev4 240 / none.
    let cases: [(&str, Work); 3] = [
        // P alice sev2: accepted +30 (✓), signed +300 (✓), resolved, rating 5.
        ("alice", (2, 30, "resolved", Some((300, 5)))),
        // Q alice sev1: accepted +45 (✗ 30), signed +1500 (✗ 1440), workaround, rating 3.
        ("alice", (1, 45, "workaround", Some((1500, 3)))),
        // R bob sev3: accepted +90 (✓ 120), still in progress; its 10080 resolve target is long
        // past.
        ("bob", (3, 90, "resolved", None)),
    ];
    for (who, work) in cases {
        let eng = if who == "alice" { &mut alice } else { &mut bob };
        work_case(&app, &mut manager, eng, t, work).await;
    }
    // S sev4, never assigned: its 240-minute respond target is long past; no resolve target.
    let s = create_args(Uuid::new_v4(), 4, t);
    app.push_applied_at(&mut manager, "case.create", s, t).await;

    let (from, to) = ("2020-03-02T00:00:00Z", "2020-03-03T00:00:00Z");
    let d: Dashboard = app.get_ok(&manager, &dashboard(from, to), &[]).await;
    let o = &d.overall;
    // 4 cases; resolved P, Q; open R, S.
    assert_eq!((o.cases, o.cancelled, o.resolved, o.open), (4, 0, 2, 2));
    // Timeliness: P within; Q resolved late and R open past its target → 1/3 (S has no
    // resolve target and is open: not decided).
    assert!(close(o.timeliness_rate, 1.0 / 3.0));
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
    // Bob (R): nothing resolved, so no resolution figures; R open past its target → 0 in time;
    // response 90 vs 120; resolve breach R.
    assert_eq!((b.cases, b.resolved, b.open), (1, 0, 1));
    assert!(close(b.timeliness_rate, 0.0));
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
    let next_day = t + Duration::days(1);
    let repeat = create_args(Uuid::new_v4(), 2, next_day);
    // And a customer complains that day (user feedback marked as a complaint).
    let complaint = args::with(
        create_args(Uuid::new_v4(), 4, next_day),
        json!({ "category": "feedback", "complaint": true }),
    );
    for create in [repeat, complaint] {
        app.push_applied_at(&mut manager, "case.create", create, next_day)
            .await;
    }
    let period = dashboard(to, "2020-03-04T00:00:00Z");
    let d: Dashboard = app.get_ok(&manager, &period, &[]).await;
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
    let (a, m) = (Some(&alice), Some(&manager));
    #[rustfmt::skip]
    let refusals = [
        (a, &*format!("GET {}", dashboard(from, to)), None, 403, "forbidden"),
        (m, &format!("GET {}", dashboard("yesterday", to)), None, 400, "invalid_query"),
        (m, &format!("GET {}", dashboard(to, from)), None, 400, "invalid_query"),
        (m, "GET /api/v1/dashboard", None, 400, "invalid_query"),
    ];
    app.assert_refused(&refusals).await;
}
