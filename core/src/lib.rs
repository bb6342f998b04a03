//! Onsite's domain: cases, their state machine, SLA clocks, the mutations that
//! change them and the sync wire types. No I/O: the PWA and the server both
//! depend on this crate, so its rules are enforced identically on both sides.

pub mod backoff;
pub mod case_flag;
pub mod case_status;
pub mod case_summary;
pub mod catalog;
mod code_enum;
pub mod dashboard;
#[cfg(feature = "examples")]
#[doc(hidden)]
pub mod examples;
pub mod knowledge;
pub mod limits;
pub mod model;
pub mod mutation;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod rejection;
pub mod replica;
pub mod severity;
pub mod sla;
pub mod status;
pub mod wire;

pub use case_summary::CaseSummary;
pub use catalog::{Part, StockLevel};
pub use dashboard::{dashboard, Dashboard, EngineerFigures, Figures};
pub use knowledge::PastFix;
pub use model::*;
pub use mutation::{apply, authorize, ApplyContext, Mutation, Outcome, StockMove};
pub use rejection::{Rejection, RejectionCode};
pub use sla::{SlaClock, SlaPolicy, SlaTargets};
pub use status::{Actor, CaseAction, CaseStatus, Role};

/// Bumped whenever the wire format changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;
