use leptos::prelude::*;
use onsite_core::mutation::{FollowUpArgs, ReportArgs};
use onsite_core::status::check;
use onsite_core::{Case, CaseAction, Mutation, RepairResult, Report};

use super::case_detail::CaseHeading;
use crate::components::forms::{labelled_textarea, submit_checked};
use crate::i18n::use_i18n;
use crate::state::use_app;

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
    super::case_page(false, |case| view! { <ReportForm case /> })
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
    let result = RwSignal::new(r.result.map(RepairResult::as_str).unwrap_or("").to_string());
    // "No changes" (found before saving); "saved" is the save action's value.
    let notice: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let can_follow_up = state
        .actor()
        .map(|a| check(&a, &case, CaseAction::FollowUp).is_ok())
        .unwrap_or(false);
    let follow_ups: RwSignal<Vec<uuid::Uuid>> = RwSignal::new(case.follow_ups.clone());
    let follow_up = Action::new_local(move |text: &String| {
        let new_case_id = uuid::Uuid::new_v4();
        let m = Mutation::FollowUp(FollowUpArgs {
            case_id,
            new_case_id,
            leftover: text.clone(),
        });
        async move {
            if state.perform(m, vec![]).await {
                follow_ups.update(|f| f.push(new_case_id));
            }
        }
    });
    let open_follow_up = move |_| {
        if let Some(text) = crate::components::fmt::non_empty(&leftover.get_untracked()) {
            follow_up.dispatch(text);
        }
    };

    let current = move || Report {
        symptom: Some(symptom.get_untracked()),
        cause: Some(cause.get_untracked()),
        actions: Some(actions.get_untracked()),
        result: RepairResult::parse(&result.get_untracked()),
        verification: Some(verification.get_untracked()),
        leftover: Some(leftover.get_untracked()),
    };

    // Whether the report was recorded (a failure is shown by `perform`).
    let save = Action::new_local(move |(args, new): &(ReportArgs, Report)| {
        let (args, new) = (args.clone(), new.clone());
        async move {
            let saved = state.perform(Mutation::Report(args), vec![]).await;
            if saved {
                baseline.update_value(|b| {
                    let mut merged = new;
                    if merged.result.is_none() {
                        merged.result = b.result;
                    }
                    *b = merged;
                });
            }
            saved
        }
    });
    let saved = save.value();
    let shown_notice = move || {
        notice
            .get()
            .or_else(|| (saved.get() == Some(true)).then_some("report.saved"))
    };
    // One write at a time from this form.
    let (saving, following_up) = (save.pending(), follow_up.pending());
    let busy = move || saving.get() || following_up.get();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = current();
        let checked = baseline
            .with_value(|old| report_changes(case_id, old, &new))
            .map(|args| (args, new))
            .ok_or("report.no_changes");
        submit_checked(save, notice, checked);
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
                    disabled=move || busy() || leftover.with(|l| l.trim().is_empty())
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
            {move || shown_notice().map(|k| view! { <p class="ok-text" data-testid="report-notice" data-notice=k>{i18n.text(k)}</p> })}
            <button type="submit" class="btn btn-primary btn-block" data-testid="report-save"
                disabled=move || busy() || !editable>
                {i18n.text("report.save")}
            </button>
        </form>
        <section class="card labour-summary">
            <h2>{i18n.text("time.title")}</h2>
            <crate::components::TimeEntries entries=Signal::stored(time_entries) />
        </section>
    }
}
