//! The server under test, as a black box: its configuration written into a
//! temporary directory, the process started and stopped, its memory read
//! from `/proc`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::http::Conn;

/// Offices that take the ticket load, each with [`SERVICES`] services.
pub const ISSUE_OFFICES: [&str; 4] = ["o1", "o2", "o3", "o4"];
pub const SERVICES: [&str; 4] = ["s0", "s1", "s2", "s3"];
/// The office the live clients watch; nothing else touches it, so its
/// stream carries only the clerk's events.
pub const LIVE_OFFICE: &str = "live";
pub const LIVE_SERVICE: &str = "s0";
/// Counters of the live office (one per live run, so each starts closed).
pub const LIVE_COUNTERS: usize = 4;
pub const USER: &str = "bench";
pub const PASSWORD: &str = "kopi-pahit-2026";

/// Temporary configuration and data directories, removed on drop.
#[derive(Debug)]
pub struct Dirs {
    _root: tempfile::TempDir,
    pub config: PathBuf,
    pub data: PathBuf,
    /// The server's stderr (its log), shown when it fails.
    pub log: PathBuf,
}

impl Dirs {
    /// Writes the bench's configuration. `parent` is where the data lives:
    /// the fsync figure is of that disk.
    pub fn create(parent: Option<&Path>) -> anyhow::Result<Dirs> {
        let root = match parent {
            Some(p) => tempfile::Builder::new()
                .prefix("antrean-bench-")
                .tempdir_in(p)?,
            None => tempfile::Builder::new()
                .prefix("antrean-bench-")
                .tempdir()?,
        };
        let config = root.path().join("config");
        let data = root.path().join("data");
        std::fs::create_dir_all(config.join("offices"))?;
        std::fs::create_dir_all(&data)?;
        std::fs::write(
            config.join("antrean.toml"),
            "listen = \"127.0.0.1:0\"\npublic_base_url = \"http://127.0.0.1:8080\"\n\n[security]\n\
             online_tickets_per_ip = 100000000\nonline_window_minutes = 10\nlive_connections_per_ip = 50000\n\
             # the server allows one address at most half of its connections\nconnections_per_ip = 50000\n\
             sign_in_failures = 1000\nrequest_timeout_s = 30\n\
             # issuance is measured without the online proof of work (src/fair.rs measures it)\n\
             online_proof_bits = 0\nonline_share_per_ip_percent = 100\n",
        )?;
        for office in ISSUE_OFFICES {
            std::fs::write(
                config.join(format!("offices/{office}.toml")),
                office_toml(office, &SERVICES, 2),
            )?;
        }
        std::fs::write(
            config.join(format!("offices/{LIVE_OFFICE}.toml")),
            office_toml(LIVE_OFFICE, &[LIVE_SERVICE], LIVE_COUNTERS),
        )?;
        let log = root.path().join("server.log");
        Ok(Dirs {
            _root: root,
            config,
            data,
            log,
        })
    }
}

/// An always-open office (no `hours`) whose services have no quota.
fn office_toml(id: &str, services: &[&str], counters: usize) -> String {
    let mut s =
        format!("id = \"{id}\"\nname = \"Bench office {id}\"\ntime_zone = \"Asia/Jakarta\"\n");
    for (i, svc) in services.iter().enumerate() {
        let prefix = char::from(b'A' + u8::try_from(i).unwrap_or(0));
        s += &format!("\n[[services]]\nid = \"{svc}\"\nprefix = \"{prefix}\"\nname = {{ id = \"Layanan {svc}\", en = \"Service {svc}\" }}\n");
    }
    let all = services
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ");
    for c in 1..=counters {
        s += &format!("\n[[counters]]\nid = \"c{c}\"\nname = \"Loket {c}\"\nservices = [{all}]\n");
    }
    s
}

/// Adds the admin the clerk signs in as.
pub fn add_user(binary: &Path, dirs: &Dirs) -> anyhow::Result<()> {
    let out = Command::new(binary)
        .arg("--config")
        .arg(&dirs.config)
        .arg("--data")
        .arg(&dirs.data)
        .args(["user", "add", USER, "--role", "admin"])
        .env("ANTREAN_PASSWORD", PASSWORD)
        .env("ANTREAN_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", binary.display()))?;
    if !out.status.success() {
        bail!(
            "`antrean user add` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// From spawn to the "serving" line on stdout.
    pub banner: Duration,
    /// From spawn to the first successful HTTP answer.
    pub ready: Duration,
    log: PathBuf,
}

impl Server {
    /// Starts the server and waits until it answers `GET /api/v1/offices`.
    pub async fn start(binary: &Path, dirs: &Dirs) -> anyhow::Result<Server> {
        if !binary.is_file() {
            bail!("server binary {} not found (build it: cargo build --release -p antrean-server, or pass --server PATH)", binary.display());
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&dirs.log)?;
        let t0 = Instant::now();
        let mut child = Command::new(binary)
            .arg("--config")
            .arg(&dirs.config)
            .arg("--data")
            .arg(&dirs.data)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("ANTREAN_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        // The first line names the address; the rest is drained so that the
        // server never blocks on a full pipe.
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok).unwrap_or_default();
            let _ = tx.send(first);
            for _ in lines {}
        });
        let first = tokio::time::timeout(Duration::from_secs(120), rx)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let banner = t0.elapsed();
        let Some(addr) = first
            .strip_prefix("Antrean serving on http://")
            .and_then(|a| a.trim().parse().ok())
        else {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "the server did not start; first line {first:?}; log:\n{}",
                tail(&dirs.log)
            );
        };
        let mut server = Server {
            child,
            addr,
            banner,
            ready: Duration::ZERO,
            log: dirs.log.clone(),
        };
        let deadline = t0 + Duration::from_secs(120);
        loop {
            // While the offices are restored the socket already listens: the
            // request waits in the backlog and is answered once serving.
            let answered = match Conn::connect(addr).await {
                Ok(mut c) => matches!(c.get("/api/v1/offices").await, Ok(r) if r.status == 200),
                Err(_) => false,
            };
            if answered {
                break;
            }
            if Instant::now() > deadline {
                bail!(
                    "the server did not answer within 120 s; log:\n{}",
                    tail(&server.log)
                );
            }
            if let Some(status) = server.child.try_wait()? {
                bail!("the server exited ({status}); log:\n{}", tail(&server.log));
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        server.ready = t0.elapsed();
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now (VmRSS), in bytes.
    pub fn rss(&self) -> anyhow::Result<u64> {
        rss_of(self.pid())
    }

    /// CPU time the server has used so far (user + system), in seconds.
    fn cpu_s(&self) -> anyhow::Result<f64> {
        cpu_s(&format!("/proc/{}/stat", self.pid()))
    }

    /// CPU seconds used so far by the server's threads named `name` (the
    /// names are visible from outside, like the RSS).
    fn thread_cpu_s(&self, name: &str) -> anyhow::Result<f64> {
        let mut total = 0.0;
        for task in std::fs::read_dir(format!("/proc/{}/task", self.pid()))? {
            let dir = task?.path();
            if std::fs::read_to_string(dir.join("comm"))?.trim() == name {
                total += cpu_s(&dir.join("stat").to_string_lossy())?;
            }
        }
        Ok(total)
    }

    /// SIGTERM (through `kill`, the workspace forbids unsafe code), then
    /// waits for the graceful shutdown; SIGKILL after 30 s.
    pub fn stop(mut self) -> anyhow::Result<Duration> {
        let t0 = Instant::now();
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        while t0.elapsed() < Duration::from_secs(30) {
            if self.child.try_wait()?.is_some() {
                return Ok(t0.elapsed());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        self.child.wait()?;
        bail!(
            "the server did not stop within 30 s of SIGTERM; log:\n{}",
            tail(&self.log)
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A server left by an error path: never outlive the bench.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The last lines of the server's log.
pub fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// Resident memory of a process now (VmRSS), in bytes.
pub fn rss_of(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .context("no VmRSS in /proc/PID/status")?;
    Ok(kb * 1024)
}

/// Signs in as the bench's admin on `conn`.
pub async fn sign_in(conn: &mut Conn) -> anyhow::Result<()> {
    let body = serde_json::json!({ "username": USER, "password": PASSWORD }).to_string();
    let r = conn.post("/api/v1/session", body.as_bytes()).await?;
    if r.status != 200 {
        bail!(
            "sign-in answered {}: {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    conn.set_cookie(r.set_cookie.context("sign-in set no cookie")?);
    Ok(())
}

/// User + system CPU seconds of the process whose `/proc/.../stat` this is
/// (fields 14 and 15, after the command name in parentheses).
pub fn cpu_s(stat_path: &str) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(stat_path)?;
    let rest = stat.rsplit_once(')').map(|(_, r)| r).context("bad stat")?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state): utime is field 14, stime 15.
    let ticks: u64 = f.get(11).context("no utime")?.parse::<u64>()?
        + f.get(12).context("no stime")?.parse::<u64>()?;
    // The kernel reports in USER_HZ, 100 on Linux.
    Ok(ticks as f64 / 100.0)
}

/// The name of the server's database writer thread.
const WRITER_THREAD: &str = "antrean-writer";

/// Where the machine's CPU went between two readings: the server (and its
/// writer thread), this bench (the load generator), and nobody.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuUse {
    pub server_s: f64,
    pub writer_s: f64,
    pub bench_s: f64,
    /// Clock ticks of all cores (`/proc/stat`), and of those idle or
    /// waiting for I/O.
    all_ticks: u64,
    idle_ticks: u64,
}

impl CpuUse {
    /// Share of the cores' time nobody used.
    pub fn idle_share(&self) -> f64 {
        self.idle_ticks as f64 / self.all_ticks.max(1) as f64
    }
}

impl std::ops::AddAssign for CpuUse {
    fn add_assign(&mut self, o: CpuUse) {
        self.server_s += o.server_s;
        self.writer_s += o.writer_s;
        self.bench_s += o.bench_s;
        self.all_ticks += o.all_ticks;
        self.idle_ticks += o.idle_ticks;
    }
}

/// One reading of the counters behind [`CpuUse`].
#[derive(Debug, Clone, Copy)]
pub struct CpuMeter(CpuUse);

impl CpuMeter {
    /// Reads the counters now.
    pub fn read(server: &Server) -> anyhow::Result<CpuMeter> {
        let stat = std::fs::read_to_string("/proc/stat")?;
        // "cpu  user nice system idle iowait irq softirq steal ...": all cores.
        let ticks: Vec<u64> = stat
            .lines()
            .next()
            .context("empty /proc/stat")?
            .split_whitespace()
            .skip(1)
            .take(8)
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        Ok(CpuMeter(CpuUse {
            server_s: server.cpu_s()?,
            writer_s: server.thread_cpu_s(WRITER_THREAD)?,
            bench_s: cpu_s("/proc/self/stat")?,
            all_ticks: ticks.iter().sum(),
            idle_ticks: ticks.get(3..5).context("short /proc/stat")?.iter().sum(),
        }))
    }

    /// What was used from this reading until `later`.
    pub fn until(&self, later: &CpuMeter) -> CpuUse {
        let (a, b) = (&self.0, &later.0);
        CpuUse {
            server_s: b.server_s - a.server_s,
            writer_s: b.writer_s - a.writer_s,
            bench_s: b.bench_s - a.bench_s,
            all_ticks: b.all_ticks.saturating_sub(a.all_ticks),
            idle_ticks: b.idle_ticks.saturating_sub(a.idle_ticks),
        }
    }
}
