//! Past fixes: closed, resolved cases condensed into the service's knowledge base, synced
//! to every device and searched offline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Case, Category, RepairResult, Severity};
use crate::status::CaseStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastFixPart {
    pub part_no: String,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastFix {
    pub case_id: Uuid,
    pub number: String,
    pub title: String,
    pub product_model: String,
    pub category: Category,
    pub severity: Severity,
    #[serde(default)]
    pub symptom: String,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub actions: String,
    pub result: RepairResult,
    #[serde(default)]
    pub parts: Vec<PastFixPart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineer_id: Option<Uuid>,
}

impl PastFix {
    /// A closed case whose report says resolved or worked around; anything else is not a fix.
    pub fn from_case(case: &Case) -> Option<PastFix> {
        if case.status != CaseStatus::Closed {
            return None;
        }
        let result = case.report.result?;
        if result == RepairResult::Unresolved {
            return None;
        }
        Some(PastFix {
            case_id: case.id,
            number: case.number.clone(),
            title: case.title.clone(),
            product_model: case.product.model.clone(),
            category: case.category,
            severity: case.severity,
            symptom: case.report.symptom.clone().unwrap_or_default(),
            cause: case.report.cause.clone().unwrap_or_default(),
            actions: case.report.actions.clone().unwrap_or_default(),
            result,
            parts: case
                .net_parts()
                .into_iter()
                .filter(|(_, qty)| *qty > 0)
                .map(|(part_no, qty)| PastFixPart { part_no, qty })
                .collect(),
            resolved_at: case.sla.resolved_at,
            engineer_id: case.assignee_id,
        })
    }

    fn haystack(&self) -> String {
        let mut s = [
            self.number.as_str(),
            &self.title,
            &self.product_model,
            &self.symptom,
            &self.cause,
            &self.actions,
        ]
        .join("\n");
        for p in &self.parts {
            s.push('\n');
            s.push_str(&p.part_no);
        }
        s.to_lowercase()
    }
}

fn same_model(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Past fixes matching every word of `query` (case-insensitive substrings, so Chinese text
/// matches without word breaks). With `model`, only that product model's fixes; newest first.
pub fn search<'a>(fixes: &'a [PastFix], model: Option<&str>, query: &str) -> Vec<&'a PastFix> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut hits: Vec<&PastFix> = fixes
        .iter()
        .filter(|f| model.is_none_or(|m| same_model(&f.product_model, m)))
        .filter(|f| {
            if words.is_empty() {
                return true;
            }
            let hay = f.haystack();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect();
    hits.sort_by(|a, b| {
        b.resolved_at
            .cmp(&a.resolved_at)
            .then(a.number.cmp(&b.number))
    });
    hits
}
