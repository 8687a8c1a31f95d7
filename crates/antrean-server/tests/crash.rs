//! Durability: a 2xx means on disk. The server is SIGKILLed while clients
//! issue tickets; after a restart every acknowledged ticket is there,
//! numbering and seq continue without repeat or gap, and the audit log
//! verifies, until someone edits a row. A database that cannot be
//! written is refused at start.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use common::{Client, Server};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_acknowledged_before_a_kill_survive_it() {
    let mut server = Server::start();
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut clients = Vec::new();
    for i in 0..8 {
        let c = Client::new(&server.base);
        let acked = Arc::clone(&acked);
        clients.push(tokio::spawn(async move {
            let service = if i % 2 == 0 { "ktp" } else { "kk" };
            loop {
                let r = c
                    .http
                    .post(format!("{}/api/v1/offices/alpha/tickets", c_base(&c)))
                    .json(&json!({"service": service}))
                    .send()
                    .await;
                let Ok(r) = r else { return };
                if r.status() != 201 {
                    return;
                }
                let Ok(t) = r.json::<serde_json::Value>().await else {
                    return;
                };
                acked.lock().unwrap().push((
                    t["code"].as_str().unwrap().into(),
                    t["number"].as_str().unwrap().into(),
                ));
            }
        }));
    }
    // Let the load run until plenty are acknowledged, then kill -9.
    while acked.lock().unwrap().len() < 300 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    server.sigkill();
    for c in clients {
        c.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();

    server.restart();
    let citizen = Client::new(&server.base);
    for (code, number) in &acked {
        let (s, t) = citizen.get(&format!("/api/v1/tickets/{code}")).await;
        assert_eq!(s, 200, "acknowledged ticket {number} lost");
        assert_eq!(t["number"].as_str(), Some(number.as_str()));
    }
    // Numbering continues with no repeat.
    let mut numbers: HashSet<String> = acked.iter().map(|(_, n)| n.clone()).collect();
    for _ in 0..10 {
        let t = citizen.issue("alpha", "ktp").await;
        assert!(
            numbers.insert(t["number"].as_str().unwrap().to_owned()),
            "number {} repeated after restart",
            t["number"]
        );
    }
    // The seq continues with no gap: a fresh stream starts at the snapshot's
    // seq and the next event is seq + 1.
    let mut ws = common::connect(&server.ws("/api/v1/offices/alpha/live")).await;
    let snap = common::next_msg(&mut ws).await;
    let seq = snap["seq"].as_u64().unwrap();
    assert!(seq as usize >= acked.len() + 10);
    citizen.issue("alpha", "kk").await;
    assert_eq!(
        common::next_msg(&mut ws).await["seq"].as_u64(),
        Some(seq + 1)
    );
    common::close(ws).await;

    server.sigkill();
    let out = server.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Editing one event row is detected.
    let db = server.data.join("antrean.db");
    let edit = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg("UPDATE events SET body = replace(body, '\"waiting\"', '\"done\"') WHERE office = 'alpha' AND seq = 5")
        .output()
        .expect("sqlite3 is installed (Debian package sqlite3; tests/run installs it)");
    assert!(
        edit.status.success(),
        "{}",
        String::from_utf8_lossy(&edit.stderr)
    );
    let out = server.cli(&["audit", "verify"], None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("BROKEN"));
}

fn c_base(c: &Client) -> String {
    c.base().to_owned()
}

/// `antrean serve` on the data of `server` (stopped), until it exits:
/// its exit status and what it said on stderr. Killed, and the test
/// failed, when it still runs after 30 s.
fn serve_until_exit(server: &Server) -> (std::process::ExitStatus, String) {
    let mut child = common::serve_command(&[], &server.config, &server.data, "127.0.0.1:0")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the server started on a database it cannot write");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
    (status, said)
}

/// A database that cannot be written is found at start, and said, rather
/// than served read-only with every change refused.
#[test]
fn start_is_refused_on_a_database_that_cannot_be_written() {
    let mut server = Server::start();
    server.sigkill();
    let db = server.data.join("antrean.db");

    // Locked by another program for longer than the busy timeout.
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (status, said) = serve_until_exit(&server);
    assert!(!status.success());
    assert!(
        said.contains("cannot be written") && said.contains("locked"),
        "{said}"
    );
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);

    // Immutable (chattr +i: even root cannot write it).
    let chattr = |flag: &str| {
        let out = std::process::Command::new("chattr")
            .arg(flag)
            .arg(&db)
            .output()
            .expect("chattr (e2fsprogs) runs");
        assert!(
            out.status.success(),
            "chattr {flag}: {} (the test needs root on a file system with attributes)",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    chattr("+i");
    let (status, said) = serve_until_exit(&server);
    chattr("-i");
    assert!(!status.success());
    assert!(said.contains("cannot be written"), "{said}");

    // Writable again: it starts.
    server.restart();
    let (s, _) = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(Client::new(&server.base).get("/api/v1/offices/alpha"));
    assert_eq!(s, 200);
}

/// While another program holds the database's write lock, changes wait and
/// fail, but reads are answered at once from the office's memory: the
/// office, a ticket, a new live connection's snapshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_answered_while_writes_fail() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let mine = citizen.issue("alpha", "ktp").await;
    let code = mine["code"].as_str().unwrap().to_owned();
    let other = rusqlite::Connection::open(server.data.join("antrean.db")).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    // Writes in flight the whole time: each waits the busy timeout, fails.
    let writer = Client::new(&server.base);
    let writes = tokio::spawn(async move {
        let mut refused = 0;
        for _ in 0..3 {
            let (s, _) = writer
                .post("/api/v1/offices/alpha/tickets", json!({"service": "kk"}))
                .await;
            assert_ne!(s, 201, "a ticket acknowledged while the database is locked");
            refused += 1;
        }
        refused
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let quick = std::time::Duration::from_secs(2);
    for round in 0..10 {
        let (s, office) = tokio::time::timeout(quick, citizen.get("/api/v1/offices/alpha"))
            .await
            .unwrap_or_else(|_| panic!("round {round}: the office took over 2 s"));
        assert_eq!(s, 200, "round {round}: {office}");
        let (s, ticket) =
            tokio::time::timeout(quick, citizen.get(&format!("/api/v1/tickets/{code}")))
                .await
                .unwrap_or_else(|_| panic!("round {round}: the ticket took over 2 s"));
        assert_eq!(
            (s, &ticket["number"]),
            (200, &mine["number"]),
            "round {round}"
        );
        let snapshot = tokio::time::timeout(quick, async {
            let mut ws = common::connect(&server.ws("/api/v1/offices/alpha/live")).await;
            common::next_msg(&mut ws).await
        })
        .await
        .unwrap_or_else(|_| panic!("round {round}: the snapshot took over 2 s"));
        assert_eq!(snapshot["type"], "snapshot", "round {round}");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(writes.await.unwrap(), 3);
    // The lock gone, changes are taken again once the writer has tried
    // (every second).
    let mut status = 0;
    for _ in 0..50 {
        status = citizen
            .post("/api/v1/offices/alpha/tickets", json!({"service": "kk"}))
            .await
            .0;
        if status == 201 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 201, "changes taken again after the lock");
}
