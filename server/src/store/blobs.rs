//! Content-addressed blobs (photos, signatures) and which cases name them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use onsite_core::Role;
use uuid::Uuid;

use super::codec::decode_err;
use super::{ts, Backend, Conn};

/// Marks the blob as wanted now (`created_at`, which the clean-up's grace period counts from)
/// and holds its row until this write transaction ends: a clean-up running at the same time
/// waits, then re-checks its age and keeps it (`collect_garbage`). Whether it exists.
pub async fn refresh(
    conn: &mut Conn,
    sha256: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query("UPDATE blobs SET created_at = $2 WHERE sha256 = $1")
        .bind(sha256)
        .bind(ts(now))
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Store a blob (or, when the bytes are there already, refresh them: `refresh`) and note this
/// user's upload. Whether they were there is not returned: it would tell the uploader what
/// someone else stored.
pub async fn insert(
    conn: &mut Conn,
    sha256: &str,
    bytes: &[u8],
    uploaded_by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO blobs (sha256, bytes, size, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO UPDATE SET created_at = excluded.created_at",
    )
    .bind(sha256)
    .bind(bytes)
    .bind(bytes.len() as i64)
    .bind(uploaded_by.to_string())
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    note_upload(conn, sha256, bytes.len(), uploaded_by, now).await
}

/// This user has shown they hold these bytes (uploaded them).
pub async fn note_upload(
    conn: &mut Conn,
    sha256: &str,
    size: usize,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO blob_uploads (sha256, user_id, size, uploaded_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256, user_id) DO NOTHING",
    )
    .bind(sha256)
    .bind(user_id.to_string())
    .bind(size as i64)
    .bind(ts(now))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn uploaded_by(
    conn: &mut Conn,
    sha256: &str,
    user_id: Uuid,
) -> Result<bool, sqlx::Error> {
    exists!(
        conn,
        "SELECT 1 FROM blob_uploads WHERE sha256 = $1 AND user_id = $2",
        sha256,
        user_id.to_string()
    )
}

/// Makes this write transaction the user's only upload until it ends, so that the quota it
/// counts stays true to its commit. On PostgreSQL the user's row is locked (`NO KEY UPDATE`:
/// rows that only reference the user are not held up); on SQLite the one writer connection
/// serialises every write already.
pub async fn lock_uploader(conn: &mut Conn, user_id: Uuid) -> Result<(), sqlx::Error> {
    if Backend::of(conn) == Backend::Postgres {
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE")
            .bind(user_id.to_string())
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}

/// Bytes this user uploaded since `since` (the upload quota's measure).
pub async fn uploaded_since(
    conn: &mut Conn,
    user_id: Uuid,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM blob_uploads WHERE user_id = $1 AND uploaded_at >= $2",
    )
    .bind(user_id.to_string())
    .bind(ts(since))
    .fetch_one(conn)
    .await
}

/// May this user name the blob in a mutation: it exists, and they uploaded it or may read it.
/// If so it is refreshed (`refresh`) in this write transaction: a clean-up cannot remove it
/// between this check and the commit that names it, nor soon after a push that named it and
/// was then rejected for something else.
pub async fn may_name(
    conn: &mut Conn,
    sha256: &str,
    user_id: Uuid,
    role: Role,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    if !(uploaded_by(conn, sha256, user_id).await? || may_read(conn, sha256, user_id, role).await?)
    {
        return Ok(false);
    }
    refresh(conn, sha256, now).await
}

/// Remove blobs that no case names and that were last wanted (uploaded, re-uploaded or named
/// in a push: `refresh`) before `older_than`: an abandoned photo, or bytes pushed to fill the
/// disk. The number removed.
///
/// On PostgreSQL a push that names a blob holds its row (`may_name`) until it commits; this
/// `DELETE` waits for it, then re-checks its condition on the row as that push left it, but
/// still reads `blob_refs` as of its own start, without the references the push added: the
/// `created_at` condition is what keeps a blob that push just named.
pub async fn collect_garbage(
    conn: &mut Conn,
    older_than: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let gone = sqlx::query(
        "DELETE FROM blobs WHERE created_at < $1
           AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.sha256 = blobs.sha256)",
    )
    .bind(ts(older_than))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM blob_uploads WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = blob_uploads.sha256)",
    )
    .execute(conn)
    .await?;
    Ok(gone.rows_affected())
}

pub struct Blob {
    pub bytes: Vec<u8>,
    pub uploaded_by: String,
}

pub async fn get(conn: &mut Conn, sha256: &str) -> Result<Option<Blob>, sqlx::Error> {
    let row: Option<(Vec<u8>, String)> =
        sqlx::query_as("SELECT bytes, uploaded_by FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(bytes, uploaded_by)| Blob { bytes, uploaded_by }))
}

/// Notes that `case_id` names each of `hashes` (access to a blob follows the cases naming it).
pub async fn add_refs(
    conn: &mut Conn,
    hashes: &BTreeSet<String>,
    case_id: Uuid,
) -> Result<(), sqlx::Error> {
    if hashes.is_empty() {
        return Ok(());
    }
    let sql = Backend::of(conn).sql(
        "INSERT INTO blob_refs (sha256, case_id) SELECT value, $2 FROM {strings} WHERE true
         ON CONFLICT DO NOTHING",
    );
    sqlx::query(&sql)
        .bind(serde_json::to_string(hashes).map_err(|e| decode_err(e.to_string()))?)
        .bind(case_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Access follows the case, never the uploader: managers, and the engineer currently assigned
/// to a case that names the blob.
pub async fn may_read(
    conn: &mut Conn,
    sha256: &str,
    user_id: Uuid,
    role: Role,
) -> Result<bool, sqlx::Error> {
    if role == Role::Manager {
        return Ok(true);
    }
    exists!(
        conn,
        "SELECT 1 FROM blob_refs r JOIN cases k ON k.id = r.case_id
         WHERE r.sha256 = $1 AND k.assignee_id = $2",
        sha256,
        user_id.to_string()
    )
}

/// `collect_garbage` in its own write transaction, for blobs older than `grace`.
pub async fn collect_garbage_now(
    store: &super::Store,
    grace: chrono::Duration,
) -> Result<u64, sqlx::Error> {
    let mut tx = store.write().await?;
    let n = collect_garbage(&mut tx, Utc::now() - grace).await?;
    tx.commit().await?;
    Ok(n)
}
