//! Sync engine: flushes the outbox (blobs first, then batches of mutations) and pulls the
//! server's changes. [`flush_once`] is one complete round and is what tests drive; [`start`]
//! runs it on the triggers DESIGN.md names, one tab at a time, with backoff.

mod engine;

use std::collections::HashSet;

use onsite_core::wire::{
    PullResponse, PushRequest, PushStatus, RejectionRecord, WireMutation, MAX_BATCH_BYTES,
    MAX_BATCH_MUTATIONS,
};
use uuid::Uuid;

use crate::api::{self, ApiError, PushReply};
use crate::store::{Session, Store, StoreError};

pub use engine::{refresh_status, start, with_lock, SyncHandle};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
    pub online: bool,
    pub syncing: bool,
    pub pending: u32,
    pub last_sync: Option<chrono::DateTime<chrono::Utc>>,
    pub rejections: Vec<RejectionRecord>,
    /// Why the last round did not complete, as an i18n key (`sync_error.*`); the UI
    /// translates it. `None` after a clean round and while simply offline.
    pub last_error: Option<&'static str>,
    /// Technical detail (HTTP status, server code); not translated, so never shown as text:
    /// the status page keeps it in a `data-detail` attribute.
    pub last_error_detail: Option<String>,
    /// A translated explanation of the last error (`sync_reason.*`), when there is one.
    pub last_error_reason: Option<&'static str>,
    pub auth_expired: bool,
    /// The server ended this device's session (revoked, or idle too long): the app signs out
    /// and the login page says why.
    pub session_ended: bool,
    /// Another user signed in on this device (in another tab): this tab signs out as well,
    /// and its login page says why. Nothing was cleared.
    pub session_replaced: bool,
}

/// The HTTP side of sync, swappable for tests.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn put_blob(&self, token: &str, sha256: &str, bytes: &[u8]) -> Result<(), ApiError>;
    async fn push(&self, token: &str, req: &PushRequest) -> Result<PushReply, ApiError>;
    async fn pull(
        &self,
        token: &str,
        client_id: Uuid,
        cursor: Option<&str>,
    ) -> Result<PullResponse, ApiError>;
}

/// The real transport: same-origin HTTP through [`crate::api`].
#[derive(Clone, Copy, Debug, Default)]
pub struct HttpTransport;

impl Transport for HttpTransport {
    async fn put_blob(&self, token: &str, sha256: &str, bytes: &[u8]) -> Result<(), ApiError> {
        api::put_blob(token, sha256, bytes).await
    }
    async fn push(&self, token: &str, req: &PushRequest) -> Result<PushReply, ApiError> {
        api::push(token, req).await
    }
    async fn pull(
        &self,
        token: &str,
        client_id: Uuid,
        cursor: Option<&str>,
    ) -> Result<PullResponse, ApiError> {
        api::pull(token, client_id, cursor).await
    }
}

/// What one [`flush_once`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlushReport {
    pub pushes: u32,
    pub applied: u32,
    pub duplicate: u32,
    pub rejected: u32,
    pub blobs_uploaded: u32,
    pub pulls: u32,
    /// The oldest outbox entry belongs to another user: it (and everything after it) waits
    /// until that user signs in again.
    pub blocked_by_other_user: bool,
}

#[derive(Clone, Debug)]
pub enum SyncError {
    /// 401: the session's token no longer works. Nothing was dropped.
    AuthExpired,
    /// 401: a manager revoked this device, or the session was idle too long. The device
    /// drops its copy of server data; queued changes stay until their author signs in.
    SessionEnded,
    /// No answer, or a server error (5xx/408/429): retry with backoff. Nothing was dropped.
    Transient(ApiError),
    /// The server refused the request itself (4xx other than 401), or cannot continue.
    Server(ApiError),
    /// The server expects a seq this device no longer has (or never had).
    Stuck(String),
    Store(StoreError),
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncError::AuthExpired => write!(f, "sign-in expired"),
            SyncError::SessionEnded => write!(f, "session ended"),
            SyncError::Transient(e) | SyncError::Server(e) => write!(f, "{e}"),
            SyncError::Stuck(m) => write!(f, "{m}"),
            SyncError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SyncError {}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        SyncError::Store(e)
    }
}

impl SyncError {
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Transient(_))
    }

    /// The i18n key the UI shows for this error.
    pub fn key(&self) -> &'static str {
        match self {
            SyncError::AuthExpired => "sync_error.auth_expired",
            SyncError::SessionEnded => "sync_error.session_ended",
            SyncError::Transient(ApiError::Offline) => "sync_error.offline",
            SyncError::Transient(_) => "sync_error.unavailable",
            SyncError::Server(_) => "sync_error.server",
            SyncError::Stuck(_) => "sync_error.stuck",
            SyncError::Store(e) if e.kind == crate::store::StoreErrorKind::QuotaExceeded => {
                "sync_error.quota"
            }
            SyncError::Store(_) => "sync_error.store",
        }
    }
}

impl SyncError {
    /// An i18n key explaining the error further (`sync_reason.*`), from the HTTP status.
    pub fn reason_key(&self) -> Option<&'static str> {
        match self {
            SyncError::Transient(e) | SyncError::Server(e) => e.reason_key(),
            _ => None,
        }
    }
}

/// i18n key shown when the oldest waiting change belongs to another user.
pub const BLOCKED_BY_OTHER_USER: &str = "sync_error.blocked_other_user";

fn classify(e: ApiError) -> SyncError {
    match e {
        ApiError::Unauthorized => SyncError::AuthExpired,
        ApiError::SessionEnded => SyncError::SessionEnded,
        e if e.is_transient() => SyncError::Transient(e),
        e => SyncError::Server(e),
    }
}

/// Bytes a mutation adds to a push body (its JSON plus a separating comma).
fn wire_size(w: &WireMutation) -> usize {
    serde_json::to_string(w).map(|s| s.len() + 1).unwrap_or(0)
}

/// Room for the push envelope around the mutations.
const ENVELOPE_BYTES: usize = 256;

/// One complete round: upload blobs, push every pushable outbox entry in batches, then pull
/// until `has_more` is false. Nothing leaves the outbox before the server's ack was read.
pub async fn flush_once<T: Transport>(
    store: &Store,
    transport: &T,
    session: &Session,
) -> Result<FlushReport, SyncError> {
    let mut report = FlushReport::default();
    let token = session.token.as_str();
    let user = session.user.id;
    let mut max_n = MAX_BATCH_MUTATIONS;
    let mut gap_retries = 0u32;
    let mut uploaded: HashSet<String> = HashSet::new();

    loop {
        let entries = store.pending(max_n).await?;
        let mut batch = Vec::new();
        let mut bytes = ENVELOPE_BYTES;
        for e in &entries {
            // `pending` holds the signed-in user's client only (one client_id per user): a
            // change is only ever pushed with its author's token.
            if e.user_id != user {
                break;
            }
            let w = WireMutation {
                seq: e.seq,
                id: e.id,
                name: e.name.clone(),
                args: e.args.clone(),
                client_time: e.client_time,
            };
            let size = wire_size(&w);
            if !batch.is_empty() && bytes + size > MAX_BATCH_BYTES {
                break;
            }
            bytes += size;
            batch.push((e, w));
        }
        if batch.is_empty() {
            // Other users' changes wait for them to sign in on this device.
            report.blocked_by_other_user = !entries.is_empty() || store.pending_count().await? > 0;
            break;
        }

        // Blobs go first: the mutation that names a hash must find it on the server.
        for (e, _) in &batch {
            for sha in &e.blobs {
                if uploaded.contains(sha) || store.blob_uploaded(sha).await? {
                    continue;
                }
                if let Some(data) = store.blob(sha).await? {
                    transport
                        .put_blob(token, sha, &data)
                        .await
                        .map_err(classify)?;
                    store.mark_blob_uploaded(sha).await?;
                    report.blobs_uploaded += 1;
                }
                uploaded.insert(sha.clone());
            }
        }

        let last_in_batch = batch.last().map(|(e, _)| e.seq).unwrap_or(0);
        let req = PushRequest {
            client_id: session.client_id,
            schema_version: onsite_core::SCHEMA_VERSION,
            mutations: batch.into_iter().map(|(_, w)| w).collect(),
        };
        report.pushes += 1;
        match transport.push(token, &req).await {
            Ok(PushReply::Ok(resp)) => {
                let mut rejected = Vec::new();
                for r in &resp.results {
                    match r.status {
                        PushStatus::Applied => report.applied += 1,
                        PushStatus::Duplicate => report.duplicate += 1,
                        PushStatus::Rejected => {
                            report.rejected += 1;
                            rejected.push(r.seq);
                        }
                    }
                }
                store
                    .ack(session.client_id, resp.last_seq, &rejected)
                    .await?;
                if resp.last_seq < last_in_batch {
                    return Err(SyncError::Stuck(format!(
                        "server acknowledged up to {} of a batch ending at {last_in_batch}",
                        resp.last_seq
                    )));
                }
                gap_retries = 0;
            }
            Ok(PushReply::SeqGap { expected }) => {
                gap_retries += 1;
                if expected > 0 {
                    // Everything before `expected` is on the server already.
                    store.ack(session.client_id, expected - 1, &[]).await?;
                }
                let first = store.pending(1).await?;
                let can_continue = first
                    .first()
                    .is_some_and(|e| e.seq == expected && e.user_id == user);
                if first.is_empty() {
                    continue;
                }
                if !can_continue || gap_retries > 3 {
                    return Err(SyncError::Stuck(format!(
                        "server expects seq {expected}; the oldest entry here is {}",
                        first[0].seq
                    )));
                }
            }
            Err(ApiError::Http { status: 413, .. }) if req.mutations.len() > 1 => {
                max_n = (req.mutations.len() / 2).max(1);
            }
            Err(e) => return Err(classify(e)),
        }
    }

    let mut cursor = store.cursor().await?;
    loop {
        let resp = transport
            .pull(token, session.client_id, cursor.as_deref())
            .await
            .map_err(classify)?;
        store.apply_pull(session.client_id, &resp).await?;
        report.pulls += 1;
        if !resp.has_more || cursor.as_deref() == Some(resp.cursor.as_str()) {
            break;
        }
        cursor = Some(resp.cursor);
    }
    Ok(report)
}
