//! Login throttling: failed attempts counted per username and per address over a sliding
//! window; past the limit, login answers `429` with `Retry-After` before any password check.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins of one username within `WINDOW` before it is refused for a while.
pub const MAX_FAILURES_PER_USER: usize = 10;
/// Failed logins from one address within `WINDOW` (a shared site NAT has many users).
pub const MAX_FAILURES_PER_ADDR: usize = 50;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys tracked before the oldest are pruned (bounds memory under a spray of usernames).
const MAX_KEYS: usize = 100_000;

struct Windows<K> {
    limit: usize,
    failures: HashMap<K, VecDeque<Instant>>,
}

impl<K: Hash + Eq + Clone> Windows<K> {
    fn new(limit: usize) -> Self {
        Windows {
            limit,
            failures: HashMap::new(),
        }
    }

    /// How long until `key` may try again (`None`: now).
    fn wait(&mut self, key: &K, now: Instant) -> Option<Duration> {
        let q = self.failures.get_mut(key)?;
        while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            q.pop_front();
        }
        if q.len() < self.limit {
            return None;
        }
        q.front().map(|oldest| WINDOW - now.duration_since(*oldest))
    }

    fn fail(&mut self, key: K, now: Instant) {
        if self.failures.len() >= MAX_KEYS && !self.failures.contains_key(&key) {
            self.failures
                .retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        let q = self.failures.entry(key).or_default();
        q.push_back(now);
        if q.len() > self.limit {
            q.pop_front();
        }
    }

    fn forget(&mut self, key: &K) {
        self.failures.remove(key);
    }
}

pub struct LoginThrottle {
    users: Mutex<Windows<String>>,
    addrs: Mutex<Windows<IpAddr>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(MAX_FAILURES_PER_USER, MAX_FAILURES_PER_ADDR)
    }
}

fn user_key(username: &str) -> String {
    username.trim().to_lowercase().chars().take(200).collect()
}

impl LoginThrottle {
    pub fn new(per_user: usize, per_addr: usize) -> LoginThrottle {
        LoginThrottle {
            users: Mutex::new(Windows::new(per_user)),
            addrs: Mutex::new(Windows::new(per_addr)),
        }
    }

    /// Seconds to wait before this username may try from this address, if it must wait.
    pub fn retry_after(&self, username: &str, addr: Option<IpAddr>) -> Option<u64> {
        let now = Instant::now();
        let user = lock(&self.users).wait(&user_key(username), now);
        let addr = addr.and_then(|a| lock(&self.addrs).wait(&a, now));
        user.max(addr).map(|d| d.as_secs() + 1)
    }

    pub fn failed(&self, username: &str, addr: Option<IpAddr>) {
        let now = Instant::now();
        lock(&self.users).fail(user_key(username), now);
        if let Some(a) = addr {
            lock(&self.addrs).fail(a, now);
        }
    }

    /// A successful login clears the username's failures (not the address's).
    pub fn succeeded(&self, username: &str) {
        lock(&self.users).forget(&user_key(username));
    }
}

/// A poisoned lock only means another request panicked mid-update: the counters stay usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_opens_again_after_the_window() {
        let mut w = Windows::new(2);
        let t0 = Instant::now();
        assert_eq!(w.wait(&"a", t0), None);
        w.fail("a", t0);
        w.fail("a", t0 + Duration::from_secs(1));
        let wait = w.wait(&"a", t0 + Duration::from_secs(2)).unwrap();
        assert_eq!(wait, WINDOW - Duration::from_secs(2));
        assert_eq!(w.wait(&"b", t0), None);
        assert_eq!(
            w.wait(&"a", t0 + WINDOW),
            None,
            "the first failure has left the window"
        );
    }

    #[test]
    fn usernames_are_counted_whatever_their_case() {
        let t = LoginThrottle::new(1, 100);
        t.failed(" Alice", None);
        assert!(t.retry_after("alice", None).is_some());
        t.succeeded("ALICE");
        assert!(t.retry_after("alice", None).is_none());
    }
}
