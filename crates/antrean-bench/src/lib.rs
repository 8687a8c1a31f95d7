//! The Antrean benchmark: starts the release server as a black box on
//! loopback with a temporary configuration and data directory, loads it over
//! HTTP and WebSockets, and reports tickets/s, call-to-display latency,
//! memory and restart time, each next to its baseline and target.
//!
//! `cargo run --release -p antrean-bench -- [--quick|--tiny] [--json]`.
//! See BENCHMARKS.md at the workspace root for the method and the figures.
#![forbid(unsafe_code)]

pub mod backup;
pub mod fair;
pub mod fanout;
pub mod flood;
pub mod http;
pub mod issue;
pub mod live;
pub mod server;
pub mod soak;
pub mod stats;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Serialize;

use crate::http::Conn;
use crate::issue::{Kind, RunResult, Until};
use crate::live::LiveResult;
use crate::server::{CpuMeter, CpuUse, Dirs, Server, ISSUE_OFFICES};

/// How much to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Everything at full size (several minutes).
    Full,
    /// Under 90 s.
    Quick,
    /// Seconds; for the test suite (debug server, no timing meaning).
    Tiny,
}

/// The sizes of each mode.
#[derive(Debug, Clone)]
struct Plan {
    levels: Vec<usize>,
    /// Time for each of issuance and its baseline at one concurrency...
    per_level: Duration,
    /// ... in this many alternating slices.
    slices: u32,
    /// Time for each of issuance with and without configuration changes.
    changes_time: Duration,
    fsync_time: Duration,
    /// (clients, calls) per live run.
    live: Vec<(usize, usize)>,
    /// Idle live connections for the memory figure.
    idle_connections: usize,
    tickets: u64,
    settle: Duration,
}

impl Plan {
    fn of(mode: Mode) -> Plan {
        match mode {
            Mode::Full => Plan {
                levels: vec![1, 8, 32, 128],
                per_level: Duration::from_secs(5),
                slices: 5,
                changes_time: Duration::from_secs(10),
                fsync_time: Duration::from_secs(1),
                live: vec![(10_000, 50), (1_000, 200)],
                idle_connections: 10_000,
                tickets: 1_000_000,
                settle: Duration::from_secs(1),
            },
            Mode::Quick => Plan {
                levels: vec![1, 8, 32, 128],
                per_level: Duration::from_secs(2),
                slices: 4,
                changes_time: Duration::from_secs(6),
                fsync_time: Duration::from_secs(1),
                live: vec![(1_000, 50)],
                idle_connections: 10_000,
                tickets: 50_000,
                settle: Duration::from_millis(500),
            },
            Mode::Tiny => Plan {
                levels: vec![1, 32],
                per_level: Duration::from_millis(300),
                slices: 2,
                changes_time: Duration::from_millis(400),
                fsync_time: Duration::from_millis(200),
                live: vec![(20, 5)],
                idle_connections: 20,
                tickets: 0,
                settle: Duration::from_millis(100),
            },
        }
    }
}

/// Connections that issue the bulk of the tickets for the memory and
/// restart figures.
const FILL_CONCURRENCY: usize = 64;

/// Command-line options.
#[derive(Debug, Clone)]
pub struct Options {
    pub mode: Mode,
    /// The server binary; default `target/release/antrean` of the workspace.
    pub server: Option<PathBuf>,
    /// Where the temporary data directory goes (its disk is measured).
    pub data_parent: Option<PathBuf>,
    /// Progress lines on stderr.
    pub verbose: bool,
    /// Measure issuance during configuration changes.
    pub config_changes: bool,
}

/// Issuance at one concurrency, with its baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    pub concurrency: usize,
    pub tickets_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub tickets: u64,
    pub baseline_per_s: f64,
    pub baseline_p50_ms: f64,
    pub baseline_p99_ms: f64,
    /// Server CPU per answered request (user + system, all threads).
    pub server_cpu_us_per_ticket: f64,
    pub server_cpu_us_per_baseline: f64,
    /// ... of which the writer thread (SQLite and the fsync), per ticket.
    pub writer_cpu_us_per_ticket: f64,
    /// This bench's CPU (the load generator, on the same cores) per request.
    pub bench_cpu_us_per_ticket: f64,
    pub bench_cpu_us_per_baseline: f64,
    /// Share of the cores' time idle or waiting for I/O during each.
    pub idle_share_tickets: f64,
    pub idle_share_baseline: f64,
    /// The ratio issuance would reach if it kept the cores as busy as the
    /// baseline does: (server + bench CPU per baseline request) / (server +
    /// bench CPU per ticket). Only less CPU per ticket raises it.
    pub ratio_at_equal_core_use: f64,
}

impl Level {
    fn new(c: usize, iss: &RunResult, base: &RunResult, iu: &CpuUse, bu: &CpuUse) -> Level {
        let per_ticket = |s: f64| stats::us_each(s, iss.requests);
        let per_base = |s: f64| stats::us_each(s, base.requests);
        Level {
            concurrency: c,
            tickets_per_s: iss.per_s,
            p50_ms: iss.p50_ms,
            p99_ms: iss.p99_ms,
            max_ms: iss.max_ms,
            tickets: iss.requests,
            baseline_per_s: base.per_s,
            baseline_p50_ms: base.p50_ms,
            baseline_p99_ms: base.p99_ms,
            server_cpu_us_per_ticket: per_ticket(iu.server_s),
            server_cpu_us_per_baseline: per_base(bu.server_s),
            writer_cpu_us_per_ticket: per_ticket(iu.writer_s),
            bench_cpu_us_per_ticket: per_ticket(iu.bench_s),
            bench_cpu_us_per_baseline: per_base(bu.bench_s),
            idle_share_tickets: iu.idle_share(),
            idle_share_baseline: bu.idle_share(),
            ratio_at_equal_core_use: per_base(bu.server_s + bu.bench_s)
                / per_ticket(iu.server_s + iu.bench_s).max(f64::MIN_POSITIVE),
        }
    }
}

/// Configuration changes made per second while tickets are issued.
const CHANGES_PER_S: u32 = 10;
/// The concurrency of issuance while they are made.
const CHANGES_CONCURRENCY: usize = 32;

/// Issuance with and without a supervisor's configuration changes, in
/// alternating slices of the same run.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigChanges {
    pub concurrency: usize,
    pub changes: u64,
    pub changes_per_s: f64,
    /// Of one change, answered once on disk.
    pub change_p99_ms: f64,
    pub p99_without_ms: f64,
    pub p99_with_ms: f64,
    pub tickets_per_s_without: f64,
    pub tickets_per_s_with: f64,
    /// `p99_with_ms / p99_without_ms`.
    pub ratio: f64,
}

/// The headline issuance figures (concurrency 32) plus the disk's limit.
#[derive(Debug, Clone, Serialize)]
pub struct IssueSummary {
    pub concurrency: usize,
    pub tickets_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub baseline_per_s: f64,
    pub fsync_per_s: f64,
    /// CPU time of one write + fsync on the data disk.
    pub fsync_cpu_us: f64,
    /// tickets_per_s / baseline_per_s.
    pub ratio_to_baseline: f64,
    /// See [`Level::ratio_at_equal_core_use`].
    pub ratio_at_equal_core_use: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Memory {
    /// Just after start, nothing connected.
    pub idle_rss_bytes: u64,
    /// With idle live connections open (flattened: `connections`,
    /// `per_connection_bytes`...).
    #[serde(flatten)]
    pub idle: live::IdleMemory,
    /// Tickets issued in all (all waiting) when `tickets_rss_bytes` was read.
    pub tickets: u64,
    pub tickets_rss_bytes: u64,
    /// (tickets_rss − idle_rss) / tickets.
    pub per_ticket_bytes: u64,
}

/// One slice of the bulk issuance.
#[derive(Debug, Clone, Serialize)]
pub struct FillSlice {
    /// Tickets already issued (all waiting) when the slice began.
    pub tickets_before: u64,
    pub tickets_per_s: f64,
    pub p99_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Restart {
    /// Tickets in the database (history and today's).
    pub tickets: u64,
    /// ... of which still open today (the office rebuilds only these).
    pub open: u64,
    /// From spawn to the first successful HTTP answer.
    pub ready_ms: f64,
    /// From spawn to the "serving" line (the socket is bound then).
    pub banner_ms: f64,
    /// From spawn until every loaded office answered with its live state
    /// (offices restore in the background while the server already serves).
    pub offices_ready_ms: f64,
    /// SIGTERM to exit of the loaded server.
    pub shutdown_ms: f64,
    /// Waiting tickets in the issue offices after the restart (must equal
    /// `open`: nothing acknowledged was lost or came back).
    pub waiting_after_restart: u64,
    pub rss_after_restart_bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub nproc: usize,
    pub cpu: String,
    pub kernel: String,
    /// /proc/loadavg when the run began: the machine is shared, and other
    /// work on it shows up in every figure.
    pub loadavg_at_start: String,
}

/// Everything measured in one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub mode: Mode,
    pub issue: IssueSummary,
    pub issue_levels: Vec<Level>,
    /// Issuance while a supervisor changes the configuration.
    pub config_changes: Option<ConfigChanges>,
    /// The bulk issuance at concurrency 64, slice by slice.
    pub fill: Vec<FillSlice>,
    pub live: Vec<LiveResult>,
    pub memory: Memory,
    /// Restart with every ticket of the run as history: all of them
    /// cancelled by their citizens, none open.
    pub restart: Restart,
    /// The worst case first: restart with every ticket still waiting today.
    pub restart_all_open: Restart,
    /// Cancellations per second while turning the tickets into history.
    pub cancel_per_s: f64,
    pub machine: Machine,
    pub server: String,
    pub seconds: f64,
}

/// The workspace root, from where this crate was built.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let loadavg_at_start = std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_owned();
    Machine {
        loadavg_at_start,
        nproc: std::thread::available_parallelism().map_or(1, usize::from),
        cpu,
        kernel,
    }
}

/// Runs the whole benchmark.
pub async fn run(opts: &Options) -> anyhow::Result<Report> {
    let started = std::time::Instant::now();
    let machine = machine();
    let plan = Plan::of(opts.mode);
    let say = |s: &str| {
        if opts.verbose {
            eprintln!("[{:6.1}s] {s}", started.elapsed().as_secs_f64());
        }
    };
    // 10,000 live clients need 10,000 descriptors here and as many in the
    // server, which inherits the raised limit.
    let want = plan
        .live
        .iter()
        .map(|l| l.0)
        .chain([plan.idle_connections])
        .max()
        .unwrap_or(0) as u64
        + 1024;
    let got = rlimit::increase_nofile_limit(want).context("raising the open file limit")?;
    if got < want {
        bail!("only {got} file descriptors allowed, {want} needed");
    }
    let binary = opts
        .server
        .clone()
        .unwrap_or_else(|| workspace_root().join("target/release/antrean"));
    let binary = binary.canonicalize().with_context(|| format!("server binary {} not found (build it: cargo build --release -p antrean-server, or pass --server PATH)", binary.display()))?;
    let dirs = Dirs::create(opts.data_parent.as_deref())?;
    server::add_user(&binary, &dirs)?;
    say("measuring the disk's fsync rate");
    let (fsync_per_s, fsync_cpu_us) = issue::fsync_rate(&dirs.data, plan.fsync_time)?;

    say("starting the server");
    let server = Server::start(&binary, &dirs).await?;
    tokio::time::sleep(plan.settle).await;
    let idle_rss = server.rss()?;

    say(&format!("{} idle live connections", plan.idle_connections));
    let idle = live::idle_memory(&server, plan.idle_connections, plan.settle).await?;

    let mut clerk = Conn::connect(server.addr).await?;
    server::sign_in(&mut clerk).await?;
    let mut lives = Vec::new();
    let mut live_tickets = 0u64;
    for (i, &(clients, calls)) in plan.live.iter().enumerate() {
        say(&format!("live: {clients} clients, {calls} calls"));
        let r = live::run(
            &server,
            &mut clerk,
            &format!("c{}", i + 1),
            clients,
            calls,
            plan.settle,
        )
        .await?;
        live_tickets += calls as u64;
        lives.push(r);
    }
    // The floor under each live run, with the live clients gone (a process
    // may hold 20,000 descriptors here).
    for l in &mut lives {
        say(&format!("plain TCP fan-out: {} connections", l.clients));
        // A WebSocket text frame to a client has a 4-byte header.
        l.floor = Some(fanout::run(l.clients, l.calls, l.called_frame_bytes + 4).await?);
    }
    drop(clerk);

    let mut levels = Vec::new();
    let mut issued = 0u64;
    // Every ticket issued to the issue offices, to cancel them later.
    let mut codes: Vec<String> = Vec::new();
    for &c in &plan.levels {
        say(&format!("issuance at concurrency {c}"));
        // The baseline and issuance take turns in short slices, so that a
        // change in the machine's load (it is shared) weighs on both alike.
        let slice = Until::Elapsed(plan.per_level / plan.slices);
        let (mut bases, mut issues) = (Vec::new(), Vec::new());
        let (mut base_use, mut issue_use) = (CpuUse::default(), CpuUse::default());
        for _ in 0..plan.slices {
            let m0 = CpuMeter::read(&server)?;
            bases.push(issue::run(server.addr, Kind::Baseline, c, slice).await?);
            let m1 = CpuMeter::read(&server)?;
            issues.push(issue::run(server.addr, Kind::Issue, c, slice).await?);
            let m2 = CpuMeter::read(&server)?;
            base_use += m0.until(&m1);
            issue_use += m1.until(&m2);
        }
        let (base, mut iss) = (RunResult::combine(bases), RunResult::combine(issues));
        issued += iss.requests;
        codes.append(&mut iss.codes);
        levels.push(Level::new(c, &iss, &base, &issue_use, &base_use));
    }
    say(&format!(
        "issuance at concurrency {CHANGES_CONCURRENCY}, with and without {CHANGES_PER_S} configuration changes a second"
    ));
    let config_changes = if !opts.config_changes {
        None
    } else {
        let slice = plan.changes_time / plan.slices;
        let (mut without, mut with, mut changes) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..plan.slices {
            let mut alone = issue::run(
                server.addr,
                Kind::Issue,
                CHANGES_CONCURRENCY,
                Until::Elapsed(slice),
            )
            .await?;
            let (mut during, made) =
                issue::run_with_changes(server.addr, CHANGES_CONCURRENCY, slice, CHANGES_PER_S)
                    .await?;
            issued += alone.requests + during.requests;
            codes.append(&mut alone.codes);
            codes.append(&mut during.codes);
            without.push(alone);
            with.push(during);
            changes.push(made);
        }
        let (without, with, changes) = (
            RunResult::combine(without),
            RunResult::combine(with),
            RunResult::combine(changes),
        );
        Some(ConfigChanges {
            concurrency: CHANGES_CONCURRENCY,
            changes: changes.requests,
            changes_per_s: changes.per_s,
            change_p99_ms: changes.p99_ms,
            p99_without_ms: without.p99_ms,
            p99_with_ms: with.p99_ms,
            tickets_per_s_without: without.per_s,
            tickets_per_s_with: with.per_s,
            ratio: with.p99_ms / without.p99_ms.max(0.001),
        })
    };
    // The rest of the tickets, in ten slices when they are many: the rate per slice shows how
    // issuance scales with the number of tickets already waiting.
    let mut fill = Vec::new();
    let remaining = plan.tickets.saturating_sub(issued + live_tickets);
    if remaining > 0 {
        say(&format!(
            "issuing {remaining} more tickets (total {})",
            plan.tickets
        ));
        let slice = if remaining >= 100_000 {
            remaining.div_ceil(10)
        } else {
            remaining
        };
        while issued + live_tickets < plan.tickets {
            let n = slice.min(plan.tickets - issued - live_tickets);
            let r = issue::run(server.addr, Kind::Issue, FILL_CONCURRENCY, Until::Count(n)).await?;
            fill.push(FillSlice {
                tickets_before: issued + live_tickets,
                tickets_per_s: r.per_s,
                p99_ms: r.p99_ms,
            });
            issued += r.requests;
            codes.extend(r.codes);
        }
    }
    let total = issued + live_tickets;
    tokio::time::sleep(plan.settle).await;
    let tickets_rss = server.rss()?;

    say(&format!("restart with {total} tickets, all waiting"));
    let (restart_all_open, server) = restart(server, &binary, &dirs, total, issued).await?;
    say(&format!(
        "cancelling the {issued} waiting tickets: they become history"
    ));
    let cancel_per_s = issue::cancel_all(server.addr, codes, FILL_CONCURRENCY).await?;
    say(&format!(
        "restart with {total} tickets of history, none open"
    ));
    let (restart, server) = restart(server, &binary, &dirs, total, 0).await?;
    server.stop()?;

    let head = levels
        .iter()
        .find(|l| l.concurrency == 32)
        .or_else(|| levels.last())
        .context("no issuance level ran")?
        .clone();
    Ok(Report {
        mode: opts.mode,
        issue: IssueSummary {
            concurrency: head.concurrency,
            tickets_per_s: head.tickets_per_s,
            p50_ms: head.p50_ms,
            p99_ms: head.p99_ms,
            baseline_per_s: head.baseline_per_s,
            fsync_per_s,
            fsync_cpu_us,
            ratio_to_baseline: head.tickets_per_s / head.baseline_per_s.max(f64::MIN_POSITIVE),
            ratio_at_equal_core_use: head.ratio_at_equal_core_use,
        },
        issue_levels: levels,
        config_changes,
        fill,
        live: lives,
        memory: Memory {
            idle_rss_bytes: idle_rss,
            idle,
            tickets: total,
            tickets_rss_bytes: tickets_rss,
            per_ticket_bytes: tickets_rss.saturating_sub(idle_rss) / total.max(1),
        },
        restart,
        restart_all_open,
        cancel_per_s,
        machine,
        server: binary.display().to_string(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Stops `server` and starts it again on the same data; measures until the
/// server answers and until every issue office answers with its state, and
/// counts the tickets waiting there (`open` are expected).
async fn restart(
    server: Server,
    binary: &std::path::Path,
    dirs: &Dirs,
    tickets: u64,
    open: u64,
) -> anyhow::Result<(Restart, Server)> {
    let shutdown = server.stop()?;
    let server = Server::start(binary, dirs).await?;
    let rss_after_restart = server.rss()?;
    let offices_t0 = std::time::Instant::now();
    let mut conn = Conn::connect(server.addr).await?;
    let mut waiting = 0u64;
    for o in ISSUE_OFFICES {
        let r = conn.get(&format!("/api/v1/offices/{o}")).await?;
        let v: serde_json::Value = serde_json::from_slice(&r.body)?;
        waiting += v["services"]
            .as_array()
            .map_or(0, |s| s.iter().filter_map(|s| s["waiting"].as_u64()).sum());
    }
    let offices_ready = server.ready + offices_t0.elapsed();
    Ok((
        Restart {
            tickets,
            open,
            ready_ms: server.ready.as_secs_f64() * 1000.0,
            banner_ms: server.banner.as_secs_f64() * 1000.0,
            offices_ready_ms: offices_ready.as_secs_f64() * 1000.0,
            shutdown_ms: shutdown.as_secs_f64() * 1000.0,
            waiting_after_restart: waiting,
            rss_after_restart_bytes: rss_after_restart,
        },
        server,
    ))
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

fn mib(b: u64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

/// The report for people, with each figure next to its target.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let m = &r.machine;
    s += &format!(
        "Antrean benchmark ({:?} mode, {:.0} s) on {} × {}, kernel {}; load average at start {}\n\n",
        r.mode, r.seconds, m.nproc, m.cpu, m.kernel, m.loadavg_at_start
    );
    s += "1. Ticket issuance (durable, POST /offices/{o}/tickets; baseline GET /offices)\n";
    s += "   conc   tickets/s   p50 ms   p99 ms   max ms | baseline/s  p50 ms  p99 ms | ratio | server CPU µs per ticket (writer thread) / per baseline\n";
    for l in &r.issue_levels {
        s += &format!(
            "   {:>4} {:>11.0} {:>8.2} {:>8.2} {:>8.2} | {:>10.0} {:>7.2} {:>7.2} | {:>4.0}% | {:>5.1} ({:.1}) / {:.1}\n",
            l.concurrency,
            l.tickets_per_s,
            l.p50_ms,
            l.p99_ms,
            l.max_ms,
            l.baseline_per_s,
            l.baseline_p50_ms,
            l.baseline_p99_ms,
            100.0 * l.tickets_per_s / l.baseline_per_s.max(f64::MIN_POSITIVE),
            l.server_cpu_us_per_ticket,
            l.writer_cpu_us_per_ticket,
            l.server_cpu_us_per_baseline
        );
        s += &format!(
            "          bench CPU µs per ticket / per baseline {:.1} / {:.1}; cores idle {:.0}% / {:.0}%; ratio if issuance kept the cores as busy as the baseline: {:.0}%\n",
            l.bench_cpu_us_per_ticket,
            l.bench_cpu_us_per_baseline,
            100.0 * l.idle_share_tickets,
            100.0 * l.idle_share_baseline,
            100.0 * l.ratio_at_equal_core_use
        );
    }
    if !r.fill.is_empty() {
        s += &format!(
            "   bulk issuance at concurrency {FILL_CONCURRENCY}, by tickets already waiting:\n"
        );
        for f in &r.fill {
            s += &format!(
                "     {:>9} waiting: {:>7.0} tickets/s, p99 {:.1} ms\n",
                f.tickets_before, f.tickets_per_s, f.p99_ms
            );
        }
    }
    let i = &r.issue;
    s += &format!(
        "   raw fsync rate of the data disk: {:.0}/s, {:.0} µs of CPU each\n",
        i.fsync_per_s, i.fsync_cpu_us
    );
    s += &format!(
        "   target ≥ 20,000 tickets/s at concurrency 32: {:.0} [{}]; ≥ 40% of baseline: {:.0}% [{}]\n",
        i.tickets_per_s,
        verdict(i.tickets_per_s >= 20_000.0),
        100.0 * i.ratio_to_baseline,
        verdict(i.ratio_to_baseline >= 0.4)
    );
    if let Some(c) = &r.config_changes {
        s += &format!(
        "   while a supervisor changes the configuration ({} changes, {:.1}/s, each on disk in p99 {:.1} ms), concurrency {}: p99 {:.2} ms against {:.2} ms without ({:.2}×), {:.0} against {:.0} tickets/s [target ≤ 2×: {}]\n",
        c.changes,
        c.changes_per_s,
        c.change_p99_ms,
        c.concurrency,
        c.p99_with_ms,
        c.p99_without_ms,
        c.ratio,
        c.tickets_per_s_with,
        c.tickets_per_s_without,
        verdict(c.ratio <= 2.0)
    );
    }
    s += "\n2. Call-to-display (clerk call-next → ticket_called at each live client)\n";
    for l in &r.live {
        let target = if l.clients <= 1000 { 15.0 } else { 100.0 };
        s += &format!(
            "   {} clients × {} calls: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; last client p50 {:.2} ms; delivered {}/{}, gaps {}, out of order {}, resnapshots {}, failed clients {} (connect {:.1} s)\n",
            l.clients, l.calls, l.p50_ms, l.p99_ms, l.max_ms, l.last_client_p50_ms, l.delivered, l.expected, l.gaps, l.out_of_order, l.resnapshots, l.failed_clients, l.connect_s
        );
        s += &format!(
            "   call loop {:.1} s: server CPU {:.1} s ({:.1} µs per event per client), bench CPU {:.1} s ({:.1} µs per event per client)\n",
            l.calls_s, l.server_cpu_s, l.server_cpu_us_per_delivery, l.client_cpu_s, l.client_cpu_us_per_delivery
        );
        if let Some(f) = &l.floor {
            s += &format!(
                "   floor, the same fan-out as plain TCP between two processes ({} B messages): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; last connection p50 {:.2} ms; CPU per message {:.1} µs sending, {:.1} µs reading; Antrean's p99 is {:.1}× it\n",
                f.bytes, f.p50_ms, f.p99_ms, f.max_ms, f.last_client_p50_ms, f.sender_cpu_us_per_delivery, f.reader_cpu_us_per_delivery, l.p99_ms / f.p99_ms.max(0.001)
            );
        }
        if l.clients >= 1000 {
            s += &format!(
                "   target p99 ≤ {target} ms at {} clients: [{}]\n",
                l.clients,
                verdict(l.p99_ms <= target)
            );
        }
        s += &format!(
            "   every event delivered in order without gaps: [{}]\n",
            verdict(l.delivered == l.expected && l.gaps == 0 && l.out_of_order == 0)
        );
    }
    let mem = &r.memory;
    s += "\n3. Memory (server VmRSS)\n";
    s += &format!(
        "   idle: {:.1} MiB [target ≤ 30 MiB: {}]\n",
        mib(mem.idle_rss_bytes),
        verdict(mem.idle_rss_bytes <= 30 << 20)
    );
    s += &format!(
        "   per idle live connection ({} connections): {:.1} KiB [target ≤ 16 KiB: {}]\n",
        mem.idle.connections,
        mem.idle.per_connection_bytes as f64 / 1024.0,
        verdict(mem.idle.per_connection_bytes <= 16 << 10)
    );
    s += &format!(
        "   after {} tickets (all waiting): {:.1} MiB, {} bytes per ticket\n",
        mem.tickets,
        mib(mem.tickets_rss_bytes),
        mem.per_ticket_bytes
    );
    s += "\n4. Restart\n";
    for (label, rs) in [
        (
            "every ticket waiting today (the worst case)",
            &r.restart_all_open,
        ),
        (
            "every ticket history (cancelled by its citizen), none open",
            &r.restart,
        ),
    ] {
        s += &format!(
            "   {} tickets, {label}: serving {:.0} ms after start (socket bound at {:.0} ms) [target ≤ 1000 ms: {}]; every office answering with its state after {:.0} ms [≤ 1000 ms: {}]; shutdown before took {:.0} ms; RSS after restart {:.1} MiB; waiting after restart {} of {} [{}]\n",
            rs.tickets,
            rs.ready_ms,
            rs.banner_ms,
            verdict(rs.ready_ms <= 1000.0),
            rs.offices_ready_ms,
            verdict(rs.offices_ready_ms <= 1000.0),
            rs.shutdown_ms,
            mib(rs.rss_after_restart_bytes),
            rs.waiting_after_restart,
            rs.open,
            verdict(rs.waiting_after_restart == rs.open)
        );
    }
    s += &format!(
        "   (the tickets were cancelled at {:.0}/s over {FILL_CONCURRENCY} connections)\n",
        r.cancel_per_s
    );
    s
}
