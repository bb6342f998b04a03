//! One device's session of the load, over HTTP as the app does it: a full pull, then rounds
//! of a push of 5–20 mutations and an incremental pull. A request that fails (timeout,
//! connection, 5xx) is counted and retried with the same seqs, as the app's outbox does, so
//! the run ends with every queued mutation delivered; `503` with `Retry-After` is the server
//! shedding load and is waited out.

use std::time::{Duration, Instant};

use chrono::Utc;
use onsite_core::examples::field_work;
use onsite_core::wire::{PullResponse, PushRequest, PushResponse, PushStatus, WireMutation};
use onsite_core::{Mutation, SCHEMA_VERSION};
use rand::Rng;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::seed::Device;
use crate::stats::{Kind, Recorder};

pub struct Scenario {
    pub rounds: usize,
    pub resend_percent: u32,
    /// The app's request deadline.
    pub deadline: Duration,
    pub parts: Vec<String>,
}

/// What a device sent, for the check afterwards.
#[derive(Debug, Default)]
pub struct Sent {
    pub last_seq: u64,
    pub usages: Vec<Uuid>,
    /// The seq the server confirmed on the device's last pull.
    pub pulled_last_seq: u64,
    /// Where its next pull continues.
    pub cursor: Option<String>,
}

const GIVE_UP_AFTER: usize = 50;

pub async fn run(
    http: &reqwest::Client,
    base: &str,
    device: &Device,
    scenario: &Scenario,
    rec: &Recorder,
    last_seq: u64,
    cursor: Option<String>,
) -> anyhow::Result<Sent> {
    let mut sent = Sent {
        last_seq,
        ..Sent::default()
    };
    let started = Instant::now();
    let mut cursor = cursor;
    if cursor.is_none() {
        cursor = Some(
            pull_until_done(
                http,
                base,
                device,
                None,
                Kind::FullPull,
                rec,
                scenario,
                &mut sent,
            )
            .await?,
        );
        rec.record(Kind::FirstSync, started.elapsed());
    }
    for _ in 0..scenario.rounds {
        let (batch, usages) = next_batch(device, scenario, &mut sent);
        let answer = push(http, base, device, &batch, rec, scenario).await?;
        rec.pushed(batch.len());
        let resend = rand::thread_rng().gen_range(0..100) < scenario.resend_percent;
        if resend {
            // The reply was lost: the device sends the same entries again.
            let again = push(http, base, device, &batch, rec, scenario).await?;
            anyhow::ensure!(
                again
                    .results
                    .iter()
                    .all(|r| r.status != PushStatus::Applied),
                "device {}: a re-sent entry was applied again",
                device.client_id
            );
        }
        for r in &answer.results {
            if r.status == PushStatus::Rejected {
                rec.rejected(r.reason.as_deref().unwrap_or_default());
                if let Some((_, u)) = usages.iter().find(|(seq, _)| *seq == r.seq) {
                    sent.usages.retain(|x| x != u);
                }
            }
        }
        cursor = Some(
            pull_until_done(
                http,
                base,
                device,
                cursor,
                Kind::IncrementalPull,
                rec,
                scenario,
                &mut sent,
            )
            .await?,
        );
    }
    sent.cursor = cursor;
    Ok(sent)
}

/// The next push, and the (seq, usage id) of its part usages.
fn next_batch(
    device: &Device,
    scenario: &Scenario,
    sent: &mut Sent,
) -> (Vec<WireMutation>, Vec<(u64, Uuid)>) {
    let mut rng = rand::thread_rng();
    let n = rng.gen_range(5..=20);
    let now = Utc::now();
    let mut usages = Vec::new();
    let batch = (0..n)
        .map(|i| {
            let part_no = &scenario.parts[rng.gen_range(0..scenario.parts.len())];
            let m = field_work(i, device.case_id, part_no, Uuid::new_v4(), now);
            if let Mutation::PartUse(a) = &m {
                sent.usages.push(a.usage_id);
                usages.push((sent.last_seq + 1, a.usage_id));
            }
            sent.last_seq += 1;
            m.to_wire(sent.last_seq, Uuid::new_v4(), now)
        })
        .collect();
    (batch, usages)
}

async fn push(
    http: &reqwest::Client,
    base: &str,
    device: &Device,
    batch: &[WireMutation],
    rec: &Recorder,
    scenario: &Scenario,
) -> anyhow::Result<PushResponse> {
    let body = PushRequest {
        client_id: device.client_id,
        schema_version: SCHEMA_VERSION,
        mutations: batch.to_vec(),
    };
    for _ in 0..GIVE_UP_AFTER {
        let t = Instant::now();
        let res = http
            .post(format!("{base}/api/v1/sync/push"))
            .bearer_auth(&device.token)
            .timeout(scenario.deadline)
            .json(&body)
            .send()
            .await;
        let outcome = match res {
            Ok(r) if r.status() == StatusCode::OK => match r.json::<PushResponse>().await {
                Ok(p) if p.results.len() == batch.len() => Ok(p),
                Ok(p) => Err(format!(
                    "{} results for {} entries",
                    p.results.len(),
                    batch.len()
                )),
                Err(e) => Err(error_of(&e)),
            },
            Ok(r) => Err(status_of(r).await),
            Err(e) => Err(error_of(&e)),
        };
        let answer = outcome.as_ref().ok().cloned();
        if settle(outcome.map(|_| ()), Kind::Push, t, rec).await {
            return Ok(answer.expect("settled on an answer"));
        }
    }
    anyhow::bail!("push of device {} kept failing", device.client_id)
}

#[allow(clippy::too_many_arguments)]
async fn pull_until_done(
    http: &reqwest::Client,
    base: &str,
    device: &Device,
    mut cursor: Option<String>,
    kind: Kind,
    rec: &Recorder,
    scenario: &Scenario,
    sent: &mut Sent,
) -> anyhow::Result<String> {
    let mut failures = 0;
    loop {
        let t = Instant::now();
        let mut req = http
            .get(format!("{base}/api/v1/sync/pull"))
            .bearer_auth(&device.token)
            .timeout(scenario.deadline)
            .query(&[("client_id", device.client_id.to_string())]);
        if let Some(c) = &cursor {
            req = req.query(&[("cursor", c)]);
        }
        let outcome = match req.send().await {
            Ok(r) if r.status() == StatusCode::OK => {
                r.json::<PullResponse>().await.map_err(|e| error_of(&e))
            }
            Ok(r) => Err(status_of(r).await),
            Err(e) => Err(error_of(&e)),
        };
        match outcome {
            Ok(page) => {
                rec.record(kind, t.elapsed());
                sent.pulled_last_seq = page.last_seq;
                cursor = Some(page.cursor);
                if !page.has_more {
                    return Ok(cursor.unwrap_or_default());
                }
            }
            Err(e) => {
                settle(Err(e), kind, t, rec).await;
                failures += 1;
                anyhow::ensure!(
                    failures < GIVE_UP_AFTER,
                    "pull of device {} kept failing",
                    device.client_id
                );
            }
        }
    }
}

/// Record one attempt; `true` when it succeeded. A shed request (`503`) waits its
/// `Retry-After`; any other failure waits a second, as the app's backoff starts.
async fn settle(outcome: Result<(), String>, kind: Kind, t: Instant, rec: &Recorder) -> bool {
    match outcome {
        Ok(()) => {
            rec.record(kind, t.elapsed());
            true
        }
        Err(e) if e.starts_with("shed ") => {
            rec.shed(kind);
            let secs: u64 = e["shed ".len()..].parse::<u64>().unwrap_or(1).max(1);
            let wait = secs * 1000 / 2 + rand::thread_rng().gen_range(0..secs * 1000);
            tokio::time::sleep(Duration::from_millis(wait)).await;
            false
        }
        Err(e) => {
            rec.error(kind, &e);
            tokio::time::sleep(Duration::from_secs(1)).await;
            false
        }
    }
}

async fn status_of(r: reqwest::Response) -> String {
    let status = r.status();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        if let Some(after) = r.headers().get("retry-after").and_then(|v| v.to_str().ok()) {
            return format!("shed {after}");
        }
    }
    let body = r.text().await.unwrap_or_default();
    format!(
        "HTTP {}: {}",
        status.as_u16(),
        body.chars().take(120).collect::<String>()
    )
}

/// A failure named by its cause: reqwest reports a body cut short inside the gzip decoder
/// as "error decoding response body", whether the deadline passed or the peer hung up.
fn error_of(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timeout".into();
    }
    if e.is_connect() {
        return "connect".into();
    }
    let mut causes = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    format!("request: {}", causes.join(": "))
}
