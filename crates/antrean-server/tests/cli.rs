//! The `antrean` command as an operator uses it: graceful shutdown, a bad
//! configuration refused with a clear message, users and the audit log.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::{connect, Server, BIN};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn sigterm_closes_live_clients_and_exits_cleanly() {
    let mut server = Server::start();
    let mut ws = connect(&server.ws("/api/v1/offices/alpha/live")).await;
    common::next_msg(&mut ws).await;
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    // The live client is told goodbye with a close frame.
    let closed = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some(msg) = ws.next().await {
            if let Ok(Message::Close(frame)) = msg {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await
    .unwrap();
    assert_eq!(closed, Some(1001), "going away");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

/// What `antrean serve` prints at start, up to a second of quiet after it
/// names its data directory; the server is stopped after.
fn start_up_output(config: &std::path::Path, data: &std::path::Path, listen: &str) -> String {
    use std::io::BufRead;
    let mut child = common::serve_command(&[], config, data, listen)
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut out = Vec::new();
    let mut after_data = false;
    loop {
        let wait = if after_data { 1 } else { 30 };
        match rx.recv_timeout(std::time::Duration::from_secs(wait)) {
            Ok(line) => {
                after_data |= line.trim_start().starts_with("data ");
                out.push(line);
            }
            Err(_) => break,
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(after_data, "{out:?}");
    out.join("\n")
}

#[test]
fn the_start_up_output_lists_the_screens_and_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let data = dir.path().join("data");
    common::write_config(&config, "");
    let main = config.join("antrean.toml");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replace("http://antrean.test", "http://localhost:8080"),
    )
    .unwrap();

    // Listening for the LAN, with a loopback address to print in QR codes,
    // and nobody to sign in yet.
    let out = start_up_output(&config, &data, "0.0.0.0:0");
    for screen in [
        "/o/alpha",
        "/kiosk/alpha",
        "/display/alpha",
        "/counter/alpha",
        "/desk/alpha",
        "/admin",
    ] {
        assert!(out.contains(screen), "{screen}: {out}");
    }
    assert!(out.contains("No staff account yet"), "{out}");
    assert!(out.contains("antrean user add NAME --role admin"), "{out}");
    assert!(
        out.contains("WARNING: public_base_url is http://localhost:8080")
            && out.contains("leads phones nowhere"),
        "{out}"
    );

    // With an account, and listening on loopback only: nothing to say.
    let added = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .arg("--data")
        .arg(&data)
        .args(["user", "add", "kepala", "--role", "admin"])
        .env("ANTREAN_PASSWORD", "kata-sandi-rahasia")
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let out = start_up_output(&config, &data, "127.0.0.1:0");
    assert!(out.contains("/admin"), "{out}");
    assert!(
        !out.contains("No staff account") && !out.contains("WARNING"),
        "{out}"
    );
}

#[test]
fn a_bad_configuration_stops_the_start_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    common::write_config(dir.path(), "");
    let office = dir.path().join("offices/alpha.toml");
    let text = std::fs::read_to_string(&office).unwrap();
    std::fs::write(&office, text.replace("Asia/Jakarta", "Asia/Nowhere")).unwrap();
    let out = Command::new(BIN)
        .arg("--config")
        .arg(dir.path())
        .arg("--data")
        .arg(dir.path().join("data"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("alpha.toml") && err.contains("time_zone") && err.contains("Asia/Nowhere"),
        "{err}"
    );
}

#[test]
fn users_need_a_real_password_and_an_office() {
    let server = Server::start();
    let out = server.cli(
        &["user", "add", "ani", "--role", "clerk"],
        Some("kata-sandi-rahasia"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--office"));
    let out = server.cli(
        &["user", "add", "ani", "--role", "clerk", "--office", "alpha"],
        Some("short"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("10 characters"));
    let out = server.cli(
        &["user", "add", "ani", "--role", "clerk", "--office", "gamma"],
        Some("kata-sandi-rahasia"),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown office"));
    // From stdin when the variable is not set.
    let mut child = Command::new(BIN)
        .arg("--config")
        .arg(&server.config)
        .arg("--data")
        .arg(&server.data)
        .args([
            "user",
            "add",
            "ani",
            "--role",
            "supervisor",
            "--office",
            "alpha",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"kata-sandi-rahasia\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let again = server.cli(
        &["user", "add", "ani", "--role", "clerk", "--office", "alpha"],
        Some("kata-sandi-rahasia"),
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let out = server.cli(&["audit", "verify"], None);
    assert!(out.status.success());
}
