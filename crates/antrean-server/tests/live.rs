//! The live streams against the real binary: snapshot then gap-free events,
//! resuming with `since`, no personal data on the public stream, the ticket
//! stream, and the ticket stream at midnight.
#![allow(clippy::unwrap_used)]

mod common;

use common::{close, connect, faketime, next_msg, refs, Client, Server};
use serde_json::Value;

#[tokio::test]
async fn office_stream_sends_a_snapshot_then_every_event_in_order() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let clerk = server.staff("ani", "clerk", Some("alpha")).await;
    citizen.issue("alpha", "ktp").await;

    let mut ws = connect(&server.ws("/api/v1/offices/alpha/live")).await;
    let snap = next_msg(&mut ws).await;
    assert_eq!(snap["type"], "snapshot");
    // Event 1 is the office's configuration, seeded from its file.
    assert_eq!(snap["seq"], 2);
    assert_eq!(snap["services"][0]["waiting"], 1);

    let t = citizen.issue("alpha", "ktp").await;
    clerk.act("alpha", "2", "open").await;
    clerk.act("alpha", "2", "call-next").await;
    let mut seq = 2;
    let mut kinds = Vec::new();
    for _ in 0..4 {
        let m = next_msg(&mut ws).await;
        assert_eq!(m["type"], "event");
        seq += 1;
        assert_eq!(m["seq"], seq, "gap-free");
        assert!(m["at"].as_str().unwrap().ends_with("+07:00"), "{m}");
        kinds.push(m["event"]["kind"].as_str().unwrap().to_owned());
        // No ticket code, nothing personal, on the public stream.
        let text = m.to_string();
        assert!(!text.contains(t["code"].as_str().unwrap()), "{text}");
        assert!(!text.contains("\"code\""), "{text}");
        if m["event"]["kind"] == "ticket_called" {
            assert_eq!(m["event"]["number"], "A001");
            assert_eq!(m["event"]["counter_name"], "Loket 2");
            assert_eq!(
                m["event"]["announcement"]["id"],
                "Nomor antrean A satu, silakan menuju loket dua"
            );
            assert_eq!(
                m["event"]["announcement"]["en"],
                "Ticket number A one, please go to counter two"
            );
            assert_eq!(m["event"]["announcement_short"]["id"], "A satu, loket dua");
            assert_eq!(m["event"]["announcement_short"]["en"], "A one, counter two");
            assert_eq!(m["waiting"][0]["waiting"], 1);
        }
    }
    // Opening, the clerk took the counter.
    assert_eq!(
        kinds,
        [
            "ticket_issued",
            "counter_taken",
            "counter_state",
            "ticket_called"
        ]
    );
    close(ws).await;
}

#[tokio::test]
async fn a_client_that_resumes_with_since_misses_nothing() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let mut ws = connect(&server.ws("/api/v1/offices/alpha/live")).await;
    let snap = next_msg(&mut ws).await;
    let mut last = snap["seq"].as_u64().unwrap();
    citizen.issue("alpha", "ktp").await;
    last = next_msg(&mut ws).await["seq"].as_u64().unwrap().max(last);
    close(ws).await;

    // While away: 25 tickets.
    for _ in 0..25 {
        citizen.issue("alpha", "kk").await;
    }
    let mut ws = connect(&server.ws(&format!("/api/v1/offices/alpha/live?since={last}"))).await;
    let mut sent = Vec::new();
    for i in 1..=25 {
        let m = next_msg(&mut ws).await;
        assert_eq!(m["type"], "event", "{m}");
        assert_eq!(m["seq"].as_u64().unwrap(), last + i);
        assert_eq!(m["event"]["number"], format!("B{i:03}"));
        sent.push(m);
    }
    // And the stream goes on live.
    citizen.issue("alpha", "ktp").await;
    let m = next_msg(&mut ws).await;
    assert_eq!(m["seq"].as_u64().unwrap(), last + 26);
    sent.push(m);
    close(ws).await;

    // After a restart the ring is empty: missed events come from the log,
    // each as it was sent live (its waiting figures too), then a snapshot
    // tells the truth.
    let mut server = server;
    server.restart();
    let citizen = Client::new(&server.base);
    citizen.issue("alpha", "ktp").await;
    let mut ws = connect(&server.ws(&format!("/api/v1/offices/alpha/live?since={last}"))).await;
    for live in &sent {
        assert_eq!(&next_msg(&mut ws).await, live);
    }
    let m = next_msg(&mut ws).await;
    assert_eq!(
        (m["type"].as_str(), m["seq"].as_u64()),
        (Some("event"), Some(last + 27))
    );
    assert_eq!(m["waiting"][0]["service"], "ktp", "{m}");
    assert_eq!(m["waiting"][0]["waiting"], 3, "{m}");
    let m = next_msg(&mut ws).await;
    assert_eq!(
        (m["type"].as_str(), m["seq"].as_u64()),
        (Some("snapshot"), Some(last + 27))
    );
    // A seq from the future (another database) gets a snapshot.
    let mut ws = connect(&server.ws("/api/v1/offices/alpha/live?since=999999")).await;
    assert_eq!(next_msg(&mut ws).await["type"], "snapshot");
}

#[tokio::test]
async fn the_ticket_stream_follows_one_ticket() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let clerk = server.staff("ani", "clerk", Some("alpha")).await;
    citizen.issue("alpha", "ktp").await;
    let mine = citizen.issue("alpha", "ktp").await;
    let code = mine["code"].as_str().unwrap();
    let mut ws = connect(&server.ws(&format!("/api/v1/tickets/{code}/live"))).await;
    let first = next_msg(&mut ws).await;
    assert_eq!(
        (first["type"].as_str(), first["ticket"]["ahead"].as_u64()),
        (Some("ticket"), Some(1))
    );

    clerk.act("alpha", "1", "open").await;
    clerk.act("alpha", "1", "call-next").await;
    let mut seen: Vec<Value> = Vec::new();
    while seen.last().is_none_or(|t| t["ahead"] != 0) {
        seen.push(next_msg(&mut ws).await["ticket"].clone());
    }
    assert_eq!(seen.last().unwrap()["status"], "waiting");
    clerk.act("alpha", "1", "start").await;
    clerk.act("alpha", "1", "finish").await;
    clerk.act("alpha", "1", "call-next").await;
    loop {
        let t = next_msg(&mut ws).await["ticket"].clone();
        if t["status"] == "called" {
            assert_eq!(t["counter_name"], "Loket 1");
            break;
        }
    }
    // After the counter, the document's steps reach the citizen live.
    clerk.act("alpha", "1", "start").await;
    clerk.act("alpha", "1", "finish").await;
    let (s, _) = clerk
        .post(
            &format!("/api/v1/tickets/{code}/document"),
            serde_json::json!({"step": "siap diambil"}),
        )
        .await;
    assert_eq!(s, 200);
    loop {
        let t = next_msg(&mut ws).await["ticket"].clone();
        if t["document"] == "siap diambil" {
            assert_eq!(t["status"], "done");
            break;
        }
    }
    // Unknown tickets have no stream.
    let err = tokio_tungstenite::connect_async(server.ws("/api/v1/tickets/nope/live")).await;
    assert!(err.is_err());
}

/// The office ends its day by itself (its tick, every 20 s): a phone
/// following a ticket still waiting sees it expire, without a reload.
#[tokio::test]
async fn at_midnight_an_open_ticket_stream_gets_its_ticket_expired() {
    // 23:59:57 in Jakarta (UTC+7).
    let server = Server::start_under(&refs(&faketime("2026-11-02 16:59:57")), "", "");
    let citizen = Client::new(&server.base);
    let waiting = citizen.issue("alpha", "ktp").await;
    let code = waiting["code"].as_str().unwrap();
    let mut ws = connect(&server.ws(&format!("/api/v1/tickets/{code}/live"))).await;
    let first = next_msg(&mut ws).await;
    assert_eq!(first["ticket"]["status"], "waiting");
    let expired = tokio::time::timeout(std::time::Duration::from_secs(45), async {
        loop {
            let t = next_msg(&mut ws).await["ticket"].clone();
            if t["status"] != "waiting" {
                break t;
            }
        }
    })
    .await
    .expect("the stream said nothing of the day's end within 45 s");
    assert_eq!(expired["status"], "expired", "{expired}");
}

#[tokio::test]
async fn live_clients_are_pinged_and_a_silent_one_is_dropped() {
    use futures_util::StreamExt;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_tungstenite::tungstenite::Message;

    // A ping a second: a client that answers none of three is gone.
    let server = Server::start_with("live_ping_s = 1", "");
    let mut answering = connect(&server.ws("/api/v1/offices/alpha/live")).await;
    assert_eq!(next_msg(&mut answering).await["type"], "snapshot");
    // The silent client upgrades by hand and then never writes a byte.
    let host = server.base.trim_start_matches("http://");
    let mut silent = tokio::net::TcpStream::connect(host).await.unwrap();
    silent
        .write_all(
            format!(
                "GET /api/v1/offices/alpha/live HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n\
                 Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
                 Sec-WebSocket-Version: 13\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();

    // The answering client reads (the library answers each ping) for
    // longer than the silent limit.
    let (mut pings, until) = (0, Instant::now() + Duration::from_secs(6));
    while let Ok(msg) = tokio::time::timeout_at(until.into(), answering.next()).await {
        match msg.expect("the answering client stays connected").unwrap() {
            Message::Ping(_) => pings += 1,
            Message::Close(c) => panic!("the answering client was dropped: {c:?}"),
            _ => {}
        }
    }
    assert!(pings >= 4, "{pings} pings in 6 s");

    // The silent one was pinged, told goodbye (close 1001) and disconnected.
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), silent.read_to_end(&mut got))
        .await
        .expect("the silent client is still connected")
        .unwrap();
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 101"), "{text}");
    assert!(
        got.ends_with(&[0x88, 5, 0x03, 0xE9, b'b', b'y', b'e']),
        "{got:?}"
    );
    assert!(got.windows(2).any(|w| w == [0x89, 0]), "pinged first");

    // The answering one still gets events.
    Client::new(&server.base).issue("alpha", "ktp").await;
    let m = next_msg(&mut answering).await;
    assert_eq!(m["event"]["kind"], "ticket_issued");
    close(answering).await;
}
