//! The PDF as a printer and a phone see it: rasterised at 203 dpi with
//! poppler, the QR code read back with zbar, the text extracted, the page
//! measured.
//!
//! Needs the Debian packages poppler-utils and zbar-tools; without them the
//! test fails saying so, rather than passing without checking anything.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use antrean_ticket::{render_pdf, Paper, PrintedTicket};

/// Runs a tool and returns its stdout, failing clearly if it is missing.
fn run(tool: &str, package: &str, args: &[&str]) -> String {
    let output = match Command::new(tool).args(args).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{tool}` is not installed: install the Debian package {package} \
             (apt-get install -y {package})"
        ),
        Err(e) => panic!("could not run {tool}: {e}"),
    };
    assert!(
        output.status.success(),
        "{tool} {args:?} failed with {}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

fn regular() -> PrintedTicket {
    PrintedTicket {
        office_name: "Kantor Imigrasi Kelas I Jakarta Selatan".into(),
        service_name: "Paspor Baru".into(),
        number: "A012".into(),
        priority: None,
        issued_at: "28-11-2026 09:15 WIB".into(),
        ahead: 7,
        estimated_wait_min: Some(15),
        url: "https://antrean.example.go.id/t/7KQ2M9XD".into(),
        languages: vec!["id".into(), "en".into()],
        document: true,
    }
}

/// A word on the page, from `pdftotext -bbox`, in points from the top left.
#[derive(Debug)]
struct Word {
    text: String,
    x_min: f32,
    y_min: f32,
    x_max: f32,
    y_max: f32,
}

fn attr(tag: &str, name: &str) -> f32 {
    let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

fn words(pdf: &Path) -> Vec<Word> {
    let html = run(
        "pdftotext",
        "poppler-utils",
        &["-bbox", pdf.to_str().unwrap(), "-"],
    );
    html.split("<word ")
        .skip(1)
        .map(|chunk| {
            let (tag, rest) = chunk.split_once('>').unwrap();
            let text = rest.split_once("</word>").unwrap().0;
            Word {
                text: text.replace("&amp;", "&"),
                x_min: attr(tag, "xMin"),
                y_min: attr(tag, "yMin"),
                x_max: attr(tag, "xMax"),
                y_max: attr(tag, "yMax"),
            }
        })
        .collect()
}

/// Page width and height in points, from `pdfinfo`.
fn page_size(pdf: &Path) -> (f32, f32) {
    let info = run("pdfinfo", "poppler-utils", &[pdf.to_str().unwrap()]);
    let line = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_else(|| panic!("no page size in {info}"));
    let mut numbers = line
        .split_whitespace()
        .filter_map(|w| w.parse::<f32>().ok());
    (numbers.next().unwrap(), numbers.next().unwrap())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Renders, then checks everything a reader of the printed ticket relies on.
/// Returns the extracted text for case-specific checks.
fn check(name: &str, t: &PrintedTicket, paper: Paper, dir: &Path) -> String {
    let pdf_bytes = render_pdf(t, paper).unwrap();
    assert!(
        pdf_bytes.len() < 20 * 1024,
        "{name} {paper}: {} bytes",
        pdf_bytes.len()
    );
    let pdf: PathBuf = dir.join(format!("{name}-{paper}.pdf"));
    std::fs::write(&pdf, &pdf_bytes).unwrap();

    // The QR code, as a 203 dpi thermal printer would print it.
    let prefix = dir.join(format!("{name}-{paper}"));
    run(
        "pdftoppm",
        "poppler-utils",
        &[
            "-r",
            "203",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = prefix.with_extension("png");
    let decoded = run(
        "zbarimg",
        "zbar-tools",
        &["--raw", "-q", png.to_str().unwrap()],
    );
    assert_eq!(decoded.trim_end_matches('\n'), t.url, "{name} {paper}");

    // Page exactly as wide as the roll.
    let (width, height) = page_size(&pdf);
    let expected = paper.width_mm() * 72.0 / 25.4;
    assert!(
        (width - expected).abs() <= 0.5 * 72.0 / 25.4,
        "{name} {paper}: width {width} pt, expected {expected}"
    );

    // Text extractable, inside the page, nothing cut off, no long blank tail.
    let text = collapse(&run(
        "pdftotext",
        "poppler-utils",
        &[pdf.to_str().unwrap(), "-"],
    ));
    assert!(text.contains(&t.number), "{name} {paper}: {text}");
    assert!(
        text.contains(&collapse(&t.office_name)),
        "{name} {paper}: {text}"
    );
    let words = words(&pdf);
    for w in &words {
        assert!(
            w.x_min >= 0.0 && w.x_max <= width && w.y_min >= 0.0 && w.y_max <= height,
            "{name} {paper}: {w:?} outside the {width}x{height} page"
        );
    }
    let lowest = words.iter().map(|w| w.y_max).fold(0.0, f32::max);
    assert!(
        height - lowest < 8.0 * 72.0 / 25.4,
        "{name} {paper}: {} mm blank below the last line",
        (height - lowest) * 25.4 / 72.0
    );

    // The number is by far the biggest thing on the ticket.
    let tall = |w: &Word| w.y_max - w.y_min;
    let number = words.iter().find(|w| w.text == t.number).unwrap();
    let others = words
        .iter()
        .filter(|w| w.text != t.number)
        .map(tall)
        .fold(0.0, f32::max);
    assert!(
        tall(number) > 2.5 * others,
        "{name} {paper}: number {} pt tall, other text up to {others} pt",
        tall(number)
    );
    if t.number.len() <= 5 {
        let mm = tall(number) * 25.4 / 72.0;
        assert!(mm > 15.0, "{name} {paper}: number {mm} mm tall");
    }
    text
}

#[test]
fn regular_ticket_reads_back_on_both_papers() {
    let dir = tempfile::tempdir().unwrap();
    for paper in [Paper::Mm80, Paper::Mm58] {
        let text = check("regular", &regular(), paper, dir.path());
        for expected in [
            "Paspor Baru",
            "Nomor antrean / Queue number",
            "28-11-2026 09:15 WIB",
            "± 15 menit / about 15 min",
            "Pindai untuk memantau antrean",
            "Scan to follow your queue",
            "Simpan tiket ini untuk mengambil dokumen Anda",
            "Keep this ticket to collect your document",
        ] {
            assert!(text.contains(expected), "{paper}: {expected:?} in {text}");
        }
    }
}

#[test]
fn priority_ticket_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let t = PrintedTicket {
        number: "P003".into(),
        priority: Some("Prioritas: Ibu hamil / Priority: Pregnant woman".into()),
        ahead: 0,
        estimated_wait_min: None,
        ..regular()
    };
    for paper in [Paper::Mm80, Paper::Mm58] {
        let text = check("priority", &t, paper, dir.path());
        assert!(
            text.contains("Prioritas: Ibu hamil"),
            "{paper}: priority in {text}"
        );
        assert!(
            text.contains("belum dapat diperkirakan") && text.contains("not yet known"),
            "{paper}: {text}"
        );
    }
}

#[test]
fn long_names_wrap_instead_of_being_cut() {
    let dir = tempfile::tempdir().unwrap();
    let t = PrintedTicket {
        office_name: "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kepulauan \
                      Seribu Provinsi Daerah Khusus Ibukota Jakarta"
            .into(),
        service_name: "Perekaman KTP-el, Kartu Identitas Anak, dan Pencetakan \
                       Ulang Dokumen Kependudukan"
            .into(),
        number: "KIA-0123".into(),
        url: "https://antrean.disdukcapil.kepulauanseribu.example.go.id/t/7KQ2M9XDQ4".into(),
        ..regular()
    };
    for paper in [Paper::Mm80, Paper::Mm58] {
        let text = check("long", &t, paper, dir.path());
        assert!(text.contains("Ulang Dokumen Kependudukan"), "{text}");
    }
}

#[test]
fn english_only_office_and_accents() {
    let dir = tempfile::tempdir().unwrap();
    let t = PrintedTicket {
        office_name: r"Café Résidence – “Pelayanan” Łódź (Pusat) C:\ 100%".into(),
        languages: vec!["en".into()],
        ..regular()
    };
    let pdf = render_pdf(&t, Paper::Mm80).unwrap();
    let path = dir.path().join("accents.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = collapse(&run(
        "pdftotext",
        "poppler-utils",
        &[path.to_str().unwrap(), "-"],
    ));
    // WinAnsi characters survive, others are spelled without the accent, and
    // PDF string delimiters are escaped.
    assert!(
        text.contains(r"Café Résidence – “Pelayanan” Lódz (Pusat) C:\ 100%"),
        "{text}"
    );
    assert!(text.contains("Queue number"), "{text}");
    assert!(text.contains("Keep this ticket"), "{text}");
    // A service without a document to collect says nothing of keeping it.
    let t = PrintedTicket {
        document: false,
        ..t
    };
    let path = dir.path().join("no-document.pdf");
    std::fs::write(&path, render_pdf(&t, Paper::Mm80).unwrap()).unwrap();
    let text = run("pdftotext", "poppler-utils", &[path.to_str().unwrap(), "-"]);
    assert!(!text.contains("Keep this ticket"), "{text}");
    assert!(!text.contains("Nomor antrean"), "{text}");
}
