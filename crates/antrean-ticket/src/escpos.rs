//! The ticket as raw ESC/POS, for network receipt printers.
//!
//! Only the commands every Epson-compatible printer knows are used: reset,
//! alignment, print mode (`ESC !`), character size (`GS !`), the printer's own
//! QR code (`GS ( k`, model 2), feed and cut. All text is printable ASCII
//! (see [`crate::to_ascii`]), so the stream prints the same whatever code
//! page the printer is set to, and text can never smuggle in a command.

use crate::labels::{self, Labels};
use crate::metrics::{wrap, wrap_balanced};
use crate::qr::{module_dots, total_modules_for};
use crate::translit::to_ascii;
use crate::{Paper, PrintedTicket};

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;

/// `ESC !` print mode bits.
const MODE_NORMAL: u8 = 0x00;
const MODE_BOLD: u8 = 0x08;
const MODE_DOUBLE_HEIGHT: u8 = 0x10;

/// Renders the ticket as an ESC/POS byte stream for a printer with `paper`
/// loaded, ending with a cut.
///
/// Infallible: a URL too long for a QR code (thousands of characters) is
/// printed as text only.
pub fn render_escpos(t: &PrintedTicket, paper: Paper) -> Vec<u8> {
    let cols = paper.columns();
    let langs = labels::for_languages(&t.languages);
    let mut p = Escpos {
        out: Vec::with_capacity(768),
        cols,
    };

    p.cmd(&[ESC, b'@']);
    p.cmd(&[ESC, b'a', 1]);

    p.mode(MODE_BOLD | MODE_DOUBLE_HEIGHT);
    p.heading(&t.office_name);
    p.mode(MODE_NORMAL);
    p.heading(&t.service_name);
    p.rule();

    p.lines(
        &labels::joined(&langs, |x: &Labels| x.number.to_owned()),
        cols,
    );
    // As large as fits: n times wider and taller in font A (12 × 24 dots).
    let max_scale = match paper {
        Paper::Mm80 => 5,
        Paper::Mm58 => 4,
    };
    let len = to_ascii(&t.number).chars().count().max(1);
    let scale = (1..=max_scale).rev().find(|k| len * k <= cols).unwrap_or(1);
    p.mode(MODE_BOLD);
    let size = u8::try_from((scale - 1) * 0x11).expect("scale is at most 8");
    p.cmd(&[GS, b'!', size]);
    p.lines(&t.number, cols / scale);
    p.cmd(&[GS, b'!', 0]);
    p.mode(MODE_NORMAL);

    if let Some(priority) = t.priority.as_deref().filter(|x| !x.trim().is_empty()) {
        p.mode(MODE_BOLD | MODE_DOUBLE_HEIGHT);
        p.lines(&format!("** {priority} **"), cols);
        p.mode(MODE_NORMAL);
    }
    p.rule();

    p.fact(
        &labels::joined(&langs, |x| x.issued.to_owned()),
        &t.issued_at,
    );
    p.fact(
        &labels::joined(&langs, |x| x.ahead.to_owned()),
        &t.ahead.to_string(),
    );
    p.fact(
        &labels::joined(&langs, |x| x.wait.to_owned()),
        &labels::wait_text(&langs, t.estimated_wait_min),
    );
    p.out.push(b'\n');

    // The printer builds the symbol itself; only its size is needed here.
    if let Ok(module) = total_modules_for(&t.url).and_then(|m| module_dots(paper, m)) {
        p.qr(t.url.as_bytes(), module);
    }
    for lang in &langs {
        p.lines(lang.scan, cols);
    }
    p.lines(&t.url, cols);
    if t.document {
        p.out.push(b'\n');
        p.mode(MODE_BOLD);
        for lang in &langs {
            p.lines(lang.keep, cols);
        }
        p.mode(MODE_NORMAL);
    }

    // Feed past the cutter, which sits a few lines above the print head.
    p.cmd(&[ESC, b'd', 4]);
    // Partial cut: the ticket hangs by a hinge instead of dropping inside the kiosk.
    p.cmd(&[GS, b'V', 1]);
    p.out
}

struct Escpos {
    out: Vec<u8>,
    cols: usize,
}

impl Escpos {
    fn cmd(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// `ESC ! n`: font A with the given emphasis and size bits.
    fn mode(&mut self, bits: u8) {
        self.cmd(&[ESC, b'!', bits]);
    }

    /// Text spelled in ASCII and wrapped to `cols` characters, a line each.
    fn lines(&mut self, text: &str, cols: usize) {
        for line in wrap(&to_ascii(text), cols as f32, |s| s.len() as f32) {
            self.out.extend_from_slice(line.as_bytes());
            self.out.push(b'\n');
        }
    }

    /// Like [`Escpos::lines`], with lines of even length.
    fn heading(&mut self, text: &str) {
        for line in wrap_balanced(&to_ascii(text), self.cols as f32, |s| s.len() as f32) {
            self.out.extend_from_slice(line.as_bytes());
            self.out.push(b'\n');
        }
    }

    fn rule(&mut self) {
        self.out.extend(std::iter::repeat_n(b'-', self.cols));
        self.out.push(b'\n');
    }

    /// A caption with its value in bold below.
    fn fact(&mut self, caption: &str, value: &str) {
        self.lines(caption, self.cols);
        self.mode(MODE_BOLD);
        self.lines(value, self.cols);
        self.mode(MODE_NORMAL);
    }

    /// The printer's own QR code: model 2, `module` dots a module, error
    /// correction M, then store `data` and print it.
    fn qr(&mut self, data: &[u8], module: u32) {
        let module = u8::try_from(module.clamp(1, 16)).expect("clamped to 1..=16");
        self.gs_k(&[0x31, 65, 50, 0]); // fn 65: model 2
        self.gs_k(&[0x31, 67, module]); // fn 67: module size in dots
        self.gs_k(&[0x31, 69, 49]); // fn 69: error correction M
        let mut store = Vec::with_capacity(data.len() + 3);
        store.extend_from_slice(&[0x31, 80, 0x30]); // fn 80: store in symbol area
        store.extend_from_slice(data);
        self.gs_k(&store);
        self.gs_k(&[0x31, 81, 0x30]); // fn 81: print the stored symbol
    }

    /// `GS ( k pL pH` followed by `body`, whose length pL + pH × 256 counts.
    fn gs_k(&mut self, body: &[u8]) {
        let len = u16::try_from(body.len()).expect("QR data is at most 2331 bytes at level M");
        let [lo, hi] = len.to_le_bytes();
        self.cmd(&[GS, b'(', b'k', lo, hi]);
        self.cmd(body);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// What a printer would make of the stream.
    #[derive(Debug, Default)]
    struct Parsed {
        /// Printable text with line feeds, commands removed.
        text: String,
        /// Each `GS ( k` body (after pL pH).
        gs_k: Vec<Vec<u8>>,
        /// Every command, as its leading bytes (e.g. `[ESC, b'!']`).
        commands: Vec<Vec<u8>>,
    }

    /// Walks the stream command by command, failing on any byte that is
    /// neither a known command nor printable ASCII or a line feed.
    fn parse(bytes: &[u8]) -> Parsed {
        let mut p = Parsed::default();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                ESC => {
                    let len = match bytes[i + 1] {
                        b'@' => 2,
                        b'a' | b'!' | b'd' => 3,
                        other => panic!("unknown ESC {other:#04x} at {i}"),
                    };
                    p.commands.push(bytes[i..i + len].to_vec());
                    i += len;
                }
                GS => match bytes[i + 1] {
                    b'!' | b'V' => {
                        p.commands.push(bytes[i..i + 3].to_vec());
                        i += 3;
                    }
                    b'(' => {
                        assert_eq!(bytes[i + 2], b'k', "GS ( {:#04x}", bytes[i + 2]);
                        let n = usize::from(bytes[i + 3]) + 256 * usize::from(bytes[i + 4]);
                        let body = bytes[i + 5..i + 5 + n].to_vec();
                        p.commands.push(bytes[i..i + 5].to_vec());
                        p.gs_k.push(body);
                        i += 5 + n;
                    }
                    other => panic!("unknown GS {other:#04x} at {i}"),
                },
                b'\n' => {
                    p.text.push('\n');
                    i += 1;
                }
                b @ 0x20..=0x7E => {
                    p.text.push(char::from(b));
                    i += 1;
                }
                other => panic!("byte {other:#04x} outside a command at {i}"),
            }
        }
        p
    }

    fn ticket() -> PrintedTicket {
        PrintedTicket {
            office_name: "Kantor Imigrasi Kelas I Khusus Non-TPI Jakarta Selatan".into(),
            service_name: "Paspor Baru – Dewasa".into(),
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

    #[test]
    fn starts_with_reset_and_ends_with_cut() {
        for paper in [Paper::Mm80, Paper::Mm58] {
            let bytes = render_escpos(&ticket(), paper);
            assert_eq!(&bytes[..2], &[0x1B, 0x40]);
            assert_eq!(&bytes[bytes.len() - 3..], &[0x1D, 0x56, 0x01]);
            assert_eq!(&bytes[2..5], &[0x1B, 0x61, 1], "centred");
        }
    }

    #[test]
    fn qr_commands_carry_the_url_exactly() {
        let t = ticket();
        let p = parse(&render_escpos(&t, Paper::Mm80));
        assert_eq!(p.gs_k.len(), 5);
        assert_eq!(p.gs_k[0], [0x31, 65, 50, 0], "model 2");
        assert_eq!(p.gs_k[1], [0x31, 67, 6], "6-dot modules on 80 mm");
        assert_eq!(p.gs_k[2], [0x31, 69, 49], "error correction M");
        let store = &p.gs_k[3];
        assert_eq!(&store[..3], &[0x31, 0x50, 0x30]);
        assert_eq!(&store[3..], t.url.as_bytes());
        assert_eq!(p.gs_k[4], [0x31, 81, 0x30], "print");

        let p = parse(&render_escpos(&t, Paper::Mm58));
        assert_eq!(p.gs_k[1], [0x31, 67, 4], "4-dot modules on 58 mm");
    }

    #[test]
    fn store_length_counts_data_plus_three() {
        let mut t = ticket();
        // Over 255 bytes, so pH is used.
        t.url = format!("https://antrean.example.go.id/t/{}", "x".repeat(300));
        let bytes = render_escpos(&t, Paper::Mm80);
        let p = parse(&bytes);
        assert_eq!(&p.gs_k[3][3..], t.url.as_bytes());
        let at = bytes
            .windows(8)
            .position(|w| w[..3] == [GS, b'(', b'k'] && w[5..] == [0x31, 0x50, 0x30])
            .unwrap();
        let n = usize::from(bytes[at + 3]) + 256 * usize::from(bytes[at + 4]);
        assert_eq!(n, t.url.len() + 3);
    }

    #[test]
    fn text_is_ascii_wrapped_and_complete() {
        for paper in [Paper::Mm80, Paper::Mm58] {
            let p = parse(&render_escpos(&ticket(), paper));
            for line in p.text.lines() {
                assert!(line.len() <= paper.columns(), "{paper}: {line:?}");
            }
            let flat = p.text.replace('\n', " ");
            for expected in [
                "A012",
                "Kantor Imigrasi",
                "Paspor Baru - Dewasa",
                "Prioritas: Lansia / Priority: Elderly",
                "28-11-2026 09:15 WIB",
                "Nomor antrean / Queue number",
                "+/- 15 menit / about 15 min",
                "Pindai untuk memantau antrean",
                "Scan to follow your queue",
                "Simpan tiket ini untuk mengambil dokumen Anda",
                "Keep this ticket to collect your document",
            ] {
                assert!(flat.contains(expected), "{paper}: {expected:?} in {flat}");
            }
        }
    }

    #[test]
    fn number_is_large_and_bold() {
        let bytes = render_escpos(&ticket(), Paper::Mm80);
        let at = bytes.windows(4).position(|w| w == b"A012").unwrap();
        // Emphasis, then 5× width and height, right before the number.
        assert_eq!(&bytes[at - 6..at], &[ESC, b'!', MODE_BOLD, GS, b'!', 0x44]);
        // An overlong number shrinks rather than overflowing the line.
        let mut t = ticket();
        t.number = "PRIORITY-0123456789".into();
        let bytes = render_escpos(&t, Paper::Mm58);
        let at = bytes.windows(4).position(|w| w == b"PRIO").unwrap();
        assert_eq!(&bytes[at - 3..at], &[GS, b'!', 0x00]);
    }

    #[test]
    fn unknown_wait_is_said_honestly_and_languages_follow_the_office() {
        let mut t = ticket();
        t.estimated_wait_min = None;
        t.priority = None;
        t.languages = vec!["en".into()];
        let p = parse(&render_escpos(&t, Paper::Mm80));
        assert!(p.text.contains("not yet known"), "{}", p.text);
        assert!(!p.text.contains("belum"), "{}", p.text);
        assert!(!p.text.contains("**"), "{}", p.text);
        assert!(p.text.contains("Queue number\n"), "{}", p.text);
    }

    #[test]
    fn hostile_text_cannot_inject_commands() {
        let mut t = ticket();
        t.office_name = "Kantor\u{1D}V\u{0}\u{1B}@ “Ibu” 日本".into();
        t.number = "A\u{1B}1".into();
        let p = parse(&render_escpos(&t, Paper::Mm80));
        assert!(p.text.contains("Kantor?V??@ \"Ibu\" ??"), "{}", p.text);
        // Only the commands the renderer itself emits.
        let cuts = p.commands.iter().filter(|c| c[..2] == [GS, b'V']).count();
        assert_eq!(cuts, 1);
    }

    #[test]
    fn url_too_long_for_a_qr_still_prints() {
        let mut t = ticket();
        t.url = format!("https://x.id/t/{}", "a".repeat(3000));
        let p = parse(&render_escpos(&t, Paper::Mm58));
        assert!(p.gs_k.is_empty());
        assert!(p.text.contains("https://x.id/t/aaaa"));
    }
}
