//! The case's life: accept, status changes, assignment, escalation, close, reopen, cancel.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text::{optional_text, required};
use super::{Effect, Step};
use crate::model::*;
use crate::rejection::{Rejection, RejectionCode};
use crate::status::{CaseAction, CaseStatus, Role};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRef {
    pub case_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetStatusArgs {
    pub case_id: Uuid,
    pub status: CaseStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignArgs {
    pub case_id: Uuid,
    pub engineer_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonArgs {
    pub case_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EscalateArgs {
    pub case_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3))]
    pub tier: u8,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub reason: String,
}

impl CaseRef {
    pub fn validate(&self) -> Result<(), Rejection> {
        Ok(())
    }
}

impl SetStatusArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        if !matches!(
            self.status,
            CaseStatus::EnRoute
                | CaseStatus::OnSite
                | CaseStatus::InProgress
                | CaseStatus::OnHold
                | CaseStatus::Completed
        ) {
            return Err(Rejection::invalid(format!(
                "status `{}` cannot be set directly",
                self.status.as_str()
            )));
        }
        if self.status == CaseStatus::OnHold {
            required("reason", self.reason.as_deref())?;
        }
        optional_text("reason", self.reason.as_deref())
    }
}

impl AssignArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        Ok(())
    }
}

impl ReasonArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        required("reason", Some(&self.reason))
    }
}

impl EscalateArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        if !(1..=3).contains(&self.tier) {
            return Err(Rejection::invalid("tier must be 1..3"));
        }
        required("reason", Some(&self.reason))
    }
}

pub(super) fn accept(_: &CaseRef, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    if st.case.status == CaseStatus::Accepted && st.case.assignee_id == Some(st.ctx.actor.user_id) {
        return Ok(Effect::NoOp);
    }
    st.authorize(CaseAction::Accept, "accept")?;
    st.case.status = CaseStatus::Accepted;
    // "Respond" is the first acknowledgement: an accept after a reassignment keeps it.
    st.case.sla.responded_at.get_or_insert(st.ctx.client_time);
    Ok(Effect::Changed)
}

pub(super) fn set_status(a: &SetStatusArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    if st.case.status == a.status && st.case.assignee_id == Some(st.ctx.actor.user_id) {
        return Ok(Effect::NoOp);
    }
    st.authorize(
        CaseAction::SetStatus(a.status),
        &format!("set {}", a.status.as_str()),
    )?;
    if a.status == CaseStatus::Completed {
        if st.case.report.result.is_none() {
            return Err(Rejection::new(
                RejectionCode::NotReady,
                "the report needs a result before completing",
            ));
        }
        if !st.case.checklist_complete() {
            let open = st
                .case
                .checklist
                .iter()
                .filter(|i| i.result.is_none())
                .count();
            return Err(Rejection::new(
                RejectionCode::NotReady,
                format!(
                    "{open} checklist item(s) need an answer (pass, fail or n/a) before completing"
                ),
            ));
        }
        let Some(sign_off) = &st.case.sign_off else {
            return Err(Rejection::new(
                RejectionCode::NotReady,
                "a customer sign-off is needed before completing",
            ));
        };
        // "Resolve" is the work completed and confirmed by the customer (SERVICE-SPEC): their
        // signature. A sign-off without one (the customer was not there) leaves the clock
        // running until the manager's review closes the case.
        if sign_off.signature_sha256.is_some() {
            st.case.sla.resolved_at = Some(sign_off.signed_at);
        }
    }
    st.case.status = a.status;
    st.detail = Some(match &a.reason {
        Some(r) => format!("{}: {r}", a.status.as_str()),
        None => a.status.as_str().to_string(),
    });
    Ok(Effect::Changed)
}

pub(super) fn assign(a: &AssignArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    if st.case.assignee_id == Some(a.engineer_id) && st.case.status == CaseStatus::Assigned {
        return Ok(Effect::NoOp);
    }
    st.authorize(CaseAction::Assign, "assign")?;
    st.case.assignee_id = Some(a.engineer_id);
    st.case.status = CaseStatus::Assigned;
    st.detail = Some(a.engineer_id.to_string());
    Ok(Effect::Changed)
}

pub(super) fn escalate(a: &EscalateArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    st.authorize(CaseAction::Escalate, "escalate")?;
    if a.tier <= st.case.current_escalation_tier() {
        if st
            .case
            .escalations
            .iter()
            .any(|e| e.tier == a.tier && e.reason == a.reason)
        {
            return Ok(Effect::NoOp);
        }
        return Err(Rejection::new(
            RejectionCode::InvalidStatus,
            format!(
                "the case is already escalated to tier {}",
                st.case.current_escalation_tier()
            ),
        ));
    }
    st.case.escalations.push(Escalation {
        tier: a.tier,
        reason: a.reason.clone(),
        at: st.ctx.client_time,
        by: st.ctx.actor.user_id,
    });
    st.detail = Some(format!("{}: {}", a.tier, a.reason));
    Ok(Effect::Changed)
}

pub(super) fn close(_: &CaseRef, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    if st.case.status == CaseStatus::Closed && st.ctx.actor.role == Role::Manager {
        return Ok(Effect::NoOp);
    }
    st.authorize(CaseAction::Close, "close")?;
    if st.case.needs_fault_analysis() {
        return Err(Rejection::new(RejectionCode::NotReady,
                format!(
                    "case {} is severity 1: record a fault analysis (cause, impact, prevention) before closing it",
                    st.case.number
                ),
            ));
    }
    st.case.status = CaseStatus::Closed;
    // No customer signature confirmed the work: the manager's review does, now.
    st.case.sla.resolved_at.get_or_insert(st.ctx.client_time);
    Ok(Effect::Changed)
}

pub(super) fn reopen(a: &ReasonArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    st.authorize(CaseAction::Reopen, "reopen")?;
    st.case.status = CaseStatus::InProgress;
    st.case.sla.resolved_at = None;
    // The old sign-off confirmed work that turned out unfinished; it is kept, not reused.
    if let Some(old) = st.case.sign_off.take() {
        st.case.extra_sign_offs.push(old);
    }
    st.detail = Some(a.reason.clone());
    Ok(Effect::Changed)
}

pub(super) fn cancel(a: &ReasonArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    if st.case.status == CaseStatus::Cancelled && st.ctx.actor.role == Role::Manager {
        return Ok(Effect::NoOp);
    }
    st.authorize(CaseAction::Cancel, "cancel")?;
    st.case.status = CaseStatus::Cancelled;
    st.detail = Some(a.reason.clone());
    Ok(Effect::Changed)
}
