//! Severity 1 (system down) to 4 (a question): what sets a case's SLA targets.

use serde::{Deserialize, Serialize};

/// Severity level 1 (system down) to 4 (a question).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Severity(u8);

impl Severity {
    pub const ALL: [Severity; 4] = [Severity(1), Severity(2), Severity(3), Severity(4)];
    pub fn new(level: u8) -> Option<Severity> {
        (1..=4).contains(&level).then_some(Severity(level))
    }
    pub fn level(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Severity {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        Severity::new(v).ok_or_else(|| format!("severity must be 1..4, got {v}"))
    }
}

impl From<Severity> for u8 {
    fn from(s: Severity) -> u8 {
        s.0
    }
}
