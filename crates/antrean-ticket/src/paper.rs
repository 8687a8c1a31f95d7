//! Thermal paper widths and what a 203 dpi printer can put on them.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// A thermal roll width.
///
/// Printers print a little narrower than the roll: 576 dots (72 mm) on
/// 80 mm paper and 384 dots (48 mm) on 58 mm paper, at 203 dpi.
///
/// Configured by the names it displays ("80mm", "58mm"), so it also
/// deserialises straight from configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Paper {
    /// 80 mm roll, 576 printable dots, 48 characters a line in font A.
    #[default]
    #[serde(rename = "80mm")]
    Mm80,
    /// 58 mm roll, 384 printable dots, 32 characters a line in font A.
    #[serde(rename = "58mm")]
    Mm58,
}

/// Printer resolution every layout decision is rounded to.
pub(crate) const DPI: f32 = 203.0;

/// One printer dot in PDF points.
pub(crate) const DOT_PT: f32 = 72.0 / DPI;

impl Paper {
    /// Printable width in dots at 203 dpi.
    pub fn dots(&self) -> u32 {
        match self {
            Paper::Mm80 => 576,
            Paper::Mm58 => 384,
        }
    }

    /// Width of the roll in millimetres (the PDF page width).
    pub fn width_mm(&self) -> f32 {
        match self {
            Paper::Mm80 => 80.0,
            Paper::Mm58 => 58.0,
        }
    }

    /// Characters a line in the printer's font A (12 dots a character).
    pub(crate) fn columns(&self) -> usize {
        match self {
            Paper::Mm80 => 48,
            Paper::Mm58 => 32,
        }
    }
}

impl fmt::Display for Paper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Paper::Mm80 => "80mm",
            Paper::Mm58 => "58mm",
        })
    }
}

/// A paper name that is neither "80mm" nor "58mm".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown paper {0:?}: expected \"80mm\" or \"58mm\"")]
pub struct UnknownPaper(pub String);

impl FromStr for Paper {
    type Err = UnknownPaper;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "80mm" => Ok(Paper::Mm80),
            "58mm" => Ok(Paper::Mm58),
            other => Err(UnknownPaper(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_two_widths() {
        assert_eq!("80mm".parse::<Paper>(), Ok(Paper::Mm80));
        assert_eq!("58mm".parse::<Paper>(), Ok(Paper::Mm58));
    }

    #[test]
    fn rejects_anything_else() {
        for bad in ["", "80", "58", "80 mm", "80MM", "A4", "112mm", " 80mm"] {
            let err = bad.parse::<Paper>().expect_err(bad);
            assert_eq!(err, UnknownPaper(bad.to_owned()));
            assert!(err.to_string().contains("80mm"), "{err}");
        }
    }

    fn deserialise(name: &str) -> Result<Paper, serde::de::value::Error> {
        use serde::de::IntoDeserializer;
        Paper::deserialize(name.into_deserializer())
    }

    #[test]
    fn deserialises_from_the_names_it_displays() {
        for p in [Paper::Mm80, Paper::Mm58] {
            assert_eq!(deserialise(&p.to_string()), Ok(p));
        }
        assert_eq!(deserialise("58mm"), Ok(Paper::Mm58));
        for bad in ["80", "Mm80", "58MM"] {
            assert!(deserialise(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn default_is_80mm_and_display_round_trips() {
        assert_eq!(Paper::default(), Paper::Mm80);
        for p in [Paper::Mm80, Paper::Mm58] {
            assert_eq!(p.to_string().parse::<Paper>(), Ok(p));
        }
    }

    #[test]
    fn dots_and_widths() {
        assert_eq!(Paper::Mm80.dots(), 576);
        assert_eq!(Paper::Mm58.dots(), 384);
        assert_eq!(Paper::Mm80.width_mm(), 80.0);
        assert_eq!(Paper::Mm58.width_mm(), 58.0);
        // The printable width always fits on the roll.
        for p in [Paper::Mm80, Paper::Mm58] {
            assert!(p.dots() as f32 * DOT_PT < p.width_mm() * 72.0 / 25.4);
        }
    }
}
