//! The case list's filters, kept in `AppState` so they survive leaving the list.

use onsite_core::CaseSummary;

/// The case-list filters. Values are the wire codes the selects carry ("" = any), so the
/// filter lives in `AppState` and survives navigation between the list and a case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// "" or a `ServiceMode::as_str` code.
    pub mode: String,
    /// "" or a `Category::as_str` code.
    pub category: String,
    /// "" or "1".."4".
    pub severity: String,
    /// Matched case-insensitively in the number, title and customer name.
    pub search: String,
    pub escalated_only: bool,
}

impl CaseFilter {
    pub fn is_active(&self) -> bool {
        *self != CaseFilter::default()
    }

    /// How many of the filters behind the "Filters" control are set (the search is in view).
    pub fn hidden_active(&self) -> usize {
        [
            !self.mode.is_empty(),
            !self.category.is_empty(),
            !self.severity.is_empty(),
            self.escalated_only,
        ]
        .into_iter()
        .filter(|on| *on)
        .count()
    }

    pub fn matches(&self, c: &CaseSummary) -> bool {
        if !self.mode.is_empty() && c.mode.as_str() != self.mode {
            return false;
        }
        if !self.category.is_empty() && c.category.as_str() != self.category {
            return false;
        }
        if !self.severity.is_empty() && c.severity.level().to_string() != self.severity {
            return false;
        }
        if self.escalated_only && c.escalation_tier == 0 {
            return false;
        }
        let q = self.search.trim().to_lowercase();
        if !q.is_empty() {
            let hay = [&c.number, &c.title, &c.customer_name];
            if !hay.iter().any(|h| h.to_lowercase().contains(&q)) {
                return false;
            }
        }
        true
    }
}
