//! Backup and restore through the real binary: `antrean backup` while
//! clients keep taking tickets holds every ticket acknowledged before it
//! began; `antrean restore` puts it into a new data directory, where a
//! server serves each of them and `antrean audit verify` passes. An
//! existing file is not overwritten, a corrupt copy is refused, and so is a
//! data directory that has a database, or a server.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Client, Server, BIN};
use serde_json::json;

/// `antrean` on `config` and `data`.
fn antrean(config: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--config")
        .arg(config)
        .arg("--data")
        .arg(data)
        .args(args)
        .env("ANTREAN_LOG", "warn")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A new server's directories as an operator makes them before `antrean
/// restore`: the same configuration, and the key files kept apart from the
/// backup, in `root`.
fn new_server_dirs(old: &Server, root: &Path) -> (PathBuf, PathBuf) {
    let (config, data) = (root.join("config"), root.join("data"));
    std::fs::create_dir_all(config.join("offices")).unwrap();
    std::fs::copy(old.config.join("antrean.toml"), config.join("antrean.toml")).unwrap();
    for entry in std::fs::read_dir(old.config.join("offices")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            config.join("offices").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    std::fs::create_dir_all(&data).unwrap();
    for key in ["audit.key", "checkpoint.key", "checkpoint.key.pub"] {
        std::fs::copy(old.data.join(key), data.join(key)).unwrap();
    }
    (config, data)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_holds_every_acknowledged_ticket_and_restores() {
    let server = Server::start();
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("cadangan.db");
    // (acknowledged at, code, number)
    let acked: Arc<Mutex<Vec<(Instant, String, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for i in 0..6 {
        let (c, acked, stop) = (
            Client::new(&server.base),
            Arc::clone(&acked),
            Arc::clone(&stop),
        );
        clients.push(tokio::spawn(async move {
            let url = format!("{}/api/v1/offices/alpha/tickets", c.base());
            let service = if i % 2 == 0 { "ktp" } else { "kk" };
            while !stop.load(Ordering::Relaxed) {
                let r = c
                    .http
                    .post(&url)
                    .json(&json!({"service": service}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
                let t: serde_json::Value = r.json().await.unwrap();
                acked.lock().unwrap().push((
                    Instant::now(),
                    t["code"].as_str().unwrap().into(),
                    t["number"].as_str().unwrap().into(),
                ));
            }
        }));
    }
    let count = || acked.lock().unwrap().len();
    while count() < 200 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let started = Instant::now();
    let out = tokio::task::block_in_place(|| server.cli(&["backup", file.to_str().unwrap()], None));
    let finished = Instant::now();
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("verified"), "{text}");
    assert!(text.contains("NOT in the backup"), "{text}");
    assert!(
        text.contains(&server.data.join("audit.key").display().to_string()),
        "{text}"
    );
    assert_eq!(mode(&file), 0o600);
    // Issuing goes on after the backup, then stops.
    let after = count();
    while count() < after + 100 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let before: Vec<_> = acked.iter().filter(|(at, ..)| *at < started).collect();
    let during = acked
        .iter()
        .filter(|(at, ..)| (started..finished).contains(at))
        .count();
    assert!(before.len() >= 200);
    assert!(during > 0, "the server kept answering while the backup ran");

    let root = tempfile::tempdir().unwrap();
    let (config, data) = new_server_dirs(&server, root.path());
    let out = antrean(&config, &data, &["restore", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("audit verify"), "{text}");
    assert_eq!(mode(&data.join("antrean.db")), 0o600);
    drop(server);

    let mut restored = Server::start_on(root, config, data);
    let citizen = Client::new(&restored.base);
    for (_, code, number) in &before {
        let (s, t) = citizen.get(&format!("/api/v1/tickets/{code}")).await;
        assert_eq!(
            s, 200,
            "ticket {number}, acknowledged before the backup, is missing"
        );
        assert_eq!(t["number"].as_str(), Some(number.as_str()));
    }
    restored.sigkill();
    let out = restored.cli(&["audit", "verify"], None);
    assert!(out.status.success(), "{}", stdout(&out));
}

/// A server with `n` tickets, and a verified backup of it in `dir`.
async fn backed_up(n: usize, dir: &Path) -> (Server, PathBuf) {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    for _ in 0..n {
        citizen.issue("alpha", "ktp").await;
    }
    let file = dir.join("cadangan.db");
    let out = server.cli(&["backup", file.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", stdout(&out));
    (server, file)
}

#[tokio::test]
async fn an_existing_file_is_kept_and_a_corrupt_copy_is_refused() {
    let backups = tempfile::tempdir().unwrap();
    let (server, file) = backed_up(100, backups.path()).await;
    let good = std::fs::read(&file).unwrap();

    std::fs::write(&file, b"the backup of last week").unwrap();
    let out = server.cli(&["backup", file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("already exists"), "{}", stdout(&out));
    assert_eq!(std::fs::read(&file).unwrap(), b"the backup of last week");
    let out = server.cli(&["backup", "--force", file.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(mode(&file), 0o600);

    // Bytes flipped across a page boundary in the middle of the file.
    let page = 4096;
    assert!(good.len() >= 8 * page, "{} bytes", good.len());
    let mut bad = good.clone();
    let middle = good.len() / 2 / page * page - page / 2;
    for b in &mut bad[middle..middle + page] {
        *b ^= 0xFF;
    }
    let corrupt = backups.path().join("rusak.db");
    std::fs::write(&corrupt, &bad).unwrap();

    let root = tempfile::tempdir().unwrap();
    let (config, data) = new_server_dirs(&server, root.path());
    let out = antrean(&config, &data, &["restore", corrupt.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("does not verify"), "{text}");
    let left: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".db"))
        .collect();
    assert!(left.is_empty(), "nothing is left behind: {left:?}");

    // The same copy as a data directory's database fails the audit check.
    let corrupt_data = root.path().join("corrupt");
    std::fs::create_dir(&corrupt_data).unwrap();
    for key in ["audit.key", "checkpoint.key", "checkpoint.key.pub"] {
        std::fs::copy(data.join(key), corrupt_data.join(key)).unwrap();
    }
    std::fs::write(corrupt_data.join("antrean.db"), &bad).unwrap();
    let out = antrean(&config, &corrupt_data, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));

    // Without the audit key, or with another, the good copy is refused too.
    let key = data.join("audit.key");
    std::fs::remove_file(&key).unwrap();
    let out = antrean(&config, &data, &["restore", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("audit.key is missing"), "{text}");
    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = antrean(&config, &data, &["restore", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("is not the key"), "{text}");
    assert!(!data.join("antrean.db").exists());
}

#[tokio::test]
async fn restore_refuses_a_data_directory_with_a_database_or_a_server() {
    let backups = tempfile::tempdir().unwrap();
    let (mut server, file) = backed_up(5, backups.path()).await;
    let out = server.cli(&["restore", file.to_str().unwrap()], None);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("stop it first"), "{text}");

    server.sigkill();
    let db = server.data.join("antrean.db");
    let before = std::fs::read(&db).unwrap();
    let out = server.cli(&["restore", file.to_str().unwrap()], None);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("move it away first"), "{text}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is untouched"
    );
}
