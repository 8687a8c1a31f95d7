//! Ticket issuance under load, its baseline (the static office list over the
//! same connections) and the disk's raw fsync rate.
//!
//! A fixed pool of keep-alive connections, one per unit of concurrency; each
//! sends its next request as soon as the previous one is answered (closed
//! loop), so the concurrency is exact.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;

use crate::http::Conn;
use crate::server::{ISSUE_OFFICES, SERVICES};
use crate::stats;

/// What each request of a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `POST /offices/{office}/tickets`, spread over offices and services.
    Issue,
    /// `GET /offices`: the server's cheapest answer.
    Baseline,
}

/// When a run stops.
#[derive(Debug, Clone, Copy)]
pub enum Until {
    Elapsed(Duration),
    /// This many requests in all.
    Count(u64),
}

/// One run at one concurrency.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub requests: u64,
    pub per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub seconds: f64,
    /// The codes of the tickets issued (issuance only).
    #[serde(skip)]
    pub codes: Vec<String>,
    /// Every latency, sorted.
    #[serde(skip)]
    latencies_us: Vec<u32>,
}

impl RunResult {
    fn of(mut latencies_us: Vec<u32>, seconds: f64, codes: Vec<String>) -> RunResult {
        latencies_us.sort_unstable();
        RunResult {
            requests: latencies_us.len() as u64,
            per_s: latencies_us.len() as f64 / seconds,
            p50_ms: stats::percentile_ms(&latencies_us, 0.50),
            p99_ms: stats::percentile_ms(&latencies_us, 0.99),
            max_ms: stats::percentile_ms(&latencies_us, 1.0),
            seconds,
            codes,
            latencies_us,
        }
    }

    /// Several runs of the same kind as one: their requests over their
    /// summed time.
    pub fn combine(runs: Vec<RunResult>) -> RunResult {
        let seconds = runs.iter().map(|r| r.seconds).sum();
        let (mut lat, mut codes) = (Vec::new(), Vec::new());
        for r in runs {
            lat.extend(r.latencies_us);
            codes.extend(r.codes);
        }
        RunResult::of(lat, seconds, codes)
    }
}

/// The `code` of a ticket answer, found without parsing the whole answer.
fn code_of(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("\"code\":\"")? + "\"code\":\"".len();
    let len = text[start..].find('"')?;
    Some(text[start..start + len].to_owned())
}

/// Runs `concurrency` closed-loop connections until `until`.
pub async fn run(
    addr: SocketAddr,
    kind: Kind,
    concurrency: usize,
    until: Until,
) -> anyhow::Result<RunResult> {
    run_at(addr, kind, concurrency, until, None).await
}

/// Issues `per_s` tickets a second over `concurrency` connections until
/// `until` (open loop: a slow answer does not slow the rate, as long as one
/// connection keeps up with its share), measuring each answer's latency.
pub async fn run_paced(
    addr: SocketAddr,
    concurrency: usize,
    per_s: u32,
    until: Until,
) -> anyhow::Result<RunResult> {
    let every =
        Duration::from_secs(1) * u32::try_from(concurrency).unwrap_or(u32::MAX) / per_s.max(1);
    run_at(addr, Kind::Issue, concurrency, until, Some(every)).await
}

/// `concurrency` connections, each sending its next request when the last
/// is answered, or at its next tick of `every` when given.
async fn run_at(
    addr: SocketAddr,
    kind: Kind,
    concurrency: usize,
    until: Until,
    every: Option<Duration>,
) -> anyhow::Result<RunResult> {
    let mut conns = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        conns.push(Conn::connect(addr).await?);
    }
    let budget = Arc::new(AtomicI64::new(match until {
        Until::Elapsed(_) => i64::MAX,
        Until::Count(n) => i64::try_from(n).unwrap_or(i64::MAX),
    }));
    let start = Instant::now();
    let deadline = match until {
        Until::Elapsed(d) => Some(start + d),
        Until::Count(_) => None,
    };
    let mut tasks = Vec::with_capacity(concurrency);
    for (w, mut conn) in conns.into_iter().enumerate() {
        let budget = Arc::clone(&budget);
        tasks.push(tokio::spawn(async move {
            // Latencies in microseconds; u32 keeps a million of them at 4 MB.
            let mut lat: Vec<u32> = Vec::with_capacity(4096);
            let mut codes: Vec<String> = Vec::new();
            let bodies: Vec<Vec<u8>> = SERVICES
                .iter()
                .map(|s| format!("{{\"service\":\"{s}\",\"channel\":\"online\"}}").into_bytes())
                .collect();
            let paths: Vec<String> = ISSUE_OFFICES
                .iter()
                .map(|o| format!("/api/v1/offices/{o}/tickets"))
                .collect();
            let mut tick = every.map(|e| {
                let mut t = tokio::time::interval(e);
                t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                t
            });
            let mut i = w;
            while deadline.is_none_or(|d| Instant::now() < d)
                && budget.fetch_sub(1, Ordering::Relaxed) > 0
            {
                if let Some(tick) = tick.as_mut() {
                    tick.tick().await;
                }
                let t = Instant::now();
                let (r, want) = match kind {
                    Kind::Issue => (
                        conn.post(
                            &paths[i % paths.len()],
                            &bodies[(i / paths.len()) % bodies.len()],
                        )
                        .await?,
                        201,
                    ),
                    Kind::Baseline => (conn.get("/api/v1/offices").await?, 200),
                };
                if r.status != want {
                    bail!(
                        "answered {} instead of {want}: {}",
                        r.status,
                        String::from_utf8_lossy(&r.body)
                    );
                }
                lat.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                if kind == Kind::Issue {
                    codes.push(code_of(&r.body).context("a ticket answer without a code")?);
                }
                i += 1;
            }
            Ok((lat, codes))
        }));
    }
    let (mut all, mut codes) = (Vec::new(), Vec::new());
    for t in tasks {
        let (lat, c) = t.await??;
        all.extend(lat);
        codes.extend(c);
    }
    Ok(RunResult::of(all, start.elapsed().as_secs_f64(), codes))
}

/// Issuance at `concurrency` while an admin changes the configuration of
/// the first issue office `per_s` times a second (its first service's
/// minutes per citizen, back and forth: each a real change, decided,
/// logged, projected and pushed like any). Returns the issuance, and the
/// changes made with their latencies.
pub async fn run_with_changes(
    addr: SocketAddr,
    concurrency: usize,
    time: Duration,
    per_s: u32,
) -> anyhow::Result<(RunResult, RunResult)> {
    let mut admin = Conn::connect(addr).await?;
    crate::server::sign_in(&mut admin).await?;
    let changer = tokio::spawn(async move {
        let path = format!(
            "/api/v1/offices/{}/services/{}",
            ISSUE_OFFICES[0], SERVICES[0]
        );
        let mut tick = tokio::time::interval(Duration::from_secs(1) / per_s.max(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let (start, mut lat, mut n) = (Instant::now(), Vec::new(), 0u32);
        while start.elapsed() < time {
            tick.tick().await;
            n += 1;
            let body = format!(
                "{{\"name\":{{\"id\":\"Layanan {s}\",\"en\":\"Service {s}\"}},\"prefix\":\"A\",\"service_minutes\":{}}}",
                5 + n % 2,
                s = SERVICES[0]
            );
            let t = Instant::now();
            let r = admin.request("PUT", &path, Some(body.as_bytes())).await?;
            if r.status != 200 {
                bail!(
                    "a change answered {}: {}",
                    r.status,
                    String::from_utf8_lossy(&r.body)
                );
            }
            lat.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
        anyhow::Ok(RunResult::of(
            lat,
            start.elapsed().as_secs_f64(),
            Vec::new(),
        ))
    });
    let issued = run(addr, Kind::Issue, concurrency, Until::Elapsed(time)).await?;
    Ok((issued, changer.await??))
}

/// Cancels every ticket of `codes` as its citizen would, over `concurrency`
/// connections: the tickets become history (final, out of today's queue).
/// Returns cancellations per second.
pub async fn cancel_all(
    addr: SocketAddr,
    codes: Vec<String>,
    concurrency: usize,
) -> anyhow::Result<f64> {
    let start = Instant::now();
    let n = codes.len();
    let per = n.div_ceil(concurrency.max(1)).max(1);
    let mut tasks = Vec::new();
    let mut codes = codes.into_iter();
    loop {
        let chunk: Vec<String> = codes.by_ref().take(per).collect();
        if chunk.is_empty() {
            break;
        }
        let mut conn = Conn::connect(addr).await?;
        tasks.push(tokio::spawn(async move {
            for code in chunk {
                let r = conn
                    .post(&format!("/api/v1/tickets/{code}/cancel"), b"")
                    .await?;
                if r.status != 200 {
                    bail!(
                        "cancelling {code} answered {}: {}",
                        r.status,
                        String::from_utf8_lossy(&r.body)
                    );
                }
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// Writes a small record and fsyncs it, in a loop for `time`, in `dir`:
/// how many durable commits per second the disk allows one at a time, and
/// the CPU one write + fsync costs here (a virtual disk charges the guest
/// for each flush).
pub fn fsync_rate(dir: &Path, time: Duration) -> anyhow::Result<(f64, f64)> {
    let path = dir.join("fsync-probe");
    let mut f = std::fs::File::create(&path)?;
    let record = [b'x'; 128];
    let cpu0 = crate::server::cpu_s("/proc/thread-self/stat")?;
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < time {
        f.write_all(&record)?;
        f.sync_all()?;
        n += 1;
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    let cpu_us = stats::us_each(crate::server::cpu_s("/proc/thread-self/stat")? - cpu0, n);
    drop(f);
    std::fs::remove_file(&path)?;
    Ok((rate, cpu_us))
}
