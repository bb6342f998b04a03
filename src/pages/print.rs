//! `/cases/:id/print`: one case as a printable service report (A4, see the print stylesheet
//! in style/main.css). Everything comes from IndexedDB, so it prints offline.

use std::collections::BTreeMap;

use leptos::prelude::*;
use onsite_core::{Case, CheckResult};

use crate::components::fields::{field, report_fields, text_field, warranty_fields};
use crate::components::fmt::{duration, local_time};
use crate::components::photos::BlobImg;
use crate::components::sla::CaseFlags;
use crate::i18n::use_i18n;
use crate::state::use_app;

#[component]
pub fn PrintPage() -> impl IntoView {
    super::case_page(true, |case| view! { <PrintReport case /> })
}

/// Asks the browser to print the page (the print stylesheet leaves only the report).
pub fn print_window() {
    if let Some(w) = web_sys::window() {
        if let Err(e) = w.print() {
            leptos::logging::warn!("window.print failed: {e:?}");
        }
    }
}

/// The printable report of one case.
#[component]
pub fn PrintReport(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let id = case.id;
    let c = &case;

    // Part names from the device's catalog.
    let net: Vec<(String, i64)> = c.net_parts().into_iter().filter(|(_, q)| *q != 0).collect();
    let names: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    {
        let wanted: Vec<String> = net.iter().map(|(p, _)| p.clone()).collect();
        leptos::task::spawn_local(async move {
            let Some(store) = state.store() else {
                return;
            };
            let mut found = BTreeMap::new();
            for part_no in wanted {
                match store.search_parts(&part_no, 50).await {
                    Ok(list) => {
                        if let Some(p) = list.into_iter().find(|p| p.part_no == part_no) {
                            found.insert(part_no, p.name);
                        }
                    }
                    Err(e) => {
                        state.show_error(crate::state::UiError::from_store(&e));
                        return;
                    }
                }
            }
            names.try_set(found);
        });
    }
    let serials: BTreeMap<String, Vec<String>> =
        c.parts.iter().fold(BTreeMap::new(), |mut m, u| {
            if let Some(s) = u.serial_fitted.clone().filter(|s| !s.trim().is_empty()) {
                m.entry(u.part_no.clone()).or_default().push(s);
            }
            m
        });
    let no_parts = net.is_empty();
    let part_rows = net
        .into_iter()
        .map(|(part_no, qty)| {
            let p = part_no.clone();
            let serial = serials.get(&part_no).map(|s| s.join(", "));
            view! {
                <tr data-testid="print-part-row" data-part-no=part_no.clone() data-qty=qty.to_string()>
                    <td class="mono">{part_no.clone()}</td>
                    <td data-testid="print-part-name">{move || names.with(|n| n.get(&p).cloned().unwrap_or_default())}</td>
                    <td class="num">{qty}</td>
                    <td class="mono">{serial}</td>
                </tr>
            }
        })
        .collect_view();

    let (travel, work) = c.labour_minutes();
    let dur = move |m: i64| move || duration(&i18n, chrono::Duration::minutes(m));

    let sign_off = c.sign_off.clone();
    let current_hash = c.report_sha256();
    let r = c.report.clone();
    let checklist = c.checklist.clone();
    let fault = c.fault_analysis.clone();
    let photos = c.photos.clone();
    let category_key = format!("category.{}", c.category.as_str());
    let severity_key = format!("severity.{}", c.severity.level());
    let mode_key = format!("mode.{}", c.mode.as_str());

    view! {
        <div class="print-toolbar no-print">
            <a href=format!("/cases/{id}") class="back" data-testid="nav-back">
                "‹ " {i18n.text("nav.back_to_case")}
            </a>
            <button type="button" class="btn btn-primary" data-testid="print-button"
                on:click=|_| print_window()>
                {i18n.text("print.button")}
            </button>
        </div>
        <article class="print-report" data-testid="print-report" data-case-id=id.to_string()>
            <header class="print-head">
                <div>
                    <h1>{i18n.text("print.title")}</h1>
                    <p class="print-number">
                        <span class="case-number">{c.number.clone()}</span>
                        " · "
                        {c.title.clone()}
                    </p>
                </div>
                <p class="print-date muted">
                    {i18n.text("print.printed")} " " {local_time(chrono::Utc::now())}
                </p>
            </header>

            <div class="print-grid">
                <section class="print-section" data-testid="print-customer">
                    <h2>{i18n.text("case.customer")}</h2>
                    <dl>
                        {field(i18n, "case.customer_name", c.customer.name.clone())}
                        {c.customer.contact.clone().map(|v| field(i18n, "case.contact", v))}
                        {c.customer.phone.clone().map(|v| field(i18n, "case.phone", v))}
                        {c.customer.email.clone().map(|v| field(i18n, "case.email", v))}
                        {field(i18n, "case.address", c.site.address.clone())}
                    </dl>
                </section>
                <section class="print-section" data-testid="print-product">
                    <h2>{i18n.text("case.product")}</h2>
                    <dl>
                        {field(i18n, "case.model", c.product.model.clone())}
                        {c.product.serial.clone().map(|v| field(i18n, "case.serial", v))}
                        {warranty_fields(i18n, c)}
                        {field(i18n, "case.category", move || i18n.t(&category_key))}
                        {field(i18n, "case.severity", move || i18n.t(&severity_key))}
                        {field(i18n, "case.mode", move || i18n.t(&mode_key))}
                    </dl>
                </section>
            </div>

            <section class="print-section" data-testid="print-times">
                <h2>{i18n.text("print.times")}</h2>
                <dl class="print-cols">
                    {field(i18n, "case.reported_at", local_time(c.reported_at))}
                    {field(i18n, "sla.responded_at", c.sla.responded_at.map(local_time).unwrap_or_else(|| "—".into()))}
                    {field(i18n, "sla.resolved_at", c.sla.resolved_at.map(local_time).unwrap_or_else(|| "—".into()))}
                </dl>
            </section>

            <section class="print-section" data-testid="print-report-fields">
                <h2>{i18n.text("report.title")}</h2>
                <dl>
                    {report_fields(i18n, &r)}
                </dl>
            </section>

            {(!checklist.is_empty()).then(|| view! {
                <section class="print-section" data-testid="print-checklist">
                    <h2>{i18n.text("check.title")}</h2>
                    <table class="print-table">
                        <thead><tr>
                            <th>{i18n.text("print.item")}</th>
                            <th>{i18n.text("print.result")}</th>
                            <th>{i18n.text("check.note")}</th>
                        </tr></thead>
                        <tbody>
                            {checklist.into_iter().map(|item| {
                                let key = match item.result {
                                    Some(CheckResult::Pass) => "check.pass",
                                    Some(CheckResult::Fail) => "check.fail",
                                    Some(CheckResult::Na) => "check.na",
                                    None => "check.unanswered",
                                };
                                view! {
                                    <tr data-testid="print-check-row" data-item-id=item.item_id.clone()
                                        data-result=item.result.map(|r| r.as_str()).unwrap_or("")>
                                        <td>{item.text.clone()}</td>
                                        <td>{i18n.text(key)}</td>
                                        <td>{item.note.clone()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}

            {fault.map(|f| view! {
                <section class="print-section" data-testid="print-fault-analysis">
                    <h2>{i18n.text("fault.title")}</h2>
                    <dl>
                        {text_field(i18n, "fault.cause", Some(f.cause.clone()))}
                        {text_field(i18n, "fault.impact", Some(f.impact.clone()))}
                        {text_field(i18n, "fault.prevention", Some(f.prevention.clone()))}
                    </dl>
                </section>
            })}

            <section class="print-section" data-testid="print-parts">
                <h2>{i18n.text("parts.used")}</h2>
                {if no_parts {
                    view! { <p class="muted">{i18n.text("parts.none_used")}</p> }.into_any()
                } else {
                    view! {
                        <table class="print-table">
                            <thead><tr>
                                <th>{i18n.text("print.part_no")}</th>
                                <th>{i18n.text("print.part_name")}</th>
                                <th class="num">{i18n.text("parts.qty")}</th>
                                <th>{i18n.text("parts.serial_fitted")}</th>
                            </tr></thead>
                            <tbody>{part_rows}</tbody>
                        </table>
                    }.into_any()
                }}
            </section>

            <section class="print-section" data-testid="print-labour">
                <h2>{i18n.text("time.title")}</h2>
                <dl class="print-cols">
                    {field(i18n, "time.total_travel", view! { <span data-testid="print-travel" data-minutes=travel.to_string()>{dur(travel)}</span> })}
                    {field(i18n, "time.total_work", view! { <span data-testid="print-work" data-minutes=work.to_string()>{dur(work)}</span> })}
                    {field(i18n, "print.total", view! { <span>{dur(travel + work)}</span> })}
                </dl>
            </section>

            {(!photos.is_empty()).then(|| view! {
                <section class="print-section" data-testid="print-photos">
                    <h2>{i18n.text("photo.title")}</h2>
                    <ul class="print-photos">
                        {photos.into_iter().map(|p| view! {
                            <li>
                                <BlobImg sha256=p.sha256.clone() testid="print-photo"
                                    alt=p.caption.clone().unwrap_or_default() />
                                {p.caption.clone().map(|c| view! { <small>{c}</small> })}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}

            <section class="print-section print-sign" data-testid="print-sign-off">
                <h2>{i18n.text("case.sign_off")}</h2>
                {match sign_off {
                    Some(s) => {
                        let matches = s.report_sha256 == current_hash;
                        view! {
                            {s.signature_sha256.clone().map(|sha| view! {
                                <BlobImg sha256=sha testid="print-signature" class="print-signature"
                                    alt=s.signer_name.clone() />
                            })}
                            <dl>
                                {field(i18n, "print.signer", view! { <span data-testid="print-signer">{s.signer_name.clone()}</span> })}
                                {field(i18n, "print.signed_at", view! { <span data-testid="print-signed-at">{local_time(s.signed_at)}</span> })}
                                {s.unsigned_reason.clone().map(|r| field(i18n, "sign.unsigned", r))}
                                {s.satisfaction.map(|n| field(i18n, "sign.satisfaction", move || i18n.tf("sign.stars", &[("n", n.to_string())])))}
                                {s.comment.clone().map(|v| field(i18n, "sign.comment", v))}
                                {field(i18n, "print.report_hash", view! {
                                    <code class="hash" data-testid="print-report-hash"
                                        data-matches=matches.to_string()>{s.report_sha256.clone()}</code>
                                    <small class="muted">
                                        {i18n.text(if matches { "print.hash_matches" } else { "print.hash_differs" })}
                                    </small>
                                })}
                            </dl>
                        }.into_any()
                    }
                    None => view! { <p class="muted" data-testid="print-unsigned">{i18n.text("sign.not_yet")}</p> }.into_any(),
                }}
            </section>

            {(!case.flags.is_empty()).then(|| view! {
                <section class="print-section">
                    <h2>{i18n.text("case.flags")}</h2>
                    <CaseFlags flags=case.flags.clone() />
                </section>
            })}
        </article>
    }
}
