//! Personal data past its retention period, erased by the server itself:
//! just after start and then every hour, whatever was given more than
//! `[privacy] retention_days` ago, once its ticket's day has ended (see
//! `antrean_store::personal` for how the audit log stays verifiable).

use std::time::Duration;

use antrean_core::Actor;
use antrean_store::{Erase, Store};

use crate::config::Privacy;

/// How often the server looks for data past its retention: an hour late at
/// most, and a look that finds nothing costs one indexed query.
const EVERY: Duration = Duration::from_secs(3600);

/// The first look, a moment after start: once the offices have ended the
/// days that passed while the server was down (their tickets' data may go
/// only then).
const FIRST: Duration = Duration::from_secs(5);

/// Runs the erasure soon after start and then every [`EVERY`], in the
/// background.
pub fn spawn(privacy: Privacy, store: Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + FIRST, EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let before = privacy.cutoff(chrono::Utc::now());
            let store = store.clone();
            let erased = tokio::task::spawn_blocking(move || {
                store.erase_personal(Erase::Before(before), &Actor::System)
            })
            .await;
            match erased {
                Ok(Ok(e)) if e.events.is_empty() => {}
                Ok(Ok(e)) => tracing::info!(
                    before = %before.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    priority_reasons = e.priority_reasons,
                    suggestions = e.suggestions,
                    "personal data past its retention erased"
                ),
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "personal data past its retention not erased; tried again in an hour")
                }
                Err(e) => {
                    tracing::error!(error = %e, "personal data past its retention not erased; tried again in an hour")
                }
            }
        }
    });
}
