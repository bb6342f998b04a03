//! A manager assigns a case to an engineer (`case.assign`, offline too).
//!
//! The engineers are the pulled `user`s with the engineer role (`Store::users`), by name,
//! plus anyone named as an assignee on the cases the device holds (a manager pulls every
//! case) whose user record has not arrived yet (shown by short id).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::mutation::AssignArgs;
use onsite_core::status::check;
use onsite_core::wire::UserInfo;
use onsite_core::{Actor, Case, CaseAction, CaseStatus, Mutation, Role};
use uuid::Uuid;

use crate::components::fmt::short_id;
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

/// An engineer the device knows: id, a label and how many open cases they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineerChoice {
    pub id: Uuid,
    pub open_cases: usize,
    /// From the pulled `user` records; `None` shows the short id.
    pub name: Option<String>,
}

/// [`engineer_choices`] plus every known engineer user (with no open case too), named.
pub fn engineer_choices_with_users(cases: &[Case], users: &[UserInfo]) -> Vec<EngineerChoice> {
    let mut out = engineer_choices(cases);
    for u in users.iter().filter(|u| u.role == Role::Engineer) {
        match out.iter_mut().find(|e| e.id == u.id) {
            Some(e) => e.name = Some(u.name.clone()),
            None => out.push(EngineerChoice {
                id: u.id,
                open_cases: 0,
                name: Some(u.name.clone()),
            }),
        }
    }
    // A non-engineer named as an assignee (a role change) is not offered.
    out.retain(|e| {
        users
            .iter()
            .find(|u| u.id == e.id)
            .is_none_or(|u| u.role == Role::Engineer)
    });
    out.sort_by(|a, b| {
        a.open_cases
            .cmp(&b.open_cases)
            .then_with(|| a.name.cmp(&b.name))
            .then(a.id.cmp(&b.id))
    });
    out
}

/// The engineers named as assignees on `cases`, with their open-case counts (fewest first,
/// then by id, so the list is stable).
pub fn engineer_choices(cases: &[Case]) -> Vec<EngineerChoice> {
    let mut by_id: BTreeMap<Uuid, usize> = BTreeMap::new();
    for c in cases {
        for t in &c.timeline {
            if t.event == "case.assign" {
                if let Some(id) = t.detail.as_deref().and_then(|d| Uuid::parse_str(d).ok()) {
                    by_id.entry(id).or_insert(0);
                }
            }
        }
        if let Some(a) = c.assignee_id {
            let open = !matches!(
                c.status,
                CaseStatus::Completed | CaseStatus::Closed | CaseStatus::Cancelled
            );
            *by_id.entry(a).or_insert(0) += usize::from(open);
        }
    }
    let mut out: Vec<EngineerChoice> = by_id
        .into_iter()
        .map(|(id, open_cases)| EngineerChoice {
            id,
            open_cases,
            name: None,
        })
        .collect();
    out.sort_by(|a, b| a.open_cases.cmp(&b.open_cases).then(a.id.cmp(&b.id)));
    out
}

/// The assign form (only when the state machine allows `case.assign` for this actor).
#[component]
pub fn AssignForm(
    case: Case,
    actor: Actor,
    engineers: Vec<EngineerChoice>,
    #[prop(into)] on_assign: Callback<Mutation>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    if check(&actor, &case, CaseAction::Assign).is_err() {
        return ().into_any();
    }
    let case_id = case.id;
    let current = case.assignee_id;
    let picked = RwSignal::new(
        engineers
            .iter()
            .find(|e| Some(e.id) != current)
            .or(engineers.first())
            .map(|e| e.id.to_string())
            .unwrap_or_default(),
    );
    let empty = engineers.is_empty();
    let current_name = current.map(|c| {
        engineers
            .iter()
            .find(|e| e.id == c)
            .and_then(|e| e.name.clone())
            .unwrap_or_else(|| short_id(c))
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(engineer_id) = Uuid::parse_str(&picked.get_untracked()) {
            on_assign.run(Mutation::Assign(AssignArgs {
                case_id,
                engineer_id,
            }));
        }
    };
    view! {
        <form class="card assign" on:submit=submit>
            <h2>{i18n.text("assign.title")}</h2>
            {current_name.map(|c| view! { <p class="muted">{i18n.text("assign.current")} " " {c}</p> })}
            {empty.then(|| view! { <p class="muted">{i18n.text("assign.none_known")}</p> })}
            <label>
                {i18n.text("assign.engineer")}
                <select data-testid="assign-engineer"
                    prop:value=move || picked.get()
                    on:change=move |ev| picked.set(event_target_value(&ev))>
                    {engineers.into_iter().map(|e| {
                        let v = e.id.to_string();
                        let sel = picked.get_untracked() == v;
                        let (name, id, open) = (e.name.clone(), e.id, e.open_cases);
                        let label = move || match &name {
                            Some(name) => i18n.tf("assign.option_named", &[("name", name.clone()), ("n", open.to_string())]),
                            None => i18n.tf("assign.option", &[("id", short_id(id)), ("n", open.to_string())]),
                        };
                        view! { <option value=v selected=sel>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="btn btn-primary btn-block" data-testid="assign-submit"
                disabled=move || busy.get() || picked.with(|p| p.is_empty())>
                {i18n.text("assign.submit")}
            </button>
        </form>
    }
    .into_any()
}

/// The assign card on the case page: loads the engineers the device knows.
#[component]
pub fn AssignCard(
    case: Case,
    actor: Actor,
    #[prop(into)] on_assign: Callback<Mutation>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let state = use_app();
    if check(&actor, &case, CaseAction::Assign).is_err() {
        return ().into_any();
    }
    let engineers: RwSignal<Option<Vec<EngineerChoice>>> = RwSignal::new(None);
    spawn_local(async move {
        let Some(store) = state.store() else {
            return;
        };
        let users = match store.users().await {
            Ok(u) => u,
            Err(e) => {
                state.show_error(UiError::from_store(&e));
                Vec::new()
            }
        };
        match store.cases().await {
            Ok(all) => {
                engineers.try_set(Some(engineer_choices_with_users(&all, &users)));
            }
            Err(e) => state.show_error(UiError::from_store(&e)),
        }
    });
    view! {
        {move || engineers.get().map(|list| view! {
            <AssignForm case=case.clone() actor=actor engineers=list on_assign=on_assign busy=busy />
        })}
    }
    .into_any()
}
