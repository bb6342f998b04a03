//! `onsite-server dashboard --from --to`: the manager's figures as text, from the same
//! `onsite_core::dashboard` the API and the app use.

use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use onsite_core::Figures;

use crate::store::{cases, users, Store};

/// The period `[from 00:00 UTC, to + 1 day 00:00 UTC)`: both dates are included.
pub fn period(from: NaiveDate, to: NaiveDate) -> anyhow::Result<(DateTime<Utc>, DateTime<Utc>)> {
    anyhow::ensure!(from <= to, "--from ({from}) must not be after --to ({to})");
    let start = from.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let end = to
        .succ_opt()
        .ok_or_else(|| anyhow::anyhow!("--to is out of range"))?
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    Ok((start, end))
}

/// The dashboard over the cases reported from `from` to `to` (inclusive), breaches at `now`.
pub async fn dashboard_text(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let (start, end) = period(from, to)?;
    let mut tx = store.read().await?;
    let all = cases::all_cases(&mut tx).await?;
    let people = users::all_users(&mut tx).await?;
    drop(tx);
    let d = onsite_core::dashboard(&all, start, end, now);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Dashboard {from} .. {to} (cases reported in the period; breaches as of {})",
        now.format("%Y-%m-%d %H:%M UTC")
    );
    write_figures(&mut out, "Overall", &d.overall);
    for e in &d.engineers {
        let name = people
            .iter()
            .find(|u| u.id == e.engineer_id)
            .map_or_else(|| e.engineer_id.to_string(), |u| u.name.clone());
        write_figures(&mut out, &name, &e.figures);
    }
    Ok(out)
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |r| format!("{:.1} %", r * 100.0))
}

fn mins(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |m| format!("{m:.0} min"))
}

fn write_figures(out: &mut String, title: &str, f: &Figures) {
    let _ = writeln!(out, "\n{title}");
    let _ = writeln!(
        out,
        "  cases                {} (open {}, resolved {}, cancelled {})",
        f.cases, f.open, f.resolved, f.cancelled
    );
    let _ = writeln!(
        out,
        "  repair timeliness    {} ({} resolved within target, {} past it)",
        pct(f.timeliness_rate),
        f.resolved_within_target,
        f.resolve_breaches
    );
    let _ = writeln!(
        out,
        "  average response     {} (target {}, {} responded)",
        mins(f.avg_response_minutes),
        mins(f.avg_response_target_minutes),
        f.responded
    );
    let _ = writeln!(
        out,
        "  average resolution   {} (target {})",
        mins(f.avg_resolution_minutes),
        mins(f.avg_resolution_target_minutes)
    );
    let _ = writeln!(
        out,
        "  first-time fix       {} ({} of {})",
        pct(f.first_time_fix_rate),
        f.first_time_fixes,
        f.resolved
    );
    let _ = writeln!(
        out,
        "  satisfaction         {} ({} rated)",
        f.avg_satisfaction
            .map_or_else(|| "n/a".into(), |s| format!("{s:.2} / 5")),
        f.rated
    );
    let _ = writeln!(
        out,
        "  SLA breaches         {} (respond {}, resolve {})",
        f.respond_breaches + f.resolve_breaches,
        f.respond_breaches,
        f.resolve_breaches
    );
    let _ = writeln!(out, "  complaints           {}", f.complaints);
    let _ = writeln!(
        out,
        "  repeat faults        {} (same unit within {} days of a fix)",
        f.repeat_faults,
        onsite_core::dashboard::REPEAT_FAULT_WINDOW_DAYS
    );
}

/// `onsite-server devices list`: one line per device.
pub async fn devices_text(store: &Store) -> anyhow::Result<String> {
    let mut conn = store.pool().acquire().await?;
    let all = users::devices(&mut conn).await?;
    let mut out = String::new();
    let when = |t: Option<DateTime<Utc>>| {
        t.map_or_else(
            || "-".to_string(),
            |t| t.format("%Y-%m-%d %H:%M").to_string(),
        )
    };
    for d in &all {
        let _ = writeln!(
            out,
            "{}  {:<16} last seen {}  seq {:<6} {}",
            d.client_id,
            d.username,
            when(d.last_seen),
            d.last_seq,
            if d.active { "active" } else { "signed out" }
        );
    }
    if all.is_empty() {
        out.push_str("No devices.\n");
    }
    Ok(out)
}

/// `onsite-server devices revoke --client ID | --user NAME`.
pub async fn revoke_text(
    store: &Store,
    client: Option<uuid::Uuid>,
    username: Option<&str>,
) -> anyhow::Result<String> {
    let now = Utc::now();
    let mut tx = store.write().await?;
    let (what, of) = match (client, username) {
        (Some(id), _) => (format!("device {id}"), users::Sessions::Device(id)),
        (None, Some(name)) => {
            let user = users::by_username(&mut tx, name)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no user `{name}`"))?;
            (
                format!("every device of {name}"),
                users::Sessions::User(user.id),
            )
        }
        (None, None) => anyhow::bail!("give --client or --user"),
    };
    let n = users::revoke(&mut tx, of, users::RevokeReason::Manager, now)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no {what}"))?;
    tx.commit().await?;
    Ok(format!("Revoked {n} session(s) of {what}.\n"))
}
