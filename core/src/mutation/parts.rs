//! Spare parts: usage on a case, corrections of a usage, and the manager's van-stock
//! adjustment.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text::{optional_line, required, required_line};
use super::{same_or_conflict, Outcome, StockMove, MAX_QTY};
use super::{Effect, Step};
use crate::model::*;
use crate::rejection::{Rejection, RejectionCode};
use crate::status::CaseAction;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartUseArgs {
    pub case_id: Uuid,
    pub usage_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub part_no: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::qty))]
    pub qty: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub serial_fitted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub serial_removed: Option<String>,
    #[serde(default)]
    pub returned_defective: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartCorrectArgs {
    pub case_id: Uuid,
    /// The id of this correction line.
    pub usage_id: Uuid,
    /// The usage line it corrects.
    pub corrects: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::qty_delta))]
    pub qty_delta: i64,
}

/// `stock.adjust`: a manager replenishes or corrects an engineer's van stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockAdjustArgs {
    pub engineer_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub part_no: String,
    /// Signed, non-zero: positive puts parts into the van.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::qty_delta))]
    pub delta: i64,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub reason: String,
}

impl PartUseArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        required_line("part_no", Some(&self.part_no))?;
        if !(1..=MAX_QTY).contains(&self.qty) {
            return Err(Rejection::invalid(format!("qty must be 1..{MAX_QTY}")));
        }
        optional_line("serial_fitted", self.serial_fitted.as_deref())?;
        optional_line("serial_removed", self.serial_removed.as_deref())
    }
}

impl PartCorrectArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        if self.qty_delta == 0 || !(-MAX_QTY..=MAX_QTY).contains(&self.qty_delta) {
            return Err(Rejection::invalid(format!(
                "qty_delta must be non-zero and at most {MAX_QTY} either way"
            )));
        }
        if self.usage_id == self.corrects {
            return Err(Rejection::invalid("a correction cannot correct itself"));
        }
        Ok(())
    }
}

impl StockAdjustArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        required_line("part_no", Some(&self.part_no))?;
        if self.delta == 0 || !(-MAX_QTY..=MAX_QTY).contains(&self.delta) {
            return Err(Rejection::invalid(format!(
                "delta must be non-zero and at most {MAX_QTY} either way"
            )));
        }
        required("reason", Some(&self.reason))
    }

    /// The move it makes (it touches no case; the caller checked the role).
    pub(super) fn apply(&self) -> Outcome {
        Outcome {
            cases: vec![],
            stock_moves: vec![StockMove {
                engineer_id: self.engineer_id,
                part_no: self.part_no.trim().to_string(),
                delta: self.delta,
            }],
        }
    }
}

impl PartUseArgs {
    /// What this use takes from `van`: the rule `apply` follows, and the server's for a part a
    /// former assignee used before a reassignment reached them (refused on the case, but the
    /// part did leave their van).
    pub fn van_move(&self, van: Uuid) -> StockMove {
        StockMove {
            engineer_id: van,
            part_no: self.part_no.trim().to_string(),
            delta: -self.qty,
        }
    }
}

/// How a use shows on the timeline (`detail`): read back by [`van_of`].
fn use_detail(qty: i64, part_no: &str) -> String {
    format!("{qty} × {part_no}")
}

/// Whose van `usage` came from: its own record, else (a use recorded before uses kept it) the
/// engineer who recorded it, from the case's timeline.
fn van_of(case: &Case, usage: &PartUsage) -> Option<Uuid> {
    usage.van.or_else(|| {
        let detail = use_detail(usage.qty, &usage.part_no);
        case.timeline
            .iter()
            .find(|t| {
                t.event == "part.use"
                    && t.client_time == usage.recorded_at
                    && t.detail.as_deref() == Some(detail.as_str())
            })
            .map(|t| t.actor_id)
    })
}

/// The use `usage_id` on `case`, if it is a use (not a correction line).
fn corrected(case: &Case, usage_id: Uuid) -> Option<&PartUsage> {
    case.parts
        .iter()
        .find(|u| u.usage_id == usage_id && u.corrects.is_none())
}

pub(super) fn part_use(a: &PartUseArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    let usage = PartUsage {
        usage_id: a.usage_id,
        part_no: a.part_no.trim().to_string(),
        qty: a.qty,
        serial_fitted: a.serial_fitted.clone(),
        serial_removed: a.serial_removed.clone(),
        returned_defective: a.returned_defective,
        corrects: None,
        van: Some(st.ctx.actor.user_id),
        recorded_at: st.ctx.client_time,
    };
    if let Some(existing) = st.case.parts.iter().find(|u| u.usage_id == a.usage_id) {
        let same = existing.part_no == usage.part_no
            && existing.qty == usage.qty
            && existing.corrects.is_none()
            && existing.serial_fitted == usage.serial_fitted
            && existing.serial_removed == usage.serial_removed
            && existing.returned_defective == usage.returned_defective;
        return same_or_conflict(same, "part usage");
    }
    st.authorize(CaseAction::UseParts, "record parts")?;
    st.stock_moves.push(a.van_move(st.ctx.actor.user_id));
    st.detail = Some(use_detail(a.qty, &usage.part_no));
    st.case.parts.push(usage);
    Ok(Effect::Changed)
}

pub(super) fn part_correct(a: &PartCorrectArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    if let Some(existing) = st.case.parts.iter().find(|u| u.usage_id == a.usage_id) {
        return same_or_conflict(
            existing.corrects == Some(a.corrects) && existing.qty == a.qty_delta,
            "part correction",
        );
    }
    st.authorize(CaseAction::UseParts, "correct parts")?;
    let Some(target) = corrected(&st.case, a.corrects) else {
        return Err(Rejection::new(
            RejectionCode::NotFound,
            "the part usage to correct is not on this case",
        ));
    };
    let part_no = target.part_no.clone();
    let van = van_of(&st.case, target).unwrap_or(st.ctx.actor.user_id);
    let net = st.case.usage_net_qty(a.corrects).unwrap_or(0) + a.qty_delta;
    if net < 0 {
        return Err(Rejection::invalid(
            "a correction cannot take the quantity below zero",
        ));
    }
    st.stock_moves.push(StockMove {
        engineer_id: van,
        part_no: part_no.clone(),
        delta: -a.qty_delta,
    });
    st.detail = Some(format!("{:+} × {part_no}", a.qty_delta));
    st.case.parts.push(PartUsage {
        usage_id: a.usage_id,
        part_no,
        qty: a.qty_delta,
        serial_fitted: None,
        serial_removed: None,
        returned_defective: false,
        corrects: Some(a.corrects),
        van: None,
        recorded_at: st.ctx.client_time,
    });
    Ok(Effect::Changed)
}
