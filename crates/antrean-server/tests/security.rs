//! Attacks from outside, on real sockets from several loopback addresses:
//! holding connections, guessing passwords, changes from another site,
//! forged proxy headers; and the server's own bounds: security headers,
//! TLS with a certificate reloaded on SIGHUP, a graceful SIGTERM.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Client, Server};
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const PASSWORD: &str = "kata-sandi-rahasia";

fn addr(server: &Server) -> SocketAddr {
    let base = server.base.trim_start_matches("http://");
    base.trim_start_matches("https://").parse().unwrap()
}

/// A TCP connection to the server from a loopback address of our choice.
async fn tcp_from(local: &str, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(local.parse().unwrap(), 0))?;
    socket.connect(to).await
}

/// An HTTP client whose connections come from `local`.
fn client_from(server: &Server, local: &str) -> Client {
    let mut c = Client::new(&server.base);
    c.http = reqwest::Client::builder()
        .cookie_store(true)
        .local_address(local.parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    c
}

/// Sends a whole request on a fresh connection and reads the answer to the
/// end (the request asks to close).
async fn exchange(local: &str, to: SocketAddr, request: &str) -> String {
    let mut tcp = tcp_from(local, to).await.unwrap();
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut out))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

async fn sign_in(c: &Client, name: &str, password: &str) -> (u16, Value) {
    c.post(
        "/api/v1/session",
        json!({"username": name, "password": password}),
    )
    .await
}

/// The audit log's account entries of one kind, newest first.
async fn account_entries(admin: &Client, kind: &str) -> Vec<Value> {
    let (status, page) = admin
        .get(&format!("/api/v1/audit?kind={kind}&limit=50"))
        .await;
    assert_eq!(status, 200, "{page}");
    page["entries"].as_array().unwrap().clone()
}

/// The server under a limit of 1,024 open files (896 connection places),
/// closing requests whose headers take longer than `header_read_timeout_s`.
/// Our own side may hold more.
fn at_file_limit(header_read_timeout_s: u64) -> Server {
    rlimit::increase_nofile_limit(8192).unwrap();
    Server::start_under(
        &["prlimit", "--nofile=1024:1024"],
        &format!("header_read_timeout_s = {header_read_timeout_s}"),
        "",
    )
}

/// `n` connections from `local`, each with a request whose headers never end.
async fn half_sent(local: &str, to: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut held = Vec::with_capacity(n);
    for _ in 0..n {
        let mut tcp = tcp_from(local, to)
            .await
            .unwrap_or_else(|e| panic!("connecting: {e}"));
        let _ = tcp
            .write_all(b"GET /api/v1/offices HTTP/1.1\r\nHost: x\r\nX-Slow: 1")
            .await;
        held.push(tcp);
    }
    held
}

/// How many of `held` the server has already closed.
async fn closed_at_once(held: &mut [TcpStream]) -> usize {
    let mut closed = 0;
    for tcp in held {
        let mut byte = [0u8; 1];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_millis(2), tcp.read(&mut byte)).await
        {
            closed += 1;
        }
    }
    closed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_file_limit_new_connections_are_refused_at_once() {
    let server = at_file_limit(60);
    let to = addr(&server);
    // Four addresses, each under its own cap (half the server's places),
    // together holding more connections than the file limit allows
    // (1,024 files, of which 896 for connections).
    let mut held = Vec::new();
    for from in ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"] {
        held.extend(half_sent(from, to, 300).await);
    }
    let refused = closed_at_once(&mut held).await;
    assert!(
        (300..=310).contains(&refused),
        "{refused} of 1,200 closed at once; 896 places"
    );
    // Anyone else is refused at once too, not left waiting for a place.
    let other = client_from(&server, "127.0.0.6");
    let started = Instant::now();
    let offices = || {
        other
            .http
            .get(format!("{}/api/v1/offices", server.base))
            .timeout(Duration::from_secs(10))
            .send()
    };
    let answer = offices().await;
    assert!(answer.is_err(), "{answer:?}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "refused after {:?}",
        started.elapsed()
    );
    // Places come back as connections close.
    drop(held);
    let started = Instant::now();
    loop {
        if offices().await.is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "still refused");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_holding_many_half_sent_requests_leaves_the_server_reachable() {
    let server = at_file_limit(6);
    let to = addr(&server);
    // 1,100 requests from 127.0.0.2 whose headers never end.
    let mut held = half_sent("127.0.0.2", to, 1100).await;
    // Another address is answered at once.
    let other = client_from(&server, "127.0.0.3");
    let started = Instant::now();
    let (status, offices) = other.get("/api/v1/offices").await;
    assert_eq!(status, 200, "{offices}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // Beyond its cap, the attacker's connections were closed at once, not
    // left hanging; the rest close when their headers are late.
    let closed_at_once = closed_at_once(&mut held).await;
    assert!(
        closed_at_once >= 500,
        "{closed_at_once} of 1100 refused at once"
    );
    assert!(closed_at_once < 1100, "some were served up to the cap");
    tokio::time::sleep(Duration::from_secs(6)).await;
    for tcp in &mut held {
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut buf))
            .await
            .expect("closed after the header-read timeout")
            .unwrap_or(0);
        // Closed: hyper 1 sends nothing to headers that never came.
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{text}");
    }
    drop(held);
    let (status, _) = client_from(&server, "127.0.0.2")
        .get("/api/v1/offices")
        .await;
    assert_eq!(status, 200, "the address is served again once it lets go");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_answers_what_is_in_flight_closes_the_rest_and_exits() {
    let server = Server::start();
    let to = addr(&server);
    // An idle keep-alive connection, a live stream, a request half-sent.
    let mut idle = tcp_from("127.0.0.2", to).await.unwrap();
    idle.write_all(b"GET /api/v1/offices HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 65536];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let mut live = common::connect(&server.ws("/api/v1/offices/alpha/live")).await;
    let _snapshot = common::next_msg(&mut live).await;
    let body = r#"{"username":"nobody","password":"x"}"#;
    let mut busy = tcp_from("127.0.0.3", to).await.unwrap();
    let head = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    busy.write_all(head.as_bytes()).await.unwrap();
    busy.write_all(&body.as_bytes()[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The request in flight is answered.
    busy.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), busy.read_to_end(&mut answer))
        .await
        .expect("answered and closed")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    // The live stream gets its close frame.
    let frame = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match live.next().await {
                Some(Ok(tokio_tungstenite::tungstenite::Message::Close(c))) => return Some(c),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("the stream ends");
    assert!(frame.is_some(), "a close frame, not a dropped socket");
    // The idle connection is closed.
    let n = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf))
        .await
        .expect("closed")
        .unwrap_or(0);
    assert_eq!(n, 0);
    // And the process is gone, cleanly, within a few seconds.
    let mut server = server;
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(6), "still running");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
}

/// Sends 30 wrong sign-ins at once, as `name(i)`; checks that only `free`
/// tries were checked, and no more than a slow series would have had in the
/// same time (one more after 1 s, another 2 s later ...). Answers how many
/// were checked.
async fn burst(c: &Arc<Client>, name: impl Fn(usize) -> String, free: usize) -> usize {
    let started = Instant::now();
    let guesses: Vec<_> = (0..30)
        .map(|i| {
            let (c, name) = (Arc::clone(c), name(i));
            tokio::spawn(async move { sign_in(&c, &name, &format!("tebakan-{i}")).await.0 })
        })
        .collect();
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.unwrap());
    }
    let took = started.elapsed().as_secs_f64();
    let tried = statuses.iter().filter(|s| **s == 401).count();
    let delayed = statuses.iter().filter(|s| **s == 429).count();
    let slow_series = free + (took + 1.0).log2().floor() as usize;
    assert!(
        (free..=slow_series).contains(&tried) && tried + delayed == 30,
        "{tried} tried in {took:.1} s (a slow series: {slow_series}): {statuses:?}"
    );
    tried
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_takes_only_its_share_of_a_services_online_quota() {
    let mut server = Server::start();
    // 1 % of kk's online quota of 2,000: 20 a day from one address.
    let main = server.config.join("antrean.toml");
    let text = std::fs::read_to_string(&main).unwrap();
    let text = text.replace(
        "online_share_per_ip_percent = 100",
        "online_share_per_ip_percent = 1",
    );
    std::fs::write(&main, text).unwrap();
    server.restart();
    let script = client_from(&server, "127.0.0.2");
    // Sent together: none of them may slip past the share.
    let tries: Vec<_> = (0..30)
        .map(|_| {
            let c = script.clone();
            tokio::spawn(async move {
                c.post("/api/v1/offices/alpha/tickets", json!({"service": "kk"}))
                    .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tries {
        let (status, body) = t.await.unwrap();
        if status == 422 {
            assert_eq!(body["error"]["code"], "online_share_used", "{body}");
        }
        statuses.push(status);
    }
    let issued = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(issued, 20, "{statuses:?}");
    // Another address, and another service, have their own.
    let citizen = client_from(&server, "127.0.0.3");
    citizen.issue("alpha", "kk").await;
    script.issue("alpha", "ktp").await;
    // The kiosk is no address's: it still issues.
    let kiosk = server.kiosk_token("alpha", "kios-1");
    let r = script
        .http
        .post(server.url("/api/v1/offices/alpha/tickets"))
        .bearer_auth(&kiosk)
        .json(&json!({"service": "kk", "channel": "kiosk"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_arrives_is_cut_off() {
    let server = Server::start_with("request_timeout_s = 2", "");
    let mut tcp = tcp_from("127.0.0.2", addr(&server)).await.unwrap();
    tcp.write_all(
        b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(8), tcp.read_to_end(&mut answer))
        .await
        .expect("answered and closed")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_a_clerks_password_elsewhere_does_not_lock_the_clerk_out() {
    let server = Server::start();
    server.add_user("siti", "clerk", Some("alpha"));
    server.add_user("kepala", "admin", None);
    // A burst of 30 simultaneous guesses from 127.0.0.2 gets the free
    // tries (5) and no more than a slow series in the same time would:
    // each was counted before its password was checked.
    let attacker = Arc::new(client_from(&server, "127.0.0.2"));
    let tried = burst(&attacker, |_| "siti".into(), 5).await;
    // The clerk at their counter signs in at once.
    let clerk = client_from(&server, "127.0.0.3");
    let (status, body) = sign_in(&clerk, "siti", PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    // One address guessing many names is delayed too (4 × 5 tries).
    let sprayer = Arc::new(client_from(&server, "127.0.0.4"));
    let sprayed_tries = burst(&sprayer, |i| format!("user{i}"), 20).await;
    // Every try is in the audit log with its address, and no password is.
    let admin = client_from(&server, "127.0.0.5");
    assert_eq!(sign_in(&admin, "kepala", PASSWORD).await.0, 200);
    let failed = account_entries(&admin, "sign_in_failed").await;
    let at_2: Vec<_> = failed
        .iter()
        .filter(|e| e["details"]["address"] == "127.0.0.2")
        .collect();
    assert_eq!(at_2.len(), tried, "{failed:?}");
    assert!(at_2.iter().all(|e| e["details"]["user"] == "siti"));
    // A name nobody has is not kept: it is often a password typed there.
    let sprayed = failed
        .iter()
        .filter(|e| e["details"]["address"] == "127.0.0.4")
        .collect::<Vec<_>>();
    assert_eq!(sprayed.len(), sprayed_tries);
    assert!(
        sprayed.iter().all(|e| e["details"]["user"].is_null()),
        "{sprayed:?}"
    );
    let signed_in = account_entries(&admin, "signed_in").await;
    assert!(signed_in
        .iter()
        .any(|e| e["actor"] == "user:siti" && e["details"]["address"] == "127.0.0.3"));
    assert_eq!(clerk.delete("/api/v1/session").await.0, 204);
    let out = account_entries(&admin, "signed_out").await;
    assert!(out.iter().any(|e| e["actor"] == "user:siti"), "{out:?}");
    let csv = admin
        .http
        .get(server.url("/api/v1/audit.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !csv.contains("tebakan") && !csv.contains(PASSWORD),
        "no password in the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_another_site_or_port_cannot_act_with_the_clerks_cookie() {
    let server = Server::start();
    let clerk = server.staff("budi", "clerk", Some("alpha")).await;
    let open = server.url("/api/v1/offices/alpha/counters/1/open");
    let ours = server.base.clone();
    let other_port = ours
        .rsplit_once(':')
        .map(|(h, _)| format!("{h}:9"))
        .unwrap();
    for (header, value) in [
        ("origin", other_port.as_str()),
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let r = clerk
            .http
            .post(&open)
            .header(header, value)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{header}: {value}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "cross_origin");
    }
    // A form post says nothing, whatever its origin.
    let r = clerk
        .http
        .post(&open)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (_, office) = clerk.get("/api/v1/offices/alpha").await;
    let counter = &office["counters"][0];
    assert_eq!(counter["state"], "closed", "nothing changed: {counter}");
    // Its own pages can.
    let r = clerk
        .http
        .post(&open)
        .header("origin", &ours)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Without the cookie, an anonymous change (an online ticket) needs no
    // origin: there is nothing of anyone's to borrow.
    let r = reqwest::Client::new()
        .post(server.url("/api/v1/offices/alpha/tickets"))
        .header("origin", "https://evil.example")
        .json(&json!({"service": "ktp"}))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers_and_rejections_are_json() {
    let server = Server::start();
    let http = reqwest::Client::new();
    let big = "x".repeat(40_000);
    let cases = [
        (http.get(server.url("/o/alpha")), 200),
        (http.get(server.url("/ui/shared-ui/live.js")), 200),
        (http.get(server.url("/api/v1/offices")), 200),
        (http.get(server.url("/api/v1/nowhere")), 404),
        (http.patch(server.url("/api/v1/offices")), 405),
        (
            http.post(server.url("/api/v1/session"))
                .header("content-type", "application/json")
                .body(big),
            413,
        ),
    ];
    for (req, status) in cases {
        let r = req.send().await.unwrap();
        let url = r.url().to_string();
        assert_eq!(r.status().as_u16(), status, "{url}");
        let h = r.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{url}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{url}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{url}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{url}");
        assert!(h.contains_key("permissions-policy"), "{url}");
        assert!(
            !h.contains_key("strict-transport-security"),
            "{url}: plain HTTP"
        );
        if url.contains("/api/") {
            let body: Value = r.json().await.unwrap();
            if status >= 400 {
                assert!(body["error"]["code"].is_string(), "{url}: {body}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    let server = Server::start_with("trusted_proxies = [\"127.0.0.2\"]", "");
    server.add_user("kepala", "admin", None);
    let to = addr(&server);
    let body = format!(r#"{{"username":"kepala","password":"{PASSWORD}"}}"#);
    let request = |xff: &str, proto: &str| {
        format!(
            "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
Forwarded: for=198.51.100.50;proto=https\r\n\
X-Forwarded-For: {xff}\r\nX-Forwarded-Proto: {proto}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    // Through the proxy: the client's address, and HTTPS as the proxy says.
    let answer = exchange("127.0.0.2", to, &request("1.2.3.4, 203.0.113.7", "https")).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let cookie = answer
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(answer
        .to_ascii_lowercase()
        .contains("strict-transport-security"));
    // From anyone else the headers are ignored.
    let answer = exchange("127.0.0.3", to, &request("203.0.113.8", "https")).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(!answer.contains("; Secure"), "{answer}");
    let admin = Client::new(&server.base);
    assert_eq!(sign_in(&admin, "kepala", PASSWORD).await.0, 200);
    let addresses: Vec<Value> = account_entries(&admin, "signed_in")
        .await
        .iter()
        .map(|e| e["details"]["address"].clone())
        .collect();
    assert!(addresses.contains(&json!("203.0.113.7")), "{addresses:?}");
    assert!(addresses.contains(&json!("127.0.0.3")), "{addresses:?}");
    assert!(!addresses.contains(&json!("203.0.113.8")), "{addresses:?}");
    assert!(!addresses.contains(&json!("1.2.3.4")), "{addresses:?}");
    // A client's own `Forwarded` (which proxies pass through) is never read.
    assert!(
        !addresses.contains(&json!("198.51.100.50")),
        "{addresses:?}"
    );
}

/// A self-signed certificate for `localhost`, as PEM files.
fn certificate(dir: &std::path::Path) -> Vec<u8> {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(dir.join("cert.pem"), cert.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), cert.signing_key.serialize_pem()).unwrap();
    cert.cert.der().to_vec()
}

/// GET over TLS trusting only `trusted`; the answer and the server's
/// certificate.
async fn get_tls(to: SocketAddr, trusted: &[&[u8]], path: &str) -> (String, Vec<u8>) {
    use rustls::pki_types::{CertificateDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    for der in trusted {
        roots.add(CertificateDer::from(der.to_vec())).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = TcpStream::connect(to).await.unwrap();
    let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let seen = tls.get_ref().1.peer_certificates().unwrap()[0].to_vec();
    let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tls.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out).await;
    (String::from_utf8_lossy(&out).into_owned(), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_a_certificate_reloaded_on_sighup() {
    let certs = tempfile::tempdir().unwrap();
    let first = certificate(certs.path());
    let tls = format!(
        "[tls]\ncert_file = \"{}\"\nkey_file = \"{}\"",
        certs.path().join("cert.pem").display(),
        certs.path().join("key.pem").display()
    );
    let server = Server::start_with(&tls, "");
    let to = addr(&server);
    assert!(server.base.starts_with("https://"), "{}", server.base);
    let (answer, seen) = get_tls(to, &[&first], "/api/v1/offices").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer
        .to_ascii_lowercase()
        .contains("strict-transport-security: max-age="));
    assert_eq!(seen, first);
    // A renewed certificate is taken on SIGHUP, without a restart.
    let second = certificate(certs.path());
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap()
        .success());
    let mut seen = Vec::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = get_tls(to, &[&first, &second], "/api/v1/offices").await.1;
        if seen == second {
            break;
        }
    }
    assert_eq!(seen, second);
    // Plain HTTP on the TLS port gets nothing.
    let answer = tokio::time::timeout(
        Duration::from_secs(15),
        exchange("127.0.0.2", to, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
    )
    .await
    .unwrap();
    assert!(!answer.contains("200 OK"), "{answer}");
}
