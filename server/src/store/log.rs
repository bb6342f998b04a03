//! The change log pull reads, the mutation audit trail and rejection records.

use chrono::{DateTime, Utc};
use onsite_core::wire::{ChangeOp, Entity, RejectionRecord, WireMutation};
use onsite_core::Role;
use uuid::Uuid;

use super::codec::{decode_err, decode_json};
use super::{ts, Conn};

/// The `audience` of the rows every user pulls (an engineer's pull finds them by index).
const EVERYONE: &str = "*";

/// Every user sees every row of these: parts, users (their public face, `UserInfo`), SLA
/// policies (`PolicyRecord`; engineers get `customers: []`, `policies::sees_customers`) and
/// past fixes. Cases, stock and rejections are addressed (`changes_after`).
fn for_everyone(entity: Entity) -> bool {
    matches!(
        entity,
        Entity::Part | Entity::User | Entity::Policy | Entity::PastFix
    )
}

/// The stored JSON (`id`, `data`) of the entities kept as one document each, which a pull
/// passes through as it is (`codec::json_by_ids`).
pub const DOCUMENTS: [(Entity, &str); 4] = [
    (
        Entity::Case,
        "SELECT id, data FROM cases WHERE id IN (SELECT value FROM {strings})",
    ),
    (
        Entity::Part,
        "SELECT part_no AS id, data FROM parts WHERE part_no IN (SELECT value FROM {strings})",
    ),
    (
        Entity::Rejection,
        "SELECT id, data FROM rejections WHERE id IN (SELECT value FROM {strings})",
    ),
    (
        Entity::PastFix,
        "SELECT case_id AS id, data FROM past_fixes WHERE case_id IN (SELECT value FROM {strings})",
    ),
];

/// Append a change-log row. Older rows for the same (entity, id, op, user) are removed:
/// pull only ever needs the newest, and the log stays as small as the data it describes.
pub async fn record_change(
    conn: &mut Conn,
    entity: Entity,
    entity_id: &str,
    op: ChangeOp,
    user_id: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    let mut changes = Changes::default();
    changes.add(entity, entity_id, op, user_id);
    changes.record(conn).await
}

/// Change-log rows a write gathers and appends together, in two statements however many
/// (a push's cases, its van-stock lines, a reassignment's tombstone), in the order added.
#[derive(Default)]
pub struct Changes(Vec<Change>);

struct Change {
    entity: Entity,
    entity_id: String,
    op: ChangeOp,
    user_id: Option<Uuid>,
    audience: Option<String>,
}

impl Changes {
    /// A row addressed to `user_id`, or to no one in particular (`None`).
    pub fn add(&mut self, entity: Entity, entity_id: &str, op: ChangeOp, user_id: Option<Uuid>) {
        let audience = (user_id.is_none() && for_everyone(entity)).then(|| EVERYONE.to_string());
        self.push(entity, entity_id, op, user_id, audience);
    }

    /// A case's `put`, which every manager sees and of the engineers only its assignee
    /// (`audience`).
    pub fn case_put(&mut self, case_id: &str, assignee: Option<Uuid>) {
        let audience = assignee.map(|u| u.to_string());
        self.push(Entity::Case, case_id, ChangeOp::Put, None, audience);
    }

    fn push(
        &mut self,
        entity: Entity,
        entity_id: &str,
        op: ChangeOp,
        user_id: Option<Uuid>,
        audience: Option<String>,
    ) {
        // One row per (entity, id, op, user): a later one supersedes an earlier one.
        self.0.retain(|c| {
            (c.entity, c.entity_id.as_str(), c.op, c.user_id) != (entity, entity_id, op, user_id)
        });
        self.0.push(Change {
            entity,
            entity_id: entity_id.to_string(),
            op,
            user_id,
            audience,
        });
    }

    /// Append the rows and remove the older rows they supersede.
    pub async fn record(self, conn: &mut Conn) -> Result<(), sqlx::Error> {
        if self.0.is_empty() {
            return Ok(());
        }
        let rows: Vec<serde_json::Value> = self
            .0
            .iter()
            .map(|c| {
                // The names are the wire's (`"case"`, `"past_fix"`; `"put"`, `"delete"`).
                serde_json::json!([
                    c.entity,
                    c.entity_id,
                    c.op,
                    c.user_id.map(|u| u.to_string()),
                    c.audience,
                ])
            })
            .collect();
        let rows = serde_json::Value::from(rows).to_string();
        let backend = super::Backend::of(conn);
        sqlx::query(&backend.sql(
            "DELETE FROM changes WHERE id IN (
                 SELECT c.id FROM {elements}, changes c
                 WHERE c.entity = j.value ->> 0 AND c.entity_id = j.value ->> 1
                   AND c.op = j.value ->> 2 AND c.user_id IS NOT DISTINCT FROM j.value ->> 3)",
        ))
        .bind(&rows)
        .execute(&mut *conn)
        .await?;
        sqlx::query(&backend.sql(
            "INSERT INTO changes (entity, entity_id, op, user_id, audience)
             SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4
             FROM {elements} ORDER BY j.key",
        ))
        .bind(&rows)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// A place in the change feed: the writing transaction, then the row (the cursor rule,
/// ARCHITECTURE.md). On SQLite `tx` is always 0: one writer, so ids commit in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub tx: i64,
    pub id: i64,
}

#[derive(Debug, Clone)]
pub struct ChangeRow {
    pub at: Position,
    pub entity: Entity,
    pub entity_id: String,
    pub op: ChangeOp,
}

/// Where the feed is final: every row a transaction below the horizon wrote is committed and
/// visible to a snapshot taken after this call (or rolled back). On PostgreSQL ids come from a
/// sequence and commit out of order (id 99 may commit after id 100), so rows are ordered by
/// the writing transaction's id first (`changes.tx`, `pg_current_xact_id()`): the horizon is
/// the oldest transaction of this database still running, or the snapshot's `xmax` when none
/// is, and any transaction that writes later has a larger id. Call it on a connection outside
/// any transaction, before the read transaction begins. `None` on SQLite: one writer, ids
/// commit in order.
///
/// One statement, in its own transaction, read in this order. Its snapshot is taken before it
/// runs: every transaction below its `xmin` has ended, and every transaction below its `xmax`
/// (one past the newest *completed* transaction, not past every running one) already had its
/// id then. `pg_stat_activity`, read later while the statement runs (the subquery needs the
/// snapshot's bounds), lists the transactions of this database running then; one below `xmax`
/// that it does not list has ended. Their ids
/// there are 32 bits: widened against `xmin`, which no running transaction is below (and
/// none is 2^31 or more above). Not the cluster's `xmin` alone: a transaction of another
/// database on the same server (a migration, another application) would hold every pull here.
pub async fn horizon(conn: &mut Conn) -> Result<Option<Position>, sqlx::Error> {
    match super::Backend::of(conn) {
        super::Backend::Sqlite => Ok(None),
        super::Backend::Postgres => {
            // One statement: the snapshot's bounds, and this database's oldest running xid
            // widened to 64 bits against the snapshot's xmin.
            let (xmax, oldest): (i64, Option<i64>) = sqlx::query_as(
                "SELECT x.xmax,
                        (SELECT MIN(x.xmin + ((a.backend_xid::text::bigint - x.xmin) % 4294967296
                                              + 4294967296) % 4294967296)
                         FROM pg_stat_activity a
                         WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL)
                 FROM (SELECT pg_snapshot_xmin(s)::text::bigint AS xmin,
                              pg_snapshot_xmax(s)::text::bigint AS xmax
                       FROM pg_current_snapshot() AS s) AS x",
            )
            .fetch_one(conn)
            .await?;
            let tx = oldest.map_or(xmax, |o| o.min(xmax));
            Ok(Some(Position { tx, id: 0 }))
        }
    }
}

/// The last position in the log (the start when it is empty), and the largest id.
pub async fn last_position(conn: &mut Conn) -> Result<(Position, i64), sqlx::Error> {
    let (tx, id, max_id): (i64, i64, i64) = sqlx::query_as(
        "SELECT COALESCE((SELECT tx FROM changes ORDER BY tx DESC, id DESC LIMIT 1), 0),
                COALESCE((SELECT id FROM changes ORDER BY tx DESC, id DESC LIMIT 1), 0),
                COALESCE((SELECT MAX(id) FROM changes), 0)",
    )
    .fetch_one(conn)
    .await?;
    Ok((Position { tx, id }, max_id))
}

/// Up to `limit` change rows after `after` that `viewer` may see, in feed order.
///
/// A manager sees every case and part, and their own rejections. An engineer sees a case
/// `put` only while the case is assigned to them, the `delete` tombstones addressed to them,
/// parts, and their own stock and rejections. Everyone sees users, policies and past fixes.
pub async fn changes_after(
    conn: &mut Conn,
    after: Position,
    viewer: Uuid,
    role: Role,
    limit: i64,
) -> Result<Vec<ChangeRow>, sqlx::Error> {
    let sql = match role {
        Role::Manager => {
            "SELECT c.tx, c.id, c.entity, c.entity_id, c.op FROM changes c
             WHERE {after_c}
               AND (c.user_id IS NULL OR (c.user_id = $3 AND c.entity = 'rejection'))
             ORDER BY c.tx, c.id LIMIT $4"
        }
        // Three index range scans (the rows addressed to the engineer, the puts of the cases
        // assigned to them, what everyone sees: `audience` is the assignee or `*`), each cut
        // at the page size: a pull costs what it returns, not every change since its cursor.
        Role::Engineer => {
            "SELECT tx, id, entity, entity_id, op FROM (
                 SELECT * FROM (SELECT tx, id, entity, entity_id, op FROM changes
                     WHERE user_id = $3 AND {after}
                     ORDER BY tx, id LIMIT $4) AS own
                 UNION ALL
                 SELECT * FROM (SELECT tx, id, entity, entity_id, op FROM changes
                     WHERE audience = $3 AND {after}
                     ORDER BY tx, id LIMIT $4) AS assigned
                 UNION ALL
                 SELECT * FROM (SELECT tx, id, entity, entity_id, op FROM changes
                     WHERE audience = '*' AND {after}
                     ORDER BY tx, id LIMIT $4) AS everyone) AS visible
             ORDER BY tx, id LIMIT $4"
        }
    };
    // One JSON array of the rows, not a row each: see `codec::json_by_ids`.
    let array = [
        "json_group_array(json_array(tx, id, entity, entity_id, op))",
        "json_agg(json_build_array(tx, id, entity, entity_id, op))::text",
    ];
    let sql = super::Backend::of(conn).json_agg(array, sql);
    let rows: Option<String> = sqlx::query_scalar(&sql)
        .bind(after.tx)
        .bind(after.id)
        .bind(viewer.to_string())
        .bind(limit)
        .fetch_one(conn)
        .await?;
    let rows: Vec<(i64, i64, Entity, String, ChangeOp)> = match rows {
        Some(text) => decode_json(&text)?,
        None => Vec::new(),
    };
    if rows.iter().any(|r| r.2 == Entity::Unknown) {
        return Err(decode_err("an unknown entity in the change log".into()));
    }
    let mut rows: Vec<ChangeRow> = rows
        .into_iter()
        .map(|(tx, id, entity, entity_id, op)| ChangeRow {
            at: Position { tx, id },
            entity,
            entity_id,
            op,
        })
        .collect();
    // An aggregate keeps no promise about its input's order.
    rows.sort_unstable_by_key(|r| r.at);
    Ok(rows)
}

/// What the server did with one mutation.
pub struct AuditEntry<'a> {
    pub client_id: Uuid,
    pub user_id: Uuid,
    pub mutation: &'a WireMutation,
    pub server_time: DateTime<Utc>,
    /// `None` = applied; `Some(reason)` = rejected.
    pub rejected: Option<String>,
}

/// Write the audit rows of a push, in order, in one statement.
pub async fn audit(conn: &mut Conn, entries: &[AuditEntry<'_>]) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            serde_json::json!([
                e.client_id.to_string(),
                e.mutation.seq as i64,
                e.mutation.id.to_string(),
                e.user_id.to_string(),
                // What the device sent: an unknown name may hold a NUL, which no text holds.
                onsite_core::rejection::printable(&e.mutation.name),
                e.mutation.args.to_string(),
                ts(e.mutation.client_time),
                ts(e.server_time),
                if e.rejected.is_some() {
                    "rejected"
                } else {
                    "applied"
                },
                &e.rejected,
            ])
        })
        .collect();
    let sql = super::Backend::of(conn).sql(
        "INSERT INTO mutations (client_id, seq, id, user_id, name, args, client_time, server_time, status, reason)
         SELECT value ->> 0, CAST(value ->> 1 AS BIGINT), value ->> 2, value ->> 3, value ->> 4,
                value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9
         FROM {elements} ORDER BY key",
    );
    sqlx::query(&sql)
        .bind(serde_json::Value::from(rows).to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Store a rejection record and address a change row to the user who pushed it.
/// Why this client's `seq` was rejected, if it was: a replay of a rejected mutation is
/// answered `rejected` again, so a device that lost the first answer still undoes it.
pub async fn earlier_rejection(
    conn: &mut Conn,
    client_id: Uuid,
    seq: u64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT reason FROM mutations WHERE client_id = $1 AND seq = $2 AND status = 'rejected'",
    )
    .bind(client_id.to_string())
    .bind(seq as i64)
    .fetch_optional(&mut *conn)
    .await
    .map(Option::flatten)
}

pub async fn insert_rejection(
    conn: &mut Conn,
    rec: &RejectionRecord,
    user_id: Uuid,
) -> Result<(), sqlx::Error> {
    let data = serde_json::to_string(rec).map_err(|e| decode_err(e.to_string()))?;
    let id = rec.id.to_string();
    sqlx::query(
        "INSERT INTO rejections (id, client_id, user_id, seq, data, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(rec.client_id.to_string())
    .bind(user_id.to_string())
    .bind(rec.seq as i64)
    .bind(data)
    .bind(ts(rec.at))
    .execute(&mut *conn)
    .await?;
    record_change(conn, Entity::Rejection, &id, ChangeOp::Put, Some(user_id)).await
}
