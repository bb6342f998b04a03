//! Service rules: fault analysis before a severity-1 close, clock-skew flags, the van-stock
//! ledger arithmetic, the dashboard figures, inspection checklists and what is charged. One
//! test binary; one module per rule.

#[path = "../common/mod.rs"]
mod common;

mod charges;
mod checklist;
mod clock_skew;
mod dashboard;
mod fault_analysis;
mod stock;
