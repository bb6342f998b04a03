//! How long a device waits before it syncs again after a failure: a random wait up to an
//! exponential cap (full jitter), and never less than what a saturated server asked for
//! (`Retry-After`), with a random share of that on top so that a fleet told to come back in
//! 5 s does not come back in step.

/// The cap after the first failure; it doubles with each failure after that.
pub const BASE_MS: f64 = 1_000.0;
/// The cap never grows past this.
pub const MAX_MS: f64 = 60_000.0;
/// The shortest wait.
pub const MIN_MS: f64 = 250.0;

/// The wait after `failures` failures in a row (1 = the first), given the server's
/// `Retry-After` in seconds if it sent one, and `random` in [0, 1).
pub fn wait_ms(failures: u32, retry_after_s: Option<u32>, random: f64) -> f64 {
    let random = random.clamp(0.0, 1.0);
    let exponent = failures.saturating_sub(1).min(16) as i32;
    let cap = (BASE_MS * 2f64.powi(exponent)).min(MAX_MS);
    let jittered = (random * cap).max(MIN_MS);
    match retry_after_s {
        Some(s) => {
            let asked = f64::from(s.min(3600)) * 1000.0;
            jittered.max(asked + random * asked / 2.0)
        }
        None => jittered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_doubles_per_failure_up_to_the_maximum() {
        assert_eq!(wait_ms(1, None, 0.999_999).round(), BASE_MS.round());
        assert_eq!(wait_ms(3, None, 0.999_999).round(), (4.0 * BASE_MS).round());
        assert_eq!(wait_ms(40, None, 0.999_999).round(), MAX_MS.round());
        assert_eq!(wait_ms(1, None, 0.0), MIN_MS);
    }

    #[test]
    fn a_server_that_asks_for_time_gets_at_least_that_spread_over_half_as_much_again() {
        for random in [0.0, 0.3, 0.999] {
            let w = wait_ms(1, Some(5), random);
            assert!((5_000.0..=7_500.0).contains(&w), "{w}");
        }
        assert!(wait_ms(1, Some(5), 0.0) < wait_ms(1, Some(5), 0.9));
        // A later failure's own backoff may be longer than what was asked.
        assert!(wait_ms(10, Some(1), 0.9) > 30_000.0);
        // An absurd Retry-After is bounded at an hour.
        assert!(wait_ms(1, Some(u32::MAX), 0.0) <= 3_600_000.0);
    }
}
