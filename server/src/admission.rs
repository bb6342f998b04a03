//! Admission control: when the server is saturated it says so at once, `503 overloaded` with
//! `Retry-After`, instead of letting a request queue past the device's deadline (the app gives
//! up after 15 s and retries with backoff, so a request served late is work thrown away).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::ApiError;
use crate::store::Load;

/// A request is refused when it would wait longer than this for its turn.
pub const MAX_WAIT: Duration = Duration::from_secs(3);

pub struct Admission {
    /// Pulls that run at once: their JSON and compression are CPU work.
    pulls: Semaphore,
    pulls_at_once: usize,
    pulls_waiting: AtomicUsize,
    /// Moving average of a pull's duration, in microseconds.
    pull_micros: AtomicU64,
}

/// A pull's turn; dropping it lets the next one run.
pub struct PullTurn<'a> {
    _permit: SemaphorePermit<'a>,
    started: Instant,
    admission: &'a Admission,
}

impl Drop for PullTurn<'_> {
    fn drop(&mut self) {
        let sample = self.started.elapsed().as_micros().min(u64::MAX as u128) as u64;
        let a = &self.admission.pull_micros;
        let old = a.load(Ordering::Relaxed);
        a.store(
            if old == 0 {
                sample
            } else {
                (old * 7 + sample) / 8
            },
            Ordering::Relaxed,
        );
    }
}

impl Admission {
    /// `pulls_at_once`: pulls served at the same time (the rest queue for a turn).
    pub fn new(pulls_at_once: usize) -> Admission {
        let pulls_at_once = pulls_at_once.max(1);
        Admission {
            pulls: Semaphore::new(pulls_at_once),
            pulls_at_once,
            pulls_waiting: AtomicUsize::new(0),
            pull_micros: AtomicU64::new(0),
        }
    }

    /// A write may queue for the writer unless the queue is already longer than `MAX_WAIT`.
    pub fn admit_write(&self, load: &Load) -> Result<(), ApiError> {
        refuse_beyond(load.expected_wait())
    }

    /// Wait for a pull's turn, unless the wait would be longer than `MAX_WAIT`.
    pub async fn admit_pull(&self) -> Result<PullTurn<'_>, ApiError> {
        let ahead = self.pulls_waiting.load(Ordering::Relaxed) as u64;
        let per = self.pull_micros.load(Ordering::Relaxed);
        refuse_beyond(Duration::from_micros(
            per.saturating_mul(ahead) / self.pulls_at_once as u64,
        ))?;
        // Counted while it waits, also when the request is dropped waiting (its client left).
        let waiting = Waiting::enter(&self.pulls_waiting);
        let permit = self.pulls.acquire().await;
        drop(waiting);
        let permit = permit.map_err(|_| ApiError::internal("shutting down"))?;
        Ok(PullTurn {
            _permit: permit,
            started: Instant::now(),
            admission: self,
        })
    }
}

/// One pull counted in `pulls_waiting` until it is dropped: once it has its turn, or when the
/// request is dropped while it waits (the count would otherwise only grow, and every pull be
/// refused as overloaded).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn enter(count: &'a AtomicUsize) -> Waiting<'a> {
        count.fetch_add(1, Ordering::Relaxed);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn refuse_beyond(wait: Duration) -> Result<(), ApiError> {
    if wait <= MAX_WAIT {
        return Ok(());
    }
    let seconds = wait.as_secs().clamp(1, 30);
    Err(ApiError::unavailable(
        "overloaded",
        format!("the server is saturated; try again in {seconds} s"),
        seconds,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_beyond_the_limit_is_refused_with_retry_after() {
        assert!(refuse_beyond(MAX_WAIT).is_ok());
        let e = refuse_beyond(Duration::from_secs(7)).unwrap_err();
        assert_eq!(e.status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(e.code, "overloaded");
        assert_eq!(e.retry_after, Some(7));
        assert_eq!(
            refuse_beyond(Duration::from_secs(3600))
                .unwrap_err()
                .retry_after,
            Some(30)
        );
    }

    #[tokio::test]
    async fn pulls_are_refused_only_when_the_queue_is_longer_than_the_limit() {
        let a = Admission::new(2);
        // Two run at once; a known duration of 2 s each.
        a.pull_micros.store(2_000_000, Ordering::Relaxed);
        let first = a.admit_pull().await.unwrap();
        let _second = a.admit_pull().await.unwrap();
        // Four waiting for two slots at 2 s each: 4 s ahead, over the limit.
        a.pulls_waiting.store(4, Ordering::Relaxed);
        assert!(a.admit_pull().await.is_err());
        // Two waiting: 2 s ahead, so it queues: no turn while both are taken, one once freed.
        a.pulls_waiting.store(2, Ordering::Relaxed);
        let mut waiting = std::pin::pin!(a.admit_pull());
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(std::future::Future::poll(waiting.as_mut(), &mut cx).is_pending());
        drop(first);
        assert!(waiting.await.is_ok());
    }

    #[tokio::test]
    async fn a_pull_given_up_while_it_waits_leaves_the_queue() {
        let a = Admission::new(1);
        // One at a time, 2 s each: two waiting would be 4 s ahead, over the limit.
        a.pull_micros.store(2_000_000, Ordering::Relaxed);
        let held = a.admit_pull().await.unwrap();
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        for _ in 0..2 {
            // A client that disconnects while its pull waits: the future is dropped pending.
            let mut gone = std::pin::pin!(a.admit_pull());
            assert!(std::future::Future::poll(gone.as_mut(), &mut cx).is_pending());
            assert_eq!(a.pulls_waiting.load(Ordering::Relaxed), 1);
        }
        assert_eq!(a.pulls_waiting.load(Ordering::Relaxed), 0);
        // Nobody is really waiting: the next pull queues instead of being refused, and runs.
        let mut next = std::pin::pin!(a.admit_pull());
        assert!(std::future::Future::poll(next.as_mut(), &mut cx).is_pending());
        drop(held);
        assert!(next.await.is_ok());
        assert_eq!(a.pulls_waiting.load(Ordering::Relaxed), 0);
    }
}
