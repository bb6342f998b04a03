//! The device's replica, as pure logic: what the device shows is what the server last sent
//! plus the changes it queued that the server has not acknowledged yet, re-applied in order.
//! The app's store is only the IndexedDB adapter around these functions.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::catalog::StockLevel;
use crate::model::Case;
use crate::mutation::{apply, ApplyContext, Mutation, StockMove};
use crate::sla::SlaPolicy;
use crate::status::Actor;

/// A queued change, as the replica re-applies it.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChange {
    pub actor: Actor,
    pub mutation: Mutation,
    pub client_time: DateTime<Utc>,
    /// The van-stock moves its local effect made.
    pub stock_moves: Vec<StockMove>,
}

/// The cases to rebuild when `ids` changed: those, and every case a pending change touching
/// one of them also touches (a follow-up touches its parent and the new case).
pub fn cases_to_rebuild(mut ids: BTreeSet<Uuid>, pending: &[PendingChange]) -> BTreeSet<Uuid> {
    let touched: Vec<Vec<Uuid>> = pending
        .iter()
        .map(|p| p.mutation.touched_case_ids())
        .collect();
    loop {
        let mut grew = false;
        for t in &touched {
            if t.iter().any(|id| ids.contains(id)) {
                for id in t {
                    grew |= ids.insert(*id);
                }
            }
        }
        if !grew {
            return ids;
        }
    }
}

/// The device's view of the cases in `server` (the server's copies of the cases to rebuild):
/// each pending change that touches one of them re-applied in queue order. A change that no
/// longer applies is skipped: the server will reject it too, and the rejection syncs back.
/// A case missing from the answer has neither a server copy nor a pending creation.
pub fn rebuild(
    server: BTreeMap<Uuid, Case>,
    ids: &BTreeSet<Uuid>,
    pending: &[PendingChange],
    policies: &[SlaPolicy],
) -> BTreeMap<Uuid, Case> {
    let mut working = server;
    for p in pending {
        if !p
            .mutation
            .touched_case_ids()
            .iter()
            .any(|t| ids.contains(t))
        {
            continue;
        }
        let ctx = ApplyContext {
            actor: p.actor,
            client_time: p.client_time,
            server_time: None,
            policies,
        };
        if let Ok(out) = apply(&p.mutation, &working, &ctx) {
            for c in out.cases {
                working.insert(c.id, c);
            }
        }
    }
    working
}

/// A van-stock line as the device shows it: the server's count plus what the device used and
/// has not pushed yet.
pub fn stock_with_pending(mut level: StockLevel, pending: &[PendingChange]) -> StockLevel {
    level.qty += pending
        .iter()
        .flat_map(|p| &p.stock_moves)
        .filter(|mv| mv.part_no == level.part_no && mv.engineer_id == level.engineer_id)
        .map(|mv| mv.delta)
        .sum::<i64>();
    level
}
