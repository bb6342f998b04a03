//! The dashboard figures on a hand-computed fixture.

use chrono::Duration;
use onsite_core::mutation::*;
use onsite_core::*;
use uuid::Uuid;

use crate::common::*;

/// Severity, assignee, status, responded and resolved (minutes after reported), result,
/// rating, reopened, and how many days before t0 it was reported.
#[rustfmt::skip]
type Fx = (
    u8, Option<Uuid>, CaseStatus, Option<i64>, Option<i64>, Option<RepairResult>, Option<u8>,
    bool, i64,
);

fn fixture_case(n: u128, f: Fx) -> Case {
    let (sev, who, status, responded, resolved, result, rating, reopened, days_before) = f;
    let reported = t0() - Duration::days(days_before);
    let id = Uuid::from_u128(1000 + n);
    let mut args = create_args(id, sev);
    args.reported_at = reported;
    // Each fixture case is its own unit unless a test says otherwise (repeat faults).
    args.product.serial = Some(format!("SN-{n}"));
    let mut w = World::new();
    w.ok(manager(), Mutation::Create(args));
    let mut c = w.cases[&id].clone();
    let at = |m: i64| reported + Duration::minutes(m);
    c.assignee_id = who;
    c.status = status;
    c.sla.responded_at = responded.map(at);
    c.sla.resolved_at = resolved.map(at);
    c.report.result = result;
    if let Some(m) = resolved {
        c.sign_off = Some(SignOff {
            signoff_id: Uuid::from_u128(2000 + n),
            signer_name: "Customer".into(),
            signature_sha256: Some(hash('a')),
            unsigned_reason: None,
            report_sha256: hash('b'),
            satisfaction: rating,
            comment: None,
            signed_at: at(m),
        });
    }
    if reopened {
        c.timeline.push(TimelineEntry {
            event: "case.reopen".into(),
            actor_id: MANAGER,
            client_time: at(1),
            server_time: None,
            detail: Some("not fixed".into()),
        });
    }
    c
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn dashboard_figures_on_a_hand_computed_fixture() {
    use CaseStatus::*;
    use RepairResult::*;
    // Standard policy targets (minutes): sev1 respond 30 / resolve 1440; sev2 60 / 4320;
    // sev3 120 / 10080; sev4 240 / none. Every case reported at t0 unless said otherwise;
    // now = t0 + 2 days = +2880 min.
    let t = t0();
    let now = t + Duration::days(2);
    let (a, b) = (Some(ALICE), Some(BOB));
    #[rustfmt::skip]
    let rows: [Fx; 8] = [
        // A alice sev1: responded 20, resolved 1000 (≤ 1440 ✓), resolved, rating 5 → FTF.
        (1, a, Closed, Some(20), Some(1000), Some(Resolved), Some(5), false, 0),
        // B alice sev2: responded 90 (> 60 ✗), resolved 5000 (> 4320 ✗), resolved, rating 3 → FTF.
        (2, a, Completed, Some(90), Some(5000), Some(Resolved), Some(3), false, 0),
        // C alice sev3: responded 60, open; resolve-by +10080 > now: no breach.
        (3, a, InProgress, Some(60), None, None, None, false, 0),
        // D bob sev4: responded 100, resolved 2000 (no target ✓), workaround (not FTF), rating 4.
        (4, b, Completed, Some(100), Some(2000), Some(Workaround), Some(4), false, 0),
        // E bob sev2: responded 30, resolved 600 ✓, resolved but reopened once (not FTF), no rating.
        (2, b, Closed, Some(30), Some(600), Some(Resolved), None, true, 0),
        // F bob sev1: never responded: respond breach (30 < 2880) and resolve breach (1440 < 2880).
        (1, b, Assigned, None, None, None, None, false, 0),
        // G unassigned sev3, cancelled: counted, nothing else.
        (3, None, Cancelled, None, None, None, None, false, 0),
        // H alice sev2, reported the day before the period: left out.
        (2, a, Completed, Some(10), Some(20), Some(Resolved), Some(1), false, 1),
    ];
    let mut cases: Vec<Case> = (1..).zip(rows).map(|(n, f)| fixture_case(n, f)).collect();
    // Repeat faults. The units: C and G are H's unit (G cancelled, so only C counts: H was
    // resolved ~23 h before C was reported, against alice who fixed H); A has H's serial on
    // another model (not the unit). D is K's unit, fixed 9 days earlier by carol, who has no
    // case in the period: a repeat against her. F is J's unit, fixed 40 days earlier: outside
    // the 30-day window. E's unit had only an inspection (a visit, not a fix). B is the
    // follow-up that case L opened on the same unit: planned work, not a repeat.
    // Out-of-period cases take no part in any other figure.
    let carol = Uuid::from_u128(77);
    #[rustfmt::skip]
    let closed_before = |n, days, who| fixture_case(
        n, (3, Some(who), Closed, Some(10), Some(60), Some(Resolved), None, false, days),
    );
    let k = closed_before(9, 10, carol);
    let j = closed_before(10, 40, BOB);
    let mut inspection = closed_before(11, 3, BOB);
    inspection.checklist.push(ChecklistItem {
        item_id: "visual".into(),
        text: "Visual check".into(),
        result: Some(CheckResult::Pass),
        note: None,
    });
    let l = closed_before(12, 4, BOB);
    let unit = |c: &Case| c.product.serial.clone();
    cases[2].product.serial = unit(&cases[7]);
    cases[6].product.serial = unit(&cases[7]);
    cases[0].product.serial = unit(&cases[7]);
    cases[0].product.model = "UPS-5000".into();
    cases[3].product.serial = unit(&k);
    cases[5].product.serial = unit(&j);
    cases[4].product.serial = unit(&inspection);
    cases[1].product.serial = unit(&l);
    cases[1].follow_up_of = Some(l.id);
    let (h_id, k_id) = (cases[7].id, k.id);
    cases.extend([k, j, inspection, l]);
    let all: Vec<&Case> = cases.iter().collect();
    let index = onsite_core::dashboard::RepeatIndex::new(&all);
    let repeats: Vec<(Uuid, Uuid)> = cases
        .iter()
        .filter_map(|c| index.repeat_of(c).map(|e| (c.id, e.id)))
        .collect();
    assert_eq!(repeats, vec![(cases[2].id, h_id), (cases[3].id, k_id)]);

    // Complaints: B (alice) and F (bob) count; G is cancelled, H is outside the period.
    for i in [1, 5, 6, 7] {
        cases[i].complaint = true;
    }

    let d = dashboard(&cases, t, t + Duration::days(1), now);
    let o = &d.overall;
    assert_eq!(o.repeat_faults, 2);
    assert_eq!(o.complaints, 2);
    // Overall: A..G = 7 cases; G cancelled; resolved A B D E = 4; open C F = 2.
    assert_eq!((o.cases, o.cancelled, o.resolved, o.open), (7, 1, 4, 2));
    // Within target: A, D, E = 3; past it: B (resolved late) and F (open, overdue) → 3 of 5.
    // C is open and still within its target: not decided yet.
    assert_eq!(o.resolved_within_target, 3);
    assert!(close(o.timeliness_rate, 0.6));
    // Response: (20 + 90 + 60 + 100 + 30) / 5 = 60; targets (30 + 60 + 120 + 240 + 60) / 5 = 102.
    assert_eq!(o.responded, 5);
    assert!(close(o.avg_response_minutes, 60.0));
    assert!(close(o.avg_response_target_minutes, 102.0));
    // Resolution: (1000 + 5000 + 2000 + 600) / 4 = 2150; targets (1440 + 4320 + 4320) / 3 = 3360.
    assert!(close(o.avg_resolution_minutes, 2150.0));
    assert!(close(o.avg_resolution_target_minutes, 3360.0));
    // First-time fix: A, B = 2 of 4 → 0.5.
    assert_eq!(o.first_time_fixes, 2);
    assert!(close(o.first_time_fix_rate, 0.5));
    // Satisfaction: (5 + 3 + 4) / 3 = 4.
    assert_eq!(o.rated, 3);
    assert!(close(o.avg_satisfaction, 4.0));
    // Breaches: respond B, F; resolve B, F.
    assert_eq!((o.respond_breaches, o.resolve_breaches), (2, 2));

    assert_eq!(d.engineers.len(), 3);
    let of = |id: Uuid| {
        &d.engineers
            .iter()
            .find(|e| e.engineer_id == id)
            .unwrap()
            .figures
    };
    let al = of(ALICE);
    // Alice (A, B, C): 2 resolved, 1 within → 0.5; response (20+90+60)/3, target (30+60+120)/3 = 70;
    // resolution (1000+5000)/2 = 3000, target (1440+4320)/2 = 2880; FTF 2/2; rating (5+3)/2 = 4.
    assert_eq!((al.cases, al.resolved, al.open), (3, 2, 1));
    assert!(close(al.timeliness_rate, 0.5));
    assert!(close(al.avg_response_minutes, 170.0 / 3.0));
    assert!(close(al.avg_response_target_minutes, 70.0));
    assert!(close(al.avg_resolution_minutes, 3000.0));
    assert!(close(al.avg_resolution_target_minutes, 2880.0));
    assert!(close(al.first_time_fix_rate, 1.0));
    assert!(close(al.avg_satisfaction, 4.0));
    assert_eq!((al.respond_breaches, al.resolve_breaches), (1, 1));
    let bo = of(BOB);
    // Bob (D, E, F): 2 resolved, both within, F open past its target → 2/3; response (100+30)/2 = 65, target (240+60)/2 = 150;
    // resolution (2000+600)/2 = 1300, target only E's 4320; FTF 0/2; rating 4/1; breaches F, F.
    assert_eq!((bo.cases, bo.resolved, bo.open), (3, 2, 1));
    assert!(close(bo.timeliness_rate, 2.0 / 3.0));
    assert!(close(bo.avg_response_minutes, 65.0));
    assert!(close(bo.avg_response_target_minutes, 150.0));
    assert!(close(bo.avg_resolution_minutes, 1300.0));
    assert!(close(bo.avg_resolution_target_minutes, 4320.0));
    assert!(close(bo.first_time_fix_rate, 0.0));
    assert!(close(bo.avg_satisfaction, 4.0));
    assert_eq!((bo.respond_breaches, bo.resolve_breaches), (1, 1));
    // Repeats count against the engineer whose fix did not hold.
    assert_eq!((al.repeat_faults, bo.repeat_faults), (1, 0));
    assert_eq!((al.complaints, bo.complaints), (1, 1));
    let ca = of(carol);
    assert_eq!((ca.cases, ca.repeat_faults), (0, 1));

    // An empty period has no rates, not zeros.
    let empty = dashboard(&cases, t + Duration::days(5), t + Duration::days(6), now);
    assert_eq!(empty.overall.cases, 0);
    assert_eq!(empty.overall.timeliness_rate, None);
    assert!(empty.engineers.is_empty());
}
