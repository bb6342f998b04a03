//! IndexedDB store: round trips, the one write path (atomic outbox), pull apply.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test store
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use onsite::store::{hash_blob, Session, Store, StoreErrorKind};
use onsite_core::mutation::{CaseRef, PartUseArgs, PhotoAddArgs, SetStatusArgs};
use onsite_core::wire::{Change, ChangeOp, Entity, PullResponse, RejectionRecord, UserInfo};
use onsite_core::{
    apply, Actor, ApplyContext, Case, CaseStatus, Mutation, Part, Role, SlaPolicy, StockLevel,
};
use uuid::Uuid;
use wasm_bindgen_test::*;

mod common;

use common::{
    case_change, engineer, page, page_at, part_change, put, report, seed_cases, server_case,
    unique_db, user_change, ALICE, BOB,
};

wasm_bindgen_test_configure!(run_in_browser);

fn alice() -> Actor {
    engineer(ALICE)
}
fn bob() -> Actor {
    engineer(BOB)
}

fn part(no: &str, name: &str) -> Part {
    Part {
        part_no: no.into(),
        name: name.into(),
        description: None,
        unit: "pcs".into(),
    }
}

#[wasm_bindgen_test]
async fn store_round_trips_cases_parts_stock_blobs_session() {
    let name = unique_db("roundtrip");
    let store = Store::open_named(&name).await.unwrap();

    // client_id: created once, stable across reopen.
    let cid = store.client_id().await.unwrap();
    assert_eq!(store.client_id().await.unwrap(), cid);

    // session
    assert_eq!(store.session().await.unwrap(), None);
    let session = Session {
        token: "tok".into(),
        user: UserInfo {
            id: ALICE,
            name: "Alice".into(),
            role: Role::Engineer,
        },
        client_id: cid,
    };
    store.set_session(Some(&session)).await.unwrap();
    assert_eq!(store.session().await.unwrap(), Some(session.clone()));

    // cases, parts, stock through a pull page
    let c1 = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    let c2 = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    let parts = [
        part("P-100", "Fuse 10A"),
        part("P-200", "Battery pack"),
        part("X-9", "fuse holder"),
    ];
    let stock = StockLevel {
        part_no: "P-100".into(),
        engineer_id: ALICE,
        qty: 7,
        min_qty: 2,
    };
    let mut changes: Vec<Change> = [&c1, &c2].into_iter().map(case_change).collect();
    changes.extend(parts.iter().map(part_change));
    changes.push(put(
        Entity::Stock,
        "P-100",
        serde_json::to_value(&stock).unwrap(),
    ));
    store.apply_pull(&page(changes)).await.unwrap();

    assert_eq!(store.case(c1.id).await.unwrap(), Some(c1.clone()));
    assert_eq!(store.case(Uuid::new_v4()).await.unwrap(), None);
    let mut all = store.cases().await.unwrap();
    all.sort_by_key(|c| c.id);
    let mut want = vec![c1.clone(), c2.clone()];
    want.sort_by_key(|c| c.id);
    assert_eq!(all, want);

    assert_eq!(store.part_count().await.unwrap(), 3);
    let found: Vec<String> = store
        .search_parts("FUSE", 10)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.part_no)
        .collect();
    assert_eq!(found, vec!["P-100", "X-9"]);
    let by_no = store.search_parts("p-2", 10).await.unwrap();
    assert_eq!(by_no, vec![parts[1].clone()]);
    assert_eq!(store.search_parts("battery", 10).await.unwrap().len(), 1);
    assert_eq!(store.search_parts("", 2).await.unwrap().len(), 2);
    assert!(store.search_parts("nothing", 10).await.unwrap().is_empty());

    assert_eq!(store.stock().await.unwrap(), vec![stock.clone()]);
    assert_eq!(store.stock_of("P-100").await.unwrap(), Some(stock.clone()));
    assert_eq!(store.stock_of("P-200").await.unwrap(), None);

    // blobs: bytes back equal (stored with the photo.add that names them)
    let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let sha = hash_blob(&bytes);
    store
        .record(
            alice(),
            Mutation::PhotoAdd(PhotoAddArgs {
                case_id: c1.id,
                photo_id: Uuid::new_v4(),
                sha256: sha.clone(),
                caption: Some("front panel".into()),
            }),
            vec![(sha.clone(), bytes.clone())],
        )
        .await
        .unwrap();
    assert_eq!(store.blob(&sha).await.unwrap(), Some(bytes.clone()));
    assert_eq!(store.blob(&hash_blob(b"other")).await.unwrap(), None);
    assert_eq!(store.case(c1.id).await.unwrap().unwrap().photos.len(), 1);
    // a blob whose bytes do not match its hash is refused before anything is written
    let bad = store
        .record(
            alice(),
            Mutation::PhotoAdd(PhotoAddArgs {
                case_id: c1.id,
                photo_id: Uuid::new_v4(),
                sha256: sha.clone(),
                caption: None,
            }),
            vec![(sha.clone(), b"not these bytes".to_vec())],
        )
        .await;
    assert!(bad.is_err());
    assert_eq!(store.pending_count().await.unwrap(), 1);

    // reopen: everything is still there, client_id unchanged
    store.close();
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.client_id().await.unwrap(), cid);
    assert_eq!(store.session().await.unwrap(), Some(session));
    assert_eq!(store.blob(&sha).await.unwrap(), Some(bytes));
    assert_eq!(store.part_count().await.unwrap(), 3);

    // logout keeps the outbox
    store.set_session(None).await.unwrap();
    assert_eq!(store.session().await.unwrap(), None);
    assert_eq!(store.pending_count().await.unwrap(), 1);
    assert!(store.last_sync().await.unwrap().is_some());
}

#[wasm_bindgen_test]
async fn record_assigns_seq_atomically_with_the_local_write() {
    let store = Store::open_named(&unique_db("seq")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    seed_cases(&store, std::slice::from_ref(&case)).await;

    let e1 = accept_as_alice(&store, case.id).await;
    let e2 = store
        .record(
            alice(),
            Mutation::SetStatus(SetStatusArgs {
                case_id: case.id,
                status: CaseStatus::EnRoute,
                reason: None,
            }),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!((e1.seq, e2.seq), (1, 2));
    assert_eq!(e1.name, "case.accept");
    assert_eq!(e1.user_id, ALICE);
    let local = store.case(case.id).await.unwrap().unwrap();
    assert_eq!(local.status, CaseStatus::EnRoute);
    assert!(local.sla.responded_at.is_some(), "accept's effect is kept");
    let pending = store.pending(10).await.unwrap();
    assert_eq!(pending, vec![e1.clone(), e2.clone()]);
    assert_eq!(store.pending_count().await.unwrap(), 2);

    // A mutation onsite-core rejects: nothing written, no seq used.
    let before = store.case(case.id).await.unwrap();
    let err = store
        .record(
            bob(),
            Mutation::Accept(CaseRef { case_id: case.id }),
            vec![],
        )
        .await
        .unwrap_err();
    assert!(matches!(err.kind, StoreErrorKind::Rejected(_)), "{err}");
    let err = store
        .record(alice(), report(Uuid::new_v4(), "no such case"), vec![])
        .await
        .unwrap_err();
    assert!(matches!(err.kind, StoreErrorKind::Rejected(_)), "{err}");
    assert_eq!(store.case(case.id).await.unwrap(), before);
    assert_eq!(store.pending_count().await.unwrap(), 2);

    // A transaction that fails after writing everything: nothing of it remains.
    onsite::store::inject_fault(Some(onsite::store::Fault::Abort));
    let err = store
        .record(
            alice(),
            Mutation::SetStatus(SetStatusArgs {
                case_id: case.id,
                status: CaseStatus::OnSite,
                reason: None,
            }),
            vec![],
        )
        .await;
    assert!(err.is_err());
    assert_eq!(store.case(case.id).await.unwrap(), before);
    assert_eq!(store.pending_count().await.unwrap(), 2);

    // The next write gets the next seq: neither failure used one.
    let e3 = store
        .record(
            alice(),
            Mutation::SetStatus(SetStatusArgs {
                case_id: case.id,
                status: CaseStatus::OnSite,
                reason: None,
            }),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(e3.seq, 3);
}

#[wasm_bindgen_test]
async fn part_use_moves_van_stock_in_the_same_transaction() {
    let store = Store::open_named(&unique_db("stock")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_cases(&store, std::slice::from_ref(&case)).await;
    let use_part = |no: &str, qty: i64| {
        Mutation::PartUse(PartUseArgs {
            case_id: case.id,
            usage_id: Uuid::new_v4(),
            part_no: no.into(),
            qty,
            serial_fitted: None,
            serial_removed: None,
            returned_defective: false,
        })
    };
    store
        .apply_pull(&page_at(
            vec![put(
                Entity::Stock,
                "P-1",
                serde_json::json!({"part_no": "P-1", "engineer_id": ALICE, "qty": 5}),
            )],
            0,
            false,
        ))
        .await
        .unwrap();
    store
        .record(alice(), use_part("P-1", 2), vec![])
        .await
        .unwrap();
    store
        .record(alice(), use_part("P-2", 1), vec![])
        .await
        .unwrap();
    assert_eq!(store.stock_of("P-1").await.unwrap().unwrap().qty, 3);
    // a missing row starts at 0 and may go negative
    assert_eq!(store.stock_of("P-2").await.unwrap().unwrap().qty, -1);

    // The server's count arrives before it has our usage: the pending use stays visible.
    store
        .apply_pull(&page_at(
            vec![put(
                Entity::Stock,
                "P-1",
                serde_json::json!({"part_no": "P-1", "engineer_id": ALICE, "qty": 10}),
            )],
            0,
            false,
        ))
        .await
        .unwrap();
    assert_eq!(store.stock_of("P-1").await.unwrap().unwrap().qty, 8);
}

#[wasm_bindgen_test]
async fn outbox_survives_closing_and_reopening() {
    let name = unique_db("reopen");
    let store = Store::open_named(&name).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_cases(&store, std::slice::from_ref(&case)).await;
    for i in 0..5 {
        store
            .record(alice(), report(case.id, &format!("symptom {i}")), vec![])
            .await
            .unwrap();
    }
    let before = store.pending(100).await.unwrap();
    assert_eq!(before.len(), 5);
    store.close();
    drop(store);

    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.pending(100).await.unwrap(), before);
    assert_eq!(
        store
            .case(case.id)
            .await
            .unwrap()
            .unwrap()
            .report
            .symptom
            .as_deref(),
        Some("symptom 4")
    );
    let next = store
        .record(alice(), report(case.id, "after reopen"), vec![])
        .await
        .unwrap();
    assert_eq!(next.seq, 6);
}

#[wasm_bindgen_test]
async fn pull_puts_deletes_resets_and_reapplies_pending() {
    let store = Store::open_named(&unique_db("pull")).await.unwrap();
    let a = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    let b = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_cases(&store, &[a.clone(), b.clone()]).await;
    store
        .apply_pull(&page_at(
            vec![put(
                Entity::Part,
                "P-1",
                serde_json::to_value(part("P-1", "Relay")).unwrap(),
            )],
            0,
            false,
        ))
        .await
        .unwrap();
    assert_eq!(store.search_parts("relay", 5).await.unwrap().len(), 1);

    // A pending local edit on `a`.
    store
        .record(alice(), report(a.id, "smoke from the PSU"), vec![])
        .await
        .unwrap();

    // The server changes `a` (someone else's edit) before it has ours: both show.
    let mut a_server = a.clone();
    a_server.title = "UPS alarm (updated by dispatcher)".into();
    store
        .apply_pull(&page_at(
            vec![put(
                Entity::Case,
                &a.id.to_string(),
                serde_json::to_value(&a_server).unwrap(),
            )],
            0,
            false,
        ))
        .await
        .unwrap();
    let local = store.case(a.id).await.unwrap().unwrap();
    assert_eq!(local.title, a_server.title);
    assert_eq!(local.report.symptom.as_deref(), Some("smoke from the PSU"));
    assert_eq!(store.pending_count().await.unwrap(), 1);

    // Tombstone: `b` was unassigned from us.
    store
        .apply_pull(&page_at(
            vec![Change {
                entity: Entity::Case,
                op: ChangeOp::Delete,
                id: b.id.to_string(),
                data: serde_json::Value::Null,
            }],
            0,
            false,
        ))
        .await
        .unwrap();
    assert_eq!(store.case(b.id).await.unwrap(), None);
    assert_eq!(store.cases().await.unwrap().len(), 1);

    // A rejection record syncs back.
    let rej = RejectionRecord {
        id: Uuid::new_v4(),
        client_id: Uuid::new_v4(),
        seq: 9,
        mutation_id: Uuid::new_v4(),
        name: "case.accept".into(),
        case_id: Some(a.id),
        code: onsite_core::RejectionCode::NotAssignee,
        message: "case is not assigned to you".into(),
        at: Utc::now(),
    };
    store
        .apply_pull(&page_at(
            vec![put(
                Entity::Rejection,
                &rej.id.to_string(),
                serde_json::to_value(&rej).unwrap(),
            )],
            0,
            false,
        ))
        .await
        .unwrap();
    assert_eq!(store.rejections().await.unwrap(), vec![rej.clone()]);

    // Reset: server data is replaced by the full set; the outbox (and its effect) stays.
    let c = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    store
        .apply_pull(&page_at(
            vec![
                put(
                    Entity::Case,
                    &a.id.to_string(),
                    serde_json::to_value(&a).unwrap(),
                ),
                put(
                    Entity::Case,
                    &c.id.to_string(),
                    serde_json::to_value(&c).unwrap(),
                ),
            ],
            0,
            true,
        ))
        .await
        .unwrap();
    let mut ids: Vec<Uuid> = store.cases().await.unwrap().iter().map(|c| c.id).collect();
    ids.sort();
    let mut want = vec![a.id, c.id];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(
        store.part_count().await.unwrap(),
        0,
        "reset drops the catalog"
    );
    assert_eq!(
        store.pending_count().await.unwrap(),
        1,
        "reset keeps the outbox"
    );
    assert_eq!(
        store
            .case(a.id)
            .await
            .unwrap()
            .unwrap()
            .report
            .symptom
            .as_deref(),
        Some("smoke from the PSU"),
        "pending mutation re-applied on top of the reset copy"
    );
    assert_eq!(store.rejections().await.unwrap(), vec![rej]);
    assert!(store.search_parts("relay", 5).await.unwrap().is_empty());

    // The server acked our edit (last_seq = 1) and sends the case with it: outbox empty.
    let mut a_acked = a.clone();
    a_acked.report.symptom = Some("smoke from the PSU".into());
    store
        .apply_pull(&page_at(
            vec![put(
                Entity::Case,
                &a.id.to_string(),
                serde_json::to_value(&a_acked).unwrap(),
            )],
            1,
            false,
        ))
        .await
        .unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 0);
    assert_eq!(store.case(a.id).await.unwrap(), Some(a_acked));
    assert!(store.cursor().await.unwrap().is_some());
}

/// A write that runs out of space (simulated: the transaction aborts with a
/// QuotaExceededError after all its requests) leaves nothing behind: not the local effect,
/// not the blob, not the outbox entry, not the seq. The error says "quota"; the next write works.
#[wasm_bindgen_test]
async fn a_mutation_naming_a_blob_not_on_the_device_writes_nothing() {
    let store = Store::open_named(&unique_db("blob-named")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_cases(&store, std::slice::from_ref(&case)).await;
    let photo = |sha: &str| {
        Mutation::PhotoAdd(PhotoAddArgs {
            case_id: case.id,
            photo_id: Uuid::new_v4(),
            sha256: sha.to_string(),
            caption: None,
        })
    };
    let absent = hash_blob(b"bytes this device never stored");
    let err = store
        .record(alice(), photo(&absent), vec![])
        .await
        .unwrap_err();
    assert_eq!(err.kind, StoreErrorKind::Other, "{err}");
    assert!(err.message.contains(&absent), "{err}");
    assert_eq!(store.pending_count().await.unwrap(), 0);
    assert_eq!(store.case(case.id).await.unwrap(), Some(case.clone()));

    // Bytes already on the device (kept from the server) need not be brought again.
    let bytes = b"a photo taken on another device".to_vec();
    let kept = hash_blob(&bytes);
    store.cache_blob(&kept, &bytes).await.unwrap();
    store.record(alice(), photo(&kept), vec![]).await.unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 1);
    assert_eq!(store.case(case.id).await.unwrap().unwrap().photos.len(), 1);
}

#[wasm_bindgen_test]
async fn quota_failure_leaves_store_and_outbox_unchanged() {
    use onsite::state::UiError;
    use onsite::store::{inject_fault, Fault};

    let store = Store::open_named(&unique_db("quota")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_cases(&store, std::slice::from_ref(&case)).await;
    let e1 = store
        .record(alice(), report(case.id, "before"), vec![])
        .await
        .unwrap();
    let case_before = store.case(case.id).await.unwrap();
    let outbox_before = store.pending(100).await.unwrap();

    let bytes = b"a photo that does not fit".to_vec();
    let sha = hash_blob(&bytes);
    // A new photo of the same bytes each time (its own photo id).
    let add_photo = || {
        Mutation::PhotoAdd(PhotoAddArgs {
            case_id: case.id,
            photo_id: Uuid::new_v4(),
            sha256: sha.clone(),
            caption: None,
        })
    };
    inject_fault(Some(Fault::Quota));
    let err = store
        .record(alice(), add_photo(), vec![(sha.clone(), bytes.clone())])
        .await
        .unwrap_err();
    assert_eq!(err.kind, StoreErrorKind::QuotaExceeded, "{err}");
    assert!(err.message.contains("QuotaExceededError"), "{err}");
    assert_eq!(UiError::from_store(&err).key, "error.quota");

    assert_eq!(store.case(case.id).await.unwrap(), case_before);
    assert_eq!(store.pending(100).await.unwrap(), outbox_before);
    assert_eq!(store.blob(&sha).await.unwrap(), None);

    // The fault was one-shot: the same write now goes through, with the next seq.
    let e2 = store
        .record(alice(), add_photo(), vec![(sha.clone(), bytes.clone())])
        .await
        .unwrap();
    assert_eq!(e2.seq, e1.seq + 1);
    assert_eq!(store.blob(&sha).await.unwrap(), Some(bytes));
    assert_eq!(store.pending_count().await.unwrap(), 2);
}

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
    records: Vec<(&'static str, wasm_bindgen::JsValue, String)>,
) {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;

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
    let tx = db
        .transaction(stores.to_vec())
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    for (store, key, json) in records {
        let os = tx.object_store(store).unwrap();
        let _req = os
            .put(wasm_bindgen::JsValue::from_str(&json))
            .with_key(key)
            .without_key_type()
            .primitive()
            .unwrap();
    }
    tx.commit().await.unwrap();
    db.close();
}

/// A case the server assigned to alice, accepted on the device (not yet pushed): the server's
/// case, the local one, the outbox entry (seq 1) and that entry as an old build stored it.
fn accepted_offline() -> (Case, Case, onsite::store::OutboxEntry, serde_json::Value) {
    let server = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    let accept = Mutation::Accept(CaseRef { case_id: server.id });
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
) -> Vec<(&'static str, wasm_bindgen::JsValue, String)> {
    use wasm_bindgen::JsValue;
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
    extra: Vec<(&'static str, wasm_bindgen::JsValue, String)>,
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

/// Records alice's `case.accept`.
async fn accept_as_alice(store: &Store, case_id: Uuid) -> onsite::store::OutboxEntry {
    store
        .record(alice(), Mutation::Accept(CaseRef { case_id }), vec![])
        .await
        .unwrap()
}

/// Records alice's `case.set_status` to en route; returns its seq.
async fn record_en_route(store: &Store, case_id: Uuid) -> u64 {
    store
        .record(
            alice(),
            Mutation::SetStatus(SetStatusArgs {
                case_id,
                status: CaseStatus::EnRoute,
                reason: None,
            }),
            vec![],
        )
        .await
        .unwrap()
        .seq
}

/// A device that ran version 1 with a change still queued gets the version-2 build: the
/// upgrade keeps the case, the pending outbox entry and the seq counter, and adds `settings`.
#[wasm_bindgen_test]
async fn upgrade_from_version_1_keeps_the_pending_outbox() {
    use wasm_bindgen::JsValue;

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
    seed_cases(&store, std::slice::from_ref(&server)).await;
    assert_eq!(
        store.case(server.id).await.unwrap().unwrap().status,
        CaseStatus::Accepted
    );
    // seq continues where version 1 left off.
    assert_eq!(record_en_route(&store, server.id).await, 2);
    assert_eq!(
        store
            .pending(10)
            .await
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
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
    use indexed_db_futures::database::Database;
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
    let timeout = gloo_timers::future::TimeoutFuture::new(60_000);
    let db = match select(Box::pin(open), timeout).await {
        Either::Left((db, _)) => db.unwrap(),
        Either::Right(_) => panic!("the upgrade was blocked by the open connection"),
    };
    assert!(told.get());
    assert_eq!(db.version() as u32, onsite::store::DB_VERSION + 1);
    db.close();
}

/// The app's write path with a full disk: the user sees `error.quota`, nothing is queued,
/// and the next write goes through.
#[wasm_bindgen_test]
async fn app_write_path_shows_quota_error_and_keeps_the_outbox() {
    use leptos::prelude::{GetUntracked, Set, SetValue};
    use onsite::state::AppState;
    use onsite::store::{inject_fault, Fault};

    let store = Store::open_named(&unique_db("quota-app")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_cases(&store, std::slice::from_ref(&case)).await;
    let state = AppState::new();
    state.store.set_value(Some(store.clone()));
    state.session.set(Some(Session {
        token: "t".into(),
        user: UserInfo {
            id: ALICE,
            name: "Alice".into(),
            role: Role::Engineer,
        },
        client_id: Uuid::new_v4(),
    }));

    inject_fault(Some(Fault::Quota));
    assert!(!state.perform(report(case.id, "full disk"), vec![]).await);
    assert_eq!(state.error.get_untracked().unwrap().key, "error.quota");
    assert_eq!(store.pending_count().await.unwrap(), 0);
    assert_eq!(store.case(case.id).await.unwrap(), Some(case.clone()));

    assert!(state.perform(report(case.id, "space freed"), vec![]).await);
    assert_eq!(state.error.get_untracked(), None);
    assert_eq!(state.status.get_untracked().pending, 1);
    assert_eq!(store.pending(10).await.unwrap()[0].seq, 1);
}

/// Users, SLA policies and past fixes arrive by pull, are kept for offline use, and a pulled
/// policy drives the local effect of a `case.create` made offline.
#[wasm_bindgen_test]
async fn pull_keeps_users_policies_and_past_fixes() {
    use onsite_core::knowledge::{PastFix, PastFixPart};
    use onsite_core::mutation::CreateArgs;
    use onsite_core::wire::PolicyRecord;
    use onsite_core::{Category, Customer, Product, RepairResult, ServiceMode, Severity, Site};

    let name = unique_db("refdata");
    let store = Store::open_named(&name).await.unwrap();
    let mut gold = SlaPolicy::strict();
    gold.name = "gold".into();
    gold.levels[1].resolve_minutes = Some(90);
    let fix = PastFix {
        case_id: Uuid::from_u128(77),
        number: "SR-00000077".into(),
        title: "UPS alarm".into(),
        product_model: "UPS-3000".into(),
        category: Category::SystemFault,
        severity: Severity::new(2).unwrap(),
        symptom: "Beeping every 10 s".into(),
        cause: "Battery worn".into(),
        actions: "Replaced battery".into(),
        result: RepairResult::Resolved,
        parts: vec![PastFixPart {
            part_no: "BAT-1".into(),
            qty: 1,
        }],
        resolved_at: Some(Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap()),
        engineer_id: Some(ALICE),
    };
    let users = [
        UserInfo {
            id: BOB,
            name: "Bob Li".into(),
            role: Role::Engineer,
        },
        UserInfo {
            id: ALICE,
            name: "Alice Chen".into(),
            role: Role::Engineer,
        },
    ];
    let mut changes: Vec<Change> = users.iter().map(user_change).collect();
    changes.push(put(
        Entity::Policy,
        "gold",
        serde_json::to_value(PolicyRecord {
            policy: gold.clone(),
            customers: vec!["Harbour Hospital".into()],
        })
        .unwrap(),
    ));
    changes.push(put(
        Entity::PastFix,
        &fix.case_id.to_string(),
        serde_json::to_value(&fix).unwrap(),
    ));
    store.apply_pull(&page(changes)).await.unwrap();

    let names: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Alice Chen", "Bob Li"], "sorted by name");
    let policies = store.policies().await.unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0].policy, gold);
    assert_eq!(store.past_fixes().await.unwrap(), vec![fix.clone()]);

    // A manager offline creates a case under the pulled policy: the clock uses its targets.
    let manager = Actor {
        user_id: common::MANAGER,
        role: Role::Manager,
    };
    let reported = Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap();
    let id = Uuid::new_v4();
    store
        .record(
            manager,
            Mutation::Create(CreateArgs {
                case_id: id,
                title: "Chiller fault".into(),
                description: String::new(),
                customer: Customer {
                    name: "Harbour Hospital".into(),
                    phone: None,
                    email: None,
                    contact: None,
                },
                site: Site {
                    address: "2 Quay St".into(),
                    notes: None,
                },
                product: Product {
                    model: "CH-9".into(),
                    serial: None,
                    warranty_until: None,
                },
                category: Category::SystemFault,
                severity: Severity::new(2).unwrap(),
                mode: ServiceMode::OnSite,
                reported_at: reported,
                appointment: None,
                policy: Some("gold".into()),
                complaint: false,
            }),
            vec![],
        )
        .await
        .expect("a policy known from the pull is usable offline");
    let created = store.case(id).await.unwrap().unwrap();
    assert_eq!(created.sla.policy, "gold");
    assert_eq!(
        created.sla.resolve_by,
        Some(reported + chrono::Duration::minutes(90))
    );

    // Kept across a reopen; a delete removes a past fix.
    store.close();
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.policies().await.unwrap().len(), 1);
    assert_eq!(store.users().await.unwrap().len(), 2);
    let mut del = put(
        Entity::PastFix,
        &fix.case_id.to_string(),
        serde_json::Value::Null,
    );
    del.op = ChangeOp::Delete;
    store
        .apply_pull(&page_at(vec![del], 1, false))
        .await
        .unwrap();
    assert!(store.past_fixes().await.unwrap().is_empty());

    // A reset drops the reference data with the rest of the server's data.
    store.apply_pull(&page_at(vec![], 1, true)).await.unwrap();
    assert!(store.users().await.unwrap().is_empty());
    assert!(store.policies().await.unwrap().is_empty());
}

/// A newer server may send an entity this build does not know: the page's other changes
/// apply, the unknown one is skipped, and the cursor moves on.
#[wasm_bindgen_test]
async fn pull_skips_unknown_entities() {
    let store = Store::open_named(&unique_db("unknown-entity"))
        .await
        .unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    let body = serde_json::json!({
        "cursor": "c-widget",
        "has_more": false,
        "reset": false,
        "last_seq": 0,
        "changes": [
            {"entity": "widget", "op": "put", "id": "w-1", "data": {"spin": 3}},
            {"entity": "case", "op": "put", "id": case.id.to_string(), "data": case},
            {"entity": "part", "op": "put", "id": "P-1", "data": part("P-1", "Relay")},
            {"entity": "widget", "op": "delete", "id": "w-2"}
        ]
    });
    let resp: PullResponse = serde_json::from_value(body).expect("an unknown entity parses");
    assert_eq!(resp.changes[0].entity, Entity::Unknown);
    store
        .apply_pull(&resp)
        .await
        .expect("unknown entities are skipped");
    assert_eq!(store.case(case.id).await.unwrap(), Some(case));
    assert_eq!(store.search_parts("relay", 5).await.unwrap().len(), 1);
    assert_eq!(store.cursor().await.unwrap().as_deref(), Some("c-widget"));
}

/// Writes one raw record (a JSON string, as the store keeps them) into an existing database.
async fn put_raw(name: &str, store: &str, key: &str, json: &str) {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;

    let db = Database::open(name).await.unwrap();
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    let os = tx.object_store(store).unwrap();
    let _req = os
        .put(wasm_bindgen::JsValue::from_str(json))
        .with_key(wasm_bindgen::JsValue::from_str(key))
        .without_key_type()
        .primitive()
        .unwrap();
    tx.commit().await.unwrap();
    db.close();
}

/// A stored policy record this build cannot read does not keep the app from its data: the
/// store opens, falls back to the built-in policies, and a pull still applies.
#[wasm_bindgen_test]
async fn unreadable_stored_policy_falls_back_to_built_in_ones() {
    let name = unique_db("bad-policy");
    let store = Store::open_named(&name).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    seed_cases(&store, std::slice::from_ref(&case)).await;
    store.close();
    put_raw(&name, "policies", "gold", "{\"policy\": 42").await;

    let store = Store::open_named(&name)
        .await
        .expect("the store opens despite an unreadable policy");
    assert_eq!(store.case(case.id).await.unwrap(), Some(case.clone()));
    // Local effects still work, with the built-in policies.
    accept_as_alice(&store, case.id).await;
    // A pull that changes policies still applies (the rebuild uses the built-in ones).
    let mut del = put(Entity::Policy, "silver", serde_json::Value::Null);
    del.op = ChangeOp::Delete;
    store
        .apply_pull(&page(vec![del]))
        .await
        .expect("a pull still applies");
    assert_eq!(
        store.case(case.id).await.unwrap().unwrap().status,
        CaseStatus::Accepted
    );
}

/// A device that ran version 2 (with `settings`) and a change still queued gets the current
/// build: the outbox, the settings and the cases survive, and the stores added since work.
#[wasm_bindgen_test]
async fn upgrade_from_version_2_keeps_outbox_settings_and_cases() {
    use wasm_bindgen::JsValue;

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

fn session_of(user: Uuid, name: &str, client_id: Uuid) -> Session {
    Session {
        token: format!("token-{name}"),
        user: UserInfo {
            id: user,
            name: name.into(),
            role: Role::Engineer,
        },
        client_id,
    }
}

/// A device handed to another user: each user signs in with a client_id of their own, keeps
/// an outbox of their own with its own seqs, and only the signed-in user's entries sync; the
/// previous user's server data leaves the device, their queued changes stay.
#[wasm_bindgen_test]
async fn each_user_on_a_device_has_a_client_and_an_outbox_of_their_own() {
    let store = Store::open_named(&unique_db("two-users")).await.unwrap();
    let legacy = store.client_id().await.unwrap();
    let alice_case = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    let bob_case = server_case(Uuid::new_v4(), BOB, CaseStatus::Assigned);

    let a = store.client_for_login("alice", false).await.unwrap();
    assert_eq!(
        a, legacy,
        "the first user keeps the device's first client_id"
    );
    assert_eq!(store.client_for_login("Alice ", false).await.unwrap(), a);
    store
        .activate(&session_of(ALICE, "alice", a))
        .await
        .unwrap();
    seed_cases(&store, std::slice::from_ref(&alice_case)).await;
    let e1 = accept_as_alice(&store, alice_case.id).await;
    assert_eq!((e1.seq, e1.client_id), (1, Some(a)));

    // Bob signs in on the same device: a new client, alice's cases leave the device.
    let b = store.client_for_login("bob", false).await.unwrap();
    assert_ne!(b, a);
    store.activate(&session_of(BOB, "bob", b)).await.unwrap();
    assert!(
        store.case(alice_case.id).await.unwrap().is_none(),
        "alice's customer data is gone"
    );
    assert_eq!(
        store.pending_count().await.unwrap(),
        1,
        "alice's queued change stays"
    );
    assert!(
        store.pending(10).await.unwrap().is_empty(),
        "bob pushes none of alice's"
    );
    seed_cases(&store, std::slice::from_ref(&bob_case)).await;
    let e2 = store
        .record(
            bob(),
            Mutation::Accept(CaseRef {
                case_id: bob_case.id,
            }),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        (e2.seq, e2.client_id),
        (1, Some(b)),
        "bob's seqs start at 1"
    );
    assert_eq!(store.pending(10).await.unwrap(), vec![e2.clone()]);
    store.ack(1, &[]).await.unwrap();
    assert_eq!(
        store.pending_count().await.unwrap(),
        1,
        "bob's ack leaves alice's entry"
    );

    // Alice again: her client, her queued entry, next seq 2.
    assert_eq!(store.client_for_login("alice", false).await.unwrap(), a);
    store
        .activate(&session_of(ALICE, "alice", a))
        .await
        .unwrap();
    assert_eq!(store.pending(10).await.unwrap(), vec![e1]);
    seed_cases(&store, std::slice::from_ref(&alice_case)).await;
    let e3 = store
        .record(
            alice(),
            Mutation::SetStatus(SetStatusArgs {
                case_id: alice_case.id,
                status: CaseStatus::EnRoute,
                reason: None,
            }),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!((e3.seq, e3.client_id), (2, Some(a)));

    // The server said the client_id is taken (a device from before this rule): a fresh one.
    let fresh = store.client_for_login("alice", true).await.unwrap();
    assert!(fresh != a && fresh != b);
}

/// A session the server ended (revoked phone): the server's data leaves the device, queued
/// changes and the blobs they name stay until their author signs in again.
#[wasm_bindgen_test]
async fn clearing_server_data_keeps_queued_changes_and_their_blobs() {
    let store = Store::open_named(&unique_db("clear")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_cases(&store, std::slice::from_ref(&case)).await;
    let photo = b"queued photo".to_vec();
    let sha = hash_blob(&photo);
    store
        .record(
            alice(),
            Mutation::PhotoAdd(PhotoAddArgs {
                case_id: case.id,
                photo_id: Uuid::new_v4(),
                sha256: sha.clone(),
                caption: None,
            }),
            vec![(sha.clone(), photo.clone())],
        )
        .await
        .unwrap();
    let cached = b"a signature pulled from the server".to_vec();
    store
        .cache_blob(&hash_blob(&cached), &cached)
        .await
        .unwrap();

    store.clear_server_data().await.unwrap();
    assert!(store.cases().await.unwrap().is_empty());
    assert_eq!(store.cursor().await.unwrap(), None);
    assert_eq!(store.pending_count().await.unwrap(), 1);
    assert_eq!(
        store.blob(&sha).await.unwrap(),
        Some(photo),
        "needed for the upload"
    );
    assert_eq!(
        store.blob(&hash_blob(&cached)).await.unwrap(),
        None,
        "customer data goes"
    );
}
