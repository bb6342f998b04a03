use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::state::UiError;

/// A visible error the user has to dismiss. Errors are never swallowed.
#[component]
pub fn ErrorBanner(error: RwSignal<Option<UiError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            view! {
                <div class="error-banner" role="alert" data-testid="error-banner" data-error=e.key
                    data-reason=e.reason data-detail=e.detail.clone()>
                    <div class="error-text">
                        <strong>{move || i18n.t(e.key)}</strong>
                        {e.reason.map(|r| view! { <small class="error-detail">{move || i18n.t(r)}</small> })}
                    </div>
                    {(e.key == "error.db_version").then(|| view! {
                        <button
                            class="btn btn-primary"
                            data-testid="reload"
                            on:click=|_| {
                                if let Some(w) = web_sys::window() {
                                    let _ = w.location().reload();
                                }
                            }
                        >
                            {i18n.text("error.reload")}
                        </button>
                    })}
                    <button class="btn btn-ghost" on:click=move |_| error.set(None)>
                        {i18n.text("common.dismiss")}
                    </button>
                </div>
            }
        })
    }
}
