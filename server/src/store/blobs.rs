//! Content-addressed blobs (photos, signatures) and which cases name them.

use chrono::{DateTime, Utc};
use onsite_core::Role;
use uuid::Uuid;

use super::{ts, Conn};

pub async fn exists(conn: &mut Conn, sha256: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?1)")
        .bind(sha256)
        .fetch_one(conn)
        .await
}

/// Store a blob; `false` when it was already there (nothing written).
pub async fn insert(
    conn: &mut Conn,
    sha256: &str,
    bytes: &[u8],
    uploaded_by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO blobs (sha256, bytes, size, uploaded_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(bytes)
    .bind(bytes.len() as i64)
    .bind(uploaded_by.to_string())
    .bind(ts(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct Blob {
    pub bytes: Vec<u8>,
    pub uploaded_by: String,
}

pub async fn get(conn: &mut Conn, sha256: &str) -> Result<Option<Blob>, sqlx::Error> {
    let row: Option<(Vec<u8>, String)> =
        sqlx::query_as("SELECT bytes, uploaded_by FROM blobs WHERE sha256 = ?1")
            .bind(sha256)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(bytes, uploaded_by)| Blob { bytes, uploaded_by }))
}

pub async fn add_ref(conn: &mut Conn, sha256: &str, case_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT OR IGNORE INTO blob_refs (sha256, case_id) VALUES (?1, ?2)")
        .bind(sha256)
        .bind(case_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Managers, the uploader, and engineers assigned to a case that names the blob may read it.
pub async fn may_read(
    conn: &mut Conn,
    blob: &Blob,
    sha256: &str,
    user_id: Uuid,
    role: Role,
) -> Result<bool, sqlx::Error> {
    if role == Role::Manager || blob.uploaded_by == user_id.to_string() {
        return Ok(true);
    }
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM blob_refs r JOIN cases k ON k.id = r.case_id
                        WHERE r.sha256 = ?1 AND k.assignee_id = ?2)",
    )
    .bind(sha256)
    .bind(user_id.to_string())
    .fetch_one(conn)
    .await
}
