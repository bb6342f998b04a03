//! The database behind the server. Everything SQL lives under this module so that a
//! PostgreSQL store can be added beside the SQLite one without touching the handlers.
//!
//! Writers take an in-process lock and then `BEGIN IMMEDIATE`: SQLite has one writer at a
//! time anyway, and queueing in-process avoids spinning on `SQLITE_BUSY`; the IMMEDIATE
//! transaction still protects against other processes (e.g. `onsite-server user add`).

pub mod blobs;
pub mod cases;
mod codec;
pub mod log;
pub mod policies;
pub mod users;

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
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use sqlx::SqliteConnection as Conn;

/// The database handle the app state carries. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    write_lock: Arc<Mutex<()>>,
    epoch: Arc<str>,
}

/// A write transaction (`BEGIN IMMEDIATE`), holding the in-process writer lock.
/// Dropped without `commit` = rolled back.
pub struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    _guard: OwnedMutexGuard<()>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
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
            .connect_with(options)
            .await
            .with_context(|| format!("opening {database_url}"))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .context("running migrations")?;
        let epoch = ensure_epoch(&pool).await?;
        let store = Store {
            pool,
            write_lock: Arc::new(Mutex::new(())),
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

    /// A write transaction. `BEGIN IMMEDIATE` runs in a task of its own: were the caller
    /// dropped halfway (a client that went away), the begin still completes and the
    /// transaction is then dropped as sqlx tracks it (rolled back), so a connection never
    /// returns to the pool inside a transaction.
    pub async fn write(&self) -> Result<WriteTx, sqlx::Error> {
        let guard = self.write_lock.clone().lock_owned().await;
        let pool = self.pool.clone();
        let tx = tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
            .await
            .map_err(|e| sqlx::Error::Protocol(format!("beginning a write: {e}")))??;
        Ok(WriteTx { tx, _guard: guard })
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
