//! The IndexedDB adapter: the device's data, split by job — `schema` (opening, upgrades),
//! `clients` (who the device works for, sessions, settings), `outbox` (the write path,
//! waiting changes, acks), `pull` (pull pages, rebuilt through `onsite_core::replica`),
//! `reads`; `idb` wraps the IndexedDB calls. The types and names they share are here.

mod clients;
#[cfg(feature = "test-hooks")]
mod faults;
mod idb;
mod outbox;
mod pull;
mod reads;
mod schema;

#[cfg(feature = "test-hooks")]
pub use faults::{inject_fault, Fault};

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use indexed_db_futures::KeyRange;
use onsite_core::replica::{self, PendingChange};
use onsite_core::wire::{ChangeOp, Entity, PolicyRecord, PullResponse, RejectionRecord, UserInfo};
use onsite_core::{
    apply, Actor, ApplyContext, Case, CaseSummary, Mutation, Part, PastFix, Role, SlaPolicy,
    StockLevel, StockMove,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

use idb::{nkey, skey};

#[derive(Debug, Clone)]
pub struct StoreError {
    pub kind: StoreErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    QuotaExceeded,
    /// onsite-core refused the mutation (nothing was written).
    Rejected(onsite_core::RejectionCode),
    NotFound,
    /// Another sign-in on this device (in another tab) replaced the session a sync round ran
    /// under: the round's write was refused whole.
    SessionChanged,
    Other,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    pub(crate) fn other(message: impl Into<String>) -> StoreError {
        StoreError {
            kind: StoreErrorKind::Other,
            message: message.into(),
        }
    }
}

/// [`Store::sync_counts`].
#[derive(Clone, Debug, PartialEq)]
pub struct SyncCounts {
    pub pending: u32,
    pub last_sync: Option<DateTime<Utc>>,
    pub rejections: Vec<RejectionRecord>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub token: String,
    pub user: UserInfo,
    pub client_id: uuid::Uuid,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OutboxEntry {
    /// The seq of this entry's client (one client_id per user on the device).
    pub seq: u64,
    pub id: uuid::Uuid,
    pub name: String,
    pub args: serde_json::Value,
    pub client_time: chrono::DateTime<chrono::Utc>,
    pub user_id: uuid::Uuid,
    pub blobs: Vec<String>,
    /// The client (device + user) that pushes it; `None` in entries from before clients were
    /// per user: the device's first client ([`Store::client_id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<uuid::Uuid>,
}

/// Name of the app's database (`index.html` warms it by this name at start).
pub const DB_NAME: &str = "onsite";
/// Schema version of the IndexedDB database (the upgrade ladder below).
/// 1: the sync stores. 2: adds `settings` (device preferences, kept apart from sync state).
/// 3: adds `users`, `policies` and `past_fixes` (pulled reference data).
pub const DB_VERSION: u32 = 3;

const META: &str = "meta";
/// The local view: the server's version with this device's pending mutations applied.
const CASES: &str = "cases";
/// The server's version of each case as last pulled (the base pending mutations re-apply on).
const SERVER_CASES: &str = "server_cases";
const PARTS: &str = "parts";
const STOCK: &str = "stock";
const OUTBOX: &str = "outbox";
const BLOBS: &str = "blobs";
const REJECTIONS: &str = "rejections";
/// Since version 2: this device's preferences and one-time answers (install hint dismissed,
/// storage persistence asked). Never synced, never cleared by a pull reset.
const SETTINGS: &str = "settings";
/// Since version 3: server data every user sees — user names, SLA policies with their
/// contracts, and the knowledge base of past fixes. Cleared and refilled by a pull reset.
const USERS: &str = "users";
const POLICIES: &str = "policies";
const PAST_FIXES: &str = "past_fixes";

/// What the server sent (cleared when another user signs in or the session ends; a pull
/// page writes them). The rest is the device's own: meta, outbox, blobs, settings.
const SERVER_DATA: [&str; 8] = [
    CASES,
    SERVER_CASES,
    PARTS,
    STOCK,
    REJECTIONS,
    USERS,
    POLICIES,
    PAST_FIXES,
];

/// `extra` and the server's data: the stores of a transaction that rewrites the latter.
fn with_server_data(extra: &[&'static str]) -> Vec<&'static str> {
    extra.iter().copied().chain(SERVER_DATA).collect()
}

/// The device's first client_id: the client of entries and sessions from before clients were
/// per user, and of the first user who signs in after.
const K_CLIENT_ID: &str = "client_id";
/// Set once a user signed in with the device's first client_id (the next gets a new one).
const K_CLIENT_CLAIMED: &str = "client_claimed";
/// `client_of:<user id>` → that user's client_id on this device.
const K_CLIENT_OF: &str = "client_of:";
/// `client_for:<username>` → the client_id to sign in with (the user id is not known yet).
const K_CLIENT_FOR: &str = "client_for:";
/// `client_seq:<client_id>` → the last seq that client assigned.
const K_CLIENT_SEQ: &str = "client_seq:";
/// The client of the signed-in user: the one whose entries sync and whose data is shown.
const K_ACTIVE_CLIENT: &str = "active_client";
/// The user whose server data the device holds (cases, stock, rejections, reference data).
const K_DATA_OWNER: &str = "data_owner";
const K_SESSION: &str = "session";
const K_CURSOR: &str = "cursor";
const K_LAST_SYNC: &str = "last_sync";
const K_NEXT_SEQ: &str = "next_seq";
/// Cases whose local view must be rebuilt from the server's version at the end of the next
/// complete pull (a mutation touching them was rejected).
const K_STALE: &str = "stale_cases";
const K_BLOB_UP: &str = "blob_uploaded:";
/// The answer of `navigator.storage.persist()` once the app asked (it asks once).
const K_PERSIST: &str = "storage_persist";

type PartsIndex = Rc<Vec<(String, Part)>>;

struct Inner {
    db: Database,
    /// Catalog kept in memory for per-keystroke search: (lowercase "part_no name", part).
    parts: RefCell<Option<PartsIndex>>,
    /// `versionchange` listener (another tab wants to upgrade the database).
    version_change: RefCell<Option<gloo_events::EventListener>>,
    /// SLA policies for local effects (`case.create`): read when a write or a pull first
    /// needs them (not on the first screen's path), again after a pull changed them.
    policies: RefCell<Option<Vec<SlaPolicy>>>,
    /// The clients the last write of a user went under: a guess that lets a write read its
    /// seq counters in its first round of reads. The write checks it against what it reads.
    last_clients: Cell<Option<WriteClients>>,
    /// The text of the case this store's last write stored, and that case (`decode_case`).
    last_case: RefCell<Option<(JsValue, Case)>>,
}

/// A user and the clients their writes went under (their own, and the device's first).
#[derive(Clone, Copy, PartialEq, Eq)]
struct WriteClients {
    user: Uuid,
    client: Uuid,
    legacy: Uuid,
}

/// The device's IndexedDB database. Cheap to clone; not `Send`.
#[derive(Clone)]
pub struct Store {
    inner: Rc<Inner>,
}

fn case_key(id: Uuid) -> JsValue {
    skey(&id.to_string())
}

impl Store {
    pub(super) fn db(&self) -> &Database {
        &self.inner.db
    }

    /// A readwrite transaction over `stores`.
    pub(super) fn write_tx(
        &self,
        stores: &[&str],
    ) -> Result<indexed_db_futures::transaction::Transaction<'_>, StoreError> {
        Ok(self
            .db()
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .build()?)
    }

    /// Every record of `store`, in a read transaction of its own.
    pub(super) async fn read_all<T: serde::de::DeserializeOwned>(
        &self,
        store: &str,
    ) -> Result<Vec<T>, StoreError> {
        let tx = self.db().transaction(store).build()?;
        idb::get_all_json(&tx.object_store(store)?).await
    }

    /// The record of `store` at `key`, in a read transaction of its own.
    pub(super) async fn read_key<T: serde::de::DeserializeOwned>(
        &self,
        store: &str,
        key: JsValue,
    ) -> Result<Option<T>, StoreError> {
        let tx = self.db().transaction(store).build()?;
        idb::get_json(&tx.object_store(store)?, key).await
    }

    pub(super) async fn meta_get<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        self.read_key(META, skey(key)).await
    }

    /// One write to one store in its own readwrite transaction (settings, meta, cached blobs:
    /// never case data, which only `record` and `apply_pull` change).
    pub(super) async fn write_one(
        &self,
        store: &str,
        write: impl FnOnce(&indexed_db_futures::object_store::ObjectStore<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx(&[store])?;
        {
            let os = tx.object_store(store)?;
            write(&os)?;
        }
        idb::commit(tx).await
    }

    pub(super) async fn meta_set<T: Serialize>(
        &self,
        key: &str,
        value: Option<&T>,
    ) -> Result<(), StoreError> {
        self.write_one(META, |os| match value {
            Some(v) => idb::put_json(os, skey(key), v),
            None => idb::delete(os, KeyRange::Only(skey(key))),
        })
        .await
    }
}

pub fn hash_blob(bytes: &[u8]) -> String {
    onsite_core::sha256_hex(bytes)
}

/// The device's first client_id, made on first use.
pub(super) async fn legacy_client(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<Uuid, StoreError> {
    let stored = idb::get_json::<Uuid>(meta, skey(K_CLIENT_ID)).await?;
    legacy_client_or_new(meta, stored)
}

/// The device's first client as read from `meta` (`stored`), or a new one, stored now.
pub(super) fn legacy_client_or_new(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
    stored: Option<Uuid>,
) -> Result<Uuid, StoreError> {
    if let Some(id) = stored {
        return Ok(id);
    }
    let id = Uuid::new_v4();
    idb::put_json(meta, skey(K_CLIENT_ID), &id)?;
    Ok(id)
}

/// The signed-in user's client (the first client when nobody signed in since the upgrade)
/// and the device's first client; `None` on a device that has no client yet (read-only).
pub(super) async fn known_clients(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<Option<(Uuid, Uuid)>, StoreError> {
    let Some(legacy) = idb::get_json::<Uuid>(meta, skey(K_CLIENT_ID)).await? else {
        return Ok(None);
    };
    let active = idb::get_json::<Uuid>(meta, skey(K_ACTIVE_CLIENT))
        .await?
        .unwrap_or(legacy);
    Ok(Some((active, legacy)))
}

/// The guard of a sync round's writes: `client`, the one the round pushes and pulls as, is
/// still the one that syncs on this device. Another user signing in meanwhile (another tab)
/// made theirs active: the round's ack or pull page must not touch their queue or data.
pub(super) async fn expect_active(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
    client: Uuid,
) -> Result<(Uuid, Uuid), StoreError> {
    let (active, legacy) = active_client(meta).await?;
    if active != client {
        return Err(StoreError {
            kind: StoreErrorKind::SessionChanged,
            message: format!("client {client} no longer syncs on this device ({active} does)"),
        });
    }
    Ok((active, legacy))
}

/// `known_clients`, making the device's first client when it has none (a readwrite `meta`).
pub(super) async fn active_client(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<(Uuid, Uuid), StoreError> {
    let legacy = legacy_client(meta).await?;
    Ok(known_clients(meta).await?.unwrap_or((legacy, legacy)))
}
