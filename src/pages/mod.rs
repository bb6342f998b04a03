//! Routed pages. Each case page loads its case from the store by the `:id` route param.

pub mod case_detail;
pub mod cases;
pub mod dashboard;
pub mod devices;
pub mod knowledge;
pub mod lazy;
pub mod login;
pub mod new_case;
pub mod parts;
pub mod print;
pub mod report;
pub mod review;
pub mod settings;
pub mod sign;
pub mod status;
pub mod stock;

use leptos::prelude::*;

use onsite_core::Case;

use crate::hooks::{use_case, use_case_id, CaseLoad};

pub use case_detail::{CaseDetailPage, CaseShell};
pub use cases::CasesPage;
pub use dashboard::DashboardPage;
pub use devices::DevicesPage;
pub use knowledge::KnowledgePage;
pub use login::LoginPage;
pub use new_case::NewCasePage;
pub use parts::PartsPage;
pub use print::PrintPage;
pub use report::ReportPage;
pub use review::ReviewPage;
pub use settings::SettingsPage;
pub use sign::SignPage;
pub use status::StatusPage;
pub use stock::StockPage;

/// Whether the screen is wide enough for list + detail side by side.
pub fn use_wide() -> ReadSignal<bool> {
    const QUERY: &str = "(min-width: 900px)";
    let mql = web_sys::window().and_then(|w| w.match_media(QUERY).ok().flatten());
    let (wide, set_wide) = signal(mql.as_ref().map(|m| m.matches()).unwrap_or(false));
    if let Some(mql) = mql {
        let target = mql.clone();
        let listener = gloo_events::EventListener::new(&target, "change", move |_| {
            set_wide.set(mql.matches());
        });
        let listener = StoredValue::new_local(Some(listener));
        on_cleanup(move || listener.set_value(None));
    }
    wide
}

/// A page of the route's case: `render` once it is loaded, else why it is not. `live`: it
/// follows the store; a form being typed into loads its case once, so a background sync
/// cannot wipe what is typed.
fn case_page<V: IntoView + 'static>(live: bool, render: fn(Case) -> V) -> impl IntoView {
    let case = use_case(use_case_id(), live);
    move || match case.get() {
        CaseLoad::Ready(c) => render(*c).into_any(),
        other => view! { <CaseMissing load=other /> }.into_any(),
    }
}

/// Shown while a case loads or when it is missing.
#[component]
pub fn CaseMissing(load: CaseLoad) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    match load {
        CaseLoad::Loading => {
            view! { <p class="muted">{i18n.text("common.loading")}</p> }.into_any()
        }
        CaseLoad::Missing => view! {
            <div class="card">
                <p>{i18n.text("case.missing")}</p>
                <a href="/" class="btn">{i18n.text("nav.back_to_cases")}</a>
            </div>
        }
        .into_any(),
        CaseLoad::Error(e) => view! {
            <div class="card error-text" data-detail=e.detail.clone()>
                <strong>{move || i18n.t(e.key)}</strong>
                {e.reason.map(|r| view! { <small class="error-detail">{move || i18n.t(r)}</small> })}
            </div>
        }
        .into_any(),
        CaseLoad::Ready(_) => ().into_any(),
    }
}
