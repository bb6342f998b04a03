//! The statuses of a case and the transitions between them (who may make one is `status.rs`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    Assigned,
    Accepted,
    EnRoute,
    OnSite,
    InProgress,
    OnHold,
    Completed,
    Closed,
    Cancelled,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 10] = [
        CaseStatus::New,
        CaseStatus::Assigned,
        CaseStatus::Accepted,
        CaseStatus::EnRoute,
        CaseStatus::OnSite,
        CaseStatus::InProgress,
        CaseStatus::OnHold,
        CaseStatus::Completed,
        CaseStatus::Closed,
        CaseStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Assigned => "assigned",
            CaseStatus::Accepted => "accepted",
            CaseStatus::EnRoute => "en_route",
            CaseStatus::OnSite => "on_site",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::OnHold => "on_hold",
            CaseStatus::Completed => "completed",
            CaseStatus::Closed => "closed",
            CaseStatus::Cancelled => "cancelled",
        }
    }

    /// The engineer is working the case: report, parts, time and photos may change.
    pub fn is_active_work(self) -> bool {
        matches!(
            self,
            CaseStatus::Accepted
                | CaseStatus::EnRoute
                | CaseStatus::OnSite
                | CaseStatus::InProgress
                | CaseStatus::OnHold
        )
    }

    /// No further work happens on the case.
    pub fn is_final(self) -> bool {
        matches!(self, CaseStatus::Closed | CaseStatus::Cancelled)
    }

    /// Statuses an engineer may set with `case.set_status` from `self`.
    /// Travel steps may be skipped (a phone or remote case goes straight to in progress).
    pub fn engineer_targets(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Accepted => &[EnRoute, OnSite, InProgress],
            EnRoute => &[OnSite, InProgress],
            OnSite => &[InProgress],
            InProgress => &[OnHold, Completed],
            OnHold => &[InProgress],
            _ => &[],
        }
    }

    /// Whether the state machine allows moving from `self` to `to` by any action.
    pub fn can_become(self, to: CaseStatus) -> bool {
        use CaseStatus::*;
        if self.engineer_targets().contains(&to) {
            return true;
        }
        match (self, to) {
            (New | Assigned | Accepted | EnRoute | OnSite | InProgress | OnHold, Assigned) => true,
            (Assigned, Accepted) => true,
            (Completed, Closed) => true,
            (Completed, InProgress) => true, // reopen
            (from, Cancelled) => !from.is_final(),
            _ => false,
        }
    }
}
