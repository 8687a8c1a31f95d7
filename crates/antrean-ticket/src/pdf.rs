//! The ticket as a one-page PDF, for browser kiosks.
//!
//! The page is exactly as wide as the roll and exactly as tall as its
//! content, so a kiosk printing with `@page { margin: 0 }` wastes no paper.
//! Everything is laid out in whole printer dots where it matters: the QR code
//! starts on a dot boundary and each module is a whole number of dots, so a
//! 203 dpi thermal head prints every module the same size.
//!
//! Only the standard Helvetica fonts are used, never embedded, and the QR
//! code is a few hundred filled rectangles: a ticket is a few kilobytes.

use printpdf::{
    BuiltinFont, Color, Greyscale, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem, WindingOrder,
};

use crate::labels::{self, Labels};
use crate::metrics::{pdf_safe, wrap, wrap_balanced, Face};
use crate::paper::DOT_PT;
use crate::qr::{module_dots, Qr, QUIET_ZONE};
use crate::{Paper, PrintedTicket, TicketError};

const PT_PER_MM: f32 = 72.0 / 25.4;

/// Type sizes for one paper width, in points.
struct Style {
    office: f32,
    service: f32,
    caption: f32,
    number_max: f32,
    priority: f32,
    value: f32,
    scan: f32,
    url: f32,
}

impl Style {
    fn for_paper(paper: Paper) -> Style {
        match paper {
            Paper::Mm80 => Style {
                office: 13.0,
                service: 10.5,
                caption: 7.5,
                number_max: 80.0,
                priority: 10.0,
                value: 10.5,
                scan: 8.0,
                url: 6.5,
            },
            Paper::Mm58 => Style {
                office: 10.5,
                service: 9.0,
                caption: 6.5,
                number_max: 60.0,
                priority: 8.5,
                value: 9.0,
                scan: 7.0,
                url: 6.0,
            },
        }
    }
}

/// Below this the number would not be "very large" any more; a longer number
/// wraps instead of shrinking further.
const NUMBER_MIN: f32 = 28.0;
/// Helvetica's capital height as a fraction of the size: the number is
/// digits and capitals, so its box is exactly this tall.
const CAP_HEIGHT: f32 = 0.718;

const TOP_MARGIN: f32 = 3.0 * PT_PER_MM;
const BOTTOM_MARGIN: f32 = 4.0 * PT_PER_MM;

/// What is drawn, with `y` measured downwards from the top of the page
/// (the page height is only known once everything is placed).
enum Mark {
    Text {
        face: Face,
        size: f32,
        x: f32,
        baseline: f32,
        text: String,
        white: bool,
    },
    /// A filled black rectangle.
    Fill { x: f32, top: f32, w: f32, h: f32 },
}

/// Places marks top to bottom within the printable width, centred.
struct Layout {
    marks: Vec<Mark>,
    /// Left edge of the printable area.
    left: f32,
    /// Printable width.
    width: f32,
    /// Distance from the top of the page to the next free line.
    y: f32,
}

impl Layout {
    fn gap(&mut self, pt: f32) {
        self.y += pt;
    }

    /// Centred text, wrapped to the printable width (less `inset` on each
    /// side).
    fn centred(&mut self, face: Face, size: f32, text: &str, inset: f32, white: bool) {
        let max = self.width - 2.0 * inset;
        let lines = wrap(&pdf_safe(text), max, |s| face.width(s, size));
        self.place_centred(face, size, lines, white);
    }

    /// Centred text wrapped into lines of even length, for the office and
    /// service names.
    fn heading(&mut self, face: Face, size: f32, text: &str) {
        let lines = wrap_balanced(&pdf_safe(text), self.width, |s| face.width(s, size));
        self.place_centred(face, size, lines, false);
    }

    fn place_centred(&mut self, face: Face, size: f32, lines: Vec<String>, white: bool) {
        for line in lines {
            let w = face.width(&line, size);
            self.marks.push(Mark::Text {
                face,
                size,
                x: self.left + (self.width - w) / 2.0,
                baseline: self.y + 0.93 * size,
                text: line,
                white,
            });
            self.y += 1.2 * size;
        }
    }

    /// A line across the printable width, two dots thick.
    fn rule(&mut self) {
        let h = 2.0 * DOT_PT;
        self.marks.push(Mark::Fill {
            x: self.left,
            top: self.y,
            w: self.width,
            h,
        });
        self.y += h;
    }

    /// The ticket number: as large as fits, never cut off.
    fn number(&mut self, number: &str, max_size: f32) {
        let text = pdf_safe(number);
        let unit = Face::Bold.width(&text, 1.0).max(0.001);
        // A hair under the exact fit, so rounding cannot push it onto two lines.
        let size = (0.995 * self.width / unit).clamp(NUMBER_MIN, max_size);
        for line in wrap(&text, self.width, |s| Face::Bold.width(s, size)) {
            let w = Face::Bold.width(&line, size);
            self.y += CAP_HEIGHT * size;
            self.marks.push(Mark::Text {
                face: Face::Bold,
                size,
                x: self.left + (self.width - w) / 2.0,
                baseline: self.y,
                text: line,
                white: false,
            });
            self.y += 0.12 * size;
        }
    }

    /// White bold text on a black band: the priority mark.
    fn inverted(&mut self, text: &str, size: f32) {
        let pad = 0.45 * size;
        let top = self.y;
        let index = self.marks.len();
        self.y += pad;
        self.centred(Face::Bold, size, text, pad, true);
        self.y += pad - 0.2 * size;
        // The band goes under the text, so it is drawn first.
        self.marks.insert(
            index,
            Mark::Fill {
                x: self.left,
                top,
                w: self.width,
                h: self.y - top,
            },
        );
    }

    /// A caption over its value: "Waktu ambil / Issued" over the time.
    fn fact(&mut self, style: &Style, caption: &str, value: &str) {
        self.centred(Face::Regular, style.caption, caption, 0.0, false);
        self.centred(Face::Bold, style.value, value, 0.0, false);
    }
}

/// Renders the ticket as a PDF exactly as wide as `paper`.
///
/// Fails only when the URL cannot be a QR code on this paper (thousands of
/// characters long).
pub fn render_pdf(t: &PrintedTicket, paper: Paper) -> Result<Vec<u8>, TicketError> {
    let qr = Qr::encode(&t.url)?;
    let module = module_dots(paper, qr.total_modules())?;
    let langs = labels::for_languages(&t.languages);
    let style = Style::for_paper(paper);

    let page_w = paper.width_mm() * PT_PER_MM;
    let printable = paper.dots() as f32 * DOT_PT;
    let mut l = Layout {
        marks: Vec::with_capacity(64),
        left: (page_w - printable) / 2.0,
        width: printable,
        y: TOP_MARGIN,
    };

    l.heading(Face::Bold, style.office, &t.office_name);
    l.gap(1.0);
    l.heading(Face::Regular, style.service, &t.service_name);
    l.gap(5.0);
    l.rule();
    l.gap(6.0);
    let caption = labels::joined(&langs, |x: &Labels| x.number.to_owned());
    l.centred(Face::Regular, style.caption, &caption, 0.0, false);
    l.gap(3.0);
    l.number(&t.number, style.number_max);
    l.gap(4.0);
    if let Some(priority) = t.priority.as_deref().filter(|p| !p.trim().is_empty()) {
        l.inverted(priority, style.priority);
        l.gap(6.0);
    }
    l.rule();
    l.gap(6.0);
    l.fact(
        &style,
        &labels::joined(&langs, |x| x.issued.to_owned()),
        &t.issued_at,
    );
    l.gap(4.0);
    l.fact(
        &style,
        &labels::joined(&langs, |x| x.ahead.to_owned()),
        &t.ahead.to_string(),
    );
    l.gap(4.0);
    l.fact(
        &style,
        &labels::joined(&langs, |x| x.wait.to_owned()),
        &labels::wait_text(&langs, t.estimated_wait_min),
    );
    l.gap(4.0);

    // The QR code starts on a whole dot, from the top and from the left edge
    // of the page, and the page is a whole number of dots tall, so each
    // module lands on the printer's dot grid.
    let qr_dots = qr.total_modules() * module;
    let top_dot = (l.y / DOT_PT).ceil();
    let page_dots_w = paper.width_mm() / 25.4 * crate::paper::DPI;
    let left_dot = ((page_dots_w - qr_dots as f32) / 2.0).floor();
    for r in qr.rects() {
        l.marks.push(Mark::Fill {
            x: (left_dot + ((QUIET_ZONE + r.x) * module) as f32) * DOT_PT,
            top: (top_dot + ((QUIET_ZONE + r.y) * module) as f32) * DOT_PT,
            w: (r.w * module) as f32 * DOT_PT,
            h: (r.h * module) as f32 * DOT_PT,
        });
    }
    l.y = (top_dot + qr_dots as f32) * DOT_PT;

    for lang in &langs {
        l.centred(Face::Regular, style.scan, lang.scan, 0.0, false);
    }
    l.gap(1.0);
    l.centred(Face::Regular, style.url, &t.url, 0.0, false);
    if t.document {
        l.gap(5.0);
        for lang in &langs {
            l.centred(Face::Bold, style.scan, lang.keep, 0.0, false);
        }
    }

    let page_h = ((l.y + BOTTOM_MARGIN) / DOT_PT).ceil() * DOT_PT;
    let ops = to_ops(&l.marks, page_h);
    let page = PdfPage::new(Mm(paper.width_mm()), Mm(page_h / PT_PER_MM), ops);
    let title = format!("{} {}", pdf_safe(&t.number), pdf_safe(&t.office_name));
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    Ok(PdfDocument::new(&title)
        .with_pages(vec![page])
        .save(&options, &mut warnings))
}

/// Turns placed marks into PDF drawing operations (origin bottom-left).
fn to_ops(marks: &[Mark], page_h: f32) -> Vec<Op> {
    let black = Color::Greyscale(Greyscale::new(0.0, None));
    let white = Color::Greyscale(Greyscale::new(1.0, None));
    let mut ops = Vec::with_capacity(marks.len() * 5 + 2);
    ops.push(Op::SetFillColor { col: black.clone() });
    for mark in marks {
        match mark {
            Mark::Fill { x, top, w, h } => ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(*x),
                    y: Pt(page_h - top - h),
                    width: Pt(*w),
                    height: Pt(*h),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            }),
            Mark::Text {
                face,
                size,
                x,
                baseline,
                text,
                white: is_white,
            } => {
                if *is_white {
                    ops.push(Op::SetFillColor { col: white.clone() });
                }
                let font = match face {
                    Face::Regular => BuiltinFont::Helvetica,
                    Face::Bold => BuiltinFont::HelveticaBold,
                };
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont {
                    font: PdfFontHandle::Builtin(font),
                    size: Pt(*size),
                });
                ops.push(Op::SetTextCursor {
                    pos: Point {
                        x: Pt(*x),
                        y: Pt(page_h - baseline),
                    },
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                });
                ops.push(Op::EndTextSection);
                if *is_white {
                    ops.push(Op::SetFillColor { col: black.clone() });
                }
            }
        }
    }
    ops
}
