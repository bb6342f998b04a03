//! Cases, the parts catalog and van stock. Every write here also records its change-log row.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use onsite_core::knowledge::PastFix;
use onsite_core::{Case, Part};
use sqlx::Row;
use uuid::Uuid;

use super::codec::{decode_err, decode_json, to_json, Json};
use super::log::{record_change, Changes};
use super::{ts, Backend, Conn};
use onsite_core::wire::{ChangeOp, Entity};

/// The cases among `ids` that exist, read to be written: on PostgreSQL their rows stay locked
/// until the transaction ends, so two instances never write over each other's changes.
pub async fn load_cases(
    conn: &mut Conn,
    ids: &[Uuid],
) -> Result<BTreeMap<Uuid, Case>, sqlx::Error> {
    let sql = Backend::of(conn).sql("SELECT data FROM cases WHERE id = $1{for_update}");
    let mut out = BTreeMap::new();
    for id in ids {
        let data: Option<String> = sqlx::query_scalar(&sql)
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(d) = data {
            out.insert(*id, decode_json(&d)?);
        }
    }
    Ok(out)
}

/// Store a case; its change rows go to `changes`. `before` is the case as it stood before
/// this write, if it existed: when the case moves away from an engineer, that engineer gets
/// a `delete` tombstone, and its past fix is kept in step when it is or was one.
pub async fn put_case(
    conn: &mut Conn,
    case: &Case,
    before: Option<&Case>,
    now: DateTime<Utc>,
    changes: &mut Changes,
) -> Result<(), sqlx::Error> {
    let data = serde_json::to_string(case).map_err(|e| decode_err(e.to_string()))?;
    sqlx::query(
        "INSERT INTO cases (id, number, assignee_id, status, data, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET number = excluded.number,
           assignee_id = excluded.assignee_id, status = excluded.status,
           data = excluded.data, updated_at = excluded.updated_at",
    )
    .bind(case.id.to_string())
    .bind(&case.number)
    .bind(case.assignee_id.map(|u| u.to_string()))
    .bind(case.status.as_str())
    .bind(data)
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    let id = case.id.to_string();
    changes.case_put(&id, case.assignee_id);
    let previous = before.and_then(|b| b.assignee_id);
    if let Some(prev) = previous.filter(|p| Some(*p) != case.assignee_id) {
        changes.add(Entity::Case, &id, ChangeOp::Delete, Some(prev));
    }
    let fix = PastFix::from_case(case);
    if fix.is_some() || before.is_some_and(|b| PastFix::from_case(b).is_some()) {
        sync_past_fix(conn, &id, fix, changes).await?;
    }
    Ok(())
}

/// A case closed with result resolved or workaround is a past fix (`PastFix::from_case`);
/// when it stops being one (a reopen) its past fix is deleted. Everyone pulls them.
async fn sync_past_fix(
    conn: &mut Conn,
    id: &str,
    fix: Option<PastFix>,
    changes: &mut Changes,
) -> Result<(), sqlx::Error> {
    match fix {
        Some(fix) => {
            let data = serde_json::to_string(&fix).map_err(|e| decode_err(e.to_string()))?;
            let changed = sqlx::query(
                "INSERT INTO past_fixes (case_id, data) VALUES ($1, $2)
                 ON CONFLICT (case_id) DO UPDATE SET data = excluded.data
                 WHERE past_fixes.data IS DISTINCT FROM excluded.data",
            )
            .bind(id)
            .bind(data)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if changed > 0 {
                changes.add(Entity::PastFix, id, ChangeOp::Put, None);
            }
        }
        None => {
            let gone = sqlx::query("DELETE FROM past_fixes WHERE case_id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            if gone > 0 {
                changes.add(Entity::PastFix, id, ChangeOp::Delete, None);
            }
        }
    }
    Ok(())
}

/// Past fixes for the cases already stored, recomputed once per database (`past_fixes_redacted`:
/// a database from before past fixes existed, or before they were published without customer
/// data). The meta row is claimed first, in the caller's transaction: of several instances
/// starting together on PostgreSQL one inserts it and does the work, the others wait for its
/// commit and find it there (or, if it rolled back, claim it themselves); none fails on the key.
pub async fn backfill_past_fixes(conn: &mut Conn) -> Result<(), sqlx::Error> {
    let claimed = sqlx::query(
        "INSERT INTO meta (key, value) VALUES ('past_fixes_redacted', '1')
         ON CONFLICT (key) DO NOTHING",
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(());
    }
    let closed: Vec<String> =
        sqlx::query_scalar("SELECT data FROM cases WHERE status = 'closed' ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    let mut changes = Changes::default();
    for d in closed {
        let case: Case = decode_json(&d)?;
        let id = case.id.to_string();
        sync_past_fix(&mut *conn, &id, PastFix::from_case(&case), &mut changes).await?;
    }
    changes.record(conn).await
}

/// The part numbers among `part_nos` that are in the catalog.
pub async fn parts_in_catalog(
    conn: &mut Conn,
    part_nos: &BTreeSet<String>,
) -> Result<BTreeSet<String>, sqlx::Error> {
    let sql = Backend::of(conn)
        .sql("SELECT part_no FROM parts WHERE part_no IN (SELECT value FROM {strings})");
    let found: Vec<String> = sqlx::query_scalar(&sql)
        .bind(serde_json::to_string(part_nos).map_err(|e| decode_err(e.to_string()))?)
        .fetch_all(conn)
        .await?;
    Ok(found.into_iter().collect())
}

pub async fn part_exists(conn: &mut Conn, part_no: &str) -> Result<bool, sqlx::Error> {
    exists!(conn, "SELECT 1 FROM parts WHERE part_no = $1", part_no)
}

pub async fn put_part(conn: &mut Conn, part: &Part) -> Result<(), sqlx::Error> {
    let data = serde_json::to_string(part).map_err(|e| decode_err(e.to_string()))?;
    sqlx::query(
        "INSERT INTO parts (part_no, data) VALUES ($1, $2)
         ON CONFLICT (part_no) DO UPDATE SET data = excluded.data",
    )
    .bind(&part.part_no)
    .bind(data)
    .execute(&mut *conn)
    .await?;
    record_change(conn, Entity::Part, &part.part_no, ChangeOp::Put, None).await
}

/// One `stock` row (`part_no`, `qty`, `min_qty`) of `engineer_id` as a `StockLevel`.
fn stock_level_of(
    r: &sqlx::any::AnyRow,
    engineer_id: Uuid,
) -> Result<onsite_core::StockLevel, sqlx::Error> {
    Ok(onsite_core::StockLevel {
        part_no: r.try_get("part_no")?,
        engineer_id,
        qty: r.try_get("qty")?,
        min_qty: r.try_get("min_qty")?,
    })
}

/// Why stock moved, for the ledger.
#[derive(Default)]
pub struct StockReason<'a> {
    pub reason: &'a str,
    pub case_id: Option<Uuid>,
    pub mutation_id: Option<Uuid>,
    /// Free text, e.g. the manager's reason for a `stock.adjust`.
    pub note: Option<&'a str>,
}

/// One van-stock move with its ledger line.
pub struct StockLine {
    pub engineer_id: Uuid,
    pub part_no: String,
    pub delta: i64,
    case_id: Option<Uuid>,
    mutation_id: Option<Uuid>,
    reason: String,
    note: Option<String>,
}

impl StockLine {
    pub fn new(engineer_id: Uuid, part_no: &str, delta: i64, why: &StockReason<'_>) -> StockLine {
        StockLine {
            engineer_id,
            part_no: part_no.to_string(),
            delta,
            case_id: why.case_id,
            mutation_id: why.mutation_id,
            reason: why.reason.to_string(),
            note: why.note.map(str::to_string),
        }
    }
}

/// Move van stock by each line's delta and write the ledger, in two statements however many
/// lines; each moved (engineer, part) gets one change row in `changes`. Returns each line's
/// level just after it moved, in order.
pub async fn move_stock(
    conn: &mut Conn,
    lines: &[StockLine],
    now: DateTime<Utc>,
    changes: &mut Changes,
) -> Result<Vec<i64>, sqlx::Error> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    // One row per van-stock line (an upsert may not touch a row twice), in key order so
    // two transactions on PostgreSQL lock shared lines in the same order.
    let mut sums: BTreeMap<(Uuid, &str), i64> = BTreeMap::new();
    for l in lines {
        *sums.entry((l.engineer_id, &l.part_no)).or_default() += l.delta;
    }
    let sum_rows: Vec<serde_json::Value> = sums
        .iter()
        .map(|((e, p), d)| serde_json::json!([e.to_string(), p, d]))
        .collect();
    let backend = Backend::of(conn);
    let after: Vec<(String, String, i64)> = sqlx::query_as(&backend.sql(
        "INSERT INTO stock (engineer_id, part_no, qty)
         SELECT j.value ->> 0, j.value ->> 1, CAST(j.value ->> 2 AS BIGINT)
         FROM {elements} WHERE true ORDER BY j.key
         ON CONFLICT (engineer_id, part_no) DO UPDATE SET qty = stock.qty + excluded.qty
         RETURNING engineer_id, part_no, qty",
    ))
    .bind(serde_json::Value::from(sum_rows).to_string())
    .fetch_all(&mut *conn)
    .await?;
    // Each line's level: the level before the batch (after − the batch's sum), plus the
    // lines up to and including it.
    let mut level: BTreeMap<(Uuid, &str), i64> = BTreeMap::new();
    for (engineer, part_no, qty) in &after {
        let engineer = Uuid::parse_str(engineer).map_err(|e| decode_err(e.to_string()))?;
        if let Some((key, sum)) = sums.get_key_value(&(engineer, part_no.as_str())) {
            level.insert(*key, qty - sum);
        }
    }
    let mut levels = Vec::with_capacity(lines.len());
    for l in lines {
        let at = level
            .get_mut(&(l.engineer_id, l.part_no.as_str()))
            .ok_or_else(|| decode_err("a moved stock line was not returned".into()))?;
        *at += l.delta;
        levels.push(*at);
    }
    let ledger: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| {
            serde_json::json!([
                l.engineer_id.to_string(),
                l.part_no,
                l.delta,
                l.case_id.map(|u| u.to_string()),
                l.mutation_id.map(|u| u.to_string()),
                l.reason,
                l.note,
            ])
        })
        .collect();
    sqlx::query(&backend.sql(
        "INSERT INTO stock_ledger (engineer_id, part_no, delta, case_id, mutation_id, reason, at, note)
         SELECT j.value ->> 0, j.value ->> 1, CAST(j.value ->> 2 AS BIGINT), j.value ->> 3,
                j.value ->> 4, j.value ->> 5, $2, j.value ->> 6
         FROM {elements} ORDER BY j.key",
    ))
    .bind(serde_json::Value::from(ledger).to_string())
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    for (engineer_id, part_no) in sums.keys() {
        changes.add(Entity::Stock, part_no, ChangeOp::Put, Some(*engineer_id));
    }
    Ok(levels)
}

/// Set the reorder point of one van-stock line (creating the line at 0 if missing); logs
/// the stock change for the engineer.
pub async fn set_min_qty(
    conn: &mut Conn,
    engineer_id: Uuid,
    part_no: &str,
    min_qty: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO stock (engineer_id, part_no, qty, min_qty) VALUES ($1, $2, 0, $3)
         ON CONFLICT (engineer_id, part_no) DO UPDATE SET min_qty = excluded.min_qty",
    )
    .bind(engineer_id.to_string())
    .bind(part_no)
    .bind(min_qty)
    .execute(&mut *conn)
    .await?;
    record_change(
        conn,
        Entity::Stock,
        part_no,
        ChangeOp::Put,
        Some(engineer_id),
    )
    .await
}

/// `onsite_core::StockLevel` JSON for one engineer's parts.
pub async fn stock_json(
    conn: &mut Conn,
    engineer_id: Uuid,
    part_nos: &[String],
) -> Result<BTreeMap<String, Json>, sqlx::Error> {
    if part_nos.is_empty() {
        return Ok(BTreeMap::new());
    }
    let sql = Backend::of(conn).sql(
        "SELECT part_no, qty, min_qty FROM stock
         WHERE engineer_id = $2 AND part_no IN (SELECT value FROM {strings})",
    );
    let rows = sqlx::query(&sql)
        .bind(serde_json::Value::from(part_nos.to_vec()).to_string())
        .bind(engineer_id.to_string())
        .fetch_all(conn)
        .await?;
    let mut out = BTreeMap::new();
    for r in rows {
        let level = stock_level_of(&r, engineer_id)?;
        out.insert(level.part_no.clone(), to_json(&level)?);
    }
    Ok(out)
}

/// One engineer's van-stock lines with their reorder points, by part number (the manager's
/// `GET /api/v1/stock/levels`; the same values `stock_json` gives the engineer's pull).
pub async fn levels_of(
    conn: &mut Conn,
    engineer_id: Uuid,
) -> Result<Vec<onsite_core::StockLevel>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT part_no, qty, min_qty FROM stock WHERE engineer_id = $1 ORDER BY part_no",
    )
    .bind(engineer_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| stock_level_of(r, engineer_id))
        .collect()
}

/// Every case (the dashboard reads them all and filters by period in onsite-core).
pub async fn all_cases(conn: &mut Conn) -> Result<Vec<Case>, sqlx::Error> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT data FROM cases ORDER BY id")
        .fetch_all(conn)
        .await?;
    rows.iter().map(|d| decode_json(d)).collect()
}

/// One engineer's stock ledger, oldest first.
pub async fn ledger_of(
    conn: &mut Conn,
    engineer_id: Uuid,
) -> Result<Vec<onsite_core::wire::StockLedgerLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, part_no, delta, case_id, mutation_id, reason, note, at FROM stock_ledger
         WHERE engineer_id = $1 ORDER BY id",
    )
    .bind(engineer_id.to_string())
    .fetch_all(conn)
    .await?;
    let uuid = |s: Option<String>| -> Result<Option<Uuid>, sqlx::Error> {
        s.map(|s| Uuid::parse_str(&s).map_err(|e| decode_err(e.to_string())))
            .transpose()
    };
    rows.iter()
        .map(|r| {
            let at: String = r.try_get("at")?;
            Ok(onsite_core::wire::StockLedgerLine {
                id: r.try_get("id")?,
                engineer_id,
                part_no: r.try_get("part_no")?,
                delta: r.try_get("delta")?,
                reason: r.try_get("reason")?,
                note: r.try_get("note")?,
                case_id: uuid(r.try_get("case_id")?)?,
                mutation_id: uuid(r.try_get("mutation_id")?)?,
                at: DateTime::parse_from_rfc3339(&at)
                    .map_err(|e| decode_err(e.to_string()))?
                    .with_timezone(&Utc),
            })
        })
        .collect()
}
