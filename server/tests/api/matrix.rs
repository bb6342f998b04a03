//! The authorization matrix, generated rather than hand-listed: every mutation name
//! (`MUTATION_NAMES`) × manager / assigned engineer / former assignee / other engineer × every
//! case status, pushed over HTTP to the real server. Each answer must be what onsite-core's
//! rules (`authorize` then `apply`) say, must respect the role rules stated below
//! independently of core, and a rejection must leave the case as it was. Then every endpoint
//! of the served OpenAPI document × no token / engineer / manager.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use onsite_core::mutation::MUTATION_NAMES;
use onsite_core::wire::PushStatus;
use onsite_core::{Actor, ApplyContext, Case, CaseFlag, CaseStatus, Mutation, SlaPolicy};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::args;
use crate::helpers::{png, sha, Device, TestApp};
use crate::seed::{engineer_steps, spawn_with, Seed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Manager,
    Assignee,
    Former,
    Other,
}

const STATES: [CaseStatus; 10] = CaseStatus::ALL;

/// What a matrix case holds besides its status: a time entry and a part usage to correct.
#[derive(Clone, Copy)]
struct Fixture {
    case_id: Uuid,
    entry: Uuid,
    usage: Uuid,
}

struct People {
    manager: Device,
    alice: Device,
    bob: Device,
    carol: Device,
}

impl People {
    fn device(&mut self, who: Who) -> &mut Device {
        match who {
            Who::Manager => &mut self.manager,
            Who::Assignee => &mut self.alice,
            Who::Former => &mut self.bob,
            Who::Other => &mut self.carol,
        }
    }
}

const PART: &str = "MTX-0001";

/// The four people of the matrix and the part its cases use.
async fn people() -> (TestApp, People) {
    let seed = Seed::new()
        .manager("manager")
        .engineer("alice")
        .engineer("bob")
        .engineer("carol")
        .part(PART);
    let app = spawn_with(seed).await;
    let [manager, alice, bob, carol] = app.login_all(["manager", "alice", "bob", "carol"]).await;
    let people = People {
        manager,
        alice,
        bob,
        carol,
    };
    (app, people)
}

/// `n` inspection cases in `state`, assigned to alice after bob (bob is the former assignee;
/// a `new` case is assigned to nobody). Alice takes them there as a seeded case is taken
/// (`seed::engineer_steps`), and at work logs time, uses a part and answers the checklist.
async fn cases_in(app: &TestApp, p: &mut People, state: CaseStatus, n: usize) -> Vec<Fixture> {
    use CaseStatus::*;
    let fixtures: Vec<Fixture> = (0..n)
        .map(|_| Fixture {
            case_id: Uuid::new_v4(),
            entry: Uuid::new_v4(),
            usage: Uuid::new_v4(),
        })
        .collect();
    let (alice, bob) = (p.alice.user.id, p.bob.user.id);
    let (mut desk, mut work) = (Vec::new(), Vec::new());
    let now = Utc::now();
    for f in &fixtures {
        let c = f.case_id;
        let mut create = args::case_create(c);
        create["checklist"] = json!([{ "item_id": "i1", "text": "Fan runs" }]);
        desk.push(("case.create", create));
        if state != New {
            desk.push(("case.assign", args::assign(c, bob)));
            desk.push(("case.assign", args::assign(c, alice)));
        }
        if state == Cancelled {
            desk.push(("case.cancel", json!({ "case_id": c, "reason": "matrix" })));
        }
        let mut steps = engineer_steps(c, state);
        if let Some(i) = steps.iter().position(|(_, a)| a["status"] == "in_progress") {
            let time = args::time(c, now - Duration::minutes(50), now - Duration::minutes(20));
            let at_work = [
                (
                    "case.time",
                    args::with(time, json!({ "entry_id": f.entry })),
                ),
                (
                    "part.use",
                    args::with(args::part_use(c, PART, 2), json!({ "usage_id": f.usage })),
                ),
                (
                    "case.check",
                    json!({ "case_id": c, "item_id": "i1", "result": "pass" }),
                ),
            ];
            steps.splice(i + 1..i + 1, at_work);
        }
        work.extend(steps);
    }
    app.push_steps(&mut p.manager, desk).await;
    app.push_steps(&mut p.alice, work).await;
    if state == Closed {
        let close = fixtures
            .iter()
            .map(|f| ("case.close", args::case(f.case_id)));
        app.push_steps(&mut p.manager, close.collect()).await;
    }
    fixtures
}

/// Arguments of `name` aimed at `f` (fresh ids where the mutation makes something new).
fn args_for(name: &str, f: &Fixture, other_engineer: Uuid, blob: &str) -> Value {
    let c = f.case_id;
    let ago = |minutes| Utc::now() - Duration::minutes(minutes);
    match name {
        "case.accept" | "case.close" => args::case(c),
        "case.set_status" => args::to_status(c, "in_progress"),
        "case.report" => json!({ "case_id": c, "symptom": "matrix symptom" }),
        "case.time" => args::with(args::time(c, ago(15), ago(5)), json!({ "kind": "travel" })),
        "case.time_correct" => args::time_correct(c, f.entry, ago(40), ago(30)),
        "part.use" => args::part_use(c, PART, 1),
        "part.correct" => args::part_correct(c, f.usage, -1),
        "photo.add" => args::photo(c, blob),
        "case.sign_off" => args::with(
            args::sign_off(c),
            json!({ "report_sha256": "b".repeat(64) }),
        ),
        "case.escalate" => json!({ "case_id": c, "tier": 1, "reason": "matrix" }),
        "case.follow_up" => {
            json!({ "case_id": c, "new_case_id": Uuid::new_v4(), "leftover": "matrix leftover" })
        }
        "case.create" => args::case_create(Uuid::new_v4()),
        "case.assign" => args::assign(c, other_engineer),
        "case.reopen" | "case.cancel" => json!({ "case_id": c, "reason": "matrix" }),
        "case.fault_analysis" => {
            json!({ "case_id": c, "cause": "c", "impact": "i", "prevention": "p" })
        }
        "case.check" => json!({ "case_id": c, "item_id": "i1", "result": "fail" }),
        "stock.adjust" => {
            json!({ "engineer_id": other_engineer, "part_no": PART, "delta": 1, "reason": "matrix" })
        }
        other => panic!("the matrix has no arguments for `{other}`: add them"),
    }
}

/// Role rules stated here, independently of onsite-core: what a role may never do.
fn never_applies(who: Who, name: &str) -> bool {
    const MANAGER_ONLY: [&str; 6] = [
        "case.create",
        "case.assign",
        "case.close",
        "case.reopen",
        "case.cancel",
        "stock.adjust",
    ];
    // SERVICE-SPEC: a manager escalates, and opens a follow-up at review.
    const MANAGER_MAY: [&str; 4] = [
        "case.time_correct",
        "case.fault_analysis",
        "case.escalate",
        "case.follow_up",
    ];
    match who {
        Who::Manager => !MANAGER_ONLY.contains(&name) && !MANAGER_MAY.contains(&name),
        Who::Assignee => MANAGER_ONLY.contains(&name),
        // A former assignee's sign-off is kept (beside the current one), everything else not.
        Who::Former => name != "case.sign_off",
        Who::Other => true,
    }
}

/// A case without the flags a rejected former assignee's work leaves for the manager.
fn without_late_work(mut c: Case) -> Case {
    c.flags.retain(|f| !matches!(f, CaseFlag::LateWork { .. }));
    c
}

async fn load(app: &TestApp, ids: &[Uuid]) -> BTreeMap<Uuid, Case> {
    let mut conn = app.store.pool().acquire().await.unwrap();
    onsite_server::store::cases::load_cases(&mut conn, ids)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_mutation_by_every_role_in_every_status() {
    let (app, mut p) = people().await;
    let bytes = png(99);
    let blob = sha(&bytes);
    for who in [Who::Manager, Who::Assignee, Who::Former, Who::Other] {
        app.upload(p.device(who), &bytes).await;
    }
    let carol = p.carol.user.id;
    let policies = [SlaPolicy::standard(), SlaPolicy::strict()];
    let mut cells = 0;
    let mut applied = 0;
    for state in STATES {
        let roles: &[Who] = if state == CaseStatus::New {
            &[Who::Manager, Who::Other]
        } else {
            &[Who::Manager, Who::Assignee, Who::Former, Who::Other]
        };
        let fixtures = cases_in(&app, &mut p, state, roles.len() * MUTATION_NAMES.len()).await;
        let mut plan: BTreeMap<Who, Vec<(&str, Value, Fixture)>> = BTreeMap::new();
        for (i, f) in fixtures.iter().enumerate() {
            let who = roles[i / MUTATION_NAMES.len()];
            let name = MUTATION_NAMES[i % MUTATION_NAMES.len()];
            plan.entry(who)
                .or_default()
                .push((name, args_for(name, f, carol, &blob), *f));
        }
        let ids: Vec<Uuid> = fixtures.iter().map(|f| f.case_id).collect();
        let before = load(&app, &ids).await;
        for (who, items) in plan {
            let dev = p.device(who);
            let actor = Actor {
                user_id: dev.user.id,
                role: dev.user.role,
            };
            let now = Utc::now();
            let ms: Vec<_> = items
                .iter()
                .map(|(n, a, _)| dev.next(n, a.clone()))
                .collect();
            let res = app.push(dev, ms).await;
            let after = load(&app, &ids).await;
            for ((name, args, f), r) in items.iter().zip(res.results) {
                cells += 1;
                let m = Mutation::parse(name, args).unwrap();
                let mut touched = BTreeMap::new();
                for id in m.touched_case_ids() {
                    if let Some(c) = before.get(&id) {
                        touched.insert(id, c.clone());
                    }
                }
                let ctx = ApplyContext {
                    actor,
                    client_time: now,
                    server_time: Some(now),
                    policies: &policies,
                };
                let expected = onsite_core::authorize(&m, &touched, &actor)
                    .and_then(|()| onsite_core::apply(&m, &touched, &ctx).map(|_| ()));
                let what = format!("{who:?} {name} on a {} case", state.as_str());
                match expected {
                    Ok(()) => {
                        assert_eq!(r.status, PushStatus::Applied, "{what}: {:?}", r.reason);
                        assert!(!never_applies(who, name), "{what}: core allowed it");
                        applied += 1;
                    }
                    Err(rej) => {
                        assert_eq!(r.status, PushStatus::Rejected, "{what}");
                        let reason = r.reason.unwrap_or_default();
                        assert!(
                            reason.starts_with(&format!("{}:", rej.code)),
                            "{what}: {reason} vs {rej}"
                        );
                        assert_eq!(
                            after.get(&f.case_id).cloned().map(without_late_work),
                            before.get(&f.case_id).cloned().map(without_late_work),
                            "{what}: a rejection changed the case"
                        );
                    }
                }
                if never_applies(who, name) {
                    assert_eq!(r.status, PushStatus::Rejected, "{what}");
                }
            }
        }
    }
    // 9 statuses × 4 roles + `new` × 2 roles, × every mutation name.
    assert_eq!(cells, (9 * 4 + 2) * MUTATION_NAMES.len());
    assert!(
        applied > 50,
        "the matrix also shows what is allowed ({applied} applied)"
    );
    eprintln!("authorization matrix: {cells} cells, {applied} applied");
}

/// Every endpoint of the served document: no token → 401; an engineer on a manager-only
/// endpoint → 403 whatever the body; nothing answers 5xx.
#[tokio::test]
async fn every_endpoint_by_role_and_without_a_token() {
    let app = spawn_with(Seed::new().engineer("alice").manager("manager")).await;
    let doc: Value = app
        .send(None, "GET /api/v1/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{sha256}", &"0".repeat(64))
            .replace("{name}", "matrix")
            .replace("{customer}", "Matrix%20Ltd")
            .replace("{client_id}", &Uuid::new_v4().to_string())
            .replace("{user_id}", &Uuid::new_v4().to_string());
        for (method, op) in item.as_object().unwrap() {
            if !["get", "put", "post", "delete"].contains(&method.as_str()) {
                continue;
            }
            let route = format!("{} {concrete}", method.to_uppercase());
            // Fresh sessions for every operation: logout ends the one it is called with.
            let engineer = app.login("alice").await;
            let manager = app.login("manager").await;
            // The document's `security` holds unless the operation says otherwise.
            let secured = op["security"].as_array().is_none_or(|s| !s.is_empty());
            let manager_only = op["summary"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Manager only");
            let send = |token: Option<&str>| {
                let mut req = app
                    .req(None, &route)
                    .header("content-type", "application/json");
                req = req.body("{}");
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                req.send()
            };
            let what = format!("{} {path}", method.to_uppercase());
            if secured {
                assert_eq!(
                    send(None).await.unwrap().status(),
                    401,
                    "{what} without a token"
                );
                assert_eq!(
                    send(Some("not-a-token")).await.unwrap().status(),
                    401,
                    "{what} forged token"
                );
            }
            let as_engineer = send(Some(&engineer.token)).await.unwrap().status();
            if manager_only {
                assert_eq!(as_engineer, 403, "{what} as an engineer");
            }
            assert!(
                !as_engineer.is_server_error(),
                "{what} as an engineer: {as_engineer}"
            );
            let as_manager = send(Some(&manager.token)).await.unwrap().status();
            assert!(
                !as_manager.is_server_error(),
                "{what} as a manager: {as_manager}"
            );
            assert!(
                as_manager != 401 && as_manager != 403 || !secured,
                "{what} as a manager: {as_manager}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 19, "{checked} endpoints");
    eprintln!("endpoint matrix: {checked} operations × no token, forged token, engineer, manager");
}
