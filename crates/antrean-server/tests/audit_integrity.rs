//! The audit log against someone who can write the database file, through
//! the real binary: tickets are taken over HTTP, the server is stopped, the
//! file is tampered with as an attacker would with `sqlite3`, and
//! `antrean audit verify` must say what was done (exit 1) — a ticket row
//! edited, the chain rewritten with plain SHA-256, the newest events cut off
//! after a checkpoint, a corrupt file. And the files are private.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::Server;
use rusqlite::params;
use sha2::{Digest, Sha256};

/// Takes `n` tickets at office alpha's kiosk.
async fn take(server: &Server, n: usize) {
    let token = server.kiosk_token("alpha", "kiosk-1");
    let http = reqwest::Client::new();
    for _ in 0..n {
        let r = http
            .post(server.url("/api/v1/offices/alpha/tickets"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"service": "ktp", "channel": "kiosk"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
}

/// Waits (10 s at most) for the checkpoint the server writes at its start.
async fn started_checkpoint(server: &Server) {
    let dir = server.data.join("checkpoints");
    for _ in 0..200 {
        let written = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .any(|e| e.file_name().to_string_lossy().ends_with(".json"))
            })
            .unwrap_or(false);
        if written {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no checkpoint in {}", dir.display());
}

/// A server with `n` tickets taken at office alpha, then stopped.
async fn with_tickets(n: usize) -> Server {
    let mut server = Server::start();
    take(&server, n).await;
    started_checkpoint(&server).await;
    server.sigkill();
    server
}

fn db(server: &Server) -> rusqlite::Connection {
    rusqlite::Connection::open(server.data.join("antrean.db")).unwrap()
}

/// `antrean audit verify`: exit code and what it printed.
fn verify(server: &Server) -> (i32, String) {
    let out = server.cli(&["audit", "verify"], None);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Every hash recomputed with plain SHA-256 over the fields the chain
/// covers, as a forger without the key would.
fn rechain_plain(conn: &rusqlite::Connection) {
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
        let mut h = Sha256::new();
        for f in [
            prev.as_str(),
            &office,
            &seq.to_string(),
            &at.to_string(),
            &body,
            actor.as_deref().unwrap_or(""),
        ] {
            h.update((f.len() as u64).to_le_bytes());
            h.update(f.as_bytes());
        }
        let hash = hex::encode(h.finalize());
        conn.execute(
            "UPDATE events SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
            params![id, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

#[tokio::test]
async fn an_untouched_log_verifies() {
    let server = with_tickets(3).await;
    let (code, out) = verify(&server);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("integrity check ok"), "{out}");
    assert!(out.contains("audit log intact"), "{out}");
    assert!(
        out.contains("checkpoints: 1 hold"),
        "the server's own at start: {out}"
    );
    assert!(
        out.contains("the tables are what the events make of them"),
        "{out}"
    );
}

#[tokio::test]
async fn a_ticket_row_edited_by_hand_is_named_by_its_number() {
    let server = with_tickets(3).await;
    db(&server)
        .execute(
            "UPDATE tickets SET status = 'done' WHERE office = 'alpha' AND number = 'A003'",
            [],
        )
        .unwrap();
    let (code, out) = verify(&server);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("audit log intact"),
        "the events are untouched: {out}"
    );
    assert!(
        out.contains("A003 of office alpha")
            && out.contains("status done in the table, waiting by the events"),
        "{out}"
    );
}

#[tokio::test]
async fn newest_events_deleted_and_the_chain_recomputed_with_sha256_do_not_verify() {
    let server = with_tickets(4).await;
    let conn = db(&server);
    conn.execute(
        "DELETE FROM events WHERE id > (SELECT max(id) - 2 FROM events)",
        [],
    )
    .unwrap();
    rechain_plain(&conn);
    let (code, out) = verify(&server);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("audit log BROKEN at event id 1"), "{out}");
    assert!(out.contains("[unkeyed]"), "{out}");
}

#[tokio::test]
async fn cutting_off_the_newest_events_is_found_against_the_last_checkpoint() {
    let server = with_tickets(4).await;
    let out = server.cli(&["audit", "checkpoint"], None);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("checkpoint of"));
    // A thief cuts off the last two tickets' events and their rows: what
    // is left is a shorter chain that verifies, with tables to match.
    let conn = db(&server);
    conn.execute_batch(
        "DELETE FROM events WHERE id > (SELECT max(id) - 2 FROM events);
         DELETE FROM tickets WHERE number IN ('A003', 'A004');
         UPDATE service_days SET total = 2, next_seq = 3 WHERE office = 'alpha';",
    )
    .unwrap();
    let (code, out) = verify(&server);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("audit log intact"),
        "the chain alone cannot tell: {out}"
    );
    assert!(out.contains("the log was cut off"), "{out}");
    assert!(out.contains("[truncated]"), "{out}");

    // Its public key alone checks it; another key does not.
    let public = server.cli(&["audit", "public-key"], None);
    let public = String::from_utf8(public.stdout).unwrap();
    assert_eq!(public.trim().len(), 64, "{public}");
    let other = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    let out = server.cli(&["audit", "verify", "--public-key", other], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("[bad_signature]"), "{text}");
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_its_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let server = Server::start();
    take(&server, 1).await;
    started_checkpoint(&server).await;
    assert_eq!(mode(&server.data), 0o700);
    for f in [
        "antrean.db",
        "antrean.db-wal",
        "antrean.db-shm",
        "audit.key",
        "checkpoint.key",
    ] {
        assert_eq!(mode(&server.data.join(f)), 0o600, "{f}");
    }
    let mut server = server;
    server.sigkill();
    std::fs::set_permissions(&server.data, std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in ["antrean.db", "audit.key"] {
        std::fs::set_permissions(server.data.join(f), std::fs::Permissions::from_mode(0o644))
            .unwrap();
    }
    server.restart();
    assert_eq!(mode(&server.data), 0o700, "put right at start");
    assert_eq!(mode(&server.data.join("antrean.db")), 0o600);
    assert_eq!(mode(&server.data.join("audit.key")), 0o600);
}

#[tokio::test]
async fn a_corrupt_file_fails_the_integrity_check() {
    let server = with_tickets(30).await;
    {
        let conn = db(&server);
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    let path = server.data.join("antrean.db");
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    assert!(bytes.len() > 4 * page, "{} bytes", bytes.len());
    // Pages after the first (the header) overwritten with garbage.
    for b in &mut bytes[page + 16..3 * page] {
        *b = 0xA5;
    }
    std::fs::write(&path, bytes).unwrap();
    let (code, out) = verify(&server);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("CORRUPT"), "{out}");
}
