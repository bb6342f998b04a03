//! `GET /healthz`.

use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::AppState;

pub async fn healthz(State(state): State<AppState>) -> ApiResult<ApiJson<Value>> {
    match state.store.ping().await {
        Ok(()) => Ok(ApiJson(json!({ "status": "ok" }))),
        Err(e) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            format!("the database does not answer: {e}"),
        )),
    }
}
