//! Configuration: `antrean.toml` (the installation) and `offices/*.toml`
//! (one office each). Loading checks everything a running office relies on
//! and names the file, the key and what is wrong.

use std::collections::{BTreeMap, HashSet};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use antrean_core::calendar::{Calendar, Closure, Interval, WeekHours};
use antrean_core::words::NumberReading;
use antrean_core::{CallPolicy, CounterDef, OfficeDef, ServiceDef, ServiceStandard};
use antrean_ticket::Paper;
use chrono::{NaiveDate, NaiveTime, Weekday};
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
    /// Public holidays, collective leave and one-off closures.
    #[serde(default)]
    closed: Vec<ClosedFile>,
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

/// Opening hours, as written: either the same hours on some days
/// (`{ days = ["mon", ...], open = "07:30", close = "16:00" }`), or each
/// day's own (`mon = "07:30-12:00, 13:00-16:00"`, `fri = "07:30-11:30"`; a
/// day not named is closed).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HoursFile {
    days: Option<Vec<Weekday>>,
    open: Option<String>,
    close: Option<String>,
    mon: Option<String>,
    tue: Option<String>,
    wed: Option<String>,
    thu: Option<String>,
    fri: Option<String>,
    sat: Option<String>,
    sun: Option<String>,
}

/// A day or days on which the office is closed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClosedFile {
    from: NaiveDate,
    /// The last day closed; `from` when absent.
    to: Option<NaiveDate>,
    /// Shown to citizens, per language: `{ id = "Hari Raya Natal", en = "Christmas Day" }`.
    reason: BTreeMap<String, String>,
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
    /// Hours of its own; the office's when absent.
    #[serde(default)]
    hours: Option<HoursFile>,
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
    let week = f
        .hours
        .map(|h| parse_hours(&h))
        .transpose()
        .map_err(|p| e("hours", &p))?;
    let mut closures = Vec::new();
    for (i, c) in f.closed.into_iter().enumerate() {
        let to = c.to.unwrap_or(c.from);
        if to < c.from {
            return Err(e(&format!("closed[{i}].to"), "must not be before `from`"));
        }
        if !c.reason.contains_key(&f.languages[0]) {
            return Err(e(
                &format!("closed[{i}].reason"),
                &format!(
                    "needs a reason in the default language `{}`",
                    f.languages[0]
                ),
            ));
        }
        closures.push(Closure {
            from: c.from,
            to,
            reason: c.reason,
        });
    }
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
            hours: s
                .hours
                .map(|h| parse_hours(&h))
                .transpose()
                .map_err(|p| e(&key("hours"), &p))?,
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
            calendar: Calendar { week, closures },
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

fn parse_hours(h: &HoursFile) -> Result<WeekHours, String> {
    let time = |s: &str| {
        NaiveTime::parse_from_str(s.trim(), "%H:%M")
            .map_err(|_| format!("`{s}` is not a time like 07:30"))
    };
    let per_day = [
        (Weekday::Mon, &h.mon),
        (Weekday::Tue, &h.tue),
        (Weekday::Wed, &h.wed),
        (Weekday::Thu, &h.thu),
        (Weekday::Fri, &h.fri),
        (Weekday::Sat, &h.sat),
        (Weekday::Sun, &h.sun),
    ];
    let days: Vec<(Weekday, Vec<Interval>)> = match (&h.days, &h.open, &h.close) {
        (Some(days), Some(open), Some(close)) if per_day.iter().all(|(_, d)| d.is_none()) => {
            let i = Interval {
                open: time(open)?,
                close: time(close)?,
            };
            days.iter().map(|d| (*d, vec![i])).collect()
        }
        (None, None, None) => per_day
            .iter()
            .filter_map(|(day, text)| text.as_deref().map(|t| (*day, t)))
            .map(|(day, text)| {
                let intervals = text
                    .split(',')
                    .map(|part| {
                        let (open, close) = part.split_once('-').ok_or_else(|| {
                            format!("{day}: `{part}` is not hours like 07:30-12:00")
                        })?;
                        Ok(Interval {
                            open: time(open)?,
                            close: time(close)?,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok((day, intervals))
            })
            .collect::<Result<_, String>>()?,
        _ => {
            return Err(
                "either `days`, `open` and `close` together, or each day's hours (`mon = \"07:30-16:00\"`)"
                    .into(),
            )
        }
    };
    WeekHours::new(days).map_err(|e| e.to_string())
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
    fn hours_per_day_breaks_service_hours_and_closed_days() {
        let body = GOOD.replace(
            "time_zone = \"Asia/Jakarta\"",
            "time_zone = \"Asia/Jakarta\"\n\
             hours = { mon = \"07:30-12:00, 13:00-16:00\", fri = \"07:30-11:30\" }\n\
             closed = [{ from = \"2026-12-24\", to = \"2026-12-25\", reason = { id = \"Natal\" } }]",
        )
        .replace("name = { id = \"KTP\" }", "name = { id = \"KTP\" }\nhours = { days = [\"tue\"], open = \"08:00\", close = \"14:00\" }");
        let (_dir, config) = write_office(&body);
        let office = config.unwrap().offices[0].clone();
        let week = office.def.calendar.week.as_ref().unwrap();
        assert_eq!(week.on(Weekday::Mon).len(), 2, "a break at midday");
        assert_eq!(week.on(Weekday::Fri).len(), 1);
        assert!(
            week.on(Weekday::Sat).is_empty(),
            "a day not named is closed"
        );
        let closure = &office.def.calendar.closures[0];
        assert_eq!(
            (closure.from.to_string(), closure.to.to_string()),
            ("2026-12-24".into(), "2026-12-25".into())
        );
        let ktp = office.def.service("ktp").unwrap().hours.as_ref().unwrap();
        assert_eq!(ktp.on(Weekday::Tue).len(), 1);
        assert!(ktp.on(Weekday::Mon).is_empty());
        for (bad, key, problem) in [
            ("hours = { mon = \"16:00-07:30\" }", "hours", "opening must be before closing"),
            ("hours = { mon = \"07:30-12:00, 11:00-13:00\" }", "hours", "overlap"),
            ("hours = { mon = \"pagi\" }", "hours", "not hours like"),
            ("hours = { days = [\"mon\"], open = \"07:30\", close = \"16:00\", fri = \"08:00-09:00\" }", "hours", "either"),
            ("closed = [{ from = \"2026-12-25\", to = \"2026-12-24\", reason = { id = \"x\" } }]", "closed[0].to", "before"),
            ("closed = [{ from = \"2026-12-25\", reason = { en = \"x\" } }]", "closed[0].reason", "default language"),
        ] {
            let body = GOOD.replace("time_zone = \"Asia/Jakarta\"", &format!("time_zone = \"Asia/Jakarta\"\n{bad}"));
            let e = write_office(&body).1.unwrap_err();
            assert!(e.key.contains(key) && e.problem.contains(problem), "{bad}: {e}");
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
