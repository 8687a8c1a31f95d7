//! What the API and the live streams send: one place for the wire format.
//!
//! Views are built from the core's state and the office's configuration.
//! The public stream's messages ([`ServerMsg`]) carry numbers, services,
//! counters and counts, never a ticket's code or anything personal.

use std::collections::BTreeMap;

use antrean_core::calendar::Availability;
use antrean_core::words::{announcement, short_announcement};
use antrean_core::{
    Channel, CounterStatus, Event, EventKind, Office, Priority, Ticket, TicketStatus,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use antrean_core::OfficeDef;

/// Formats an instant in the office's time zone (RFC 3339, e.g. `+07:00`).
pub fn local_time(cfg: &OfficeDef, at: DateTime<Utc>) -> String {
    at.with_timezone(&cfg.time_zone)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A counter's name ("Loket 3"), or its id when it is no longer configured.
pub fn counter_name(cfg: &OfficeDef, id: &str) -> String {
    cfg.counter(id)
        .map_or_else(|| id.to_owned(), |c| c.name.clone())
}

/// A ticket as its holder sees it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TicketView {
    /// The ticket's secret key: whoever has it can see and cancel the ticket.
    pub code: String,
    pub number: String,
    pub office: String,
    pub service: String,
    pub status: TicketStatus,
    /// The priority reason given; null for the regular lane.
    #[schema(required = true)]
    pub priority: Option<Priority>,
    /// Whether staff vouch for `priority`, which puts the ticket in the
    /// priority lane: at once for a kiosk's or staff's ticket; for a reason
    /// claimed online only once staff confirm it in the hall (until then
    /// it waits as a regular ticket). False without a priority.
    pub priority_confirmed: bool,
    pub channel: Channel,
    #[schema(format = DateTime)]
    pub issued_at: String,
    #[schema(format = DateTime)]
    #[schema(required = true)]
    pub called_at: Option<String>,
    /// Counter id while called or being served (and after, the last one).
    #[schema(required = true)]
    pub counter: Option<String>,
    #[schema(required = true)]
    pub counter_name: Option<String>,
    /// People to be called first; null unless waiting.
    #[schema(required = true)]
    pub ahead: Option<u32>,
    /// Seconds until the likely call; null when nobody can honestly say
    /// (no counter open for the service) or not waiting.
    #[schema(required = true)]
    pub estimated_wait_s: Option<u32>,
    /// Status of the document applied for, once the service has started it.
    #[schema(required = true)]
    pub document: Option<String>,
    /// Whether the citizen may still answer the satisfaction survey (done,
    /// not yet answered).
    pub survey_open: bool,
}

impl TicketView {
    /// `office` is the live office when the ticket is still in it (for its
    /// place in the queue); `None` for a ticket read from history.
    pub fn new(cfg: &OfficeDef, office: Option<&Office>, t: &Ticket) -> Self {
        let waiting = t.status == TicketStatus::Waiting;
        TicketView {
            code: t.code.clone(),
            number: t.number.clone(),
            office: cfg.id.clone(),
            service: t.service.clone(),
            status: t.status,
            priority: t.priority,
            priority_confirmed: t.in_priority_lane(),
            channel: t.channel,
            issued_at: local_time(cfg, t.issued_at),
            called_at: t.called_at.map(|at| local_time(cfg, at)),
            counter: t.counter.clone(),
            counter_name: t.counter.as_deref().map(|c| counter_name(cfg, c)),
            ahead: office.filter(|_| waiting).map(|o| o.ahead(t)),
            estimated_wait_s: office.and_then(|o| o.estimated_wait_s(t)),
            document: None,
            survey_open: false,
        }
    }
}

/// A counter on screens and in the office overview.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CounterView {
    pub id: String,
    pub name: String,
    pub state: CounterStatus,
    /// Why it is paused.
    #[schema(required = true)]
    pub reason: Option<String>,
    /// Number of the ticket called or served here.
    #[schema(required = true)]
    pub number: Option<String>,
    /// `called` or `serving` when it has a ticket.
    #[schema(required = true)]
    pub ticket_status: Option<TicketStatus>,
    /// Service of the current ticket.
    #[schema(required = true)]
    pub ticket_service: Option<String>,
    /// Whether the current ticket is in the priority lane.
    pub ticket_priority: bool,
    /// How often the current ticket was called since it last waited (the
    /// first call and its recalls); null without a ticket. A no-show needs
    /// the office's `min_calls`.
    #[schema(required = true)]
    pub ticket_calls: Option<u32>,
    /// When the current ticket was called (first call of this round).
    #[schema(format = DateTime)]
    #[schema(required = true)]
    pub called_at: Option<String>,
    /// When its service started.
    #[schema(format = DateTime)]
    #[schema(required = true)]
    pub started_at: Option<String>,
    /// Service ids in the order this counter serves them.
    pub services: Vec<String>,
    /// The clerk (user name) working the counter; only they act on it until
    /// they close it or a supervisor releases it.
    #[schema(required = true)]
    pub clerk: Option<String>,
}

/// A service with its live figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ServiceView {
    pub id: String,
    pub prefix: String,
    /// Name per language code.
    pub names: BTreeMap<String, String>,
    pub waiting: u32,
    /// Estimated wait for a ticket taken now; null when no counter is open.
    #[schema(required = true)]
    pub estimated_wait_s: Option<u32>,
    /// Tickets left today (all channels); null when unlimited.
    #[schema(required = true)]
    pub remaining: Option<u32>,
    /// Tickets left today online; null when unlimited.
    #[schema(required = true)]
    pub remaining_online: Option<u32>,
    /// Whether tickets can be taken now: its hours (or the office's), and
    /// not a closed day.
    pub open: bool,
    #[serde(flatten)]
    pub closed: Closed,
    /// Why staff stopped issuing tickets for it now ("blanko KTP habis");
    /// null while it issues.
    #[schema(required = true)]
    pub suspended: Option<String>,
    /// The published standard in the office's default language,
    pub requirements: Vec<String>,
    pub completion_time: String,
    pub cost: String,
    /// and in its other languages, where the office wrote them.
    pub translations: BTreeMap<String, antrean_core::ServiceTexts>,
    /// Steps of the document after the counter, in order.
    pub workflow: Vec<String>,
}

/// An office with its services and counters, live.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OfficeView {
    pub id: String,
    pub name: String,
    pub address: String,
    pub time_zone: String,
    pub languages: Vec<String>,
    /// Calls (the first and its recalls) before a ticket may be marked a
    /// no-show.
    pub min_calls: u32,
    /// The server's clock (local time), for screens whose own clock is off.
    #[schema(format = DateTime)]
    pub now: String,
    /// Whether the office takes tickets now.
    pub open: bool,
    #[serde(flatten)]
    pub closed: Closed,
    pub running_text: String,
    /// The office's business day.
    #[schema(format = Date)]
    pub day: String,
    pub services: Vec<ServiceView>,
    pub counters: Vec<CounterView>,
}

/// One entry of the office list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfficeSummary {
    pub id: String,
    pub name: String,
    pub address: String,
}

pub fn counters(cfg: &OfficeDef, office: &Office) -> Vec<CounterView> {
    cfg.counters
        .iter()
        .zip(office.counters())
        .map(|(d, c)| {
            let current = c.current.as_deref().and_then(|code| office.ticket(code));
            CounterView {
                id: d.id.clone(),
                name: d.name.clone(),
                state: c.status,
                reason: c.reason.clone(),
                number: current.map(|t| t.number.clone()),
                ticket_status: current.map(|t| t.status),
                ticket_service: current.map(|t| t.service.clone()),
                ticket_priority: current.is_some_and(|t| t.in_priority_lane()),
                ticket_calls: current.map(|t| t.calls),
                called_at: current
                    .and_then(|t| t.called_at)
                    .map(|at| local_time(cfg, at)),
                started_at: current
                    .and_then(|t| t.started_at)
                    .map(|at| local_time(cfg, at)),
                services: d.services.clone(),
                clerk: c.clerk.clone(),
            }
        })
        .collect()
}

/// Why something is closed now and when it opens again, or when it closes
/// while it is open.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Closed {
    /// The reason for a closed day (holiday, collective leave), per
    /// language; null outside the opening hours of an ordinary day.
    #[schema(required = true)]
    pub closed_reason: Option<BTreeMap<String, String>>,
    /// When tickets are taken again (local time); null while open, and when
    /// no opening is planned in the coming year.
    #[schema(required = true, format = DateTime)]
    pub opens_at: Option<String>,
    /// While open, when it stops taking tickets (the end of the day's
    /// stretch, a break, a closed day); null when closed or no closing is
    /// planned in the coming year.
    #[schema(required = true, format = DateTime)]
    pub closes_at: Option<String>,
}

impl Closed {
    pub fn new(cfg: &OfficeDef, a: Availability) -> (bool, Closed) {
        let at = |local: Option<chrono::NaiveDateTime>| {
            local
                .and_then(|l| l.and_local_timezone(cfg.time_zone).earliest())
                .map(|at| local_time(cfg, at.with_timezone(&Utc)))
        };
        match a {
            Availability::Open { closes } => (
                true,
                Closed {
                    closed_reason: None,
                    opens_at: None,
                    closes_at: at(closes),
                },
            ),
            Availability::Closed { closure, opens } => (
                false,
                Closed {
                    closed_reason: closure.map(|c| c.reason),
                    opens_at: at(opens),
                    closes_at: None,
                },
            ),
        }
    }
}

/// The lobby display's running text: as staff last set it, else as
/// configured.
pub fn running_text<'a>(cfg: &'a OfficeDef, office: &'a Office) -> &'a str {
    office.running_text().unwrap_or(&cfg.running_text)
}

/// The services citizens can take a ticket for: those a counter serves.
pub fn offered(cfg: &OfficeDef) -> impl Iterator<Item = &antrean_core::ServiceDef> {
    cfg.services.iter().filter(|s| cfg.is_served(&s.id))
}

/// The services citizens are offered, live.
pub fn services(cfg: &OfficeDef, office: &Office, now: DateTime<Utc>) -> Vec<ServiceView> {
    offered(cfg).map(|s| service(cfg, office, s, now)).collect()
}

/// One service, live.
pub fn service(
    cfg: &OfficeDef,
    office: &Office,
    s: &antrean_core::ServiceDef,
    now: DateTime<Utc>,
) -> ServiceView {
    let (remaining, remaining_online) = office.remaining_quota(&s.id);
    let (open, closed) = Closed::new(cfg, cfg.service_availability(s, now));
    ServiceView {
        id: s.id.clone(),
        prefix: s.prefix.clone(),
        names: s.names.clone(),
        waiting: office.waiting(&s.id),
        estimated_wait_s: office.estimated_wait_new_s(&s.id),
        remaining,
        remaining_online,
        open,
        closed,
        suspended: office.suspended(&s.id).map(str::to_owned),
        requirements: s.requirements.clone(),
        completion_time: s.completion_time.clone(),
        cost: s.cost.clone(),
        translations: s.translations.clone(),
        workflow: s.workflow.clone(),
    }
}

pub fn office(cfg: &OfficeDef, office: &Office, now: DateTime<Utc>) -> OfficeView {
    let (open, closed) = Closed::new(cfg, cfg.availability(now));
    OfficeView {
        id: cfg.id.clone(),
        name: cfg.name.clone(),
        address: cfg.address.clone(),
        time_zone: cfg.time_zone.name().into(),
        languages: cfg.languages.clone(),
        min_calls: cfg.min_calls,
        now: local_time(cfg, now),
        open,
        closed,
        running_text: running_text(cfg, office).to_owned(),
        day: office.day().to_string(),
        services: services(cfg, office, now),
        counters: counters(cfg, office),
    }
}

/// A recent call, as the lobby display lists it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecentCall {
    pub seq: u64,
    #[schema(format = DateTime)]
    pub at: String,
    pub number: String,
    pub service: String,
    pub counter: String,
    pub counter_name: String,
    /// The sentence spoken for it, per office language.
    pub announcement: BTreeMap<String, String>,
    /// The same call in the fewest words ("A dua belas, loket tiga"), per
    /// office language, for a display with several calls to announce.
    pub announcement_short: BTreeMap<String, String>,
}

/// The spoken call, per office language.
pub fn announcements(cfg: &OfficeDef, number: &str, counter: &str) -> BTreeMap<String, String> {
    spoken(cfg, number, counter, announcement)
}

/// The spoken call in the fewest words, per office language.
pub fn short_announcements(
    cfg: &OfficeDef,
    number: &str,
    counter: &str,
) -> BTreeMap<String, String> {
    spoken(cfg, number, counter, short_announcement)
}

/// A call worded by `say` in each office language.
fn spoken(
    cfg: &OfficeDef,
    number: &str,
    counter: &str,
    say: fn(&str, &str, &str, &str, antrean_core::words::NumberReading) -> String,
) -> BTreeMap<String, String> {
    let name = counter_name(cfg, counter);
    cfg.languages
        .iter()
        .map(|l| {
            (
                l.clone(),
                say(number, counter, &name, l, cfg.number_reading),
            )
        })
        .collect()
}

/// A waiting ticket as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Queued {
    pub number: String,
    pub priority: bool,
}

/// How many waiting numbers per service the live stream lists.
const NEXT_LISTED: usize = 10;

/// Waiting citizens per service.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Waiting {
    pub service: String,
    pub waiting: u32,
    /// The next numbers, in call order (priority lane first).
    pub next: Vec<Queued>,
    #[schema(required = true)]
    pub estimated_wait_s: Option<u32>,
    #[schema(required = true)]
    pub remaining: Option<u32>,
    /// Online tickets left today: at most `remaining`, and `remaining`
    /// itself when the service has no online quota of its own; null
    /// unlimited.
    #[schema(required = true)]
    pub remaining_online: Option<u32>,
    /// Why staff stopped issuing tickets for it; null while it issues.
    #[schema(required = true)]
    pub suspended: Option<String>,
}

/// An event of the public stream: no codes, nothing personal.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PublicEvent {
    TicketIssued {
        number: String,
        service: String,
        priority: bool,
    },
    TicketCalled {
        number: String,
        service: String,
        counter: String,
        counter_name: String,
        recall: bool,
        /// The sentence to speak and show, per office language.
        announcement: BTreeMap<String, String>,
        /// The call in the fewest words, per office language, for a
        /// display with several calls to announce at once.
        announcement_short: BTreeMap<String, String>,
    },
    TicketServing {
        number: String,
        service: String,
        counter: String,
    },
    TicketDone {
        number: String,
        service: String,
        counter: String,
    },
    TicketNoShow {
        number: String,
        service: String,
        counter: String,
    },
    TicketRequeued {
        number: String,
        service: String,
    },
    TicketTransferred {
        number: String,
        from_service: String,
        from_counter: String,
        service: String,
        #[schema(required = true)]
        counter: Option<String>,
    },
    TicketCancelled {
        number: String,
        service: String,
    },
    /// Staff confirmed a priority claimed online: the number moves to the
    /// priority lane (the reason is not public).
    PriorityConfirmed {
        number: String,
        service: String,
    },
    DocumentStatus {
        number: String,
        service: String,
        step: String,
    },
    /// Someone rated the service (anonymous: only the service is told).
    SurveySubmitted {
        service: String,
    },
    CounterState {
        counter: String,
        counter_name: String,
        state: CounterStatus,
        #[schema(required = true)]
        reason: Option<String>,
    },
    /// A clerk took the counter, or it was released (`clerk` null).
    CounterTaken {
        counter: String,
        #[schema(required = true)]
        clerk: Option<String>,
    },
    /// Staff stopped issuing tickets for a service, with the message.
    ServiceSuspended {
        service: String,
        message: String,
    },
    ServiceResumed {
        service: String,
    },
    /// The lobby display's running text, as staff set it.
    RunningTextChanged {
        text: String,
    },
    /// Staff changed the office's configuration: screens fetch the office
    /// again (`GET /offices/{office}`).
    Configured {
        /// What changed: `service_saved`, `counter_removed`, `hours`, ...
        change: String,
        /// The id of what changed, if one thing (a closure's first day).
        #[schema(required = true)]
        subject: Option<String>,
    },
    DayEnded {
        #[schema(format = Date)]
        day: String,
        #[schema(format = Date)]
        next_day: String,
        expired: u32,
    },
}

impl PublicEvent {
    pub fn new(cfg: &OfficeDef, kind: &EventKind) -> Self {
        let s = |v: &String| v.clone();
        match kind {
            EventKind::TicketIssued { ticket } => PublicEvent::TicketIssued {
                number: s(&ticket.number),
                service: s(&ticket.service),
                priority: ticket.in_priority_lane(),
            },
            EventKind::TicketCalled {
                number,
                service,
                counter,
                recall,
                ..
            } => PublicEvent::TicketCalled {
                announcement: announcements(cfg, number, counter),
                announcement_short: short_announcements(cfg, number, counter),
                number: s(number),
                service: s(service),
                counter: s(counter),
                counter_name: counter_name(cfg, counter),
                recall: *recall,
            },
            EventKind::TicketServing {
                number,
                service,
                counter,
                ..
            } => PublicEvent::TicketServing {
                number: s(number),
                service: s(service),
                counter: s(counter),
            },
            EventKind::TicketDone {
                number,
                service,
                counter,
                ..
            } => PublicEvent::TicketDone {
                number: s(number),
                service: s(service),
                counter: s(counter),
            },
            EventKind::TicketNoShow {
                number,
                service,
                counter,
                ..
            } => PublicEvent::TicketNoShow {
                number: s(number),
                service: s(service),
                counter: s(counter),
            },
            EventKind::TicketRequeued {
                number, service, ..
            } => PublicEvent::TicketRequeued {
                number: s(number),
                service: s(service),
            },
            EventKind::TicketTransferred {
                number,
                from_service,
                from_counter,
                service,
                counter,
                ..
            } => PublicEvent::TicketTransferred {
                number: s(number),
                from_service: s(from_service),
                from_counter: s(from_counter),
                service: s(service),
                counter: counter.clone(),
            },
            EventKind::TicketCancelled {
                number, service, ..
            } => PublicEvent::TicketCancelled {
                number: s(number),
                service: s(service),
            },
            EventKind::PriorityConfirmed {
                number, service, ..
            } => PublicEvent::PriorityConfirmed {
                number: s(number),
                service: s(service),
            },
            EventKind::DocumentStatus {
                number,
                service,
                step,
                ..
            } => PublicEvent::DocumentStatus {
                number: s(number),
                service: s(service),
                step: s(step),
            },
            EventKind::SurveySubmitted { service, .. } => PublicEvent::SurveySubmitted {
                service: s(service),
            },
            EventKind::CounterState {
                counter,
                state,
                reason,
            } => PublicEvent::CounterState {
                counter: s(counter),
                counter_name: counter_name(cfg, counter),
                state: *state,
                reason: reason.clone(),
            },
            EventKind::CounterTaken { counter, clerk } => PublicEvent::CounterTaken {
                counter: s(counter),
                clerk: clerk.clone(),
            },
            EventKind::ServiceSuspended { service, message } => PublicEvent::ServiceSuspended {
                service: s(service),
                message: s(message),
            },
            EventKind::ServiceResumed { service } => PublicEvent::ServiceResumed {
                service: s(service),
            },
            EventKind::RunningTextChanged { text } => {
                PublicEvent::RunningTextChanged { text: s(text) }
            }
            EventKind::Configured { change } => PublicEvent::Configured {
                change: change.name().to_owned(),
                subject: change.subject(),
            },
            EventKind::DayEnded {
                day,
                next_day,
                expired,
            } => PublicEvent::DayEnded {
                day: day.to_string(),
                next_day: next_day.to_string(),
                expired: *expired,
            },
        }
    }
}

/// Everything the server sends on a live stream.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The whole public state at `seq`; replaces whatever the client had.
    Snapshot {
        seq: u64,
        office: String,
        name: String,
        /// Whether the office takes tickets at the snapshot's time.
        open: bool,
        #[serde(flatten)]
        closed: Closed,
        #[schema(format = Date)]
        day: String,
        languages: Vec<String>,
        running_text: String,
        counters: Vec<CounterView>,
        services: Vec<Waiting>,
        recent_calls: Vec<RecentCall>,
        /// The server's clock, for screens whose own clock is off.
        #[schema(format = DateTime)]
        now: String,
    },
    /// One event; `seq` is the previous one's plus one.
    Event {
        seq: u64,
        #[schema(format = DateTime)]
        at: String,
        event: PublicEvent,
        /// Waiting counts after the event, for the services it touched
        /// (also on events replayed from the log after a restart).
        #[serde(skip_serializing_if = "Option::is_none")]
        waiting: Option<Vec<Waiting>>,
    },
    /// One ticket's new state (ticket streams only).
    Ticket { seq: u64, ticket: TicketView },
}

impl ServerMsg {
    pub fn event(cfg: &OfficeDef, event: &Event, office: Option<&Office>) -> Self {
        let waiting = office.map(|o| {
            touched_services(&event.kind)
                .into_iter()
                .map(|service| waiting(o, service))
                .collect()
        });
        ServerMsg::Event {
            seq: event.seq,
            at: local_time(cfg, event.at),
            event: PublicEvent::new(cfg, &event.kind),
            waiting,
        }
    }

    pub fn to_json(&self) -> String {
        // Serialising these plain structs cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

pub fn waiting(office: &Office, service: &str) -> Waiting {
    let (remaining, remaining_online) = office.remaining_quota(service);
    Waiting {
        service: service.to_owned(),
        waiting: office.waiting(service),
        next: office
            .queue(service, NEXT_LISTED)
            .into_iter()
            .map(|t| Queued {
                number: t.number.clone(),
                priority: t.in_priority_lane(),
            })
            .collect(),
        estimated_wait_s: office.estimated_wait_new_s(service),
        remaining,
        remaining_online,
        suspended: office.suspended(service).map(str::to_owned),
    }
}

/// Services whose queue an event changes.
pub fn touched_services(kind: &EventKind) -> Vec<&str> {
    match kind {
        EventKind::TicketIssued { ticket } => vec![&ticket.service],
        EventKind::TicketCalled { service, .. }
        | EventKind::TicketServing { service, .. }
        | EventKind::TicketDone { service, .. }
        | EventKind::TicketNoShow { service, .. }
        | EventKind::TicketRequeued { service, .. }
        | EventKind::TicketCancelled { service, .. }
        | EventKind::PriorityConfirmed { service, .. }
        | EventKind::ServiceSuspended { service, .. }
        | EventKind::ServiceResumed { service } => vec![service],
        EventKind::TicketTransferred {
            from_service,
            service,
            ..
        } if from_service != service => vec![from_service, service],
        EventKind::TicketTransferred { service, .. } => vec![service],
        EventKind::DocumentStatus { .. }
        | EventKind::SurveySubmitted { .. }
        | EventKind::CounterState { .. }
        | EventKind::CounterTaken { .. }
        | EventKind::RunningTextChanged { .. }
        | EventKind::Configured { .. }
        | EventKind::DayEnded { .. } => vec![],
    }
}

/// Services whose waiting citizens' place or estimate an event may change:
/// what ticket streams listen for. A regular ticket issued at the end of a
/// queue moves nobody; a counter opening or closing changes estimates.
pub fn moves_queues(cfg: &OfficeDef, kind: &EventKind) -> Vec<String> {
    match kind {
        EventKind::TicketIssued { ticket } if !ticket.in_priority_lane() => vec![],
        // Counters and their services may have changed for anyone; the
        // day's end expires every ticket still open.
        EventKind::Configured { .. } | EventKind::DayEnded { .. } => {
            cfg.services.iter().map(|s| s.id.clone()).collect()
        }
        EventKind::CounterState { counter, .. } => cfg
            .counter(counter)
            .map(|c| c.services.clone())
            .unwrap_or_default(),
        other => touched_services(other)
            .into_iter()
            .map(str::to_owned)
            .collect(),
    }
}

/// The satisfaction index over some answers (PermenPANRB 14/2017).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IkmView {
    pub respondents: u32,
    /// Citizens served (tickets done) over the same days: the population
    /// the sample is drawn from.
    pub served: u64,
    /// The fewest respondents needed to publish the score for `served`
    /// citizens (Krejcie–Morgan, as PermenPANRB 14/2017 asks).
    pub minimum_sample: u64,
    /// Whether `respondents` reaches `minimum_sample`: a score over fewer
    /// is shown to staff with a warning, not fit to publish.
    pub sample_enough: bool,
    /// The nine elements, in order, as named in `nrr`.
    pub elements: Vec<String>,
    /// Mean score 1–4 per element (null: nobody answered it).
    pub nrr: Vec<Option<f64>>,
    /// 25–100; null without answers.
    #[schema(required = true)]
    pub score: Option<f64>,
    /// A–D.
    #[schema(required = true)]
    pub grade: Option<String>,
    #[schema(required = true)]
    pub grade_name: Option<String>,
}

impl IkmView {
    /// The index over `answers`, given by some of the `served` citizens.
    pub fn new<'a>(
        answers: impl IntoIterator<Item = &'a antrean_core::ikm::Answers>,
        served: u64,
    ) -> Self {
        let r = antrean_core::ikm::compute(answers);
        let round2 = |x: f64| (x * 100.0).round() / 100.0;
        // Answers count on their ticket's day, so they are among the tickets
        // done; one whose ticket is no longer stored still counts as served.
        let served = served.max(u64::from(r.respondents));
        let minimum_sample = antrean_core::ikm::minimum_sample(served);
        IkmView {
            respondents: r.respondents,
            served,
            minimum_sample,
            sample_enough: r.respondents > 0 && u64::from(r.respondents) >= minimum_sample,
            elements: antrean_core::ikm::ELEMENTS
                .iter()
                .map(|e| (*e).to_owned())
                .collect(),
            nrr: r.nrr.iter().map(|n| n.map(round2)).collect(),
            score: r.score.map(round2),
            grade: r.grade.map(String::from),
            grade_name: r.grade_name.map(str::to_owned),
        }
    }
}

/// Figures of one service (or all) over the report's days.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ServiceReport {
    /// Service id; `null` for the office total.
    #[schema(required = true)]
    pub service: Option<String>,
    pub issued: u64,
    pub done: u64,
    pub no_show: u64,
    pub cancelled: u64,
    pub expired: u64,
    pub priority: u64,
    pub online: u64,
    pub kiosk: u64,
    /// Mean seconds from taking a ticket to being called.
    #[schema(required = true)]
    pub mean_wait_s: Option<f64>,
    /// Mean seconds at the counter.
    #[schema(required = true)]
    pub mean_service_s: Option<f64>,
    pub ikm: IkmView,
}

/// A supervisor's report over business days `from`..=`to`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Report {
    pub office: String,
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub to: String,
    pub services: Vec<ServiceReport>,
    pub total: ServiceReport,
    /// What respondents suggested with their answers, newest day first,
    /// at most [`Report::SUGGESTIONS`] of them.
    pub suggestions: Vec<SuggestionView>,
    /// How many suggestions the days hold in all.
    pub suggestions_total: usize,
}

/// A survey respondent's suggestion, as staff read it: the service and
/// day, never the ticket.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SuggestionView {
    #[schema(format = Date)]
    pub day: String,
    pub service: String,
    pub text: String,
}

impl Report {
    /// The most suggestions a report lists.
    pub const SUGGESTIONS: usize = 500;

    pub fn new(
        office: &str,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        figures: &[antrean_store::ServiceFigures],
    ) -> Self {
        let one = |f: &antrean_store::ServiceFigures| ServiceReport {
            service: Some(f.service.clone()),
            issued: f.issued,
            done: f.done,
            no_show: f.no_show,
            cancelled: f.cancelled,
            expired: f.expired,
            priority: f.priority,
            online: f.online,
            kiosk: f.kiosk,
            mean_wait_s: f.mean_wait_s.map(f64::round),
            mean_service_s: f.mean_service_s.map(f64::round),
            ikm: IkmView::new(&f.surveys, f.done),
        };
        // Means over all services, weighted by the tickets they cover.
        let weighted = |mean: fn(&antrean_store::ServiceFigures) -> Option<f64>,
                        weight: fn(&antrean_store::ServiceFigures) -> u64| {
            let (sum, n) = figures
                .iter()
                .filter_map(|f| mean(f).map(|m| (m * weight(f) as f64, weight(f))))
                .fold((0.0, 0u64), |a, b| (a.0 + b.0, a.1 + b.1));
            (n > 0).then(|| (sum / n as f64).round())
        };
        let sum = |g: fn(&antrean_store::ServiceFigures) -> u64| figures.iter().map(g).sum::<u64>();
        let total = ServiceReport {
            service: None,
            issued: sum(|f| f.issued),
            done: sum(|f| f.done),
            no_show: sum(|f| f.no_show),
            cancelled: sum(|f| f.cancelled),
            expired: sum(|f| f.expired),
            priority: sum(|f| f.priority),
            online: sum(|f| f.online),
            kiosk: sum(|f| f.kiosk),
            mean_wait_s: weighted(
                |f| f.mean_wait_s,
                |f| f.issued.saturating_sub(f.cancelled + f.expired),
            ),
            mean_service_s: weighted(|f| f.mean_service_s, |f| f.done),
            ikm: IkmView::new(figures.iter().flat_map(|f| &f.surveys), sum(|f| f.done)),
        };
        let mut suggestions: Vec<(chrono::NaiveDate, &str, &str)> = figures
            .iter()
            .flat_map(|f| {
                f.suggestions
                    .iter()
                    .map(|(day, text)| (*day, f.service.as_str(), text.as_str()))
            })
            .collect();
        // Newest day first; within a day, each service's newest first.
        suggestions.sort_by_key(|s| std::cmp::Reverse(s.0));
        let suggestions_total = suggestions.len();
        Report {
            office: office.to_owned(),
            from: from.to_string(),
            to: to.to_string(),
            services: figures.iter().map(one).collect(),
            total,
            suggestions: suggestions
                .into_iter()
                .take(Self::SUGGESTIONS)
                .map(|(day, service, text)| SuggestionView {
                    day: day.to_string(),
                    service: service.to_owned(),
                    text: text.to_owned(),
                })
                .collect(),
            suggestions_total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IkmView;

    #[test]
    fn an_ikm_over_too_few_respondents_says_so() {
        let answers = [[Some(4); 9]; 5];
        let few = IkmView::new(&answers, 100);
        assert_eq!(
            (
                few.respondents,
                few.served,
                few.minimum_sample,
                few.sample_enough
            ),
            (5, 100, 80, false)
        );
        assert_eq!(
            few.grade.as_deref(),
            Some("A"),
            "the score is still worked out"
        );
        let enough = IkmView::new(&[[Some(3); 9]; 80], 100);
        assert!(enough.sample_enough);
        let none = IkmView::new(&[], 0);
        assert!(!none.sample_enough, "no answers are never enough");
    }
}
