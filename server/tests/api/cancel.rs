//! Devices that give up on their pushes at random moments (a deadline, a lost connection)
//! never leave the store broken: every queue still drains, exactly once, with no 5xx.

use std::time::Duration;

use onsite_core::wire::{PushResponse, WireMutation};
use onsite_core::CaseStatus;
use rand::Rng;

use crate::args;
use crate::helpers::{Device, TestApp};
use crate::seed::{spawn_with, Seed};

const DEVICES: usize = 8;
const PER_DEVICE: u64 = 30;

/// Pushes `queue` until the server has all of it, abandoning requests after a random few
/// milliseconds at first; returns the statuses the server answered and how many requests
/// were abandoned.
async fn drain(app: &TestApp, dev: Device, queue: Vec<WireMutation>) -> (Vec<u16>, usize) {
    let mut statuses = Vec::new();
    let mut abandoned = 0;
    let mut acked = 0u64;
    let mut attempt = 0u32;
    while acked < PER_DEVICE {
        attempt += 1;
        assert!(attempt < 400, "the queue never drained");
        let batch: Vec<WireMutation> = queue
            .iter()
            .filter(|m| m.seq > acked)
            .take(5)
            .cloned()
            .collect();
        // Impatient at first, then patient: the queue must drain in the end.
        let timeout = if attempt < 40 {
            Duration::from_millis(rand::thread_rng().gen_range(1..25))
        } else {
            Duration::from_secs(60)
        };
        match app.push_request(&dev, batch).timeout(timeout).send().await {
            Ok(res) => {
                statuses.push(res.status().as_u16());
                if res.status().is_server_error() {
                    // The store is broken: stop here, the caller reports it.
                    return (statuses, abandoned);
                }
                if res.status().is_success() {
                    // The deadline may pass while the body is read: given up like the rest.
                    match res.json::<PushResponse>().await {
                        Ok(body) => acked = body.last_seq,
                        Err(e) => {
                            assert!(e.is_timeout(), "push body: {e}");
                            abandoned += 1;
                        }
                    }
                } else if res.status() == 409 {
                    match res.json::<serde_json::Value>().await {
                        Ok(body) => {
                            if let Some(expected) = body["expected"].as_u64() {
                                acked = expected - 1;
                            }
                        }
                        Err(e) => {
                            assert!(e.is_timeout(), "error body: {e}");
                            abandoned += 1;
                        }
                    }
                }
            }
            Err(e) => {
                assert!(e.is_timeout() || e.is_request(), "{e}");
                abandoned += 1;
            }
        }
    }
    (statuses, abandoned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_abandoned_at_random_moments_never_break_the_store() {
    let app = spawn_with(Seed::new().manager("manager").engineer("alice")).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let app = std::sync::Arc::new(app);
    let mut devices = Vec::new();
    for _ in 0..DEVICES {
        devices.push(app.login("alice").await);
    }
    let before = app.snapshot(&devices[0]).await.cases[&case].clone();
    let mut tasks = Vec::new();
    for (d, dev) in devices.into_iter().enumerate() {
        let queue: Vec<WireMutation> = (1..=PER_DEVICE)
            .map(|seq| {
                let day = format!("2026-11-{:02}", 1 + d);
                let time = args::time(case, format!("{day}T08:00:00Z"), format!("{day}T08:30:00Z"));
                dev.at(seq, "case.time", time)
            })
            .collect();
        let app = app.clone();
        tasks.push(tokio::spawn(async move { drain(&app, dev, queue).await }));
    }
    let (mut answered, mut gave_up) = (0, 0);
    for t in tasks {
        let (statuses, abandoned) = t.await.expect("a device's task");
        answered += statuses.len();
        gave_up += abandoned;
        assert!(
            statuses.iter().all(|s| *s < 500),
            "a 5xx among {statuses:?}"
        );
    }
    // Every entry exactly once, and the store still takes writes.
    let manager = app.login("manager").await;
    let stored = app.snapshot(&manager).await.cases[&case].clone();
    assert_eq!(
        stored.time_entries.len(),
        before.time_entries.len() + DEVICES * PER_DEVICE as usize
    );
    assert_eq!(app.healthz_status().await, 200);
    assert!(gave_up > 0, "no push was abandoned: the test shows nothing");
    eprintln!("{gave_up} pushes abandoned, {answered} answered, none 5xx");
}
