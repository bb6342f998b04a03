use std::sync::Arc;

use leptos::prelude::*;
use onsite_core::status::{check_desk, DeskAction};
use onsite_core::{CaseSummary, Category, Role, ServiceMode};
use uuid::Uuid;

use crate::components::{EscalatedBadge, SeverityBadge, StatusBadge, TimeLeftBadge};
use crate::hooks::use_case_summaries;
use crate::i18n::{lookup, use_i18n};
use crate::state::use_app;

/// Rows rendered at once when the list appears; then `MORE_ROWS` at a time, on their own up
/// to `UNPROMPTED_ROWS` (any engineer's day and more), beyond that as the end of the list
/// comes into view: 5,000 rows in the page would make every later task and the tap slow.
const FIRST_ROWS: usize = 24;
const MORE_ROWS: usize = 40;
const UNPROMPTED_ROWS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Loading,
    FilteredOut,
    Empty,
    Rows,
}

pub use crate::case_filter::CaseFilter;

/// Mode, category, severity, search and "escalated only" over the case list.
#[component]
pub fn CaseFilters(filter: RwSignal<CaseFilter>) -> impl IntoView {
    let i18n = use_i18n();
    let select = move |testid: &'static str,
                       label: &'static str,
                       options: Vec<(String, String)>,
                       get: fn(&CaseFilter) -> &String,
                       set: fn(&mut CaseFilter, String)| {
        view! {
            <label class="filter">
                {i18n.text(label)}
                <select data-testid=testid
                    prop:value=move || filter.with(|f| get(f).clone())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| set(f, v));
                    }>
                    <option value="">{i18n.text("filter.any")}</option>
                    {options.into_iter().map(|(v, key)| {
                        let sel = filter.with_untracked(|f| *get(f) == v);
                        view! { <option value=v selected=sel>{move || i18n.t(&key)}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let modes = ServiceMode::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), format!("mode.{}", m.as_str())))
        .collect();
    let categories = Category::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), format!("category.{}", c.as_str())))
        .collect();
    let severities = (1..=4u8)
        .map(|l| (l.to_string(), format!("severity.{l}")))
        .collect();
    // The search stays in view; the rest waits behind one control that counts what is set,
    // so the first screen of a phone shows cases, not a form.
    let open = RwSignal::new(false);
    let hidden_active = move || filter.with(CaseFilter::hidden_active);
    view! {
        <div class="filters" role="search">
            <div class="filter-bar">
                <label class="filter filter-search">
                    <span class="visually-hidden">{i18n.text("filter.search")}</span>
                    <input type="search" data-testid="filter-search"
                        placeholder=i18n.text("filter.search_hint")
                        prop:value=move || filter.with(|f| f.search.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            filter.update(|f| f.search = v);
                        } />
                </label>
                <button type="button" class="btn btn-ghost filter-toggle" data-testid="filter-toggle"
                    aria-controls="case-filter-panel"
                    aria-expanded=move || if open.get() { "true" } else { "false" }
                    class:active=move || { hidden_active() > 0 }
                    on:click=move |_| open.update(|o| *o = !*o)>
                    {i18n.text("filter.toggle")}
                    <Show when=move || { hidden_active() > 0 }>
                        <span class="filter-count" data-testid="filter-count">{hidden_active}</span>
                    </Show>
                </button>
            </div>
            <div class="filter-panel" id="case-filter-panel" data-testid="filter-panel"
                hidden=move || !open.get()>
                {select("filter-mode", "filter.mode", modes, |f| &f.mode, |f, v| f.mode = v)}
                {select("filter-category", "filter.category", categories, |f| &f.category, |f, v| f.category = v)}
                {select("filter-severity", "filter.severity", severities, |f| &f.severity, |f, v| f.severity = v)}
                <label class="check filter-escalated">
                    <input type="checkbox" data-testid="filter-escalated"
                        prop:checked=move || filter.with(|f| f.escalated_only)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            filter.update(|f| f.escalated_only = on);
                        } />
                    {i18n.text("filter.escalated")}
                </label>
            </div>
            <Show when=move || filter.with(CaseFilter::is_active)>
                <button type="button" class="btn btn-ghost filter-clear" data-testid="filter-clear"
                    on:click=move |_| filter.set(CaseFilter::default())>
                    {i18n.text("filter.clear")}
                </button>
            </Show>
        </div>
    }
}

/// My cases (an engineer's assigned cases; a manager sees every case), by SLA urgency,
/// narrowed by the filters kept in `AppState`.
#[component]
pub fn CaseList(#[prop(optional, into)] selected: Signal<Option<Uuid>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let filter = state.case_filter;
    let cases = use_case_summaries();
    let visible = Memo::new(move |_| {
        let actor = state.actor_tracked()?;
        // An engineer's list is their cases; the rows are shared with the read, not copied.
        let mine =
            |c: &CaseSummary| actor.role != Role::Engineer || c.assignee_id == Some(actor.user_id);
        let read = cases.with(|read| {
            read.as_ref().map(|read| match read {
                Ok(all) => Ok(all.iter().filter(|c| mine(c)).cloned().collect::<Vec<_>>()),
                Err(e) => Err(e.clone()),
            })
        })?;
        let mut list = match read {
            Ok(list) => list,
            Err(e) => {
                state.error.set(Some(e));
                return None;
            }
        };
        let total = list.len();
        filter.with(|f| list.retain(|c| f.matches(c)));
        list.sort_by(|a, b| a.cmp_urgency(b));
        Some((total, list))
    });
    let kind = Memo::new(move |_| {
        visible.with(|v| match v {
            None => ListKind::Loading,
            Some((total, list)) if list.is_empty() && *total > 0 => ListKind::FilteredOut,
            Some((_, list)) if list.is_empty() => ListKind::Empty,
            Some(_) => ListKind::Rows,
        })
    });
    // The first screenful at once, more in chunks after it (each a task of its own, so a tap
    // between them is answered); rows are keyed, so growing the list or a sync that changed
    // one case re-renders only what changed.
    let limit = RwSignal::new(FIRST_ROWS);
    let len = move || visible.with(|v| v.as_ref().map_or(0, |(_, l)| l.len()));
    let settled = move || limit.get() >= len().min(UNPROMPTED_ROWS);
    let left = Signal::derive(move || len().saturating_sub(limit.get()));
    let more = Callback::new(move |()| {
        limit.try_update(|n| *n += MORE_ROWS);
    });
    Effect::new(move |_| {
        if !settled() {
            set_timeout(
                // The list may be gone by then (a tap opened a case).
                move || {
                    limit.try_update(|n| *n += MORE_ROWS);
                },
                std::time::Duration::ZERO,
            );
        }
    });
    let rows = move || {
        let n = limit.get();
        // Rows read their texts once; a language change must give them new keys.
        i18n.lang.track();
        visible.with(|v| {
            v.as_ref()
                .map(|(_, l)| l.iter().take(n).cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };

    view! {
        <section class="case-list" aria-label=i18n.text("cases.title")>
            <h1 class="page-title">
                {i18n.text("cases.title")}
                <small class="muted" data-testid="cases-count"
                    data-total=move || visible.with(|v| v.as_ref().map(|(total, _)| total.to_string()))>
                    {move || visible.with(|v| v.as_ref().map(|(total, v)| {
                        if v.len() == *total {
                            format!(" ({total})")
                        } else {
                            format!(" ({}/{total})", v.len())
                        }
                    }))}
                </small>
            </h1>
            {move || state.actor_tracked().is_some_and(|a| check_desk(&a, DeskAction::CreateCase).is_ok()).then(|| view! {
                <a href="/new-case" class="btn btn-primary btn-block new-case" data-testid="new-case">
                    "+ " {i18n.text("new_case.title")}
                </a>
            })}
            <CaseFilters filter=filter />
            {move || match kind.get() {
                ListKind::Loading => view! { <p class="muted">{i18n.text("common.loading")}</p> }.into_any(),
                ListKind::FilteredOut => {
                    view! { <p class="empty" data-testid="cases-filtered-out">{i18n.text("filter.none_match")}</p> }
                        .into_any()
                }
                ListKind::Empty => {
                    view! { <p class="empty" data-testid="cases-empty">{i18n.text("cases.empty")}</p> }
                        .into_any()
                }
                ListKind::Rows => {
                    view! {
                        <ul class="rows" data-testid="case-rows"
                            data-settled=move || settled().then_some("true")>
                            <For each=rows key=move |c| ((**c).clone(), i18n.lang.get_untracked()) let:c>
                                <CaseRow case=c selected=selected />
                            </For>
                        </ul>
                        <Show when=move || { left.get() > 0 }>
                            <MoreRows left=left more=more />
                        </Show>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// The end of a long list: shows the next rows when it scrolls into view, or when pressed.
#[component]
fn MoreRows(left: Signal<usize>, more: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let button: NodeRef<leptos::html::Button> = NodeRef::new();
    // A new observer after each growth: its first report says whether the end is still in
    // view (a tall screen, a short chunk), and then it grows again.
    Effect::new(move |_| {
        left.track();
        let Some(el) = button.get() else {
            return;
        };
        let observer = crate::browser::when_visible(&el, "600px", move || more.run(()));
        let observer = StoredValue::new_local(observer);
        on_cleanup(move || observer.set_value(None));
    });
    view! {
        <button type="button" class="btn btn-ghost btn-block list-more" data-testid="list-more"
            node_ref=button on:click=move |_| more.run(())>
            {i18n.text("cases.more")} " (" {left} ")"
        </button>
    }
}

/// One row. Its texts are read once (not one reactive closure each: a list holds hundreds of
/// rows); a language change re-renders the rows through the list's key.
#[component]
pub fn CaseRow(
    case: Arc<CaseSummary>,
    #[prop(into)] selected: Signal<Option<Uuid>>,
) -> impl IntoView {
    let state = use_app();
    let i18n = use_i18n();
    let lang = i18n.lang.get_untracked();
    let t = move |key: &str| lookup(lang, key);
    let id = case.id;
    let status = case.status.as_str();
    let tier = case.escalation_tier;
    let mode = case.mode.as_str();
    let category = case.category.as_str();
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
                // Three lines on a phone: the number and the time left, the title, then
                // severity, status and the rest (cut, not wrapped: the case page has it all).
                <div class="row-top">
                    <span class="case-number">{case.number.clone()}</span>
                    <TimeLeftBadge sla=case.sla.clone() now=state.now />
                    // Rare (escalated cases only), so it may stay reactive.
                    {escalated.then(|| view! { <EscalatedBadge tier=tier /> })}
                </div>
                <div class="case-title">{case.title.clone()}</div>
                <div class="row-bottom">
                    <SeverityBadge severity=case.severity lang=lang />
                    <StatusBadge status=case.status lang=lang />
                    <span class="case-sub">
                        <span class="row-mode" data-testid="row-mode" data-mode=mode>{t(&format!("mode.{mode}"))}</span>
                        " · "
                        <span class="row-category" data-testid="row-category" data-category=category>{t(&format!("category.{category}"))}</span>
                        " · "
                        <span>{case.customer_name.clone()}</span>
                        " · "
                        <span>{case.site_address.clone()}</span>
                    </span>
                </div>
            </a>
        </li>
    }
}
