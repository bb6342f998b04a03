//! What the load runs against: one `onsite-server` on a SQLite file, or one or more on a
//! PostgreSQL database, several of them behind HAProxy (round robin, health-checked on
//! `/healthz`), as a fleet beyond one machine would be deployed.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sqlx::{Connection, Executor};
use tokio::process::{Child, Command};

use crate::server::Server;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Config {
    Sqlite,
    Postgres { instances: usize },
}

impl Config {
    pub fn parse(s: &str) -> anyhow::Result<Config> {
        match s {
            "sqlite" => Ok(Config::Sqlite),
            _ => match s.strip_prefix("pg").map(str::parse::<usize>) {
                Some(Ok(n)) if n >= 1 => Ok(Config::Postgres { instances: n }),
                _ => anyhow::bail!("unknown configuration `{s}` (sqlite, pg1, pg3, …)"),
            },
        }
    }

    pub fn label(self) -> String {
        match self {
            Config::Sqlite => "SQLite, 1 instance".into(),
            Config::Postgres { instances: 1 } => "PostgreSQL, 1 instance".into(),
            Config::Postgres { instances } => {
                format!("PostgreSQL, {instances} instances + HAProxy")
            }
        }
    }
}

/// A new, empty database for `config`: a file in `dir`, or a database on the PostgreSQL
/// server `postgres` (its admin URL) names.
pub async fn fresh_database(
    config: Config,
    dir: &Path,
    postgres: Option<&str>,
) -> anyhow::Result<String> {
    match config {
        Config::Sqlite => Ok(format!(
            "sqlite://{}",
            dir.join(format!("load-{}.db", uuid::Uuid::new_v4().simple()))
                .display()
        )),
        Config::Postgres { .. } => {
            let admin = postgres.ok_or_else(|| {
                anyhow::anyhow!(
                    "a PostgreSQL configuration needs --postgres (or ONSITE_TEST_POSTGRES)"
                )
            })?;
            sqlx::any::install_default_drivers();
            let name = format!("load{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::AnyConnection::connect(admin).await?;
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await?;
            conn.close().await?;
            let (server, _) = admin
                .rsplit_once('/')
                .ok_or_else(|| anyhow::anyhow!("--postgres must be a URL with a database"))?;
            Ok(format!("{server}/{name}"))
        }
    }
}

pub struct Deployment {
    pub servers: Vec<Server>,
    balancer: Option<Child>,
    /// Where devices send their requests.
    pub url: String,
}

impl Deployment {
    pub async fn start(
        config: Config,
        bin: &Path,
        database_url: &str,
        dir: &Path,
    ) -> anyhow::Result<Deployment> {
        let n = match config {
            Config::Sqlite => 1,
            Config::Postgres { instances } => instances,
        };
        let mut servers = Vec::with_capacity(n);
        for _ in 0..n {
            servers.push(Server::start(bin, database_url, dir).await?);
        }
        if n == 1 {
            let url = servers[0].url.clone();
            return Ok(Deployment {
                servers,
                balancer: None,
                url,
            });
        }
        let (balancer, url) = haproxy(&servers, dir).await?;
        Ok(Deployment {
            servers,
            balancer: Some(balancer),
            url,
        })
    }

    /// CPU seconds of every instance together.
    pub fn cpu_seconds(&self) -> f64 {
        self.servers.iter().map(Server::cpu_seconds).sum()
    }

    /// The largest peak RSS of one instance, in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        self.servers
            .iter()
            .map(Server::peak_rss_mib)
            .fold(0.0, f64::max)
    }

    /// SIGKILL one instance (not the first): whatever it was doing stops mid-way.
    pub fn kill_one(&mut self) -> anyhow::Result<()> {
        anyhow::ensure!(self.servers.len() > 1, "nothing would be left to serve");
        self.servers[1].kill()
    }

    pub async fn stop(self) {
        for s in self.servers {
            s.stop().await;
        }
        if let Some(mut b) = self.balancer {
            let _ = b.kill().await;
        }
    }
}

/// HAProxy in front of `servers`, on a free port; answers once it routes to a live instance.
/// A killed instance refuses connections and is out after two checks (about a second); a
/// busy one may take up to `timeout check` to answer its health check before it counts as
/// down (a tighter limit took every instance out under the 2,000-device burst).
async fn haproxy(servers: &[Server], dir: &Path) -> anyhow::Result<(Child, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut cfg = format!(
        "global\n  maxconn 8000\n\
         defaults\n  mode http\n  maxconn 8000\n  timeout connect 2s\n  timeout client 120s\n  \
         timeout server 120s\n  timeout check 3s\n  retries 3\n  option redispatch\n\
         frontend onsite\n  bind 127.0.0.1:{port}\n  default_backend instances\n\
         backend instances\n  balance roundrobin\n  option httpchk GET /healthz\n  \
         default-server inter 500ms fall 2 rise 1\n"
    );
    for (i, s) in servers.iter().enumerate() {
        let addr = s.url.trim_start_matches("http://");
        cfg.push_str(&format!("  server onsite{i} {addr} check\n"));
    }
    let path: PathBuf = dir.join("haproxy.cfg");
    std::fs::write(&path, cfg)?;
    let child = Command::new("haproxy")
        .arg("-db")
        .arg("-f")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| anyhow::anyhow!("starting haproxy (apt-get install haproxy): {e}"))?;
    let url = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(r) = http.get(format!("{url}/healthz")).send().await {
            if r.status().is_success() {
                return Ok((child, url));
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("haproxy did not route to the instances within 30 s")
}
