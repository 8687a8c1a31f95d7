//! Configuration: `antrean.toml` (the installation) and `offices/*.toml`
//! (one office each). Loading checks everything a running office relies on
//! and names the file, the key and what is wrong.

use std::collections::HashSet;
use std::num::{NonZeroU32, NonZeroU64};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use antrean_core::{DomainError, OfficeDef};
use serde::Deserialize;

/// A configuration that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {key}: {problem}")]
pub struct ConfigError {
    pub file: PathBuf,
    pub key: String,
    pub problem: String,
}

/// The whole configuration of one installation.
#[derive(Debug, Clone)]
pub struct Config {
    pub server: ServerConfig,
    /// The offices' files: each seeds its office's configuration on the
    /// first start; after that the database is the truth.
    pub offices: Vec<Arc<OfficeDef>>,
}

/// `antrean.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Default listen address of `antrean serve`.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The address citizens' phones reach the server at; printed in QR codes.
    #[serde(default = "default_base_url")]
    pub public_base_url: String,
    #[serde(default)]
    pub security: Security,
    #[serde(default)]
    pub printing: Printing,
    #[serde(default)]
    pub audit: Audit,
    #[serde(default)]
    pub privacy: Privacy,
    /// Daily backups, when set.
    pub backup: Option<Backup>,
    #[serde(default)]
    pub metrics: Metrics,
    #[serde(default)]
    pub log: Log,
    /// Serve HTTPS from this certificate and key (reloaded on SIGHUP);
    /// absent: plain HTTP (alone on the LAN, or behind a reverse proxy).
    pub tls: Option<Tls>,
}

/// `[tls]`: PEM files, relative to the configuration directory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// The certificate chain, leaf first.
    pub cert_file: PathBuf,
    /// Its private key (PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
}

/// Sign-in, sessions and rate limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    pub session_hours: u32,
    /// Mark the session cookie `Secure` always. It is anyway whenever the
    /// client's connection is HTTPS (served with `[tls]`, or said so by a
    /// trusted proxy).
    pub secure_cookies: bool,
    /// Addresses (or networks, `10.0.0.0/8`) of reverse proxies whose
    /// `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`Forwarded`
    /// never: proxies pass a client's own through);
    /// from anyone else those headers are ignored.
    pub trusted_proxies: Vec<Network>,
    /// Seconds a client may take to send a request's headers; also how long
    /// an idle keep-alive connection stays open.
    pub header_read_timeout_s: NonZeroU64,
    /// Open connections per address (HTTP and live together), at most half
    /// of what the file limit allows in total. A trusted proxy's
    /// connections count only in the total (its clients' live streams are
    /// capped by the address it names).
    pub connections_per_ip: u32,
    /// Online tickets one address may take per window.
    pub online_tickets_per_ip: u32,
    pub online_window_minutes: u32,
    /// Zero bits the citizen page's proof of work must find for an online
    /// ticket (about 2^bits SHA-256 tries; 0: no proof asked). Kiosks and
    /// staff never solve one.
    pub online_proof_bits: u8,
    /// The share (percent) of a service's daily online quota one address
    /// may take, at least 5 tickets: a script from a few addresses cannot
    /// empty it, and a carrier's shared address still gets its share (the
    /// rest of its citizens take a number at the kiosk). 100: no share.
    pub online_share_per_ip_percent: u8,
    /// Sign-in tries per (user, address) before each further one waits
    /// twice as long as the last (1 s, 2 s ... 15 min); an address has four
    /// times as many for all names together. A success starts again.
    pub sign_in_failures: u32,
    /// Open live connections per address: an office's displays, kiosks and
    /// the phones behind its Wi-Fi share one.
    pub live_connections_per_ip: u32,
    /// Seconds a request may take before it is answered 408.
    pub request_timeout_s: u64,
    /// Seconds between pings to live clients (displays, phones); one that
    /// answers none of three is dropped.
    pub live_ping_s: NonZeroU64,
}

const DEFAULT_LIVE_PING_S: NonZeroU64 = match NonZeroU64::new(20) {
    Some(s) => s,
    None => NonZeroU64::MIN,
};

const DEFAULT_HEADER_READ_TIMEOUT_S: NonZeroU64 = match NonZeroU64::new(10) {
    Some(s) => s,
    None => NonZeroU64::MIN,
};

impl Security {
    /// Time between pings to live clients.
    pub fn live_ping(&self) -> Duration {
        Duration::from_secs(self.live_ping_s.get())
    }

    /// Time to send a request's headers; the idle keep-alive time.
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_s.get())
    }

    /// Whether `ip` is one of the trusted reverse proxies.
    pub fn is_trusted_proxy(&self, ip: std::net::IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.0.contains(&ip))
    }
}

/// An address (`127.0.0.1`) or a network (`10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Network(pub ipnet::IpNet);

impl TryFrom<String> for Network {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse::<ipnet::IpNet>()
            .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            .map(Network)
            .map_err(|_| format!("`{s}` is no address or network (192.0.2.1, 10.0.0.0/8)"))
    }
}

impl std::str::FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Network::try_from(s.to_owned())
    }
}

impl Default for Security {
    fn default() -> Self {
        Security {
            session_hours: 12,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            header_read_timeout_s: DEFAULT_HEADER_READ_TIMEOUT_S,
            connections_per_ip: 1000,
            online_tickets_per_ip: 30,
            online_window_minutes: 10,
            online_proof_bits: 16,
            online_share_per_ip_percent: 20,
            sign_in_failures: 5,
            live_connections_per_ip: 2000,
            request_timeout_s: 10,
            live_ping_s: DEFAULT_LIVE_PING_S,
        }
    }
}

/// `[metrics]`: who may read `/metrics`. It tells how busy each office
/// is and how the server fares, nothing personal, but it is not for the
/// internet: by default only the office's own networks read it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Metrics {
    /// Networks whose clients may read it, by the client's address as
    /// every limit takes it (behind a trusted proxy, the address the proxy
    /// names). Default: loopback and the private ranges (RFC 1918, IPv6
    /// unique local), i.e. this machine and the office LAN.
    pub allow: Vec<Network>,
    /// With a token, `Authorization: Bearer TOKEN` reads it from anywhere
    /// (a monitoring service outside the LAN).
    pub token: Option<MetricsToken>,
}

impl Default for Metrics {
    fn default() -> Self {
        let private = [
            "127.0.0.0/8",
            "::1/128",
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "fc00::/7",
        ];
        Metrics {
            allow: private.iter().filter_map(|net| net.parse().ok()).collect(),
            token: None,
        }
    }
}

impl Metrics {
    /// Whether a client at `ip` may read the metrics by its address alone.
    pub fn allows(&self, ip: std::net::IpAddr) -> bool {
        self.allow.iter().any(|net| net.0.contains(&ip))
    }
}

/// The metrics' bearer token: long enough not to be guessed, and never
/// shown by `Debug` (a configuration printed in a log keeps it).
#[derive(Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct MetricsToken(String);

/// Characters a metrics token has at least.
const MIN_TOKEN: usize = 16;

impl MetricsToken {
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MetricsToken {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.chars().count() < MIN_TOKEN || s.chars().any(|c| c.is_whitespace()) {
            return Err(format!(
                "a token has at least {MIN_TOKEN} characters and no spaces (e.g. `openssl rand -hex 24`)"
            ));
        }
        Ok(MetricsToken(s))
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(..)")
    }
}

/// `[log]`: how the server logs, to standard error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Log {
    pub format: LogFormat,
    /// What to log: a level (`info`) or per-module directives
    /// (`antrean_server=debug,warn`); the environment's `ANTREAN_LOG`
    /// overrides it.
    pub level: LogLevel,
}

/// Lines for people (`text`), or one JSON object a line for a log
/// collector (`json`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Log filter directives, checked when the configuration is read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct LogLevel(String);

impl LogLevel {
    /// The filter these directives say.
    pub fn filter(&self) -> tracing_subscriber::EnvFilter {
        tracing_subscriber::EnvFilter::new(&self.0)
    }
}

impl Default for LogLevel {
    fn default() -> Self {
        LogLevel("info".into())
    }
}

impl TryFrom<String> for LogLevel {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        tracing_subscriber::EnvFilter::try_new(&s)
            .map(|_| LogLevel(s))
            .map_err(|e| format!("{e} (a level: error, warn, info, debug, trace)"))
    }
}

/// Network ticket printers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Printing {
    pub connect_timeout_ms: u64,
    pub write_timeout_ms: u64,
}

impl Default for Printing {
    fn default() -> Self {
        Printing {
            connect_timeout_ms: 1500,
            write_timeout_ms: 3000,
        }
    }
}

/// `[audit]`: where the audit log's secrets and checkpoints live. Relative
/// paths are taken from the data directory. The defaults put everything in
/// the data directory, beside the database but in files of their own; an
/// operator should move the keys to where a copy of the database does not
/// go (e.g. `/etc/antrean/`, readable only by the server's user) and the
/// checkpoints off the machine (a directory synced elsewhere).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Audit {
    /// The HMAC key of the hash chain (default `audit.key`).
    pub key_file: Option<PathBuf>,
    /// The Ed25519 key that signs checkpoints (default `checkpoint.key`;
    /// its public half is written beside it as `checkpoint.key.pub`).
    pub signing_key_file: Option<PathBuf>,
    /// Where signed checkpoints are written (default `checkpoints`).
    pub checkpoint_dir: Option<PathBuf>,
}

impl Audit {
    fn under(data: &Path, set: &Option<PathBuf>, default: &str) -> PathBuf {
        data.join(set.as_deref().unwrap_or(Path::new(default)))
    }

    pub fn key_file(&self, data: &Path) -> PathBuf {
        Audit::under(data, &self.key_file, "audit.key")
    }

    pub fn signing_key_file(&self, data: &Path) -> PathBuf {
        Audit::under(data, &self.signing_key_file, "checkpoint.key")
    }

    pub fn checkpoint_dir(&self, data: &Path) -> PathBuf {
        Audit::under(data, &self.checkpoint_dir, "checkpoints")
    }
}

/// `[privacy]`: how long personal data is kept, and who answers for it, as
/// the privacy notice citizens read says (UU 27/2022).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Privacy {
    /// Days after which the personal data of a ticket (its priority
    /// reason, its survey's suggestion) is erased, counted from when it was
    /// given; the anonymous figures stay. Only once the ticket's day has
    /// ended.
    pub retention_days: NonZeroU32,
    /// Who is responsible for the data (the controller), as the notice
    /// names it; empty: each office itself.
    pub controller: String,
    /// Where citizens ask for access to, or erasure of, their data: an
    /// address, e-mail or telephone; empty: the office's help desk.
    pub contact: String,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            retention_days: NonZeroU32::new(90).unwrap_or(NonZeroU32::MIN),
            controller: String::new(),
            contact: String::new(),
        }
    }
}

impl Privacy {
    /// Data given before this moment is past its retention at `now`.
    pub fn cutoff(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        now - chrono::Duration::days(i64::from(self.retention_days.get()))
    }
}

/// `[backup]`: a verified copy of the database every day at `time`, into
/// `dir`, the newest `keep` kept (see [`crate::backups`]). Every key is
/// needed: how many copies to keep, and so which to delete, is the
/// operator's to say.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// Where the copies go, relative to the data directory; best on another
    /// disk, so that one failing does not take both.
    pub dir: PathBuf,
    /// When, `HH:MM` in the server's local time.
    pub time: ClockTime,
    /// How many of the newest copies stay; older ones are deleted.
    pub keep: NonZeroU32,
}

impl Backup {
    pub fn dir(&self, data: &Path) -> PathBuf {
        data.join(&self.dir)
    }
}

/// A time of day as `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct ClockTime(pub chrono::NaiveTime);

impl TryFrom<String> for ClockTime {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M")
            .map(ClockTime)
            .map_err(|_| format!("`{s}` is not a time like 02:30 (HH:MM, 00:00 to 23:59)"))
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

fn default_base_url() -> String {
    "http://127.0.0.1:8080".into()
}

impl Config {
    /// Loads `dir/antrean.toml` and every `dir/offices/*.toml`.
    pub fn load(dir: &Path) -> Result<Config, ConfigError> {
        let main = dir.join("antrean.toml");
        let mut server: ServerConfig = parse(&main, &read(&main)?)?;
        if let Some(tls) = &mut server.tls {
            tls.cert_file = dir.join(&tls.cert_file);
            tls.key_file = dir.join(&tls.key_file);
        }
        if !server.public_base_url.starts_with("http://")
            && !server.public_base_url.starts_with("https://")
        {
            return Err(err(
                &main,
                "public_base_url",
                "must start with http:// or https://",
            ));
        }
        let offices_dir = dir.join("offices");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&offices_dir)
            .map_err(|e| {
                err(
                    &offices_dir,
                    "-",
                    &format!("cannot read the offices directory: {e}"),
                )
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(err(
                &offices_dir,
                "-",
                "no office configured (add offices/<id>.toml)",
            ));
        }
        let mut offices = Vec::new();
        let mut ids = HashSet::new();
        for file in files {
            let office = load_office(&file)?;
            if !ids.insert(office.id.clone()) {
                return Err(err(
                    &file,
                    "id",
                    &format!("office `{}` is configured twice", office.id),
                ));
            }
            offices.push(Arc::new(office));
        }
        Ok(Config { server, offices })
    }

    pub fn office(&self, id: &str) -> Option<&Arc<OfficeDef>> {
        self.offices.iter().find(|o| o.id == id)
    }
}

/// What to warn of at start when `public_base_url` names this machine's
/// loopback (`localhost`, `127.0.0.1`, `[::1]`) while the server listens on
/// another address: the kiosks, counters and displays reach it, but a
/// phone reading a printed ticket's QR code reaches nothing.
pub fn loopback_base_url_warning(
    public_base_url: &str,
    listening: std::net::SocketAddr,
) -> Option<String> {
    let uri: axum::http::Uri = public_base_url.parse().ok()?;
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (loopback && !listening.ip().is_loopback()).then(|| {
        format!(
            "public_base_url is {public_base_url}, this machine's loopback, but the server \
             listens on {listening}: the QR code printed on tickets leads phones nowhere. \
             Set public_base_url in antrean.toml to the address phones reach, \
             e.g. http://192.168.1.10:{port}",
            port = listening.port()
        )
    })
}

fn err(file: &Path, key: &str, problem: &str) -> ConfigError {
    ConfigError {
        file: file.to_owned(),
        key: key.to_owned(),
        problem: problem.to_owned(),
    }
}

fn read(file: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(file).map_err(|e| err(file, "-", &format!("cannot read: {e}")))
}

fn parse<T: serde::de::DeserializeOwned>(file: &Path, text: &str) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let key = e.span().map_or("-".to_owned(), |s| key_at(text, s.start));
        err(file, &key, e.message())
    })
}

/// Names the key at a byte offset: `[[services]] name (line 12)`.
fn key_at(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line_no = before.matches('\n').count() + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or_default();
    // Up to the end of this line: a table's missing key is reported at
    // the table's own line.
    let line_end = text[before.len()..]
        .find('\n')
        .map_or(text.len(), |i| before.len() + i);
    let table = text[..line_end]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|t| format!("{t} "))
        .unwrap_or_default();
    match line.split_once('=') {
        Some((key, _)) => format!("{table}{} (line {line_no})", key.trim()),
        None => format!("{table}(line {line_no})"),
    }
}

/// Reads an office's file: the configuration that seeds its database on
/// the first start, or that `antrean config import` applies.
pub fn load_office(file: &Path) -> Result<OfficeDef, ConfigError> {
    let def: OfficeDef = parse(file, &read(file)?)?;
    def.check().map_err(|e| match e {
        DomainError::InvalidField { field, problem } => err(file, &field, &problem),
        other => err(file, "-", &other.to_string()),
    })?;
    Ok(def)
}

/// An office's configuration as an office file: what `antrean config
/// export` writes and `load_office` reads back.
pub fn to_toml(def: &OfficeDef) -> anyhow::Result<String> {
    let body = toml::to_string(def)?;
    Ok(format!(
        "# The configuration of office `{}` as it runs, exported by `antrean config export`.\n\
         # The database is the truth: `antrean config import FILE` (server stopped) or\n\
         # /admin applies an edited copy; this file itself changes nothing.\n\n{body}",
        def.id
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::Weekday;

    #[test]
    fn a_loopback_base_url_is_warned_of_only_when_phones_could_reach_the_server() {
        let lan: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let here: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "https://LOCALHOST",
            "http://antrean.localhost:8080",
            "http://[::1]:8080",
            "http://127.0.1.1",
        ] {
            let warning = loopback_base_url_warning(url, lan).unwrap_or_default();
            assert!(
                warning.contains(url) && warning.contains("0.0.0.0:8080"),
                "{url}: {warning}"
            );
            assert_eq!(
                loopback_base_url_warning(url, here),
                None,
                "{url} on loopback"
            );
        }
        for url in [
            "http://192.168.1.10:8080",
            "https://antrean.lampungutarakab.go.id",
            "http://[fe80::1]",
        ] {
            assert_eq!(loopback_base_url_warning(url, lan), None, "{url}");
        }
    }

    #[test]
    fn the_shipped_example_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
        let config = Config::load(&dir).unwrap();
        let office = config.office("mpp-lampung-utara").unwrap();
        assert_eq!(office.time_zone, chrono_tz::Asia::Jakarta);
        assert!(office.counters.len() >= 8);
        for id in [
            "ktp-el",
            "kartu-keluarga",
            "akta",
            "pindah-datang",
            "perizinan",
            "samsat",
            "bpjs-kesehatan",
            "skck",
        ] {
            assert!(office.service(id).is_some(), "{id}");
        }
    }

    fn write_office(body: &str) -> (tempfile::TempDir, Result<Config, ConfigError>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("antrean.toml"), "").unwrap();
        std::fs::create_dir(dir.path().join("offices")).unwrap();
        std::fs::write(dir.path().join("offices/x.toml"), body).unwrap();
        let r = Config::load(dir.path());
        (dir, r)
    }

    const GOOD: &str = r#"
id = "x"
name = "X"
time_zone = "Asia/Jakarta"
[[services]]
id = "ktp"
prefix = "A"
name = { id = "KTP" }
[[counters]]
id = "1"
name = "Loket 1"
services = ["ktp"]
"#;

    #[test]
    fn errors_name_the_file_the_key_and_the_problem() {
        assert!(write_office(GOOD).1.is_ok());
        let cases = [
            (
                GOOD.replace("Asia/Jakarta", "Asia/Atlantis"),
                "time_zone",
                "failed to parse timezone",
            ),
            (
                GOOD.replace("services = [\"ktp\"]", "services = [\"kk\"]"),
                "counters[0].services",
                "unknown service `kk`",
            ),
            (
                GOOD.replace("prefix = \"A\"", "prefix = \"a1\""),
                "services[0].prefix",
                "capital letters",
            ),
            (
                GOOD.replace("name = \"X\"", "name = 5"),
                "name (line 3)",
                "invalid type",
            ),
            (
                GOOD.replace("prefix = \"A\"", "prefix = 1"),
                "[[services]] prefix (line 7)",
                "invalid type",
            ),
            (format!("{GOOD}\ncolour = \"red\""), "line", "unknown field"),
            (
                GOOD.replace("name = \"X\"", "name = \"X\"\nnumber_reading = \"roman\""),
                "number_reading (line 4)",
                "unknown variant `roman`",
            ),
            (
                GOOD.replace(
                    "name = \"Loket 1\"",
                    "name = \"Loket 1\"\npolicy = \"random\"",
                ),
                "[[counters]] policy",
                "unknown variant `random`",
            ),
            (
                format!("{GOOD}\n[hours]\nfunday = \"07:30-16:00\""),
                "[hours] funday",
                "unknown field",
            ),
            (
                format!(
                    "{GOOD}\n[[printers]]\nid = \"p\"\naddress = \"10.0.0.9:9100\"\npaper = \"A4\""
                ),
                "[[printers]] paper",
                "unknown variant `A4`",
            ),
        ];
        for (body, key, problem) in cases {
            let e = write_office(&body).1.unwrap_err();
            let text = e.to_string();
            assert!(text.contains("x.toml"), "{text}");
            assert!(e.key.contains(key), "{text}");
            assert!(text.contains(problem), "{text}");
        }
    }

    #[test]
    fn hours_per_day_breaks_service_hours_and_closed_days() {
        let body = GOOD.replace(
            "time_zone = \"Asia/Jakarta\"",
            "time_zone = \"Asia/Jakarta\"\n\
             hours = { mon = \"07:30-12:00, 13:00-16:00\", fri = \"07:30-11:30\" }\n\
             closed = [{ from = \"2026-12-24\", to = \"2026-12-25\", reason = { id = \"Natal\" } }]",
        )
        .replace("name = { id = \"KTP\" }", "name = { id = \"KTP\" }\nhours = { tue = \"08:00-14:00\" }");
        let (_dir, config) = write_office(&body);
        let office = config.unwrap().offices[0].clone();
        let week = office.hours.as_ref().unwrap();
        assert_eq!(week.on(Weekday::Mon).len(), 2, "a break at midday");
        assert_eq!(week.on(Weekday::Fri).len(), 1);
        assert!(
            week.on(Weekday::Sat).is_empty(),
            "a day not named is closed"
        );
        let closure = &office.closed[0];
        assert_eq!(
            (closure.from.to_string(), closure.to.to_string()),
            ("2026-12-24".into(), "2026-12-25".into())
        );
        let ktp = office.service("ktp").unwrap().hours.as_ref().unwrap();
        assert_eq!(ktp.on(Weekday::Tue).len(), 1);
        assert!(ktp.on(Weekday::Mon).is_empty());
        for (bad, key, problem) in [
            ("hours = { mon = \"16:00-07:30\" }", "hours", "opening must be before closing"),
            ("hours = { mon = \"07:30-12:00, 11:00-13:00\" }", "hours", "overlap"),
            ("hours = { mon = \"pagi\" }", "hours", "not hours like"),
            ("closed = [{ from = \"2026-12-25\", to = \"2026-12-24\", reason = { id = \"x\" } }]", "closed[0].to", "before"),
            ("closed = [{ from = \"2026-12-25\", reason = { en = \"x\" } }]", "closed[0].reason", "default language"),
        ] {
            let body = GOOD.replace("time_zone = \"Asia/Jakarta\"", &format!("time_zone = \"Asia/Jakarta\"\n{bad}"));
            let e = write_office(&body).1.unwrap_err();
            assert!(e.key.contains(key) && e.problem.contains(problem), "{bad}: {e}");
        }
    }

    #[test]
    fn the_backup_table_is_read_and_each_bad_key_named() {
        let (dir, config) = write_office(GOOD);
        assert!(config.unwrap().server.backup.is_none(), "off unless set");
        let main = dir.path().join("antrean.toml");
        std::fs::write(
            &main,
            "[backup]\ndir = \"/mnt/cadangan\"\ntime = \"02:30\"\nkeep = 14\n",
        )
        .unwrap();
        let backup = Config::load(dir.path()).unwrap().server.backup.unwrap();
        assert_eq!(
            backup.dir(Path::new("/var/lib/antrean")),
            Path::new("/mnt/cadangan")
        );
        assert_eq!(backup.time.to_string(), "02:30");
        assert_eq!(backup.keep.get(), 14);
        for (body, key, problem) in [
            (
                "dir = \"b\"\ntime = \"25:00\"\nkeep = 3",
                "[backup] time (line 3)",
                "not a time like 02:30",
            ),
            (
                "dir = \"b\"\ntime = \"pagi\"\nkeep = 3",
                "[backup] time",
                "not a time",
            ),
            (
                "dir = \"b\"\ntime = \"02:00\"\nkeep = 0",
                "[backup] keep (line 4)",
                "nonzero",
            ),
            (
                "dir = \"b\"\ntime = \"02:00\"",
                "[backup]",
                "missing field `keep`",
            ),
            (
                "time = \"02:00\"\nkeep = 3",
                "[backup]",
                "missing field `dir`",
            ),
            (
                "dir = \"b\"\ntime = \"02:00\"\nkeep = 3\nhour = 2",
                "[backup] hour",
                "unknown field",
            ),
        ] {
            std::fs::write(&main, format!("[backup]\n{body}\n")).unwrap();
            let e = Config::load(dir.path()).unwrap_err();
            let text = e.to_string();
            assert!(text.contains("antrean.toml"), "{text}");
            assert!(
                e.key.contains(key) && e.problem.contains(problem),
                "{body}: {text}"
            );
        }
    }

    #[test]
    fn metrics_are_for_the_lan_unless_configured_and_a_short_token_is_refused() {
        let (dir, config) = write_office(GOOD);
        let metrics = config.unwrap().server.metrics;
        for ip in [
            "127.0.0.1",
            "::1",
            "10.1.2.3",
            "172.31.0.9",
            "192.168.10.5",
            "fd00::5",
        ] {
            assert!(metrics.allows(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "172.32.0.1", "2001:db8::1", "100.64.0.1"] {
            assert!(!metrics.allows(ip.parse().unwrap()), "{ip}");
        }
        assert!(metrics.token.is_none());
        let main = dir.path().join("antrean.toml");
        std::fs::write(
            &main,
            "[metrics]\nallow = [\"10.0.0.0/8\"]\ntoken = \"0123456789abcdef01\"\n",
        )
        .unwrap();
        let metrics = Config::load(dir.path()).unwrap().server.metrics;
        assert!(!metrics.allows("127.0.0.1".parse().unwrap()));
        assert_eq!(metrics.token.unwrap().secret(), "0123456789abcdef01");
        std::fs::write(&main, "[metrics]\ntoken = \"kurang\"\n").unwrap();
        let text = Config::load(dir.path()).unwrap_err().to_string();
        assert!(
            text.contains("token") && text.contains("16 characters"),
            "{text}"
        );
        std::fs::write(&main, "[metrics]\nallow = [\"lan\"]\n").unwrap();
        let text = Config::load(dir.path()).unwrap_err().to_string();
        assert!(text.contains("allow") && text.contains("`lan`"), "{text}");
    }

    #[test]
    fn the_log_takes_a_format_and_a_checked_level() {
        let (dir, config) = write_office(GOOD);
        let log = config.unwrap().server.log;
        assert_eq!(
            (log.format, log.level),
            (LogFormat::Text, LogLevel::default())
        );
        let main = dir.path().join("antrean.toml");
        std::fs::write(
            &main,
            "[log]\nformat = \"json\"\nlevel = \"antrean_server=debug,warn\"\n",
        )
        .unwrap();
        let log = Config::load(dir.path()).unwrap().server.log;
        assert_eq!(log.format, LogFormat::Json);
        assert_eq!(log.level.0, "antrean_server=debug,warn");
        for (bad, key) in [
            ("format = \"xml\"", "format"),
            ("level = \"antrean=loud\"", "level"),
        ] {
            std::fs::write(&main, format!("[log]\n{bad}\n")).unwrap();
            let e = Config::load(dir.path()).unwrap_err();
            assert!(e.key.contains(key), "{bad}: {e}");
        }
    }

    #[test]
    fn a_ping_interval_of_zero_is_refused() {
        let (dir, _) = write_office(GOOD);
        let main = dir.path().join("antrean.toml");
        std::fs::write(&main, "[security]\nlive_ping_s = 0\n").unwrap();
        let text = Config::load(dir.path()).unwrap_err().to_string();
        assert!(text.contains("antrean.toml"), "{text}");
        assert!(text.contains("live_ping_s"), "{text}");
        assert!(text.contains("nonzero"), "{text}");
        std::fs::write(&main, "[security]\nlive_ping_s = 5\n").unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(config.server.security.live_ping_s.get(), 5);
    }
}
