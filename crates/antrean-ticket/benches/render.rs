//! How long rendering a ticket takes, and how big the PDF is.
//!
//! `cargo bench -p antrean-ticket --bench render -- --quick`

#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use antrean_ticket::{render_escpos, render_pdf, Paper, PrintedTicket};
use criterion::{criterion_group, criterion_main, Criterion};

fn ticket() -> PrintedTicket {
    PrintedTicket {
        office_name: "Kantor Imigrasi Kelas I Khusus TPI Jakarta Selatan".into(),
        service_name: "Paspor Baru".into(),
        number: "A012".into(),
        priority: Some("Prioritas: Lansia / Priority: Elderly".into()),
        issued_at: "28-11-2026 09:15 WIB".into(),
        ahead: 7,
        estimated_wait_min: Some(15),
        url: "https://antrean.example.go.id/t/7KQ2M9XD".into(),
        languages: vec!["id".into(), "en".into()],
        document: true,
    }
}

fn render(c: &mut Criterion) {
    let t = ticket();
    for paper in [Paper::Mm80, Paper::Mm58] {
        let pdf = render_pdf(&t, paper).unwrap();
        let escpos = render_escpos(&t, paper);
        println!(
            "{paper}: PDF {} bytes, ESC/POS {} bytes",
            pdf.len(),
            escpos.len()
        );
    }
    c.bench_function("render_pdf 80mm", |b| {
        b.iter(|| render_pdf(black_box(&t), Paper::Mm80).unwrap())
    });
    c.bench_function("render_escpos 80mm", |b| {
        b.iter(|| render_escpos(black_box(&t), Paper::Mm80))
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
