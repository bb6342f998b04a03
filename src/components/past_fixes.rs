//! Past fixes (closed, resolved cases condensed by the server) searched on the device:
//! on the case page for the same product model, and on `/knowledge` over all of them.

use leptos::prelude::*;
use onsite_core::knowledge::{search, PastFix};
use uuid::Uuid;

use crate::components::fmt::local_time;
use crate::hooks::use_past_fixes;
use crate::i18n::use_i18n;

/// One past fix, summary first; tap for the details.
#[component]
pub fn PastFixRow(fix: PastFix) -> impl IntoView {
    let i18n = use_i18n();
    let result_key = format!("result.{}", fix.result.as_str());
    let parts = fix
        .parts
        .iter()
        .map(|p| format!("{} × {}", p.part_no, p.qty))
        .collect::<Vec<_>>()
        .join(", ");
    let line = move |key: &'static str, v: String| {
        (!v.trim().is_empty()).then(|| {
            view! {
                <div class="field">
                    <dt>{i18n.text(key)}</dt>
                    <dd class="pre">{v}</dd>
                </div>
            }
        })
    };
    view! {
        <li class="past-fix" data-testid="past-fix-row" data-case-id=fix.case_id.to_string()
            data-model=fix.product_model.clone()>
            <details>
                <summary>
                    <span class="case-number">{fix.number.clone()}</span>
                    " "
                    <strong>{fix.title.clone()}</strong>
                    <span class="past-fix-meta muted">
                        {fix.product_model.clone()}
                        " · "
                        {move || i18n.t(&result_key)}
                        {fix.resolved_at.map(|t| {
                            let t = local_time(t);
                            view! { " · " {move || i18n.tf("knowledge.resolved", &[("t", t.clone())])} }
                        })}
                    </span>
                    {(!fix.symptom.trim().is_empty()).then(|| view! {
                        <span class="past-fix-symptom">{fix.symptom.clone()}</span>
                    })}
                </summary>
                <dl>
                    {line("report.cause", fix.cause.clone())}
                    {line("report.actions", fix.actions.clone())}
                    {line("knowledge.parts", parts)}
                </dl>
            </details>
        </li>
    }
}

/// Search box + results over `fixes` (optionally only `model`'s, leaving out `exclude`).
#[component]
pub fn PastFixSearch(
    #[prop(into)] fixes: Signal<Option<Vec<PastFix>>>,
    #[prop(optional)] model: Option<String>,
    #[prop(optional)] exclude: Option<Uuid>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let hits = Memo::new(move |_| {
        fixes.with(|f| {
            f.as_ref().map(|f| {
                search(f, model.as_deref(), &query.get())
                    .into_iter()
                    .filter(|h| Some(h.case_id) != exclude)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let none_at_all = move || fixes.with(|f| f.as_ref().is_some_and(|f| f.is_empty()));
    view! {
        <label class="past-fix-search">
            {i18n.text("knowledge.search")}
            <input type="search" data-testid="past-fix-search" autocomplete="off"
                placeholder=i18n.text("knowledge.search_hint")
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev)) />
        </label>
        {move || match hits.get() {
            None => view! { <p class="muted">{i18n.text("common.loading")}</p> }.into_any(),
            Some(list) if list.is_empty() => view! {
                <p class="muted" data-testid="past-fix-none">
                    {move || if none_at_all() { i18n.t("knowledge.empty") } else { i18n.t("knowledge.none") }}
                </p>
            }.into_any(),
            Some(list) => {
                let n = list.len();
                view! {
                    <p class="muted" data-testid="past-fix-count" data-count=n.to_string()>
                        {move || i18n.tf("knowledge.count", &[("n", n.to_string())])}
                    </p>
                    <ul class="past-fixes">
                        {list.into_iter().map(|f| view! { <PastFixRow fix=f /> }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}

/// The past-fixes card on the case page: same product model.
#[component]
pub fn PastFixes(case_id: Uuid, model: String) -> impl IntoView {
    let i18n = use_i18n();
    let fixes = use_past_fixes();
    view! {
        <section class="card past-fixes-card" data-testid="past-fixes">
            <h2>{i18n.text("knowledge.same_model")} <small class="muted">{format!(" · {model}")}</small></h2>
            <PastFixSearch fixes=fixes model=model exclude=case_id />
            <a href="/knowledge" class="link-tap" data-testid="nav-knowledge">{i18n.text("nav.knowledge")} " ›"</a>
        </section>
    }
}
