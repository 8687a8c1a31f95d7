//! Fair online tickets, both sides (`antrean-bench --fair`): what a script
//! gets from two loopback addresses (127.0.0.2, 127.0.0.3) against the
//! server's defaults (per-address budget, proof of work), solving each
//! challenge natively as fast as it can; and a citizen's time from tap to
//! ticket: fetching the challenge, solving it with the page's own
//! JavaScript solver (`shared-ui/sha256.js`, under node), issuing.
//!
//! The server runs with the shipped defaults for `[security]` (nothing
//! set but the address), so the figures are what an office gets.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::http::Conn;
use crate::server::{Dirs, Server};

const OFFICE: &str = "fair";

/// The figures of one run.
#[derive(Debug, Clone, Serialize)]
pub struct FairReport {
    /// The server's `online_proof_bits` (its default).
    pub bits: u8,
    /// How long the script ran.
    pub script_s: f64,
    /// Tickets it got, from both addresses together.
    pub script_tickets: u64,
    /// Its requests refused by the budget (429).
    pub script_refused: u64,
    pub script_tickets_per_minute: f64,
    /// A native solve (one core), mean over the script's.
    pub native_solve_ms: f64,
    /// Proofs one core solves per minute: what the proof alone would allow.
    pub native_proofs_per_minute_per_core: f64,
    /// Citizens measured (each from its own address).
    pub citizens: usize,
    /// The page's solver under node, per challenge.
    pub js_solve_ms: Summary,
    /// `GET .../challenge` plus `POST .../tickets`, each on a new
    /// connection, per citizen.
    pub round_trip_ms: Summary,
    /// Challenge, solve and issue, per citizen.
    pub tap_to_ticket_ms: Summary,
}

/// Milliseconds: the median, the 90th percentile and the largest.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Summary {
    pub p50: f64,
    pub p90: f64,
    pub max: f64,
}

impl Summary {
    fn of(xs: &mut [f64]) -> Summary {
        xs.sort_by(f64::total_cmp);
        let at = |q: f64| {
            xs.get(((xs.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or(0.0)
        };
        Summary {
            p50: at(0.5),
            p90: at(0.9),
            max: at(1.0),
        }
    }
}

fn solves(salt: &str, nonce: u64, bits: u8) -> bool {
    let d = Sha256::digest(format!("{salt}:{nonce}"));
    let mut zeros = 0;
    for b in d {
        if b == 0 {
            zeros += 8;
        } else {
            zeros += b.leading_zeros();
            break;
        }
    }
    zeros >= u32::from(bits)
}

/// What a script does: the smallest nonce, natively.
fn solve(salt: &str, bits: u8) -> u64 {
    (0..).find(|&n| solves(salt, n, bits)).unwrap_or(0)
}

/// The config: one always-open office, one service without quota, and
/// `[security]` left at its defaults.
fn dirs() -> anyhow::Result<Dirs> {
    let dirs = Dirs::create(None)?;
    std::fs::write(
        dirs.config.join("antrean.toml"),
        "listen = \"127.0.0.1:0\"\npublic_base_url = \"http://127.0.0.1:8080\"\n",
    )?;
    for entry in std::fs::read_dir(dirs.config.join("offices"))? {
        std::fs::remove_file(entry?.path())?;
    }
    std::fs::write(
        dirs.config.join(format!("offices/{OFFICE}.toml")),
        format!(
            "id = \"{OFFICE}\"\nname = \"Bench fair\"\ntime_zone = \"Asia/Jakarta\"\n\n[[services]]\nid = \"s\"\nprefix = \"A\"\nname = {{ id = \"Layanan\" }}\n\n[[counters]]\nid = \"1\"\nname = \"Loket 1\"\nservices = [\"s\"]\n"
        ),
    )?;
    Ok(dirs)
}

/// A fresh challenge: (token, salt, bits).
async fn challenge(conn: &mut Conn) -> anyhow::Result<(String, String, u8)> {
    let r = conn
        .get(&format!("/api/v1/offices/{OFFICE}/challenge"))
        .await?;
    if r.status != 200 {
        bail!("challenge: {}", r.status);
    }
    let v: Value = serde_json::from_slice(&r.body)?;
    let s = |k: &str| v[k].as_str().map(str::to_owned).context("challenge field");
    Ok((
        s("challenge")?,
        s("salt")?,
        u8::try_from(v["bits"].as_u64().unwrap_or(0))?,
    ))
}

async fn issue(conn: &mut Conn, token: &str, nonce: u64) -> anyhow::Result<u16> {
    let body = serde_json::json!({"service": "s", "proof": {"challenge": token, "nonce": nonce}});
    let r = conn
        .post(
            &format!("/api/v1/offices/{OFFICE}/tickets"),
            body.to_string().as_bytes(),
        )
        .await?;
    Ok(r.status)
}

/// One script address for `run_for`: (tickets, refused, solve time).
async fn script(
    addr: SocketAddr,
    from: IpAddr,
    run_for: Duration,
) -> anyhow::Result<(u64, u64, Duration, u64)> {
    let mut conn = Conn::connect_from(from, addr).await?;
    let (mut got, mut refused, mut solving, mut solved) = (0, 0, Duration::ZERO, 0);
    let end = Instant::now() + run_for;
    while Instant::now() < end {
        let (token, salt, bits) = challenge(&mut conn).await?;
        let t = Instant::now();
        let nonce = tokio::task::spawn_blocking(move || solve(&salt, bits)).await?;
        solving += t.elapsed();
        solved += 1;
        match issue(&mut conn, &token, nonce).await? {
            201 => got += 1,
            429 => {
                refused += 1;
                // A script keeps asking; a little less than flat out, so
                // that the measurement does not just burn the shared cores.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => bail!("script: issue answered {other}"),
        }
    }
    Ok((got, refused, solving, solved))
}

/// Citizen `i`'s own address (127.0.1.1, 127.0.1.2, ...).
fn citizen_address(i: usize) -> IpAddr {
    IpAddr::from([127, 0, 1, u8::try_from(i + 1).unwrap_or(255)])
}

/// The page's solver under node: one process, each salt in turn, the
/// milliseconds of each solve (without node's start).
fn js_solve(root: &Path, salts: &[String], bits: u8) -> anyhow::Result<Vec<(u64, f64)>> {
    let module = root.join("shared-ui/sha256.js");
    let script = format!(
        "import {{ solve }} from {module:?};\n\
         const out = [];\n\
         for (const salt of process.argv.slice(1)) {{ const t = performance.now(); const n = solve(salt, {bits}); out.push([n, performance.now() - t]); }}\n\
         console.log(JSON.stringify(out));",
        module = format!("file://{}", module.canonicalize()?.display()),
    );
    let out = std::process::Command::new("node")
        .args(["--input-type=module", "-e", &script, "--"])
        .args(salts)
        .output()
        .context("running node (the page's solver is measured with it)")?;
    if !out.status.success() {
        bail!("node: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// Runs both sides; `script_for` is how long the script takes tickets.
pub async fn run(
    binary: &Path,
    root: &Path,
    script_for: Duration,
    citizens: usize,
    verbose: bool,
) -> anyhow::Result<FairReport> {
    let dirs = dirs()?;
    let server = Server::start(binary, &dirs).await?;
    let addr = server.addr;
    if verbose {
        eprintln!("fair: a script from 127.0.0.2 and 127.0.0.3 for {script_for:?}");
    }
    let t0 = Instant::now();
    let (a, b) = tokio::join!(
        script(addr, IpAddr::from([127, 0, 0, 2]), script_for),
        script(addr, IpAddr::from([127, 0, 0, 3]), script_for),
    );
    let (a, b) = (a?, b?);
    let script_s = t0.elapsed().as_secs_f64();
    let solved = a.3 + b.3;
    let native_solve_ms = (a.2 + b.2).as_secs_f64() * 1000.0 / solved.max(1) as f64;

    if verbose {
        eprintln!("fair: {citizens} citizens, each from its own address");
    }
    // Each citizen: fetch (timed), solve with the page's solver, issue (timed).
    let mut fetched = Vec::with_capacity(citizens);
    let mut bits = 0;
    for i in 0..citizens {
        let t = Instant::now();
        let mut c = Conn::connect_from(citizen_address(i), addr).await?;
        let (token, salt, b) = challenge(&mut c).await?;
        fetched.push((token, salt, t.elapsed()));
        bits = b;
    }
    let salts: Vec<String> = fetched.iter().map(|f| f.1.clone()).collect();
    let solved = js_solve(root, &salts, bits)?;
    let (mut js, mut rtt, mut total) = (Vec::new(), Vec::new(), Vec::new());
    for (i, ((token, _, fetch), (nonce, ms))) in fetched.iter().zip(solved).enumerate() {
        // A new connection: the one that fetched the challenge may have
        // been closed as idle while node solved them all.
        let t = Instant::now();
        let mut conn = Conn::connect_from(citizen_address(i), addr).await?;
        let status = issue(&mut conn, token, nonce).await?;
        if status != 201 {
            bail!("a citizen's ticket was refused: {status}");
        }
        let round = (*fetch + t.elapsed()).as_secs_f64() * 1000.0;
        js.push(ms);
        rtt.push(round);
        total.push(ms + round);
    }
    server.stop()?;
    Ok(FairReport {
        bits,
        script_s,
        script_tickets: a.0 + b.0,
        script_refused: a.1 + b.1,
        script_tickets_per_minute: (a.0 + b.0) as f64 * 60.0 / script_s,
        native_solve_ms,
        native_proofs_per_minute_per_core: 60_000.0 / native_solve_ms.max(f64::EPSILON),
        citizens,
        js_solve_ms: Summary::of(&mut js),
        round_trip_ms: Summary::of(&mut rtt),
        tap_to_ticket_ms: Summary::of(&mut total),
    })
}

/// The report as text.
pub fn render(r: &FairReport) -> String {
    format!(
        "Fair online tickets (server defaults: proof {bits} bits)\n\
         script, 2 addresses, {s:.0} s: {t} tickets ({tpm:.1}/min), {rf} refused (429)\n\
         native solve: {ns:.1} ms (one core: {npm:.0} proofs/min without the budget)\n\
         citizen ({n}, page's JS solver under node): solve p50 {j50:.0} ms p90 {j90:.0} ms max {jmax:.0} ms; \
         round trip p50 {r50:.1} ms; tap to ticket p50 {t50:.0} ms p90 {t90:.0} ms\n",
        bits = r.bits,
        s = r.script_s,
        t = r.script_tickets,
        tpm = r.script_tickets_per_minute,
        rf = r.script_refused,
        ns = r.native_solve_ms,
        npm = r.native_proofs_per_minute_per_core,
        n = r.citizens,
        j50 = r.js_solve_ms.p50,
        j90 = r.js_solve_ms.p90,
        jmax = r.js_solve_ms.max,
        r50 = r.round_trip_ms.p50,
        t50 = r.tap_to_ticket_ms.p50,
        t90 = r.tap_to_ticket_ms.p90,
    )
}
