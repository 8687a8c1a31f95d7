//! Printed tickets: the PDF and ESC/POS of a ticket, and sending ESC/POS to a
//! kiosk's network printer. The queue never waits on a printer: a ticket is
//! issued (and durable) first, printing is tried after, and a printer that is
//! off or stalls only costs the kiosk a clear message.

use std::time::Duration;

use antrean_core::{OfficeDef, PaperWidth, Priority};
use antrean_ticket::{Paper, PrintedTicket};
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::Printing;
use crate::metrics::{Failure, Metrics};
use crate::views::TicketView;

/// What became of a print job.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PrintResult {
    pub printer: String,
    pub ok: bool,
    /// Why it did not print, in English for the log and the IT officer.
    #[schema(required = true)]
    pub error: Option<String>,
    /// Why it did not print, as a code a screen words in its language.
    #[schema(required = true)]
    pub failure: Option<PrintFailure>,
}

/// Why a ticket did not print, as the person at the printer can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintFailure {
    /// The office has no such printer (any more).
    UnknownPrinter,
    /// The address answers but is not a printer, or does not resolve.
    NotAPrinter,
    /// No route to it: wrong address, cable, another network.
    Unreachable,
    /// No answer: probably switched off.
    SwitchedOff,
    /// It stopped taking the ticket: paper out, cover open, jammed.
    Stopped,
    /// The connection broke while sending, or another fault.
    Failed,
}

impl PrintFailure {
    fn of(e: &antrean_ticket::PrintError) -> PrintFailure {
        use antrean_ticket::PrintError as E;
        match e {
            E::Resolve { .. } | E::Refused { .. } => PrintFailure::NotAPrinter,
            E::Unreachable { .. } | E::Connect { .. } => PrintFailure::Unreachable,
            E::ConnectTimedOut { .. } => PrintFailure::SwitchedOff,
            E::WriteTimedOut { .. } => PrintFailure::Stopped,
            E::Write { .. } | E::InvalidTimeout(_) => PrintFailure::Failed,
        }
    }
}

fn priority_label(reason: Priority, lang: &str) -> String {
    let (id, en) = match reason {
        Priority::Disability => ("Disabilitas", "Disability"),
        Priority::Elderly => ("Lansia", "Elderly"),
        Priority::Pregnant => ("Ibu hamil", "Pregnant"),
        Priority::Child => ("Anak", "Child"),
        Priority::Other => ("Lainnya", "Other"),
    };
    if lang == "en" {
        format!("Priority: {en}")
    } else {
        format!("Prioritas: {id}")
    }
}

/// Everything the ticket printer needs, resolved in the office's languages.
pub fn printed(cfg: &OfficeDef, public_base_url: &str, t: &TicketView) -> PrintedTicket {
    let def = cfg;
    let lang = def.languages.first().map_or("id", String::as_str);
    let service_name = def
        .service(&t.service)
        .map_or_else(|| t.service.clone(), |s| s.name(lang).to_owned());
    let issued_at = chrono::DateTime::parse_from_rfc3339(&t.issued_at)
        .map(|at| {
            at.with_timezone(&def.time_zone)
                .format("%d-%m-%Y %H:%M %Z")
                .to_string()
        })
        .unwrap_or_else(|_| t.issued_at.clone());
    PrintedTicket {
        office_name: def.name.clone(),
        service_name,
        number: t.number.clone(),
        priority: t.priority.map(|p| {
            def.languages
                .iter()
                .map(|l| priority_label(p, l))
                .collect::<Vec<_>>()
                .join(" / ")
        }),
        issued_at,
        ahead: t.ahead.unwrap_or(0),
        estimated_wait_min: t.estimated_wait_s.map(|s| s.div_ceil(60)),
        url: format!("{}/t/{}", public_base_url.trim_end_matches('/'), t.code),
        languages: def.languages.clone(),
        document: def
            .service(&t.service)
            .is_some_and(|s| !s.workflow.is_empty()),
    }
}

/// Sends the ticket to one of the office's printers, on a blocking thread,
/// within the configured timeouts; a failure is counted in `metrics`.
pub async fn print(
    cfg: &OfficeDef,
    printer: &str,
    timeouts: &Printing,
    ticket: PrintedTicket,
    metrics: &Metrics,
) -> PrintResult {
    let Some(p) = cfg.printer(printer) else {
        return PrintResult {
            printer: printer.to_owned(),
            ok: false,
            error: Some("unknown printer".into()),
            failure: Some(PrintFailure::UnknownPrinter),
        };
    };
    let paper = match p.paper {
        PaperWidth::Mm80 => Paper::Mm80,
        PaperWidth::Mm58 => Paper::Mm58,
    };
    let address = p.address.clone();
    let connect = Duration::from_millis(timeouts.connect_timeout_ms.max(1));
    let write = Duration::from_millis(timeouts.write_timeout_ms.max(1));
    let sent = tokio::task::spawn_blocking(move || {
        let bytes = antrean_ticket::render_escpos(&ticket, paper);
        antrean_ticket::send_to_printer(&address, &bytes, connect, write)
    })
    .await;
    let (error, failure) = match sent {
        Ok(Ok(())) => (None, None),
        Ok(Err(e)) => (Some(e.to_string()), Some(PrintFailure::of(&e))),
        Err(e) => (
            Some(format!("printing failed: {e}")),
            Some(PrintFailure::Failed),
        ),
    };
    if let Some(e) = &error {
        tracing::warn!(printer, error = %e, "ticket not printed");
        metrics.failed(Failure::Print);
    }
    PrintResult {
        printer: printer.to_owned(),
        ok: error.is_none(),
        error,
        failure,
    }
}
