//! What the store keeps rebuilds the live office exactly, and the hash chain
//! notices any edit; accounts, devices and the log's actors keep the names
//! they were stored under.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use antrean_core::{
    Actor, CallPolicy, Change, Channel, Command, CounterDef, CounterId, DeviceKind, DomainError,
    Event, Office, OfficeDef, Priority, Role, ServiceDef, TicketStatus, TransferTarget,
};
use antrean_store::{
    ChainReport, Health, Observer, PasswordKind, Store, StoreError, StoredTicket, PROBE_EVERY,
};
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;

fn def() -> Arc<OfficeDef> {
    let service = |id: &str, prefix: &str| ServiceDef {
        id: id.into(),
        names: BTreeMap::from([("id".into(), id.into())]),
        prefix: prefix.into(),
        quota_total: Some(40),
        quota_online: Some(10),
        service_minutes: 5,
        ..Default::default()
    };
    let counter = |id: &str, services: &[&str]| CounterDef {
        id: id.into(),
        name: format!("Loket {id}"),
        services: services.iter().map(|s| s.to_string()).collect(),
        policy: CallPolicy::LongestWait,
    };
    Arc::new(OfficeDef {
        languages: vec!["id".into()],
        services: vec![service("ktp", "A"), service("kk", "B")],
        counters: vec![counter("1", &["ktp", "kk"]), counter("2", &["kk"])],
        min_calls: 1,
        priority_ratio: Some(1),
        ..OfficeDef::new("o", "O", chrono_tz::Asia::Jakarta)
    })
}

/// An empty store and a fresh office `o` at its first instant.
struct Fresh {
    /// Holds the store's directory for as long as the test runs.
    _dir: tempfile::TempDir,
    store: Store,
    def: Arc<OfficeDef>,
    t0: DateTime<Utc>,
    live: Office,
}

fn fresh() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &dir.path().join("audit.key")).unwrap();
    let def = def();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap();
    let live = Office::new(def.clone(), def.business_day(t0));
    Fresh {
        _dir: dir,
        store,
        def,
        t0,
        live,
    }
}

/// A kiosk ticket for `ktp` with code `c{n}`.
fn issue(n: usize) -> Command {
    Command::Issue {
        code: format!("c{n}").into(),
        service: "ktp".into(),
        priority: None,
        channel: Channel::Kiosk,
    }
}

fn append(store: &Store, office: &str, events: Vec<Event>) {
    append_as(store, office, Some(Actor::User("tester".into())), events);
}

/// Appends and waits until the events are on disk.
fn append_as(store: &Store, office: &str, actor: Option<Actor>, events: Vec<Event>) {
    let (tx, rx) = mpsc::channel();
    store.writer.append(
        office,
        actor,
        events,
        Box::new(move |r| tx.send(r).unwrap()),
    );
    rx.recv().unwrap().unwrap();
}

fn command(o: &Office, pick: u8, n: usize) -> Command {
    let counter: CounterId = if n.is_multiple_of(3) { "2" } else { "1" }.into();
    let any_number = || {
        let mut v: Vec<_> = o
            .active_tickets()
            .map(|t| (t.number.clone(), t.code.clone()))
            .collect();
        v.sort();
        v.get(n % v.len().max(1)).cloned().unwrap_or_default()
    };
    // Configuration changes among the rest: a service and a counter come
    // and go (refused when they conflict, as the office decides).
    let akta = || ServiceDef {
        id: "akta".into(),
        names: BTreeMap::from([("id".into(), "Akta".into())]),
        prefix: "C".into(),
        quota_total: Some(10 + u32::try_from(n % 7).unwrap()),
        service_minutes: 5,
        ..Default::default()
    };
    let configure = |change| Command::Configure {
        changes: vec![change],
    };
    match pick % 16 {
        12 => return configure(Change::ServiceSaved { service: akta() }),
        13 => {
            return configure(Change::CounterSaved {
                counter: CounterDef {
                    id: format!("k{}", n % 3),
                    name: "Loket K".into(),
                    services: vec![if n.is_multiple_of(2) { "akta" } else { "kk" }.into()],
                    policy: CallPolicy::LongestWait,
                },
            })
        }
        14 => {
            return configure(Change::CounterRemoved {
                counter: format!("k{}", n % 3),
            })
        }
        15 => {
            return configure(Change::ServiceRemoved {
                service: "akta".into(),
            })
        }
        _ => {}
    }
    match pick % 12 {
        0..=2 => Command::Issue {
            code: format!("c{n}").into(),
            service: if n.is_multiple_of(2) { "ktp" } else { "kk" }.into(),
            priority: (n.is_multiple_of(5)).then_some(Priority::Child),
            channel: if n.is_multiple_of(4) {
                Channel::Online
            } else {
                Channel::Kiosk
            },
        },
        3 => Command::Open { counter },
        4 => Command::CallNext { counter },
        5 => Command::Recall { counter },
        6 => Command::Start { counter },
        7 => Command::Finish { counter },
        8 => Command::NoShow { counter },
        9 => Command::Transfer {
            to: if n.is_multiple_of(2) {
                TransferTarget::Service("kk".into())
            } else {
                // To the other counter: a ticket waiting for one counter only.
                TransferTarget::Counter(if counter.as_str() == "1" { "2" } else { "1" }.into())
            },
            counter,
        },
        10 => Command::Cancel {
            code: any_number().1.into(),
        },
        _ => Command::CallNumber {
            counter,
            number: any_number().0,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn restored_office_equals_the_live_one(picks in prop::collection::vec(any::<u8>(), 1..300)) {
        let Fresh { _dir, store, def, t0, mut live } = fresh();
        let seed = Command::Configure { changes: vec![Change::Seeded { office: Box::new((*def).clone()) }] };
        append(&store, "o", live.execute(&seed, t0).unwrap().events);
        for (n, pick) in picks.iter().enumerate() {
            let now = t0 + chrono::Duration::seconds(n as i64 * 30);
            let cmd = command(&live, *pick, n);
            // Two clerks (and the office itself) work the counters: who
            // holds each is restored too.
            // (and a supervisor, who closes counters others hold)
            let by = [None, Some("siti"), Some("budi"), Some("kepala")][usize::from(*pick) % 4]
                .map(|name| antrean_core::Worker { name, supervises: name == "kepala" });
            let cmd = if pick % 29 == 0 {
                Command::Release { counter: CounterId::from(if pick % 2 == 0 { "1" } else { "2" }.to_owned()) }
            } else {
                cmd
            };
            if let Ok(done) = live.execute_by(&cmd, by, now) {
                if !done.events.is_empty() {
                    append(&store, "o", done.events);
                }
                // The ticket the office returns is the one the store now holds.
                if let Some(t) = done.ticket {
                    let stored = store.reader.ticket(&t.code).unwrap().unwrap();
                    prop_assert_eq!(stored.ticket, t);
                }
            }
        }
        let mut saved = store.reader.restore("o").unwrap();
        let config = Arc::new(saved.config.take().unwrap());
        prop_assert_eq!(&*config, &**live.def());
        let restored = Office::restore(config, t0, saved);
        prop_assert_eq!(restored, live);
        // The tables are what the events make of them (audit verify's replay).
        prop_assert_eq!(store.reader.replay_check().unwrap(), vec![]);
    }
}

#[test]
fn a_counter_opened_before_the_first_ticket_is_still_open_after_a_restart() {
    let Fresh {
        _dir,
        store,
        def,
        t0,
        mut live,
    } = fresh();
    let open = Command::Open {
        counter: "2".into(),
    };
    append(&store, "o", live.execute(&open, t0).unwrap().events);
    let restored = Office::restore(def, t0, store.reader.restore("o").unwrap());
    assert_eq!(restored, live);
}

#[test]
fn the_chain_verifies_and_notices_an_edited_or_deleted_row() {
    let Fresh {
        _dir,
        store,
        t0,
        mut live,
        ..
    } = fresh();
    for n in 0..20 {
        append(&store, "o", live.execute(&issue(n), t0).unwrap().events);
    }
    assert_eq!(
        store.reader.verify_chain().unwrap(),
        ChainReport::Intact { events: 20 }
    );
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute(
        "UPDATE events SET body = replace(body, 'A005', 'A006') WHERE seq = 5",
        [],
    )
    .unwrap();
    match store.reader.verify_chain().unwrap() {
        ChainReport::Broken { seq: 5, .. } => {}
        other => panic!("{other:?}"),
    }
    let Fresh {
        _dir,
        store,
        mut live,
        ..
    } = fresh();
    for n in 0..5 {
        append(&store, "o", live.execute(&issue(n), t0).unwrap().events);
    }
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute("DELETE FROM events WHERE seq = 3", [])
        .unwrap();
    match store.reader.verify_chain().unwrap() {
        ChainReport::Broken { seq: 4, .. } => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failed_write_stops_the_office_until_reset() {
    let Fresh {
        _dir,
        store,
        def,
        t0,
        mut live,
    } = fresh();
    append(&store, "o", live.execute(&issue(0), t0).unwrap().events);
    // The same seq again violates UNIQUE (office, seq): the write fails...
    let mut stale = Office::new(def.clone(), def.business_day(t0));
    let dup = stale.execute(&issue(9), t0).unwrap().events;
    let (tx, rx) = mpsc::channel();
    let tx2 = tx.clone();
    store.writer.append(
        "o",
        None,
        dup,
        Box::new(move |r| tx.send(r.is_ok()).unwrap()),
    );
    // ...and a later, valid batch of the same office is refused too.
    let next = live.execute(&issue(1), t0).unwrap().events;
    store.writer.append(
        "o",
        None,
        next.clone(),
        Box::new(move |r| tx2.send(r.is_ok()).unwrap()),
    );
    assert!(!rx.recv().unwrap());
    assert!(!rx.recv().unwrap());
    store.writer.reset("o");
    append(&store, "o", next);
    assert_eq!(
        store.reader.verify_chain().unwrap(),
        ChainReport::Intact { events: 2 }
    );
}

/// Counts what the writer tells of its transactions.
#[derive(Default)]
struct Transactions {
    committed: AtomicUsize,
    jobs: AtomicUsize,
    failed: AtomicUsize,
}

impl Observer for Transactions {
    fn committed(&self, jobs: usize, _: Duration, _: Duration) {
        self.committed.fetch_add(1, Ordering::SeqCst);
        self.jobs.fetch_add(jobs, Ordering::SeqCst);
    }

    fn failed(&self) {
        self.failed.fetch_add(1, Ordering::SeqCst);
    }
}

/// Another process holds the database's write lock: the batch cannot even
/// begin, yet its events fail (and stop the office) rather than vanish;
/// the writer says it is failing until, the lock gone, its probe commits;
/// the observer is told of each transaction.
#[test]
fn a_locked_database_fails_the_batch_and_the_writer_is_failing_until_it_is_free() {
    let Fresh {
        _dir,
        store,
        t0,
        mut live,
        ..
    } = fresh();
    let seen = Arc::new(Transactions::default());
    store.writer.observe(seen.clone());
    append(&store, "o", live.execute(&issue(0), t0).unwrap().events);
    assert_eq!(store.writer.health(), Health::Writing);
    let lock = rusqlite::Connection::open(store.path()).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let next = live.execute(&issue(1), t0).unwrap().events;
    let (tx, rx) = mpsc::channel();
    let tx2 = tx.clone();
    store.writer.append(
        "o",
        None,
        next.clone(),
        Box::new(move |r| tx.send(r.is_ok()).unwrap()),
    );
    // After the writer's busy timeout.
    assert!(!rx.recv().unwrap(), "written under another's lock");
    assert_eq!(store.writer.health(), Health::Failing);
    drop(lock);
    let free = Instant::now();
    while store.writer.health() != Health::Writing {
        assert!(free.elapsed() < PROBE_EVERY * 10, "never probed again");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The office stopped with the failed batch: refused until reset.
    store.writer.append(
        "o",
        None,
        next.clone(),
        Box::new(move |r| tx2.send(r.is_ok()).unwrap()),
    );
    assert!(!rx.recv().unwrap());
    store.writer.reset("o");
    append(&store, "o", next);
    assert_eq!(
        store.reader.verify_chain().unwrap(),
        ChainReport::Intact { events: 2 }
    );
    assert_eq!(seen.failed.load(Ordering::SeqCst), 1);
    // The first append, the refused one, the last; the probe is no job.
    assert_eq!(seen.jobs.load(Ordering::SeqCst), 3);
}

#[test]
fn the_log_stores_each_actor_as_before() {
    let Fresh {
        _dir,
        store,
        t0,
        mut live,
        ..
    } = fresh();
    for actor in [
        Some(Actor::Device("kiosk-1".into())),
        Some(Actor::Citizen),
        Some(Actor::User("siti".into())),
        None,
    ] {
        let events = live
            .execute(&issue(live.active_tickets().count()), t0)
            .unwrap()
            .events;
        append_as(&store, "o", actor, events);
    }
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let actors: Vec<Option<String>> = conn
        .prepare("SELECT actor FROM events ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        actors,
        [
            Some("device:kiosk-1".to_owned()),
            Some("citizen".to_owned()),
            Some("user:siti".to_owned()),
            None
        ]
    );
    assert_eq!(
        store.reader.verify_chain().unwrap(),
        ChainReport::Intact { events: 4 }
    );
}

#[test]
fn accounts_keep_their_role_and_devices_their_kind() {
    let Fresh { _dir, store, .. } = fresh();
    let root = Actor::Operator("root".into());
    store
        .add_user(
            &root,
            "siti",
            "$argon2id$x",
            Role::Supervisor,
            Some("o"),
            PasswordKind::Chosen,
        )
        .unwrap();
    store
        .add_device(&root, "lobby", "o", DeviceKind::Display, "hash")
        .unwrap();
    let user = store.reader.user("siti").unwrap().unwrap();
    assert_eq!(
        (user.role, user.office.as_deref()),
        (Role::Supervisor, Some("o"))
    );
    store
        .create_session(
            "token",
            &user,
            "127.0.0.2",
            Utc::now() + chrono::Duration::hours(1),
        )
        .unwrap();
    let session = store.reader.session("token", Utc::now()).unwrap().unwrap();
    assert_eq!((session.user.id, session.user.role), (user.id, user.role));
    let device = store.reader.device("hash").unwrap().unwrap();
    assert_eq!(
        (device.name.as_str(), device.kind),
        ("lobby", DeviceKind::Display)
    );
    // Stored under the names used before the types.
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let names: (String, String) = conn
        .query_row(
            "SELECT (SELECT role FROM users), (SELECT kind FROM devices)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(names, ("supervisor".into(), "display".into()));
    // A name the domain does not know is a corrupt row, not a guess.
    conn.execute_batch("UPDATE users SET role = 'root'; UPDATE devices SET kind = 'printer';")
        .unwrap();
    assert!(matches!(
        store.reader.user("siti"),
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        store.reader.session("token", Utc::now()),
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        store.reader.device("hash"),
        Err(StoreError::Corrupt(_))
    ));
}

#[test]
fn account_changes_are_in_the_chained_log_with_their_actor_and_a_refused_one_leaves_no_trace() {
    let Fresh { _dir, store, .. } = fresh();
    let root = Actor::Operator("root".into());
    let siti = Actor::User("siti".into());
    store
        .add_user(
            &root,
            "siti",
            "h1",
            Role::Supervisor,
            Some("o"),
            PasswordKind::Chosen,
        )
        .unwrap();
    let budi = store
        .add_user(
            &siti,
            "budi",
            "h2",
            Role::Clerk,
            Some("o"),
            PasswordKind::OneTime,
        )
        .unwrap();
    assert!(budi.must_change && !budi.disabled && budi.last_sign_in.is_none());
    // A name taken is refused alone: no event, the chain goes on.
    assert!(matches!(
        store.add_user(
            &siti,
            "budi",
            "h3",
            Role::Clerk,
            Some("o"),
            PasswordKind::OneTime
        ),
        Err(StoreError::Exists(_))
    ));
    let soon = Utc::now() + chrono::Duration::hours(1);
    store
        .create_session("t1", &budi, "127.0.0.2", soon)
        .unwrap();
    store
        .create_session("t2", &budi, "127.0.0.2", soon)
        .unwrap();
    let signed_in = store.reader.user("budi").unwrap().unwrap();
    assert!(signed_in.last_sign_in.is_some());
    // Choosing a password keeps the session that chose it, ends the others.
    let chosen = store
        .set_password(
            &Actor::User("budi".into()),
            "budi",
            "h4",
            PasswordKind::Chosen,
            Some("t1"),
        )
        .unwrap();
    assert!(!chosen.must_change);
    assert!(store.reader.session("t1", Utc::now()).unwrap().is_some());
    assert!(store.reader.session("t2", Utc::now()).unwrap().is_none());
    // Disabling ends every session, and a session of a disabled user is none.
    store.set_disabled(&siti, "budi", true).unwrap();
    assert!(store.reader.session("t1", Utc::now()).unwrap().is_none());
    // A session is made only for an enabled user whose password is still
    // the one checked: a disable (or a reset) during the check wins.
    let disabled = store.reader.user("budi").unwrap().unwrap();
    assert!(matches!(
        store.create_session("t3", &disabled, "127.0.0.2", soon),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.create_session("t3", &budi, "127.0.0.2", soon),
        Err(StoreError::NotFound(_))
    ));
    assert!(store.reader.session("t3", Utc::now()).unwrap().is_none());
    store.set_disabled(&siti, "budi", false).unwrap();
    let moved = store
        .change_user(&root, "budi", Role::HelpDesk, Some("p"))
        .unwrap();
    assert_eq!(
        (moved.role, moved.office.as_deref()),
        (Role::HelpDesk, Some("p"))
    );
    assert!(store.reader.session("t3", Utc::now()).unwrap().is_none());
    assert!(matches!(
        store.set_disabled(&siti, "nobody", true),
        Err(StoreError::NotFound(_))
    ));
    let kiosk = store
        .add_device(&siti, "kiosk-1", "o", DeviceKind::Kiosk, "dh")
        .unwrap();
    let settings = antrean_core::DeviceSettings {
        printer: Some("p1".into()),
        ..Default::default()
    };
    let renamed = store
        .change_device(&siti, kiosk.id, "kiosk-lobby", &settings)
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.settings),
        ("kiosk-lobby", settings)
    );
    store.revoke_device(&siti, kiosk.id).unwrap();
    assert!(store.reader.device("dh").unwrap().is_none());

    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let log: Vec<(i64, String, String)> = conn
        .prepare("SELECT seq, kind, actor FROM events WHERE office = ?1 ORDER BY id")
        .unwrap()
        .query_map([antrean_store::ACCOUNTS_LOG], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let kinds: Vec<(i64, &str, &str)> = log
        .iter()
        .map(|(q, k, a)| (*q, k.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (1, "user_added", "operator:root"),
            (2, "user_added", "user:siti"),
            (3, "signed_in", "user:budi"),
            (4, "signed_in", "user:budi"),
            (5, "password_changed", "user:budi"),
            (6, "user_disabled", "user:siti"),
            (7, "user_enabled", "user:siti"),
            (8, "user_changed", "operator:root"),
            (9, "device_added", "user:siti"),
            (10, "device_changed", "user:siti"),
            (11, "device_revoked", "user:siti"),
        ]
    );
    // No secret in the log.
    let bodies: String = conn
        .query_row("SELECT group_concat(body) FROM events", [], |r| r.get(0))
        .unwrap();
    for secret in ["h1", "h2", "h4", "dh", "t1"] {
        assert!(
            !bodies.contains(&format!("\"{secret}\"")),
            "{secret} in {bodies}"
        );
    }
    assert_eq!(
        store.reader.verify_chain().unwrap(),
        ChainReport::Intact { events: 11 }
    );
}

#[test]
fn a_stored_ticket_says_whether_its_survey_was_answered() {
    let Fresh {
        _dir,
        store,
        def,
        t0,
        mut live,
    } = fresh();
    let counter = || -> CounterId { "1".into() };
    for cmd in [
        issue(0),
        Command::Open { counter: counter() },
        Command::CallNext { counter: counter() },
        Command::Start { counter: counter() },
        Command::Finish { counter: counter() },
    ] {
        append(&store, "o", live.execute(&cmd, t0).unwrap().events);
    }
    // What the server passes on: the stored row as the citizen's page read it.
    let survey = |stored: &StoredTicket| Command::Survey {
        code: stored.ticket.code.clone().into(),
        number: stored.ticket.number.clone(),
        service: stored.ticket.service.clone().into(),
        status: stored.ticket.status,
        answered: stored.surveyed,
        answers: [Some(4); 9],
        suggestion: None,
    };
    let stored = store.reader.ticket("c0").unwrap().unwrap();
    assert_eq!(
        (stored.ticket.status, stored.surveyed),
        (TicketStatus::Done, false)
    );
    // Anonymous, as the server records answers.
    append_as(
        &store,
        "o",
        None,
        live.execute(&survey(&stored), t0).unwrap().events,
    );
    let stored = store.reader.ticket("c0").unwrap().unwrap();
    assert!(stored.surveyed);
    // After a restart, storage's word refuses a second answer...
    let mut restarted = Office::restore(def, t0, store.reader.restore("o").unwrap());
    assert!(matches!(
        restarted.execute(&survey(&stored), t0),
        Err(DomainError::SurveyAnswered { .. })
    ));
    // ...and so does the rebuilt office itself, for an answer that raced
    // past a look-up made before the first one was on disk.
    let stale = StoredTicket {
        surveyed: false,
        ..stored.clone()
    };
    assert!(matches!(
        restarted.execute(&survey(&stale), t0),
        Err(DomainError::SurveyAnswered { .. })
    ));
}

#[test]
fn a_stopped_service_and_the_running_text_outlast_a_restart() {
    let Fresh {
        _dir,
        store,
        def,
        t0,
        mut live,
    } = fresh();
    let stop = Command::Suspend {
        service: "ktp".into(),
        message: "Blanko KTP habis".into(),
    };
    append(&store, "o", live.execute(&stop, t0).unwrap().events);
    let restarted = Office::restore(def.clone(), t0, store.reader.restore("o").unwrap());
    assert_eq!(restarted.suspended("ktp"), Some("Blanko KTP habis"));
    assert_eq!(restarted, live, "the rebuilt office is the live one");
    let resume = Command::Resume {
        service: "ktp".into(),
    };
    append(&store, "o", live.execute(&resume, t0).unwrap().events);
    let text = Command::SetRunningText {
        text: "Layanan KTP pindah ke lantai 2".into(),
    };
    append(&store, "o", live.execute(&text, t0).unwrap().events);
    let restarted = Office::restore(def, t0, store.reader.restore("o").unwrap());
    assert_eq!(restarted.suspended("ktp"), None);
    assert_eq!(
        restarted.running_text(),
        Some("Layanan KTP pindah ke lantai 2")
    );
    assert_eq!(restarted, live);
    assert!(matches!(
        store.reader.verify_chain().unwrap(),
        antrean_store::ChainReport::Intact { .. }
    ));
}
