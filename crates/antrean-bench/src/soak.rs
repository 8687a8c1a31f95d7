//! A bounded soak (`antrean-bench --soak`): the real server on loopback for
//! minutes under a steady day's work, its threads, descriptors and memory
//! sampled from `/proc`, and a straight line fitted through each after a
//! warm-up. A leak shows as a slope; a server that holds steady, as none.
//!
//! The work: tickets issued at [`ISSUE_PER_S`] over the issue offices'
//! services; one signed-in clerk calling, starting and finishing at the
//! offices' counters in turn, [`CALLS_PER_S`] a second (a little faster than
//! issuing, so the queues stay short and the finished tickets pile up as
//! history); and live connections, two in five office streams (displays),
//! the rest ticket streams (phones, of tickets picked at random among all
//! issued, many of them long finished). Every connection closes itself
//! after a random 10–60 s and connects again at once: a display resumes
//! with `?since=` its last seq, a phone follows another ticket.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use crate::http::Conn;
use crate::live::expect;
use crate::server::{Dirs, Server, ISSUE_OFFICES, SERVICES};
use crate::Mode;

/// Tickets issued a second, over every issue office and service.
pub const ISSUE_PER_S: u32 = 5;
/// Call-next a second, over the counters in turn (each call that finds a
/// citizen is followed by start and finish).
pub const CALLS_PER_S: u32 = 6;
/// Counters of each issue office the clerk works (the bench's offices have 2).
const COUNTERS: [&str; 2] = ["c1", "c2"];
/// Tickets issued before the live connections open, so phones have some.
const FIRST_TICKETS: usize = 50;
/// Live connections being opened at once.
const CONNECTING: usize = 64;

/// Bounds on the slopes after the warm-up, per minute, under which the
/// server is flat. An fd or a thread leaked per reconnect (about 14 a second
/// at 500 connections) would be hundreds a minute; these catch one in a
/// thousand. The fd bound is 2, not 1: a sample may fall while a few of the
/// 500 connections are between close and reconnect.
pub const RSS_BOUND_MIB_PER_MIN: f64 = 1.0;
pub const THREADS_BOUND_PER_MIN: f64 = 1.0;
pub const FDS_BOUND_PER_MIN: f64 = 2.0;

/// The sizes of a soak.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Plan {
    pub seconds: u64,
    pub connections: usize,
    pub sample_every_s: u64,
    /// Each connection lives a random time in this range, in seconds.
    pub lifetime_s: (u64, u64),
    pub warmup_s: u64,
}

impl Plan {
    /// Four minutes at 500 connections; `--tiny`: 20 s at 50, reconnecting
    /// every 2–6 s and sampled every 2 s (ten samples in all).
    pub fn of(mode: Mode, seconds: Option<u64>) -> Plan {
        let (default_s, connections, sample_every_s, lifetime_s) = match mode {
            Mode::Tiny => (20, 50, 2, (2, 6)),
            _ => (240, 500, 10, (10, 60)),
        };
        let seconds = seconds.unwrap_or(default_s).max(sample_every_s * 4);
        Plan {
            seconds,
            connections,
            sample_every_s,
            lifetime_s,
            // The first minute, or the first quarter of a shorter run.
            warmup_s: (seconds / 4).min(60),
        }
    }
}

/// One reading of the server process.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Sample {
    pub t_s: f64,
    pub threads: u64,
    pub fds: u64,
    pub rss_bytes: u64,
}

/// What failed, by kind, and the first few messages.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Errors {
    pub issue: u64,
    pub call: u64,
    pub connect: u64,
    /// Streams that broke or sent what a client could not read.
    pub stream: u64,
    pub first: Vec<String>,
}

impl Errors {
    pub fn total(&self) -> u64 {
        self.issue + self.call + self.connect + self.stream
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SoakReport {
    pub mode: Mode,
    pub plan: Plan,
    pub displays: usize,
    pub phones: usize,
    pub samples: Vec<Sample>,
    /// Least-squares slopes over the samples after the warm-up.
    pub threads_per_min: f64,
    pub fds_per_min: f64,
    pub rss_mib_per_min: f64,
    pub bounds: Bounds,
    /// Every slope within its bound.
    pub flat: bool,
    /// Whether `flat` decides the exit status: not under `--tiny`, whose 20 s
    /// of a debug server are mostly warm-up.
    pub judged: bool,
    /// Connections closed by the bench and opened again.
    pub reconnects: u64,
    /// ... of which displays resuming with `?since=`.
    pub resumed: u64,
    /// Resumed displays whose first message was not the next seq or a
    /// snapshot, and events that skipped a seq.
    pub gaps: u64,
    /// Messages received by all live connections.
    pub messages: u64,
    /// Streams the server closed before the client did.
    pub server_closed: u64,
    pub tickets_issued: u64,
    /// Calls that found a citizen (each then started and finished) ...
    pub calls: u64,
    /// ... and that found nobody waiting (204).
    pub empty_calls: u64,
    pub errors: Errors,
    pub seconds: f64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bounds {
    pub rss_mib_per_min: f64,
    pub threads_per_min: f64,
    pub fds_per_min: f64,
}

/// Counters shared by every task.
#[derive(Debug, Default)]
struct Shared {
    reconnects: AtomicU64,
    resumed: AtomicU64,
    gaps: AtomicU64,
    messages: AtomicU64,
    server_closed: AtomicU64,
    issued: AtomicU64,
    calls: AtomicU64,
    empty_calls: AtomicU64,
    errors: Mutex<Errors>,
    /// Every ticket code issued, for the phones.
    codes: Mutex<Vec<String>>,
}

#[derive(Debug, Clone, Copy)]
enum Failure {
    Issue,
    Call,
    Connect,
    Stream,
}

impl Shared {
    fn fail(&self, kind: Failure, e: &anyhow::Error) {
        let mut errors = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        match kind {
            Failure::Issue => errors.issue += 1,
            Failure::Call => errors.call += 1,
            Failure::Connect => errors.connect += 1,
            Failure::Stream => errors.stream += 1,
        }
        if errors.first.len() < 10 {
            errors.first.push(format!("{kind:?}: {e:#}"));
        }
    }

    fn random_code(&self, rng: &mut Rng) -> Option<String> {
        let codes = self.codes.lock().unwrap_or_else(|p| p.into_inner());
        (!codes.is_empty()).then(|| codes[rng.below(codes.len() as u64) as usize].clone())
    }
}

/// xorshift64*: enough randomness for lifetimes and picks, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The server's threads, open descriptors and resident memory now.
pub fn sample(pid: u32, t_s: f64) -> anyhow::Result<Sample> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .with_context(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok(Sample {
        t_s,
        threads: field("Threads:")?,
        fds: std::fs::read_dir(format!("/proc/{pid}/fd"))?.count() as u64,
        rss_bytes: field("VmRSS:")? * 1024,
    })
}

/// The least-squares slope of `y` over `x`, per unit of `x`.
pub fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    if points.len() < 2 {
        return 0.0;
    }
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, y) in points {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
    }
    if sxx == 0.0 {
        0.0
    } else {
        sxy / sxx
    }
}

/// Issues [`ISSUE_PER_S`] tickets a second until `deadline`.
async fn issuer(addr: SocketAddr, shared: Arc<Shared>, deadline: Instant) {
    let mut conn = None;
    let mut tick = tokio::time::interval(Duration::from_secs(1) / ISSUE_PER_S);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut i = 0usize;
    while Instant::now() < deadline {
        tick.tick().await;
        if let Err(e) = issue_one(addr, &mut conn, i, &shared).await {
            conn = None;
            shared.fail(Failure::Issue, &e);
        }
        i += 1;
    }
}

async fn issue_one(
    addr: SocketAddr,
    conn: &mut Option<Conn>,
    i: usize,
    shared: &Shared,
) -> anyhow::Result<()> {
    if conn.is_none() {
        *conn = Some(Conn::connect(addr).await?);
    }
    let c = conn.as_mut().context("no connection")?;
    let office = ISSUE_OFFICES[i % ISSUE_OFFICES.len()];
    let service = SERVICES[(i / ISSUE_OFFICES.len()) % SERVICES.len()];
    let body = format!("{{\"service\":\"{service}\",\"channel\":\"online\"}}");
    let r = c
        .post(
            &format!("/api/v1/offices/{office}/tickets"),
            body.as_bytes(),
        )
        .await?;
    if r.status != 201 {
        bail!(
            "issuing answered {}: {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    let v: serde_json::Value = serde_json::from_slice(&r.body)?;
    let code = v["code"].as_str().context("a ticket without a code")?;
    shared
        .codes
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(code.to_owned());
    shared.issued.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

/// Every counter the clerk works, as paths.
fn counters() -> Vec<String> {
    ISSUE_OFFICES
        .iter()
        .flat_map(|o| {
            COUNTERS
                .iter()
                .map(move |c| format!("/api/v1/offices/{o}/counters/{c}"))
        })
        .collect()
}

/// The clerk: [`CALLS_PER_S`] call-next a second over the counters in turn,
/// each citizen found started and finished.
async fn clerk(mut conn: Conn, shared: Arc<Shared>, deadline: Instant) {
    let paths = counters();
    let mut tick = tokio::time::interval(Duration::from_secs(1) / CALLS_PER_S);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut i = 0usize;
    while Instant::now() < deadline {
        tick.tick().await;
        let path = &paths[i % paths.len()];
        i += 1;
        let done: anyhow::Result<()> = async {
            let r = conn.post(&format!("{path}/call-next"), b"").await?;
            match r.status {
                204 => {
                    shared.empty_calls.fetch_add(1, Ordering::Relaxed);
                    return Ok(());
                }
                200 => {}
                s => bail!(
                    "call-next answered {s}: {}",
                    String::from_utf8_lossy(&r.body)
                ),
            }
            expect(&mut conn, &format!("{path}/start"), 200).await?;
            expect(&mut conn, &format!("{path}/finish"), 200).await?;
            shared.calls.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        .await;
        if let Err(e) = done {
            shared.fail(Failure::Call, &e);
        }
    }
}

/// The parts of a live message a client looks at.
#[derive(Debug, Deserialize)]
struct Msg {
    #[serde(rename = "type")]
    kind: String,
    seq: Option<u64>,
}

type Ws = tokio_tungstenite::WebSocketStream<TcpStream>;

async fn open(addr: SocketAddr, path: &str) -> anyhow::Result<Ws> {
    let tcp = TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let url = format!("ws://{addr}{path}");
    let (ws, _) = tokio_tungstenite::client_async_with_config(url, tcp, Some(config)).await?;
    Ok(ws)
}

/// One live client: a display (office stream) or a phone (ticket stream),
/// connecting again and again until `deadline`.
async fn client(
    addr: SocketAddr,
    id: usize,
    office: Option<&'static str>,
    plan: Plan,
    shared: Arc<Shared>,
    gate: Arc<tokio::sync::Semaphore>,
    deadline: Instant,
) {
    let mut rng = Rng::new(id as u64 + 1);
    // The display's last seq, to resume after.
    let mut last: Option<u64> = None;
    let mut first = true;
    while Instant::now() < deadline {
        let (lo, hi) = plan.lifetime_s;
        let life = Duration::from_millis(1000 * lo + rng.below(1000 * (hi - lo) + 1));
        let until = (Instant::now() + life).min(deadline);
        let path = match office {
            Some(o) => match last {
                Some(s) => format!("/api/v1/offices/{o}/live?since={s}"),
                None => format!("/api/v1/offices/{o}/live"),
            },
            None => match shared.random_code(&mut rng) {
                Some(code) => format!("/api/v1/tickets/{code}/live"),
                None => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let opened = {
            let _permit = gate.acquire().await;
            open(addr, &path).await
        };
        let mut ws = match opened {
            Ok(ws) => ws,
            Err(e) => {
                shared.fail(Failure::Connect, &e.context(path));
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        if !first {
            shared.reconnects.fetch_add(1, Ordering::Relaxed);
            if last.is_some() {
                shared.resumed.fetch_add(1, Ordering::Relaxed);
            }
        }
        first = false;
        let read = read_until(&mut ws, until, office.is_some(), &mut last, &shared).await;
        match read {
            Ok(true) => {
                let _ = ws.close(None).await;
            }
            Ok(false) => {
                // Closed by the server: wait out the planned life, so that
                // a closing server is not hammered.
                shared.server_closed.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep_until(until.into()).await;
            }
            Err(e) => {
                shared.fail(Failure::Stream, &e.context(path));
                tokio::time::sleep_until(until.into()).await;
            }
        }
    }
}

/// Reads the stream until `until`: true then, false when the server closed
/// it first. A display checks that seqs follow one another.
async fn read_until(
    ws: &mut Ws,
    until: Instant,
    display: bool,
    last: &mut Option<u64>,
    shared: &Shared,
) -> anyhow::Result<bool> {
    loop {
        let msg = tokio::select! {
            m = ws.next() => m,
            () = tokio::time::sleep_until(until.into()) => return Ok(true),
        };
        let text = match msg {
            Some(Ok(Message::Text(t))) => t,
            Some(Ok(Message::Close(_))) | None => return Ok(false),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
        };
        shared.messages.fetch_add(1, Ordering::Relaxed);
        let m: Msg = serde_json::from_str(text.as_str())?;
        if !display {
            if m.kind != "ticket" {
                bail!("a ticket stream sent {:?}", m.kind);
            }
            continue;
        }
        let seq = m.seq.context("an office message without a seq")?;
        match (m.kind.as_str(), *last) {
            ("snapshot", _) | (_, None) => {}
            ("event", Some(l)) if seq == l + 1 => {}
            ("event", Some(l)) if seq <= l => bail!("seq {seq} after {l}"),
            ("event", Some(_)) => {
                shared.gaps.fetch_add(1, Ordering::Relaxed);
            }
            (other, _) => bail!("an office stream sent {other:?}"),
        }
        *last = Some(seq);
    }
}

/// Runs the soak; `seconds` overrides the plan's length.
pub async fn run(
    binary: &std::path::Path,
    mode: Mode,
    seconds: Option<u64>,
    data_parent: Option<&std::path::Path>,
    verbose: bool,
) -> anyhow::Result<SoakReport> {
    let started = Instant::now();
    let say = |s: &str| {
        if verbose {
            eprintln!("[{:6.1}s] {s}", started.elapsed().as_secs_f64());
        }
    };
    let plan = Plan::of(mode, seconds);
    // One descriptor per live connection, a few for the rest.
    let want = plan.connections as u64 + 1024;
    let got = rlimit::increase_nofile_limit(want).context("raising the open file limit")?;
    if got < want {
        bail!("only {got} file descriptors allowed, {want} needed");
    }
    let binary = binary.canonicalize().with_context(|| {
        format!(
            "server binary {} not found (build it: cargo build --release -p antrean-server, or pass --server PATH)",
            binary.display()
        )
    })?;
    let dirs = Dirs::create(data_parent)?;
    crate::server::add_user(&binary, &dirs)?;
    say("starting the server");
    let server = Server::start(&binary, &dirs).await?;
    let addr = server.addr;
    let shared = Arc::new(Shared::default());

    let mut conn = Conn::connect(addr).await?;
    crate::server::sign_in(&mut conn).await?;
    for path in counters() {
        expect(&mut conn, &format!("{path}/open"), 200).await?;
    }
    let mut first = None;
    for i in 0..FIRST_TICKETS {
        issue_one(addr, &mut first, i, &shared).await?;
    }

    let displays = plan.connections * 2 / 5;
    let phones = plan.connections - displays;
    say(&format!(
        "soak of {} s: {displays} displays and {phones} phones reconnecting every {}–{} s, {ISSUE_PER_S} tickets/s, {CALLS_PER_S} calls/s",
        plan.seconds, plan.lifetime_s.0, plan.lifetime_s.1
    ));
    let t0 = Instant::now();
    // The load runs a second past the last sample, so that no sample
    // falls while the clients are closing.
    let deadline = t0 + Duration::from_secs(plan.seconds + 1);
    let gate = Arc::new(tokio::sync::Semaphore::new(CONNECTING));
    let mut tasks = vec![
        tokio::spawn(issuer(addr, Arc::clone(&shared), deadline)),
        tokio::spawn(clerk(conn, Arc::clone(&shared), deadline)),
    ];
    for id in 0..plan.connections {
        let office = (id < displays).then(|| ISSUE_OFFICES[id % ISSUE_OFFICES.len()]);
        tasks.push(tokio::spawn(client(
            addr,
            id,
            office,
            plan,
            Arc::clone(&shared),
            Arc::clone(&gate),
            deadline,
        )));
    }

    let mut samples = Vec::new();
    let every = Duration::from_secs(plan.sample_every_s);
    let mut k = 0u32;
    loop {
        let at = t0 + every * k;
        if at > t0 + Duration::from_secs(plan.seconds) {
            break;
        }
        tokio::time::sleep_until(at.into()).await;
        let s = sample(server.pid(), t0.elapsed().as_secs_f64())?;
        say(&format!(
            "t={:.0} s: threads {}, fds {}, RSS {:.1} MiB; {} tickets, {} calls, {} reconnects, {} errors",
            s.t_s,
            s.threads,
            s.fds,
            crate::mib(s.rss_bytes),
            shared.issued.load(Ordering::Relaxed),
            shared.calls.load(Ordering::Relaxed),
            shared.reconnects.load(Ordering::Relaxed),
            shared.errors.lock().unwrap_or_else(|p| p.into_inner()).total()
        ));
        samples.push(s);
        k += 1;
    }
    for t in tasks {
        t.await?;
    }
    server.stop()?;

    let after: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.t_s >= plan.warmup_s as f64 - 0.5)
        .collect();
    let per_min = |f: &dyn Fn(&Sample) -> f64| {
        60.0 * slope(
            &after
                .iter()
                .map(|s| (s.t_s, f(s)))
                .collect::<Vec<(f64, f64)>>(),
        )
    };
    let threads_per_min = per_min(&|s| s.threads as f64);
    let fds_per_min = per_min(&|s| s.fds as f64);
    let rss_mib_per_min = per_min(&|s| crate::mib(s.rss_bytes));
    let bounds = Bounds {
        rss_mib_per_min: RSS_BOUND_MIB_PER_MIN,
        threads_per_min: THREADS_BOUND_PER_MIN,
        fds_per_min: FDS_BOUND_PER_MIN,
    };
    let flat = threads_per_min.abs() < bounds.threads_per_min
        && fds_per_min.abs() < bounds.fds_per_min
        && rss_mib_per_min.abs() < bounds.rss_mib_per_min;
    let errors = shared
        .errors
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    Ok(SoakReport {
        mode,
        plan,
        displays,
        phones,
        samples,
        threads_per_min,
        fds_per_min,
        rss_mib_per_min,
        bounds,
        flat,
        judged: mode != Mode::Tiny,
        reconnects: load(&shared.reconnects),
        resumed: load(&shared.resumed),
        gaps: load(&shared.gaps),
        messages: load(&shared.messages),
        server_closed: load(&shared.server_closed),
        tickets_issued: load(&shared.issued),
        calls: load(&shared.calls),
        empty_calls: load(&shared.empty_calls),
        errors,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Whether the run passes: no errors, and flat when judged.
pub fn passed(r: &SoakReport) -> bool {
    r.errors.total() == 0 && (r.flat || !r.judged)
}

/// The report for people.
pub fn render(r: &SoakReport) -> String {
    let p = &r.plan;
    let mut s = format!(
        "Antrean soak ({:?} mode, {} s, {:.0} s in all): {} displays and {} phones reconnecting every {}–{} s, {ISSUE_PER_S} tickets/s, {CALLS_PER_S} calls/s; sampled every {} s, slopes after {} s\n",
        r.mode, p.seconds, r.seconds, r.displays, r.phones, p.lifetime_s.0, p.lifetime_s.1, p.sample_every_s, p.warmup_s
    );
    s += "     t s  threads    fds   RSS MiB\n";
    for x in &r.samples {
        s += &format!(
            "   {:>5.0} {:>8} {:>6} {:>9.2}{}\n",
            x.t_s,
            x.threads,
            x.fds,
            crate::mib(x.rss_bytes),
            if x.t_s < p.warmup_s as f64 - 0.5 {
                "  (warm-up)"
            } else {
                ""
            }
        );
    }
    let b = &r.bounds;
    s += &format!(
        "   slopes: threads {:+.2}/min (bound {}), fds {:+.2}/min (bound {}), RSS {:+.3} MiB/min (bound {}): {}{}\n",
        r.threads_per_min,
        b.threads_per_min,
        r.fds_per_min,
        b.fds_per_min,
        r.rss_mib_per_min,
        b.rss_mib_per_min,
        if r.flat { "flat" } else { "NOT FLAT" },
        if r.judged { "" } else { " (not judged: --tiny)" }
    );
    s += &format!(
        "   {} reconnects ({} displays resumed with ?since=, {} gaps), {} messages received, {} streams closed by the server; {} tickets issued, {} calls (each started and finished), {} calls with nobody waiting\n",
        r.reconnects, r.resumed, r.gaps, r.messages, r.server_closed, r.tickets_issued, r.calls, r.empty_calls
    );
    let e = &r.errors;
    s += &format!(
        "   errors: {} (issue {}, call {}, connect {}, stream {})\n",
        e.total(),
        e.issue,
        e.call,
        e.connect,
        e.stream
    );
    for m in &e.first {
        s += &format!("     {m}\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_of_a_line_and_of_a_constant() {
        let line: Vec<(f64, f64)> = (0..10)
            .map(|i| (f64::from(i), 3.0 * f64::from(i) + 7.0))
            .collect();
        assert!((slope(&line) - 3.0).abs() < 1e-9);
        let flat: Vec<(f64, f64)> = (0..10).map(|i| (f64::from(i), 5.0)).collect();
        assert_eq!(slope(&flat), 0.0);
        assert_eq!(slope(&[(1.0, 2.0)]), 0.0);
    }

    #[test]
    fn tiny_plan_has_samples_after_its_warm_up() {
        let p = Plan::of(Mode::Tiny, None);
        assert_eq!((p.seconds, p.warmup_s), (20, 5));
        let full = Plan::of(Mode::Full, None);
        assert_eq!(
            (full.seconds, full.warmup_s, full.connections),
            (240, 60, 500)
        );
    }
}
