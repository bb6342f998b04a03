//! IndexedDB store.

#[cfg(feature = "test-hooks")]
mod faults;
mod idb;

#[cfg(feature = "test-hooks")]
pub use faults::{inject_fault, Fault};

use std::cell::RefCell;
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
    apply, Actor, ApplyContext, Case, Mutation, Part, PastFix, Role, SlaPolicy, StockLevel,
    StockMove,
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

/// The built-in policies, overridden by name by the ones pulled from the server.
fn merge_policies(pulled: &[PolicyRecord]) -> Vec<SlaPolicy> {
    let mut all = vec![SlaPolicy::standard(), SlaPolicy::strict()];
    for r in pulled {
        match all.iter_mut().find(|p| p.name == r.policy.name) {
            Some(p) => *p = r.policy.clone(),
            None => all.push(r.policy.clone()),
        }
    }
    all
}

/// What the outbox store holds: the public entry plus what the device needs to rebuild its
/// view (the actor's role and the van-stock moves the local effect made).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct OutboxRecord {
    #[serde(flatten)]
    entry: OutboxEntry,
    /// The record's key in the outbox store (device-wide order); `None` in old records,
    /// whose key is their seq.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    stock_moves: Vec<StockMove>,
}

impl OutboxRecord {
    fn key(&self) -> u64 {
        self.key.unwrap_or(self.entry.seq)
    }
    fn client(&self, legacy: Uuid) -> Uuid {
        self.entry.client_id.unwrap_or(legacy)
    }
}

/// Outbox records read per batch when looking for one client's entries.
const OUTBOX_BATCH: u32 = 256;

/// The outbox records of `client` in key order (= its seq order), at most `limit`.
async fn client_records(
    outbox: &indexed_db_futures::object_store::ObjectStore<'_>,
    client: Uuid,
    legacy: Uuid,
    limit: usize,
) -> Result<Vec<OutboxRecord>, StoreError> {
    let mut out = Vec::new();
    let mut after: Option<u64> = None;
    loop {
        let range = match after {
            Some(k) => KeyRange::LowerBound(nkey(k), true),
            None => KeyRange::LowerBound(nkey(0), false),
        };
        let batch: Vec<OutboxRecord> =
            idb::get_range_json(outbox, range, Some(OUTBOX_BATCH)).await?;
        let done = batch.len() < OUTBOX_BATCH as usize;
        after = batch.last().map(OutboxRecord::key).or(after);
        for r in batch {
            if r.client(legacy) == client {
                out.push(r);
                if out.len() >= limit {
                    return Ok(out);
                }
            }
        }
        if done {
            return Ok(out);
        }
    }
}

/// Removes `client`'s entries up to seq `upto` (the server has them); returns those in
/// `rejected` among them.
async fn remove_acked(
    outbox: &indexed_db_futures::object_store::ObjectStore<'_>,
    client: Uuid,
    legacy: Uuid,
    upto: u64,
    rejected: &[u64],
) -> Result<Vec<OutboxRecord>, StoreError> {
    let mut out = Vec::new();
    for r in client_records(outbox, client, legacy, usize::MAX).await? {
        if r.entry.seq > upto {
            break;
        }
        idb::delete(outbox, KeyRange::Only(nkey(r.key())))?;
        if rejected.contains(&r.entry.seq) {
            out.push(r);
        }
    }
    Ok(out)
}

/// The device's first client_id, made on first use.
async fn legacy_client(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<Uuid, StoreError> {
    if let Some(id) = idb::get_json::<Uuid>(meta, skey(K_CLIENT_ID)).await? {
        return Ok(id);
    }
    let id = Uuid::new_v4();
    idb::put_json(meta, skey(K_CLIENT_ID), &id)?;
    Ok(id)
}

/// The signed-in user's client (the first client when nobody signed in since the upgrade).
async fn active_client(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<(Uuid, Uuid), StoreError> {
    let legacy = legacy_client(meta).await?;
    let active = idb::get_json::<Uuid>(meta, skey(K_ACTIVE_CLIENT))
        .await?
        .unwrap_or(legacy);
    Ok((active, legacy))
}

type PartsIndex = Rc<Vec<(String, Part)>>;

struct Inner {
    db: Database,
    /// Catalog kept in memory for per-keystroke search: (lowercase "part_no name", part).
    parts: RefCell<Option<PartsIndex>>,
    /// `versionchange` listener (another tab wants to upgrade the database).
    version_change: RefCell<Option<gloo_events::EventListener>>,
    /// SLA policies for local effects (`case.create`), refreshed after each pull.
    policies: RefCell<Vec<SlaPolicy>>,
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
    pub async fn open() -> Result<Store, StoreError> {
        Self::open_named(DB_NAME).await
    }

    pub async fn open_named(name: &str) -> Result<Store, StoreError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // A migration ladder: each step only adds; no step drops a store holding user
                // data or the outbox.
                let old = event.old_version() as u64;
                if old < 1 {
                    for store in [
                        META,
                        CASES,
                        SERVER_CASES,
                        PARTS,
                        STOCK,
                        OUTBOX,
                        BLOBS,
                        REJECTIONS,
                    ] {
                        db.create_object_store(store).build()?;
                    }
                }
                if old < 2 {
                    db.create_object_store(SETTINGS).build()?;
                }
                if old < 3 {
                    for store in [USERS, POLICIES, PAST_FIXES] {
                        db.create_object_store(store).build()?;
                    }
                }
                Ok(())
            })
            .with_on_blocked(|_| {
                // Another tab still has the old version open; the open completes when it
                // closes (tabs running this code close on `versionchange`).
                leptos::logging::warn!("IndexedDB upgrade waits for another tab to close");
                Ok(())
            })
            .await?;
        let store = Store {
            inner: Rc::new(Inner {
                db,
                parts: RefCell::new(None),
                version_change: RefCell::new(None),
                policies: RefCell::new(merge_policies(&[])),
            }),
        };
        store.reload_policies().await;
        Ok(store)
    }

    /// Refreshes the policies local effects use. A stored record that cannot be read (written
    /// by another build, say) must not keep the app from its local data: the device then
    /// falls back to the built-in policies until the next pull brings readable ones.
    async fn reload_policies(&self) {
        let pulled = match self.policies().await {
            Ok(p) => p,
            Err(e) => {
                leptos::logging::warn!(
                    "stored SLA policies unreadable, using the built-in ones: {e}"
                );
                Vec::new()
            }
        };
        *self.inner.policies.borrow_mut() = merge_policies(&pulled);
    }

    fn known_policies(&self) -> Vec<SlaPolicy> {
        self.inner.policies.borrow().clone()
    }

    /// Every user (id, name, role), by name.
    pub async fn users(&self) -> Result<Vec<UserInfo>, StoreError> {
        let tx = self.db().transaction(USERS).build()?;
        let mut users: Vec<UserInfo> = idb::get_all_json(&tx.object_store(USERS)?).await?;
        users.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(users)
    }

    /// SLA policies as the server holds them, with the customers on each contract.
    pub async fn policies(&self) -> Result<Vec<PolicyRecord>, StoreError> {
        let tx = self.db().transaction(POLICIES).build()?;
        idb::get_all_json(&tx.object_store(POLICIES)?).await
    }

    /// The knowledge base: closed, resolved cases (search with `onsite_core::knowledge`).
    pub async fn past_fixes(&self) -> Result<Vec<PastFix>, StoreError> {
        let tx = self.db().transaction(PAST_FIXES).build()?;
        idb::get_all_json(&tx.object_store(PAST_FIXES)?).await
    }

    /// Closes the connection (other clones of this store become unusable).
    pub fn close(&self) {
        self.inner.version_change.borrow_mut().take();
        self.inner.db.clone().close();
    }

    /// Another tab opens a newer version of the database: close this connection so its
    /// upgrade is not blocked, then call `on_close` (tell the user to reload). Nothing is
    /// lost: every write is committed or not at all, and the new version migrates the data.
    pub fn on_version_change(&self, on_close: impl Fn() + 'static) {
        let weak = Rc::downgrade(&self.inner);
        let raw: &web_sys::IdbDatabase = self.inner.db.as_sys();
        let listener = gloo_events::EventListener::new(raw, "versionchange", move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.db.clone().close();
            }
            on_close();
        });
        *self.inner.version_change.borrow_mut() = Some(listener);
    }

    fn db(&self) -> &Database {
        &self.inner.db
    }

    async fn meta_get<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let tx = self.db().transaction(META).build()?;
        let os = tx.object_store(META)?;
        idb::get_json(&os, skey(key)).await
    }

    /// One write to one store in its own readwrite transaction (settings, meta, cached blobs:
    /// never case data, which only `record` and `apply_pull` change).
    async fn write_one(
        &self,
        store: &str,
        write: impl FnOnce(&indexed_db_futures::object_store::ObjectStore<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let tx = self
            .db()
            .transaction(store)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        {
            let os = tx.object_store(store)?;
            write(&os)?;
        }
        idb::commit(tx).await
    }

    async fn meta_set<T: Serialize>(&self, key: &str, value: Option<&T>) -> Result<(), StoreError> {
        self.write_one(META, |os| match value {
            Some(v) => idb::put_json(os, skey(key), v),
            None => idb::delete(os, KeyRange::Only(skey(key))),
        })
        .await
    }

    /// The device's first client_id (made on first use).
    pub async fn client_id(&self) -> Result<Uuid, StoreError> {
        let tx = self
            .db()
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let id = legacy_client(&tx.object_store(META)?).await?;
        idb::commit(tx).await?;
        Ok(id)
    }

    /// The client_id `username` signs in with on this device: one per user for good (the
    /// server refuses a client_id bound to someone else). The first user gets the device's
    /// first client_id; `fresh` makes a new one (the server said the old one is taken).
    pub async fn client_for_login(&self, username: &str, fresh: bool) -> Result<Uuid, StoreError> {
        let name_key = format!("{K_CLIENT_FOR}{}", username.trim().to_lowercase());
        let tx = self
            .db()
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let id = {
            let meta = tx.object_store(META)?;
            let known = idb::get_json::<Uuid>(&meta, skey(&name_key)).await?;
            match known {
                Some(id) if !fresh => id,
                _ => {
                    let legacy = legacy_client(&meta).await?;
                    let claimed = idb::get_json::<bool>(&meta, skey(K_CLIENT_CLAIMED)).await?;
                    let id = if claimed.unwrap_or(false) || fresh {
                        Uuid::new_v4()
                    } else {
                        idb::put_json(&meta, skey(K_CLIENT_CLAIMED), &true)?;
                        legacy
                    };
                    idb::put_json(&meta, skey(&name_key), &id)?;
                    id
                }
            }
        };
        idb::commit(tx).await?;
        Ok(id)
    }

    /// The session's user signed in on this device: their client becomes the one that syncs
    /// and records, and the device's server data becomes theirs. Another user's data (cases,
    /// stock, rejections, reference data) is cleared first; every user's queued changes stay.
    pub async fn activate(&self, session: &Session) -> Result<(), StoreError> {
        let owner: Option<Uuid> = self.meta_get(K_DATA_OWNER).await?;
        if owner.is_some_and(|o| o != session.user.id) {
            self.clear_server_data().await?;
        }
        let tx = self
            .db()
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        {
            let meta = tx.object_store(META)?;
            let user_key = format!("{K_CLIENT_OF}{}", session.user.id);
            idb::put_json(&meta, skey(&user_key), &session.client_id)?;
            idb::put_json(&meta, skey(K_ACTIVE_CLIENT), &session.client_id)?;
            idb::put_json(&meta, skey(K_DATA_OWNER), &session.user.id)?;
        }
        idb::commit(tx).await
    }

    /// Drops the device's copy of server data (cases, stock, rejections, users, policies,
    /// past fixes, cached blobs no queued change needs) and the pull cursor: a revoked or
    /// ended session, or another user signing in. Queued changes and their blobs stay: they
    /// sync when their author signs in again.
    pub async fn clear_server_data(&self) -> Result<(), StoreError> {
        let tx = self
            .db()
            .transaction([
                META,
                CASES,
                SERVER_CASES,
                PARTS,
                STOCK,
                OUTBOX,
                BLOBS,
                REJECTIONS,
                USERS,
                POLICIES,
                PAST_FIXES,
            ])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        {
            for name in [
                CASES,
                SERVER_CASES,
                PARTS,
                STOCK,
                REJECTIONS,
                USERS,
                POLICIES,
                PAST_FIXES,
            ] {
                idb::clear(&tx.object_store(name)?).await?;
            }
            let queued: Vec<OutboxRecord> = idb::get_all_json(&tx.object_store(OUTBOX)?).await?;
            let keep: BTreeSet<&str> = queued
                .iter()
                .flat_map(|r| r.entry.blobs.iter().map(String::as_str))
                .collect();
            let blobs = tx.object_store(BLOBS)?;
            let keys = blobs.get_all_keys::<JsValue>().primitive()?.await?;
            for k in keys {
                let k = k.map_err(StoreError::from)?;
                if k.as_string().is_some_and(|h| !keep.contains(h.as_str())) {
                    idb::delete(&blobs, KeyRange::Only(k))?;
                }
            }
            let meta = tx.object_store(META)?;
            for key in [K_CURSOR, K_LAST_SYNC, K_STALE, K_DATA_OWNER] {
                idb::delete(&meta, KeyRange::Only(skey(key)))?;
            }
        }
        idb::commit(tx).await?;
        self.invalidate_parts();
        self.reload_policies().await;
        Ok(())
    }

    /// What `navigator.storage.persist()` answered when the app asked (`None`: not asked yet).
    pub async fn persist_answer(&self) -> Result<Option<bool>, StoreError> {
        self.meta_get(K_PERSIST).await
    }

    pub async fn set_persist_answer(&self, granted: bool) -> Result<(), StoreError> {
        self.meta_set(K_PERSIST, Some(&granted)).await
    }

    /// A device setting (store `settings`, schema version 2).
    pub async fn setting<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let tx = self.db().transaction(SETTINGS).build()?;
        let os = tx.object_store(SETTINGS)?;
        idb::get_json(&os, skey(key)).await
    }

    pub async fn set_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        self.write_one(SETTINGS, |os| idb::put_json(os, skey(key), value))
            .await
    }

    /// Removes a device setting (e.g. a stopped timer's start time).
    pub async fn remove_setting(&self, key: &str) -> Result<(), StoreError> {
        self.write_one(SETTINGS, |os| idb::delete(os, KeyRange::Only(skey(key))))
            .await
    }

    pub async fn session(&self) -> Result<Option<Session>, StoreError> {
        self.meta_get(K_SESSION).await
    }

    /// Logout = `None`. Never touches the outbox.
    pub async fn set_session(&self, s: Option<&Session>) -> Result<(), StoreError> {
        self.meta_set(K_SESSION, s).await
    }

    pub async fn cases(&self) -> Result<Vec<Case>, StoreError> {
        let tx = self.db().transaction(CASES).build()?;
        let os = tx.object_store(CASES)?;
        idb::get_all_json(&os).await
    }

    pub async fn case(&self, id: Uuid) -> Result<Option<Case>, StoreError> {
        let tx = self.db().transaction(CASES).build()?;
        let os = tx.object_store(CASES)?;
        idb::get_json(&os, case_key(id)).await
    }

    async fn parts_index(&self) -> Result<PartsIndex, StoreError> {
        if let Some(ix) = self.inner.parts.borrow().as_ref() {
            return Ok(ix.clone());
        }
        let tx = self.db().transaction(PARTS).build()?;
        let os = tx.object_store(PARTS)?;
        let mut parts: Vec<Part> = idb::get_all_json(&os).await?;
        parts.sort_by(|a, b| a.part_no.cmp(&b.part_no));
        let ix: PartsIndex = Rc::new(
            parts
                .into_iter()
                .map(|p| (format!("{}\n{}", p.part_no, p.name).to_lowercase(), p))
                .collect(),
        );
        *self.inner.parts.borrow_mut() = Some(ix.clone());
        Ok(ix)
    }

    fn invalidate_parts(&self) {
        *self.inner.parts.borrow_mut() = None;
    }

    /// By part number or name, case-insensitive; part numbers starting with the query first.
    pub async fn search_parts(&self, query: &str, limit: usize) -> Result<Vec<Part>, StoreError> {
        let ix = self.parts_index().await?;
        let needle = query.trim().to_lowercase();
        if needle.is_empty() {
            return Ok(ix.iter().take(limit).map(|(_, p)| p.clone()).collect());
        }
        let mut prefix = Vec::new();
        let mut other = Vec::new();
        for (hay, p) in ix.iter() {
            if hay.starts_with(&needle) {
                prefix.push(p);
                if prefix.len() >= limit {
                    break;
                }
            } else if other.len() < limit && hay.contains(&needle) {
                other.push(p);
            }
        }
        Ok(prefix
            .into_iter()
            .chain(other)
            .take(limit)
            .cloned()
            .collect())
    }

    pub async fn part_count(&self) -> Result<u32, StoreError> {
        let tx = self.db().transaction(PARTS).build()?;
        let os = tx.object_store(PARTS)?;
        idb::count(&os).await
    }

    pub async fn stock(&self) -> Result<Vec<StockLevel>, StoreError> {
        let tx = self.db().transaction(STOCK).build()?;
        let os = tx.object_store(STOCK)?;
        idb::get_all_json(&os).await
    }

    pub async fn stock_of(&self, part_no: &str) -> Result<Option<StockLevel>, StoreError> {
        let tx = self.db().transaction(STOCK).build()?;
        let os = tx.object_store(STOCK)?;
        idb::get_json(&os, skey(part_no)).await
    }

    pub async fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let tx = self.db().transaction(BLOBS).build()?;
        let os = tx.object_store(BLOBS)?;
        Ok(idb::get_raw(&os, skey(sha256)).await?.map(|v| {
            if let Some(buf) = v.dyn_ref::<js_sys::ArrayBuffer>() {
                js_sys::Uint8Array::new(buf).to_vec()
            } else {
                v.unchecked_into::<js_sys::Uint8Array>().to_vec()
            }
        }))
    }

    /// Keeps bytes fetched from the server (a photo taken on another device) so they show
    /// offline. Not case data: no mutation, no outbox. The bytes must match their hash.
    pub async fn cache_blob(&self, sha256: &str, bytes: &[u8]) -> Result<(), StoreError> {
        if hash_blob(bytes) != sha256 {
            return Err(StoreError::other(format!(
                "blob bytes do not match their hash {sha256}"
            )));
        }
        let value: JsValue = js_sys::Uint8Array::from(bytes).into();
        self.write_one(BLOBS, |os| idb::put_raw(os, skey(sha256), value))
            .await
    }

    /// THE ONE WRITE PATH: the local effect of `m` and its outbox entry in one readwrite
    /// transaction. A rejection by onsite-core writes nothing.
    pub async fn record(
        &self,
        actor: Actor,
        m: Mutation,
        blobs: Vec<(String, Vec<u8>)>,
    ) -> Result<OutboxEntry, StoreError> {
        self.record_inner(actor, m, blobs).await
    }

    async fn record_inner(
        &self,
        actor: Actor,
        m: Mutation,
        blobs: Vec<(String, Vec<u8>)>,
    ) -> Result<OutboxEntry, StoreError> {
        // Everything that is not IndexedDB happens before the transaction opens.
        for (sha, bytes) in &blobs {
            if hash_blob(bytes) != *sha {
                return Err(StoreError::other(format!(
                    "blob bytes do not match their hash {sha}"
                )));
            }
        }
        let blob_values: Vec<(JsValue, JsValue)> = blobs
            .iter()
            .map(|(sha, bytes)| (skey(sha), js_sys::Uint8Array::from(&bytes[..]).into()))
            .collect();
        // Blobs the mutation names but this call does not bring must already be on the
        // device: an outbox entry whose blob can never be uploaded would only be rejected later.
        let named_elsewhere: Vec<String> = m
            .blob_hashes()
            .into_iter()
            .filter(|h| !blobs.iter().any(|(sha, _)| sha == h))
            .collect();
        let now = Utc::now();
        let entry_id = Uuid::new_v4();
        let mut names = vec![META, CASES, STOCK, OUTBOX];
        if !blob_values.is_empty() || !named_elsewhere.is_empty() {
            names.push(BLOBS);
        }
        let mut opts = TransactionOptions::new();
        if matches!(m, Mutation::SignOff(_)) {
            opts.set_durability(TransactionDurability::Strict);
        }
        let tx = self
            .db()
            .transaction(names.as_slice())
            .with_mode(TransactionMode::Readwrite)
            .with_options(opts)
            .build()?;
        let entry = {
            if !named_elsewhere.is_empty() {
                let blobs_os = tx.object_store(BLOBS)?;
                for h in &named_elsewhere {
                    if !idb::has_key(&blobs_os, skey(h)).await? {
                        // `tx` is dropped un-committed: nothing is written.
                        return Err(StoreError::other(format!(
                            "blob {h} is named by {} but is not on this device",
                            m.name()
                        )));
                    }
                }
            }
            let cases_os = tx.object_store(CASES)?;
            let mut map = BTreeMap::new();
            for id in m.touched_case_ids() {
                if let Some(c) = idb::get_json::<Case>(&cases_os, case_key(id)).await? {
                    map.insert(id, c);
                }
            }
            let policies = self.known_policies();
            let ctx = ApplyContext {
                actor,
                client_time: now,
                server_time: None,
                policies: &policies,
            };
            // On rejection `tx` is dropped un-committed: indexed_db_futures aborts it.
            let outcome = apply(&m, &map, &ctx).map_err(|r| StoreError {
                kind: StoreErrorKind::Rejected(r.code),
                message: r.to_string(),
            })?;
            for c in &outcome.cases {
                idb::put_json(&cases_os, case_key(c.id), c)?;
            }
            let moves: Vec<StockMove> = outcome
                .stock_moves
                .into_iter()
                .filter(|mv| mv.engineer_id == actor.user_id)
                .collect();
            if !moves.is_empty() {
                let stock_os = tx.object_store(STOCK)?;
                apply_stock_moves(&stock_os, &moves, 1).await?;
            }
            if !blob_values.is_empty() {
                let blobs_os = tx.object_store(BLOBS)?;
                for (k, v) in blob_values {
                    idb::put_raw(&blobs_os, k, v)?;
                }
            }
            let meta_os = tx.object_store(META)?;
            // The record's key orders the whole outbox; the seq counts this user's client.
            let key = idb::get_json::<u64>(&meta_os, skey(K_NEXT_SEQ))
                .await?
                .unwrap_or(1);
            idb::put_json(&meta_os, skey(K_NEXT_SEQ), &(key + 1))?;
            let legacy = legacy_client(&meta_os).await?;
            let legacy_seq = format!("{K_CLIENT_SEQ}{legacy}");
            if idb::get_json::<u64>(&meta_os, skey(&legacy_seq))
                .await?
                .is_none()
            {
                // Entries from before per-user clients had seq = key.
                idb::put_json(&meta_os, skey(&legacy_seq), &(key - 1))?;
            }
            let client =
                idb::get_json::<Uuid>(&meta_os, skey(&format!("{K_CLIENT_OF}{}", actor.user_id)))
                    .await?
                    .unwrap_or(legacy);
            let seq_key = format!("{K_CLIENT_SEQ}{client}");
            let seq = idb::get_json::<u64>(&meta_os, skey(&seq_key))
                .await?
                .unwrap_or(0)
                + 1;
            idb::put_json(&meta_os, skey(&seq_key), &seq)?;
            let entry = OutboxEntry {
                seq,
                id: entry_id,
                name: m.name().to_string(),
                args: m.args(),
                client_time: now,
                user_id: actor.user_id,
                blobs: m.blob_hashes(),
                client_id: Some(client),
            };
            let rec = OutboxRecord {
                key: Some(key),
                entry: entry.clone(),
                role: Some(actor.role),
                stock_moves: moves,
            };
            let outbox_os = tx.object_store(OUTBOX)?;
            idb::put_json(&outbox_os, nkey(key), &rec)?;
            entry
        };
        #[cfg(feature = "test-hooks")]
        if let Some(fault) = faults::take() {
            return Err(faults::fail(tx, fault).await);
        }
        idb::commit(tx).await?;
        Ok(entry)
    }

    pub async fn pending_count(&self) -> Result<u32, StoreError> {
        let tx = self.db().transaction(OUTBOX).build()?;
        let os = tx.object_store(OUTBOX)?;
        idb::count(&os).await
    }

    /// The signed-in user's oldest `limit` outbox entries, in seq order: only these are
    /// pushed, with that user's token.
    pub async fn pending(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        self.pending_after(0, limit).await
    }

    /// The signed-in user's outbox entries with seq > `after`, in seq order, at most `limit`.
    pub async fn pending_after(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let tx = self
            .db()
            .transaction([META, OUTBOX])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let out = {
            let (client, legacy) = active_client(&tx.object_store(META)?).await?;
            let recs =
                client_records(&tx.object_store(OUTBOX)?, client, legacy, usize::MAX).await?;
            recs.into_iter()
                .map(|r| r.entry)
                .filter(|e| e.seq > after)
                .take(limit)
                .collect()
        };
        idb::commit(tx).await?;
        Ok(out)
    }

    pub async fn rejections(&self) -> Result<Vec<RejectionRecord>, StoreError> {
        let tx = self.db().transaction(REJECTIONS).build()?;
        let os = tx.object_store(REJECTIONS)?;
        let mut all: Vec<RejectionRecord> = idb::get_all_json(&os).await?;
        all.sort_by(|a, b| a.at.cmp(&b.at).then(a.seq.cmp(&b.seq)));
        Ok(all)
    }

    pub async fn last_sync(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.meta_get(K_LAST_SYNC).await
    }

    /// The pull cursor (opaque), if any pull completed a page.
    pub async fn cursor(&self) -> Result<Option<String>, StoreError> {
        self.meta_get(K_CURSOR).await
    }

    pub async fn blob_uploaded(&self, sha256: &str) -> Result<bool, StoreError> {
        Ok(self
            .meta_get::<bool>(&format!("{K_BLOB_UP}{sha256}"))
            .await?
            .unwrap_or(false))
    }

    pub async fn mark_blob_uploaded(&self, sha256: &str) -> Result<(), StoreError> {
        self.meta_set(&format!("{K_BLOB_UP}{sha256}"), Some(&true))
            .await
    }

    /// The server acknowledged every seq <= `upto`: those entries leave the outbox. Entries in
    /// `rejected` had their local effect undone: stock moves are reverted now, and their cases
    /// are rebuilt from the server's version at the end of the next complete pull.
    pub async fn ack(&self, upto: u64, rejected: &[u64]) -> Result<(), StoreError> {
        let tx = self
            .db()
            .transaction([META, STOCK, OUTBOX])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        {
            let outbox = tx.object_store(OUTBOX)?;
            let meta = tx.object_store(META)?;
            let (client, legacy) = active_client(&meta).await?;
            let gone = remove_acked(&outbox, client, legacy, upto, rejected).await?;
            if !gone.is_empty() {
                let stock = tx.object_store(STOCK)?;
                let mut stale: BTreeSet<Uuid> = idb::get_json(&meta, skey(K_STALE))
                    .await?
                    .unwrap_or_default();
                for rec in gone {
                    apply_stock_moves(&stock, &rec.stock_moves, -1).await?;
                    if let Ok(m) = Mutation::parse(&rec.entry.name, &rec.entry.args) {
                        stale.extend(m.touched_case_ids());
                    }
                }
                idb::put_json(&meta, skey(K_STALE), &stale)?;
            }
        }
        idb::commit(tx).await
    }

    /// Applies one pull page in one transaction (see DESIGN.md, sync protocol v1).
    pub async fn apply_pull(&self, resp: &PullResponse) -> Result<(), StoreError> {
        let tx = self
            .db()
            .transaction([
                META,
                CASES,
                SERVER_CASES,
                PARTS,
                STOCK,
                OUTBOX,
                REJECTIONS,
                USERS,
                POLICIES,
                PAST_FIXES,
            ])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let mut parts_changed = resp.reset;
        let mut policies_changed = resp.reset;
        {
            let meta = tx.object_store(META)?;
            let cases = tx.object_store(CASES)?;
            let server_cases = tx.object_store(SERVER_CASES)?;
            let parts = tx.object_store(PARTS)?;
            let stock = tx.object_store(STOCK)?;
            let outbox = tx.object_store(OUTBOX)?;
            let rejections = tx.object_store(REJECTIONS)?;
            let users = tx.object_store(USERS)?;
            let policies = tx.object_store(POLICIES)?;
            let past_fixes = tx.object_store(PAST_FIXES)?;

            if resp.reset {
                for os in [
                    &cases,
                    &server_cases,
                    &parts,
                    &stock,
                    &users,
                    &policies,
                    &past_fixes,
                ] {
                    idb::clear(os).await?;
                }
            }
            // Acked by the server: leave the outbox. The rest stays pending. Only the signed-in
            // user's entries are this client's, and only they are re-applied to their view.
            let (client, legacy) = active_client(&meta).await?;
            remove_acked(&outbox, client, legacy, resp.last_seq, &[]).await?;
            let pending =
                pending_changes(&client_records(&outbox, client, legacy, usize::MAX).await?);

            let mut rebuild: BTreeSet<Uuid> = BTreeSet::new();
            for ch in &resp.changes {
                match (ch.entity, ch.op) {
                    (Entity::Case, ChangeOp::Put) => {
                        let case: Case = change_data(&ch.data)?;
                        idb::put_json(&server_cases, case_key(case.id), &case)?;
                        rebuild.insert(case.id);
                    }
                    (Entity::Case, ChangeOp::Delete) => {
                        let id: Uuid = ch
                            .id
                            .parse()
                            .map_err(|e| StoreError::other(format!("case id {}: {e}", ch.id)))?;
                        idb::delete(&server_cases, KeyRange::Only(case_key(id)))?;
                        rebuild.insert(id);
                    }
                    (Entity::Part, ChangeOp::Put) => {
                        let part: Part = change_data(&ch.data)?;
                        idb::put_json(&parts, skey(&part.part_no), &part)?;
                        parts_changed = true;
                    }
                    (Entity::Part, ChangeOp::Delete) => {
                        idb::delete(&parts, KeyRange::Only(skey(&ch.id)))?;
                        parts_changed = true;
                    }
                    (Entity::Stock, ChangeOp::Put) => {
                        let level: StockLevel = change_data(&ch.data)?;
                        let level = replica::stock_with_pending(level, &pending);
                        idb::put_json(&stock, skey(&level.part_no), &level)?;
                    }
                    (Entity::Stock, ChangeOp::Delete) => {
                        idb::delete(&stock, KeyRange::Only(skey(&ch.id)))?;
                    }
                    (Entity::Rejection, ChangeOp::Put) => {
                        put_checked::<RejectionRecord>(&rejections, ch)?;
                    }
                    (Entity::User, ChangeOp::Put) => put_checked::<UserInfo>(&users, ch)?,
                    (Entity::Policy, ChangeOp::Put) => {
                        put_checked::<PolicyRecord>(&policies, ch)?;
                        policies_changed = true;
                    }
                    (Entity::PastFix, ChangeOp::Put) => put_checked::<PastFix>(&past_fixes, ch)?,
                    (
                        e @ (Entity::Rejection | Entity::User | Entity::Policy | Entity::PastFix),
                        ChangeOp::Delete,
                    ) => {
                        let os = match e {
                            Entity::Rejection => &rejections,
                            Entity::User => &users,
                            Entity::Policy => &policies,
                            _ => &past_fixes,
                        };
                        idb::delete(os, KeyRange::Only(skey(&ch.id)))?;
                        policies_changed |= e == Entity::Policy;
                    }
                    // A newer server's entity this build does not know: skipped, so the rest
                    // of the page still applies and the cursor moves on.
                    (Entity::Unknown, _) => {
                        leptos::logging::warn!(
                            "pull: skipped a change of an unknown entity ({})",
                            ch.id
                        );
                    }
                }
            }
            if resp.reset {
                for p in &pending {
                    rebuild.extend(p.mutation.touched_case_ids());
                }
            }
            if !resp.has_more {
                let stale: BTreeSet<Uuid> = idb::get_json(&meta, skey(K_STALE))
                    .await?
                    .unwrap_or_default();
                if !stale.is_empty() {
                    rebuild.extend(stale);
                    idb::delete(&meta, KeyRange::Only(skey(K_STALE)))?;
                }
            }
            // Cases are rebuilt with the policies as they stand after this page.
            let known = if policies_changed {
                match idb::get_all_json::<PolicyRecord>(&policies).await {
                    Ok(pulled) => merge_policies(&pulled),
                    Err(e) => {
                        leptos::logging::warn!(
                            "stored SLA policies unreadable, using the built-in ones: {e}"
                        );
                        merge_policies(&[])
                    }
                }
            } else {
                self.known_policies()
            };
            rebuild_views(&cases, &server_cases, rebuild, &pending, &known).await?;

            idb::put_json(&meta, skey(K_CURSOR), &resp.cursor)?;
            if !resp.has_more {
                idb::put_json(&meta, skey(K_LAST_SYNC), &Utc::now())?;
            }
        }
        idb::commit(tx).await?;
        if parts_changed {
            self.invalidate_parts();
        }
        if policies_changed {
            self.reload_policies().await;
        }
        Ok(())
    }
}

/// Adds `sign * delta` of each move to the van-stock rows (a missing row starts at 0).
async fn apply_stock_moves(
    stock: &indexed_db_futures::object_store::ObjectStore<'_>,
    moves: &[StockMove],
    sign: i64,
) -> Result<(), StoreError> {
    for mv in moves {
        let mut level = idb::get_json::<StockLevel>(stock, skey(&mv.part_no))
            .await?
            .unwrap_or(StockLevel {
                part_no: mv.part_no.clone(),
                engineer_id: mv.engineer_id,
                qty: 0,
                min_qty: onsite_core::catalog::DEFAULT_MIN_QTY,
            });
        level.qty += sign * mv.delta;
        idb::put_json(stock, skey(&mv.part_no), &level)?;
    }
    Ok(())
}

/// Recomputes the local view of `ids` = the server's version + pending mutations (in seq
/// The queued records as the replica re-applies them (a record that no longer parses is
/// left out: the server rejects it too).
fn pending_changes(pending: &[OutboxRecord]) -> Vec<PendingChange> {
    pending
        .iter()
        .filter_map(|r| {
            Some(PendingChange {
                actor: Actor {
                    user_id: r.entry.user_id,
                    role: r.role.unwrap_or(Role::Engineer),
                },
                mutation: Mutation::parse(&r.entry.name, &r.entry.args).ok()?,
                client_time: r.entry.client_time,
                stock_moves: r.stock_moves.clone(),
            })
        })
        .collect()
}

/// Recomputes the local view of `ids` (`onsite_core::replica`): the server's version + the
/// pending changes that touch them. A case with neither is removed from the view.
async fn rebuild_views(
    cases: &indexed_db_futures::object_store::ObjectStore<'_>,
    server_cases: &indexed_db_futures::object_store::ObjectStore<'_>,
    ids: BTreeSet<Uuid>,
    pending: &[PendingChange],
    policies: &[SlaPolicy],
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids = replica::cases_to_rebuild(ids, pending);
    let mut server = BTreeMap::new();
    for id in &ids {
        if let Some(c) = idb::get_json::<Case>(server_cases, case_key(*id)).await? {
            server.insert(*id, c);
        }
    }
    let view = replica::rebuild(server, &ids, pending, policies);
    for id in ids {
        match view.get(&id) {
            Some(c) => idb::put_json(cases, case_key(id), c)?,
            None => idb::delete(cases, KeyRange::Only(case_key(id)))?,
        }
    }
    Ok(())
}

/// A pull change's entity, parsed from its JSON text: the store reads its records from JSON
/// text too, so the wasm holds one parser per type instead of a second one for `Value`s.
fn change_data<T: serde::de::DeserializeOwned>(data: &serde_json::Value) -> Result<T, StoreError> {
    Ok(serde_json::from_str(&data.to_string())?)
}

/// Stores a pulled record under its change id once it reads as a `T` (a malformed record
/// fails the page instead of reaching the screens).
fn put_checked<T: serde::de::DeserializeOwned + Serialize>(
    os: &indexed_db_futures::object_store::ObjectStore<'_>,
    ch: &onsite_core::wire::Change,
) -> Result<(), StoreError> {
    let record: T = change_data(&ch.data)?;
    idb::put_json(os, skey(&ch.id), &record)
}

pub fn hash_blob(bytes: &[u8]) -> String {
    onsite_core::sha256_hex(bytes)
}
