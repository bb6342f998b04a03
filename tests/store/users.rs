//! Users on one device: a client and an outbox each; an ended session clears the server's data.

use onsite::store::{hash_blob, Store, StoreErrorKind};
use onsite_core::CaseStatus;
use uuid::Uuid;
use wasm_bindgen_test::*;

use crate::common::{
    accept, case_change, page_at, photo_add, rec, seed_case, server_case, session, set_status,
    unique_db, ALICE, BOB,
};
use crate::{alice, bob};

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
    store.activate(&session(ALICE, "alice", a)).await.unwrap();
    seed_case(&store, &alice_case).await;
    let e1 = rec(&store, alice(), accept(alice_case.id)).await;
    assert_eq!((e1.seq, e1.client_id), (1, Some(a)));

    // Bob signs in on the same device: a new client, alice's cases leave the device.
    let b = store.client_for_login("bob", false).await.unwrap();
    assert_ne!(b, a);
    store.activate(&session(BOB, "bob", b)).await.unwrap();
    assert_eq!(
        store.session().await.unwrap(),
        Some(session(BOB, "bob", b)),
        "stored in the same transaction"
    );
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
    seed_case(&store, &bob_case).await;
    let e2 = rec(&store, bob(), accept(bob_case.id)).await;
    assert_eq!(
        (e2.seq, e2.client_id),
        (1, Some(b)),
        "bob's seqs start at 1"
    );
    assert_eq!(store.pending(10).await.unwrap(), vec![e2.clone()]);
    store
        .ack(store.active_client().await.unwrap(), 1, &[])
        .await
        .unwrap();
    assert_eq!(
        store.pending_count().await.unwrap(),
        1,
        "bob's ack leaves alice's entry"
    );

    // Alice again: her client, her queued entry, next seq 2.
    assert_eq!(store.client_for_login("alice", false).await.unwrap(), a);
    store.activate(&session(ALICE, "alice", a)).await.unwrap();
    assert_eq!(store.pending(10).await.unwrap(), vec![e1]);
    seed_case(&store, &alice_case).await;
    let e3 = rec(
        &store,
        alice(),
        set_status(alice_case.id, CaseStatus::EnRoute),
    )
    .await;
    assert_eq!((e3.seq, e3.client_id), (2, Some(a)));

    // The server said the client_id is taken (a device from before this rule): a fresh one.
    let fresh = store.client_for_login("alice", true).await.unwrap();
    assert!(fresh != a && fresh != b);
    // Her next write goes under the fresh client, whose seqs start again at 1 (the store's
    // guess of her client, from her last write, is checked against the stored one).
    store
        .activate(&session(ALICE, "alice", fresh))
        .await
        .unwrap();
    seed_case(&store, &alice_case).await;
    let e4 = rec(&store, alice(), accept(alice_case.id)).await;
    assert_eq!((e4.seq, e4.client_id), (1, Some(fresh)));
}

/// A session the server ended (revoked phone): the server's data leaves the device, queued
/// changes and the blobs they name stay until their author signs in again.
#[wasm_bindgen_test]
async fn clearing_server_data_keeps_queued_changes_and_their_blobs() {
    let store = Store::open_named(&unique_db("clear")).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_case(&store, &case).await;
    let photo = b"queued photo".to_vec();
    let sha = hash_blob(&photo);
    let blobs = vec![(sha.clone(), photo.clone())];
    store
        .record(alice(), photo_add(case.id, &sha), blobs)
        .await
        .unwrap();
    let cached = b"a signature pulled from the server".to_vec();
    store
        .cache_blob(&hash_blob(&cached), &cached)
        .await
        .unwrap();

    let alices = session(ALICE, "alice", store.active_client().await.unwrap());
    store.set_session(Some(&alices)).await.unwrap();
    assert!(store.end_session(&alices.token).await.unwrap());
    assert_eq!(store.session().await.unwrap(), None);
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

/// Alice's sync round is still running in one tab when Bob signs in in another: what her
/// round writes afterwards (the ack of her push, a pull page of her cases) is refused whole.
/// Before, the ack removed Bob's queued changes with the same seqs, never pushed, and the
/// page put Alice's cases and cursor into Bob's data.
#[wasm_bindgen_test]
async fn a_sync_round_of_a_user_whom_another_sign_in_replaced_writes_nothing() {
    let store = Store::open_named(&unique_db("replaced")).await.unwrap();
    let a = store.client_for_login("alice", false).await.unwrap();
    store.activate(&session(ALICE, "alice", a)).await.unwrap();
    let alice_case = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    let bob_case = server_case(Uuid::new_v4(), BOB, CaseStatus::Assigned);
    seed_case(&store, &alice_case).await;
    rec(&store, alice(), accept(alice_case.id)).await;

    let b = store.client_for_login("bob", false).await.unwrap();
    store.activate(&session(BOB, "bob", b)).await.unwrap();
    assert_eq!(store.active_client().await.unwrap(), b);
    seed_case(&store, &bob_case).await;
    let cursor = store.cursor().await.unwrap();
    let bobs = rec(&store, bob(), accept(bob_case.id)).await;

    // Alice's round: the server applied her seq 1, and her pull page brings her case.
    let refused = store.ack(a, 1, &[]).await.unwrap_err();
    assert_eq!(refused.kind, StoreErrorKind::SessionChanged);
    let page = page_at(vec![case_change(&alice_case)], 1, false);
    let refused = store.apply_pull(a, &page).await.unwrap_err();
    assert_eq!(refused.kind, StoreErrorKind::SessionChanged);

    assert_eq!(
        store.pending(10).await.unwrap(),
        vec![bobs],
        "bob's queued change is still there"
    );
    assert_eq!(store.pending_count().await.unwrap(), 2, "and alice's");
    assert!(store.case(alice_case.id).await.unwrap().is_none());
    assert_eq!(store.cursor().await.unwrap(), cursor);
    // Bob's own round goes on.
    store.ack(b, 1, &[]).await.unwrap();
    assert!(store.pending(10).await.unwrap().is_empty());
}

/// The server ended a session (revoked, idle): its data and the stored session go only while
/// it is still the device's. Another user who signed in since keeps theirs.
#[wasm_bindgen_test]
async fn an_ended_session_clears_the_device_only_while_it_is_the_devices() {
    let store = Store::open_named(&unique_db("end-session")).await.unwrap();
    let b = store.client_for_login("bob", false).await.unwrap();
    let bob_session = session(BOB, "bob", b);
    store.activate(&bob_session).await.unwrap();
    store.set_session(Some(&bob_session)).await.unwrap();
    let bob_case = server_case(Uuid::new_v4(), BOB, CaseStatus::Assigned);
    seed_case(&store, &bob_case).await;

    assert!(!store.end_session("token-alice").await.unwrap());
    assert_eq!(store.session().await.unwrap(), Some(bob_session));
    assert!(store.case(bob_case.id).await.unwrap().is_some());

    assert!(store.end_session("token-bob").await.unwrap());
    assert_eq!(store.session().await.unwrap(), None);
    assert!(store.case(bob_case.id).await.unwrap().is_none());
}
