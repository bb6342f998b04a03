//! `onsite-load`: a fleet of devices syncing with Onsite at the same moment — 8 a.m., a
//! tunnel's end — measured, against each configuration asked for (SQLite on one instance,
//! PostgreSQL on one or several behind HAProxy), with a table side by side at the end. Each device does a full pull, then rounds of a push of
//! 5–20 mutations (some re-sent as if the reply was lost) and an incremental pull; then the
//! same devices, already synced, do the rounds again. Afterwards every device's `last_seq`
//! and every part usage are checked against what was sent. It reports; it never fails on a
//! figure (only on lost or doubled data, or a run that cannot finish). `--kill-one` SIGKILLs
//! one instance of a several-instance deployment halfway through the first phase: the check
//! afterwards is then the test that a crash loses and doubles nothing.

mod deployment;
mod device;
mod seed;
mod server;
mod stats;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use rand::Rng;
use tokio::task::JoinSet;

use deployment::{Config, Deployment};
use device::{Scenario, Sent};
use seed::Fleet;
use stats::{Kind, Recorder};

#[derive(Parser, Debug)]
struct Args {
    /// Devices syncing at once.
    #[arg(long, default_value_t = 2000)]
    devices: usize,
    /// The devices start within this many seconds.
    #[arg(long, default_value_t = 10)]
    burst_secs: u64,
    /// Push + incremental pull rounds per device and phase.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Percent of pushes sent twice (the reply was lost).
    #[arg(long, default_value_t = 5)]
    resend_percent: u32,
    /// The app's request deadline, in seconds.
    #[arg(long, default_value_t = 15)]
    deadline_secs: u64,
    /// The server binary.
    #[arg(long, default_value = "target/release/onsite-server")]
    server: PathBuf,
    /// Configurations, in order: sqlite, pg1, pg3 (PostgreSQL with that many instances).
    #[arg(long, value_delimiter = ',', default_value = "sqlite")]
    configs: Vec<String>,
    /// A PostgreSQL server to create the databases on (a URL naming its admin database).
    #[arg(long, env = "ONSITE_TEST_POSTGRES")]
    postgres: Option<String>,
    /// SIGKILL one instance halfway through the first phase (of the configurations with
    /// several instances).
    #[arg(long)]
    kill_one: bool,
}

/// One line of the closing table.
struct Summary {
    config: String,
    phase: &'static str,
    rows: Vec<stats::Row>,
    errors: u64,
    per_sec: f64,
    cpu_percent: f64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let configs = args
        .configs
        .iter()
        .map(|c| Config::parse(c))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let dir = tempfile_dir()?;
    println!(
        "onsite-load: {} devices within {} s, {} rounds, {}% re-sent, {} s deadline",
        args.devices, args.burst_secs, args.rounds, args.resend_percent, args.deadline_secs
    );
    let mut table = Vec::new();
    for config in configs {
        table.extend(run_config(&args, config, &dir).await?);
    }
    print_table(&table);
    print_bench_lines(&table, args.devices);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

async fn run_config(
    args: &Args,
    config: Config,
    dir: &std::path::Path,
) -> anyhow::Result<Vec<Summary>> {
    println!("\n=== {} ===", config.label());
    let database_url = deployment::fresh_database(config, dir, args.postgres.as_deref()).await?;
    let t = Instant::now();
    let fleet = seed::seed(&database_url, args.devices).await?;
    println!(
        "seeded {} devices in {:.1} s",
        fleet.devices.len(),
        t.elapsed().as_secs_f64()
    );

    let mut deployment = Deployment::start(config, &args.server, &database_url, dir).await?;
    let scenario = Arc::new(Scenario {
        rounds: args.rounds,
        resend_percent: args.resend_percent,
        deadline: Duration::from_secs(args.deadline_secs),
        parts: fleet.parts.clone(),
    });
    let fleet = Arc::new(fleet);
    let mut sent: Vec<Sent> = Vec::new();
    let mut summaries = Vec::new();
    for (phase, full_pull) in [("first sync", true), ("already synced once", false)] {
        let rec = Arc::new(Recorder::default());
        let cpu = deployment.cpu_seconds();
        let t = Instant::now();
        // Phase two goes on where phase one left off: the next seqs, the same cursors.
        let start: Vec<(u64, Option<String>)> = match full_pull {
            true => fleet
                .devices
                .iter()
                .map(|d| (d.first_seq - 1, None))
                .collect(),
            false => sent
                .iter()
                .map(|s| (s.last_seq, s.cursor.clone()))
                .collect(),
        };
        let url = deployment.url.clone();
        let run = run_phase(&url, &fleet, &scenario, &rec, args.burst_secs, start);
        let results = if args.kill_one && full_pull && deployment.servers.len() > 1 {
            let (results, killed) = tokio::join!(run, async {
                // Halfway through the burst, while pushes are in flight.
                tokio::time::sleep(Duration::from_millis(args.burst_secs * 500)).await;
                deployment.kill_one()
            });
            killed?;
            println!(
                "killed one instance (SIGKILL) {:.1} s into the first phase",
                args.burst_secs as f64 / 2.0
            );
            results?
        } else {
            run.await?
        };
        let wall = t.elapsed().as_secs_f64();
        let cpu = deployment.cpu_seconds() - cpu;
        merge(&mut sent, results);
        let rows = rec.rows();
        let mutations = rec.mutations();
        stats::print_rows(
            &format!(
                "{} — {phase}: {} devices, {wall:.1} s",
                config.label(),
                fleet.devices.len()
            ),
            &rows,
        );
        println!(
            "errors {} · ~{:.0} mutations/s · server CPU {cpu:.1} s ({:.0}% of one core) · peak RSS {:.0} MiB",
            rec.errors(),
            mutations as f64 / wall,
            cpu / wall * 100.0,
            deployment.peak_rss_mib()
        );
        for (what, n) in rec.error_samples() {
            println!("  {n} × {what}");
        }
        for (code, n) in rec.rejections() {
            println!("  rejected: {n} × {code}");
        }
        summaries.push(Summary {
            config: config.label(),
            phase,
            rows,
            errors: rec.errors(),
            per_sec: mutations as f64 / wall,
            cpu_percent: cpu / wall * 100.0,
        });
    }
    deployment.stop().await;
    verify(&database_url, &fleet, &sent).await?;
    Ok(summaries)
}

/// Every configuration side by side: the figures the targets name.
fn print_table(table: &[Summary]) {
    println!("\n| configuration | phase | first sync max | push p50 / p99 | incremental pull p99 | errors | mutations/s | server CPU |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for s in table {
        let row = |k: Kind| s.rows.iter().find(|r| r.what == k.label());
        let ms = |v: f64| {
            if v >= 1000.0 {
                format!("{:.1} s", v / 1000.0)
            } else {
                format!("{v:.0} ms")
            }
        };
        let first = row(Kind::FirstSync).map_or("–".into(), |r| ms(r.max));
        let push =
            row(Kind::Push).map_or("–".into(), |r| format!("{} / {}", ms(r.p50), ms(r.p99)));
        let pull = row(Kind::IncrementalPull).map_or("–".into(), |r| ms(r.p99));
        println!(
            "| {} | {} | {first} | {push} | {pull} | {} | {:.0} | {:.0}% |",
            s.config, s.phase, s.errors, s.per_sec, s.cpu_percent
        );
    }
}

/// The figures DESIGN.md budgets, as `BENCH {json}` lines for make bench's table
/// (.ci/bench-table.py). The latency budgets are SQLite's on 2 cores; PostgreSQL's is no
/// errors, with the throughput reported.
fn print_bench_lines(table: &[Summary], devices: usize) {
    for s in table {
        let sqlite = s.config.starts_with("SQLite");
        let row = |k: Kind| s.rows.iter().find(|r| r.what == k.label());
        let note = format!(
            "{} errors, {:.0} mutations/s, server CPU {:.0}%",
            s.errors, s.per_sec, s.cpu_percent
        );
        let line = |what: String, figure: f64, budget: Option<f64>| {
            let line = serde_json::json!({
                "what": what, "figure": figure, "unit": "ms", "budget": budget, "note": note,
            });
            println!("BENCH {line}");
        };
        // Only a phase of first syncs has them.
        if let Some(r) = row(Kind::FirstSync) {
            let what = format!(
                "server: {devices} first syncs at once, the slowest, {}",
                s.config
            );
            line(what, r.max, Some(60_000.0));
            continue;
        }
        let budget = sqlite.then_some(250.0);
        if let Some(r) = row(Kind::Push) {
            let what = format!("server: {devices} synced devices, push p99, {}", s.config);
            line(what, r.p99, budget);
        }
        if let Some(r) = row(Kind::IncrementalPull) {
            let what = format!("server: {devices} synced devices, pull p99, {}", s.config);
            line(what, r.p99, budget);
        }
    }
}

async fn run_phase(
    url: &str,
    fleet: &Arc<Fleet>,
    scenario: &Arc<Scenario>,
    rec: &Arc<Recorder>,
    burst_secs: u64,
    start: Vec<(u64, Option<String>)>,
) -> anyhow::Result<Vec<Sent>> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(fleet.devices.len())
        .build()?;
    let mut tasks = JoinSet::new();
    for (i, _) in fleet.devices.iter().enumerate() {
        let (http, url, fleet, scenario, rec) = (
            http.clone(),
            url.to_string(),
            fleet.clone(),
            scenario.clone(),
            rec.clone(),
        );
        let (last, cursor) = start[i].clone();
        let delay =
            Duration::from_millis(rand::thread_rng().gen_range(0..burst_secs.max(1) * 1000));
        tasks.spawn(async move {
            tokio::time::sleep(delay).await;
            let d = &fleet.devices[i];
            (
                i,
                device::run(&http, &url, d, &scenario, &rec, last, cursor).await,
            )
        });
    }
    let mut out: Vec<Option<Sent>> = (0..fleet.devices.len()).map(|_| None).collect();
    while let Some(done) = tasks.join_next().await {
        let (i, sent) = done?;
        out[i] = Some(sent?);
    }
    Ok(out
        .into_iter()
        .map(|s| s.expect("every device ran"))
        .collect())
}

/// Phase two continues where phase one left off: its seqs follow on.
fn merge(total: &mut Vec<Sent>, phase: Vec<Sent>) {
    if total.is_empty() {
        *total = phase;
        return;
    }
    for (t, p) in total.iter_mut().zip(phase) {
        t.last_seq = p.last_seq;
        t.usages.extend(p.usages);
        t.pulled_last_seq = p.pulled_last_seq;
        t.cursor = p.cursor;
    }
}

/// Nothing lost, nothing doubled: each device's `last_seq` on the server is what it sent, and
/// every part usage it sent is on its case exactly once.
async fn verify(database_url: &str, fleet: &Fleet, sent: &[Sent]) -> anyhow::Result<()> {
    let store = onsite_server::Store::connect(database_url).await?;
    let mut conn = store.pool().acquire().await?;
    let cases = onsite_server::store::cases::all_cases(&mut conn).await?;
    let by_id: std::collections::HashMap<_, _> = cases.iter().map(|c| (c.id, c)).collect();
    let (mut seq_ok, mut usages_ok, mut usages) = (0, 0, 0);
    for (d, s) in fleet.devices.iter().zip(sent) {
        let last = onsite_server::store::users::last_seq(&mut conn, d.client_id).await?;
        anyhow::ensure!(
            last == Some(s.last_seq),
            "device {}: server last_seq {last:?}, sent {}",
            d.client_id,
            s.last_seq
        );
        anyhow::ensure!(
            s.pulled_last_seq == s.last_seq,
            "device {}: pulled last_seq {} after sending {}",
            d.client_id,
            s.pulled_last_seq,
            s.last_seq
        );
        seq_ok += 1;
        let case = by_id
            .get(&d.case_id)
            .ok_or_else(|| anyhow::anyhow!("case {} is missing", d.case_id))?;
        for u in &s.usages {
            let n = case.parts.iter().filter(|p| p.usage_id == *u).count();
            anyhow::ensure!(n == 1, "usage {u} is on case {} {n} times", d.case_id);
            usages_ok += 1;
        }
        usages += case.parts.len();
    }
    anyhow::ensure!(
        usages == usages_ok,
        "the cases hold {usages} usages, {usages_ok} were sent"
    );
    println!(
        "\nverified: {seq_ok} devices' last_seq equal what they sent; {usages_ok} part usages each stored exactly once"
    );
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("onsite-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
