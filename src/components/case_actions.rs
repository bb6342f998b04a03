use leptos::prelude::*;
use onsite_core::mutation::{CaseRef, ReasonArgs, SetStatusArgs};
use onsite_core::status::available_actions;
use onsite_core::{Actor, Case, CaseAction, CaseStatus, Mutation};
use uuid::Uuid;

use crate::components::fmt::non_empty;
use crate::components::forms::ReasonForm;
use crate::i18n::use_i18n;

/// The status buttons the state machine allows, in workflow order.
pub fn status_actions(actor: &Actor, case: &Case) -> Vec<CaseAction> {
    let allowed = available_actions(actor, case);
    ORDER
        .iter()
        .copied()
        .filter(|a| allowed.contains(a))
        .collect()
}

const ORDER: [CaseAction; 9] = [
    CaseAction::Accept,
    CaseAction::SetStatus(CaseStatus::EnRoute),
    CaseAction::SetStatus(CaseStatus::OnSite),
    CaseAction::SetStatus(CaseStatus::InProgress),
    CaseAction::SetStatus(CaseStatus::OnHold),
    CaseAction::SetStatus(CaseStatus::Completed),
    CaseAction::Close,
    CaseAction::Reopen,
    CaseAction::Cancel,
];

pub fn action_code(a: CaseAction) -> &'static str {
    match a {
        CaseAction::Accept => "accept",
        CaseAction::SetStatus(s) => s.as_str(),
        CaseAction::Close => "close",
        CaseAction::Reopen => "reopen",
        CaseAction::Cancel => "cancel",
        _ => "other",
    }
}

fn needs_reason(a: CaseAction) -> bool {
    matches!(
        a,
        CaseAction::SetStatus(CaseStatus::OnHold) | CaseAction::Reopen | CaseAction::Cancel
    )
}

fn mutation_for(a: CaseAction, case_id: Uuid, reason: Option<String>) -> Option<Mutation> {
    Some(match a {
        CaseAction::Accept => Mutation::Accept(CaseRef { case_id }),
        CaseAction::SetStatus(status) => Mutation::SetStatus(SetStatusArgs {
            case_id,
            status,
            reason,
        }),
        CaseAction::Close => Mutation::Close(CaseRef { case_id }),
        CaseAction::Reopen => Mutation::Reopen(ReasonArgs {
            case_id,
            reason: reason?,
        }),
        CaseAction::Cancel => Mutation::Cancel(ReasonArgs {
            case_id,
            reason: reason?,
        }),
        _ => return None,
    })
}

/// Buttons for exactly the actions `onsite_core::status::available_actions` allows.
/// On hold / reopen / cancel first ask for a reason.
#[component]
pub fn CaseActions(
    case: Case,
    actor: Actor,
    #[prop(into)] on_action: Callback<Mutation>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let case_id = case.id;
    let actions = status_actions(&actor, &case);
    let asking: RwSignal<Option<CaseAction>> = RwSignal::new(None);
    let reason = RwSignal::new(String::new());
    let empty = actions.is_empty();

    let buttons = actions
        .into_iter()
        .map(|a| {
            let code = action_code(a);
            let label = format!("action.{code}");
            let class = if matches!(a, CaseAction::Cancel) {
                "btn btn-danger"
            } else {
                "btn btn-primary"
            };
            view! {
                <button
                    class=class
                    data-testid=format!("action-{code}")
                    disabled=move || busy.get()
                    on:click=move |_| {
                        if needs_reason(a) {
                            reason.set(String::new());
                            asking.set(Some(a));
                        } else if let Some(m) = mutation_for(a, case_id, None) {
                            on_action.run(m);
                        }
                    }
                >
                    {move || i18n.t(&label)}
                </button>
            }
        })
        .collect_view();

    let submit_reason = move || {
        let Some(a) = asking.get_untracked() else {
            return;
        };
        let Some(r) = non_empty(&reason.get_untracked()) else {
            return;
        };
        if let Some(m) = mutation_for(a, case_id, Some(r)) {
            asking.set(None);
            on_action.run(m);
        }
    };

    view! {
        <div class="case-actions" data-testid="case-actions">
            {buttons}
            {empty.then(|| view! { <p class="muted">{i18n.text("action.none")}</p> })}
            {move || {
                asking
                    .get()
                    .map(|a| {
                        let code = action_code(a);
                        view! {
                            <ReasonForm
                                input_testid="action-reason"
                                confirm_testid=format!("action-{code}-confirm")
                                reason=reason
                                on_submit=submit_reason
                                on_cancel=move || asking.set(None)
                            />
                        }
                    })
            }}
        </div>
    }
}
