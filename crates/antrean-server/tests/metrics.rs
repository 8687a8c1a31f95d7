//! Running it as a service: `/healthz` and `/readyz` for a load balancer
//! or systemd, `/metrics` for Prometheus (read back with another crate's
//! parser of the text format, and compared with what was done), who may
//! read the metrics, and the log: JSON lines with each request's id,
//! nothing personal in them.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Client, Server};
use prometheus_parse::{Scrape, Value};
use serde_json::json;

/// `/metrics` read and parsed, as Prometheus would.
async fn scrape(c: &Client) -> Scrape {
    let r = c
        .http
        .get(format!("{}/metrics", c.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let text = r.text().await.unwrap();
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).unwrap()
}

/// The value of the sample `name` whose labels include `labels`: a
/// counter's or gauge's value, a histogram's count.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    let found: Vec<f64> = scrape
        .samples
        .iter()
        .filter(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => {
                buckets
                    .iter()
                    .find(|b| b.less_than.is_infinite())
                    .unwrap()
                    .count
            }
            Value::Summary(_) => panic!("no summaries here"),
        })
        .collect();
    assert_eq!(found.len(), 1, "one {name} {labels:?}: {found:?}");
    found[0]
}

/// Polls `/readyz` until it answers `status`, for at most `within`.
async fn readyz_turns(c: &Client, status: u16, within: Duration) -> serde_json::Value {
    let since = Instant::now();
    loop {
        let (s, body) = c.get("/readyz").await;
        if s == status {
            return body;
        }
        assert!(
            since.elapsed() < within,
            "/readyz still {s} after {within:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_metrics_count_what_was_done() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let clerk = server.staff("budi", "clerk", Some("alpha")).await;
    for service in ["ktp", "ktp", "kk", "ktp", "kk"] {
        citizen.issue("alpha", service).await;
    }
    assert_eq!(clerk.act("alpha", "1", "open").await.0, 200);
    let mut served: HashMap<String, f64> = HashMap::new();
    for _ in 0..3 {
        let (s, called) = clerk.act("alpha", "1", "call-next").await;
        assert_eq!(s, 200, "{called}");
        // A recall is no second wait.
        assert_eq!(clerk.act("alpha", "1", "recall").await.0, 200);
        assert_eq!(clerk.act("alpha", "1", "start").await.0, 200);
        assert_eq!(clerk.act("alpha", "1", "finish").await.0, 200);
        *served
            .entry(called["service"].as_str().unwrap().to_owned())
            .or_default() += 1.0;
    }
    let mut display = common::connect(&server.ws("/api/v1/offices/alpha/live")).await;
    assert_eq!(common::next_msg(&mut display).await["type"], "snapshot");

    let m = scrape(&citizen).await;
    // Every family says what it is.
    for s in &m.samples {
        let family = ["_count", "_sum"]
            .iter()
            .find_map(|end| s.metric.strip_suffix(end))
            .filter(|base| m.docs.contains_key(*base))
            .unwrap_or(&s.metric);
        assert!(m.docs.contains_key(family), "{} has no HELP", s.metric);
    }
    let alpha = |service| [("office", "alpha"), ("service", service)];
    assert_eq!(
        value(&m, "antrean_tickets_issued_total", &alpha("ktp")),
        3.0
    );
    assert_eq!(value(&m, "antrean_tickets_issued_total", &alpha("kk")), 2.0);
    // Beta's services are there before their first ticket, at zero.
    let beta_ktp = [("office", "beta"), ("service", "ktp")];
    assert_eq!(value(&m, "antrean_tickets_issued_total", &beta_ktp), 0.0);
    for service in ["ktp", "kk"] {
        let n = served.get(service).copied().unwrap_or(0.0);
        assert_eq!(
            value(&m, "antrean_tickets_served_total", &alpha(service)),
            n
        );
        // One wait per call, none per recall.
        assert_eq!(value(&m, "antrean_ticket_wait_seconds", &alpha(service)), n);
    }
    let live = |kind| value(&m, "antrean_live_connections", &[("kind", kind)]);
    assert_eq!((live("office"), live("ticket")), (1.0, 0.0));
    assert!(value(&m, "antrean_commit_jobs", &[]) > 0.0);
    assert!(value(&m, "antrean_commit_seconds", &[]) > 0.0);
    assert!(value(&m, "antrean_commit_sync_seconds", &[]) > 0.0);
    // A sign-in, five tickets, the counter opened, four actions on each
    // of three tickets; the live stream's 101.
    let answers = |class| value(&m, "antrean_http_responses_total", &[("class", class)]);
    assert_eq!(
        (answers("1xx"), answers("2xx"), answers("4xx")),
        (1.0, 19.0, 0.0)
    );
    assert_eq!(
        value(&m, "antrean_errors_total", &[("kind", "commit")]),
        0.0
    );

    // Errors by their code; the live connection gone, the gauge follows.
    let (s, _) = citizen.get("/api/v1/offices/nowhere").await;
    assert_eq!(s, 404);
    common::close(display).await;
    let since = Instant::now();
    loop {
        let m = scrape(&citizen).await;
        let codes = [("code", "unknown_office")];
        assert_eq!(value(&m, "antrean_http_errors_total", &codes), 1.0);
        if value(&m, "antrean_live_connections", &[("kind", "office")]) == 0.0 {
            break;
        }
        assert!(since.elapsed() < Duration::from_secs(10), "still counted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_probes_say_alive_and_ready() {
    let server = Server::start();
    let c = Client::new(&server.base);
    assert_eq!(c.get("/healthz").await, (200, json!("ok")));
    // The offices rebuild themselves after the server answers.
    readyz_turns(&c, 200, Duration::from_secs(10)).await;
    assert_eq!(c.get("/readyz").await.1, json!("ok"));
}

#[tokio::test]
async fn metrics_outside_the_allowed_networks_need_the_token() {
    let token = "satu-dua-tiga-empat-lima";
    let server = Server::start_with(
        &format!("[metrics]\nallow = [\"10.0.0.0/8\"]\ntoken = \"{token}\""),
        "",
    );
    let c = Client::new(&server.base);
    let get = |auth: Option<String>| {
        let mut req = c.http.get(server.url("/metrics"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    for auth in [None, Some("Bearer salah-salah-salah-salah".into())] {
        let r = get(auth).await.unwrap();
        assert_eq!(r.status(), 403);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "forbidden", "{body}");
    }
    let r = get(Some(format!("Bearer {token}"))).await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.contains("# TYPE antrean_tickets_issued_total counter"));
    // The probes stay open.
    assert_eq!(c.get("/healthz").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_while_the_database_takes_no_writes_and_200_again_after() {
    let server = Server::start();
    let c = Client::new(&server.base);
    readyz_turns(&c, 200, Duration::from_secs(10)).await;
    // Another process holds the database's write lock.
    let lock = rusqlite::Connection::open(server.data.join("antrean.db")).unwrap();
    lock.busy_timeout(Duration::from_secs(5)).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (s, body) = c
        .post("/api/v1/offices/alpha/tickets", json!({"service": "ktp"}))
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (503, Some("unavailable")),
        "issued under another's lock: {body}"
    );
    let (s, body) = c.get("/readyz").await;
    assert_eq!(s, 503, "{body}");
    let not_ready = body["not_ready"].to_string();
    assert!(not_ready.contains("database"), "{body}");
    let m = scrape(&c).await;
    assert_eq!(
        value(&m, "antrean_errors_total", &[("kind", "commit")]),
        1.0
    );
    lock.execute_batch("ROLLBACK").unwrap();
    drop(lock);
    readyz_turns(&c, 200, Duration::from_secs(15)).await;
    let t = c.issue("alpha", "ktp").await;
    assert_eq!(t["number"], "A001", "the failed ticket was never issued");
}

#[tokio::test]
async fn the_log_is_json_lines_with_each_requests_id_and_nothing_personal() {
    let mut server = Server::start_as(&[], "[log]\nformat = \"json\"", "", |cmd| {
        // Over `[log] level` (info by default): every request's lines.
        cmd.env("ANTREAN_LOG", "antrean_server=debug,tower_http=debug,warn")
            .stderr(Stdio::piped());
    });
    let stderr = server.child.stderr.take().unwrap();
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let reader = {
        let lines = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                lines.lock().unwrap().push(line.unwrap());
            }
        })
    };
    let citizen = Client::new(&server.base);
    let clerk = server.staff("budi", "clerk", Some("alpha")).await;
    // A client's own request id is not taken: ours is answered.
    let issued = citizen
        .http
        .post(server.url("/api/v1/offices/alpha/tickets"))
        .header("x-request-id", "punya-saya")
        .json(&json!({"service": "ktp", "priority": "elderly"}))
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), 201);
    let id = issued.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(id, "punya-saya");
    let code = issued.json::<serde_json::Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    clerk.act("alpha", "1", "open").await;
    clerk.act("alpha", "1", "call-next").await;
    clerk.act("alpha", "1", "start").await;
    clerk.act("alpha", "1", "finish").await;
    let suggestion = "Ruang tunggu terlalu panas, Bu Sri";
    let (s, _) = citizen
        .post(
            &format!("/api/v1/tickets/{code}/survey"),
            json!({"answers": [4, 4, 4, 4, 4, 4, 4, 4, 4], "suggestion": suggestion}),
        )
        .await;
    assert_eq!(s, 204);
    // Unrouted, with the code in its path.
    assert_eq!(citizen.get(&format!("/t/{code}/lain")).await.0, 404);
    server.sigkill();
    reader.join().unwrap();

    let lines = lines.lock().unwrap();
    let entries: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let of_issue: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| e["span"]["id"] == id.as_str())
        .collect();
    assert!(!of_issue.is_empty(), "no line of request {id}: {lines:#?}");
    for e in of_issue {
        assert_eq!(e["span"]["method"], "POST");
        assert_eq!(e["span"]["route"], "/api/v1/offices/{office}/tickets");
    }
    let text = lines.join("\n");
    for personal in [code.as_str(), suggestion, "elderly"] {
        assert!(!text.contains(personal), "{personal} in the log:\n{text}");
    }
}
