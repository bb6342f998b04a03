//! `GET /healthz`.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`: any other state is an error answer.
    status: &'static str,
}

#[utoipa::path(get, path = "/healthz", summary = "Liveness: 200 when the database answers", tag = "health", security(()),
    responses(
        (status = 200, description = "ok: the database answers", body = Health),
        (status = 503, description = "unavailable: the database does not answer"),
    ))]
pub async fn healthz(State(state): State<AppState>) -> ApiResult<ApiJson<Health>> {
    match state.store.ping().await {
        Ok(()) => Ok(ApiJson(Health { status: "ok" })),
        Err(e) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            format!("the database does not answer: {e}"),
        )),
    }
}
