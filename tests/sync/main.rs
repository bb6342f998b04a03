//! Sync client against a stub transport (an in-memory server speaking protocol v1).
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test sync
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use onsite::api::{ApiError, PushReply};
use onsite::store::{hash_blob, Session, Store};
use onsite::sync::{flush_once, SyncError, Transport};
use onsite_core::wire::{
    Change, PullResponse, PushRequest, PushResponse, PushResult, PushStatus, RejectionRecord,
    MAX_BATCH_MUTATIONS,
};
use onsite_core::{Case, CaseStatus, Mutation};
use uuid::Uuid;
use wasm_bindgen_test::*;

#[path = "../common/mod.rs"]
mod common;

mod engine;
mod flush;
mod users;

use common::{
    engineer as eng, pending_seqs, photo_add, rec, rejection, rejection_change, report, seed_case,
    server_case, session, unique_db, ALICE, BOB,
};

wasm_bindgen_test_configure!(run_in_browser);

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
                    let record = RejectionRecord {
                        client_id: self.client_id,
                        mutation_id: m.id,
                        name: m.name.clone(),
                        ..rejection(m.seq, None)
                    };
                    let change = rejection_change(&record);
                    self.pending_changes.borrow_mut().push(change);
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
    let store = Store::open_named(&unique_db(&format!("sync-{tag}")))
        .await
        .unwrap();
    let client_id = store.client_id().await.unwrap();
    let session = Session {
        token: "tok".into(),
        ..session(ALICE, "Alice", client_id)
    };
    store.set_session(Some(&session)).await.unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_case(&store, &case).await;
    Fixture {
        stub: Stub::new(client_id),
        store,
        session,
        case,
    }
}

/// A fixture with `n` reports queued whose round meets `mode` at its first push: its error.
async fn failing(tag: &str, n: usize, mode: Mode) -> (Fixture, SyncError) {
    let f = fixture(tag).await;
    f.record_reports(n).await;
    f.stub.modes.borrow_mut().push_back(mode);
    let err = f.flush().await.unwrap_err();
    (f, err)
}

impl Fixture {
    async fn record_reports(&self, n: usize) {
        for i in 0..n {
            rec(
                &self.store,
                eng(ALICE),
                report(self.case.id, &format!("s{i}")),
            )
            .await;
        }
    }
    async fn flush(&self) -> Result<onsite::sync::FlushReport, SyncError> {
        flush_once(&self.store, &self.stub, &self.session).await
    }
    async fn pending_seqs(&self) -> Vec<u64> {
        pending_seqs(&self.store).await
    }
}
