//! SLA policies and the contracts that name them. A change logs a `policy` change row
//! (everyone pulls policies) for each policy whose record (targets or customers) differs
//! before and after it, and none when nothing did.

use std::collections::BTreeMap;

use onsite_core::sla::SlaTargets;
use onsite_core::wire::{ChangeOp, Entity, PolicyRecord};
use onsite_core::{Role, SlaPolicy};
use sqlx::Row;

use super::codec::{decode_err, to_json, Json};
use super::log::record_change;
use super::Conn;

/// Longest policy name and customer name the endpoints take.
pub const MAX_NAME_CHARS: usize = 64;
pub const MAX_CUSTOMER_CHARS: usize = onsite_core::limits::MAX_LINE;

/// Why `name` cannot name a policy.
pub fn validate_policy_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "the policy name must have 1 to {MAX_NAME_CHARS} characters"
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err("the policy name may use only a-z, 0-9, `-` and `_`".into());
    }
    Ok(())
}

/// Why a policy is refused (the message of a `400 invalid_policy`).
pub fn validate_policy(p: &SlaPolicy) -> Result<(), String> {
    validate_policy_name(&p.name)?;
    for (i, t) in p.levels.iter().enumerate() {
        let level = i + 1;
        if t.respond_minutes <= 0 {
            return Err(format!("level {level}: respond_minutes must be positive"));
        }
        if let Some(r) = t.resolve_minutes {
            if r <= 0 {
                return Err(format!("level {level}: resolve_minutes must be positive"));
            }
            if t.respond_minutes > r {
                return Err(format!(
                    "level {level}: respond_minutes ({}) must not exceed resolve_minutes ({r})",
                    t.respond_minutes
                ));
            }
        }
        // A year in minutes: anything longer is a typo, not a target.
        if t.respond_minutes > 525_600 || t.resolve_minutes.is_some_and(|r| r > 525_600) {
            return Err(format!("level {level}: targets are at most one year"));
        }
    }
    Ok(())
}

fn decode_levels(name: &str, targets: &str) -> Result<SlaPolicy, sqlx::Error> {
    let levels: [SlaTargets; 4] = serde_json::from_str(targets)
        .map_err(|e| decode_err(format!("stored targets of policy {name}: {e}")))?;
    Ok(SlaPolicy {
        name: name.to_string(),
        levels,
    })
}

/// Every policy, by name.
pub async fn all_policies(conn: &mut Conn) -> Result<Vec<SlaPolicy>, sqlx::Error> {
    let rows = sqlx::query("SELECT name, targets FROM sla_policies ORDER BY name")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("name")?;
            let targets: String = r.try_get("targets")?;
            decode_levels(&name, &targets)
        })
        .collect()
}

pub async fn policy_exists(conn: &mut Conn, name: &str) -> Result<bool, sqlx::Error> {
    exists!(conn, "SELECT 1 FROM sla_policies WHERE name = $1", name)
}

/// Policies with the customers whose contract names them; `names = None` = all.
pub async fn records(
    conn: &mut Conn,
    names: Option<&[String]>,
) -> Result<BTreeMap<String, (SlaPolicy, Vec<String>)>, sqlx::Error> {
    let mut out: BTreeMap<String, (SlaPolicy, Vec<String>)> = BTreeMap::new();
    for p in all_policies(&mut *conn).await? {
        if names.is_none_or(|n| n.contains(&p.name)) {
            out.insert(p.name.clone(), (p, Vec::new()));
        }
    }
    let rows = sqlx::query("SELECT customer, policy FROM contracts ORDER BY customer")
        .fetch_all(conn)
        .await?;
    for r in rows {
        let policy: String = r.try_get("policy")?;
        if let Some((_, customers)) = out.get_mut(&policy) {
            customers.push(r.try_get("customer")?);
        }
    }
    Ok(out)
}

/// Every policy record as it stands, to compare after a change (`log_changed_records`).
type Records = BTreeMap<String, (SlaPolicy, Vec<String>)>;

/// Log a `policy` change row for each record (targets or customers) that differs from
/// `before`: exactly the records a device would now receive differently. (No endpoint
/// deletes a policy, so every record of `before` is still there.)
async fn log_changed_records(conn: &mut Conn, before: &Records) -> Result<(), sqlx::Error> {
    let after = records(&mut *conn, None).await?;
    for (name, record) in &after {
        if before.get(name) != Some(record) {
            record_change(&mut *conn, Entity::Policy, name, ChangeOp::Put, None).await?;
        }
    }
    Ok(())
}

/// Insert or replace a policy; logs a change only when its targets changed (or it is new).
pub async fn upsert_policy(conn: &mut Conn, p: &SlaPolicy) -> Result<(), sqlx::Error> {
    let before = records(&mut *conn, None).await?;
    let targets = serde_json::to_string(&p.levels).map_err(|e| decode_err(e.to_string()))?;
    sqlx::query(
        "INSERT INTO sla_policies (name, targets) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET targets = excluded.targets",
    )
    .bind(&p.name)
    .bind(targets)
    .execute(&mut *conn)
    .await?;
    log_changed_records(conn, &before).await
}

/// The contract row matching `customer` (trimmed, case-insensitively: the same rule as
/// `PolicyRecord::for_customer`, which the app uses offline), as (stored name, policy).
async fn find_contract(
    conn: &mut Conn,
    customer: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let wanted = customer.trim().to_lowercase();
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT customer, policy FROM contracts")
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .find(|(c, _)| c.trim().to_lowercase() == wanted))
}

/// The policy of a customer's contract, if the customer has one.
pub async fn contract_policy(
    conn: &mut Conn,
    customer: &str,
) -> Result<Option<String>, sqlx::Error> {
    Ok(find_contract(conn, customer).await?.map(|(_, p)| p))
}

/// Give `customer` a contract on `policy` (which must exist).
/// Logs the records whose customer lists changed: the old and the new policy's on a move,
/// the policy's own when the customer is re-spelt under it, none when nothing changed.
pub async fn set_contract(
    conn: &mut Conn,
    customer: &str,
    policy: &str,
) -> Result<(), sqlx::Error> {
    let before = records(&mut *conn, None).await?;
    let customer = customer.trim();
    if let Some((stored, _)) = find_contract(&mut *conn, customer).await? {
        sqlx::query("DELETE FROM contracts WHERE customer = $1")
            .bind(stored)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("INSERT INTO contracts (customer, policy) VALUES ($1, $2)")
        .bind(customer)
        .bind(policy)
        .execute(&mut *conn)
        .await?;
    log_changed_records(conn, &before).await
}

/// End `customer`'s contract; returns the policy it had (`None` = there was none).
pub async fn delete_contract(
    conn: &mut Conn,
    customer: &str,
) -> Result<Option<String>, sqlx::Error> {
    let before = records(&mut *conn, None).await?;
    let Some((stored, previous)) = find_contract(&mut *conn, customer).await? else {
        return Ok(None);
    };
    sqlx::query("DELETE FROM contracts WHERE customer = $1")
        .bind(&stored)
        .execute(&mut *conn)
        .await?;
    log_changed_records(conn, &before).await?;
    Ok(Some(previous))
}

/// Whether `role` sees the contract customers of a `PolicyRecord`. Customer information is
/// shown only to those who work on that customer's cases (SERVICE-SPEC.md): a manager
/// creates every case and needs the contracts for `case.create`; an engineer never creates
/// a case, so their records carry `customers: []`.
pub fn sees_customers(role: Role) -> bool {
    role == Role::Manager
}

/// The record `role` is given: the customers only for those who may see them.
fn record_for(role: Role, policy: SlaPolicy, customers: Vec<String>) -> PolicyRecord {
    PolicyRecord {
        policy,
        customers: if sees_customers(role) {
            customers
        } else {
            Vec::new()
        },
    }
}

/// `PolicyRecord` JSON by policy name as `role` may see it (a policy that no longer exists
/// is left out).
pub async fn record_json(
    conn: &mut Conn,
    names: &[String],
    role: Role,
) -> Result<BTreeMap<String, Json>, sqlx::Error> {
    let mut out = BTreeMap::new();
    if names.is_empty() {
        return Ok(out);
    }
    for (name, (policy, customers)) in records(conn, Some(names)).await? {
        let rec = record_for(role, policy, customers);
        out.insert(name, to_json(&rec)?);
    }
    Ok(out)
}

/// Every policy as the API answers it to `role`.
pub async fn all_records(conn: &mut Conn, role: Role) -> Result<Vec<PolicyRecord>, sqlx::Error> {
    Ok(records(conn, None)
        .await?
        .into_values()
        .map(|(policy, customers)| record_for(role, policy, customers))
        .collect())
}
