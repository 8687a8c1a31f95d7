//! Personal data through its life, on the real binary with the clock
//! driven by the test (libfaketime): kept while the retention runs, erased
//! on the citizen's request once its day has ended, erased by the server
//! itself after `retention_days`; the audit log verifies all along, and
//! shows each erasure to the supervisor of the office it concerns.
#![allow(clippy::unwrap_used)]

mod common;

use common::{faketime, refs, Client, Server};
use serde_json::json;

fn cli(server: &Server, args: &[&str]) -> (bool, String) {
    let out = server.cli(args, None);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success(), text)
}

#[tokio::test]
async fn personal_data_is_kept_for_its_time_then_erased_and_the_log_still_verifies() {
    let mut server = Server::start_under(
        &refs(&faketime("2026-11-02 01:00:00")),
        "[privacy]\nretention_days = 30\ncontroller = \"Pemerintah Kabupaten Lampung Utara\"",
        "",
    );
    let citizen = Client::new(&server.base);
    let (s, served) = citizen
        .post(
            "/api/v1/offices/alpha/tickets",
            json!({"service": "ktp", "priority": "elderly"}),
        )
        .await;
    assert_eq!(s, 201, "{served}");
    let (s, waiting) = citizen
        .post(
            "/api/v1/offices/alpha/tickets",
            json!({"service": "kk", "priority": "disability"}),
        )
        .await;
    assert_eq!(s, 201, "{waiting}");
    let clerk = server.staff("siti", "clerk", Some("alpha")).await;
    for action in ["open", "call-next", "start", "finish"] {
        let (s, body) = clerk.act("alpha", "1", action).await;
        assert_eq!(s, 200, "{action}: {body}");
    }
    let served = served["code"].as_str().unwrap().to_owned();
    let waiting = waiting["code"].as_str().unwrap().to_owned();
    let (s, body) = citizen
        .post(
            &format!("/api/v1/tickets/{served}/survey"),
            json!({"answers": [4, 4, 3, 4, 4, 4, 3, 4, 4], "suggestion": "Pak Budi ramah, telepon saya 0812 3456 7890"}),
        )
        .await;
    assert_eq!(s, 204, "{body}");
    let (s, notice) = citizen.get("/api/v1/privacy").await;
    assert_eq!(s, 200);
    assert_eq!(
        notice,
        json!({"controller": "Pemerintah Kabupaten Lampung Utara", "contact": null, "retention_days": 30})
    );

    // While the day runs, what is kept is shown, and an erasure waits.
    let (ok, shown) = cli(&server, &["privacy", "show", &served]);
    assert!(ok, "{shown}");
    assert!(
        shown.contains("elderly") && shown.contains("Pak Budi"),
        "{shown}"
    );
    let (ok, said) = cli(&server, &["privacy", "erase", &waiting]);
    assert!(!ok && said.contains("today's queue"), "{said}");

    // The next day: the citizen of the second ticket asks for erasure, by
    // the address in their QR code.
    server.restart_under(&refs(&faketime("2026-11-03 01:00:00")));
    Client::new(&server.base).get("/api/v1/offices/alpha").await;
    let (ok, said) = cli(
        &server,
        &[
            "privacy",
            "erase",
            &format!("http://antrean.test/t/{waiting}"),
        ],
    );
    assert!(ok && said.contains("erased 1 priority reason"), "{said}");
    let (_, shown) = cli(&server, &["privacy", "show", &waiting]);
    assert!(shown.contains("none kept"), "{shown}");
    let (_, shown) = cli(&server, &["privacy", "show", &served]);
    assert!(
        shown.contains("elderly"),
        "still within its 30 days: {shown}"
    );

    // 31 days on, the server erases the rest by itself.
    server.restart_under(&refs(&faketime("2026-12-04 01:00:00")));
    let mut erased = String::new();
    for _ in 0..100 {
        erased = cli(&server, &["privacy", "show", &served]).1;
        if !erased.contains("elderly") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        !erased.contains("elderly") && !erased.contains("Budi"),
        "{erased}"
    );
    assert!(erased.contains("answered"), "the answers stay: {erased}");
    let (s, ticket) = Client::new(&server.base)
        .get(&format!("/api/v1/tickets/{served}"))
        .await;
    assert_eq!((s, &ticket["priority"]), (200, &json!(null)));

    // Each erasure is in the log, with who did it; the log verifies.
    let admin = server.staff("admin", "admin", None).await;
    let (s, log) = admin.get("/api/v1/audit?kind=personal_erased").await;
    assert_eq!(s, 200, "{log}");
    let actors: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors.len(), 2, "{log}");
    assert_eq!(actors[0], "system");
    assert!(actors[1].starts_with("operator:"), "{actors:?}");
    // Alpha's supervisor sees them in their office's log, with alpha's
    // figures; beta's does not.
    let (s, own) = server
        .staff("rina", "supervisor", Some("alpha"))
        .await
        .get("/api/v1/audit?kind=personal_erased")
        .await;
    assert_eq!(s, 200, "{own}");
    assert_eq!(own["entries"], log["entries"]);
    assert_eq!(
        own["entries"][0]["details"]["offices"],
        json!({"alpha": {"priority_reasons": 1, "suggestions": 1}}),
        "{own}"
    );
    let (s, other) = server
        .staff("dewi", "supervisor", Some("beta"))
        .await
        .get("/api/v1/audit?kind=personal_erased")
        .await;
    assert_eq!((s, &other["entries"]), (200, &json!([])), "{other}");
    let (ok, verified) = cli(&server, &["audit", "verify"]);
    assert!(ok, "{verified}");
}
