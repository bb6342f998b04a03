//! The outbox: the one write path (`record`), what is waiting, and the acknowledgement that
//! lets an entry go.

use super::*;

/// What the outbox store holds: the public entry plus what the device needs to rebuild its
/// view (the actor's role and the van-stock moves the local effect made).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct OutboxRecord {
    #[serde(flatten)]
    pub(super) entry: OutboxEntry,
    /// The record's key in the outbox store (device-wide order); `None` in old records,
    /// whose key is their seq.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) key: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) role: Option<Role>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) stock_moves: Vec<StockMove>,
}

/// Outbox records read per batch when looking for one client's entries.
const OUTBOX_BATCH: u32 = 256;

/// What picking a client's records needs of a stored record; the rest (the mutation's
/// arguments above all) is decoded only for the records picked.
#[derive(Deserialize)]
struct RecordHead {
    seq: u64,
    #[serde(default)]
    key: Option<u64>,
    #[serde(default)]
    client_id: Option<Uuid>,
}

/// A stored outbox record, picked by its head.
pub(super) struct Picked {
    key: u64,
    seq: u64,
    text: String,
}

impl Picked {
    pub(super) fn record(&self) -> Result<OutboxRecord, StoreError> {
        Ok(serde_json::from_str(&self.text)?)
    }
}

/// The outbox records of `client` in key order (= its seq order), at most `limit`.
pub(super) async fn client_records(
    outbox: &indexed_db_futures::object_store::ObjectStore<'_>,
    client: Uuid,
    legacy: Uuid,
    after_seq: u64,
    limit: usize,
) -> Result<Vec<OutboxRecord>, StoreError> {
    client_picks(outbox, client, legacy, after_seq, u64::MAX, limit)
        .await?
        .iter()
        .map(Picked::record)
        .collect()
}

/// The records of `client` with `after_seq` < seq ≤ `upto`, at most `limit`: a client's
/// records are in key order by seq, so the read stops at the first one past `upto` instead
/// of reading the rest of the outbox.
async fn client_picks(
    outbox: &indexed_db_futures::object_store::ObjectStore<'_>,
    client: Uuid,
    legacy: Uuid,
    after_seq: u64,
    upto: u64,
    limit: usize,
) -> Result<Vec<Picked>, StoreError> {
    let mut out = Vec::new();
    let mut after: Option<u64> = None;
    loop {
        let range = match after {
            Some(k) => KeyRange::LowerBound(nkey(k), true),
            None => KeyRange::LowerBound(nkey(0), false),
        };
        let batch = idb::get_range_text(outbox, range, OUTBOX_BATCH).await?;
        let done = batch.len() < OUTBOX_BATCH as usize;
        for text in batch {
            let head: RecordHead = serde_json::from_str(&text)?;
            let key = head.key.unwrap_or(head.seq);
            after = Some(key);
            if head.client_id.unwrap_or(legacy) != client || head.seq <= after_seq {
                continue;
            }
            if head.seq > upto {
                return Ok(out);
            }
            out.push(Picked {
                key,
                seq: head.seq,
                text,
            });
            if out.len() >= limit {
                return Ok(out);
            }
        }
        if done {
            return Ok(out);
        }
    }
}

/// Removes `client`'s entries up to seq `upto` (the server has them); returns those in
/// `rejected` among them.
pub(super) async fn remove_acked(
    outbox: &indexed_db_futures::object_store::ObjectStore<'_>,
    client: Uuid,
    legacy: Uuid,
    upto: u64,
    rejected: &[u64],
) -> Result<Vec<OutboxRecord>, StoreError> {
    let mut out = Vec::new();
    for p in client_picks(outbox, client, legacy, 0, upto, usize::MAX).await? {
        idb::delete(outbox, KeyRange::Only(nkey(p.key)))?;
        if rejected.contains(&p.seq) {
            out.push(p.record()?);
        }
    }
    Ok(out)
}

/// Adds `sign * delta` of each move to the van-stock rows (a missing row starts at 0). `known`
/// holds rows this transaction already read (`None`: no row); the others are read here.
pub(super) async fn apply_stock_moves(
    stock: &indexed_db_futures::object_store::ObjectStore<'_>,
    moves: &[StockMove],
    sign: i64,
    mut known: BTreeMap<String, Option<StockLevel>>,
) -> Result<(), StoreError> {
    for mv in moves {
        let current = match known.remove(&mv.part_no) {
            Some(row) => row,
            None => idb::get_json::<StockLevel>(stock, skey(&mv.part_no)).await?,
        };
        let mut level = current.unwrap_or(StockLevel {
            part_no: mv.part_no.clone(),
            engineer_id: mv.engineer_id,
            qty: 0,
            min_qty: onsite_core::catalog::DEFAULT_MIN_QTY,
        });
        level.qty += sign * mv.delta;
        idb::put_json(stock, skey(&mv.part_no), &level)?;
        known.insert(mv.part_no.clone(), Some(level));
    }
    Ok(())
}

/// The last seq of `clients`' own client and of the device's first client (`None`: none yet).
async fn last_seqs(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
    clients: WriteClients,
) -> Result<(Option<u64>, Option<u64>), StoreError> {
    let own = format!("{K_CLIENT_SEQ}{}", clients.client);
    let legacy = format!("{K_CLIENT_SEQ}{}", clients.legacy);
    futures::try_join!(
        idb::get_json::<u64>(meta, skey(&own)),
        idb::get_json::<u64>(meta, skey(&legacy)),
    )
}

impl Store {
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

    pub(super) async fn record_inner(
        &self,
        actor: Actor,
        m: Mutation,
        blobs: Vec<(String, Vec<u8>)>,
    ) -> Result<OutboxEntry, StoreError> {
        // Everything that is not IndexedDB happens before the transaction opens.
        self.load_policies().await;
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
        let (entry, written) = {
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
            // Every read goes out in one round, so a write waits for one round of IndexedDB
            // requests: the cases, the counters, the seqs of the clients the user's last
            // write went under (checked below), and the van-stock row the mutation names.
            let cases_os = tx.object_store(CASES)?;
            let meta_os = tx.object_store(META)?;
            let stock_os = tx.object_store(STOCK)?;
            let ids = m.touched_case_ids();
            let client_of = format!("{K_CLIENT_OF}{}", actor.user_id);
            let guess = self
                .inner
                .last_clients
                .get()
                .filter(|g| g.user == actor.user_id);
            let args = m.args();
            let named_part = args.get("part_no").and_then(|v| v.as_str());
            let (found, key, first_client, client, guessed_seqs, named_row) = futures::try_join!(
                futures::future::try_join_all(
                    ids.iter().map(|id| idb::get_raw(&cases_os, case_key(*id)))
                ),
                idb::get_json::<u64>(&meta_os, skey(K_NEXT_SEQ)),
                idb::get_json::<Uuid>(&meta_os, skey(K_CLIENT_ID)),
                idb::get_json::<Uuid>(&meta_os, skey(&client_of)),
                async {
                    match guess {
                        Some(g) => last_seqs(&meta_os, g).await.map(Some),
                        None => Ok(None),
                    }
                },
                async {
                    match named_part {
                        Some(p) => idb::get_json::<StockLevel>(&stock_os, skey(p)).await,
                        None => Ok(None),
                    }
                },
            )?;
            let mut map = BTreeMap::new();
            for (id, stored) in ids.iter().copied().zip(found) {
                if let Some(stored) = stored {
                    map.insert(id, self.decode_case(&stored)?);
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
            let mut written = None;
            for c in &outcome.cases {
                let text = JsValue::from_str(&serde_json::to_string(c)?);
                idb::put_raw(&cases_os, case_key(c.id), text.clone())?;
                written = Some((text, c.clone()));
            }
            let moves: Vec<StockMove> = outcome
                .stock_moves
                .into_iter()
                .filter(|mv| mv.engineer_id == actor.user_id)
                .collect();
            let known_rows: BTreeMap<String, Option<StockLevel>> = named_part
                .map(|p| (p.to_string(), named_row))
                .into_iter()
                .collect();
            if !blob_values.is_empty() {
                let blobs_os = tx.object_store(BLOBS)?;
                for (k, v) in blob_values {
                    idb::put_raw(&blobs_os, k, v)?;
                }
            }
            // The record's key orders the whole outbox; the seq counts this user's client.
            let key = key.unwrap_or(1);
            idb::put_json(&meta_os, skey(K_NEXT_SEQ), &(key + 1))?;
            let legacy = legacy_client_or_new(&meta_os, first_client)?;
            let clients = WriteClients {
                user: actor.user_id,
                client: client.unwrap_or(legacy),
                legacy,
            };
            // A second round only when the guess was wrong (a first write after signing in)
            // or the mutation moved stock of a part it does not name.
            let (seqs, ()) = futures::try_join!(
                async {
                    match guessed_seqs {
                        Some(seqs) if guess == Some(clients) => Ok(seqs),
                        _ => last_seqs(&meta_os, clients).await,
                    }
                },
                apply_stock_moves(&stock_os, &moves, 1, known_rows),
            )?;
            self.inner.last_clients.set(Some(clients));
            let (last, legacy_last) = seqs;
            let client = clients.client;
            // Entries from before per-user clients had seq = key.
            let legacy_last = match legacy_last {
                Some(n) => n,
                None => {
                    let legacy_seq = format!("{K_CLIENT_SEQ}{legacy}");
                    idb::put_json(&meta_os, skey(&legacy_seq), &(key - 1))?;
                    key - 1
                }
            };
            let last = if client == legacy {
                legacy_last
            } else {
                last.unwrap_or(0)
            };
            let seq = last + 1;
            let seq_key = format!("{K_CLIENT_SEQ}{client}");
            idb::put_json(&meta_os, skey(&seq_key), &seq)?;
            let entry = OutboxEntry {
                seq,
                id: entry_id,
                name: m.name().to_string(),
                args,
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
            (entry, written)
        };
        #[cfg(feature = "test-hooks")]
        if let Some(fault) = faults::take() {
            return Err(faults::fail(tx, fault).await);
        }
        idb::commit(tx).await?;
        *self.inner.last_case.borrow_mut() = written;
        Ok(entry)
    }

    /// A stored case: the one this store wrote last when the stored text is exactly what it
    /// wrote (a write to the case an engineer is working on then parses nothing), else
    /// decoded.
    fn decode_case(&self, stored: &JsValue) -> Result<Case, StoreError> {
        if let Some((text, case)) = self.inner.last_case.borrow().as_ref() {
            if text == stored {
                return Ok(case.clone());
            }
        }
        let text = stored
            .as_string()
            .ok_or_else(|| StoreError::other("stored value is not a JSON string"))?;
        Ok(serde_json::from_str(&text)?)
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
        let tx = self.db().transaction([META, OUTBOX]).build()?;
        // A device without a client id yet may still hold entries of an older build (they
        // carry no client id of their own): they are the first client's, whatever its id.
        let (client, legacy) = known_clients(&tx.object_store(META)?)
            .await?
            .unwrap_or((Uuid::nil(), Uuid::nil()));
        let recs = client_records(&tx.object_store(OUTBOX)?, client, legacy, after, limit).await?;
        Ok(recs.into_iter().map(|r| r.entry).collect())
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

    /// The server acknowledged every seq <= `upto` of `client`: those entries leave the outbox.
    /// Entries in `rejected` had their local effect undone: stock moves are reverted now, and
    /// their cases are rebuilt from the server's version at the end of the next complete pull.
    /// Refused whole ([`StoreErrorKind::SessionChanged`]) when `client` no longer syncs here.
    pub async fn ack(&self, client: Uuid, upto: u64, rejected: &[u64]) -> Result<(), StoreError> {
        let tx = self.write_tx(&[META, STOCK, OUTBOX])?;
        {
            let outbox = tx.object_store(OUTBOX)?;
            let meta = tx.object_store(META)?;
            let (client, legacy) = expect_active(&meta, client).await?;
            let gone = remove_acked(&outbox, client, legacy, upto, rejected).await?;
            if !gone.is_empty() {
                let stock = tx.object_store(STOCK)?;
                let mut stale: BTreeSet<Uuid> = idb::get_json(&meta, skey(K_STALE))
                    .await?
                    .unwrap_or_default();
                for rec in gone {
                    apply_stock_moves(&stock, &rec.stock_moves, -1, BTreeMap::new()).await?;
                    if let Ok(m) = Mutation::parse(&rec.entry.name, &rec.entry.args) {
                        stale.extend(m.touched_case_ids());
                    }
                }
                idb::put_json(&meta, skey(K_STALE), &stale)?;
            }
        }
        idb::commit(tx).await
    }
}
