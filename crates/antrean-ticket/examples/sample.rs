//! Writes sample tickets to look at: `cargo run -p antrean-ticket --example
//! sample -- OUT_DIR`, then e.g. `pdftoppm -r 203 -png OUT_DIR/ticket-80mm.pdf`.

use std::path::PathBuf;

use antrean_ticket::{render_escpos, render_pdf, Paper, PrintedTicket};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;
    let regular = PrintedTicket {
        office_name: "Kantor Imigrasi Kelas I Khusus TPI Jakarta Selatan".into(),
        service_name: "Paspor Baru".into(),
        number: "A012".into(),
        priority: None,
        issued_at: "28-11-2026 09:15 WIB".into(),
        ahead: 7,
        estimated_wait_min: Some(15),
        url: "https://antrean.example.go.id/t/7KQ2M9XD".into(),
        languages: vec!["id".into(), "en".into()],
        document: true,
    };
    let priority = PrintedTicket {
        number: "P003".into(),
        priority: Some("Prioritas: Lansia / Priority: Elderly".into()),
        estimated_wait_min: None,
        ahead: 0,
        ..regular.clone()
    };
    let long = PrintedTicket {
        office_name: "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kepulauan Seribu".into(),
        service_name: "Perekaman KTP-el dan Kartu Identitas Anak".into(),
        number: "KIA-0123".into(),
        languages: vec!["en".into(), "id".into()],
        ..regular.clone()
    };
    for (name, ticket) in [
        ("ticket", &regular),
        ("priority", &priority),
        ("long", &long),
    ] {
        for paper in [Paper::Mm80, Paper::Mm58] {
            let pdf = render_pdf(ticket, paper)?;
            std::fs::write(dir.join(format!("{name}-{paper}.pdf")), &pdf)?;
            let escpos = render_escpos(ticket, paper);
            std::fs::write(dir.join(format!("{name}-{paper}.bin")), &escpos)?;
            println!(
                "{name} {paper}: PDF {} bytes, ESC/POS {} bytes",
                pdf.len(),
                escpos.len()
            );
        }
    }
    Ok(())
}
