//! The public pages during a sign-in flood: `GET /offices` at a fixed
//! concurrency, first alone, then while wrong sign-ins pour in from many
//! addresses (each address a few tries, then the next, so that the
//! throttle does not turn them away cheaply and every try costs an argon2
//! verification). The ratio of the two p99s is the flood's cost; the
//! server's memory at its peak says whether the flood grew it.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::http::Conn;
use crate::issue::{self, Kind, Until};
use crate::server::{add_user, rss_of, Dirs, Server, USER};

/// What the flood measured.
#[derive(Debug, Clone, Serialize)]
pub struct FloodReport {
    pub readers: usize,
    pub flooders: usize,
    pub seconds: f64,
    pub get_p50_ms: f64,
    pub get_p99_ms: f64,
    pub get_per_s: f64,
    pub flooded_get_p50_ms: f64,
    pub flooded_get_p99_ms: f64,
    pub flooded_get_per_s: f64,
    /// flooded p99 / p99 alone.
    pub p99_ratio: f64,
    /// Sign-in answers per second during the flood, by kind.
    pub checked_per_s: f64,
    pub throttled_per_s: f64,
    pub busy_per_s: f64,
    pub rss_before_mib: f64,
    pub rss_peak_mib: f64,
}

/// One flooding connection: a few wrong sign-ins from an address, then a
/// new connection from the next. Counts 401 (a password was checked), 429
/// (the throttle) and 503 (the hashing queue was full).
async fn flooder(
    addr: SocketAddr,
    next_ip: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
    counts: Arc<[AtomicU64; 3]>,
) -> anyhow::Result<()> {
    let body = format!(r#"{{"username":"{USER}","password":"bukan-sandinya"}}"#);
    while !stop.load(Ordering::Relaxed) {
        // 127.1.0.0 upwards: a fresh address for every few tries.
        let n = next_ip.fetch_add(1, Ordering::Relaxed);
        let ip = IpAddr::from((0x7f01_0000u32 + n).to_be_bytes());
        let mut conn = Conn::connect_from(ip, addr).await?;
        for _ in 0..5 {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let r = conn.post("/api/v1/session", body.as_bytes()).await?;
            let slot = match r.status {
                401 => 0,
                429 => 1,
                503 => 2,
                other => anyhow::bail!("a wrong sign-in answered {other}"),
            };
            counts[slot].fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(())
}

/// Runs the public reads for `time`, alone and then under the flood.
pub async fn run(binary: &Path, time: Duration, verbose: bool) -> anyhow::Result<FloodReport> {
    const READERS: usize = 8;
    const FLOODERS: usize = 64;
    let dirs = Dirs::create(None)?;
    add_user(binary, &dirs)?;
    let server = Server::start(binary, &dirs).await?;
    let addr = server.addr;
    // Warm: connections, the office's page.
    issue::run(
        addr,
        Kind::Baseline,
        READERS,
        Until::Elapsed(Duration::from_secs(1)),
    )
    .await?;
    if verbose {
        eprintln!("flood: GET /offices alone, {READERS} connections, {time:?}");
    }
    let alone = issue::run(addr, Kind::Baseline, READERS, Until::Elapsed(time)).await?;
    let rss_before = server.rss()?;
    if verbose {
        eprintln!("flood: the same while {FLOODERS} connections send wrong sign-ins");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let counts: Arc<[AtomicU64; 3]> = Arc::new(Default::default());
    let next_ip = Arc::new(AtomicU32::new(1));
    let flood: Vec<_> = (0..FLOODERS)
        .map(|_| {
            tokio::spawn(flooder(
                addr,
                Arc::clone(&next_ip),
                Arc::clone(&stop),
                Arc::clone(&counts),
            ))
        })
        .collect();
    // Let the flood fill the queue before measuring.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before: Vec<u64> = counts.iter().map(|c| c.load(Ordering::Relaxed)).collect();
    let started = Instant::now();
    let peak = Arc::new(AtomicU64::new(rss_before));
    let sampler = {
        let (peak, stop, pid) = (Arc::clone(&peak), Arc::clone(&stop), server.pid());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(rss) = rss_of(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let flooded = issue::run(addr, Kind::Baseline, READERS, Until::Elapsed(time)).await?;
    let flood_s = started.elapsed().as_secs_f64();
    let after: Vec<u64> = counts.iter().map(|c| c.load(Ordering::Relaxed)).collect();
    stop.store(true, Ordering::Relaxed);
    for f in flood {
        f.await??;
    }
    sampler.await?;
    server.stop()?;
    let rate = |i: usize| (after[i] - before[i]) as f64 / flood_s;
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    Ok(FloodReport {
        readers: READERS,
        flooders: FLOODERS,
        seconds: time.as_secs_f64(),
        get_p50_ms: alone.p50_ms,
        get_p99_ms: alone.p99_ms,
        get_per_s: alone.per_s,
        flooded_get_p50_ms: flooded.p50_ms,
        flooded_get_p99_ms: flooded.p99_ms,
        flooded_get_per_s: flooded.per_s,
        p99_ratio: flooded.p99_ms / alone.p99_ms.max(f64::EPSILON),
        checked_per_s: rate(0),
        throttled_per_s: rate(1),
        busy_per_s: rate(2),
        rss_before_mib: mib(rss_before),
        rss_peak_mib: mib(peak.load(Ordering::Relaxed)),
    })
}

/// The report as text.
pub fn render(r: &FloodReport) -> String {
    format!(
        "Public pages during a sign-in flood ({readers} readers of GET /offices, {flooders} flooding connections, {s:.0} s each)\n\
         alone:   p50 {a50:.2} ms  p99 {a99:.2} ms  {aps:.0}/s\n\
         flooded: p50 {f50:.2} ms  p99 {f99:.2} ms  {fps:.0}/s  (p99 {ratio:.2}x)\n\
         sign-ins during the flood: {c:.0}/s checked (401), {t:.0}/s throttled (429), {b:.0}/s busy (503)\n\
         server RSS: {rb:.1} MiB before, {rp:.1} MiB at the flood's peak\n",
        readers = r.readers,
        flooders = r.flooders,
        s = r.seconds,
        a50 = r.get_p50_ms,
        a99 = r.get_p99_ms,
        aps = r.get_per_s,
        f50 = r.flooded_get_p50_ms,
        f99 = r.flooded_get_p99_ms,
        fps = r.flooded_get_per_s,
        ratio = r.p99_ratio,
        c = r.checked_per_s,
        t = r.throttled_per_s,
        b = r.busy_per_s,
        rb = r.rss_before_mib,
        rp = r.rss_peak_mib,
    )
}
