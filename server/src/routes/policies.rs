//! SLA policies and customer contracts: `GET /api/v1/sla/policies` (any user; customers
//! for managers only),
//! `PUT /api/v1/sla/policies/{name}`, `PUT`/`DELETE /api/v1/contracts/{customer}` (managers).
//!
//! These are configuration, not case data: they change no case (a case keeps the clock it
//! was opened with), so they sit outside the mutation path. Every change that alters a
//! record logs a `policy` change row, so devices pull the new records.

use axum::extract::State;
use onsite_core::wire::PolicyRecord;
use onsite_core::SlaPolicy;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, AuthUser, Manager};
use crate::store::policies::{self, MAX_CUSTOMER_CHARS};
use crate::AppState;

#[utoipa::path(get, path = "/api/v1/sla/policies", summary = "Every SLA policy (any user); a manager's records list the customers whose contract uses it, an engineer's have customers: []", tag = "desk",
    responses((status = 200, description = "The policies", body = Vec<PolicyRecord>)))]
/// Every policy; a manager's records list the customers whose contract uses it, an
/// engineer's have `customers: []` (see `policies::sees_customers`).
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
) -> ApiResult<ApiJson<Vec<PolicyRecord>>> {
    let mut tx = state.store.read().await?;
    let records = policies::all_records(&mut tx, user.role).await?;
    Ok(ApiJson(records))
}

#[utoipa::path(put, path = "/api/v1/sla/policies/{name}", summary = "Manager only: create or replace a policy (cases keep the clock they were opened with)", tag = "desk",
    params(("name" = String, Path, pattern = "^[a-z0-9_-]{1,64}$")),
    request_body = PolicyBody,
    responses(
        (status = 200, description = "The stored policy and its customers", body = PolicyRecord),
        (status = 400, description = "invalid_policy (name, positive minutes, respond <= resolve, at most ten years) or invalid_body (not four levels)"),
        (status = 403, description = "forbidden: not a manager"),
    ))]
/// Create or replace a policy. The body is an `SlaPolicy`; its `name` may be left out or
/// must equal the path's.
pub async fn put_policy(
    State(state): State<AppState>,
    _: Manager,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<PolicyBody>,
) -> ApiResult<ApiJson<PolicyRecord>> {
    if body.name.as_deref().is_some_and(|n| n != name) {
        return Err(ApiError::bad_request(
            "invalid_policy",
            format!(
                "the body names policy `{}` but the path `{name}`",
                body.name.unwrap_or_default()
            ),
        ));
    }
    let policy = SlaPolicy {
        name,
        levels: body.levels,
    };
    policies::validate_policy(&policy).map_err(|m| ApiError::bad_request("invalid_policy", m))?;
    let mut tx = state.store.write().await?;
    policies::upsert_policy(&mut tx, &policy).await?;
    let customers = policies::records(&mut tx, Some(std::slice::from_ref(&policy.name)))
        .await?
        .remove(&policy.name)
        .map(|(_, c)| c)
        .unwrap_or_default();
    tx.commit().await?;
    Ok(ApiJson(PolicyRecord { policy, customers }))
}

/// `SlaPolicy` with an optional name (the path names the policy).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    #[serde(default)]
    pub name: Option<String>,
    pub levels: [onsite_core::SlaTargets; 4],
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractBody {
    pub policy: String,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contract {
    pub customer: String,
    pub policy: String,
}

/// The customer of a contract, as named on the cases: matched trimmed and case-insensitively.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // only its schema is used
pub struct CustomerPath {
    #[param(schema_with = onsite_core::openapi::line)]
    customer: String,
}

fn customer_name(raw: &str) -> Result<String, ApiError> {
    let c = raw.trim();
    if c.is_empty()
        || c.chars().count() > MAX_CUSTOMER_CHARS
        || onsite_core::limits::stray_in_line(c).is_some()
    {
        return Err(ApiError::bad_request(
            "invalid_customer",
            format!("the customer name must have 1 to {MAX_CUSTOMER_CHARS} characters and no control character"),
        ));
    }
    Ok(c.to_string())
}

#[utoipa::path(put, path = "/api/v1/contracts/{customer}", summary = "Manager only: put the customer's contract on a policy; case.create without a policy takes it", tag = "desk",
    params(CustomerPath), request_body = ContractBody,
    responses(
        (status = 200, description = "The contract", body = Contract),
        (status = 400, description = "unknown_policy or invalid_customer (empty, too long or with a control character)"),
        (status = 403, description = "forbidden: not a manager"),
    ))]
/// Put a customer's contract on a policy: `case.create` for this customer without a policy
/// takes it from now on.
pub async fn put_contract(
    State(state): State<AppState>,
    _: Manager,
    ApiPath(customer): ApiPath<String>,
    ApiJson(body): ApiJson<ContractBody>,
) -> ApiResult<ApiJson<Contract>> {
    let customer = customer_name(&customer)?;
    let mut tx = state.store.write().await?;
    // A name no policy can have is unknown without a query.
    if policies::validate_policy_name(&body.policy).is_err()
        || !policies::policy_exists(&mut tx, &body.policy).await?
    {
        return Err(ApiError::bad_request(
            "unknown_policy",
            format!("there is no SLA policy `{}`", body.policy),
        ));
    }
    policies::set_contract(&mut tx, &customer, &body.policy).await?;
    tx.commit().await?;
    Ok(ApiJson(Contract {
        customer,
        policy: body.policy,
    }))
}

#[utoipa::path(delete, path = "/api/v1/contracts/{customer}", summary = "Manager only: end the customer's contract (new cases run on standard)", tag = "desk", params(CustomerPath),
    responses(
        (status = 200, description = "The contract that ended", body = Contract),
        (status = 400, description = "invalid_customer (empty, too long or with a control character)"),
        (status = 403, description = "forbidden: not a manager"),
        (status = 404, description = "not_found: the customer has no contract"),
    ))]
/// End a customer's contract (its cases go back to the standard policy); answers the
/// contract that ended, `404` when there was none.
pub async fn delete_contract(
    State(state): State<AppState>,
    _: Manager,
    ApiPath(customer): ApiPath<String>,
) -> ApiResult<ApiJson<Contract>> {
    let customer = customer_name(&customer)?;
    let mut tx = state.store.write().await?;
    let Some(policy) = policies::delete_contract(&mut tx, &customer).await? else {
        return Err(ApiError::not_found(format!(
            "customer `{customer}` has no contract"
        )));
    };
    tx.commit().await?;
    Ok(ApiJson(Contract { customer, policy }))
}
