//! Small helpers over indexed_db_futures: every value this crate stores is either a JSON
//! string (records) or a `Uint8Array` (blob bytes); keys are strings or numbers (seq).

use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use indexed_db_futures::KeyRange;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use super::{StoreError, StoreErrorKind};

pub(crate) type IdbError = indexed_db_futures::error::Error;

pub(crate) fn skey(s: &str) -> JsValue {
    JsValue::from_str(s)
}

/// Seq keys are JS numbers (a `u64` would become a BigInt, which is not a valid key).
pub(crate) fn nkey(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

fn dom_name(e: &IdbError) -> Option<String> {
    match e {
        IdbError::DomException(d) => Some(web_sys::DomException::from(d.clone()).name()),
        _ => None,
    }
}

impl From<IdbError> for StoreError {
    fn from(e: IdbError) -> Self {
        let kind = if dom_name(&e).as_deref() == Some("QuotaExceededError") {
            StoreErrorKind::QuotaExceeded
        } else {
            StoreErrorKind::Other
        };
        StoreError {
            kind,
            message: e.to_string(),
        }
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        match e {
            indexed_db_futures::error::OpenDbError::Base(b) => b.into(),
            other => StoreError::other(other.to_string()),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::other(format!("stored data: {e}"))
    }
}

/// A transaction's or request's DOM error as a store error (`QuotaExceededError` → quota).
pub(crate) fn dom_error(d: &web_sys::DomException) -> StoreError {
    let kind = if d.name() == "QuotaExceededError" {
        StoreErrorKind::QuotaExceeded
    } else {
        StoreErrorKind::Other
    };
    StoreError {
        kind,
        message: format!("{}: {}", d.name(), d.message()),
    }
}

/// Commits `tx`, waiting for `complete`. If the browser aborted it (quota, a failed request),
/// the transaction's own error names the reason.
pub(crate) async fn commit(tx: Transaction<'_>) -> Result<(), StoreError> {
    let raw: web_sys::IdbTransaction = tx.as_sys().clone().unchecked_into();
    match tx.commit().await {
        Ok(()) => Ok(()),
        Err(e) => {
            if let Some(d) = raw.error() {
                return Err(dom_error(&d));
            }
            Err(e.into())
        }
    }
}

pub(crate) async fn get_raw(
    os: &ObjectStore<'_>,
    key: JsValue,
) -> Result<Option<JsValue>, StoreError> {
    let v: Option<JsValue> = os
        .get::<JsValue, JsValue, JsValue>(key)
        .primitive()?
        .await?;
    Ok(v)
}

pub(crate) async fn get_json<T: DeserializeOwned>(
    os: &ObjectStore<'_>,
    key: JsValue,
) -> Result<Option<T>, StoreError> {
    match get_raw(os, key).await? {
        None => Ok(None),
        Some(v) => {
            let s = v
                .as_string()
                .ok_or_else(|| StoreError::other("stored value is not a JSON string"))?;
            Ok(Some(serde_json::from_str(&s)?))
        }
    }
}

/// Queues a put. The request is already sent when this returns; its failure aborts the
/// transaction, which `commit` reports.
pub(crate) fn put_json<T: Serialize>(
    os: &ObjectStore<'_>,
    key: JsValue,
    value: &T,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(value)?;
    put_raw(os, key, JsValue::from_str(&json))
}

pub(crate) fn put_raw(
    os: &ObjectStore<'_>,
    key: JsValue,
    value: JsValue,
) -> Result<(), StoreError> {
    let _req = os.put(value).with_key(key).without_key_type().primitive()?;
    Ok(())
}

pub(crate) fn delete(os: &ObjectStore<'_>, key: KeyRange<JsValue>) -> Result<(), StoreError> {
    let _req = os.delete::<JsValue, _>(key).primitive()?;
    Ok(())
}

pub(crate) async fn clear(os: &ObjectStore<'_>) -> Result<(), StoreError> {
    os.clear()?.await?;
    Ok(())
}

/// Whether `key` is in the store, without reading its value (blob bytes can be large).
pub(crate) async fn has_key(os: &ObjectStore<'_>, key: JsValue) -> Result<bool, StoreError> {
    let n: u32 = os
        .count()
        .with_query::<JsValue, _>(KeyRange::Only(key))
        .primitive()?
        .await?;
    Ok(n > 0)
}

pub(crate) async fn count(os: &ObjectStore<'_>) -> Result<u32, StoreError> {
    Ok(os.count().primitive()?.await?)
}

fn parse_all<T: DeserializeOwned>(
    it: impl Iterator<Item = Result<JsValue, IdbError>>,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for v in it {
        let v = v?;
        let s = v
            .as_string()
            .ok_or_else(|| StoreError::other("stored value is not a JSON string"))?;
        out.push(serde_json::from_str(&s)?);
    }
    Ok(out)
}

pub(crate) async fn get_all_json<T: DeserializeOwned>(
    os: &ObjectStore<'_>,
) -> Result<Vec<T>, StoreError> {
    let it = os.get_all::<JsValue>().primitive()?.await?;
    parse_all(it)
}

/// The JSON texts of the records whose key is in `range`, in key order, at most `limit`.
pub(crate) async fn get_range_text(
    os: &ObjectStore<'_>,
    range: KeyRange<JsValue>,
    limit: u32,
) -> Result<Vec<String>, StoreError> {
    let q = os.get_all::<JsValue>().with_query::<JsValue, _>(range);
    let mut out = Vec::new();
    for v in q.with_limit(limit).primitive()?.await? {
        out.push(
            v?.as_string()
                .ok_or_else(|| StoreError::other("stored value is not a JSON string"))?,
        );
    }
    Ok(out)
}
