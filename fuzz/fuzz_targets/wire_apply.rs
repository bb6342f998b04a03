//! Wire decoding + `apply`: any bytes a device could push, decoded as a push body, each
//! mutation parsed, validated, authorized and applied to a small world of cases by every kind
//! of actor. Nothing may panic (no overflow, no index out of range, no `unwrap` on input).
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use onsite_core::mutation::{AssignArgs, CaseRef, CreateArgs, SetStatusArgs};
use onsite_core::wire::PushRequest;
use onsite_core::{
    apply, authorize, Actor, ApplyContext, Case, CaseStatus, Category, Customer, Mutation,
    Product, Role, ServiceMode, Severity, Site, SlaPolicy,
};
use uuid::Uuid;

const MANAGER: Uuid = Uuid::from_u128(1);
const ALICE: Uuid = Uuid::from_u128(2);
const BOB: Uuid = Uuid::from_u128(3);

fn actors() -> [Actor; 3] {
    [
        Actor { user_id: MANAGER, role: Role::Manager },
        Actor { user_id: ALICE, role: Role::Engineer },
        Actor { user_id: BOB, role: Role::Engineer },
    ]
}

/// Cases in several states (ids 10.., assigned to alice after bob), built through `apply`.
fn world() -> &'static BTreeMap<Uuid, Case> {
    static WORLD: OnceLock<BTreeMap<Uuid, Case>> = OnceLock::new();
    WORLD.get_or_init(|| {
        let policies = [SlaPolicy::standard(), SlaPolicy::strict()];
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
        let mut cases = BTreeMap::new();
        let [manager, alice, _] = actors();
        let mut run = |m: Mutation, actor: Actor, cases: &mut BTreeMap<Uuid, Case>| {
            let ctx = ApplyContext { actor, client_time: t, server_time: Some(t), policies: &policies };
            let out = apply(&m, cases, &ctx).expect("the fixture applies");
            for c in out.cases {
                cases.insert(c.id, c);
            }
        };
        let steps: [&[CaseStatus]; 4] = [
            &[],
            &[CaseStatus::Accepted],
            &[CaseStatus::Accepted, CaseStatus::InProgress],
            &[CaseStatus::Accepted, CaseStatus::InProgress, CaseStatus::OnHold],
        ];
        for (i, path) in steps.iter().enumerate() {
            let id = Uuid::from_u128(10 + i as u128);
            run(
                Mutation::Create(CreateArgs {
                    case_id: id,
                    title: "fuzz".into(),
                    description: String::new(),
                    customer: Customer { name: "c".into(), phone: None, email: None, contact: None },
                    site: Site { address: "a".into(), notes: None },
                    product: Product { model: "m".into(), serial: None, warranty_until: None },
                    category: Category::SystemFault,
                    severity: Severity::new(1 + (i as u8 % 4)).unwrap(),
                    mode: ServiceMode::OnSite,
                    reported_at: t,
                    appointment: None,
                    policy: None,
                    complaint: false,
                }),
                manager,
                &mut cases,
            );
            for e in [BOB, ALICE] {
                run(Mutation::Assign(AssignArgs { case_id: id, engineer_id: e }), manager, &mut cases);
            }
            for s in *path {
                let m = match s {
                    CaseStatus::Accepted => Mutation::Accept(CaseRef { case_id: id }),
                    s => Mutation::SetStatus(SetStatusArgs {
                        case_id: id,
                        status: *s,
                        reason: Some("fuzz".into()),
                    }),
                };
                run(m, alice, &mut cases);
            }
        }
        cases
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(req) = serde_json::from_slice::<PushRequest>(data) else {
        return;
    };
    let policies = [SlaPolicy::standard(), SlaPolicy::strict()];
    let mut cases = world().clone();
    for wm in req.mutations.iter().take(16) {
        let Ok(m) = Mutation::parse(&wm.name, &wm.args) else {
            continue;
        };
        let _ = m.validate();
        let _ = m.to_wire(wm.seq, wm.id, wm.client_time);
        for actor in actors() {
            let ctx = ApplyContext {
                actor,
                client_time: wm.client_time,
                server_time: Some(Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap()),
                policies: &policies,
            };
            if authorize(&m, &cases, &actor).is_err() {
                continue;
            }
            if let Ok(out) = apply(&m, &cases, &ctx) {
                for c in out.cases {
                    // What the server stores and every device reads back.
                    let _ = c.report_sha256();
                    let _ = c.sla.time_left(ctx.client_time);
                    let _ = c.sla.urgency_key();
                    cases.insert(c.id, c);
                }
            }
        }
    }
    // What the dashboard computes over whatever the fuzzer built.
    let all: Vec<Case> = cases.into_values().collect();
    let from = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap();
    let _ = onsite_core::dashboard(&all, from, to, from);
});
