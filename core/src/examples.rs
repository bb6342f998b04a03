//! One valid example of every mutation variant (feature `examples`, for tests only): the
//! round trip through the wire, the served API document and the property tests all take
//! their list of variants from here, and a wire name without an example fails them.

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use crate::model::*;
use crate::mutation::*;
use crate::status::CaseStatus;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, hour, 0, 0)
        .single()
        .unwrap_or_default()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0xe0_0000 + n)
}

/// An example of the mutation named `name` aimed at case `case_id`; `None` for a name with no
/// example (a test then fails: add one here).
pub fn example(name: &str, case_id: Uuid) -> Option<Mutation> {
    let create = CreateArgs {
        case_id: id(1),
        title: "Example".into(),
        description: "An example case".into(),
        customer: Customer {
            name: "Example Ltd".into(),
            phone: Some("+86 21 0000 0000".into()),
            email: None,
            contact: Some("Ms Example".into()),
        },
        site: Site {
            address: "1 Example Road".into(),
            notes: None,
        },
        product: Product {
            model: "EX-1".into(),
            serial: Some("SN1".into()),
            warranty_until: None,
        },
        category: Category::SystemFault,
        severity: Severity::ALL[1],
        mode: ServiceMode::OnSite,
        reported_at: at(8),
        appointment: None,
        policy: None,
        complaint: false,
    };
    Some(match name {
        "case.accept" => Mutation::Accept(CaseRef { case_id }),
        "case.set_status" => Mutation::SetStatus(SetStatusArgs {
            case_id,
            status: CaseStatus::InProgress,
            reason: None,
        }),
        "case.report" => Mutation::Report(ReportArgs {
            case_id,
            symptom: Some("alarm  ".into()),
            cause: None,
            actions: None,
            result: Some(RepairResult::Resolved),
            verification: None,
            leftover: None,
        }),
        "case.time" => Mutation::Time(TimeArgs {
            case_id,
            entry_id: id(2),
            kind: TimeKind::Work,
            start: at(9),
            end: at(10),
        }),
        "case.time_correct" => Mutation::TimeCorrect(TimeCorrectArgs {
            case_id,
            entry_id: id(3),
            corrects: id(2),
            start: Some(at(9)),
            end: Some(at(11)),
        }),
        "part.use" => Mutation::PartUse(PartUseArgs {
            case_id,
            usage_id: id(4),
            part_no: "FAN-80".into(),
            qty: 2,
            serial_fitted: None,
            serial_removed: None,
            returned_defective: false,
        }),
        "part.correct" => Mutation::PartCorrect(PartCorrectArgs {
            case_id,
            usage_id: id(5),
            corrects: id(4),
            qty_delta: -1,
        }),
        "photo.add" => Mutation::PhotoAdd(PhotoAddArgs {
            case_id,
            photo_id: id(6),
            sha256: "a".repeat(64),
            caption: Some("rack ".into()),
        }),
        "case.sign_off" => Mutation::SignOff(SignOffArgs {
            case_id,
            sign_off: SignOff {
                signoff_id: id(7),
                signer_name: "Mr Example".into(),
                signature_sha256: None,
                unsigned_reason: Some("left early".into()),
                report_sha256: "b".repeat(64),
                satisfaction: Some(4),
                comment: None,
                signed_at: at(12),
            },
        }),
        "case.escalate" => Mutation::Escalate(EscalateArgs {
            case_id,
            tier: 1,
            reason: "needs tier 2 ".into(),
        }),
        "case.follow_up" => Mutation::FollowUp(FollowUpArgs {
            case_id,
            new_case_id: id(8),
            leftover: "replace the second fan ".into(),
        }),
        "case.create" => Mutation::Create(create),
        "case.assign" => Mutation::Assign(AssignArgs {
            case_id,
            engineer_id: Uuid::from_u128(2),
        }),
        "case.close" => Mutation::Close(CaseRef { case_id }),
        "case.reopen" => Mutation::Reopen(ReasonArgs {
            case_id,
            reason: "came back ".into(),
        }),
        "case.cancel" => Mutation::Cancel(ReasonArgs {
            case_id,
            reason: "withdrawn ".into(),
        }),
        "case.fault_analysis" => Mutation::FaultAnalysis(FaultAnalysisArgs {
            case_id,
            cause: "worn contactor ".into(),
            impact: "chiller down ".into(),
            prevention: "yearly check ".into(),
        }),
        "stock.adjust" => Mutation::StockAdjust(StockAdjustArgs {
            engineer_id: Uuid::from_u128(2),
            part_no: "FAN-80".into(),
            delta: 5,
            reason: "replenished".into(),
        }),
        "case.check" => Mutation::Check(CheckArgs {
            case_id,
            item_id: "i1".into(),
            result: CheckResult::Fail,
            note: Some("worn ".into()),
        }),
        _ => return None,
    })
}

/// An inspection `case.create` (the variant `CreateInspection`).
pub fn inspection() -> Mutation {
    let Some(Mutation::Create(create)) = example("case.create", Uuid::nil()) else {
        unreachable!("case.create has an example")
    };
    Mutation::CreateInspection(CreateInspectionArgs {
        create: CreateArgs {
            case_id: id(9),
            ..create
        },
        checklist: vec![ChecklistTemplateItem {
            item_id: "i1".into(),
            text: "Fan runs".into(),
        }],
    })
}

/// Every variant once: an example per wire name, then the inspection create. Panics (fails
/// the test) for a wire name without an example.
pub fn every_variant(case_id: Uuid) -> Vec<Mutation> {
    let mut all: Vec<Mutation> = MUTATION_NAMES
        .iter()
        .map(|n| example(n, case_id).unwrap_or_else(|| panic!("no example of `{n}`: add one")))
        .collect();
    all.push(inspection());
    all
}

/// The `i`-th mutation of an engineer's working batch on `case_id`, as the load benchmarks
/// send them: a part used (`part_no`, one), half an hour of work, a report edit, in turn;
/// `new_id` names the usage or time entry.
pub fn field_work(
    i: usize,
    case_id: Uuid,
    part_no: &str,
    new_id: Uuid,
    now: DateTime<Utc>,
) -> Mutation {
    match i % 3 {
        0 => Mutation::PartUse(PartUseArgs {
            case_id,
            usage_id: new_id,
            part_no: part_no.into(),
            qty: 1,
            serial_fitted: None,
            serial_removed: None,
            returned_defective: false,
        }),
        1 => Mutation::Time(TimeArgs {
            case_id,
            entry_id: new_id,
            kind: TimeKind::Work,
            start: now - chrono::Duration::minutes(30),
            end: now,
        }),
        _ => Mutation::Report(ReportArgs {
            case_id,
            symptom: Some("Compressor trips on high pressure".into()),
            cause: None,
            actions: Some(format!("Checked the condenser fan, step {i}")),
            result: None,
            verification: None,
            leftover: None,
        }),
    }
}
