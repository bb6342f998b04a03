//! `make bench`: the device-side budgets of DESIGN.md measured in headless Chromium against
//! the real store (IndexedDB): a durable local write against a raw IndexedDB put of the same
//! record in the same run, and the parts search over 20,000 parts per keystroke. Each result
//! is one `BENCH {json}` line, which `.ci/bench-table.py` prints with the other budgets. A
//! benchmark: it reports, it never fails on a figure.
//! Run: make bench (or cargo test -p onsite --target wasm32-unknown-unknown --release
//! --features bench --test bench -- --nocapture).
#![cfg(target_arch = "wasm32")]

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use onsite::api::{ApiError, PushReply};
use onsite::store::{Session, Store};
use onsite::sync::{flush_once, FlushReport, Transport};
use onsite_core::examples::field_work;
use onsite_core::mutation::SetStatusArgs;
use onsite_core::wire::{LoginResponse, PullResponse, PushRequest};
use onsite_core::{Actor, CaseStatus, Mutation, Role};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[path = "common/mod.rs"]
mod common;

use common::{
    accept, assign, engineer, idb_put, now_ms, part, part_change, part_use, rec, seed, seed_case,
    server_case, set_status, stock_change, stock_level, unique_db, ALICE,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Writes of each kind timed, after a few not timed (the first opens the database's caches).
const WRITES: usize = 150;
const WARM_UP: usize = 10;
const PARTS: usize = 20_000;

fn percentile(xs: &[f64], p: f64) -> f64 {
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    let i = ((xs.len() as f64 - 1.0) * p).round() as usize;
    xs[i.min(xs.len() - 1)]
}

/// One result line: `what` measured `figure` (in `unit`), against `budget` where one applies.
fn report(what: &str, figure: f64, unit: &str, budget: Option<f64>, note: &str) {
    let line = serde_json::json!({
        "what": what, "figure": figure, "unit": unit, "budget": budget, "note": note,
    });
    console_log!("BENCH {line}");
}

/// A database of one object store, written the plainest way: one readwrite transaction, one
/// `put` of a JSON string, committed (the browser's default durability, as the app's writes).
struct RawDb(Database);

impl RawDb {
    async fn open() -> RawDb {
        let db = Database::open(&unique_db("bench-raw"))
            .with_version(1u32)
            .with_on_upgrade_needed(|_, db| {
                db.create_object_store("records").build()?;
                Ok(())
            })
            .await
            .expect("raw database");
        RawDb(db)
    }

    async fn put(&self, key: &str, json: &str) {
        idb_put(&self.0, &[("records", JsValue::from_str(key), json)]).await;
    }
}

/// A part used and a status change, each recorded through the app's one write path (the
/// case, van stock, seq and outbox entry in one transaction), against a raw put of the case
/// record the write produces, interleaved so both see the same browser.
#[wasm_bindgen_test]
async fn a_local_write_against_a_raw_indexeddb_put() {
    let store = Store::open_named(&unique_db("bench-write")).await.unwrap();
    let raw = RawDb::open().await;
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_case(&store, &case).await;
    seed(
        &store,
        vec![stock_change(&stock_level("P-1", ALICE, 100_000, 1))],
    )
    .await;
    let alice = engineer(ALICE);
    let mut on_hold = false;
    for (kind, budget_row) in [
        ("part used", "local write: part used"),
        ("status change", "local write: status change"),
    ] {
        let (mut ours, mut plain) = (Vec::new(), Vec::new());
        for i in 0..WARM_UP + WRITES {
            let m = if kind == "part used" {
                part_use(case.id, "P-1", 1)
            } else {
                on_hold = !on_hold;
                Mutation::SetStatus(SetStatusArgs {
                    case_id: case.id,
                    status: if on_hold {
                        CaseStatus::OnHold
                    } else {
                        CaseStatus::InProgress
                    },
                    reason: on_hold.then(|| "Waiting for the customer".into()),
                })
            };
            let t = now_ms();
            store.record(alice, m, vec![]).await.unwrap();
            let took = now_ms() - t;
            // The same record, as big as the write just made it.
            let json = serde_json::to_string(&store.case(case.id).await.unwrap().unwrap()).unwrap();
            let t = now_ms();
            raw.put(&case.id.to_string(), &json).await;
            let raw_took = now_ms() - t;
            if i >= WARM_UP {
                ours.push(took);
                plain.push(raw_took);
            }
        }
        let (p50, p95) = (percentile(&ours, 0.5), percentile(&ours, 0.95));
        let (r50, r95) = (percentile(&plain, 0.5), percentile(&plain, 0.95));
        report(
            &format!("{budget_row}, p50"),
            p50,
            "ms",
            None,
            &format!("raw put p50 {r50:.2} ms, ratio {:.2}", p50 / r50),
        );
        report(
            &format!("{budget_row}, p95 ÷ raw put p95"),
            p95 / r95,
            "×",
            Some(1.5),
            &format!("{p95:.2} ms vs {r95:.2} ms, {WRITES} writes"),
        );
    }
}

/// What an engineer types into the parts search, one keystroke at a time.
const TYPED: [&str; 5] = ["contactor", "6204", "p-1234", "seal kit", "fan motor 230"];

const NAMES: [&str; 12] = [
    "Contactor 3-pole 24 V coil",
    "Bearing 6204-2RS",
    "Seal kit, compressor head",
    "Fan motor 230 V 120 W",
    "Pressure switch high side",
    "Capacitor 35 uF 450 V",
    "Filter drier 3/8 in",
    "Thermostat, electronic",
    "UPS battery 12 V 9 Ah",
    "Relay board, main controller",
    "Drive belt SPZ 1250",
    "Fuse 10 A slow-blow",
];

/// The search the parts screen runs on each keystroke (`Store::search_parts`, 30 results)
/// over a catalog of 20,000 parts on the device.
#[wasm_bindgen_test]
async fn parts_search_over_20000_parts_per_keystroke() {
    let store = Store::open_named(&unique_db("bench-parts")).await.unwrap();
    let parts: Vec<_> = (0..PARTS)
        .map(|i| {
            part_change(&part(
                &format!("P-{i:05}"),
                &format!("{} #{i}", NAMES[i % NAMES.len()]),
            ))
        })
        .collect();
    for chunk in parts.chunks(1000) {
        seed(&store, chunk.to_vec()).await;
    }
    assert_eq!(store.part_count().await.unwrap() as usize, PARTS);
    // The first keystroke reads the catalog into memory; later ones search that copy.
    let t = now_ms();
    let first = store.search_parts("c", 30).await.unwrap();
    let first_ms = now_ms() - t;
    assert!(!first.is_empty());
    let mut per_key = Vec::new();
    for _ in 0..3 {
        for word in TYPED {
            for n in 1..=word.len() {
                let t = now_ms();
                let found = store.search_parts(&word[..n], 30).await.unwrap();
                per_key.push(now_ms() - t);
                assert!(found.len() <= 30);
            }
        }
    }
    report(
        "parts search, 20,000 parts, per keystroke, p95",
        percentile(&per_key, 0.95),
        "ms",
        Some(16.0),
        &format!(
            "p50 {:.2} ms, {} keystrokes; the first, which reads the catalog, {first_ms:.0} ms",
            percentile(&per_key, 0.5),
            per_key.len()
        ),
    );
}

/// The server the drain is measured against (`make bench` starts one with the demo data and
/// sets this when building the bench); without it the drain is not measured.
const SERVER: Option<&str> = option_env!("ONSITE_BENCH_SERVER");
const QUEUED: usize = 10_000;
const CASES: usize = 100;

/// The app's sync engine over HTTP to a server at another origin (the bench page is served
/// by the test runner; the browser runs with web security off for this run only). Answers
/// other than 200 end the bench: it measures, it does not retry.
struct Http(&'static str, std::cell::Cell<f64>);

impl Http {
    async fn post<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> T {
        let mut req = gloo_net::http::Request::post(&format!("{}{path}", self.0));
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let resp = req
            .json(body)
            .unwrap()
            .send()
            .await
            .expect("the bench server answers");
        assert_eq!(
            resp.status(),
            200,
            "{path}: {}",
            resp.text().await.unwrap_or_default()
        );
        resp.json().await.unwrap()
    }

    async fn login(&self, store: &Store, username: &str) -> Session {
        let client_id = store.client_for_login(username, false).await.unwrap();
        let body = serde_json::json!({ "username": username, "password": "onsite-demo", "client_id": client_id });
        let resp: LoginResponse = self.post("/api/v1/login", None, &body).await;
        Session {
            token: resp.token,
            user: resp.user,
            client_id,
        }
    }
}

impl Transport for Http {
    async fn put_blob(&self, _: &str, _: &str, _: &[u8]) -> Result<(), ApiError> {
        unreachable!("the drained mutations name no blobs")
    }
    async fn push(&self, token: &str, req: &PushRequest) -> Result<PushReply, ApiError> {
        let t = now_ms();
        let answer = self.post("/api/v1/sync/push", Some(token), req).await;
        self.1.set(self.1.get() + now_ms() - t);
        Ok(PushReply::Ok(answer))
    }
    async fn pull(
        &self,
        token: &str,
        client_id: Uuid,
        cursor: Option<&str>,
    ) -> Result<PullResponse, ApiError> {
        let mut url = format!("{}/api/v1/sync/pull?client_id={client_id}", self.0);
        if let Some(c) = cursor {
            url.push_str(&format!("&cursor={}", js_sys::encode_uri_component(c)));
        }
        let resp = gloo_net::http::Request::get(&url)
            .header("Authorization", &format!("Bearer {token}"))
            .send()
            .await
            .expect("the bench server answers");
        assert_eq!(resp.status(), 200);
        Ok(resp.json().await.unwrap())
    }
}

/// 10,000 mutations queued on alice's device (100 cases she works: accept, start, then
/// parts used, time and report edits), drained by the app's sync engine to the real server
/// over loopback: from the first push until the outbox is empty and the server's last_seq
/// is the device's.
#[wasm_bindgen_test]
async fn ten_thousand_queued_mutations_drained_to_the_server() {
    let Some(base) = SERVER else {
        console_log!("drain: ONSITE_BENCH_SERVER was not set when this was built, not measured");
        return;
    };
    let http = Http(base, Default::default());
    // The desk opens and assigns alice 100 cases.
    let desk = Store::open_named(&unique_db("bench-desk")).await.unwrap();
    let manager = http.login(&desk, "manager").await;
    desk.activate(&manager).await.unwrap();
    flush_once(&desk, &http, &manager).await.unwrap();
    let store = Store::open_named(&unique_db("bench-drain")).await.unwrap();
    let alice = http.login(&store, "alice").await;
    store.activate(&alice).await.unwrap();
    let desk_actor = Actor {
        user_id: manager.user.id,
        role: Role::Manager,
    };
    let case_ids: Vec<Uuid> = (0..CASES).map(|_| Uuid::new_v4()).collect();
    for (i, id) in case_ids.iter().enumerate() {
        let mut create = common::create_args(*id, chrono::Utc::now());
        create.title = format!("Drain bench case {i}");
        rec(&desk, desk_actor, Mutation::Create(create)).await;
        rec(&desk, desk_actor, assign(*id, alice.user.id)).await;
    }
    flush_once(&desk, &http, &manager).await.unwrap();
    assert_eq!(desk.pending_count().await.unwrap(), 0);

    // alice's device takes them in, then queues 10,000 mutations offline.
    flush_once(&store, &http, &alice).await.unwrap();
    let parts: Vec<String> = store
        .search_parts("", 20)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.part_no)
        .collect();
    assert!(!parts.is_empty(), "the demo catalog reached the device");
    let me = engineer(alice.user.id);
    let mut queued = 0;
    for id in &case_ids {
        rec(&store, me, accept(*id)).await;
        rec(&store, me, set_status(*id, CaseStatus::InProgress)).await;
        queued += 2;
    }
    let now = chrono::Utc::now();
    for i in 0..QUEUED - queued {
        let case_id = case_ids[i % CASES];
        let m = field_work(i, case_id, &parts[i % parts.len()], Uuid::new_v4(), now);
        rec(&store, me, m).await;
    }
    assert_eq!(store.pending_count().await.unwrap() as usize, QUEUED);

    http.1.set(0.0);
    let t = now_ms();
    let mut report_of = FlushReport::default();
    while store.pending_count().await.unwrap() > 0 {
        let r = flush_once(&store, &http, &alice).await.unwrap();
        report_of.pushes += r.pushes;
        report_of.applied += r.applied;
        report_of.rejected += r.rejected;
        report_of.pulls += r.pulls;
    }
    let took = now_ms() - t;
    assert_eq!(report_of.rejected, 0, "{report_of:?}");
    assert_eq!(report_of.applied as usize, QUEUED, "{report_of:?}");
    report(
        "10,000 queued mutations drained to the server",
        took,
        "ms",
        Some(5000.0),
        &format!(
            "{} pushes, {} pulls, loopback, SQLite; waiting for push answers {:.0} ms",
            report_of.pushes,
            report_of.pulls,
            http.1.get()
        ),
    );
}
