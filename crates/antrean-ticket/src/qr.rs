//! The QR code: encoding, sizing to whole printer dots, and drawing as few
//! rectangles as possible.

use std::collections::HashMap;

use qrcode::{EcLevel, QrCode};

use crate::{Paper, TicketError};

/// Light modules around the symbol, as the QR specification requires.
pub(crate) const QUIET_ZONE: u32 = 4;

/// A QR symbol: which modules are dark, without the quiet zone.
#[derive(Debug)]
pub(crate) struct Qr {
    /// Modules across (and down) the symbol itself.
    pub width: u32,
    dark: Vec<bool>,
}

/// A dark rectangle in module coordinates, origin top-left of the symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ModuleRect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Qr {
    /// Encodes `data` at error correction M (15 % of the symbol may be
    /// smudged or torn and it still reads), as the ESC/POS printer does.
    pub fn encode(data: &str) -> Result<Qr, TicketError> {
        let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
            .map_err(|_| TicketError::UrlTooLong { len: data.len() })?;
        let width = u32::try_from(code.width()).expect("a QR code is at most 177 modules wide");
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(Qr { width, dark })
    }

    /// Modules across including the quiet zone on both sides.
    pub fn total_modules(&self) -> u32 {
        self.width + 2 * QUIET_ZONE
    }

    fn is_dark(&self, x: u32, y: u32) -> bool {
        self.dark[(y * self.width + x) as usize]
    }

    /// The dark modules as rectangles: horizontal runs in each row, merged
    /// downwards with identical runs in the rows below. About a third as many
    /// shapes as modules, which keeps the PDF small.
    pub fn rects(&self) -> Vec<ModuleRect> {
        let mut rects: Vec<ModuleRect> = Vec::new();
        // Run (x, w) -> index of the rectangle that ended on the previous row.
        let mut open: HashMap<(u32, u32), usize> = HashMap::new();
        for y in 0..self.width {
            let mut next_open = HashMap::with_capacity(open.len());
            let mut x = 0;
            while x < self.width {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.width && self.is_dark(x, y) {
                    x += 1;
                }
                let key = (start, x - start);
                let index = match open.get(&key) {
                    Some(&i) => {
                        rects[i].h += 1;
                        i
                    }
                    None => {
                        rects.push(ModuleRect {
                            x: start,
                            y,
                            w: x - start,
                            h: 1,
                        });
                        rects.len() - 1
                    }
                };
                next_open.insert(key, index);
            }
            open = next_open;
        }
        rects
    }
}

/// Modules across the symbol for `data` at level M, quiet zone included,
/// without building the symbol (which costs a few hundred microseconds of
/// mask evaluation): enough to size the printer's own QR code.
pub(crate) fn total_modules_for(data: &str) -> Result<u32, TicketError> {
    let bits = qrcode::bits::encode_auto(data.as_bytes(), EcLevel::M)
        .map_err(|_| TicketError::UrlTooLong { len: data.len() })?;
    let width =
        u32::try_from(bits.version().width()).expect("a QR code is at most 177 modules wide");
    Ok(width + 2 * QUIET_ZONE)
}

/// Printer dots per module on `paper` for a symbol `total_modules` wide
/// (quiet zone included): as large as the paper's comfortable maximum, and
/// small enough for the whole symbol to fit the printable width.
///
/// Whole dots matter: a module of 5.5 dots prints as alternating 5 and 6 dot
/// columns, which scanners read badly.
pub(crate) fn module_dots(paper: Paper, total_modules: u32) -> Result<u32, TicketError> {
    let comfortable = match paper {
        Paper::Mm80 => 6,
        Paper::Mm58 => 4,
    };
    let fits = paper.dots() / total_modules.max(1);
    // Below 2 dots (0.25 mm) a phone camera cannot resolve the modules.
    if fits < 2 {
        return Err(TicketError::QrTooWide {
            modules: total_modules,
            paper,
        });
    }
    Ok(fits.min(comfortable))
}

/// The QR code of `data` as an SVG image for screens: black modules on a
/// white square with the quiet zone, one module per user unit, so that it
/// scales to any size without blurring (`crispEdges`). The same symbol as on
/// the printed ticket.
pub fn qr_svg(data: &str) -> Result<String, TicketError> {
    use std::fmt::Write;
    let qr = Qr::encode(data)?;
    let size = qr.total_modules();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for r in qr.rects() {
        // Writing to a String cannot fail.
        let _ = write!(
            svg,
            "M{} {}h{}v{}h-{}z",
            r.x + QUIET_ZONE,
            r.y + QUIET_ZONE,
            r.w,
            r.h,
            r.w
        );
    }
    svg.push_str("\"/></svg>");
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_draws_every_dark_module_inside_its_quiet_zone() {
        let data = "http://antrean.test/t/0123456789abcdefghjkmnp";
        let svg = qr_svg(data).expect("encodes");
        let qr = Qr::encode(data).expect("encodes");
        let size = qr.total_modules();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains(&format!("viewBox=\"0 0 {size} {size}\"")));
        assert_eq!(svg.matches('M').count(), qr.rects().len());
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn rects_cover_exactly_the_dark_modules() {
        let qr = Qr::encode("https://antrean.example.go.id/t/7KQ2M9XD").expect("encodes");
        let mut painted = vec![0u8; (qr.width * qr.width) as usize];
        let rects = qr.rects();
        for r in &rects {
            for y in r.y..r.y + r.h {
                for x in r.x..r.x + r.w {
                    painted[(y * qr.width + x) as usize] += 1;
                }
            }
        }
        for y in 0..qr.width {
            for x in 0..qr.width {
                let expected = u8::from(qr.is_dark(x, y));
                assert_eq!(painted[(y * qr.width + x) as usize], expected, "({x},{y})");
            }
        }
        let dark = qr.dark.iter().filter(|d| **d).count();
        assert!(
            rects.len() * 2 < dark,
            "{} rects for {dark} modules",
            rects.len()
        );
    }

    #[test]
    fn module_size_is_whole_dots_and_fits() {
        // A typical ticket URL: version 3 or 4, about 37-41 modules with the quiet zone.
        assert_eq!(module_dots(Paper::Mm80, 41).expect("fits"), 6);
        assert_eq!(module_dots(Paper::Mm58, 41).expect("fits"), 4);
        // Long URLs shrink the modules rather than overflow the paper.
        assert_eq!(module_dots(Paper::Mm58, 120).expect("fits"), 3);
        assert_eq!(module_dots(Paper::Mm80, 185).expect("fits"), 3);
        assert!(module_dots(Paper::Mm58, 200).is_err());
    }

    #[test]
    fn size_without_building_matches_the_symbol() {
        for len in [10, 40, 41, 80, 200, 1000, 2331] {
            let url = format!("https://x.id/t/{}", "k".repeat(len - 15.min(len)));
            let qr = Qr::encode(&url).expect("encodes");
            assert_eq!(
                total_modules_for(&url).expect("sizes"),
                qr.total_modules(),
                "{len}"
            );
        }
    }

    #[test]
    fn too_long_for_any_qr_is_an_error() {
        let url = format!("https://x.id/t/{}", "a".repeat(3000));
        assert!(matches!(
            Qr::encode(&url),
            Err(TicketError::UrlTooLong { len }) if len == url.len()
        ));
        assert!(total_modules_for(&url).is_err());
    }
}
