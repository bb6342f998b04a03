//! Who the device is working for: one client_id per user, the session, the device's own
//! settings, and dropping the server's data when the user changes or the session ends.

use super::*;

impl Store {
    /// The device's first client_id (made on first use).
    pub async fn client_id(&self) -> Result<Uuid, StoreError> {
        let tx = self.write_tx(&[META])?;
        let id = legacy_client(&tx.object_store(META)?).await?;
        idb::commit(tx).await?;
        Ok(id)
    }

    /// The client_id `username` signs in with on this device: one per user for good (the
    /// server refuses a client_id bound to someone else). The first user gets the device's
    /// first client_id; `fresh` makes a new one (the server said the old one is taken).
    pub async fn client_for_login(&self, username: &str, fresh: bool) -> Result<Uuid, StoreError> {
        let name_key = format!("{K_CLIENT_FOR}{}", username.trim().to_lowercase());
        let tx = self.write_tx(&[META])?;
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

    /// The client that syncs and records on this device now: the signed-in user's (the
    /// device's first client when nobody signed in yet, made on first use).
    pub async fn active_client(&self) -> Result<Uuid, StoreError> {
        let tx = self.write_tx(&[META])?;
        let (active, _) = active_client(&tx.object_store(META)?).await?;
        idb::commit(tx).await?;
        Ok(active)
    }

    /// The session's user signed in on this device: the session is stored, their client
    /// becomes the one that syncs and records, and the device's server data becomes theirs. Another user's data (cases,
    /// stock, rejections, reference data) is cleared in the same transaction, so a sync round
    /// of the previous user still running in another tab can add nothing after it (its writes
    /// are refused: [`StoreErrorKind::SessionChanged`]); every user's queued changes stay.
    pub async fn activate(&self, session: &Session) -> Result<(), StoreError> {
        let tx = self.server_data_tx()?;
        let cleared = {
            let meta = tx.object_store(META)?;
            let owner: Option<Uuid> = idb::get_json(&meta, skey(K_DATA_OWNER)).await?;
            let other = owner.is_some_and(|o| o != session.user.id);
            if other {
                clear_server_data_in(&tx).await?;
            }
            let user_key = format!("{K_CLIENT_OF}{}", session.user.id);
            idb::put_json(&meta, skey(&user_key), &session.client_id)?;
            idb::put_json(&meta, skey(K_ACTIVE_CLIENT), &session.client_id)?;
            idb::put_json(&meta, skey(K_DATA_OWNER), &session.user.id)?;
            idb::put_json(&meta, skey(K_SESSION), session)?;
            other
        };
        idb::commit(tx).await?;
        if cleared {
            self.server_data_cleared();
        }
        Ok(())
    }

    /// The server ended the session whose token is `token` (revoked, or idle too long): its
    /// server data (cases, stock, rejections, users, policies, past fixes, cached blobs no
    /// queued change needs) and the stored session go, in one transaction; queued changes and
    /// their blobs stay, to sync when their author signs in again. Only if that session is
    /// still this device's: another user who signed in meanwhile (another tab) keeps theirs.
    /// Whether it was.
    pub async fn end_session(&self, token: &str) -> Result<bool, StoreError> {
        let tx = self.server_data_tx()?;
        let ended = {
            let meta = tx.object_store(META)?;
            let stored: Option<Session> = idb::get_json(&meta, skey(K_SESSION)).await?;
            let ended = stored.is_some_and(|s| s.token == token);
            if ended {
                clear_server_data_in(&tx).await?;
                idb::delete(&meta, KeyRange::Only(skey(K_SESSION)))?;
            }
            ended
        };
        idb::commit(tx).await?;
        if ended {
            self.server_data_cleared();
        }
        Ok(ended)
    }

    fn server_data_tx(
        &self,
    ) -> Result<indexed_db_futures::transaction::Transaction<'_>, StoreError> {
        self.write_tx(&with_server_data(&[META, OUTBOX, BLOBS]))
    }

    /// The in-memory copies of what a clear dropped.
    fn server_data_cleared(&self) {
        self.invalidate_parts();
        self.forget_policies();
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
        self.read_key(SETTINGS, skey(key)).await
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
}

/// Drops the device's copy of server data inside `tx` (the server data's stores, `meta`,
/// `outbox` and `blobs`, read-write): the cursor, and the cached blobs no queued change names.
async fn clear_server_data_in(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
) -> Result<(), StoreError> {
    for name in SERVER_DATA {
        idb::clear(&tx.object_store(name)?).await?;
    }
    // Only the blobs each queued entry names (not a whole entry's decoder).
    #[derive(serde::Deserialize)]
    struct Named {
        blobs: Vec<String>,
    }
    let queued: Vec<Named> = idb::get_all_json(&tx.object_store(OUTBOX)?).await?;
    let keep: BTreeSet<&str> = queued
        .iter()
        .flat_map(|r| r.blobs.iter().map(String::as_str))
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
    Ok(())
}
