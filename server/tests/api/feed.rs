//! The cursor rule: a reader pulling while many writers commit never skips a change. On
//! PostgreSQL ids commit out of order; a cursor on ids alone loses rows here.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use onsite_core::wire::Entity;
use onsite_core::CaseStatus;

use crate::args;
use crate::seed::{spawn_with, Seed};

const WRITERS: usize = 8;
const PUSHES: usize = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_pulling_during_concurrent_writes_misses_nothing() {
    let app = spawn_with(Seed::new().manager("manager").engineer("alice")).await;
    let mut cases = Vec::new();
    for _ in 0..WRITERS {
        cases.push(app.case_in("alice", CaseStatus::InProgress).await);
    }
    let app = Arc::new(app);
    let manager = app.login("manager").await;
    let mut seen = app.snapshot(&manager).await;
    let before: Vec<usize> = cases
        .iter()
        .map(|id| seen.cases[id].time_entries.len())
        .collect();

    let done = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for (w, case) in cases.iter().copied().enumerate() {
        let app = app.clone();
        writers.push(tokio::spawn(async move {
            let mut dev = app.login("alice").await;
            for i in 0..PUSHES {
                let hour = format!("2026-11-{:02}T{:02}", 1 + w, i % 24);
                let time = args::time(case, format!("{hour}:00:00Z"), format!("{hour}:30:00Z"));
                app.push_applied(&mut dev, "case.time", time).await;
            }
        }));
    }
    let reader = {
        let app = app.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut pulls = 0;
            while !done.load(Ordering::Acquire) {
                let page = app.pull(&manager, Some(&seen.cursor)).await;
                for c in page.changes {
                    seen.apply(c);
                }
                seen.cursor = page.cursor;
                pulls += 1;
            }
            let (rest, cursor) = app.pull_all(&manager, Some(&seen.cursor)).await;
            for c in rest {
                seen.apply(c);
            }
            seen.cursor = cursor;
            (seen, pulls)
        })
    };
    for w in writers {
        w.await.expect("a writer");
    }
    done.store(true, Ordering::Release);
    let (seen, pulls) = reader.await.expect("the reader");
    assert!(pulls > 0, "the reader pulled while the writers wrote");
    for (case, before) in cases.iter().zip(before) {
        assert_eq!(
            seen.cases[case].time_entries.len(),
            before + PUSHES,
            "case {case}: the reader's copy misses a change ({pulls} pulls)"
        );
    }
}

/// On PostgreSQL a transaction still running can have an id at or above the snapshot's `xmax`
/// (one past the newest *completed* transaction). With two such transactions open, a horizon
/// that widened their 32-bit ids against `xmax` came out hugely negative: the cursor stayed at
/// the start with `has_more` false, and every pull sent the same page again.
#[tokio::test]
async fn the_cursor_moves_past_committed_rows_while_transactions_run() {
    let app = spawn_with(Seed::new().manager("manager").engineer("alice").parts(20)).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let alice = app.login("alice").await;
    let postgres = app.store.backend() == onsite_server::store::Backend::Postgres;
    // Two transactions with ids, open through both pulls (none completes after them).
    let mut open = Vec::new();
    if postgres {
        for _ in 0..2 {
            let mut tx = app.store.pool().begin().await.expect("begin");
            let _: String = sqlx::query_scalar("SELECT pg_current_xact_id()::text")
                .fetch_one(&mut *tx)
                .await
                .expect("a transaction id");
            open.push(tx);
        }
    } else {
        eprintln!("on SQLite no transaction runs beside the writer's: only the pulls are checked");
    }

    let first = app.pull(&alice, None).await;
    assert!(!first.has_more);
    assert!(first.changes.iter().any(|c| c.id == case.to_string()));
    assert_eq!(
        first
            .changes
            .iter()
            .filter(|c| c.entity == Entity::Part)
            .count(),
        20
    );
    let second = app.pull(&alice, Some(&first.cursor)).await;
    assert!(!second.reset);
    assert!(
        second.changes.is_empty(),
        "the cursor {} moved past nothing committed before the open transactions: {} changes again",
        first.cursor,
        second.changes.len()
    );
    for tx in open {
        tx.rollback().await.expect("roll back");
    }
}
