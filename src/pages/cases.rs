use leptos::prelude::*;

use crate::components::CaseList;
use crate::i18n::use_i18n;

#[component]
pub fn CasesPage() -> impl IntoView {
    let i18n = use_i18n();
    let wide = super::use_wide();
    // The case pages are a file of their own (src/pages/lazy.rs): fetched and compiled once
    // the list is drawn, while the engineer reads it, so the tap to a case does not wait.
    #[cfg(feature = "split")]
    Effect::new(|| {
        crate::browser::when_idle(|| {
            leptos::task::spawn_local(async {
                // A failure shows when a case opens (lazy.rs); that open tries again.
                let _ = super::lazy::preload_case_pages().await;
            })
        })
    });
    view! {
        <div class="split">
            <div class="split-list">
                <a href="/knowledge" class="btn btn-ghost btn-block knowledge-link" data-testid="nav-knowledge">
                    {i18n.text("nav.knowledge")}
                </a>
                <CaseList />
            </div>
            <Show when=move || wide.get()>
                <div class="split-main placeholder">
                    <p class="muted">{i18n.text("cases.pick")}</p>
                </div>
            </Show>
        </div>
    }
}
