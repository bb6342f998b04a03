//! Service-level targets and the clock each case carries.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::severity::Severity;

/// Respond/resolve targets for one severity level, in minutes. `None` = as agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaTargets {
    pub respond_minutes: i64,
    pub resolve_minutes: Option<i64>,
}

/// A named policy: targets for levels 1..4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaPolicy {
    pub name: String,
    pub levels: [SlaTargets; 4],
}

const HOUR: i64 = 60;
const DAY: i64 = 24 * HOUR;

impl SlaPolicy {
    /// A policy from its (respond, resolve) minutes for levels 1..4.
    fn table(name: &str, levels: [(i64, Option<i64>); 4]) -> SlaPolicy {
        SlaPolicy {
            name: name.into(),
            levels: levels.map(|(respond_minutes, resolve_minutes)| SlaTargets {
                respond_minutes,
                resolve_minutes,
            }),
        }
    }

    /// The default table of the service spec.
    pub fn standard() -> SlaPolicy {
        SlaPolicy::table(
            "standard",
            [
                (30, Some(24 * HOUR)),
                (HOUR, Some(3 * DAY)),
                (2 * HOUR, Some(7 * DAY)),
                (4 * HOUR, None),
            ],
        )
    }

    /// The stricter contract variant.
    pub fn strict() -> SlaPolicy {
        SlaPolicy::table(
            "strict",
            [
                (30, Some(2 * HOUR)),
                (HOUR, Some(4 * HOUR)),
                (2 * HOUR, Some(3 * DAY)),
                (4 * HOUR, Some(7 * DAY)),
            ],
        )
    }

    pub fn by_name(name: &str) -> Option<SlaPolicy> {
        match name {
            "standard" => Some(SlaPolicy::standard()),
            "strict" => Some(SlaPolicy::strict()),
            _ => None,
        }
    }

    pub fn targets(&self, severity: Severity) -> SlaTargets {
        self.levels[usize::from(severity.level() - 1)]
    }

    /// Start a case's clock when it is opened.
    pub fn clock(&self, severity: Severity, reported_at: DateTime<Utc>) -> SlaClock {
        let t = self.targets(severity);
        SlaClock {
            policy: self.name.clone(),
            respond_by: after(reported_at, t.respond_minutes),
            resolve_by: t.resolve_minutes.map(|m| after(reported_at, m)),
            responded_at: None,
            resolved_at: None,
        }
    }
}

/// `minutes` after `t`, saturating at the ends of chrono's range: inputs are range-checked
/// (`crate::limits`), and a stored case with a wild date must still never panic.
fn after(t: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    let limit = if minutes < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    };
    Duration::try_minutes(minutes)
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(limit)
}

/// A case's SLA clock. `responded_at`/`resolved_at` are the device times of the accept and of
/// the customer's confirmation: evidence of when the work happened, never used for ordering.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SlaClock {
    pub policy: String,
    pub respond_by: DateTime<Utc>,
    #[serde(default)]
    pub resolve_by: Option<DateTime<Utc>>,
    #[serde(default)]
    pub responded_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
}

/// Which deadline a case is racing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    Respond(DateTime<Utc>),
    Resolve(DateTime<Utc>),
}

impl SlaClock {
    pub fn respond_breached(&self, now: DateTime<Utc>) -> bool {
        match self.responded_at {
            Some(at) => at > self.respond_by,
            None => now > self.respond_by,
        }
    }

    pub fn resolve_breached(&self, now: DateTime<Utc>) -> bool {
        let Some(by) = self.resolve_by else {
            return false;
        };
        match self.resolved_at {
            Some(at) => at > by,
            None => now > by,
        }
    }

    pub fn breached(&self, now: DateTime<Utc>) -> bool {
        self.respond_breached(now) || self.resolve_breached(now)
    }

    /// The deadline still open: respond until accepted, then resolve until resolved.
    pub fn next_deadline(&self) -> Option<Deadline> {
        if self.responded_at.is_none() {
            return Some(Deadline::Respond(self.respond_by));
        }
        if self.resolved_at.is_none() {
            return self.resolve_by.map(Deadline::Resolve);
        }
        None
    }

    /// Time left to the open deadline; negative once breached.
    pub fn time_left(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.next_deadline().map(|d| match d {
            Deadline::Respond(at) | Deadline::Resolve(at) => at - now,
        })
    }

    /// A sort key: the most urgent case first (earliest open deadline; no deadline last).
    pub fn urgency_key(&self) -> i64 {
        match self.next_deadline() {
            Some(Deadline::Respond(at)) | Some(Deadline::Resolve(at)) => at.timestamp(),
            None => i64::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
    }

    #[test]
    fn a_clock_at_the_end_of_time_saturates_instead_of_panicking() {
        let c = SlaPolicy::standard().clock(Severity::ALL[0], DateTime::<Utc>::MAX_UTC);
        assert_eq!(c.respond_by, DateTime::<Utc>::MAX_UTC);
        assert_eq!(
            after(DateTime::<Utc>::MIN_UTC, -5),
            DateTime::<Utc>::MIN_UTC
        );
        assert_eq!(after(t0(), i64::MAX), DateTime::<Utc>::MAX_UTC);
    }

    #[test]
    fn standard_targets_match_the_spec() {
        let p = SlaPolicy::standard();
        let expect = [
            (30, Some(24 * 60)),
            (60, Some(3 * 24 * 60)),
            (120, Some(7 * 24 * 60)),
            (240, None),
        ];
        for (sev, (respond, resolve)) in Severity::ALL.iter().zip(expect) {
            let c = p.clock(*sev, t0());
            assert_eq!(
                c.respond_by,
                t0() + Duration::minutes(respond),
                "level {}",
                sev.level()
            );
            assert_eq!(c.resolve_by, resolve.map(|m| t0() + Duration::minutes(m)));
        }
    }

    #[test]
    fn strict_targets_match_the_spec() {
        let p = SlaPolicy::strict();
        let expect = [120, 240, 3 * 24 * 60, 7 * 24 * 60];
        for (sev, resolve) in Severity::ALL.iter().zip(expect) {
            let c = p.clock(*sev, t0());
            assert_eq!(c.resolve_by, Some(t0() + Duration::minutes(resolve)));
        }
    }

    #[test]
    fn breach_and_time_left() {
        let mut c = SlaPolicy::standard().clock(Severity::new(1).unwrap(), t0());
        let now = t0() + Duration::minutes(20);
        assert_eq!(c.time_left(now), Some(Duration::minutes(10)));
        assert!(!c.breached(now));
        let late = t0() + Duration::minutes(31);
        assert!(c.respond_breached(late));
        assert_eq!(c.time_left(late), Some(Duration::minutes(-1)));
        // Responded in time: the open deadline becomes the resolve target.
        c.responded_at = Some(t0() + Duration::minutes(25));
        assert!(!c.respond_breached(late));
        assert_eq!(c.time_left(late), Some(Duration::minutes(24 * 60 - 31)));
        c.resolved_at = Some(t0() + Duration::hours(25));
        assert!(
            c.resolve_breached(late),
            "resolved after the target is a breach for good"
        );
        assert_eq!(c.time_left(late), None);
    }

    #[test]
    fn level_four_standard_has_no_resolve_deadline() {
        let mut c = SlaPolicy::standard().clock(Severity::new(4).unwrap(), t0());
        c.responded_at = Some(t0());
        assert_eq!(c.next_deadline(), None);
        assert!(!c.breached(t0() + Duration::days(365)));
        assert_eq!(c.urgency_key(), i64::MAX);
    }
}
