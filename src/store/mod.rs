//! IndexedDB store.

use onsite_core::wire::{RejectionRecord, UserInfo};
use onsite_core::{Actor, Case, Mutation, Part, StockLevel};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct StoreError {
    pub kind: StoreErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    QuotaExceeded,
    Rejected,
    NotFound,
    Other,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

impl std::error::Error for StoreError {}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub token: String,
    pub user: UserInfo,
    pub client_id: uuid::Uuid,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OutboxEntry {
    pub seq: u64,
    pub id: uuid::Uuid,
    pub name: String,
    pub args: serde_json::Value,
    pub client_time: chrono::DateTime<chrono::Utc>,
    pub user_id: uuid::Uuid,
    pub blobs: Vec<String>,
}

#[derive(Clone)]
pub struct Store {
    #[allow(dead_code)]
    db: Rc<()>,
}

impl Store {
    pub async fn open() -> Result<Store, StoreError> {
        todo!()
    }
    pub async fn open_named(_name: &str) -> Result<Store, StoreError> {
        todo!()
    }
    pub async fn client_id(&self) -> Result<uuid::Uuid, StoreError> {
        todo!()
    }
    pub async fn session(&self) -> Result<Option<Session>, StoreError> {
        todo!()
    }
    pub async fn set_session(&self, _s: Option<&Session>) -> Result<(), StoreError> {
        todo!()
    }
    pub async fn cases(&self) -> Result<Vec<Case>, StoreError> {
        todo!()
    }
    pub async fn case(&self, _id: uuid::Uuid) -> Result<Option<Case>, StoreError> {
        todo!()
    }
    pub async fn search_parts(&self, _query: &str, _limit: usize) -> Result<Vec<Part>, StoreError> {
        todo!()
    }
    pub async fn part_count(&self) -> Result<u32, StoreError> {
        todo!()
    }
    pub async fn stock(&self) -> Result<Vec<StockLevel>, StoreError> {
        todo!()
    }
    pub async fn stock_of(&self, _part_no: &str) -> Result<Option<StockLevel>, StoreError> {
        todo!()
    }
    pub async fn blob(&self, _sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        todo!()
    }
    pub async fn record(
        &self,
        _actor: Actor,
        _m: Mutation,
        _blobs: Vec<(String, Vec<u8>)>,
    ) -> Result<OutboxEntry, StoreError> {
        todo!()
    }
    pub async fn pending_count(&self) -> Result<u32, StoreError> {
        todo!()
    }
    pub async fn pending(&self, _limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        todo!()
    }
    pub async fn rejections(&self) -> Result<Vec<RejectionRecord>, StoreError> {
        todo!()
    }
    pub async fn last_sync(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        todo!()
    }
}

pub fn hash_blob(bytes: &[u8]) -> String {
    onsite_core::sha256_hex(bytes)
}
