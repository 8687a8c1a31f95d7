//! The rules of one office, command by command.
#![allow(clippy::unwrap_used)]

mod common;

use antrean_core::{
    Channel, Command, DomainError, EventKind, Executed, Office, Priority, TicketStatus,
    TransferTarget,
};
use common::*;

fn office() -> Office {
    let def = arc(office_def());
    let day = def.business_day(at(0));
    Office::new(def, day)
}

fn run(o: &mut Office, cmd: Command, secs: i64) -> Result<Executed, DomainError> {
    if let Some(ev) = o.roll_over(at(secs)) {
        let _ = ev;
    }
    o.execute(&cmd, at(secs))
}

fn issue(
    o: &mut Office,
    code: &str,
    service: &str,
    priority: Option<Priority>,
    secs: i64,
) -> String {
    let evs = run(
        o,
        Command::Issue {
            code: code.into(),
            service: service.into(),
            priority,
            channel: Channel::Kiosk,
        },
        secs,
    )
    .unwrap();
    match &evs.events[0].kind {
        EventKind::TicketIssued { ticket } => ticket.number.clone(),
        other => panic!("unexpected {other:?}"),
    }
}

fn open(o: &mut Office, counter: &str) {
    run(
        o,
        Command::Open {
            counter: counter.into(),
        },
        0,
    )
    .unwrap();
}

/// Calls next at the counter and returns the number called (None: nobody).
fn call_next(o: &mut Office, counter: &str, secs: i64) -> Option<String> {
    let evs = run(
        o,
        Command::CallNext {
            counter: counter.into(),
        },
        secs,
    )
    .unwrap();
    evs.events.first().map(|e| match &e.kind {
        EventKind::TicketCalled { number, .. } => number.clone(),
        other => panic!("unexpected {other:?}"),
    })
}

fn clear(o: &mut Office, counter: &str, secs: i64) {
    run(
        o,
        Command::Start {
            counter: counter.into(),
        },
        secs,
    )
    .unwrap();
    run(
        o,
        Command::Finish {
            counter: counter.into(),
        },
        secs + 1,
    )
    .unwrap();
}

#[test]
fn numbers_count_per_service_and_restart_at_local_midnight() {
    let mut o = office();
    assert_eq!(issue(&mut o, "a", "ktp", None, 0), "A001");
    assert_eq!(issue(&mut o, "b", "ktp", None, 1), "A002");
    assert_eq!(issue(&mut o, "c", "kk", None, 2), "B001");
    // 23:59 in Jakarta is still the same business day...
    let before_midnight = 14 * 3600 + 59 * 60;
    assert_eq!(issue(&mut o, "d", "ktp", None, before_midnight), "A003");
    // ...00:00 is the next one: numbering starts again, yesterday's tickets expire.
    let ev = o.roll_over(at(15 * 3600)).unwrap();
    assert!(matches!(ev.kind, EventKind::DayEnded { expired: 4, .. }));
    assert_eq!(issue(&mut o, "e", "ktp", None, 15 * 3600), "A001");
    assert!(o.ticket("a").is_none());
}

#[test]
fn seq_increases_by_one_per_event() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    open(&mut o, "1");
    let evs = run(
        &mut o,
        Command::CallNext {
            counter: "1".into(),
        },
        5,
    )
    .unwrap();
    assert_eq!(evs.events[0].seq, 3);
    assert_eq!(o.seq(), 3);
}

#[test]
fn priority_goes_first_then_longest_wait() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    issue(&mut o, "b", "kk", None, 1);
    issue(&mut o, "p", "kk", Some(Priority::Elderly), 2);
    open(&mut o, "1");
    assert_eq!(call_next(&mut o, "1", 3).as_deref(), Some("B002"));
    clear(&mut o, "1", 4);
    assert_eq!(call_next(&mut o, "1", 10).as_deref(), Some("A001"));
    clear(&mut o, "1", 11);
    assert_eq!(call_next(&mut o, "1", 20).as_deref(), Some("B001"));
    clear(&mut o, "1", 21);
    assert_eq!(call_next(&mut o, "1", 30), None);
}

#[test]
fn service_order_serves_the_first_service_first() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    issue(&mut o, "b", "kk", None, 1);
    open(&mut o, "2");
    // Counter 2 serves kk before ktp although A001 waited longer.
    assert_eq!(call_next(&mut o, "2", 2).as_deref(), Some("B001"));
}

#[test]
fn priority_ratio_lets_regular_tickets_through() {
    let mut def = office_def();
    def.priority_ratio = Some(2);
    let def = arc(def);
    let mut o = Office::new(def.clone(), def.business_day(at(0)));
    for i in 0..4 {
        issue(&mut o, &format!("r{i}"), "ktp", None, i);
    }
    for i in 0..3 {
        issue(
            &mut o,
            &format!("p{i}"),
            "ktp",
            Some(Priority::Disability),
            10 + i,
        );
    }
    open(&mut o, "1");
    let mut order = vec![];
    for i in 0..7 {
        order.push(call_next(&mut o, "1", 100 + i * 10).unwrap());
        clear(&mut o, "1", 101 + i * 10);
    }
    assert_eq!(
        order,
        ["A005", "A001", "A002", "A006", "A003", "A004", "A007"]
    );
}

#[test]
fn two_counters_never_get_the_same_ticket() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    open(&mut o, "1");
    open(&mut o, "2");
    assert_eq!(call_next(&mut o, "1", 1).as_deref(), Some("A001"));
    assert_eq!(call_next(&mut o, "2", 1), None);
}

#[test]
fn illegal_transitions_are_refused_and_change_nothing() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    // A closed counter calls nobody.
    let err = run(
        &mut o,
        Command::CallNext {
            counter: "1".into(),
        },
        1,
    )
    .unwrap_err();
    assert!(matches!(err, DomainError::CounterNotOpen { .. }));
    open(&mut o, "1");
    assert!(matches!(
        run(
            &mut o,
            Command::Open {
                counter: "1".into()
            },
            1
        )
        .unwrap_err(),
        DomainError::CounterAlreadyInState { .. }
    ));
    assert!(matches!(
        run(
            &mut o,
            Command::Start {
                counter: "1".into()
            },
            1
        )
        .unwrap_err(),
        DomainError::NoCurrentTicket(_)
    ));
    call_next(&mut o, "1", 2);
    let before = o.clone();
    for (cmd, want) in [
        (
            Command::Finish {
                counter: "1".into(),
            },
            "finished",
        ),
        (Command::Cancel { code: "a".into() }, "cancelled"),
    ] {
        match run(&mut o, cmd, 3).unwrap_err() {
            DomainError::InvalidTransition { from, action, .. } => {
                assert_eq!(from, TicketStatus::Called);
                assert_eq!(action, want);
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        run(
            &mut o,
            Command::CallNext {
                counter: "1".into()
            },
            3
        )
        .unwrap_err(),
        DomainError::CounterBusy { .. }
    ));
    assert!(matches!(
        run(
            &mut o,
            Command::Close {
                counter: "1".into()
            },
            3
        )
        .unwrap_err(),
        DomainError::CounterBusy { .. }
    ));
    assert_eq!(o, before, "refused commands changed the office");
    run(
        &mut o,
        Command::Start {
            counter: "1".into(),
        },
        4,
    )
    .unwrap();
    assert!(matches!(
        run(
            &mut o,
            Command::Recall {
                counter: "1".into()
            },
            5
        )
        .unwrap_err(),
        DomainError::InvalidTransition { .. }
    ));
    assert!(matches!(
        run(
            &mut o,
            Command::NoShow {
                counter: "1".into()
            },
            5
        )
        .unwrap_err(),
        DomainError::InvalidTransition { .. }
    ));
}

#[test]
fn no_show_needs_min_calls_and_a_late_citizen_can_be_requeued() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    issue(&mut o, "b", "ktp", None, 1);
    open(&mut o, "1");
    call_next(&mut o, "1", 2);
    assert!(matches!(
        run(
            &mut o,
            Command::NoShow {
                counter: "1".into()
            },
            3
        )
        .unwrap_err(),
        DomainError::MinCallsNotReached {
            calls: 1,
            min: 2,
            ..
        }
    ));
    run(
        &mut o,
        Command::Recall {
            counter: "1".into(),
        },
        60,
    )
    .unwrap();
    run(
        &mut o,
        Command::NoShow {
            counter: "1".into(),
        },
        120,
    )
    .unwrap();
    assert_eq!(o.ticket("a").unwrap().status, TicketStatus::NoShow);
    run(
        &mut o,
        Command::Requeue {
            number: "A001".into(),
        },
        200,
    )
    .unwrap();
    let a = o.ticket("a").unwrap();
    assert_eq!((a.status, a.calls), (TicketStatus::Waiting, 0));
    // Calling a no-show by number requeues and calls in one go.
    assert_eq!(call_next(&mut o, "1", 210).as_deref(), Some("A001"));
    run(
        &mut o,
        Command::Recall {
            counter: "1".into(),
        },
        220,
    )
    .unwrap();
    run(
        &mut o,
        Command::NoShow {
            counter: "1".into(),
        },
        230,
    )
    .unwrap();
    let evs = run(
        &mut o,
        Command::CallNumber {
            counter: "1".into(),
            number: "A001".into(),
        },
        240,
    )
    .unwrap();
    let kinds: Vec<_> = evs.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["ticket_requeued", "ticket_called"]);
}

#[test]
fn transfer_keeps_the_original_issue_time() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    issue(&mut o, "c1", "akta", None, 10);
    open(&mut o, "1");
    open(&mut o, "3");
    call_next(&mut o, "1", 20);
    run(
        &mut o,
        Command::Start {
            counter: "1".into(),
        },
        21,
    )
    .unwrap();
    run(
        &mut o,
        Command::Transfer {
            counter: "1".into(),
            to: TransferTarget::Service("akta".into()),
        },
        30,
    )
    .unwrap();
    let a = o.ticket("a").unwrap();
    assert_eq!(
        (a.status, a.service.as_str(), a.number.as_str()),
        (TicketStatus::Waiting, "akta", "A001")
    );
    assert_eq!(a.issued_at, at(0));
    assert_eq!(o.ahead(a), 0, "issued before C001, so it is first");
    assert_eq!(call_next(&mut o, "3", 40).as_deref(), Some("A001"));
}

#[test]
fn transfer_to_a_counter_is_called_there_only() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    issue(&mut o, "b", "ktp", None, 1);
    open(&mut o, "1");
    open(&mut o, "3");
    call_next(&mut o, "1", 2);
    run(
        &mut o,
        Command::Transfer {
            counter: "1".into(),
            to: TransferTarget::Counter("3".into()),
        },
        3,
    )
    .unwrap();
    assert_eq!(call_next(&mut o, "1", 4).as_deref(), Some("A002"));
    assert_eq!(call_next(&mut o, "3", 5).as_deref(), Some("A001"));
    for (to, want) in [
        (TransferTarget::Service("nope".into()), "unknown"),
        (TransferTarget::Counter("1".into()), "same"),
        (TransferTarget::Service("ktp".into()), "same"),
    ] {
        let err = run(
            &mut o,
            Command::Transfer {
                counter: "1".into(),
                to,
            },
            6,
        )
        .unwrap_err();
        match (want, err) {
            ("unknown", DomainError::UnknownService(_))
            | ("same", DomainError::TransferToSame(_)) => {}
            (w, e) => panic!("{w}: {e:?}"),
        }
    }
}

#[test]
fn quotas_keep_room_for_walk_in_citizens() {
    let mut def = office_def();
    def.services[0].quota_total = Some(3);
    def.services[0].quota_online = Some(1);
    let def = arc(def);
    let mut o = Office::new(def.clone(), def.business_day(at(0)));
    let online = |code: &str| Command::Issue {
        code: code.into(),
        service: "ktp".into(),
        priority: None,
        channel: Channel::Online,
    };
    run(&mut o, online("o1"), 0).unwrap();
    assert_eq!(o.remaining_quota("ktp"), (Some(2), Some(0)));
    assert_eq!(
        run(&mut o, online("o2"), 1).unwrap_err(),
        DomainError::OnlineQuotaExhausted("ktp".into())
    );
    issue(&mut o, "k1", "ktp", None, 2);
    issue(&mut o, "k2", "ktp", None, 3);
    let kiosk = Command::Issue {
        code: "k3".into(),
        service: "ktp".into(),
        priority: None,
        channel: Channel::Kiosk,
    };
    assert_eq!(
        run(&mut o, kiosk.clone(), 4).unwrap_err(),
        DomainError::QuotaExhausted("ktp".into())
    );
    // A cancelled ticket gives its place back.
    run(&mut o, Command::Cancel { code: "k2".into() }, 5).unwrap();
    assert_eq!(
        issue(&mut o, "k3", "ktp", None, 6),
        "A004",
        "numbers are never reused"
    );
}

#[test]
fn closed_hours_refuse_tickets() {
    let mut def = office_def();
    let monday = antrean_core::calendar::Interval {
        open: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        close: chrono::NaiveTime::from_hms_opt(15, 0, 0).unwrap(),
    };
    def.hours = Some(
        antrean_core::calendar::WeekHours::new([(chrono::Weekday::Mon, vec![monday])]).unwrap(),
    );
    let def = arc(def);
    let mut o = Office::new(def.clone(), def.business_day(at(0)));
    // 2026-11-28 is a Saturday.
    let err = run(
        &mut o,
        Command::Issue {
            code: "a".into(),
            service: "ktp".into(),
            priority: None,
            channel: Channel::Kiosk,
        },
        0,
    )
    .unwrap_err();
    assert_eq!(err, DomainError::ServiceClosed("ktp".into()));
}

#[test]
fn ahead_and_estimate_follow_the_queue() {
    let mut o = office();
    for i in 0..4 {
        issue(&mut o, &format!("t{i}"), "ktp", None, i);
    }
    let last = o.ticket("t3").unwrap().clone();
    assert_eq!(o.ahead(&last), 3);
    assert_eq!(
        o.estimated_wait_s(&last),
        None,
        "no counter open: nobody can say"
    );
    open(&mut o, "1");
    open(&mut o, "2");
    assert_eq!(o.estimated_wait_s(&last), Some(3 * 300 / 2));
    issue(&mut o, "p", "ktp", Some(Priority::Pregnant), 10);
    assert_eq!(o.ahead(o.ticket("t3").unwrap()), 4);
    assert_eq!(o.ahead(o.ticket("p").unwrap()), 0);
}

#[test]
fn pause_needs_a_reason_and_an_open_counter() {
    let mut o = office();
    assert!(matches!(
        run(
            &mut o,
            Command::Pause {
                counter: "1".into(),
                reason: "istirahat".into()
            },
            0
        )
        .unwrap_err(),
        DomainError::CounterNotOpen { .. }
    ));
    open(&mut o, "1");
    // Nothing visible, or longer than 64 characters as typed: the API's
    // published pattern and length say the same.
    let long = format!(" {}", "x".repeat(64));
    for reason in ["  ", "", "\u{85}", "\u{feff}", "\t\u{3000}", long.as_str()] {
        let pause = Command::Pause {
            counter: "1".into(),
            reason: reason.into(),
        };
        let before = o.clone();
        assert_eq!(
            run(&mut o, pause, 0).unwrap_err(),
            DomainError::PauseReason,
            "{reason:?}"
        );
        assert_eq!(o, before);
    }
    run(
        &mut o,
        Command::Pause {
            counter: "1".into(),
            reason: " sholat ".into(),
        },
        0,
    )
    .unwrap();
    assert_eq!(o.counter("1").unwrap().reason.as_deref(), Some("sholat"));
}

#[test]
fn execute_returns_the_ticket_as_the_command_left_it() {
    let mut o = office();
    let issued = run(
        &mut o,
        Command::Issue {
            code: "a".into(),
            service: "ktp".into(),
            priority: None,
            channel: Channel::Kiosk,
        },
        0,
    )
    .unwrap();
    assert_eq!(issued.ticket.as_ref(), o.ticket("a"));
    issue(&mut o, "b", "ktp", None, 1);
    open(&mut o, "1");
    let called = run(
        &mut o,
        Command::CallNext {
            counter: "1".into(),
        },
        2,
    )
    .unwrap();
    let t = called.ticket.unwrap();
    assert_eq!((t.code.as_str(), t.status), ("a", TicketStatus::Called));
    assert_eq!(Some(&t), o.ticket("a"));
    run(
        &mut o,
        Command::Start {
            counter: "1".into(),
        },
        3,
    )
    .unwrap();
    // Finished: gone from the office, returned as done.
    let done = run(
        &mut o,
        Command::Finish {
            counter: "1".into(),
        },
        4,
    )
    .unwrap();
    let t = done.ticket.unwrap();
    assert_eq!(
        (t.code.as_str(), t.status, t.finished_at),
        ("a", TicketStatus::Done, Some(at(4)))
    );
    assert_eq!(t.started_at, Some(at(3)));
    assert!(o.ticket("a").is_none());
    // Cancelled: the same.
    let cancelled = run(&mut o, Command::Cancel { code: "b".into() }, 5).unwrap();
    let t = cancelled.ticket.unwrap();
    assert_eq!(
        (t.code.as_str(), t.status, t.finished_at),
        ("b", TicketStatus::Cancelled, Some(at(5)))
    );
    assert!(o.ticket("b").is_none());
    // Nobody waiting: nothing happened, about no ticket.
    let nobody = run(
        &mut o,
        Command::CallNext {
            counter: "1".into(),
        },
        6,
    )
    .unwrap();
    assert_eq!(
        nobody,
        Executed {
            events: vec![],
            ticket: None
        }
    );
    // A counter event is about no ticket.
    let closed = run(
        &mut o,
        Command::Close {
            counter: "1".into(),
        },
        7,
    )
    .unwrap();
    assert_eq!((closed.events.len(), closed.ticket), (1, None));
}

#[test]
fn a_document_step_is_about_a_ticket_no_longer_in_the_office() {
    let mut def = office_def();
    def.services[0].workflow = vec!["received".into(), "ready".into()];
    let def = arc(def);
    let mut o = Office::new(def.clone(), def.business_day(at(0)));
    issue(&mut o, "a", "ktp", None, 0);
    open(&mut o, "1");
    call_next(&mut o, "1", 1);
    clear(&mut o, "1", 2);
    let doc = run(
        &mut o,
        Command::Document {
            code: "a".into(),
            number: "A001".into(),
            service: "ktp".into(),
            status: TicketStatus::Done,
            step: "ready".into(),
        },
        10,
    )
    .unwrap();
    assert_eq!(doc.events[0].kind.name(), "document_status");
    assert_eq!(doc.ticket, None);
}

/// A survey for `code`, with what storage said when it was looked up.
fn survey(code: &str, number: &str, status: TicketStatus, answered: bool) -> Command {
    Command::Survey {
        code: code.into(),
        number: number.into(),
        service: "ktp".into(),
        status,
        answered,
        answers: [Some(4); 9],
        suggestion: None,
    }
}

/// An office where A001 (code `a`) is done and A002 (code `b`) is served at
/// counter 1.
fn one_done_one_serving() -> Office {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    issue(&mut o, "b", "ktp", None, 1);
    open(&mut o, "1");
    call_next(&mut o, "1", 2);
    clear(&mut o, "1", 3);
    call_next(&mut o, "1", 5);
    run(
        &mut o,
        Command::Start {
            counter: "1".into(),
        },
        6,
    )
    .unwrap();
    o
}

#[test]
fn a_ticket_is_rated_once_even_when_two_answers_race_past_storage() {
    let mut o = one_done_one_serving();
    // Both callers looked the ticket up before either answer was stored.
    let first = run(&mut o, survey("a", "A001", TicketStatus::Done, false), 10).unwrap();
    assert_eq!(first.events[0].kind.name(), "survey_submitted");
    assert_eq!(
        first.ticket, None,
        "a done ticket is no longer in the office"
    );
    let before = o.clone();
    assert_eq!(
        run(&mut o, survey("a", "A001", TicketStatus::Done, false), 11).unwrap_err(),
        DomainError::SurveyAnswered {
            number: "A001".into()
        }
    );
    assert_eq!(o, before, "the refused answer changed the office");
    assert_eq!(
        DomainError::SurveyAnswered {
            number: "A001".into()
        }
        .to_string(),
        "ticket A001's survey was already answered"
    );
}

#[test]
fn an_answer_in_storage_refuses_a_survey_and_the_office_remembers_a_day_back() {
    let mut o = one_done_one_serving();
    // Answered in an earlier run of the office: storage says so.
    assert!(matches!(
        run(&mut o, survey("a", "A001", TicketStatus::Done, true), 10).unwrap_err(),
        DomainError::SurveyAnswered { .. }
    ));
    run(&mut o, survey("a", "A001", TicketStatus::Done, false), 11).unwrap();
    // After midnight the office still knows yesterday's answers...
    let next_day = 24 * 3600;
    assert!(matches!(
        run(
            &mut o,
            survey("a", "A001", TicketStatus::Done, false),
            next_day
        )
        .unwrap_err(),
        DomainError::SurveyAnswered { .. }
    ));
    // ...and forgets them a day later, when storage has long had them.
    let later = run(
        &mut o,
        survey("a", "A001", TicketStatus::Done, false),
        2 * next_day,
    );
    assert!(later.is_ok(), "{later:?}");
}

#[test]
fn a_ticket_still_in_the_office_is_not_done_whatever_storage_says() {
    let mut def = office_def();
    def.services[0].workflow = vec!["ready".into()];
    let def = arc(def);
    let mut o = Office::new(def.clone(), def.business_day(at(0)));
    issue(&mut o, "b", "ktp", None, 0);
    open(&mut o, "1");
    call_next(&mut o, "1", 1);
    run(
        &mut o,
        Command::Start {
            counter: "1".into(),
        },
        2,
    )
    .unwrap();
    let before = o.clone();
    let document = Command::Document {
        code: "b".into(),
        number: "A001".into(),
        service: "ktp".into(),
        status: TicketStatus::Done,
        step: "ready".into(),
    };
    for cmd in [document, survey("b", "A001", TicketStatus::Done, false)] {
        match run(&mut o, cmd, 3).unwrap_err() {
            DomainError::InvalidTransition { from, .. } => {
                assert_eq!(from, TicketStatus::Serving)
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(o, before);
    // Storage decides once the ticket has left the office.
    run(
        &mut o,
        Command::Finish {
            counter: "1".into(),
        },
        4,
    )
    .unwrap();
    assert!(matches!(
        run(
            &mut o,
            survey("b", "A001", TicketStatus::Cancelled, false),
            5
        )
        .unwrap_err(),
        DomainError::InvalidTransition {
            from: TicketStatus::Cancelled,
            ..
        }
    ));
    run(&mut o, survey("b", "A001", TicketStatus::Done, false), 6).unwrap();
}

#[test]
fn staff_stop_a_service_with_a_message_until_they_resume_it() {
    let mut o = office();
    let suspend = |message: &str| Command::Suspend {
        service: "ktp".into(),
        message: message.into(),
    };
    for blank in ["", "   ", "\u{85}"] {
        let before = o.clone();
        assert_eq!(
            run(&mut o, suspend(blank), 0).unwrap_err(),
            DomainError::SuspendMessage
        );
        assert_eq!(o, before);
    }
    assert_eq!(
        run(
            &mut o,
            Command::Resume {
                service: "ktp".into()
            },
            0
        )
        .unwrap_err(),
        DomainError::ServiceNotSuspended("ktp".into())
    );
    run(&mut o, suspend(" Blanko KTP habis "), 0).unwrap();
    assert_eq!(o.suspended("ktp"), Some("Blanko KTP habis"));
    let issue_ktp = Command::Issue {
        code: "a".into(),
        service: "ktp".into(),
        priority: None,
        channel: Channel::Kiosk,
    };
    assert_eq!(
        run(&mut o, issue_ktp.clone(), 1).unwrap_err(),
        DomainError::ServiceSuspended {
            service: "ktp".into(),
            message: "Blanko KTP habis".into()
        }
    );
    // Other services go on; the stop outlasts the night.
    assert_eq!(issue(&mut o, "b", "kk", None, 2), "B001");
    o.roll_over(at(20 * 3600)).unwrap();
    assert_eq!(o.suspended("ktp"), Some("Blanko KTP habis"));
    run(
        &mut o,
        Command::Resume {
            service: "ktp".into(),
        },
        20 * 3600,
    )
    .unwrap();
    assert_eq!(o.suspended("ktp"), None);
    assert!(run(&mut o, issue_ktp, 20 * 3600).is_ok());
}

#[test]
fn the_running_text_staff_set_stays_across_days() {
    let mut o = office();
    assert_eq!(
        o.running_text(),
        None,
        "the configured one until staff set one"
    );
    let long = Command::SetRunningText {
        text: "x".repeat(501),
    };
    let before = o.clone();
    assert_eq!(
        run(&mut o, long, 0).unwrap_err(),
        DomainError::RunningTextTooLong
    );
    assert_eq!(o, before);
    let set = Command::SetRunningText {
        text: "  Layanan KTP pindah ke lantai 2  ".into(),
    };
    run(&mut o, set, 0).unwrap();
    assert_eq!(o.running_text(), Some("Layanan KTP pindah ke lantai 2"));
    o.roll_over(at(20 * 3600)).unwrap();
    assert_eq!(o.running_text(), Some("Layanan KTP pindah ke lantai 2"));
}

#[test]
fn one_clerk_per_counter_until_they_close_it_or_a_supervisor_releases_it() {
    let mut o = office();
    let c = |id: &str| antrean_core::CounterId::from(id.to_owned());
    let by = |o: &mut Office, cmd: Command, who: &str| {
        o.execute_by(&cmd, Some(antrean_core::Worker::clerk(who)), at(10))
    };
    issue(&mut o, "c1", "ktp", None, 1);
    // Opening takes the counter.
    let opened = by(&mut o, Command::Open { counter: c("1") }, "siti").unwrap();
    let kinds: Vec<&str> = opened.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["counter_taken", "counter_state"]);
    assert_eq!(o.counter("1").unwrap().clerk.as_deref(), Some("siti"));
    // Another clerk can do nothing with it, not even close it.
    for cmd in [
        Command::CallNext { counter: c("1") },
        Command::Pause {
            counter: c("1"),
            reason: "istirahat".into(),
        },
        Command::Close { counter: c("1") },
        Command::Open { counter: c("1") },
    ] {
        assert_eq!(
            by(&mut o, cmd, "budi").unwrap_err(),
            DomainError::CounterHeld {
                counter: "1".into(),
                clerk: "siti".into()
            }
        );
    }
    // Its holder works it without taking it again.
    let called = by(&mut o, Command::CallNext { counter: c("1") }, "siti").unwrap();
    assert_eq!(called.events.len(), 1);
    // A supervisor releases it; the next clerk to act takes it.
    assert!(o
        .execute(&Command::Release { counter: c("1") }, at(11))
        .is_ok());
    assert_eq!(o.counter("1").unwrap().clerk, None);
    assert_eq!(
        o.execute(&Command::Release { counter: c("1") }, at(12))
            .unwrap_err(),
        DomainError::CounterNotHeld("1".into())
    );
    let recalled = by(&mut o, Command::Recall { counter: c("1") }, "budi").unwrap();
    let kinds: Vec<&str> = recalled.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["counter_taken", "ticket_called"]);
    assert_eq!(o.counter("1").unwrap().clerk.as_deref(), Some("budi"));
    // A refused command takes nothing.
    assert!(by(&mut o, Command::Open { counter: c("2") }, "siti").is_ok());
    let refused = by(&mut o, Command::Finish { counter: c("2") }, "budi");
    assert!(refused.is_err());
    assert_eq!(o.counter("2").unwrap().clerk.as_deref(), Some("siti"));
    // A supervisor pauses it from the monitor without taking it.
    let boss = antrean_core::Worker {
        name: "kepala",
        supervises: true,
    };
    let paused = o
        .execute_by(
            &Command::Pause {
                counter: c("2"),
                reason: "rapat".into(),
            },
            Some(boss),
            at(13),
        )
        .unwrap();
    assert_eq!(paused.events.len(), 1);
    assert_eq!(o.counter("2").unwrap().clerk.as_deref(), Some("siti"));
    // Nor one nobody holds.
    by(&mut o, Command::Open { counter: c("3") }, "budi").unwrap();
    o.execute(&Command::Release { counter: c("3") }, at(13))
        .unwrap();
    let paused = o
        .execute_by(
            &Command::Pause {
                counter: c("3"),
                reason: "rapat".into(),
            },
            Some(boss),
            at(13),
        )
        .unwrap();
    assert_eq!(paused.events.len(), 1);
    assert_eq!(o.counter("3").unwrap().clerk, None);
    by(&mut o, Command::Open { counter: c("2") }, "siti").unwrap();
    // Closing gives it back.
    let closed = by(&mut o, Command::Close { counter: c("2") }, "siti").unwrap();
    let kinds: Vec<&str> = closed.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["counter_state", "counter_taken"]);
    assert_eq!(o.counter("2").unwrap().clerk, None);
}

#[test]
fn the_end_of_the_day_releases_every_counter() {
    let mut o = office();
    o.execute_by(
        &Command::Open {
            counter: "1".to_owned().into(),
        },
        Some(antrean_core::Worker::clerk("siti")),
        at(10),
    )
    .unwrap();
    let next = o.roll_over(at(86_400 * 2));
    assert!(next.is_some());
    assert_eq!(o.counter("1").unwrap().clerk, None);
}

fn issue_online(
    o: &mut Office,
    code: &str,
    service: &str,
    priority: Option<Priority>,
    secs: i64,
) -> String {
    let evs = run(
        o,
        Command::Issue {
            code: code.into(),
            service: service.into(),
            priority,
            channel: Channel::Online,
        },
        secs,
    )
    .unwrap();
    match &evs.events[0].kind {
        EventKind::TicketIssued { ticket } => ticket.number.clone(),
        other => panic!("unexpected {other:?}"),
    }
}

fn confirm(o: &mut Office, number: &str, secs: i64) -> Result<Executed, DomainError> {
    run(
        o,
        Command::ConfirmPriority {
            number: number.into(),
        },
        secs,
    )
}

#[test]
fn a_priority_claimed_online_waits_as_regular_until_staff_confirm_it() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    let claimed = issue_online(&mut o, "p", "ktp", Some(Priority::Pregnant), 1);
    issue(&mut o, "b", "ktp", None, 2);
    let t = o.ticket("p").unwrap();
    assert!(t.priority_pending() && !t.in_priority_lane());
    // Behind A001, as a regular ticket would be.
    assert_eq!(o.ahead(t), 1);
    open(&mut o, "1");
    assert_eq!(call_next(&mut o, "1", 3).as_deref(), Some("A001"));
    clear(&mut o, "1", 4);
    // Staff see her in the hall: she goes before A003, who came first... after her.
    let done = confirm(&mut o, &claimed, 5).unwrap();
    assert!(matches!(
        &done.events[..],
        [e] if matches!(&e.kind, EventKind::PriorityConfirmed { number, .. } if *number == claimed)
    ));
    let t = done.ticket.unwrap();
    assert!(t.in_priority_lane() && !t.priority_pending());
    assert_eq!(o.ahead(o.ticket("p").unwrap()), 0);
    assert_eq!(o.ahead(o.ticket("b").unwrap()), 1);
    assert_eq!(call_next(&mut o, "1", 6).as_deref(), Some(claimed.as_str()));
}

#[test]
fn an_unconfirmed_claim_does_not_jump_ahead_of_earlier_regular_tickets() {
    let mut o = office();
    issue(&mut o, "a", "ktp", None, 0);
    issue(&mut o, "b", "ktp", None, 1);
    issue_online(&mut o, "p", "ktp", Some(Priority::Disability), 2);
    open(&mut o, "1");
    let order: Vec<_> = (0..3)
        .map(|i| {
            let n = call_next(&mut o, "1", 10 + i * 10).unwrap();
            clear(&mut o, "1", 11 + i * 10);
            n
        })
        .collect();
    assert_eq!(order, ["A001", "A002", "A003"]);
}

#[test]
fn a_kiosk_priority_needs_no_confirmation_and_only_a_claim_can_be_confirmed() {
    let mut o = office();
    let kiosk = issue(&mut o, "k", "ktp", Some(Priority::Elderly), 0);
    let regular = issue_online(&mut o, "r", "ktp", None, 1);
    assert!(o.ticket("k").unwrap().in_priority_lane());
    let before = o.clone();
    assert_eq!(
        confirm(&mut o, &kiosk, 2).unwrap_err(),
        DomainError::PriorityAlreadyConfirmed(kiosk.clone())
    );
    assert_eq!(
        confirm(&mut o, &regular, 2).unwrap_err(),
        DomainError::NoPriorityClaim(regular.clone())
    );
    assert!(matches!(
        confirm(&mut o, "A999", 2),
        Err(DomainError::UnknownTicket(_))
    ));
    assert_eq!(o, before, "a refused confirmation changes nothing");
    // Twice: the second is refused.
    let claimed = issue_online(&mut o, "c", "ktp", Some(Priority::Child), 3);
    confirm(&mut o, &claimed, 4).unwrap();
    assert_eq!(
        confirm(&mut o, &claimed, 5).unwrap_err(),
        DomainError::PriorityAlreadyConfirmed(claimed)
    );
}

#[test]
fn a_claim_confirmed_at_the_counter_is_recorded_without_moving_anyone() {
    let mut o = office();
    let claimed = issue_online(&mut o, "p", "ktp", Some(Priority::Elderly), 0);
    issue(&mut o, "b", "ktp", None, 1);
    open(&mut o, "1");
    assert_eq!(call_next(&mut o, "1", 2).as_deref(), Some(claimed.as_str()));
    confirm(&mut o, &claimed, 3).unwrap();
    let t = o.ticket("p").unwrap();
    assert_eq!(t.status, TicketStatus::Called);
    assert!(t.in_priority_lane());
    assert_eq!(o.ahead(o.ticket("b").unwrap()), 0);
}

#[test]
fn the_day_played_again_from_its_start_stops_services_when_they_stopped() {
    let mut o = office();
    let stop = |service: &str| Command::Suspend {
        service: service.into(),
        message: "blanko habis".into(),
    };
    let resume = |service: &str| Command::Resume {
        service: service.into(),
    };
    // Stopped since yesterday, and still: stopped from the start.
    run(&mut o, stop("ktp"), 0).unwrap();
    // Stopped yesterday, resumed today: the day's events do not say with
    // what message, so it starts as it is now.
    run(&mut o, stop("kk"), 0).unwrap();
    let yesterday = o.day();
    let secs = (1..48)
        .map(|h| h * 3600)
        .find(|s| o.def().business_day(at(*s)) > yesterday)
        .unwrap();
    let mut log: Vec<_> = o.roll_over(at(secs)).into_iter().collect();
    let mut step = |o: &mut Office, cmd: Command| log.extend(run(o, cmd, secs).unwrap().events);
    step(&mut o, resume("kk"));
    // Stopped today only: running at the start.
    step(&mut o, stop("akta"));
    step(&mut o, resume("akta"));
    step(&mut o, stop("akta"));
    assert!(o.day() > yesterday);
    let start = o.day_start(&log);
    assert_eq!(start.suspended("ktp"), Some("blanko habis"));
    assert_eq!(start.suspended("kk"), None);
    assert_eq!(start.suspended("akta"), None);
    let mut again = start;
    for e in &log {
        again.apply(e);
    }
    for service in ["ktp", "kk", "akta"] {
        assert_eq!(again.suspended(service), o.suspended(service), "{service}");
    }
}
