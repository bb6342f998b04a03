//! New cases: a manager's `case.create` (with an inspection checklist or without), and the
//! engineer's follow-up case for leftover work. `Case::opened` is the one constructor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text::{date_in_range_or, optional_line, optional_text, required, required_line, when};
use super::MAX_CHECKLIST_ITEMS;
use super::{entry, flag_clock_skew, manager_only, ApplyContext, Effect, Mutation, Outcome, Step};
use crate::model::*;
use crate::rejection::{Rejection, RejectionCode};
use crate::sla::SlaPolicy;
use crate::status::{CaseAction, CaseStatus, Role};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateArgs {
    pub case_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub description: String,
    pub customer: Customer,
    pub site: Site,
    pub product: Product,
    pub category: Category,
    pub severity: Severity,
    pub mode: ServiceMode,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::time))]
    pub reported_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<Appointment>,
    /// SLA policy name; the standard table when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub policy: Option<String>,
    /// The user feedback is a complaint (only with category `feedback`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub complaint: bool,
}

/// One item of a checklist template given at `case.create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistTemplateItem {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub item_id: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub text: String,
}

/// An inspection's checklist template (unique `item_id`s).
#[cfg(feature = "openapi")]
fn checklist_schema() -> utoipa::openapi::schema::Array {
    use utoipa::PartialSchema;
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(ChecklistTemplateItem::schema())
        .max_items(Some(MAX_CHECKLIST_ITEMS))
        .description(Some(
            "Inspection case: checklist template items (unique item_id); completing then needs every item answered by case.check",
        ))
        .build()
}

/// `case.create` with an inspection checklist: the same wire name and args, plus `checklist`.
/// (`Mutation::parse` picks this variant when `checklist` is present and non-empty.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateInspectionArgs {
    #[serde(flatten)]
    pub create: CreateArgs,
    #[cfg_attr(feature = "openapi", schema(schema_with = checklist_schema, required = false))]
    pub checklist: Vec<ChecklistTemplateItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpArgs {
    pub case_id: Uuid,
    pub new_case_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text))]
    pub leftover: String,
}

impl CreateArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        required_line("title", Some(&self.title))?;
        optional_text("description", Some(&self.description))?;
        required_line("customer.name", Some(&self.customer.name))?;
        optional_line("customer.phone", self.customer.phone.as_deref())?;
        optional_line("customer.email", self.customer.email.as_deref())?;
        optional_line("customer.contact", self.customer.contact.as_deref())?;
        required("site.address", Some(&self.site.address))?;
        optional_text("site.notes", self.site.notes.as_deref())?;
        required_line("product.model", Some(&self.product.model))?;
        optional_line("product.serial", self.product.serial.as_deref())?;
        if let Some(d) = self.product.warranty_until {
            date_in_range_or("product.warranty_until", d)?;
        }
        optional_line("policy", self.policy.as_deref())?;
        when("reported_at", self.reported_at)?;
        if self.complaint && self.category != Category::Feedback {
            return Err(Rejection::invalid(
                "only user feedback can be a complaint (category `feedback`)",
            ));
        }
        if let Some(ap) = self.appointment {
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
}

impl CreateInspectionArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        self.create.validate()?;
        if self.checklist.len() > MAX_CHECKLIST_ITEMS {
            return Err(Rejection::invalid(format!(
                "a checklist has at most {MAX_CHECKLIST_ITEMS} items"
            )));
        }
        let mut seen = std::collections::BTreeSet::new();
        for item in &self.checklist {
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
}

impl FollowUpArgs {
    pub fn validate(&self) -> Result<(), Rejection> {
        if self.new_case_id == self.case_id {
            return Err(Rejection::invalid("a follow-up needs its own case id"));
        }
        required("leftover", Some(&self.leftover))
    }
}

impl Case {
    /// A case as opened from `a`, on `policy`'s clock from `reported_at`: unassigned, nothing
    /// done yet, no timeline.
    pub fn opened(a: &CreateArgs, policy: &SlaPolicy) -> Case {
        Case {
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
        }
    }
}

fn policy_named(ctx: &ApplyContext<'_>, name: &str) -> Option<SlaPolicy> {
    ctx.policies
        .iter()
        .find(|p| p.name == name)
        .cloned()
        .or_else(|| SlaPolicy::by_name(name))
}

/// `case.create`, with or without a checklist: a manager's; the same case again is a no-op,
/// a different one under the same id a conflict.
pub(super) fn create(
    m: &Mutation,
    a: &CreateArgs,
    checklist: &[ChecklistTemplateItem],
    found: Option<&Case>,
    ctx: &ApplyContext<'_>,
) -> Result<Outcome, Rejection> {
    manager_only(m, &ctx.actor)?;
    let policy_name = a.policy.as_deref().unwrap_or("standard");
    let policy = policy_named(ctx, policy_name)
        .ok_or_else(|| Rejection::invalid(format!("unknown SLA policy `{policy_name}`")))?;
    let mut new = Case::opened(a, &policy);
    new.checklist = checklist
        .iter()
        .map(|t| ChecklistItem {
            item_id: t.item_id.trim().to_string(),
            text: t.text.trim().to_string(),
            result: None,
            note: None,
        })
        .collect();
    match found {
        None => {
            new.timeline.push(entry(m, ctx, None));
            flag_clock_skew(&mut new, m, ctx);
            Ok(Outcome {
                cases: vec![new],
                ..Default::default()
            })
        }
        Some(existing) if same_creation(existing, &new) => Ok(Outcome::default()),
        Some(_) => Err(Rejection::new(
            RejectionCode::Conflict,
            "a different case with this id exists",
        )),
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
        && existing
            .checklist
            .iter()
            .map(|i| (&i.item_id, &i.text))
            .eq(new.checklist.iter().map(|i| (&i.item_id, &i.text)))
}

/// `case.follow_up`: a new case for leftover work, assigned to the engineer who found it, on
/// the parent's policy and for its customer, linked both ways.
pub(super) fn follow_up(a: &FollowUpArgs, st: &mut Step<'_>) -> Result<Effect, Rejection> {
    if st.case.follow_ups.contains(&a.new_case_id) {
        return Ok(Effect::NoOp);
    }
    st.authorize(CaseAction::FollowUp, "open a follow-up")?;
    // The id is taken by another case: `conflict`, which names nothing of that case and is
    // the same whoever holds it. That the id is taken cannot be hidden: the follow-up must be
    // stored under the id the device chose, and answering like the repeat above (a no-op)
    // would drop the leftover while the device believes it stored. A repeat is told apart by
    // the parent's own list, checked first, so a retry stays a no-op whoever holds the
    // follow-up since.
    if st.cases.contains_key(&a.new_case_id) {
        return Err(Rejection::new(
            RejectionCode::Conflict,
            "a case with the follow-up's id exists",
        ));
    }
    let policy = policy_named(st.ctx, &st.case.sla.policy).unwrap_or_else(SlaPolicy::standard);
    let parent = &st.case;
    let mut follow = Case::opened(
        &CreateArgs {
            case_id: a.new_case_id,
            title: a.leftover.trim().chars().take(120).collect(),
            description: a.leftover.clone(),
            customer: parent.customer.clone(),
            site: parent.site.clone(),
            product: parent.product.clone(),
            category: parent.category,
            severity: parent.severity,
            mode: parent.mode,
            reported_at: st.ctx.client_time,
            appointment: None,
            policy: None,
            complaint: false,
        },
        &policy,
    );
    // The engineer who opens it takes it; one a manager opens at review goes to the engineer
    // who did the work (or waits to be assigned).
    follow.assignee_id = match st.ctx.actor.role {
        Role::Engineer => Some(st.ctx.actor.user_id),
        Role::Manager => parent.assignee_id,
    };
    if follow.assignee_id.is_some() {
        follow.status = CaseStatus::Assigned;
    }
    follow.follow_up_of = Some(parent.id);
    follow
        .timeline
        .push(entry(st.m, st.ctx, Some(parent.number.clone())));
    st.extra_cases.push(follow);
    st.case.follow_ups.push(a.new_case_id);
    st.detail = Some(Case::number_for(a.new_case_id));
    Ok(Effect::Changed)
}
