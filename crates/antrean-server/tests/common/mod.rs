//! Starts the real `antrean` binary on 127.0.0.1:0 with a temporary
//! configuration and data directory, and talks to it like any client.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

pub const BIN: &str = env!("CARGO_BIN_EXE_antrean");

/// Two offices, always open, generous limits.
pub fn write_config(dir: &Path, alpha_extra: &str) {
    std::fs::create_dir_all(dir.join("offices")).unwrap();
    std::fs::write(
        dir.join("antrean.toml"),
        r#"
public_base_url = "http://antrean.test"
[security]
online_tickets_per_ip = 1000000
# No proof of work here (tests/fair.rs checks it at a low difficulty).
online_proof_bits = 0
online_share_per_ip_percent = 100
live_connections_per_ip = 100000
connections_per_ip = 100000
"#,
    )
    .unwrap();
    for (id, name, extra) in [
        ("alpha", "Kantor Alpha", alpha_extra),
        ("beta", "Kantor Beta", ""),
    ] {
        std::fs::write(
            dir.join(format!("offices/{id}.toml")),
            format!(
                r#"
id = "{id}"
name = "{name}"
time_zone = "Asia/Jakarta"
min_calls = 2
[[services]]
id = "ktp"
prefix = "A"
name = {{ id = "KTP", en = "ID card" }}
workflow = ["diterima", "dicetak", "siap diambil"]
[[services]]
id = "kk"
prefix = "B"
name = {{ id = "Kartu Keluarga" }}
quota = 5000
quota_online = 2000
[[counters]]
id = "1"
name = "Loket 1"
services = ["ktp", "kk"]
[[counters]]
id = "2"
name = "Loket 2"
services = ["ktp", "kk"]
[[counters]]
id = "3"
name = "Loket 3"
services = ["kk"]
{extra}
"#
            ),
        )
        .unwrap();
    }
}

/// A running server and its directories; killed on drop.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub config: PathBuf,
    pub data: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with("", "")
    }

    /// Starts with extra TOML for `antrean.toml` and for office `alpha`.
    pub fn start_with(server_extra: &str, alpha_extra: &str) -> Server {
        Server::start_under(&[], server_extra, alpha_extra)
    }

    /// Starts the binary under a wrapper command (`prlimit --nofile=...`).
    pub fn start_under(wrapper: &[&str], server_extra: &str, alpha_extra: &str) -> Server {
        Server::start_as(wrapper, server_extra, alpha_extra, |_| {})
    }

    /// Starts the binary with `tweak` applied to its command (its
    /// environment, where its log goes).
    pub fn start_as(
        wrapper: &[&str],
        server_extra: &str,
        alpha_extra: &str,
        tweak: impl FnOnce(&mut Command),
    ) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let data = dir.path().join("data");
        write_config(&config, alpha_extra);
        if !server_extra.is_empty() {
            let main = config.join("antrean.toml");
            let text = std::fs::read_to_string(&main).unwrap();
            std::fs::write(&main, format!("{text}\n{server_extra}\n")).unwrap();
        }
        Server::launch(wrapper, dir, config, data, tweak)
    }

    /// Starts the binary on a configuration and data directory already
    /// made (a restored backup), in `dir`, which is removed with the server.
    pub fn start_on(dir: tempfile::TempDir, config: PathBuf, data: PathBuf) -> Server {
        Server::launch(&[], dir, config, data, |_| {})
    }

    fn launch(
        wrapper: &[&str],
        dir: tempfile::TempDir,
        config: PathBuf,
        data: PathBuf,
        tweak: impl FnOnce(&mut Command),
    ) -> Server {
        let (child, base) = spawn(wrapper, &config, &data, "127.0.0.1:0", tweak);
        Server {
            child,
            base,
            config,
            data,
            _dir: dir,
        }
    }

    /// Starts the binary again on the same data (after a kill).
    pub fn restart(&mut self) {
        self.restart_under(&[]);
    }

    /// Starts the binary again on the same data, under a wrapper command.
    pub fn restart_under(&mut self, wrapper: &[&str]) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let addr = self.base.trim_start_matches("http://").to_owned();
        let (child, base) = spawn(wrapper, &self.config, &self.data, &addr, |_| {});
        self.child = child;
        self.base = base;
    }

    pub fn sigkill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn ws(&self, path: &str) -> String {
        format!("{}{path}", self.base.replace("http://", "ws://"))
    }

    /// Runs an `antrean` subcommand on this server's config and data.
    pub fn cli(&self, args: &[&str], password: Option<&str>) -> std::process::Output {
        let mut cmd = Command::new(BIN);
        cmd.arg("--config")
            .arg(&self.config)
            .arg("--data")
            .arg(&self.data)
            .args(args);
        if let Some(p) = password {
            cmd.env("ANTREAN_PASSWORD", p);
        }
        cmd.output().unwrap()
    }

    /// Adds a user with the password `kata-sandi-rahasia`, from the shell.
    pub fn add_user(&self, name: &str, role: &str, office: Option<&str>) {
        let mut args = vec!["user", "add", name, "--role", role];
        if let Some(o) = office {
            args.extend(["--office", o]);
        }
        let out = self.cli(&args, Some("kata-sandi-rahasia"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Adds a user and returns a client signed in as that user.
    pub async fn staff(&self, name: &str, role: &str, office: Option<&str>) -> Client {
        self.add_user(name, role, office);
        let c = Client::new(&self.base);
        let (status, body) = c
            .post(
                "/api/v1/session",
                json!({"username": name, "password": "kata-sandi-rahasia"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        c
    }

    /// Registers a kiosk and returns its token.
    pub fn kiosk_token(&self, office: &str, name: &str) -> String {
        let out = self.cli(&["device", "add", name, "--office", office], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `antrean serve` on this configuration and data, its log at `warn`,
/// its output piped (under `wrapper`, e.g. `prlimit ...`, when given).
pub fn serve_command(wrapper: &[&str], config: &Path, data: &Path, listen: &str) -> Command {
    let mut cmd = match wrapper.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(BIN);
            c
        }
        None => Command::new(BIN),
    };
    cmd.arg("--config")
        .arg(config)
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", listen])
        .env("ANTREAN_LOG", "warn")
        .stdout(Stdio::piped());
    cmd
}

fn spawn(
    wrapper: &[&str],
    config: &Path,
    data: &Path,
    listen: &str,
    tweak: impl FnOnce(&mut Command),
) -> (Child, String) {
    let mut cmd = serve_command(wrapper, config, data, listen);
    cmd.stderr(Stdio::inherit());
    tweak(&mut cmd);
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("server printed nothing").unwrap();
    let base = first
        .strip_prefix("Antrean serving on ")
        .expect("first line names the address")
        .to_owned();
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

/// A wrapper for [`Server::start_under`]: the server's clock starts at
/// `at` (UTC) and runs on; timers keep the
/// real monotonic clock. libfaketime is preloaded through `env`, which
/// becomes the server (the `faketime` command would stay its parent, and
/// outlive a kill).
pub fn faketime(at: &str) -> Vec<String> {
    let lib = std::fs::read_dir("/usr/lib")
        .unwrap()
        .filter_map(|d| {
            let lib = d.ok()?.path().join("faketime/libfaketime.so.1");
            lib.exists().then_some(lib)
        })
        .next()
        .expect("libfaketime is installed (Debian package faketime; tests/run installs it)");
    vec![
        "env".into(),
        format!("LD_PRELOAD={}", lib.display()),
        format!("FAKETIME=@{at}"),
        "FAKETIME_DONT_FAKE_MONOTONIC=1".into(),
        "TZ=UTC".into(),
    ]
}

pub fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// An HTTP client with its own cookie jar.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    base: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            base: base.to_owned(),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        read(r).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        read(r).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .put(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        read(r).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .delete(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        read(r).await
    }

    /// Any method, with a JSON body or none.
    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(b);
        }
        read(req.send().await.unwrap()).await
    }

    pub async fn post_empty(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        read(r).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        read(r).await
    }

    pub async fn issue(&self, office: &str, service: &str) -> Value {
        let (status, body) = self
            .post(
                &format!("/api/v1/offices/{office}/tickets"),
                json!({"service": service}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body
    }

    /// A counter action; returns status and body.
    pub async fn act(&self, office: &str, counter: &str, action: &str) -> (u16, Value) {
        self.post_empty(&format!(
            "/api/v1/offices/{office}/counters/{counter}/{action}"
        ))
        .await
    }
}

async fn read(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(url: &str) -> Ws {
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

/// The next JSON text message (pings are answered by the library).
pub async fn next_msg(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(20), ws.next())
            .await
            .expect("no message within 20 s")
            .expect("stream ended")
            .unwrap();
        if let Message::Text(t) = msg {
            return serde_json::from_str(&t).unwrap();
        }
    }
}

pub async fn close(mut ws: Ws) {
    let _ = ws.close(None).await;
    let _ = ws.send(Message::Close(None)).await;
}
