//! Sync protocol v1: what travels between the app and the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::status::Role;

pub const MAX_BATCH_MUTATIONS: usize = 100;
pub const MAX_BATCH_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::line))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::password))]
    pub password: String,
    pub client_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
}

/// A device (client_id) as a manager sees it: whose it is and whether it can still sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Device {
    pub client_id: Uuid,
    pub user_id: Uuid,
    pub username: String,
    pub name: String,
    pub last_seq: u64,
    #[serde(default)]
    pub first_seen: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_seen: Option<DateTime<Utc>>,
    /// It holds at least one live token.
    pub active: bool,
}

/// How many sessions a revocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeResponse {
    pub revoked: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub user: UserInfo,
}

/// A queued mutation as it crosses the wire. `args` stays raw JSON so that an unknown or
/// malformed mutation is answered `rejected` for itself instead of failing the batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireMutation {
    pub seq: u64,
    pub id: Uuid,
    pub name: String,
    pub args: serde_json::Value,
    pub client_time: DateTime<Utc>,
}

/// One push: at most `MAX_BATCH_MUTATIONS`.
#[cfg(feature = "openapi")]
fn batch_schema() -> utoipa::openapi::schema::Array {
    use utoipa::ToSchema;
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name(WireMutation::name()))
        .max_items(Some(MAX_BATCH_MUTATIONS))
        .build()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub client_id: Uuid,
    pub schema_version: u32,
    #[cfg_attr(feature = "openapi", schema(schema_with = batch_schema))]
    pub mutations: Vec<WireMutation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    Applied,
    Duplicate,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResult {
    pub seq: u64,
    pub status: PushStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub last_seq: u64,
    pub results: Vec<PushResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Case,
    Part,
    Stock,
    Rejection,
    /// A user's id, name and role (names for assignees and timelines).
    User,
    /// An SLA policy and the customers whose contract uses it (`PolicyRecord`).
    Policy,
    /// A closed, resolved case condensed for the knowledge base (`knowledge::PastFix`).
    PastFix,
    /// An entity this build does not know (a newer server's); skipped. The server never
    /// sends it: it is what an unknown `entity` string parses to.
    #[serde(other)]
    Unknown,
}

/// An SLA policy as the server holds it, with the contracts that use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyRecord {
    pub policy: crate::sla::SlaPolicy,
    /// Customers whose contract uses this policy; `case.create` without a policy takes it.
    #[serde(default)]
    pub customers: Vec<String>,
}

impl PolicyRecord {
    /// The policy a new case for `customer` gets: its contract's, else `standard`.
    pub fn for_customer<'a>(
        records: &'a [PolicyRecord],
        customer: &str,
    ) -> Option<&'a PolicyRecord> {
        let wanted = customer.trim().to_lowercase();
        records.iter().find(|r| {
            r.customers
                .iter()
                .any(|c| c.trim().to_lowercase() == wanted)
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Put,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub entity: Entity,
    pub op: ChangeOp,
    /// Case id, part number, stock part number, rejection id, user id, policy name, or
    /// the case id of a past fix.
    pub id: String,
    #[serde(default)]
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub cursor: String,
    pub has_more: bool,
    pub reset: bool,
    pub last_seq: u64,
    pub changes: Vec<Change>,
}

/// A mutation of this client the server refused, synced back so the user sees why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectionRecord {
    pub id: Uuid,
    pub client_id: Uuid,
    pub seq: u64,
    pub mutation_id: Uuid,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
    pub code: crate::rejection::RejectionCode,
    pub message: String,
    pub at: DateTime<Utc>,
}

/// Every error answer: `{error, message}`, and `expected` with `409 seq_gap`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. invalid_credentials, unauthorized, session_revoked,
    /// session_expired, forbidden, client_mismatch, client_taken, login_throttled,
    /// upload_quota, not_found, method_not_allowed, invalid_json, invalid_body,
    /// invalid_query, invalid_path, invalid_hash, hash_mismatch, unsupported_schema, seq_gap,
    /// invalid_policy, unknown_policy, invalid_customer, payload_too_large,
    /// unsupported_media_type, internal, unavailable.
    pub error: String,
    /// For people: what went wrong.
    pub message: String,
    /// `seq_gap` only: the seq the server expects next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
}

/// One line of an engineer's van-stock ledger (`GET /api/v1/stock/ledger`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockLedgerLine {
    pub id: i64,
    pub engineer_id: Uuid,
    pub part_no: String,
    pub delta: i64,
    /// What moved it: `part.use`, `part.correct`, `stock.adjust`, `demo van load`, …
    pub reason: String,
    /// The manager's reason for a `stock.adjust`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutation_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockLedgerResponse {
    pub engineer_id: Uuid,
    pub lines: Vec<StockLedgerLine>,
}
