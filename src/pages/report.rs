use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::mutation::{FollowUpArgs, ReportArgs};
use onsite_core::status::check;
use onsite_core::{Case, CaseAction, Mutation, RepairResult, Report};

use super::case_detail::CaseHeading;
use super::CaseMissing;
use crate::components::forms::labelled_textarea;
use crate::hooks::{use_case, use_case_id, CaseLoad};
use crate::i18n::use_i18n;
use crate::state::use_app;

pub fn result_code(r: RepairResult) -> &'static str {
    match r {
        RepairResult::Resolved => "resolved",
        RepairResult::Workaround => "workaround",
        RepairResult::Unresolved => "unresolved",
    }
}

fn parse_result(s: &str) -> Option<RepairResult> {
    match s {
        "resolved" => Some(RepairResult::Resolved),
        "workaround" => Some(RepairResult::Workaround),
        "unresolved" => Some(RepairResult::Unresolved),
        _ => None,
    }
}

/// Only the fields that differ from `old`; `None` when nothing changed.
pub fn report_changes(case_id: uuid::Uuid, old: &Report, new: &Report) -> Option<ReportArgs> {
    fn diff(old: &Option<String>, new: &Option<String>) -> Option<String> {
        let o = old.as_deref().unwrap_or("");
        let n = new.as_deref().unwrap_or("");
        (o != n).then(|| n.to_string())
    }
    let args = ReportArgs {
        case_id,
        symptom: diff(&old.symptom, &new.symptom),
        cause: diff(&old.cause, &new.cause),
        actions: diff(&old.actions, &new.actions),
        result: new.result.filter(|r| old.result != Some(*r)),
        verification: diff(&old.verification, &new.verification),
        leftover: diff(&old.leftover, &new.leftover),
    };
    let changed = args.symptom.is_some()
        || args.cause.is_some()
        || args.actions.is_some()
        || args.result.is_some()
        || args.verification.is_some()
        || args.leftover.is_some();
    changed.then_some(args)
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let id = use_case_id();
    // Loaded once: a background sync must not wipe what is being typed.
    let case = use_case(id, false);
    move || match case.get() {
        CaseLoad::Ready(c) => view! { <ReportForm case=*c /> }.into_any(),
        other => view! { <CaseMissing load=other /> }.into_any(),
    }
}

#[component]
fn ReportForm(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let case_id = case.id;
    let editable = state
        .actor()
        .map(|a| check(&a, &case, CaseAction::Report).is_ok())
        .unwrap_or(false);
    let baseline = StoredValue::new(case.report.clone());
    let r = &case.report;
    let text = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let symptom = text(&r.symptom);
    let cause = text(&r.cause);
    let actions = text(&r.actions);
    let verification = text(&r.verification);
    let leftover = text(&r.leftover);
    let result = RwSignal::new(r.result.map(result_code).unwrap_or("").to_string());
    let busy = RwSignal::new(false);
    let notice: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let can_follow_up = state
        .actor()
        .map(|a| check(&a, &case, CaseAction::FollowUp).is_ok())
        .unwrap_or(false);
    let follow_ups: RwSignal<Vec<uuid::Uuid>> = RwSignal::new(case.follow_ups.clone());
    let open_follow_up = move |_| {
        let Some(text) = crate::components::fmt::non_empty(&leftover.get_untracked()) else {
            return;
        };
        let new_case_id = uuid::Uuid::new_v4();
        busy.set(true);
        spawn_local(async move {
            let m = Mutation::FollowUp(FollowUpArgs {
                case_id,
                new_case_id,
                leftover: text,
            });
            if state.perform(m, vec![]).await {
                follow_ups.update(|f| f.push(new_case_id));
            }
            busy.set(false);
        });
    };

    let current = move || Report {
        symptom: Some(symptom.get_untracked()),
        cause: Some(cause.get_untracked()),
        actions: Some(actions.get_untracked()),
        result: parse_result(&result.get_untracked()),
        verification: Some(verification.get_untracked()),
        leftover: Some(leftover.get_untracked()),
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = current();
        let Some(args) = baseline.with_value(|old| report_changes(case_id, old, &new)) else {
            notice.set(Some("report.no_changes"));
            return;
        };
        busy.set(true);
        notice.set(None);
        spawn_local(async move {
            if state.perform(Mutation::Report(args), vec![]).await {
                baseline.update_value(|b| {
                    let mut merged = new.clone();
                    if merged.result.is_none() {
                        merged.result = b.result;
                    }
                    *b = merged;
                });
                notice.set(Some("report.saved"));
            }
            busy.set(false);
        });
    };

    let area = move |key: &'static str, testid: &'static str, sig: RwSignal<String>| {
        labelled_textarea(key, testid, sig, !editable)
    };

    let time_entries = case.time_entries.clone();
    view! {
        <CaseHeading case=case.clone() back=true />
        <form class="card report-form" on:submit=submit>
            <h2>{i18n.text("report.title")}</h2>
            {(!editable).then(|| view! { <p class="muted">{i18n.text("report.read_only")}</p> })}
            {area("report.symptom", "report-symptom", symptom)}
            {area("report.cause", "report-cause", cause)}
            {area("report.actions", "report-actions", actions)}
            <label>
                {i18n.text("report.result")}
                <select data-testid="report-result" disabled=!editable
                    prop:value=move || result.get()
                    on:change=move |ev| result.set(event_target_value(&ev))>
                    <option value="" selected=move || result.get().is_empty()>{i18n.text("report.result_unset")}</option>
                    {["resolved", "workaround", "unresolved"].into_iter().map(|code| {
                        let key = format!("result.{code}");
                        view! { <option value=code selected=move || result.get() == code>{move || i18n.t(&key)}</option> }
                    }).collect_view()}
                </select>
            </label>
            {area("report.verification", "report-verification", verification)}
            {area("report.leftover", "report-leftover", leftover)}
            {can_follow_up.then(|| view! {
                <button type="button" class="btn" data-testid="action-follow-up"
                    disabled=move || busy.get() || leftover.with(|l| l.trim().is_empty())
                    on:click=open_follow_up>
                    {i18n.text("follow_up.open")}
                </button>
            })}
            {move || {
                let list = follow_ups.get();
                (!list.is_empty()).then(|| view! {
                    <p data-testid="follow-up-created">
                        {i18n.text("follow_up.cases")} " "
                        {list.into_iter().map(|f| view! {
                            <a href=format!("/cases/{f}") class="link-tap" data-testid="follow-up-link">
                                {onsite_core::Case::number_for(f)}
                            </a>
                            " "
                        }).collect_view()}
                    </p>
                })
            }}
            {move || notice.get().map(|k| view! { <p class="ok-text" data-testid="report-notice" data-notice=k>{i18n.text(k)}</p> })}
            <button type="submit" class="btn btn-primary btn-block" data-testid="report-save"
                disabled=move || busy.get() || !editable>
                {i18n.text("report.save")}
            </button>
        </form>
        <section class="card labour-summary">
            <h2>{i18n.text("time.title")}</h2>
            <crate::components::TimeEntries entries=Signal::stored(time_entries) />
        </section>
    }
}
