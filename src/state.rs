//! The app context: the store, the session, sync status and the one helper
//! every page uses to write (`AppState::perform`).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use onsite_core::{Actor, Mutation, RejectionCode};

use crate::case_filter::CaseFilter;
use crate::store::{Session, Store, StoreError, StoreErrorKind};
use crate::sync::{SyncHandle, SyncStatus};

/// An error shown to the user: a translation key, an optional second translated line (why),
/// and the raw technical detail. The detail is never shown as text (it is English from the
/// browser, the store or the server): it goes to the console and to a `data-detail`
/// attribute for support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiError {
    pub key: &'static str,
    /// A translated explanation, e.g. `rejection.not_assignee`.
    pub reason: Option<&'static str>,
    pub detail: Option<String>,
}

/// The i18n key explaining a rejection code from onsite-core (or the server). Exhaustive: a new
/// code does not compile until it is translated.
pub fn rejection_reason(code: RejectionCode) -> &'static str {
    match code {
        RejectionCode::InvalidArgs => "rejection.invalid_args",
        RejectionCode::InvalidStatus => "rejection.invalid_status",
        RejectionCode::NotAssignee => "rejection.not_assignee",
        RejectionCode::ForbiddenRole => "rejection.forbidden_role",
        RejectionCode::NotFound => "rejection.not_found",
        RejectionCode::NotReady => "rejection.not_ready",
        RejectionCode::Conflict => "rejection.conflict",
        RejectionCode::UnknownMutation => "rejection.unknown_mutation",
        RejectionCode::UnknownPart => "rejection.unknown_part",
        RejectionCode::BlobMissing => "rejection.blob_missing",
        RejectionCode::UnknownEngineer => "rejection.unknown_engineer",
        RejectionCode::Other => "rejection.other",
    }
}

impl UiError {
    pub fn new(key: &'static str) -> UiError {
        UiError {
            key,
            reason: None,
            detail: None,
        }
    }

    pub fn with(key: &'static str, detail: impl Into<String>) -> UiError {
        UiError {
            key,
            reason: None,
            detail: Some(detail.into()),
        }
    }

    pub fn because(mut self, reason: &'static str) -> UiError {
        self.reason = Some(reason);
        self
    }

    /// A failed request: `key` says what failed, the server's reason (where known) why.
    pub fn from_api(key: &'static str, e: &crate::api::ApiError) -> UiError {
        UiError {
            key,
            reason: e.reason_key(),
            detail: Some(e.to_string()),
        }
    }

    pub fn from_store(e: &StoreError) -> UiError {
        match e.kind {
            StoreErrorKind::QuotaExceeded => UiError::with("error.quota", e.message.clone()),
            StoreErrorKind::Rejected(code) => {
                UiError::with("error.rejected", e.message.clone()).because(rejection_reason(code))
            }
            StoreErrorKind::NotFound => UiError::with("error.not_found", e.message.clone()),
            StoreErrorKind::SessionChanged => {
                UiError::with("error.session_changed", e.message.clone())
            }
            StoreErrorKind::Other => UiError::with("error.store", e.message.clone()),
        }
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub store: StoredValue<Option<Store>, LocalStorage>,
    pub sync: StoredValue<Option<SyncHandle>, LocalStorage>,
    pub session: RwSignal<Option<Session>>,
    pub status: RwSignal<SyncStatus>,
    /// Bumped after every local write and every sync that brought news; pages refetch on it.
    pub revision: RwSignal<u64>,
    pub error: RwSignal<Option<UiError>>,
    /// The store is open and the stored session (if any) is loaded.
    pub ready: RwSignal<bool>,
    /// Ticks every 30 s so time-left badges stay current.
    pub now: RwSignal<DateTime<Utc>>,
    /// `navigator.storage.persist()` answer: None = not asked / unsupported.
    pub persisted: RwSignal<Option<bool>>,
    /// The browser just refused persistent storage: show a notice (dismissible).
    pub persist_notice: RwSignal<bool>,
    /// The case-list filters; kept here so they survive opening a case and coming back
    /// (reset by `logout`).
    pub case_filter: RwSignal<CaseFilter>,
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            store: StoredValue::new_local(None),
            sync: StoredValue::new_local(None),
            session: RwSignal::new(None),
            status: RwSignal::new(SyncStatus {
                online: web_sys::window()
                    .map(|w| w.navigator().on_line())
                    .unwrap_or(false),
                ..SyncStatus::default()
            }),
            revision: RwSignal::new(0),
            error: RwSignal::new(None),
            ready: RwSignal::new(false),
            now: RwSignal::new(Utc::now()),
            persisted: RwSignal::new(None),
            persist_notice: RwSignal::new(false),
            case_filter: RwSignal::new(CaseFilter::default()),
        }
    }

    pub fn store(&self) -> Option<Store> {
        self.store.get_value()
    }

    pub fn actor(&self) -> Option<Actor> {
        self.session.with_untracked(|s| {
            s.as_ref().map(|s| Actor {
                user_id: s.user.id,
                role: s.user.role,
            })
        })
    }

    /// Reactive version of `actor` (tracks the session).
    pub fn actor_tracked(&self) -> Option<Actor> {
        self.session.with(|s| {
            s.as_ref().map(|s| Actor {
                user_id: s.user.id,
                role: s.user.role,
            })
        })
    }

    pub fn show_error(&self, e: UiError) {
        leptos::logging::error!("{}: {:?}", e.key, e.detail);
        self.error.set(Some(e));
    }

    pub fn bump(&self) {
        self.revision.update(|r| *r += 1);
    }

    /// Sync now (the user asked, or the service worker's Background Sync fired).
    pub fn sync_now(&self) {
        self.sync.with_value(|h| {
            if let Some(h) = h {
                h.sync_now();
            }
        });
    }

    pub fn nudge(&self) {
        self.sync.with_value(|h| {
            if let Some(h) = h {
                h.nudge();
            }
        });
    }

    /// THE write path of the UI: record the mutation locally (same transaction as its
    /// outbox entry), then nudge the sync engine. Errors are shown, never swallowed.
    /// Returns whether it was recorded.
    pub async fn perform(self, m: Mutation, blobs: Vec<(String, Vec<u8>)>) -> bool {
        let (Some(store), Some(actor)) = (self.store(), self.actor()) else {
            self.show_error(UiError::new("error.no_session"));
            return false;
        };
        match store.record(actor, m, blobs).await {
            Ok(_) => {
                self.error.set(None);
                self.bump();
                self.nudge();
                // Offline: where the browser has Background Sync, it wakes the worker when
                // the connection is back (the page's own sync stays the mechanism).
                crate::browser::request_background_sync();
                match store.pending_count().await {
                    Ok(n) => self.status.update(|s| s.pending = n),
                    Err(e) => self.show_error(UiError::from_store(&e)),
                }
                true
            }
            Err(e) => {
                self.show_error(UiError::from_store(&e));
                false
            }
        }
    }

    /// A session is known (fresh login or stored): show the app and start syncing.
    pub fn start_session(&self, session: Session) {
        self.status.update(|s| {
            s.session_ended = false;
            s.session_replaced = false;
        });
        let client = session.client_id;
        self.session.set(Some(session));
        self.sync.with_value(|h| {
            if let Some(h) = h {
                h.stop();
            }
        });
        if let Some(store) = self.store() {
            let handle = crate::sync::start(store, self.status, client);
            self.sync.set_value(Some(handle));
        }
        request_persistence(*self);
    }

    /// The server answered 401 to a request outside sync: the same flow as a sync that meets
    /// it (the status bar and the status page ask the user to sign in again).
    pub fn session_expired(&self) {
        self.status.update(|s| {
            s.auth_expired = true;
            s.last_error = Some("sync_error.auth_expired");
            s.last_error_detail = None;
            s.last_error_reason = None;
        });
    }

    /// The sync engine found the session ended on the server (and cleared the device's copy of
    /// server data), or another user's sign-in on this device replaced it: leave the app for
    /// the login page (which says why).
    pub fn session_ended_on_server(&self) {
        self.sync.with_value(|h| {
            if let Some(h) = h {
                h.stop();
            }
        });
        self.sync.set_value(None);
        self.session.set(None);
        self.case_filter.set(CaseFilter::default());
        self.bump();
    }

    /// Log out locally. The outbox is never touched: it syncs when this user logs in again.
    pub async fn logout(self) {
        let token = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()));
        self.sync.with_value(|h| {
            if let Some(h) = h {
                h.stop();
            }
        });
        self.sync.set_value(None);
        if let Some(store) = self.store() {
            if let Err(e) = store.set_session(None).await {
                self.show_error(UiError::from_store(&e));
                return;
            }
        }
        let pending = self.status.with_untracked(|s| s.pending);
        let online = self.status.with_untracked(|s| s.online);
        self.status.set(SyncStatus {
            pending,
            online,
            ..SyncStatus::default()
        });
        self.session.set(None);
        // The next user starts with an unfiltered case list.
        self.case_filter.set(CaseFilter::default());
        self.bump();
        // Revoke the token on the server when we can; offline it simply expires there.
        if let Some(token) = token {
            if let Err(e) = crate::api::logout(&token).await {
                leptos::logging::warn!("logout on the server failed: {e:?}");
            }
        }
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// Signing out ([`AppState::logout`]) as an `Action`: a button that runs it is disabled while
/// it runs, so a second tap does not sign out twice.
pub fn use_logout() -> Action<(), ()> {
    let state = use_app();
    Action::new_local(move |_: &()| state.logout())
}

/// Ask the browser to keep our IndexedDB data under storage pressure, once (the answer is
/// remembered in the store's meta); later starts only read the current state. A refusal on
/// the first ask shows a notice; the settings page explains it.
fn request_persistence(state: AppState) {
    leptos::task::spawn_local(async move {
        let Some(store) = state.store() else {
            return;
        };
        let persisted = crate::browser::storage_persisted().await;
        if persisted == Some(true) {
            state.persisted.set(persisted);
            return;
        }
        match store.persist_answer().await {
            Ok(Some(_)) => state.persisted.set(persisted),
            Ok(None) => {
                let answer = crate::browser::storage_persist().await;
                state.persisted.set(answer);
                if let Some(granted) = answer {
                    // Not saved: the app would ask again at the next start; say why now.
                    if let Err(e) = store.set_persist_answer(granted).await {
                        state.show_error(UiError::from_store(&e));
                    }
                    state.persist_notice.set(!granted);
                }
            }
            Err(e) => state.show_error(UiError::from_store(&e)),
        }
    });
}
