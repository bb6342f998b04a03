//! Who may do what to a case in which status: `check`, the one authority on it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::case_status::CaseStatus;
use crate::model::Case;

crate::code_enum::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum Role {
        Engineer = "engineer",
        Manager = "manager",
    }
}

/// The user a mutation is applied for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Uuid,
    pub role: Role,
}

/// Things a user can do to a case, as the app offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseAction {
    Accept,
    SetStatus(CaseStatus),
    Report,
    LogTime,
    /// Replace or strike out a time entry (never edited in place).
    CorrectTime,
    UseParts,
    AddPhoto,
    SignOff,
    Escalate,
    FollowUp,
    Assign,
    Close,
    Reopen,
    Cancel,
    /// Cause, impact and prevention of a severity-1 fault.
    FaultAnalysis,
}

impl CaseAction {
    /// What the action does, for rejection messages ("your role may not {describe}").
    pub fn describe(self) -> &'static str {
        match self {
            CaseAction::Accept => "accept",
            CaseAction::SetStatus(_) => "change the status",
            CaseAction::Report => "edit the report",
            CaseAction::LogTime => "log time",
            CaseAction::CorrectTime => "correct time",
            CaseAction::UseParts => "record parts",
            CaseAction::AddPhoto => "add photos",
            CaseAction::SignOff => "record a sign-off",
            CaseAction::Escalate => "escalate",
            CaseAction::FollowUp => "open a follow-up",
            CaseAction::Assign => "assign",
            CaseAction::Close => "close",
            CaseAction::Reopen => "reopen",
            CaseAction::Cancel => "cancel",
            CaseAction::FaultAnalysis => "record a fault analysis",
        }
    }

    pub fn is_manager_action(self) -> bool {
        matches!(
            self,
            CaseAction::Assign | CaseAction::Close | CaseAction::Reopen | CaseAction::Cancel
        )
    }
}

/// Why an action is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The actor's role may not do this at all.
    Role,
    /// The actor is an engineer not assigned to this case.
    NotAssignee,
    /// The case's status does not allow it.
    Status,
}

impl Denied {
    pub fn code(self) -> crate::rejection::RejectionCode {
        use crate::rejection::RejectionCode;
        match self {
            Denied::Role => RejectionCode::ForbiddenRole,
            Denied::NotAssignee => RejectionCode::NotAssignee,
            Denied::Status => RejectionCode::InvalidStatus,
        }
    }
}

/// The single authority on who may do what, in which status.
pub fn check(actor: &Actor, case: &Case, action: CaseAction) -> Result<(), Denied> {
    check_who(actor, case, action)?;
    if status_allows(actor.role, case.status, action) {
        Ok(())
    } else {
        Err(Denied::Status)
    }
}

/// What a user does that names no case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeskAction {
    /// `case.create`.
    CreateCase,
    /// `stock.adjust`.
    AdjustStock,
}

impl DeskAction {
    pub fn describe(self) -> &'static str {
        match self {
            DeskAction::CreateCase => "create cases",
            DeskAction::AdjustStock => "adjust van stock",
        }
    }
}

/// `check` for what names no case: only a manager opens cases and adjusts van stock.
pub fn check_desk(actor: &Actor, _action: DeskAction) -> Result<(), Denied> {
    match actor.role {
        Role::Manager => Ok(()),
        Role::Engineer => Err(Denied::Role),
    }
}

/// Whether this actor may act on this case at all, whatever its status: the part of `check`
/// that comes before any other answer (a repeat's no-op included), so that a stranger never
/// learns what a case holds. Only the current assignee writes an engineer's actions.
pub fn check_who(actor: &Actor, case: &Case, action: CaseAction) -> Result<(), Denied> {
    who(actor, case.assignee_id, action)
}

/// `check_who` for a case that does not exist: judged as a case assigned to no one, so an
/// engineer is answered exactly as for a case that is not theirs (`NotAssignee`, or `Role`
/// for a manager's action) and cannot tell the two apart. A manager passes for what a manager
/// may do (and is then told the case is missing).
pub fn check_who_missing(actor: &Actor, action: CaseAction) -> Result<(), Denied> {
    who(actor, None, action)
}

fn who(actor: &Actor, assignee: Option<Uuid>, action: CaseAction) -> Result<(), Denied> {
    let manager_may = action.is_manager_action()
        || matches!(
            action,
            CaseAction::CorrectTime
                | CaseAction::FaultAnalysis
                | CaseAction::Escalate
                | CaseAction::FollowUp
        );
    match actor.role {
        Role::Manager if manager_may => Ok(()),
        Role::Manager => Err(Denied::Role),
        Role::Engineer if action.is_manager_action() => Err(Denied::Role),
        Role::Engineer if assignee != Some(actor.user_id) => Err(Denied::NotAssignee),
        Role::Engineer => Ok(()),
    }
}

/// The status rule of `check`, once `check_who` has passed.
fn status_allows(role: Role, status: CaseStatus, action: CaseAction) -> bool {
    match (role, action) {
        (Role::Manager, CaseAction::CorrectTime) => status.is_active_work(),
        (Role::Manager, CaseAction::FaultAnalysis) => !status.is_final(),
        // Up the ladder to the executive, whoever works the case, until it is closed.
        (Role::Manager, CaseAction::Escalate) => !status.is_final(),
        // At review, the leftover issues of a completed case become a case of their own.
        (Role::Manager, CaseAction::FollowUp) => status == CaseStatus::Completed,
        (_, CaseAction::Assign) => status.can_become(CaseStatus::Assigned),
        (_, CaseAction::Close | CaseAction::Reopen) => status == CaseStatus::Completed,
        (_, CaseAction::Cancel) => !status.is_final(),
        (_, CaseAction::Accept) => status == CaseStatus::Assigned,
        (_, CaseAction::SetStatus(to)) => status.engineer_targets().contains(&to),
        (_, CaseAction::FaultAnalysis) => {
            status.is_active_work() || status == CaseStatus::Completed
        }
        (
            _,
            CaseAction::Report
            | CaseAction::LogTime
            | CaseAction::CorrectTime
            | CaseAction::UseParts
            | CaseAction::AddPhoto
            | CaseAction::Escalate
            | CaseAction::FollowUp
            | CaseAction::SignOff,
        ) => status.is_active_work(),
    }
}

pub fn available_actions(actor: &Actor, case: &Case) -> Vec<CaseAction> {
    let mut all = vec![
        CaseAction::Accept,
        CaseAction::Report,
        CaseAction::LogTime,
        CaseAction::CorrectTime,
        CaseAction::UseParts,
        CaseAction::AddPhoto,
        CaseAction::SignOff,
        CaseAction::Escalate,
        CaseAction::FollowUp,
        CaseAction::Assign,
        CaseAction::Close,
        CaseAction::Reopen,
        CaseAction::Cancel,
        CaseAction::FaultAnalysis,
    ];
    for s in [
        CaseStatus::EnRoute,
        CaseStatus::OnSite,
        CaseStatus::InProgress,
        CaseStatus::OnHold,
        CaseStatus::Completed,
    ] {
        all.push(CaseAction::SetStatus(s));
    }
    all.into_iter()
        .filter(|a| check(actor, case, *a).is_ok())
        .filter(|a| *a != CaseAction::SetStatus(CaseStatus::Completed) || case.ready_to_complete())
        .collect()
}
