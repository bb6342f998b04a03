use leptos::prelude::*;
use onsite_core::{Case, Role};
use uuid::Uuid;

use crate::components::{EscalatedBadge, SeverityBadge, StatusBadge, TimeLeftBadge};
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

/// Most urgent first: earliest open SLA deadline, then severity, then number.
pub fn sort_by_urgency(cases: &mut [Case]) {
    cases.sort_by(|a, b| {
        a.sla
            .urgency_key()
            .cmp(&b.sla.urgency_key())
            .then(a.severity.cmp(&b.severity))
            .then(a.number.cmp(&b.number))
    });
}

/// My cases (an engineer's assigned cases; a manager sees every case), by SLA urgency.
#[component]
pub fn CaseList(#[prop(optional, into)] selected: Signal<Option<Uuid>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let cases = LocalResource::new(move || {
        state.revision.track();
        let store = state.store();
        async move {
            match store {
                Some(store) => store.cases().await.map_err(|e| UiError::from_store(&e)),
                None => Ok(vec![]),
            }
        }
    });
    let visible = Memo::new(move |_| {
        let actor = state.actor_tracked()?;
        let mut list = match cases.get()? {
            Ok(list) => list,
            Err(e) => {
                state.error.set(Some(e));
                return None;
            }
        };
        if actor.role == Role::Engineer {
            list.retain(|c| c.assignee_id == Some(actor.user_id));
        }
        sort_by_urgency(&mut list);
        Some(list)
    });

    view! {
        <section class="case-list" aria-label=i18n.text("cases.title")>
            <h1 class="page-title">
                {i18n.text("cases.title")}
                <small class="muted">
                    {move || visible.with(|v| v.as_ref().map(|v| format!(" ({})", v.len())))}
                </small>
            </h1>
            {move || (state.actor_tracked().map(|a| a.role) == Some(Role::Manager)).then(|| view! {
                <a href="/new-case" class="btn btn-primary btn-block new-case" data-testid="new-case">
                    "+ " {i18n.text("new_case.title")}
                </a>
            })}
            {move || match visible.get() {
                None => view! { <p class="muted">{i18n.text("common.loading")}</p> }.into_any(),
                Some(list) if list.is_empty() => {
                    view! { <p class="empty" data-testid="cases-empty">{i18n.text("cases.empty")}</p> }
                        .into_any()
                }
                Some(list) => {
                    view! {
                        <ul class="rows">
                            {list
                                .into_iter()
                                .map(|c| view! { <CaseRow case=c selected=selected /> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
pub fn CaseRow(case: Case, #[prop(into)] selected: Signal<Option<Uuid>>) -> impl IntoView {
    let state = use_app();
    let id = case.id;
    let status = case.status.as_str();
    let tier = case.current_escalation_tier();
    let escalated = tier > 0;
    view! {
        <li>
            <a
                href=format!("/cases/{id}")
                class="case-row"
                class:escalated=escalated
                class:selected=move || selected.get() == Some(id)
                data-testid="case-row"
                data-case-id=id.to_string()
                data-status=status
            >
                <div class="row-top">
                    <span class="case-number">{case.number.clone()}</span>
                    <SeverityBadge severity=case.severity />
                    <StatusBadge status=case.status />
                    <TimeLeftBadge sla=case.sla.clone() now=state.now />
                    {escalated.then(|| view! { <EscalatedBadge tier=tier /> })}
                </div>
                <div class="case-title">{case.title.clone()}</div>
                <div class="case-meta">
                    <span>{case.customer.name.clone()}</span>
                    " · "
                    <span>{case.site.address.clone()}</span>
                </div>
            </a>
        </li>
    }
}
