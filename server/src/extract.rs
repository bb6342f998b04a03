//! Extractors whose rejections are our JSON errors, and the bearer-token user.

use axum::body::HttpBody;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
use crate::store::users::TokenState;
use crate::{auth, AppState};

/// The most bytes the body extractors of a route read (`lib.rs` `body_limit` sets it beside
/// axum's `DefaultBodyLimit`, which cuts a body of no declared length at the same size).
/// Checked where the body is read, which every handler does after authorization.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl BodyLimit {
    /// The limit of the route `req` was sent to.
    pub fn of(req: &Request) -> Option<BodyLimit> {
        req.extensions().get::<BodyLimit>().copied()
    }

    /// `req` declares a longer body (`Content-Length`): refused before a byte of it is read.
    pub fn declared_over(self, req: &Request) -> bool {
        req.body().size_hint().lower() > self.0 as u64
    }

    /// `413 payload_too_large`, saying what `what` may be at most.
    pub fn refusal(self, what: &str) -> ApiError {
        ApiError::too_large(format!("{what} may be at most {} bytes", self.0))
    }
}

/// `axum::Json` with JSON rejections; a body over the route's `BodyLimit` is `413`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let limit = BodyLimit::of(&req);
        if let Some(limit) = limit.filter(|l| l.declared_over(&req)) {
            return Err(limit.refusal("the body"));
        }
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(json_rejection(r, limit)),
        }
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn json_rejection(r: JsonRejection, limit: Option<BodyLimit>) -> ApiError {
    let text = r.body_text();
    match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => match limit {
            Some(limit) => limit.refusal("the body"),
            None => ApiError::too_large(text),
        },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected `Content-Type: application/json`",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => ApiError::bad_request("invalid_body", text),
        StatusCode::BAD_REQUEST => ApiError::bad_request("invalid_json", text),
        s => {
            let mut e = ApiError::from_status(s);
            e.message = text;
            e
        }
    }
}

/// `axum::extract::Query` with JSON rejections.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|r: QueryRejection| ApiError::bad_request("invalid_query", r.body_text()))
    }
}

/// `axum::extract::Path` with JSON rejections.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|r: PathRejection| ApiError::bad_request("invalid_path", r.body_text()))
    }
}

/// The user behind the request's `Authorization: Bearer` token.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub session: auth::Session,
}

impl std::ops::Deref for AuthUser {
    type Target = auth::Session;
    fn deref(&self) -> &auth::Session {
        &self.session
    }
}

/// A manager's request. Checked before the path, query and body are read: authorization
/// comes before any other answer (an engineer gets `403`, never a `400` about the body).
#[derive(Debug, Clone)]
pub struct Manager(pub AuthUser);

impl FromRequestParts<AppState> for Manager {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if user.role == onsite_core::Role::Manager {
            Ok(Manager(user))
        } else {
            Err(ApiError::forbidden(format!(
                "only a manager may use {} {}",
                parts.method,
                parts.uri.path()
            )))
        }
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("missing `Authorization: Bearer` token"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthorized("expected `Authorization: Bearer <token>`"))?;
        let hash = auth::token_hash(token);
        let now = chrono::Utc::now();
        let idle = chrono::Duration::days(auth::SESSION_IDLE_DAYS);
        let session = match state.store.token_state(&hash, now, idle).await? {
            TokenState::Live {
                session,
                last_used_at,
            } => {
                let stale = last_used_at.is_none_or(|t| {
                    now - t > chrono::Duration::minutes(auth::TOUCH_EVERY_MINUTES)
                });
                if stale {
                    state.store.touch_token(&hash, now).await?;
                }
                session
            }
            TokenState::Revoked => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "session_revoked",
                    "this device's session was ended (logged out, or revoked by a manager); log in again",
                ))
            }
            TokenState::Expired => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "session_expired",
                    format!(
                        "this session was unused for more than {} days; log in again",
                        auth::SESSION_IDLE_DAYS
                    ),
                ))
            }
            TokenState::Unknown => {
                return Err(ApiError::unauthorized("the token is unknown"))
            }
        };
        Ok(AuthUser { session })
    }
}

/// The peer address of the request, when the server was started with connect info.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}
