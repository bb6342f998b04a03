//! Reading stored values back: JSON columns, ids, and the error a malformed one becomes.

use std::collections::BTreeMap;

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

/// The stored JSON of the rows `sql` selects (`id`, `data`), by id. The database joins them
/// into one object `{id: data, …}` and that one value crosses from the driver: on SQLite each
/// row is a hand-off between sqlx's worker thread and the runtime, which was most of what a
/// full pull's pages cost the server.
pub(crate) async fn json_by_ids(
    conn: &mut Conn,
    sql: &'static str,
    ids: &[String],
) -> Result<BTreeMap<String, Json>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let object = [
        "'{' || group_concat(json_quote(id) || ':' || data, ',') || '}'",
        "'{' || string_agg(to_json(id)::text || ':' || data, ',') || '}'",
    ];
    let sql = super::Backend::of(conn).json_agg(object, sql);
    let object: Option<String> = sqlx::query_scalar(&sql)
        .bind(serde_json::Value::from(ids.to_vec()).to_string())
        .fetch_one(conn)
        .await?;
    match object {
        None => Ok(BTreeMap::new()),
        Some(text) => decode_json(&text),
    }
}
