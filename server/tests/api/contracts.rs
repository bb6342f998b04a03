//! SLA policies and contracts: the endpoints (manager only, validated, JSON errors) and
//! `case.create` without a policy taking the customer's contract.

use onsite_core::wire::PolicyRecord;
use onsite_core::SlaPolicy;
use reqwest::Response;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::args;
use crate::helpers::{assert_json_error, spawn_empty_app, Device, TestApp};
use crate::seed::{spawn_with, Seed};

/// Customers with a contract on the strict policy before a test begins.
const STRICT_CUSTOMERS: [&str; 2] = ["Tianjin Port Customs Hall", "上海华东医院"];

/// A manager, an engineer, and the strict contracts.
fn desk() -> Seed {
    let mut seed = Seed::new().manager("manager").engineer("alice");
    for customer in STRICT_CUSTOMERS {
        seed = seed.contract(customer, "strict");
    }
    seed
}

const POLICIES: &str = "/api/v1/sla/policies";

async fn put_policy(app: &TestApp, dev: &Device, name: &str, body: Value) -> Response {
    let route = format!("PUT /api/v1/sla/policies/{name}");
    app.send_json(Some(dev), &route, &body).await
}

async fn put_contract(app: &TestApp, dev: &Device, customer: &str, policy: &str) -> Response {
    let route = format!("PUT /api/v1/contracts/{customer}");
    app.send_json(Some(dev), &route, &json!({ "policy": policy }))
        .await
}

async fn end_contract(app: &TestApp, dev: &Device, customer: &str) -> Response {
    let route = format!("DELETE /api/v1/contracts/{customer}");
    app.send(Some(dev), &route).await
}

fn assert_ok(res: Response) -> Response {
    assert_eq!(res.status(), 200);
    res
}

fn gold() -> Value {
    json!({
        "name": "gold",
        "levels": [
            { "respond_minutes": 15, "resolve_minutes": 60 },
            { "respond_minutes": 30, "resolve_minutes": 180 },
            { "respond_minutes": 60, "resolve_minutes": 1440 },
            { "respond_minutes": 120, "resolve_minutes": null },
        ]
    })
}

fn create(case_id: Uuid, customer: &str, policy: Option<&str>) -> Value {
    let mut v = args::case_create(case_id);
    v["customer"] = json!({ "name": customer });
    if let Some(p) = policy {
        v["policy"] = json!(p);
    }
    v
}

/// The manager opens a case for `customer` (with `policy` if named); returns its id.
async fn create_case(
    app: &TestApp,
    dev: &mut Device,
    customer: &str,
    policy: Option<&str>,
) -> Uuid {
    let id = Uuid::new_v4();
    app.push_applied(dev, "case.create", create(id, customer, policy))
        .await;
    id
}

#[tokio::test]
async fn policies_are_seeded_and_everyone_may_read_them() {
    let app = spawn_empty_app().await;
    onsite_server::store::users::add_user(
        &app.store,
        "eve",
        "Eve",
        onsite_core::Role::Engineer,
        "eve-password",
    )
    .await
    .unwrap();
    let eve = app.login_with("eve", "eve-password").await;
    let records: Vec<PolicyRecord> = app.get_ok(&eve, POLICIES, &[]).await;
    let names: Vec<&str> = records.iter().map(|r| r.policy.name.as_str()).collect();
    assert_eq!(names, ["standard", "strict"]);
    assert_eq!(records[0].policy, SlaPolicy::standard());
    assert_eq!(records[1].policy, SlaPolicy::strict());
    assert!(records.iter().all(|r| r.customers.is_empty()));
    // Without a token: a JSON 401.
    let res = app.send(None, &format!("GET {POLICIES}")).await;
    assert_json_error(res, 401, "unauthorized").await;
}

#[tokio::test]
async fn only_a_manager_reads_the_contract_customers_of_the_policies() {
    let app = spawn_with(desk()).await;
    let [manager, alice] = app.login_all(["manager", "alice"]).await;
    let managers: Vec<PolicyRecord> = app.get_ok(&manager, POLICIES, &[]).await;
    let strict = managers.iter().find(|r| r.policy.name == "strict").unwrap();
    assert_eq!(strict.customers.len(), STRICT_CUSTOMERS.len());
    // The engineer gets the same policies, with no customers.
    let alices: Vec<PolicyRecord> = app.get_ok(&alice, POLICIES, &[]).await;
    assert_eq!(
        alices.iter().map(|r| &r.policy).collect::<Vec<_>>(),
        managers.iter().map(|r| &r.policy).collect::<Vec<_>>()
    );
    assert!(alices.iter().all(|r| r.customers.is_empty()), "{alices:?}");
}

#[tokio::test]
async fn only_a_manager_changes_policies_and_bad_ones_are_refused() {
    let app = spawn_with(desk()).await;
    let [manager, alice] = app.login_all(["manager", "alice"]).await;
    let (m, a) = (Some(&manager), Some(&alice));
    let bad = |edit: fn(&mut Value)| {
        let mut policy = gold();
        edit(&mut policy);
        Some(policy)
    };
    let gold_route = "PUT /api/v1/sla/policies/gold";
    let strict = Some(json!({ "policy": "strict" }));
    let zero = bad(|p| p["levels"][0]["respond_minutes"] = json!(0));
    let negative = bad(|p| p["levels"][3]["resolve_minutes"] = json!(-5));
    let three_levels = bad(|p| p["levels"].as_array_mut().unwrap().truncate(3));
    let not_a_name = bad(|p| p["name"] = json!("Gold Plus"));
    #[rustfmt::skip]
    let refusals = [
        (a, gold_route, Some(gold()), 403, "forbidden"),
        (a, "PUT /api/v1/contracts/Acme", strict, 403, "forbidden"),
        (a, "DELETE /api/v1/contracts/Acme", None, 403, "forbidden"),
        (m, gold_route, zero, 400, "invalid_policy"),
        (m, gold_route, negative, 400, "invalid_policy"),
        (m, gold_route, three_levels, 400, "invalid_body"),
        // the body names another policy than the path
        (m, "PUT /api/v1/sla/policies/silver", Some(gold()), 400, "invalid_policy"),
        (m, "PUT /api/v1/sla/policies/Gold%20Plus", not_a_name, 400, "invalid_policy"),
    ];
    app.assert_refused(&refusals).await;
    // respond > resolve
    let mut bad = gold();
    bad["levels"][1]["respond_minutes"] = json!(500);
    let res = put_policy(&app, &manager, "gold", bad).await;
    let body = assert_json_error(res, 400, "invalid_policy").await;
    assert!(
        body["message"].as_str().unwrap().contains("level 2"),
        "{body}"
    );
    let stored: Vec<PolicyRecord> = app.get_ok(&manager, POLICIES, &[]).await;
    assert_eq!(stored.len(), 2, "nothing stored");

    // A good one is stored, answered, listed and pulled by everyone.
    let res = put_policy(&app, &manager, "gold", gold()).await;
    assert_eq!(res.status(), 200);
    let rec: PolicyRecord = res.json().await.unwrap();
    assert_eq!(rec.policy.name, "gold");
    assert_eq!(rec.policy.levels[0].resolve_minutes, Some(60));
    assert_eq!(rec.policy.levels[3].resolve_minutes, None);
    let listed: Vec<PolicyRecord> = app.get_ok(&alice, POLICIES, &[]).await;
    assert!(listed.iter().any(|r| r.policy == rec.policy));
    let snap = app.snapshot(&alice).await;
    assert_eq!(
        snap.policies.get("gold").map(|r| &r.policy),
        Some(&rec.policy)
    );
    // Replacing it changes the pulled record too.
    let mut changed = gold();
    changed["levels"][0]["respond_minutes"] = json!(10);
    let res = put_policy(&app, &manager, "gold", changed).await;
    assert_eq!(res.status(), 200);
    let (changes, _) = app.pull_all(&alice, Some(&snap.cursor)).await;
    let policy_changes: Vec<_> = changes
        .iter()
        .filter(|c| c.entity == onsite_core::wire::Entity::Policy)
        .collect();
    assert_eq!(policy_changes.len(), 1);
    assert_eq!(
        policy_changes[0].data["policy"]["levels"][0]["respond_minutes"],
        10
    );

    // Contracts: unknown policy refused, a missing contract is a JSON 404.
    let platinum = Some(json!({ "policy": "platinum" }));
    #[rustfmt::skip]
    let refusals = [
        (m, "PUT /api/v1/contracts/Acme", platinum, 400, "unknown_policy"),
        (m, "DELETE /api/v1/contracts/Nobody%20Ltd", None, 404, "not_found"),
    ];
    app.assert_refused(&refusals).await;
}

#[tokio::test]
async fn case_create_without_a_policy_runs_on_the_customers_contract() {
    let app = spawn_with(desk()).await;
    let [mut manager, alice] = app.login_all(["manager", "alice"]).await;
    assert_ok(put_policy(&app, &manager, "gold", gold()).await);
    let res = put_contract(&app, &manager, "Acme%20Robotics", "gold").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"customer": "Acme Robotics", "policy": "gold"}));
    // The policy's record lists the customer for the manager; alice pulls it without.
    let snap = app.snapshot(&manager).await;
    assert_eq!(snap.policies["gold"].customers, ["Acme Robotics"]);
    let snap = app.snapshot(&alice).await;
    assert!(snap.policies["gold"].customers.is_empty());

    // No policy named: the contract's (matched trimmed and case-insensitively, as the app's
    // `PolicyRecord::for_customer` does).
    let on_contract = create_case(&app, &mut manager, " acme robotics ", None).await;
    // A customer without a contract: standard.
    let no_contract = create_case(&app, &mut manager, "Other Co", None).await;
    // An explicit policy wins over the contract.
    let explicit = create_case(&app, &mut manager, "Acme Robotics", Some("strict")).await;
    // An unknown explicit policy is rejected.
    let nope = create(Uuid::new_v4(), "Acme Robotics", Some("nope"));
    let reason = app.push_rejected(&mut manager, "case.create", nope).await;
    assert!(reason.contains("nope"), "{reason}");

    let snap = app.snapshot(&manager).await;
    let c = &snap.cases[&on_contract];
    assert_eq!(c.sla.policy, "gold");
    // gold: severity 2 responds in 30 min and resolves in 3 h.
    assert_eq!((c.sla.respond_by - c.reported_at).num_minutes(), 30);
    assert_eq!(
        c.sla.resolve_by.map(|t| (t - c.reported_at).num_minutes()),
        Some(180)
    );
    assert_eq!(snap.cases[&no_contract].sla.policy, "standard");
    assert_eq!(snap.cases[&explicit].sla.policy, "strict");

    // The contract moves to strict: both records change; then it ends.
    let res = put_contract(&app, &manager, "ACME Robotics", "strict").await;
    assert_eq!(res.status(), 200);
    let records: Vec<PolicyRecord> = app.get_ok(&manager, POLICIES, &[]).await;
    let gold_rec = records.iter().find(|r| r.policy.name == "gold").unwrap();
    assert!(gold_rec.customers.is_empty(), "{gold_rec:?}");
    let strict = records.iter().find(|r| r.policy.name == "strict").unwrap();
    assert!(strict.customers.contains(&"ACME Robotics".to_string()));
    assert_eq!(strict.customers.len(), 1 + STRICT_CUSTOMERS.len());
    let later = create_case(&app, &mut manager, "Acme Robotics", None).await;
    let res = end_contract(&app, &manager, "acme%20robotics").await;
    assert_eq!(res.status(), 200);
    let ended: Value = res.json().await.unwrap();
    assert_eq!(ended["policy"], "strict");
    let after_end = create_case(&app, &mut manager, "Acme Robotics", None).await;
    let snap = app.snapshot(&manager).await;
    assert_eq!(snap.cases[&later].sla.policy, "strict");
    assert_eq!(snap.cases[&after_end].sla.policy, "standard");
    // A case keeps the clock it was opened with.
    assert_eq!(snap.cases[&on_contract].sla.policy, "gold");
}

/// The `policy` changes pulled after `cursor`, by policy name, and the new cursor.
async fn policy_changes(
    app: &TestApp,
    dev: &Device,
    cursor: &str,
) -> (Vec<(String, PolicyRecord)>, String) {
    let (changes, cursor) = app.pull_all(dev, Some(cursor)).await;
    let policies = changes
        .into_iter()
        .filter(|c| c.entity == onsite_core::wire::Entity::Policy)
        .map(|c| (c.id, serde_json::from_value(c.data).unwrap()))
        .collect();
    (policies, cursor)
}

#[tokio::test]
async fn a_policy_change_is_logged_exactly_when_the_record_changes() {
    let app = spawn_with(desk()).await;
    let [manager, alice] = app.login_all(["manager", "alice"]).await;
    assert_ok(put_policy(&app, &manager, "gold", gold()).await);
    assert_ok(put_contract(&app, &manager, "Acme%20Robotics", "gold").await);
    let cursor = app.snapshot(&manager).await.cursor;
    let alice_cursor = app.snapshot(&alice).await.cursor;

    // The same policy again, and the seeded standard one unchanged: no change row, so a
    // pull from the previous cursor brings no policy and the cursor stays where it was.
    assert_ok(put_policy(&app, &manager, "gold", gold()).await);
    let standard = serde_json::to_value(SlaPolicy::standard()).unwrap();
    assert_ok(put_policy(&app, &manager, "standard", standard).await);
    // The same contract again, spelt the same way.
    assert_ok(put_contract(&app, &manager, "Acme%20Robotics", "gold").await);
    let (changes, same) = policy_changes(&app, &manager, &cursor).await;
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(same, cursor, "nothing was logged");
    let (changes, same) = policy_changes(&app, &alice, &alice_cursor).await;
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(same, alice_cursor);

    // Changed targets: one change, for that policy, pulled by everyone.
    let mut changed = gold();
    changed["levels"][0]["respond_minutes"] = json!(10);
    assert_ok(put_policy(&app, &manager, "gold", changed).await);
    let (changes, cursor) = policy_changes(&app, &manager, &cursor).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].0, "gold");
    assert_eq!(changes[0].1.policy.levels[0].respond_minutes, 10);
    assert_eq!(changes[0].1.customers, ["Acme Robotics"]);
    let (changes, _) = policy_changes(&app, &alice, &alice_cursor).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert!(changes[0].1.customers.is_empty());

    // The customer re-spelt under the same policy: the manager's record changes.
    assert_ok(put_contract(&app, &manager, "ACME%20robotics", "gold").await);
    let (changes, cursor) = policy_changes(&app, &manager, &cursor).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].0, "gold");
    assert_eq!(changes[0].1.customers, ["ACME robotics"]);

    // A move changes both records; ending it changes the one it was on.
    assert_ok(put_contract(&app, &manager, "ACME%20robotics", "strict").await);
    let (changes, cursor) = policy_changes(&app, &manager, &cursor).await;
    let mut names: Vec<&str> = changes.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    assert_eq!(names, ["gold", "strict"]);
    assert_ok(end_contract(&app, &manager, "acme%20robotics").await);
    let (changes, _) = policy_changes(&app, &manager, &cursor).await;
    let names: Vec<&str> = changes.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["strict"]);
}
