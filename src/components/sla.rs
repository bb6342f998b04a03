//! The service-level card: the case's policy, respond-by / resolve-by, when the response and
//! the resolution happened by the device's clock (the SLA evidence) and by the server's (when
//! it applied them), and the flags a manager must look at.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use onsite_core::{Case, CaseFlag};

use crate::components::fmt::{duration, local_time};
use crate::components::TimeLeftBadge;
use crate::i18n::{use_i18n, I18n};
use crate::state::use_app;

/// The server time of the newest timeline entry for `event` (None while only on the device).
pub fn server_time_of(case: &Case, event: &str) -> Option<DateTime<Utc>> {
    case.timeline
        .iter()
        .rev()
        .find(|t| t.event == event)
        .and_then(|t| t.server_time)
}

/// A stable code per flag kind (`data-flag`, i18n `flag.<code>`).
pub fn flag_code(f: &CaseFlag) -> &'static str {
    match f {
        CaseFlag::ConflictingSignOff { .. } => "conflicting_sign_off",
        CaseFlag::SignOffOutOfState { .. } => "sign_off_out_of_state",
        CaseFlag::SignedReportDiffers { .. } => "signed_report_differs",
        CaseFlag::NegativeStock { .. } => "negative_stock",
        CaseFlag::ClockSkew { .. } => "clock_skew",
        CaseFlag::LateSignOff { .. } => "late_sign_off",
        CaseFlag::LateWork { .. } => "late_work",
    }
}

/// The values of a late mutation's arguments (part number, quantity, what was typed), without
/// ids or field names: data the manager acts on, in no language of the app's.
fn late_work_summary(args: &serde_json::Value) -> String {
    args.as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !k.ends_with("id"))
                .filter_map(|(_, v)| match v {
                    serde_json::Value::String(s) => {
                        uuid::Uuid::parse_str(s).is_err().then(|| s.clone())
                    }
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
}

/// The policy's display name: translated for the known ones, else as the contract names it.
pub fn policy_name(i18n: &I18n, name: &str) -> String {
    i18n.try_t(&format!("policy.{name}"))
        .map(str::to_string)
        .unwrap_or_else(|| name.to_string())
}

/// The flags of a case, translated (one `case-flag` li each).
#[component]
pub fn CaseFlags(flags: Vec<CaseFlag>) -> impl IntoView {
    let i18n = use_i18n();
    if flags.is_empty() {
        return ().into_any();
    }
    view! {
        <ul class="flags">
            {flags.into_iter().map(|f| {
                let code = flag_code(&f);
                let key = format!("flag.{code}");
                let detail = match &f {
                    CaseFlag::ClockSkew { event, client_time, server_time, .. } => {
                        let ev = format!("event.{event}");
                        let (c, s) = (local_time(*client_time), local_time(*server_time));
                        Some(view! {
                            <small class="flag-detail">
                                {move || i18n.tf("flag.clock_skew_detail", &[
                                    ("event", i18n.t(&ev).to_string()),
                                    ("device", c.clone()),
                                    ("server", s.clone()),
                                ])}
                            </small>
                        }.into_any())
                    }
                    CaseFlag::NegativeStock { part_no } => {
                        Some(view! { <small class="flag-detail">{part_no.clone()}</small> }.into_any())
                    }
                    CaseFlag::LateWork { event, at, args, .. } => {
                        let ev = format!("event.{event}");
                        let when = local_time(*at);
                        // The arguments as sent: what the manager needs to act on (a part used).
                        let what = late_work_summary(args);
                        Some(view! {
                            <small class="flag-detail">
                                {move || format!("{} · {} · {}", i18n.t(&ev), when, what)}
                            </small>
                        }.into_any())
                    }
                    _ => None,
                };
                view! {
                    <li class="badge warn case-flag" data-testid="case-flag" data-flag=code>
                        {move || i18n.t(&key)}
                        {detail}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

fn row(i18n: I18n, key: &'static str, value: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class="field">
            <dt>{i18n.text(key)}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// "device 10:02 · server 10:05" (or "waiting to sync" for the server side).
fn both_times(i18n: I18n, device: DateTime<Utc>, server: Option<DateTime<Utc>>) -> impl IntoView {
    let d = local_time(device);
    let s = server.map(local_time);
    let synced = s.is_some().to_string();
    view! {
        <span class="when">
            <span data-testid="sla-device-time">{move || i18n.tf("sla.device_time", &[("t", d.clone())])}</span>
            " · "
            <span data-testid="sla-server-time" data-synced=synced>
                {move || match &s {
                    Some(s) => i18n.tf("sla.server_time", &[("t", s.clone())]),
                    None => i18n.t("sla.server_pending").to_string(),
                }}
            </span>
        </span>
    }
}

/// The SLA card of the case page.
#[component]
pub fn SlaCard(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let sla = case.sla.clone();
    let breached = sla.breached(Utc::now());
    let policy = sla.policy.clone();
    let policy_code = policy.clone();
    let responded = sla
        .responded_at
        .map(|t| (t, server_time_of(&case, "case.accept")));
    // The policy's targets for this severity, from the policies synced to the device.
    let severity = case.severity;
    let policy_for_targets = sla.policy.clone();
    let targets = LocalResource::new(move || {
        let store = state.store();
        let name = policy_for_targets.clone();
        async move {
            let store = store?;
            let records = match store.policies().await {
                Ok(r) => r,
                Err(e) => {
                    state.show_error(crate::state::UiError::from_store(&e));
                    return None;
                }
            };
            records
                .into_iter()
                .find(|r| r.policy.name == name)
                .map(|r| r.policy.targets(severity))
        }
    });
    let targets_text = move || {
        targets.get().flatten().map(|t| {
            let respond = duration(&i18n, chrono::Duration::minutes(t.respond_minutes));
            let text = match t.resolve_minutes {
                Some(m) => i18n.tf(
                    "sla.targets",
                    &[
                        ("respond", respond),
                        ("resolve", duration(&i18n, chrono::Duration::minutes(m))),
                    ],
                ),
                None => i18n.tf("sla.targets_as_agreed", &[("respond", respond)]),
            };
            view! {
                <small class="muted sla-targets" data-testid="sla-targets"
                    data-respond-minutes=t.respond_minutes.to_string()>
                    " · "
                    {text}
                </small>
            }
        })
    };
    let resolved = sla
        .resolved_at
        .map(|t| (t, server_time_of(&case, "case.sign_off")));
    view! {
        <section class="card" data-testid="sla">
            <h2>{i18n.text("case.sla")}</h2>
            <dl>
                {row(i18n, "sla.policy", view! {
                    <span data-testid="sla-policy" data-policy=policy_code>
                        {move || policy_name(&i18n, &policy)}
                    </span>
                    {targets_text}
                })}
                {row(i18n, "sla.respond_by", view! { <span data-testid="sla-respond-by">{local_time(sla.respond_by)}</span> })}
                {responded.map(|(d, s)| view! {
                    <div class="field" data-testid="sla-responded">
                        <dt>{i18n.text("sla.responded_at")}</dt>
                        <dd>{both_times(i18n, d, s)}</dd>
                    </div>
                })}
                {row(i18n, "sla.resolve_by", view! {
                    <span data-testid="sla-resolve-by">
                        {match sla.resolve_by {
                            Some(t) => local_time(t).into_any(),
                            None => i18n.text("sla.as_agreed").into_any(),
                        }}
                    </span>
                })}
                {resolved.map(|(d, s)| view! {
                    <div class="field" data-testid="sla-resolved">
                        <dt>{i18n.text("sla.resolved_at")}</dt>
                        <dd>{both_times(i18n, d, s)}</dd>
                    </div>
                })}
                {row(i18n, "sla.time_left", view! { <TimeLeftBadge sla=sla.clone() now=state.now /> })}
                {breached.then(|| row(i18n, "sla.breached", view! { <span class="badge tl-breached">"!"</span> }))}
            </dl>
            {(!case.flags.is_empty()).then(|| view! {
                <h3 class="flags-title">{i18n.text("case.flags")}</h3>
                <CaseFlags flags=case.flags.clone() />
            })}
        </section>
    }
}
