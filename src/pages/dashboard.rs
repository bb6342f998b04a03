//! `/dashboard`: the figures the service is judged by, computed on the device from the local
//! cases with `onsite_core::dashboard` (so it works offline), over a period of whole local days.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, TimeZone, Utc};
use leptos::prelude::*;
use onsite_core::dashboard::REPEAT_FAULT_WINDOW_DAYS;
use onsite_core::{dashboard, Case, Figures, Role};
use uuid::Uuid;

use crate::components::fmt::{duration, short_id};
use crate::hooks::use_cases;
use crate::i18n::{use_i18n, I18n};
use crate::state::use_app;

/// "YYYY-MM-DD" (an `<input type=date>` value).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let mut it = s.trim().split('-').map(|x| x.parse::<u32>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

pub fn date_value(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// The start of a local day, in UTC.
pub fn local_day_start(d: NaiveDate) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|l| l.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

/// `[from, to)` for the days `from..=to` (both inclusive, device time zone); `None` when a
/// date is missing or `to` is before `from`.
pub fn period(from: &str, to: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (f, t) = (parse_date(from)?, parse_date(to)?);
    if t < f {
        return None;
    }
    Some((local_day_start(f), local_day_start(t + Duration::days(1))))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Last30,
    Last90,
    ThisMonth,
}

/// The (from, to) dates of a preset ending `today` (inclusive).
pub fn preset_dates(p: Preset, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = match p {
        Preset::Last30 => today - Duration::days(29),
        Preset::Last90 => today - Duration::days(89),
        Preset::ThisMonth => today.with_day(1).unwrap_or(today),
    };
    (from, today)
}

fn raw(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.0}%", v * 100.0))
        .unwrap_or_else(|| "–".into())
}

fn mins(i18n: &I18n, v: Option<f64>) -> String {
    v.map(|m| duration(i18n, Duration::minutes(m.round() as i64)))
        .unwrap_or_else(|| "–".into())
}

fn sat(v: Option<f64>) -> String {
    v.map(|s| format!("{s:.1} / 5"))
        .unwrap_or_else(|| "–".into())
}

/// One figure card: label, the formatted value, a muted detail line; `data-value` = raw.
fn figure(
    i18n: I18n,
    testid: &'static str,
    label: &'static str,
    value: Signal<Option<f64>>,
    text: impl Fn() -> String + Send + Sync + 'static,
    detail: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="figure" data-testid=testid data-value=move || raw(value.get())>
            <span class="figure-label">{i18n.text(label)}</span>
            <strong class="figure-value">{text}</strong>
            <span class="figure-detail muted">{detail}</span>
        </div>
    }
}

/// The dashboard over `cases` (plain props: tests mount it with fixtures).
#[component]
pub fn DashboardView(
    #[prop(into)] cases: Signal<Vec<Case>>,
    #[prop(into)] names: Signal<BTreeMap<Uuid, String>>,
    #[prop(into)] now: Signal<DateTime<Utc>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = Local::now().date_naive();
    let (f0, t0) = preset_dates(Preset::Last30, today);
    let from = RwSignal::new(date_value(f0));
    let to = RwSignal::new(date_value(t0));
    let set_preset = move |p: Preset| {
        let (f, t) = preset_dates(p, Local::now().date_naive());
        from.set(date_value(f));
        to.set(date_value(t));
    };
    let dash = Memo::new(move |_| {
        let (f, t) = period(&from.get(), &to.get())?;
        Some(cases.with(|cs| dashboard(cs.iter(), f, t, now.get())))
    });
    let overall = Memo::new(move |_| dash.with(|d| d.as_ref().map(|d| d.overall.clone())));
    let of = move |pick: fn(&Figures) -> Option<f64>| {
        Signal::derive(move || overall.with(|o| o.as_ref().and_then(pick)))
    };
    let count =
        move |pick: fn(&Figures) -> u32| overall.with(|o| o.as_ref().map(pick).unwrap_or(0));

    let timeliness = of(|f| f.timeliness_rate);
    let response = of(|f| f.avg_response_minutes);
    let response_target = of(|f| f.avg_response_target_minutes);
    let resolution = of(|f| f.avg_resolution_minutes);
    let resolution_target = of(|f| f.avg_resolution_target_minutes);
    let ftf = of(|f| f.first_time_fix_rate);
    let satisfaction = of(|f| f.avg_satisfaction);
    let breaches = of(|f| Some(f64::from(f.respond_breaches + f.resolve_breaches)));
    let repeats = of(|f| Some(f64::from(f.repeat_faults)));
    let complaints = of(|f| Some(f64::from(f.complaints)));

    let date_input = move |key: &'static str, testid: &'static str, sig: RwSignal<String>| {
        view! {
            <label>
                {i18n.text(key)}
                <input type="date" data-testid=testid
                    prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev))
                    on:change=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    let preset_button = move |testid: &'static str, key: &'static str, p: Preset| {
        view! {
            <button type="button" class="btn" data-testid=testid on:click=move |_| set_preset(p)>
                {i18n.text(key)}
            </button>
        }
    };

    view! {
        <section class="card dash-period">
            <div class="dash-dates">
                {date_input("dash.from", "dash-from", from)}
                {date_input("dash.to", "dash-to", to)}
            </div>
            <div class="dash-presets">
                {preset_button("dash-preset-30", "dash.preset_30", Preset::Last30)}
                {preset_button("dash-preset-90", "dash.preset_90", Preset::Last90)}
                {preset_button("dash-preset-month", "dash.preset_month", Preset::ThisMonth)}
            </div>
            <Show when=move || dash.with(|d| d.is_none())>
                <p class="form-error" data-testid="dash-bad-period">{i18n.text("dash.bad_period")}</p>
            </Show>
            <p class="muted" data-testid="dash-count" data-count=move || count(|f| f.cases).to_string()>
                {move || i18n.tf("dash.counts", &[
                    ("n", count(|f| f.cases).to_string()),
                    ("resolved", count(|f| f.resolved).to_string()),
                    ("open", count(|f| f.open).to_string()),
                    ("cancelled", count(|f| f.cancelled).to_string()),
                ])}
            </p>
        </section>
        <div class="figures">
            {figure(i18n, "dash-timeliness", "dash.timeliness", timeliness,
                move || pct(timeliness.get()),
                move || i18n.tf("dash.in_time_of_due", &[
                    ("n", count(|f| f.resolved_within_target).to_string()),
                    ("m", count(|f| f.resolved_within_target + f.resolve_breaches).to_string()),
                ]))}
            {figure(i18n, "dash-response", "dash.response", response,
                move || mins(&i18n, response.get()),
                move || i18n.tf("dash.target", &[("t", mins(&i18n, response_target.get()))]))}
            {figure(i18n, "dash-resolution", "dash.resolution", resolution,
                move || mins(&i18n, resolution.get()),
                move || i18n.tf("dash.target", &[("t", mins(&i18n, resolution_target.get()))]))}
            {figure(i18n, "dash-first-time-fix", "dash.first_time_fix", ftf,
                move || pct(ftf.get()),
                move || i18n.tf("dash.of_resolved", &[
                    ("n", count(|f| f.first_time_fixes).to_string()),
                    ("m", count(|f| f.resolved).to_string()),
                ]))}
            {figure(i18n, "dash-satisfaction", "dash.satisfaction", satisfaction,
                move || sat(satisfaction.get()),
                move || i18n.tf("dash.rated", &[("n", count(|f| f.rated).to_string())]))}
            {figure(i18n, "dash-breaches", "dash.breaches", breaches,
                move || count(|f| f.respond_breaches + f.resolve_breaches).to_string(),
                move || i18n.tf("dash.breach_split", &[
                    ("r", count(|f| f.respond_breaches).to_string()),
                    ("s", count(|f| f.resolve_breaches).to_string()),
                ]))}
            {figure(i18n, "dash-repeat-faults", "dash.repeat_faults", repeats,
                move || count(|f| f.repeat_faults).to_string(),
                move || i18n.tf("dash.repeat_window", &[("d", REPEAT_FAULT_WINDOW_DAYS.to_string())]))}
            {figure(i18n, "dash-complaints", "dash.complaints", complaints,
                move || count(|f| f.complaints).to_string(),
                move || i18n.t("dash.complaints_detail").to_string())}
        </div>
        <section class="card">
            <h2>{i18n.text("dash.per_engineer")}</h2>
            // A region that scrolls sideways on a phone: reachable and scrollable by keyboard.
            <div class="table-scroll" tabindex="0" role="region"
                aria-label=i18n.text("dash.per_engineer")>
                <table class="dash-table">
                    <thead>
                        <tr>
                            <th>{i18n.text("dash.engineer")}</th>
                            <th>{i18n.text("dash.cases")}</th>
                            <th>{i18n.text("dash.timeliness")}</th>
                            <th>{i18n.text("dash.response")}</th>
                            <th>{i18n.text("dash.resolution")}</th>
                            <th>{i18n.text("dash.first_time_fix")}</th>
                            <th>{i18n.text("dash.satisfaction")}</th>
                            <th>{i18n.text("dash.breaches")}</th>
                            <th>{i18n.text("dash.repeat_faults")}</th>
                            <th>{i18n.text("dash.complaints")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let rows = dash.with(|d| d.as_ref().map(|d| d.engineers.clone()).unwrap_or_default());
                            rows.into_iter().map(|e| {
                                let name = names.with(|n| n.get(&e.engineer_id).cloned())
                                    .unwrap_or_else(|| short_id(e.engineer_id));
                                let f = e.figures;
                                let cell = |code: &'static str, v: Option<f64>, text: String| view! {
                                    <td data-figure=code data-value=raw(v)>{text}</td>
                                };
                                let breaches = f.respond_breaches + f.resolve_breaches;
                                view! {
                                    <tr data-testid="dash-engineer-row" data-engineer-id=e.engineer_id.to_string()>
                                        <th scope="row" data-figure="name">{name}</th>
                                        {cell("cases", Some(f64::from(f.cases)), f.cases.to_string())}
                                        {cell("timeliness", f.timeliness_rate, pct(f.timeliness_rate))}
                                        {cell("response", f.avg_response_minutes, mins(&i18n, f.avg_response_minutes))}
                                        {cell("resolution", f.avg_resolution_minutes, mins(&i18n, f.avg_resolution_minutes))}
                                        {cell("first_time_fix", f.first_time_fix_rate, pct(f.first_time_fix_rate))}
                                        {cell("satisfaction", f.avg_satisfaction, sat(f.avg_satisfaction))}
                                        {cell("breaches", Some(f64::from(breaches)), breaches.to_string())}
                                        {cell("repeat_faults", Some(f64::from(f.repeat_faults)), f.repeat_faults.to_string())}
                                        {cell("complaints", Some(f64::from(f.complaints)), f.complaints.to_string())}
                                    </tr>
                                }
                            }).collect_view()
                        }}
                    </tbody>
                </table>
            </div>
            <Show when=move || dash.with(|d| d.as_ref().is_some_and(|d| d.engineers.is_empty()))>
                <p class="muted">{i18n.text("dash.no_engineers")}</p>
            </Show>
        </section>
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let cases = use_cases();
    let names = crate::hooks::use_user_names();
    // A derived signal only computes; the error goes to the app's banner from an Effect.
    Effect::new(move |_| {
        if let Some(Err(e)) = cases.get() {
            state.show_error(e);
        }
    });
    let list = Signal::derive(move || match cases.get() {
        Some(Ok(list)) => list,
        _ => vec![],
    });
    let now = Signal::derive(move || state.now.get());
    view! {
        <div class="dashboard-page">
            <h1 class="page-title">{i18n.text("dash.title")}</h1>
            <p class="muted">{i18n.text("dash.on_device")}</p>
            {move || match state.actor_tracked().map(|a| a.role) {
                Some(Role::Manager) => view! { <DashboardView cases=list names=names now=now /> }.into_any(),
                Some(Role::Engineer) => view! { <p class="empty">{i18n.text("review.managers_only")}</p> }.into_any(),
                None => ().into_any(),
            }}
        </div>
    }
}
