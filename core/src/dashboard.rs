//! The figures a service is judged by, over a period: a pure function of the cases.
//!
//! The period selects cases by `reported_at` in `[from, to)`. Cancelled cases are counted
//! (`cancelled`) but take no part in any rate, average or breach count.
//! - **Resolved** = the case has `sla.resolved_at` (the customer's confirmation).
//! - **Repair timeliness rate** = resolved within the resolve target ÷ resolved (a case whose
//!   policy has no resolve target counts as within it).
//! - **Average response / resolution** (minutes from `reported_at`) over the cases that have a
//!   response / resolution, beside the average target over the same cases (resolution target
//!   only over those that have one).
//! - **First-time fix rate** = resolved cases never reopened (no `case.reopen` on the timeline)
//!   with report result `resolved` ÷ resolved.
//! - **Average satisfaction** over the cases whose sign-off carries a rating.
//! - **Breaches** at `now`: respond breaches and resolve breaches (`SlaClock`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Case, RepairResult};
use crate::status::CaseStatus;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Cases reported in the period (cancelled included).
    pub cases: u32,
    pub cancelled: u32,
    /// Not cancelled and not resolved yet.
    pub open: u32,
    pub resolved: u32,
    pub resolved_within_target: u32,
    /// `resolved_within_target / resolved`; `None` when nothing was resolved.
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineerFigures {
    pub engineer_id: Uuid,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    let in_period: Vec<&Case> = cases
        .into_iter()
        .filter(|c| c.reported_at >= from && c.reported_at < to)
        .collect();
    let mut by_engineer: BTreeMap<Uuid, Vec<&Case>> = BTreeMap::new();
    for c in &in_period {
        if let Some(e) = c.assignee_id {
            by_engineer.entry(e).or_default().push(c);
        }
    }
    Dashboard {
        from,
        to,
        now,
        overall: figures(&in_period, now),
        engineers: by_engineer
            .into_iter()
            .map(|(engineer_id, cs)| EngineerFigures {
                engineer_id,
                figures: figures(&cs, now),
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
    f.timeliness_rate = avg(f64::from(f.resolved_within_target), f.resolved);
    f.avg_response_minutes = avg(resp_sum, f.responded);
    f.avg_response_target_minutes = avg(resp_target_sum, f.responded);
    f.avg_resolution_minutes = avg(res_sum, f.resolved);
    f.avg_resolution_target_minutes = avg(res_target_sum, res_targets);
    f.first_time_fix_rate = avg(f64::from(f.first_time_fixes), f.resolved);
    f.avg_satisfaction = avg(sat_sum, f.rated);
    f
}
