//! Manager-only sessions: `GET /api/v1/devices`, `POST /api/v1/devices/{client_id}/revoke`
//! (one lost phone) and `POST /api/v1/users/{user_id}/revoke` (all of a user's devices).
//! A revoked device is told `401 session_revoked` on its next contact.

use axum::extract::State;
use chrono::Utc;
use onsite_core::wire::{Device, RevokeResponse};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, AuthUser, Manager};
use crate::store::users::{self, RevokeReason, Sessions};
use crate::AppState;

#[utoipa::path(get, path = "/api/v1/devices", summary = "Manager only: every device (client_id) with its user, last contact and whether it holds a live session", tag = "desk",
    responses(
        (status = 200, description = "Every device with its user, last contact and whether it holds a live session", body = Vec<Device>),
        (status = 403, description = "forbidden: not a manager"),
    ))]
pub async fn list(State(state): State<AppState>, _: Manager) -> ApiResult<ApiJson<Vec<Device>>> {
    let mut conn = state.store.pool().acquire().await?;
    Ok(ApiJson(users::devices(&mut conn).await?))
}

#[utoipa::path(post, path = "/api/v1/devices/{client_id}/revoke", summary = "Manager only: end every session of one device (a lost phone); it is told 401 session_revoked on its next contact", tag = "desk",
    params(("client_id" = Uuid, Path)),
    responses(
        (status = 200, description = "How many sessions ended", body = RevokeResponse),
        (status = 403, description = "forbidden: not a manager"),
        (status = 404, description = "not_found: no such device"),
    ))]
pub async fn revoke_device(
    State(state): State<AppState>,
    Manager(user): Manager,
    ApiPath(client_id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<RevokeResponse>> {
    revoke(&state, &user, Sessions::Device(client_id)).await
}

#[utoipa::path(post, path = "/api/v1/users/{user_id}/revoke", summary = "Manager only: end every session of every device of one user", tag = "desk",
    params(("user_id" = Uuid, Path)),
    responses(
        (status = 200, description = "How many sessions ended", body = RevokeResponse),
        (status = 403, description = "forbidden: not a manager"),
        (status = 404, description = "not_found: no such user"),
    ))]
pub async fn revoke_user(
    State(state): State<AppState>,
    Manager(user): Manager,
    ApiPath(user_id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<RevokeResponse>> {
    revoke(&state, &user, Sessions::User(user_id)).await
}

async fn revoke(
    state: &AppState,
    by: &AuthUser,
    of: Sessions,
) -> ApiResult<ApiJson<RevokeResponse>> {
    let mut tx = state.store.write().await?;
    let revoked = users::revoke(&mut tx, of, RevokeReason::Manager, Utc::now())
        .await?
        .ok_or_else(|| match of {
            Sessions::Device(id) => ApiError::not_found(format!("no device {id}")),
            Sessions::User(id) => ApiError::not_found(format!("no user {id}")),
        })?;
    tx.commit().await?;
    tracing::info!(by = %by.name, ?of, revoked, "sessions revoked");
    Ok(ApiJson(RevokeResponse { revoked }))
}
