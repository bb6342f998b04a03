//! Sync engine: outbox flusher and pull loop.

use crate::store::Store;
use leptos::prelude::RwSignal;
use onsite_core::wire::RejectionRecord;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
    pub online: bool,
    pub syncing: bool,
    pub pending: u32,
    pub last_sync: Option<chrono::DateTime<chrono::Utc>>,
    pub rejections: Vec<RejectionRecord>,
    pub last_error: Option<String>,
    pub auth_expired: bool,
}

#[derive(Clone)]
pub struct SyncHandle {}

impl SyncHandle {
    pub fn nudge(&self) {}
    pub fn sync_now(&self) {}
    pub fn stop(&self) {}
}

pub fn start(_store: Store, _status: RwSignal<SyncStatus>) -> SyncHandle {
    SyncHandle {}
}
