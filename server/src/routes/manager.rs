//! Manager-only reads: `GET /api/v1/dashboard`, `GET /api/v1/stock/ledger`.

use axum::extract::State;
use chrono::{DateTime, Utc};
use onsite_core::wire::StockLedgerResponse;
use onsite_core::{Dashboard, Role};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, AuthUser};
use crate::store::{cases, users};
use crate::AppState;

fn manager_only(user: &AuthUser, what: &str) -> Result<(), ApiError> {
    if user.role == Role::Manager {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "only a manager may read {what}"
        )))
    }
}

#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    pub from: String,
    pub to: String,
}

fn parse_time(field: &str, v: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            ApiError::bad_request(
                "invalid_query",
                format!("`{field}` must be an RFC 3339 time: {e}"),
            )
        })
}

/// The dashboard over the cases reported in `[from, to)` (see `onsite_core::dashboard`).
pub async fn dashboard(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<ApiJson<Dashboard>> {
    manager_only(&user, "the dashboard")?;
    let from = parse_time("from", &q.from)?;
    let to = parse_time("to", &q.to)?;
    if from >= to {
        return Err(ApiError::bad_request(
            "invalid_query",
            "`from` must be before `to`",
        ));
    }
    let mut tx = state.store.read().await?;
    let all = cases::all_cases(&mut tx).await?;
    drop(tx);
    Ok(ApiJson(onsite_core::dashboard(&all, from, to, Utc::now())))
}

#[derive(Debug, Deserialize)]
pub struct LedgerQuery {
    pub engineer_id: Uuid,
}

/// Every van-stock movement of one engineer, oldest first.
pub async fn stock_ledger(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<LedgerQuery>,
) -> ApiResult<ApiJson<StockLedgerResponse>> {
    manager_only(&user, "the stock ledger")?;
    let mut tx = state.store.read().await?;
    if !users::is_engineer(&mut tx, q.engineer_id).await? {
        return Err(ApiError::not_found(format!(
            "{} is not an engineer",
            q.engineer_id
        )));
    }
    let lines = cases::ledger_of(&mut tx, q.engineer_id).await?;
    Ok(ApiJson(StockLedgerResponse {
        engineer_id: q.engineer_id,
        lines,
    }))
}
