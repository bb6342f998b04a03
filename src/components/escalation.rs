//! Escalation through the tiers (1 technical specialist, 2 department manager, 3 executive).

use leptos::prelude::*;
use onsite_core::mutation::EscalateArgs;
use onsite_core::status::check;
use onsite_core::{Actor, Case, CaseAction, Escalation, Mutation};

use crate::components::fmt::{local_time, non_empty};
use crate::components::forms::ConfirmCancel;
use crate::i18n::use_i18n;

pub const MAX_TIER: u8 = 3;

/// The tiers this case can still be escalated to: only those above its current tier.
pub fn escalation_tiers(case: &Case) -> Vec<u8> {
    (case.current_escalation_tier() + 1..=MAX_TIER).collect()
}

/// Whether `actor` may escalate `case` now (and a higher tier is left).
pub fn can_escalate(actor: &Actor, case: &Case) -> bool {
    check(actor, case, CaseAction::Escalate).is_ok() && !escalation_tiers(case).is_empty()
}

/// The "Escalate" button and its form (tier above the current one + reason).
#[component]
pub fn EscalateForm(
    case: Case,
    actor: Actor,
    #[prop(into)] on_escalate: Callback<Mutation>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    if !can_escalate(&actor, &case) {
        return ().into_any();
    }
    let case_id = case.id;
    let tiers = escalation_tiers(&case);
    let first = tiers[0];
    let open = RwSignal::new(false);
    let tier = RwSignal::new(first.to_string());
    let reason = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(reason_text) = non_empty(&reason.get_untracked()) else {
            return;
        };
        let Ok(t) = tier.get_untracked().parse::<u8>() else {
            return;
        };
        open.set(false);
        on_escalate.run(Mutation::Escalate(EscalateArgs {
            case_id,
            tier: t,
            reason: reason_text,
        }));
    };
    view! {
        <div class="escalate">
            <button type="button" class="btn btn-danger" data-testid="action-escalate"
                disabled=move || busy.get()
                on:click=move |_| {
                    reason.set(String::new());
                    tier.set(first.to_string());
                    open.update(|o| *o = !*o);
                }>
                {i18n.text("escalate.button")}
            </button>
            <Show when=move || open.get()>
                <form class="reason-form" on:submit=submit>
                    <label>
                        {i18n.text("escalate.tier")}
                        <select data-testid="escalate-tier"
                            prop:value=move || tier.get()
                            on:change=move |ev| tier.set(event_target_value(&ev))>
                            {tiers.iter().map(|t| {
                                let key = format!("escalate.tier.{t}");
                                let v = t.to_string();
                                view! { <option value=v.clone() selected=move || tier.get() == v>{move || i18n.t(&key)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        {i18n.text("escalate.reason")}
                        <textarea rows="3" required data-testid="escalate-reason"
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    </label>
                    <ConfirmCancel confirm_testid="escalate-submit" confirm_key="escalate.submit"
                        reason=reason on_cancel=move || open.set(false) busy=busy />
                </form>
            </Show>
        </div>
    }
    .into_any()
}

/// The case's escalations, oldest first.
#[component]
pub fn EscalationList(escalations: Vec<Escalation>) -> impl IntoView {
    let i18n = use_i18n();
    if escalations.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card escalations">
            <h2>{i18n.text("escalate.title")}</h2>
            <ul class="rows">
                {escalations.into_iter().map(|e| {
                    let key = format!("escalate.tier.{}", e.tier);
                    view! {
                        <li class="escalation-row" data-testid="escalation-row" data-tier=e.tier.to_string()>
                            <span class="badge tl-breached">{move || i18n.t(&key)}</span>
                            " "
                            <span>{e.reason.clone()}</span>
                            <span class="meta muted">" · " {local_time(e.at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// Marker on an escalated case (list rows and the case heading).
#[component]
pub fn EscalatedBadge(tier: u8) -> impl IntoView {
    let i18n = use_i18n();
    let key = format!("escalate.tier.{tier}");
    view! {
        <span class="badge escalated" data-testid="escalated-badge" data-tier=tier.to_string()
            title=move || i18n.t(&key)>
            {i18n.text("escalate.badge")}
            {format!(" {tier}")}
        </span>
    }
}
