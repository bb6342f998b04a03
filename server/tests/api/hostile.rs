//! Hostile input through the real push path: arbitrary mutation JSON (dates from the whole
//! chrono range, huge numbers, long strings, deep nesting, wrong shapes) pushed over HTTP by a
//! logged-in device. The server never panics and every answer is JSON 2xx or 4xx.

use chrono::{DateTime, Utc};
use onsite_core::mutation::MUTATION_NAMES;
use onsite_core::wire::{PushStatus, WireMutation};
use onsite_core::CaseStatus;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::helpers::{assert_json_error, Device, TestApp};
use crate::seed::{spawn_with, Seed, PASSWORD};

/// Any instant chrono can hold (years -262143 to +262142).
fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
    (DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp())
        .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default())
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        any_time().prop_map(|t| Value::from(t.to_rfc3339())),
        Just(Value::from("+262142-12-31T23:59:00Z")),
        Just(Value::from("-262143-01-01T00:00:00Z")),
        "\\PC{0,40}".prop_map(Value::from),
        (0usize..20_000).prop_map(|n| Value::from("長".repeat(n))),
        Just(Value::from(Uuid::nil().to_string())),
        Just(Value::from("a".repeat(64))),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,14}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Plausible arguments for `name` on `case`, so the fuzzing reaches past deserialization.
fn template(name: &str, case: Uuid, me: Uuid) -> Value {
    let now = Utc::now();
    match name {
        "case.time" | "case.time_correct" => json!({ "case_id": case, "entry_id": Uuid::new_v4(),
            "corrects": Uuid::new_v4(), "kind": "work", "start": now, "end": now }),
        "part.use" | "part.correct" => json!({ "case_id": case, "usage_id": Uuid::new_v4(),
            "corrects": Uuid::new_v4(), "part_no": "FAN-0001", "qty": 1, "qty_delta": 1,
            "returned_defective": false }),
        "case.sign_off" => {
            json!({ "case_id": case, "signoff_id": Uuid::new_v4(), "signer_name": "x",
            "unsigned_reason": "r", "report_sha256": "a".repeat(64), "signed_at": now, "satisfaction": 3 })
        }
        "case.create" => {
            json!({ "case_id": Uuid::new_v4(), "title": "t", "customer": { "name": "c" },
            "site": { "address": "a" }, "product": { "model": "m", "warranty_until": "2030-01-01" },
            "category": "feedback", "severity": 1, "mode": "phone", "reported_at": now,
            "appointment": { "start": now, "end": now }, "checklist": [{ "item_id": "i", "text": "t" }] })
        }
        "stock.adjust" => {
            json!({ "engineer_id": me, "part_no": "FAN-0001", "delta": 1, "reason": "r" })
        }
        _ => json!({ "case_id": case, "status": "in_progress", "tier": 1, "reason": "r",
            "new_case_id": Uuid::new_v4(), "leftover": "l", "engineer_id": me, "item_id": "i",
            "result": "pass", "cause": "c", "impact": "i", "prevention": "p", "symptom": "s" }),
    }
}

#[derive(Debug, Clone)]
enum Args {
    /// Anything at all in place of the arguments.
    Any(Value),
    /// A plausible template with one field replaced by anything.
    Poke(String, Value),
}

fn any_args() -> impl Strategy<Value = Args> {
    prop_oneof![
        any_json().prop_map(Args::Any),
        (
            prop::sample::select(vec![
                "case_id",
                "start",
                "end",
                "qty",
                "qty_delta",
                "delta",
                "tier",
                "reported_at",
                "signed_at",
                "appointment",
                "product",
                "customer",
                "severity",
                "checklist",
                "satisfaction",
                "status",
                "result",
                "title",
                "engineer_id",
                "sha256",
            ]),
            any_json()
        )
            .prop_map(|(k, v)| Args::Poke(k.to_string(), v)),
    ]
}

fn any_name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(MUTATION_NAMES.to_vec()).prop_map(str::to_string),
        1 => "\\PC{0,30}",
    ]
}

struct Fuzz {
    rt: tokio::runtime::Runtime,
    app: TestApp,
    devices: Vec<Device>,
    cases: Vec<Uuid>,
}

fn fuzz_world() -> Fuzz {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (app, devices, cases) = rt.block_on(async {
        let seed = Seed::new()
            .manager("manager")
            .engineer("alice")
            .part("FAN-0001")
            .stock("alice", "FAN-0001", 3);
        let app = spawn_with(seed).await;
        // One of alice's cases in every status, and one nobody is assigned to yet.
        let mut cases = vec![app.unassigned_case().create().await];
        for status in CaseStatus::ALL {
            if status != CaseStatus::New {
                cases.push(app.case_in("alice", status).await);
            }
        }
        let devices = app.login_all(["alice", "manager"]).await.to_vec();
        (app, devices, cases)
    });
    Fuzz {
        rt,
        app,
        devices,
        cases,
    }
}

#[test]
fn arbitrary_mutations_never_crash_the_push_path() {
    let world = std::cell::RefCell::new(fuzz_world());
    let config = ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let strategy = (
        0usize..2,
        prop::collection::vec(
            (
                any_name(),
                any_args(),
                any_time(),
                any::<prop::sample::Index>(),
            ),
            1..6,
        ),
    );
    let pushes = std::cell::Cell::new(0u32);
    runner
        .run(&strategy, |(who, batch)| {
            let mut world = world.borrow_mut();
            let Fuzz {
                rt,
                app,
                devices,
                cases,
            } = &mut *world;
            let dev = &mut devices[who];
            let me = dev.user.id;
            let mutations: Vec<WireMutation> = batch
                .into_iter()
                .map(|(name, args, client_time, pick)| {
                    let case = *pick.get(cases);
                    let args = match args {
                        Args::Any(v) => v,
                        Args::Poke(k, v) => {
                            let mut t = template(&name, case, me);
                            t[k] = v;
                            t
                        }
                    };
                    let mut m = dev.next(&name, args);
                    m.client_time = client_time;
                    m
                })
                .collect();
            let (status, content_type, body) = rt.block_on(async {
                let req = app.push_request(dev, mutations);
                let res = req.send().await.expect("the server answers");
                let status = res.status();
                let ct = res
                    .headers()
                    .get("content-type")
                    .map(|v| v.to_str().unwrap_or_default().to_string())
                    .unwrap_or_default();
                (status, ct, res.text().await.unwrap_or_default())
            });
            pushes.set(pushes.get() + 1);
            prop_assert!(!status.is_server_error(), "{status}: {body}");
            prop_assert!(
                content_type.starts_with("application/json"),
                "{status} {content_type}"
            );
            let parsed: Value = serde_json::from_str(&body).expect("a JSON body");
            if status.is_success() {
                let last: u64 = parsed["last_seq"].as_u64().unwrap_or_default();
                dev.seq = last;
            } else {
                prop_assert!(
                    parsed["error"].is_string() && parsed["message"].is_string(),
                    "{body}"
                );
                // The device resends from what the server has (a 413 batch, say).
                dev.seq = rt.block_on(app.pull(dev, None)).last_seq;
            }
            Ok(())
        })
        .unwrap();
    let world = world.into_inner();
    assert_eq!(world.rt.block_on(world.app.healthz_status()), 200);
    eprintln!(
        "hostile push path: {} pushes, no 5xx, the server lives on",
        pushes.get()
    );
}

#[tokio::test]
async fn deep_nesting_and_wrong_shapes_are_400_json() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let body = format!(
        r#"{{"client_id":"{}","schema_version":1,"mutations":[{{"seq":1,"id":"{}","name":"case.accept","args":{deep},"client_time":"2026-01-01T00:00:00Z"}}]}}"#,
        alice.client_id,
        Uuid::new_v4()
    );
    for body in [
        body,
        "[]".into(),
        "null".into(),
        r#"{"client_id":1}"#.into(),
    ] {
        let res = app.push_body(&alice, body).await;
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.expect("a JSON error");
        let code = body["error"].as_str().unwrap_or_default();
        assert!(matches!(code, "invalid_json" | "invalid_body"), "{body}");
    }
}

/// A NUL or another control character in a string a device sends. PostgreSQL holds no NUL in
/// text (a query naming one fails), so each is refused as the mutation's own rejection before
/// any query: the push is answered, and the device's queue moves on to the next mutation.
#[tokio::test]
async fn control_characters_are_rejected_and_the_queue_moves_on() {
    let seed = Seed::new()
        .manager("manager")
        .engineer("alice")
        .part("FAN-0001")
        .stock("alice", "FAN-0001", 5);
    let app = spawn_with(seed).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, mut manager] = app.login_all(["alice", "manager"]).await;
    let now = Utc::now();
    let usage = |part_no: &str, serial: &str| {
        json!({ "case_id": case, "usage_id": Uuid::new_v4(), "part_no": part_no, "qty": 1,
            "serial_fitted": serial })
    };
    let bad = [
        ("part.use", usage("FAN-\u{0}0001", "S1")),
        ("part.use", usage("FAN-0001", "S\u{1b}1")),
        (
            "case.report",
            json!({ "case_id": case, "symptom": "noise\u{0}" }),
        ),
        (
            "case.report",
            json!({ "case_id": case, "cause": "bell\u{7}" }),
        ),
        (
            "case.set_status",
            json!({ "case_id": case, "status": "on_hold", "reason": "waiting\u{0}" }),
        ),
        (
            "case.check",
            json!({ "case_id": case, "item_id": "i\n1", "result": "pass" }),
        ),
        (
            "case.time",
            json!({ "case_id": case, "entry_id": Uuid::new_v4(), "kind": "wo\u{0}rk",
                "start": now - chrono::Duration::hours(1), "end": now }),
        ),
        (
            "case.sign_off",
            json!({ "case_id": case, "signoff_id": Uuid::new_v4(), "signer_name": "A\u{0}",
                "unsigned_reason": "away", "report_sha256": "a".repeat(64), "signed_at": now }),
        ),
        ("case.accept\u{0}", json!({ "case_id": case })),
    ];
    let mut batch = alice.queue(bad.to_vec());
    let good = "line one\nline two\twith a tab";
    batch.push(alice.next("case.report", json!({ "case_id": case, "symptom": good })));
    let res = app.push(&alice, batch).await;
    assert_eq!(res.last_seq, alice.seq);
    let (rejected, applied) = res.results.split_at(bad.len());
    for (r, (name, _)) in rejected.iter().zip(&bad) {
        let reason = r.reason.as_deref().unwrap_or_default();
        assert_eq!(r.status, PushStatus::Rejected, "{name:?}: {reason}");
        let code = if name.contains('\u{0}') {
            "unknown_mutation"
        } else {
            "invalid_args"
        };
        assert!(reason.starts_with(code), "{name:?}: {reason}");
        assert!(!reason.contains('\u{0}'), "{name:?}: {reason:?}");
    }
    assert_eq!(applied[0].status, PushStatus::Applied, "{applied:?}");

    // The manager's strings: stock, a new case, the checklist of an inspection.
    let adjust = |part_no: &str, reason: &str| json!({ "engineer_id": alice.user.id, "part_no": part_no, "delta": 1, "reason": reason });
    let create = |title: &str, customer: &str, item: &str| {
        json!({ "case_id": Uuid::new_v4(), "title": title, "customer": { "name": customer },
            "site": { "address": "1 Road\nTown" }, "product": { "model": "m" },
            "category": "system_fault", "severity": 3, "mode": "on_site", "reported_at": now,
            "checklist": [{ "item_id": "i1", "text": item }] })
    };
    let desk_bad = [
        ("stock.adjust", adjust("FAN-0001", "restock\u{0}")),
        ("stock.adjust", adjust("FAN\u{0}", "restock")),
        ("case.create", create("t", "ACME\u{0}", "x")),
        ("case.create", create("t\u{85}", "ACME", "x")),
        ("case.create", create("t", "ACME", "look\u{0}")),
    ];
    let mut batch = manager.queue(desk_bad.to_vec());
    batch.push(manager.next("stock.adjust", adjust("FAN-0001", "restock\r\n")));
    batch.push(manager.next("case.create", create("t", "ACME", "look\tlisten")));
    let res = app.push(&manager, batch).await;
    let (rejected, applied) = res.results.split_at(desk_bad.len());
    for (r, (name, args)) in rejected.iter().zip(&desk_bad) {
        let reason = r.reason.as_deref().unwrap_or_default();
        assert_eq!(r.status, PushStatus::Rejected, "{name} {args}: {reason}");
        assert!(
            reason.starts_with("invalid_args"),
            "{name} {args}: {reason}"
        );
    }
    assert!(
        applied.iter().all(|r| r.status == PushStatus::Applied),
        "{applied:?}"
    );

    // What was applied and refused syncs back.
    let seen = app.snapshot(&alice).await;
    assert_eq!(seen.cases[&case].report.symptom.as_deref(), Some(good));
    assert_eq!(seen.stock["FAN-0001"].qty, 6);
    assert_eq!(seen.rejections.len(), bad.len());
    let unknown = seen
        .rejections
        .iter()
        .find(|r| r.code == onsite_core::RejectionCode::UnknownMutation)
        .expect("the unknown name's rejection");
    assert!(!unknown.name.contains('\u{0}'), "{:?}", unknown.name);
    assert!(!unknown.message.contains('\u{0}'), "{:?}", unknown.message);
}

/// The strings a device sends outside mutations: a NUL is a 400 like any other malformed
/// input, never a database error.
#[tokio::test]
async fn control_characters_outside_mutations_are_400() {
    let seed = Seed::new()
        .manager("manager")
        .engineer("alice")
        .part("FAN-0001");
    let app = spawn_with(seed).await;
    let [manager, alice] = app.login_all(["manager", "alice"]).await;
    let res = app.login_raw("ali\u{0}ce", PASSWORD).await;
    assert_json_error(res, 400, "invalid_body").await;

    let m = Some(&manager);
    let policy = json!({ "policy": "standard" });
    let reorder =
        |part_no: &str| json!({ "engineer_id": alice.user.id, "part_no": part_no, "min_qty": 2 });
    let contract = "PUT /api/v1/contracts/ACME";
    let reorder_point = "PUT /api/v1/stock/reorder-point";
    let bad_policy = json!({ "policy": "standard\u{0}" });
    #[rustfmt::skip]
    let refusals = [
        (m, "PUT /api/v1/contracts/ACME%00", Some(policy.clone()), 400, "invalid_customer"),
        (m, "DELETE /api/v1/contracts/AC%1BME", Some(json!({})), 400, "invalid_customer"),
        (m, contract, Some(bad_policy), 400, "unknown_policy"),
        (m, reorder_point, Some(reorder("FAN-\u{0}0001")), 400, "unknown_part"),
    ];
    app.assert_refused(&refusals).await;
    // The same requests without the control characters are served.
    let res = app.send_json(m, reorder_point, &reorder("FAN-0001")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.send_json(m, contract, &policy).await.status(), 200);
}
