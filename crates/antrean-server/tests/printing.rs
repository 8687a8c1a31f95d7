//! Printed tickets as a reader gets them: the PDF's QR code read back from a
//! 203 dpi rendering, its text and page size; the ESC/POS stream received by a
//! test printer; printers that are off or stall.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::process::Command;

use common::{Client, Server};
use serde_json::{json, Value};

fn run(cmd: &mut Command, package: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}; install the Debian package {package}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn the_pdf_qr_reads_back_the_ticket_url() {
    let server = Server::start();
    let citizen = Client::new(&server.base);
    let t = citizen.issue("alpha", "ktp").await;
    let code = t["code"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (paper, width_mm) in [("80mm", 80.0), ("58mm", 58.0)] {
        let r = citizen
            .http
            .get(server.url(&format!("/api/v1/tickets/{code}/ticket.pdf?paper={paper}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        // The kiosk and the help desk print it from a hidden frame of
        // their own page; no other site may frame it.
        assert_eq!(r.headers()["x-frame-options"], "SAMEORIGIN");
        assert_eq!(
            r.headers()["content-security-policy"],
            "default-src 'none'; frame-ancestors 'self'"
        );
        let pdf = dir.path().join(format!("{paper}.pdf"));
        std::fs::write(&pdf, r.bytes().await.unwrap()).unwrap();
        let prefix = dir.path().join(paper);
        run(
            Command::new("pdftoppm")
                .args(["-r", "203", "-png", "-singlefile"])
                .arg(&pdf)
                .arg(&prefix),
            "poppler-utils",
        );
        let png = prefix.with_extension("png");
        let qr = run(
            Command::new("zbarimg").args(["--raw", "-q"]).arg(&png),
            "zbar-tools",
        );
        assert_eq!(qr.trim(), format!("http://antrean.test/t/{code}"));
        let text = run(
            Command::new("pdftotext").arg(&pdf).arg("-"),
            "poppler-utils",
        );
        assert!(text.contains("A001"), "{text}");
        assert!(text.contains("Kantor Alpha"), "{text}");
        let info = run(Command::new("pdfinfo").arg(&pdf), "poppler-utils");
        let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
        let width_pt: f64 = size.split_whitespace().nth(2).unwrap().parse().unwrap();
        assert!((width_pt * 25.4 / 72.0 - width_mm).abs() < 0.5, "{size}");
    }
    let (s, e) = citizen
        .get(&format!("/api/v1/tickets/{code}/ticket.pdf?paper=a4"))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (400, Some("invalid_query"))
    );
    let (s, e) = citizen.get("/api/v1/tickets/0000/ticket.pdf").await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (404, Some("unknown_ticket"))
    );
    let r = citizen
        .http
        .get(server.url(&format!("/api/v1/tickets/{code}/ticket.escpos?paper=58mm")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(qr_data(&bytes), format!("http://antrean.test/t/{code}"));
}

/// The data of the first `GS ( k` store command (fn 80) in an ESC/POS stream.
fn qr_data(stream: &[u8]) -> String {
    let at = stream
        .windows(3)
        .position(|w| w == [0x1D, 0x28, 0x6B])
        .expect("a QR command");
    let mut i = at;
    while i + 8 <= stream.len() {
        if stream[i..i + 3] == [0x1D, 0x28, 0x6B] {
            let len = usize::from(stream[i + 3]) + 256 * usize::from(stream[i + 4]);
            if stream[i + 5] == 0x31 && stream[i + 6] == 0x50 {
                return String::from_utf8(stream[i + 8..i + 5 + len].to_vec()).unwrap();
            }
            i += 5 + len;
        } else {
            i += 1;
        }
    }
    panic!("no QR store command")
}

#[tokio::test]
async fn a_kiosk_ticket_prints_on_the_network_printer_and_survives_a_dead_one() {
    let printer = TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap(); // dropped: nobody listens
                   // A printer that stalls: its accept queue is full, so connecting hangs.
    let stalled = tokio::net::TcpSocket::new_v4().unwrap();
    stalled.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let stalled_addr = stalled.local_addr().unwrap();
    let stalled = stalled.listen(1).unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(s) = std::net::TcpStream::connect_timeout(
            &stalled_addr,
            std::time::Duration::from_millis(200),
        ) {
            fillers.push(s);
        }
    }
    let printer_again = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = Server::start_with(
        "[printing]\nconnect_timeout_ms = 500\nwrite_timeout_ms = 1000",
        &format!(
            "[[printers]]\nid = \"kiosk-1\"\naddress = \"{}\"\n[[printers]]\nid = \"off\"\naddress = \"{refused}\"\n[[printers]]\nid = \"stalled\"\naddress = \"{stalled_addr}\"\npaper = \"58mm\"\n[[printers]]\nid = \"again\"\naddress = \"{}\"\n",
            printer.local_addr().unwrap(),
            printer_again.local_addr().unwrap()
        ),
    );
    let token = server.kiosk_token("alpha", "kiosk-1");
    let http = reqwest::Client::new();
    let kiosk = |print: &str| {
        http.post(server.url("/api/v1/offices/alpha/tickets"))
            .bearer_auth(&token)
            .json(&json!({"service": "ktp", "channel": "kiosk", "priority": "elderly", "print": print}))
            .send()
    };
    let receive = std::thread::spawn(move || {
        let (mut conn, _) = printer.accept().unwrap();
        let mut bytes = Vec::new();
        conn.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let r = kiosk("kiosk-1").await.unwrap();
    assert_eq!(r.status(), 201);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["print"]["ok"], true, "{t}");
    let stream = receive.join().unwrap();
    assert_eq!(&stream[..2], &[0x1B, 0x40], "initialise first");
    let cut = stream
        .windows(2)
        .rposition(|w| w == [0x1D, 0x56])
        .expect("a cut");
    assert!(stream.len() - cut <= 4, "cut last");
    assert_eq!(
        qr_data(&stream),
        format!("http://antrean.test/t/{}", t["code"].as_str().unwrap())
    );
    assert!(
        stream.windows(4).any(|w| w == b"A001"),
        "the number is printed"
    );
    assert!(
        stream.iter().all(|&b| b < 0x80),
        "text in a printer code page, never raw UTF-8"
    );

    for (printer, wording, failure) in [
        ("off", "refused", "not_a_printer"),
        ("stalled", "did not answer", "switched_off"),
    ] {
        let r = kiosk(printer).await.unwrap();
        assert_eq!(
            r.status(),
            201,
            "the ticket is issued even when the printer fails"
        );
        let t: Value = r.json().await.unwrap();
        assert_eq!(t["print"]["ok"], false, "{t}");
        assert!(
            t["print"]["error"].as_str().unwrap().contains(wording),
            "{t}"
        );
        assert_eq!(t["print"]["failure"], failure, "a code screens word");
        let (s, again) = Client::new(&server.base)
            .get(&format!("/api/v1/tickets/{}", t["code"].as_str().unwrap()))
            .await;
        assert_eq!((s, again["status"].as_str()), (200, Some("waiting")));
    }
    let r = kiosk("nope").await.unwrap();
    assert_eq!(r.status(), 404);

    // Printed again by the help desk, on the same printer: staff of the
    // ticket's office only.
    let code = t["code"].as_str().unwrap();
    let again = std::thread::spawn({
        let printer = printer_again;
        move || {
            let (mut conn, _) = printer.accept().unwrap();
            let mut bytes = Vec::new();
            conn.read_to_end(&mut bytes).unwrap();
            bytes
        }
    });
    let desk = server.staff("dewi", "help_desk", Some("alpha")).await;
    let other = server.staff("rudi", "clerk", Some("beta")).await;
    let path = format!("/api/v1/tickets/{code}/print");
    let (status, _) = Client::new(&server.base)
        .post(&path, json!({"printer": "again"}))
        .await;
    assert_eq!(status, 401);
    assert_eq!(other.post(&path, json!({"printer": "again"})).await.0, 403);
    assert_eq!(desk.post(&path, json!({"printer": "nope"})).await.0, 404);
    let (status, printed) = desk.post(&path, json!({"printer": "again"})).await;
    assert_eq!(
        (status, printed["ok"].as_bool()),
        (200, Some(true)),
        "{printed}"
    );
    let bytes = again.join().unwrap();
    assert!(
        bytes.windows(4).any(|w| w == b"A001"),
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    drop((stalled, fillers));
}
