use leptos::prelude::*;
use onsite_core::mutation::{PartCorrectArgs, PartUseArgs};
use onsite_core::status::check;
use onsite_core::{Case, CaseAction, Mutation, Part};
use uuid::Uuid;

use super::case_detail::CaseHeading;
use super::CaseMissing;
use crate::components::fmt::{local_time, non_empty};
use crate::hooks::{use_case, use_case_id, CaseLoad};
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

const SEARCH_LIMIT: usize = 30;

#[component]
pub fn PartsPage() -> impl IntoView {
    let id = use_case_id();
    let case = use_case(id, true);
    let state = use_app();
    let i18n = use_i18n();
    let can_use = Memo::new(move |_| {
        let actor = state.actor_tracked()?;
        case.with(|c| {
            c.case()
                .map(|c| check(&actor, c, CaseAction::UseParts).is_ok())
        })
    });

    view! {
        <div class="parts-page">
            {move || match case.get() {
                CaseLoad::Ready(c) => view! {
                    <CaseHeading case=(*c).clone() back=true />
                    <UsageList case=*c can_correct=can_use.get().unwrap_or(false) />
                }
                .into_any(),
                other => view! { <CaseMissing load=other /> }.into_any(),
            }}
            {move || match (id.get(), can_use.get()) {
                (Some(case_id), Some(true)) => view! { <AddPart case_id=case_id /> }.into_any(),
                (_, Some(false)) => view! { <p class="muted card">{i18n.text("parts.read_only")}</p> }.into_any(),
                _ => ().into_any(),
            }}
        </div>
    }
}

/// Usage lines with their net quantity; corrections are new lines, never edits.
#[component]
fn UsageList(case: Case, can_correct: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let case_id = case.id;
    // One correction at a time; the buttons are disabled while one is pending.
    let perform = Action::new_local(move |m: &Mutation| state.perform(m.clone(), vec![]));
    let busy = perform.pending();
    let correct = move |usage: Uuid, delta: i64| {
        perform.dispatch(Mutation::PartCorrect(PartCorrectArgs {
            case_id,
            usage_id: Uuid::new_v4(),
            corrects: usage,
            qty_delta: delta,
        }));
    };
    let lines: Vec<_> = case
        .parts
        .iter()
        .filter(|u| u.corrects.is_none())
        .cloned()
        .collect();
    if lines.is_empty() {
        return view! { <p class="muted card" data-testid="usage-empty">{i18n.text("parts.none_used")}</p> }
            .into_any();
    }
    let rows = lines
        .into_iter()
        .map(|u| {
            let net = case.usage_net_qty(u.usage_id).unwrap_or(u.qty);
            let corrected = net != u.qty;
            let usage_id = u.usage_id;
            view! {
                <li class="usage-row" data-testid="usage-row" data-usage-id=usage_id.to_string()
                    data-part-no=u.part_no.clone() data-net-qty=net.to_string()>
                    <div class="usage-main">
                        <strong>{u.part_no.clone()}</strong>
                        <span class="qty">
                            "× " <span data-testid="usage-net-qty">{net}</span>
                            {corrected.then(|| {
                                let was = u.qty;
                                view! { <small class="muted">{move || i18n.tf("parts.was", &[("n", was.to_string())])}</small> }
                            })}
                        </span>
                    </div>
                    <div class="usage-meta muted">
                        {u.serial_fitted.clone().map(|s| view! { <span>{i18n.text("parts.serial_fitted")} ": " {s.clone()} " "</span> })}
                        {u.serial_removed.clone().map(|s| view! { <span>{i18n.text("parts.serial_removed")} ": " {s.clone()} " "</span> })}
                        {u.returned_defective.then(|| view! { <span class="badge warn">{i18n.text("parts.defective_return")}</span> })}
                        <span>{local_time(u.recorded_at)}</span>
                    </div>
                    {can_correct.then(|| view! {
                        <div class="usage-correct">
                            <span class="muted">{i18n.text("parts.correct")}</span>
                            <button class="btn" data-testid="usage-dec" aria-label=move || i18n.t("parts.qty_dec")
                                disabled=move || busy.get() || net <= 0
                                on:click=move |_| correct(usage_id, -1)>"−1"</button>
                            <button class="btn" data-testid="usage-inc" aria-label=move || i18n.t("parts.qty_inc")
                                disabled=move || busy.get()
                                on:click=move |_| correct(usage_id, 1)>"+1"</button>
                        </div>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{i18n.text("parts.used")}</h2>
            <ul class="usages">{rows}</ul>
        </section>
    }
    .into_any()
}

/// Search the catalog as you type, pick a part, record `part.use`.
#[component]
fn AddPart(case_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let query = RwSignal::new(String::new());
    let picked: RwSignal<Option<Part>> = RwSignal::new(None);
    let qty = RwSignal::new("1".to_string());
    let serial_fitted = RwSignal::new(String::new());
    let serial_removed = RwSignal::new(String::new());
    let defective = RwSignal::new(false);
    // Whether the part was recorded (a failure is shown by `perform`); cleared when another
    // part is picked.
    let add = Action::new_local(move |m: &Mutation| {
        let m = m.clone();
        async move {
            let recorded = state.perform(m, vec![]).await;
            if recorded {
                qty.set("1".into());
                serial_fitted.set(String::new());
                serial_removed.set(String::new());
                defective.set(false);
            }
            recorded
        }
    });
    let busy = add.pending();
    let recorded = add.value();
    let saved = move || recorded.get() == Some(true);

    let results = LocalResource::new(move || {
        let q = query.get();
        let store = state.store();
        async move {
            let q = q.trim().to_string();
            match store {
                Some(store) => store
                    .search_parts(&q, SEARCH_LIMIT)
                    .await
                    .map_err(|e| UiError::from_store(&e)),
                None => Ok(vec![]),
            }
        }
    });
    let stock = LocalResource::new(move || {
        state.revision.track();
        let part = picked.with(|p| p.as_ref().map(|p| p.part_no.clone()));
        let store = state.store();
        async move {
            match (store, part) {
                (Some(store), Some(p)) => match store.stock_of(&p).await {
                    Ok(row) => row.map(|s| s.qty),
                    // "Not in your van" would be a guess: say the read failed.
                    Err(e) => {
                        state.show_error(UiError::from_store(&e));
                        None
                    }
                },
                _ => None,
            }
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(part) = picked.get_untracked() else {
            return;
        };
        let Ok(n) = qty.get_untracked().trim().parse::<i64>() else {
            state.show_error(UiError::new("parts.bad_qty"));
            return;
        };
        if n < 1 {
            state.show_error(UiError::new("parts.bad_qty"));
            return;
        }
        let m = Mutation::PartUse(PartUseArgs {
            case_id,
            usage_id: Uuid::new_v4(),
            part_no: part.part_no.clone(),
            qty: n,
            serial_fitted: non_empty(&serial_fitted.get_untracked()),
            serial_removed: non_empty(&serial_removed.get_untracked()),
            returned_defective: defective.get_untracked(),
        });
        add.clear();
        add.dispatch(m);
    };

    view! {
        <section class="card add-part">
            <h2>{i18n.text("parts.add")}</h2>
            <label>
                {i18n.text("parts.search")}
                <input
                    type="search"
                    data-testid="part-search"
                    autocomplete="off"
                    placeholder=i18n.text("parts.search_hint")
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </label>
            <ul class="part-results">
                {move || match results.get() {
                    Some(Ok(parts)) => parts
                        .into_iter()
                        .map(|p| {
                            let no = p.part_no.clone();
                            let is_picked = {
                                let no = no.clone();
                                move || picked.with(|x| x.as_ref().map(|x| x.part_no == no).unwrap_or(false))
                            };
                            let p2 = p.clone();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="part-result"
                                        class:picked=is_picked
                                        data-testid="part-result"
                                        data-part-no=no.clone()
                                        on:click=move |_| {
                                            picked.set(Some(p2.clone()));
                                            add.clear();
                                        }
                                    >
                                        <strong>{no.clone()}</strong>
                                        " "
                                        <span>{p.name.clone()}</span>
                                        <small class="muted">" / " {p.unit.clone()}</small>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                    Some(Err(e)) => view! { <li class="form-error">{move || i18n.t(e.key)}</li> }.into_any(),
                    None => ().into_any(),
                }}
            </ul>
            {move || picked.get().map(|p| view! {
                <form class="part-form" on:submit=submit data-testid="part-form">
                    <p class="picked-part">
                        <strong data-testid="picked-part">{p.part_no.clone()}</strong> " " {p.name.clone()}
                    </p>
                    <p class="stock" data-testid="stock-on-hand"
                        data-qty=move || stock.get().flatten().map(|q| q.to_string()).unwrap_or_default()>
                        {move || match stock.get().flatten() {
                            Some(q) => i18n.tf("parts.on_hand", &[("n", q.to_string())]),
                            None => i18n.t("parts.not_in_van").to_string(),
                        }}
                    </p>
                    <label>
                        {i18n.text("parts.qty")}
                        <input type="number" min="1" step="1" inputmode="numeric" data-testid="part-qty" bind:value=qty />
                    </label>
                    <label>
                        {i18n.text("parts.serial_fitted")}
                        <input type="text" data-testid="part-serial-fitted" autocapitalize="characters" bind:value=serial_fitted />
                    </label>
                    <label>
                        {i18n.text("parts.serial_removed")}
                        <input type="text" data-testid="part-serial-removed" autocapitalize="characters" bind:value=serial_removed />
                    </label>
                    <label class="check">
                        <input type="checkbox" data-testid="part-defective" bind:checked=defective />
                        {i18n.text("parts.defective")}
                    </label>
                    <button type="submit" class="btn btn-primary btn-block" data-testid="part-submit" disabled=move || busy.get()>
                        {i18n.text("parts.submit")}
                    </button>
                    {move || saved().then(|| view! { <p class="ok-text" data-testid="part-saved">{i18n.text("common.saved")}</p> })}
                </form>
            })}
        </section>
    }
}
