//! The nouns of the domain: offices, services, counters and tickets.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::{Availability, Calendar, Closure, WeekHours};
use crate::words::NumberReading;

/// Why a ticket is served in the priority lane (UU 25/2009 Pasal 29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Priority {
    Disability,
    Elderly,
    Pregnant,
    Child,
    Other,
}

impl Priority {
    pub const ALL: [Priority; 5] = [
        Priority::Disability,
        Priority::Elderly,
        Priority::Pregnant,
        Priority::Child,
        Priority::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Disability => "disability",
            Priority::Elderly => "elderly",
            Priority::Pregnant => "pregnant",
            Priority::Child => "child",
            Priority::Other => "other",
        }
    }
}

/// Where a ticket was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    Online,
    Kiosk,
    Counter,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Kiosk => "kiosk",
            Channel::Counter => "counter",
        }
    }
}

/// The life of a ticket:
///
/// ```text
/// waiting ──call──▶ called ──start──▶ serving ──finish──▶ done
///    │                 │  ▲              │
///    │                 │  └─recall       └─transfer──▶ waiting (other service/counter)
///    │                 ├─no-show──▶ no_show ──requeue (late arrival)──▶ waiting
///    │                 └─transfer──▶ waiting (other service/counter)
///    └─cancel──▶ cancelled
/// ```
///
/// At the end of the business day whatever is not done becomes `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TicketStatus {
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    Cancelled,
    Expired,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "waiting",
            TicketStatus::Called => "called",
            TicketStatus::Serving => "serving",
            TicketStatus::Done => "done",
            TicketStatus::NoShow => "no_show",
            TicketStatus::Cancelled => "cancelled",
            TicketStatus::Expired => "expired",
        }
    }

    /// Parses the name used in storage and on the wire.
    pub fn parse(s: &str) -> Option<Self> {
        [
            TicketStatus::Waiting,
            TicketStatus::Called,
            TicketStatus::Serving,
            TicketStatus::Done,
            TicketStatus::NoShow,
            TicketStatus::Cancelled,
            TicketStatus::Expired,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }

    /// A ticket in a final state never changes again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TicketStatus::Done | TicketStatus::Cancelled | TicketStatus::Expired
        )
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a counter takes citizens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CounterStatus {
    Closed,
    Open,
    Paused,
}

impl CounterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CounterStatus::Closed => "closed",
            CounterStatus::Open => "open",
            CounterStatus::Paused => "paused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            CounterStatus::Closed,
            CounterStatus::Open,
            CounterStatus::Paused,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// How a counter chooses among the regular tickets of its services.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CallPolicy {
    /// The ticket that has waited longest among all its services.
    #[default]
    LongestWait,
    /// Its services in the configured order: the first service with anyone
    /// waiting is served first.
    ServiceOrder,
}

/// Counts as JSON writes them: `5`, or `5.0`, which is the same integer in
/// JSON (and what some clients send); a fraction or a negative number is
/// refused.
mod whole {
    use serde::de::{Deserializer, Error, Visitor};

    struct Whole;

    impl Visitor<'_> for Whole {
        type Value = u32;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number from 0 to 4294967295")
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::custom(format!("{v} is too large")))
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::custom(format!("{v} is not a count")))
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<u32, E> {
            if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                Ok(v as u32)
            } else {
                Err(E::custom(format!("{v} is not a whole number")))
            }
        }
    }

    pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        d.deserialize_any(Whole)
    }

    pub fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        struct Maybe;
        impl<'de> Visitor<'de> for Maybe {
            type Value = Option<u32>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number or null")
            }
            fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                one(d).map(Some)
            }
        }
        d.deserialize_option(Maybe)
    }
}

fn default_service_minutes() -> u32 {
    5
}

fn default_languages() -> Vec<String> {
    vec!["id".into(), "en".into()]
}

fn default_min_calls() -> u32 {
    2
}

/// A service offered at an office, as configured. Written the same way in
/// the office's TOML file and in the API (`name`, `quota`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceDef {
    /// A slug; in the API it comes from the path.
    #[serde(default)]
    pub id: String,
    /// Name per language code; the office's first language is always present.
    #[serde(rename = "name")]
    pub names: BTreeMap<String, String>,
    /// Letters before the number: `A` gives `A001`. Unique within an office.
    pub prefix: String,
    /// Tickets per business day, all channels together; absent: unlimited.
    #[serde(
        rename = "quota",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole::opt"
    )]
    pub quota_total: Option<u32>,
    /// How many of `quota` may be taken online, so walk-in citizens are
    /// never shut out by early online takers; absent: no separate limit.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole::opt"
    )]
    pub quota_online: Option<u32>,
    /// Expected minutes at the counter before real service times are known.
    #[serde(default = "default_service_minutes", deserialize_with = "whole::one")]
    pub service_minutes: u32,
    /// The published service standard (PermenPANRB 15/2014): what to bring,
    #[serde(default)]
    pub requirements: Vec<String>,
    /// how long the document takes, as worded by the office ("14 hari kerja"),
    #[serde(default)]
    pub completion_time: String,
    /// and what it costs ("Gratis").
    #[serde(default)]
    pub cost: String,
    /// The published standard in the office's other languages, by
    /// language code (`[services.translations.en]`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, ServiceTexts>,
    /// Steps of the document after the counter, e.g. received → ready.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workflow: Vec<String>,
    /// Hours of its own (Samsat keeps shorter ones); absent: the office's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<WeekHours>))]
    pub hours: Option<WeekHours>,
}

impl ServiceDef {
    /// Expected seconds at the counter.
    pub fn service_time_s(&self) -> u32 {
        self.service_minutes.saturating_mul(60)
    }

    /// Its name in `lang`, else in the first language it has.
    pub fn name(&self, lang: &str) -> &str {
        self.names
            .get(lang)
            .or_else(|| self.names.values().next())
            .map_or(self.id.as_str(), String::as_str)
    }
}

/// A service's published standard in one more language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceTexts {
    #[serde(default)]
    pub requirements: Vec<String>,
    #[serde(default)]
    pub completion_time: String,
    #[serde(default)]
    pub cost: String,
}

/// A counter as configured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterDef {
    /// A slug; in the API it comes from the path.
    #[serde(default)]
    pub id: String,
    pub name: String,
    /// Services in the order this counter serves them.
    pub services: Vec<String>,
    #[serde(default)]
    pub policy: CallPolicy,
}

/// The paper roll of a ticket printer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PaperWidth {
    #[default]
    #[serde(rename = "80mm")]
    Mm80,
    #[serde(rename = "58mm")]
    Mm58,
}

/// A kiosk's network ticket printer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrinterDef {
    /// A slug; in the API it comes from the path.
    #[serde(default)]
    pub id: String,
    /// `host:port`, usually port 9100.
    pub address: String,
    #[serde(default)]
    pub paper: PaperWidth,
}

/// Ids of services and counters that were removed. Old tickets and the log
/// still name them, so they are never given to anything else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Retired {
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub services: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub counters: BTreeSet<String>,
}

impl Retired {
    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.counters.is_empty()
    }
}

/// What an office is, apart from its services, counters, calendar and
/// printers: the part a supervisor edits on one form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeSettings {
    pub name: String,
    #[serde(default)]
    pub address: String,
    /// An IANA name, e.g. `Asia/Jakarta`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Asia/Jakarta"))]
    pub time_zone: Tz,
    /// Language codes, the default first.
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    #[serde(default)]
    pub number_reading: NumberReading,
    /// Calls needed before a ticket may be marked no-show.
    #[serde(default = "default_min_calls", deserialize_with = "whole::one")]
    pub min_calls: u32,
    /// One priority ticket, then up to N regular ones; absent: priority
    /// tickets always go first.
    #[serde(default, deserialize_with = "whole::opt")]
    pub priority_ratio: Option<u32>,
}

/// An office as configured: what its supervisor changes from `/admin`, and
/// what its TOML file seeds on the first start. Written the same way in the
/// file, in `antrean config export` and in the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Asia/Jakarta"))]
    pub time_zone: Tz,
    /// Language codes, the default first (`id`, `en`).
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    /// Weekly hours (local time) when tickets are taken; absent: any hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<WeekHours>))]
    pub hours: Option<WeekHours>,
    /// Public holidays, collective leave and one-off closures, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::calendar::ClosureText>))]
    pub closed: Vec<Closure>,
    /// Calls needed before a ticket may be marked no-show.
    #[serde(default = "default_min_calls", deserialize_with = "whole::one")]
    pub min_calls: u32,
    /// One priority ticket, then up to N regular ones; absent: priority
    /// tickets always go first.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole::opt"
    )]
    pub priority_ratio: Option<u32>,
    #[serde(default)]
    pub number_reading: NumberReading,
    /// The lobby display's running text until staff change it.
    #[serde(default)]
    pub running_text: String,
    pub services: Vec<ServiceDef>,
    pub counters: Vec<CounterDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub printers: Vec<PrinterDef>,
    #[serde(default, skip_serializing_if = "Retired::is_empty")]
    pub retired: Retired,
}

impl OfficeDef {
    /// A new office with no services or counters yet.
    pub fn new(id: &str, name: &str, time_zone: Tz) -> Self {
        OfficeDef {
            id: id.to_owned(),
            name: name.to_owned(),
            address: String::new(),
            time_zone,
            languages: default_languages(),
            hours: None,
            closed: Vec::new(),
            min_calls: default_min_calls(),
            priority_ratio: None,
            number_reading: NumberReading::default(),
            running_text: String::new(),
            services: Vec::new(),
            counters: Vec::new(),
            printers: Vec::new(),
            retired: Retired::default(),
        }
    }

    pub fn service(&self, id: &str) -> Option<&ServiceDef> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn counter(&self, id: &str) -> Option<&CounterDef> {
        self.counters.iter().find(|c| c.id == id)
    }

    pub fn printer(&self, id: &str) -> Option<&PrinterDef> {
        self.printers.iter().find(|p| p.id == id)
    }

    /// Whether any counter serves the service: one that none does is not
    /// offered to citizens.
    pub fn is_served(&self, service: &str) -> bool {
        self.counters
            .iter()
            .any(|c| c.services.iter().any(|s| s == service))
    }

    /// The part edited on the settings form.
    pub fn settings(&self) -> OfficeSettings {
        OfficeSettings {
            name: self.name.clone(),
            address: self.address.clone(),
            time_zone: self.time_zone,
            languages: self.languages.clone(),
            number_reading: self.number_reading,
            min_calls: self.min_calls,
            priority_ratio: self.priority_ratio,
        }
    }

    /// The week and the closed days.
    pub fn calendar(&self) -> Calendar<'_> {
        Calendar {
            week: self.hours.as_ref(),
            closures: &self.closed,
        }
    }

    /// The business day of an instant: the date in the office's time zone.
    pub fn business_day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }

    /// The office's local time of an instant.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.time_zone).naive_local()
    }

    /// Whether the office takes tickets at this instant, and if not, why
    /// and when again.
    pub fn availability(&self, at: DateTime<Utc>) -> Availability {
        self.calendar().at(self.local(at))
    }

    /// The same for one service: its own hours if it has them, within the
    /// office's closed days.
    pub fn service_availability(&self, service: &ServiceDef, at: DateTime<Utc>) -> Availability {
        self.calendar()
            .at_with(service.hours.as_ref(), self.local(at))
    }

    /// Only whether the service takes tickets at this instant (what issuing
    /// asks, on every ticket).
    pub fn service_is_open(&self, service: &ServiceDef, at: DateTime<Utc>) -> bool {
        self.calendar()
            .is_open_with(service.hours.as_ref(), self.local(at))
    }
}

/// A ticket of the current business day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// Public, random, unguessable key of the ticket's page.
    pub code: String,
    /// `A012`: the prefix of `number_service` and the sequence number.
    pub number: String,
    pub seq_no: u32,
    /// The service whose sequence gave the number (it stays after a transfer).
    pub number_service: String,
    /// The service the ticket waits for now.
    pub service: String,
    pub priority: Option<Priority>,
    /// Whether staff vouch for `priority`: a kiosk's or staff's ticket at
    /// once, a reason claimed online only once staff confirm it in the hall
    /// (until then it waits as a regular ticket). Events written before
    /// this rule carry no such field: their priority counted at once.
    #[serde(default = "vouched")]
    pub priority_confirmed: bool,
    pub channel: Channel,
    pub status: TicketStatus,
    pub day: NaiveDate,
    /// Never changes, also across transfers: a transferred citizen keeps
    /// their place in the order of arrival.
    pub issued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The counter that called it last (the current one while called or
    /// serving).
    pub counter: Option<String>,
    /// Set when transferred to a counter: only that counter may call it.
    pub target_counter: Option<String>,
    /// Calls since it last started waiting.
    pub calls: u32,
}

fn vouched() -> bool {
    true
}

impl Ticket {
    /// Whether it is called in the priority lane: a priority reason staff
    /// vouch for. A claim made online and not yet confirmed waits as a
    /// regular ticket.
    pub fn in_priority_lane(&self) -> bool {
        self.priority.is_some() && self.priority_confirmed
    }

    /// A priority reason claimed online that staff have not yet confirmed.
    pub fn priority_pending(&self) -> bool {
        self.priority.is_some() && !self.priority_confirmed
    }
}

/// Formats the number of a ticket: prefix and at least three digits.
pub fn format_number(prefix: &str, seq_no: u32) -> String {
    format!("{prefix}{seq_no:03}")
}
