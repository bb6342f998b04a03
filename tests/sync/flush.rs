//! One round against the stub server: what leaves the outbox, what stays, in what order.

use super::*;

#[wasm_bindgen_test]
async fn all_applied_entries_leave_the_outbox() {
    let f = fixture("applied").await;
    f.record_reports(3).await;
    let r = f.flush().await.unwrap();
    assert_eq!((r.pushes, r.applied, r.pulls), (1, 3, 1));
    assert!(f.pending_seqs().await.is_empty());
    assert_eq!(f.stub.log(), vec!["push 1..3 (3)", "pull"]);
    assert!(f.store.sync_counts().await.unwrap().last_sync.is_some());
    // Nothing left: the next round only pulls.
    let r = f.flush().await.unwrap();
    assert_eq!((r.pushes, r.pulls), (0, 1));
}

#[wasm_bindgen_test]
async fn duplicates_are_acked_and_removed() {
    let f = fixture("dup").await;
    f.record_reports(3).await;
    // The server already has 1 and 2 (an earlier push whose answer was lost).
    f.stub.last_seq.set(2);
    let r = f.flush().await.unwrap();
    assert_eq!((r.duplicate, r.applied), (2, 1));
    assert!(f.pending_seqs().await.is_empty());
}

#[wasm_bindgen_test]
async fn rejected_entries_are_removed_undone_and_the_rejection_is_stored() {
    let f = fixture("rejected").await;
    f.record_reports(1).await; // seq 1: symptom "s0"
    rec(&f.store, eng(ALICE), report(f.case.id, "rejected edit")).await; // seq 2
    f.stub.reject.borrow_mut().insert(2);
    let r = f.flush().await.unwrap();
    assert_eq!((r.applied, r.rejected), (1, 1));
    assert!(f.pending_seqs().await.is_empty());
    let rejections = f.store.sync_counts().await.unwrap().rejections;
    assert_eq!(rejections.len(), 1);
    assert_eq!(rejections[0].seq, 2);
    assert_eq!(rejections[0].name, "case.report");
    // The rejected edit no longer shows: the view was rebuilt from the server's copy.
    let local = f.store.case(f.case.id).await.unwrap().unwrap();
    assert_ne!(local.report.symptom.as_deref(), Some("rejected edit"));
}

#[wasm_bindgen_test]
async fn seq_gap_removes_what_the_server_has_and_retries_the_rest() {
    let f = fixture("gap").await;
    f.record_reports(5).await;
    f.stub.modes.borrow_mut().push_back(Mode::Gap(3));
    let r = f.flush().await.unwrap();
    assert_eq!(
        f.stub.log(),
        vec!["push 1..5 (5)", "push 3..5 (3)", "pull"],
        "1 and 2 were acked by the 409; 3..5 were kept and retried"
    );
    assert_eq!(r.applied, 3);
    assert!(f.pending_seqs().await.is_empty());
}

#[wasm_bindgen_test]
async fn seq_gap_the_device_cannot_fill_keeps_everything() {
    let f = fixture("gap-stuck").await;
    f.record_reports(3).await;
    // Seq 1 left the outbox, but the server (restored from an old backup) expects 1 again:
    // the device cannot fill the gap, so it stops without dropping anything.
    f.store.ack(f.session.client_id, 1, &[]).await.unwrap();
    f.stub.modes.borrow_mut().push_back(Mode::Gap(1));
    let err = f.flush().await.unwrap_err();
    assert!(matches!(err, SyncError::Stuck(_)), "{err:?}");
    assert_eq!(f.pending_seqs().await, vec![2, 3]);
}

#[wasm_bindgen_test]
async fn server_error_keeps_everything() {
    let (f, err) = failing("500", 3, Mode::Status500).await;
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(f.pending_seqs().await, vec![1, 2, 3]);
    // Next round succeeds.
    f.flush().await.unwrap();
    assert!(f.pending_seqs().await.is_empty());
}

#[wasm_bindgen_test]
async fn network_error_keeps_everything() {
    let (f, err) = failing("offline", 2, Mode::Offline).await;
    let offline = matches!(err, SyncError::Transient(ApiError::Offline));
    assert!(offline, "{err:?}");
    assert_eq!(f.pending_seqs().await, vec![1, 2]);
}

#[wasm_bindgen_test]
async fn expired_sign_in_stops_and_keeps_everything() {
    let (f, err) = failing("401", 2, Mode::Unauthorized).await;
    assert!(matches!(err, SyncError::AuthExpired), "{err:?}");
    assert_eq!(f.pending_seqs().await, vec![1, 2]);
    assert_eq!(f.stub.log(), vec!["push 1..2 (2)"]);
}

#[wasm_bindgen_test]
async fn blobs_are_uploaded_before_the_push_that_names_them() {
    let f = fixture("blobs").await;
    f.record_reports(1).await;
    let bytes = b"\x89PNG fake photo bytes".to_vec();
    let sha = hash_blob(&bytes);
    let photo = photo_add(f.case.id, &sha);
    f.store
        .record(eng(ALICE), photo, vec![(sha.clone(), bytes)])
        .await
        .unwrap();
    let r = f.flush().await.unwrap();
    assert_eq!(r.blobs_uploaded, 1);
    assert_eq!(
        f.stub.log(),
        vec![format!("blob {sha}"), "push 1..2 (2)".into(), "pull".into()]
    );
    assert!(f.store.blob_uploaded(&sha).await.unwrap());
    // The photo stays on the device for offline viewing.
    assert!(f.store.blob(&sha).await.unwrap().is_some());
}

#[wasm_bindgen_test]
async fn batches_hold_at_most_100_mutations() {
    let f = fixture("batches").await;
    f.record_reports(250).await;
    let r = f.flush().await.unwrap();
    assert_eq!(r.pushes, 3);
    assert_eq!(r.applied, 250);
    assert_eq!(
        f.stub.log(),
        vec![
            "push 1..100 (100)",
            "push 101..200 (100)",
            "push 201..250 (50)",
            "pull"
        ]
    );
    assert!(f.pending_seqs().await.is_empty());
}
