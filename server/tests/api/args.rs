//! Arguments of the mutations the tests push, valid as they are: a test changes the fields it
//! is about (`with`). Ids of new things (entries, usages, photos, sign-offs) are fresh.

use chrono::{Duration, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// `base` with the top-level fields of `extra` set.
pub fn with(mut base: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().expect("an object").clone() {
        base[k] = v;
    }
    base
}

/// Just the case: `case.accept`, `case.close`.
pub fn case(id: Uuid) -> Value {
    json!({ "case_id": id })
}

/// A severity-2 on-site fault reported an hour ago.
pub fn case_create(id: Uuid) -> Value {
    json!({
        "case_id": id, "title": "Seeded case", "customer": { "name": "Seed Customer" },
        "site": { "address": "1 Seed Road" }, "product": { "model": "SD-100" },
        "category": "system_fault", "severity": 2, "mode": "on_site",
        "reported_at": Utc::now() - Duration::hours(1),
    })
}

pub fn assign(case: Uuid, engineer: Uuid) -> Value {
    json!({ "case_id": case, "engineer_id": engineer })
}

pub fn to_status(case: Uuid, status: &str) -> Value {
    json!({ "case_id": case, "status": status })
}

/// `qty` of `part_no` used on the case (not returned defective).
pub fn part_use(case: Uuid, part_no: &str, qty: i64) -> Value {
    json!({ "case_id": case, "usage_id": Uuid::new_v4(), "part_no": part_no, "qty": qty,
        "returned_defective": false })
}

pub fn part_correct(case: Uuid, corrects: impl Serialize, qty_delta: i64) -> Value {
    json!({ "case_id": case, "usage_id": Uuid::new_v4(), "corrects": corrects,
        "qty_delta": qty_delta })
}

pub fn photo(case: Uuid, sha256: &str) -> Value {
    json!({ "case_id": case, "photo_id": Uuid::new_v4(), "sha256": sha256 })
}

/// A sign-off the customer confirmed by phone (no signature).
pub fn sign_off(case: Uuid) -> Value {
    json!({ "case_id": case, "signoff_id": Uuid::new_v4(), "signer_name": "Ms Seed",
        "unsigned_reason": "confirmed by phone", "report_sha256": "a".repeat(64),
        "signed_at": Utc::now() })
}

/// A sign-off with the signature image `signature` (its hash).
pub fn signed(case: Uuid, signature: &str) -> Value {
    json!({ "case_id": case, "signoff_id": Uuid::new_v4(), "signer_name": "Ms Test",
        "signature_sha256": signature, "report_sha256": "b".repeat(64),
        "signed_at": Utc::now() })
}

/// Work from `start` to `end`.
pub fn time(case: Uuid, start: impl Serialize, end: impl Serialize) -> Value {
    json!({ "case_id": case, "entry_id": Uuid::new_v4(), "kind": "work", "start": start,
        "end": end })
}

/// A new entry replacing `corrects`.
pub fn time_correct(
    case: Uuid,
    corrects: impl Serialize,
    start: impl Serialize,
    end: impl Serialize,
) -> Value {
    json!({ "case_id": case, "entry_id": Uuid::new_v4(), "corrects": corrects, "start": start,
        "end": end })
}
