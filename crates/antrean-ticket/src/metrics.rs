//! Text measurement and line wrapping.
//!
//! The PDF uses the standard Helvetica and Helvetica-Bold, which every PDF
//! reader has built in, so nothing is embedded and the file stays small. They
//! are encoded as WinAnsi (Windows-1252); to centre and wrap text the crate
//! needs their glyph widths, which are Adobe's published metrics (AFM) for the
//! two fonts, in thousandths of the font size, indexed by WinAnsi code.

use crate::translit::push_ascii;

/// Helvetica widths by WinAnsi code (0 = no glyph).
const HELVETICA: [u16; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, //
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, //
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, //
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, //
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, //
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, //
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, //
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0, //
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, //
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, //
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, //
    400, 584, 333, 333, 333, 578, 537, 584, 278, 333, 333, 365, 556, 834, 834, 834, //
    611, 667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, //
    278, 722, 722, 778, 778, 778, 778, 584, 778, 778, 722, 722, 722, 722, 667, 667, //
    611, 556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, //
    278, 556, 556, 556, 556, 556, 556, 556, 611, 556, 556, 556, 556, 500, 556, 500, //
];

/// Helvetica-Bold widths by WinAnsi code (0 = no glyph).
const HELVETICA_BOLD: [u16; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, //
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, //
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, //
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, //
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, //
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, //
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, //
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0, //
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, //
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, //
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, //
    400, 584, 333, 333, 333, 611, 556, 584, 278, 333, 333, 365, 556, 834, 834, 834, //
    611, 722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, //
    278, 722, 722, 778, 778, 778, 778, 584, 778, 778, 722, 722, 722, 722, 667, 667, //
    611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, //
    278, 611, 611, 611, 611, 611, 611, 611, 611, 611, 611, 611, 611, 556, 611, 556, //
];

/// The two faces a ticket uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    fn widths(self) -> &'static [u16; 256] {
        match self {
            Face::Regular => &HELVETICA,
            Face::Bold => &HELVETICA_BOLD,
        }
    }

    /// Width of `text` (already [`pdf_safe`]) at `size` points.
    pub fn width(self, text: &str, size: f32) -> f32 {
        let widths = self.widths();
        let units: u32 = text
            .chars()
            .map(|c| win_ansi(c).map_or(556, |b| u32::from(widths[usize::from(b)])))
            .sum();
        units as f32 * size / 1000.0
    }
}

/// The WinAnsi (Windows-1252) byte for `c`, if it has one.
pub(crate) fn win_ansi(c: char) -> Option<u8> {
    let cp = c as u32;
    if (0x20..=0x7E).contains(&cp) || (0xA0..=0xFF).contains(&cp) {
        return u8::try_from(cp).ok();
    }
    Some(match c {
        '\u{20AC}' => 0x80,
        '\u{201A}' => 0x82,
        '\u{0192}' => 0x83,
        '\u{201E}' => 0x84,
        '\u{2026}' => 0x85,
        '\u{2020}' => 0x86,
        '\u{2021}' => 0x87,
        '\u{02C6}' => 0x88,
        '\u{2030}' => 0x89,
        '\u{0160}' => 0x8A,
        '\u{2039}' => 0x8B,
        '\u{0152}' => 0x8C,
        '\u{017D}' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{02DC}' => 0x98,
        '\u{2122}' => 0x99,
        '\u{0161}' => 0x9A,
        '\u{203A}' => 0x9B,
        '\u{0153}' => 0x9C,
        '\u{017E}' => 0x9E,
        '\u{0178}' => 0x9F,
        _ => return None,
    })
}

/// `text` restricted to what the standard fonts can show: WinAnsi characters
/// stay as they are (é, “, –), whitespace becomes plain spaces, and anything
/// else is spelled in ASCII, so no character silently turns into a box.
pub(crate) fn pdf_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match win_ansi(c) {
            // The soft hyphen is WinAnsi but must stay invisible; the
            // no-break space is a space for wrapping purposes.
            Some(0xAD | 0xA0) | None => push_ascii(c, &mut out),
            Some(_) => out.push(c),
        }
    }
    out
}

/// Breaks `text` into lines no wider than `max` as measured by `measure`.
///
/// Bilingual text ("Perkiraan tunggu / Estimated wait") that does not fit on
/// one line breaks after a " / " first, so each language stays whole where it
/// can. Otherwise lines break between words; a word wider than a whole line is
/// broken between characters, so nothing is ever cut off. Runs of spaces
/// collapse to one. Empty text gives no lines.
pub(crate) fn wrap(text: &str, max: f32, measure: impl Fn(&str) -> f32) -> Vec<String> {
    let whole = wrap_words(text, max, &measure);
    if whole.len() <= 1 || !text.contains(" / ") {
        return whole;
    }
    let mut parts = text.split(" / ").map(str::trim).peekable();
    let mut lines = Vec::new();
    let mut current: Option<String> = None;
    while let Some(part) = parts.next() {
        let part = if parts.peek().is_some() {
            format!("{part} /")
        } else {
            part.to_owned()
        };
        if let Some(line) = current.take() {
            let joined = format!("{line} {part}");
            if measure(&joined) <= max {
                current = Some(joined);
                continue;
            }
            lines.push(line);
        }
        let mut part_lines = wrap_words(&part, max, &measure);
        current = part_lines.pop();
        lines.extend(part_lines);
    }
    lines.extend(current);
    lines
}

/// Like [`wrap`], with the lines made as even as possible: the same number
/// of lines, at the narrowest width that still needs no more of them. For
/// centred headings, where a lone last word ("Seribu") looks lost.
pub(crate) fn wrap_balanced(text: &str, max: f32, measure: impl Fn(&str) -> f32) -> Vec<String> {
    let greedy = wrap(text, max, &measure);
    let widest_word = text.split(' ').map(&measure).fold(0.0, f32::max);
    if greedy.len() < 2 || widest_word > max {
        return greedy;
    }
    let (mut fits, mut too_narrow) = (max, widest_word);
    if wrap(text, too_narrow, &measure).len() <= greedy.len() {
        return wrap(text, too_narrow, &measure);
    }
    // Bisect down to a twentieth of a point (or character).
    while fits - too_narrow > 0.05 {
        let mid = (fits + too_narrow) / 2.0;
        if wrap(text, mid, &measure).len() <= greedy.len() {
            fits = mid;
        } else {
            too_narrow = mid;
        }
    }
    wrap(text, fits, &measure)
}

/// Greedy word wrap, breaking overlong words between characters.
fn wrap_words(text: &str, max: f32, measure: &impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() {
            let candidate = format!("{line} {word}");
            if measure(&candidate) <= max {
                line = candidate;
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        if measure(word) <= max {
            line.push_str(word);
            continue;
        }
        // A word longer than a line: fill lines character by character.
        for c in word.chars() {
            line.push(c);
            if measure(&line) > max && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> f32 {
        s.chars().count() as f32
    }

    #[test]
    fn widths_match_the_afm() {
        // "A012" in Helvetica-Bold: 722 + 3 × 556.
        assert!((Face::Bold.width("A012", 1000.0) - 2390.0).abs() < 0.01);
        assert!((Face::Regular.width("Wi", 10.0) - 11.66).abs() < 0.01);
        assert!((Face::Regular.width("é–", 1.0) - (0.556 + 0.556)).abs() < 0.001);
    }

    #[test]
    fn pdf_safe_keeps_win_ansi_and_spells_the_rest() {
        assert_eq!(pdf_safe("Café “x” – ± 5"), "Café “x” – ± 5");
        assert_eq!(pdf_safe("Łódź\tWarsaw"), "Lódz Warsaw");
        assert_eq!(pdf_safe("a\u{A0}b\u{AD}c 日"), "a bc ?");
        assert!(pdf_safe("\u{1B}x").chars().all(|c| win_ansi(c).is_some()));
    }

    #[test]
    fn wraps_between_words() {
        assert_eq!(
            wrap("Kantor  Imigrasi Kelas I Jakarta", 16.0, chars),
            vec!["Kantor Imigrasi", "Kelas I Jakarta"]
        );
        assert_eq!(wrap("", 10.0, chars), Vec::<String>::new());
        assert_eq!(wrap("   ", 10.0, chars), Vec::<String>::new());
    }

    #[test]
    fn bilingual_text_breaks_between_languages() {
        let text = "belum dapat diperkirakan / not yet known";
        assert_eq!(wrap(text, 40.0, chars), vec![text]);
        assert_eq!(
            wrap(text, 32.0, chars),
            vec!["belum dapat diperkirakan /", "not yet known"]
        );
        assert_eq!(
            wrap("Prioritas: Ibu hamil / Priority: Pregnant / x", 24.0, chars),
            vec!["Prioritas: Ibu hamil /", "Priority: Pregnant / x"]
        );
        assert_eq!(
            wrap("Antrean di depan / People ahead", 10.0, chars),
            vec!["Antrean di", "depan /", "People", "ahead"]
        );
    }

    #[test]
    fn balanced_wrap_evens_out_the_lines() {
        assert_eq!(
            wrap(
                "Kantor Imigrasi Kelas I Khusus TPI Jakarta Selatan",
                40.0,
                chars
            ),
            vec!["Kantor Imigrasi Kelas I Khusus TPI", "Jakarta Selatan"]
        );
        assert_eq!(
            wrap_balanced(
                "Dinas Kependudukan dan Pencatatan Sipil Seribu",
                40.0,
                chars
            ),
            vec!["Dinas Kependudukan dan", "Pencatatan Sipil Seribu"]
        );
        assert_eq!(
            wrap_balanced("Paspor Baru", 32.0, chars),
            vec!["Paspor Baru"]
        );
        assert_eq!(
            wrap_balanced(
                "Kantor Imigrasi Kelas I Khusus TPI Jakarta Selatan",
                40.0,
                chars
            ),
            vec!["Kantor Imigrasi Kelas I", "Khusus TPI Jakarta Selatan"]
        );
        // Words longer than the line: as wrap does.
        assert_eq!(
            wrap_balanced("ab cdefghijkl", 5.0, chars),
            wrap("ab cdefghijkl", 5.0, chars)
        );
    }

    #[test]
    fn breaks_words_longer_than_a_line() {
        assert_eq!(
            wrap("ab https://example.org/t/xyz", 8.0, chars),
            vec!["ab", "https://", "example.", "org/t/xy", "z"]
        );
        // Never loses or adds a character.
        let text = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kepulauan Seribu";
        for max in 1..40 {
            let lines = wrap(text, max as f32, chars);
            assert!(
                lines.iter().all(|l| chars(l) <= max as f32),
                "{max}: {lines:?}"
            );
            assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        }
    }
}
