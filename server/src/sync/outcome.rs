//! What the server keeps of applied mutations: the one path from `onsite_core::apply`'s
//! outcomes to the database, for a device's push and for the demo data alike. A batch's
//! writes are gathered and made together, so a push costs a few statements, not a few per
//! mutation.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use onsite_core::{Case, CaseFlag, StockMove};
use uuid::Uuid;

use crate::store::cases::{self, StockLine, StockReason};
use crate::store::log::Changes;
use crate::store::{blobs, Conn};

/// The writes of a batch of applied mutations, made by `store`.
#[derive(Default)]
pub struct Outcome {
    stock: Vec<StockLine>,
    /// Per stock line, the case flagged when the line takes a van below zero.
    flags: Vec<Option<Uuid>>,
    changes: Changes,
}

impl Outcome {
    /// Notes `moves` for the van-stock ledger with `why`. A move that takes a van below zero
    /// flags `case` (the case that used the part, when there is one) with `NegativeStock`:
    /// negative stock is allowed, never refused.
    pub fn move_stock(&mut self, moves: &[StockMove], why: &StockReason<'_>, case: Option<Uuid>) {
        for mv in moves {
            self.stock
                .push(StockLine::new(mv.engineer_id, &mv.part_no, mv.delta, why));
            self.flags.push(case);
        }
    }

    /// Writes the stock moves noted so far and flags the cases in `cases` that took a van
    /// below zero; returns their ids.
    pub async fn write_stock(
        &mut self,
        conn: &mut Conn,
        cases: &mut BTreeMap<Uuid, Case>,
        now: DateTime<Utc>,
    ) -> Result<BTreeSet<Uuid>, sqlx::Error> {
        let lines = std::mem::take(&mut self.stock);
        let flags = std::mem::take(&mut self.flags);
        let levels = cases::move_stock(conn, &lines, now, &mut self.changes).await?;
        let mut flagged = BTreeSet::new();
        for ((line, level), case_id) in lines.iter().zip(levels).zip(flags) {
            let Some(case) = case_id.and_then(|id| cases.get_mut(&id)) else {
                continue;
            };
            let flag = CaseFlag::NegativeStock {
                part_no: line.part_no.clone(),
            };
            if level < 0 && !case.flags.contains(&flag) {
                case.flags.push(flag);
                flagged.insert(case.id);
            }
        }
        Ok(flagged)
    }

    /// Writes the batch: the stock moves, then the cases of `cases` among `stored` (and any
    /// flagged for negative stock), each against how it stood in `before` (a reassignment
    /// reaches the former engineer as a delete), noting every blob each names (access to a
    /// blob follows the cases that name it), then the change rows of all of it.
    pub async fn store(
        mut self,
        conn: &mut Conn,
        cases: &mut BTreeMap<Uuid, Case>,
        mut stored: BTreeSet<Uuid>,
        before: &BTreeMap<Uuid, Case>,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        stored.extend(self.write_stock(conn, cases, now).await?);
        for id in stored {
            let Some(case) = cases.get(&id) else {
                continue;
            };
            cases::put_case(conn, case, before.get(&id), now, &mut self.changes).await?;
            blobs::add_refs(conn, &case.named_blobs(), id).await?;
        }
        self.changes.record(conn).await
    }
}
