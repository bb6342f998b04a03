//! Sync client against a stub transport (an in-memory server speaking protocol v1).
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test sync
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use chrono::Utc;
use onsite::api::{ApiError, PushReply};
use onsite::store::{hash_blob, Session, Store};
use onsite::sync::{flush_once, SyncError, Transport};
use onsite_core::mutation::PhotoAddArgs;
use onsite_core::wire::{
    Change, ChangeOp, Entity, PullResponse, PushRequest, PushResponse, PushResult, PushStatus,
    RejectionRecord, UserInfo, MAX_BATCH_MUTATIONS,
};
use onsite_core::{Case, CaseStatus, Mutation, Role};
use uuid::Uuid;
use wasm_bindgen_test::*;

mod common;

use common::{engineer as eng, report, ALICE, BOB};

wasm_bindgen_test_configure!(run_in_browser);

fn server_case(id: Uuid, engineer: Uuid, in_progress: bool) -> onsite_core::Case {
    let status = if in_progress {
        CaseStatus::InProgress
    } else {
        CaseStatus::Assigned
    };
    common::server_case(id, engineer, status)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// Behave like the real server.
    Normal,
    /// Answer 409 seq_gap with this `expected` (the server has everything below it).
    Gap(u64),
    Status500,
    Offline,
    Unauthorized,
}

/// An in-memory server: per-client last_seq, idempotent by seq, rejects the seqs it is told to,
/// and syncs rejection records back on pull.
struct Stub {
    last_seq: Cell<u64>,
    reject: RefCell<HashSet<u64>>,
    modes: RefCell<VecDeque<Mode>>,
    log: RefCell<Vec<String>>,
    blobs: RefCell<HashSet<String>>,
    pending_changes: RefCell<Vec<Change>>,
    client_id: Uuid,
}

impl Stub {
    fn new(client_id: Uuid) -> Stub {
        Stub {
            last_seq: Cell::new(0),
            reject: RefCell::new(HashSet::new()),
            modes: RefCell::new(VecDeque::new()),
            log: RefCell::new(Vec::new()),
            blobs: RefCell::new(HashSet::new()),
            pending_changes: RefCell::new(Vec::new()),
            client_id,
        }
    }
    fn next_mode(&self) -> Mode {
        self.modes.borrow_mut().pop_front().unwrap_or(Mode::Normal)
    }
    fn log(&self) -> Vec<String> {
        self.log.borrow().clone()
    }
}

impl Transport for Stub {
    async fn put_blob(&self, _token: &str, sha256: &str, bytes: &[u8]) -> Result<(), ApiError> {
        assert_eq!(hash_blob(bytes), sha256);
        self.log.borrow_mut().push(format!("blob {sha256}"));
        self.blobs.borrow_mut().insert(sha256.into());
        Ok(())
    }

    async fn push(&self, token: &str, req: &PushRequest) -> Result<PushReply, ApiError> {
        assert_eq!(token, "tok");
        assert_eq!(req.client_id, self.client_id);
        assert_eq!(req.schema_version, onsite_core::SCHEMA_VERSION);
        assert!(req.mutations.len() <= MAX_BATCH_MUTATIONS);
        let first = req.mutations.first().map(|m| m.seq).unwrap_or(0);
        let last = req.mutations.last().map(|m| m.seq).unwrap_or(0);
        self.log
            .borrow_mut()
            .push(format!("push {first}..{last} ({})", req.mutations.len()));
        match self.next_mode() {
            Mode::Status500 => {
                return Err(ApiError::Http {
                    status: 500,
                    code: "internal".into(),
                    message: "boom".into(),
                    retry_after: None,
                })
            }
            Mode::Offline => return Err(ApiError::Offline),
            Mode::Unauthorized => return Err(ApiError::Unauthorized),
            Mode::Gap(expected) => {
                self.last_seq.set(expected - 1);
                return Ok(PushReply::SeqGap { expected });
            }
            Mode::Normal => {}
        }
        let mut results = Vec::new();
        for m in &req.mutations {
            // Every blob a mutation names is on the server before it.
            if let Ok(parsed) = Mutation::parse(&m.name, &m.args) {
                for sha in parsed.blob_hashes() {
                    assert!(
                        self.blobs.borrow().contains(&sha),
                        "blob {sha} not uploaded first"
                    );
                }
            }
            let last = self.last_seq.get();
            if m.seq <= last {
                results.push(PushResult {
                    seq: m.seq,
                    status: PushStatus::Duplicate,
                    reason: None,
                });
            } else if m.seq == last + 1 {
                self.last_seq.set(m.seq);
                if self.reject.borrow().contains(&m.seq) {
                    results.push(PushResult {
                        seq: m.seq,
                        status: PushStatus::Rejected,
                        reason: Some("not_assignee".into()),
                    });
                    let rec = RejectionRecord {
                        id: Uuid::new_v4(),
                        client_id: self.client_id,
                        seq: m.seq,
                        mutation_id: m.id,
                        name: m.name.clone(),
                        case_id: None,
                        code: onsite_core::RejectionCode::NotAssignee,
                        message: "case is not assigned to you".into(),
                        at: Utc::now(),
                    };
                    self.pending_changes.borrow_mut().push(Change {
                        entity: Entity::Rejection,
                        op: ChangeOp::Put,
                        id: rec.id.to_string(),
                        data: serde_json::to_value(&rec).unwrap(),
                    });
                } else {
                    results.push(PushResult {
                        seq: m.seq,
                        status: PushStatus::Applied,
                        reason: None,
                    });
                }
            } else {
                return Ok(PushReply::SeqGap { expected: last + 1 });
            }
        }
        Ok(PushReply::Ok(PushResponse {
            last_seq: self.last_seq.get(),
            results,
        }))
    }

    async fn pull(
        &self,
        token: &str,
        client_id: Uuid,
        _cursor: Option<&str>,
    ) -> Result<PullResponse, ApiError> {
        assert_eq!(token, "tok");
        assert_eq!(client_id, self.client_id);
        self.log.borrow_mut().push("pull".into());
        Ok(PullResponse {
            cursor: format!("{}", self.log.borrow().len()),
            has_more: false,
            reset: false,
            last_seq: self.last_seq.get(),
            changes: std::mem::take(&mut *self.pending_changes.borrow_mut()),
        })
    }
}

struct Fixture {
    store: Store,
    session: Session,
    stub: Stub,
    case: Case,
}

async fn fixture(tag: &str) -> Fixture {
    let store = Store::open_named(&format!("onsite-sync-{tag}-{}", Uuid::new_v4()))
        .await
        .unwrap();
    let client_id = store.client_id().await.unwrap();
    let session = Session {
        token: "tok".into(),
        user: UserInfo {
            id: ALICE,
            name: "Alice".into(),
            role: Role::Engineer,
        },
        client_id,
    };
    store.set_session(Some(&session)).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, true);
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &PullResponse {
                cursor: "0".into(),
                has_more: false,
                reset: false,
                last_seq: 0,
                changes: vec![Change {
                    entity: Entity::Case,
                    op: ChangeOp::Put,
                    id: case.id.to_string(),
                    data: serde_json::to_value(&case).unwrap(),
                }],
            },
        )
        .await
        .unwrap();
    Fixture {
        stub: Stub::new(client_id),
        store,
        session,
        case,
    }
}

impl Fixture {
    async fn record_reports(&self, n: usize) {
        for i in 0..n {
            self.store
                .record(eng(ALICE), report(self.case.id, &format!("s{i}")), vec![])
                .await
                .unwrap();
        }
    }
    async fn flush(&self) -> Result<onsite::sync::FlushReport, SyncError> {
        flush_once(&self.store, &self.stub, &self.session).await
    }
    async fn pending_seqs(&self) -> Vec<u64> {
        self.store
            .pending(10_000)
            .await
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect()
    }
}

#[wasm_bindgen_test]
async fn all_applied_entries_leave_the_outbox() {
    let f = fixture("applied").await;
    f.record_reports(3).await;
    let r = f.flush().await.unwrap();
    assert_eq!((r.pushes, r.applied, r.pulls), (1, 3, 1));
    assert!(f.pending_seqs().await.is_empty());
    assert_eq!(f.stub.log(), vec!["push 1..3 (3)", "pull"]);
    assert!(f.store.last_sync().await.unwrap().is_some());
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
    f.store
        .record(eng(ALICE), report(f.case.id, "rejected edit"), vec![])
        .await
        .unwrap(); // seq 2
    f.stub.reject.borrow_mut().insert(2);
    let r = f.flush().await.unwrap();
    assert_eq!((r.applied, r.rejected), (1, 1));
    assert!(f.pending_seqs().await.is_empty());
    let rejections = f.store.rejections().await.unwrap();
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
    let f = fixture("500").await;
    f.record_reports(3).await;
    f.stub.modes.borrow_mut().push_back(Mode::Status500);
    let err = f.flush().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(f.pending_seqs().await, vec![1, 2, 3]);
    // Next round succeeds.
    f.flush().await.unwrap();
    assert!(f.pending_seqs().await.is_empty());
}

#[wasm_bindgen_test]
async fn network_error_keeps_everything() {
    let f = fixture("offline").await;
    f.record_reports(2).await;
    f.stub.modes.borrow_mut().push_back(Mode::Offline);
    let err = f.flush().await.unwrap_err();
    assert!(
        matches!(err, SyncError::Transient(ApiError::Offline)),
        "{err:?}"
    );
    assert_eq!(f.pending_seqs().await, vec![1, 2]);
}

#[wasm_bindgen_test]
async fn expired_sign_in_stops_and_keeps_everything() {
    let f = fixture("401").await;
    f.record_reports(2).await;
    f.stub.modes.borrow_mut().push_back(Mode::Unauthorized);
    let err = f.flush().await.unwrap_err();
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
    f.store
        .record(
            eng(ALICE),
            Mutation::PhotoAdd(PhotoAddArgs {
                case_id: f.case.id,
                photo_id: Uuid::new_v4(),
                sha256: sha.clone(),
                caption: None,
            }),
            vec![(sha.clone(), bytes)],
        )
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

#[wasm_bindgen_test]
async fn another_users_entries_wait_and_are_never_deleted() {
    let f = fixture("users").await;
    let bobs_case = server_case(Uuid::new_v4(), BOB, true);
    f.store
        .apply_pull(
            f.store.active_client().await.unwrap(),
            &PullResponse {
                cursor: "0".into(),
                has_more: false,
                reset: false,
                last_seq: 0,
                changes: vec![Change {
                    entity: Entity::Case,
                    op: ChangeOp::Put,
                    id: bobs_case.id.to_string(),
                    data: serde_json::to_value(&bobs_case).unwrap(),
                }],
            },
        )
        .await
        .unwrap();
    // Bob worked on this device before Alice signed in.
    f.store
        .record(eng(BOB), report(bobs_case.id, "bob's note"), vec![])
        .await
        .unwrap();
    f.record_reports(1).await;
    let r = f.flush().await.unwrap();
    assert!(r.blocked_by_other_user);
    assert_eq!(r.pushes, 0);
    assert_eq!(f.pending_seqs().await, vec![1, 2]);
    assert_eq!(
        f.store
            .case(bobs_case.id)
            .await
            .unwrap()
            .unwrap()
            .report
            .symptom
            .as_deref(),
        Some("bob's note")
    );

    // Bob signs in again: his entry goes, then Alice's waits for her.
    let bob_session = Session {
        token: "tok".into(),
        user: UserInfo {
            id: BOB,
            name: "Bob".into(),
            role: Role::Engineer,
        },
        client_id: f.session.client_id,
    };
    let r = flush_once(&f.store, &f.stub, &bob_session).await.unwrap();
    assert_eq!(r.applied, 1);
    assert_eq!(f.pending_seqs().await, vec![2]);
    let r = f.flush().await.unwrap();
    assert_eq!(r.applied, 1);
    assert!(f.pending_seqs().await.is_empty());
}

/// The real engine against the test page's origin (which has no Onsite API: every call is a
/// 404): it runs at start under the Web Lock, reports the error, and keeps the outbox.
#[wasm_bindgen_test]
async fn engine_runs_at_start_and_reports_without_dropping_anything() {
    use leptos::prelude::{Get, RwSignal};
    let f = fixture("engine").await;
    f.record_reports(2).await;
    let status = RwSignal::new(onsite::sync::SyncStatus::default());
    let handle = onsite::sync::start(f.store.clone(), status, f.session.client_id);
    let mut seen = None;
    // Until the engine reports, with a deadline only a real failure reaches on a busy machine.
    for _ in 0..600 {
        gloo_timers::future::TimeoutFuture::new(100).await;
        let s = status.get();
        if s.last_error.is_some() && !s.syncing {
            seen = Some(s);
            break;
        }
    }
    handle.stop();
    let s = seen.expect("the engine ran and reported");
    assert_eq!(s.pending, 2);
    assert!(!s.auth_expired);
    // The status carries an i18n key (translated by the UI) and the technical detail apart.
    assert_eq!(s.last_error, Some("sync_error.server"));
    assert!(s.last_error_detail.unwrap().contains("404"));
    assert_eq!(f.pending_seqs().await, vec![1, 2]);
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
        user: UserInfo {
            id: BOB,
            name: "Bob".into(),
            role: Role::Engineer,
        },
        client_id: bob_client,
    };
    // Bob worked on this device before; his changes wait for him.
    f.store.activate(&bob).await.unwrap();
    let bob_case = server_case(Uuid::new_v4(), BOB, true);
    common::seed_cases(&f.store, std::slice::from_ref(&bob_case)).await;
    for i in 0..2 {
        f.store
            .record(eng(BOB), report(bob_case.id, &format!("b{i}")), vec![])
            .await
            .unwrap();
    }
    // Alice signs in again and writes two reports.
    f.store.activate(&f.session).await.unwrap();
    common::seed_cases(&f.store, std::slice::from_ref(&f.case)).await;
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
    let bobs: Vec<u64> = f
        .store
        .pending(10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
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
    let mut replaced = false;
    for _ in 0..600 {
        gloo_timers::future::TimeoutFuture::new(100).await;
        if status.get().session_replaced {
            replaced = true;
            break;
        }
    }
    handle.stop();
    assert!(
        replaced,
        "the engine saw the device's session is another one"
    );
    assert!(!status.get().syncing);
    assert_eq!(
        f.store.session().await.unwrap(),
        Some(f.session.clone()),
        "nothing cleared"
    );
}

#[wasm_bindgen_test]
async fn a_request_without_an_answer_in_time_counts_as_offline() {
    let never = futures::future::pending::<Result<u32, ApiError>>();
    let started = js_sys::Date::now();
    assert!(matches!(
        onsite::api::within(50, never).await,
        Err(ApiError::Offline)
    ));
    assert!(js_sys::Date::now() - started < 5_000.0);
    let quick = async { Ok::<u32, ApiError>(7) };
    assert_eq!(onsite::api::within(5_000, quick).await.unwrap(), 7);
}

#[wasm_bindgen_test]
async fn a_busy_sync_lock_is_not_waited_for() {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let name = format!("test-lock-{}", Uuid::new_v4());
    // Another "tab" holds the lock until we release it.
    let release: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let keep = release.clone();
    let holder = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        js_sys::Promise::new(&mut |resolve, _reject| {
            *keep.borrow_mut() = Some(resolve);
        })
    });
    let locks =
        js_sys::Reflect::get(&web_sys::window().unwrap().navigator(), &"locks".into()).unwrap();
    let request: js_sys::Function = js_sys::Reflect::get(&locks, &"request".into())
        .unwrap()
        .unchecked_into();
    let held = request
        .call2(&locks, &JsValue::from_str(&name), &holder)
        .unwrap();
    let held = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(held));
    while release.borrow().is_none() {
        gloo_timers::future::TimeoutFuture::new(5).await;
    }
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let busy = onsite::sync::with_lock(&name, move || async move { r.set(true) }).await;
    assert!(busy.is_none(), "a held lock is not waited for");
    assert!(!ran.get());

    let resolve = release.borrow_mut().take().unwrap();
    resolve.call0(&JsValue::NULL).unwrap();
    held.await.unwrap();
    let free = onsite::sync::with_lock(&name, || async { 42 }).await;
    assert_eq!(free, Some(42));
}
