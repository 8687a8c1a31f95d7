//! The office's configuration as state: who may change it, each field's
//! rule named in the answer, the conflicts with what is happening, changes
//! applied live and kept over a restart, export and import, the audit log.
#![allow(clippy::unwrap_used)]

mod common;

use common::{connect, next_msg, Client, Server};
use serde_json::{json, Value};

const ALPHA: &str = "/api/v1/offices/alpha";

fn service(prefix: &str) -> Value {
    json!({"name": {"id": "Akta Kelahiran", "en": "Birth certificate"}, "prefix": prefix,
           "quota": 40, "quota_online": 10, "service_minutes": 9,
           "requirements": ["Surat keterangan lahir"], "cost": "Gratis"})
}

fn counter(services: &[&str]) -> Value {
    json!({"name": "Loket 9", "services": services})
}

fn closure() -> Value {
    json!({"to": "2031-01-02", "reason": {"id": "Cuti bersama", "en": "Collective leave"}})
}

/// Every change of one kind of entry a role may try, with ids of its own
/// (a removed id is never used again).
fn operations(tag: &str, settings: &Value) -> Vec<(&'static str, String, Option<Value>)> {
    let s = format!("{ALPHA}/services/svc-{tag}");
    let c = format!("{ALPHA}/counters/k-{tag}");
    let day = if tag == "a" {
        "2031-01-01"
    } else {
        "2031-02-01"
    };
    let d = format!("{ALPHA}/closures/{day}");
    let p = format!("{ALPHA}/printers/p-{tag}");
    let prefix = if tag == "a" { "X" } else { "Y" };
    vec![
        ("GET", format!("{ALPHA}/config"), None),
        ("PUT", format!("{ALPHA}/settings"), Some(settings.clone())),
        (
            "PUT",
            format!("{ALPHA}/hours"),
            Some(json!({"mon": "07:30-16:00", "fri": "07:30-11:30, 13:30-16:00"})),
        ),
        ("DELETE", format!("{ALPHA}/hours"), None),
        ("PUT", s.clone(), Some(service(prefix))),
        ("PUT", c.clone(), Some(counter(&["kk"]))),
        ("DELETE", c, None),
        ("DELETE", s, None),
        (
            "PUT",
            d.clone(),
            Some(json!({"reason": {"id": "Libur", "en": "Holiday"}})),
        ),
        ("DELETE", d, None),
        ("PUT", p.clone(), Some(json!({"address": "10.0.0.9:9100"}))),
        ("DELETE", p, None),
    ]
}

#[tokio::test]
async fn each_change_is_for_a_supervisor_of_the_office_or_an_admin() {
    let server = Server::start();
    let anonymous = Client::new(&server.base);
    let clerk = server.staff("ani", "clerk", Some("alpha")).await;
    let other = server.staff("budi", "supervisor", Some("beta")).await;
    let supervisor = server.staff("citra", "supervisor", Some("alpha")).await;
    let admin = server.staff("dewi", "admin", None).await;
    let (_, config) = admin.get(&format!("{ALPHA}/config")).await;
    let settings = json!({
        "name": config["name"], "address": "Jl. Alpha 1", "time_zone": "Asia/Jakarta",
        "languages": ["id", "en"], "number_reading": "words", "min_calls": 2, "priority_ratio": null
    });
    let before = admin.get(&format!("{ALPHA}/config")).await.1;
    for (who, client, status) in [
        ("anonymous", &anonymous, 401),
        ("a clerk", &clerk, 403),
        ("another office's supervisor", &other, 403),
    ] {
        for (method, path, body) in operations("a", &settings) {
            let (got, answer) = client.send(method, &path, body.as_ref()).await;
            assert_eq!(got, status, "{who}: {method} {path}: {answer}");
        }
    }
    assert_eq!(admin.get(&format!("{ALPHA}/config")).await.1, before);
    for (tag, client) in [("a", &supervisor), ("b", &admin)] {
        for (method, path, body) in operations(tag, &settings) {
            let (got, answer) = client.send(method, &path, body.as_ref()).await;
            assert!((200..300).contains(&got), "{method} {path}: {got} {answer}");
            if method != "DELETE" && method != "GET" {
                assert_eq!(answer["id"], "alpha", "the configuration after: {answer}");
            }
        }
    }
    // A new entry is 201, a changed one 200; an unknown office 404.
    let s = format!("{ALPHA}/services/akta");
    assert_eq!(admin.put(&s, service("C")).await.0, 201);
    assert_eq!(admin.put(&s, service("C")).await.0, 200);
    let (status, body) = admin
        .put("/api/v1/offices/gamma/services/akta", service("C"))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("unknown_office"))
    );
}

#[tokio::test]
async fn a_field_that_breaks_its_rule_is_named_and_nothing_changes() {
    let server = Server::start();
    let admin = server.staff("dewi", "admin", None).await;
    let before = admin.get(&format!("{ALPHA}/config")).await.1;
    let mut quota = service("C");
    quota["quota_online"] = json!(50);
    let mut no_name = service("C");
    no_name["name"] = json!({"en": "Birth"});
    let mut other_id = service("C");
    other_id["id"] = json!("kk");
    let cases = [
        ("services/akta", service("c1"), "prefix"),
        ("services/akta", quota, "quota_online"),
        ("services/akta", no_name, "name"),
        ("services/akta", other_id, "id"),
        ("services/Akta!", service("C"), "id"),
        ("counters/9", counter(&["nikah"]), "services"),
        ("counters/9", counter(&[]), "services"),
        (
            "closures/2031-01-05",
            json!({"to": "2031-01-01", "reason": {"id": "Libur"}}),
            "to",
        ),
        (
            "closures/2031-01-05",
            json!({"reason": {"en": "Holiday"}}),
            "reason",
        ),
        ("printers/p1", json!({"address": "printer"}), "address"),
        (
            "settings",
            json!({"name": "Alpha", "time_zone": "Asia/Jakarta", "min_calls": 0}),
            "min_calls",
        ),
        (
            "settings",
            json!({"name": "Alpha", "time_zone": "Asia/Jakarta", "languages": ["en"]}),
            "services[1].name",
        ),
        (
            "services/akta",
            json!({"name": {"id": "Akta"}, "prefix": "C", "translations": {"id": {"cost": "Gratis"}}}),
            "translations",
        ),
        (
            "services/akta",
            json!({"name": {"id": "Akta"}, "prefix": "C", "translations": {"fr": {"cost": "Gratuit"}}}),
            "services[2].translations",
        ),
        ("hours", json!({"mon": "16:00-07:30"}), "hours"),
        ("hours", json!({"fri": "07:30-12:00, 11:00-16:00"}), "hours"),
        (
            "services/akta",
            json!({"name": {"id": "Akta"}, "prefix": "C", "hours": {"sat": "12:00-08:00"}}),
            "hours",
        ),
    ];
    for (path, body, field) in cases {
        let (status, answer) = admin.put(&format!("{ALPHA}/{path}"), body).await;
        assert_eq!(status, 422, "{path}: {answer}");
        assert_eq!(answer["error"]["code"], "invalid_field", "{answer}");
        assert_eq!(answer["error"]["field"], field, "{path}: {answer}");
    }
    // What JSON itself cannot be: 400, the message naming where.
    for (path, body, names) in [
        ("hours", json!({"mon": "pagi"}), "mon"),
        ("hours", json!({"funday": "07:30-16:00"}), "funday"),
        ("services/akta", json!({"prefix": "C"}), "name"),
        (
            "settings",
            json!({"name": "A", "time_zone": "Asia/Atlantis"}),
            "time_zone",
        ),
    ] {
        let (status, answer) = admin.put(&format!("{ALPHA}/{path}"), body).await;
        assert_eq!(status, 400, "{path}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(names), "{path}: {message}");
    }
    // A whole configuration names the entry: the second service's name.
    let mut whole = before.clone();
    whole["services"][1]["name"] = json!({"en": "Family card"});
    let (status, answer) = admin.put(&format!("{ALPHA}/config"), whole).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["field"], "services[1].name", "{answer}");
    assert_eq!(admin.get(&format!("{ALPHA}/config")).await.1, before);
}

#[tokio::test]
async fn a_change_that_conflicts_with_the_day_is_refused_with_its_reason() {
    let server = Server::start();
    let admin = server.staff("dewi", "admin", None).await;
    let clerk = server.staff("ani", "clerk", Some("alpha")).await;
    let code = |b: &Value| b["error"]["code"].as_str().unwrap_or_default().to_owned();

    // A prefix is one service's.
    let (status, body) = admin
        .put(&format!("{ALPHA}/services/akta"), service("A"))
        .await;
    assert_eq!(
        (status, code(&body)),
        (409, "prefix_taken".into()),
        "{body}"
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("ktp"));
    assert_eq!(body["error"]["field"], "prefix");

    // A service people wait for stays until they are served.
    let citizen = Client::new(&server.base);
    citizen.issue("alpha", "ktp").await;
    let (status, body) = admin.delete(&format!("{ALPHA}/services/ktp")).await;
    assert_eq!(
        (status, code(&body)),
        (409, "service_in_use".into()),
        "{body}"
    );

    // A counter that serves only it keeps it.
    let (status, body) = admin.delete(&format!("{ALPHA}/services/kk")).await;
    assert_eq!(
        (status, code(&body)),
        (409, "counter_needs_service".into()),
        "{body}"
    );

    // A counter at work stays: holding a ticket, then open.
    assert_eq!(clerk.act("alpha", "1", "open").await.0, 200);
    assert_eq!(clerk.act("alpha", "1", "call-next").await.0, 200);
    let (status, body) = admin.delete(&format!("{ALPHA}/counters/1")).await;
    assert_eq!(
        (status, code(&body)),
        (409, "counter_busy".into()),
        "{body}"
    );
    assert_eq!(clerk.act("alpha", "1", "start").await.0, 200);
    assert_eq!(clerk.act("alpha", "1", "finish").await.0, 200);
    let (status, body) = admin.delete(&format!("{ALPHA}/counters/1")).await;
    assert_eq!(
        (status, code(&body)),
        (409, "counter_not_closed".into()),
        "{body}"
    );
    assert_eq!(clerk.act("alpha", "1", "close").await.0, 200);
    assert_eq!(admin.delete(&format!("{ALPHA}/counters/1")).await.0, 200);

    // Ids are never used again.
    let (status, body) = admin
        .put(&format!("{ALPHA}/counters/1"), counter(&["ktp"]))
        .await;
    assert_eq!((status, code(&body)), (409, "id_retired".into()), "{body}");

    // Closed days do not overlap; removing one that is not there is 404.
    assert_eq!(
        admin
            .put(&format!("{ALPHA}/closures/2031-01-01"), closure())
            .await
            .0,
        201
    );
    let (status, body) = admin
        .put(&format!("{ALPHA}/closures/2031-01-02"), closure())
        .await;
    assert_eq!(
        (status, code(&body)),
        (409, "closure_overlaps".into()),
        "{body}"
    );
    let (status, body) = admin.delete(&format!("{ALPHA}/closures/2031-03-01")).await;
    assert_eq!(
        (status, code(&body)),
        (404, "unknown_closure".into()),
        "{body}"
    );
}

#[tokio::test]
async fn changes_apply_at_once_reach_the_screens_and_outlast_a_restart() {
    let mut server = Server::start();
    let admin = server.staff("dewi", "admin", None).await;
    let citizen = Client::new(&server.base);
    let mut ws = connect(&server.ws("/api/v1/offices/alpha/live")).await;
    assert_eq!(next_msg(&mut ws).await["type"], "snapshot");

    // A new service is offered once a counter serves it.
    assert_eq!(
        admin
            .put(&format!("{ALPHA}/services/akta"), service("C"))
            .await
            .0,
        201
    );
    let (status, body) = citizen
        .post(&format!("{ALPHA}/tickets"), json!({"service": "akta"}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("service_not_served"))
    );
    let office = citizen.get(ALPHA).await.1;
    assert!(!office["services"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == "akta"));
    assert_eq!(
        admin
            .put(&format!("{ALPHA}/counters/9"), counter(&["akta"]))
            .await
            .0,
        201
    );
    let t = citizen.issue("alpha", "akta").await;
    assert_eq!(t["number"], "C001");
    let office = citizen.get(ALPHA).await.1;
    assert!(office["services"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == "akta"));
    assert!(office["counters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "Loket 9"));

    // Each change is on the stream, in order.
    let mut changes = Vec::new();
    while changes.len() < 2 {
        let m = next_msg(&mut ws).await;
        if m["event"]["kind"] == "configured" {
            changes.push((m["event"]["change"].clone(), m["event"]["subject"].clone()));
        }
    }
    assert_eq!(
        changes,
        [
            (json!("service_saved"), json!("akta")),
            (json!("counter_saved"), json!("9"))
        ]
    );

    // A closed day: online tickets for it are refused, with its reason.
    let today = office["day"].as_str().unwrap().to_owned();
    let reason = json!({"id": "Libur daerah", "en": "Regional holiday"});
    assert_eq!(
        admin
            .put(
                &format!("{ALPHA}/closures/{today}"),
                json!({"reason": reason})
            )
            .await
            .0,
        201
    );
    let (status, body) = citizen
        .post(&format!("{ALPHA}/tickets"), json!({"service": "ktp"}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("service_closed"))
    );
    let office = citizen.get(ALPHA).await.1;
    assert_eq!(office["open"], false);
    assert_eq!(office["closed_reason"], reason);
    assert!(office["opens_at"].as_str().unwrap() > today.as_str());

    server.restart();
    let admin = Client::new(&server.base);
    let (status, _) = admin
        .post(
            "/api/v1/session",
            json!({"username": "dewi", "password": "kata-sandi-rahasia"}),
        )
        .await;
    assert_eq!(status, 200);
    let config = admin.get(&format!("{ALPHA}/config")).await.1;
    assert_eq!(config["services"][2]["id"], "akta");
    assert_eq!(config["counters"][3]["services"], json!(["akta"]));
    assert_eq!(config["closed"][0]["reason"], reason);
    let office = citizen_of(&server).get(ALPHA).await.1;
    assert_eq!(office["closed_reason"], reason);
    assert_eq!(
        admin.delete(&format!("{ALPHA}/closures/{today}")).await.0,
        200
    );
    assert_eq!(
        citizen_of(&server).issue("alpha", "akta").await["number"],
        "C002"
    );

    // Each change is in the chained log, with who made it.
    let out = server.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let db = rusqlite::Connection::open(server.data.join("antrean.db")).unwrap();
    let rows: Vec<(String, Option<String>)> = db
        .prepare("SELECT json_extract(body, '$.change.change'), actor FROM events WHERE office = 'alpha' AND kind = 'configured' ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let dewi = Some("user:dewi".to_owned());
    assert_eq!(
        rows,
        [
            ("seeded".to_owned(), None),
            ("service_saved".to_owned(), dewi.clone()),
            ("counter_saved".to_owned(), dewi.clone()),
            ("closure_saved".to_owned(), dewi.clone()),
            ("closure_removed".to_owned(), dewi),
        ]
    );
}

fn citizen_of(server: &Server) -> Client {
    Client::new(&server.base)
}

#[tokio::test]
async fn an_exported_configuration_imports_as_no_change_and_an_edited_one_as_its_changes() {
    let mut server = Server::start();
    let export = |server: &Server| {
        let out = server.cli(&["config", "export", "--office", "alpha"], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = export(&server);
    assert!(text.contains("id = \"alpha\""), "{text}");
    let file = server.config.join("alpha-export.toml");
    std::fs::write(&file, &text).unwrap();

    // Only one process writes the log: not while the server runs.
    let file_arg = file.to_str().unwrap();
    let out = server.cli(&["config", "import", file_arg], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("stop it"));

    server.sigkill();
    let out = server.cli(&["config", "import", file_arg], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to change"));

    let edited = text
        .replace("quota = 5000", "quota = 4000")
        .replace("name = \"Kantor Alpha\"", "name = \"Kantor Alpha Baru\"");
    std::fs::write(&file, edited).unwrap();
    let out = server.cli(&["config", "import", file_arg], None);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["changed: settings", "changed: service_saved kk"]
    );
    // A file that breaks a rule names it, and changes nothing.
    std::fs::write(&file, text.replace("prefix = \"B\"", "prefix = \"A\"")).unwrap();
    let out = server.cli(&["config", "import", file_arg], None);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("prefix `A` is used by service `ktp`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    server.restart();
    let office = Client::new(&server.base).get(ALPHA).await.1;
    assert_eq!(office["name"], "Kantor Alpha Baru");
    let out = server.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(export(&server).contains("quota = 4000"));
}
