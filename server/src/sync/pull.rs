//! Pull: the change feed a device reads, filtered to what its user may see.

use std::collections::HashMap;

use onsite_core::wire::{ChangeOp, Entity};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Session;
use crate::error::ApiError;
use crate::store::cases;
use crate::store::log::{self, ChangeRow, Position};
use crate::store::{json_by_ids, policies, users, Backend, Json, Store};

/// A page of the change feed: `onsite_core::wire::PullResponse` as it is written, with each
/// change's data passed through as stored (no decoding and encoding of every document).
#[derive(Debug, Serialize)]
pub struct PullPage {
    pub cursor: String,
    pub has_more: bool,
    pub reset: bool,
    pub last_seq: u64,
    pub changes: Vec<PageChange>,
}

/// `onsite_core::wire::Change` with its data as stored.
#[derive(Debug, Serialize)]
pub struct PageChange {
    pub entity: Entity,
    pub op: ChangeOp,
    pub id: String,
    /// `null` for a delete.
    pub data: Option<Json>,
}

/// Change rows read per pull.
pub const PAGE: i64 = 1000;

/// Where a cursor points: `None` = start over (missing, malformed, other epoch, beyond the end).
/// `{epoch}.{id}` on SQLite (tx is 0), `{epoch}.{tx}.{id}` on PostgreSQL.
fn parse_cursor(cursor: Option<&str>, epoch: &str, end: Position, max_id: i64) -> Option<Position> {
    let (e, rest) = cursor?.split_once('.')?;
    let (tx, id) = rest.split_once('.').unwrap_or(("0", rest));
    let pos = Position {
        tx: tx.parse().ok()?,
        id: id.parse().ok()?,
    };
    let known = (0..=end.tx).contains(&pos.tx) && (0..=max_id).contains(&pos.id);
    (e == epoch && known).then_some(pos)
}

pub fn format_cursor(epoch: &str, pos: Position) -> String {
    if pos.tx == 0 {
        format!("{epoch}.{}", pos.id)
    } else {
        format!("{epoch}.{}.{}", pos.tx, pos.id)
    }
}

pub async fn pull(
    store: &Store,
    session: &Session,
    cursor: Option<&str>,
) -> Result<PullPage, ApiError> {
    let horizon = match store.backend() {
        Backend::Sqlite => None,
        Backend::Postgres => log::horizon(&mut *store.pool().acquire().await?).await?,
    };
    let mut tx = store.read().await?;
    let (last, max_id) = log::last_position(&mut tx).await?;
    let end = horizon.map_or(last, |h| h.max(last));
    let cursor = cursor.filter(|c| !c.is_empty());
    let (start, reset) = match parse_cursor(cursor, store.epoch(), end, max_id) {
        Some(pos) => (pos, false),
        None => (Position::default(), true),
    };
    let mut rows =
        log::changes_after(&mut tx, start, session.user_id, session.role, PAGE + 1).await?;
    let mut has_more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    let mut position = if has_more {
        rows.last().map_or(start, |r| r.at)
    } else {
        last.max(rows.last().map_or(start, |r| r.at))
    };
    // Rows past the horizon are sent (a device sees its own push at once), but the cursor
    // stays below it: a row still to commit there comes again with them next time.
    if let Some(h) = horizon {
        if position > h {
            position = h.max(start);
            // Nothing final to move on to: the next sync asks again.
            has_more &= position > start;
        }
    }

    // Keep only the newest visible row per entity: a later put supersedes an earlier
    // delete and the other way round.
    let mut newest: HashMap<(Entity, &str), Position> = HashMap::new();
    for r in &rows {
        newest.insert((r.entity, r.entity_id.as_str()), r.at);
    }
    let kept: Vec<&ChangeRow> = rows
        .iter()
        .filter(|r| newest.get(&(r.entity, r.entity_id.as_str())) == Some(&r.at))
        .collect();

    let ids = |e: Entity| -> Vec<String> {
        kept.iter()
            .filter(|r| r.entity == e && r.op == ChangeOp::Put)
            .map(|r| r.entity_id.clone())
            .collect()
    };
    let mut data = HashMap::new();
    for (entity, sql) in log::DOCUMENTS {
        data.insert(entity, json_by_ids(&mut tx, sql, &ids(entity)).await?);
    }
    let stock = cases::stock_json(&mut tx, session.user_id, &ids(Entity::Stock)).await?;
    let people = users::user_json(&mut tx, &ids(Entity::User)).await?;
    let records = policies::record_json(&mut tx, &ids(Entity::Policy), session.role).await?;
    data.extend([
        (Entity::Stock, stock),
        (Entity::User, people),
        (Entity::Policy, records),
    ]);

    let mut changes = Vec::with_capacity(kept.len());
    for r in kept {
        let value = match r.op {
            ChangeOp::Delete => None,
            ChangeOp::Put => match data.get_mut(&r.entity).and_then(|m| m.remove(&r.entity_id)) {
                Some(v) => Some(v),
                None => continue,
            },
        };
        changes.push(PageChange {
            entity: r.entity,
            op: r.op,
            id: r.entity_id.clone(),
            data: value,
        });
    }
    let last_seq = users::last_seq(&mut tx, session.client_id)
        .await?
        .unwrap_or(0);
    tx.commit().await?;
    Ok(PullPage {
        cursor: format_cursor(store.epoch(), position),
        has_more,
        reset,
        last_seq,
        changes,
    })
}

/// The client id in the query must be the token's device.
pub fn check_client(session: &Session, client_id: Uuid) -> Result<(), ApiError> {
    if client_id == session.client_id {
        Ok(())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "client_mismatch",
            "client_id is not the device this token was issued to",
        ))
    }
}
