//! Plain-ASCII spelling of any text, for printers that only take code pages.
//!
//! Receipt printers do not speak UTF-8: raw multi-byte characters come out as
//! rows of symbols from whatever code page is selected. The one subset every
//! code page agrees on is printable ASCII, so text for ESC/POS is spelled
//! with it: accents are dropped (é → e), typographic punctuation becomes its
//! typewriter form (“ ” → ", – → -), and anything without a reasonable
//! spelling becomes '?'. Control characters can never reach the printer as
//! commands.

/// Base letters for U+00C0..=U+024F (Latin-1 letters, Latin Extended-A and
/// -B), one ASCII byte each; '?' where there is no single base letter.
const LATIN_C0_24F: &str = concat!(
    "AAAAAA?CEEEEIIIIDNOOOOOxOUUUUY??aaaaaa?ceeeeiiiidnooooo/ouuuuy?y",
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi??JjKkkLlLlLlL",
    "lLlNnNnNn?NnOoOoOo??RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs",
    "????????????????????????????????Oo?????????????Uu???????????????",
    "?????????????AaIiOoUuUuUuUuUu?AaAa????GgKkOoOo??j???Gg??NnAa????",
    "AaAaEeEeIiIiOoOoRrRrUuUuSsTt??Hh??????AaEeOoOoOoOoYy????????????",
    "????????????????",
);

/// Base letters for U+1E00..=U+1EFF (Latin Extended Additional, which holds
/// most Vietnamese letters).
const LATIN_1E00_1EFF: &str = concat!(
    "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMm",
    "MmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVv",
    "WwWwWwWwWwXxXxYyZzZzZzhtwy?s????AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEe",
    "EeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy??????",
);

/// Spells `text` in printable ASCII (0x20..=0x7E): whitespace becomes a
/// plain space, accents are dropped, punctuation is simplified and anything
/// else becomes '?'.
///
/// ```
/// assert_eq!(antrean_ticket::to_ascii("Café “Ibu” – ± 5"), "Cafe \"Ibu\" - +/- 5");
/// ```
pub fn to_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_ascii(c, &mut out);
    }
    out
}

/// Appends the ASCII spelling of one character.
pub(crate) fn push_ascii(c: char, out: &mut String) {
    if (' '..='~').contains(&c) {
        out.push(c);
        return;
    }
    if c.is_whitespace() {
        out.push(' ');
        return;
    }
    let cp = c as u32;
    let table_hit = match cp {
        0xC0..=0x24F => Some(LATIN_C0_24F.as_bytes()[(cp - 0xC0) as usize]),
        0x1E00..=0x1EFF => Some(LATIN_1E00_1EFF.as_bytes()[(cp - 0x1E00) as usize]),
        _ => None,
    };
    if let Some(b) = table_hit {
        if b != b'?' {
            out.push(char::from(b));
            return;
        }
    }
    // Fullwidth forms of ASCII, as typed with some Asian input methods.
    if (0xFF01..=0xFF5E).contains(&cp) {
        if let Some(ascii) = char::from_u32(cp - 0xFEE0) {
            out.push(ascii);
            return;
        }
    }
    out.push_str(match c {
        // Invisible: soft hyphen, zero-width characters, byte order mark.
        '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => "",
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{B4}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => "\"",
        '\u{AB}' => "<<",
        '\u{BB}' => ">>",
        '\u{2039}' => "<",
        '\u{203A}' => ">",
        '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
        '\u{2026}' => "...",
        '\u{2022}' | '\u{2219}' => "*",
        '\u{B7}' => ".",
        '\u{B1}' => "+/-",
        '\u{D7}' => "x",
        '\u{F7}' => "/",
        '\u{B0}' | '\u{BA}' => "o",
        '\u{AA}' => "a",
        '\u{A9}' => "(c)",
        '\u{AE}' => "(R)",
        '\u{2122}' => "TM",
        '\u{20AC}' => "EUR",
        '\u{A3}' => "GBP",
        '\u{A5}' => "JPY",
        '\u{A2}' => "c",
        '\u{A1}' => "!",
        '\u{BF}' => "?",
        '\u{A6}' => "|",
        '\u{B9}' => "1",
        '\u{B2}' => "2",
        '\u{B3}' => "3",
        '\u{BC}' => "1/4",
        '\u{BD}' => "1/2",
        '\u{BE}' => "3/4",
        '\u{B5}' => "u",
        'Æ' => "AE",
        'æ' => "ae",
        'Œ' => "OE",
        'œ' => "oe",
        'ß' => "ss",
        'Þ' => "Th",
        'þ' => "th",
        'Ĳ' => "IJ",
        'ĳ' => "ij",
        'Ø' => "O",
        'ø' => "o",
        'Đ' | 'Ð' => "D",
        'đ' | 'ð' => "d",
        'Ł' | 'Ŀ' => "L",
        'ł' | 'ŀ' => "l",
        'Ħ' => "H",
        'ħ' => "h",
        'Ŧ' => "T",
        'ŧ' => "t",
        'ı' => "i",
        'Ŋ' => "N",
        'ŋ' => "n",
        'ſ' => "s",
        // Control characters, emoji, other scripts: nothing reasonable.
        _ => "?",
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_unchanged() {
        let s = "Kantor Imigrasi Kelas I - A012 (09:15) ~!@#$%^&*_+={}[]|\\:;\"'<>,.?/";
        assert_eq!(to_ascii(s), s);
    }

    #[test]
    fn accents_are_dropped() {
        assert_eq!(to_ascii("Café Señor Ünal Øst"), "Cafe Senor Unal Ost");
        assert_eq!(to_ascii("Đà Nẵng, Việt Nam"), "Da Nang, Viet Nam");
        assert_eq!(to_ascii("Łódź Straße Æsir"), "Lodz Strasse AEsir");
        assert_eq!(to_ascii("ÀÉÎÕÜÇÑ àéîõüçñ ÿ"), "AEIOUCN aeioucn y");
    }

    #[test]
    fn punctuation_is_simplified() {
        assert_eq!(to_ascii("“Ibu” ‘Pak’"), "\"Ibu\" 'Pak'");
        assert_eq!(to_ascii("08.00 – 15.00 — tutup"), "08.00 - 15.00 - tutup");
        assert_eq!(to_ascii("± 15 menit…"), "+/- 15 menit...");
        assert_eq!(to_ascii("«a» • b · c"), "<<a>> * b . c");
        assert_eq!(to_ascii("30°C © ™ €5"), "30oC (c) TM EUR5");
        assert_eq!(to_ascii("ＡＢＣ１２３"), "ABC123");
    }

    #[test]
    fn whitespace_becomes_spaces_and_invisibles_vanish() {
        assert_eq!(to_ascii("a\tb\nc\u{A0}d\u{2009}e"), "a b c d e");
        assert_eq!(to_ascii("ab\u{AD}c\u{200B}d\u{FEFF}"), "abcd");
    }

    #[test]
    fn unknown_and_control_become_question_marks() {
        assert_eq!(to_ascii("日本"), "??");
        assert_eq!(to_ascii("ok 👍"), "ok ?");
        assert_eq!(to_ascii("\u{1B}@\u{1D}V\u{0}"), "?@?V?");
    }

    #[test]
    fn output_is_always_printable_ascii() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let out = to_ascii(&all);
        assert!(out.bytes().all(|b| (0x20..=0x7E).contains(&b)));
    }
}
