//! The database behind the server. Everything SQL lives under this module so that a
//! PostgreSQL store can be added beside the SQLite one without touching the handlers.
//!
//! Writes go through one connection and group commit (`writer.rs`): SQLite has one writer at
//! a time anyway; queueing in-process avoids spinning on `SQLITE_BUSY` and lets the writes
//! that arrive together share one fsync. Its `BEGIN IMMEDIATE` still protects against other
//! processes (e.g. `onsite-server user add`). Reads run on a pool of their own (WAL: readers
//! never wait for the writer).

pub mod blobs;
pub mod cases;
mod codec;
pub use codec::Json;
pub mod log;
pub mod policies;
pub mod users;
mod writer;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use rand::RngCore;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

pub use sqlx::SqliteConnection as Conn;
use writer::Writer;
pub use writer::{Load, WriteTx};

/// The database handle the app state carries. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    writer: Writer,
    epoch: Arc<str>,
}

impl Store {
    /// Open (creating the file and its directory if missing) and migrate the database.
    pub async fn connect(database_url: &str) -> anyhow::Result<Store> {
        if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
            anyhow::bail!("PostgreSQL is not supported by this build yet; use a sqlite:// URL");
        }
        let options = SqliteConnectOptions::from_str(database_url)
            .with_context(|| format!("invalid DATABASE_URL `{database_url}`"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let file = options.get_filename();
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            if file != Path::new(":memory:") {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the directory {}", dir.display()))?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options.clone())
            .await
            .with_context(|| format!("opening {database_url}"))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .context("running migrations")?;
        let epoch = ensure_epoch(&pool).await?;
        let writer = Writer::start(options)
            .await
            .with_context(|| format!("opening {database_url} for writing"))?;
        let store = Store {
            pool,
            writer,
            epoch: epoch.into(),
        };
        let mut tx = store.write().await?;
        cases::backfill_past_fixes(&mut tx)
            .await
            .context("backfilling past fixes")?;
        tx.commit().await?;
        Ok(store)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A random id of this database: part of every pull cursor, so a cursor from another
    /// (or a recreated) database is recognised and answered with a reset.
    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    /// A write transaction: a lease of the group-committing writer (`writer.rs`).
    pub async fn write(&self) -> Result<WriteTx, sqlx::Error> {
        self.writer.lease().await
    }

    /// How busy the writer is (admission control).
    pub fn write_load(&self) -> &Load {
        self.writer.load()
    }

    /// A read transaction: every query in it sees the same snapshot (WAL).
    pub async fn read(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin().await
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn close(&self) {
        self.pool.close().await
    }
}

async fn ensure_epoch(pool: &SqlitePool) -> anyhow::Result<String> {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    sqlx::query("INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', ?1)")
        .bind(hex::encode(bytes))
        .execute(pool)
        .await?;
    Ok(
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'epoch'")
            .fetch_one(pool)
            .await?,
    )
}

/// Timestamps are stored as RFC 3339 text, UTC, milliseconds.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
