//! The statuses of a case and the transitions between them (who may make one is `status.rs`).

use serde::{Deserialize, Serialize};

crate::code_enum::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum CaseStatus {
        New = "new",
        Assigned = "assigned",
        Accepted = "accepted",
        EnRoute = "en_route",
        OnSite = "on_site",
        InProgress = "in_progress",
        OnHold = "on_hold",
        Completed = "completed",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

impl CaseStatus {
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
