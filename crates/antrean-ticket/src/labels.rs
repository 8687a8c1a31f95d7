//! The fixed words on a ticket, in each language the crate knows.
//!
//! Short on purpose: a ticket carries every office language side by side
//! ("Waktu ambil / Issued"), and a 58 mm roll holds 32 characters a line.

/// The words of one language.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Labels {
    pub number: &'static str,
    pub issued: &'static str,
    pub ahead: &'static str,
    pub wait: &'static str,
    /// Estimated wait; `{}` is the number of minutes.
    wait_minutes: (&'static str, &'static str),
    pub wait_unknown: &'static str,
    pub scan: &'static str,
    /// The ticket is the receipt for the document applied for.
    pub keep: &'static str,
}

impl Labels {
    pub fn wait_minutes(&self, minutes: u32) -> String {
        format!("{}{minutes}{}", self.wait_minutes.0, self.wait_minutes.1)
    }
}

pub(crate) const ID: Labels = Labels {
    number: "Nomor antrean",
    issued: "Waktu ambil",
    ahead: "Antrean di depan",
    wait: "Perkiraan tunggu",
    wait_minutes: ("\u{b1} ", " menit"),
    wait_unknown: "belum dapat diperkirakan",
    scan: "Pindai untuk memantau antrean",
    keep: "Simpan tiket ini untuk mengambil dokumen Anda",
};

pub(crate) const EN: Labels = Labels {
    number: "Queue number",
    issued: "Issued",
    ahead: "People ahead",
    wait: "Estimated wait",
    wait_minutes: ("about ", " min"),
    wait_unknown: "not yet known",
    scan: "Scan to follow your queue",
    keep: "Keep this ticket to collect your document",
};

/// The label sets for the office languages, in order, without repeats.
///
/// Codes are matched on their primary subtag ("en-US" is English); an unknown
/// code means Indonesian, and so does an empty list.
pub(crate) fn for_languages(codes: &[String]) -> Vec<&'static Labels> {
    let mut out: Vec<&'static Labels> = Vec::with_capacity(2);
    for code in codes {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        let labels = if primary.eq_ignore_ascii_case("en") {
            &EN
        } else {
            &ID
        };
        if !out.iter().any(|l| std::ptr::eq(*l, labels)) {
            out.push(labels);
        }
    }
    if out.is_empty() {
        out.push(&ID);
    }
    out
}

/// Joins one phrase per language: "Waktu ambil / Issued".
pub(crate) fn joined(langs: &[&Labels], phrase: impl Fn(&Labels) -> String) -> String {
    langs
        .iter()
        .map(|l| phrase(l))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The estimated wait in every language, or the honest "not yet known".
pub(crate) fn wait_text(langs: &[&Labels], minutes: Option<u32>) -> String {
    match minutes {
        Some(m) => joined(langs, |l| l.wait_minutes(m)),
        None => joined(langs, |l| l.wait_unknown.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn languages_in_order_unknown_falls_back_to_indonesian() {
        assert_eq!(for_languages(&codes(&["id", "en"])), vec![&ID, &EN]);
        assert_eq!(for_languages(&codes(&["en", "id"])), vec![&EN, &ID]);
        assert_eq!(for_languages(&codes(&["en-US"])), vec![&EN]);
        assert_eq!(for_languages(&codes(&["jv", "en"])), vec![&ID, &EN]);
        assert_eq!(for_languages(&codes(&["id", "jv"])), vec![&ID]);
        assert_eq!(for_languages(&[]), vec![&ID]);
    }

    #[test]
    fn wait_is_bilingual_and_honest_when_unknown() {
        let langs = [&ID, &EN];
        assert_eq!(
            wait_text(&langs, Some(15)),
            "\u{b1} 15 menit / about 15 min"
        );
        assert_eq!(
            wait_text(&langs, None),
            "belum dapat diperkirakan / not yet known"
        );
    }
}
