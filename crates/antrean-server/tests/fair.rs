//! Fair online tickets, attacked from outside: a proof of work per online
//! ticket (single use, for its office, from this server), a per-address
//! budget that counts only issued tickets, one active ticket per service
//! per browser, from several loopback addresses; and a priority claimed
//! online that waits as a regular ticket until staff confirm it.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::IpAddr;

use antrean_server::proof;
use common::Server;
use serde_json::{json, Value};

/// A server asking for a 10-bit proof, with a budget of 3 online tickets
/// per address.
fn server() -> Server {
    let mut s = Server::start();
    let main = s.config.join("antrean.toml");
    let text = std::fs::read_to_string(&main).unwrap();
    let text = text
        .replace("online_proof_bits = 0", "online_proof_bits = 10")
        .replace(
            "online_tickets_per_ip = 1000000",
            "online_tickets_per_ip = 3",
        );
    std::fs::write(&main, text).unwrap();
    s.restart();
    s
}

/// A citizen (or a script) at one source address.
struct From {
    http: reqwest::Client,
    base: String,
}

impl From {
    fn new(server: &Server, ip: &str) -> From {
        From {
            http: reqwest::Client::builder()
                .local_address(ip.parse::<IpAddr>().unwrap())
                .build()
                .unwrap(),
            base: server.base.clone(),
        }
    }

    async fn challenge(&self, office: &str) -> Value {
        let r = self
            .http
            .get(format!("{}/api/v1/offices/{office}/challenge", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["cache-control"], "no-store");
        r.json().await.unwrap()
    }

    /// A solved proof for `office`.
    async fn proof(&self, office: &str) -> Value {
        let c = self.challenge(office).await;
        let bits = u8::try_from(c["bits"].as_u64().unwrap()).unwrap();
        let nonce = proof::solve(c["salt"].as_str().unwrap(), bits);
        json!({"challenge": c["challenge"], "nonce": nonce})
    }

    async fn issue(&self, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}/api/v1/offices/alpha/tickets", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn take(&self, service: &str, citizen: Option<&str>) -> (u16, Value) {
        let mut body = json!({"service": service, "proof": self.proof("alpha").await});
        if let Some(c) = citizen {
            body["citizen"] = c.into();
        }
        self.issue(body).await
    }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn an_online_ticket_answers_a_challenge_once_for_its_office() {
    let s = server();
    let a = From::new(&s, "127.0.0.2");
    let c = a.challenge("alpha").await;
    assert_eq!(c["bits"], 10);
    assert_eq!(c["expires_in_s"], 120);

    let (st, body) = a.issue(json!({"service": "ktp"})).await;
    assert_eq!((st, code(&body)), (422, "proof_required"), "{body}");

    // A wrong answer.
    let salt = c["salt"].as_str().unwrap();
    let right = proof::solve(salt, 10);
    let wrong = (0..).find(|&n| !proof::solves(salt, n, 10)).unwrap();
    let bad = json!({"service": "ktp", "proof": {"challenge": c["challenge"], "nonce": wrong}});
    let (st, body) = a.issue(bad).await;
    assert_eq!((st, code(&body)), (422, "proof_invalid"), "{body}");

    // Another office's challenge, or one edited to ask for less work.
    let beta = a.challenge("beta").await;
    let nonce = proof::solve(beta["salt"].as_str().unwrap(), 10);
    let (st, body) = a
        .issue(json!({"service": "ktp", "proof": {"challenge": beta["challenge"], "nonce": nonce}}))
        .await;
    assert_eq!((st, code(&body)), (422, "proof_invalid"), "{body}");
    let easier = c["challenge"].as_str().unwrap().replace(".10.", ".0.");
    let (st, body) = a
        .issue(json!({"service": "ktp", "proof": {"challenge": easier, "nonce": 0}}))
        .await;
    assert_eq!((st, code(&body)), (422, "proof_invalid"), "{body}");

    // The right answer takes a ticket; the same answer again takes none.
    let good = json!({"service": "ktp", "proof": {"challenge": c["challenge"], "nonce": right}});
    let (st, body) = a.issue(good.clone()).await;
    assert_eq!(st, 201, "{body}");
    let (st, body) = a.issue(good).await;
    assert_eq!((st, code(&body)), (409, "proof_spent"), "{body}");

    // Kiosks and staff never solve one.
    let token = s.kiosk_token("alpha", "kiosk-1");
    let r = a
        .http
        .post(format!("{}/api/v1/offices/alpha/tickets", s.base))
        .bearer_auth(&token)
        .json(&json!({"service": "ktp", "channel": "kiosk"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let desk = s.staff("info1", "help_desk", Some("alpha")).await;
    let (st, body) = desk
        .post(
            "/api/v1/offices/alpha/tickets",
            json!({"service": "ktp", "channel": "counter"}),
        )
        .await;
    assert_eq!(st, 201, "{body}");
}

#[tokio::test]
async fn the_budget_counts_issued_tickets_only_per_address() {
    let s = server();
    let script = From::new(&s, "127.0.0.3");
    // Refused requests cost the address nothing...
    for _ in 0..10 {
        let (st, _) = script.issue(json!({"service": "ktp"})).await;
        assert_eq!(st, 422);
    }
    // ...so its three tickets are still there, and then no more.
    for _ in 0..3 {
        let (st, body) = script.take("ktp", None).await;
        assert_eq!(st, 201, "{body}");
    }
    let (st, body) = script.take("ktp", None).await;
    assert_eq!((st, code(&body)), (429, "rate_limited"), "{body}");
    // Told before any work is checked: even without a proof.
    let (st, _) = script.issue(json!({"service": "ktp"})).await;
    assert_eq!(st, 429);
    // Another address is not affected.
    let citizen = From::new(&s, "127.0.0.4");
    let (st, body) = citizen.take("ktp", None).await;
    assert_eq!(st, 201, "{body}");
}

#[tokio::test]
async fn one_waiting_or_called_online_ticket_per_service_per_browser() {
    let s = server();
    let phone = From::new(&s, "127.0.0.5");
    let me = "browser-0123456789abcdef";
    let (st, first) = phone.take("ktp", Some(me)).await;
    assert_eq!(st, 201, "{first}");
    let (st, body) = phone.take("ktp", Some(me)).await;
    assert_eq!((st, code(&body)), (409, "ticket_already_active"), "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains(first["number"].as_str().unwrap()));
    // Another service is fine; so is another browser behind the same address.
    let (st, body) = phone.take("kk", Some(me)).await;
    assert_eq!(st, 201, "{body}");
    let (st, body) = phone.take("ktp", Some("another-browser-9876543210")).await;
    assert_eq!(st, 201, "{body}");
    // Refused tickets did not use the address's budget (3): it is spent now.
    let (st, _) = phone.take("ktp", Some("a-third-browser-000000000")).await;
    assert_eq!(st, 429);

    // Once the first ticket is cancelled, this browser may take another.
    let other = From::new(&s, "127.0.0.6");
    let r = other
        .http
        .post(format!(
            "{}/api/v1/tickets/{}/cancel",
            s.base,
            first["code"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (st, body) = other.take("ktp", Some(me)).await;
    assert_eq!(st, 201, "{body}");
    // An id the page does not make is refused as bad input.
    let (st, body) = other.take("kk", Some("short")).await;
    assert_eq!((st, code(&body)), (400, "invalid_body"), "{body}");
}

#[tokio::test]
async fn a_priority_claimed_online_waits_until_staff_in_the_hall_confirm_it() {
    let s = server();
    let phone = From::new(&s, "127.0.0.7");
    let (st, regular) = phone.take("ktp", None).await;
    assert_eq!(st, 201, "{regular}");
    let (st, claimed) = phone
        .issue(
            json!({"service": "ktp", "priority": "elderly", "proof": phone.proof("alpha").await}),
        )
        .await;
    assert_eq!(st, 201, "{claimed}");
    assert_eq!(claimed["priority"], "elderly");
    assert_eq!(claimed["priority_confirmed"], false);
    // It waits behind the regular ticket taken before it.
    assert_eq!(claimed["ahead"], 1);
    let number = claimed["number"].as_str().unwrap();

    let anon = common::Client::new(&s.base);
    let path = format!("/api/v1/offices/alpha/tickets/{number}/priority/confirm");
    let (st, _) = anon.post_empty(&path).await;
    assert_eq!(st, 401);
    let other_office = s.staff("beta-clerk", "clerk", Some("beta")).await;
    let (st, _) = other_office.post_empty(&path).await;
    assert_eq!(st, 403);

    let desk = s.staff("info1", "help_desk", Some("alpha")).await;
    let (st, claims) = desk.get("/api/v1/offices/alpha/priority-claims").await;
    assert_eq!(st, 200);
    assert_eq!(
        claims,
        json!([{"number": number, "service": "ktp", "priority": "elderly", "status": "waiting",
                "issued_at": claimed["issued_at"], "counter": null}])
    );
    let (st, _) = anon.get("/api/v1/offices/alpha/priority-claims").await;
    assert_eq!(st, 401);

    let (st, confirmed) = desk.post_empty(&path).await;
    assert_eq!(st, 200, "{confirmed}");
    assert_eq!(confirmed["priority_confirmed"], true);
    assert_eq!(confirmed["ahead"], 0);
    let (st, body) = desk.post_empty(&path).await;
    assert_eq!(
        (st, code(&body)),
        (409, "priority_already_confirmed"),
        "{body}"
    );
    let (st, body) = desk
        .post_empty(&format!(
            "/api/v1/offices/alpha/tickets/{}/priority/confirm",
            regular["number"].as_str().unwrap()
        ))
        .await;
    assert_eq!((st, code(&body)), (422, "no_priority_claim"), "{body}");
    let (_, claims) = desk.get("/api/v1/offices/alpha/priority-claims").await;
    assert_eq!(claims, json!([]));

    // The clerk's next call is the confirmed priority ticket.
    let clerk = s.staff("clerk1", "clerk", Some("alpha")).await;
    assert_eq!(clerk.act("alpha", "1", "open").await.0, 200);
    let (st, called) = clerk.act("alpha", "1", "call-next").await;
    assert_eq!(st, 200);
    assert_eq!(called["number"], number);

    // The confirmation survives a restart (the store's projection).
    let mut s = s;
    s.restart();
    let (_, t) = common::Client::new(&s.base)
        .get(&format!(
            "/api/v1/tickets/{}",
            claimed["code"].as_str().unwrap()
        ))
        .await;
    assert_eq!(t["priority_confirmed"], true);
}
