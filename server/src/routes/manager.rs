//! Manager-only: `GET /api/v1/dashboard`, `GET /api/v1/stock/ledger`,
//! `GET /api/v1/stock/levels` and `PUT /api/v1/stock/reorder-point`.

use axum::extract::State;
use chrono::{DateTime, Utc};
use onsite_core::mutation::MAX_QTY;
use onsite_core::wire::StockLedgerResponse;
use onsite_core::{Dashboard, StockLevel};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Manager};
use crate::store::{cases, users};
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    #[param(schema_with = onsite_core::openapi::time)]
    pub from: String,
    #[param(schema_with = onsite_core::openapi::time)]
    pub to: String,
}

fn parse_time(field: &str, v: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .filter(|t| onsite_core::limits::time_in_range(*t))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                format!(
                    "`{field}` must be an RFC 3339 time {}",
                    onsite_core::limits::time_range_text()
                ),
            )
        })
}

#[utoipa::path(get, path = "/api/v1/dashboard", summary = "Manager only: service figures over the cases reported in [from, to), overall and per engineer", tag = "desk", params(DashboardQuery),
    description = "Repair timeliness rate (resolved within the resolve target / the cases decided: those, plus the ones past their target, resolved late or still open), average response and resolution minutes beside the average target, first-time fix rate (resolved, never reopened, result resolved / resolved), average satisfaction (rated sign-offs), respond and resolve breaches at the time of the request, repeat faults (the same unit again within 30 days of a fix), case counts. Cancelled cases are counted and otherwise left out. Rates and averages are null when there is nothing to divide.",
    responses(
        (status = 200, description = "The figures", body = Dashboard),
        (status = 400, description = "invalid_query: missing or non-RFC 3339 from/to, or from >= to"),
        (status = 403, description = "forbidden: not a manager"),
    ))]
/// The dashboard over the cases reported in `[from, to)` (see `onsite_core::dashboard`).
pub async fn dashboard(
    State(state): State<AppState>,
    _: Manager,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<ApiJson<Dashboard>> {
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

/// `?engineer_id=<uuid>` of the stock reads.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EngineerQuery {
    pub engineer_id: Uuid,
}

async fn check_engineer(conn: &mut crate::store::Conn, id: Uuid) -> Result<(), ApiError> {
    if users::is_engineer(conn, id).await? {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("{id} is not an engineer")))
    }
}

#[utoipa::path(get, path = "/api/v1/stock/ledger", summary = "Manager only: every van-stock movement of one engineer, oldest first", tag = "desk", params(EngineerQuery),
    responses(
        (status = 200, description = "The ledger, oldest first", body = StockLedgerResponse),
        (status = 403, description = "forbidden: not a manager"),
        (status = 404, description = "not_found: not an engineer"),
    ))]
/// Every van-stock movement of one engineer, oldest first.
pub async fn stock_ledger(
    State(state): State<AppState>,
    _: Manager,
    ApiQuery(q): ApiQuery<EngineerQuery>,
) -> ApiResult<ApiJson<StockLedgerResponse>> {
    let mut tx = state.store.read().await?;
    check_engineer(&mut tx, q.engineer_id).await?;
    let lines = cases::ledger_of(&mut tx, q.engineer_id).await?;
    Ok(ApiJson(StockLedgerResponse {
        engineer_id: q.engineer_id,
        lines,
    }))
}

#[utoipa::path(get, path = "/api/v1/stock/levels", summary = "Manager only: one engineer's van stock with reorder points, by part number", tag = "desk", params(EngineerQuery),
    description = "Every stock line of the engineer as the server holds it (the same StockLevel values that engineer pulls). A line is low when qty <= min_qty, negative when qty < 0.",
    responses(
        (status = 200, description = "The levels, sorted by part_no", body = Vec<StockLevel>),
        (status = 403, description = "forbidden: not a manager"),
        (status = 404, description = "not_found: not an engineer"),
    ))]
/// One engineer's van stock as the server holds it: every line with its reorder point
/// (`min_qty`), by part number.
pub async fn stock_levels(
    State(state): State<AppState>,
    _: Manager,
    ApiQuery(q): ApiQuery<EngineerQuery>,
) -> ApiResult<ApiJson<Vec<StockLevel>>> {
    let mut tx = state.store.read().await?;
    check_engineer(&mut tx, q.engineer_id).await?;
    Ok(ApiJson(cases::levels_of(&mut tx, q.engineer_id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReorderPointBody {
    pub engineer_id: Uuid,
    #[schema(schema_with = onsite_core::openapi::line)]
    pub part_no: String,
    #[schema(schema_with = onsite_core::openapi::min_qty)]
    pub min_qty: i64,
}

#[utoipa::path(put, path = "/api/v1/stock/reorder-point", summary = "Manager only: set the reorder point (min_qty) of one part in an engineer's van", tag = "desk", request_body = ReorderPointBody,
    responses(
        (status = 200, description = "The line as now stored", body = StockLevel),
        (status = 400, description = "invalid_json or invalid_body (malformed or missing fields), invalid_min_qty (out of range) or unknown_part (not in the catalog, or with a control character)"),
        (status = 403, description = "forbidden: not a manager"),
        (status = 404, description = "not_found: not an engineer"),
    ))]
/// Set the reorder point of one part in an engineer's van (a line the van does not hold yet
/// is created at 0). Reorder points are configuration, like SLA policies, so they change here
/// and not through a mutation; the engineer's device pulls the changed line.
pub async fn put_reorder_point(
    State(state): State<AppState>,
    _: Manager,
    ApiJson(body): ApiJson<ReorderPointBody>,
) -> ApiResult<ApiJson<StockLevel>> {
    if !(0..=MAX_QTY).contains(&body.min_qty) {
        return Err(ApiError::bad_request(
            "invalid_min_qty",
            format!("min_qty must be 0..={MAX_QTY}, not {}", body.min_qty),
        ));
    }
    let part_no = body.part_no.trim();
    let mut tx = state.store.write().await?;
    check_engineer(&mut tx, body.engineer_id).await?;
    // No part number is longer than a line or holds a control character (nor can
    // PostgreSQL's text hold a NUL).
    if part_no.chars().count() > onsite_core::limits::MAX_LINE
        || onsite_core::limits::stray_in_line(part_no).is_some()
        || !cases::part_exists(&mut tx, part_no).await?
    {
        return Err(ApiError::bad_request(
            "unknown_part",
            format!("part `{part_no}` is not in the catalog"),
        ));
    }
    cases::set_min_qty(&mut tx, body.engineer_id, part_no, body.min_qty).await?;
    let level = cases::levels_of(&mut tx, body.engineer_id)
        .await?
        .into_iter()
        .find(|l| l.part_no == part_no)
        .ok_or_else(|| ApiError::internal("the stock line just written is missing"))?;
    tx.commit().await?;
    Ok(ApiJson(level))
}
