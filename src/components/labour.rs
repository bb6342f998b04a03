//! Labour on a case: travel and work timers (their start time is kept in IndexedDB so a
//! running timer survives an app restart), manual entries, the list and the totals.

use chrono::{DateTime, Duration, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::mutation::TimeArgs;
use onsite_core::{Mutation, TimeEntry, TimeKind};
use uuid::Uuid;

use crate::components::fmt::{duration, local_time};
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

/// Travel and work minutes over the entries.
pub fn time_totals(entries: &[TimeEntry]) -> (i64, i64) {
    let sum = |k: TimeKind| {
        entries
            .iter()
            .filter(|e| e.kind == k)
            .map(TimeEntry::minutes)
            .sum::<i64>()
    };
    (sum(TimeKind::Travel), sum(TimeKind::Work))
}

pub fn kind_code(k: TimeKind) -> &'static str {
    match k {
        TimeKind::Travel => "travel",
        TimeKind::Work => "work",
    }
}

/// The settings key of a running timer (its start time).
pub fn timer_key(case_id: Uuid, kind: TimeKind) -> String {
    format!("timer:{case_id}:{}", kind_code(kind))
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

/// The entries (newest first) and the totals. Plain props: tests mount it alone.
#[component]
pub fn TimeEntries(#[prop(into)] entries: Signal<Vec<TimeEntry>>) -> impl IntoView {
    let i18n = use_i18n();
    let totals = Memo::new(move |_| entries.with(|e| time_totals(e)));
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
                        let code = kind_code(e.kind);
                        let key = format!("time.kind.{code}");
                        let mins = e.minutes();
                        view! {
                            <li class="time-entry" data-testid="time-entry" data-kind=code data-minutes=mins.to_string()>
                                <span class="badge st">{move || i18n.t(&key)}</span>
                                " "
                                {local_time(e.start)}
                                " – "
                                {local_time(e.end)}
                                " · "
                                <strong>{move || duration(&i18n, Duration::minutes(mins))}</strong>
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
pub fn Labour(case_id: Uuid, entries: Vec<TimeEntry>, can_log: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let travel: RwSignal<Option<DateTime<Utc>>> = RwSignal::new(None);
    let work: RwSignal<Option<DateTime<Utc>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
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

    let toggle = move |k: TimeKind| {
        let Some(store) = state.store() else {
            state.show_error(UiError::new("error.no_store"));
            return;
        };
        busy.set(true);
        let key = timer_key(case_id, k);
        spawn_local(async move {
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
                        busy.try_set(false);
                        return;
                    }
                    sig(k).try_set(None);
                    let recorded = match timer_entry(case_id, k, start, Utc::now()) {
                        Some(args) => state.perform(Mutation::Time(args), vec![]).await,
                        None => true,
                    };
                    if !recorded {
                        // Not recorded (the error is shown): the timer keeps running.
                        match store.set_setting(&key, &start).await {
                            Ok(()) => {
                                sig(k).try_set(Some(start));
                                state.bump();
                            }
                            Err(e) => state.show_error(UiError::from_store(&e)),
                        }
                    }
                }
            }
            busy.try_set(false);
        });
    };

    let timer_button = move |k: TimeKind| {
        let code = kind_code(k);
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

    // Manual entry
    let show_manual = RwSignal::new(false);
    let m_kind = RwSignal::new("work".to_string());
    let m_start = RwSignal::new(String::new());
    let m_end = RwSignal::new(String::new());
    let m_error: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let submit_manual = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let kind = if m_kind.get_untracked() == "travel" {
            TimeKind::Travel
        } else {
            TimeKind::Work
        };
        let (Some(start), Some(end)) = (
            parse_local_input(&m_start.get_untracked()),
            parse_local_input(&m_end.get_untracked()),
        ) else {
            m_error.set(Some("time.need_times"));
            return;
        };
        if end <= start {
            m_error.set(Some("time.end_before_start"));
            return;
        }
        if end - start > Duration::hours(MAX_ENTRY_HOURS) {
            m_error.set(Some("time.too_long"));
            return;
        }
        m_error.set(None);
        busy.set(true);
        let args = TimeArgs {
            case_id,
            entry_id: Uuid::new_v4(),
            kind,
            start,
            end,
        };
        spawn_local(async move {
            if state.perform(Mutation::Time(args), vec![]).await {
                m_start.try_set(String::new());
                m_end.try_set(String::new());
                show_manual.try_set(false);
            }
            busy.try_set(false);
        });
    };

    view! {
        <section class="card labour" data-testid="labour">
            <h2>{i18n.text("time.title")}</h2>
            <div class="timers">
                {timer_button(TimeKind::Travel)}
                {timer_button(TimeKind::Work)}
            </div>
            <TimeEntries entries=Signal::stored(entries) />
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
                    <label>
                        {i18n.text("time.start")}
                        <input type="datetime-local" required data-testid="time-manual-start"
                            prop:value=move || m_start.get()
                            on:input=move |ev| m_start.set(event_target_value(&ev)) />
                    </label>
                    <label>
                        {i18n.text("time.end")}
                        <input type="datetime-local" required data-testid="time-manual-end"
                            prop:value=move || m_end.get()
                            on:input=move |ev| m_end.set(event_target_value(&ev)) />
                    </label>
                    {move || m_error.get().map(|k| view! {
                        <p class="form-error" data-testid="time-manual-error" data-error=k>{i18n.text(k)}</p>
                    })}
                    <button type="submit" class="btn btn-primary btn-block" data-testid="time-manual-submit"
                        disabled=move || busy.get()>
                        {i18n.text("time.add")}
                    </button>
                </form>
            </Show>
        </section>
    }
}
