//! No string of any mutation holds a control character (free text keeps line breaks and tabs).

mod common;

use common::*;
use onsite_core::mutation::*;

/// Every example with each optional string of its arguments filled in (JSON pointer, value).
fn every_variant_filled() -> Vec<(&'static str, serde_json::Value)> {
    let extra: &[(&str, &str, &str)] = &[
        ("case.set_status", "/reason", "parts ordered"),
        ("case.report", "/cause", "worn bearing"),
        ("case.report", "/actions", "replaced"),
        ("case.report", "/verification", "runs quiet"),
        ("case.report", "/leftover", "second fan"),
        ("part.use", "/serial_fitted", "SN-NEW"),
        ("part.use", "/serial_removed", "SN-OLD"),
        ("case.sign_off", "/comment", "thanks"),
        ("case.create", "/customer/email", "it@example.com"),
        ("case.create", "/site/notes", "gate code 12"),
        ("case.create", "/policy", "standard"),
    ];
    onsite_core::examples::every_variant(CASE)
        .iter()
        .map(|m| {
            let mut args = m.args();
            for (_, pointer, value) in extra.iter().filter(|(n, ..)| *n == m.name()) {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                args.pointer_mut(parent).unwrap()[key] = (*value).into();
            }
            (m.name(), args)
        })
        .collect()
}

/// The JSON pointer and key of every string in `v`.
fn strings(v: &serde_json::Value, at: String, key: &str, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::String(_) => out.push((at, key.to_string())),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, format!("{at}/{i}"), key, out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                strings(x, format!("{at}/{k}"), k, out);
            }
        }
        _ => {}
    }
}

/// Free text: line breaks and tabs belong there. Every other string field is one line.
const FREE_TEXT: &[&str] = &[
    "description",
    "address",
    "notes",
    "reason",
    "symptom",
    "cause",
    "actions",
    "verification",
    "leftover",
    "caption",
    "unsigned_reason",
    "comment",
    "impact",
    "prevention",
    "text",
    "note",
];

fn checked(name: &str, args: &serde_json::Value) -> Result<(), Rejection> {
    Mutation::parse(name, args)?.validate()
}

fn with_char(args: &serde_json::Value, at: &str, c: char) -> serde_json::Value {
    let mut args = args.clone();
    let s = args.pointer_mut(at).unwrap();
    let old = s.as_str().unwrap().to_string();
    let cut = old.char_indices().nth(1).map_or(old.len(), |(i, _)| i);
    *s = format!("{}{c}{}", &old[..cut], &old[cut..]).into();
    args
}

/// A NUL (which PostgreSQL cannot store as text) or another control character in any string
/// of any mutation is `invalid_args`, never let through to the server's queries; free text
/// keeps its line breaks and tabs.
#[test]
fn every_string_of_every_mutation_refuses_control_characters() {
    let mut text_fields = 0;
    let mut line_fields = 0;
    for (name, args) in every_variant_filled() {
        assert_eq!(checked(name, &args), Ok(()), "{name} {args}");
        let mut found = Vec::new();
        strings(&args, String::new(), "", &mut found);
        for (at, key) in found {
            for c in ['\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}'] {
                let bad = with_char(&args, &at, c);
                let r = checked(name, &bad).expect_err(&format!("{name} {at} {c:?}"));
                assert_eq!(r.code, RejectionCode::InvalidArgs, "{name} {at}: {r}");
                assert!(!r.message.chars().any(char::is_control), "{r:?}");
            }
            let free = FREE_TEXT.contains(&key.as_str());
            for c in ['\n', '\r', '\t'] {
                let r = checked(name, &with_char(&args, &at, c));
                if free {
                    assert_eq!(r, Ok(()), "{name} {at} may hold {c:?}");
                } else {
                    assert!(r.is_err(), "{name} {at} is one line: {c:?}");
                }
            }
            if free {
                text_fields += 1;
            } else {
                line_fields += 1;
            }
        }
    }
    assert!(
        text_fields > 20 && line_fields > 20,
        "{text_fields} {line_fields}"
    );
}
