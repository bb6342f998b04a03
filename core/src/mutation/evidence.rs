//! Evidence: photos, and the customer's sign-off (never rejected for the case's status: kept
//! and flagged).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::same_or_conflict;
use super::text::{optional_text, required, required_line, sha256_hex, when};
use super::{Effect, Step};
use crate::model::*;
use crate::rejection::Rejection;
use crate::status::CaseAction;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoAddArgs {
    pub case_id: Uuid,
    pub photo_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignOffArgs {
    pub case_id: Uuid,
    #[serde(flatten)]
    pub sign_off: SignOff,
}

impl PhotoAddArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        sha256_hex("sha256", &self.sha256)?;
        optional_text("caption", self.caption.as_deref())
    }
}

impl SignOffArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        let s = &self.sign_off;
        required_line("signer_name", Some(&s.signer_name))?;
        sha256_hex("report_sha256", &s.report_sha256)?;
        when("signed_at", s.signed_at)?;
        match (&s.signature_sha256, &s.unsigned_reason) {
            (Some(h), None) => sha256_hex("signature_sha256", h)?,
            (None, Some(r)) => required("unsigned_reason", Some(r))?,
            _ => {
                return Err(Rejection::invalid(
                    "a sign-off carries either a signature or the reason there is none",
                ))
            }
        }
        if let Some(n) = s.satisfaction {
            if !(1..=5).contains(&n) {
                return Err(Rejection::invalid("satisfaction must be 1..5"));
            }
        }
        optional_text("comment", s.comment.as_deref())
    }
}

pub(super) fn photo_add(a: &PhotoAddArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    let photo = Photo {
        photo_id: a.photo_id,
        sha256: a.sha256.clone(),
        caption: a.caption.clone(),
    };
    if let Some(existing) = st.case.photos.iter().find(|p| p.photo_id == a.photo_id) {
        return same_or_conflict(existing == &photo, "photo");
    }
    st.authorize(CaseAction::AddPhoto, "add photos")?;
    st.case.photos.push(photo);
    Ok(Effect::Changed)
}

pub(super) fn sign_off(a: &SignOffArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    // Status never rejects a sign-off: it is kept and flagged.
    let s = a.sign_off.clone();
    let already = st
        .case
        .sign_off
        .iter()
        .chain(st.case.extra_sign_offs.iter())
        .any(|x| x == &s);
    if already {
        return Ok(Effect::NoOp);
    }
    // A different sign-off under an id already seen (even one set aside by a reopen)
    // is a conflict: kept beside it and flagged, never taken as the case's sign-off.
    let id_seen = st
        .case
        .sign_off
        .iter()
        .chain(st.case.extra_sign_offs.iter())
        .any(|x| x.signoff_id == s.signoff_id);
    if st.late_sign_off {
        // The case was reassigned before this sign-off reached the server.
        st.case.flags.push(CaseFlag::LateSignOff {
            signoff_id: s.signoff_id,
            by: st.ctx.actor.user_id,
        });
        st.case.extra_sign_offs.push(s);
    } else if st.case.sign_off.is_some() || id_seen {
        st.case.flags.push(CaseFlag::ConflictingSignOff {
            signoff_id: s.signoff_id,
        });
        st.case.extra_sign_offs.push(s);
    } else {
        if !st.case.status.is_active_work() {
            st.case.flags.push(CaseFlag::SignOffOutOfState {
                signoff_id: s.signoff_id,
                status: st.case.status,
            });
        }
        if s.report_sha256 != st.case.report_sha256() {
            st.case.flags.push(CaseFlag::SignedReportDiffers {
                signoff_id: s.signoff_id,
            });
        }
        st.detail = Some(s.signer_name.clone());
        st.case.sign_off = Some(s);
    }
    Ok(Effect::Changed)
}
