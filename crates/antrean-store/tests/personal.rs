//! Personal data erased after retention or on request, with the audit
//! chain still verifying; and the personal data kept beside the chain
//! checked like the chain itself.
#![allow(clippy::unwrap_used)]

mod common;

use antrean_core::{Actor, Change, Channel, Command, EventKind, Office, Priority, TicketStatus};
use antrean_store::{BreakReason, ChainReport, Erase, Store};
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{append, def};

/// Day 1: `p1` (elderly) served and surveyed with a suggestion, `p2`
/// (disability) waiting, `r` regular. Day 2 (after the roll-over): `p3`
/// (pregnant), waiting.
fn office_of_two_days(store: &Store) -> DateTime<Utc> {
    let def = def();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    let mut live = Office::new(def.clone(), def.business_day(t0));
    let run = |live: &mut Office, cmd: Command, at: DateTime<Utc>| {
        append(store, live.execute(&cmd, at).unwrap().events)
    };
    run(
        &mut live,
        Command::Configure {
            changes: vec![Change::Seeded {
                office: Box::new((*def).clone()),
            }],
        },
        t0,
    );
    for (code, priority) in [
        ("p1", Some(Priority::Elderly)),
        ("p2", Some(Priority::Disability)),
        ("r", None),
    ] {
        run(
            &mut live,
            Command::Issue {
                code: code.into(),
                service: "ktp".into(),
                priority,
                channel: Channel::Kiosk,
            },
            t0,
        );
    }
    for cmd in [
        Command::Open {
            counter: "1".into(),
        },
        Command::CallNext {
            counter: "1".into(),
        },
        Command::Start {
            counter: "1".into(),
        },
        Command::Finish {
            counter: "1".into(),
        },
    ] {
        run(&mut live, cmd, t0);
    }
    run(
        &mut live,
        Command::Survey {
            code: "p1".into(),
            number: "A001".into(),
            service: "ktp".into(),
            status: TicketStatus::Done,
            answered: false,
            answers: [Some(4); 9],
            suggestion: Some("Pak Budi ramah sekali, hubungi saya 0812 3456 7890".into()),
        },
        t0,
    );
    let t1 = t0 + Duration::days(1);
    append(store, vec![live.roll_over(t1).unwrap()]);
    run(
        &mut live,
        Command::Issue {
            code: "p3".into(),
            service: "ktp".into(),
            priority: Some(Priority::Pregnant),
            channel: Channel::Kiosk,
        },
        t1,
    );
    t1
}

fn intact(store: &Store) {
    assert!(
        matches!(
            store.reader.verify_chain().unwrap(),
            ChainReport::Intact { .. }
        ),
        "{:?}",
        store.reader.verify_chain()
    );
    assert_eq!(store.reader.replay_check().unwrap(), vec![]);
}

fn db(store: &Store) -> rusqlite::Connection {
    rusqlite::Connection::open(store.path()).unwrap()
}

#[test]
fn the_chain_never_holds_personal_data_and_verifies_after_retention() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &dir.path().join("audit.key")).unwrap();
    let t1 = office_of_two_days(&store);
    intact(&store);

    // The bodies under the chain hold no reason and no suggestion; the
    // events read back whole.
    let bodies: Vec<String> = db(&store)
        .prepare("SELECT body FROM events")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let all = bodies.join("\n");
    for secret in ["elderly", "disability", "pregnant", "Budi", "0812"] {
        assert!(!all.contains(secret), "{secret} in the chain");
    }
    let events = store.reader.events_since("o", 0, 100).unwrap();
    let issued = |code: &str| {
        events.iter().find_map(|e| match &e.kind {
            EventKind::TicketIssued { ticket } if ticket.code == code => Some(ticket.priority),
            _ => None,
        })
    };
    assert_eq!(issued("p1"), Some(Some(Priority::Elderly)));
    assert_eq!(issued("p3"), Some(Some(Priority::Pregnant)));

    // Retention ends before day 2: day 1's data goes; day 2's ticket (its
    // day has not ended) keeps its reason whatever the cut-off.
    let erased = store
        .erase_personal(Erase::Before(t1 + Duration::days(30)), &Actor::Anonymous)
        .unwrap();
    assert_eq!((erased.priority_reasons, erased.suggestions), (2, 1));
    intact(&store);
    let p1 = store.personal_record("p1").unwrap().unwrap();
    assert_eq!((p1.priority, p1.suggestion, p1.erased), (None, None, 2));
    assert!(p1.surveyed, "the answers stay (anonymous)");
    let p3 = store.personal_record("p3").unwrap().unwrap();
    assert_eq!(p3.priority.as_deref(), Some("pregnant"));
    assert!(!p3.day_ended);

    // The statistics stay: two priority tickets on day 1, by reason.
    let counts: Vec<(String, String, i64)> = db(&store)
        .prepare("SELECT day, reason, claimed FROM priority_days ORDER BY reason")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        counts,
        vec![
            ("2026-11-02".into(), "disability".into(), 1),
            ("2026-11-02".into(), "elderly".into(), 1)
        ]
    );
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let report = store.reader.report("o", day, day).unwrap();
    assert_eq!(report[0].priority, 2, "the report still counts them");

    // The erasure is in the audit log; a second one finds nothing and
    // records nothing.
    let logged: i64 = db(&store)
        .query_row(
            "SELECT count(*) FROM events WHERE office = '@privacy' AND kind = 'personal_erased'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1);
    let again = store
        .erase_personal(Erase::Before(t1 + Duration::days(30)), &Actor::Anonymous)
        .unwrap();
    assert!(again.events.is_empty());
}

#[test]
fn an_erasure_on_request_names_one_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &dir.path().join("audit.key")).unwrap();
    office_of_two_days(&store);
    // Today's ticket keeps its reason: the queue needs it.
    let none = store
        .erase_personal(Erase::Ticket("p3".into()), &Actor::Operator("it".into()))
        .unwrap();
    assert!(none.events.is_empty());
    let erased = store
        .erase_personal(Erase::Ticket("p2".into()), &Actor::Operator("it".into()))
        .unwrap();
    assert_eq!(erased.priority_reasons, 1);
    assert_eq!(
        store
            .personal_record("p1")
            .unwrap()
            .unwrap()
            .priority
            .as_deref(),
        Some("elderly"),
        "only the ticket asked for"
    );
    assert_eq!(store.personal_record("p2").unwrap().unwrap().priority, None);
    intact(&store);
}

#[test]
fn personal_data_edited_or_deleted_by_hand_breaks_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &dir.path().join("audit.key")).unwrap();
    office_of_two_days(&store);
    let conn = db(&store);
    let edited: i64 = conn
        .query_row(
            "UPDATE personal SET data = replace(data, 'elderly', 'child') WHERE code = 'p1' RETURNING event_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    match store.reader.verify_chain().unwrap() {
        ChainReport::Broken { id, reason, .. } => {
            assert_eq!((id, reason), (edited, BreakReason::PersonalAltered));
        }
        r => panic!("{r:?}"),
    }
    conn.execute(
        "UPDATE personal SET data = replace(data, 'child', 'elderly') WHERE code = 'p1'",
        [],
    )
    .unwrap();
    intact(&store);
    let deleted: i64 = conn
        .query_row(
            "DELETE FROM personal WHERE code = 'p2' RETURNING event_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    match store.reader.verify_chain().unwrap() {
        ChainReport::Broken { id, reason, .. } => {
            assert_eq!((id, reason), (deleted, BreakReason::PersonalRemoved));
        }
        r => panic!("{r:?}"),
    }
}
