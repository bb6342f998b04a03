//! Every change to a case is a `Mutation`: parsed and validated here, authorized
//! through `status::check`, and applied to the case by `apply`, the same code on
//! the device (local effect) and on the server (the authority).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::limits::{date_in_range, time_in_range, time_range_text};
pub use crate::limits::{MAX_CHECKLIST_ITEMS, MAX_LINE, MAX_QTY, MAX_TEXT};
use crate::model::*;
pub use crate::rejection::{Rejection, RejectionCode};
use crate::sla::SlaPolicy;
use crate::status::{check, check_who, Actor, CaseAction, CaseStatus, Denied, Role};
use crate::wire::WireMutation;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRef {
    pub case_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetStatusArgs {
    pub case_id: Uuid,
    pub status: CaseStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportArgs {
    pub case_id: Uuid,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeArgs {
    pub case_id: Uuid,
    pub entry_id: Uuid,
    pub kind: TimeKind,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// `case.time_correct`: entry `entry_id` replaces entry `corrects` (same kind); with no
/// `start`/`end` the corrected entry is struck out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeCorrectArgs {
    pub case_id: Uuid,
    pub entry_id: Uuid,
    pub corrects: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartUseArgs {
    pub case_id: Uuid,
    pub usage_id: Uuid,
    pub part_no: String,
    pub qty: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_fitted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_removed: Option<String>,
    #[serde(default)]
    pub returned_defective: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartCorrectArgs {
    pub case_id: Uuid,
    /// The id of this correction line.
    pub usage_id: Uuid,
    /// The usage line it corrects.
    pub corrects: Uuid,
    pub qty_delta: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoAddArgs {
    pub case_id: Uuid,
    pub photo_id: Uuid,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignOffArgs {
    pub case_id: Uuid,
    #[serde(flatten)]
    pub sign_off: SignOff,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalateArgs {
    pub case_id: Uuid,
    pub tier: u8,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpArgs {
    pub case_id: Uuid,
    pub new_case_id: Uuid,
    pub leftover: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateArgs {
    pub case_id: Uuid,
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
    /// SLA policy name; the standard table when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The user feedback is a complaint (only with category `feedback`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub complaint: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignArgs {
    pub case_id: Uuid,
    pub engineer_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonArgs {
    pub case_id: Uuid,
    pub reason: String,
}

/// `case.fault_analysis`: what a severity-1 case needs before it may be closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultAnalysisArgs {
    pub case_id: Uuid,
    pub cause: String,
    pub impact: String,
    pub prevention: String,
}

/// `stock.adjust`: a manager replenishes or corrects an engineer's van stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockAdjustArgs {
    pub engineer_id: Uuid,
    pub part_no: String,
    /// Signed, non-zero: positive puts parts into the van.
    pub delta: i64,
    pub reason: String,
}

/// One item of a checklist template given at `case.create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistTemplateItem {
    pub item_id: String,
    pub text: String,
}

/// `case.create` with an inspection checklist: the same wire name and args, plus `checklist`.
/// (`Mutation::parse` picks this variant when `checklist` is present and non-empty.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateInspectionArgs {
    #[serde(flatten)]
    pub create: CreateArgs,
    pub checklist: Vec<ChecklistTemplateItem>,
}

/// `case.check`: the answer to one checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckArgs {
    pub case_id: Uuid,
    pub item_id: String,
    pub result: CheckResult,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The one list of mutations: wire name, variant and argument type. The enum, its serde
/// names, `MUTATION_NAMES`, `Mutation::name`, `Mutation::args` and the parser all come from it,
/// so a name cannot be missing from one of them.
macro_rules! mutations {
    ($($(#[$doc:meta])* $name:literal => $variant:ident($args:ty),)*) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "name", content = "args")]
        pub enum Mutation {
            $($(#[$doc])* #[serde(rename = $name)] $variant($args),)*
            /// Wire name `case.create` (see `CreateInspectionArgs`); `Mutation::parse` reads it.
            #[serde(rename = "case.create", skip_deserializing)]
            CreateInspection(CreateInspectionArgs),
        }

        /// Every wire name, in the order of the list above.
        pub const MUTATION_NAMES: &[&str] = &[$($name),*];

        impl Mutation {
            /// The wire name.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Mutation::$variant(_) => $name,)*
                    Mutation::CreateInspection(_) => "case.create",
                }
            }

            /// The wire arguments.
            pub fn args(&self) -> serde_json::Value {
                match self {
                    $(Mutation::$variant(a) => to_args(a),)*
                    Mutation::CreateInspection(a) => to_args(a),
                }
            }

            /// The variant of a wire name, its args read straight from the JSON (one
            /// deserializer per args type: the tagged-enum route doubles the code in the wasm).
            fn from_named(name: &str, args: &serde_json::Value) -> Result<Mutation, Rejection> {
                match name {
                    $($name => from_args(name, args).map(Mutation::$variant),)*
                    _ => Err(Rejection::new(RejectionCode::UnknownMutation,
                        format!("unknown mutation `{name}`"),
                    )),
                }
            }
        }
    };
}

mutations! {
    "case.accept" => Accept(CaseRef),
    "case.set_status" => SetStatus(SetStatusArgs),
    "case.report" => Report(ReportArgs),
    "case.time" => Time(TimeArgs),
    "case.time_correct" => TimeCorrect(TimeCorrectArgs),
    "part.use" => PartUse(PartUseArgs),
    "part.correct" => PartCorrect(PartCorrectArgs),
    "photo.add" => PhotoAdd(PhotoAddArgs),
    "case.sign_off" => SignOff(SignOffArgs),
    "case.escalate" => Escalate(EscalateArgs),
    "case.follow_up" => FollowUp(FollowUpArgs),
    "case.create" => Create(CreateArgs),
    "case.assign" => Assign(AssignArgs),
    "case.close" => Close(CaseRef),
    "case.reopen" => Reopen(ReasonArgs),
    "case.cancel" => Cancel(ReasonArgs),
    "case.fault_analysis" => FaultAnalysis(FaultAnalysisArgs),
    "stock.adjust" => StockAdjust(StockAdjustArgs),
    "case.check" => Check(CheckArgs),
}

fn to_args<T: Serialize>(args: &T) -> serde_json::Value {
    serde_json::to_value(args).expect("mutation args serialize")
}

fn from_args<T: serde::de::DeserializeOwned>(
    name: &str,
    args: &serde_json::Value,
) -> Result<T, Rejection> {
    T::deserialize(args).map_err(|e| Rejection::invalid(format!("{name}: {e}")))
}

/// Who may not, as a rejection (`status::check`'s verdict with a message).
fn denied(d: Denied, what: &str, case: &Case) -> Rejection {
    let message = match d {
        Denied::Role => format!("your role may not {what}"),
        Denied::NotAssignee => format!("case {} is not assigned to you", case.number),
        Denied::Status => format!(
            "cannot {what} while case {} is {}",
            case.number,
            case.status.as_str()
        ),
    };
    Rejection::new(d.code(), message)
}

/// A movement of van stock caused by a mutation (negative = taken from the van).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMove {
    pub engineer_id: Uuid,
    pub part_no: String,
    pub delta: i64,
}

/// What applying a mutation changed. Empty `cases` means it was a no-op (already applied).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub cases: Vec<Case>,
    pub stock_moves: Vec<StockMove>,
}

impl Outcome {
    pub fn is_noop(&self) -> bool {
        self.cases.is_empty() && self.stock_moves.is_empty()
    }
}

pub struct ApplyContext<'a> {
    pub actor: Actor,
    /// The device's clock when the user acted: evidence, never used to order.
    pub client_time: DateTime<Utc>,
    /// When the server applied it; `None` for the local effect on the device.
    pub server_time: Option<DateTime<Utc>>,
    /// Policies available for `case.create`.
    pub policies: &'a [SlaPolicy],
}

impl Mutation {
    /// Parse a wire mutation; an unknown name or malformed args is a rejection, not a crash.
    pub fn parse(name: &str, args: &serde_json::Value) -> Result<Mutation, Rejection> {
        if !args.is_object() {
            return Err(Rejection::invalid(format!(
                "{name}: args must be a JSON object"
            )));
        }
        let inspection = name == "case.create"
            && args
                .get("checklist")
                .and_then(|c| c.as_array())
                .is_some_and(|c| !c.is_empty());
        if inspection {
            return from_args(name, args).map(Mutation::CreateInspection);
        }
        Mutation::from_named(name, args)
    }

    pub fn to_wire(&self, seq: u64, id: Uuid, client_time: DateTime<Utc>) -> WireMutation {
        WireMutation {
            seq,
            id,
            name: self.name().into(),
            args: self.args(),
            client_time,
        }
    }

    /// The case this mutation is about; `None` for `stock.adjust`, which is about van stock.
    pub fn target_case(&self) -> Option<Uuid> {
        match self {
            Mutation::StockAdjust(_) => None,
            m => Some(m.case_id()),
        }
    }

    /// The case this mutation is about (the nil id for `stock.adjust`: see `target_case`).
    pub fn case_id(&self) -> Uuid {
        match self {
            Mutation::Accept(a) | Mutation::Close(a) => a.case_id,
            Mutation::SetStatus(a) => a.case_id,
            Mutation::Report(a) => a.case_id,
            Mutation::Time(a) => a.case_id,
            Mutation::TimeCorrect(a) => a.case_id,
            Mutation::PartUse(a) => a.case_id,
            Mutation::PartCorrect(a) => a.case_id,
            Mutation::PhotoAdd(a) => a.case_id,
            Mutation::SignOff(a) => a.case_id,
            Mutation::Escalate(a) => a.case_id,
            Mutation::FollowUp(a) => a.case_id,
            Mutation::Create(a) => a.case_id,
            Mutation::Assign(a) => a.case_id,
            Mutation::Reopen(a) | Mutation::Cancel(a) => a.case_id,
            Mutation::FaultAnalysis(a) => a.case_id,
            Mutation::StockAdjust(_) => Uuid::nil(),
            Mutation::CreateInspection(a) => a.create.case_id,
            Mutation::Check(a) => a.case_id,
        }
    }

    /// What the mutation does to its case, for `status::check` (`None`: it makes a case or
    /// moves stock, which only a manager may do).
    pub fn case_action(&self) -> Option<CaseAction> {
        Some(match self {
            Mutation::Accept(_) => CaseAction::Accept,
            Mutation::SetStatus(a) => CaseAction::SetStatus(a.status),
            Mutation::Report(_) | Mutation::Check(_) => CaseAction::Report,
            Mutation::Time(_) => CaseAction::LogTime,
            Mutation::TimeCorrect(_) => CaseAction::CorrectTime,
            Mutation::PartUse(_) | Mutation::PartCorrect(_) => CaseAction::UseParts,
            Mutation::PhotoAdd(_) => CaseAction::AddPhoto,
            Mutation::SignOff(_) => CaseAction::SignOff,
            Mutation::Escalate(_) => CaseAction::Escalate,
            Mutation::FollowUp(_) => CaseAction::FollowUp,
            Mutation::Assign(_) => CaseAction::Assign,
            Mutation::Close(_) => CaseAction::Close,
            Mutation::Reopen(_) => CaseAction::Reopen,
            Mutation::Cancel(_) => CaseAction::Cancel,
            Mutation::FaultAnalysis(_) => CaseAction::FaultAnalysis,
            Mutation::Create(_) | Mutation::CreateInspection(_) | Mutation::StockAdjust(_) => {
                return None
            }
        })
    }

    /// Every case `apply` needs to see (load these before applying).
    pub fn touched_case_ids(&self) -> Vec<Uuid> {
        match self {
            Mutation::FollowUp(a) => vec![a.case_id, a.new_case_id],
            Mutation::StockAdjust(_) => vec![],
            m => vec![m.case_id()],
        }
    }

    /// Blob hashes the mutation names; they must reach the server before it.
    pub fn blob_hashes(&self) -> Vec<String> {
        match self {
            Mutation::PhotoAdd(a) => vec![a.sha256.clone()],
            Mutation::SignOff(a) => a.sign_off.signature_sha256.iter().cloned().collect(),
            _ => vec![],
        }
    }

    /// Checks that need no case: shapes, ranges, required text. Every string has a length
    /// limit, every number and date a range (`crate::limits`).
    pub fn validate(&self) -> Result<(), Rejection> {
        match self {
            Mutation::Accept(_) | Mutation::Close(_) | Mutation::Assign(_) => Ok(()),
            Mutation::SetStatus(a) => {
                if !matches!(
                    a.status,
                    CaseStatus::EnRoute
                        | CaseStatus::OnSite
                        | CaseStatus::InProgress
                        | CaseStatus::OnHold
                        | CaseStatus::Completed
                ) {
                    return Err(Rejection::invalid(format!(
                        "status `{}` cannot be set directly",
                        a.status.as_str()
                    )));
                }
                if a.status == CaseStatus::OnHold {
                    required("reason", a.reason.as_deref())?;
                }
                optional_text("reason", a.reason.as_deref())
            }
            Mutation::Report(a) => {
                for (field, v) in [
                    ("symptom", &a.symptom),
                    ("cause", &a.cause),
                    ("actions", &a.actions),
                    ("verification", &a.verification),
                    ("leftover", &a.leftover),
                ] {
                    optional_text(field, v.as_deref())?;
                }
                Ok(())
            }
            Mutation::Time(a) => {
                when("start", a.start)?;
                when("end", a.end)?;
                time_span(a.start, a.end)
            }
            Mutation::TimeCorrect(a) => {
                if a.entry_id == a.corrects {
                    return Err(Rejection::invalid("a correction cannot correct itself"));
                }
                match (a.start, a.end) {
                    (None, None) => Ok(()),
                    (Some(start), Some(end)) => {
                        when("start", start)?;
                        when("end", end)?;
                        time_span(start, end)
                    }
                    _ => Err(Rejection::invalid(
                        "a correction needs both start and end, or neither to strike the entry out",
                    )),
                }
            }
            Mutation::PartUse(a) => {
                required_line("part_no", Some(&a.part_no))?;
                if !(1..=MAX_QTY).contains(&a.qty) {
                    return Err(Rejection::invalid(format!("qty must be 1..{MAX_QTY}")));
                }
                optional_line("serial_fitted", a.serial_fitted.as_deref())?;
                optional_line("serial_removed", a.serial_removed.as_deref())
            }
            Mutation::PartCorrect(a) => {
                if a.qty_delta == 0 || !(-MAX_QTY..=MAX_QTY).contains(&a.qty_delta) {
                    return Err(Rejection::invalid(format!(
                        "qty_delta must be non-zero and at most {MAX_QTY} either way"
                    )));
                }
                if a.usage_id == a.corrects {
                    return Err(Rejection::invalid("a correction cannot correct itself"));
                }
                Ok(())
            }
            Mutation::PhotoAdd(a) => {
                sha256_hex("sha256", &a.sha256)?;
                optional_text("caption", a.caption.as_deref())
            }
            Mutation::SignOff(a) => {
                let s = &a.sign_off;
                required_line("signer_name", Some(&s.signer_name))?;
                sha256_hex("report_sha256", &s.report_sha256)?;
                when("signed_at", s.signed_at)?;
                match (&s.signature_sha256, &s.unsigned_reason) {
                    (Some(h), None) => sha256_hex("signature_sha256", h)?,
                    (None, Some(r)) => required("unsigned_reason", Some(r))?,
                    _ => {
                        return Err(Rejection::invalid(
                            "a sign-off carries either a signature or the reason there is none",
                        ))
                    }
                }
                if let Some(n) = s.satisfaction {
                    if !(1..=5).contains(&n) {
                        return Err(Rejection::invalid("satisfaction must be 1..5"));
                    }
                }
                optional_text("comment", s.comment.as_deref())
            }
            Mutation::Escalate(a) => {
                if !(1..=3).contains(&a.tier) {
                    return Err(Rejection::invalid("tier must be 1..3"));
                }
                required("reason", Some(&a.reason))
            }
            Mutation::FollowUp(a) => {
                if a.new_case_id == a.case_id {
                    return Err(Rejection::invalid("a follow-up needs its own case id"));
                }
                required("leftover", Some(&a.leftover))
            }
            Mutation::CreateInspection(a) => {
                Mutation::Create(a.create.clone()).validate()?;
                if a.checklist.len() > MAX_CHECKLIST_ITEMS {
                    return Err(Rejection::invalid(format!(
                        "a checklist has at most {MAX_CHECKLIST_ITEMS} items"
                    )));
                }
                let mut seen = std::collections::BTreeSet::new();
                for item in &a.checklist {
                    required_line("checklist item_id", Some(&item.item_id))?;
                    required("checklist text", Some(&item.text))?;
                    if !seen.insert(item.item_id.trim()) {
                        return Err(Rejection::invalid(format!(
                            "checklist item `{}` appears twice",
                            item.item_id
                        )));
                    }
                }
                Ok(())
            }
            Mutation::Check(a) => {
                required_line("item_id", Some(&a.item_id))?;
                optional_text("note", a.note.as_deref())
            }
            Mutation::Create(a) => {
                required_line("title", Some(&a.title))?;
                optional_text("description", Some(&a.description))?;
                required_line("customer.name", Some(&a.customer.name))?;
                optional_line("customer.phone", a.customer.phone.as_deref())?;
                optional_line("customer.email", a.customer.email.as_deref())?;
                optional_line("customer.contact", a.customer.contact.as_deref())?;
                required("site.address", Some(&a.site.address))?;
                optional_text("site.notes", a.site.notes.as_deref())?;
                required_line("product.model", Some(&a.product.model))?;
                optional_line("product.serial", a.product.serial.as_deref())?;
                if let Some(d) = a.product.warranty_until {
                    if !date_in_range(d) {
                        return Err(Rejection::invalid(format!(
                            "product.warranty_until must be {}",
                            time_range_text()
                        )));
                    }
                }
                optional_line("policy", a.policy.as_deref())?;
                when("reported_at", a.reported_at)?;
                if a.complaint && a.category != Category::Feedback {
                    return Err(Rejection::invalid(
                        "only user feedback can be a complaint (category `feedback`)",
                    ));
                }
                if let Some(ap) = a.appointment {
                    when("appointment.start", ap.start)?;
                    when("appointment.end", ap.end)?;
                    if ap.end <= ap.start {
                        return Err(Rejection::invalid(
                            "the appointment must end after it starts",
                        ));
                    }
                }
                Ok(())
            }
            Mutation::Reopen(a) | Mutation::Cancel(a) => required("reason", Some(&a.reason)),
            Mutation::FaultAnalysis(a) => {
                required("cause", Some(&a.cause))?;
                required("impact", Some(&a.impact))?;
                required("prevention", Some(&a.prevention))
            }
            Mutation::StockAdjust(a) => {
                required_line("part_no", Some(&a.part_no))?;
                if a.delta == 0 || !(-MAX_QTY..=MAX_QTY).contains(&a.delta) {
                    return Err(Rejection::invalid(format!(
                        "delta must be non-zero and at most {MAX_QTY} either way"
                    )));
                }
                required("reason", Some(&a.reason))
            }
        }
    }
}

/// The device's clock as it came with the mutation: range-checked like every other date.
pub fn check_client_time(t: DateTime<Utc>) -> Result<(), Rejection> {
    when("client_time", t)
}

fn when(field: &str, t: DateTime<Utc>) -> Result<(), Rejection> {
    if time_in_range(t) {
        Ok(())
    } else {
        Err(Rejection::invalid(format!(
            "{field} must be {}",
            time_range_text()
        )))
    }
}

fn required(field: &str, v: Option<&str>) -> Result<(), Rejection> {
    match v {
        Some(s) if !s.trim().is_empty() => optional_text(field, Some(s)),
        _ => Err(Rejection::invalid(format!("{field} is required"))),
    }
}

fn required_line(field: &str, v: Option<&str>) -> Result<(), Rejection> {
    required(field, v)?;
    optional_line(field, v)
}

fn optional_text(field: &str, v: Option<&str>) -> Result<(), Rejection> {
    at_most(field, v, MAX_TEXT)
}

fn optional_line(field: &str, v: Option<&str>) -> Result<(), Rejection> {
    at_most(field, v, MAX_LINE)
}

fn at_most(field: &str, v: Option<&str>, max: usize) -> Result<(), Rejection> {
    match v {
        Some(s) if s.chars().count() > max => Err(Rejection::invalid(format!(
            "{field} is longer than {max} characters"
        ))),
        _ => Ok(()),
    }
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn sha256_hex(field: &str, s: &str) -> Result<(), Rejection> {
    if is_sha256_hex(s) {
        Ok(())
    } else {
        Err(Rejection::invalid(format!(
            "{field} must be 64 lowercase hex digits"
        )))
    }
}

/// Whether `actor` may send `m` at all, whatever the case's status: the check that comes
/// before any other answer (a repeat's no-op included), so a stranger never learns what a
/// record holds. The server runs it before its own lookups; `apply` runs it first too.
pub fn authorize(
    m: &Mutation,
    cases: &BTreeMap<Uuid, Case>,
    actor: &Actor,
) -> Result<(), Rejection> {
    if m.case_action().is_none() {
        return manager_only(m, actor);
    }
    match cases.get(&m.case_id()) {
        Some(case) => who_may(m, case, actor).map(|_| ()),
        None => Ok(()),
    }
}

fn manager_only(m: &Mutation, actor: &Actor) -> Result<(), Rejection> {
    if actor.role == Role::Manager {
        return Ok(());
    }
    let what = match m {
        Mutation::StockAdjust(_) => "adjust van stock",
        _ => "create cases",
    };
    Err(Rejection::new(
        Denied::Role.code(),
        format!("only a manager may {what}"),
    ))
}

/// `status::check_who` for a case mutation; `Ok(true)` for a former assignee's sign-off, the
/// one late write that is kept (beside the case's own, flagged), never dropped.
fn who_may(m: &Mutation, case: &Case, actor: &Actor) -> Result<bool, Rejection> {
    let Some(action) = m.case_action() else {
        return manager_only(m, actor).map(|_| false);
    };
    match check_who(actor, case, action) {
        Ok(()) => Ok(false),
        Err(Denied::NotAssignee)
            if matches!(m, Mutation::SignOff(_))
                && actor.role == Role::Engineer
                && case.was_assigned_to(actor.user_id) =>
        {
            Ok(true)
        }
        Err(d) => Err(denied(d, action.describe(), case)),
    }
}

/// Apply `m` for `ctx.actor`. `cases` must hold every case in `m.touched_case_ids()` that
/// exists. Returns the cases to store (empty when the mutation was already applied).
pub fn apply(
    m: &Mutation,
    cases: &BTreeMap<Uuid, Case>,
    ctx: &ApplyContext<'_>,
) -> Result<Outcome, Rejection> {
    m.validate()?;
    check_client_time(ctx.client_time)?;
    let actor = ctx.actor;
    let found = cases.get(&m.case_id());

    let inspection;
    let create = match m {
        Mutation::Create(a) => Some(a),
        Mutation::CreateInspection(a) => {
            inspection = a;
            Some(&inspection.create)
        }
        _ => None,
    };
    if let Some(a) = create {
        manager_only(m, &actor)?;
        let mut new = new_case(a, ctx)?;
        if let Mutation::CreateInspection(i) = m {
            new.checklist = i
                .checklist
                .iter()
                .map(|t| ChecklistItem {
                    item_id: t.item_id.trim().to_string(),
                    text: t.text.trim().to_string(),
                    result: None,
                    note: None,
                })
                .collect();
        }
        return match found {
            None => Ok(Outcome {
                cases: vec![{
                    let mut new = new;
                    flag_clock_skew(&mut new, m, ctx);
                    new
                }],
                ..Default::default()
            }),
            Some(existing)
                if same_creation(existing, &new)
                    && existing
                        .checklist
                        .iter()
                        .map(|i| (&i.item_id, &i.text))
                        .eq(new.checklist.iter().map(|i| (&i.item_id, &i.text))) =>
            {
                Ok(Outcome::default())
            }
            Some(_) => Err(Rejection::new(
                RejectionCode::Conflict,
                "a different case with this id exists",
            )),
        };
    }

    if let Mutation::StockAdjust(a) = m {
        manager_only(m, &actor)?;
        return Ok(Outcome {
            cases: vec![],
            stock_moves: vec![StockMove {
                engineer_id: a.engineer_id,
                part_no: a.part_no.trim().to_string(),
                delta: a.delta,
            }],
        });
    }

    let Some(orig) = found else {
        return Err(Rejection::new(
            RejectionCode::NotFound,
            format!("case {} not found", m.case_id()),
        ));
    };
    let late_sign_off = who_may(m, orig, &actor)?;
    let mut case = orig.clone();
    let mut stock_moves = Vec::new();
    let mut extra_cases = Vec::new();
    let mut detail: Option<String> = None;
    let authorize = |action: CaseAction, what: &str| -> Result<(), Rejection> {
        check(&actor, orig, action).map_err(|d| denied(d, what, orig))
    };

    match m {
        Mutation::Create(_) | Mutation::CreateInspection(_) | Mutation::StockAdjust(_) => {
            unreachable!()
        }
        Mutation::Check(a) => {
            authorize(CaseAction::Report, "record a checklist result")?;
            let Some(item) = case
                .checklist
                .iter_mut()
                .find(|i| i.item_id == a.item_id.trim())
            else {
                return Err(Rejection::new(
                    RejectionCode::NotFound,
                    format!("checklist item `{}` is not on this case", a.item_id),
                ));
            };
            if item.result == Some(a.result) && item.note == a.note {
                return Ok(Outcome::default());
            }
            item.result = Some(a.result);
            item.note = a.note.clone();
            detail = Some(format!("{}: {}", item.item_id, a.result.as_str()));
        }
        Mutation::Accept(_) => {
            if case.status == CaseStatus::Accepted && case.assignee_id == Some(actor.user_id) {
                return Ok(Outcome::default());
            }
            authorize(CaseAction::Accept, "accept")?;
            case.status = CaseStatus::Accepted;
            case.sla.responded_at = Some(ctx.client_time);
        }
        Mutation::SetStatus(a) => {
            if case.status == a.status && case.assignee_id == Some(actor.user_id) {
                return Ok(Outcome::default());
            }
            authorize(
                CaseAction::SetStatus(a.status),
                &format!("set {}", a.status.as_str()),
            )?;
            if a.status == CaseStatus::Completed {
                if case.report.result.is_none() {
                    return Err(Rejection::new(
                        RejectionCode::NotReady,
                        "the report needs a result before completing",
                    ));
                }
                if !case.checklist_complete() {
                    let open = case.checklist.iter().filter(|i| i.result.is_none()).count();
                    return Err(Rejection::new(RejectionCode::NotReady,
                        format!("{open} checklist item(s) need an answer (pass, fail or n/a) before completing"),
                    ));
                }
                let Some(sign_off) = &case.sign_off else {
                    return Err(Rejection::new(
                        RejectionCode::NotReady,
                        "a customer sign-off is needed before completing",
                    ));
                };
                case.sla.resolved_at = Some(sign_off.signed_at);
            }
            case.status = a.status;
            detail = Some(match &a.reason {
                Some(r) => format!("{}: {r}", a.status.as_str()),
                None => a.status.as_str().to_string(),
            });
        }
        Mutation::Report(a) => {
            authorize(CaseAction::Report, "edit the report")?;
            let r = &mut case.report;
            set_if(&mut r.symptom, &a.symptom);
            set_if(&mut r.cause, &a.cause);
            set_if(&mut r.actions, &a.actions);
            if a.result.is_some() {
                r.result = a.result;
            }
            set_if(&mut r.verification, &a.verification);
            set_if(&mut r.leftover, &a.leftover);
            if case.report == orig.report {
                return Ok(Outcome::default());
            }
        }
        Mutation::Time(a) => {
            let entry = TimeEntry {
                entry_id: a.entry_id,
                kind: a.kind,
                start: a.start,
                end: a.end,
                corrects: None,
                superseded_by: None,
            };
            if let Some(existing) = case.time_entries.iter().find(|t| t.entry_id == a.entry_id) {
                return same_or_conflict(existing == &entry, "time entry");
            }
            authorize(CaseAction::LogTime, "log time")?;
            case.time_entries.push(entry);
        }
        Mutation::TimeCorrect(a) => {
            let replay = |e: &TimeEntry| e.entry_id == a.entry_id && e.corrects == Some(a.corrects);
            // A strike-out leaves no entry of its own: its id is only on the struck one.
            let seen = case
                .time_entries
                .iter()
                .find(|t| t.entry_id == a.entry_id)
                .map(|e| replay(e) && a.start == Some(e.start) && a.end == Some(e.end))
                .or_else(|| {
                    case.time_entries
                        .iter()
                        .find(|t| t.superseded_by == Some(a.entry_id))
                        .map(|t| t.entry_id == a.corrects && a.start.is_none())
                });
            if let Some(same) = seen {
                return same_or_conflict(same, "time correction");
            }
            authorize(CaseAction::CorrectTime, "correct time")?;
            let Some(target) = case
                .time_entries
                .iter_mut()
                .find(|t| t.entry_id == a.corrects)
            else {
                return Err(Rejection::new(
                    RejectionCode::NotFound,
                    format!("time entry {} not found", a.corrects),
                ));
            };
            if target.superseded_by.is_some() {
                return Err(Rejection::new(
                    RejectionCode::Conflict,
                    "this time entry has already been corrected",
                ));
            }
            target.superseded_by = Some(a.entry_id);
            let kind = target.kind;
            let minutes_before = target.minutes();
            if let (Some(start), Some(end)) = (a.start, a.end) {
                let fixed = TimeEntry {
                    entry_id: a.entry_id,
                    kind,
                    start,
                    end,
                    corrects: Some(a.corrects),
                    superseded_by: None,
                };
                detail = Some(format!("{minutes_before} → {}", fixed.minutes()));
                case.time_entries.push(fixed);
            } else {
                detail = Some(format!("{minutes_before} → 0"));
            }
        }
        Mutation::PartUse(a) => {
            let usage = PartUsage {
                usage_id: a.usage_id,
                part_no: a.part_no.trim().to_string(),
                qty: a.qty,
                serial_fitted: a.serial_fitted.clone(),
                serial_removed: a.serial_removed.clone(),
                returned_defective: a.returned_defective,
                corrects: None,
                recorded_at: ctx.client_time,
            };
            if let Some(existing) = case.parts.iter().find(|u| u.usage_id == a.usage_id) {
                let same = existing.part_no == usage.part_no
                    && existing.qty == usage.qty
                    && existing.corrects.is_none()
                    && existing.serial_fitted == usage.serial_fitted
                    && existing.serial_removed == usage.serial_removed
                    && existing.returned_defective == usage.returned_defective;
                return same_or_conflict(same, "part usage");
            }
            authorize(CaseAction::UseParts, "record parts")?;
            stock_moves.push(StockMove {
                engineer_id: actor.user_id,
                part_no: usage.part_no.clone(),
                delta: -a.qty,
            });
            detail = Some(format!("{} × {}", a.qty, usage.part_no));
            case.parts.push(usage);
        }
        Mutation::PartCorrect(a) => {
            if let Some(existing) = case.parts.iter().find(|u| u.usage_id == a.usage_id) {
                return same_or_conflict(
                    existing.corrects == Some(a.corrects) && existing.qty == a.qty_delta,
                    "part correction",
                );
            }
            authorize(CaseAction::UseParts, "correct parts")?;
            let Some(target) = case
                .parts
                .iter()
                .find(|u| u.usage_id == a.corrects && u.corrects.is_none())
            else {
                return Err(Rejection::new(
                    RejectionCode::NotFound,
                    "the part usage to correct is not on this case",
                ));
            };
            let part_no = target.part_no.clone();
            let net = case.usage_net_qty(a.corrects).unwrap_or(0) + a.qty_delta;
            if net < 0 {
                return Err(Rejection::invalid(
                    "a correction cannot take the quantity below zero",
                ));
            }
            stock_moves.push(StockMove {
                engineer_id: actor.user_id,
                part_no: part_no.clone(),
                delta: -a.qty_delta,
            });
            detail = Some(format!("{:+} × {part_no}", a.qty_delta));
            case.parts.push(PartUsage {
                usage_id: a.usage_id,
                part_no,
                qty: a.qty_delta,
                serial_fitted: None,
                serial_removed: None,
                returned_defective: false,
                corrects: Some(a.corrects),
                recorded_at: ctx.client_time,
            });
        }
        Mutation::PhotoAdd(a) => {
            let photo = Photo {
                photo_id: a.photo_id,
                sha256: a.sha256.clone(),
                caption: a.caption.clone(),
            };
            if let Some(existing) = case.photos.iter().find(|p| p.photo_id == a.photo_id) {
                return same_or_conflict(existing == &photo, "photo");
            }
            authorize(CaseAction::AddPhoto, "add photos")?;
            case.photos.push(photo);
        }
        Mutation::SignOff(a) => {
            // Status never rejects a sign-off: it is kept and flagged.
            let s = a.sign_off.clone();
            let already = case
                .sign_off
                .iter()
                .chain(case.extra_sign_offs.iter())
                .any(|x| x == &s);
            if already {
                return Ok(Outcome::default());
            }
            // A different sign-off under an id already seen (even one set aside by a reopen)
            // is a conflict: kept beside it and flagged, never taken as the case's sign-off.
            let id_seen = case
                .sign_off
                .iter()
                .chain(case.extra_sign_offs.iter())
                .any(|x| x.signoff_id == s.signoff_id);
            if late_sign_off {
                // The case was reassigned before this sign-off reached the server.
                case.flags.push(CaseFlag::LateSignOff {
                    signoff_id: s.signoff_id,
                    by: actor.user_id,
                });
                case.extra_sign_offs.push(s);
            } else if case.sign_off.is_some() || id_seen {
                case.flags.push(CaseFlag::ConflictingSignOff {
                    signoff_id: s.signoff_id,
                });
                case.extra_sign_offs.push(s);
            } else {
                if !case.status.is_active_work() {
                    case.flags.push(CaseFlag::SignOffOutOfState {
                        signoff_id: s.signoff_id,
                        status: case.status,
                    });
                }
                if s.report_sha256 != case.report_sha256() {
                    case.flags.push(CaseFlag::SignedReportDiffers {
                        signoff_id: s.signoff_id,
                    });
                }
                detail = Some(s.signer_name.clone());
                case.sign_off = Some(s);
            }
        }
        Mutation::Escalate(a) => {
            authorize(CaseAction::Escalate, "escalate")?;
            if a.tier <= case.current_escalation_tier() {
                if case
                    .escalations
                    .iter()
                    .any(|e| e.tier == a.tier && e.reason == a.reason)
                {
                    return Ok(Outcome::default());
                }
                return Err(Rejection::new(
                    RejectionCode::InvalidStatus,
                    format!(
                        "the case is already escalated to tier {}",
                        case.current_escalation_tier()
                    ),
                ));
            }
            case.escalations.push(Escalation {
                tier: a.tier,
                reason: a.reason.clone(),
                at: ctx.client_time,
                by: actor.user_id,
            });
            detail = Some(format!("{}: {}", a.tier, a.reason));
        }
        Mutation::FollowUp(a) => {
            if case.follow_ups.contains(&a.new_case_id) {
                return Ok(Outcome::default());
            }
            authorize(CaseAction::FollowUp, "open a follow-up")?;
            if cases.contains_key(&a.new_case_id) {
                return Err(Rejection::new(
                    RejectionCode::Conflict,
                    "a case with the follow-up's id exists",
                ));
            }
            let policy = ctx
                .policies
                .iter()
                .find(|p| p.name == case.sla.policy)
                .cloned()
                .unwrap_or_else(SlaPolicy::standard);
            let title: String = a.leftover.trim().chars().take(120).collect();
            let mut follow = Case {
                id: a.new_case_id,
                number: Case::number_for(a.new_case_id),
                title,
                description: a.leftover.clone(),
                customer: case.customer.clone(),
                site: case.site.clone(),
                product: case.product.clone(),
                category: case.category,
                severity: case.severity,
                mode: case.mode,
                reported_at: ctx.client_time,
                appointment: None,
                assignee_id: Some(actor.user_id),
                status: CaseStatus::Assigned,
                sla: policy.clock(case.severity, ctx.client_time),
                report: Report::default(),
                parts: vec![],
                time_entries: vec![],
                photos: vec![],
                sign_off: None,
                extra_sign_offs: vec![],
                escalations: vec![],
                follow_up_of: Some(case.id),
                follow_ups: vec![],
                flags: vec![],
                timeline: vec![],
                fault_analysis: None,
                checklist: vec![],
                complaint: false,
            };
            follow
                .timeline
                .push(entry(m, ctx, Some(case.number.clone())));
            extra_cases.push(follow);
            case.follow_ups.push(a.new_case_id);
            detail = Some(Case::number_for(a.new_case_id));
        }
        Mutation::Assign(a) => {
            if case.assignee_id == Some(a.engineer_id) && case.status == CaseStatus::Assigned {
                return Ok(Outcome::default());
            }
            authorize(CaseAction::Assign, "assign")?;
            case.assignee_id = Some(a.engineer_id);
            case.status = CaseStatus::Assigned;
            detail = Some(a.engineer_id.to_string());
        }
        Mutation::Close(_) => {
            if case.status == CaseStatus::Closed && actor.role == Role::Manager {
                return Ok(Outcome::default());
            }
            authorize(CaseAction::Close, "close")?;
            if case.needs_fault_analysis() {
                return Err(Rejection::new(RejectionCode::NotReady,
                    format!(
                        "case {} is severity 1: record a fault analysis (cause, impact, prevention) before closing it",
                        case.number
                    ),
                ));
            }
            case.status = CaseStatus::Closed;
        }
        Mutation::Reopen(a) => {
            authorize(CaseAction::Reopen, "reopen")?;
            case.status = CaseStatus::InProgress;
            case.sla.resolved_at = None;
            // The old sign-off confirmed work that turned out unfinished; it is kept, not reused.
            if let Some(old) = case.sign_off.take() {
                case.extra_sign_offs.push(old);
            }
            detail = Some(a.reason.clone());
        }
        Mutation::FaultAnalysis(a) => {
            authorize(CaseAction::FaultAnalysis, "record a fault analysis")?;
            let same = case.fault_analysis.as_ref().is_some_and(|f| {
                f.cause == a.cause.trim()
                    && f.impact == a.impact.trim()
                    && f.prevention == a.prevention.trim()
            });
            if same {
                return Ok(Outcome::default());
            }
            case.fault_analysis = Some(FaultAnalysis {
                cause: a.cause.trim().to_string(),
                impact: a.impact.trim().to_string(),
                prevention: a.prevention.trim().to_string(),
                by: actor.user_id,
                at: ctx.client_time,
            });
        }
        Mutation::Cancel(a) => {
            if case.status == CaseStatus::Cancelled && actor.role == Role::Manager {
                return Ok(Outcome::default());
            }
            authorize(CaseAction::Cancel, "cancel")?;
            case.status = CaseStatus::Cancelled;
            detail = Some(a.reason.clone());
        }
    }

    case.timeline.push(entry(m, ctx, detail));
    flag_clock_skew(&mut case, m, ctx);
    let mut out = vec![case];
    out.extend(extra_cases);
    Ok(Outcome {
        cases: out,
        stock_moves,
    })
}

/// How far the device's clock was from the server's, when the server applies.
pub fn clock_skew(ctx: &ApplyContext<'_>) -> Option<chrono::Duration> {
    ctx.server_time.map(|s| ctx.client_time - s)
}

/// Whether this application's device time is too far from the server's to trust blindly.
pub fn is_clock_skewed(ctx: &ApplyContext<'_>) -> bool {
    clock_skew(ctx).is_some_and(|d| d.num_seconds().abs() > CLOCK_SKEW_LIMIT_MINUTES * 60)
}

/// Flag `case` once for this mutation when the server applies it with a skewed device clock.
fn flag_clock_skew(case: &mut Case, m: &Mutation, ctx: &ApplyContext<'_>) {
    let (Some(server_time), true) = (ctx.server_time, is_clock_skewed(ctx)) else {
        return;
    };
    let event = m.name().to_string();
    let already = case.flags.iter().any(|f| {
        matches!(f, CaseFlag::ClockSkew { event: e, client_time, server_time: s, .. }
            if *e == event && *client_time == ctx.client_time && *s == server_time)
    });
    if !already {
        case.flags.push(CaseFlag::ClockSkew {
            mutation_id: None,
            event,
            client_time: ctx.client_time,
            server_time,
        });
    }
}

fn entry(m: &Mutation, ctx: &ApplyContext<'_>, detail: Option<String>) -> TimelineEntry {
    TimelineEntry {
        event: m.name().into(),
        actor_id: ctx.actor.user_id,
        client_time: ctx.client_time,
        server_time: ctx.server_time,
        detail,
    }
}

fn time_span(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), Rejection> {
    if end <= start {
        return Err(Rejection::invalid("a time entry must end after it starts"));
    }
    if end - start > chrono::Duration::hours(24) {
        return Err(Rejection::invalid("a time entry may not exceed 24 hours"));
    }
    Ok(())
}

fn set_if(field: &mut Option<String>, v: &Option<String>) {
    if let Some(v) = v {
        *field = Some(v.clone());
    }
}

fn same_or_conflict(same: bool, what: &str) -> Result<Outcome, Rejection> {
    if same {
        Ok(Outcome::default())
    } else {
        Err(Rejection::new(
            RejectionCode::Conflict,
            format!("a different {what} with this id exists"),
        ))
    }
}

fn same_creation(existing: &Case, new: &Case) -> bool {
    existing.title == new.title
        && existing.customer == new.customer
        && existing.site == new.site
        && existing.product == new.product
        && existing.severity == new.severity
        && existing.reported_at == new.reported_at
        && existing.complaint == new.complaint
}

fn new_case(a: &CreateArgs, ctx: &ApplyContext<'_>) -> Result<Case, Rejection> {
    let policy_name = a.policy.as_deref().unwrap_or("standard");
    let policy = ctx
        .policies
        .iter()
        .find(|p| p.name == policy_name)
        .cloned()
        .or_else(|| SlaPolicy::by_name(policy_name))
        .ok_or_else(|| Rejection::invalid(format!("unknown SLA policy `{policy_name}`")))?;
    let mut case = Case {
        id: a.case_id,
        number: Case::number_for(a.case_id),
        title: a.title.trim().to_string(),
        description: a.description.clone(),
        customer: a.customer.clone(),
        site: a.site.clone(),
        product: a.product.clone(),
        category: a.category,
        severity: a.severity,
        mode: a.mode,
        reported_at: a.reported_at,
        appointment: a.appointment,
        assignee_id: None,
        status: CaseStatus::New,
        sla: policy.clock(a.severity, a.reported_at),
        report: Report::default(),
        parts: vec![],
        time_entries: vec![],
        photos: vec![],
        sign_off: None,
        extra_sign_offs: vec![],
        escalations: vec![],
        follow_up_of: None,
        follow_ups: vec![],
        flags: vec![],
        timeline: vec![],
        fault_analysis: None,
        checklist: vec![],
        complaint: a.complaint,
    };
    case.timeline.push(TimelineEntry {
        event: "case.create".into(),
        actor_id: ctx.actor.user_id,
        client_time: ctx.client_time,
        server_time: ctx.server_time,
        detail: None,
    });
    Ok(case)
}
