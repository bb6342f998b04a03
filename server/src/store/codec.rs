//! Reading stored values back: JSON columns, ids, and the error a malformed one becomes.

use std::collections::BTreeMap;

use sqlx::Row;
use uuid::Uuid;

use super::Conn;

pub(crate) fn parse_uuid(s: &str) -> Result<Uuid, sqlx::Error> {
    Uuid::parse_str(s).map_err(|e| decode_err(format!("bad uuid {s}: {e}")))
}

pub(crate) fn decode_err(msg: String) -> sqlx::Error {
    sqlx::Error::Decode(msg.into())
}

pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(s).map_err(|e| decode_err(format!("stored JSON: {e}")))
}

/// A JSON value as text, passed through without decoding: a pull hands stored documents to the
/// device as they are.
pub type Json = Box<serde_json::value::RawValue>;

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<Json, sqlx::Error> {
    serde_json::value::to_raw_value(value).map_err(|e| decode_err(e.to_string()))
}

pub(crate) async fn json_by_ids(
    conn: &mut Conn,
    sql: &'static str,
    ids: &[String],
) -> Result<BTreeMap<String, Json>, sqlx::Error> {
    let mut out = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sql = super::Backend::of(conn).sql(sql);
    let rows = sqlx::query(&sql)
        .bind(serde_json::Value::from(ids.to_vec()).to_string())
        .fetch_all(conn)
        .await?;
    for r in rows {
        let id: String = r.try_get("id")?;
        let data: String = r.try_get("data")?;
        let json = serde_json::value::RawValue::from_string(data)
            .map_err(|e| decode_err(format!("stored JSON: {e}")))?;
        out.insert(id, json);
    }
    Ok(out)
}
