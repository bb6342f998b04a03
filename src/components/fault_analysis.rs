//! The fault analysis report a severity-1 (major) fault needs before a manager may close the
//! case (`case.fault_analysis`): cause, impact, prevention.

use leptos::prelude::*;
use onsite_core::mutation::FaultAnalysisArgs;
use onsite_core::status::check;
use onsite_core::{Actor, Case, CaseAction, Mutation};

use crate::components::fmt::{local_time, non_empty};
use crate::components::forms::labelled_textarea;
use crate::i18n::use_i18n;

/// Who may record one: onsite-core's rule (`CaseAction::FaultAnalysis`), written once there.
pub fn can_record_fault_analysis(actor: &Actor, case: &Case) -> bool {
    check(actor, case, CaseAction::FaultAnalysis).is_ok()
}

/// The fault-analysis card on severity-1 cases (shown filled when one is recorded).
#[component]
pub fn FaultAnalysisForm(
    case: Case,
    actor: Actor,
    #[prop(into)] on_save: Callback<Mutation>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    if case.severity.level() != 1 && case.fault_analysis.is_none() {
        return ().into_any();
    }
    let case_id = case.id;
    let editable = can_record_fault_analysis(&actor, &case);
    let fa = case.fault_analysis.clone();
    let text = |f: fn(&onsite_core::FaultAnalysis) -> &String| {
        RwSignal::new(fa.as_ref().map(|a| f(a).clone()).unwrap_or_default())
    };
    let cause = text(|a| &a.cause);
    let impact = text(|a| &a.impact);
    let prevention = text(|a| &a.prevention);
    let error = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(c), Some(i), Some(p)) = (
            non_empty(&cause.get_untracked()),
            non_empty(&impact.get_untracked()),
            non_empty(&prevention.get_untracked()),
        ) else {
            error.set(true);
            return;
        };
        error.set(false);
        on_save.run(Mutation::FaultAnalysis(FaultAnalysisArgs {
            case_id,
            cause: c,
            impact: i,
            prevention: p,
        }));
    };
    let area = move |key: &'static str, testid: &'static str, sig: RwSignal<String>| {
        labelled_textarea(key, testid, sig, !editable)
    };
    let recorded = fa.as_ref().map(|a| local_time(a.at));
    view! {
        <form class="card fault-analysis" data-testid="fault-analysis"
            data-recorded=fa.is_some().to_string() on:submit=submit>
            <h2>{i18n.text("fault.title")}</h2>
            <p class="muted">
                {match recorded {
                    Some(t) => (move || i18n.tf("fault.recorded_at", &[("t", t.clone())])).into_any(),
                    None => i18n.text("fault.needed").into_any(),
                }}
            </p>
            {area("fault.cause", "fault-cause", cause)}
            {area("fault.impact", "fault-impact", impact)}
            {area("fault.prevention", "fault-prevention", prevention)}
            {move || error.get().then(|| view! {
                <p class="form-error" data-testid="fault-error" data-error="fault.need_all">{i18n.text("fault.need_all")}</p>
            })}
            {editable.then(|| view! {
                <button type="submit" class="btn btn-primary btn-block" data-testid="fault-save"
                    disabled=move || busy.get()>
                    {i18n.text("fault.save")}
                </button>
            })}
        </form>
    }
    .into_any()
}
