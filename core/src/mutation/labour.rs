//! Labour: travel and work time, and corrections that replace or strike out an entry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::same_or_conflict;
use super::text::when;
use super::{Effect, Step};
use crate::model::*;
use crate::rejection::{Rejection, RejectionCode};
use crate::status::CaseAction;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeArgs {
    pub case_id: Uuid,
    pub entry_id: Uuid,
    pub kind: TimeKind,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::time))]
    pub start: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::time))]
    pub end: DateTime<Utc>,
}

/// `case.time_correct`: entry `entry_id` replaces entry `corrects` (same kind); with no
/// `start`/`end` the corrected entry is struck out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeCorrectArgs {
    pub case_id: Uuid,
    pub entry_id: Uuid,
    pub corrects: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::time))]
    pub start: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::time))]
    pub end: Option<DateTime<Utc>>,
}

impl TimeArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        when("start", self.start)?;
        when("end", self.end)?;
        time_span(self.start, self.end)
    }
}

impl TimeCorrectArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        if self.entry_id == self.corrects {
            return Err(Rejection::invalid("a correction cannot correct itself"));
        }
        match (self.start, self.end) {
            (None, None) => Ok(()),
            (Some(start), Some(end)) => {
                when("start", start)?;
                when("end", end)?;
                time_span(start, end)
            }
            _ => Err(Rejection::invalid(
                "a correction needs both start and end, or neither to strike the entry out",
            )),
        }
    }
}

fn time_span(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), Rejection> {
    if end <= start {
        return Err(Rejection::invalid("a time entry must end after it starts"));
    }
    if end - start > chrono::Duration::hours(24) {
        return Err(Rejection::invalid("a time entry may not exceed 24 hours"));
    }
    Ok(())
}

pub(super) fn time(a: &TimeArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    let entry = TimeEntry {
        entry_id: a.entry_id,
        kind: a.kind,
        start: a.start,
        end: a.end,
        corrects: None,
        superseded_by: None,
    };
    if let Some(existing) = st
        .case
        .time_entries
        .iter()
        .find(|t| t.entry_id == a.entry_id)
    {
        return same_or_conflict(existing == &entry, "time entry");
    }
    st.authorize(CaseAction::LogTime, "log time")?;
    st.case.time_entries.push(entry);
    Ok(Effect::Changed)
}

pub(super) fn time_correct(a: &TimeCorrectArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    let replay = |e: &TimeEntry| e.entry_id == a.entry_id && e.corrects == Some(a.corrects);
    // A strike-out leaves no entry of its own: its id is only on the struck one.
    let seen = st
        .case
        .time_entries
        .iter()
        .find(|t| t.entry_id == a.entry_id)
        .map(|e| replay(e) && a.start == Some(e.start) && a.end == Some(e.end))
        .or_else(|| {
            st.case
                .time_entries
                .iter()
                .find(|t| t.superseded_by == Some(a.entry_id))
                .map(|t| t.entry_id == a.corrects && a.start.is_none())
        });
    if let Some(same) = seen {
        return same_or_conflict(same, "time correction");
    }
    st.authorize(CaseAction::CorrectTime, "correct time")?;
    let Some(target) = st
        .case
        .time_entries
        .iter_mut()
        .find(|t| t.entry_id == a.corrects)
    else {
        return Err(Rejection::new(
            RejectionCode::NotFound,
            format!("time entry {} not found", a.corrects),
        ));
    };
    if target.superseded_by.is_some() {
        return Err(Rejection::new(
            RejectionCode::Conflict,
            "this time entry has already been corrected",
        ));
    }
    target.superseded_by = Some(a.entry_id);
    let kind = target.kind;
    let minutes_before = target.minutes();
    if let (Some(start), Some(end)) = (a.start, a.end) {
        let fixed = TimeEntry {
            entry_id: a.entry_id,
            kind,
            start,
            end,
            corrects: Some(a.corrects),
            superseded_by: None,
        };
        st.detail = Some(format!("{minutes_before} → {}", fixed.minutes()));
        st.case.time_entries.push(fixed);
    } else {
        st.detail = Some(format!("{minutes_before} → 0"));
    }
    Ok(Effect::Changed)
}
