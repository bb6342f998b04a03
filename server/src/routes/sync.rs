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

#[utoipa::path(post, path = "/api/v1/sync/push", summary = "Apply queued mutations in seq order, idempotently, in one transaction", tag = "sync", request_body = PushRequest,
    description = "seq <= last_seq: duplicate (not applied again); seq == last_seq+1: validated, authorized and applied or rejected (both advance last_seq; a rejection record syncs back); a gap answers 409 seq_gap with `expected` and applies nothing. At most 100 mutations or 1 MiB per request.",
    responses(
        (status = 200, description = "Per-mutation results", body = PushResponse),
        (status = 400, description = "invalid_json, invalid_body or unsupported_schema"),
        (status = 403, description = "client_mismatch: client_id is not the token's device"),
        (status = 409, description = "seq_gap: resend from `expected`; client_taken: the client_id is another user's"),
        (status = 413, description = "payload_too_large: more than 100 mutations or 1 MiB"),
        (status = 503, description = "overloaded: the server is saturated; try again after Retry-After seconds"),
    ))]
pub async fn push(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<PushRequest>,
) -> ApiResult<ApiJson<PushResponse>> {
    pull::check_client(&user, req.client_id)?;
    state.admission.admit_write(state.store.write_load())?;
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
    let response = state
        .store
        .spawn_write(async move { push::push(&store, &session, req).await })
        .await
        .map_err(|e| ApiError::internal(format!("the push stopped: {e}")))??;
    Ok(ApiJson(response))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    pub client_id: Uuid,
    /// Opaque; absent or unknown starts over with `reset: true`.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/sync/pull", summary = "Changes this user may see since the cursor", tag = "sync", params(PullQuery),
    responses(
        (status = 200, description = "A page of changes; call again while has_more", body = PullResponse),
        (status = 403, description = "client_mismatch"),
        (status = 503, description = "overloaded: the server is saturated; try again after Retry-After seconds"),
    ))]
pub async fn pull(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> ApiResult<ApiJson<pull::PullPage>> {
    pull::check_client(&user, q.client_id)?;
    let _turn = state.admission.admit_pull().await?;
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
