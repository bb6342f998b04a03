//! A device clock far from the server's flags the case.

use chrono::{DateTime, Duration, Utc};
use onsite_core::mutation::*;
use onsite_core::*;

use crate::common::*;

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
    let accept = accept();

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
