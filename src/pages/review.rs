//! `/review`: the manager's queue of completed cases, oldest first, with everything needed to
//! decide (report, parts, labour, photos, the customer's signature and rating, flags) and the
//! close / reopen actions right there (through `AppState::perform`, the one write path).

use chrono::Duration;
use leptos::prelude::*;
use onsite_core::mutation::{CaseRef, ReasonArgs};
use onsite_core::status::check;
use onsite_core::{Actor, Case, CaseAction, CaseStatus, Mutation, Role};

use crate::components::fields::{report_fields, warranty_fields};
use crate::components::fmt::{duration, local_time, non_empty};
use crate::components::forms::ReasonForm;
use crate::components::photos::BlobImg;
use crate::components::sla::flag_code;
use crate::components::{Photos, SeverityBadge};
use crate::hooks::use_cases;
use crate::i18n::use_i18n;
use crate::state::use_app;

/// Completed cases, the longest waiting first (by the customer's confirmation, else the
/// report time), then by number.
pub fn review_queue(cases: &[Case]) -> Vec<Case> {
    let mut out: Vec<Case> = cases
        .iter()
        .filter(|c| c.status == CaseStatus::Completed)
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        let key = |c: &Case| c.sla.resolved_at.unwrap_or(c.reported_at);
        key(a).cmp(&key(b)).then(a.number.cmp(&b.number))
    });
    out
}

/// One completed case in the queue.
#[component]
pub fn ReviewItem(
    case: Case,
    actor: Actor,
    #[prop(into)] on_action: Callback<Mutation>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = case.id;
    let can_close = check(&actor, &case, CaseAction::Close).is_ok();
    let can_reopen = check(&actor, &case, CaseAction::Reopen).is_ok();
    let needs_fa = case.needs_fault_analysis();
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());

    let parts: Vec<(String, i64)> = case
        .net_parts()
        .into_iter()
        .filter(|(_, q)| *q != 0)
        .collect();
    let (travel, work) = case.labour_minutes();
    let sign_off = case.sign_off.clone();
    let flags = case.flags.clone();

    let reopen = move || {
        let Some(reason) = non_empty(&reason.get_untracked()) else {
            return;
        };
        asking.set(false);
        on_action.run(Mutation::Reopen(ReasonArgs {
            case_id: id,
            reason,
        }));
    };

    view! {
        <section class="card review-row" data-testid="review-row" data-case-id=id.to_string()>
            <h2 class="review-title">
                <a href=format!("/cases/{id}") class="case-number link-tap">{case.number.clone()}</a>
                " "
                {case.title.clone()}
            </h2>
            <div class="badges">
                <SeverityBadge severity=case.severity />
                <span class="muted">{case.customer.name.clone()}</span>
                {case.sla.resolved_at.map(|t| view! {
                    <span class="muted">{i18n.text("sla.resolved_at")} " " {local_time(t)}</span>
                })}
            </div>
            <dl class="review-report">
                {report_fields(i18n, &case.report)}
            </dl>
            <h3>{i18n.text("review.parts")}</h3>
            {if parts.is_empty() {
                view! { <p class="muted">{i18n.text("review.no_parts")}</p> }.into_any()
            } else {
                view! {
                    <ul class="review-parts">
                        {parts.into_iter().map(|(no, q)| view! {
                            <li data-testid="review-part" data-part-no=no.clone() data-qty=q.to_string()>
                                <span class="case-number">{no.clone()}</span> " × " <strong>{q}</strong>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <dl class="review-labour">
                {warranty_fields(i18n, &case)}
                <div class="field">
                    <dt>{i18n.text("time.total_travel")}</dt>
                    <dd data-testid="review-travel" data-minutes=travel.to_string()>
                        {move || duration(&i18n, Duration::minutes(travel))}
                    </dd>
                </div>
                <div class="field">
                    <dt>{i18n.text("time.total_work")}</dt>
                    <dd data-testid="review-work" data-minutes=work.to_string()>
                        {move || duration(&i18n, Duration::minutes(work))}
                    </dd>
                </div>
            </dl>
            {(!case.photos.is_empty()).then(|| view! {
                <Photos case_id=id photos=case.photos.clone() can_add=false />
            })}
            <h3>{i18n.text("case.sign_off")}</h3>
            {match sign_off {
                Some(s) => view! {
                    <p data-testid="review-signer">
                        {
                            let (name, at) = (s.signer_name.clone(), local_time(s.signed_at));
                            move || i18n.tf("sign.signed_by", &[("name", name.clone()), ("t", at.clone())])
                        }
                    </p>
                    {s.signature_sha256.clone().map(|sha| view! {
                        <BlobImg sha256=sha testid="review-signature" class="signature-image" alt=Signal::derive(move || i18n.t("review.signature").to_string()) />
                    })}
                    {s.unsigned_reason.clone().map(|r| view! {
                        <p class="muted">{i18n.text("sign.unsigned")} ": " {r}</p>
                    })}
                    <p data-testid="review-satisfaction"
                        data-value=s.satisfaction.map(|v| v.to_string()).unwrap_or_default()>
                        {i18n.text("review.satisfaction")} ": "
                        {match s.satisfaction {
                            Some(v) => view! {
                                <span class="stars-read" aria-label=v.to_string()>
                                    {"★".repeat(v as usize)}{"☆".repeat(5usize.saturating_sub(v as usize))}
                                </span>
                                {format!(" {v}/5")}
                            }.into_any(),
                            None => view! { <span class="muted">{i18n.text("review.not_rated")}</span> }.into_any(),
                        }}
                    </p>
                    {s.comment.clone().map(|c| view! { <p class="pre review-comment">{c}</p> })}
                }.into_any(),
                None => view! { <p class="muted">{i18n.text("sign.not_yet")}</p> }.into_any(),
            }}
            {(!flags.is_empty()).then(|| view! {
                <ul class="flags">
                    {flags.iter().map(|f| {
                        let code = flag_code(f);
                        let key = format!("flag.{code}");
                        view! { <li class="badge warn" data-testid="review-flag" data-flag=code>{move || i18n.t(&key)}</li> }
                    }).collect_view()}
                </ul>
            })}
            {needs_fa.then(|| view! {
                <p class="notice-inline" data-testid="review-needs-fault-analysis">
                    {i18n.text("review.needs_fault_analysis")}
                </p>
            })}
            <div class="case-actions">
                {(can_close && !needs_fa).then(|| view! {
                    <button type="button" class="btn btn-primary" data-testid="review-close"
                        disabled=move || busy.get()
                        on:click=move |_| on_action.run(Mutation::Close(CaseRef { case_id: id }))>
                        {i18n.text("action.close")}
                    </button>
                })}
                {can_reopen.then(|| view! {
                    <button type="button" class="btn" data-testid="review-reopen"
                        disabled=move || busy.get()
                        on:click=move |_| {
                            reason.set(String::new());
                            asking.set(true);
                        }>
                        {i18n.text("action.reopen")}
                    </button>
                })}
                <Show when=move || asking.get()>
                    <ReasonForm input_testid="review-reason" confirm_testid="review-reopen-confirm"
                        reason=reason on_submit=reopen on_cancel=move || asking.set(false) busy=busy />
                </Show>
            </div>
        </section>
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let cases = use_cases();
    // One decision at a time; the buttons are disabled while one is pending.
    let perform = Action::new_local(move |m: &Mutation| state.perform(m.clone(), vec![]));
    let busy = perform.pending();
    let on_action = Callback::new(move |m: Mutation| {
        perform.dispatch(m);
    });
    // A Memo only computes; the error goes to the app's banner from an Effect.
    Effect::new(move |_| {
        if let Some(Err(e)) = cases.get() {
            state.show_error(e);
        }
    });
    let queue = Memo::new(move |_| match cases.get()? {
        Ok(list) => Some(review_queue(&list)),
        Err(_) => None,
    });
    view! {
        <div class="review-page">
            <h1 class="page-title">
                {i18n.text("review.title")}
                <small class="muted" data-testid="review-count"
                    data-count=move || queue.with(|q| q.as_ref().map(|q| q.len()).unwrap_or(0).to_string())>
                    {move || queue.with(|q| q.as_ref().map(|q| format!(" ({})", q.len())))}
                </small>
            </h1>
            {move || {
                let Some(actor) = state.actor_tracked() else {
                    return ().into_any();
                };
                if actor.role != Role::Manager {
                    return view! { <p class="empty">{i18n.text("review.managers_only")}</p> }.into_any();
                }
                match queue.get() {
                    None => view! { <p class="muted">{i18n.text("common.loading")}</p> }.into_any(),
                    Some(q) if q.is_empty() => view! {
                        <p class="empty" data-testid="review-empty">{i18n.text("review.empty")}</p>
                    }.into_any(),
                    Some(q) => q.into_iter().map(|c| view! {
                        <ReviewItem case=c actor=actor on_action=on_action busy=busy />
                    }).collect_view().into_any(),
                }
            }}
        </div>
    }
}
