//! Dates, durations and small text helpers, always in the device's time zone.

use chrono::{DateTime, Datelike, Duration, Local, Timelike, Utc};

use crate::i18n::I18n;

// Formatted by hand: chrono's strftime engine would add its parser to the wasm.
pub fn local_time(dt: DateTime<Utc>) -> String {
    let l = dt.with_timezone(&Local);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        l.year(),
        l.month(),
        l.day(),
        l.hour(),
        l.minute()
    )
}

/// "2 d 3 h", "1 h 5 min", "12 min" (absolute value; the sign is shown by the caller).
pub fn duration(i18n: &I18n, d: Duration) -> String {
    let mins = d.num_minutes().abs();
    let (days, hours, m) = (mins / (24 * 60), (mins / 60) % 24, mins % 60);
    let u = |k: &str| i18n.t(k);
    if days > 0 {
        format!("{days}{}{hours}{}", u("unit.d"), u("unit.h"))
    } else if hours > 0 {
        format!("{hours}{}{m}{}", u("unit.h"), u("unit.min"))
    } else {
        format!("{m}{}", u("unit.min"))
    }
}

/// "just now", "5 min ago", "2 h ago", else the local time.
pub fn relative(i18n: &I18n, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let ago = now - at;
    if ago < Duration::minutes(1) {
        i18n.t("time.just_now").to_string()
    } else if ago < Duration::hours(1) {
        i18n.tf("time.min_ago", &[("n", ago.num_minutes().to_string())])
    } else if ago < Duration::hours(12) {
        i18n.tf("time.h_ago", &[("n", ago.num_hours().to_string())])
    } else {
        local_time(at)
    }
}

pub fn short_id(id: uuid::Uuid) -> String {
    id.simple().to_string()[..8].to_string()
}

/// Trimmed text, `None` when empty.
pub fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}
