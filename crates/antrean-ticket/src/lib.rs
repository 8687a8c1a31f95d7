//! Printed tickets: PDF and ESC/POS.
//!
//! The kiosk hands a citizen a paper ticket with their number, a few facts
//! about the wait and a QR code that opens the live page for that ticket.
//! This crate turns an already-resolved [`PrintedTicket`] into bytes for the
//! two ways a kiosk prints:
//!
//! - [`render_pdf`]: a one-page PDF exactly as wide as the thermal roll, for
//!   browser kiosks printing silently (Chrome `--kiosk-printing`);
//! - [`render_escpos`]: a raw ESC/POS stream for network printers, sent with
//!   [`send_to_printer`] to TCP port 9100.
//!
//! It knows PDF, QR and ESC/POS and nothing else: no database, no HTTP, no
//! clock. Everything on the ticket, including formatted times and localised
//! priority labels, is decided by the caller.

#![forbid(unsafe_code)]

mod escpos;
mod labels;
mod metrics;
mod paper;
mod pdf;
mod printer;
mod qr;
mod translit;

pub use escpos::render_escpos;
pub use paper::{Paper, UnknownPaper};
pub use pdf::render_pdf;
pub use printer::{send_to_printer, PrintError};
pub use qr::qr_svg;
pub use translit::to_ascii;

/// Everything printed on a ticket, already resolved by the caller.
///
/// The crate does no lookups: names, times and labels arrive as the strings
/// to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedTicket {
    /// The office's display name, e.g. "Kantor Imigrasi Kelas I Jakarta".
    pub office_name: String,
    /// The service the ticket is for, e.g. "Paspor Baru".
    pub service_name: String,
    /// The ticket number as called, e.g. "A012".
    pub number: String,
    /// Already-localised priority reason, e.g.
    /// "Prioritas: Lansia / Priority: Elderly"; `None` for a regular ticket.
    pub priority: Option<String>,
    /// Issue time already formatted in the office's time zone, e.g.
    /// "28-11-2026 09:15 WIB".
    pub issued_at: String,
    /// People ahead in the queue when the ticket was issued.
    pub ahead: u32,
    /// Estimated wait in minutes; `None` when it cannot be estimated yet, which
    /// the ticket says honestly instead of guessing.
    pub estimated_wait_min: Option<u32>,
    /// The QR payload: `"{public_base_url}/t/{code}"`.
    pub url: String,
    /// Office languages in order, e.g. `["id", "en"]`. Labels exist for "id"
    /// and "en"; any other code falls back to "id". Empty means `["id"]`.
    pub languages: Vec<String>,
    /// The service hands over a document later (it has a workflow): the
    /// ticket says to keep it for the pick-up.
    pub document: bool,
}

/// Why a PDF ticket could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    /// The URL is too long to fit in any QR code at error correction M.
    #[error("ticket URL ({len} bytes) is too long for a QR code")]
    UrlTooLong {
        /// Length of the URL in bytes.
        len: usize,
    },
    /// The QR code fits no module size on this paper.
    #[error("QR code of {modules} modules does not fit on {paper} paper")]
    QrTooWide {
        /// Modules across, quiet zone included.
        modules: u32,
        /// The paper it did not fit on.
        paper: Paper,
    },
}
