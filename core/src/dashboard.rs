//! The figures a service is judged by, over a period: a pure function of the cases.
//!
//! The period selects cases by `reported_at` in `[from, to)`. Cancelled cases are counted
//! (`cancelled`) but take no part in any rate, average or breach count.
//! - **Resolved** = the case has `sla.resolved_at`: the customer's confirmation (their signed
//!   sign-off), or the manager's close where the customer could not sign.
//! - **Repair timeliness rate** = resolved within the resolve target ÷ all the cases whose
//!   target is decided at `now`: those resolved in time, and those past their target, resolved
//!   late or still open (SERVICE-SPEC: "resolved within target ÷ all"; an open case still
//!   within its target can yet go either way, and counts once it is resolved or late). A case
//!   whose policy has no resolve target counts as within it once resolved.
//! - **Average response / resolution** (minutes from `reported_at`) over the cases that have a
//!   response / resolution, beside the average target over the same cases (resolution target
//!   only over those that have one).
//! - **First-time fix rate** = resolved cases never reopened (no `case.reopen` on the timeline)
//!   with report result `resolved` ÷ resolved.
//! - **Average satisfaction** over the cases whose sign-off carries a rating.
//! - **Breaches** at `now`: respond breaches and resolve breaches (`SlaClock`).
//! - **Complaints**: cases of the period that are customer complaints (`Case::complaint`).
//! - **Repeat faults**: cases of the period whose unit (product model + serial) had a fault
//!   resolved at most `REPEAT_FAULT_WINDOW_DAYS` before this one was reported
//!   (`RepeatIndex::repeat_of`).
//!   Per engineer they count against the engineer whose fix did not hold (the earlier case's
//!   assignee), who gets a row even with no case reported in the period.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Case, RepairResult};
use crate::status::CaseStatus;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Cases reported in the period (cancelled included).
    pub cases: u32,
    pub cancelled: u32,
    /// Not cancelled and not resolved yet.
    pub open: u32,
    pub resolved: u32,
    pub resolved_within_target: u32,
    /// `resolved_within_target / (resolved_within_target + resolve_breaches)`: an overdue case
    /// still open counts against it. `None` when no case is decided yet.
    pub timeliness_rate: Option<f64>,
    pub responded: u32,
    pub avg_response_minutes: Option<f64>,
    pub avg_response_target_minutes: Option<f64>,
    pub avg_resolution_minutes: Option<f64>,
    pub avg_resolution_target_minutes: Option<f64>,
    pub first_time_fixes: u32,
    pub first_time_fix_rate: Option<f64>,
    pub rated: u32,
    pub avg_satisfaction: Option<f64>,
    pub respond_breaches: u32,
    pub resolve_breaches: u32,
    /// See the module doc; absent in answers of servers older than the figure.
    #[serde(default)]
    pub repeat_faults: u32,
    /// Customer complaints reported in the period (not cancelled).
    #[serde(default)]
    pub complaints: u32,
}

/// A fault on the same unit this many days or fewer after a fix counts as a repeat.
pub const REPEAT_FAULT_WINDOW_DAYS: i64 = 30;

/// The resolved fault cases by unit (product model and serial, trimmed, case-insensitive; no
/// serial, no unit), built once so finding repeats is not a scan of every case per case.
pub struct RepeatIndex<'a> {
    fixes: HashMap<(String, String), Vec<&'a Case>>,
}

impl<'a> RepeatIndex<'a> {
    pub fn new(all: &[&'a Case]) -> RepeatIndex<'a> {
        let mut fixes: HashMap<_, Vec<&Case>> = HashMap::new();
        for &c in all {
            if is_fault(c) && c.sla.resolved_at.is_some() {
                if let Some(unit) = unit_key(c) {
                    fixes.entry(unit).or_default().push(c);
                }
            }
        }
        RepeatIndex { fixes }
    }

    /// The earlier case whose fix `case`'s fault repeats: a resolved case on the same unit
    /// whose resolution lies at most `REPEAT_FAULT_WINDOW_DAYS` before `case` was reported;
    /// the most recent such one. Inspections (checklist cases) are visits, not faults, on
    /// either side; cancelled cases and the follow-ups a case itself opened do not count.
    pub fn repeat_of(&self, case: &Case) -> Option<&'a Case> {
        if !is_fault(case) {
            return None;
        }
        let window = chrono::Duration::days(REPEAT_FAULT_WINDOW_DAYS);
        self.fixes
            .get(&unit_key(case)?)?
            .iter()
            .copied()
            .filter(|e| {
                e.id != case.id
                    && case.follow_up_of != Some(e.id)
                    && e.sla
                        .resolved_at
                        .is_some_and(|r| r <= case.reported_at && case.reported_at - r <= window)
            })
            .max_by_key(|e| e.sla.resolved_at)
    }
}

fn is_fault(c: &Case) -> bool {
    c.status != CaseStatus::Cancelled && c.checklist.is_empty()
}

fn unit_key(c: &Case) -> Option<(String, String)> {
    let serial = c.product.serial.as_deref()?.trim().to_lowercase();
    (!serial.is_empty()).then(|| (c.product.model.trim().to_lowercase(), serial))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EngineerFigures {
    pub engineer_id: Uuid,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub overall: Figures,
    /// One entry per engineer a case of the period is assigned to, by engineer id.
    pub engineers: Vec<EngineerFigures>,
}

/// Compute the dashboard over the cases reported in `[from, to)`, breaches judged at `now`.
pub fn dashboard<'a>(
    cases: impl IntoIterator<Item = &'a Case>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Dashboard {
    let all: Vec<&Case> = cases.into_iter().collect();
    let in_period: Vec<&Case> = all
        .iter()
        .copied()
        .filter(|c| c.reported_at >= from && c.reported_at < to)
        .collect();
    let mut by_engineer: BTreeMap<Uuid, Vec<&Case>> = BTreeMap::new();
    for c in &in_period {
        if let Some(e) = c.assignee_id {
            by_engineer.entry(e).or_default().push(c);
        }
    }
    let mut overall = figures(&in_period, now);
    let mut engineers: BTreeMap<Uuid, Figures> = by_engineer
        .into_iter()
        .map(|(engineer_id, cs)| (engineer_id, figures(&cs, now)))
        .collect();
    let repeats = RepeatIndex::new(&all);
    for c in &in_period {
        if let Some(earlier) = repeats.repeat_of(c) {
            overall.repeat_faults += 1;
            if let Some(e) = earlier.assignee_id {
                engineers.entry(e).or_default().repeat_faults += 1;
            }
        }
    }
    Dashboard {
        from,
        to,
        now,
        overall,
        engineers: engineers
            .into_iter()
            .map(|(engineer_id, figures)| EngineerFigures {
                engineer_id,
                figures,
            })
            .collect(),
    }
}

fn minutes(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (b - a).num_seconds() as f64 / 60.0
}

fn avg(sum: f64, n: u32) -> Option<f64> {
    (n > 0).then(|| sum / f64::from(n))
}

/// Figures over one set of cases.
pub fn figures(cases: &[&Case], now: DateTime<Utc>) -> Figures {
    let mut f = Figures::default();
    let (mut resp_sum, mut resp_target_sum) = (0.0, 0.0);
    let (mut res_sum, mut res_target_sum, mut res_targets) = (0.0, 0.0, 0u32);
    let mut sat_sum = 0.0;
    for c in cases {
        f.cases += 1;
        if c.status == CaseStatus::Cancelled {
            f.cancelled += 1;
            continue;
        }
        if c.complaint {
            f.complaints += 1;
        }
        let sla = &c.sla;
        if sla.respond_breached(now) {
            f.respond_breaches += 1;
        }
        if sla.resolve_breached(now) {
            f.resolve_breaches += 1;
        }
        if let Some(at) = sla.responded_at {
            f.responded += 1;
            resp_sum += minutes(c.reported_at, at);
            resp_target_sum += minutes(c.reported_at, sla.respond_by);
        }
        if let Some(s) = c.sign_off.as_ref().and_then(|s| s.satisfaction) {
            f.rated += 1;
            sat_sum += f64::from(s);
        }
        let Some(resolved_at) = sla.resolved_at else {
            f.open += 1;
            continue;
        };
        f.resolved += 1;
        res_sum += minutes(c.reported_at, resolved_at);
        if let Some(by) = sla.resolve_by {
            res_targets += 1;
            res_target_sum += minutes(c.reported_at, by);
        }
        if !sla.resolve_breached(now) {
            f.resolved_within_target += 1;
        }
        let reopened = c.timeline.iter().any(|t| t.event == "case.reopen");
        if !reopened && c.report.result == Some(RepairResult::Resolved) {
            f.first_time_fixes += 1;
        }
    }
    f.timeliness_rate = avg(
        f64::from(f.resolved_within_target),
        f.resolved_within_target + f.resolve_breaches,
    );
    f.avg_response_minutes = avg(resp_sum, f.responded);
    f.avg_response_target_minutes = avg(resp_target_sum, f.responded);
    f.avg_resolution_minutes = avg(res_sum, f.resolved);
    f.avg_resolution_target_minutes = avg(res_target_sum, res_targets);
    f.first_time_fix_rate = avg(f64::from(f.first_time_fixes), f.resolved);
    f.avg_satisfaction = avg(sat_sum, f.rated);
    f
}
