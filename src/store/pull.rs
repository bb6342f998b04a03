//! Applying a pull page: the server's data stored, each touched case rebuilt through
//! `onsite_core::replica` from the server's copy and this user's pending changes.

use super::outbox::{client_records, remove_acked, OutboxRecord};
use super::schema::merge_policies;
use super::*;

impl Store {
    /// What the status bar shows, in one round of reads: the changes waiting (every user's),
    /// the last complete sync and the rejections, oldest first.
    pub async fn sync_counts(&self) -> Result<SyncCounts, StoreError> {
        let tx = self.db().transaction([META, OUTBOX, REJECTIONS]).build()?;
        let (meta, outbox, rejections) = (
            tx.object_store(META)?,
            tx.object_store(OUTBOX)?,
            tx.object_store(REJECTIONS)?,
        );
        let (pending, last_sync, mut rejections) = futures::try_join!(
            idb::count(&outbox),
            idb::get_json::<DateTime<Utc>>(&meta, skey(K_LAST_SYNC)),
            idb::get_all_json::<RejectionRecord>(&rejections),
        )?;
        rejections.sort_by(|a, b| a.at.cmp(&b.at).then(a.seq.cmp(&b.seq)));
        Ok(SyncCounts {
            pending,
            last_sync,
            rejections,
        })
    }

    /// The pull cursor (opaque), if any pull completed a page.
    pub async fn cursor(&self) -> Result<Option<String>, StoreError> {
        self.meta_get(K_CURSOR).await
    }

    /// Applies one pull page of `client` in one transaction (see DESIGN.md, sync protocol v1).
    /// Refused whole ([`StoreErrorKind::SessionChanged`]) when `client` no longer syncs here.
    pub async fn apply_pull(&self, client: Uuid, resp: &PullResponse) -> Result<(), StoreError> {
        self.load_policies().await;
        let tx = self.write_tx(&with_server_data(&[META, OUTBOX]))?;
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
            let (client, legacy) = expect_active(&meta, client).await?;

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
            remove_acked(&outbox, client, legacy, resp.last_seq, &[]).await?;
            let pending =
                pending_changes(&client_records(&outbox, client, legacy, 0, usize::MAX).await?);

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
            self.forget_policies();
        }
        Ok(())
    }
}

/// Recomputes the local view of `ids` = the server's version + pending mutations (in seq
/// The queued records as the replica re-applies them (a record that no longer parses is
/// left out: the server rejects it too).
pub(super) fn pending_changes(pending: &[OutboxRecord]) -> Vec<PendingChange> {
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
pub(super) async fn rebuild_views(
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
pub(super) fn change_data<T: serde::de::DeserializeOwned>(
    data: &serde_json::Value,
) -> Result<T, StoreError> {
    Ok(serde_json::from_str(&data.to_string())?)
}

/// Stores a pulled record under its change id once it reads as a `T` (a malformed record
/// fails the page instead of reaching the screens).
pub(super) fn put_checked<T: serde::de::DeserializeOwned + Serialize>(
    os: &indexed_db_futures::object_store::ObjectStore<'_>,
    ch: &onsite_core::wire::Change,
) -> Result<(), StoreError> {
    let record: T = change_data(&ch.data)?;
    idb::put_json(os, skey(&ch.id), &record)
}
