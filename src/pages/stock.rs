//! `/stock`: van stock. An engineer sees their own van (`Store::stock`, offline), negative and
//! low levels first. A manager picks an engineer, sees that van's levels with their reorder
//! points from the server (`GET /api/v1/stock/levels`, online only) and queues a
//! `stock.adjust` to replenish (through `AppState::perform`, so it works offline and syncs
//! later), and sets reorder points (`PUT /api/v1/stock/reorder-point`, online only). A failed
//! load reads as translated keys; a 401 is the session-expired flow.

use std::collections::BTreeMap;

use leptos::prelude::*;
use onsite_core::mutation::{StockAdjustArgs, MAX_QTY};
use onsite_core::{Mutation, Role, StockLevel};
use uuid::Uuid;

use crate::api::ApiError;
use crate::components::assign::engineer_choices_with_users;
use crate::components::fmt::{non_empty, short_id};
use crate::components::forms::submit_checked;
use crate::hooks::use_cases;
use crate::hooks::use_users;
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

/// Negative first, then low, then the rest; by part number within each group.
pub fn sort_stock(levels: &mut [StockLevel]) {
    levels.sort_by(|a, b| {
        let rank = |l: &StockLevel| {
            if l.is_negative() {
                0
            } else if l.is_low() {
                1
            } else {
                2
            }
        };
        rank(a).cmp(&rank(b)).then(a.part_no.cmp(&b.part_no))
    });
}

/// The levels, negative and low first, with warnings.
#[component]
pub fn StockLevels(levels: Vec<StockLevel>, names: BTreeMap<String, String>) -> impl IntoView {
    let i18n = use_i18n();
    let mut levels = levels;
    sort_stock(&mut levels);
    let low = levels.iter().filter(|l| l.is_low()).count();
    let rows = levels
        .into_iter()
        .map(|l| {
            let neg = l.is_negative();
            let is_low = l.is_low();
            let name = names.get(&l.part_no).cloned();
            let min_qty = l.min_qty;
            view! {
                <li class="stock-row" class:neg=neg class:low=is_low && !neg
                    data-testid="stock-row" data-part-no=l.part_no.clone() data-qty=l.qty.to_string()
                    data-low=is_low.to_string() data-negative=neg.to_string()>
                    <div class="stock-part">
                        <span class="case-number">{l.part_no.clone()}</span>
                        {name.map(|n| view! { <span class="muted stock-name">{n}</span> })}
                        <span class="muted stock-min" data-testid="stock-min" data-min-qty=l.min_qty.to_string()>
                            {move || i18n.tf("stock.reorder_at", &[("n", min_qty.to_string())])}
                        </span>
                    </div>
                    <div class="stock-qty">
                        {neg.then(|| view! { <span class="badge tl-breached">{i18n.text("stock.negative")}</span> })}
                        {(is_low && !neg).then(|| view! { <span class="badge warn">{i18n.text("stock.low")}</span> })}
                        <strong>{l.qty}</strong>
                    </div>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class:notice-inline=(low > 0) data-testid="stock-low-count" data-count=low.to_string()>
            {move || if low > 0 {
                i18n.tf("stock.low_count", &[("n", low.to_string())])
            } else {
                i18n.t("stock.none_low").to_string()
            }}
        </p>
        <ul class="rows stock-rows">{rows}</ul>
    }
}

/// The engineer's own van (from the device).
#[component]
fn MyStock() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let data = LocalResource::new(move || {
        state.revision.track();
        let store = state.store();
        let me = state.actor().map(|a| a.user_id);
        async move {
            let Some(store) = store else {
                return Ok((vec![], BTreeMap::new()));
            };
            let mut levels = store.stock().await.map_err(|e| UiError::from_store(&e))?;
            if let Some(me) = me {
                levels.retain(|l| l.engineer_id == me);
            }
            let names = part_names_with(&store, &levels).await;
            Ok((levels, names))
        }
    });
    // The view only renders; the error goes to the app's banner from an Effect.
    Effect::new(move |_| {
        if let Some(Err(e)) = data.get() {
            state.show_error(e);
        }
    });
    move || match data.get() {
        None => view! { <p class="muted">{i18n.text("common.loading")}</p> }.into_any(),
        Some(Err(_)) => ().into_any(),
        Some(Ok((levels, _))) if levels.is_empty() => {
            view! { <p class="empty" data-testid="stock-empty">{i18n.text("stock.empty")}</p> }
                .into_any()
        }
        Some(Ok((levels, names))) => view! { <StockLevels levels=levels names=names /> }.into_any(),
    }
}

/// Catalog names of these parts (best effort; the catalog is on the device).
async fn part_names_with(
    store: &crate::store::Store,
    levels: &[StockLevel],
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for l in levels {
        if let Ok(found) = store.search_parts(&l.part_no, 1).await {
            if let Some(p) = found.into_iter().find(|p| p.part_no == l.part_no) {
                out.insert(p.part_no, p.name);
            }
        }
    }
    out
}

/// The manager's view of one van, as loaded from the server.
#[derive(Debug, Clone)]
pub enum Levels {
    NoEngineer,
    Offline,
    /// 401: the session expired (the app's sign-in-again flow is under way).
    AuthExpired,
    Failed(UiError),
    Ready(Vec<StockLevel>, BTreeMap<String, String>),
}

/// What a failed `GET /api/v1/stock/levels` shows: translated keys only (the server's English
/// message stays in the error's detail, never shown as text).
pub fn levels_error(e: &ApiError) -> Levels {
    match e {
        ApiError::Offline => Levels::Offline,
        ApiError::Unauthorized => Levels::AuthExpired,
        e => Levels::Failed(UiError::from_api("stock.failed", e)),
    }
}

/// Manager: pick an engineer, see their van from the server, queue a replenishment.
#[component]
fn ManagerStock() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let users = use_users();
    let cases = use_cases();
    // Engineers: the pulled users with the engineer role, plus assignees not yet among them.
    let engineers = Memo::new(move |_| {
        let us = users.get().unwrap_or_default();
        let cs = match cases.get() {
            Some(Ok(cs)) => cs,
            _ => Vec::new(),
        };
        let mut list: Vec<(Uuid, String)> = engineer_choices_with_users(&cs, &us)
            .into_iter()
            .map(|e| (e.id, e.name.unwrap_or_else(|| short_id(e.id))))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    });
    let picked = RwSignal::new(String::new());
    Effect::new(move |_| {
        if picked.with_untracked(|p| p.is_empty()) {
            if let Some((id, _)) = engineers.with(|e| e.first().cloned()) {
                picked.set(id.to_string());
            }
        }
    });
    let engineer = Memo::new(move |_| picked.with(|p| Uuid::parse_str(p).ok()));
    let online = Memo::new(move |_| state.status.with(|s| s.online));
    let levels = LocalResource::new(move || {
        state.revision.track();
        let engineer = engineer.get();
        let online = online.get();
        let token = state
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()));
        let store = state.store();
        async move {
            let Some(engineer) = engineer else {
                return Some(Levels::NoEngineer);
            };
            if !online {
                return Some(Levels::Offline);
            }
            let token = token?;
            Some(match crate::api::stock_levels(&token, engineer).await {
                Ok(mut levels) => {
                    levels.retain(|l| l.engineer_id == engineer);
                    let names = match &store {
                        Some(s) => part_names_with(s, &levels).await,
                        None => BTreeMap::new(),
                    };
                    Levels::Ready(levels, names)
                }
                Err(e) => {
                    if let ApiError::Http { .. } | ApiError::Decode(_) = e {
                        leptos::logging::error!("stock levels: {e}");
                    }
                    levels_error(&e)
                }
            })
        }
    });
    // A 401 goes through the app's session-expired flow (status bar, status page).
    Effect::new(move |_| {
        if let Some(Some(Levels::AuthExpired)) = levels.get() {
            state.session_expired();
        }
    });
    let relogin = crate::state::use_logout();

    // Replenish form: the value is whether the adjustment was queued (a failure is shown by
    // `perform`); cleared when another engineer is picked.
    let part = RwSignal::new(String::new());
    let qty = RwSignal::new("1".to_string());
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let adjust = Action::new_local(move |args: &StockAdjustArgs| {
        let m = Mutation::StockAdjust(args.clone());
        async move {
            let queued = state.perform(m, vec![]).await;
            if queued {
                part.set(String::new());
                qty.set("1".to_string());
                reason.set(String::new());
            }
            queued
        }
    });
    let adjusting = adjust.pending();
    let adjusted = adjust.value();
    let queued = move || adjusted.get() == Some(true);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = adjust_args(
            engineer.get_untracked(),
            &part.get_untracked(),
            &qty.get_untracked(),
            &reason.get_untracked(),
        );
        submit_checked(adjust, error, checked);
    };

    // Reorder point form: configuration on the server, so online only. The value is the
    // server's answer: `Err(None)` when the session expired (the app's sign-in-again flow
    // says so).
    let rp_part = RwSignal::new(String::new());
    let rp_min = RwSignal::new(String::new());
    let rp_error: RwSignal<Option<UiError>> = RwSignal::new(None);
    let reorder_point = Action::new_local(move |input: &(String, Uuid, String, i64)| {
        let (token, engineer_id, part_no, min_qty) = input.clone();
        async move {
            match crate::api::set_reorder_point(&token, engineer_id, &part_no, min_qty).await {
                Ok(_) => {
                    rp_part.set(String::new());
                    rp_min.set(String::new());
                    // The levels above come from the server: read them again.
                    state.bump();
                    Ok(())
                }
                Err(ApiError::Unauthorized) => {
                    state.session_expired();
                    Err(None)
                }
                Err(e) => Err(Some(reorder_point_error(&e))),
            }
        }
    });
    let saving_rp = reorder_point.pending();
    let rp_answer = reorder_point.value();
    let rp_saved = move || rp_answer.with(|a| matches!(a, Some(Ok(()))));
    let rp_shown_error = move || {
        rp_error
            .get()
            .or_else(|| rp_answer.get().and_then(|a| a.err().flatten()))
    };
    let save_reorder_point = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = reorder_point_input(
            engineer.get_untracked(),
            &rp_part.get_untracked(),
            &rp_min.get_untracked(),
        )
        .map_err(UiError::new)
        .and_then(|(engineer_id, part_no, min_qty)| {
            let token = state
                .session
                .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
                .ok_or_else(|| UiError::new("error.no_session"))?;
            Ok((token, engineer_id, part_no, min_qty))
        });
        submit_checked(reorder_point, rp_error, checked);
    };

    view! {
        <section class="card">
            <label>
                {i18n.text("stock.engineer")}
                <select data-testid="stock-engineer"
                    prop:value=move || picked.get()
                    on:change=move |ev| { adjust.clear(); picked.set(event_target_value(&ev)); }>
                    {move || engineers.get().into_iter().map(|(id, name)| {
                        let v = id.to_string();
                        let sel = picked.get_untracked() == v;
                        view! { <option value=v selected=sel>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || engineers.with(|e| e.is_empty())>
                <p class="muted">{i18n.text("assign.none_known")}</p>
            </Show>
        </section>
        <section class="card">
            <h2>{i18n.text("stock.levels")}</h2>
            {move || match levels.get().flatten() {
                None => view! { <p class="muted">{i18n.text("common.loading")}</p> }.into_any(),
                Some(Levels::NoEngineer) => ().into_any(),
                Some(Levels::Offline) => view! {
                    <p class="notice-inline" data-testid="stock-offline">{i18n.text("stock.offline")}</p>
                }.into_any(),
                Some(Levels::AuthExpired) => view! {
                    <p class="form-error" data-testid="stock-auth-expired">{i18n.text("status.auth_expired")}</p>
                    <button class="btn" data-testid="stock-relogin" on:click=move |_| { relogin.dispatch(()); }
                        disabled=move || relogin.pending().get()>{i18n.text("status.relogin")}</button>
                }.into_any(),
                Some(Levels::Failed(e)) => view! { <ErrorLine error=e class="error-text" testid="stock-error" /> }.into_any(),
                Some(Levels::Ready(levels, _)) if levels.is_empty() => view! {
                    <p class="empty" data-testid="stock-empty">{i18n.text("stock.empty")}</p>
                }.into_any(),
                Some(Levels::Ready(levels, names)) => view! { <StockLevels levels=levels names=names /> }.into_any(),
            }}
        </section>
        <form class="card stock-adjust" on:submit=submit>
            <h2>{i18n.text("stock.replenish")}</h2>
            <label>
                {i18n.text("stock.part_no")}
                <input type="text" data-testid="stock-adjust-part" autocomplete="off" bind:value=part />
            </label>
            <label>
                {i18n.text("stock.qty")}
                <input type="number" inputmode="numeric" step="1" data-testid="stock-adjust-qty" bind:value=qty />
            </label>
            <p class="muted">{i18n.text("stock.qty_hint")}</p>
            <label>
                {i18n.text("stock.reason")}
                <input type="text" data-testid="stock-adjust-reason" bind:value=reason />
            </label>
            {move || error.get().map(|k| view! {
                <p class="form-error" data-testid="stock-adjust-error" data-error=k>{i18n.text(k)}</p>
            })}
            <Show when=queued>
                <p class="ok-text" data-testid="stock-adjust-queued">{i18n.text("stock.queued")}</p>
            </Show>
            <button type="submit" class="btn btn-primary btn-block" data-testid="stock-adjust-submit"
                disabled=move || adjusting.get() || engineer.get().is_none()>
                {i18n.text("stock.adjust_submit")}
            </button>
        </form>
        <form class="card stock-reorder-point" novalidate on:submit=save_reorder_point>
            <h2>{i18n.text("stock.reorder_point")}</h2>
            <p class="muted">{i18n.text("stock.reorder_point_hint")}</p>
            <label>
                {i18n.text("stock.part_no")}
                <input type="text" data-testid="reorder-part" autocomplete="off" bind:value=rp_part />
            </label>
            <label>
                {i18n.text("stock.min_qty")}
                <input type="number" inputmode="numeric" min="0" step="1" data-testid="reorder-min" bind:value=rp_min />
            </label>
            {move || rp_shown_error().map(|e| view! { <ErrorLine error=e class="form-error" testid="reorder-error" /> })}
            <Show when=move || !online.get()>
                <p class="notice-inline" data-testid="reorder-offline">{i18n.text("stock.reorder_offline")}</p>
            </Show>
            <Show when=rp_saved>
                <p class="ok-text" data-testid="reorder-saved">{i18n.text("stock.reorder_saved")}</p>
            </Show>
            <button type="submit" class="btn btn-block" data-testid="reorder-submit"
                disabled=move || saving_rp.get() || !online.get() || engineer.get().is_none()>
                {i18n.text("stock.reorder_submit")}
            </button>
        </form>
    }
}

/// A failed request on this page, in translated keys; the technical detail stays in
/// `data-detail`, never shown as text.
#[component]
fn ErrorLine(error: UiError, class: &'static str, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class=class data-testid=testid data-error=error.key data-reason=error.reason
            data-detail=error.detail.clone()>
            {i18n.text(error.key)}
            {error.reason.map(|r| view! { " " <small class="error-detail">{i18n.text(r)}</small> })}
        </p>
    }
}

/// The reorder point the form describes, or the i18n key of what is wrong.
pub fn reorder_point_input(
    engineer: Option<Uuid>,
    part: &str,
    min_qty: &str,
) -> Result<(Uuid, String, i64), &'static str> {
    let engineer_id = engineer.ok_or("stock.need_engineer")?;
    let part_no = non_empty(part).ok_or("stock.need_part")?;
    let min_qty = min_qty
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=MAX_QTY).contains(n))
        .ok_or("stock.bad_min_qty")?;
    Ok((engineer_id, part_no, min_qty))
}

/// What a refused reorder point shows: a key for the server's code where there is one.
pub fn reorder_point_error(e: &ApiError) -> UiError {
    let key = match e {
        ApiError::Offline => "stock.reorder_offline",
        ApiError::Http { code, .. } if code == "unknown_part" => "stock.unknown_part",
        ApiError::Http { code, .. } if code == "invalid_min_qty" => "stock.bad_min_qty",
        _ => "stock.reorder_failed",
    };
    match key {
        "stock.reorder_failed" => UiError::from_api(key, e),
        _ => UiError::with(key, e.to_string()),
    }
}

/// The `stock.adjust` the form describes, or the i18n key of what is wrong.
pub fn adjust_args(
    engineer: Option<Uuid>,
    part: &str,
    qty: &str,
    reason: &str,
) -> Result<StockAdjustArgs, &'static str> {
    let engineer_id = engineer.ok_or("stock.need_engineer")?;
    let part_no = non_empty(part).ok_or("stock.need_part")?;
    let delta = qty
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| *d != 0 && d.abs() <= MAX_QTY)
        .ok_or("stock.bad_qty")?;
    let reason = non_empty(reason).ok_or("stock.need_reason")?;
    Ok(StockAdjustArgs {
        engineer_id,
        part_no,
        delta,
        reason,
    })
}

#[component]
pub fn StockPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    view! {
        <div class="stock-page">
            <h1 class="page-title">{i18n.text("stock.title")}</h1>
            {move || match state.actor_tracked().map(|a| a.role) {
                Some(Role::Manager) => view! { <ManagerStock /> }.into_any(),
                Some(Role::Engineer) => view! { <section class="card"><MyStock /></section> }.into_any(),
                None => ().into_any(),
            }}
        </div>
    }
}
