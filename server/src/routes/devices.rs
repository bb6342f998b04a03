//! Manager-only sessions: `GET /api/v1/devices`, `POST /api/v1/devices/{client_id}/revoke`
//! (one lost phone) and `POST /api/v1/users/{user_id}/revoke` (all of a user's devices).
//! A revoked device is told `401 session_revoked` on its next contact.

use axum::extract::State;
use chrono::Utc;
use onsite_core::wire::{Device, RevokeResponse};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, Manager};
use crate::store::users::{self, RevokeReason};
use crate::AppState;

pub async fn list(State(state): State<AppState>, _: Manager) -> ApiResult<ApiJson<Vec<Device>>> {
    let mut conn = state.store.pool().acquire().await?;
    Ok(ApiJson(users::devices(&mut conn).await?))
}

pub async fn revoke_device(
    State(state): State<AppState>,
    Manager(user): Manager,
    ApiPath(client_id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<RevokeResponse>> {
    let mut tx = state.store.write().await?;
    if users::client_owner(&mut tx, client_id).await?.is_none() {
        return Err(ApiError::not_found(format!("no device {client_id}")));
    }
    let revoked =
        users::revoke_client(&mut tx, client_id, RevokeReason::Manager, Utc::now()).await?;
    tx.commit().await?;
    tracing::info!(by = %user.name, %client_id, revoked, "device revoked");
    Ok(ApiJson(RevokeResponse { revoked }))
}

pub async fn revoke_user(
    State(state): State<AppState>,
    Manager(user): Manager,
    ApiPath(user_id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<RevokeResponse>> {
    let mut tx = state.store.write().await?;
    if users::user_by_id(&mut tx, user_id).await?.is_none() {
        return Err(ApiError::not_found(format!("no user {user_id}")));
    }
    let revoked = users::revoke_user(&mut tx, user_id, RevokeReason::Manager, Utc::now()).await?;
    tx.commit().await?;
    tracing::info!(by = %user.name, %user_id, revoked, "user's devices revoked");
    Ok(ApiJson(RevokeResponse { revoked }))
}
