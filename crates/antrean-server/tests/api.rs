//! The HTTP API against the real binary: the whole lifecycle, concurrency,
//! authorisation and every kind of bad input.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use common::{Client, Server};
use serde_json::{json, Value};

#[tokio::test]
async fn a_ticket_lives_its_whole_life() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let clerk = server.staff("siti", "clerk", Some("alpha")).await;

    let t = citizen.issue("alpha", "ktp").await;
    assert_eq!(t["number"], "A001");
    assert_eq!(t["status"], "waiting");
    assert_eq!(t["ahead"], 0);
    assert!(
        t["estimated_wait_s"].is_null(),
        "no counter open yet: the estimate is honest"
    );
    let code = t["code"].as_str().unwrap().to_owned();
    assert!(code.len() >= 16);
    let t2 = citizen.issue("alpha", "ktp").await;
    assert_eq!(
        (t2["number"].as_str(), t2["ahead"].as_u64()),
        (Some("A002"), Some(1))
    );

    let (s, counter) = clerk.act("alpha", "1", "open").await;
    assert_eq!((s, counter["state"].as_str()), (200, Some("open")));
    let (_, office) = citizen.get("/api/v1/offices/alpha").await;
    let ktp = &office["services"][0];
    assert_eq!(
        (ktp["id"].as_str(), ktp["waiting"].as_u64()),
        (Some("ktp"), Some(2))
    );
    assert!(ktp["estimated_wait_s"].as_u64().is_some());
    let c1 = &office["counters"][0];
    assert_eq!(c1["services"], json!(["ktp", "kk"]));

    let (s, called) = clerk.act("alpha", "1", "call-next").await;
    assert_eq!(
        (s, called["number"].as_str(), called["status"].as_str()),
        (200, Some("A001"), Some("called"))
    );
    let (_, mine) = citizen.get(&format!("/api/v1/tickets/{code}")).await;
    assert_eq!(
        (
            mine["status"].as_str(),
            mine["counter"].as_str(),
            mine["counter_name"].as_str()
        ),
        (Some("called"), Some("1"), Some("Loket 1"))
    );
    let (_, office) = citizen.get("/api/v1/offices/alpha").await;
    assert_eq!(office["counters"][0]["number"], "A001");

    assert_eq!(clerk.act("alpha", "1", "recall").await.0, 200);
    assert_eq!(
        clerk.act("alpha", "1", "start").await.1["status"],
        "serving"
    );
    let (s, done) = clerk.act("alpha", "1", "finish").await;
    assert_eq!((s, done["status"].as_str()), (200, Some("done")));
    let (_, mine) = citizen.get(&format!("/api/v1/tickets/{code}")).await;
    assert_eq!(
        (mine["status"].as_str(), mine["document"].as_str()),
        (Some("done"), None)
    );
    // Then the document goes through the service's workflow, visible to the citizen.
    let doc = format!("/api/v1/tickets/{code}/document");
    let (s, t) = clerk.post(&doc, json!({"step": "dicetak"})).await;
    assert_eq!((s, t["document"].as_str()), (200, Some("dicetak")));
    let (_, mine) = citizen.get(&format!("/api/v1/tickets/{code}")).await;
    assert_eq!(mine["document"], "dicetak");
    let (s, e) = clerk.post(&doc, json!({"step": "hilang"})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("unknown_step"))
    );
    let (s, e) = citizen.post(&doc, json!({"step": "siap diambil"})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    let waiting_doc = format!("/api/v1/tickets/{}/document", t2["code"].as_str().unwrap());
    let (s, e) = clerk.post(&waiting_doc, json!({"step": "diterima"})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("invalid_transition"))
    );

    // The second citizen does not come: two calls, then no-show; requeue.
    assert_eq!(
        clerk.act("alpha", "1", "call-next").await.1["number"],
        "A002"
    );
    let (s, e) = clerk.act("alpha", "1", "no-show").await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("min_calls_not_reached"))
    );
    clerk.act("alpha", "1", "recall").await;
    assert_eq!(
        clerk.act("alpha", "1", "no-show").await.1["status"],
        "no_show"
    );
    let (s, t) = clerk
        .post_empty("/api/v1/offices/alpha/tickets/A002/requeue")
        .await;
    assert_eq!((s, t["status"].as_str()), (200, Some("waiting")));
    let (s, t) = clerk
        .post(
            "/api/v1/offices/alpha/counters/1/call",
            json!({"number": "a002"}),
        )
        .await;
    assert_eq!((s, t["number"].as_str()), (200, Some("A002")));
    let (s, t) = clerk
        .post(
            "/api/v1/offices/alpha/counters/1/transfer",
            json!({"service": "kk"}),
        )
        .await;
    assert_eq!(
        (
            s,
            t["status"].as_str(),
            t["service"].as_str(),
            t["number"].as_str()
        ),
        (200, Some("waiting"), Some("kk"), Some("A002"))
    );
    assert_eq!(clerk.act("alpha", "3", "open").await.0, 200);
    assert_eq!(
        clerk.act("alpha", "3", "call-next").await.1["number"],
        "A002"
    );
    assert_eq!(
        clerk.act("alpha", "1", "call-next").await.0,
        204,
        "nobody waits"
    );
    let (s, c) = clerk
        .post(
            "/api/v1/offices/alpha/counters/1/pause",
            json!({"reason": "sholat"}),
        )
        .await;
    assert_eq!(
        (s, c["state"].as_str(), c["reason"].as_str()),
        (200, Some("paused"), Some("sholat"))
    );

    // The citizen of a third ticket cancels it.
    let t3 = citizen.issue("alpha", "kk").await;
    let (s, c) = citizen
        .post_empty(&format!(
            "/api/v1/tickets/{}/cancel",
            t3["code"].as_str().unwrap()
        ))
        .await;
    assert_eq!((s, c["status"].as_str()), (200, Some("cancelled")));
    let (s, e) = citizen
        .post_empty(&format!(
            "/api/v1/tickets/{}/cancel",
            t3["code"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("invalid_transition"))
    );

    let out = server.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test]
async fn two_clerks_calling_at_once_never_share_a_ticket() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let n = 1000;
    // Issue concurrently too: numbers must still be unique.
    let mut tasks = Vec::new();
    for i in 0..n {
        let c = citizen.clone();
        tasks.push(tokio::spawn(async move {
            c.issue("alpha", if i % 2 == 0 { "ktp" } else { "kk" })
                .await
        }));
    }
    let mut numbers = HashSet::new();
    for t in tasks {
        let v = t.await.unwrap();
        assert!(
            numbers.insert(v["number"].as_str().unwrap().to_owned()),
            "number issued twice: {v}"
        );
    }
    assert_eq!(numbers.len(), n);

    let mut clerks = Vec::new();
    for (name, counter) in [("ani", "1"), ("budi", "2")] {
        let clerk = server.staff(name, "clerk", Some("alpha")).await;
        assert_eq!(clerk.act("alpha", counter, "open").await.0, 200);
        clerks.push(tokio::spawn(async move {
            let mut called = Vec::new();
            loop {
                let (s, t) = clerk.act("alpha", counter, "call-next").await;
                if s == 204 {
                    return called;
                }
                assert_eq!(s, 200, "{t}");
                called.push(t["number"].as_str().unwrap().to_owned());
                assert_eq!(clerk.act("alpha", counter, "start").await.0, 200);
                assert_eq!(clerk.act("alpha", counter, "finish").await.0, 200);
            }
        }));
    }
    let mut all = Vec::new();
    let mut per_clerk = Vec::new();
    for c in clerks {
        let called = c.await.unwrap();
        per_clerk.push(called.len());
        all.extend(called);
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "a ticket was called twice");
    assert_eq!(unique.len(), n, "every ticket was called");
    assert!(
        per_clerk.iter().all(|&k| k > 0),
        "both clerks worked: {per_clerk:?}"
    );
}

#[tokio::test]
async fn staff_are_kept_to_their_office_and_anonymous_callers_out() {
    let server = Server::start();
    let anonymous = Client::new(&server.base);
    let (s, e) = anonymous.act("alpha", "1", "open").await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    let alpha_clerk = server.staff("ani", "clerk", Some("alpha")).await;
    let (s, e) = alpha_clerk.act("beta", "1", "open").await;
    assert_eq!((s, e["error"]["code"].as_str()), (403, Some("forbidden")));
    let (_, beta) = anonymous.get("/api/v1/offices/beta").await;
    assert_eq!(
        beta["counters"][0]["state"], "closed",
        "the refused command changed nothing"
    );
    let admin = server.staff("root", "admin", None).await;
    assert_eq!(admin.act("beta", "1", "open").await.0, 200);

    // Wrong passwords: 401 with a clear code, never a session.
    let (s, e) = anonymous
        .post(
            "/api/v1/session",
            json!({"username": "ani", "password": "salah"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (401, Some("bad_credentials"))
    );
    let (s, _) = anonymous.get("/api/v1/session").await;
    assert_eq!(s, 401);
    let (s, me) = alpha_clerk.get("/api/v1/session").await;
    assert_eq!(
        (s, me["role"].as_str(), me["office"].as_str()),
        (200, Some("clerk"), Some("alpha"))
    );
    // Sign-out ends the session.
    let r = alpha_clerk
        .http
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(alpha_clerk.act("alpha", "1", "open").await.0, 401);

    // Kiosk tickets need the kiosk's token, of that office.
    let (s, e) = anonymous
        .post(
            "/api/v1/offices/alpha/tickets",
            json!({"service": "ktp", "channel": "kiosk"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (401, Some("device_token_required"))
    );
    let token = server.kiosk_token("alpha", "kiosk-1");
    let kiosk = |office: &str| {
        anonymous
            .http
            .post(server.url(&format!("/api/v1/offices/{office}/tickets")))
            .bearer_auth(&token)
            .json(&json!({"service": "ktp", "channel": "kiosk"}))
            .send()
    };
    let r = kiosk("alpha").await.unwrap();
    assert_eq!(r.status(), 201);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["channel"], "kiosk");
    assert_eq!(kiosk("beta").await.unwrap().status(), 403);
    // A counter ticket needs staff.
    let (s, _) = anonymous
        .post(
            "/api/v1/offices/alpha/tickets",
            json!({"service": "ktp", "channel": "counter"}),
        )
        .await;
    assert_eq!(s, 401);
    let admin_counter = admin
        .post(
            "/api/v1/offices/alpha/tickets",
            json!({"service": "ktp", "channel": "counter"}),
        )
        .await;
    assert_eq!(admin_counter.0, 201);
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let clerk = server.staff("ani", "clerk", Some("alpha")).await;
    citizen.issue("alpha", "ktp").await;
    let (_, before) = citizen.get("/api/v1/offices/alpha").await;

    let tickets = "/api/v1/offices/alpha/tickets";
    let checks: Vec<((u16, Value), u16, &str)> = vec![
        (
            citizen
                .post("/api/v1/offices/nowhere/tickets", json!({"service": "ktp"}))
                .await,
            404,
            "unknown_office",
        ),
        (
            citizen.post(tickets, json!({"service": "nothing"})).await,
            404,
            "unknown_service",
        ),
        (
            citizen.post(tickets, json!({"service": 5})).await,
            400,
            "invalid_body",
        ),
        (
            citizen
                .post(tickets, json!({"service": "ktp", "priority": "vip"}))
                .await,
            400,
            "invalid_body",
        ),
        (
            citizen
                .post(tickets, json!({"service": "ktp", "channel": "fax"}))
                .await,
            400,
            "invalid_body",
        ),
        (
            citizen
                .post(tickets, json!({"service": "ktp", "nik": "1801"}))
                .await,
            400,
            "invalid_body",
        ),
        (citizen.post(tickets, json!({})).await, 400, "invalid_body"),
        (
            citizen
                .post(tickets, json!({"service": "ktp", "print": "p1"}))
                .await,
            422,
            "print_needs_kiosk",
        ),
        (
            citizen
                .post_raw(tickets, "application/json", "{\"service\": ")
                .await,
            400,
            "invalid_body",
        ),
        (
            citizen
                .post_raw(tickets, "text/plain", "{\"service\": \"ktp\"}")
                .await,
            400,
            "invalid_body",
        ),
        (
            citizen
                .post_raw(
                    tickets,
                    "application/json",
                    format!("{{\"service\": \"{}\"}}", "x".repeat(64 * 1024)),
                )
                .await,
            413,
            "body_too_large",
        ),
        (
            citizen.get("/api/v1/tickets/doesnotexist").await,
            404,
            "unknown_ticket",
        ),
        (
            citizen.get("/api/v1/tickets/..%2F..%2Fetc").await,
            404,
            "unknown_ticket",
        ),
        (
            citizen.post_empty("/api/v1/tickets/nope/cancel").await,
            404,
            "unknown_ticket",
        ),
        (citizen.get("/api/v1/nothing-here").await, 404, "no_route"),
        (
            clerk.act("alpha", "99", "open").await,
            404,
            "unknown_counter",
        ),
        (
            clerk.act("nowhere", "1", "open").await,
            404,
            "unknown_office",
        ),
        (clerk.act("alpha", "1", "dance").await, 404, "no_route"),
        (
            clerk.act("alpha", "1", "call-next").await,
            409,
            "counter_not_open",
        ),
        (
            clerk.act("alpha", "1", "finish").await,
            409,
            "no_current_ticket",
        ),
        (clerk.act("alpha", "1", "pause").await, 400, "invalid_body"),
        (
            clerk
                .post(
                    "/api/v1/offices/alpha/counters/1/call",
                    json!({"number": "Z999"}),
                )
                .await,
            409,
            "counter_not_open",
        ),
        (
            clerk
                .post("/api/v1/offices/alpha/counters/1/transfer", json!({}))
                .await,
            400,
            "invalid_body",
        ),
        (
            clerk
                .post_raw(
                    "/api/v1/offices/alpha/counters/1/pause",
                    "application/json",
                    "[1,2",
                )
                .await,
            400,
            "invalid_body",
        ),
        (
            clerk
                .post_empty("/api/v1/offices/alpha/tickets/A999/requeue")
                .await,
            404,
            "unknown_ticket",
        ),
        (
            citizen
                .post("/api/v1/session", json!({"username": "ani"}))
                .await,
            400,
            "invalid_body",
        ),
    ];
    for (i, ((status, body), want_status, want_code)) in checks.into_iter().enumerate() {
        assert_eq!(status, want_status, "case {i}: {body}");
        assert_eq!(body["error"]["code"], want_code, "case {i}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "case {i}: {body}"
        );
    }
    // Illegal transitions at an open counter.
    clerk.act("alpha", "1", "open").await;
    let (s, e) = clerk.act("alpha", "1", "open").await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("counter_already_in_state"))
    );
    clerk.act("alpha", "1", "call-next").await;
    let (s, e) = clerk.act("alpha", "1", "finish").await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("invalid_transition"))
    );
    let (s, e) = clerk.act("alpha", "1", "call-next").await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("counter_busy"))
    );
    let (s, e) = clerk
        .post(
            "/api/v1/offices/alpha/counters/1/transfer",
            json!({"counter": "1"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("transfer_to_same"))
    );

    // Nothing but the counter changed: same tickets, same numbering.
    let (_, after) = citizen.get("/api/v1/offices/alpha").await;
    // (A001 was called by the legal call-next above, so only quotas compare for ktp.)
    for (i, fields) in [
        (0, &["remaining", "remaining_online"][..]),
        (1, &["waiting", "remaining", "remaining_online"][..]),
    ] {
        for field in fields.iter().copied() {
            assert_eq!(
                before["services"][i][field], after["services"][i][field],
                "{field}"
            );
        }
    }
    assert_eq!(citizen.issue("alpha", "ktp").await["number"], "A002");
}

#[tokio::test]
async fn the_openapi_document_is_the_contract_of_what_the_server_answers() {
    let server = Server::start();
    let (s, doc) = Client::new(&server.base).get("/api/v1/openapi.json").await;
    assert_eq!(s, 200);
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/offices",
        "/api/v1/offices/{office}",
        "/api/v1/offices/{office}/tickets",
        "/api/v1/tickets/{code}",
        "/api/v1/tickets/{code}/cancel",
        "/api/v1/tickets/{code}/survey",
        "/api/v1/tickets/{code}/document",
        "/api/v1/tickets/{code}/qr.svg",
        "/api/v1/offices/{office}/report",
        "/api/v1/offices/{office}/live",
        "/api/v1/tickets/{code}/live",
        "/api/v1/session",
        "/api/v1/offices/{office}/counters/{counter}/call-next",
        "/api/v1/offices/{office}/counters/{counter}/transfer",
    ] {
        assert!(paths.contains_key(p), "{p} missing");
    }
    // The live streams say what they send, with exact kinds.
    let live = &paths["/api/v1/offices/{office}/live"]["get"]["responses"];
    assert!(live.get("101").is_some(), "{live}");
    let schemas = &doc["components"]["schemas"];
    let msg = schemas["ServerMsg"].to_string();
    for kind in ["snapshot", "event", "ticket"] {
        assert!(
            msg.contains(&format!("\"{kind}\"")),
            "ServerMsg lacks {kind}: {msg}"
        );
    }
    let events = schemas["PublicEvent"].to_string();
    for kind in [
        "ticket_issued",
        "ticket_called",
        "counter_state",
        "day_ended",
    ] {
        assert!(events.contains(kind), "PublicEvent lacks {kind}");
    }
    // Every status is an exact enum, not a free string.
    let status = schemas["TicketStatus"]["enum"].as_array().unwrap();
    assert_eq!(status.len(), 7, "{status:?}");
    // Every method the document does not declare for a path is 405 there.
    let http = reqwest::Client::new();
    for (path, item) in paths {
        let url = format!(
            "{}{}",
            server.base,
            path.replace("{office}", "alpha")
                .replace("{counter}", "1")
                .replace("{code}", "x")
                .replace("{number}", "A001")
        );
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if item.get(method.to_lowercase()).is_some() {
                continue;
            }
            let r = http
                .request(method.parse().unwrap(), &url)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 405, "{method} {path}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(
                body["error"]["code"], "method_not_allowed",
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn two_answers_to_one_survey_at_once_count_once() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let clerk = server.staff("ani", "clerk", Some("alpha")).await;
    clerk.act("alpha", "1", "open").await;
    let mut codes = Vec::new();
    for _ in 0..20 {
        let t = citizen.issue("alpha", "ktp").await;
        codes.push(t["code"].as_str().unwrap().to_owned());
        clerk.act("alpha", "1", "call-next").await;
        clerk.act("alpha", "1", "start").await;
        clerk.act("alpha", "1", "finish").await;
    }
    // Each ticket's citizen answers twice at the same instant (two phones,
    // a double tap): one answer counts, the other is told so.
    let answers = json!({"answers": [4, 4, 3, 4, 4, 4, 4, 4, 4]});
    for code in &codes {
        let path = format!("/api/v1/tickets/{code}/survey");
        let other = Client::new(&server.base);
        let (a, b) = tokio::join!(
            citizen.post(&path, answers.clone()),
            other.post(&path, answers.clone())
        );
        let mut statuses = [a.0, b.0];
        statuses.sort_unstable();
        assert_eq!(statuses, [204, 409], "{code}: {a:?} {b:?}");
        let refused = if a.0 == 409 { &a.1 } else { &b.1 };
        assert_eq!(refused["error"]["code"], "survey_already_answered");
    }
    let events = std::process::Command::new("sqlite3")
        .arg(server.data.join("antrean.db"))
        .arg("SELECT count(*) FROM events WHERE kind = 'survey_submitted'")
        .output()
        .expect("sqlite3 is installed (tests/run installs it)");
    assert_eq!(
        String::from_utf8_lossy(&events.stdout).trim(),
        "20",
        "one event per ticket"
    );
    let supervisor = server.staff("kepala", "supervisor", Some("alpha")).await;
    let (_, r) = supervisor.get("/api/v1/offices/alpha/report").await;
    assert_eq!(r["total"]["ikm"]["respondents"], 20);
}

#[tokio::test]
async fn citizens_rate_the_service_and_supervisors_see_the_report() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let clerk = server.staff("ani", "clerk", Some("alpha")).await;
    let supervisor = server.staff("kepala", "supervisor", Some("alpha")).await;
    clerk.act("alpha", "1", "open").await;
    let mut codes = Vec::new();
    for _ in 0..3 {
        let t = citizen.issue("alpha", "ktp").await;
        codes.push(t["code"].as_str().unwrap().to_owned());
    }
    for _ in 0..2 {
        clerk.act("alpha", "1", "call-next").await;
        clerk.act("alpha", "1", "start").await;
        clerk.act("alpha", "1", "finish").await;
    }
    let (_, t) = citizen.get(&format!("/api/v1/tickets/{}", codes[0])).await;
    assert_eq!(t["survey_open"], true);
    let survey = |i: usize| format!("/api/v1/tickets/{}/survey", codes[i]);
    let (s, _) = citizen
        .post(&survey(0), json!({"answers": [4, 4, 4, 4, 4, 4, 4, 4, 4]}))
        .await;
    assert_eq!(s, 204);
    let (s, e) = citizen
        .post(&survey(0), json!({"answers": [1, 1, 1, 1, 1, 1, 1, 1, 1]}))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("survey_already_answered"))
    );
    let (_, t) = citizen.get(&format!("/api/v1/tickets/{}", codes[0])).await;
    assert_eq!(t["survey_open"], false);
    for (body, code) in [
        (
            json!({"answers": [5, 4, 4, 4, 4, 4, 4, 4, 4]}),
            "invalid_survey",
        ),
        (
            json!({"answers": [null, null, null, null, null, null, null, null, null]}),
            "invalid_survey",
        ),
        (json!({"answers": [4, 4]}), "invalid_body"),
        (json!({"answers": "bagus"}), "invalid_body"),
    ] {
        let (s, e) = citizen.post(&survey(1), body).await;
        assert_eq!((s, e["error"]["code"].as_str()), (400, Some(code)), "{e}");
    }
    // A suggestion over 1,000 characters (spaces around it do not count) is
    // refused, with the answers: nothing is kept.
    let (s, e) = citizen
        .post(
            &survey(1),
            json!({"answers": [3, 3, 3, 3, 3, 3, 3, 3, null], "suggestion": "é".repeat(1001)}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("suggestion_too_long"))
    );
    let (s, _) = citizen
        .post(
            &survey(1),
            json!({"answers": [3, 3, 3, 3, 3, 3, 3, 3, null],
                   "suggestion": format!("  Ruang tunggu panas,\ntolong tambah kipas.{}  ", "\u{7}")}),
        )
        .await;
    assert_eq!(s, 204);
    // Not served yet: no survey.
    let (s, e) = citizen
        .post(&survey(2), json!({"answers": [4, 4, 4, 4, 4, 4, 4, 4, 4]}))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("invalid_transition"))
    );

    let (s, r) = supervisor.get("/api/v1/offices/alpha/report").await;
    assert_eq!(s, 200, "{r}");
    let total = &r["total"];
    assert_eq!(
        (total["issued"].as_u64(), total["done"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(total["ikm"]["respondents"], 2);
    // Two served, both answered: the Krejcie–Morgan minimum for two is two.
    assert_eq!(
        (
            &total["ikm"]["served"],
            &total["ikm"]["minimum_sample"],
            &total["ikm"]["sample_enough"]
        ),
        (&json!(2), &json!(2), &json!(true))
    );
    // NRR 3.5 on eight elements, 4 on the ninth: (8 × 3.5 + 4) / 9 × 25 = 88.89 (A).
    assert_eq!(total["ikm"]["score"], 88.89);
    assert_eq!(total["ikm"]["grade"], "A");
    assert_eq!(r["services"][0]["service"], "ktp");
    // The suggestion as written, trimmed and without the bell; with its
    // service and day, never the ticket (the first answer had none).
    assert_eq!(r["suggestions_total"], 1);
    let suggestion = &r["suggestions"][0];
    assert_eq!(
        suggestion["text"],
        "Ruang tunggu panas,\ntolong tambah kipas."
    );
    assert_eq!(suggestion["service"], "ktp");
    assert_eq!(suggestion["day"], r["to"]);
    assert_eq!(
        suggestion.as_object().map(|o| o.len()),
        Some(3),
        "{suggestion}"
    );
    let (s, _) = clerk.get("/api/v1/offices/alpha/report").await;
    assert_eq!(s, 403, "reports are for supervisors");
    let (s, e) = supervisor
        .get("/api/v1/offices/alpha/report?from=2026-13-01")
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (400, Some("invalid_query"))
    );
    let (s, e) = supervisor
        .get("/api/v1/offices/alpha/report?from=2026-02-01&to=2026-01-01")
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("invalid_period"))
    );
    let (s, _) = supervisor.get("/api/v1/offices/beta/report").await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_body_too_large_closes_the_connection_it_could_not_read_to_the_end() {
    let server = Server::start();
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/api/v1/offices/alpha/tickets", server.base))
        .header("content-type", "application/json")
        .body(format!("{{\"service\": \"{}\"}}", "x".repeat(64 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(
        r.headers().get("connection").map(|v| v.as_bytes()),
        Some(&b"close"[..]),
        "a client must not send its next request on this connection"
    );
    // The same client goes on, on a new connection.
    let r = client
        .get(format!("{}/api/v1/offices", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn an_action_that_takes_no_body_refuses_one_and_changes_nothing() {
    let server = Server::start();
    let clerk = server.staff("ani", "clerk", Some("alpha")).await;
    let open = "/api/v1/offices/alpha/counters/1/open";
    let (s, e) = clerk.post(open, json!({"reason": "istirahat"})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (400, Some("invalid_body"))
    );
    let (_, office) = clerk.get("/api/v1/offices/alpha").await;
    assert_eq!(office["counters"][0]["state"], "closed", "nothing changed");
    // An empty object is no body, as some clients send by habit.
    let (s, c) = clerk.post(open, json!({})).await;
    assert_eq!((s, c["state"].as_str()), (200, Some("open")));
}

#[tokio::test]
async fn on_a_closed_day_nobody_takes_a_ticket_and_everyone_sees_why_and_when_again() {
    let jakarta = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    let today = chrono::Utc::now().with_timezone(&jakarta).date_naive();
    let server = Server::start_with(
        "",
        &format!(
            "[[closed]]\nfrom = \"{today}\"\nreason = {{ id = \"Cuti bersama\", en = \"Collective leave\" }}\n"
        ),
    );
    let citizen = Client::new(&server.base);
    let (s, office) = citizen.get("/api/v1/offices/alpha").await;
    assert_eq!(s, 200);
    let tomorrow = format!("{}T00:00:00+07:00", today.succ_opt().unwrap());
    for place in [&office, &office["services"][0]] {
        assert_eq!(place["open"], false, "{place}");
        assert_eq!(place["closed_reason"]["id"], "Cuti bersama");
        assert_eq!(place["opens_at"], tomorrow.as_str());
    }
    let (s, e) = citizen
        .post("/api/v1/offices/alpha/tickets", json!({"service": "ktp"}))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("service_closed"))
    );
    // Another office is open as usual, and says nothing of closing.
    let (_, beta) = citizen.get("/api/v1/offices/beta").await;
    assert_eq!(
        (beta["open"].as_bool(), beta["opens_at"].is_null()),
        (Some(true), true)
    );
    assert!(
        beta["closes_at"].is_null(),
        "no hours, no closed day: it never closes"
    );
    assert!(
        beta["now"].as_str().unwrap().ends_with("+07:00"),
        "the server's clock, local"
    );
}

#[tokio::test]
async fn a_supervisor_stops_a_service_with_a_message_and_everyone_sees_it_until_resumed() {
    let mut server = Server::start();
    let citizen = Client::new(&server.base);
    let clerk = server.staff("ani", "clerk", Some("alpha")).await;
    let other = server.staff("budi", "supervisor", Some("beta")).await;
    let supervisor = server.staff("kepala", "supervisor", Some("alpha")).await;
    let suspend = "/api/v1/offices/alpha/services/ktp/suspend";
    let resume = "/api/v1/offices/alpha/services/ktp/resume";
    let message = json!({"message": "Blanko KTP habis, silakan kembali besok"});
    let mut live = common::connect(&server.ws("/api/v1/offices/alpha/live")).await;
    let snapshot = common::next_msg(&mut live).await;
    assert_eq!(snapshot["type"], "snapshot");
    // Who may: not citizens, not clerks, not another office's supervisor.
    for (client, status) in [(&citizen, 401), (&clerk, 403), (&other, 403)] {
        let (s, _) = client.post(suspend, message.clone()).await;
        assert_eq!(s, status);
    }
    for (body, code) in [
        (json!({"message": "   "}), "suspend_message_required"),
        (json!({}), "invalid_body"),
    ] {
        let (s, e) = supervisor.post(suspend, body).await;
        assert_eq!((s, e["error"]["code"].as_str()), (400, Some(code)));
    }
    let (s, e) = supervisor.post_empty(resume).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("service_not_suspended"))
    );
    let (s, e) = supervisor
        .post(
            "/api/v1/offices/alpha/services/nope/suspend",
            message.clone(),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (404, Some("unknown_service"))
    );

    let (s, view) = supervisor.post(suspend, message.clone()).await;
    assert_eq!(
        (s, view["suspended"].as_str()),
        (200, Some("Blanko KTP habis, silakan kembali besok"))
    );
    // The display hears it at once.
    let event = common::next_msg(&mut live).await;
    assert_eq!(event["event"]["kind"], "service_suspended", "{event}");
    assert_eq!(
        event["event"]["message"],
        "Blanko KTP habis, silakan kembali besok"
    );
    assert_eq!(
        event["waiting"][0]["suspended"],
        "Blanko KTP habis, silakan kembali besok"
    );
    let (s, e) = citizen
        .post("/api/v1/offices/alpha/tickets", json!({"service": "ktp"}))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("service_suspended"))
    );
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Blanko KTP habis"));
    citizen.issue("alpha", "kk").await;

    // A restart keeps the stop; resuming ends it.
    common::close(live).await;
    server.restart();
    let citizen = Client::new(&server.base);
    let (_, office) = citizen.get("/api/v1/offices/alpha").await;
    assert_eq!(
        office["services"][0]["suspended"],
        "Blanko KTP habis, silakan kembali besok"
    );
    let supervisor = Client::new(&server.base);
    let (s, _) = supervisor
        .post(
            "/api/v1/session",
            json!({"username": "kepala", "password": "kata-sandi-rahasia"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, view) = supervisor.post_empty(resume).await;
    assert_eq!((s, view["suspended"].is_null()), (200, true));
    assert_eq!(citizen.issue("alpha", "ktp").await["number"], "A001");
    // The running text, likewise: set by the supervisor, not by a clerk.
    let running = "/api/v1/offices/alpha/running-text";
    let text = json!({"text": "Layanan KTP pindah ke lantai 2"});
    let clerk = server.staff("citra", "clerk", Some("alpha")).await;
    let (s, _) = clerk.put(running, text.clone()).await;
    assert_eq!(s, 403);
    let (s, e) = supervisor
        .put(running, json!({"text": "x".repeat(501)}))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (400, Some("running_text_too_long"))
    );
    let mut live = common::connect(&server.ws("/api/v1/offices/alpha/live")).await;
    common::next_msg(&mut live).await;
    let (s, body) = supervisor.put(running, text.clone()).await;
    assert_eq!(
        (s, body["text"].as_str()),
        (200, Some("Layanan KTP pindah ke lantai 2"))
    );
    let event = common::next_msg(&mut live).await;
    assert_eq!(event["event"]["kind"], "running_text_changed", "{event}");
    common::close(live).await;
    server.restart();
    let (_, office) = Client::new(&server.base).get("/api/v1/offices/alpha").await;
    assert_eq!(office["running_text"], "Layanan KTP pindah ke lantai 2");
    let verify = server.cli(&["audit", "verify"], None);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
