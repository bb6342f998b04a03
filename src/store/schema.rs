//! Opening the database: the upgrade ladder (each step only adds), another tab's upgrade,
//! and the SLA policies local effects use.

use super::*;

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
                policies: RefCell::new(None),
                last_clients: Cell::new(None),
                last_case: RefCell::new(None),
            }),
        };
        Ok(store)
    }

    /// Reads the policies local effects use, unless they are in memory already; before the
    /// transaction that needs them ([`Store::known_policies`]). A stored record that cannot
    /// be read (written by another build, say) must not keep the app from its local data: the
    /// device then falls back to the built-in policies until the next pull brings readable ones.
    pub(super) async fn load_policies(&self) {
        if self.inner.policies.borrow().is_some() {
            return;
        }
        let pulled = match self.policies().await {
            Ok(p) => p,
            Err(e) => {
                leptos::logging::warn!(
                    "stored SLA policies unreadable, using the built-in ones: {e}"
                );
                Vec::new()
            }
        };
        *self.inner.policies.borrow_mut() = Some(merge_policies(&pulled));
    }

    /// The stored policies changed (a pull, a clear): read again when next needed.
    pub(super) fn forget_policies(&self) {
        self.inner.policies.borrow_mut().take();
    }

    /// The policies [`Store::load_policies`] read (the built-in ones if it was not awaited).
    pub(super) fn known_policies(&self) -> Vec<SlaPolicy> {
        self.inner
            .policies
            .borrow()
            .clone()
            .unwrap_or_else(|| merge_policies(&[]))
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
}

/// The built-in policies, overridden by name by the ones pulled from the server.
pub(super) fn merge_policies(pulled: &[PolicyRecord]) -> Vec<SlaPolicy> {
    let mut all = vec![SlaPolicy::standard(), SlaPolicy::strict()];
    for r in pulled {
        match all.iter_mut().find(|p| p.name == r.policy.name) {
            Some(p) => *p = r.policy.clone(),
            None => all.push(r.policy.clone()),
        }
    }
    all
}
