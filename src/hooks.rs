//! The app's data hooks: what a screen reads from the store, reloaded when the app's
//! revision moves (a write or a sync brought news).

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use onsite_core::knowledge::PastFix;
use onsite_core::{Case, CaseSummary};
use uuid::Uuid;

use crate::state::{use_app, UiError};
use crate::store::{Store, StoreError};

/// Every case on the device (a manager pulls every case), reloaded after each write/sync.
pub fn use_cases() -> LocalResource<Result<Vec<Case>, UiError>> {
    cases_read(|store| async move { store.cases().await })
}

/// What the case list shows of every case on the device, reloaded after each write/sync.
pub fn use_case_summaries() -> LocalResource<Result<Vec<Arc<CaseSummary>>, UiError>> {
    cases_read(|store| async move {
        let all = store.case_summaries().await;
        crate::perf_mark("onsite:cases-read");
        Ok(all?.into_iter().map(Arc::new).collect())
    })
}

/// `store_read` keeping a failed read as the resource's error (the case list shows it).
fn cases_read<T, F, Fut>(read: F) -> LocalResource<Result<Vec<T>, UiError>>
where
    T: 'static,
    F: Fn(Store) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<Vec<T>, StoreError>> + 'static,
{
    store_read(read, |cases| cases.map_err(|e| UiError::from_store(&e)))
}

/// The past fixes on this device (reloaded after every sync); `None` while loading.
pub fn use_past_fixes() -> Signal<Option<Vec<PastFix>>> {
    let res = store_list(|store| async move { store.past_fixes().await });
    Signal::derive(move || res.get())
}

/// The users the device knows, id → name (from the pulled `user` entities).
pub fn use_user_names() -> Signal<BTreeMap<Uuid, String>> {
    let users = use_users();
    // A memo: a case page reads it once per timeline entry.
    Memo::new(move |_| {
        users
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    })
    .into()
}

/// The users the device knows (reloaded after each sync).
pub fn use_users() -> LocalResource<Vec<onsite_core::wire::UserInfo>> {
    store_list(|store| async move { store.users().await })
}

/// `store_read` showing a failed read in the app's banner and reading it as empty.
fn store_list<T, F, Fut>(read: F) -> LocalResource<Vec<T>>
where
    T: 'static,
    F: Fn(Store) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<Vec<T>, StoreError>> + 'static,
{
    let state = use_app();
    store_read(read, move |list| {
        list.unwrap_or_else(|e| {
            state.show_error(UiError::from_store(&e));
            Vec::new()
        })
    })
}

/// A list the store holds, read again after every write or sync (empty until the store is
/// open); `done` makes the resource's value of what the read gave.
fn store_read<T, R, F, Fut, D>(read: F, done: D) -> LocalResource<R>
where
    T: 'static,
    R: 'static,
    F: Fn(Store) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<Vec<T>, StoreError>> + 'static,
    D: Fn(Result<Vec<T>, StoreError>) -> R + Copy + 'static,
{
    let state = use_app();
    LocalResource::new(move || {
        state.revision.track();
        let store = state.store();
        async move {
            match store {
                Some(store) => done(read(store).await),
                None => done(Ok(Vec::new())),
            }
        }
    })
}

#[derive(Debug, Clone, PartialEq)]
pub enum CaseLoad {
    Loading,
    Missing,
    Error(UiError),
    Ready(Box<Case>),
}

impl CaseLoad {
    pub fn case(&self) -> Option<&Case> {
        match self {
            CaseLoad::Ready(c) => Some(c),
            _ => None,
        }
    }
}

/// The `:id` route parameter as a case id.
pub fn use_case_id() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok())))
}

/// The case with this id from the store. `live` refetches after every write/sync;
/// forms load once so a background sync never wipes what the user is typing.
pub fn use_case(id: Memo<Option<Uuid>>, live: bool) -> Memo<CaseLoad> {
    let state = use_app();
    let res = LocalResource::new(move || {
        if live {
            state.revision.track();
        }
        let id = id.get();
        let store = state.store();
        async move {
            let (Some(id), Some(store)) = (id, store) else {
                return CaseLoad::Missing;
            };
            match store.case(id).await {
                Ok(Some(c)) => CaseLoad::Ready(Box::new(c)),
                Ok(None) => CaseLoad::Missing,
                Err(e) => CaseLoad::Error(UiError::from_store(&e)),
            }
        }
    });
    Memo::new(move |_| res.get().unwrap_or(CaseLoad::Loading))
}
