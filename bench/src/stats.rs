//! Latencies, errors and shed requests per request type, and the table they print as.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// One page of a pull from no cursor.
    FullPull,
    /// From the start of a device's first pull to its last page: its full data.
    FirstSync,
    Push,
    IncrementalPull,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::FullPull => "full pull (page)",
            Kind::FirstSync => "first sync (all pages)",
            Kind::Push => "push",
            Kind::IncrementalPull => "incremental pull",
        }
    }
}

#[derive(Default)]
struct Line {
    times: Vec<Duration>,
    errors: u64,
    shed: u64,
}

#[derive(Default)]
pub struct Recorder {
    lines: Mutex<BTreeMap<Kind, Line>>,
    samples: Mutex<BTreeMap<String, u64>>,
    rejections: Mutex<BTreeMap<String, u64>>,
    mutations: std::sync::atomic::AtomicU64,
}

impl Recorder {
    pub fn record(&self, kind: Kind, took: Duration) {
        self.lines
            .lock()
            .unwrap()
            .entry(kind)
            .or_default()
            .times
            .push(took);
    }

    pub fn error(&self, kind: Kind, what: &str) {
        self.lines.lock().unwrap().entry(kind).or_default().errors += 1;
        *self
            .samples
            .lock()
            .unwrap()
            .entry(what.to_string())
            .or_default() += 1;
    }

    /// Mutations a push delivered (first sends only).
    pub fn pushed(&self, n: usize) {
        self.mutations
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn mutations(&self) -> u64 {
        self.mutations.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A mutation the server answered `rejected` (by its code).
    pub fn rejected(&self, reason: &str) {
        let code = reason.split(':').next().unwrap_or_default().to_string();
        *self.rejections.lock().unwrap().entry(code).or_default() += 1;
    }

    pub fn rejections(&self) -> Vec<(String, u64)> {
        self.rejections
            .lock()
            .unwrap()
            .clone()
            .into_iter()
            .collect()
    }

    pub fn shed(&self, kind: Kind) {
        self.lines.lock().unwrap().entry(kind).or_default().shed += 1;
    }

    pub fn errors(&self) -> u64 {
        self.lines.lock().unwrap().values().map(|l| l.errors).sum()
    }

    /// One row per request type: count, p50/p95/p99/max, errors, shed.
    pub fn rows(&self) -> Vec<Row> {
        let lines = self.lines.lock().unwrap();
        lines
            .iter()
            .map(|(kind, line)| {
                let mut t = line.times.clone();
                t.sort();
                let q = |p: f64| -> f64 {
                    if t.is_empty() {
                        return f64::NAN;
                    }
                    let i = ((t.len() as f64 * p).ceil() as usize).clamp(1, t.len()) - 1;
                    t[i].as_secs_f64() * 1000.0
                };
                Row {
                    what: kind.label(),
                    count: t.len(),
                    p50: q(0.50),
                    p95: q(0.95),
                    p99: q(0.99),
                    max: q(1.0),
                    errors: line.errors,
                    shed: line.shed,
                }
            })
            .collect()
    }

    /// The most frequent error messages.
    pub fn error_samples(&self) -> Vec<(String, u64)> {
        let mut v: Vec<_> = self.samples.lock().unwrap().clone().into_iter().collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1));
        v.truncate(5);
        v
    }
}

pub struct Row {
    pub what: &'static str,
    pub count: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub errors: u64,
    pub shed: u64,
}

pub fn print_rows(title: &str, rows: &[Row]) {
    println!("\n{title}");
    println!(
        "| {:<24} | {:>7} | {:>9} | {:>9} | {:>9} | {:>9} | {:>6} | {:>6} |",
        "request", "count", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "shed"
    );
    println!("|{}|", ["-"; 8].map(|_| "---").join("|"));
    for r in rows {
        println!(
            "| {:<24} | {:>7} | {:>9.1} | {:>9.1} | {:>9.1} | {:>9.1} | {:>6} | {:>6} |",
            r.what, r.count, r.p50, r.p95, r.p99, r.max, r.errors, r.shed
        );
    }
}
