//! Form pieces shared by several cards: the one-line reason form (on hold / reopen / cancel),
//! its confirm / cancel row, a labelled multi-line text field, and the submit of a form whose
//! write is a Leptos `Action` ([`submit_checked`]).

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// The confirm (submit) and cancel buttons under a reason form; confirm is disabled while
/// `busy` or while `reason` is blank.
#[component]
pub fn ConfirmCancel(
    #[prop(into)] confirm_testid: String,
    confirm_key: &'static str,
    reason: RwSignal<String>,
    #[prop(into)] on_cancel: Callback<()>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="row">
            <button type="submit" class="btn btn-primary" data-testid=confirm_testid
                disabled=move || busy.get() || reason.with(|r| r.trim().is_empty())>
                {i18n.text(confirm_key)}
            </button>
            <button type="button" class="btn btn-ghost" on:click=move |_| on_cancel.run(())>
                {i18n.text("common.cancel")}
            </button>
        </div>
    }
}

/// A one-line reason (`action.reason`) with confirm / cancel; `on_submit` runs on submit
/// (the default submission prevented).
#[component]
pub fn ReasonForm(
    input_testid: &'static str,
    #[prop(into)] confirm_testid: String,
    reason: RwSignal<String>,
    #[prop(into)] on_submit: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="reason-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            on_submit.run(());
        }>
            <label>
                {i18n.text("action.reason")}
                <input type="text" required data-testid=input_testid bind:value=reason />
            </label>
            <ConfirmCancel confirm_testid=confirm_testid confirm_key="common.confirm"
                reason=reason on_cancel=on_cancel busy=busy />
        </form>
    }
}

/// A labelled three-row textarea bound to `value`.
pub fn labelled_textarea(
    key: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    disabled: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {i18n.text(key)}
            <textarea rows="3" data-testid=testid disabled=disabled
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </label>
    }
}

/// Submit a form whose write is `action` (its `pending()` disables the submit button, its
/// `value()` is the outcome the form shows): the previous outcome is cleared; input that failed
/// the form's check (`checked`) is shown through `error` and nothing runs; else `error` is
/// cleared and `action` runs on the input.
pub fn submit_checked<I, O, E>(
    action: Action<I, O>,
    error: RwSignal<Option<E>>,
    checked: Result<I, E>,
) where
    I: 'static,
    O: 'static,
    E: Send + Sync + 'static,
{
    action.clear();
    match checked {
        Ok(input) => {
            error.set(None);
            action.dispatch_local(input);
        }
        Err(e) => error.set(Some(e)),
    }
}
