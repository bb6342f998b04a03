//! Issue 4 rules: fault analysis before a severity-1 close, clock-skew flags, the van-stock
//! ledger arithmetic, and the dashboard figures.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use onsite_core::mutation::*;
use onsite_core::*;
use uuid::Uuid;

fn fault_analysis() -> Mutation {
    Mutation::FaultAnalysis(FaultAnalysisArgs {
        case_id: CASE,
        cause: "Battery string aged past its rated life".into(),
        impact: "Server room ran on mains only for 3 hours".into(),
        prevention: "Battery health check added to the quarterly visit".into(),
    })
}

/// A severity-`sev` case alice has completed (result + sign-off).
fn completed(sev: u8) -> World {
    let mut w = World::assigned(sev);
    w.ok(alice(), Mutation::Accept(CaseRef { case_id: CASE }));
    w.ok(alice(), set_status(CaseStatus::InProgress, None));
    w.ok(alice(), report_result());
    w.ok(alice(), w.sign_off(9, "Mr Wang"));
    w.ok(alice(), set_status(CaseStatus::Completed, None));
    w
}

#[test]
fn a_severity_1_case_closes_only_after_a_fault_analysis() {
    let mut w = completed(1);
    let close = Mutation::Close(CaseRef { case_id: CASE });
    let r = w.run(manager(), close.clone()).unwrap_err();
    assert_eq!(r.code, "not_ready");
    assert!(r.message.contains("fault analysis"), "{}", r.message);
    assert_eq!(w.case().status, CaseStatus::Completed);

    w.ok(manager(), fault_analysis());
    let fa = w.case().fault_analysis.clone().expect("stored on the case");
    assert_eq!(fa.cause, "Battery string aged past its rated life");
    assert_eq!(fa.by, MANAGER);
    // The same analysis again is a no-op.
    assert!(w.run(manager(), fault_analysis()).unwrap().is_noop());
    w.ok(manager(), close);
    assert_eq!(w.case().status, CaseStatus::Closed);
    let events: Vec<_> = w.case().timeline.iter().map(|t| t.event.as_str()).collect();
    assert!(events.ends_with(&["case.fault_analysis", "case.close"]));
}

#[test]
fn other_severities_close_without_a_fault_analysis() {
    for sev in 2..=4 {
        let mut w = completed(sev);
        w.ok(manager(), Mutation::Close(CaseRef { case_id: CASE }));
        assert_eq!(w.case().status, CaseStatus::Closed, "severity {sev}");
    }
}

#[test]
fn the_assigned_engineer_or_a_manager_records_the_fault_analysis() {
    let mut w = completed(1);
    assert_eq!(
        w.run(bob(), fault_analysis()).unwrap_err().code,
        "not_assignee"
    );
    w.ok(alice(), fault_analysis());
    assert_eq!(w.case().fault_analysis.as_ref().unwrap().by, ALICE);
    // While working, too.
    let mut w = World::in_progress();
    w.ok(alice(), fault_analysis());
    // Not on an assigned (not yet accepted) case by the engineer.
    let mut w = World::assigned(1);
    assert_eq!(
        w.run(alice(), fault_analysis()).unwrap_err().code,
        "invalid_status"
    );
}

#[test]
fn a_fault_analysis_needs_cause_impact_and_prevention() {
    let mut w = completed(1);
    for field in ["cause", "impact", "prevention"] {
        let mut args = serde_json::json!({
            "case_id": CASE, "cause": "c", "impact": "i", "prevention": "p"
        });
        args[field] = serde_json::json!("  ");
        let m = Mutation::parse("case.fault_analysis", &args).unwrap();
        let r = w.run(manager(), m).unwrap_err();
        assert_eq!(r.code, "invalid_args");
        assert!(r.message.contains(field), "{}", r.message);
        args.as_object_mut().unwrap().remove(field);
        assert_eq!(
            Mutation::parse("case.fault_analysis", &args)
                .unwrap_err()
                .code,
            "invalid_args"
        );
    }
    assert!(w.case().fault_analysis.is_none());
}

fn apply_at(
    w: &World,
    actor: Actor,
    m: &Mutation,
    client: DateTime<Utc>,
    server: Option<DateTime<Utc>>,
) -> Outcome {
    let policies = [SlaPolicy::standard()];
    let ctx = ApplyContext {
        actor,
        client_time: client,
        server_time: server,
        policies: &policies,
    };
    apply(m, &w.cases, &ctx).expect("applied")
}

fn skew_flags(c: &Case) -> Vec<&CaseFlag> {
    c.flags
        .iter()
        .filter(|f| matches!(f, CaseFlag::ClockSkew { .. }))
        .collect()
}

#[test]
fn a_device_clock_more_than_10_minutes_off_flags_the_case() {
    let mut w = World::assigned(2);
    let server = t0() + Duration::hours(1);
    let accept = Mutation::Accept(CaseRef { case_id: CASE });

    // 9 minutes either way: not flagged.
    for skew in [9, -9] {
        let client = server + Duration::minutes(skew);
        let out = apply_at(&w, alice(), &accept, client, Some(server));
        assert!(skew_flags(&out.cases[0]).is_empty(), "skew {skew}");
    }
    // 11 minutes slow: flagged, with both times; the SLA evidence stays the device time.
    let client = server - Duration::minutes(11);
    let out = apply_at(&w, alice(), &accept, client, Some(server));
    let c = &out.cases[0];
    assert_eq!(
        skew_flags(c),
        [&CaseFlag::ClockSkew {
            mutation_id: None,
            event: "case.accept".into(),
            client_time: client,
            server_time: server,
        }]
    );
    assert!(c.has_clock_skew());
    assert_eq!(c.sla.responded_at, Some(client));
    // On the device (no server time) nothing is flagged.
    let out = apply_at(&w, alice(), &accept, client, None);
    assert!(skew_flags(&out.cases[0]).is_empty());

    // Once per mutation: a replay adds nothing; a second skewed mutation adds its own flag.
    let flagged = apply_at(&w, alice(), &accept, client, Some(server));
    w.cases.insert(CASE, flagged.cases[0].clone());
    assert!(apply_at(&w, alice(), &accept, client, Some(server)).is_noop());
    let go = set_status(CaseStatus::EnRoute, None);
    let out = apply_at(
        &w,
        alice(),
        &go,
        server + Duration::hours(2),
        Some(server + Duration::minutes(5)),
    );
    assert_eq!(skew_flags(&out.cases[0]).len(), 2);
}

#[test]
fn a_case_created_on_a_skewed_device_is_flagged() {
    let w = World::new();
    let m = Mutation::Create(create_args(CASE, 3));
    let out = apply_at(
        &w,
        manager(),
        &m,
        t0(),
        Some(t0() + Duration::minutes(10) + Duration::seconds(1)),
    );
    assert_eq!(skew_flags(&out.cases[0]).len(), 1);
    let out = apply_at(&w, manager(), &m, t0(), Some(t0() + Duration::minutes(10)));
    assert!(
        skew_flags(&out.cases[0]).is_empty(),
        "exactly 10 minutes is tolerated"
    );
}

fn adjust(engineer_id: Uuid, part_no: &str, delta: i64, reason: &str) -> Mutation {
    Mutation::StockAdjust(StockAdjustArgs {
        engineer_id,
        part_no: part_no.into(),
        delta,
        reason: reason.into(),
    })
}

#[test]
fn use_correction_and_adjust_sum_to_the_ledger() {
    let part = "BAT-12V-9AH";
    let mut w = World::in_progress();
    let mut ledger: Vec<StockMove> = Vec::new();
    let mut run = |w: &mut World, actor: Actor, m: Mutation| {
        let out = w.run(actor, m).expect("applied");
        ledger.extend(out.stock_moves.clone());
        out
    };
    // Replenish 5, use 3, correct the use down by 1 (2 used), use 6 more: 5 - 3 + 1 - 6 = -3.
    let out = run(&mut w, manager(), adjust(ALICE, part, 5, "replenish"));
    assert!(out.cases.is_empty(), "stock.adjust touches no case");
    assert_eq!(
        out.stock_moves,
        [StockMove {
            engineer_id: ALICE,
            part_no: part.into(),
            delta: 5
        }]
    );
    let use_id = Uuid::from_u128(7);
    run(
        &mut w,
        alice(),
        Mutation::PartUse(PartUseArgs {
            case_id: CASE,
            usage_id: use_id,
            part_no: part.into(),
            qty: 3,
            serial_fitted: None,
            serial_removed: None,
            returned_defective: false,
        }),
    );
    run(
        &mut w,
        alice(),
        Mutation::PartCorrect(PartCorrectArgs {
            case_id: CASE,
            usage_id: Uuid::from_u128(8),
            corrects: use_id,
            qty_delta: -1,
        }),
    );
    run(
        &mut w,
        alice(),
        Mutation::PartUse(PartUseArgs {
            case_id: CASE,
            usage_id: Uuid::from_u128(9),
            part_no: part.into(),
            qty: 6,
            serial_fitted: None,
            serial_removed: None,
            returned_defective: false,
        }),
    );
    let deltas: Vec<i64> = ledger.iter().map(|m| m.delta).collect();
    assert_eq!(deltas, [5, -3, 1, -6]);
    let level = StockLevel {
        part_no: part.into(),
        engineer_id: ALICE,
        qty: w.stock[&(ALICE, part.to_string())],
        min_qty: 2,
    };
    assert_eq!(level.qty, deltas.iter().sum::<i64>());
    assert_eq!(level.qty, -3);
    assert!(level.is_negative(), "negative stock is allowed but flagged");
    assert!(
        level.is_low(),
        "negative stock is also below the reorder point"
    );
    let restocked = StockLevel {
        qty: 3,
        ..level.clone()
    };
    assert!(!restocked.is_low() && !restocked.is_negative());
    assert!(
        StockLevel {
            qty: 2,
            ..level.clone()
        }
        .is_low(),
        "at the reorder point is low"
    );
    // The case's net parts agree with what left the van through it.
    assert_eq!(w.case().net_parts(), [(part.to_string(), 8)]);
    // A manager correction back up to zero.
    w.ok(manager(), adjust(ALICE, part, 3, "stock count"));
    assert_eq!(w.stock[&(ALICE, part.to_string())], 0);
}

#[test]
fn only_a_manager_adjusts_stock_with_a_delta_and_a_reason() {
    let mut w = World::new();
    assert_eq!(
        w.run(alice(), adjust(ALICE, "FAN-1", 2, "found in the van"))
            .unwrap_err()
            .code,
        "forbidden_role"
    );
    for bad in [
        adjust(ALICE, "FAN-1", 0, "nothing"),
        adjust(ALICE, "FAN-1", 2, " "),
        adjust(ALICE, " ", 2, "why"),
        adjust(ALICE, "FAN-1", MAX_QTY + 1, "too many"),
    ] {
        assert_eq!(w.run(manager(), bad).unwrap_err().code, "invalid_args");
    }
    assert!(w.stock.is_empty());
    w.ok(
        manager(),
        adjust(BOB, "FAN-1", -2, "returned to the warehouse"),
    );
    assert_eq!(w.stock[&(BOB, "FAN-1".to_string())], -2);
    let m = adjust(BOB, "FAN-1", -2, "returned");
    assert_eq!(m.target_case(), None);
    assert!(m.touched_case_ids().is_empty());
    let wire = m.to_wire(1, Uuid::from_u128(5), t0());
    assert_eq!(wire.name, "stock.adjust");
    assert_eq!(Mutation::parse(&wire.name, &wire.args).unwrap(), m);
}

struct Fx {
    sev: u8,
    who: Option<Uuid>,
    status: CaseStatus,
    /// Minutes after `reported_at`.
    responded: Option<i64>,
    resolved: Option<i64>,
    result: Option<RepairResult>,
    rating: Option<u8>,
    reopened: bool,
    reported: DateTime<Utc>,
}

fn fixture_case(n: u128, f: Fx) -> Case {
    let id = Uuid::from_u128(1000 + n);
    let mut args = create_args(id, f.sev);
    args.reported_at = f.reported;
    // Each fixture case is its own unit unless a test says otherwise (repeat faults).
    args.product.serial = Some(format!("SN-{n}"));
    let mut w = World::new();
    w.ok(manager(), Mutation::Create(args));
    let mut c = w.cases[&id].clone();
    let at = |m: i64| f.reported + Duration::minutes(m);
    c.assignee_id = f.who;
    c.status = f.status;
    c.sla.responded_at = f.responded.map(at);
    c.sla.resolved_at = f.resolved.map(at);
    c.report.result = f.result;
    if let Some(m) = f.resolved {
        c.sign_off = Some(SignOff {
            signoff_id: Uuid::from_u128(2000 + n),
            signer_name: "Customer".into(),
            signature_sha256: Some(hash('a')),
            unsigned_reason: None,
            report_sha256: hash('b'),
            satisfaction: f.rating,
            comment: None,
            signed_at: at(m),
        });
    }
    if f.reopened {
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
    let fx = |sev, who, status, responded, resolved, result, rating, reopened| Fx {
        sev,
        who,
        status,
        responded,
        resolved,
        result,
        rating,
        reopened,
        reported: t,
    };
    let (a, b) = (Some(ALICE), Some(BOB));
    let cases = vec![
        // A alice sev1: responded 20, resolved 1000 (≤ 1440 ✓), resolved, rating 5 → FTF.
        fixture_case(
            1,
            fx(
                1,
                a,
                Closed,
                Some(20),
                Some(1000),
                Some(Resolved),
                Some(5),
                false,
            ),
        ),
        // B alice sev2: responded 90 (> 60 ✗), resolved 5000 (> 4320 ✗), resolved, rating 3 → FTF.
        fixture_case(
            2,
            fx(
                2,
                a,
                Completed,
                Some(90),
                Some(5000),
                Some(Resolved),
                Some(3),
                false,
            ),
        ),
        // C alice sev3: responded 60, open; resolve-by +10080 > now: no breach.
        fixture_case(3, fx(3, a, InProgress, Some(60), None, None, None, false)),
        // D bob sev4: responded 100, resolved 2000 (no target ✓), workaround (not FTF), rating 4.
        fixture_case(
            4,
            fx(
                4,
                b,
                Completed,
                Some(100),
                Some(2000),
                Some(Workaround),
                Some(4),
                false,
            ),
        ),
        // E bob sev2: responded 30, resolved 600 ✓, resolved but reopened once (not FTF), no rating.
        fixture_case(
            5,
            fx(
                2,
                b,
                Closed,
                Some(30),
                Some(600),
                Some(Resolved),
                None,
                true,
            ),
        ),
        // F bob sev1: never responded: respond breach (30 < 2880) and resolve breach (1440 < 2880).
        fixture_case(6, fx(1, b, Assigned, None, None, None, None, false)),
        // G unassigned sev3, cancelled: counted, nothing else.
        fixture_case(7, fx(3, None, Cancelled, None, None, None, None, false)),
        // H alice sev2, reported the day before the period: left out.
        fixture_case(
            8,
            Fx {
                reported: t - Duration::days(1),
                ..fx(
                    2,
                    a,
                    Completed,
                    Some(10),
                    Some(20),
                    Some(Resolved),
                    Some(1),
                    false,
                )
            },
        ),
    ];
    // Repeat faults. The units: C and G are H's unit (G cancelled, so only C counts: H was
    // resolved ~23 h before C was reported, against alice who fixed H); A has H's serial on
    // another model (not the unit). D is K's unit, fixed 9 days earlier by carol, who has no
    // case in the period: a repeat against her. F is J's unit, fixed 40 days earlier: outside
    // the 30-day window. E's unit had only an inspection (a visit, not a fix). B is the
    // follow-up that case L opened on the same unit: planned work, not a repeat.
    // Out-of-period cases take no part in any other figure.
    let carol = Uuid::from_u128(77);
    let closed_before = |n, days, who| {
        fixture_case(
            n,
            Fx {
                reported: t - Duration::days(days),
                ..fx(
                    3,
                    Some(who),
                    Closed,
                    Some(10),
                    Some(60),
                    Some(Resolved),
                    None,
                    false,
                )
            },
        )
    };
    let mut cases = cases;
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
    // Within target: A, D, E = 3 of 4 → 0.75.
    assert_eq!(o.resolved_within_target, 3);
    assert!(close(o.timeliness_rate, 0.75));
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
    // Bob (D, E, F): 2 resolved, both within → 1.0; response (100+30)/2 = 65, target (240+60)/2 = 150;
    // resolution (2000+600)/2 = 1300, target only E's 4320; FTF 0/2; rating 4/1; breaches F, F.
    assert_eq!((bo.cases, bo.resolved, bo.open), (3, 2, 1));
    assert!(close(bo.timeliness_rate, 1.0));
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

fn inspection_create() -> Mutation {
    Mutation::parse(
        "case.create",
        &serde_json::json!({
            "case_id": CASE,
            "title": "Annual elevator inspection",
            "customer": { "name": "Acme Ltd" },
            "site": { "address": "1 Harbour Road" },
            "product": { "model": "Lift-5500" },
            "category": "business",
            "severity": 3,
            "mode": "on_site",
            "reported_at": t0(),
            "checklist": [
                { "item_id": "doors", "text": "Doors close and reopen on obstruction" },
                { "item_id": "brake", "text": "Brake holds at 125% load" },
                { "item_id": "phone", "text": "Emergency phone connects" },
            ],
        }),
    )
    .unwrap()
}

fn check(item: &str, result: CheckResult, note: Option<&str>) -> Mutation {
    Mutation::Check(CheckArgs {
        case_id: CASE,
        item_id: item.into(),
        result,
        note: note.map(String::from),
    })
}

#[test]
fn an_inspection_completes_only_when_every_checklist_item_is_answered() {
    let create = inspection_create();
    assert!(matches!(create, Mutation::CreateInspection(_)));
    assert_eq!(create.name(), "case.create");
    // The wire shape round-trips.
    let wire = create.to_wire(1, Uuid::from_u128(1), t0());
    assert_eq!(wire.args["checklist"][1]["item_id"], "brake");
    assert_eq!(Mutation::parse(&wire.name, &wire.args).unwrap(), create);

    let mut w = World::new();
    w.ok(manager(), create.clone());
    assert!(
        w.run(manager(), create).unwrap().is_noop(),
        "same creation again"
    );
    assert_eq!(w.case().checklist.len(), 3);
    assert!(w.case().checklist.iter().all(|i| i.result.is_none()));
    w.ok(
        manager(),
        Mutation::Assign(AssignArgs {
            case_id: CASE,
            engineer_id: ALICE,
        }),
    );
    // Not before the engineer works the case; never by another engineer.
    assert_eq!(
        w.run(alice(), check("doors", CheckResult::Pass, None))
            .unwrap_err()
            .code,
        "invalid_status"
    );
    w.ok(alice(), Mutation::Accept(CaseRef { case_id: CASE }));
    w.ok(alice(), set_status(CaseStatus::InProgress, None));
    assert_eq!(
        w.run(bob(), check("doors", CheckResult::Pass, None))
            .unwrap_err()
            .code,
        "not_assignee"
    );
    assert_eq!(
        w.run(alice(), check("nope", CheckResult::Pass, None))
            .unwrap_err()
            .code,
        "not_found"
    );
    w.ok(alice(), check("doors", CheckResult::Pass, None));
    w.ok(
        alice(),
        check("brake", CheckResult::Fail, Some("slipped 3 cm at 125%")),
    );
    assert!(w
        .run(alice(), check("doors", CheckResult::Pass, None))
        .unwrap()
        .is_noop());
    w.ok(alice(), report_result());
    w.ok(alice(), w.sign_off(9, "Mr Wang"));
    assert!(!w.case().ready_to_complete());
    let r = w
        .run(alice(), set_status(CaseStatus::Completed, None))
        .unwrap_err();
    assert_eq!(r.code, "not_ready");
    assert!(r.message.contains("1 checklist item"), "{}", r.message);
    let before = w.case().report_sha256();
    w.ok(
        alice(),
        check("phone", CheckResult::Na, Some("no phone fitted")),
    );
    assert_ne!(
        w.case().report_sha256(),
        before,
        "results are part of the report"
    );
    assert!(w.case().ready_to_complete());
    w.ok(alice(), set_status(CaseStatus::Completed, None));
    let brake = &w.case().checklist[1];
    assert_eq!(brake.result, Some(CheckResult::Fail));
    assert_eq!(brake.note.as_deref(), Some("slipped 3 cm at 125%"));
}

#[test]
fn a_checklist_template_needs_unique_ids_and_text() {
    let mut w = World::new();
    let mut args = inspection_create().args();
    args["checklist"][1]["item_id"] = serde_json::json!("doors");
    let m = Mutation::parse("case.create", &args).unwrap();
    let r = w.run(manager(), m).unwrap_err();
    assert_eq!(r.code, "invalid_args");
    assert!(r.message.contains("twice"), "{}", r.message);
    args["checklist"][1]["item_id"] = serde_json::json!("brake");
    args["checklist"][2]["text"] = serde_json::json!(" ");
    let m = Mutation::parse("case.create", &args).unwrap();
    assert_eq!(w.run(manager(), m).unwrap_err().code, "invalid_args");
    // An empty checklist is a plain case.
    args["checklist"] = serde_json::json!([]);
    assert!(matches!(
        Mutation::parse("case.create", &args).unwrap(),
        Mutation::Create(_)
    ));
    assert_eq!(
        Mutation::parse(
            "case.check",
            &serde_json::json!({ "case_id": CASE, "item_id": "a", "result": "maybe" })
        )
        .unwrap_err()
        .code,
        "invalid_args"
    );
}

/// Text is stored trimmed, so a repeat with the same untrimmed text is the same analysis: a
/// no-op, not a second timeline entry.
#[test]
fn a_fault_analysis_with_trailing_whitespace_applied_twice_is_a_no_op() {
    let mut w = World::in_progress();
    let m = Mutation::FaultAnalysis(FaultAnalysisArgs {
        case_id: CASE,
        cause: "Worn contactor \n".into(),
        impact: " Chiller down for 2 h".into(),
        prevention: "Yearly contactor check ".into(),
    });
    w.ok(alice(), m.clone());
    let entries = w.case().timeline.len();
    let again = w.run(alice(), m).unwrap();
    assert!(again.is_noop());
    assert_eq!(w.case().timeline.len(), entries);
}
