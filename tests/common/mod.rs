//! Fixtures shared by the browser tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use onsite_core::mutation::{AssignArgs, CaseRef, CreateArgs, ReportArgs, SetStatusArgs};
use onsite_core::{
    apply, Actor, ApplyContext, Case, CaseStatus, Category, Customer, Mutation, Product, Role,
    ServiceMode, Severity, Site, SlaPolicy,
};
use uuid::Uuid;

pub const MANAGER: Uuid = Uuid::from_u128(1);
pub const ALICE: Uuid = Uuid::from_u128(2);
pub const BOB: Uuid = Uuid::from_u128(3);

pub fn engineer(id: Uuid) -> Actor {
    Actor {
        user_id: id,
        role: Role::Engineer,
    }
}

pub fn unique_db(tag: &str) -> String {
    format!("onsite-test-{tag}-{}", Uuid::new_v4())
}

/// A case as the server would send it: created, assigned to `engineer`, worked up to `status`.
pub fn server_case(id: Uuid, engineer: Uuid, status: CaseStatus) -> Case {
    let policies = [SlaPolicy::standard(), SlaPolicy::strict()];
    let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let mut cases = BTreeMap::new();
    let mut run = |m: Mutation, actor: Actor| {
        let ctx = ApplyContext {
            actor,
            client_time: t0,
            server_time: Some(t0),
            policies: &policies,
        };
        for c in apply(&m, &cases, &ctx).expect("fixture applies").cases {
            cases.insert(c.id, c);
        }
    };
    let manager = Actor {
        user_id: MANAGER,
        role: Role::Manager,
    };
    run(
        Mutation::Create(CreateArgs {
            case_id: id,
            title: "UPS alarm".into(),
            description: String::new(),
            customer: Customer {
                name: "Acme".into(),
                phone: None,
                email: None,
                contact: None,
            },
            site: Site {
                address: "1 Harbour Road".into(),
                notes: None,
            },
            product: Product {
                model: "UPS-3000".into(),
                serial: None,
                warranty_until: None,
            },
            category: Category::SystemFault,
            severity: Severity::new(2).unwrap(),
            mode: ServiceMode::OnSite,
            reported_at: t0,
            appointment: None,
            policy: None,
        }),
        manager,
    );
    run(
        Mutation::Assign(AssignArgs {
            case_id: id,
            engineer_id: engineer,
        }),
        manager,
    );
    let eng = Actor {
        user_id: engineer,
        role: Role::Engineer,
    };
    if status != CaseStatus::Assigned {
        run(Mutation::Accept(CaseRef { case_id: id }), eng);
    }
    if status == CaseStatus::InProgress {
        run(
            Mutation::SetStatus(SetStatusArgs {
                case_id: id,
                status: CaseStatus::InProgress,
                reason: None,
            }),
            eng,
        );
    }
    cases.remove(&id).unwrap()
}

pub fn report(case_id: Uuid, symptom: &str) -> Mutation {
    Mutation::Report(ReportArgs {
        case_id,
        symptom: Some(symptom.into()),
        cause: None,
        actions: None,
        result: None,
        verification: None,
        leftover: None,
    })
}
