//! The demo's story: each case of `SPECS` walked through real mutations by the people who
//! would send them, in memory, through `onsite_core::apply`.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use onsite_core::mutation::{
    AssignArgs, CaseRef, CheckArgs, ChecklistTemplateItem, CreateArgs, CreateInspectionArgs,
    EscalateArgs, FaultAnalysisArgs, FollowUpArgs, PartUseArgs, PhotoAddArgs, ReasonArgs,
    ReportArgs, SetStatusArgs, SignOffArgs, TimeArgs, TimeCorrectArgs,
};
use onsite_core::wire::PolicyRecord;
use onsite_core::{
    apply, Actor, ApplyContext, Case, CaseStatus, CheckResult, Customer, Mutation, Part, Product,
    RepairResult, Severity, SignOff, Site, SlaPolicy, TimeKind,
};
use uuid::Uuid;

use super::assets::Images;
use super::cast::*;

/// Applies mutations in memory and keeps the resulting cases and stock moves.
pub(super) struct Builder<'a> {
    pub(super) now: DateTime<Utc>,
    pub(super) catalog: &'a [Part],
    pub(super) images: Images,
    pub(super) policies: Vec<SlaPolicy>,
    /// The policies with their contract customers (`PolicyRecord::for_customer`).
    pub(super) records: Vec<PolicyRecord>,
    pub(super) cases: BTreeMap<Uuid, Case>,
    /// (engineer, part, (delta, case)) in order.
    pub(super) moves: Vec<(Uuid, String, (i64, Uuid))>,
    pub(super) clock: DateTime<Utc>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(
        now: DateTime<Utc>,
        catalog: &'a [Part],
        images: Images,
        records: Vec<PolicyRecord>,
    ) -> Builder<'a> {
        Builder {
            now,
            catalog,
            images,
            policies: records.iter().map(|r| r.policy.clone()).collect(),
            records,
            cases: BTreeMap::new(),
            moves: Vec::new(),
            clock: now,
        }
    }

    pub(super) fn run(
        &mut self,
        actor: Actor,
        m: Mutation,
        step_minutes: i64,
    ) -> anyhow::Result<()> {
        self.run_skewed(actor, m, step_minutes, 0)
    }

    /// `run` from a device whose clock is `skew_minutes` off the server's.
    pub(super) fn run_skewed(
        &mut self,
        actor: Actor,
        m: Mutation,
        step_minutes: i64,
        skew_minutes: i64,
    ) -> anyhow::Result<()> {
        self.clock += Duration::minutes(step_minutes);
        let ctx = ApplyContext {
            actor,
            client_time: self.clock + Duration::minutes(skew_minutes),
            server_time: Some(self.clock + Duration::seconds(2)),
            policies: &self.policies,
        };
        let out = apply(&m, &self.cases, &ctx)
            .map_err(|r| anyhow::anyhow!("demo mutation {} failed: {r}", m.name()))?;
        for mv in out.stock_moves {
            self.moves
                .push((mv.engineer_id, mv.part_no, (mv.delta, m.case_id())));
        }
        for c in out.cases {
            self.cases.insert(c.id, c);
        }
        Ok(())
    }

    /// The part alice used on the blade server case: left off her van load (negative stock).
    pub(super) fn unloaded_part(&self, engineer: Uuid) -> Option<String> {
        let case = self
            .cases
            .values()
            .find(|c| c.title.starts_with("Blade server PSU failure"))?;
        (case.assignee_id == Some(engineer))
            .then(|| case.parts.first().map(|u| u.part_no.clone()))
            .flatten()
    }

    pub(super) fn part_for(&self, prefix: &str, i: usize) -> String {
        let matching: Vec<&Part> = self
            .catalog
            .iter()
            .filter(|p| p.part_no.starts_with(prefix))
            .collect();
        matching
            .get(i % matching.len().max(1))
            .map_or_else(|| self.catalog[i].part_no.clone(), |p| p.part_no.clone())
    }

    pub(super) fn build(&mut self, i: usize, spec: &Spec, people: &People) -> anyhow::Result<()> {
        use TimeKind::{Travel, Work};
        use S::*;
        let id = Uuid::new_v4();
        let status = spec.status;
        // Older cases for later statuses; the steps after creation are 10-40 minutes apart.
        let age_hours: i64 = match status {
            New | Assigned => 1 + (i as i64 % 3),
            Accepted | EnRoute | OnSite => 3 + (i as i64 % 4),
            InProgress | OnHold => 20 + (i as i64 % 12),
            Completed => 48 + (i as i64 % 24),
            Closed | Cancelled => 24 * 9 + (i as i64 % 48),
        } + spec.age_days * 24;
        self.clock = self.now - Duration::hours(age_hours);
        let reported_at = self.clock;
        let manager = people.manager;
        let engineer = match spec.who {
            Who::Alice => Some(people.alice),
            Who::Bob => Some(people.bob),
            Who::Nobody => None,
        };
        let day = reported_at.date_naive();
        let warranty = if i.is_multiple_of(3) {
            None
        } else {
            day.checked_add_signed(Duration::days(if i.is_multiple_of(2) { 400 } else { -30 }))
        };
        let appointment = (spec.mode == M::OnSite).then(|| onsite_core::Appointment {
            start: reported_at + Duration::hours(2),
            end: reported_at + Duration::hours(4),
        });
        let inspection = spec.title.contains("inspection");
        // The mutations of this case, one line each.
        let set = |status: CaseStatus, reason: Option<&str>| {
            Mutation::SetStatus(SetStatusArgs {
                case_id: id,
                status,
                reason: reason.map(Into::into),
            })
        };
        let cancel = |reason: &str| {
            Mutation::Cancel(ReasonArgs {
                case_id: id,
                reason: reason.into(),
            })
        };
        let escalate = |tier: u8, reason: &str| {
            Mutation::Escalate(EscalateArgs {
                case_id: id,
                tier,
                reason: reason.into(),
            })
        };
        let time = |entry_id: Uuid, kind: TimeKind, start, end| {
            Mutation::Time(TimeArgs {
                case_id: id,
                entry_id,
                kind,
                start,
                end,
            })
        };
        let correct = |corrects: Uuid, start, end| {
            Mutation::TimeCorrect(TimeCorrectArgs {
                case_id: id,
                entry_id: Uuid::new_v4(),
                corrects,
                start,
                end,
            })
        };
        let photo = |sha256: &str, caption: &str| {
            Mutation::PhotoAdd(PhotoAddArgs {
                case_id: id,
                photo_id: Uuid::new_v4(),
                sha256: sha256.into(),
                caption: Some(caption.into()),
            })
        };
        let follow_up = |leftover: String| {
            Mutation::FollowUp(FollowUpArgs {
                case_id: id,
                new_case_id: Uuid::new_v4(),
                leftover,
            })
        };
        let create = |args: CreateArgs| {
            if inspection {
                Mutation::CreateInspection(CreateInspectionArgs {
                    create: args,
                    checklist: INSPECTION_CHECKLIST
                        .iter()
                        .map(|(id, text)| ChecklistTemplateItem {
                            item_id: id.to_string(),
                            text: text.to_string(),
                        })
                        .collect(),
                })
            } else {
                Mutation::Create(args)
            }
        };
        self.run(
            manager,
            create(CreateArgs {
                case_id: id,
                title: spec.title.to_string(),
                description: format!(
                    "{} — reported by phone to the service desk. Model {}.",
                    spec.title, spec.model
                ),
                customer: Customer {
                    name: spec.customer.to_string(),
                    phone: Some(spec.phone.to_string()),
                    email: None,
                    contact: Some(["Ms. Wang", "Mr. Zhang", "Ms. Liu", "Mr. Chen"][i % 4].into()),
                },
                site: Site {
                    address: spec.address.to_string(),
                    notes: i
                        .is_multiple_of(2)
                        .then(|| "Report to reception, visitor badge needed".into()),
                },
                product: Product {
                    model: spec.model.to_string(),
                    serial: Some(unit_serial(spec.customer, spec.model)),
                    warranty_until: warranty.or(NaiveDate::from_ymd_opt(2023, 12, 31)),
                },
                category: spec.category,
                severity: Severity::new(spec.severity).context("severity")?,
                mode: spec.mode,
                reported_at,
                appointment,
                // As the server does: the customer's contract (the same match as the
                // server's contract lookup), else the standard policy.
                policy: PolicyRecord::for_customer(&self.records, spec.customer)
                    .map(|r| r.policy.name.clone()),
                complaint: spec.title.starts_with("Complaint:"),
            }),
            0,
        )?;
        if status == New {
            return Ok(());
        }
        if status == Cancelled && engineer.is_none() {
            return self.run(manager, cancel("Duplicate of an earlier request"), 15);
        }
        let eng = engineer.context("an assigned demo case needs an engineer")?;
        self.run(
            manager,
            Mutation::Assign(AssignArgs {
                case_id: id,
                engineer_id: eng.user_id,
            }),
            10,
        )?;
        if status == Assigned {
            return Ok(());
        }
        if status == Cancelled {
            let reason = "Customer resolved it with their own staff";
            return self.run(manager, cancel(reason), 20);
        }
        // One device in the demo runs 25 minutes fast: its accept flags the case (clock skew).
        let skew = if spec.title.starts_with("Chiller high-pressure") {
            25
        } else {
            0
        };
        self.run_skewed(eng, Mutation::Accept(CaseRef { case_id: id }), 12, skew)?;
        if status == Accepted {
            return Ok(());
        }
        let travel = spec.mode == M::OnSite;
        if travel {
            self.run(eng, set(EnRoute, None), 5)?;
            if status == EnRoute {
                return Ok(());
            }
            self.run(eng, set(OnSite, None), 40)?;
            if status == OnSite {
                return Ok(());
            }
            let on_the_road = self.clock - Duration::minutes(40);
            self.run(
                eng,
                time(Uuid::new_v4(), Travel, on_the_road, self.clock),
                0,
            )?;
        }
        let mut work_start = self.clock;
        self.run(eng, set(InProgress, None), 5)?;
        self.run(
            eng,
            Mutation::Report(ReportArgs {
                case_id: id,
                symptom: Some(match spec.story {
                    Some((symptom, _, _)) => symptom.to_string(),
                    None => format!(
                        "Confirmed with the customer: {}.",
                        spec.title.to_lowercase()
                    ),
                }),
                cause: None,
                actions: None,
                result: None,
                verification: None,
                leftover: None,
            }),
            10,
        )?;
        if spec.severity == 1 && status == InProgress {
            let reason = "Business stopped; needs a technical specialist";
            self.run(eng, escalate(1, reason), 5)?;
        }
        if spec.title.starts_with("Escalated") {
            // Up the whole chain: specialist, department manager, executive.
            for (tier, reason) in [
                (2, "Specialist cannot reproduce; vendor TAC case opened, needs the department manager"),
                (3, "Government customer, outage over 2 h: executive informed per contract"),
            ] {
                self.run(eng, escalate(tier, reason), 25)?;
            }
        }
        let part_no = self.part_for(spec.part, i);
        let uses_part = !matches!(spec.category, C::Feedback | C::Business) || status == Completed;
        if uses_part && spec.category == C::SystemFault {
            self.run(eng, photo(&self.images.before, "Fault as found"), 3)?;
        }
        if uses_part {
            self.run(
                eng,
                Mutation::PartUse(PartUseArgs {
                    case_id: id,
                    usage_id: Uuid::new_v4(),
                    part_no: part_no.clone(),
                    qty: 1 + (i as i64 % 2),
                    serial_fitted: Some(format!("FT{:08}", i * 104_729 % 100_000_000)),
                    serial_removed: Some(format!("RM{:08}", i * 15_485_863 % 100_000_000)),
                    returned_defective: i.is_multiple_of(2),
                }),
                20,
            )?;
        }
        if status == InProgress {
            return Ok(());
        }
        if status == OnHold {
            let reason = Some("Waiting for a replacement board from the vendor");
            return self.run(eng, set(OnHold, reason), 15);
        }
        if spec.title.starts_with("Storage shelf") {
            // The spare was late: escalated, on hold for a day, then finished (resolved late).
            let reason = "Vendor cannot ship the PSU today; needs a specialist to source one";
            self.run(eng, escalate(1, reason), 10)?;
            let reason = Some("Waiting for a replacement PSU from the vendor");
            self.run(eng, set(OnHold, reason), 5)?;
            self.run(eng, time(Uuid::new_v4(), Work, work_start, self.clock), 0)?;
            self.run(eng, set(InProgress, None), 26 * 60)?;
            work_start = self.clock;
        }
        // Completed and closed: full report, time, photo, sign-off.
        let result = if i % 4 == 1 && spec.story.is_none() {
            RepairResult::Workaround
        } else {
            RepairResult::Resolved
        };
        self.run(
            eng,
            Mutation::Report(ReportArgs {
                case_id: id,
                symptom: None,
                cause: Some(match spec.category {
                    _ if spec.story.is_some() => spec.story.map(|s| s.1).unwrap_or_default().into(),
                    C::Feedback => {
                        "Scheduling: the first visit was booked outside the agreed window.".into()
                    }
                    C::Security => "Outdated firmware with a published vulnerability.".into(),
                    _ => format!("Worn or failed component ({part_no})."),
                }),
                actions: Some(if let Some((_, _, actions)) = spec.story {
                    format!("{actions} Part used: {part_no}.")
                } else if uses_part {
                    format!(
                        "Replaced {part_no}, cleared the alarm log, ran the vendor diagnostics."
                    )
                } else {
                    "Explained the process to the customer and documented it.".into()
                }),
                result: Some(result),
                verification: Some("Ran under load for 30 minutes; no alarms.".into()),
                leftover: (result == RepairResult::Workaround)
                    .then(|| "Permanent fix needs a firmware release from the vendor.".into()),
            }),
            60,
        )?;
        let work_entry = Uuid::new_v4();
        self.run(eng, time(work_entry, Work, work_start, self.clock), 0)?;
        // Time corrections: a timer left running is cut back (the entry is replaced), and a
        // travel leg booked twice is struck out. Neither edits the original entry.
        if i % 4 == 2 {
            let stopped = Some(self.clock - Duration::minutes(20));
            self.run(eng, correct(work_entry, Some(work_start), stopped), 1)?;
        }
        if travel && i.is_multiple_of(3) {
            let twice = Uuid::new_v4();
            let leg = self
                .cases
                .get(&id)
                .and_then(|c| c.time_entries.iter().find(|t| t.kind == Travel))
                .map(|t| (t.start, t.end))
                .context("a travel entry")?;
            self.run(eng, time(twice, Travel, leg.0, leg.1), 1)?;
            self.run(eng, correct(twice, None, None), 1)?;
        }
        if inspection {
            for (k, (item_id, _)) in INSPECTION_CHECKLIST.iter().enumerate() {
                let (result, note) = match k {
                    2 => (
                        CheckResult::Na,
                        Some("No emergency lowering fitted on this model"),
                    ),
                    3 => (
                        CheckResult::Fail,
                        Some("No dial tone: the handset cable in the car panel is cut"),
                    ),
                    _ => (CheckResult::Pass, None),
                };
                self.run(
                    eng,
                    Mutation::Check(CheckArgs {
                        case_id: id,
                        item_id: item_id.to_string(),
                        result,
                        note: note.map(Into::into),
                    }),
                    5,
                )?;
            }
            // The failed item: a photo, and its leftover work becomes a follow-up case.
            let caption = "Emergency phone: cut handset cable";
            self.run(eng, photo(&self.images.failed_item, caption), 2)?;
            let (_, text) = INSPECTION_CHECKLIST[3];
            let leftover = format!(
                "{text}: failed. No dial tone: the handset cable in the car panel is cut. \
                 Replace the cable and test the line to the service desk."
            );
            self.run(eng, follow_up(leftover), 2)?;
        }
        self.run(eng, photo(&self.images.after, "Unit after repair"), 2)?;
        if i.is_multiple_of(3) {
            let caption = "Rating plate and serial number";
            self.run(eng, photo(&self.images.label, caption), 1)?;
        }
        if result == RepairResult::Workaround && status == Closed {
            // The leftover issue becomes its own case, assigned to the same engineer.
            let leftover = "Follow-up: confirm the vendor firmware fixes the fault for good";
            self.run(eng, follow_up(leftover.into()), 1)?;
        }
        let report_sha256 = self.cases[&id].report_sha256();
        let signed_at = self.clock + Duration::minutes(5);
        let signed = i % 5 != 3;
        self.run(
            eng,
            Mutation::SignOff(SignOffArgs {
                case_id: id,
                sign_off: SignOff {
                    signoff_id: Uuid::new_v4(),
                    signer_name: ["王伟", "Zhang Min", "李娜", "Liu Yang"][i % 4].into(),
                    signature_sha256: signed.then(|| self.images.signature.clone()),
                    unsigned_reason: (!signed)
                        .then(|| "Customer contact confirmed by phone; not on site".into()),
                    report_sha256,
                    satisfaction: Some([5, 4, 5, 3, 5][i % 5]),
                    comment: i
                        .is_multiple_of(3)
                        .then(|| "Quick and professional, thank you.".into()),
                    signed_at,
                },
            }),
            5,
        )?;
        self.run(eng, set(Completed, None), 1)?;
        if status == Closed {
            if spec.severity == 1 {
                // A severity-1 case closes only with a fault analysis.
                self.run(
                    eng,
                    Mutation::FaultAnalysis(FaultAnalysisArgs {
                        case_id: id,
                        cause: format!("Root cause: {}", spec.title.to_lowercase()),
                        impact: "Service to the customer's users was down until the fix.".into(),
                        prevention: "Added to the quarterly preventive maintenance checklist."
                            .into(),
                    }),
                    30,
                )?;
            }
            self.run(manager, Mutation::Close(CaseRef { case_id: id }), 60 * 20)?;
        }
        Ok(())
    }
}
