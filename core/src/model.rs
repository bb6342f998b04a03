//! What a case is, as both the server and the device hold it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::case_flag::CaseFlag;
pub use crate::case_status::CaseStatus;
pub use crate::severity::Severity;
use crate::sla::SlaClock;

crate::code_enum::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum Category {
        SystemFault = "system_fault",
        Business = "business",
        Feedback = "feedback",
        Security = "security",
    }
}

crate::code_enum::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum ServiceMode {
        Phone = "phone",
        Remote = "remote",
        OnSite = "on_site",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub email: Option<String>,
    /// The person to talk to on site, when not the customer named above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Product {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::date))]
    pub warranty_until: Option<chrono::NaiveDate>,
}

impl Product {
    pub fn in_warranty(&self, on: chrono::NaiveDate) -> bool {
        self.warranty_until.is_some_and(|w| on <= w)
    }
}

crate::code_enum::code_enum! {
    /// Whether the customer pays for the parts and labour of a case (SERVICE-SPEC: the
    /// warranty status decides). See [`Case::charges`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Charges {
        /// In warranty: no charge for parts or labour.
        Warranty = "warranty",
        /// Out of warranty: parts and labour are charged.
        Chargeable = "chargeable",
        /// No warranty on record: the desk confirms.
        NotOnRecord = "not_on_record",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appointment {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::time))]
    pub start: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::time))]
    pub end: DateTime<Utc>,
}

crate::code_enum::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum RepairResult {
        Resolved = "resolved",
        Workaround = "workaround",
        Unresolved = "unresolved",
    }
}

/// The service report. Each field is last-write-wins in server order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symptom: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<RepairResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leftover: Option<String>,
}

/// One line of parts used. Never edited: a correction is another line naming the one it corrects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartUsage {
    pub usage_id: Uuid,
    pub part_no: String,
    /// Positive for a use; a correction carries the signed delta.
    pub qty: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_fitted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_removed: Option<String>,
    #[serde(default)]
    pub returned_defective: bool,
    /// Set on a correction line: the usage it corrects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<Uuid>,
    /// The engineer whose van the part came from (who recorded the use). A correction moves
    /// stock in that van, whoever sends it (the case may have been reassigned since). Absent
    /// on correction lines, and on uses recorded before it was kept (the timeline tells).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub van: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

crate::code_enum::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum TimeKind {
        Travel = "travel",
        Work = "work",
    }
}

/// Travel and work minutes over the live entries (corrected and struck-out entries left out).
pub fn labour_of(entries: &[TimeEntry]) -> (i64, i64) {
    let sum = |kind: TimeKind| {
        entries
            .iter()
            .filter(|e| e.kind == kind && e.is_live())
            .map(TimeEntry::minutes)
            .sum()
    };
    (sum(TimeKind::Travel), sum(TimeKind::Work))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeEntry {
    pub entry_id: Uuid,
    pub kind: TimeKind,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The entry this one replaces (`case.time_correct`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<Uuid>,
    /// Set when a correction replaced or struck out this entry; it no longer counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<Uuid>,
}

impl TimeEntry {
    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    pub fn is_live(&self) -> bool {
        self.superseded_by.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub photo_id: Uuid,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// The customer's confirmation. Immutable once recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignOff {
    pub signoff_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub signer_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub signature_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub unsigned_reason: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub report_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub satisfaction: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub comment: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::time))]
    pub signed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub tier: u8,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub by: Uuid,
}

/// A device clock further than this from the server's flags the case (`CaseFlag::ClockSkew`).
pub const CLOCK_SKEW_LIMIT_MINUTES: i64 = 10;

crate::code_enum::code_enum! {
    /// An inspection checklist answer.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum CheckResult {
        Pass = "pass",
        Fail = "fail",
        /// Not applicable.
        Na = "na",
    }
}

/// One item of an inspection case's checklist, from the template given at `case.create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub item_id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CheckResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The fault analysis a severity-1 case needs before a manager may close it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultAnalysis {
    pub cause: String,
    pub impact: String,
    pub prevention: String,
    pub by: Uuid,
    pub at: DateTime<Utc>,
}

/// One line of the case's history: who did what, with device and server time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// The mutation's name, e.g. `case.accept`.
    pub event: String,
    pub actor_id: Uuid,
    pub client_time: DateTime<Utc>,
    /// Set when the server applied it; `None` while only on the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: Uuid,
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub customer: Customer,
    pub site: Site,
    pub product: Product,
    pub category: Category,
    pub severity: Severity,
    pub mode: ServiceMode,
    pub reported_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<Appointment>,
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
    pub status: CaseStatus,
    pub sla: SlaClock,
    #[serde(default)]
    pub report: Report,
    #[serde(default)]
    pub parts: Vec<PartUsage>,
    #[serde(default)]
    pub time_entries: Vec<TimeEntry>,
    #[serde(default)]
    pub photos: Vec<Photo>,
    /// The first sign-off recorded is the case's sign-off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_off: Option<SignOff>,
    /// Later, different sign-offs: kept for review, never applied over the first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_sign_offs: Vec<SignOff>,
    #[serde(default)]
    pub escalations: Vec<Escalation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_of: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<Uuid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<CaseFlag>,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// Cause, impact and prevention (`case.fault_analysis`); a severity-1 case needs it to close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault_analysis: Option<FaultAnalysis>,
    /// Inspection checklist (`case.create` with `checklist`, answered by `case.check`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<ChecklistItem>,
    /// A customer complaint (user feedback that is a complaint, not a suggestion).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub complaint: bool,
}

impl Case {
    /// A case number derived from its id, so a case created offline has one at once.
    pub fn number_for(id: Uuid) -> String {
        let hex = id.simple().to_string().to_uppercase();
        format!("SR-{}", &hex[..8])
    }

    /// `completed` needs a report result and a sign-off (or a recorded reason there is none).
    /// An inspection case also needs every checklist item answered.
    pub fn ready_to_complete(&self) -> bool {
        self.report.result.is_some() && self.sign_off.is_some() && self.checklist_complete()
    }

    /// Every checklist item has an answer (true when there is no checklist).
    pub fn checklist_complete(&self) -> bool {
        self.checklist.iter().all(|i| i.result.is_some())
    }

    /// Net quantity used per part number, corrections included.
    pub fn net_parts(&self) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for u in &self.parts {
            match out.iter_mut().find(|(p, _)| *p == u.part_no) {
                Some((_, q)) => *q += u.qty,
                None => out.push((u.part_no.clone(), u.qty)),
            }
        }
        out
    }

    /// Net quantity still standing on one usage line after its corrections.
    pub fn usage_net_qty(&self, usage_id: Uuid) -> Option<i64> {
        let base = self
            .parts
            .iter()
            .find(|u| u.usage_id == usage_id && u.corrects.is_none())?;
        let corrections: i64 = self
            .parts
            .iter()
            .filter(|u| u.corrects == Some(usage_id))
            .map(|u| u.qty)
            .sum();
        Some(base.qty + corrections)
    }

    /// Time entries that count: corrected and struck-out ones are kept but left out.
    pub fn effective_time_entries(&self) -> impl Iterator<Item = &TimeEntry> {
        self.time_entries.iter().filter(|t| t.is_live())
    }

    /// Whether parts and labour are charged: judged on `reported_on`, the day the fault was
    /// reported in the site's calendar (the warranty's end is a date there), not the day the
    /// report is read or printed.
    pub fn charges(&self, reported_on: chrono::NaiveDate) -> Charges {
        match self.product.warranty_until {
            None => Charges::NotOnRecord,
            Some(_) if self.product.in_warranty(reported_on) => Charges::Warranty,
            Some(_) => Charges::Chargeable,
        }
    }

    /// Live labour minutes: (travel, work).
    pub fn labour_minutes(&self) -> (i64, i64) {
        labour_of(&self.time_entries)
    }

    /// A manager may close a severity-1 case only once it has a fault analysis.
    pub fn needs_fault_analysis(&self) -> bool {
        self.severity.level() == 1 && self.fault_analysis.is_none()
    }

    /// Whether the case has a clock-skew flag (its device times are suspect).
    pub fn has_clock_skew(&self) -> bool {
        self.flags
            .iter()
            .any(|f| matches!(f, CaseFlag::ClockSkew { .. }))
    }

    pub fn current_escalation_tier(&self) -> u8 {
        self.escalations.iter().map(|e| e.tier).max().unwrap_or(0)
    }

    /// Whether this user was ever assigned the case (for a sign-off that crosses a reassignment).
    pub fn was_assigned_to(&self, user: Uuid) -> bool {
        self.assignee_id == Some(user)
            || self
                .timeline
                .iter()
                .any(|t| t.event == "case.assign" && t.detail.as_deref() == Some(&user.to_string()))
    }

    /// The canonical text a customer's signature confirms; its SHA-256 is `report_sha256`.
    /// Both the device and the server compute it the same way.
    pub fn report_digest_input(&self) -> String {
        let net = self.net_parts();
        let mut v = serde_json::json!({
            "case": self.id,
            "number": self.number,
            "report": self.report,
            "parts": net,
            "time": self.effective_time_entries().collect::<Vec<_>>(),
        });
        // Inspection results are part of the report the customer confirms.
        if !self.checklist.is_empty() {
            v["checklist"] = serde_json::to_value(&self.checklist).unwrap_or_default();
        }
        v.to_string()
    }
}

/// Lowercase hex SHA-256 of `bytes` (blob keys, report hashes).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

impl Case {
    /// Every blob the case names: its photos and the signature images of its sign-offs (the
    /// current one and those kept beside it).
    pub fn named_blobs(&self) -> std::collections::BTreeSet<String> {
        self.photos
            .iter()
            .map(|p| p.sha256.clone())
            .chain(
                self.sign_off
                    .iter()
                    .chain(&self.extra_sign_offs)
                    .filter_map(|s| s.signature_sha256.clone()),
            )
            .collect()
    }

    /// SHA-256 of the report as it stands: what the customer's signature confirms.
    pub fn report_sha256(&self) -> String {
        sha256_hex(self.report_digest_input().as_bytes())
    }
}
