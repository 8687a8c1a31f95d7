//! `antrean audit ...`: verify the audit log against everything that can
//! catch a rewrite (the file's integrity, the keyed chain, the signed
//! checkpoints, the current-state tables replayed from the events), write a
//! checkpoint, print the checkpoints' public key.
//!
//! `verify` exits 0 when every check passes, 1 when any finds something
//! (each says what), 2 when it cannot run at all.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use antrean_server::checkpoints::{self, Checkpointer};
use antrean_server::config::Config;
use antrean_store::{ChainReport, Store, StoreError};

use super::AuditCmd;

/// Mismatches of the replay printed at most; the rest are counted.
const SHOWN: usize = 50;

pub fn run(config: &Path, data: &Path, command: AuditCmd) -> anyhow::Result<ExitCode> {
    let config = Config::load(config)?;
    let audit = &config.server.audit;
    match command {
        AuditCmd::Verify {
            public_key,
            checkpoints,
        } => verify(
            &config,
            data,
            public_key.as_deref(),
            checkpoints.unwrap_or_else(|| audit.checkpoint_dir(data)),
        ),
        AuditCmd::Checkpoint => {
            let store = Store::open(data, &audit.key_file(data))?;
            let (path, cp) = Checkpointer::open(audit, data)?.write(&store.reader)?;
            println!(
                "checkpoint of {} events (up to id {}) written to {}",
                cp.count,
                cp.last_id,
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        AuditCmd::PublicKey => {
            println!("{}", Checkpointer::open(audit, data)?.public_key());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn verify(
    config: &Config,
    data: &Path,
    public_key: Option<&str>,
    checkpoint_dir: PathBuf,
) -> anyhow::Result<ExitCode> {
    let audit = &config.server.audit;
    let mut sound = true;

    // 1. The file itself: a corrupt page makes every later answer moot.
    match antrean_store::integrity_check(data) {
        Ok(found) if found.is_empty() => println!("database file: integrity check ok"),
        Ok(found) => {
            println!("database file CORRUPT: integrity check found:");
            for line in found.iter().take(SHOWN) {
                println!("  {line}");
            }
            return Ok(ExitCode::from(1));
        }
        Err(e) => {
            println!("database file CORRUPT or unreadable: integrity check failed: {e}");
            return Ok(ExitCode::from(1));
        }
    }

    // 2. The keyed chain.
    let store = match Store::open(data, &audit.key_file(data)) {
        Ok(s) => s,
        Err(e @ (StoreError::AuditKey { .. } | StoreError::LegacyChainBroken(_))) => {
            println!("audit log BROKEN: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    match store.reader.verify_chain()? {
        ChainReport::Intact { events } => {
            println!("audit log intact: {events} events verified");
        }
        ChainReport::Broken {
            id,
            office,
            seq,
            reason,
        } => {
            println!(
                "audit log BROKEN at event id {id} (log `{office}`, seq {seq}): {reason} [{}]",
                reason.code()
            );
            sound = false;
        }
    }

    // 3. The signed checkpoints: nothing cut off since.
    let public = checkpoints::public_key(public_key, audit, data);
    match public {
        Err(e) => {
            println!("checkpoints NOT CHECKED: {e:#}");
            sound = false;
        }
        Ok(public) => {
            let checked = checkpoints::verify_all(&checkpoint_dir, &public, &store.reader)?;
            if checked.is_empty() {
                println!(
                    "checkpoints: none in {} (cutting off the newest events cannot be detected without one)",
                    checkpoint_dir.display()
                );
            }
            let bad: Vec<_> = checked.iter().filter(|c| c.problem.is_some()).collect();
            for c in &bad {
                if let Some(p) = &c.problem {
                    println!("checkpoint {} FAILS: {p} [{}]", c.file.display(), p.code());
                }
            }
            if let Some(newest) = checked.last().and_then(|c| c.checkpoint.as_ref()) {
                if bad.is_empty() {
                    println!(
                        "checkpoints: {} hold (the newest: {} events up to id {}, {})",
                        checked.len(),
                        newest.count,
                        newest.last_id,
                        newest.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    );
                }
            }
            sound &= bad.is_empty();
        }
    }

    // 4. The current-state tables against the events.
    let mismatches = store.reader.replay_check()?;
    if mismatches.is_empty() {
        println!("current state: the tables are what the events make of them");
    } else {
        println!(
            "current state DIFFERS from the events in {} places:",
            mismatches.len()
        );
        for m in mismatches.iter().take(SHOWN) {
            println!("  {m}");
        }
        if mismatches.len() > SHOWN {
            println!("  ... and {} more", mismatches.len() - SHOWN);
        }
        sound = false;
    }
    Ok(if sound {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
