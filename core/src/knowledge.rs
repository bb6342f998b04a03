//! Past fixes: closed, resolved cases condensed into the service's knowledge base, synced
//! to every device and searched offline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Case, Category, RepairResult, Severity};
use crate::status::CaseStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PastFixPart {
    pub part_no: String,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
        let private = CustomerData::of(case);
        Some(PastFix {
            case_id: case.id,
            number: case.number.clone(),
            title: private.redact(&case.title),
            product_model: case.product.model.clone(),
            category: case.category,
            severity: case.severity,
            symptom: private.redact(case.report.symptom.as_deref().unwrap_or_default()),
            cause: private.redact(case.report.cause.as_deref().unwrap_or_default()),
            actions: private.redact(case.report.actions.as_deref().unwrap_or_default()),
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

/// What stands in for customer data removed from a published text.
pub const REDACTED: &str = "[…]";

/// The source case's customer data, which a past fix never carries (SERVICE-SPEC.md: customer
/// information reaches only the people who work that customer's cases; a past fix reaches
/// every engineer).
struct CustomerData {
    /// Texts removed wherever they occur, ignoring case: the customer's name, contact and
    /// e-mail, the site address and each comma-separated part of it.
    words: Vec<String>,
    /// The phone number's digits, removed however the text groups them.
    phone_digits: Option<String>,
}

impl CustomerData {
    fn of(case: &Case) -> CustomerData {
        let c = &case.customer;
        let mut words: Vec<String> = [Some(&c.name), c.contact.as_ref(), c.email.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| s.trim().to_string())
            .collect();
        let address = case.site.address.trim();
        words.push(address.to_string());
        words.extend(
            address
                .split([',', '，', '\n', ';', '；'])
                .map(str::trim)
                .filter(|p| p.chars().count() >= 4)
                .map(str::to_string),
        );
        words.retain(|w| !w.is_empty());
        // Longest first, so a whole address goes before the parts it contains.
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let phone_digits = c
            .phone
            .as_deref()
            .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|d| d.len() >= 5);
        CustomerData {
            words,
            phone_digits,
        }
    }

    fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for w in &self.words {
            out = replace_ignoring_case(&out, w);
        }
        if let Some(digits) = &self.phone_digits {
            out = replace_phone(&out, digits);
        }
        out
    }
}

fn chars_eq_ignoring_case(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// `text` with every occurrence of `needle` (compared char by char, ignoring case) replaced.
fn replace_ignoring_case(text: &str, needle: &str) -> String {
    let hay: Vec<(usize, char)> = text.char_indices().collect();
    let pat: Vec<char> = needle.chars().collect();
    if pat.is_empty() || pat.len() > hay.len() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < hay.len() {
        let hit = i + pat.len() <= hay.len()
            && pat
                .iter()
                .zip(&hay[i..])
                .all(|(p, (_, h))| chars_eq_ignoring_case(*p, *h));
        if hit {
            out.push_str(REDACTED);
            i += pat.len();
        } else {
            out.push(hay[i].1);
            i += 1;
        }
    }
    out
}

/// `text` with every run of characters whose digits spell `digits` (spaces, dashes, dots,
/// brackets and a leading `+` between them) replaced.
fn replace_phone(text: &str, digits: &str) -> String {
    let hay: Vec<char> = text.chars().collect();
    let want: Vec<char> = digits.chars().collect();
    let separator = |c: char| matches!(c, ' ' | '-' | '.' | '(' | ')' | '+' | '\u{a0}');
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < hay.len() {
        let mut j = i;
        let mut k = 0;
        if hay[i].is_ascii_digit() || hay[i] == '+' || hay[i] == '(' {
            while j < hay.len() && k < want.len() {
                if hay[j] == want[k] {
                    k += 1;
                } else if !separator(hay[j]) {
                    break;
                }
                j += 1;
            }
        }
        if k == want.len() {
            out.push_str(REDACTED);
            i = j;
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_words_go_whatever_their_case() {
        assert_eq!(
            replace_ignoring_case("Called ACME Ltd. about acme ltd's UPS", "Acme Ltd"),
            format!("Called {REDACTED}. about {REDACTED}'s UPS")
        );
        assert_eq!(
            replace_ignoring_case("上海华东医院机房", "华东医院"),
            format!("上海{REDACTED}机房")
        );
    }

    #[test]
    fn a_phone_number_goes_however_it_is_grouped() {
        for text in [
            "call +86 21 6489 1200 now",
            "call 862164891200 now",
            "call +86-21-6489-1200 now",
        ] {
            assert_eq!(
                replace_phone(text, "862164891200"),
                format!("call {REDACTED} now"),
                "{text}"
            );
        }
        assert_eq!(replace_phone("part 8621", "862164891200"), "part 8621");
    }
}
