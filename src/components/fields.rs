//! The label and value pairs of a `<dl>`, as the case pages show them.

use leptos::prelude::*;
use onsite_core::{Case, Charges, Report};

use crate::i18n::I18n;

/// One label and its value.
pub fn field(i18n: I18n, key: &'static str, value: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class="field">
            <dt>{i18n.text(key)}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// Free text as typed (its line breaks kept), or nothing when it is blank.
pub fn text_field(i18n: I18n, key: &'static str, v: Option<String>) -> Option<impl IntoView> {
    v.filter(|s| !s.trim().is_empty())
        .map(|v| field(i18n, key, view! { <span class="pre">{v}</span> }))
}

/// The service report's lines, the result in the reader's language (`data-testid`
/// "shown-result" carries its code).
pub fn report_fields(i18n: I18n, r: &Report) -> impl IntoView {
    let result = r.result.map(|res| {
        let key = format!("result.{}", res.as_str());
        let value = view! {
            <span data-testid="shown-result" data-result=res.as_str()>{move || i18n.t(&key)}</span>
        };
        field(i18n, "report.result", value)
    });
    view! {
        {text_field(i18n, "report.symptom", r.symptom.clone())}
        {text_field(i18n, "report.cause", r.cause.clone())}
        {text_field(i18n, "report.actions", r.actions.clone())}
        {result}
        {text_field(i18n, "report.verification", r.verification.clone())}
        {text_field(i18n, "report.leftover", r.leftover.clone())}
    }
}

/// The warranty as it stood on the day the fault was reported (a badge, and its end date) and what
/// that makes the customer pay for.
pub fn warranty_fields(i18n: I18n, case: &Case) -> impl IntoView {
    // The device's calendar stands for the site's: the engineer is there.
    let reported_on = case.reported_at.with_timezone(&chrono::Local).date_naive();
    let charges = case.charges(reported_on);
    let (badge, class) = match charges {
        Charges::Warranty => ("case.in_warranty", "badge ok"),
        Charges::Chargeable => ("case.out_of_warranty", "badge warn"),
        Charges::NotOnRecord => ("case.no_warranty", "badge warn"),
    };
    let until = case
        .product
        .warranty_until
        .map(|d| move || i18n.tf("case.until", &[("d", d.to_string())]));
    let charges_key = format!("charges.{}", charges.as_str());
    let warranty = view! {
        <span class=class data-testid="warranty">{i18n.text(badge)}</span>
        {until.map(|u| view! { " " {u} })}
    };
    let charges = view! {
        <span data-testid="charges" data-charges=charges.as_str()>{move || i18n.t(&charges_key)}</span>
    };
    view! {
        {field(i18n, "case.warranty", warranty)}
        {field(i18n, "case.charges", charges)}
    }
}
