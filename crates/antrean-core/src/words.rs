//! The spoken call: "Nomor antrean A dua belas, silakan menuju loket tiga".
//!
//! One implementation for every display: the server puts the sentence into
//! each call event, so displays only speak and show it.

use serde::{Deserialize, Serialize};

/// How the digits of a ticket number are read aloud. Configured by name
/// (`words`, `digits`), so it deserialises straight from configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NumberReading {
    /// "dua belas".
    #[default]
    Words,
    /// "satu dua" (0 is "nol"), preferred by some offices.
    Digits,
}

const ID_ONES: [&str; 10] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
];
const EN_ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// An Indonesian number in words, 0 to 9,999 ("seratus dua puluh tiga").
pub fn indonesian(n: u32) -> String {
    let n = n.min(9_999);
    let mut parts: Vec<String> = Vec::new();
    let (thousands, rest) = (n / 1000, n % 1000);
    match thousands {
        0 => {}
        1 => parts.push("seribu".into()),
        t => parts.push(format!("{} ribu", ID_ONES[t as usize])),
    }
    let (hundreds, rest) = (rest / 100, rest % 100);
    match hundreds {
        0 => {}
        1 => parts.push("seratus".into()),
        h => parts.push(format!("{} ratus", ID_ONES[h as usize])),
    }
    match rest {
        0 if n == 0 => parts.push("nol".into()),
        0 => {}
        1..=9 => parts.push(ID_ONES[rest as usize].into()),
        10 => parts.push("sepuluh".into()),
        11 => parts.push("sebelas".into()),
        12..=19 => parts.push(format!("{} belas", ID_ONES[(rest - 10) as usize])),
        _ => {
            parts.push(format!("{} puluh", ID_ONES[(rest / 10) as usize]));
            if rest % 10 != 0 {
                parts.push(ID_ONES[(rest % 10) as usize].into());
            }
        }
    }
    parts.join(" ")
}

/// An English number in words, 0 to 9,999 ("one hundred twenty-three").
pub fn english(n: u32) -> String {
    let n = n.min(9_999);
    let mut parts: Vec<String> = Vec::new();
    if n >= 1000 {
        parts.push(format!("{} thousand", EN_ONES[(n / 1000) as usize]));
    }
    let rest = n % 1000;
    if rest >= 100 {
        parts.push(format!("{} hundred", EN_ONES[(rest / 100) as usize]));
    }
    let rest = rest % 100;
    match rest {
        0 if n == 0 => parts.push("zero".into()),
        0 => {}
        1..=19 => parts.push(EN_ONES[rest as usize].into()),
        _ if rest.is_multiple_of(10) => parts.push(EN_TENS[(rest / 10) as usize].into()),
        _ => parts.push(format!(
            "{}-{}",
            EN_TENS[(rest / 10) as usize],
            EN_ONES[(rest % 10) as usize]
        )),
    }
    parts.join(" ")
}

/// Reads a string of digits in `lang` ("id" or "en"), as a number or digit by
/// digit.
fn read_digits(digits: &str, lang: &str, reading: NumberReading) -> String {
    let words = if lang == "en" { english } else { indonesian };
    match (reading, digits.parse::<u32>()) {
        (NumberReading::Words, Ok(n)) => words(n),
        _ => digits
            .chars()
            .filter_map(|c| c.to_digit(10))
            .map(words)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Reads a ticket number such as `A012`: its letters one by one, then the
/// digits.
fn read_ticket_number(number: &str, lang: &str, reading: NumberReading) -> String {
    let split = number
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(number.len());
    let (letters, digits) = number.split_at(split);
    let mut parts: Vec<String> = letters.chars().map(|c| c.to_string()).collect();
    if !digits.is_empty() {
        parts.push(read_digits(digits, lang, reading));
    }
    parts.join(" ")
}

/// How a counter is named in speech: its number in words when its id is a
/// number ("3" → "tiga"), else its name as written.
fn read_counter(counter_id: &str, counter_name: &str, lang: &str) -> String {
    match counter_id.parse::<u32>() {
        Ok(n) if lang == "en" => format!("counter {}", english(n)),
        Ok(n) => format!("loket {}", indonesian(n)),
        Err(_) => counter_name.to_owned(),
    }
}

/// The sentence announcing a call, in `lang` (`id`; `en`; anything else falls
/// back to Indonesian). Counters are always read as words; the ticket's digits
/// per `reading`.
pub fn announcement(
    number: &str,
    counter_id: &str,
    counter_name: &str,
    lang: &str,
    reading: NumberReading,
) -> String {
    let ticket = read_ticket_number(number, lang, reading);
    let counter = read_counter(counter_id, counter_name, lang);
    if lang == "en" {
        format!("Ticket number {ticket}, please go to {counter}")
    } else {
        format!("Nomor antrean {ticket}, silakan menuju {counter}")
    }
}

/// The call said in the fewest words, for a display with several calls to
/// announce at once: "A dua belas, loket tiga". Arguments as for
/// [`announcement`].
pub fn short_announcement(
    number: &str,
    counter_id: &str,
    counter_name: &str,
    lang: &str,
    reading: NumberReading,
) -> String {
    let ticket = read_ticket_number(number, lang, reading);
    let counter = read_counter(counter_id, counter_name, lang);
    format!("{ticket}, {counter}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reading_deserialises_from_its_configured_name() {
        for (name, want) in [
            ("\"words\"", NumberReading::Words),
            ("\"digits\"", NumberReading::Digits),
        ] {
            assert_eq!(serde_json::from_str::<NumberReading>(name).ok(), Some(want));
        }
        assert!(serde_json::from_str::<NumberReading>("\"Words\"").is_err());
    }

    #[test]
    fn indonesian_words_follow_the_rules() {
        let cases = [
            (0, "nol"),
            (1, "satu"),
            (9, "sembilan"),
            (10, "sepuluh"),
            (11, "sebelas"),
            (12, "dua belas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (21, "dua puluh satu"),
            (99, "sembilan puluh sembilan"),
            (100, "seratus"),
            (101, "seratus satu"),
            (110, "seratus sepuluh"),
            (111, "seratus sebelas"),
            (123, "seratus dua puluh tiga"),
            (200, "dua ratus"),
            (999, "sembilan ratus sembilan puluh sembilan"),
            (1000, "seribu"),
            (1001, "seribu satu"),
            (2500, "dua ribu lima ratus"),
        ];
        for (n, want) in cases {
            assert_eq!(indonesian(n), want, "{n}");
        }
    }

    #[test]
    fn english_words() {
        assert_eq!(english(12), "twelve");
        assert_eq!(english(40), "forty");
        assert_eq!(english(123), "one hundred twenty-three");
        assert_eq!(english(1000), "one thousand");
    }

    #[test]
    fn every_number_up_to_999_has_words_without_stray_spaces() {
        for n in 1..=999 {
            let w = indonesian(n);
            assert!(
                !w.is_empty() && !w.contains("  ") && w.trim() == w,
                "{n}: {w:?}"
            );
            assert!(!w.contains("nol"), "{n}: {w:?}");
        }
    }

    #[test]
    fn announcement_in_words_and_digits() {
        assert_eq!(
            announcement("A012", "3", "Loket 3", "id", NumberReading::Words),
            "Nomor antrean A dua belas, silakan menuju loket tiga"
        );
        assert_eq!(
            announcement("B123", "12", "Loket 12", "id", NumberReading::Digits),
            "Nomor antrean B satu dua tiga, silakan menuju loket dua belas"
        );
        assert_eq!(
            announcement("A100", "4", "Loket 4", "id", NumberReading::Digits),
            "Nomor antrean A satu nol nol, silakan menuju loket empat"
        );
        assert_eq!(
            announcement("A012", "3", "Loket 3", "en", NumberReading::Words),
            "Ticket number A twelve, please go to counter three"
        );
        assert_eq!(
            announcement("C007", "vip", "Ruang VIP", "id", NumberReading::Words),
            "Nomor antrean C tujuh, silakan menuju Ruang VIP"
        );
    }

    #[test]
    fn the_short_announcement_is_the_number_and_the_counter() {
        assert_eq!(
            short_announcement("A012", "3", "Loket 3", "id", NumberReading::Words),
            "A dua belas, loket tiga"
        );
        assert_eq!(
            short_announcement("B123", "12", "Loket 12", "en", NumberReading::Digits),
            "B one two three, counter twelve"
        );
        assert_eq!(
            short_announcement("C007", "vip", "Ruang VIP", "id", NumberReading::Words),
            "C tujuh, Ruang VIP"
        );
    }
}
