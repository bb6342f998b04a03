//! An inspection case's checklist: pass / fail / not applicable per item, with a note saved
//! with the answer (`case.check`). A failed item offers a follow-up case (`case.follow_up`)
//! whose leftover is the item's text and note.

use leptos::prelude::*;
use onsite_core::mutation::{CheckArgs, FollowUpArgs};
use onsite_core::status::check;
use onsite_core::{Actor, Case, CaseAction, CheckResult, ChecklistItem, Mutation};
use uuid::Uuid;

use crate::components::fmt::non_empty;
use crate::i18n::use_i18n;

/// The leftover text of a follow-up opened for a failed item: "text — note".
pub fn follow_up_leftover(item: &ChecklistItem) -> String {
    match item
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(note) => format!("{} — {}", item.text.trim(), note),
        None => item.text.trim().to_string(),
    }
}

/// The checklist card; nothing for a case without a checklist.
#[component]
pub fn Checklist(
    case: Case,
    actor: Actor,
    #[prop(into)] on_action: Callback<Mutation>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    if case.checklist.is_empty() {
        return ().into_any();
    }
    let case_id = case.id;
    let can_check = check(&actor, &case, CaseAction::Report).is_ok();
    let can_follow_up = check(&actor, &case, CaseAction::FollowUp).is_ok();
    let answered = case.checklist.iter().filter(|i| i.result.is_some()).count();
    let total = case.checklist.len();
    let items = case
        .checklist
        .into_iter()
        .map(|item| {
            let note = RwSignal::new(item.note.clone().unwrap_or_default());
            let item_id = item.item_id.clone();
            let result = item.result;
            let answer = move |r: CheckResult| {
                on_action.run(Mutation::Check(CheckArgs {
                    case_id,
                    item_id: item_id.clone(),
                    result: r,
                    note: non_empty(&note.get_untracked()),
                }));
            };
            let button = move |r: CheckResult| {
                let code = r.as_str();
                let key = format!("check.{code}");
                let answer = answer.clone();
                view! {
                    <button type="button" class=format!("btn check-btn check-{code}")
                        class:on=result == Some(r)
                        aria-pressed=(result == Some(r)).to_string()
                        data-testid=format!("check-{code}")
                        disabled=move || busy.get() || !can_check
                        on:click=move |_| answer(r)>
                        {move || i18n.t(&key)}
                    </button>
                }
            };
            let failed = result == Some(CheckResult::Fail);
            let leftover = follow_up_leftover(&item);
            let result_code = result.map(|r| r.as_str()).unwrap_or("");
            view! {
                <li class="checklist-item" data-testid="checklist-item"
                    data-item-id=item.item_id.clone() data-result=result_code>
                    <p class="check-text">{item.text.clone()}</p>
                    <div class="check-buttons" role="group">
                        {button(CheckResult::Pass)}
                        {button(CheckResult::Fail)}
                        {button(CheckResult::Na)}
                    </div>
                    <label>
                        {i18n.text("check.note")}
                        <input type="text" data-testid="check-note" disabled=!can_check
                            bind:value=note />
                    </label>
                    {(failed && can_follow_up).then(|| view! {
                        <button type="button" class="btn btn-ghost" data-testid="check-follow-up"
                            disabled=move || busy.get()
                            on:click=move |_| on_action.run(Mutation::FollowUp(FollowUpArgs {
                                case_id,
                                new_case_id: Uuid::new_v4(),
                                leftover: leftover.clone(),
                            }))>
                            {i18n.text("check.follow_up")}
                        </button>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card checklist" data-testid="checklist">
            <h2>
                {i18n.text("check.title")}
                <small class="muted">{format!(" ({answered}/{total})")}</small>
            </h2>
            {(!can_check).then(|| view! { <p class="muted">{i18n.text("check.read_only")}</p> })}
            <ul class="checklist-items">{items}</ul>
        </section>
    }
    .into_any()
}
