//! `/knowledge`: every past fix on the device, searched offline.

use leptos::prelude::*;

use crate::components::past_fixes::PastFixSearch;
use crate::hooks::use_past_fixes;
use crate::i18n::use_i18n;

#[component]
pub fn KnowledgePage() -> impl IntoView {
    let i18n = use_i18n();
    let fixes = use_past_fixes();
    view! {
        <section class="card knowledge" data-testid="knowledge">
            <a href="/" class="back" data-testid="nav-back">"‹ " {i18n.text("nav.back_to_cases")}</a>
            <h1>{i18n.text("knowledge.title")}</h1>
            <PastFixSearch fixes=fixes />
        </section>
    }
}
