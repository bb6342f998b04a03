//! Users on one device: another user's queued changes wait, and a round whose user another
//! sign-in replaced writes nothing.

use super::*;

#[wasm_bindgen_test]
async fn another_users_entries_wait_and_are_never_deleted() {
    let f = fixture("users").await;
    let bobs_case = server_case(Uuid::new_v4(), BOB, CaseStatus::InProgress);
    seed_case(&f.store, &bobs_case).await;
    // Bob worked on this device before Alice signed in.
    rec(&f.store, eng(BOB), report(bobs_case.id, "bob's note")).await;
    f.record_reports(1).await;
    let r = f.flush().await.unwrap();
    assert!(r.blocked_by_other_user);
    assert_eq!(r.pushes, 0);
    assert_eq!(f.pending_seqs().await, vec![1, 2]);
    let bobs = f.store.case(bobs_case.id).await.unwrap().unwrap();
    assert_eq!(bobs.report.symptom.as_deref(), Some("bob's note"));

    // Bob signs in again: his entry goes, then Alice's waits for her.
    let bob_session = Session {
        token: "tok".into(),
        ..session(BOB, "Bob", f.session.client_id)
    };
    let r = flush_once(&f.store, &f.stub, &bob_session).await.unwrap();
    assert_eq!(r.applied, 1);
    assert_eq!(f.pending_seqs().await, vec![2]);
    let r = f.flush().await.unwrap();
    assert_eq!(r.applied, 1);
    assert!(f.pending_seqs().await.is_empty());
}

/// The server as [`Stub`], while Bob signs in on the same device in another tab during the
/// first push (after the device sent it, before the answer is stored).
struct BobSignsInMeanwhile<'a> {
    server: &'a Stub,
    store: Store,
    bob: Session,
    done: Cell<bool>,
}

impl Transport for BobSignsInMeanwhile<'_> {
    async fn put_blob(&self, token: &str, sha256: &str, bytes: &[u8]) -> Result<(), ApiError> {
        self.server.put_blob(token, sha256, bytes).await
    }

    async fn push(&self, token: &str, req: &PushRequest) -> Result<PushReply, ApiError> {
        let reply = self.server.push(token, req).await;
        if !self.done.replace(true) {
            self.store.activate(&self.bob).await.unwrap();
            self.store.set_session(Some(&self.bob)).await.unwrap();
        }
        reply
    }

    async fn pull(
        &self,
        token: &str,
        client_id: Uuid,
        cursor: Option<&str>,
    ) -> Result<PullResponse, ApiError> {
        self.server.pull(token, client_id, cursor).await
    }
}

/// Alice's round meets Bob's sign-in in another tab: it stops with nothing written. Bob's
/// queued changes (seqs 1 and 2 of his client, the seqs the server just acknowledged for
/// Alice's) stay; Alice's stay too, and her next round finds them already on the server.
#[wasm_bindgen_test]
async fn a_round_whose_user_another_tab_replaced_stops_and_drops_nothing() {
    let f = fixture("replaced").await;
    let bob_client = f.store.client_for_login("bob", true).await.unwrap();
    let bob = Session {
        token: "tok-bob".into(),
        ..session(BOB, "Bob", bob_client)
    };
    // Bob worked on this device before; his changes wait for him.
    f.store.activate(&bob).await.unwrap();
    let bob_case = server_case(Uuid::new_v4(), BOB, CaseStatus::InProgress);
    seed_case(&f.store, &bob_case).await;
    for i in 0..2 {
        rec(&f.store, eng(BOB), report(bob_case.id, &format!("b{i}"))).await;
    }
    // Alice signs in again and writes two reports.
    f.store.activate(&f.session).await.unwrap();
    seed_case(&f.store, &f.case).await;
    f.record_reports(2).await;

    let meanwhile = BobSignsInMeanwhile {
        server: &f.stub,
        store: f.store.clone(),
        bob: bob.clone(),
        done: Cell::new(false),
    };
    let err = flush_once(&f.store, &meanwhile, &f.session)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SyncError::Store(e) if e.kind == onsite::store::StoreErrorKind::SessionChanged),
        "{err:?}"
    );
    assert_eq!(
        f.store.pending_count().await.unwrap(),
        4,
        "nothing left the outbox"
    );
    let bobs = f.store.pending(10).await.unwrap();
    let bobs: Vec<u64> = bobs.iter().map(|e| e.seq).collect();
    assert_eq!(bobs, vec![1, 2], "bob's changes wait to be pushed");

    // Alice signs in again: her changes are on the server already and leave as duplicates.
    f.store.activate(&f.session).await.unwrap();
    let report = f.flush().await.unwrap();
    assert_eq!((report.applied, report.duplicate), (0, 2));
    assert_eq!(f.pending_seqs().await, Vec::<u64>::new());
    assert_eq!(f.store.pending_count().await.unwrap(), 2, "bob's stay");
}

/// The engine of a tab whose user another sign-in on this device replaced stops and says so
/// (the app then signs that tab out); it syncs nothing as the other user.
#[wasm_bindgen_test]
async fn the_engine_of_a_replaced_session_stops_and_says_so() {
    use leptos::prelude::{Get, RwSignal};
    let f = fixture("engine-replaced").await;
    let status = RwSignal::new(onsite::sync::SyncStatus::default());
    let handle = onsite::sync::start(f.store.clone(), status, Uuid::new_v4());
    common::wait_until(
        "the engine to see the device's session is another one",
        || status.get().session_replaced,
    )
    .await;
    handle.stop();
    assert!(!status.get().syncing);
    assert_eq!(
        f.store.session().await.unwrap(),
        Some(f.session.clone()),
        "nothing cleared"
    );
}
