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

    /// The code of the rejection `m` meets (panics if it applies).
    pub fn err(&mut self, actor: Actor, m: Mutation) -> RejectionCode {
        self.run(actor, m).unwrap_err().code
    }

    /// The manager creates case `id` (severity `severity`) and assigns it to `engineer`.
    pub fn create_assigned(&mut self, id: Uuid, severity: u8, engineer: Uuid) {
        self.ok(manager(), Mutation::Create(create_args(id, severity)));
        self.ok(manager(), assign(id, engineer));
    }

    /// A severity-`severity` case created by the manager and assigned to alice.
    pub fn assigned(severity: u8) -> World {
        let mut w = World::new();
        w.create_assigned(CASE, severity, ALICE);
        w
    }

    /// A severity-`severity` case assigned to alice, accepted and in progress.
    pub fn working(severity: u8) -> World {
        let mut w = World::assigned(severity);
        w.ok(alice(), accept());
        w.ok(alice(), set_status(CaseStatus::InProgress, None));
        w
    }

    /// A severity-2 case assigned to alice, accepted and in progress.
    pub fn in_progress() -> World {
        World::working(2)
    }

    /// Alice reports a result, has the report signed (sign-off 9) and completes the case.
    pub fn complete(&mut self) {
        self.ok(alice(), report_result());
        self.ok(alice(), self.sign_off(9, "Mr Wang"));
        self.ok(alice(), set_status(CaseStatus::Completed, None));
    }

    /// A severity-`severity` case alice has completed (result + sign-off).
    pub fn completed(severity: u8) -> World {
        let mut w = World::working(severity);
        w.complete();
        w
    }

    /// A sign-off of the case's report the customer could not sign (`reason`, if any).
    pub fn unsigned_sign_off(&self, id: u128, signer: &str, reason: Option<&str>) -> Mutation {
        let Mutation::SignOff(mut a) = self.sign_off(id, signer) else {
            unreachable!()
        };
        a.sign_off.signature_sha256 = None;
        a.sign_off.unsigned_reason = reason.map(String::from);
        Mutation::SignOff(a)
    }

    /// The case's time entry `id`.
    pub fn time_entry(&self, id: u128) -> &TimeEntry {
        let id = Uuid::from_u128(id);
        let found = self.case().time_entries.iter().find(|t| t.entry_id == id);
        found.expect("time entry")
    }
}

pub fn accept() -> Mutation {
    Mutation::Accept(CaseRef { case_id: CASE })
}

pub fn close() -> Mutation {
    Mutation::Close(CaseRef { case_id: CASE })
}

pub fn assign(case_id: Uuid, engineer_id: Uuid) -> Mutation {
    Mutation::Assign(AssignArgs {
        case_id,
        engineer_id,
    })
}

pub fn reopen(reason: &str) -> Mutation {
    Mutation::Reopen(ReasonArgs {
        case_id: CASE,
        reason: reason.into(),
    })
}

pub fn cancel(reason: &str) -> Mutation {
    Mutation::Cancel(ReasonArgs {
        case_id: CASE,
        reason: reason.into(),
    })
}

/// `qty` of `part_no` used on the case (no serials, nothing returned).
pub fn part_use(usage: u128, part_no: &str, qty: i64) -> Mutation {
    Mutation::PartUse(PartUseArgs {
        case_id: CASE,
        usage_id: Uuid::from_u128(usage),
        part_no: part_no.into(),
        qty,
        serial_fitted: None,
        serial_removed: None,
        returned_defective: false,
    })
}

pub fn part_correct(usage: u128, corrects: Uuid, qty_delta: i64) -> Mutation {
    Mutation::PartCorrect(PartCorrectArgs {
        case_id: CASE,
        usage_id: Uuid::from_u128(usage),
        corrects,
        qty_delta,
    })
}

pub fn follow_up(new_case_id: Uuid, leftover: &str) -> Mutation {
    Mutation::FollowUp(FollowUpArgs {
        case_id: CASE,
        new_case_id,
        leftover: leftover.into(),
    })
}

pub fn escalate(tier: u8, reason: &str) -> Mutation {
    Mutation::Escalate(EscalateArgs {
        case_id: CASE,
        tier,
        reason: reason.into(),
    })
}

/// Time entry `entry`: `mins` minutes of `kind` from `start_min` minutes after t0.
pub fn time_log(entry: u128, kind: TimeKind, start_min: i64, mins: i64) -> Mutation {
    Mutation::Time(TimeArgs {
        case_id: CASE,
        entry_id: Uuid::from_u128(entry),
        kind,
        start: t0() + Duration::minutes(start_min),
        end: t0() + Duration::minutes(start_min + mins),
    })
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
