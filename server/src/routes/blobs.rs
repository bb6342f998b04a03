//! `PUT /api/v1/blobs/{sha256}`, `GET /api/v1/blobs/{sha256}`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use onsite_core::mutation::is_sha256_hex;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, AuthUser, BodyLimit};
use crate::store::{blobs, Conn};
use crate::AppState;

/// Blobs larger than this are refused with 413.
pub const MAX_BLOB_BYTES: usize = 10 * 1024 * 1024;

/// The upload quota is counted over this rolling period.
pub const QUOTA_PERIOD: chrono::Duration = chrono::Duration::hours(24);
const QUOTA_RETRY_SECS: u64 = 3600;

/// A blob's bytes, as the OpenAPI document describes them.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // only its schema is used
pub struct BlobBytes(Vec<u8>);

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

fn check_hash(sha256: &str) -> ApiResult<()> {
    if is_sha256_hex(sha256) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "invalid_hash",
            "a blob is addressed by its SHA-256: 64 lowercase hex digits",
        ))
    }
}

#[utoipa::path(put, path = "/api/v1/blobs/{sha256}", summary = "Store bytes under their SHA-256 (idempotent), at most 10 MiB", tag = "blobs",
    description = "Answered after authorization: no token is 401 whatever the body, and the body is measured only then. 201 and 200 say only what this user did before: whether anyone else stored the same bytes is not answered.",
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$")),
    request_body(content = inline(BlobBytes), content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Stored: this user's first upload of these bytes (whether or not another user stored them before)"),
        (status = 200, description = "Already stored by this user: a repeat, not counted against the quota again; the bytes are kept as if uploaded now"),
        (status = 400, description = "hash_mismatch, invalid_hash or invalid_path"),
        (status = 413, description = "payload_too_large: over 10 MiB (a declared Content-Length over it is refused before the body is read)"),
        (status = 429, description = "upload_quota: over the per-user upload quota of 24 hours; see Retry-After"),
    ))]
pub async fn put_blob(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(sha256): ApiPath<String>,
    req: Request,
) -> ApiResult<StatusCode> {
    check_hash(&sha256)?;
    // The body is read only now, after authorization; at most MAX_BLOB_BYTES of it (the
    // route's `DefaultBodyLimit`), and not at all when its declared length is over.
    let limit = BodyLimit(MAX_BLOB_BYTES);
    if limit.declared_over(&req) {
        return Err(limit.refusal("a blob"));
    }
    let body = Bytes::from_request(req, &state).await.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            limit.refusal("a blob")
        } else {
            ApiError::bad_request("invalid_body", r.body_text())
        }
    })?;
    let actual = onsite_core::sha256_hex(&body);
    if actual != sha256 {
        return Err(ApiError::bad_request(
            "hash_mismatch",
            format!("the body's SHA-256 is {actual}, not {sha256}"),
        ));
    }
    let now = Utc::now();
    {
        // An upload over the quota is answered without waiting for the writer.
        let mut conn = state.store.pool().acquire().await?;
        if !blobs::uploaded_by(&mut conn, &sha256, user.user_id).await? {
            within_quota(&state, &mut conn, user.user_id, body.len(), now).await?;
        }
    }
    // Counted again where the upload is written, one upload of the user at a time: the read
    // above may predate uploads written since (parallel PUTs would all pass it).
    let mut tx = state.store.write().await?;
    blobs::lock_uploader(&mut tx, user.user_id).await?;
    // A repeat: the bytes are wanted again, so the clean-up's grace starts over (unless a
    // clean-up took them since the check, on PostgreSQL: then they are stored again).
    let repeat = blobs::uploaded_by(&mut tx, &sha256, user.user_id).await?
        && blobs::refresh(&mut tx, &sha256, now).await?;
    let status = if repeat {
        StatusCode::OK
    } else {
        within_quota(&state, &mut tx, user.user_id, body.len(), now).await?;
        // This user's first upload of the hash: 201 whether or not the bytes were stored
        // already (by someone else), which is not this user's to learn.
        blobs::insert(&mut tx, &sha256, &body, user.user_id, now).await?;
        StatusCode::CREATED
    };
    // Answered once committed, a repeat too: on SQLite the upload it found may be an earlier
    // lease of this very group, durable only with the group's `COMMIT`.
    tx.commit().await?;
    Ok(status)
}

/// `429 upload_quota` when `size` more bytes would take the user past the upload quota.
async fn within_quota(
    state: &AppState,
    conn: &mut Conn,
    user_id: uuid::Uuid,
    size: usize,
    now: chrono::DateTime<Utc>,
) -> ApiResult<()> {
    let used = blobs::uploaded_since(conn, user_id, now - QUOTA_PERIOD).await?;
    let quota = state.config.upload_quota_bytes;
    if used.saturating_add(size as i64) > quota {
        return Err(ApiError::too_many(
            "upload_quota",
            format!("at most {quota} bytes of uploads per user in 24 hours; {used} used"),
            QUOTA_RETRY_SECS,
        ));
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/v1/blobs/{sha256}", summary = "The bytes, to managers and to the engineer assigned to a case naming the blob (access follows the case, not the uploader)", tag = "blobs",
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$")),
    responses(
        (status = 200, description = "The bytes", content(
            (inline(BlobBytes) = "application/octet-stream"), (inline(BlobBytes) = "image/png"))),
        (status = 400, description = "invalid_hash"),
        (status = 403, description = "forbidden: not allowed to see it (answered before whether it exists)"),
        (status = 404, description = "not_found: no such blob (managers)"),
    ))]
pub async fn get_blob(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(sha256): ApiPath<String>,
) -> ApiResult<Response> {
    check_hash(&sha256)?;
    let mut conn = state.store.pool().acquire().await?;
    // Who may read comes first: a stranger learns nothing of whether the hash exists.
    if !blobs::may_read(&mut conn, &sha256, user.user_id, user.role).await? {
        return Err(ApiError::forbidden(
            "blobs are readable by managers and by the engineer assigned to a case that names them",
        ));
    }
    let blob = blobs::get(&mut conn, &sha256)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no blob {sha256}")))?;
    let content_type = if blob.bytes.starts_with(PNG_MAGIC) {
        "image/png"
    } else {
        "application/octet-stream"
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            // Content-addressed: the bytes behind a hash never change.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable",
            ),
        ],
        blob.bytes,
    )
        .into_response())
}
