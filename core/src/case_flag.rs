//! [`CaseFlag`]: what a manager must look at on a case, and its JSON decoding.

use chrono::{DateTime, Utc};
use serde::de::{Deserializer, Error};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case_status::CaseStatus;

/// Something about a case a manager must look at; never blocks the engineer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaseFlag {
    /// A second, different sign-off arrived; both are kept.
    ConflictingSignOff { signoff_id: Uuid },
    /// A sign-off arrived while the case was in a status that does not expect one.
    SignOffOutOfState {
        signoff_id: Uuid,
        status: CaseStatus,
    },
    /// The report the customer confirmed (`SignOff::report_sha256`) is not the case's report
    /// as it stood when the server applied the sign-off: something changed it in between
    /// (another device, a manager). The sign-off is kept; the manager checks the difference.
    SignedReportDiffers { signoff_id: Uuid },
    /// A sign-off from an engineer the case was reassigned away from, which reached the server
    /// after the reassignment: kept beside the case's own (`extra_sign_offs`), never in its place.
    LateSignOff { signoff_id: Uuid, by: Uuid },
    /// Work a former assignee recorded offline before the reassignment reached them (a part
    /// physically used, time spent): rejected, since only the current assignee writes to a
    /// case, and kept here so the manager can act on it.
    LateWork {
        mutation_id: Uuid,
        /// The mutation's name, e.g. `part.use`.
        event: String,
        by: Uuid,
        /// The mutation's arguments as the device sent them.
        args: serde_json::Value,
        at: DateTime<Utc>,
    },
    /// Van stock went below zero for this part.
    NegativeStock { part_no: String },
    /// The device's clock was more than `CLOCK_SKEW_LIMIT_MINUTES` away from the server's when
    /// the server applied this mutation: its device time (SLA evidence) is not to be trusted
    /// blindly.
    ClockSkew {
        /// The mutation's id, when the server knows it (set by the server after `apply`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mutation_id: Option<Uuid>,
        /// The mutation's name, e.g. `case.accept`.
        event: String,
        client_time: DateTime<Utc>,
        server_time: DateTime<Utc>,
    },
}

/// The wire form `{"kind": "…", …fields}`, read through one flat record instead of serde's
/// internally tagged derive, which buffers every flag and was a fifth of the app's first
/// load decoding code. Unknown fields are ignored and a missing one is an error, as before.
impl<'de> Deserialize<'de> for CaseFlag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            ConflictingSignOff,
            SignOffOutOfState,
            SignedReportDiffers,
            LateSignOff,
            LateWork,
            NegativeStock,
            ClockSkew,
        }

        #[derive(Deserialize)]
        struct Flat {
            kind: Kind,
            signoff_id: Option<Uuid>,
            status: Option<CaseStatus>,
            by: Option<Uuid>,
            mutation_id: Option<Uuid>,
            event: Option<String>,
            // `null` is a value here, not a missing field.
            #[serde(default, deserialize_with = "present")]
            args: Option<serde_json::Value>,
            at: Option<DateTime<Utc>>,
            part_no: Option<String>,
            client_time: Option<DateTime<Utc>>,
            server_time: Option<DateTime<Utc>>,
        }

        fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
            serde_json::Value::deserialize(d).map(Some)
        }

        fn need<T, E: Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
            value.ok_or_else(|| E::missing_field(field))
        }

        let f = Flat::deserialize(deserializer)?;
        Ok(match f.kind {
            Kind::ConflictingSignOff => CaseFlag::ConflictingSignOff {
                signoff_id: need(f.signoff_id, "signoff_id")?,
            },
            Kind::SignOffOutOfState => CaseFlag::SignOffOutOfState {
                signoff_id: need(f.signoff_id, "signoff_id")?,
                status: need(f.status, "status")?,
            },
            Kind::SignedReportDiffers => CaseFlag::SignedReportDiffers {
                signoff_id: need(f.signoff_id, "signoff_id")?,
            },
            Kind::LateSignOff => CaseFlag::LateSignOff {
                signoff_id: need(f.signoff_id, "signoff_id")?,
                by: need(f.by, "by")?,
            },
            Kind::LateWork => CaseFlag::LateWork {
                mutation_id: need(f.mutation_id, "mutation_id")?,
                event: need(f.event, "event")?,
                by: need(f.by, "by")?,
                args: need(f.args, "args")?,
                at: need(f.at, "at")?,
            },
            Kind::NegativeStock => CaseFlag::NegativeStock {
                part_no: need(f.part_no, "part_no")?,
            },
            Kind::ClockSkew => CaseFlag::ClockSkew {
                mutation_id: f.mutation_id,
                event: need(f.event, "event")?,
                client_time: need(f.client_time, "client_time")?,
                server_time: need(f.server_time, "server_time")?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn every_flag() -> Vec<CaseFlag> {
        let id = Uuid::from_u128(7);
        let at: DateTime<Utc> = "2026-03-01T08:00:00Z".parse().unwrap();
        vec![
            CaseFlag::ConflictingSignOff { signoff_id: id },
            CaseFlag::SignOffOutOfState {
                signoff_id: id,
                status: CaseStatus::Assigned,
            },
            CaseFlag::SignedReportDiffers { signoff_id: id },
            CaseFlag::LateSignOff {
                signoff_id: id,
                by: id,
            },
            CaseFlag::LateWork {
                mutation_id: id,
                event: "part.use".into(),
                by: id,
                args: json!({"part_no": "F-1", "qty": 2}),
                at,
            },
            CaseFlag::LateWork {
                mutation_id: id,
                event: "part.use".into(),
                by: id,
                args: serde_json::Value::Null,
                at,
            },
            CaseFlag::NegativeStock {
                part_no: "F-1".into(),
            },
            CaseFlag::ClockSkew {
                mutation_id: Some(id),
                event: "case.accept".into(),
                client_time: at,
                server_time: at,
            },
            CaseFlag::ClockSkew {
                mutation_id: None,
                event: "case.accept".into(),
                client_time: at,
                server_time: at,
            },
        ]
    }

    #[test]
    fn every_flag_reads_back_what_it_writes() {
        for flag in every_flag() {
            let text = serde_json::to_string(&flag).unwrap();
            assert_eq!(
                serde_json::from_str::<CaseFlag>(&text).unwrap(),
                flag,
                "{text}"
            );
        }
    }

    #[test]
    fn unknown_fields_are_ignored_and_missing_ones_refused() {
        let flag: CaseFlag =
            serde_json::from_value(json!({"kind": "negative_stock", "part_no": "F-1", "x": 1}))
                .unwrap();
        assert_eq!(
            flag,
            CaseFlag::NegativeStock {
                part_no: "F-1".into()
            }
        );
        let err = serde_json::from_value::<CaseFlag>(json!({"kind": "late_work", "mutation_id":
            Uuid::nil(), "event": "part.use", "by": Uuid::nil(), "at": "2026-03-01T08:00:00Z"}))
        .unwrap_err();
        assert!(err.to_string().contains("missing field `args`"), "{err}");
        assert!(serde_json::from_value::<CaseFlag>(json!({"kind": "nonsense"})).is_err());
        assert!(serde_json::from_value::<CaseFlag>(json!({"part_no": "F-1"})).is_err());
    }
}
