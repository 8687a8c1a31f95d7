//! The live state of one office for one business day, and the rules that
//! change it.
//!
//! [`Office::execute`] decides a [`Command`] against the current state and,
//! when the rules allow it, applies the resulting [`Event`]s and returns them
//! with the ticket they are about ([`Executed`]).
//! [`Office::apply`] is the only code that mutates state, so replaying the
//! events of a day rebuilds exactly the same office.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use crate::configure::{check_closure, check_hours, Change};
use crate::error::DomainError;
use crate::estimate::{self, ServiceTimes};
use crate::event::{Event, EventKind};
use crate::ids::{CounterId, ServiceId, TicketCode};
use crate::model::{
    format_number, CallPolicy, Channel, CounterDef, CounterStatus, OfficeDef, Priority, ServiceDef,
    Ticket, TicketStatus,
};
use crate::ranked::RankedSet;

/// Something a clerk, a citizen, a kiosk or a timer asks of an office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Take a ticket. `code` is the fresh random public code, chosen by the
    /// caller so that the rules stay deterministic.
    Issue {
        code: TicketCode,
        service: ServiceId,
        priority: Option<Priority>,
        channel: Channel,
    },
    /// The citizen gives up a waiting ticket.
    Cancel {
        code: TicketCode,
    },
    Open {
        counter: CounterId,
    },
    Pause {
        counter: CounterId,
        reason: String,
    },
    Close {
        counter: CounterId,
    },
    CallNext {
        counter: CounterId,
    },
    /// Call a given number out of order (a late arrival, a citizen who asks).
    CallNumber {
        counter: CounterId,
        number: String,
    },
    Recall {
        counter: CounterId,
    },
    Start {
        counter: CounterId,
    },
    Finish {
        counter: CounterId,
    },
    NoShow {
        counter: CounterId,
    },
    Transfer {
        counter: CounterId,
        to: TransferTarget,
    },
    /// Stop issuing tickets for a service now (its blanks ran out, the
    /// central network is down), with the message citizens are shown.
    Suspend {
        service: ServiceId,
        message: String,
    },
    /// Issue tickets for the service again.
    Resume {
        service: ServiceId,
    },
    /// Change the running text of the lobby display (empty: none).
    SetRunningText {
        text: String,
    },
    /// Change the office's configuration: each change is checked against
    /// the rules and what is happening, in order; all or none apply. A
    /// change that alters nothing is left out.
    Configure {
        changes: Vec<Change>,
    },
    /// A supervisor releases a counter a clerk left open (gone home, ill),
    /// so that another clerk can take it.
    Release {
        counter: CounterId,
    },
    /// A no-show citizen arrived late: back into the queue.
    Requeue {
        number: String,
    },
    /// Staff in the hall saw that the citizen of a ticket whose priority
    /// reason was claimed online is entitled to it: the ticket moves to the
    /// priority lane.
    ConfirmPriority {
        number: String,
    },
    /// Staff move the document of a finished ticket (of any day, so the
    /// caller looks it up and passes what it knows) to a workflow step.
    Document {
        code: TicketCode,
        number: String,
        service: ServiceId,
        /// The status in storage; the office's own wins while the ticket is
        /// still live.
        status: TicketStatus,
        step: String,
    },
    /// The citizen of a finished ticket answers the IKM survey, once.
    Survey {
        code: TicketCode,
        number: String,
        service: ServiceId,
        /// The status in storage; the office's own wins while the ticket is
        /// still live.
        status: TicketStatus,
        /// Whether storage already held an answer when the caller looked the
        /// ticket up. Answers since then are known to the office.
        answered: bool,
        answers: crate::ikm::Answers,
        /// Free text the respondent added, as written (the office trims it
        /// and checks its length).
        suggestion: Option<String>,
    },
}

/// Who works a counter with a command: a member of staff by user name,
/// and whether they supervise (act on counters other clerks hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worker<'a> {
    pub name: &'a str,
    pub supervises: bool,
}

impl<'a> Worker<'a> {
    /// A clerk: works only counters nobody else holds.
    pub fn clerk(name: &'a str) -> Self {
        Worker {
            name,
            supervises: false,
        }
    }
}

impl Command {
    /// The counter a clerk works with this command: the one whose holder
    /// alone may give it. (Releasing is a supervisor's, not a clerk's.)
    pub fn worked_counter(&self) -> Option<&CounterId> {
        match self {
            Command::Open { counter }
            | Command::Pause { counter, .. }
            | Command::Close { counter }
            | Command::CallNext { counter }
            | Command::CallNumber { counter, .. }
            | Command::Recall { counter }
            | Command::Start { counter }
            | Command::Finish { counter }
            | Command::NoShow { counter }
            | Command::Transfer { counter, .. } => Some(counter),
            _ => None,
        }
    }
}

/// Where a transferred ticket goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferTarget {
    Service(ServiceId),
    Counter(CounterId),
}

/// What a command did: its events, and the ticket it was about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    /// In order, already applied; empty when there was nothing to do (a
    /// call with nobody waiting).
    pub events: Vec<Event>,
    /// The ticket the last event is about, as it is after the command; also
    /// when the command took it out of the office (done or cancelled, with
    /// its final status and `finished_at`). `None` for events about no
    /// ticket, and for document and survey events, whose tickets are no
    /// longer in the office.
    pub ticket: Option<Ticket>,
}

/// A counter's state during the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub id: String,
    pub status: CounterStatus,
    pub reason: Option<String>,
    /// Code of the ticket called or being served here.
    pub current: Option<String>,
    /// Regular tickets called since the last priority one; drives
    /// `priority_ratio`. Starts high so that a priority ticket goes first.
    pub regular_streak: u32,
    /// The clerk (user name) who holds the counter: only they work it until
    /// they close it or a supervisor releases it.
    pub clerk: Option<String>,
}

impl Counter {
    fn closed(id: &str) -> Self {
        Counter {
            id: id.to_owned(),
            status: CounterStatus::Closed,
            reason: None,
            current: None,
            regular_streak: u32::MAX,
            clerk: None,
        }
    }
}

/// Tickets issued today from one service's sequence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceCounts {
    /// The sequence number the next ticket gets.
    pub next_seq: u32,
    /// Tickets that count against the quota (issued and not cancelled).
    pub total: u32,
    /// Of those, taken online.
    pub online: u32,
}

/// Order in a queue: arrival time, then number.
type QueueKey = (DateTime<Utc>, String);

/// The waiting tickets of one service, priority lane apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ServiceQueue {
    priority: RankedSet<QueueKey>,
    regular: RankedSet<QueueKey>,
}

/// What the store remembers of a day, to rebuild an office after a restart.
#[derive(Debug, Clone, Default)]
pub struct Restore {
    /// The office's configuration, once it was seeded.
    pub config: Option<OfficeDef>,
    pub day: Option<NaiveDate>,
    pub seq: u64,
    /// Today's tickets that are not final.
    pub tickets: Vec<Ticket>,
    pub counters: Vec<Counter>,
    pub counts: HashMap<String, ServiceCounts>,
    /// (service, seconds at the counter) of today's finished tickets, oldest
    /// first.
    pub service_times: Vec<(String, f64)>,
    /// Services whose issuing is stopped, with their message.
    pub suspended: HashMap<String, String>,
    /// The running text staff last set; `None`: the configured one.
    pub running_text: Option<String>,
    /// Codes of today's and yesterday's tickets whose survey was answered:
    /// what the office remembered before it was rebuilt, so that an answer
    /// looked up before the first was on disk is still refused.
    pub surveyed: Vec<String>,
}

/// One office's live state for its current business day.
#[derive(Debug, Clone, PartialEq)]
pub struct Office {
    def: Arc<OfficeDef>,
    day: NaiveDate,
    seq: u64,
    /// Tickets that are not final, by code.
    tickets: HashMap<String, Box<Ticket>>,
    /// Number → code of the same tickets.
    by_number: HashMap<String, String>,
    queues: HashMap<String, ServiceQueue>,
    /// Tickets transferred to one counter, by counter id.
    pinned: HashMap<String, RankedSet<QueueKey>>,
    /// In the configured order.
    counters: Vec<Counter>,
    counts: HashMap<String, ServiceCounts>,
    times: ServiceTimes,
    /// Services whose issuing staff stopped, with the message for citizens;
    /// kept across days until resumed.
    suspended: HashMap<String, String>,
    /// The running text staff set, once they did (the configured one until
    /// then).
    running_text: Option<String>,
    /// Codes of the tickets whose survey was answered this business day.
    /// With the caller's `answered` from storage this makes one answer per
    /// ticket: storage knows the answers before the caller looked, this set
    /// those that came after. Not restored after a restart, when every
    /// answer already applied is in storage.
    surveyed: HashSet<String>,
    /// The same for the day before: an answer given just before midnight may
    /// still be on its way to storage. Older ones are dropped, so memory
    /// stays bounded.
    surveyed_before: HashSet<String>,
}

impl Office {
    /// An office at the start of `day`, nothing issued, every counter closed.
    pub fn new(def: Arc<OfficeDef>, day: NaiveDate) -> Self {
        let counters = def
            .counters
            .iter()
            .map(|c| Counter::closed(&c.id))
            .collect();
        let queues = def
            .services
            .iter()
            .map(|s| (s.id.clone(), ServiceQueue::default()))
            .collect();
        Office {
            def,
            day,
            seq: 0,
            tickets: HashMap::new(),
            by_number: HashMap::new(),
            queues,
            pinned: HashMap::new(),
            counters,
            counts: HashMap::new(),
            times: ServiceTimes::default(),
            suspended: HashMap::new(),
            running_text: None,
            surveyed: HashSet::new(),
            surveyed_before: HashSet::new(),
        }
    }

    /// The office as it was at the start of its business day, for playing
    /// `today` (the day's events so far, in order) again: nothing issued,
    /// every counter closed, no service times yet (as a restart finds them),
    /// the configuration of now, and the services stopped then: those
    /// stopped now, less those whose first stop or resume today was a stop.
    /// (A service whose first was a resume was stopped with a message the
    /// day's events do not hold: it starts the day as it is now.)
    pub fn day_start(&self, today: &[Event]) -> Office {
        let mut start = Office::new(Arc::clone(&self.def), self.day);
        let mut seen = HashSet::new();
        let mut stopped_today = HashSet::new();
        for e in today {
            match &e.kind {
                EventKind::ServiceSuspended { service, .. } if seen.insert(service) => {
                    stopped_today.insert(service);
                }
                EventKind::ServiceResumed { service } => {
                    seen.insert(service);
                }
                _ => {}
            }
        }
        start.suspended = self
            .suspended
            .iter()
            .filter(|(service, _)| !stopped_today.contains(service))
            .map(|(service, message)| (service.clone(), message.clone()))
            .collect();
        start.seq = today.first().map_or(self.seq, |e| e.seq.saturating_sub(1));
        start
    }

    /// Rebuilds an office from what the store kept. Rows that no longer match
    /// the configuration (a removed counter or service) are dropped.
    pub fn restore(def: Arc<OfficeDef>, now: DateTime<Utc>, saved: Restore) -> Self {
        let day = saved.day.unwrap_or_else(|| def.business_day(now));
        let mut office = Office::new(def, day);
        office.seq = saved.seq;
        for c in saved.counters {
            if let Some(slot) = office.counters.iter_mut().find(|x| x.id == c.id) {
                *slot = c;
            }
        }
        office.restore_tickets(saved.tickets);
        office.surveyed = saved.surveyed.into_iter().collect();
        office.suspended = saved.suspended;
        office.running_text = saved.running_text;
        for c in &mut office.counters {
            if c.current
                .as_ref()
                .is_some_and(|code| !office.tickets.contains_key(code))
            {
                c.current = None;
            }
        }
        office.counts = saved.counts;
        for (service, secs) in saved.service_times {
            office.times.observe(&service, secs);
        }
        office
    }

    /// Puts the day's open tickets back, building each queue in one go from
    /// sorted keys (a restart with a long queue must not insert one by one).
    fn restore_tickets(&mut self, tickets: Vec<Ticket>) {
        self.tickets.reserve(tickets.len());
        self.by_number.reserve(tickets.len());
        let mut priority: HashMap<String, Vec<QueueKey>> = HashMap::new();
        let mut regular: HashMap<String, Vec<QueueKey>> = HashMap::new();
        let mut pinned: HashMap<String, Vec<QueueKey>> = HashMap::new();
        for t in tickets {
            if self.def.service(&t.service).is_none() {
                continue;
            }
            match t.status {
                TicketStatus::Waiting => {
                    let lane = match (&t.target_counter, t.in_priority_lane()) {
                        (Some(c), _) => pinned.entry(c.clone()),
                        (None, true) => priority.entry(t.service.clone()),
                        (None, false) => regular.entry(t.service.clone()),
                    };
                    lane.or_default().push(queue_key(&t));
                }
                TicketStatus::Called | TicketStatus::Serving => {
                    if let Some(c) = self
                        .counters
                        .iter_mut()
                        .find(|c| Some(&c.id) == t.counter.as_ref())
                    {
                        c.current = Some(t.code.clone());
                    }
                }
                _ => {}
            }
            self.by_number.insert(t.number.clone(), t.code.clone());
            self.tickets.insert(t.code.clone(), Box::new(t));
        }
        // `collect` sorts once and fills the blocks in bulk.
        for (service, keys) in priority {
            if let Some(q) = self.queues.get_mut(&service) {
                q.priority = keys.into_iter().collect();
            }
        }
        for (service, keys) in regular {
            if let Some(q) = self.queues.get_mut(&service) {
                q.regular = keys.into_iter().collect();
            }
        }
        for (counter, keys) in pinned {
            self.pinned.insert(counter, keys.into_iter().collect());
        }
    }

    pub fn def(&self) -> &Arc<OfficeDef> {
        &self.def
    }

    pub fn day(&self) -> NaiveDate {
        self.day
    }

    /// Seq of the last event applied.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    pub fn counters(&self) -> &[Counter] {
        &self.counters
    }

    pub fn counter(&self, id: &str) -> Option<&Counter> {
        self.counters.iter().find(|c| c.id == id)
    }

    /// A ticket of today that is not final.
    pub fn ticket(&self, code: &str) -> Option<&Ticket> {
        self.tickets.get(code).map(|t| &**t)
    }

    pub fn ticket_by_number(&self, number: &str) -> Option<&Ticket> {
        self.by_number.get(number).and_then(|c| self.ticket(c))
    }

    /// Tickets of today that are not final, in no particular order.
    pub fn active_tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.tickets.values().map(|t| &**t)
    }

    /// The running text staff set, if they did.
    pub fn running_text(&self) -> Option<&str> {
        self.running_text.as_deref()
    }

    /// Why issuing for `service` is stopped, if staff stopped it.
    pub fn suspended(&self, service: &str) -> Option<&str> {
        self.suspended.get(service).map(String::as_str)
    }

    pub fn counts(&self, service: &str) -> ServiceCounts {
        self.counts.get(service).copied().unwrap_or_default()
    }

    /// Citizens waiting for `service` (also those sent to one counter).
    pub fn waiting(&self, service: &str) -> u32 {
        let queued = self
            .queues
            .get(service)
            .map_or(0, |q| q.priority.len() + q.regular.len());
        let pinned = self
            .pinned
            .values()
            .flatten()
            .filter(|(_, n)| {
                self.ticket_by_number(n)
                    .is_some_and(|t| t.service == service)
            })
            .count();
        u32::try_from(queued + pinned).unwrap_or(u32::MAX)
    }

    /// The first `limit` tickets waiting for `service`, in the order a
    /// counter serving only it would call them (priority lane first).
    pub fn queue(&self, service: &str, limit: usize) -> Vec<&Ticket> {
        self.queues.get(service).map_or_else(Vec::new, |q| {
            q.priority
                .iter()
                .chain(&q.regular)
                .filter_map(|(_, number)| self.ticket_by_number(number))
                .take(limit)
                .collect()
        })
    }

    /// Tickets still to be issued today: `(total, online)`, `None` unlimited.
    pub fn remaining_quota(&self, service: &str) -> (Option<u32>, Option<u32>) {
        let Some(def) = self.def.service(service) else {
            return (None, None);
        };
        let counts = self.counts(service);
        let total = def.quota_total.map(|q| q.saturating_sub(counts.total));
        let online = def
            .quota_online
            .map(|q| q.saturating_sub(counts.online))
            .map(|o| total.map_or(o, |t| o.min(t)));
        (total, online.or(total))
    }

    /// Counters open for `service`.
    pub fn open_counters(&self, service: &str) -> u32 {
        let n = self
            .def
            .counters
            .iter()
            .zip(&self.counters)
            .filter(|(d, c)| {
                c.status == CounterStatus::Open && d.services.iter().any(|s| s == service)
            })
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// People who will be called before this waiting ticket. Asked on every
    /// refresh of a citizen's page and after every call, for everyone
    /// watching: a rank in the queue's `RankedSet`, not a walk through it.
    pub fn ahead(&self, ticket: &Ticket) -> u32 {
        if ticket.status != TicketStatus::Waiting {
            return 0;
        }
        let key = queue_key(ticket);
        let n = if let Some(counter) = &ticket.target_counter {
            self.pinned.get(counter).map_or(0, |q| q.rank(&key))
        } else if let Some(q) = self.queues.get(&ticket.service) {
            if ticket.in_priority_lane() {
                q.priority.rank(&key)
            } else {
                q.priority.len() + q.regular.rank(&key)
            }
        } else {
            0
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Seconds until the ticket is likely called; `None` when nobody can say.
    pub fn estimated_wait_s(&self, ticket: &Ticket) -> Option<u32> {
        if ticket.status != TicketStatus::Waiting {
            return None;
        }
        let open = if ticket.target_counter.is_some() {
            1
        } else {
            self.open_counters(&ticket.service)
        };
        estimate::wait_s(
            self.ahead(ticket),
            self.mean_service_s(&ticket.service),
            open,
        )
    }

    /// The estimate for a citizen who would take a ticket now.
    pub fn estimated_wait_new_s(&self, service: &str) -> Option<u32> {
        estimate::wait_s(
            self.waiting(service),
            self.mean_service_s(service),
            self.open_counters(service),
        )
    }

    fn mean_service_s(&self, service: &str) -> f64 {
        let default = self
            .def
            .service(service)
            .map_or(300, ServiceDef::service_time_s);
        self.times.mean_s(service, default)
    }

    /// Ends the business day when `now` is past it: the one event to apply
    /// before any command of the new day. Returns `None` on the same day.
    pub fn roll_over(&mut self, now: DateTime<Utc>) -> Option<Event> {
        let today = self.def.business_day(now);
        if today <= self.day {
            return None;
        }
        let expired = u32::try_from(self.tickets.len()).unwrap_or(u32::MAX);
        let kind = EventKind::DayEnded {
            day: self.day,
            next_day: today,
            expired,
        };
        Some(self.record(kind, now).0)
    }

    /// Decides `cmd` at `now`; on success applies the events and returns
    /// them with the ticket they are about. Call [`Office::roll_over`]
    /// first. A refused command changes nothing.
    pub fn execute(&mut self, cmd: &Command, now: DateTime<Utc>) -> Result<Executed, DomainError> {
        self.execute_by(cmd, None, now)
    }

    /// [`Office::execute`] for a member of staff (`by`): a counter held by
    /// another clerk refuses a clerk, and one nobody holds becomes theirs.
    pub fn execute_by(
        &mut self,
        cmd: &Command,
        by: Option<Worker<'_>>,
        now: DateTime<Utc>,
    ) -> Result<Executed, DomainError> {
        let kinds = self.decide_by(cmd, by, now)?;
        let mut events = Vec::with_capacity(kinds.len());
        let mut removed = None;
        for kind in kinds {
            let (event, gone) = self.record(kind, now);
            removed = gone;
            events.push(event);
        }
        // A ticket still in the office is copied once, after the last event.
        let ticket = removed.or_else(|| {
            events
                .last()
                .and_then(|e| e.kind.ticket_code())
                .and_then(|code| self.ticket(code))
                .cloned()
        });
        Ok(Executed { events, ticket })
    }

    /// Numbers and applies one event; also returns the ticket the event took
    /// out of the office, if it did.
    fn record(&mut self, kind: EventKind, at: DateTime<Utc>) -> (Event, Option<Ticket>) {
        let event = Event {
            seq: self.seq + 1,
            at,
            kind,
        };
        let removed = self.apply_event(&event);
        (event, removed)
    }

    /// The events that `cmd` by `by` causes: a counter command on a counter
    /// another clerk holds is refused (unless `by` supervises: a supervisor
    /// pauses or closes it from the monitor, without taking it), and on one
    /// nobody holds it takes the counter first.
    pub fn decide_by(
        &self,
        cmd: &Command,
        by: Option<Worker<'_>>,
        now: DateTime<Utc>,
    ) -> Result<Vec<EventKind>, DomainError> {
        let take = match (by, cmd.worked_counter()) {
            (Some(by), Some(id)) => {
                let c = self.counter_or_err(id.as_str())?;
                match &c.clerk {
                    Some(holder) if holder != by.name && !by.supervises => {
                        return Err(DomainError::CounterHeld {
                            counter: c.id.clone(),
                            clerk: holder.clone(),
                        })
                    }
                    Some(_) => None,
                    // Closing a counter nobody holds takes nothing, nor
                    // does a supervisor pausing it from the monitor.
                    None if matches!(cmd, Command::Close { .. })
                        || (by.supervises && matches!(cmd, Command::Pause { .. })) =>
                    {
                        None
                    }
                    None => Some(EventKind::CounterTaken {
                        counter: c.id.clone(),
                        clerk: Some(by.name.to_owned()),
                    }),
                }
            }
            _ => None,
        };
        let kinds = self.decide(cmd, now)?;
        Ok(take.into_iter().chain(kinds).collect())
    }

    /// The events that `cmd` causes, without changing anything.
    pub fn decide(&self, cmd: &Command, now: DateTime<Utc>) -> Result<Vec<EventKind>, DomainError> {
        match cmd {
            Command::Issue {
                code,
                service,
                priority,
                channel,
            } => self.decide_issue(code.as_str(), service.as_str(), *priority, *channel, now),
            Command::Cancel { code } => {
                let t = self
                    .ticket(code.as_str())
                    .ok_or_else(|| DomainError::UnknownTicket(code.as_str().to_owned()))?;
                expect_status(t, &[TicketStatus::Waiting], "cancelled")?;
                Ok(vec![EventKind::TicketCancelled {
                    code: t.code.clone(),
                    number: t.number.clone(),
                    service: t.service.clone(),
                }])
            }
            Command::Open { counter } => {
                self.decide_counter_state(counter.as_str(), CounterStatus::Open, None)
            }
            Command::Pause { counter, reason } => {
                if !fit_to_show(reason, 64) {
                    return Err(DomainError::PauseReason);
                }
                let reason = reason.trim();
                self.decide_counter_state(
                    counter.as_str(),
                    CounterStatus::Paused,
                    Some(reason.to_owned()),
                )
            }
            Command::Close { counter } => {
                let mut kinds =
                    self.decide_counter_state(counter.as_str(), CounterStatus::Closed, None)?;
                if self.counter_or_err(counter.as_str())?.clerk.is_some() {
                    kinds.push(released(counter.as_str()));
                }
                Ok(kinds)
            }
            Command::Release { counter } => {
                let c = self.counter_or_err(counter.as_str())?;
                if c.clerk.is_none() {
                    return Err(DomainError::CounterNotHeld(c.id.clone()));
                }
                Ok(vec![released(&c.id)])
            }
            Command::CallNext { counter } => {
                let (def, c) = self.open_idle_counter(counter.as_str())?;
                Ok(self
                    .next_for(def, c)
                    .map(|t| called(t, counter.as_str(), false))
                    .into_iter()
                    .collect())
            }
            Command::CallNumber { counter, number } => {
                let counter = counter.as_str();
                let (def, _) = self.open_idle_counter(counter)?;
                let t = self.by_number_or_err(number)?;
                expect_status(t, &[TicketStatus::Waiting, TicketStatus::NoShow], "called")?;
                let served_here = match &t.target_counter {
                    Some(pinned) => pinned == counter,
                    None => def.services.contains(&t.service),
                };
                if !served_here {
                    return Err(DomainError::NotServedHere {
                        counter: counter.to_owned(),
                        service: t.service.clone(),
                    });
                }
                let mut kinds = Vec::with_capacity(2);
                if t.status == TicketStatus::NoShow {
                    kinds.push(requeued(t));
                }
                kinds.push(called(t, counter, false));
                Ok(kinds)
            }
            Command::Recall { counter } => {
                let t = self.current(counter.as_str())?;
                expect_status(t, &[TicketStatus::Called], "recalled")?;
                Ok(vec![called(t, counter.as_str(), true)])
            }
            Command::Start { counter } => {
                let t = self.current(counter.as_str())?;
                expect_status(t, &[TicketStatus::Called], "started")?;
                Ok(vec![EventKind::TicketServing {
                    code: t.code.clone(),
                    number: t.number.clone(),
                    service: t.service.clone(),
                    counter: counter.as_str().to_owned(),
                }])
            }
            Command::Finish { counter } => {
                let t = self.current(counter.as_str())?;
                expect_status(t, &[TicketStatus::Serving], "finished")?;
                Ok(vec![EventKind::TicketDone {
                    code: t.code.clone(),
                    number: t.number.clone(),
                    service: t.service.clone(),
                    counter: counter.as_str().to_owned(),
                }])
            }
            Command::NoShow { counter } => {
                let t = self.current(counter.as_str())?;
                expect_status(t, &[TicketStatus::Called], "marked no-show")?;
                if t.calls < self.def.min_calls {
                    return Err(DomainError::MinCallsNotReached {
                        number: t.number.clone(),
                        calls: t.calls,
                        min: self.def.min_calls,
                    });
                }
                Ok(vec![EventKind::TicketNoShow {
                    code: t.code.clone(),
                    number: t.number.clone(),
                    service: t.service.clone(),
                    counter: counter.as_str().to_owned(),
                }])
            }
            Command::Transfer { counter, to } => self.decide_transfer(counter.as_str(), to),
            Command::Suspend { service, message } => {
                let service = self.service_or_err(service.as_str())?;
                if !fit_to_show(message, 120) {
                    return Err(DomainError::SuspendMessage);
                }
                let message = message.trim();
                Ok(vec![EventKind::ServiceSuspended {
                    service: service.id.clone(),
                    message: message.to_owned(),
                }])
            }
            Command::SetRunningText { text } => {
                // Counted as typed, as the API publishes it.
                if text.chars().count() > 500 {
                    return Err(DomainError::RunningTextTooLong);
                }
                let text = text.trim();
                Ok(vec![EventKind::RunningTextChanged {
                    text: text.to_owned(),
                }])
            }
            Command::Resume { service } => {
                let service = self.service_or_err(service.as_str())?;
                if !self.suspended.contains_key(&service.id) {
                    return Err(DomainError::ServiceNotSuspended(service.id.clone()));
                }
                Ok(vec![EventKind::ServiceResumed {
                    service: service.id.clone(),
                }])
            }
            Command::Configure { changes } => self.decide_configure(changes),
            Command::Requeue { number } => {
                let t = self.by_number_or_err(number)?;
                expect_status(t, &[TicketStatus::NoShow], "requeued")?;
                Ok(vec![requeued(t)])
            }
            Command::ConfirmPriority { number } => {
                let t = self.by_number_or_err(number)?;
                if t.priority.is_none() {
                    return Err(DomainError::NoPriorityClaim(t.number.clone()));
                }
                if t.priority_confirmed {
                    return Err(DomainError::PriorityAlreadyConfirmed(t.number.clone()));
                }
                expect_status(
                    t,
                    &[
                        TicketStatus::Waiting,
                        TicketStatus::Called,
                        TicketStatus::Serving,
                    ],
                    "confirmed as priority",
                )?;
                Ok(vec![EventKind::PriorityConfirmed {
                    code: t.code.clone(),
                    number: t.number.clone(),
                    service: t.service.clone(),
                }])
            }
            Command::Survey {
                code,
                number,
                service,
                status,
                answered,
                answers,
                suggestion,
            } => {
                expect_done(
                    number,
                    self.status_of(code, *status),
                    "rated (it must be done first)",
                )?;
                // Storage knows the answers before the caller's look-up, the
                // office those since: together, one answer per ticket.
                if *answered
                    || self.surveyed.contains(code.as_str())
                    || self.surveyed_before.contains(code.as_str())
                {
                    return Err(DomainError::SurveyAnswered {
                        number: number.clone(),
                    });
                }
                if !crate::ikm::valid(answers) {
                    return Err(DomainError::InvalidSurvey);
                }
                let suggestion = crate::ikm::suggestion(suggestion.as_deref())
                    .map_err(|length| DomainError::SuggestionTooLong { length })?;
                Ok(vec![EventKind::SurveySubmitted {
                    code: code.as_str().to_owned(),
                    service: service.as_str().to_owned(),
                    answers: *answers,
                    suggestion,
                }])
            }
            Command::Document {
                code,
                number,
                service,
                status,
                step,
            } => {
                expect_done(
                    number,
                    self.status_of(code, *status),
                    "given a document status (it must be done first)",
                )?;
                let def = self
                    .def
                    .service(service.as_str())
                    .ok_or_else(|| DomainError::UnknownService(service.as_str().to_owned()))?;
                if !def.workflow.contains(step) {
                    return Err(DomainError::UnknownStep {
                        service: service.as_str().to_owned(),
                        step: step.clone(),
                    });
                }
                Ok(vec![EventKind::DocumentStatus {
                    code: code.as_str().to_owned(),
                    number: number.clone(),
                    service: service.as_str().to_owned(),
                    step: step.clone(),
                }])
            }
        }
    }

    /// The status of a ticket whose caller read `stored` from storage: while
    /// the ticket is in the office, the office's (storage catches up only at
    /// the next commit); once it has left, storage's, which is final and
    /// never changes again.
    fn status_of(&self, code: &TicketCode, stored: TicketStatus) -> TicketStatus {
        self.ticket(code.as_str()).map_or(stored, |t| t.status)
    }

    fn decide_issue(
        &self,
        code: &str,
        service: &str,
        priority: Option<Priority>,
        channel: Channel,
        now: DateTime<Utc>,
    ) -> Result<Vec<EventKind>, DomainError> {
        let def = self
            .def
            .service(service)
            .ok_or_else(|| DomainError::UnknownService(service.to_owned()))?;
        if let Some(message) = self.suspended.get(service) {
            return Err(DomainError::ServiceSuspended {
                service: service.to_owned(),
                message: message.clone(),
            });
        }
        if !self.def.service_is_open(def, now) {
            return Err(DomainError::ServiceClosed(service.to_owned()));
        }
        if !self.def.is_served(service) {
            return Err(DomainError::ServiceNotServed(service.to_owned()));
        }
        if self.tickets.contains_key(code) {
            return Err(DomainError::DuplicateCode(code.to_owned()));
        }
        let counts = self.counts(service);
        if def.quota_total.is_some_and(|q| counts.total >= q) {
            return Err(DomainError::QuotaExhausted(service.to_owned()));
        }
        if channel == Channel::Online && def.quota_online.is_some_and(|q| counts.online >= q) {
            return Err(DomainError::OnlineQuotaExhausted(service.to_owned()));
        }
        let seq_no = counts.next_seq.max(1);
        Ok(vec![EventKind::TicketIssued {
            ticket: Ticket {
                code: code.to_owned(),
                number: format_number(&def.prefix, seq_no),
                seq_no,
                number_service: service.to_owned(),
                service: service.to_owned(),
                priority,
                // The kiosk's lane is chosen in the hall, and staff issue
                // for a citizen they see; a reason claimed online waits
                // for staff to confirm it.
                priority_confirmed: priority.is_some() && channel != Channel::Online,
                channel,
                status: TicketStatus::Waiting,
                day: self.day,
                issued_at: now,
                called_at: None,
                started_at: None,
                finished_at: None,
                counter: None,
                target_counter: None,
                calls: 0,
            },
        }])
    }

    fn decide_counter_state(
        &self,
        id: &str,
        to: CounterStatus,
        reason: Option<String>,
    ) -> Result<Vec<EventKind>, DomainError> {
        let c = self.counter_or_err(id)?;
        if c.status == to {
            return Err(DomainError::CounterAlreadyInState {
                counter: id.to_owned(),
                status: to.as_str(),
            });
        }
        if to != CounterStatus::Open {
            if let Some(code) = &c.current {
                return Err(DomainError::CounterBusy {
                    counter: id.to_owned(),
                    number: self
                        .tickets
                        .get(code)
                        .map(|t| t.number.clone())
                        .unwrap_or_default(),
                });
            }
        }
        if to == CounterStatus::Paused && c.status == CounterStatus::Closed {
            return Err(DomainError::CounterNotOpen {
                counter: id.to_owned(),
                status: c.status.as_str(),
            });
        }
        Ok(vec![EventKind::CounterState {
            counter: id.to_owned(),
            state: to,
            reason,
        }])
    }

    fn decide_transfer(
        &self,
        counter: &str,
        to: &TransferTarget,
    ) -> Result<Vec<EventKind>, DomainError> {
        let t = self.current(counter)?;
        expect_status(
            t,
            &[TicketStatus::Called, TicketStatus::Serving],
            "transferred",
        )?;
        let (service, target_counter) = match to {
            TransferTarget::Service(s) => {
                let s = s.as_str();
                if self.def.service(s).is_none() {
                    return Err(DomainError::UnknownService(s.to_owned()));
                }
                if s == t.service {
                    return Err(DomainError::TransferToSame(t.number.clone()));
                }
                if !self
                    .def
                    .counters
                    .iter()
                    .any(|c| c.services.iter().any(|x| x == s))
                {
                    return Err(DomainError::ServiceNotServed(s.to_owned()));
                }
                (s.to_owned(), None)
            }
            TransferTarget::Counter(c) => {
                let c = c.as_str();
                self.counter_or_err(c)?;
                if c == counter {
                    return Err(DomainError::TransferToSame(t.number.clone()));
                }
                (t.service.clone(), Some(c.to_owned()))
            }
        };
        Ok(vec![EventKind::TicketTransferred {
            code: t.code.clone(),
            number: t.number.clone(),
            from_service: t.service.clone(),
            from_counter: counter.to_owned(),
            service,
            counter: target_counter,
        }])
    }

    /// Checks each change against the rules and today's state, applied in
    /// turn to a copy of the configuration, then the result as a whole.
    fn decide_configure(&self, changes: &[Change]) -> Result<Vec<EventKind>, DomainError> {
        let mut def = (*self.def).clone();
        let mut kinds = Vec::with_capacity(changes.len());
        for change in changes {
            self.check_change(&def, change)?;
            let before = def.clone();
            def.apply(change);
            // A seed is recorded even when the office already runs on it
            // (it was restored with its file's configuration).
            if def != before || matches!(change, Change::Seeded { .. }) {
                kinds.push(EventKind::Configured {
                    change: change.clone(),
                });
            }
        }
        def.check()?;
        Ok(kinds)
    }

    /// The rules of one change to `def`, and its conflicts with what is
    /// happening at the office.
    fn check_change(&self, def: &OfficeDef, change: &Change) -> Result<(), DomainError> {
        let lang = def.languages.first().map_or("id", String::as_str);
        match change {
            Change::Seeded { office } => office.check(),
            Change::Settings { settings } => settings.check(),
            Change::Hours { hours } => check_hours(hours.as_ref()),
            Change::ServiceSaved { service } => {
                service.check(lang)?;
                if def.retired.services.contains(&service.id) {
                    return Err(DomainError::IdRetired(service.id.clone()));
                }
                match def
                    .services
                    .iter()
                    .find(|s| s.prefix == service.prefix && s.id != service.id)
                {
                    Some(other) => Err(DomainError::PrefixTaken {
                        prefix: service.prefix.clone(),
                        service: other.id.clone(),
                    }),
                    None => Ok(()),
                }
            }
            Change::ServiceRemoved { service } => {
                if def.service(service).is_none() {
                    return Err(DomainError::UnknownService(service.clone()));
                }
                let tickets = self
                    .tickets
                    .values()
                    .filter(|t| &t.service == service)
                    .count();
                if tickets > 0 {
                    return Err(DomainError::ServiceInUse {
                        service: service.clone(),
                        tickets: u32::try_from(tickets).unwrap_or(u32::MAX),
                    });
                }
                match def
                    .counters
                    .iter()
                    .find(|c| c.services == [service.clone()])
                {
                    Some(c) => Err(DomainError::CounterNeedsService {
                        counter: c.id.clone(),
                        service: service.clone(),
                    }),
                    None => Ok(()),
                }
            }
            Change::CounterSaved { counter } => {
                counter.check(def)?;
                if def.retired.counters.contains(&counter.id) {
                    return Err(DomainError::IdRetired(counter.id.clone()));
                }
                Ok(())
            }
            Change::CounterRemoved { counter } => {
                if def.counter(counter).is_none() {
                    return Err(DomainError::UnknownCounter(counter.clone()));
                }
                if let Some(c) = self.counter(counter) {
                    if let Some(t) = c.current.as_ref().and_then(|code| self.ticket(code)) {
                        return Err(DomainError::CounterBusy {
                            counter: counter.clone(),
                            number: t.number.clone(),
                        });
                    }
                    if c.status != CounterStatus::Closed {
                        return Err(DomainError::CounterNotClosed {
                            counter: counter.clone(),
                            status: c.status.as_str(),
                        });
                    }
                }
                match self.pinned.get(counter).map_or(0, RankedSet::len) {
                    0 => Ok(()),
                    n => Err(DomainError::CounterInUse {
                        counter: counter.clone(),
                        tickets: u32::try_from(n).unwrap_or(u32::MAX),
                    }),
                }
            }
            Change::ClosureSaved { closure } => {
                check_closure(closure, lang)?;
                match def
                    .closed
                    .iter()
                    .find(|c| c.from != closure.from && c.overlaps(closure))
                {
                    Some(other) => Err(DomainError::ClosureOverlaps(other.from)),
                    None => Ok(()),
                }
            }
            Change::ClosureRemoved { from } => {
                if def.closed.iter().any(|c| c.from == *from) {
                    Ok(())
                } else {
                    Err(DomainError::UnknownClosure(*from))
                }
            }
            Change::PrinterSaved { printer } => printer.check(),
            Change::PrinterRemoved { printer } => match def.printer(printer) {
                Some(_) => Ok(()),
                None => Err(DomainError::UnknownPrinter(printer.clone())),
            },
        }
    }

    /// After a change of configuration: a queue for every service and a
    /// counter state for every counter, in the configured order (new
    /// counters closed); nothing of what was removed.
    fn fit_to_def(&mut self) {
        let def = Arc::clone(&self.def);
        self.queues.retain(|id, _| def.service(id).is_some());
        for s in &def.services {
            self.queues.entry(s.id.clone()).or_default();
        }
        self.suspended.retain(|id, _| def.service(id).is_some());
        let mut old = std::mem::take(&mut self.counters);
        self.counters = def
            .counters
            .iter()
            .map(|c| match old.iter().position(|x| x.id == c.id) {
                Some(i) => old.swap_remove(i),
                None => Counter::closed(&c.id),
            })
            .collect();
        self.pinned.retain(|id, _| def.counter(id).is_some());
    }

    fn service_or_err(&self, id: &str) -> Result<&crate::model::ServiceDef, DomainError> {
        self.def
            .service(id)
            .ok_or_else(|| DomainError::UnknownService(id.to_owned()))
    }

    fn counter_or_err(&self, id: &str) -> Result<&Counter, DomainError> {
        self.counter(id)
            .ok_or_else(|| DomainError::UnknownCounter(id.to_owned()))
    }

    fn by_number_or_err(&self, number: &str) -> Result<&Ticket, DomainError> {
        self.ticket_by_number(number)
            .ok_or_else(|| DomainError::UnknownTicket(number.to_owned()))
    }

    /// The counter, which must be open and have no current ticket.
    fn open_idle_counter(&self, id: &str) -> Result<(&CounterDef, &Counter), DomainError> {
        let c = self.counter_or_err(id)?;
        let def = self
            .def
            .counter(id)
            .ok_or_else(|| DomainError::UnknownCounter(id.to_owned()))?;
        if c.status != CounterStatus::Open {
            return Err(DomainError::CounterNotOpen {
                counter: id.to_owned(),
                status: c.status.as_str(),
            });
        }
        if let Some(code) = &c.current {
            return Err(DomainError::CounterBusy {
                counter: id.to_owned(),
                number: self
                    .tickets
                    .get(code)
                    .map(|t| t.number.clone())
                    .unwrap_or_default(),
            });
        }
        Ok((def, c))
    }

    /// The ticket called or served at the counter.
    fn current(&self, counter: &str) -> Result<&Ticket, DomainError> {
        self.counter_or_err(counter)?
            .current
            .as_ref()
            .and_then(|code| self.ticket(code))
            .ok_or_else(|| DomainError::NoCurrentTicket(counter.to_owned()))
    }

    /// Who a counter calls next: tickets transferred to it, then the priority
    /// lane (subject to `priority_ratio`), then regular tickets by its policy.
    fn next_for(&self, def: &CounterDef, c: &Counter) -> Option<&Ticket> {
        let pinned = self.pinned.get(&def.id).and_then(|q| q.first());
        let queues = || def.services.iter().filter_map(|s| self.queues.get(s));
        let priority = queues().filter_map(|q| q.priority.first()).min();
        let regular = match def.policy {
            CallPolicy::LongestWait => queues().filter_map(|q| q.regular.first()).min(),
            CallPolicy::ServiceOrder => queues().find_map(|q| q.regular.first()),
        };
        let lane = match (priority, regular) {
            (Some(p), Some(r)) => match self.def.priority_ratio {
                Some(n) if c.regular_streak < n => Some(r),
                _ => Some(p),
            },
            (p, r) => p.or(r),
        };
        pinned
            .or(lane)
            .and_then(|(_, number)| self.ticket_by_number(number))
    }

    /// Applies one event. Events come from [`Office::decide`] or from the log,
    /// so they are trusted: an event that does not fit is ignored.
    pub fn apply(&mut self, event: &Event) {
        self.apply_event(event);
    }

    /// [`Office::apply`], also returning the ticket the event took out of
    /// the office (done or cancelled), in its final state: the office keeps
    /// no copy of it afterwards.
    fn apply_event(&mut self, event: &Event) -> Option<Ticket> {
        self.seq = event.seq;
        let at = event.at;
        match &event.kind {
            EventKind::TicketIssued { ticket } => {
                let counts = self
                    .counts
                    .entry(ticket.number_service.clone())
                    .or_default();
                counts.next_seq = counts.next_seq.max(ticket.seq_no + 1);
                counts.total += 1;
                if ticket.channel == Channel::Online {
                    counts.online += 1;
                }
                self.insert(ticket.clone());
            }
            EventKind::TicketCalled {
                code,
                counter,
                recall,
                ..
            } => {
                self.unqueue(code);
                let t = self.tickets.get_mut(code)?;
                if !recall {
                    t.called_at = Some(at);
                    t.target_counter = None;
                    if let Some(c) = self.counters.iter_mut().find(|c| c.id == *counter) {
                        c.current = Some(code.clone());
                        c.regular_streak = if t.in_priority_lane() {
                            0
                        } else {
                            c.regular_streak.saturating_add(1)
                        };
                    }
                }
                t.status = TicketStatus::Called;
                t.counter = Some(counter.clone());
                t.calls += 1;
            }
            EventKind::TicketServing { code, .. } => {
                if let Some(t) = self.tickets.get_mut(code) {
                    t.status = TicketStatus::Serving;
                    t.started_at = Some(at);
                }
            }
            EventKind::TicketDone { code, .. } => {
                let mut t = self.remove(code)?;
                if let Some(called_at) = t.called_at {
                    self.times
                        .observe(&t.service, (at - called_at).as_seconds_f64());
                }
                t.status = TicketStatus::Done;
                t.finished_at = Some(at);
                return Some(t);
            }
            EventKind::TicketNoShow { code, .. } => {
                self.release_counter(code);
                if let Some(t) = self.tickets.get_mut(code) {
                    t.status = TicketStatus::NoShow;
                }
            }
            EventKind::TicketRequeued { code, .. } => {
                if let Some(t) = self.tickets.get_mut(code) {
                    t.status = TicketStatus::Waiting;
                    t.calls = 0;
                    t.target_counter = None;
                }
                self.enqueue(code);
            }
            EventKind::TicketTransferred {
                code,
                service,
                counter,
                ..
            } => {
                self.release_counter(code);
                if let Some(t) = self.tickets.get_mut(code) {
                    t.status = TicketStatus::Waiting;
                    t.calls = 0;
                    t.service = service.clone();
                    t.target_counter = counter.clone();
                    t.started_at = None;
                }
                self.enqueue(code);
            }
            EventKind::TicketCancelled { code, .. } => {
                let mut t = self.remove(code)?;
                if let Some(counts) = self.counts.get_mut(&t.number_service) {
                    counts.total = counts.total.saturating_sub(1);
                    if t.channel == Channel::Online {
                        counts.online = counts.online.saturating_sub(1);
                    }
                }
                t.status = TicketStatus::Cancelled;
                t.finished_at = Some(at);
                return Some(t);
            }
            EventKind::PriorityConfirmed { code, .. } => {
                // A waiting ticket changes lanes; one at a counter keeps it.
                let waiting = self
                    .tickets
                    .get(code)
                    .is_some_and(|t| t.status == TicketStatus::Waiting);
                if waiting {
                    self.unqueue(code);
                }
                if let Some(t) = self.tickets.get_mut(code) {
                    t.priority_confirmed = true;
                }
                if waiting {
                    self.enqueue(code);
                }
            }
            // A finished ticket is no longer in the office's memory.
            EventKind::DocumentStatus { .. } => {}
            EventKind::SurveySubmitted { code, .. } => {
                self.surveyed.insert(code.clone());
            }
            EventKind::ServiceSuspended { service, message } => {
                self.suspended.insert(service.clone(), message.clone());
            }
            EventKind::ServiceResumed { service } => {
                self.suspended.remove(service);
            }
            EventKind::RunningTextChanged { text } => {
                self.running_text = Some(text.clone());
            }
            EventKind::Configured { change } => {
                Arc::make_mut(&mut self.def).apply(change);
                self.fit_to_def();
            }
            EventKind::CounterState {
                counter,
                state,
                reason,
            } => {
                if let Some(c) = self.counters.iter_mut().find(|c| c.id == *counter) {
                    c.status = *state;
                    c.reason = reason.clone();
                }
            }
            EventKind::CounterTaken { counter, clerk } => {
                if let Some(c) = self.counters.iter_mut().find(|c| c.id == *counter) {
                    c.clerk = clerk.clone();
                }
            }
            EventKind::DayEnded { next_day, .. } => {
                let seq = self.seq;
                let times = std::mem::take(&mut self.times);
                let suspended = std::mem::take(&mut self.suspended);
                let running_text = self.running_text.take();
                let surveyed = std::mem::take(&mut self.surveyed);
                *self = Office::new(Arc::clone(&self.def), *next_day);
                self.seq = seq;
                // Yesterday's service times are still the best guess today.
                self.times = times;
                // A stop lasts until staff resume the service.
                self.suspended = suspended;
                self.running_text = running_text;
                self.surveyed_before = surveyed;
            }
        }
        None
    }

    /// Adds a ticket just issued (waiting) to the maps and its queue.
    fn insert(&mut self, ticket: Ticket) {
        let code = ticket.code.clone();
        self.by_number.insert(ticket.number.clone(), code.clone());
        self.tickets.insert(code.clone(), Box::new(ticket));
        self.enqueue(&code);
    }

    fn remove(&mut self, code: &str) -> Option<Ticket> {
        self.unqueue(code);
        self.release_counter(code);
        let t = self.tickets.remove(code)?;
        self.by_number.remove(&t.number);
        Some(*t)
    }

    fn release_counter(&mut self, code: &str) {
        for c in &mut self.counters {
            if c.current.as_deref() == Some(code) {
                c.current = None;
            }
        }
    }

    fn enqueue(&mut self, code: &str) {
        let Some(t) = self.tickets.get(code) else {
            return;
        };
        let key = queue_key(t);
        if let Some(counter) = &t.target_counter {
            self.pinned.entry(counter.clone()).or_default().insert(key);
        } else if let Some(q) = self.queues.get_mut(&t.service) {
            if t.in_priority_lane() {
                &mut q.priority
            } else {
                &mut q.regular
            }
            .insert(key);
        }
    }

    fn unqueue(&mut self, code: &str) {
        let Some(t) = self.tickets.get(code) else {
            return;
        };
        let key = queue_key(t);
        if let Some(counter) = &t.target_counter {
            if let Some(q) = self.pinned.get_mut(counter) {
                q.remove(&key);
                if q.is_empty() {
                    self.pinned.remove(counter);
                }
            }
        } else if let Some(q) = self.queues.get_mut(&t.service) {
            q.priority.remove(&key);
            q.regular.remove(&key);
        }
    }
}

/// Whether a text staff typed for citizens' screens (a pause reason, a
/// service's stop message) can be shown: at most `max` characters as typed,
/// at least one of them visible (not a space, a control character or a
/// byte-order mark). The API publishes the same rule as a pattern.
fn fit_to_show(text: &str, max: usize) -> bool {
    let visible = |c: char| !c.is_whitespace() && !c.is_control() && c != '\u{feff}';
    text.chars().count() <= max && text.chars().any(visible)
}

fn queue_key(t: &Ticket) -> QueueKey {
    (t.issued_at, t.number.clone())
}

fn expect_status(
    t: &Ticket,
    allowed: &[TicketStatus],
    action: &'static str,
) -> Result<(), DomainError> {
    if allowed.contains(&t.status) {
        Ok(())
    } else {
        Err(DomainError::InvalidTransition {
            number: t.number.clone(),
            from: t.status,
            action,
        })
    }
}

fn expect_done(
    number: &str,
    status: TicketStatus,
    action: &'static str,
) -> Result<(), DomainError> {
    if status == TicketStatus::Done {
        Ok(())
    } else {
        Err(DomainError::InvalidTransition {
            number: number.to_owned(),
            from: status,
            action,
        })
    }
}

fn called(t: &Ticket, counter: &str, recall: bool) -> EventKind {
    EventKind::TicketCalled {
        code: t.code.clone(),
        number: t.number.clone(),
        service: t.service.clone(),
        counter: counter.to_owned(),
        recall,
    }
}

/// The counter no longer held by anyone.
fn released(counter: &str) -> EventKind {
    EventKind::CounterTaken {
        counter: counter.to_owned(),
        clerk: None,
    }
}

fn requeued(t: &Ticket) -> EventKind {
    EventKind::TicketRequeued {
        code: t.code.clone(),
        number: t.number.clone(),
        service: t.service.clone(),
    }
}
