//! `send_to_printer` against real sockets on loopback: a printer that reads,
//! a port nobody listens on, and a printer that stops reading.

#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use antrean_ticket::{render_escpos, send_to_printer, Paper, PrintError, PrintedTicket};

/// Bounds only to keep a broken implementation from hanging the test run.
const HANG_GUARD: Duration = Duration::from_secs(30);

#[test]
fn bytes_arrive_intact() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let printer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut received = Vec::new();
        // Ends when the sender shuts down its side.
        conn.read_to_end(&mut received).unwrap();
        received
    });

    let ticket = PrintedTicket {
        office_name: "Kantor Imigrasi".into(),
        service_name: "Paspor".into(),
        number: "A012".into(),
        priority: None,
        issued_at: "28-11-2026 09:15 WIB".into(),
        ahead: 3,
        estimated_wait_min: Some(9),
        url: "https://antrean.example.go.id/t/7KQ2M9XD".into(),
        languages: vec!["id".into(), "en".into()],
        document: true,
    };
    let mut job = render_escpos(&ticket, Paper::Mm80);
    // And something larger than one write, with every byte value.
    job.extend((0..300_000u32).map(|i| (i % 251) as u8));
    send_to_printer(&addr, &job, Duration::from_secs(5), Duration::from_secs(10)).unwrap();
    assert_eq!(printer.join().unwrap(), job);
}

#[test]
fn refused_port_errors_quickly() {
    // A port that was just free: nothing listens there now.
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    let started = Instant::now();
    let err = send_to_printer(&addr, b"x", HANG_GUARD, HANG_GUARD).unwrap_err();
    assert!(matches!(err, PrintError::Refused { .. }), "{err:?}");
    assert!(err.to_string().contains("refused"), "{err}");
    assert!(started.elapsed() < HANG_GUARD);
}

#[test]
fn printer_that_stops_reading_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let printer = thread::spawn(move || {
        // Accept, then hold the connection open without reading a byte, like
        // a printer whose buffer is full because it is out of paper.
        let (conn, _) = listener.accept().unwrap();
        let _ = done_rx.recv_timeout(HANG_GUARD * 2);
        drop(conn);
    });

    // Far more than loopback socket buffers hold.
    let job = vec![b'x'; 64 * 1024 * 1024];
    let started = Instant::now();
    let err = send_to_printer(
        &addr,
        &job,
        Duration::from_secs(5),
        Duration::from_millis(300),
    )
    .unwrap_err();
    let elapsed = started.elapsed();
    done_tx.send(()).unwrap();
    printer.join().unwrap();

    match &err {
        PrintError::WriteTimedOut { sent, total, .. } => {
            assert!(sent < total, "{err}");
            assert_eq!(*total, job.len());
        }
        other => panic!("expected a write timeout, got {other:?}"),
    }
    assert!(err.to_string().contains("stopped accepting data"), "{err}");
    assert!(elapsed < HANG_GUARD, "took {elapsed:?}");
}

#[test]
fn bad_addresses_and_timeouts_are_typed_errors() {
    let err = send_to_printer("printer-without-port", b"x", HANG_GUARD, HANG_GUARD).unwrap_err();
    assert!(matches!(err, PrintError::Resolve { .. }), "{err:?}");
    assert!(err.to_string().contains("host:port"), "{err}");

    let err = send_to_printer("127.0.0.1:9100", b"x", Duration::ZERO, HANG_GUARD).unwrap_err();
    assert!(matches!(err, PrintError::InvalidTimeout(_)), "{err:?}");
}

#[test]
fn printer_that_talks_back_and_stays_open_gets_the_whole_job() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let job: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
    let expected = job.len();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let printer = thread::spawn(move || {
        use std::io::Write;
        let (mut conn, _) = listener.accept().unwrap();
        // Automatic status back: unread, it would make a plain close reset
        // the connection.
        conn.write_all(&[0x14, 0x00, 0x00, 0x0F]).unwrap();
        let mut received = vec![0; expected];
        conn.read_exact(&mut received).unwrap();
        // Then keep the connection open, as some printers do.
        let _ = done_rx.recv_timeout(HANG_GUARD * 2);
        received
    });

    let started = Instant::now();
    send_to_printer(&addr, &job, Duration::from_secs(5), Duration::from_secs(10)).unwrap();
    assert!(started.elapsed() < HANG_GUARD);
    done_tx.send(()).unwrap();
    assert_eq!(printer.join().unwrap(), job);
}
