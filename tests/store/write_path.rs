//! The one write path: the local effect, its outbox entry and its seq in one transaction,
//! or nothing at all (a blob not on the device, a full disk).

use onsite::store::{hash_blob, Store, StoreErrorKind};
use onsite_core::mutation::PartCorrectArgs;
use onsite_core::{CaseStatus, Mutation, PartUsage};
use uuid::Uuid;
use wasm_bindgen_test::*;

use crate::common::{
    accept, part_usage, part_use, photo_add, rec, report, seed, seed_case, server_case, session,
    set_status, stock_change, stock_level, t0, unique_db, ALICE, BOB,
};
use crate::{alice, bob};

#[wasm_bindgen_test]
async fn record_assigns_seq_atomically_with_the_local_write() {
    let db = unique_db("seq");
    let store = Store::open_named(&db).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    seed_case(&store, &case).await;

    let to = |status| set_status(case.id, status);
    let e1 = rec(&store, alice(), accept(case.id)).await;
    let e2 = rec(&store, alice(), to(CaseStatus::EnRoute)).await;
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
        .record(bob(), accept(case.id), vec![])
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
    let err = store.record(alice(), to(CaseStatus::OnSite), vec![]).await;
    assert!(err.is_err());
    assert_eq!(store.case(case.id).await.unwrap(), before);
    assert_eq!(store.pending_count().await.unwrap(), 2);

    // The next write gets the next seq: neither failure used one.
    let e3 = rec(&store, alice(), to(CaseStatus::OnSite)).await;
    assert_eq!(e3.seq, 3);

    // Another tab writes in between: each write reads the seq inside its transaction, so
    // neither tab reuses one, and the case as it is stored now (this store keeps the case it
    // wrote last, used only while the stored text is still exactly that).
    let other_tab = Store::open_named(&db).await.unwrap();
    let e4 = rec(&other_tab, alice(), report(case.id, "Fan seized")).await;
    let e5 = rec(&store, alice(), to(CaseStatus::InProgress)).await;
    assert_eq!((e4.seq, e5.seq), (4, 5));
    assert_eq!(store.pending_count().await.unwrap(), 5);
    let both = store.case(case.id).await.unwrap().unwrap();
    assert_eq!(both.report.symptom.as_deref(), Some("Fan seized"));
    assert_eq!(both.status, CaseStatus::InProgress);
}

#[wasm_bindgen_test]
async fn part_use_moves_van_stock_in_the_same_transaction() {
    let store = Store::open_named(&unique_db("stock")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_case(&store, &case).await;
    seed(&store, vec![stock_change(&stock_level("P-1", ALICE, 5, 1))]).await;
    rec(&store, alice(), part_use(case.id, "P-1", 2)).await;
    rec(&store, alice(), part_use(case.id, "P-2", 1)).await;
    assert_eq!(store.stock_of("P-1").await.unwrap().unwrap().qty, 3);
    // a missing row starts at 0 and may go negative
    assert_eq!(store.stock_of("P-2").await.unwrap().unwrap().qty, -1);

    // The server's count arrives before it has our usage: the pending use stays visible.
    seed(
        &store,
        vec![stock_change(&stock_level("P-1", ALICE, 10, 1))],
    )
    .await;
    assert_eq!(store.stock_of("P-1").await.unwrap().unwrap().qty, 8);
}

/// After a reassignment Bob corrects Alice's use of P-1 down by one: the part goes back into
/// her van (the server counts it, and her device pulls it); Bob's van on his device does not
/// move.
#[wasm_bindgen_test]
async fn a_correction_of_another_vans_use_leaves_this_van_alone() {
    let store = Store::open_named(&unique_db("van")).await.unwrap();
    let mut case = server_case(Uuid::new_v4(), BOB, CaseStatus::InProgress);
    let usage = Uuid::new_v4();
    case.parts = vec![PartUsage {
        van: Some(ALICE),
        ..part_usage(usage, "P-1", 2, t0())
    }];
    seed_case(&store, &case).await;
    seed(&store, vec![stock_change(&stock_level("P-1", BOB, 5, 1))]).await;
    let correct = Mutation::PartCorrect(PartCorrectArgs {
        case_id: case.id,
        usage_id: Uuid::new_v4(),
        corrects: usage,
        qty_delta: -1,
    });
    rec(&store, bob(), correct).await;
    assert_eq!(store.stock_of("P-1").await.unwrap().unwrap().qty, 5);
    let stored = store.case(case.id).await.unwrap().unwrap();
    assert_eq!(stored.net_parts(), [("P-1".to_string(), 1)]);
}

/// A write that runs out of space (simulated: the transaction aborts with a
/// QuotaExceededError after all its requests) leaves nothing behind: not the local effect,
/// not the blob, not the outbox entry, not the seq. The error says "quota"; the next write works.
#[wasm_bindgen_test]
async fn a_mutation_naming_a_blob_not_on_the_device_writes_nothing() {
    let store = Store::open_named(&unique_db("blob-named")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_case(&store, &case).await;
    let photo = |sha: &str| photo_add(case.id, sha);
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
    rec(&store, alice(), photo(&kept)).await;
    assert_eq!(store.pending_count().await.unwrap(), 1);
    assert_eq!(store.case(case.id).await.unwrap().unwrap().photos.len(), 1);
}

#[wasm_bindgen_test]
async fn quota_failure_leaves_store_and_outbox_unchanged() {
    use onsite::state::UiError;
    use onsite::store::{inject_fault, Fault};

    let store = Store::open_named(&unique_db("quota")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_case(&store, &case).await;
    let e1 = rec(&store, alice(), report(case.id, "before")).await;
    let case_before = store.case(case.id).await.unwrap();
    let outbox_before = store.pending(100).await.unwrap();

    let bytes = b"a photo that does not fit".to_vec();
    let sha = hash_blob(&bytes);
    // A new photo of the same bytes each time (its own photo id).
    let add_photo = || photo_add(case.id, &sha);
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

/// The app's write path with a full disk: the user sees `error.quota`, nothing is queued,
/// and the next write goes through.
#[wasm_bindgen_test]
async fn app_write_path_shows_quota_error_and_keeps_the_outbox() {
    use leptos::prelude::{GetUntracked, Set, SetValue};
    use onsite::state::AppState;
    use onsite::store::{inject_fault, Fault};

    let store = Store::open_named(&unique_db("quota-app")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_case(&store, &case).await;
    let state = AppState::new();
    state.store.set_value(Some(store.clone()));
    state
        .session
        .set(Some(session(ALICE, "Alice", Uuid::new_v4())));

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
