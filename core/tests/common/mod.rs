#![allow(dead_code)]
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use onsite_core::mutation::*;
use onsite_core::*;
use uuid::Uuid;

pub const MANAGER: Uuid = Uuid::from_u128(1);
pub const ALICE: Uuid = Uuid::from_u128(2);
pub const BOB: Uuid = Uuid::from_u128(3);
pub const CASE: Uuid = Uuid::from_u128(100);

pub fn manager() -> Actor {
    Actor {
        user_id: MANAGER,
        role: Role::Manager,
    }
}
pub fn alice() -> Actor {
    Actor {
        user_id: ALICE,
        role: Role::Engineer,
    }
}
pub fn bob() -> Actor {
    Actor {
        user_id: BOB,
        role: Role::Engineer,
    }
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

pub fn hash(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

pub fn create_args(id: Uuid, severity: u8) -> CreateArgs {
    CreateArgs {
        case_id: id,
        title: "UPS alarm in server room".into(),
        description: "Beeping since the night".into(),
        customer: Customer {
            name: "Acme Ltd".into(),
            phone: Some("+86 21 5555 0101".into()),
            email: None,
            contact: None,
        },
        site: Site {
            address: "1 Harbour Road, Shanghai".into(),
            notes: None,
        },
        product: Product {
            model: "UPS-3000".into(),
            serial: Some("SN123".into()),
            warranty_until: None,
        },
        category: Category::SystemFault,
        severity: Severity::new(severity).unwrap(),
        mode: ServiceMode::OnSite,
        reported_at: t0(),
        appointment: None,
        policy: None,
        complaint: false,
    }
}

/// A tiny in-memory world: applies mutations the way the server does.
pub struct World {
    pub cases: BTreeMap<Uuid, Case>,
    pub stock: BTreeMap<(Uuid, String), i64>,
    pub clock: DateTime<Utc>,
}

impl World {
    pub fn new() -> World {
        World {
            cases: BTreeMap::new(),
            stock: BTreeMap::new(),
            clock: t0(),
        }
    }

    /// A sign-off of the report as the case holds it now (what the device sends).
    pub fn sign_off(&self, id: u128, signer: &str) -> Mutation {
        let Mutation::SignOff(mut a) = sign_off(id, signer) else {
            unreachable!()
        };
        a.sign_off.report_sha256 = self.case().report_sha256();
        Mutation::SignOff(a)
    }

    pub fn run(&mut self, actor: Actor, m: Mutation) -> Result<Outcome, Rejection> {
        self.clock += Duration::minutes(1);
        let policies = [SlaPolicy::standard(), SlaPolicy::strict()];
        let ctx = ApplyContext {
            actor,
            client_time: self.clock,
            server_time: Some(self.clock),
            policies: &policies,
        };
        let out = apply(&m, &self.cases, &ctx)?;
        for c in &out.cases {
            self.cases.insert(c.id, c.clone());
        }
        for mv in &out.stock_moves {
            *self
                .stock
                .entry((mv.engineer_id, mv.part_no.clone()))
                .or_default() += mv.delta;
        }
        Ok(out)
    }

    pub fn ok(&mut self, actor: Actor, m: Mutation) {
        let name = m.name();
        if let Err(r) = self.run(actor, m) {
            panic!("{name} rejected: {r}");
        }
    }

    pub fn case(&self) -> &Case {
        &self.cases[&CASE]
    }

    /// A severity-`severity` case created by the manager and assigned to alice.
    pub fn assigned(severity: u8) -> World {
        let mut w = World::new();
        w.ok(manager(), Mutation::Create(create_args(CASE, severity)));
        w.ok(
            manager(),
            Mutation::Assign(AssignArgs {
                case_id: CASE,
                engineer_id: ALICE,
            }),
        );
        w
    }

    /// A case assigned to alice, accepted and in progress.
    pub fn in_progress() -> World {
        let mut w = World::assigned(2);
        w.ok(alice(), Mutation::Accept(CaseRef { case_id: CASE }));
        w.ok(alice(), set_status(CaseStatus::InProgress, None));
        w
    }
}

pub fn set_status(status: CaseStatus, reason: Option<&str>) -> Mutation {
    Mutation::SetStatus(SetStatusArgs {
        case_id: CASE,
        status,
        reason: reason.map(String::from),
    })
}

/// A sign-off of some other report (`World::sign_off` signs the case's own).
pub fn sign_off(id: u128, signer: &str) -> Mutation {
    Mutation::SignOff(SignOffArgs {
        case_id: CASE,
        sign_off: SignOff {
            signoff_id: Uuid::from_u128(id),
            signer_name: signer.into(),
            signature_sha256: Some(hash('a')),
            unsigned_reason: None,
            report_sha256: hash('b'),
            satisfaction: Some(5),
            comment: None,
            signed_at: t0() + Duration::hours(2),
        },
    })
}

pub fn report_result() -> Mutation {
    Mutation::Report(ReportArgs {
        case_id: CASE,
        symptom: Some("UPS beeps".into()),
        cause: Some("battery worn".into()),
        actions: Some("replaced battery pack".into()),
        result: Some(RepairResult::Resolved),
        verification: Some("load test 30 min".into()),
        leftover: None,
    })
}
