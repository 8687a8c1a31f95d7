//! `antrean privacy show|erase CODE`: for the staff who answer a citizen's
//! request for access to, or erasure of, their data (UU 27/2022 Pasal 32
//! and 43). The citizen brings their ticket: its code is in the QR code's
//! address, which may be pasted whole. Both work while the server runs; an
//! erasure is in the audit log as done by `operator:NAME`.

use std::path::Path;
use std::process::ExitCode;

use antrean_core::Actor;
use antrean_server::config::Config;
use antrean_store::{Erase, PersonalRecord, Store};

use super::{operator, PrivacyCmd};

pub fn run(config: &Path, data: &Path, command: PrivacyCmd) -> anyhow::Result<ExitCode> {
    let config = Config::load(config)?;
    let store = Store::open(data, &config.server.audit.key_file(data))?;
    let (PrivacyCmd::Show { code } | PrivacyCmd::Erase { code }) = &command;
    let code = ticket_code(code);
    let Some(record) = store.personal_record(code)? else {
        println!("no ticket has this code (check it against the ticket's QR code)");
        return Ok(ExitCode::from(1));
    };
    match command {
        PrivacyCmd::Show { .. } => {
            show(&record, &config);
            Ok(ExitCode::SUCCESS)
        }
        PrivacyCmd::Erase { .. } => {
            if !record.day_ended {
                println!(
                    "ticket {} is in today's queue, which needs its priority reason: erase it after the office's day has ended",
                    record.number
                );
                return Ok(ExitCode::from(1));
            }
            let erased = store
                .erase_personal(Erase::Ticket(code.to_owned()), &Actor::Operator(operator()))?;
            if erased.events.is_empty() {
                println!(
                    "ticket {} of {} ({}): no personal data left to erase",
                    record.number, record.office, record.day
                );
            } else {
                println!(
                    "ticket {} of {} ({}): erased {} priority reason(s) and {} suggestion(s); recorded in the audit log",
                    record.number, record.office, record.day, erased.priority_reasons, erased.suggestions
                );
            }
            if record.inline > 0 {
                println!(
                    "note: {} event(s) of this ticket are from before personal data was kept apart and keep it in the audit log",
                    record.inline
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The code of a ticket from what was typed: the code, or the ticket's
/// address (`https://…/t/CODE`).
fn ticket_code(typed: &str) -> &str {
    let typed = typed.trim();
    typed.rsplit_once("/t/").map_or(typed, |(_, code)| {
        code.split(['?', '#', '/']).next().unwrap_or("")
    })
}

fn show(r: &PersonalRecord, config: &Config) {
    let days = config.server.privacy.retention_days.get();
    let kept = |v: &Option<String>, what: &str| match v {
        Some(v) => format!("{v}   (erased {days} days after it was given)"),
        None if r.erased > 0 => format!("none kept ({what} erased)"),
        None => "none".into(),
    };
    println!(
        "ticket {} of office {}, {} (service {}, taken at the {}), {}",
        r.number, r.office, r.day, r.service, r.channel, r.status
    );
    println!(
        "  issued       {}",
        r.issued_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    println!("  document     {}", r.document.as_deref().unwrap_or("none"));
    println!("  priority     {}", kept(&r.priority, "reason"));
    println!(
        "  survey       {}",
        if r.surveyed {
            "answered (the answers are anonymous and stay)"
        } else {
            "not answered"
        }
    );
    println!("  suggestion   {}", kept(&r.suggestion, "text"));
    if r.inline > 0 {
        println!(
            "  note: {} event(s) from before personal data was kept apart hold it in the audit log",
            r.inline
        );
    }
    println!("No name, NIK, address or telephone number of the citizen is kept.");
}

#[cfg(test)]
mod tests {
    use super::ticket_code;

    #[test]
    fn a_code_is_taken_from_the_ticket_address_too() {
        assert_eq!(ticket_code("abc123"), "abc123");
        assert_eq!(ticket_code(" https://antrean.example/t/abc123 "), "abc123");
        assert_eq!(ticket_code("http://x/t/abc123?lang=en#top"), "abc123");
    }
}
