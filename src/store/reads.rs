//! Reading what the device holds: cases, the parts catalog (searched in memory), van stock,
//! blobs, and the reference data every user pulls.

use super::*;

impl Store {
    /// Every user (id, name, role), by name.
    pub async fn users(&self) -> Result<Vec<UserInfo>, StoreError> {
        let mut users: Vec<UserInfo> = self.read_all(USERS).await?;
        users.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(users)
    }

    /// SLA policies as the server holds them, with the customers on each contract.
    pub async fn policies(&self) -> Result<Vec<PolicyRecord>, StoreError> {
        self.read_all(POLICIES).await
    }

    /// The knowledge base: closed, resolved cases (search with `onsite_core::knowledge`).
    pub async fn past_fixes(&self) -> Result<Vec<PastFix>, StoreError> {
        self.read_all(PAST_FIXES).await
    }

    pub async fn cases(&self) -> Result<Vec<Case>, StoreError> {
        self.read_all(CASES).await
    }

    /// What the case list shows of every case (decoded without the rest of each case).
    pub async fn case_summaries(&self) -> Result<Vec<CaseSummary>, StoreError> {
        self.read_all(CASES).await
    }

    pub async fn case(&self, id: Uuid) -> Result<Option<Case>, StoreError> {
        self.read_key(CASES, case_key(id)).await
    }

    pub(super) async fn parts_index(&self) -> Result<PartsIndex, StoreError> {
        if let Some(ix) = self.inner.parts.borrow().as_ref() {
            return Ok(ix.clone());
        }
        let mut parts: Vec<Part> = self.read_all(PARTS).await?;
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

    pub(super) fn invalidate_parts(&self) {
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
        self.read_all(STOCK).await
    }

    pub async fn stock_of(&self, part_no: &str) -> Result<Option<StockLevel>, StoreError> {
        self.read_key(STOCK, skey(part_no)).await
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
}
