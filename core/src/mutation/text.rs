//! The range checks every argument goes through (`crate::limits` holds the figures).

use chrono::{DateTime, NaiveDate, Utc};

use crate::limits::{
    date_in_range, stray_in_line, stray_in_text, time_in_range, time_range_text, MAX_LINE, MAX_TEXT,
};
use crate::rejection::Rejection;

/// The device's clock as it came with the mutation: range-checked like every other date.
pub fn check_client_time(t: DateTime<Utc>) -> Result<(), Rejection> {
    when("client_time", t)
}

pub(super) fn when(field: &str, t: DateTime<Utc>) -> Result<(), Rejection> {
    if time_in_range(t) {
        Ok(())
    } else {
        Err(Rejection::invalid(format!(
            "{field} must be {}",
            time_range_text()
        )))
    }
}

pub(super) fn date_in_range_or(field: &str, d: NaiveDate) -> Result<(), Rejection> {
    if date_in_range(d) {
        Ok(())
    } else {
        Err(Rejection::invalid(format!(
            "{field} must be {}",
            time_range_text()
        )))
    }
}

pub(super) fn required(field: &str, v: Option<&str>) -> Result<(), Rejection> {
    match v {
        Some(s) if !s.trim().is_empty() => optional_text(field, Some(s)),
        _ => Err(Rejection::invalid(format!("{field} is required"))),
    }
}

pub(super) fn required_line(field: &str, v: Option<&str>) -> Result<(), Rejection> {
    required(field, v)?;
    optional_line(field, v)
}

/// Free text: at most `MAX_TEXT` characters, no control character but line breaks and tabs.
pub(super) fn optional_text(field: &str, v: Option<&str>) -> Result<(), Rejection> {
    checked(
        field,
        v,
        MAX_TEXT,
        stray_in_text,
        "may hold no control character but line breaks and tabs",
    )
}

/// One-line text: at most `MAX_LINE` characters, no control character at all.
pub(super) fn optional_line(field: &str, v: Option<&str>) -> Result<(), Rejection> {
    checked(
        field,
        v,
        MAX_LINE,
        stray_in_line,
        "is one line and may hold no control character",
    )
}

/// `v`, when given: at most `max` characters, none that `stray` finds (`rule` says which).
fn checked(
    field: &str,
    v: Option<&str>,
    max: usize,
    stray: fn(&str) -> Option<char>,
    rule: &str,
) -> Result<(), Rejection> {
    let Some(s) = v else { return Ok(()) };
    at_most(field, s, max)?;
    match stray(s) {
        Some(c) => Err(Rejection::invalid(format!(
            "{field} {rule} (found {})",
            code_point(c)
        ))),
        None => Ok(()),
    }
}

fn at_most(field: &str, s: &str, max: usize) -> Result<(), Rejection> {
    if s.chars().count() > max {
        return Err(Rejection::invalid(format!(
            "{field} is longer than {max} characters"
        )));
    }
    Ok(())
}

/// `U+0000`: a character named without writing it.
fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub(super) fn sha256_hex(field: &str, s: &str) -> Result<(), Rejection> {
    if is_sha256_hex(s) {
        Ok(())
    } else {
        Err(Rejection::invalid(format!(
            "{field} must be 64 lowercase hex digits"
        )))
    }
}

/// Last write wins per field: a field the mutation leaves out keeps its value.
pub(super) fn set_if(field: &mut Option<String>, v: &Option<String>) {
    if let Some(v) = v {
        *field = Some(v.clone());
    }
}
