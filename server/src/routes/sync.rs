//! `POST /api/v1/sync/push`, `GET /api/v1/sync/pull`.

use axum::extract::State;
use axum::http::StatusCode;
use onsite_core::wire::{PullResponse, PushRequest, PushResponse, MAX_BATCH_MUTATIONS};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, AuthUser};
use crate::sync::{pull, push};
use crate::AppState;

pub async fn push(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<PushRequest>,
) -> ApiResult<ApiJson<PushResponse>> {
    pull::check_client(&user, req.client_id)?;
    if req.schema_version != onsite_core::SCHEMA_VERSION {
        return Err(ApiError::bad_request(
            "unsupported_schema",
            format!(
                "schema_version {} is not supported; this server speaks {}",
                req.schema_version,
                onsite_core::SCHEMA_VERSION
            ),
        ));
    }
    if req.mutations.len() > MAX_BATCH_MUTATIONS {
        return Err(ApiError::too_large(format!(
            "at most {MAX_BATCH_MUTATIONS} mutations per push, got {}",
            req.mutations.len()
        )));
    }
    // The push runs to its end in a task of its own: a device that gives up waiting (its
    // deadline, a lost connection) never cancels it halfway. Its next push finds the
    // outcome committed (duplicates) or nothing of it (rolled back).
    let store = state.store.clone();
    let session = user.session.clone();
    let response = tokio::spawn(async move { push::push(&store, &session, req).await })
        .await
        .map_err(|e| ApiError::internal(format!("the push stopped: {e}")))??;
    Ok(ApiJson(response))
}

#[derive(Debug, Deserialize)]
pub struct PullQuery {
    pub client_id: Uuid,
    #[serde(default)]
    pub cursor: Option<String>,
}

pub async fn pull(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> ApiResult<ApiJson<PullResponse>> {
    pull::check_client(&user, q.client_id)?;
    let response = pull::pull(&state.store, &user, q.cursor.as_deref()).await?;
    Ok(ApiJson(response))
}

/// Unknown paths under `/api`.
pub async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no API endpoint at {}", uri.path()))
}

pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}
