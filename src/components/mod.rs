//! Reusable pieces: badges, the status bar, the header, the case actions,
//! the signature pad. Components take plain props so tests can mount them alone.

pub mod assign;
pub mod badges;
pub mod case_actions;
pub mod case_list;
pub mod checklist;
pub mod error_banner;
pub mod escalation;
pub mod fault_analysis;
pub mod fields;
pub mod fmt;
pub mod forms;
pub mod header;
pub mod labour;
pub mod past_fixes;
pub mod photos;
pub mod pwa_banners;
pub mod signature_pad;
pub mod sla;
pub mod status_bar;

pub use assign::{AssignCard, AssignForm};
pub use badges::{SeverityBadge, StatusBadge, TimeLeftBadge};
pub use case_actions::CaseActions;
pub use case_list::CaseList;
pub use checklist::Checklist;
pub use error_banner::ErrorBanner;
pub use escalation::{EscalateForm, EscalatedBadge, EscalationList};
pub use fault_analysis::FaultAnalysisForm;
pub use header::{AppNav, Header, LangToggle};
pub use labour::{Labour, TimeEntries};
pub use past_fixes::PastFixes;
pub use photos::Photos;
pub use pwa_banners::{
    AppIosInstallHint, AppUpdateBanner, InstallButton, IosInstallHint, StorageNotice, UpdateBanner,
};
pub use signature_pad::SignaturePad;
pub use sla::{CaseFlags, SlaCard};
pub use status_bar::StatusBar;
