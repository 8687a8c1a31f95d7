//! `antrean backup FILE` and `antrean restore FILE`: a verified copy of the
//! database, made while the server runs, and the way back into an empty
//! data directory (see [`antrean_store::backup`] for how each is made safe).
//!
//! Both exit 0 only when the copy verified (the integrity check and the
//! whole audit chain under the audit key), 1 otherwise, saying why; neither
//! leaves a partial or unsound file behind.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use antrean_server::config::Config;
use antrean_store::backup::{self, BackupError, Contents, Method};
use antrean_store::DataLock;

pub fn backup(config: &Path, data: &Path, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let config = Config::load(config)?;
    let audit = &config.server.audit;
    let started = Instant::now();
    let db = antrean_store::database_file(data);
    match backup::make(&db, file, &audit.key_file(data), Method::VacuumInto, force) {
        Ok(contents) => {
            println!(
                "backup written to {} and verified in {:.1} s",
                file.display(),
                started.elapsed().as_secs_f64()
            );
            show(&contents);
            println!(
                "NOT in the backup, so keep copies of them apart from it (without the audit key \
                 it can be neither verified nor restored; with it, beside the database, a forger \
                 could rewrite the log):"
            );
            println!(
                "  audit key               {}",
                audit.key_file(data).display()
            );
            println!(
                "  checkpoint signing key  {}",
                audit.signing_key_file(data).display()
            );
            println!(
                "  checkpoints             {} (best synced off this machine)",
                audit.checkpoint_dir(data).display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(BackupError::Exists(f)) => {
            println!(
                "backup NOT written: {} already exists (give --force to replace it once the new copy has verified)",
                f.display()
            );
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            println!(
                "backup FAILED: {e}; nothing was written to {}",
                file.display()
            );
            Ok(ExitCode::from(1))
        }
    }
}

pub fn restore(config: &Path, data: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(config)?;
    let audit = &config.server.audit;
    // Held to the end: no server may start on the directory meanwhile.
    let lock = match DataLock::take(data) {
        Ok(lock) => lock,
        Err(e) => {
            println!("restore REFUSED: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    match backup::restore(&lock, file, &audit.key_file(data)) {
        Ok(contents) => {
            println!(
                "restored {} into {}",
                file.display(),
                antrean_store::database_file(data).display()
            );
            show(&contents);
            println!(
                "next: start the server (antrean serve), then check the whole log with `antrean audit verify`. \
                 Checkpoints written after this backup was made will be reported as cut off: \
                 the events since then are not in it."
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ BackupError::Occupied(_)) => {
            println!("restore REFUSED: {e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            println!(
                "restore FAILED: {}: {e}; nothing was written to {}",
                file.display(),
                data.display()
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// What a verified copy holds.
fn show(c: &Contents) {
    println!(
        "  integrity check ok; audit log intact: {} events verified with audit key {}",
        c.events, c.key_id
    );
    println!(
        "  chain head: event id {} (hash {})",
        c.head_id, c.head_hash
    );
    println!("  tickets: {}", c.tickets);
    println!("  size: {:.1} MiB", c.bytes as f64 / (1024.0 * 1024.0));
}
