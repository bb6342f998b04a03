//! Labour on a case: travel and work timers (their start time is kept in IndexedDB so a
//! running timer survives an app restart), manual entries, the list and the totals.

use chrono::{
    DateTime, Datelike, Duration, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
    Utc,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::mutation::{TimeArgs, TimeCorrectArgs};
use onsite_core::{Mutation, TimeEntry, TimeKind};
use uuid::Uuid;

use crate::components::fmt::{duration, local_time};
use crate::components::forms::submit_checked;
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};
use crate::store::Store;

/// The settings key of a running timer (its start time).
pub fn timer_key(case_id: Uuid, kind: TimeKind) -> String {
    format!("timer:{case_id}:{}", kind.as_str())
}

/// The longest entry onsite-core accepts; a timer left running longer is cut there.
const MAX_ENTRY_HOURS: i64 = 24;

/// The `case.time` a stopped timer records; `None` when it ran for no time at all.
pub fn timer_entry(
    case_id: Uuid,
    kind: TimeKind,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<TimeArgs> {
    if now <= start {
        return None;
    }
    let end = now.min(start + Duration::hours(MAX_ENTRY_HOURS));
    Some(TimeArgs {
        case_id,
        entry_id: Uuid::new_v4(),
        kind,
        start,
        end,
    })
}

/// `<input type="datetime-local">` value ("YYYY-MM-DDTHH:MM[:SS]") in the device's zone.
pub fn parse_local_input(s: &str) -> Option<DateTime<Utc>> {
    let (d, t) = s.trim().split_once('T')?;
    let mut dp = d.split('-').map(|x| x.parse::<u32>().ok());
    let (y, mo, da) = (dp.next()??, dp.next()??, dp.next()??);
    let mut tp = t.split(':').map(|x| x.parse::<f64>().ok());
    let (h, mi) = (tp.next()?? as u32, tp.next()?? as u32);
    let date = NaiveDate::from_ymd_opt(y as i32, mo, da)?;
    let naive = NaiveDateTime::new(date, NaiveTime::from_hms_opt(h, mi, 0)?);
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|l| l.with_timezone(&Utc))
}

/// A time as an `<input type="datetime-local">` value in the device's zone.
pub fn to_local_input(dt: DateTime<Utc>) -> String {
    let l = dt.with_timezone(&Local);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        l.year(),
        l.month(),
        l.day(),
        l.hour(),
        l.minute()
    )
}

/// Checks a start/end pair typed by hand; the error is an i18n key.
pub fn checked_span(
    start: &str,
    end: &str,
) -> Result<(DateTime<Utc>, DateTime<Utc>), &'static str> {
    let (Some(start), Some(end)) = (parse_local_input(start), parse_local_input(end)) else {
        return Err("time.need_times");
    };
    if end <= start {
        return Err("time.end_before_start");
    }
    if end - start > Duration::hours(MAX_ENTRY_HOURS) {
        return Err("time.too_long");
    }
    Ok((start, end))
}

/// The correction replacing `entry` by `start`–`end` (a new entry id), or, with no times,
/// striking it out.
pub fn correction(
    case_id: Uuid,
    entry: &TimeEntry,
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> TimeCorrectArgs {
    TimeCorrectArgs {
        case_id,
        entry_id: Uuid::new_v4(),
        corrects: entry.entry_id,
        start: span.map(|s| s.0),
        end: span.map(|s| s.1),
    }
}

/// The start / end fields of a time span (testids `{prefix}-start`, `{prefix}-end`) and the
/// span's error (`{prefix}-error`, see `checked_span`).
fn span_fields(
    prefix: &'static str,
    start: RwSignal<String>,
    end: RwSignal<String>,
    error: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = move |key: &'static str, part: &str, sig: RwSignal<String>| {
        view! {
            <label>
                {i18n.text(key)}
                <input type="datetime-local" required data-testid=format!("{prefix}-{part}")
                    prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        {field("time.start", "start", start)}
        {field("time.end", "end", end)}
        {move || error.get().map(|k| view! {
            <p class="form-error" data-testid=format!("{prefix}-error") data-error=k>{i18n.text(k)}</p>
        })}
    }
}

/// The entries (newest first) and the totals. Plain props: tests mount it alone. With
/// `on_correct` each live entry gets edit and remove buttons (`case.time_correct`); corrected
/// and struck-out entries stay listed, struck through, and leave the totals.
#[component]
pub fn TimeEntries(
    #[prop(into)] entries: Signal<Vec<TimeEntry>>,
    #[prop(optional)] case_id: Option<Uuid>,
    #[prop(optional, into)] on_correct: Option<Callback<Mutation>>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let totals = Memo::new(move |_| entries.with(|e| onsite_core::labour_of(e)));
    let editing: RwSignal<Option<Uuid>> = RwSignal::new(None);
    let e_start = RwSignal::new(String::new());
    let e_end = RwSignal::new(String::new());
    let e_error: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let total = move |testid: &'static str, key: &'static str, pick: fn((i64, i64)) -> i64| {
        view! {
            <div class="field">
                <dt>{i18n.text(key)}</dt>
                <dd data-testid=testid data-minutes=move || pick(totals.get()).to_string()>
                    {move || duration(&i18n, Duration::minutes(pick(totals.get())))}
                </dd>
            </div>
        }
    };
    let correct = move |entry: &TimeEntry, span| {
        if let (Some(cb), Some(case_id)) = (on_correct, case_id) {
            cb.run(Mutation::TimeCorrect(correction(case_id, entry, span)));
        }
    };
    view! {
        <dl class="time-totals">
            {total("time-total-travel", "time.total_travel", |t| t.0)}
            {total("time-total-work", "time.total_work", |t| t.1)}
        </dl>
        <ul class="time-entries">
            {move || {
                let mut list = entries.get();
                list.sort_by_key(|e| std::cmp::Reverse(e.start));
                list.into_iter()
                    .map(|e| {
                        let code = e.kind.as_str();
                        let key = format!("time.kind.{code}");
                        let mins = e.minutes();
                        let live = e.is_live();
                        let id = e.entry_id;
                        let (e1, e2) = (e.clone(), e.clone());
                        let can = live && on_correct.is_some() && case_id.is_some();
                        view! {
                            <li class="time-entry" class:superseded=!live data-testid="time-entry"
                                data-kind=code data-minutes=mins.to_string()
                                data-entry-id=id.to_string() data-superseded=(!live).to_string()>
                                <span class="time-line">
                                    <span class="badge st">{move || i18n.t(&key)}</span>
                                    " "
                                    {local_time(e.start)}
                                    " – "
                                    {local_time(e.end)}
                                    " · "
                                    <strong>{move || duration(&i18n, Duration::minutes(mins))}</strong>
                                    {(!live).then(|| view! { " " <small class="muted">{i18n.text("time.corrected")}</small> })}
                                    {e.corrects.is_some().then(|| view! { " " <small class="muted">{i18n.text("time.correction")}</small> })}
                                </span>
                                {can.then(|| view! {
                                    <span class="time-entry-actions">
                                        <button type="button" class="btn btn-ghost" data-testid="time-entry-edit"
                                            disabled=move || busy.get()
                                            on:click=move |_| {
                                                e_start.set(to_local_input(e1.start));
                                                e_end.set(to_local_input(e1.end));
                                                e_error.set(None);
                                                editing.set(Some(id));
                                            }>
                                            {i18n.text("time.edit")}
                                        </button>
                                        <button type="button" class="btn btn-ghost btn-danger" data-testid="time-entry-remove"
                                            disabled=move || busy.get()
                                            on:click=move |_| correct(&e2, None)>
                                            {i18n.text("time.remove")}
                                        </button>
                                    </span>
                                })}
                                {move || (editing.get() == Some(id)).then(|| {
                                    let entry = e.clone();
                                    view! {
                                        <form class="time-edit" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                            ev.prevent_default();
                                            match checked_span(&e_start.get_untracked(), &e_end.get_untracked()) {
                                                Ok(span) => {
                                                    e_error.set(None);
                                                    editing.set(None);
                                                    correct(&entry, Some(span));
                                                }
                                                Err(k) => e_error.set(Some(k)),
                                            }
                                        }>
                                            {span_fields("time-edit", e_start, e_end, e_error)}
                                            <div class="row">
                                                <button type="submit" class="btn btn-primary" data-testid="time-edit-save"
                                                    disabled=move || busy.get()>
                                                    {i18n.text("time.save_correction")}
                                                </button>
                                                <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(None)>
                                                    {i18n.text("common.cancel")}
                                                </button>
                                            </div>
                                        </form>
                                    }
                                })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// The labour card on the case page.
#[component]
pub fn Labour(
    case_id: Uuid,
    entries: Vec<TimeEntry>,
    can_log: bool,
    #[prop(optional)] can_correct: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let travel: RwSignal<Option<DateTime<Utc>>> = RwSignal::new(None);
    let work: RwSignal<Option<DateTime<Utc>>> = RwSignal::new(None);
    let sig = move |k: TimeKind| match k {
        TimeKind::Travel => travel,
        TimeKind::Work => work,
    };
    // Running timers come from the device's settings store.
    spawn_local(async move {
        let Some(store) = state.store() else {
            return;
        };
        for k in [TimeKind::Travel, TimeKind::Work] {
            match store.setting::<DateTime<Utc>>(&timer_key(case_id, k)).await {
                Ok(v) => sig(k).try_set(v),
                Err(e) => {
                    state.show_error(UiError::from_store(&e));
                    None
                }
            };
        }
    });

    // Start or stop a timer.
    let timer = Action::new_local(move |(store, k): &(Store, TimeKind)| {
        let (store, k) = (store.clone(), *k);
        let key = timer_key(case_id, k);
        async move {
            match sig(k).get_untracked() {
                None => {
                    let now = Utc::now();
                    match store.set_setting(&key, &now).await {
                        Ok(()) => sig(k).set(Some(now)),
                        Err(e) => state.show_error(UiError::from_store(&e)),
                    }
                }
                Some(start) => {
                    // The stored start goes first: recording re-renders the case page, and its
                    // new timer buttons must not read a timer that is being stopped.
                    if let Err(e) = store.remove_setting(&key).await {
                        state.show_error(UiError::from_store(&e));
                        return;
                    }
                    sig(k).set(None);
                    let recorded = match timer_entry(case_id, k, start, Utc::now()) {
                        Some(args) => state.perform(Mutation::Time(args), vec![]).await,
                        None => true,
                    };
                    if !recorded {
                        // Not recorded (the error is shown): the timer keeps running.
                        match store.set_setting(&key, &start).await {
                            Ok(()) => {
                                sig(k).set(Some(start));
                                state.bump();
                            }
                            Err(e) => state.show_error(UiError::from_store(&e)),
                        }
                    }
                }
            }
        }
    });
    let toggle = move |k: TimeKind| match state.store() {
        Some(store) => {
            timer.dispatch_local((store, k));
        }
        None => state.show_error(UiError::new("error.no_store")),
    };

    // Manual entry
    let show_manual = RwSignal::new(false);
    let m_kind = RwSignal::new("work".to_string());
    let m_start = RwSignal::new(String::new());
    let m_end = RwSignal::new(String::new());
    let m_error: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let manual = Action::new_local(move |args: &TimeArgs| {
        let m = Mutation::Time(args.clone());
        async move {
            if state.perform(m, vec![]).await {
                m_start.set(String::new());
                m_end.set(String::new());
                show_manual.set(false);
            }
        }
    });
    let submit_manual = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let kind = if m_kind.get_untracked() == "travel" {
            TimeKind::Travel
        } else {
            TimeKind::Work
        };
        let checked =
            checked_span(&m_start.get_untracked(), &m_end.get_untracked()).map(|(start, end)| {
                TimeArgs {
                    case_id,
                    entry_id: Uuid::new_v4(),
                    kind,
                    start,
                    end,
                }
            });
        submit_checked(manual, m_error, checked);
    };

    // Corrections of listed entries.
    let correction = Action::new_local(move |m: &Mutation| state.perform(m.clone(), vec![]));
    // One write at a time from this card.
    let (timing, adding, correcting) = (timer.pending(), manual.pending(), correction.pending());
    let busy = Signal::derive(move || timing.get() || adding.get() || correcting.get());

    let timer_button = move |k: TimeKind| {
        let code = k.as_str();
        let start_key = format!("time.start_{code}");
        let stop_key = format!("time.stop_{code}");
        view! {
            <button
                type="button"
                class="btn timer"
                class:btn-primary=move || sig(k).get().is_some()
                data-testid=format!("timer-{code}")
                data-running=move || sig(k).get().is_some().to_string()
                aria-pressed=move || sig(k).get().is_some().to_string()
                disabled=move || busy.get() || (!can_log && sig(k).get().is_none())
                on:click=move |_| toggle(k)
            >
                {move || match sig(k).get() {
                    None => i18n.t(&start_key).to_string(),
                    Some(s) => format!(
                        "{} · {}",
                        i18n.t(&stop_key),
                        duration(&i18n, state.now.get().max(s) - s)
                    ),
                }}
            </button>
        }
    };

    view! {
        <section class="card labour" data-testid="labour">
            <h2>{i18n.text("time.title")}</h2>
            <div class="timers">
                {timer_button(TimeKind::Travel)}
                {timer_button(TimeKind::Work)}
            </div>
            {if can_correct {
                let on_correct = Callback::new(move |m: Mutation| {
                    correction.dispatch(m);
                });
                view! {
                    <TimeEntries entries=Signal::stored(entries) case_id=case_id
                        on_correct=on_correct busy=busy />
                }
                .into_any()
            } else {
                view! { <TimeEntries entries=Signal::stored(entries) /> }.into_any()
            }}
            {can_log.then(|| view! {
                <button type="button" class="btn btn-ghost" data-testid="time-manual-open"
                    on:click=move |_| show_manual.update(|v| *v = !*v)>
                    {i18n.text("time.manual")}
                </button>
            })}
            <Show when=move || show_manual.get()>
                <form class="time-manual" on:submit=submit_manual>
                    <label>
                        {i18n.text("time.kind")}
                        <select data-testid="time-manual-kind"
                            prop:value=move || m_kind.get()
                            on:change=move |ev| m_kind.set(event_target_value(&ev))>
                            <option value="travel">{i18n.text("time.kind.travel")}</option>
                            <option value="work" selected>{i18n.text("time.kind.work")}</option>
                        </select>
                    </label>
                    {span_fields("time-manual", m_start, m_end, m_error)}
                    <button type="submit" class="btn btn-primary btn-block" data-testid="time-manual-submit"
                        disabled=move || busy.get()>
                        {i18n.text("time.add")}
                    </button>
                </form>
            </Show>
        </section>
    }
}
