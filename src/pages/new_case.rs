//! `/new-case`: a manager opens a case (works offline: `case.create` through the one write
//! path; the case has its own id and number at once). The SLA policy is resolved on the
//! device from the pulled contracts (`PolicyRecord::for_customer`, the server's rule) and sent
//! explicitly, so the clock the device computes offline is the one the server keeps.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use onsite_core::mutation::{CreateArgs, CreateInspectionArgs};
use onsite_core::status::{check_desk, DeskAction};
use onsite_core::wire::PolicyRecord;
use onsite_core::{
    Appointment, Category, Customer, Mutation, Product, ServiceMode, Severity, Site,
};
use uuid::Uuid;

use crate::checklist_templates;
use crate::components::fmt::non_empty;
use crate::components::forms::submit_checked;
use crate::components::labour::parse_local_input;
use crate::components::sla::policy_name;
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

/// What the form holds (plain strings, as typed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewCaseForm {
    pub title: String,
    pub customer: String,
    pub phone: String,
    pub address: String,
    pub model: String,
    pub serial: String,
    pub category: String,
    pub severity: String,
    pub mode: String,
    pub appointment_start: String,
    pub appointment_end: String,
    /// A checklist template id for an inspection visit; empty for a service case.
    pub template: String,
    /// User feedback that is a complaint.
    pub complaint: bool,
}

/// The policy of `customer`'s contract among the pulled records (None: no contract known, the
/// server then applies its own contract or `standard`).
pub fn contract_policy(records: &[PolicyRecord], customer: &str) -> Option<String> {
    PolicyRecord::for_customer(records, customer).map(|r| r.policy.name.clone())
}

/// The `case.create` args for the form, or the i18n key of what is missing or wrong. The
/// policy is left to the caller (`contract_policy`).
pub fn create_args(
    f: &NewCaseForm,
    case_id: Uuid,
    now: chrono::DateTime<Utc>,
) -> Result<CreateArgs, &'static str> {
    let title = non_empty(&f.title).ok_or("new_case.need_title")?;
    let customer = non_empty(&f.customer).ok_or("new_case.need_customer")?;
    let address = non_empty(&f.address).ok_or("new_case.need_address")?;
    let model = non_empty(&f.model).ok_or("new_case.need_model")?;
    let category = Category::parse(&f.category).unwrap_or(Category::SystemFault);
    let mode = ServiceMode::parse(&f.mode).unwrap_or(ServiceMode::OnSite);
    let severity = f
        .severity
        .parse::<u8>()
        .ok()
        .and_then(Severity::new)
        .unwrap_or(Severity::ALL[2]);
    let appointment = match (
        non_empty(&f.appointment_start),
        non_empty(&f.appointment_end),
    ) {
        (None, None) => None,
        (Some(s), Some(e)) => {
            let start = parse_local_input(&s).ok_or("new_case.bad_appointment")?;
            let end = parse_local_input(&e).ok_or("new_case.bad_appointment")?;
            if end <= start {
                return Err("new_case.bad_appointment");
            }
            Some(Appointment { start, end })
        }
        _ => return Err("new_case.bad_appointment"),
    };
    Ok(CreateArgs {
        case_id,
        title,
        description: String::new(),
        customer: Customer {
            name: customer,
            phone: non_empty(&f.phone),
            email: None,
            contact: None,
        },
        site: Site {
            address,
            notes: None,
        },
        product: Product {
            model,
            serial: non_empty(&f.serial),
            warranty_until: None,
        },
        category,
        severity,
        mode,
        reported_at: now,
        appointment,
        policy: None,
        // Only user feedback can be a complaint; the box is not offered for other categories.
        complaint: f.complaint && category == Category::Feedback,
    })
}

#[component]
pub fn NewCasePage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let navigate = use_navigate();
    if state
        .actor()
        .is_none_or(|a| check_desk(&a, DeskAction::CreateCase).is_err())
    {
        return view! { <p class="muted">{i18n.text("new_case.managers_only")}</p> }.into_any();
    }
    let form = RwSignal::new(NewCaseForm {
        category: Category::SystemFault.as_str().into(),
        severity: "3".into(),
        mode: ServiceMode::OnSite.as_str().into(),
        ..NewCaseForm::default()
    });
    let error: RwSignal<Option<&'static str>> = RwSignal::new(None);
    // Recorded (a failure is shown by `perform`): open the new case.
    let create = Action::new_local(move |m: &Mutation| {
        let m = m.clone();
        let navigate = navigate.clone();
        async move {
            let case_id = m.case_id();
            if state.perform(m, vec![]).await {
                navigate(&format!("/cases/{case_id}"), Default::default());
            }
        }
    });
    let busy = create.pending();
    // The pulled policies with their contracts (on the device, so this works offline).
    let records = LocalResource::new(move || {
        state.revision.track();
        let store = state.store();
        async move {
            match store {
                Some(s) => s.policies().await.unwrap_or_else(|e| {
                    state.show_error(UiError::from_store(&e));
                    Vec::new()
                }),
                None => Vec::new(),
            }
        }
    });
    let policy = Memo::new(move |_| {
        let customer = form.with(|f| f.customer.clone());
        records.with(|r| r.as_ref().and_then(|r| contract_policy(r, &customer)))
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = form
            .with_untracked(|f| create_args(f, Uuid::new_v4(), Utc::now()))
            .map(|a| {
                let args = CreateArgs {
                    policy: policy.get_untracked(),
                    ..a
                };
                match form.with_untracked(|f| checklist_templates::template(&f.template)) {
                    Some(t) => Mutation::CreateInspection(CreateInspectionArgs {
                        create: args,
                        checklist: checklist_templates::checklist(t, &i18n),
                    }),
                    None => Mutation::Create(args),
                }
            });
        submit_checked(create, error, checked);
    };

    type Field = fn(&mut NewCaseForm) -> &mut String;
    let text = move |key: &'static str, testid: &'static str, field: Field, kind: &'static str| {
        view! {
            <label>
                {i18n.text(key)}
                <input type=kind data-testid=testid
                    prop:value=move || form.with(|f| field(&mut f.clone()).clone())
                    on:input=move |ev| form.update(|f| *field(f) = event_target_value(&ev)) />
            </label>
        }
    };
    let select = move |key: &'static str,
                       testid: &'static str,
                       field: Field,
                       options: Vec<(String, String)>| {
        view! {
            <label>
                {i18n.text(key)}
                <select data-testid=testid
                    on:change=move |ev| form.update(|f| *field(f) = event_target_value(&ev))>
                    {options.into_iter().map(|(v, k)| {
                        let sel = form.with_untracked(|f| field(&mut f.clone()).clone()) == v;
                        view! { <option value=v selected=sel>{move || i18n.t(&k)}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };

    view! {
            <a href="/" class="back" data-testid="nav-back">"‹ " {i18n.text("nav.back_to_cases")}</a>
            <form class="card new-case-form" data-testid="new-case-form" on:submit=submit>
                <h1 class="page-title">{i18n.text("new_case.title")}</h1>
                {select("new_case.kind", "new-case-template", |f| &mut f.template,
                    std::iter::once((String::new(), "new_case.kind_service".to_string()))
                        .chain(checklist_templates::TEMPLATES.iter().map(|t| (t.id.to_string(), checklist_templates::name_key(t.id))))
                        .collect())}
                {text("new_case.case_title", "new-case-title", |f| &mut f.title, "text")}
                {text("new_case.customer", "new-case-customer", |f| &mut f.customer, "text")}
                {text("new_case.phone", "new-case-phone", |f| &mut f.phone, "tel")}
                {text("new_case.address", "new-case-address", |f| &mut f.address, "text")}
                {text("new_case.model", "new-case-model", |f| &mut f.model, "text")}
                {text("new_case.serial", "new-case-serial", |f| &mut f.serial, "text")}
                {select("case.category", "new-case-category", |f| &mut f.category,
                    Category::ALL.iter().map(|c| (c.as_str().to_string(), format!("category.{}", c.as_str()))).collect())}
                <Show when=move || form.with(|f| f.category == Category::Feedback.as_str())>
                    <label class="check">
                        <input type="checkbox" data-testid="new-case-complaint"
                            prop:checked=move || form.with(|f| f.complaint)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                form.update(|f| f.complaint = on);
                            } />
                        {i18n.text("new_case.complaint")}
                    </label>
                </Show>
                {select("case.severity", "new-case-severity", |f| &mut f.severity,
                    (1..=4).map(|l| (l.to_string(), format!("severity.{l}"))).collect())}
                {select("case.mode", "new-case-mode", |f| &mut f.mode,
                    ServiceMode::ALL.iter().map(|m| (m.as_str().to_string(), format!("mode.{}", m.as_str()))).collect())}
                {move || {
                    // Without a known contract the server applies `standard` (unless it knows
                    // a contract this device has not pulled yet).
                    let name = policy.get().unwrap_or_else(|| "standard".to_string());
                    let shown = policy_name(&i18n, &name);
                    view! {
                        <p class="muted" data-testid="new-case-policy" data-policy=name>
                            {i18n.tf("new_case.policy", &[("policy", shown)])}
                        </p>
                    }
                }}
                <fieldset class="appointment">
                    <legend>{i18n.text("new_case.appointment")}</legend>
                    {text("time.start", "new-case-appointment-start", |f| &mut f.appointment_start, "datetime-local")}
                    {text("time.end", "new-case-appointment-end", |f| &mut f.appointment_end, "datetime-local")}
                </fieldset>
                {move || error.get().map(|k| view! {
                    <p class="form-error" data-testid="new-case-error" data-error=k>{i18n.text(k)}</p>
                })}
                <button type="submit" class="btn btn-primary btn-block" data-testid="new-case-submit"
                    disabled=move || busy.get()>
                    {i18n.text("new_case.submit")}
                </button>
            </form>
    }
    .into_any()
}
