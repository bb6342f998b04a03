//! Every change to a case is a `Mutation`: parsed and validated here, authorized through
//! `status::check`, and applied to the case by `apply`, the same code on the device (local
//! effect) and on the server (the authority). Each family of mutations lives in its own
//! module with its argument types, their `validate` and their effect side by side.

mod create;
mod evidence;
mod flow;
mod labour;
mod parts;
mod report;
mod text;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::limits::{MAX_CHECKLIST_ITEMS, MAX_LINE, MAX_QTY, MAX_TEXT};
use crate::model::*;
pub use crate::rejection::{Rejection, RejectionCode};
use crate::sla::SlaPolicy;
use crate::status::{
    check, check_desk, check_who, check_who_missing, Actor, CaseAction, Denied, DeskAction, Role,
};
use crate::wire::WireMutation;
pub use create::{ChecklistTemplateItem, CreateArgs, CreateInspectionArgs, FollowUpArgs};
pub use evidence::{PhotoAddArgs, SignOffArgs};
pub use flow::{AssignArgs, CaseRef, EscalateArgs, ReasonArgs, SetStatusArgs};
pub use labour::{TimeArgs, TimeCorrectArgs};
pub use parts::{PartCorrectArgs, PartUseArgs, StockAdjustArgs};
pub use report::{CheckArgs, FaultAnalysisArgs, ReportArgs};
pub use text::{check_client_time, is_sha256_hex};

/// The one list of mutations: wire name, variant and argument type. The enum, its serde
/// names, `MUTATION_NAMES`, `Mutation::name`, `args`, `validate` and the parser all come from it,
/// so a name cannot be missing from one of them.
macro_rules! mutations {
    ($($(#[$doc:meta])* $name:literal => $variant:ident($args:ty $(, documented as $doc_ty:ty)?),)*) => {
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

            /// Checks that need no case: shapes, ranges, required text. Every string has a
            /// length limit, every number and date a range (`crate::limits`).
            pub fn validate(&self) -> Result<(), Rejection> {
                match self {
                    $(Mutation::$variant(a) => a.validate(),)*
                    Mutation::CreateInspection(a) => a.validate(),
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

        /// On the wire a mutation is `WireMutation`; its schema is one object per name.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for crate::wire::WireMutation {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                crate::openapi::wire_mutation(vec![
                    $(($name, <documented!($args $(, $doc_ty)?) as utoipa::PartialSchema>::schema()),)*
                ]).into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for crate::wire::WireMutation {
            fn name() -> std::borrow::Cow<'static, str> {
                "Mutation".into()
            }
            fn schemas(
                schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::Schema>)>,
            ) {
                $(<documented!($args $(, $doc_ty)?) as utoipa::ToSchema>::schemas(schemas);)*
            }
        }
    };
}

/// The type whose schema documents a mutation's arguments: its own, unless the list names another.
#[cfg(feature = "openapi")]
macro_rules! documented {
    ($args:ty) => {
        $args
    };
    ($args:ty, $doc:ty) => {
        $doc
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
    "case.create" => Create(CreateArgs, documented as CreateInspectionArgs),
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
///
/// Who may act (`Role`, `NotAssignee`) is told in words that name only the id the device sent,
/// never what the case holds (its number): a case that is not the engineer's reads exactly like
/// one that does not exist (`case`: `None`). Only someone who passed `check_who` hears of the
/// case's status.
fn denied(d: Denied, what: &str, case_id: Uuid, case: Option<&Case>) -> Rejection {
    let message = match (d, case) {
        (Denied::Role, _) => format!("your role may not {what}"),
        (Denied::NotAssignee, _) => format!("case {case_id} is not assigned to you"),
        (Denied::Status, Some(case)) => format!(
            "cannot {what} while case {} is {}",
            case.number,
            case.status.as_str()
        ),
        (Denied::Status, None) => format!("cannot {what} now"),
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
        None => who_may_missing(m, actor),
    }
}

/// `who_may` for a case that does not exist: an engineer is answered as for a case that is
/// not theirs (before the server's lookups, which would otherwise tell the two apart); a
/// manager may go on for what a manager may do, and `apply` says the case is missing.
fn who_may_missing(m: &Mutation, actor: &Actor) -> Result<(), Rejection> {
    let Some(action) = m.case_action() else {
        return manager_only(m, actor);
    };
    check_who_missing(actor, action).map_err(|d| denied(d, action.describe(), m.case_id(), None))
}

fn manager_only(m: &Mutation, actor: &Actor) -> Result<(), Rejection> {
    let action = match m {
        Mutation::StockAdjust(_) => DeskAction::AdjustStock,
        _ => DeskAction::CreateCase,
    };
    check_desk(actor, action).map_err(|d| {
        Rejection::new(
            d.code(),
            format!("only a manager may {}", action.describe()),
        )
    })
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
        Err(d) => Err(denied(d, action.describe(), case.id, Some(case))),
    }
}

/// Whether applying changed the case or was a no-op (a repeat).
pub(crate) enum Effect {
    Changed,
    NoOp,
}

/// What one case mutation works on while it is applied: the case as it was (`orig`, for
/// authorization), the working copy, and what the step adds besides.
pub(crate) struct Step<'a> {
    m: &'a Mutation,
    ctx: &'a ApplyContext<'a>,
    cases: &'a BTreeMap<Uuid, Case>,
    orig: &'a Case,
    case: Case,
    stock_moves: Vec<StockMove>,
    extra_cases: Vec<Case>,
    detail: Option<String>,
    /// A former assignee's sign-off: kept beside the case's own, flagged.
    late_sign_off: bool,
}

impl Step<'_> {
    /// `status::check` on the case as it was before this mutation.
    fn authorize(&self, action: CaseAction, what: &str) -> Result<(), Rejection> {
        check(&self.ctx.actor, self.orig, action)
            .map_err(|d| denied(d, what, self.orig.id, Some(self.orig)))
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
    let found = cases.get(&m.case_id());
    match m {
        Mutation::Create(a) => return create::create(m, a, &[], found, ctx),
        Mutation::CreateInspection(a) => {
            return create::create(m, &a.create, &a.checklist, found, ctx)
        }
        Mutation::StockAdjust(a) => {
            manager_only(m, &ctx.actor)?;
            return Ok(a.apply());
        }
        _ => {}
    }
    let Some(orig) = found else {
        // Only someone who may see every case (a manager) learns that it is missing.
        who_may_missing(m, &ctx.actor)?;
        return Err(Rejection::new(
            RejectionCode::NotFound,
            format!("case {} not found", m.case_id()),
        ));
    };
    let late_sign_off = who_may(m, orig, &ctx.actor)?;
    let mut st = Step {
        m,
        ctx,
        cases,
        orig,
        case: orig.clone(),
        stock_moves: Vec::new(),
        extra_cases: Vec::new(),
        detail: None,
        late_sign_off,
    };
    let effect = match m {
        Mutation::Create(_) | Mutation::CreateInspection(_) | Mutation::StockAdjust(_) => {
            unreachable!("handled above")
        }
        Mutation::Accept(a) => flow::accept(a, &mut st),
        Mutation::SetStatus(a) => flow::set_status(a, &mut st),
        Mutation::Assign(a) => flow::assign(a, &mut st),
        Mutation::Escalate(a) => flow::escalate(a, &mut st),
        Mutation::Close(a) => flow::close(a, &mut st),
        Mutation::Reopen(a) => flow::reopen(a, &mut st),
        Mutation::Cancel(a) => flow::cancel(a, &mut st),
        Mutation::Report(a) => report::report(a, &mut st),
        Mutation::Check(a) => report::check(a, &mut st),
        Mutation::FaultAnalysis(a) => report::fault_analysis(a, &mut st),
        Mutation::Time(a) => labour::time(a, &mut st),
        Mutation::TimeCorrect(a) => labour::time_correct(a, &mut st),
        Mutation::PartUse(a) => parts::part_use(a, &mut st),
        Mutation::PartCorrect(a) => parts::part_correct(a, &mut st),
        Mutation::PhotoAdd(a) => evidence::photo_add(a, &mut st),
        Mutation::SignOff(a) => evidence::sign_off(a, &mut st),
        Mutation::FollowUp(a) => create::follow_up(a, &mut st),
    }?;
    if let Effect::NoOp = effect {
        return Ok(Outcome::default());
    }
    let Step {
        mut case,
        detail,
        stock_moves,
        extra_cases,
        ..
    } = st;
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

/// A repeat with the same id: a no-op when it is the same, a conflict when it is not.
fn same_or_conflict(same: bool, what: &str) -> Result<Effect, Rejection> {
    if same {
        Ok(Effect::NoOp)
    } else {
        Err(Rejection::new(
            RejectionCode::Conflict,
            format!("a different {what} with this id exists"),
        ))
    }
}
