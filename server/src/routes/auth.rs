//! `POST /api/v1/login`, `POST /api/v1/logout`.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use onsite_core::limits::{stray_in_line, MAX_LINE, MAX_PASSWORD_BYTES};
use onsite_core::wire::{LoginRequest, LoginResponse, UserInfo};

use crate::auth::{dummy_hash, new_token, token_hash, verify_password};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, AuthUser, ClientAddr};
use crate::store::users::{self, RevokeReason};
use crate::AppState;

#[utoipa::path(post, path = "/api/v1/login", summary = "Log in and bind this device (client_id) to the user", tag = "session", security(()), request_body = LoginRequest,
    description = "A client_id belongs to one user for good: the app makes one per user on a device. Failed logins are counted per username and per address: past the limit the answer is 429 with Retry-After before any password check.",
    responses(
        (status = 200, description = "A bearer token and the user", body = LoginResponse),
        (status = 400, description = "invalid_json or invalid_body (malformed, username over 200 characters or with a control character, password over 1024 bytes)"),
        (status = 401, description = "invalid_credentials"),
        (status = 409, description = "client_taken: the client_id belongs to another user"),
        (status = 429, description = "login_throttled: too many failed logins; see Retry-After"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<ApiJson<LoginResponse>> {
    // No username holds a control character (and PostgreSQL's text no NUL): refused before
    // any lookup.
    if req.username.chars().count() > MAX_LINE
        || stray_in_line(&req.username).is_some()
        || req.password.len() > MAX_PASSWORD_BYTES
    {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!("username at most {MAX_LINE} characters and no control character, password at most {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    // Throttled before any password check: a guesser gets no answer about the password.
    if let Some(secs) = state.login_throttle.retry_after(&req.username, addr) {
        return Err(ApiError::too_many(
            "login_throttled",
            format!("too many failed logins; try again in {secs} s"),
            secs,
        ));
    }
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
            state.login_throttle.failed(&req.username, addr);
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "wrong username or password",
            ));
        }
    };
    state.login_throttle.succeeded(&req.username);
    let token = new_token();
    let now = Utc::now();
    let mut tx = state.store.write().await?;
    if !users::bind_client(&mut tx, req.client_id, user.id, now).await? {
        return Err(ApiError::conflict(
            "client_taken",
            "this client_id belongs to another user: a device makes a new one for each user who logs in on it",
        ));
    }
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

#[utoipa::path(post, path = "/api/v1/logout", summary = "Revoke the token of this request", tag = "session",
    responses((status = 204, description = "Revoked")))]
pub async fn logout(State(state): State<AppState>, user: AuthUser) -> ApiResult<StatusCode> {
    let mut tx = state.store.write().await?;
    users::revoke_token(&mut tx, &user.token_hash, RevokeReason::Logout, Utc::now()).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
