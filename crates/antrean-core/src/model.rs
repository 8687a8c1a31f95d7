//! The nouns of the domain: offices, services, counters and tickets.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::{Availability, Calendar, WeekHours};

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

/// The published service standard (PermenPANRB 15/2014), shown to citizens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceStandard {
    pub requirements: Vec<String>,
    /// Published completion time, as worded by the office ("14 hari kerja").
    pub completion_time: String,
    /// Cost, as worded by the office ("Gratis").
    pub cost: String,
}

/// A service offered at an office, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDef {
    pub id: String,
    /// Name per language code; the office's first language is always present.
    pub names: BTreeMap<String, String>,
    /// Letters before the number: `A` gives `A001`. Unique within an office.
    pub prefix: String,
    /// Tickets per business day, all channels together; `None` is unlimited.
    pub quota_total: Option<u32>,
    /// How many of `quota_total` may be taken online, so walk-in citizens are
    /// never shut out by early online takers; `None` is no separate limit.
    pub quota_online: Option<u32>,
    /// Expected time at the counter before real service times are known.
    pub service_time_s: u32,
    pub standard: ServiceStandard,
    /// Steps of the document after the counter, e.g. received → ready.
    pub workflow: Vec<String>,
    /// Hours of its own (Samsat keeps shorter ones); `None`: the office's.
    pub hours: Option<WeekHours>,
}

/// A counter as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterDef {
    pub id: String,
    pub name: String,
    /// Services in the order this counter serves them.
    pub services: Vec<String>,
    pub policy: CallPolicy,
}

/// An office as configured: everything that does not change during a day.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficeDef {
    pub id: String,
    pub name: String,
    pub time_zone: Tz,
    /// When tickets are taken: the week's hours and the closed days.
    pub calendar: Calendar,
    /// Language codes, the default first (`id`, `en`).
    pub languages: Vec<String>,
    pub services: Vec<ServiceDef>,
    pub counters: Vec<CounterDef>,
    /// Calls needed before a ticket may be marked no-show.
    pub min_calls: u32,
    /// One priority ticket, then up to N regular ones; `None`: priority
    /// tickets always go first.
    pub priority_ratio: Option<u32>,
}

impl OfficeDef {
    pub fn service(&self, id: &str) -> Option<&ServiceDef> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn counter(&self, id: &str) -> Option<&CounterDef> {
        self.counters.iter().find(|c| c.id == id)
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
        self.calendar.at(self.local(at))
    }

    /// The same for one service: its own hours if it has them, within the
    /// office's closed days.
    pub fn service_availability(&self, service: &ServiceDef, at: DateTime<Utc>) -> Availability {
        self.calendar
            .at_with(service.hours.as_ref(), self.local(at))
    }

    /// Only whether the service takes tickets at this instant (what issuing
    /// asks, on every ticket).
    pub fn service_is_open(&self, service: &ServiceDef, at: DateTime<Utc>) -> bool {
        self.calendar
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

/// Formats the number of a ticket: prefix and at least three digits.
pub fn format_number(prefix: &str, seq_no: u32) -> String {
    format!("{prefix}{seq_no:03}")
}
