//! `POST /api/v1/login`, `POST /api/v1/logout`.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use onsite_core::wire::{LoginRequest, LoginResponse, UserInfo};

use crate::auth::{dummy_hash, new_token, token_hash, verify_password};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, AuthUser};
use crate::store::users;
use crate::AppState;

pub async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<ApiJson<LoginResponse>> {
    let user = {
        let mut conn = state.store.pool().acquire().await?;
        users::by_username(&mut conn, req.username.trim()).await?
    };
    // Always verify something, so an unknown username costs as much as a wrong password.
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |u| u.password_hash.clone());
    let password = req.password;
    let ok = {
        // argon2 is deliberately expensive: bound how many run at once.
        let _permit = state
            .login_permits
            .acquire()
            .await
            .map_err(|_| ApiError::internal("shutting down"))?;
        tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| ApiError::internal(format!("password check failed: {e}")))?
    };
    let user = match user {
        Some(u) if ok => u,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "wrong username or password",
            ))
        }
    };
    let token = new_token();
    let now = Utc::now();
    let mut tx = state.store.write().await?;
    users::bind_client(&mut tx, req.client_id, user.id, now).await?;
    users::insert_token(&mut tx, &token_hash(&token), user.id, req.client_id, now).await?;
    tx.commit().await?;
    tracing::info!(user = %user.username, client_id = %req.client_id, "login");
    Ok(ApiJson(LoginResponse {
        token,
        user: UserInfo {
            id: user.id,
            name: user.name,
            role: user.role,
        },
    }))
}

pub async fn logout(State(state): State<AppState>, user: AuthUser) -> ApiResult<StatusCode> {
    let mut tx = state.store.write().await?;
    users::revoke_token(&mut tx, &user.token_hash).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
