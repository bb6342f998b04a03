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
        self.pulls_waiting.fetch_add(1, Ordering::Relaxed);
        let permit = self.pulls.acquire().await;
        self.pulls_waiting.fetch_sub(1, Ordering::Relaxed);
        let permit = permit.map_err(|_| ApiError::internal("shutting down"))?;
        Ok(PullTurn {
            _permit: permit,
            started: Instant::now(),
            admission: self,
        })
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
}
