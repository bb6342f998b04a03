use leptos::prelude::*;
use leptos_router::components::Outlet;
use onsite_core::status::check;
use onsite_core::{Actor, Case, CaseAction, Mutation};

use super::use_wide;
use crate::components::fields::{field, warranty_fields};
use crate::components::fmt::{duration, local_time, short_id};
use crate::components::{
    AssignCard, CaseActions, CaseList, Checklist, EscalateForm, EscalatedBadge, EscalationList,
    FaultAnalysisForm, Labour, PastFixes, Photos, SeverityBadge, SlaCard, StatusBadge,
    TimeLeftBadge,
};
use crate::hooks::{use_case_id, use_user_names};
use crate::i18n::{use_i18n, I18n};
use crate::state::use_app;

/// `/cases/:id/*`: on a wide screen the list stays on the left.
#[component]
pub fn CaseShell() -> impl IntoView {
    let wide = use_wide();
    let id = use_case_id();
    view! {
        <div class="split">
            <Show when=move || wide.get()>
                <div class="split-list">
                    <CaseList selected=Signal::derive(move || id.get()) />
                </div>
            </Show>
            <div class="split-main">
                <Outlet />
            </div>
        </div>
    }
}

/// Title line shared by the case pages.
#[component]
pub fn CaseHeading(case: Case, #[prop(optional)] back: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let href = if back {
        format!("/cases/{}", case.id)
    } else {
        "/".to_string()
    };
    let tier = case.current_escalation_tier();
    view! {
        <div class="case-heading">
            <a href=href class="back" data-testid="nav-back">
                "‹ "
                {move || if back { i18n.t("nav.back_to_case") } else { i18n.t("nav.back_to_cases") }}
            </a>
            <h1 class="page-title">
                <span class="case-number">{case.number.clone()}</span>
                " "
                {case.title.clone()}
            </h1>
            <div class="badges">
                <span data-testid="case-status" data-status=case.status.as_str()>
                    <StatusBadge status=case.status />
                </span>
                <SeverityBadge severity=case.severity />
                <TimeLeftBadge sla=case.sla.clone() now=state.now />
                {(tier > 0).then(|| view! { <EscalatedBadge tier=tier /> })}
                {case.complaint.then(|| view! {
                    <span class="badge warn" data-testid="complaint-badge">{i18n.text("case.complaint")}</span>
                })}
            </div>
        </div>
    }
}

#[component]
pub fn CaseDetailPage() -> impl IntoView {
    super::case_page(true, |case| view! { <CaseDetail case /> })
}

/// A user's name as this device knows it, else the short form of their id.
fn name_of(
    names: Signal<std::collections::BTreeMap<uuid::Uuid, String>>,
    id: uuid::Uuid,
) -> String {
    names
        .with(|n| n.get(&id).cloned())
        .unwrap_or_else(|| short_id(id))
}

/// A timeline entry's detail as the user reads it: the codes onsite-core writes (statuses,
/// tiers, checklist results, minutes) in the user's language; free text as typed.
fn timeline_detail(
    i18n: I18n,
    names: Signal<std::collections::BTreeMap<uuid::Uuid, String>>,
    checklist: &[onsite_core::ChecklistItem],
    event: &str,
    d: String,
) -> AnyView {
    let split = d
        .split_once(": ")
        .map(|(a, b)| (a.to_string(), b.to_string()));
    match (event, split) {
        // "<engineer id>"
        ("case.assign", None) if d.parse::<uuid::Uuid>().is_ok() => {
            let id = d.parse::<uuid::Uuid>().unwrap_or_default();
            view! { <span class="detail">{move || name_of(names, id)}</span> }.into_any()
        }
        // "<tier>: <reason>"
        ("case.escalate", Some((n, reason))) if n.parse::<u8>().is_ok() => {
            let key = format!("escalate.tier.{n}");
            view! { <span class="detail">{move || i18n.t(&key)} ": " {reason}</span> }.into_any()
        }
        // "<status>[: <reason>]"
        ("case.set_status", split) => {
            let (code, reason) = split.unwrap_or((d, String::new()));
            let key = format!("status.{code}");
            let reason = (!reason.is_empty()).then(|| format!(": {reason}"));
            view! { <span class="detail">{move || i18n.t(&key)} {reason}</span> }.into_any()
        }
        // "<item id>: <result>"
        ("case.check", Some((item, result))) => {
            let text = checklist
                .iter()
                .find(|i| i.item_id == item)
                .map(|i| i.text.clone())
                .unwrap_or(item);
            let key = format!("check.{result}");
            view! {
                <span class="detail">
                    {move || i18n.tf("check.answered", &[("item", text.clone()), ("result", i18n.t(&key).to_string())])}
                </span>
            }
            .into_any()
        }
        // "<minutes> → <minutes> min"
        ("case.time_correct", _) => {
            let mins: Vec<i64> = d
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect();
            match mins[..] {
                [a, b] => view! {
                    <span class="detail">
                        {move || format!(
                            "{} → {}",
                            duration(&i18n, chrono::Duration::minutes(a)),
                            duration(&i18n, chrono::Duration::minutes(b))
                        )}
                    </span>
                }
                .into_any(),
                _ => view! { <span class="detail">{d}</span> }.into_any(),
            }
        }
        _ => view! { <span class="detail">{d}</span> }.into_any(),
    }
}

#[component]
pub fn CaseDetail(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let actor = state.actor().unwrap_or(Actor {
        user_id: uuid::Uuid::nil(),
        role: onsite_core::Role::Engineer,
    });
    // One write at a time from this page; the buttons are disabled while one is pending.
    let perform = Action::new_local(move |m: &Mutation| state.perform(m.clone(), vec![]));
    let busy = perform.pending();
    let on_action = Callback::new(move |m: Mutation| {
        perform.dispatch(m);
    });
    let id = case.id;
    let c = &case;

    let phone = c.customer.phone.clone().map(|p| {
        let href = format!("tel:{}", p.replace(' ', ""));
        view! { <a href=href class="tel" data-testid="customer-phone">{p}</a> }
    });
    let email = c.customer.email.clone().map(|e| {
        let href = format!("mailto:{e}");
        view! { <a href=href class="link-tap">{e}</a> }
    });
    let category_key = format!("category.{}", c.category.as_str());
    let mode_key = format!("mode.{}", c.mode.as_str());
    let severity_key = format!("severity.{}", c.severity.level());
    let appointment = c
        .appointment
        .map(|a| format!("{} – {}", local_time(a.start), local_time(a.end)));
    let sign_off = c.sign_off.clone();
    let me = actor.user_id;
    let names = use_user_names();
    let can_log = check(&actor, c, CaseAction::LogTime).is_ok();
    let can_correct = check(&actor, c, CaseAction::CorrectTime).is_ok();
    let can_photo = check(&actor, c, CaseAction::AddPhoto).is_ok();
    let follow_up_of = c.follow_up_of;
    let follow_ups = c.follow_ups.clone();

    let checklist = c.checklist.clone();
    let mut timeline = c.timeline.clone();
    timeline.reverse();
    let timeline = timeline
        .into_iter()
        .map(|t| {
            let ev_key = format!("event.{}", t.event);
            let actor_id = t.actor_id;
            let who = move || {
                if actor_id == me {
                    i18n.t("timeline.you").to_string()
                } else {
                    name_of(names, actor_id)
                }
            };
            let synced = t.server_time.is_some();
            view! {
                <li class="timeline-entry" data-testid="timeline-entry" data-synced=synced.to_string()>
                    <span class="ev">{move || i18n.t(&ev_key)}</span>
                    {t.detail.clone().map(|d| timeline_detail(i18n, names, &checklist, &t.event, d))}
                    <span class="meta">
                        {who} " · " {local_time(t.client_time)} " · "
                        <span class=if synced { "badge ok" } else { "badge warn" }>
                            {move || if synced { i18n.t("timeline.synced") } else { i18n.t("timeline.pending") }}
                        </span>
                    </span>
                </li>
            }
        })
        .collect_view();

    view! {
        <article class="case-detail" data-case-id=id.to_string()>
            <CaseHeading case=case.clone() />
            <CaseActions case=case.clone() actor=actor on_action=on_action busy=busy />
            <EscalateForm case=case.clone() actor=actor on_escalate=on_action busy=busy />
            <AssignCard case=case.clone() actor=actor on_assign=on_action busy=busy />
            {(follow_up_of.is_some() || !follow_ups.is_empty()).then(|| view! {
                <section class="card links">
                    {follow_up_of.map(|of| view! {
                        <p>
                            {i18n.text("follow_up.of")} " "
                            <a href=format!("/cases/{of}") class="link-tap" data-testid="follow-up-of-link">
                                {Case::number_for(of)}
                            </a>
                        </p>
                    })}
                    {(!follow_ups.is_empty()).then(|| view! {
                        <p>
                            {i18n.text("follow_up.cases")} " "
                            {follow_ups.iter().map(|f| view! {
                                <a href=format!("/cases/{f}") class="link-tap" data-testid="follow-up-link">
                                    {Case::number_for(*f)}
                                </a>
                                " "
                            }).collect_view()}
                        </p>
                    })}
                </section>
            })}
            <nav class="case-nav">
                <a href=format!("/cases/{id}/parts") class="btn" data-testid="nav-parts">
                    {i18n.text("nav.parts")}
                    <small>{format!(" ({})", case.parts.iter().filter(|p| p.corrects.is_none()).count())}</small>
                </a>
                <a href=format!("/cases/{id}/report") class="btn" data-testid="nav-report">
                    {i18n.text("nav.report")}
                </a>
                <a href=format!("/cases/{id}/sign") class="btn" data-testid="nav-sign">
                    {i18n.text("nav.sign")}
                    {case.sign_off.is_some().then_some(" ✓")}
                </a>
                <a href=format!("/cases/{id}/print") class="btn" data-testid="nav-print">
                    {i18n.text("nav.print")}
                </a>
            </nav>
            {(!case.description.is_empty())
                .then(|| view! { <p class="description">{case.description.clone()}</p> })}
            <Checklist case=case.clone() actor=actor on_action=on_action busy=busy />
            <FaultAnalysisForm case=case.clone() actor=actor on_save=on_action busy=busy />
            <EscalationList escalations=case.escalations.clone() />
            <Labour case_id=id entries=case.time_entries.clone() can_log=can_log can_correct=can_correct />
            <Photos case_id=id photos=case.photos.clone() can_add=can_photo />
            <PastFixes case_id=id model=case.product.model.clone() />
            <div class="cards">
                <section class="card">
                    <h2>{i18n.text("case.customer")}</h2>
                    <dl>
                        {field(i18n, "case.customer_name", case.customer.name.clone())}
                        {phone.map(|p| field(i18n, "case.phone", p))}
                        {email.map(|e| field(i18n, "case.email", e))}
                        {case.customer.contact.clone().map(|c| field(i18n, "case.contact", c))}
                    </dl>
                </section>
                <section class="card">
                    <h2>{i18n.text("case.site")}</h2>
                    <dl>
                        {field(i18n, "case.address", case.site.address.clone())}
                        {case.site.notes.clone().map(|n| field(i18n, "case.site_notes", n))}
                    </dl>
                </section>
                <section class="card">
                    <h2>{i18n.text("case.product")}</h2>
                    <dl>
                        {field(i18n, "case.model", case.product.model.clone())}
                        {case.product.serial.clone().map(|s| field(i18n, "case.serial", s))}
                        {warranty_fields(i18n, &case)}
                    </dl>
                </section>
                <section class="card">
                    <h2>{i18n.text("case.classification")}</h2>
                    <dl>
                        {field(i18n, "case.category", move || i18n.t(&category_key))}
                        {field(i18n, "case.severity", move || i18n.t(&severity_key))}
                        {field(i18n, "case.mode", move || i18n.t(&mode_key))}
                        {field(i18n, "case.reported_at", local_time(case.reported_at))}
                        {appointment.map(|a| field(i18n, "case.appointment", a))}
                    </dl>
                </section>
                <SlaCard case=case.clone() />
                <section class="card">
                    <h2>{i18n.text("case.sign_off")}</h2>
                    {match sign_off {
                        Some(s) => view! {
                            <p data-testid="signed-by">
                                {
                                    let (name, at) = (s.signer_name.clone(), local_time(s.signed_at));
                                    move || i18n.tf("sign.signed_by", &[("name", name.clone()), ("t", at.clone())])
                                }
                            </p>
                            {s.unsigned_reason.clone().map(|r| view! { <p class="muted">{i18n.text("sign.unsigned")} ": " {r}</p> })}
                        }
                        .into_any(),
                        None => view! { <p class="muted">{i18n.text("sign.not_yet")}</p> }.into_any(),
                    }}
                </section>
            </div>
            <section class="card timeline">
                <h2>{i18n.text("case.timeline")}</h2>
                <ol>{timeline}</ol>
            </section>
        </article>
    }
}
