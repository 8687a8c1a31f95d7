//! Configuration: `antrean.toml` (the installation) and `offices/*.toml`
//! (one office each). Loading checks everything a running office relies on
//! and names the file, the key and what is wrong.

use std::collections::{BTreeMap, HashSet};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use antrean_core::words::NumberReading;
use antrean_core::{CallPolicy, CounterDef, Hours, OfficeDef, ServiceDef, ServiceStandard};
use antrean_ticket::Paper;
use chrono::{NaiveTime, Weekday};
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
    pub offices: Vec<Arc<OfficeConfig>>,
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
}

/// Sign-in, sessions and rate limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    pub session_hours: u32,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Online tickets one address may take per window.
    pub online_tickets_per_ip: u32,
    pub online_window_minutes: u32,
    /// Failed sign-ins per address (and per user name) per 15 minutes.
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

impl Security {
    /// Time between pings to live clients.
    pub fn live_ping(&self) -> Duration {
        Duration::from_secs(self.live_ping_s.get())
    }
}

impl Default for Security {
    fn default() -> Self {
        Security {
            session_hours: 12,
            secure_cookies: false,
            online_tickets_per_ip: 30,
            online_window_minutes: 10,
            sign_in_failures: 10,
            live_connections_per_ip: 2000,
            request_timeout_s: 10,
            live_ping_s: DEFAULT_LIVE_PING_S,
        }
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

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

fn default_base_url() -> String {
    "http://127.0.0.1:8080".into()
}

/// One office: the rules for the core plus what only the screens need.
#[derive(Debug, Clone)]
pub struct OfficeConfig {
    pub def: Arc<OfficeDef>,
    pub number_reading: NumberReading,
    /// Running text on the lobby display.
    pub running_text: String,
    pub address: String,
    pub printers: Vec<PrinterConfig>,
}

/// A kiosk's network printer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    pub id: String,
    /// `host:port`, usually port 9100.
    pub address: String,
    /// `80mm` (default) or `58mm`.
    #[serde(default)]
    pub paper: Paper,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficeFile {
    id: String,
    name: String,
    #[serde(default)]
    address: String,
    time_zone: String,
    #[serde(default = "default_languages")]
    languages: Vec<String>,
    #[serde(default)]
    hours: Option<HoursFile>,
    #[serde(default = "default_min_calls")]
    min_calls: u32,
    #[serde(default)]
    priority_ratio: Option<u32>,
    #[serde(default)]
    number_reading: NumberReading,
    #[serde(default)]
    running_text: String,
    services: Vec<ServiceFile>,
    counters: Vec<CounterFile>,
    #[serde(default)]
    printers: Vec<PrinterConfig>,
}

fn default_languages() -> Vec<String> {
    vec!["id".into(), "en".into()]
}

fn default_min_calls() -> u32 {
    2
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HoursFile {
    days: Vec<Weekday>,
    open: String,
    close: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceFile {
    id: String,
    prefix: String,
    name: BTreeMap<String, String>,
    #[serde(default)]
    quota: Option<u32>,
    #[serde(default)]
    quota_online: Option<u32>,
    #[serde(default = "default_service_minutes")]
    service_minutes: u32,
    #[serde(default)]
    requirements: Vec<String>,
    #[serde(default)]
    completion_time: String,
    #[serde(default)]
    cost: String,
    #[serde(default)]
    workflow: Vec<String>,
}

fn default_service_minutes() -> u32 {
    5
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CounterFile {
    id: String,
    name: String,
    services: Vec<String>,
    #[serde(default)]
    policy: CallPolicy,
}

impl Config {
    /// Loads `dir/antrean.toml` and every `dir/offices/*.toml`.
    pub fn load(dir: &Path) -> Result<Config, ConfigError> {
        let main = dir.join("antrean.toml");
        let server: ServerConfig = parse(&main, &read(&main)?)?;
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
            if !ids.insert(office.def.id.clone()) {
                return Err(err(
                    &file,
                    "id",
                    &format!("office `{}` is configured twice", office.def.id),
                ));
            }
            offices.push(Arc::new(office));
        }
        Ok(Config { server, offices })
    }

    pub fn office(&self, id: &str) -> Option<&Arc<OfficeConfig>> {
        self.offices.iter().find(|o| o.def.id == id)
    }
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
    let table = before
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

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn load_office(file: &Path) -> Result<OfficeConfig, ConfigError> {
    let f: OfficeFile = parse(file, &read(file)?)?;
    let e = |key: &str, problem: &str| err(file, key, problem);
    if !is_slug(&f.id) {
        return Err(e(
            "id",
            "must be a slug: lowercase letters, digits, `-` or `_`",
        ));
    }
    let time_zone: chrono_tz::Tz = f.time_zone.parse().map_err(|_| {
        e(
            "time_zone",
            &format!("unknown time zone `{}` (e.g. Asia/Jakarta)", f.time_zone),
        )
    })?;
    if f.languages.is_empty() {
        return Err(e("languages", "at least one language, the default first"));
    }
    let hours = f
        .hours
        .map(|h| parse_hours(&h))
        .transpose()
        .map_err(|p| e("hours", &p))?;
    if f.min_calls == 0 {
        return Err(e("min_calls", "must be at least 1"));
    }
    if f.services.is_empty() {
        return Err(e("services", "at least one service"));
    }
    let mut services = Vec::new();
    let mut prefixes = HashSet::new();
    for (i, s) in f.services.into_iter().enumerate() {
        let key = |k: &str| format!("services[{i}].{k}");
        if !is_slug(&s.id) {
            return Err(e(
                &key("id"),
                "must be a slug: lowercase letters, digits, `-` or `_`",
            ));
        }
        if services.iter().any(|x: &ServiceDef| x.id == s.id) {
            return Err(e(
                &key("id"),
                &format!("service `{}` is configured twice", s.id),
            ));
        }
        if s.prefix.is_empty()
            || s.prefix.len() > 3
            || !s.prefix.chars().all(|c| c.is_ascii_uppercase())
        {
            return Err(e(&key("prefix"), "1 to 3 capital letters"));
        }
        if !prefixes.insert(s.prefix.clone()) {
            return Err(e(
                &key("prefix"),
                &format!("prefix `{}` is used by another service", s.prefix),
            ));
        }
        if !s.name.contains_key(&f.languages[0]) {
            return Err(e(
                &key("name"),
                &format!("needs a name in the default language `{}`", f.languages[0]),
            ));
        }
        if let (Some(total), Some(online)) = (s.quota, s.quota_online) {
            if online > total {
                return Err(e(&key("quota_online"), "cannot exceed quota"));
            }
        }
        if s.service_minutes == 0 {
            return Err(e(&key("service_minutes"), "must be at least 1"));
        }
        services.push(ServiceDef {
            id: s.id,
            names: s.name,
            prefix: s.prefix,
            quota_total: s.quota,
            quota_online: s.quota_online,
            service_time_s: s.service_minutes * 60,
            standard: ServiceStandard {
                requirements: s.requirements,
                completion_time: s.completion_time,
                cost: s.cost,
            },
            workflow: s.workflow,
        });
    }
    let mut counters: Vec<CounterDef> = Vec::new();
    for (i, c) in f.counters.into_iter().enumerate() {
        let key = |k: &str| format!("counters[{i}].{k}");
        if !is_slug(&c.id) {
            return Err(e(
                &key("id"),
                "must be a slug: lowercase letters, digits, `-` or `_`",
            ));
        }
        if counters.iter().any(|x| x.id == c.id) {
            return Err(e(
                &key("id"),
                &format!("counter `{}` is configured twice", c.id),
            ));
        }
        if c.services.is_empty() {
            return Err(e(&key("services"), "a counter serves at least one service"));
        }
        for s in &c.services {
            if !services.iter().any(|x| &x.id == s) {
                return Err(e(&key("services"), &format!("unknown service `{s}`")));
            }
        }
        counters.push(CounterDef {
            id: c.id,
            name: c.name,
            services: c.services,
            policy: c.policy,
        });
    }
    for s in &services {
        if !counters.iter().any(|c| c.services.contains(&s.id)) {
            return Err(e("counters", &format!("no counter serves `{}`", s.id)));
        }
    }
    for (i, p) in f.printers.iter().enumerate() {
        if !is_slug(&p.id) || !p.address.contains(':') {
            return Err(e(
                &format!("printers[{i}]"),
                "needs a slug `id` and an `address` host:port",
            ));
        }
    }
    Ok(OfficeConfig {
        def: Arc::new(OfficeDef {
            id: f.id,
            name: f.name,
            time_zone,
            hours,
            languages: f.languages,
            services,
            counters,
            min_calls: f.min_calls,
            priority_ratio: f.priority_ratio,
        }),
        number_reading: f.number_reading,
        running_text: f.running_text,
        address: f.address,
        printers: f.printers,
    })
}

fn parse_hours(h: &HoursFile) -> Result<Hours, String> {
    let time = |s: &str| {
        NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("`{s}` is not a time like 07:30"))
    };
    let (open, close) = (time(&h.open)?, time(&h.close)?);
    if open >= close {
        return Err("open must be before close".into());
    }
    Ok(Hours {
        days: h.days.clone(),
        open,
        close,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_shipped_example_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
        let config = Config::load(&dir).unwrap();
        let office = config.office("mpp-lampung-utara").unwrap();
        assert_eq!(office.def.time_zone, chrono_tz::Asia::Jakarta);
        assert!(office.def.counters.len() >= 8);
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
            assert!(office.def.service(id).is_some(), "{id}");
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
                "unknown time zone",
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
                format!(
                    "{GOOD}\n[hours]\ndays = [\"funday\"]\nopen = \"07:30\"\nclose = \"16:00\""
                ),
                "[hours] days",
                "weekday names",
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
