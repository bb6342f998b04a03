//! Why a mutation was not applied: a stable code (an enum, so the app translates every one and
//! a new code cannot go untranslated) and a message for logs and support.

use serde::{Deserialize, Serialize};

crate::code_enum::code_enum! {
    /// A rejection's machine-readable reason; on the wire, the snake_case name.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum RejectionCode {
        /// Malformed or out-of-range arguments.
        InvalidArgs = "invalid_args",
        /// The case's status does not allow it now.
        InvalidStatus = "invalid_status",
        /// The case is not assigned to this engineer.
        NotAssignee = "not_assignee",
        /// This role may not do it.
        ForbiddenRole = "forbidden_role",
        /// A case, entry or item it names does not exist.
        NotFound = "not_found",
        /// The case is not ready (report result, sign-off, checklist, fault analysis).
        NotReady = "not_ready",
        /// A different record with the same id exists.
        Conflict = "conflict",
        /// A name this server does not know.
        UnknownMutation = "unknown_mutation",
        /// The part is not in the catalog (server).
        UnknownPart = "unknown_part",
        /// A blob it names has not been uploaded by this user, or they may not see it (server).
        BlobMissing = "blob_missing",
        /// The engineer it names does not exist (server).
        UnknownEngineer = "unknown_engineer",
        /// A code from a newer server this build does not know.
        #[serde(other)]
        Other = "other",
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

    /// The names round-trip as every `code_enum!`'s do (code_enum.rs); a newer server's
    /// code is not an error.
    #[test]
    fn unknown_codes_read_as_other() {
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
