//! The built PWA, served from the `dist` directory on the same port as the API.
//!
//! Client-side routes (no file extension) fall back to `index.html`. The shell files
//! (`index.html`, `sw.js`, `manifest.webmanifest`) and other unhashed files are
//! `no-cache` (revalidated every time); hashed build assets are cached for a year.
//! The build writes brotli and gzip copies beside each file (`.ci/precompress.py`); the one
//! the browser accepts is served as it is, and nothing here is compressed per request.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;

const NO_CACHE: &str = "no-cache";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn router<S: Clone + Send + Sync + 'static>(dist: &Path) -> Router<S> {
    if !dist.join("index.html").is_file() {
        tracing::warn!(dist = %dist.display(), "no built PWA found; serving the API only");
        let dist = dist.display().to_string();
        return Router::new()
            .route("/", get(move || missing_dist(dist.clone())))
            .fallback(|uri: axum::http::Uri| async move {
                ApiError::not_found(format!("nothing at {}", uri.path()))
            });
    }
    let dist = dist.to_path_buf();
    Router::new().fallback(move |req: Request| serve(dist.clone(), req))
}

async fn missing_dist(dist: String) -> Html<String> {
    Html(format!(
        "<!doctype html><meta charset=utf-8><title>Onsite server</title>\
         <h1>Onsite server</h1><p>The API is running (<a href=\"/api/v1/openapi.json\">OpenAPI</a>, \
         <a href=\"/healthz\">health</a>). The app is not built: no <code>{dist}/index.html</code>. \
         Build it with <code>trunk build --release</code> or run <code>make run</code>.</p>"
    ))
}

async fn serve(dist: PathBuf, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} is not allowed here", req.method()),
        )
        .into_response();
    }
    let path = req.uri().path().to_string();
    let last = path.rsplit('/').next().unwrap_or_default().to_string();
    let method = req.method().clone();
    let accepted = req.headers().get(header::ACCEPT_ENCODING).cloned();
    let files = ServeDir::new(&dist).precompressed_br().precompressed_gzip();
    let res = match files.oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(e) => match e {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        if last.contains('.') {
            return ApiError::not_found(format!("no file {path}")).into_response();
        }
        // A client-side route: the app shell decides.
        let mut shell = Request::builder().method(method).uri("/index.html");
        if let Some(accepted) = accepted {
            shell = shell.header(header::ACCEPT_ENCODING, accepted);
        }
        let shell = shell.body(Body::empty()).expect("a static request");
        let index = ServeFile::new(dist.join("index.html"))
            .precompressed_br()
            .precompressed_gzip();
        let mut res = match index.oneshot(shell).await {
            Ok(r) => r.map(Body::new),
            Err(e) => match e {},
        };
        set_cache(&mut res, NO_CACHE);
        return res;
    }
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let mut res = res;
        set_cache(
            &mut res,
            if is_hashed(&last) {
                IMMUTABLE
            } else {
                NO_CACHE
            },
        );
        return res;
    }
    res
}

/// Caching, and `Vary`: the same URL has a brotli, a gzip and a plain body.
fn set_cache(res: &mut Response, value: &'static str) {
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
}

/// Trunk names build outputs `name-<16+ hex digits>.ext` (and `..._bg.wasm`), and the lazy
/// files are named for their build the same way (`split_<name>-<hex>.wasm`, `.ci/split.py`);
/// their loader, `__wasm_split.js`, keeps its name, so it is revalidated.
fn is_hashed(file: &str) -> bool {
    file.split('-').skip(1).any(|rest| {
        let seg = rest.split(['.', '_']).next().unwrap_or_default();
        seg.len() >= 16 && seg.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn hashed_names() {
        assert!(is_hashed("onsite-3f9c1e2b7a6d5c4b.js"));
        assert!(is_hashed("onsite-3f9c1e2b7a6d5c4b_bg.wasm"));
        assert!(!is_hashed("sw.js"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("manifest.webmanifest"));
        assert!(!is_hashed("icon-192.png"));
        assert!(is_hashed("main-f1e967b89a2346a2.css"));
        assert!(is_hashed("split_case_pages-0123456789abcdef.wasm"));
        assert!(is_hashed("chunk_18-0123456789abcdef.wasm"));
        assert!(!is_hashed("split_case_pages.wasm"));
        assert!(!is_hashed("split_zh_table_3561139603530272139.wasm"));
        assert!(!is_hashed("__wasm_split.js"));
    }
}
