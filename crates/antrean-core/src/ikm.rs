//! The citizen satisfaction index (Indeks Kepuasan Masyarakat) of
//! PermenPANRB 14/2017: nine elements (unsur), each answered 1–4.
//!
//! NRR per element = sum of scores ÷ respondents who answered it; the index is
//! the mean of the nine NRRs (each weighted 1/9); IKM = index × 25, which maps
//! 1–4 onto 25–100. Grades: A 88.31–100 Sangat Baik, B 76.61–88.30 Baik,
//! C 65.00–76.60 Kurang Baik, D 25.00–64.99 Tidak Baik.

use serde::{Deserialize, Serialize};

/// The nine elements, in the regulation's order.
pub const ELEMENTS: [&str; 9] = [
    "persyaratan",
    "prosedur",
    "waktu_penyelesaian",
    "biaya",
    "produk",
    "kompetensi_pelaksana",
    "perilaku_pelaksana",
    "penanganan_pengaduan",
    "sarana_prasarana",
];

/// One respondent's answers: a score 1–4 per element, or none when skipped.
pub type Answers = [Option<u8>; 9];

/// The longest suggestion a respondent may write, in characters.
pub const SUGGESTION_MAX: usize = 1000;

/// A respondent's free-text suggestion as kept: trimmed, control characters
/// other than line breaks and tabs left out, none when nothing remains.
/// `Err` when it is longer than [`SUGGESTION_MAX`] characters.
pub fn suggestion(text: Option<&str>) -> Result<Option<String>, usize> {
    let kept: String = text
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let kept = kept.trim();
    match kept.chars().count() {
        0 => Ok(None),
        n if n > SUGGESTION_MAX => Err(n),
        _ => Ok(Some(kept.to_owned())),
    }
}

/// Whether every given score is within 1–4 and at least one is given.
pub fn valid(answers: &Answers) -> bool {
    answers.iter().any(Option::is_some) && answers.iter().flatten().all(|s| (1..=4).contains(s))
}

/// The result over a set of respondents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ikm {
    pub respondents: u32,
    /// Mean score (NRR) per element; `None` where nobody answered it.
    pub nrr: [Option<f64>; 9],
    /// 25–100, from the elements answered; `None` with no answers at all.
    pub score: Option<f64>,
    /// `A`–`D`.
    pub grade: Option<char>,
    /// "Sangat Baik", "Baik", "Kurang Baik", "Tidak Baik".
    pub grade_name: Option<&'static str>,
}

/// Computes the IKM over all respondents' answers.
pub fn compute<'a>(all: impl IntoIterator<Item = &'a Answers>) -> Ikm {
    let mut sums = [0u32; 9];
    let mut counts = [0u32; 9];
    let mut respondents = 0;
    for answers in all {
        respondents += 1;
        for (i, s) in answers.iter().enumerate() {
            if let Some(s) = s {
                sums[i] += u32::from(*s);
                counts[i] += 1;
            }
        }
    }
    let nrr: [Option<f64>; 9] =
        std::array::from_fn(|i| (counts[i] > 0).then(|| f64::from(sums[i]) / f64::from(counts[i])));
    let answered: Vec<f64> = nrr.iter().flatten().copied().collect();
    // Elements nobody answered are left out rather than counted as zero.
    let score =
        (!answered.is_empty()).then(|| answered.iter().sum::<f64>() / answered.len() as f64 * 25.0);
    let (grade, grade_name) = match score.map(grade) {
        Some((g, n)) => (Some(g), Some(n)),
        None => (None, None),
    };
    Ikm {
        respondents,
        nrr,
        score,
        grade,
        grade_name,
    }
}

/// The fewest respondents an IKM over `population` citizens served needs
/// before it is published: the Krejcie–Morgan table PermenPANRB 14/2017
/// points to (95% confidence, 5% margin, P = 0.5), e.g. 80 of 100, 278 of
/// 1,000, 370 of 10,000, 384 of a million.
pub fn minimum_sample(population: u64) -> u64 {
    const CHI2: f64 = 3.841;
    const PQ: f64 = 0.25;
    const D2: f64 = 0.0025;
    if population == 0 {
        return 0;
    }
    let n = population as f64;
    let s = CHI2 * n * PQ / (D2 * (n - 1.0) + CHI2 * PQ);
    // The table rounds to the nearest whole respondent.
    (s.round() as u64).min(population)
}

/// The grade of an IKM score (PermenPANRB 14/2017, not the old 2004 bands).
pub fn grade(score: f64) -> (char, &'static str) {
    // Scores are compared at two decimals, as published.
    let s = (score * 100.0).round() / 100.0;
    if s >= 88.31 {
        ('A', "Sangat Baik")
    } else if s >= 76.61 {
        ('B', "Baik")
    } else if s >= 65.00 {
        ('C', "Kurang Baik")
    } else {
        ('D', "Tidak Baik")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_sample_is_the_krejcie_morgan_table() {
        // Rows of Krejcie & Morgan (1970), Table 1.
        for (population, sample) in [
            (10, 10),
            (50, 44),
            (100, 80),
            (200, 132),
            (500, 217),
            (1_000, 278),
            (2_000, 322),
            (5_000, 357),
            (10_000, 370),
            (100_000, 383),
            (1_000_000, 384),
        ] {
            assert_eq!(minimum_sample(population), sample, "{population}");
        }
        assert_eq!(minimum_sample(0), 0);
        assert_eq!(minimum_sample(1), 1);
    }

    #[test]
    fn a_suggestion_is_kept_trimmed_and_within_its_length() {
        assert_eq!(suggestion(None), Ok(None));
        assert_eq!(suggestion(Some(" \n\t ")), Ok(None));
        assert_eq!(
            suggestion(Some(" Antre cepat.\u{0}\nTerima kasih \u{1b}")),
            Ok(Some("Antre cepat.\nTerima kasih".to_owned()))
        );
        let longest = "ü".repeat(SUGGESTION_MAX);
        assert_eq!(suggestion(Some(&longest)), Ok(Some(longest.clone())));
        assert_eq!(
            suggestion(Some(&format!("{longest}!"))),
            Err(SUGGESTION_MAX + 1)
        );
    }

    #[test]
    fn the_regulation_example_computes() {
        // Two respondents: all 4s, and all 3s: NRR 3.5 everywhere, IKM 87.5 (B).
        let a = [Some(4); 9];
        let b = [Some(3); 9];
        let r = compute([&a, &b]);
        assert_eq!(r.respondents, 2);
        assert!(r.nrr.iter().all(|n| *n == Some(3.5)));
        assert_eq!(r.score, Some(87.5));
        assert_eq!((r.grade, r.grade_name), (Some('B'), Some("Baik")));
    }

    #[test]
    fn grade_bands_follow_2017_rules() {
        assert_eq!(grade(100.0).0, 'A');
        assert_eq!(grade(88.31).0, 'A');
        assert_eq!(grade(88.30).0, 'B');
        assert_eq!(grade(76.61).0, 'B');
        assert_eq!(grade(76.60).0, 'C');
        assert_eq!(grade(65.0).0, 'C');
        assert_eq!(grade(64.99).0, 'D');
        assert_eq!(grade(25.0).0, 'D');
    }

    #[test]
    fn skipped_elements_count_only_who_answered() {
        let mut a = [Some(4); 9];
        a[3] = None;
        let mut b = [Some(2); 9];
        b[3] = Some(1);
        let r = compute([&a, &b]);
        assert_eq!(r.nrr[3], Some(1.0));
        assert_eq!(r.nrr[0], Some(3.0));
        let expected = (8.0 * 3.0 + 1.0) / 9.0 * 25.0;
        assert!((r.score.unwrap_or_default() - expected).abs() < 1e-9);
    }

    #[test]
    fn validity() {
        assert!(valid(&[Some(1); 9]));
        assert!(!valid(&[None; 9]));
        let mut bad = [Some(4); 9];
        bad[2] = Some(5);
        assert!(!valid(&bad));
        bad[2] = Some(0);
        assert!(!valid(&bad));
        assert_eq!(compute([]).score, None);
    }
}
