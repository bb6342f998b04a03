//! What the server keeps of an applied mutation: the one path from `onsite_core::apply`'s
//! outcome to the database, for a device's push and for the demo data alike.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use onsite_core::{Case, CaseFlag, StockMove};
use uuid::Uuid;

use crate::store::cases::{self, StockReason};
use crate::store::{blobs, Conn};

/// The van-stock lines a batch moved: each is logged for the devices once, however often it
/// moved.
#[derive(Default)]
pub struct MovedStock(BTreeSet<(Uuid, String)>);

impl MovedStock {
    pub async fn log(self, conn: &mut Conn) -> Result<(), sqlx::Error> {
        for (engineer_id, part_no) in self.0 {
            cases::log_stock_change(conn, engineer_id, &part_no).await?;
        }
        Ok(())
    }
}

/// Puts `moves` on the van-stock ledger with `why` (noting the lines in `moved`). A move that
/// takes a van below zero flags `case` (the case that used the part, when there is one) with
/// `NegativeStock`: negative stock is allowed, never refused.
pub async fn record_stock_moves(
    conn: &mut Conn,
    moves: &[StockMove],
    why: &StockReason<'_>,
    mut case: Option<&mut Case>,
    moved: &mut MovedStock,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for mv in moves {
        let level =
            cases::move_stock_unlogged(conn, mv.engineer_id, &mv.part_no, mv.delta, why, now)
                .await?;
        moved.0.insert((mv.engineer_id, mv.part_no.clone()));
        if let (true, Some(case)) = (level < 0, case.as_deref_mut()) {
            let flag = CaseFlag::NegativeStock {
                part_no: mv.part_no.clone(),
            };
            if !case.flags.contains(&flag) {
                case.flags.push(flag);
            }
        }
    }
    Ok(())
}

/// Stores `stored` (each with the assignee it had in `before`, so a reassignment reaches the
/// former engineer as a delete) and notes every blob each case names: access to a blob
/// follows the cases that name it.
pub async fn store_cases(
    conn: &mut Conn,
    stored: &[Case],
    before: &BTreeMap<Uuid, Case>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for case in stored {
        let previous = before.get(&case.id).and_then(|c| c.assignee_id);
        cases::put_case(conn, case, previous, now).await?;
        for hash in case.named_blobs() {
            blobs::add_ref(conn, &hash, case.id).await?;
        }
    }
    Ok(())
}
