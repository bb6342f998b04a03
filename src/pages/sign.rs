use chrono::Utc;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use onsite_core::mutation::SignOffArgs;
use onsite_core::status::check;
use onsite_core::{sha256_hex, Case, CaseAction, Mutation, SignOff};
use uuid::Uuid;

use super::case_detail::CaseHeading;
use crate::components::fields::{field, report_fields};
use crate::components::fmt::{local_time, non_empty};
use crate::components::forms::submit_checked;
use crate::components::signature_pad::canvas_png;
use crate::components::SignaturePad;
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

#[component]
pub fn SignPage() -> impl IntoView {
    // Loaded once: the pad must survive background syncs.
    super::case_page(false, |case| view! { <SignForm case /> })
}

/// What the customer is confirming.
#[component]
fn ReportSummary(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let r = case.report.clone();
    let parts = case
        .net_parts()
        .into_iter()
        .filter(|(_, q)| *q != 0)
        .map(|(p, q)| format!("{p} × {q}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="card summary" data-testid="sign-summary">
            <h2>{i18n.text("sign.summary")}</h2>
            <dl>
                {report_fields(i18n, &r)}
                {(!parts.is_empty()).then(|| field(i18n, "parts.used", parts))}
            </dl>
        </section>
    }
}

/// What the customer gives: a name, and the signature as PNG bytes or the reason there is none.
#[derive(Clone)]
struct Signing {
    signer_name: String,
    png: Option<Vec<u8>>,
    unsigned_reason: Option<String>,
}

/// The sign-off the form describes, or the i18n key of what is missing; `png` exports the pad
/// (asked only when the customer signs).
fn signing(
    signer: &str,
    unsigned: bool,
    unsigned_reason: &str,
    png: impl FnOnce() -> Result<Vec<u8>, &'static str>,
) -> Result<Signing, &'static str> {
    let signer_name = non_empty(signer).ok_or("sign.need_name")?;
    if unsigned {
        let reason = non_empty(unsigned_reason).ok_or("sign.need_reason")?;
        return Ok(Signing {
            signer_name,
            png: None,
            unsigned_reason: Some(reason),
        });
    }
    Ok(Signing {
        signer_name,
        png: Some(png()?),
        unsigned_reason: None,
    })
}

#[component]
fn SignForm(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let navigate = use_navigate();
    let case_id = case.id;
    let allowed = state
        .actor()
        .map(|a| check(&a, &case, CaseAction::SignOff).is_ok())
        .unwrap_or(false);

    if let Some(s) = case.sign_off.clone() {
        return view! {
            <CaseHeading case=case.clone() back=true />
            <section class="card" data-testid="sign-done">
                <h2>{i18n.text("case.sign_off")}</h2>
                <p>
                    {
                        let (name, at) = (s.signer_name.clone(), local_time(s.signed_at));
                        move || i18n.tf("sign.signed_by", &[("name", name.clone()), ("t", at.clone())])
                    }
                </p>
                {s.satisfaction.map(|n| view! { <p>{i18n.text("sign.satisfaction")} ": " {"★".repeat(n as usize)}</p> })}
                {s.unsigned_reason.clone().map(|r| view! { <p>{i18n.text("sign.unsigned")} ": " {r}</p> })}
            </section>
        }
        .into_any();
    }

    // The report as shown: what the customer confirms. Re-checked at save time.
    let shown = RwSignal::new(case.clone());
    let canvas_ref: NodeRef<Canvas> = NodeRef::new();
    let has_ink = RwSignal::new(false);
    let signer = RwSignal::new(case.customer.contact.clone().unwrap_or_default());
    let satisfaction: RwSignal<Option<u8>> = RwSignal::new(None);
    let comment = RwSignal::new(String::new());
    let unsigned = RwSignal::new(false);
    let unsigned_reason = RwSignal::new(String::new());
    // A check that failed before saving; a report changed meanwhile is the save's value.
    let form_error: RwSignal<Option<&'static str>> = RwSignal::new(None);
    // One id per visit to this page: a double tap records the same sign-off twice (a no-op).
    let signoff_id = StoredValue::new(Uuid::new_v4());

    // The value: the form error the save ended with, if any (other failures are shown by the
    // app's banner).
    let save = Action::new_local(move |signing: &Signing| {
        let Signing {
            signer_name,
            png,
            unsigned_reason,
        } = signing.clone();
        let navigate = navigate.clone();
        async move {
            let blob = png.map(|bytes| (sha256_hex(&bytes), bytes));
            // The report may have changed (another tab, a sync) since it was shown.
            let fresh = match state.store() {
                Some(store) => store.case(case_id).await,
                None => Ok(None),
            };
            let fresh = match fresh {
                Ok(Some(c)) => c,
                Ok(None) => {
                    state.show_error(UiError::new("case.missing"));
                    return None;
                }
                Err(e) => {
                    state.show_error(UiError::from_store(&e));
                    return None;
                }
            };
            let report_sha256 = fresh.report_sha256();
            if report_sha256 != shown.with_untracked(|c| c.report_sha256()) {
                shown.set(fresh);
                return Some("sign.report_changed");
            }
            let m = Mutation::SignOff(SignOffArgs {
                case_id,
                sign_off: SignOff {
                    signoff_id: signoff_id.get_value(),
                    signer_name,
                    signature_sha256: blob.as_ref().map(|(h, _)| h.clone()),
                    unsigned_reason,
                    report_sha256,
                    satisfaction: satisfaction.get_untracked(),
                    comment: non_empty(&comment.get_untracked()),
                    signed_at: Utc::now(),
                },
            });
            if state.perform(m, blob.into_iter().collect()).await {
                navigate(&format!("/cases/{case_id}"), Default::default());
            }
            None
        }
    });
    let busy = save.pending();
    let ended_with = save.value();
    let shown_error = move || form_error.get().or_else(|| ended_with.get().flatten());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let checked = signing(
            &signer.get_untracked(),
            unsigned.get_untracked(),
            &unsigned_reason.get_untracked(),
            // Export the PNG (and so hash it) before anything touches IndexedDB.
            || {
                if !has_ink.get_untracked() {
                    return Err("sign.need_signature");
                }
                canvas_ref
                    .get_untracked()
                    .and_then(|c| canvas_png(&c))
                    .ok_or("sign.export_failed")
            },
        );
        submit_checked(save, form_error, checked);
    };

    let stars = (1u8..=5)
        .map(|n| {
            view! {
                <button
                    type="button"
                    class="star"
                    class:on=move || satisfaction.get().is_some_and(|s| s >= n)
                    aria-pressed=move || (satisfaction.get() == Some(n)).to_string()
                    aria-label=move || i18n.tf("sign.stars", &[("n", n.to_string())])
                    data-testid=format!("satisfaction-{n}")
                    on:click=move |_| satisfaction.set(Some(n))
                >
                    "★"
                </button>
            }
        })
        .collect_view();

    view! {
        <CaseHeading case=case.clone() back=true />
        {move || view! { <ReportSummary case=shown.get() /> }}
        {(!allowed).then(|| view! { <p class="card muted">{i18n.text("sign.not_allowed")}</p> })}
        <form class="card sign-form" on:submit=submit>
            <h2>{i18n.text("sign.title")}</h2>
            <label class="check">
                <input type="checkbox" data-testid="sign-unsigned" bind:checked=unsigned />
                {i18n.text("sign.could_not_sign")}
            </label>
            <div class:hidden=move || unsigned.get()>
                <SignaturePad canvas_ref=canvas_ref has_ink=has_ink />
            </div>
            <Show when=move || unsigned.get()>
                <label>
                    {i18n.text("sign.unsigned_reason")}
                    <input type="text" data-testid="sign-unsigned-reason" bind:value=unsigned_reason />
                </label>
            </Show>
            <label>
                {i18n.text("sign.signer_name")}
                <input type="text" autocomplete="name" data-testid="signer-name" bind:value=signer />
            </label>
            <fieldset class="stars">
                <legend>{i18n.text("sign.satisfaction")}</legend>
                {stars}
            </fieldset>
            <label>
                {i18n.text("sign.comment")}
                <textarea rows="2" data-testid="sign-comment"
                    prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </label>
            {move || shown_error().map(|k| view! { <p class="form-error" role="alert" data-testid="sign-error" data-error=k>{i18n.text(k)}</p> })}
            <button type="submit" class="btn btn-primary btn-block" data-testid="sign-save"
                disabled=move || busy.get() || !allowed>
                {i18n.text("sign.save")}
            </button>
        </form>
    }
    .into_any()
}
