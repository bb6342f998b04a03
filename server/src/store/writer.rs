//! Group commit. One task owns the only write connection. A writer asks it for a lease and
//! gets the connection inside a `SAVEPOINT` of the current transaction; `commit` releases the
//! savepoint and then waits until the whole group is durable (one `COMMIT`, one fsync, for
//! every lease served since `BEGIN`); a lease dropped without `commit` rolls back to its
//! savepoint and leaves the rest of the group alone. While one lease works, the next writers
//! queue; the writer serves them in the same transaction, so the fsync is shared by all the
//! pushes that arrive together and each is still atomic on its own.
//!
//! The writer task, not the request, owns the transaction: a client that goes away cannot
//! cancel it halfway, and the connection is never left inside a transaction.
//!
//! On PostgreSQL (several instances, one database) there is no single writer to group for:
//! a lease is a transaction of its own from the pool, begun in a task of its own so that a
//! caller that goes away cannot leave a connection inside a half-begun transaction (a
//! dropped `Transaction` rolls back). PostgreSQL groups the fsyncs of concurrent commits.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::any::AnyConnectOptions;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Executor, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::Conn;

/// Leases served in one transaction at the most, and how long a group may stay open: a
/// bound on how long the first writer of a group waits for the later ones' work.
const MAX_GROUP: usize = 512;
const MAX_GROUP_TIME: Duration = Duration::from_millis(100);

/// A write transaction's share of a group: the connection, inside a savepoint.
/// Dropped without `commit` = rolled back.
pub struct WriteTx {
    conn: Option<AnyConnection>,
    back: Option<oneshot::Sender<Returned>>,
    /// PostgreSQL: the transaction itself (`conn` and `back` are `None`).
    own: Option<Own>,
}

/// A transaction of its own, counted in the writer's load while it lasts.
struct Own {
    tx: Option<Transaction<'static, Any>>,
    load: Arc<Load>,
    since: Instant,
}

impl Drop for Own {
    fn drop(&mut self) {
        self.load.waiting.fetch_sub(1, Ordering::Relaxed);
        self.load.held(self.since.elapsed());
    }
}

/// Told when the group a lease committed in is durable, or why it is not.
type Durable = oneshot::Sender<Result<(), String>>;

struct Returned {
    conn: AnyConnection,
    /// Some = commit, answered when the group's `COMMIT` is done; None = roll back.
    commit: Option<Durable>,
}

impl WriteTx {
    /// Keep this lease's writes and wait until they are durable.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        if let Some(mut own) = self.own.take() {
            let tx = own
                .tx
                .take()
                .expect("a lease's transaction lasts until commit");
            return tx.commit().await;
        }
        let (done, durable) = oneshot::channel();
        self.give_back(Some(done));
        match durable.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(sqlx::Error::Protocol(format!("group commit failed: {e}"))),
            Err(_) => Err(sqlx::Error::Protocol("the writer stopped".into())),
        }
    }

    fn give_back(&mut self, commit: Option<Durable>) {
        if let (Some(conn), Some(back)) = (self.conn.take(), self.back.take()) {
            let _ = back.send(Returned { conn, commit });
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        self.give_back(None);
    }
}

impl std::ops::Deref for WriteTx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        match self.own.as_ref().and_then(|o| o.tx.as_ref()) {
            Some(own) => own,
            None => self
                .conn
                .as_ref()
                .expect("a lease holds the connection until it is given back"),
        }
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Conn {
        match self.own.as_mut().and_then(|o| o.tx.as_mut()) {
            Some(own) => own,
            None => self
                .conn
                .as_mut()
                .expect("a lease holds the connection until it is given back"),
        }
    }
}

type Grant = oneshot::Sender<Result<WriteTx, String>>;

/// The handle writers ask for leases through. Cheap to clone.
#[derive(Clone)]
pub struct Writer {
    to: To,
    load: Arc<Load>,
    /// SQLite: the thread the group and its writers run on.
    thread: Option<Arc<WriterThread>>,
}

/// A runtime on a thread of its own for the single writer and the work done under its lease.
/// Each statement is a round trip to sqlx's SQLite worker thread; on the shared runtime the
/// lease holder, woken from that thread, queued behind every HTTP task between statements,
/// and the one writer everything waits for stood idle meanwhile.
struct WriterThread {
    handle: tokio::runtime::Handle,
    /// Dropped with the last `Writer`: the thread and its runtime end.
    _stop: oneshot::Sender<()>,
}

impl WriterThread {
    fn start() -> std::io::Result<WriterThread> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("onsite-writer".into())
            .spawn(move || {
                let _ = runtime.block_on(stopped);
            })?;
        Ok(WriterThread {
            handle,
            _stop: stop,
        })
    }
}

#[derive(Clone)]
enum To {
    /// SQLite: the group-committing task.
    Group(mpsc::UnboundedSender<Grant>),
    /// PostgreSQL: a transaction per lease.
    Pool(AnyPool),
}

/// How busy the writer is: what admission control reads.
pub struct Load {
    /// Writers waiting for a lease (group writer), or holding or waiting for a transaction
    /// (pool).
    waiting: AtomicUsize,
    /// Moving average of how long a lease is held, in microseconds.
    lease_micros: AtomicU64,
    /// Leases served at once: 1 for the group writer, the pool's size otherwise.
    parallel: u64,
}

impl Load {
    fn new(parallel: u32) -> Load {
        Load {
            waiting: AtomicUsize::new(0),
            lease_micros: AtomicU64::new(0),
            parallel: u64::from(parallel.max(1)),
        }
    }

    /// About how long a writer arriving now waits for its lease.
    pub fn expected_wait(&self) -> Duration {
        let per = self.lease_micros.load(Ordering::Relaxed);
        let ahead = self.waiting.load(Ordering::Relaxed) as u64;
        Duration::from_micros(per.saturating_mul(ahead) / self.parallel)
    }

    fn held(&self, took: Duration) {
        let sample = took.as_micros().min(u64::MAX as u128) as u64;
        let old = self.lease_micros.load(Ordering::Relaxed);
        let new = if old == 0 {
            sample
        } else {
            (old * 7 + sample) / 8
        };
        self.lease_micros.store(new, Ordering::Relaxed);
    }
}

impl Writer {
    /// The group-committing writer of a SQLite database; `setup` runs on each connection.
    /// Checkpoints (copying the WAL into the database file) are not the writer's: they run
    /// on a connection of `checkpoints` after each commit, beside the next group.
    pub async fn start_grouped(
        options: AnyConnectOptions,
        setup: &'static str,
        checkpoints: AnyPool,
    ) -> Result<Writer, sqlx::Error> {
        let connect = Connect { options, setup };
        let conn = connect.open().await?;
        let (queue, rx) = mpsc::unbounded_channel();
        let load = Arc::new(Load::new(1));
        let thread = WriterThread::start()?;
        // Holds one pending "checkpoint now": commits meanwhile fold into it.
        let (committed, commits) = mpsc::channel(1);
        tokio::spawn(checkpoint(checkpoints, commits));
        thread
            .handle
            .spawn(run(conn, connect, rx, load.clone(), committed));
        Ok(Writer {
            to: To::Group(queue),
            load,
            thread: Some(Arc::new(thread)),
        })
    }

    /// Leases that are transactions of their own, from `pool`.
    pub fn pooled(pool: AnyPool) -> Writer {
        let load = Arc::new(Load::new(pool.options().get_max_connections()));
        Writer {
            to: To::Pool(pool),
            load,
            thread: None,
        }
    }

    /// Runs `work` (that writes) to its end in a task of its own, on the writer's thread
    /// where there is one: cancelling the caller never cancels it halfway.
    pub fn spawn<F>(&self, work: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.thread {
            Some(thread) => thread.handle.spawn(work),
            None => tokio::spawn(work),
        }
    }

    pub fn load(&self) -> &Load {
        &self.load
    }

    pub async fn lease(&self) -> Result<WriteTx, sqlx::Error> {
        let queue = match &self.to {
            To::Group(queue) => queue,
            To::Pool(pool) => return self.own_transaction(pool.clone()).await,
        };
        let (grant, granted) = oneshot::channel();
        self.load.waiting.fetch_add(1, Ordering::Relaxed);
        if queue.send(grant).is_err() {
            self.load.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(sqlx::Error::PoolClosed);
        }
        match granted.await {
            Ok(Ok(tx)) => Ok(tx),
            Ok(Err(e)) => Err(sqlx::Error::Protocol(format!("beginning a write: {e}"))),
            Err(_) => Err(sqlx::Error::PoolClosed),
        }
    }

    async fn own_transaction(&self, pool: AnyPool) -> Result<WriteTx, sqlx::Error> {
        self.load.waiting.fetch_add(1, Ordering::Relaxed);
        let mut own = Own {
            tx: None,
            load: self.load.clone(),
            since: Instant::now(),
        };
        // In a task of its own: cancelling the caller never cancels a `BEGIN` halfway.
        let begun = tokio::spawn(async move { pool.begin().await }).await;
        own.tx =
            Some(begun.map_err(|e| sqlx::Error::Protocol(format!("beginning a write: {e}")))??);
        Ok(WriteTx {
            conn: None,
            back: None,
            own: Some(own),
        })
    }
}

/// How the group writer (re)opens its connection.
struct Connect {
    options: AnyConnectOptions,
    setup: &'static str,
}

impl Connect {
    async fn open(&self) -> Result<AnyConnection, sqlx::Error> {
        let mut conn = self.options.connect().await?;
        conn.execute(self.setup).await?;
        // Checkpoints are `checkpoint`'s, on every connection this writer opens.
        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
        Ok(conn)
    }
}

async fn run(
    mut conn: AnyConnection,
    options: Connect,
    mut queue: mpsc::UnboundedReceiver<Grant>,
    load: Arc<Load>,
    committed: mpsc::Sender<()>,
) {
    while let Some(first) = queue.recv().await {
        let opened = Instant::now();
        if let Err(e) = conn.execute("BEGIN IMMEDIATE").await {
            load.waiting.fetch_sub(1, Ordering::Relaxed);
            let _ = first.send(Err(e.to_string()));
            continue;
        }
        let mut durable = Vec::new();
        let mut next = Some(first);
        let mut served = 0;
        let mut broken = None;
        while let Some(grant) = next.take() {
            load.waiting.fetch_sub(1, Ordering::Relaxed);
            served += 1;
            match serve(conn, grant, &load).await {
                (Some(c), Ok(commit)) => {
                    conn = c;
                    durable.extend(commit);
                }
                (Some(c), Err(e)) => {
                    conn = c;
                    broken = Some(e);
                    break;
                }
                (None, _) => match options.open().await {
                    // The lease lost the connection (its transaction with it): start again.
                    Ok(c) => {
                        conn = c;
                        broken = Some("the write connection was lost".into());
                        break;
                    }
                    Err(e) => {
                        tracing::error!("reopening the write connection: {e}");
                        return;
                    }
                },
            }
            if served < MAX_GROUP && opened.elapsed() < MAX_GROUP_TIME {
                next = queue.try_recv().ok();
            }
        }
        let result = match broken {
            Some(e) => Err(e),
            None => conn
                .execute("COMMIT")
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        };
        if let Err(e) = &result {
            // Every lease of the group is told; the log says why for the operator.
            tracing::error!(
                leases = served,
                "a write group failed and was rolled back: {e}"
            );
            if let Err(e) = conn.execute("ROLLBACK").await {
                tracing::error!("rolling back a failed write group: {e}");
            }
        }
        for done in durable {
            let _ = done.send(result.clone());
        }
        let _ = committed.try_send(());
    }
}

/// Copies committed WAL frames into the database file after each commit, without blocking
/// the writer or the readers (`PASSIVE`), until the writer is gone. In the writer's own
/// `COMMIT` (SQLite's automatic checkpoint) it held every lease waiting behind it.
async fn checkpoint(pool: AnyPool, mut commits: mpsc::Receiver<()>) {
    while commits.recv().await.is_some() {
        if let Err(e) = pool.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
            tracing::warn!("checkpointing the WAL: {e}");
        }
    }
}

/// One lease: open a savepoint, hand the connection out, take it back, keep or undo its
/// writes. The error is a statement of the group itself failing (the whole group rolls back).
async fn serve(
    mut conn: AnyConnection,
    grant: Grant,
    load: &Load,
) -> (Option<AnyConnection>, Result<Option<Durable>, String>) {
    if let Err(e) = conn.execute("SAVEPOINT lease").await {
        let _ = grant.send(Err(e.to_string()));
        return (Some(conn), Err(e.to_string()));
    }
    let (back, returned) = oneshot::channel();
    let held = Instant::now();
    let lease = WriteTx {
        conn: Some(conn),
        back: Some(back),
        own: None,
    };
    // A writer that went away drops the lease it was sent, which gives the connection back.
    let _ = grant.send(Ok(lease));
    let Ok(Returned { mut conn, commit }) = returned.await else {
        return (None, Err("a lease did not give its connection back".into()));
    };
    load.held(held.elapsed());
    let undone = match commit {
        Some(_) => Ok(()),
        None => conn.execute("ROLLBACK TO lease").await.map(|_| ()),
    };
    match undone.and(conn.execute("RELEASE lease").await.map(|_| ())) {
        Ok(()) => (Some(conn), Ok(commit)),
        Err(e) => {
            if let Some(done) = commit {
                let _ = done.send(Err(e.to_string()));
            }
            (Some(conn), Err(e.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn writer() -> (Writer, AnyConnectOptions, tempfile::TempDir) {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let options: AnyConnectOptions =
            format!("sqlite://{}?mode=rwc", dir.path().join("w.db").display())
                .parse()
                .unwrap();
        let mut conn = options.connect().await.unwrap();
        conn.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (v INTEGER NOT NULL)")
            .await
            .unwrap();
        let checkpoints = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .unwrap();
        let writer =
            Writer::start_grouped(options.clone(), "PRAGMA synchronous = FULL", checkpoints)
                .await
                .unwrap();
        (writer, options, dir)
    }

    async fn insert(tx: &mut WriteTx, v: i64) {
        sqlx::query("INSERT INTO t (v) VALUES ($1)")
            .bind(v)
            .execute(&mut **tx)
            .await
            .unwrap();
    }

    async fn values(options: &AnyConnectOptions) -> Vec<i64> {
        let mut conn = options.connect().await.unwrap();
        sqlx::query_scalar("SELECT v FROM t ORDER BY v")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn leases_of_one_group_commit_or_roll_back_each_on_its_own() {
        let (writer, options, _dir) = writer().await;
        let mut tasks = Vec::new();
        for v in 0..40i64 {
            let writer = writer.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = writer.lease().await.unwrap();
                insert(&mut tx, v).await;
                match v % 3 {
                    // Committed: durable before the answer.
                    0 => tx.commit().await.unwrap(),
                    // Dropped: rolled back.
                    1 => drop(tx),
                    // A failing statement, then commit: what ran before it stays.
                    _ => {
                        assert!(sqlx::query("INSERT INTO t (v) VALUES (NULL)")
                            .execute(&mut *tx)
                            .await
                            .is_err());
                        tx.commit().await.unwrap();
                    }
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let expected: Vec<i64> = (0..40).filter(|v| v % 3 != 1).collect();
        assert_eq!(values(&options).await, expected);
    }

    #[tokio::test]
    async fn a_writer_cancelled_halfway_leaves_the_next_ones_unharmed() {
        let (writer, options, _dir) = writer().await;
        for v in 0..20i64 {
            let w = writer.clone();
            // Cancelled at once, or while it holds the lease.
            let task = tokio::spawn(async move {
                let mut tx = w.lease().await.unwrap();
                insert(&mut tx, 1000 + v).await;
                std::future::pending::<()>().await;
            });
            if v % 2 == 0 {
                tokio::task::yield_now().await;
            }
            task.abort();
            let _ = task.await;
            let mut tx = writer.lease().await.unwrap();
            insert(&mut tx, v).await;
            tx.commit().await.unwrap();
        }
        assert_eq!(values(&options).await, (0..20).collect::<Vec<i64>>());
    }

    #[tokio::test]
    async fn committed_writes_reach_the_database_file_without_the_writer_checkpointing() {
        let (writer, _options, dir) = writer().await;
        let file = dir.path().join("w.db");
        let before = std::fs::metadata(&file).unwrap().len();
        // About 2 MiB over 20 commits; the writer's own automatic checkpoint is off.
        for _ in 0..20 {
            let mut tx = writer.lease().await.unwrap();
            sqlx::query("CREATE TABLE IF NOT EXISTS pad (b BLOB)")
                .execute(&mut *tx)
                .await
                .unwrap();
            sqlx::query("INSERT INTO pad (b) VALUES (zeroblob(100000))")
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        // The checkpointer copies them in; wait for that, however slow the machine.
        let deadline = Instant::now() + Duration::from_secs(120);
        while std::fs::metadata(&file).unwrap().len() < before + 1_900_000 {
            assert!(Instant::now() < deadline, "the WAL was never checkpointed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
