//! Staff and devices, managed by the office itself, tried as its people and
//! an intruder would: every role against every endpoint, one-time passwords,
//! disabling and revoking that take effect at once (live connections too),
//! pairing, and all of it after a restart, in the audit log.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{Client, Server};
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const PASSWORD: &str = "kata-sandi-rahasia";

/// Signs in as `name` and returns the client.
async fn sign_in(server: &Server, name: &str, password: &str) -> (Client, Value) {
    let c = Client::new(&server.base);
    let (status, body) = c
        .post(
            "/api/v1/session",
            json!({"username": name, "password": password}),
        )
        .await;
    assert_eq!(status, 200, "{name}: {body}");
    (c, body)
}

/// A new account added by `by`, signed in with its own password chosen.
async fn staff_by(
    server: &Server,
    by: &Client,
    name: &str,
    role: &str,
    office: Option<&str>,
) -> Client {
    let (status, body) = by
        .post(
            "/api/v1/users",
            json!({"username": name, "role": role, "office": office}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let otp = body["one_time_password"].as_str().unwrap();
    let (c, me) = sign_in(server, name, otp).await;
    assert_eq!(me["must_change_password"], true);
    let (status, body) = c
        .put(
            "/api/v1/session/password",
            json!({"current_password": otp, "new_password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    c
}

/// The session cookie `name=value` of a fresh sign-in.
async fn session_cookie(server: &Server, name: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/session", server.base))
        .json(&json!({"username": name, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    set.split(';').next().unwrap().to_owned()
}

/// Opens the office stream with extra request headers.
async fn live_with(server: &Server, headers: &[(&str, &str)]) -> common::Ws {
    let mut req = server
        .ws("/api/v1/offices/alpha/live")
        .into_client_request()
        .unwrap();
    for (k, v) in headers {
        let name: reqwest::header::HeaderName = k.parse().unwrap();
        req.headers_mut().insert(name, v.parse().unwrap());
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(common::next_msg(&mut ws).await["type"], "snapshot");
    ws
}

/// Waits for the stream to close and returns its close code.
async fn close_code(ws: &mut common::Ws) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("not closed within 10 s");
        match msg {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            None | Some(Err(_)) => return None,
        }
    }
}

/// Whether the stream is still open after a moment.
async fn still_open(ws: &mut common::Ws) -> bool {
    loop {
        match tokio::time::timeout(Duration::from_millis(500), ws.next()).await {
            Err(_) => return true,
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => return false,
            Ok(Some(Ok(_))) => {}
        }
    }
}

#[tokio::test]
async fn each_role_manages_only_whom_it_may() {
    let server = Server::start();
    let admin = server.staff("bupati", "admin", None).await;
    let sup = staff_by(&server, &admin, "siti", "supervisor", Some("alpha")).await;
    let sup_beta = staff_by(&server, &admin, "rudi", "supervisor", Some("beta")).await;
    let clerk = staff_by(&server, &sup, "budi", "clerk", Some("alpha")).await;
    let desk = staff_by(&server, &sup, "ani", "help_desk", Some("alpha")).await;
    let anon = Client::new(&server.base);

    // A supervisor adds clerks and help desk of their own office only.
    for (body, code) in [
        (
            json!({"username": "x1", "role": "supervisor", "office": "alpha"}),
            403,
        ),
        (json!({"username": "x2", "role": "admin"}), 403),
        (
            json!({"username": "x3", "role": "clerk", "office": "beta"}),
            403,
        ),
        (
            json!({"username": "x4", "role": "clerk", "office": "gamma"}),
            404,
        ),
    ] {
        let (status, resp) = sup.post("/api/v1/users", body.clone()).await;
        assert_eq!(status, code, "{body} → {resp}");
    }
    // Nobody below a supervisor manages anyone; nobody signed out sees anyone.
    for c in [&clerk, &desk] {
        let (status, _) = c.get("/api/v1/users").await;
        assert_eq!(status, 403);
        let (status, _) = c
            .post(
                "/api/v1/users",
                json!({"username": "x5", "role": "clerk", "office": "alpha"}),
            )
            .await;
        assert_eq!(status, 403);
        let (status, _) = c.post_empty("/api/v1/users/siti/disable").await;
        assert_eq!(status, 403);
    }
    let (status, _) = anon.get("/api/v1/users").await;
    assert_eq!(status, 401);
    for path in ["disable", "enable", "password-reset", "sign-out"] {
        let (status, _) = anon.post_empty(&format!("/api/v1/users/budi/{path}")).await;
        assert_eq!(status, 401, "{path}");
    }

    // Each sees their own office's staff; the admin everyone.
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, list) = sup.get("/api/v1/users").await;
    assert_eq!(names(&list), ["ani", "budi", "siti"]);
    let (status, _) = sup.get("/api/v1/users?office=beta").await;
    assert_eq!(status, 403);
    let (_, list) = admin.get("/api/v1/users").await;
    assert_eq!(names(&list).len(), 5);
    let (_, list) = admin.get("/api/v1/users?office=beta").await;
    assert_eq!(names(&list), ["rudi"]);
    let budi = list_user(&sup, "budi").await;
    assert_eq!(budi["role"], "clerk");
    assert_eq!(budi["must_change_password"], false);
    assert!(budi["last_sign_in_at"].is_string(), "{budi}");

    // Another office's staff do not exist for a supervisor.
    let (status, body) = sup_beta.post_empty("/api/v1/users/budi/disable").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("unknown_user"))
    );
    // Nobody disables or resets themselves; a supervisor signs themselves
    // out everywhere like anyone.
    for (who, name) in [(&admin, "bupati"), (&sup, "siti")] {
        for action in ["disable", "password-reset"] {
            let (status, body) = who
                .post_empty(&format!("/api/v1/users/{name}/{action}"))
                .await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (409, Some("own_account")),
                "{name} {action}"
            );
        }
    }
    let (status, _) = sup
        .put("/api/v1/users/siti", json!({"role": "admin"}))
        .await;
    assert_eq!(status, 403, "nor make themselves an admin");
    let (status, _) = sup
        .put(
            "/api/v1/users/siti",
            json!({"role": "clerk", "office": "alpha"}),
        )
        .await;
    assert_eq!(status, 409, "nor demote themselves");
    // Moving a clerk: within the supervisor's power only.
    let (status, _) = sup
        .put(
            "/api/v1/users/budi",
            json!({"role": "supervisor", "office": "alpha"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = sup
        .put(
            "/api/v1/users/budi",
            json!({"role": "help_desk", "office": "alpha"}),
        )
        .await;
    assert_eq!((status, body["role"].as_str()), (200, Some("help_desk")));
    let (status, body) = admin
        .put(
            "/api/v1/users/budi",
            json!({"role": "clerk", "office": "beta"}),
        )
        .await;
    assert_eq!((status, body["office"].as_str()), (200, Some("beta")));
}

async fn list_user(c: &Client, name: &str) -> Value {
    let (status, list) = c.get("/api/v1/users").await;
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("{name} not in {list}"))
}

#[tokio::test]
async fn new_accounts_are_checked_field_by_field() {
    let server = Server::start();
    let admin = server.staff("bupati", "admin", None).await;
    for (body, status, code, field) in [
        (
            json!({"username": "si ti", "role": "clerk", "office": "alpha"}),
            422,
            "invalid_field",
            Some("username"),
        ),
        (
            json!({"username": "", "role": "clerk", "office": "alpha"}),
            422,
            "invalid_field",
            Some("username"),
        ),
        (
            json!({"username": "siti", "role": "clerk"}),
            422,
            "invalid_field",
            Some("office"),
        ),
        (
            json!({"username": "siti", "role": "admin", "office": "alpha"}),
            422,
            "invalid_field",
            Some("office"),
        ),
        (
            json!({"username": "bupati", "role": "admin"}),
            409,
            "already_exists",
            None,
        ),
        (
            json!({"username": "siti", "role": "root", "office": "alpha"}),
            400,
            "invalid_body",
            None,
        ),
    ] {
        let (s, resp) = admin.post("/api/v1/users", body.clone()).await;
        assert_eq!(s, status, "{body} → {resp}");
        assert_eq!(resp["error"]["code"], code, "{body} → {resp}");
        assert_eq!(resp["error"]["field"].as_str(), field, "{body} → {resp}");
    }
    let (_, list) = admin.get("/api/v1/users").await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "nothing was added: {list}"
    );
}

#[tokio::test]
async fn a_one_time_password_must_be_replaced_before_anything_else() {
    let server = Server::start();
    let sup = server.staff("siti", "supervisor", Some("alpha")).await;
    let (status, body) = sup
        .post(
            "/api/v1/users",
            json!({"username": "budi", "role": "clerk", "office": "alpha"}),
        )
        .await;
    assert_eq!(status, 201);
    let otp = body["one_time_password"].as_str().unwrap().to_owned();
    assert_eq!(body["user"]["must_change_password"], true);
    let (clerk, me) = sign_in(&server, "budi", &otp).await;
    assert_eq!(me["must_change_password"], true);
    let (status, body) = clerk.act("alpha", "1", "open").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("password_change_required"))
    );
    let (status, _) = clerk.get("/api/v1/session").await;
    assert_eq!(status, 200, "who am I still answers");
    for (new, code) in [
        ("pendek", "password_too_short"),
        ("budi-di-loket-1", "password_is_name"),
        ("1234567890", "password_common"),
    ] {
        let (status, body) = clerk
            .put(
                "/api/v1/session/password",
                json!({"current_password": otp, "new_password": new}),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some(code)),
            "{new}"
        );
        assert_eq!(body["error"]["field"], "new_password");
    }
    let (status, body) = clerk
        .put(
            "/api/v1/session/password",
            json!({"current_password": "salah-sekali-ya", "new_password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("current_password"))
    );
    let (status, body) = clerk
        .put(
            "/api/v1/session/password",
            json!({"current_password": otp, "new_password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["must_change_password"].as_bool()),
        (200, Some(false))
    );
    let (status, body) = clerk.act("alpha", "1", "open").await;
    assert_eq!(status, 200, "{body}");
    // The one-time password is spent.
    let (status, _) = Client::new(&server.base)
        .post(
            "/api/v1/session",
            json!({"username": "budi", "password": otp}),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn disabling_a_clerk_signs_them_out_at_once_open_screens_included() {
    let server = Server::start();
    let sup = server.staff("siti", "supervisor", Some("alpha")).await;
    let clerk = staff_by(&server, &sup, "budi", "clerk", Some("alpha")).await;
    let cookie = session_cookie(&server, "budi").await;
    let mut screen = live_with(&server, &[("cookie", &cookie)]).await;
    let mut public = live_with(&server, &[]).await;
    let other = session_cookie(&server, "siti").await;
    let mut sup_screen = live_with(&server, &[("cookie", &other)]).await;

    let (status, body) = sup.post_empty("/api/v1/users/budi/disable").await;
    assert_eq!((status, body["disabled"].as_bool()), (200, Some(true)));
    assert_eq!(close_code(&mut screen).await, Some(4001));
    assert!(still_open(&mut public).await, "a public screen stays");
    assert!(
        still_open(&mut sup_screen).await,
        "another user's screen stays"
    );
    let (status, _) = clerk.act("alpha", "1", "open").await;
    assert_eq!(status, 401);
    let (status, body) = Client::new(&server.base)
        .post(
            "/api/v1/session",
            json!({"username": "budi", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("account_disabled"))
    );
    // A wrong password still says only that.
    let (status, _) = Client::new(&server.base)
        .post(
            "/api/v1/session",
            json!({"username": "budi", "password": "bukan-ini-ya"}),
        )
        .await;
    assert_eq!(status, 401);

    let (status, _) = sup.post_empty("/api/v1/users/budi/enable").await;
    assert_eq!(status, 200);
    let (clerk, _) = sign_in(&server, "budi", PASSWORD).await;
    let (second, _) = sign_in(&server, "budi", PASSWORD).await;
    // A reset signs out everywhere and hands a one-time password.
    let cookie = session_cookie(&server, "budi").await;
    let mut screen = live_with(&server, &[("cookie", &cookie)]).await;
    let (status, body) = sup.post_empty("/api/v1/users/budi/password-reset").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(close_code(&mut screen).await, Some(4001));
    for c in [&clerk, &second] {
        let (status, _) = c.get("/api/v1/session").await;
        assert_eq!(status, 401);
    }
    let otp = body["one_time_password"].as_str().unwrap();
    let (_, me) = sign_in(&server, "budi", otp).await;
    assert_eq!(me["must_change_password"], true);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_and_changing_a_password_the_others() {
    let server = Server::start();
    server.staff("budi", "clerk", Some("alpha")).await;
    let (a, _) = sign_in(&server, "budi", PASSWORD).await;
    let (b, _) = sign_in(&server, "budi", PASSWORD).await;
    let (c, _) = sign_in(&server, "budi", PASSWORD).await;
    let cookie = session_cookie(&server, "budi").await;
    let mut screen = live_with(&server, &[("cookie", &cookie)]).await;
    let new = "kopi-pahit-pagi";
    let (status, _) = a
        .put(
            "/api/v1/session/password",
            json!({"current_password": PASSWORD, "new_password": new}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(close_code(&mut screen).await, Some(4001));
    assert_eq!(
        a.get("/api/v1/session").await.0,
        200,
        "the one that chose stays"
    );
    assert_eq!(b.get("/api/v1/session").await.0, 401);
    let (d, _) = sign_in(&server, "budi", new).await;
    let (status, _) = d.delete("/api/v1/session/all").await;
    assert_eq!(status, 204);
    for x in [&a, &c, &d] {
        assert_eq!(x.get("/api/v1/session").await.0, 401);
    }
    // Signing out here ends this browser's screens.
    let (e, _) = sign_in(&server, "budi", new).await;
    let _ = e;
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/session", server.base))
        .json(&json!({"username": "budi", "password": new}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let mut screen = live_with(&server, &[("cookie", &cookie)]).await;
    let r = reqwest::Client::new()
        .delete(format!("{}/api/v1/session", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(close_code(&mut screen).await, Some(4001));
}

#[tokio::test]
async fn a_kiosk_is_paired_by_its_code_set_and_revoked_at_once() {
    let server = Server::start_with(
        "",
        "[[printers]]\nid = \"lobi\"\naddress = \"127.0.0.1:9\"\n",
    );
    let sup = server.staff("siti", "supervisor", Some("alpha")).await;
    let sup_beta = server.staff("rudi", "supervisor", Some("beta")).await;
    let clerk = server.staff("budi", "clerk", Some("alpha")).await;
    let kiosk = Client::new(&server.base);

    let (status, started) = kiosk
        .post(
            "/api/v1/pairings",
            json!({"office": "alpha", "kind": "kiosk"}),
        )
        .await;
    assert_eq!(status, 201, "{started}");
    let code = started["code"].as_str().unwrap().to_owned();
    let secret = started["secret"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    let (_, poll) = kiosk.get(&format!("/api/v1/pairings/{secret}")).await;
    assert_eq!(poll, json!({"status": "waiting", "code": code}));

    // Only the office's supervisor pairs, with the right code.
    for (c, want) in [(&clerk, 403), (&sup_beta, 403)] {
        let (status, _) = c
            .post(
                "/api/v1/offices/alpha/devices",
                json!({"name": "Kios lobi", "code": code}),
            )
            .await;
        assert_eq!(status, want);
    }
    let (status, body) = sup
        .post(
            "/api/v1/offices/alpha/devices",
            json!({"name": "Kios lobi", "code": "000000"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("unknown_pairing_code"))
    );
    let (status, body) = sup_beta
        .post(
            "/api/v1/offices/beta/devices",
            json!({"name": "Kios lobi", "code": code}),
        )
        .await;
    assert_eq!(status, 404, "a code of another office: {body}");
    let (status, body) = sup
        .post(
            "/api/v1/offices/alpha/devices",
            json!({"name": "Kios lobi", "code": code}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body.get("link").is_none(), "{body}");
    let id = body["device"]["id"].as_i64().unwrap();
    assert_eq!(body["device"]["kind"], "kiosk");

    // The token goes to the device that polls with the secret, once.
    let (_, poll) = kiosk.get(&format!("/api/v1/pairings/{secret}")).await;
    assert_eq!(poll["status"], "paired");
    let token = poll["token"].as_str().unwrap().to_owned();
    let (status, _) = kiosk.get(&format!("/api/v1/pairings/{secret}")).await;
    assert_eq!(status, 404);
    let bearer = format!("Bearer {token}");
    let me = |t: String| {
        let base = server.base.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{base}/api/v1/device"))
                .header("authorization", t)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(me(bearer.clone()).await, 200);
    let issue = |print: Option<&str>| {
        let base = server.base.clone();
        let bearer = bearer.clone();
        let mut body = json!({"service": "ktp", "channel": "kiosk"});
        if let Some(p) = print {
            body["print"] = json!(p);
        }
        async move {
            let r = reqwest::Client::new()
                .post(format!("{base}/api/v1/offices/alpha/tickets"))
                .header("authorization", bearer)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (status, ticket) = issue(None).await;
    assert_eq!(status, 201, "{ticket}");
    assert!(ticket.get("print").is_none(), "no printer yet: {ticket}");

    // Settings: a kiosk's printer is one of the office's; a zone is for displays.
    for (settings, field) in [
        (json!({"printer": "nowhere"}), "settings.printer"),
        (json!({"counters": ["1"]}), "settings.counters"),
    ] {
        let (status, body) = sup
            .put(
                &format!("/api/v1/offices/alpha/devices/{id}"),
                json!({"name": "Kios lobi", "settings": settings}),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (422, Some(field)),
            "{body}"
        );
    }
    let (status, body) = sup
        .put(
            &format!("/api/v1/offices/alpha/devices/{id}"),
            json!({"name": "Kios pintu masuk", "settings": {"printer": "lobi"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["settings"], json!({"printer": "lobi"}));
    // Tied to its printer: a ticket prints there without asking (the
    // printer is unreachable here, so it says so, and the ticket stands).
    let (status, ticket) = issue(None).await;
    assert_eq!(status, 201, "{ticket}");
    assert_eq!(ticket["print"]["printer"], "lobi", "{ticket}");

    // A printer removed from the office stops no ticket of a kiosk tied to
    // it: the answer says it did not print, and why.
    let (status, _) = sup.delete("/api/v1/offices/alpha/printers/lobi").await;
    assert_eq!(status, 200);
    let (status, ticket) = issue(None).await;
    assert_eq!(status, 201, "{ticket}");
    assert_eq!(ticket["print"]["failure"], "unknown_printer", "{ticket}");

    // Its live stream holds its access, offered as a subprotocol.
    let mut req = server
        .ws("/api/v1/offices/alpha/live")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "sec-websocket-protocol",
        format!("antrean, bearer.{token}").parse().unwrap(),
    );
    let (mut ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.headers()["sec-websocket-protocol"], "antrean");
    assert_eq!(common::next_msg(&mut ws).await["type"], "snapshot");

    let (_, list) = sup.get("/api/v1/offices/alpha/devices").await;
    assert_eq!(list[0]["name"], "Kios pintu masuk");
    assert!(list[0]["last_seen_at"].is_string(), "{list}");
    let (status, _) = sup_beta.get("/api/v1/offices/alpha/devices").await;
    assert_eq!(status, 403);
    let (status, _) = clerk.get("/api/v1/offices/alpha/devices").await;
    assert_eq!(status, 403);

    let (status, _) = clerk
        .delete(&format!("/api/v1/offices/alpha/devices/{id}"))
        .await;
    assert_eq!(status, 403);
    let (status, _) = sup
        .delete(&format!("/api/v1/offices/alpha/devices/{id}"))
        .await;
    assert_eq!(status, 204);
    assert_eq!(close_code(&mut ws).await, Some(4001));
    assert_eq!(me(bearer.clone()).await, 401);
    let (status, body) = issue(None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("device_token_required"))
    );
    let mut req = server
        .ws("/api/v1/offices/alpha/live")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "sec-websocket-protocol",
        format!("antrean, bearer.{token}").parse().unwrap(),
    );
    assert!(
        tokio_tungstenite::connect_async(req).await.is_err(),
        "a revoked token cannot connect"
    );
    let (status, _) = sup
        .delete(&format!("/api/v1/offices/alpha/devices/{id}"))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_display_gets_a_one_time_link_and_a_zone() {
    let server = Server::start();
    let sup = server.staff("siti", "supervisor", Some("alpha")).await;
    let (status, body) = sup
        .post(
            "/api/v1/offices/alpha/devices",
            json!({"name": "TV lantai 2", "kind": "display"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // The link holds a secret that fetches the token once, not the token.
    let link = body["link"].as_str().unwrap();
    assert!(
        link.starts_with("http://antrean.test/display/alpha#pair="),
        "{link}"
    );
    let secret = link.split("#pair=").nth(1).unwrap();
    let device = Client::new(&server.base);
    let (status, poll) = device.get(&format!("/api/v1/pairings/{secret}")).await;
    assert_eq!(
        (status, poll["status"].as_str()),
        (200, Some("paired")),
        "{poll}"
    );
    let token = poll["token"].as_str().unwrap().to_owned();
    let (status, _) = device.get(&format!("/api/v1/pairings/{secret}")).await;
    assert_eq!(status, 404, "a link opens once");
    let id = body["device"]["id"].as_i64().unwrap();
    let (status, body) = sup
        .post(
            "/api/v1/offices/alpha/devices",
            json!({"name": "TV lantai 2", "kind": "kiosk"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("already_exists"))
    );
    let (status, body) = sup
        .post(
            "/api/v1/offices/alpha/devices",
            json!({"name": "Tanpa jenis"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    for (settings, field) in [
        (json!({"counters": ["9"]}), "settings.counters[0]"),
        (
            json!({"services": ["ktp", "paspor"]}),
            "settings.services[1]",
        ),
        (json!({"printer": "x"}), "settings.printer"),
    ] {
        let (status, body) = sup
            .put(
                &format!("/api/v1/offices/alpha/devices/{id}"),
                json!({"name": "TV lantai 2", "settings": settings}),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (422, Some(field)),
            "{body}"
        );
    }
    let zone = json!({"counters": ["3"], "services": ["kk"]});
    let (status, _) = sup
        .put(
            &format!("/api/v1/offices/alpha/devices/{id}"),
            json!({"name": "TV lantai 2", "settings": zone}),
        )
        .await;
    assert_eq!(status, 200);
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/device", server.base))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    let me: Value = r.json().await.unwrap();
    assert_eq!(
        (me["kind"].clone(), me["settings"].clone()),
        (json!("display"), zone)
    );
}

#[tokio::test]
async fn accounts_and_devices_outlast_a_restart_and_their_changes_are_in_the_audit_log() {
    let mut server = Server::start();
    let admin = server.staff("bupati", "admin", None).await;
    let sup = staff_by(&server, &admin, "siti", "supervisor", Some("alpha")).await;
    staff_by(&server, &sup, "budi", "clerk", Some("alpha")).await;
    let (_, body) = sup
        .post(
            "/api/v1/offices/alpha/devices",
            json!({"name": "TV", "kind": "display"}),
        )
        .await;
    let id = body["device"]["id"].as_i64().unwrap();
    sup.post_empty("/api/v1/users/budi/disable").await;
    // From the shell while the server runs: in the same chain.
    let out = server.cli(&["user", "passwd", "siti", "--one-time"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let otp = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let out = server.cli(&["device", "revoke", "TV", "--office", "alpha"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server.sigkill();
    server.restart();

    let (_, me) = sign_in(&server, "siti", &otp).await;
    assert_eq!(me["must_change_password"], true);
    let (admin, _) = sign_in(&server, "bupati", PASSWORD).await;
    let (_, users) = admin.get("/api/v1/users?office=alpha").await;
    let budi = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "budi")
        .unwrap();
    assert_eq!(budi["disabled"], true);
    let (_, devices) = admin.get("/api/v1/offices/alpha/devices").await;
    assert_eq!(devices, json!([]), "revoked {id} from the shell");

    let out = server.cli(&["user", "list", "--office", "alpha"], None);
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(list.contains("budi") && list.contains("disabled"), "{list}");
    assert!(list.contains("one-time password"), "{list}");
    let out = server.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let db = rusqlite::Connection::open(server.data.join("antrean.db")).unwrap();
    let log: Vec<(String, String)> = db
        .prepare("SELECT kind, actor FROM events WHERE office = '@accounts' ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let log: Vec<(&str, &str)> = log.iter().map(|(k, a)| (k.as_str(), a.as_str())).collect();
    let operator = log[0].1;
    assert!(operator.starts_with("operator:"), "{log:?}");
    assert_eq!(
        log,
        [
            ("user_added", operator),
            ("signed_in", "user:bupati"),
            ("user_added", "user:bupati"),
            ("signed_in", "user:siti"),
            ("password_changed", "user:siti"),
            ("user_added", "user:siti"),
            ("signed_in", "user:budi"),
            ("password_changed", "user:budi"),
            ("device_added", "user:siti"),
            ("user_disabled", "user:siti"),
            ("password_reset", operator),
            ("device_revoked", operator),
            ("signed_in", "user:siti"),
            ("signed_in", "user:bupati"),
        ]
    );
}

/// Who holds each counter, as the office page shows everyone.
async fn holders(c: &Client) -> Vec<(String, Value)> {
    let (status, office) = c.get("/api/v1/offices/alpha").await;
    assert_eq!(status, 200, "{office}");
    office["counters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["id"].as_str().unwrap().to_owned(), k["clerk"].clone()))
        .collect()
}

#[tokio::test]
async fn one_clerk_per_counter_and_everyone_sees_who_is_where() {
    let mut server = Server::start();
    let sup = server.staff("siti", "supervisor", Some("alpha")).await;
    let budi = server.staff("budi", "clerk", Some("alpha")).await;
    let ani = server.staff("ani", "clerk", Some("alpha")).await;
    let desk = server.staff("dewi", "help_desk", Some("alpha")).await;
    let citizen = Client::new(&server.base);
    citizen.issue("alpha", "ktp").await;

    assert_eq!(budi.act("alpha", "1", "open").await.0, 200);
    let mut stream = live_with(&server, &[]).await;
    let (status, body) = ani.act("alpha", "1", "call-next").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("counter_held"))
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("budi"),
        "{body}"
    );
    let (status, _) = ani.act("alpha", "1", "close").await;
    assert_eq!(status, 409, "nor close it");
    let (status, _) = desk.act("alpha", "2", "open").await;
    assert_eq!(status, 403, "the help desk works no counter");
    assert_eq!(
        holders(&citizen).await,
        [
            ("1".into(), json!("budi")),
            ("2".into(), json!(null)),
            ("3".into(), json!(null))
        ]
    );
    let (status, _) = budi.act("alpha", "1", "call-next").await;
    assert_eq!(status, 200);
    // A supervisor works any counter from the monitor, without taking it.
    let (status, body) = sup.act("alpha", "2", "open").await;
    assert_eq!(
        (status, body["clerk"].as_str()),
        (200, Some("siti")),
        "{body}"
    );
    assert_eq!(sup.act("alpha", "2", "close").await.0, 200);

    // Budi went home with the counter open: the supervisor releases it, and
    // the stream tells every screen.
    let (status, _) = ani.act("alpha", "1", "release").await;
    assert_eq!(status, 403, "releasing is a supervisor's");
    let (status, view) = sup.act("alpha", "1", "release").await;
    assert_eq!(
        (status, view["clerk"].clone()),
        (200, json!(null)),
        "{view}"
    );
    assert_eq!(view["state"], "open", "released, not closed");
    loop {
        let msg = common::next_msg(&mut stream).await;
        if msg["event"]["kind"] == "counter_taken" && msg["event"]["counter"] == "1" {
            assert_eq!(msg["event"]["clerk"], json!(null), "{msg}");
            break;
        }
    }
    let (status, body) = sup.act("alpha", "1", "release").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("counter_not_held"))
    );
    // Ani takes it by acting on it, ticket and all.
    let (status, _) = ani.act("alpha", "1", "recall").await;
    assert_eq!(status, 200);
    assert_eq!(holders(&citizen).await[0], ("1".into(), json!("ani")));
    let msg = loop {
        let msg = common::next_msg(&mut stream).await;
        if msg["event"]["kind"] == "counter_taken" && msg["event"]["counter"] == "1" {
            break msg;
        }
    };
    assert_eq!(msg["event"]["clerk"], "ani");

    server.sigkill();
    server.restart();
    let citizen = Client::new(&server.base);
    assert_eq!(
        holders(&citizen).await[0],
        ("1".into(), json!("ani")),
        "after a restart"
    );
    let (budi, _) = sign_in(&server, "budi", PASSWORD).await;
    let (status, _) = budi.act("alpha", "1", "recall").await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn the_audit_viewer_finds_each_action_by_its_actor_and_never_shows_a_code() {
    let server = Server::start();
    let sup = server.staff("siti", "supervisor", Some("alpha")).await;
    let sup_beta = server.staff("rudi", "supervisor", Some("beta")).await;
    let clerk = staff_by(&server, &sup, "budi", "clerk", Some("alpha")).await;
    let citizen = Client::new(&server.base);
    let ticket = citizen.issue("alpha", "ktp").await;
    let code = ticket["code"].as_str().unwrap().to_owned();
    let number = ticket["number"].as_str().unwrap().to_owned();
    for action in ["open", "call-next", "start", "finish"] {
        assert_eq!(clerk.act("alpha", "1", action).await.0, 200, "{action}");
    }
    let (status, body) = citizen
        .post(
            &format!("/api/v1/tickets/{code}/survey"),
            json!({"answers": [4, 4, 3, 4, 4, 4, 3, 4, 4]}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    sup.post_empty("/api/v1/users/budi/sign-out").await;

    let kinds = |page: &Value| -> Vec<String> {
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, page) = sup.get("/api/v1/audit?actor=budi").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        kinds(&page),
        [
            "ticket_done",
            "ticket_serving",
            "ticket_called",
            "counter_state",
            "counter_taken",
            "password_changed",
            "signed_in"
        ],
        "newest first, the clerk's own and the accounts log's"
    );
    let (_, page) = sup
        .get("/api/v1/audit?actor=user:siti&kind=signed_out_everywhere")
        .await;
    assert_eq!(page["entries"][0]["details"]["user"], "budi", "{page}");
    let (_, page) = sup
        .get(&format!("/api/v1/audit?number={}", number.to_lowercase()))
        .await;
    assert_eq!(
        kinds(&page),
        [
            "ticket_done",
            "ticket_serving",
            "ticket_called",
            "ticket_issued"
        ],
        "{page}"
    );
    // No code anywhere, and the survey says only for which service.
    let (_, all) = sup.get("/api/v1/audit").await;
    let text = all.to_string();
    assert!(!text.contains(&code), "{text}");
    let survey = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "survey_submitted")
        .unwrap();
    assert_eq!(survey["details"], json!({"service": "ktp"}));
    assert_eq!(survey["actor"], json!(null));

    // Pages, newest first, gap-free.
    let (_, first) = sup.get("/api/v1/audit?limit=3").await;
    let before = first["next_before"].as_i64().unwrap();
    let (_, second) = sup
        .get(&format!("/api/v1/audit?limit=3&before={before}"))
        .await;
    let ids = |p: &Value| -> Vec<i64> {
        p["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect()
    };
    let (a, b) = (ids(&first), ids(&second));
    assert!(
        a.windows(2).all(|w| w[0] > w[1]) && a[2] > b[0],
        "{a:?} {b:?}"
    );
    let every = ids(&all);
    assert!(every.len() < 50, "one page holds all");
    assert_eq!(
        all["next_before"],
        json!(null),
        "no older page: no link to one"
    );
    let (_, exact) = sup
        .get(&format!("/api/v1/audit?limit={}", every.len()))
        .await;
    assert_eq!(
        exact["next_before"],
        json!(null),
        "a page exactly full, and nothing older"
    );
    assert_eq!(&every[..6], [a, b].concat().as_slice());

    // Today, in the office's time zone; tomorrow holds nothing.
    let (_, office) = citizen.get("/api/v1/offices/alpha").await;
    let today = office["day"].as_str().unwrap();
    let (_, page) = sup
        .get(&format!("/api/v1/audit?day={today}&kind=ticket_issued"))
        .await;
    assert_eq!(page["entries"].as_array().unwrap().len(), 1);
    let (_, page) = sup.get("/api/v1/audit?day=2099-01-01").await;
    assert_eq!(page["entries"], json!([]));

    // Each supervisor their own office; clerks none.
    let (status, _) = sup_beta.get("/api/v1/audit?office=alpha").await;
    assert_eq!(status, 403);
    let (_, beta) = sup_beta.get("/api/v1/audit").await;
    assert!(!beta.to_string().contains("budi"), "{beta}");
    let (status, _) = clerk.get("/api/v1/audit").await;
    assert_eq!(status, 401, "signed out everywhere");
    let (clerk, _) = sign_in(&server, "budi", PASSWORD).await;
    assert_eq!(clerk.get("/api/v1/audit").await.0, 403);
    assert_eq!(clerk.get("/api/v1/audit/verify").await.0, 403);

    // CSV, for a spreadsheet.
    let r = sup
        .http
        .get(format!("{}/api/v1/audit.csv?actor=budi", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("\u{feff}id,log,seq,at,kind,actor,details")
    );
    assert_eq!(lines.count(), 8, "{csv}");

    let (_, check) = sup.get("/api/v1/audit/verify").await;
    assert_eq!(check["intact"], true, "{check}");
    let db = rusqlite::Connection::open(server.data.join("antrean.db")).unwrap();
    db.execute(
        "UPDATE events SET actor = 'user:siti' WHERE kind = 'ticket_done'",
        [],
    )
    .unwrap();
    let (_, check) = sup.get("/api/v1/audit/verify").await;
    assert_eq!(check["intact"], false, "{check}");
    assert_eq!(check["broken"]["log"], "alpha");
}

#[tokio::test]
async fn a_clerk_moved_to_another_office_is_in_the_audit_of_both() {
    let server = Server::start();
    let admin = server.staff("bupati", "admin", None).await;
    let alpha = server.staff("siti", "supervisor", Some("alpha")).await;
    let beta = server.staff("rudi", "supervisor", Some("beta")).await;
    server.staff("budi", "clerk", Some("alpha")).await;
    let (status, _) = admin
        .put(
            "/api/v1/users/budi",
            json!({"role": "clerk", "office": "beta"}),
        )
        .await;
    assert_eq!(status, 200);
    for sup in [&alpha, &beta] {
        let (_, page) = sup.get("/api/v1/audit?kind=user_changed").await;
        let entry = &page["entries"][0];
        assert_eq!(entry["details"]["user"], "budi", "{page}");
        assert_eq!(entry["details"]["from_office"], "alpha", "{page}");
    }
}
