//! Thin HTTP wrapper over gloo-net. URLs are same-origin (path only). Errors from the server
//! are JSON `{error, message}` and become [`ApiError::Http`]; a failed fetch is
//! [`ApiError::Offline`].

use gloo_net::http::{Request, RequestBuilder, Response};
use onsite_core::wire::{
    ErrorBody, LoginRequest, LoginResponse, PullResponse, PushRequest, PushResponse,
};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub enum ApiError {
    /// The request never got an answer (no network, server down, CORS, aborted).
    Offline,
    /// 401: the token is missing or unknown (or, at login, bad credentials).
    Unauthorized,
    /// 401 `session_revoked` / `session_expired`: a manager ended this device's session, or
    /// it was idle too long. The device drops its copy of server data (queued changes stay).
    SessionEnded,
    Http {
        status: u16,
        code: String,
        message: String,
        /// Seconds the server asked to wait (`Retry-After` on 503 and 429).
        retry_after: Option<u32>,
    },
    Decode(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Offline => write!(f, "offline"),
            ApiError::Unauthorized => write!(f, "not signed in"),
            ApiError::SessionEnded => write!(f, "session ended"),
            ApiError::Http {
                status,
                code,
                message,
                ..
            } => write!(f, "{status} {code}: {message}"),
            ApiError::Decode(m) => write!(f, "unexpected answer: {m}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// An i18n key explaining the failure (`sync_reason.*`, from the HTTP status); None when
    /// there is nothing to add (offline, or a 401, which is the session-expired flow).
    pub fn reason_key(&self) -> Option<&'static str> {
        Some(match self {
            ApiError::Offline | ApiError::Unauthorized | ApiError::SessionEnded => return None,
            ApiError::Decode(_) => "sync_reason.bad_answer",
            ApiError::Http { status, .. } => match *status {
                400 | 422 => "sync_reason.bad_request",
                403 => "sync_reason.forbidden",
                404 => "sync_reason.not_found",
                409 => "sync_reason.conflict",
                413 => "sync_reason.too_large",
                408 | 429 | 503 => "sync_reason.busy",
                s if s >= 500 => "sync_reason.server_error",
                _ => "sync_reason.other",
            },
        })
    }

    /// How long the server asked this device to wait, in seconds.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Worth retrying later with backoff (network or server trouble).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Offline => true,
            ApiError::Http { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            _ => false,
        }
    }
}

/// The answer to a push: accepted, or the server expects another seq first.
#[derive(Debug, Clone, PartialEq)]
pub enum PushReply {
    Ok(PushResponse),
    SeqGap { expected: u64 },
}

fn auth(b: RequestBuilder, token: &str) -> RequestBuilder {
    b.header("Authorization", &format!("Bearer {token}"))
}

/// A request that gets no complete answer in time counts as offline, and its fetch is
/// aborted. Without this a connection that stalls (a dead link in a basement, a captive
/// portal) would hold the sync lock forever and nothing would ever sync again.
const BASE_TIMEOUT_MS: u32 = 15_000;
/// Extra time per 16 KiB of request body: at least ~128 kbit/s keeps a batch going.
const MS_PER_16_KIB: u32 = 1_000;

fn timeout_for(body_bytes: usize) -> u32 {
    BASE_TIMEOUT_MS.saturating_add((body_bytes / (16 * 1024)) as u32 * MS_PER_16_KIB)
}

/// Runs `exchange` but gives up after `ms` with [`ApiError::Offline`] (what every call here
/// does around its fetch, which it also aborts).
pub async fn within<T>(
    ms: u32,
    exchange: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    Deadline(None).run(ms, exchange).await
}

struct Deadline(Option<web_sys::AbortController>);

impl Deadline {
    fn new() -> Deadline {
        Deadline(web_sys::AbortController::new().ok())
    }

    fn arm(&self, b: RequestBuilder) -> RequestBuilder {
        let signal = self.0.as_ref().map(|c| c.signal());
        b.abort_signal(signal.as_ref())
    }

    /// Runs the whole exchange (request and body) within `ms`.
    async fn run<T>(
        self,
        ms: u32,
        exchange: impl std::future::Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        use futures::future::{select, Either};
        let exchange = std::pin::pin!(exchange);
        match select(exchange, gloo_timers::future::TimeoutFuture::new(ms)).await {
            Either::Left((result, _)) => result,
            Either::Right(_) => {
                if let Some(c) = &self.0 {
                    c.abort();
                }
                Err(ApiError::Offline)
            }
        }
    }
}

async fn send(req: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let req = req.map_err(|e| ApiError::Decode(e.to_string()))?;
    req.send().await.map_err(|_| ApiError::Offline)
}

async fn error_of(resp: Response) -> ApiError {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u32>().ok());
    let text = resp.text().await.unwrap_or_default();
    let body: Option<ErrorBody> = serde_json::from_str(&text).ok();
    if status == 401 {
        let ended = body
            .as_ref()
            .is_some_and(|b| matches!(b.error.as_str(), "session_revoked" | "session_expired"));
        return if ended {
            ApiError::SessionEnded
        } else {
            ApiError::Unauthorized
        };
    }
    match body {
        Some(b) => ApiError::Http {
            status,
            code: b.error,
            message: b.message,
            retry_after,
        },
        None => ApiError::Http {
            status,
            code: "http_error".into(),
            message: if text.is_empty() {
                resp.status_text()
            } else {
                text
            },
            retry_after,
        },
    }
}

async fn ok_of(resp: Response) -> Result<(), ApiError> {
    if resp.ok() {
        Ok(())
    } else {
        Err(error_of(resp).await)
    }
}

/// Sends `b` (armed with a deadline, then made a request by `finish`) and decodes the JSON
/// answer, all within `ms`.
async fn json_call<T: serde::de::DeserializeOwned>(
    ms: u32,
    b: RequestBuilder,
    finish: impl FnOnce(RequestBuilder) -> Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    let deadline = Deadline::new();
    let req = finish(deadline.arm(b));
    deadline
        .run(ms, async move { json_of(send(req).await?).await })
        .await
}

async fn json_of<T: serde::de::DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    if !resp.ok() {
        return Err(error_of(resp).await);
    }
    let text = resp.text().await.map_err(|_| ApiError::Offline)?;
    serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
}

pub async fn login(
    username: &str,
    password: &str,
    client_id: Uuid,
) -> Result<LoginResponse, ApiError> {
    let body = LoginRequest {
        username: username.into(),
        password: password.into(),
        client_id,
    };
    json_call(timeout_for(0), Request::post("/api/v1/login"), |b| {
        b.json(&body)
    })
    .await
}

/// Revokes the token on the server. Best effort: the app forgets the session either way.
pub async fn logout(token: &str) -> Result<(), ApiError> {
    let deadline = Deadline::new();
    let req = deadline
        .arm(auth(Request::post("/api/v1/logout"), token))
        .build();
    deadline
        .run(timeout_for(0), async move {
            let resp = send(req).await?;
            match resp.status() {
                404 => Ok(()),
                _ => ok_of(resp).await,
            }
        })
        .await
}

pub async fn push(token: &str, req: &PushRequest) -> Result<PushReply, ApiError> {
    let body = serde_json::to_string(req).map_err(|e| ApiError::Decode(e.to_string()))?;
    let ms = timeout_for(body.len());
    let deadline = Deadline::new();
    let request = deadline
        .arm(auth(Request::post("/api/v1/sync/push"), token))
        .header("Content-Type", "application/json")
        .body(body);
    deadline.run(ms, push_exchange(request)).await
}

async fn push_exchange(request: Result<Request, gloo_net::Error>) -> Result<PushReply, ApiError> {
    let resp = send(request).await?;
    if resp.status() == 409 {
        let text = resp.text().await.unwrap_or_default();
        if let Ok(ErrorBody {
            error,
            expected: Some(expected),
            ..
        }) = serde_json::from_str::<ErrorBody>(&text)
        {
            if error == "seq_gap" {
                return Ok(PushReply::SeqGap { expected });
            }
        }
        let body: Option<ErrorBody> = serde_json::from_str(&text).ok();
        return Err(ApiError::Http {
            status: 409,
            code: body.as_ref().map_or("conflict".into(), |b| b.error.clone()),
            message: body.map_or(text, |b| b.message),
            retry_after: None,
        });
    }
    json_of(resp).await.map(PushReply::Ok)
}

pub async fn pull(
    token: &str,
    client_id: Uuid,
    cursor: Option<&str>,
) -> Result<PullResponse, ApiError> {
    let client = client_id.to_string();
    let mut params = vec![("client_id", client.as_str())];
    if let Some(c) = cursor {
        params.push(("cursor", c));
    }
    let b = auth(Request::get("/api/v1/sync/pull"), token);
    json_call(2 * BASE_TIMEOUT_MS, b, |b| b.query(params).build()).await
}

pub async fn put_blob(token: &str, sha256: &str, bytes: &[u8]) -> Result<(), ApiError> {
    let body = js_sys::Uint8Array::from(bytes);
    let deadline = Deadline::new();
    let req = deadline
        .arm(auth(
            Request::put(&format!("/api/v1/blobs/{sha256}")),
            token,
        ))
        .header("Content-Type", "application/octet-stream")
        .body(body);
    deadline
        .run(timeout_for(bytes.len()), async move {
            ok_of(send(req).await?).await
        })
        .await
}

pub async fn get_blob(token: &str, sha256: &str) -> Result<Vec<u8>, ApiError> {
    let deadline = Deadline::new();
    let req = deadline
        .arm(auth(
            Request::get(&format!("/api/v1/blobs/{sha256}")),
            token,
        ))
        .build();
    // Photos are at most a few hundred KB; allow a slow link.
    deadline
        .run(4 * BASE_TIMEOUT_MS, async move {
            let resp = send(req).await?;
            if !resp.ok() {
                return Err(error_of(resp).await);
            }
            resp.binary().await.map_err(|_| ApiError::Offline)
        })
        .await
}

/// `GET /api/v1/stock/levels?engineer_id=`: one engineer's van-stock levels with their
/// reorder points (`min_qty`), as the server holds them (managers only).
pub async fn stock_levels(
    token: &str,
    engineer_id: Uuid,
) -> Result<Vec<onsite_core::StockLevel>, ApiError> {
    let id = engineer_id.to_string();
    let b = auth(Request::get("/api/v1/stock/levels"), token);
    json_call(2 * BASE_TIMEOUT_MS, b, |b| {
        b.query([("engineer_id", id.as_str())]).build()
    })
    .await
}

/// `PUT /api/v1/stock/reorder-point`: set one part's reorder point in an engineer's van
/// (managers only); the line as the server now holds it.
pub async fn set_reorder_point(
    token: &str,
    engineer_id: Uuid,
    part_no: &str,
    min_qty: i64,
) -> Result<onsite_core::StockLevel, ApiError> {
    let body = serde_json::json!({
        "engineer_id": engineer_id,
        "part_no": part_no,
        "min_qty": min_qty,
    });
    let b = auth(Request::put("/api/v1/stock/reorder-point"), token);
    json_call(2 * BASE_TIMEOUT_MS, b, |b| b.json(&body)).await
}

/// `GET /api/v1/devices`: every device with its user and last contact (managers only).
pub async fn devices(token: &str) -> Result<Vec<onsite_core::wire::Device>, ApiError> {
    let b = auth(Request::get("/api/v1/devices"), token);
    json_call(2 * BASE_TIMEOUT_MS, b, RequestBuilder::build).await
}

/// What a manager revokes: one device, or every device of one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeTarget {
    Device(Uuid),
    User(Uuid),
}

/// `POST /api/v1/devices/{id}/revoke` or `POST /api/v1/users/{id}/revoke` (managers only): the
/// sessions ended.
pub async fn revoke(token: &str, target: RevokeTarget) -> Result<u64, ApiError> {
    let path = match target {
        RevokeTarget::Device(id) => format!("/api/v1/devices/{id}/revoke"),
        RevokeTarget::User(id) => format!("/api/v1/users/{id}/revoke"),
    };
    let b = auth(Request::post(&path), token);
    let r: onsite_core::wire::RevokeResponse =
        json_call(2 * BASE_TIMEOUT_MS, b, RequestBuilder::build).await?;
    Ok(r.revoked)
}
