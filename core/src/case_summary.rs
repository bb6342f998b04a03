//! What the case list shows of a case. It is read straight from a stored case's JSON,
//! skipping the parts the list never shows (report, parts, photos, timeline, …): the list's
//! first screen then carries no decoder for them, and a device with thousands of cases reads
//! a fraction of each.

use std::cmp::Ordering;

use serde::{Deserialize, Deserializer};
use uuid::Uuid;

use crate::{CaseStatus, Category, ServiceMode, Severity, SlaClock};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub struct CaseSummary {
    pub id: Uuid,
    pub number: String,
    pub title: String,
    #[serde(rename = "customer", deserialize_with = "customer_name")]
    pub customer_name: String,
    #[serde(rename = "site", deserialize_with = "site_address")]
    pub site_address: String,
    pub category: Category,
    pub severity: Severity,
    pub mode: ServiceMode,
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
    pub status: CaseStatus,
    pub sla: SlaClock,
    /// The highest escalation tier reached (0: never escalated).
    #[serde(rename = "escalations", default, deserialize_with = "highest_tier")]
    pub escalation_tier: u8,
}

impl CaseSummary {
    /// The list's order, most urgent first: earliest open SLA deadline, then severity, then
    /// number.
    pub fn cmp_urgency(&self, other: &CaseSummary) -> Ordering {
        self.sla
            .urgency_key()
            .cmp(&other.sla.urgency_key())
            .then(self.severity.cmp(&other.severity))
            .then(self.number.cmp(&other.number))
    }
}

fn customer_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    struct Customer {
        name: String,
    }
    Ok(Customer::deserialize(d)?.name)
}

fn site_address<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    struct Site {
        address: String,
    }
    Ok(Site::deserialize(d)?.address)
}

fn highest_tier<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    #[derive(Deserialize)]
    struct Escalation {
        tier: u8,
    }
    let all = Vec::<Escalation>::deserialize(d)?;
    Ok(all.iter().map(|e| e.tier).max().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::mutation::CreateArgs;
    use crate::Case;
    use crate::{Customer, Escalation, Product, Site, SlaPolicy};

    fn case(number: &str) -> Case {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let args = CreateArgs {
            case_id: Uuid::from_u128(number.bytes().map(u128::from).sum()),
            title: format!("Title of {number}"),
            description: "long text the list never shows".into(),
            customer: Customer {
                name: "ACME 北京".into(),
                contact: None,
                phone: Some("123".into()),
                email: None,
            },
            site: Site {
                address: "1 Main St".into(),
                notes: Some("basement".into()),
            },
            product: Product {
                model: "UPS-9".into(),
                serial: None,
                warranty_until: None,
            },
            category: Category::SystemFault,
            severity: Severity::new(2).unwrap(),
            mode: ServiceMode::OnSite,
            reported_at: now,
            appointment: None,
            policy: None,
            complaint: false,
        };
        let mut c = Case::opened(&args, &SlaPolicy::standard());
        c.number = number.into();
        c
    }

    /// The summary as the case itself gives it (the oracle for reading one from JSON).
    fn summary_of(case: &Case) -> CaseSummary {
        CaseSummary {
            id: case.id,
            number: case.number.clone(),
            title: case.title.clone(),
            customer_name: case.customer.name.clone(),
            site_address: case.site.address.clone(),
            category: case.category,
            severity: case.severity,
            mode: case.mode,
            assignee_id: case.assignee_id,
            status: case.status,
            sla: case.sla.clone(),
            escalation_tier: case.current_escalation_tier(),
        }
    }

    #[test]
    fn read_from_a_stored_case_it_is_the_case_summarised() {
        let mut c = case("SR-1");
        c.assignee_id = Some(Uuid::from_u128(7));
        c.status = CaseStatus::Assigned;
        c.report.cause = Some("a fan".into());
        for tier in [1, 3, 2] {
            c.escalations.push(Escalation {
                tier,
                reason: "no parts".into(),
                at: c.reported_at,
                by: Uuid::from_u128(8),
            });
        }
        let json = serde_json::to_string(&c).unwrap();
        let s: CaseSummary = serde_json::from_str(&json).unwrap();
        assert_eq!(s, summary_of(&c));
        assert_eq!(s.escalation_tier, 3);
        assert_eq!(s.customer_name, "ACME 北京");
        assert_eq!(s.site_address, "1 Main St");
    }

    #[test]
    fn a_case_never_escalated_is_tier_0_with_or_without_the_field() {
        let c = case("SR-2");
        let mut v = serde_json::to_value(&c).unwrap();
        let s: CaseSummary = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(s.escalation_tier, 0);
        v.as_object_mut().unwrap().remove("escalations");
        let s: CaseSummary = serde_json::from_value(v).unwrap();
        assert_eq!(s, summary_of(&c));
    }

    #[test]
    fn most_urgent_first_then_severity_then_number() {
        let a = case("A");
        let mut b = case("B");
        b.sla.respond_by = a.sla.respond_by - Duration::minutes(5);
        let mut done = case("0");
        done.sla.responded_at = Some(done.reported_at);
        done.sla.resolved_at = Some(done.reported_at);
        let mut c = case("C");
        c.severity = Severity::new(1).unwrap();
        let mut list: Vec<_> = [&done, &a, &c, &b].map(summary_of).into();
        list.sort_by(CaseSummary::cmp_urgency);
        let order: Vec<_> = list.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(order, vec!["B", "C", "A", "0"]);
    }
}
