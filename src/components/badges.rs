use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use onsite_core::{CaseStatus, Severity, SlaClock};

use crate::components::fmt;
use crate::i18n::{status_key, use_i18n, Lang};

/// `lang`: the text read once in that language (see `I18n::text_in`); reactive without it.
#[component]
pub fn SeverityBadge(severity: Severity, #[prop(optional)] lang: Option<Lang>) -> impl IntoView {
    let i18n = use_i18n();
    let level = severity.level();
    view! {
        <span class=format!("badge sev sev-{level}") data-severity=level>
            {i18n.text_in(format!("severity.{level}"), lang)}
        </span>
    }
}

/// `lang` as for `SeverityBadge`.
#[component]
pub fn StatusBadge(status: CaseStatus, #[prop(optional)] lang: Option<Lang>) -> impl IntoView {
    let i18n = use_i18n();
    let code = status.as_str();
    view! {
        <span class=format!("badge st st-{code}") data-status=code>
            {i18n.text_in(status_key(status), lang)}
        </span>
    }
}

/// Time to the open SLA deadline: red when breached, amber under an hour.
#[component]
pub fn TimeLeftBadge(sla: SlaClock, #[prop(into)] now: Signal<DateTime<Utc>>) -> impl IntoView {
    let i18n = use_i18n();
    let sla = StoredValue::new(sla);
    let left = move || sla.with_value(|s| s.time_left(now.get()));
    let class = move || match left() {
        None => "badge tl tl-none",
        Some(d) if d < Duration::zero() => "badge tl tl-breached",
        Some(d) if d < Duration::hours(1) => "badge tl tl-soon",
        Some(_) => "badge tl tl-ok",
    };
    let text = move || match left() {
        None => {
            if sla.with_value(|s| s.breached(now.get())) {
                i18n.t("sla.breached").to_string()
            } else {
                i18n.t("sla.no_deadline").to_string()
            }
        }
        Some(d) if d < Duration::zero() => {
            i18n.tf("sla.overdue", &[("d", fmt::duration(&i18n, d))])
        }
        Some(d) => i18n.tf("sla.left", &[("d", fmt::duration(&i18n, d))]),
    };
    view! { <span class=class data-testid="time-left">{text}</span> }
}
