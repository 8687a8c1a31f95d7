//! Backup under load (`antrean-bench --backup`): the server is filled with
//! tickets, then keeps issuing while its database is copied each way
//! SQLite offers, by the store's own code (`antrean_store::backup::copy`,
//! then `verify` on the copy): `VACUUM INTO`, the online backup API in one
//! step, and the online backup API in steps of 100 pages 10 ms apart (the
//! source free between steps, which is what stepping is for; SQLite's
//! documented example steps 5 pages every 250 ms). Each copy's time, its
//! verification's, and the issue latency during it against as long a time
//! right after it without a copy.
//!
//! The comparison issues at a steady [`PACED_PER_S`] tickets a second (far
//! more than any office: a busy one issues a few thousand a day), so that
//! every copy sees the source change all the time and the database grows
//! alike for each. Last, the `antrean backup` command itself runs while
//! tickets are issued as fast as [`FULL_CONCURRENCY`] clients can.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use antrean_store::backup::{self, Method};
use anyhow::Context;
use serde::Serialize;
use tokio::task::JoinHandle;

use crate::issue::{self, Kind, RunResult, Until};
use crate::server::{Dirs, Server};
use crate::Mode;

/// The steady rate during the comparison.
pub const PACED_PER_S: u32 = 1_000;
/// ... over this many connections.
const PACED_CONNECTIONS: usize = 8;
/// Clients issuing as fast as they can during `antrean backup`.
pub const FULL_CONCURRENCY: usize = 32;
/// Connections that fill the database first.
const FILL_CONCURRENCY: usize = 64;
/// Issuance during a copy is measured in slices of this, until it ends.
const SLICE: Duration = Duration::from_millis(250);
/// The shortest time measured without a copy after each.
const MIN_WITHOUT: Duration = Duration::from_secs(2);

/// Issue latencies over some time.
#[derive(Debug, Clone, Serialize)]
pub struct Load {
    pub tickets: u64,
    pub tickets_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl From<&RunResult> for Load {
    fn from(r: &RunResult) -> Load {
        Load {
            tickets: r.requests,
            tickets_per_s: r.per_s,
            p50_ms: r.p50_ms,
            p99_ms: r.p99_ms,
            max_ms: r.max_ms,
        }
    }
}

/// One copy made while tickets were issued.
#[derive(Debug, Clone, Serialize)]
pub struct CopyRun {
    pub method: String,
    pub finished: bool,
    /// Why not, when it did not finish or verify.
    pub failure: Option<String>,
    /// Until the copy was whole (or given up).
    pub copy_s: f64,
    /// `integrity_check` and the whole audit chain on the copy.
    pub verify_s: f64,
    /// Times the online backup API started again because the source changed.
    pub restarts: u32,
    pub bytes: u64,
    /// Tickets in the copy.
    pub tickets: u64,
    pub during: Load,
    pub without: Load,
}

/// `antrean backup` as an operator runs it, at full load.
#[derive(Debug, Clone, Serialize)]
pub struct CommandRun {
    pub concurrency: usize,
    pub seconds: f64,
    pub succeeded: bool,
    pub during: Load,
    pub without: Load,
}

/// Everything measured.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub mode: Mode,
    /// Tickets in the database when the first copy began.
    pub tickets: u64,
    /// Its file then (the WAL beside it not counted).
    pub database_bytes: u64,
    pub paced_per_s: u32,
    pub copies: Vec<CopyRun>,
    pub command: CommandRun,
    pub seconds: f64,
}

/// Tickets filled in, and when a stepped copy gives up.
fn sizes(mode: Mode) -> (u64, Duration) {
    match mode {
        Mode::Full => (200_000, Duration::from_secs(20)),
        Mode::Quick => (50_000, Duration::from_secs(10)),
        Mode::Tiny => (2_000, Duration::from_secs(2)),
    }
}

/// How tickets are issued while something runs.
#[derive(Debug, Clone, Copy)]
enum Pace {
    Steady,
    Full,
}

async fn issue_for(server: &Server, pace: Pace, time: Duration) -> anyhow::Result<RunResult> {
    let until = Until::Elapsed(time);
    match pace {
        Pace::Steady => issue::run_paced(server.addr, PACED_CONNECTIONS, PACED_PER_S, until).await,
        Pace::Full => issue::run(server.addr, Kind::Issue, FULL_CONCURRENCY, until).await,
    }
}

/// Issues at `pace` until `work` ends (a slice at least), then as long
/// again (at least [`MIN_WITHOUT`]) with nothing else running: (during,
/// without, what `work` returned).
async fn while_and_after<T>(
    server: &Server,
    pace: Pace,
    work: JoinHandle<T>,
) -> anyhow::Result<(RunResult, RunResult, T)> {
    let mut slices = vec![issue_for(server, pace, SLICE).await?];
    while !work.is_finished() {
        slices.push(issue_for(server, pace, SLICE).await?);
    }
    let out = work.await?;
    let during = RunResult::combine(slices);
    let without = issue_for(
        server,
        pace,
        Duration::from_secs_f64(during.seconds).max(MIN_WITHOUT),
    )
    .await?;
    Ok((during, without, out))
}

/// What a copy came to, from the blocking thread.
struct Outcome {
    copy_s: f64,
    verify_s: f64,
    restarts: u32,
    bytes: u64,
    tickets: u64,
    failure: Option<String>,
}

/// Copies `db` to `dest` with `method`, then verifies the copy; removes it.
fn copy_and_verify(db: &Path, key_file: &Path, dest: &Path, method: Method) -> Outcome {
    let t0 = Instant::now();
    let copied = backup::copy(db, dest, method);
    let copy_s = t0.elapsed().as_secs_f64();
    let mut out = Outcome {
        copy_s,
        verify_s: 0.0,
        restarts: 0,
        bytes: 0,
        tickets: 0,
        failure: None,
    };
    match copied {
        Ok(c) => {
            (out.restarts, out.bytes) = (c.restarts, c.bytes);
            let t1 = Instant::now();
            match backup::verify(dest, key_file) {
                Ok(contents) => out.tickets = contents.tickets,
                Err(e) => out.failure = Some(format!("the copy does not verify: {e}")),
            }
            out.verify_s = t1.elapsed().as_secs_f64();
        }
        Err(backup::BackupError::GaveUp { restarts, .. }) => {
            out.restarts = restarts;
            out.failure = Some(format!(
                "gave up after {copy_s:.1} s: started again {restarts} times as tickets were written"
            ));
        }
        Err(e) => out.failure = Some(e.to_string()),
    }
    let _ = std::fs::remove_file(dest);
    out
}

/// Runs the measurement with the server `binary`.
pub async fn run(
    binary: &Path,
    mode: Mode,
    data_parent: Option<&Path>,
    verbose: bool,
) -> anyhow::Result<BackupReport> {
    let started = Instant::now();
    let say = |s: &str| {
        if verbose {
            eprintln!("[{:6.1}s] {s}", started.elapsed().as_secs_f64());
        }
    };
    let (tickets, give_up) = sizes(mode);
    let dirs = Dirs::create(data_parent)?;
    let server = Server::start(binary, &dirs).await?;
    say(&format!("issuing {tickets} tickets"));
    issue::run(
        server.addr,
        Kind::Issue,
        FILL_CONCURRENCY,
        Until::Count(tickets),
    )
    .await?;
    let db = antrean_store::database_file(&dirs.data);
    let key_file = dirs.data.join("audit.key");
    let copies_dir = dirs.data.with_file_name("copies");
    std::fs::create_dir_all(&copies_dir)?;
    let database_bytes = std::fs::metadata(&db)?.len();

    let mut copies = Vec::new();
    for (name, method) in [
        ("VACUUM INTO", Method::VacuumInto),
        ("online backup API, one step", Method::OnlineAtOnce),
        (
            "online backup API, 100 pages a step, 10 ms apart",
            Method::OnlineStepped {
                pages: 100,
                pause: Duration::from_millis(10),
                give_up,
            },
        ),
    ] {
        say(&format!(
            "{name}, while {PACED_PER_S} tickets a second are issued"
        ));
        let (db, key_file, dest) = (db.clone(), key_file.clone(), copies_dir.join("copy.db"));
        let work =
            tokio::task::spawn_blocking(move || copy_and_verify(&db, &key_file, &dest, method));
        let (during, without, o) = while_and_after(&server, Pace::Steady, work).await?;
        copies.push(CopyRun {
            method: name.to_owned(),
            finished: o.failure.is_none(),
            failure: o.failure,
            copy_s: o.copy_s,
            verify_s: o.verify_s,
            restarts: o.restarts,
            bytes: o.bytes,
            tickets: o.tickets,
            during: Load::from(&during),
            without: Load::from(&without),
        });
    }

    say(&format!(
        "`antrean backup`, while {FULL_CONCURRENCY} clients issue as fast as they can"
    ));
    let mut command = backup_command(binary, &dirs, &copies_dir.join("command.db"));
    let t0 = Instant::now();
    let work = tokio::task::spawn_blocking(move || (command.output(), t0.elapsed()));
    let (during, without, (out, took)) = while_and_after(&server, Pace::Full, work).await?;
    let out = out.context("running `antrean backup`")?;
    let succeeded = out.status.success();
    if !succeeded {
        say(&format!(
            "`antrean backup` failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    server.stop()?;
    Ok(BackupReport {
        mode,
        tickets,
        database_bytes,
        paced_per_s: PACED_PER_S,
        copies,
        command: CommandRun {
            concurrency: FULL_CONCURRENCY,
            seconds: took.as_secs_f64(),
            succeeded,
            during: Load::from(&during),
            without: Load::from(&without),
        },
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// `antrean backup FILE` on the bench's directories.
fn backup_command(binary: &Path, dirs: &Dirs, file: &Path) -> Command {
    let mut c = Command::new(binary);
    c.arg("--config")
        .arg(&dirs.config)
        .arg("--data")
        .arg(&dirs.data)
        .arg("backup")
        .arg(file)
        .env("ANTREAN_LOG", "warn");
    c
}

/// The report for people.
pub fn render(r: &BackupReport) -> String {
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    let load = |l: &Load| {
        format!(
            "{:.0} tickets/s, p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms",
            l.tickets_per_s, l.p50_ms, l.p99_ms, l.max_ms
        )
    };
    let mut s = format!(
        "Backup under load ({:?} mode, {:.0} s): {} tickets, database {:.1} MiB\n\n",
        r.mode,
        r.seconds,
        r.tickets,
        mb(r.database_bytes)
    );
    s += &format!(
        "Copies while {} tickets a second are issued (copy, then integrity_check and the audit chain on it):\n",
        r.paced_per_s
    );
    for c in &r.copies {
        s += &format!("  {}:\n", c.method);
        if c.finished {
            s += &format!(
                "    copy {:.2} s, verify {:.2} s; {:.1} MiB, {} tickets; restarts {}\n",
                c.copy_s,
                c.verify_s,
                mb(c.bytes),
                c.tickets,
                c.restarts
            );
        } else {
            s += &format!(
                "    DID NOT FINISH: {}\n",
                c.failure.as_deref().unwrap_or("?")
            );
        }
        s += &format!("    issuing during it: {}\n", load(&c.during));
        s += &format!("    and right after:   {}\n", load(&c.without));
    }
    let c = &r.command;
    s += &format!(
        "\n`antrean backup` while {} clients issue as fast as they can: {:.2} s, {}\n",
        c.concurrency,
        c.seconds,
        if c.succeeded { "verified" } else { "FAILED" }
    );
    s += &format!("    issuing during it: {}\n", load(&c.during));
    s += &format!("    and right after:   {}\n", load(&c.without));
    s
}
