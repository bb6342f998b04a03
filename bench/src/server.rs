//! The server under load: `onsite-server serve` as its own process (as in production), its
//! address read from its "listening" line, its CPU time and peak memory from /proc.

use std::path::Path;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub async fn start(bin: &Path, database_url: &str, dir: &Path) -> anyhow::Result<Server> {
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--database-url",
                database_url,
                "--addr",
                "127.0.0.1:0",
            ])
            .arg("--dist")
            .arg(dir.join("no-dist"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let url = loop {
            let line = lines
                .next_line()
                .await?
                .ok_or_else(|| anyhow::anyhow!("the server stopped before listening"))?;
            if let Some(url) = line.strip_prefix("Onsite listening on ") {
                break url.trim().to_string();
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server { child, url })
    }

    /// CPU seconds (user + system) used so far.
    pub fn cpu_seconds(&self) -> f64 {
        let Some(pid) = self.child.id() else {
            return f64::NAN;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return f64::NAN;
        };
        // Fields after the command name (which may hold spaces) start after ") ".
        let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| {
            f.get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
        (ticks(11) + ticks(12)) / clock_ticks()
    }

    /// Peak resident memory in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        let Some(pid) = self.child.id() else {
            return f64::NAN;
        };
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            })
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }

    /// SIGKILL, as a crash or an out-of-memory kill would.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        Ok(self.child.start_kill()?)
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

fn clock_ticks() -> f64 {
    // sysconf(_SC_CLK_TCK) is 100 on Linux.
    100.0
}
