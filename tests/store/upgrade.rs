//! Databases other builds left: schema upgrades keep the queued work, another tab's upgrade,
//! stored records this build cannot read.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use onsite::store::Store;
use onsite_core::wire::Entity;
use onsite_core::{apply, ApplyContext, Case, CaseStatus, Role, SlaPolicy};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use crate::alice;
use crate::common::{
    accept, del, idb_put, pending_seqs, rec, seed, seed_case, server_case, set_status, unique_db,
    ALICE, DEADLINE_MS,
};

/// The object stores of schema version 1, as version-1 code created them (out-of-line keys;
/// records are JSON strings; outbox keys are seq numbers).
const V1_STORES: [&str; 8] = [
    "meta",
    "cases",
    "server_cases",
    "parts",
    "stock",
    "outbox",
    "blobs",
    "rejections",
];

/// Version 2 added `settings`.
fn v2_stores() -> Vec<&'static str> {
    [&V1_STORES[..], &["settings"]].concat()
}

/// A database as the build of schema `version` left it: exactly `stores`, holding `records`.
async fn create_old_database(
    name: &str,
    version: u32,
    stores: &[&'static str],
    records: Vec<(&'static str, JsValue, String)>,
) {
    let list = stores.to_vec();
    let db = Database::open(name)
        .with_version(version)
        .with_on_upgrade_needed(move |_, db| {
            for s in list.iter().copied() {
                db.create_object_store(s).build()?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let records: Vec<_> = records
        .iter()
        .map(|(s, k, j)| (*s, k.clone(), j.as_str()))
        .collect();
    idb_put(&db, &records).await;
    db.close();
}

/// A case the server assigned to alice, accepted on the device (not yet pushed): the server's
/// case, the local one, the outbox entry (seq 1) and that entry as an old build stored it.
fn accepted_offline() -> (Case, Case, onsite::store::OutboxEntry, serde_json::Value) {
    let server = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    let accept = accept(server.id);
    let t = Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap();
    let policies = [SlaPolicy::standard(), SlaPolicy::strict()];
    let local = apply(
        &accept,
        &BTreeMap::from([(server.id, server.clone())]),
        &ApplyContext {
            actor: alice(),
            client_time: t,
            server_time: None,
            policies: &policies,
        },
    )
    .unwrap()
    .cases
    .remove(0);
    assert_eq!(local.status, CaseStatus::Accepted);
    let entry = onsite::store::OutboxEntry {
        seq: 1,
        id: Uuid::new_v4(),
        name: accept.name().to_string(),
        args: accept.args(),
        client_time: t,
        user_id: ALICE,
        blobs: vec![],
        // An old build's entry: no client of its own (the device's first client).
        client_id: None,
    };
    let mut record = serde_json::to_value(&entry).unwrap();
    record["role"] = serde_json::to_value(Role::Engineer).unwrap();
    (server, local, entry, record)
}

/// The records an old build kept for [`accepted_offline`]: the seq counter, the server's and
/// the local case, and the queued entry.
fn queued_records(
    server: &Case,
    local: &Case,
    record: &serde_json::Value,
) -> Vec<(&'static str, JsValue, String)> {
    let id = JsValue::from_str(&server.id.to_string());
    vec![
        ("meta", JsValue::from_str("next_seq"), "2".into()),
        (
            "server_cases",
            id.clone(),
            serde_json::to_string(server).unwrap(),
        ),
        ("cases", id, serde_json::to_string(local).unwrap()),
        ("outbox", JsValue::from_f64(1.0), record.to_string()),
    ]
}

/// The database `name` as the build of schema `version` (with `stores`) left it, holding
/// [`accepted_offline`]'s records and `extra`, opened by this build: the queued entry and the
/// local case survive. Returns the store and the server's case.
async fn open_upgraded(
    name: &str,
    version: u32,
    stores: &[&'static str],
    extra: Vec<(&'static str, JsValue, String)>,
) -> (Store, Case) {
    let (server, local, entry, record) = accepted_offline();
    let mut records = queued_records(&server, &local, &record);
    records.extend(extra);
    create_old_database(name, version, stores, records).await;
    let store = Store::open_named(name).await.unwrap();
    assert_eq!(store.pending(10).await.unwrap(), vec![entry]);
    assert_eq!(store.case(server.id).await.unwrap(), Some(local));
    (store, server)
}

/// Records alice's `case.set_status` to en route; returns its seq.
async fn record_en_route(store: &Store, case_id: Uuid) -> u64 {
    let en_route = set_status(case_id, CaseStatus::EnRoute);
    rec(store, alice(), en_route).await.seq
}

/// A device that ran version 1 with a change still queued gets the version-2 build: the
/// upgrade keeps the case, the pending outbox entry and the seq counter, and adds `settings`.
#[wasm_bindgen_test]
async fn upgrade_from_version_1_keeps_the_pending_outbox() {
    let name = unique_db("v1to2");
    let (store, server) = open_upgraded(
        &name,
        1,
        &V1_STORES,
        vec![(
            "meta",
            JsValue::from_str("client_id"),
            serde_json::to_string(&Uuid::from_u128(99)).unwrap(),
        )],
    )
    .await;
    assert_eq!(store.client_id().await.unwrap(), Uuid::from_u128(99));
    // The new store works.
    assert_eq!(store.setting::<bool>("x").await.unwrap(), None);
    store.set_setting("x", &true).await.unwrap();
    assert_eq!(store.setting::<bool>("x").await.unwrap(), Some(true));
    // A pull that does not yet have the change re-applies it on top.
    seed_case(&store, &server).await;
    assert_eq!(
        store.case(server.id).await.unwrap().unwrap().status,
        CaseStatus::Accepted
    );
    // seq continues where version 1 left off.
    assert_eq!(record_en_route(&store, server.id).await, 2);
    assert_eq!(pending_seqs(&store).await, vec![1, 2]);
    store.close();

    // Opening again (already version 2) changes nothing.
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 2);
    assert_eq!(store.setting::<bool>("x").await.unwrap(), Some(true));
}

/// Another tab opens a newer version: this tab's store closes its connection (so that
/// upgrade is not blocked) and tells the app.
#[wasm_bindgen_test]
async fn another_tabs_upgrade_closes_this_connection() {
    use futures::future::{select, Either};
    use std::cell::Cell;
    use std::rc::Rc;

    let name = unique_db("versionchange");
    let store = Store::open_named(&name).await.unwrap();
    let told = Rc::new(Cell::new(false));
    let t = told.clone();
    store.on_version_change(move || t.set(true));

    let open = async {
        Database::open(name.as_str())
            .with_version(onsite::store::DB_VERSION + 1)
            .with_on_upgrade_needed(|_, _| Ok(()))
            .await
    };
    // Not blocked = it completes; the deadline is only for a real block on a busy machine.
    let timeout = gloo_timers::future::TimeoutFuture::new(DEADLINE_MS as u32);
    let db = match select(Box::pin(open), timeout).await {
        Either::Left((db, _)) => db.unwrap(),
        Either::Right(_) => panic!("the upgrade was blocked by the open connection"),
    };
    assert!(told.get());
    assert_eq!(db.version() as u32, onsite::store::DB_VERSION + 1);
    db.close();
}

/// A stored policy record this build cannot read does not keep the app from its data: the
/// store opens, falls back to the built-in policies, and a pull still applies.
#[wasm_bindgen_test]
async fn unreadable_stored_policy_falls_back_to_built_in_ones() {
    let name = unique_db("bad-policy");
    let store = Store::open_named(&name).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    seed_case(&store, &case).await;
    store.close();
    let db = Database::open(name.as_str()).await.unwrap();
    idb_put(&db, &[("policies", "gold".into(), "{\"policy\": 42")]).await;
    db.close();

    let store = Store::open_named(&name)
        .await
        .expect("the store opens despite an unreadable policy");
    assert_eq!(store.case(case.id).await.unwrap(), Some(case.clone()));
    // Local effects still work, with the built-in policies.
    rec(&store, alice(), accept(case.id)).await;
    // A pull that changes policies still applies (the rebuild uses the built-in ones).
    seed(&store, vec![del(Entity::Policy, "silver")]).await;
    assert_eq!(
        store.case(case.id).await.unwrap().unwrap().status,
        CaseStatus::Accepted
    );
}

/// A device that ran version 2 (with `settings`) and a change still queued gets the current
/// build: the outbox, the settings and the cases survive, and the stores added since work.
#[wasm_bindgen_test]
async fn upgrade_from_version_2_keeps_outbox_settings_and_cases() {
    let name = unique_db("v2tonow");
    let (store, server) = open_upgraded(
        &name,
        2,
        &v2_stores(),
        vec![("settings", JsValue::from_str("install_hint"), "true".into())],
    )
    .await;
    assert_eq!(
        store.setting::<bool>("install_hint").await.unwrap(),
        Some(true)
    );
    // The stores added by version 3 exist and are empty.
    assert!(store.users().await.unwrap().is_empty());
    assert!(store.policies().await.unwrap().is_empty());
    assert!(store.past_fixes().await.unwrap().is_empty());
    // seq continues where version 2 left off.
    assert_eq!(record_en_route(&store, server.id).await, 2);
    store.close();

    // Opening again (already current) changes nothing.
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 2);
    assert_eq!(
        store.setting::<bool>("install_hint").await.unwrap(),
        Some(true)
    );
}
