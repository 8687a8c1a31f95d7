//! The audit log against someone who can write the database file: the chain
//! is keyed, a database from before the key is upgraded once, a wrong or
//! missing key is refused, and a current-state row edited by hand is found
//! by replaying the events.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use antrean_core::{Change, Channel, Command, Office};
use antrean_store::{BreakReason, ChainReport, Store, StoreError, CHAIN_LOG};
use chrono::{TimeZone, Utc};
use common::{append, def};
use rusqlite::params;
use sha2::{Digest, Sha256};

/// A seeded office with three tickets, the first called and served.
fn busy_store(dir: &Path) -> Store {
    let store = Store::open(dir, &dir.join("audit.key")).unwrap();
    let def = def();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap();
    let mut live = Office::new(def.clone(), def.business_day(t0));
    let mut run = |cmd: Command| append(&store, live.execute(&cmd, t0).unwrap().events);
    run(Command::Configure {
        changes: vec![Change::Seeded {
            office: Box::new((*def).clone()),
        }],
    });
    for n in 0..3 {
        run(Command::Issue {
            code: format!("c{n}").into(),
            service: "ktp".into(),
            priority: None,
            channel: Channel::Kiosk,
        });
    }
    run(Command::Open {
        counter: "1".into(),
    });
    run(Command::CallNext {
        counter: "1".into(),
    });
    store
}

/// The length-prefixed SHA-256 the chain had before the key.
fn plain(prev: &str, office: &str, seq: i64, at: i64, body: &str, actor: Option<&str>) -> String {
    let mut h = Sha256::new();
    for f in [
        prev,
        office,
        &seq.to_string(),
        &at.to_string(),
        body,
        actor.unwrap_or(""),
    ] {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Rewrites every hash with plain SHA-256, as a forger without the key.
fn rechain_plain(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    type Row = (i64, String, i64, i64, String, Option<String>);
    let rows: Vec<Row> = conn
        .prepare("SELECT id, office, seq, at_ns, body, actor FROM events ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut prev = "0".repeat(64);
    for (id, office, seq, at, body, actor) in rows {
        let h = plain(&prev, &office, seq, at, &body, actor.as_deref());
        conn.execute(
            "UPDATE events SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
            params![id, prev, h],
        )
        .unwrap();
        prev = h;
    }
}

#[test]
fn an_edit_rehashed_with_sha256_does_not_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let store = busy_store(tmp.path());
    assert_eq!(
        store.reader.verify_chain().unwrap(),
        ChainReport::Intact { events: 6 }
    );
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute(
        "UPDATE events SET body = replace(body, 'A002', 'A009') WHERE seq = 3",
        [],
    )
    .unwrap();
    rechain_plain(store.path());
    match store.reader.verify_chain().unwrap() {
        ChainReport::Broken { seq: 1, reason, .. } => {
            assert_eq!(reason, BreakReason::Unkeyed);
            assert_eq!(reason.code(), "unkeyed");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_database_from_before_the_key_is_keyed_once_and_then_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = busy_store(dir);
    let db = store.path().to_owned();
    drop(store);
    // What an old installation had: plain hashes, no key, no record of one.
    rechain_plain(&db);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("DELETE FROM audit_chain", []).unwrap();
    }
    std::fs::remove_file(dir.join("audit.key")).unwrap();

    let store = Store::open(dir, &dir.join("audit.key")).unwrap();
    assert!(dir.join("audit.key").exists());
    assert_eq!(
        store.reader.verify_chain().unwrap(),
        ChainReport::Intact { events: 7 },
        "six events and the record of the upgrade"
    );
    let head = store.reader.chain_head().unwrap();
    assert_eq!(head.last_seq.get(CHAIN_LOG), Some(&1));
    assert_eq!(head.last_seq.get("o"), Some(&6));
    assert_eq!(store.reader.replay_check().unwrap(), vec![]);
    // Writing goes on with the key.
    let t1 = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
    let restored = store.reader.restore("o").unwrap();
    let mut live = Office::restore(def(), t1, restored);
    let done = live
        .execute(
            &Command::Issue {
                code: "c9".into(),
                service: "ktp".into(),
                priority: None,
                channel: Channel::Kiosk,
            },
            t1,
        )
        .unwrap();
    append(&store, done.events);
    assert!(matches!(
        store.reader.verify_chain().unwrap(),
        ChainReport::Intact { events: 8 }
    ));
}

#[test]
fn a_wrong_or_missing_key_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    drop(busy_store(dir));
    let other = tmp.path().join("other.key");
    std::fs::write(&other, format!("{}\n", "ab".repeat(32))).unwrap();
    match Store::open(dir, &other) {
        Err(StoreError::AuditKey { problem, .. }) => {
            assert!(problem.contains("not the key"), "{problem}")
        }
        other => panic!("{other:?}"),
    }
    match Store::open(dir, &tmp.path().join("nowhere.key")) {
        Err(StoreError::AuditKey { problem, .. }) => {
            assert!(problem.contains("missing"), "{problem}")
        }
        other => panic!("{other:?}"),
    }
    assert!(!tmp.path().join("nowhere.key").exists(), "no new key made");
    Store::open(dir, &dir.join("audit.key")).unwrap();
}

#[test]
fn a_ticket_row_edited_by_hand_is_named_by_its_number() {
    let tmp = tempfile::tempdir().unwrap();
    let store = busy_store(tmp.path());
    assert_eq!(store.reader.replay_check().unwrap(), vec![]);
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute(
        "UPDATE tickets SET status = 'done' WHERE number = 'A003'",
        [],
    )
    .unwrap();
    conn.execute("DELETE FROM counters", []).unwrap();
    let found = store.reader.replay_check().unwrap();
    let said: Vec<String> = found.iter().map(|m| m.to_string()).collect();
    assert!(
        said.iter().any(|s| s.contains("A003 of office o")
            && s.contains("status done in the table, waiting by the events")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|s| s.contains("counter 1 of office o") && s.contains("absent in the table")),
        "{said:?}"
    );
    assert!(
        !said.iter().any(|s| s.contains("c2")),
        "no ticket code: {said:?}"
    );
    // The chain itself is intact: only the replay sees it.
    assert!(matches!(
        store.reader.verify_chain().unwrap(),
        ChainReport::Intact { .. }
    ));
}

#[cfg(unix)]
#[test]
fn the_data_directory_and_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let store = busy_store(&dir);
    assert_eq!(mode(&dir), 0o700);
    for f in [
        "antrean.db",
        "antrean.db-wal",
        "antrean.db-shm",
        "audit.key",
    ] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    drop(store);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        dir.join("antrean.db"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let _store = Store::open(&dir, &dir.join("audit.key")).unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("antrean.db")), 0o600);
}
