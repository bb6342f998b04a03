//! The one write path: the local effect, its outbox entry and its seq in one transaction,
//! or nothing at all (a blob not on the device, a full disk).

use onsite::store::{hash_blob, Session, Store, StoreErrorKind};
use onsite_core::mutation::{CaseRef, PartUseArgs, PhotoAddArgs, SetStatusArgs};
use onsite_core::wire::{Entity, UserInfo};
use onsite_core::{CaseStatus, Mutation, Role};
use uuid::Uuid;
use wasm_bindgen_test::*;

use crate::common::{page_at, put, report, seed_cases, server_case, unique_db, ALICE};
use crate::{accept_as_alice, alice, bob};

#[wasm_bindgen_test]
async fn record_assigns_seq_atomically_with_the_local_write() {
    let db = unique_db("seq");
    let store = Store::open_named(&db).await.unwrap();
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

    // Another tab writes in between: each write reads the seq inside its transaction, so
    // neither tab reuses one, and the case as it is stored now (this store keeps the case it
    // wrote last, used only while the stored text is still exactly that).
    let other_tab = Store::open_named(&db).await.unwrap();
    let e4 = other_tab
        .record(alice(), report(case.id, "Fan seized"), vec![])
        .await
        .unwrap();
    let e5 = store
        .record(
            alice(),
            Mutation::SetStatus(SetStatusArgs {
                case_id: case.id,
                status: CaseStatus::InProgress,
                reason: None,
            }),
            vec![],
        )
        .await
        .unwrap();
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
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(
                vec![put(
                    Entity::Stock,
                    "P-1",
                    serde_json::json!({"part_no": "P-1", "engineer_id": ALICE, "qty": 5}),
                )],
                0,
                false,
            ),
        )
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
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(
                vec![put(
                    Entity::Stock,
                    "P-1",
                    serde_json::json!({"part_no": "P-1", "engineer_id": ALICE, "qty": 10}),
                )],
                0,
                false,
            ),
        )
        .await
        .unwrap();
    assert_eq!(store.stock_of("P-1").await.unwrap().unwrap().qty, 8);
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
