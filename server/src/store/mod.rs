//! The database behind the server; everything SQL lives under this module.
//!
//! One store, two databases (sqlx's `Any` driver): SQLite built in, PostgreSQL for fleets
//! served by several instances. On SQLite, writes go through one connection and group commit
//! (`writer.rs`): SQLite has one writer at a time anyway; queueing in-process avoids spinning
//! on `SQLITE_BUSY` and lets the writes that arrive together share one fsync. Its
//! `BEGIN IMMEDIATE` still protects against other processes (e.g. `onsite-server user add`).
//! On PostgreSQL each write is a transaction of its own. Reads run on a pool of their own
//! (WAL, MVCC: readers never wait for the writer).

/// Whether the `SELECT` (`$n` bound to the arguments in order) finds a row.
macro_rules! exists {
    ($conn:expr, $select:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_scalar::<_, i64>(concat!(
            "SELECT CASE WHEN EXISTS (",
            $select,
            ") THEN 1 ELSE 0 END"
        ))
        $(.bind($arg))*
        .fetch_one($conn)
        .await
        .map(|n| n != 0)
    };
}

pub mod blobs;
pub mod cases;
mod codec;
pub(crate) use codec::json_by_ids;
pub use codec::Json;
pub mod log;
pub mod policies;
pub mod users;
mod writer;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use rand::RngCore;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

pub use sqlx::AnyConnection as Conn;
use writer::Writer;
pub use writer::{Load, WriteTx};

/// Which database is behind the store. The SQL is shared; the few spellings that differ are
/// in `Backend`'s methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// The backend a connection talks to.
    pub fn of(conn: &Conn) -> Backend {
        match conn.backend_name() {
            "PostgreSQL" => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// `sql` in this backend's spelling: each `PLACEHOLDERS` name it holds replaced.
    pub(crate) fn sql(self, sql: &str) -> String {
        let mut out = sql.to_string();
        for (name, spellings) in PLACEHOLDERS {
            if out.contains(name) {
                out = out.replace(name, self.pick(spellings));
            }
        }
        out
    }

    /// A `SELECT` of `sql`'s rows joined by the database into one text by `aggregate`: one
    /// value crosses from the driver (`codec::json_by_ids`).
    pub(crate) fn json_agg(self, aggregate: [&str; 2], sql: &str) -> String {
        let aggregate = self.pick(aggregate);
        format!("SELECT {aggregate} FROM ({}) AS joined", self.sql(sql))
    }

    /// This backend's spelling of `[SQLite, PostgreSQL]`.
    fn pick(self, [sqlite, postgres]: [&str; 2]) -> &str {
        match self {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        }
    }
}

/// The placeholders of the shared SQL, spelt `[SQLite, PostgreSQL]`. JSON arrays bound as `$1`:
/// `{strings}`, a one-column `value` table of an array of strings (`WHERE id IN (SELECT value
/// FROM {strings})`), and `{elements}`, the elements as JSON `value` with their position `key`
/// (both tables are named `j`). `{after}` (`{after_c}` for table alias `c`) is a change row
/// after the feed position `($1, $2)` = (tx, id): on SQLite tx is always 0, and
/// `tx = $1 AND id > $2` lets it use the indexes as ranges, which a row-value comparison does
/// not. `{for_update}` locks the rows read until the transaction ends (SQLite has one writer
/// at a time, so there is nothing more to lock).
const PLACEHOLDERS: [(&str, [&str; 2]); 5] = [
    (
        "{strings}",
        [
            "json_each($1) AS j",
            "json_array_elements_text($1::json) AS j(value)",
        ],
    ),
    (
        "{elements}",
        [
            "json_each($1) AS j",
            "json_array_elements($1::json) WITH ORDINALITY AS j(value, key)",
        ],
    ),
    ("{after}", ["tx = $1 AND id > $2", "(tx, id) > ($1, $2)"]),
    (
        "{after_c}",
        ["c.tx = $1 AND c.id > $2", "(c.tx, c.id) > ($1, $2)"],
    ),
    ("{for_update}", ["", " FOR UPDATE"]),
];

/// The database handle the app state carries. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    writer: Writer,
    backend: Backend,
    epoch: Arc<str>,
}

/// Per-connection settings of SQLite: WAL (readers never wait for the writer), `FULL`
/// synchronous (a commit is on disk before it is answered), foreign keys, and a busy
/// timeout for the other processes that may write (`onsite-server user add`).
macro_rules! sqlite_pragmas {
    () => {
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;"
    };
}
const SQLITE_PRAGMAS: &str = sqlite_pragmas!();

/// The writer's connection also keeps a group's pages in memory until its `COMMIT`: a cache
/// large enough for a group (the default 2 MiB spills dirty pages into the WAL halfway) and
/// the savepoints' undo journal in memory instead of a temporary file.
const SQLITE_WRITER_PRAGMAS: &str = concat!(
    sqlite_pragmas!(),
    " PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"
);

impl Store {
    /// Open (creating the file and its directory if missing) and migrate the database.
    pub async fn connect(database_url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(database_url).with_context(|| {
            format!("DATABASE_URL `{database_url}` is neither sqlite:// nor postgres://")
        })?;
        let url = match backend {
            Backend::Sqlite => sqlite_url(database_url)?,
            Backend::Postgres => database_url.to_string(),
        };
        let options: AnyConnectOptions = url
            .parse()
            .with_context(|| format!("invalid DATABASE_URL `{database_url}`"))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options.clone())
            .await
            .with_context(|| format!("opening {database_url}"))?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await,
        }
        .context("running migrations")?;
        let epoch = ensure_epoch(&pool).await?;
        let writer = match backend {
            Backend::Sqlite => Writer::start_grouped(options, SQLITE_WRITER_PRAGMAS, pool.clone())
                .await
                .with_context(|| format!("opening {database_url} for writing"))?,
            Backend::Postgres => Writer::pooled(pool.clone()),
        };
        let store = Store {
            pool,
            writer,
            backend,
            epoch: epoch.into(),
        };
        let mut tx = store.write().await?;
        cases::backfill_past_fixes(&mut tx)
            .await
            .context("backfilling past fixes")?;
        tx.commit().await?;
        Ok(store)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many pulls to serve at once. On SQLite a pull is mostly this process's CPU: two
    /// per core. On PostgreSQL it is mostly waiting for the database's answers: half the pool
    /// (the other half stays free for writes).
    pub fn pulls_at_once(&self, cores: usize) -> usize {
        match self.backend {
            Backend::Sqlite => cores * 2,
            Backend::Postgres => (self.pool.options().get_max_connections() / 2) as usize,
        }
    }

    /// A random id of this database: part of every pull cursor, so a cursor from another
    /// (or a recreated) database is recognised and answered with a reset.
    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    /// A write transaction: on SQLite a lease of the group-committing writer, on PostgreSQL
    /// a transaction of its own (`writer.rs`).
    pub async fn write(&self) -> Result<WriteTx, sqlx::Error> {
        self.writer.lease().await
    }

    /// Runs `work` to its end in a task of its own, beside the writer (`Writer::spawn`).
    pub fn spawn_write<F>(&self, work: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.writer.spawn(work)
    }

    /// How busy the writer is (admission control).
    pub fn write_load(&self) -> &Load {
        self.writer.load()
    }

    /// A read transaction: every query in it sees the same snapshot.
    pub async fn read(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .await?;
        }
        Ok(tx)
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

/// The SQLite URL with the file created if missing (`mode=rwc`), after creating its directory.
fn sqlite_url(database_url: &str) -> anyhow::Result<String> {
    let (path, query) = database_url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split_once('?')
        .map_or(
            (
                database_url
                    .trim_start_matches("sqlite:")
                    .trim_start_matches("//"),
                None,
            ),
            |(p, q)| (p, Some(q)),
        );
    if path != ":memory:" && !path.is_empty() {
        if let Some(dir) = Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the directory {}", dir.display()))?;
        }
    }
    Ok(match query {
        Some(q) if q.contains("mode=") => database_url.to_string(),
        Some(_) => format!("{database_url}&mode=rwc"),
        None => format!("{database_url}?mode=rwc"),
    })
}

async fn ensure_epoch(pool: &AnyPool) -> anyhow::Result<String> {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    sqlx::query("INSERT INTO meta (key, value) VALUES ('epoch', $1) ON CONFLICT DO NOTHING")
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
