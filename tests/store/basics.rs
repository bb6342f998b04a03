//! What the store keeps: every kind of record round-trips, and survives closing and reopening.

use onsite::store::{hash_blob, Session, Store};
use onsite_core::wire::Change;
use onsite_core::{CaseStatus, Mutation};
use uuid::Uuid;
use wasm_bindgen_test::*;

use crate::alice;
use crate::common::{
    case_change, part, part_change, photo_add, rec, report, seed, seed_case, server_case, session,
    stock_change, stock_level, unique_db, ALICE,
};

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
        ..session(ALICE, "Alice", cid)
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
    let stock = stock_level("P-100", ALICE, 7, 2);
    let mut changes: Vec<Change> = [&c1, &c2].into_iter().map(case_change).collect();
    changes.extend(parts.iter().map(part_change));
    changes.push(stock_change(&stock));
    seed(&store, changes).await;

    assert_eq!(store.case(c1.id).await.unwrap(), Some(c1.clone()));
    assert_eq!(store.case(Uuid::new_v4()).await.unwrap(), None);
    let mut all = store.cases().await.unwrap();
    all.sort_by_key(|c| c.id);
    let mut want = vec![c1.clone(), c2.clone()];
    want.sort_by_key(|c| c.id);
    assert_eq!(all, want);

    assert_eq!(store.part_count().await.unwrap(), 3);
    let found = store.search_parts("FUSE", 10).await.unwrap();
    let found: Vec<&str> = found.iter().map(|p| p.part_no.as_str()).collect();
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
    let Mutation::PhotoAdd(mut front) = photo_add(c1.id, &sha) else {
        unreachable!()
    };
    front.caption = Some("front panel".into());
    let blobs = vec![(sha.clone(), bytes.clone())];
    store
        .record(alice(), Mutation::PhotoAdd(front), blobs)
        .await
        .unwrap();
    assert_eq!(store.blob(&sha).await.unwrap(), Some(bytes.clone()));
    assert_eq!(store.blob(&hash_blob(b"other")).await.unwrap(), None);
    assert_eq!(store.case(c1.id).await.unwrap().unwrap().photos.len(), 1);
    // a blob whose bytes do not match its hash is refused before anything is written
    let wrong = vec![(sha.clone(), b"not these bytes".to_vec())];
    let bad = store.record(alice(), photo_add(c1.id, &sha), wrong).await;
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
    assert!(store.sync_counts().await.unwrap().last_sync.is_some());
}

#[wasm_bindgen_test]
async fn outbox_survives_closing_and_reopening() {
    let name = unique_db("reopen");
    let store = Store::open_named(&name).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_case(&store, &case).await;
    for i in 0..5 {
        rec(&store, alice(), report(case.id, &format!("symptom {i}"))).await;
    }
    let before = store.pending(100).await.unwrap();
    assert_eq!(before.len(), 5);
    store.close();
    drop(store);

    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.pending(100).await.unwrap(), before);
    let stored = store.case(case.id).await.unwrap().unwrap();
    assert_eq!(stored.report.symptom.as_deref(), Some("symptom 4"));
    let next = rec(&store, alice(), report(case.id, "after reopen")).await;
    assert_eq!(next.seq, 6);
}
