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

#[path = "../common/mod.rs"]
mod common;

mod engine;
mod flush;
mod users;

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
    common::seed_cases(&store, std::slice::from_ref(&case)).await;
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
