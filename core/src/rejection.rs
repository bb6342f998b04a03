//! Why a mutation was not applied: a stable code (an enum, so the app translates every one and
//! a new code cannot go untranslated) and a message for logs and support.

use serde::{Deserialize, Serialize};

/// A rejection's machine-readable reason; on the wire, the snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectionCode {
    /// Malformed or out-of-range arguments.
    InvalidArgs,
    /// The case's status does not allow it now.
    InvalidStatus,
    /// The case is not assigned to this engineer.
    NotAssignee,
    /// This role may not do it.
    ForbiddenRole,
    /// A case, entry or item it names does not exist.
    NotFound,
    /// The case is not ready (report result, sign-off, checklist, fault analysis).
    NotReady,
    /// A different record with the same id exists.
    Conflict,
    /// A name this server does not know.
    UnknownMutation,
    /// The part is not in the catalog (server).
    UnknownPart,
    /// A blob it names has not been uploaded by this user, or they may not see it (server).
    BlobMissing,
    /// The engineer it names does not exist (server).
    UnknownEngineer,
    /// A code from a newer server this build does not know.
    #[serde(other)]
    Other,
}

impl RejectionCode {
    pub const ALL: [RejectionCode; 12] = [
        RejectionCode::InvalidArgs,
        RejectionCode::InvalidStatus,
        RejectionCode::NotAssignee,
        RejectionCode::ForbiddenRole,
        RejectionCode::NotFound,
        RejectionCode::NotReady,
        RejectionCode::Conflict,
        RejectionCode::UnknownMutation,
        RejectionCode::UnknownPart,
        RejectionCode::BlobMissing,
        RejectionCode::UnknownEngineer,
        RejectionCode::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectionCode::InvalidArgs => "invalid_args",
            RejectionCode::InvalidStatus => "invalid_status",
            RejectionCode::NotAssignee => "not_assignee",
            RejectionCode::ForbiddenRole => "forbidden_role",
            RejectionCode::NotFound => "not_found",
            RejectionCode::NotReady => "not_ready",
            RejectionCode::Conflict => "conflict",
            RejectionCode::UnknownMutation => "unknown_mutation",
            RejectionCode::UnknownPart => "unknown_part",
            RejectionCode::BlobMissing => "blob_missing",
            RejectionCode::UnknownEngineer => "unknown_engineer",
            RejectionCode::Other => "other",
        }
    }
}

impl std::fmt::Display for RejectionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for RejectionCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RejectionCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Why a mutation was not applied. `code` is stable and machine-readable; `message` explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub code: RejectionCode,
    pub message: String,
}

impl Rejection {
    /// The message holds no control character: one that quotes what a device sent (an
    /// unknown name, a value serde could not read) has them escaped (`printable`).
    pub fn new(code: RejectionCode, message: impl Into<String>) -> Rejection {
        let message = message.into();
        Rejection {
            code,
            message: match printable(&message) {
                std::borrow::Cow::Borrowed(_) => message,
                std::borrow::Cow::Owned(escaped) => escaped,
            },
        }
    }

    pub fn invalid(message: impl Into<String>) -> Rejection {
        Rejection::new(RejectionCode::InvalidArgs, message)
    }
}

/// `s` with each control character escaped as in Rust source (`\n`, `\u{0}`): what a device
/// sent, quoted in a message or a record without the characters that have no place there.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_ones_read_as_other() {
        for c in RejectionCode::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<RejectionCode>(&json).unwrap(), c);
        }
        let newer: RejectionCode = serde_json::from_str("\"quota_exceeded\"").unwrap();
        assert_eq!(newer, RejectionCode::Other);
    }

    #[test]
    fn a_message_quotes_control_characters_escaped() {
        assert_eq!(printable("plain 長"), "plain 長");
        assert_eq!(
            printable("a\0b\nc\u{1b}\u{85}"),
            "a\\u{0}b\\nc\\u{1b}\\u{85}"
        );
        let r = Rejection::new(RejectionCode::UnknownMutation, "unknown mutation `x\0`");
        assert_eq!(r.message, "unknown mutation `x\\u{0}`");
        assert!(!r.to_string().chars().any(char::is_control));
    }
}
