//! The service report: its fields, inspection checklist answers, the fault analysis of a
//! severity-1 case.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text::{optional_text, required, required_line, set_if};
use super::{Effect, Step};
use crate::model::*;
use crate::rejection::{Rejection, RejectionCode};
use crate::status::CaseAction;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportArgs {
    pub case_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub symptom: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub cause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub actions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<RepairResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub verification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub leftover: Option<String>,
}

/// `case.check`: the answer to one checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckArgs {
    pub case_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub item_id: String,
    pub result: CheckResult,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub note: Option<String>,
}

/// `case.fault_analysis`: what a severity-1 case needs before it may be closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaultAnalysisArgs {
    pub case_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub cause: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub impact: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub prevention: String,
}

impl ReportArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        for (field, v) in [
            ("symptom", &self.symptom),
            ("cause", &self.cause),
            ("actions", &self.actions),
            ("verification", &self.verification),
            ("leftover", &self.leftover),
        ] {
            optional_text(field, v.as_deref())?;
        }
        Ok(())
    }
}

impl CheckArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        required_line("item_id", Some(&self.item_id))?;
        optional_text("note", self.note.as_deref())
    }
}

impl FaultAnalysisArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        required("cause", Some(&self.cause))?;
        required("impact", Some(&self.impact))?;
        required("prevention", Some(&self.prevention))
    }
}

pub(super) fn report(a: &ReportArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    st.authorize(CaseAction::Report, "edit the report")?;
    let r = &mut st.case.report;
    set_if(&mut r.symptom, &a.symptom);
    set_if(&mut r.cause, &a.cause);
    set_if(&mut r.actions, &a.actions);
    if a.result.is_some() {
        r.result = a.result;
    }
    set_if(&mut r.verification, &a.verification);
    set_if(&mut r.leftover, &a.leftover);
    if st.case.report == st.orig.report {
        return Ok(Effect::NoOp);
    }
    Ok(Effect::Changed)
}

pub(super) fn check(a: &CheckArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    st.authorize(CaseAction::Report, "record a checklist result")?;
    let Some(item) = st
        .case
        .checklist
        .iter_mut()
        .find(|i| i.item_id == a.item_id.trim())
    else {
        return Err(Rejection::new(
            RejectionCode::NotFound,
            format!("checklist item `{}` is not on this case", a.item_id),
        ));
    };
    if item.result == Some(a.result) && item.note == a.note {
        return Ok(Effect::NoOp);
    }
    item.result = Some(a.result);
    item.note = a.note.clone();
    st.detail = Some(format!("{}: {}", item.item_id, a.result.as_str()));
    Ok(Effect::Changed)
}

pub(super) fn fault_analysis(
    a: &FaultAnalysisArgs,
    st: &mut Step<'_>,
) -> Result<Effect, Rejection> {
    st.authorize(CaseAction::FaultAnalysis, "record a fault analysis")?;
    let same = st.case.fault_analysis.as_ref().is_some_and(|f| {
        f.cause == a.cause.trim()
            && f.impact == a.impact.trim()
            && f.prevention == a.prevention.trim()
    });
    if same {
        return Ok(Effect::NoOp);
    }
    st.case.fault_analysis = Some(FaultAnalysis {
        cause: a.cause.trim().to_string(),
        impact: a.impact.trim().to_string(),
        prevention: a.prevention.trim().to_string(),
        by: st.ctx.actor.user_id,
        at: st.ctx.client_time,
    });
    Ok(Effect::Changed)
}
