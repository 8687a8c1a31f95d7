//! Property test: random days of an office keep every invariant, and the
//! events alone rebuild the state.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{HashMap, HashSet};

use antrean_core::{
    Channel, Command, CounterId, DomainError, EventKind, Executed, Office, Priority, Ticket,
    TicketStatus, TransferTarget,
};
use proptest::prelude::*;

const SERVICES: [&str; 3] = ["ktp", "kk", "akta"];
const COUNTERS: [&str; 3] = ["1", "2", "3"];

#[derive(Debug, Clone)]
enum Step {
    Issue {
        service: usize,
        priority: bool,
        online: bool,
    },
    Cancel {
        nth: usize,
    },
    Open(usize),
    Pause(usize),
    Close(usize),
    CallNext(usize),
    CallNumber {
        counter: usize,
        nth: usize,
    },
    Recall(usize),
    Start(usize),
    Finish(usize),
    NoShow(usize),
    TransferService {
        counter: usize,
        service: usize,
    },
    TransferCounter {
        counter: usize,
        to: usize,
    },
    Requeue {
        nth: usize,
    },
    /// Staff confirm a priority claimed online (or try it on any ticket).
    ConfirmPriority {
        nth: usize,
    },
    /// `lag`: the caller read storage before it caught up with the office
    /// (see [`Stored::look_up`]).
    Survey {
        nth: usize,
        lag: bool,
        valid: bool,
    },
    Document {
        nth: usize,
        lag: bool,
        known_step: bool,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let c = 0..COUNTERS.len();
    prop_oneof![
        4 => (0..SERVICES.len(), any::<bool>(), any::<bool>())
            .prop_map(|(service, priority, online)| Step::Issue { service, priority, online }),
        1 => any::<usize>().prop_map(|nth| Step::Cancel { nth }),
        2 => c.clone().prop_map(Step::Open),
        1 => c.clone().prop_map(Step::Pause),
        1 => c.clone().prop_map(Step::Close),
        4 => c.clone().prop_map(Step::CallNext),
        1 => (c.clone(), any::<usize>()).prop_map(|(counter, nth)| Step::CallNumber { counter, nth }),
        1 => c.clone().prop_map(Step::Recall),
        3 => c.clone().prop_map(Step::Start),
        3 => c.clone().prop_map(Step::Finish),
        1 => c.clone().prop_map(Step::NoShow),
        1 => (c.clone(), 0..SERVICES.len()).prop_map(|(counter, service)| Step::TransferService { counter, service }),
        1 => (c.clone(), c.clone()).prop_map(|(counter, to)| Step::TransferCounter { counter, to }),
        1 => any::<usize>().prop_map(|nth| Step::Requeue { nth }),
        2 => any::<usize>().prop_map(|nth| Step::ConfirmPriority { nth }),
        2 => (any::<usize>(), any::<bool>(), any::<bool>()).prop_map(|(nth, lag, valid)| Step::Survey { nth, lag, valid }),
        1 => (any::<usize>(), any::<bool>(), any::<bool>()).prop_map(|(nth, lag, known_step)| Step::Document { nth, lag, known_step }),
    ]
}

/// The nth of today's tickets in number order, if any.
fn nth_ticket(o: &Office, nth: usize) -> Option<(String, String)> {
    let mut all: Vec<_> = o
        .active_tickets()
        .map(|t| (t.number.clone(), t.code.clone()))
        .collect();
    all.sort();
    (!all.is_empty()).then(|| all[nth % all.len()].clone())
}

/// What storage would say of tickets that left the office.
#[derive(Debug, Default)]
struct Stored {
    /// In their final state (done, cancelled, expired).
    finished: Vec<Ticket>,
    /// Code → `days_ended` when its survey was answered.
    surveyed: HashMap<String, usize>,
    /// Business days ended so far.
    days_ended: usize,
}

impl Stored {
    /// A ticket of any day and whether it is still in the office: a live
    /// one, any finished one, or (half the time, so that surveys meet the
    /// same ticket again) one of the last three done.
    fn pick<'a>(&'a self, o: &'a Office, nth: usize) -> Option<(&'a Ticket, bool)> {
        let mut live: Vec<_> = o.active_tickets().collect();
        live.sort_by(|a, b| a.code.cmp(&b.code));
        let done: Vec<_> = self
            .finished
            .iter()
            .filter(|t| t.status == TicketStatus::Done)
            .collect();
        let (i, kind) = (nth / 4, nth % 4);
        match kind {
            0 => (!live.is_empty()).then(|| (live[i % live.len()], true)),
            1 => (!self.finished.is_empty())
                .then(|| (&self.finished[i % self.finished.len()], false)),
            _ => done
                .iter()
                .rev()
                .take(3)
                .nth(i % done.len().clamp(1, 3))
                .map(|t| (*t, false)),
        }
    }

    /// What storage says of the ticket: its status and whether its survey
    /// was answered. Lagging, it misses answers of the last day, and says a
    /// live ticket is done (never so in practice, but the office must not
    /// count on storage while the ticket is in it).
    fn look_up(&self, t: &Ticket, live: bool, lag: bool) -> (TicketStatus, bool) {
        let status = if live && lag {
            TicketStatus::Done
        } else {
            t.status
        };
        let answered = self
            .surveyed
            .get(&t.code)
            .is_some_and(|&day| !lag || self.days_ended > day + 1);
        (status, answered)
    }
}

fn command(o: &Office, stored: &Stored, step: &Step, n: usize) -> Option<Command> {
    let c = |i: &usize| -> CounterId { COUNTERS[*i].into() };
    Some(match step {
        Step::Issue {
            service,
            priority,
            online,
        } => Command::Issue {
            code: format!("code{n}").into(),
            service: SERVICES[*service].into(),
            priority: priority.then_some(Priority::Elderly),
            channel: if *online {
                Channel::Online
            } else {
                Channel::Kiosk
            },
        },
        Step::Cancel { nth } => Command::Cancel {
            code: nth_ticket(o, *nth)?.1.into(),
        },
        Step::Open(i) => Command::Open { counter: c(i) },
        Step::Pause(i) => Command::Pause {
            counter: c(i),
            reason: "istirahat".into(),
        },
        Step::Close(i) => Command::Close { counter: c(i) },
        Step::CallNext(i) => Command::CallNext { counter: c(i) },
        Step::CallNumber { counter, nth } => Command::CallNumber {
            counter: c(counter),
            number: nth_ticket(o, *nth)?.0,
        },
        Step::Recall(i) => Command::Recall { counter: c(i) },
        Step::Start(i) => Command::Start { counter: c(i) },
        Step::Finish(i) => Command::Finish { counter: c(i) },
        Step::NoShow(i) => Command::NoShow { counter: c(i) },
        Step::TransferService { counter, service } => Command::Transfer {
            counter: c(counter),
            to: TransferTarget::Service(SERVICES[*service].into()),
        },
        Step::TransferCounter { counter, to } => Command::Transfer {
            counter: c(counter),
            to: TransferTarget::Counter(c(to)),
        },
        Step::Requeue { nth } => Command::Requeue {
            number: nth_ticket(o, *nth)?.0,
        },
        Step::ConfirmPriority { nth } => Command::ConfirmPriority {
            number: nth_ticket(o, *nth)?.0,
        },
        Step::Survey { nth, lag, valid } => {
            let (t, live) = stored.pick(o, *nth)?;
            let (status, answered) = stored.look_up(t, live, *lag);
            Command::Survey {
                code: t.code.clone().into(),
                number: t.number.clone(),
                service: t.service.clone().into(),
                status,
                answered,
                answers: if *valid { [Some(3); 9] } else { [Some(5); 9] },
                suggestion: None,
            }
        }
        Step::Document {
            nth,
            lag,
            known_step,
        } => {
            let (t, live) = stored.pick(o, *nth)?;
            Command::Document {
                code: t.code.clone().into(),
                number: t.number.clone(),
                service: t.service.clone().into(),
                status: stored.look_up(t, live, *lag).0,
                step: if *known_step { "ready" } else { "lost" }.into(),
            }
        }
    })
}

fn check_invariants(o: &Office) {
    let mut current = HashSet::new();
    for c in o.counters() {
        if let Some(code) = &c.current {
            assert!(
                current.insert(code.clone()),
                "{code} is current at two counters"
            );
            let t = o.ticket(code).expect("current ticket exists");
            assert!(
                matches!(t.status, TicketStatus::Called | TicketStatus::Serving),
                "{t:?}"
            );
            assert_eq!(t.counter.as_deref(), Some(c.id.as_str()));
        }
    }
    for t in o.active_tickets() {
        assert!(!t.status.is_final());
        if matches!(t.status, TicketStatus::Called | TicketStatus::Serving) {
            assert!(
                current.contains(&t.code),
                "{} is {} but at no counter",
                t.number,
                t.status
            );
        }
        assert_eq!(t.day, o.day());
    }
}

/// What the live stream sends of each service after an event: waiting,
/// the next numbers, the quotas left, whether stopped, and (while service
/// times are those of the day alone) the estimate.
type Figures = Vec<(
    u32,
    Vec<String>,
    (Option<u32>, Option<u32>),
    Option<String>,
    Option<u32>,
)>;

fn figures(o: &Office, estimates: bool) -> Figures {
    SERVICES
        .iter()
        .map(|s| {
            (
                o.waiting(s),
                o.queue(s, 5).iter().map(|t| t.number.clone()).collect(),
                o.remaining_quota(s),
                o.suspended(s).map(str::to_owned),
                o.estimated_wait_new_s(s).filter(|_| estimates),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_days_keep_every_rule(steps in prop::collection::vec((step(), 0i64..900), 1..250), ratio in prop::option::of(0u32..3)) {
        let mut def = common::office_def();
        def.priority_ratio = ratio;
        def.services[1].quota_total = Some(20);
        def.services[1].quota_online = Some(5);
        for s in &mut def.services {
            s.workflow = vec!["ready".into()];
        }
        let def = common::arc(def);
        let start = common::at(0);
        let day0 = def.business_day(start);
        let mut live = Office::new(def.clone(), day0);
        let mut log = Vec::new();
        let mut numbers_seen: HashSet<(chrono::NaiveDate, String)> = HashSet::new();
        let mut stored = Stored::default();
        // Seq of each command's last event → the figures after it.
        let mut shown = HashMap::new();
        let mut now = start;
        for (n, (step, dt)) in steps.iter().enumerate() {
            // Time moves on; every ~25 steps it crosses a midnight.
            now += chrono::Duration::seconds(*dt * 8);
            if def.business_day(now) > live.day() {
                stored.finished.extend(live.active_tickets().map(|t| Ticket { status: TicketStatus::Expired, ..t.clone() }));
                stored.days_ended += 1;
            }
            log.extend(live.roll_over(now));
            let Some(cmd) = command(&live, &stored, step, n) else { continue };
            let before = live.clone();
            let result = live.execute(&cmd, now);
            // Surveys: once per ticket, after it is done, never while it is in the office.
            if let Command::Survey { code, answers, .. } = &cmd {
                let finished = stored.finished.iter().find(|t| t.code == code.as_str());
                match (before.ticket(code.as_str()), finished) {
                    (Some(_), _) => prop_assert!(matches!(result, Err(DomainError::InvalidTransition { .. })), "{:?}", result),
                    (None, _) if stored.surveyed.contains_key(code.as_str()) => {
                        prop_assert!(matches!(result, Err(DomainError::SurveyAnswered { .. })), "{:?}", result)
                    }
                    (None, Some(t)) if t.status == TicketStatus::Done && antrean_core::ikm::valid(answers) => prop_assert!(result.is_ok(), "{:?}", result),
                    (None, _) => prop_assert!(result.is_err()),
                }
            }
            if let Command::ConfirmPriority { number } = &cmd {
                let t = before.ticket_by_number(number).unwrap();
                let may = t.priority_pending() && matches!(t.status, TicketStatus::Waiting | TicketStatus::Called | TicketStatus::Serving);
                prop_assert_eq!(result.is_ok(), may, "{:?} for {:?}", result, t);
                if may {
                    let now_t = live.ticket_by_number(number).unwrap();
                    prop_assert!(now_t.in_priority_lane());
                }
            }
            if let Command::Issue { priority: Some(_), channel, .. } = &cmd {
                if let Ok(Executed { ticket: Some(t), .. }) = &result {
                    prop_assert_eq!(t.in_priority_lane(), *channel != Channel::Online, "online priority waits for staff");
                }
            }
            if let Command::Document { code, step, .. } = &cmd {
                let done = stored.finished.iter().any(|t| t.code == code.as_str() && t.status == TicketStatus::Done);
                prop_assert_eq!(result.is_ok(), done && step == "ready", "{:?}", result);
            }
            match result {
                Ok(Executed { events, ticket }) => {
                    // The returned ticket is the one the last event is about, as it is now
                    // (none for a finished ticket's document or survey).
                    let about = events
                        .last()
                        .filter(|e| !matches!(e.kind, EventKind::DocumentStatus { .. } | EventKind::SurveySubmitted { .. }))
                        .and_then(|e| e.kind.ticket_code());
                    prop_assert_eq!(ticket.as_ref().map(|t| t.code.as_str()), about);
                    if let (Some(t), Some(last)) = (&ticket, events.last()) {
                        match &last.kind {
                            EventKind::TicketDone { .. } => prop_assert_eq!((t.status, t.finished_at), (TicketStatus::Done, Some(now))),
                            EventKind::TicketCancelled { .. } => prop_assert_eq!((t.status, t.finished_at), (TicketStatus::Cancelled, Some(now))),
                            _ => prop_assert_eq!(Some(t), live.ticket(&t.code)),
                        }
                        if t.status.is_final() {
                            prop_assert!(live.ticket(&t.code).is_none());
                            let mut was = before.ticket(&t.code).unwrap().clone();
                            was.status = t.status;
                            was.finished_at = t.finished_at;
                            prop_assert_eq!(&was, t, "only the status and finish time change when a ticket leaves");
                            stored.finished.push(t.clone());
                        }
                    }
                    for e in &events {
                        prop_assert_eq!(e.seq, log.last().map_or(1, |l: &antrean_core::Event| l.seq + 1));
                        if let EventKind::TicketIssued { ticket } = &e.kind {
                            prop_assert!(numbers_seen.insert((ticket.day, ticket.number.clone())), "number {} issued twice", ticket.number);
                        }
                        if let (Command::CallNext { counter }, EventKind::TicketCalled { code, .. }) = (&cmd, &e.kind) {
                            // Priority before regular (without a ratio, and unless the ticket was sent to this counter).
                            let t = live.ticket(code).unwrap();
                            // Only a priority staff vouch for counts: a claim made online and
                            // not yet confirmed waits as a regular ticket.
                            if ratio.is_none() && !t.in_priority_lane() && before.ticket(code).unwrap().target_counter.is_none() {
                                let cdef = def.counter(counter.as_str()).unwrap();
                                let skipped = before.active_tickets().any(|w| w.status == TicketStatus::Waiting
                                    && w.in_priority_lane() && w.target_counter.is_none() && cdef.services.contains(&w.service));
                                prop_assert!(!skipped, "a regular ticket was called before a waiting priority one");
                            }
                            // A claim not confirmed never goes before a regular ticket that waited longer.
                            if ratio.is_none() && t.priority_pending() && t.target_counter.is_none() {
                                let cdef = def.counter(counter.as_str()).unwrap();
                                let jumped = def.counter(counter.as_str()).is_some_and(|c| c.policy == antrean_core::CallPolicy::LongestWait)
                                    && before.active_tickets().any(|w| w.status == TicketStatus::Waiting
                                        && !w.in_priority_lane() && w.target_counter.is_none()
                                        && cdef.services.contains(&w.service) && (w.issued_at, &w.number) < (t.issued_at, &t.number));
                                prop_assert!(!jumped, "an unconfirmed priority claim went ahead of {}", t.number);
                            }
                        }
                        if let EventKind::SurveySubmitted { code, .. } = &e.kind {
                            prop_assert!(stored.surveyed.insert(code.clone(), stored.days_ended).is_none(), "{} rated twice", code);
                        }
                        log.push(e.clone());
                    }
                }
                Err(_) => prop_assert_eq!(&live, &before, "a refused command changed state"),
            }
            if let Some(last) = log.last() {
                shown.insert(last.seq, (live.day(), figures(&live, stored.days_ended == 0)));
            }
            check_invariants(&live);
        }
        // The day played again from its start (what a display resuming after
        // a restart is sent) shows the figures the live office showed.
        let today: Vec<_> = log.iter().filter(|e| def.business_day(e.at) == live.day()).cloned().collect();
        let mut again = live.day_start(&today);
        for e in &today {
            again.apply(e);
            if let Some((day, figures_then)) = shown.get(&e.seq).filter(|(day, _)| *day == live.day()) {
                prop_assert_eq!(&figures(&again, stored.days_ended == 0), figures_then, "after seq {} of {}", e.seq, day);
            }
        }
        // The log alone rebuilds the same office.
        let mut replayed = Office::new(def.clone(), day0);
        for e in &log {
            replayed.apply(e);
        }
        prop_assert_eq!(replayed, live);
    }
}
