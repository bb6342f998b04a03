//! The range of every value a request may carry. Any logged-in device can send any bytes:
//! a date, number or string outside these ranges is refused (`invalid_args`) before anything
//! computes with it, so no input can overflow the arithmetic behind it.

use chrono::{DateTime, NaiveDate, Utc};

/// Free text: descriptions, report fields, notes, reasons, addresses.
pub const MAX_TEXT: usize = 4000;
/// One-line text: titles, names, phone numbers, e-mail addresses, serials, part numbers, ids.
pub const MAX_LINE: usize = 200;
/// Quantities of parts in one line, and one stock adjustment either way.
pub const MAX_QTY: i64 = 10_000;
/// Longest password accepted at login, in bytes (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Items of an inspection checklist.
pub const MAX_CHECKLIST_ITEMS: usize = 200;
/// The earliest year a date may fall in (service records of this product start later).
pub const EARLIEST_YEAR: i32 = 2000;
/// Dates must fall before the start of this year: far enough for warranties and plans, near
/// enough that adding any SLA target to them stays far inside chrono's range.
pub const END_YEAR: i32 = 2100;
/// An SLA target may be at most this many minutes (ten years).
pub const MAX_TARGET_MINUTES: i64 = 10 * 366 * 24 * 60;

/// The first character free text may not hold: a control character other than a line break
/// (`\n`, `\r`) or a tab. (A NUL, say, cannot even be stored as PostgreSQL text.)
pub fn stray_in_text(s: &str) -> Option<char> {
    s.chars()
        .find(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The first character one-line text may not hold: any control character.
pub fn stray_in_line(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_control())
}

pub fn earliest() -> DateTime<Utc> {
    date(EARLIEST_YEAR)
        .and_hms_opt(0, 0, 0)
        .map_or(DateTime::<Utc>::MIN_UTC, |d| d.and_utc())
}

pub fn end() -> DateTime<Utc> {
    date(END_YEAR)
        .and_hms_opt(0, 0, 0)
        .map_or(DateTime::<Utc>::MAX_UTC, |d| d.and_utc())
}

fn date(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// A time inside `[earliest, end)`.
pub fn time_in_range(t: DateTime<Utc>) -> bool {
    (earliest()..end()).contains(&t)
}

/// A calendar date inside the same range.
pub fn date_in_range(d: NaiveDate) -> bool {
    (date(EARLIEST_YEAR)..date(END_YEAR)).contains(&d)
}

/// What the range is, for messages and the API document.
pub fn time_range_text() -> String {
    format!("from {EARLIEST_YEAR}-01-01 up to (not including) {END_YEAR}-01-01 UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_closed_below_and_open_above() {
        assert!(time_in_range(earliest()));
        assert!(!time_in_range(end()));
        assert!(!time_in_range(earliest() - chrono::Duration::seconds(1)));
        assert!(!time_in_range(DateTime::<Utc>::MAX_UTC));
        assert!(!time_in_range(DateTime::<Utc>::MIN_UTC));
        assert!(date_in_range(
            NaiveDate::from_ymd_opt(2099, 12, 31).unwrap()
        ));
        assert!(!date_in_range(NaiveDate::from_ymd_opt(2100, 1, 1).unwrap()));
    }

    #[test]
    fn text_holds_line_breaks_and_tabs_and_a_line_no_control_character() {
        for ok in [
            "",
            "plain",
            "長い説明",
            "a\nb\r\nc\td",
            "emoji 🙂 and U+2028 \u{2028}",
        ] {
            assert_eq!(stray_in_text(ok), None, "{ok:?}");
        }
        for (bad, c) in [
            ("nul\0", '\0'),
            ("bell\u{7}", '\u{7}'),
            ("\u{1b}[31m", '\u{1b}'),
            ("del\u{7f}", '\u{7f}'),
            ("next line\u{85}", '\u{85}'),
            ("a\nb\u{0}", '\u{0}'),
        ] {
            assert_eq!(stray_in_text(bad), Some(c), "{bad:?}");
            assert_eq!(
                stray_in_line(bad),
                Some(bad.chars().find(|c| c.is_control()).unwrap())
            );
        }
        assert_eq!(stray_in_line("FAN-0001 長"), None);
        for c in ['\n', '\r', '\t', '\0'] {
            assert_eq!(stray_in_line(&format!("a{c}b")), Some(c));
        }
    }

    #[test]
    fn the_longest_target_from_the_last_moment_stays_representable() {
        let far = end().checked_add_signed(chrono::Duration::minutes(MAX_TARGET_MINUTES));
        assert!(far.is_some());
    }
}
