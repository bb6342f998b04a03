//! onsite-server: the Onsite sync API and the built PWA from one port.
//!
//! `build_app` assembles the router from a ready `AppState`; `run` opens the database and
//! serves on a listener (tests bind port 0 and call it).

pub mod admission;
pub mod auth;
pub mod demo;
pub mod error;
pub mod extract;
pub mod report;
pub mod routes;
pub mod static_files;
pub mod store;
pub mod sync;
pub mod throttle;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use demo::load_demo;
pub use error::ApiError;
pub use store::Store;

/// Largest push body (1 MiB), as the protocol fixes.
pub const MAX_PUSH_BYTES: usize = onsite_core::wire::MAX_BATCH_BYTES;
/// Largest body on the other JSON endpoints.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://path/to/file.db`
    pub database_url: String,
    /// Directory of the built PWA.
    pub dist: PathBuf,
    /// Bytes one user may upload as blobs in 24 hours (`429 upload_quota` beyond).
    pub upload_quota_bytes: i64,
    /// Blobs no case names are removed once this long unwanted (since uploaded, re-uploaded
    /// or named in a push); at least the session idle limit (`DEFAULT_BLOB_GRACE_DAYS`).
    pub blob_grace: chrono::Duration,
}

/// A day's photos are ~10 MB: 1 GiB a day leaves a wide margin and bounds an abuser.
pub const DEFAULT_UPLOAD_QUOTA_BYTES: i64 = 1 << 30;
/// A photo is uploaded just before the mutation that names it, and a device marks it uploaded
/// and never sends it again; if the push fails and the device then goes quiet, the bytes must
/// wait for it as long as its session does (`auth::SESSION_IDLE_DAYS`): a device still signed
/// in never finds them gone. A re-upload and a push naming them start the period over.
pub const DEFAULT_BLOB_GRACE_DAYS: i64 = auth::SESSION_IDLE_DAYS;

impl Config {
    pub fn new(database_url: impl Into<String>, dist: impl Into<PathBuf>) -> Config {
        Config {
            database_url: database_url.into(),
            dist: dist.into(),
            upload_quota_bytes: DEFAULT_UPLOAD_QUOTA_BYTES,
            blob_grace: chrono::Duration::days(DEFAULT_BLOB_GRACE_DAYS),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// Bounds concurrent argon2 verifications (CPU and 19 MiB of memory each).
    pub login_permits: Arc<Semaphore>,
    /// Failed logins per username and per address.
    pub login_throttle: Arc<throttle::LoginThrottle>,
    /// Refuses work the server could not do before the device's deadline.
    pub admission: Arc<admission::Admission>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pulls_at_once = store.pulls_at_once(cores);
        AppState {
            store,
            config: Arc::new(config),
            login_permits: Arc::new(Semaphore::new(cores * 2)),
            login_throttle: Arc::new(throttle::LoginThrottle::default()),
            admission: Arc::new(admission::Admission::new(pulls_at_once)),
        }
    }
}

pub async fn build_app(state: AppState) -> Router {
    use routes::{auth, blobs, devices, health, manager, openapi, policies, sync};

    let push = body_limit(
        Router::new().route("/api/v1/sync/push", post(sync::push)),
        MAX_PUSH_BYTES,
    );
    let blob = body_limit(
        Router::new().route(
            "/api/v1/blobs/{sha256}",
            get(blobs::get_blob).put(blobs::put_blob),
        ),
        blobs::MAX_BLOB_BYTES,
    );
    let small = Router::new()
        .route("/api/v1/login", post(auth::login))
        .route("/api/v1/logout", post(auth::logout))
        .route("/api/v1/sync/pull", get(sync::pull))
        .route("/api/v1/openapi.json", get(openapi::openapi))
        .route("/api/v1/dashboard", get(manager::dashboard))
        .route("/api/v1/stock/ledger", get(manager::stock_ledger))
        .route("/api/v1/stock/levels", get(manager::stock_levels))
        .route(
            "/api/v1/stock/reorder-point",
            put(manager::put_reorder_point),
        )
        .route("/api/v1/devices", get(devices::list))
        .route(
            "/api/v1/devices/{client_id}/revoke",
            post(devices::revoke_device),
        )
        .route("/api/v1/users/{user_id}/revoke", post(devices::revoke_user))
        .route("/api/v1/sla/policies", get(policies::list))
        .route("/api/v1/sla/policies/{name}", put(policies::put_policy))
        .route(
            "/api/v1/contracts/{customer}",
            put(policies::put_contract).delete(policies::delete_contract),
        );
    let small = body_limit(small, MAX_JSON_BYTES);
    let api = Router::new()
        .merge(push)
        .merge(blob)
        .merge(small)
        .route("/api", axum::routing::any(sync::api_not_found))
        .route("/api/{*rest}", axum::routing::any(sync::api_not_found))
        .method_not_allowed_fallback(sync::method_not_allowed);

    // The API's answers are compressed per request; the PWA's files were compressed when
    // they were built (`static_files.rs`).
    let api = Router::new()
        .route("/healthz", get(health::healthz))
        .merge(api)
        .with_state(state.clone())
        .layer(
            // The fastest level: pull pages are compressed per request, and at level 6 gzip
            // took more CPU than building them under load; level 1 still shrinks JSON ~6×.
            CompressionLayer::new()
                .gzip(true)
                .quality(tower_http::CompressionLevel::Fastest),
        );
    with_layers(api.merge(static_files::router(&state.config.dist)))
}

/// `router`'s routes read a body of at most `max` bytes. The limit is enforced where a body is
/// read (`extract::ApiJson`, the blob upload), and every handler names its `AuthUser` or
/// `Manager` before that: a caller who may not use the route is answered 401 or 403 and not a
/// byte of the body is read. A declared length over the limit is refused at once
/// (`extract::BodyLimit`), a body of no declared length is cut at it (`DefaultBodyLimit`).
/// No layer refuses a body before the handler runs: one that did (tower-http's
/// `RequestBodyLimitLayer`) answered 413 before 401 and 403, and on routes that read no body.
fn body_limit(router: Router<AppState>, max: usize) -> Router<AppState> {
    router
        .layer(DefaultBodyLimit::max(max))
        .layer(axum::Extension(extract::BodyLimit(max)))
}

/// What wraps every route: JSON errors from layers, the panic catcher (a panic in one request
/// is a JSON 500; the server unwinds, so the next request is served).
fn with_layers(router: Router) -> Router {
    router
        .layer(axum::middleware::map_response(json_errors))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
}

/// Errors answered by something other than our handlers (the router, a layer) become our JSON.
async fn json_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        return ApiError::from_status(status).into_response();
    }
    res
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let mut res = ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server hit a bug handling this request",
    )
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Open the database and serve until Ctrl-C / SIGTERM.
pub async fn run(listener: TcpListener, config: Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url).await?;
    serve(listener, AppState::new(store, config)).await
}

/// Remove unnamed blobs past their grace period now and then every hour.
fn spawn_blob_gc(store: Store, grace: chrono::Duration) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match store::blobs::collect_garbage_now(&store, grace).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "unnamed blobs removed"),
                Err(e) => tracing::warn!(error = %e, "blob clean-up failed"),
            }
        }
    });
}

/// Serve a ready state on `listener` until Ctrl-C / SIGTERM.
pub async fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<()> {
    let store = state.store.clone();
    spawn_blob_gc(store.clone(), state.config.blob_grace);
    let app = build_app(state).await;
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_panicking_request_is_a_json_500_and_the_next_one_is_served() {
        async fn boom() -> &'static str {
            panic!("a bug in one handler")
        }
        let app = with_layers(
            Router::new()
                .route("/boom", get(boom))
                .route("/ok", get(|| async { "ok" })),
        );
        let res = app
            .clone()
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(res.headers()[header::CONTENT_TYPE]
            .as_bytes()
            .starts_with(b"application/json"));
        let body = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"], "internal");
        let res = app
            .oneshot(Request::get("/ok").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
}
