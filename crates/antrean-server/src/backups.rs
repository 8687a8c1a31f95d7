//! Scheduled backups (`[backup]` in antrean.toml): once a day at the set
//! time (the server's local time), a copy of the database made and
//! verified as `antrean backup` does (see [`antrean_store::backup`]), named
//! `antrean-YYYY-MM-DD-HHMM.db`, into the set directory; then the oldest
//! beyond the newest `keep` are deleted. Only files of that exact name are
//! ever counted or deleted: anything else in the directory is the
//! operator's. A day whose copy failed deletes nothing, so that a run of
//! failures never eats the good copies.
//!
//! The outcome goes to the log: info with what the copy holds, error when
//! it failed (the directory full or gone, the copy unsound).

use std::path::{Path, PathBuf};
use std::time::Duration;

use antrean_store::backup::{self, Contents, Method};
use antrean_store::{files, Store};
use chrono::{DateTime, Days, Local, NaiveDateTime, NaiveTime, TimeZone};

use crate::config;

/// The name of a scheduled backup made at `at`, and the only names this
/// module counts as its own.
const NAME_FORMAT: &str = "antrean-%Y-%m-%d-%H%M.db";

/// The longest sleep before looking at the clock again: a wall clock that
/// is set (or a machine that was suspended) is noticed within this.
const RECHECK: Duration = Duration::from_secs(600);

/// The first moment after `now` whose wall-clock time in `now`'s zone is
/// `at`: today's when it is still to come, else tomorrow's. A time that a
/// change to summer time skips runs an hour later; one that happens twice
/// runs the first time.
pub fn next_run<Tz: TimeZone>(now: &DateTime<Tz>, at: NaiveTime) -> DateTime<Tz> {
    let zone = now.timezone();
    let today = now.date_naive();
    // Two days at most: today's may be past, tomorrow's is not.
    [0u64, 1, 2]
        .into_iter()
        .filter_map(|d| today.checked_add_days(Days::new(d)))
        .filter_map(|day| {
            let local = day.and_time(at);
            zone.from_local_datetime(&local).earliest().or_else(|| {
                zone.from_local_datetime(&(local + chrono::Duration::hours(1)))
                    .earliest()
            })
        })
        .find(|t| t > now)
        .unwrap_or_else(|| now.clone() + chrono::Duration::days(1))
}

/// The file name of the backup made at `at` (local time).
pub fn file_name(at: NaiveDateTime) -> String {
    at.format(NAME_FORMAT).to_string()
}

/// Whether `name` is exactly one this module makes.
fn is_ours(name: &str) -> bool {
    NaiveDateTime::parse_from_str(name, NAME_FORMAT).is_ok_and(|at| file_name(at) == name)
}

/// Of the names in a backup directory, the backups of this module beyond
/// the newest `keep`, oldest first. The names sort as their times do.
pub fn beyond_keep(names: impl IntoIterator<Item = String>, keep: usize) -> Vec<String> {
    let mut ours: Vec<String> = names.into_iter().filter(|n| is_ours(n)).collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    ours.truncate(excess);
    ours
}

/// One scheduled backup: the copy made at `now` into `dir`, verified;
/// then the oldest beyond `keep` deleted. Blocking.
fn run_once(
    db: &Path,
    key_file: &Path,
    dir: &Path,
    keep: usize,
    now: NaiveDateTime,
) -> anyhow::Result<(PathBuf, Contents, Vec<String>)> {
    files::private_dir(dir)?;
    let file = dir.join(file_name(now));
    let contents = backup::make(db, &file, key_file, Method::VacuumInto, false)?;
    let names = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect::<Vec<_>>();
    let mut deleted = Vec::new();
    for name in beyond_keep(names, keep) {
        match std::fs::remove_file(dir.join(&name)) {
            Ok(()) => deleted.push(name),
            Err(e) => {
                tracing::warn!(file = %dir.join(&name).display(), error = %e, "old backup not deleted")
            }
        }
    }
    Ok((file, contents, deleted))
}

/// Starts the daily backups of `store`, as `[backup]` says.
pub fn spawn(settings: &config::Backup, audit: &config::Audit, store: &Store) {
    let data = store.data_dir();
    let (db, key_file, dir) = (
        store.path().to_owned(),
        audit.key_file(data),
        settings.dir(data),
    );
    let (at, keep) = (settings.time.0, settings.keep.get() as usize);
    tracing::info!(
        dir = %dir.display(),
        time = %settings.time,
        keep,
        audit_key = %key_file.display(),
        signing_key = %audit.signing_key_file(data).display(),
        "daily backups on; the audit key and the checkpoints' signing key are not in them: keep copies of both apart from the backups"
    );
    tokio::spawn(async move {
        loop {
            let due = next_run(&Local::now(), at);
            // Sleeps in pieces: the monotonic clock of a sleep does not
            // follow the wall clock when it is set.
            while let Ok(left) = (due - Local::now()).to_std() {
                tokio::time::sleep(left.min(RECHECK)).await;
            }
            let (db, key_file, dir) = (db.clone(), key_file.clone(), dir.clone());
            let started = std::time::Instant::now();
            let done = tokio::task::spawn_blocking(move || {
                run_once(&db, &key_file, &dir, keep, Local::now().naive_local())
            })
            .await;
            match done {
                Ok(Ok((file, c, deleted))) => tracing::info!(
                    file = %file.display(),
                    seconds = started.elapsed().as_secs_f64(),
                    bytes = c.bytes,
                    events = c.events,
                    tickets = c.tickets,
                    head_id = c.head_id,
                    deleted = ?deleted,
                    "backup made and verified"
                ),
                Ok(Err(e)) => tracing::error!(error = %format!("{e:#}"), "backup FAILED"),
                Err(e) => tracing::error!(error = %e, "backup FAILED"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono_tz::{Asia::Jakarta, Europe::Berlin};

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn the_next_run_is_todays_time_still_to_come_else_tomorrows() {
        let at = t(2, 30);
        let cases = [
            // (now, next) in Jakarta
            ((2026, 12, 1, 1, 0, 0), (2026, 12, 1, 2, 30)),
            ((2026, 12, 1, 2, 29, 59), (2026, 12, 1, 2, 30)),
            // Exactly at the time (a run that just finished): tomorrow.
            ((2026, 12, 1, 2, 30, 0), (2026, 12, 2, 2, 30)),
            ((2026, 12, 1, 23, 59, 0), (2026, 12, 2, 2, 30)),
            // Across the end of a month and of a year.
            ((2026, 12, 31, 3, 0, 0), (2027, 1, 1, 2, 30)),
        ];
        for ((y, mo, d, h, mi, s), (ny, nmo, nd, nh, nmi)) in cases {
            let now = Jakarta.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap();
            let want = Jakarta.with_ymd_and_hms(ny, nmo, nd, nh, nmi, 0).unwrap();
            assert_eq!(next_run(&now, at), want, "from {now}");
        }
    }

    #[test]
    fn a_time_summer_time_skips_runs_an_hour_later_and_a_doubled_one_once() {
        // 2026-03-29 02:00 → 03:00 in Berlin: 02:30 does not happen.
        let now = Berlin.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        let next = next_run(&now, t(2, 30));
        assert_eq!(next.naive_local().to_string(), "2026-03-29 03:30:00");
        assert_eq!(
            next_run(&next, t(2, 30)).naive_local().to_string(),
            "2026-03-30 02:30:00"
        );
        // 2026-10-25 03:00 → 02:00: 02:30 happens twice, the run is at the first.
        let now = Berlin.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        let first = next_run(&now, t(2, 30));
        assert_eq!(first.naive_local().to_string(), "2026-10-25 02:30:00");
        assert_eq!(first.offset().to_string(), "CEST");
        let after = next_run(&first, t(2, 30));
        assert_eq!(
            after.naive_local().to_string(),
            "2026-10-26 02:30:00",
            "not again an hour later"
        );
    }

    #[test]
    fn backups_are_named_by_their_time_and_only_those_names_are_counted() {
        let at = NaiveDateTime::parse_from_str("2026-12-01 02:30", "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(file_name(at), "antrean-2026-12-01-0230.db");
        assert!(is_ours("antrean-2026-12-01-0230.db"));
        for other in [
            "antrean.db",
            "antrean-2026-12-01-0230.db.tmp",
            ".antrean-2026-12-01-0230.db.tmp",
            "antrean-2026-12-1-0230.db",
            "antrean-2026-12-01-230.db",
            "antrean-2026-13-01-0230.db",
            "antrean-2026-12-01-0230.db.gz",
            "x-antrean-2026-12-01-0230.db",
            "catatan.txt",
        ] {
            assert!(!is_ours(other), "{other}");
        }
    }

    #[test]
    fn a_run_makes_a_verified_copy_then_deletes_only_its_own_oldest() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let key_file = data.join("audit.key");
        let store = Store::open(&data, &key_file).unwrap();
        let dir = tmp.path().join("cadangan");
        files::private_dir(&dir).unwrap();
        for old in [
            "antrean-2026-11-29-0230.db",
            "antrean-2026-11-30-0230.db",
            "catatan.txt",
        ] {
            std::fs::write(dir.join(old), b"").unwrap();
        }
        let now = NaiveDateTime::parse_from_str("2026-12-01 02:30", "%Y-%m-%d %H:%M").unwrap();
        let (file, contents, deleted) = run_once(store.path(), &key_file, &dir, 2, now).unwrap();
        assert_eq!(file, dir.join("antrean-2026-12-01-0230.db"));
        assert_eq!(
            contents.key_id,
            backup::verify(&file, &key_file).unwrap().key_id
        );
        assert_eq!(deleted, ["antrean-2026-11-29-0230.db"]);
        let mut left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "antrean-2026-11-30-0230.db",
                "antrean-2026-12-01-0230.db",
                "catatan.txt"
            ]
        );
        // The same minute again (a restart at the time): refused, nothing deleted.
        assert!(run_once(store.path(), &key_file, &dir, 1, now).is_err());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3);
    }

    #[test]
    fn the_oldest_beyond_keep_go_and_nothing_else() {
        let names = [
            "antrean-2026-12-03-0230.db",
            "catatan.txt",
            "antrean-2026-11-30-0230.db",
            "antrean-2026-12-01-0230.db",
            "antrean-2025-12-31-2359.db",
            "antrean-2026-12-02-0230.db",
            ".antrean-2026-12-04-0230.db.tmp",
            "antrean-manual.db",
        ]
        .map(String::from);
        assert_eq!(
            beyond_keep(names.clone(), 3),
            ["antrean-2025-12-31-2359.db", "antrean-2026-11-30-0230.db"]
        );
        assert_eq!(beyond_keep(names.clone(), 5), Vec::<String>::new());
        assert_eq!(beyond_keep(names.clone(), 1).len(), 4);
        assert_eq!(
            beyond_keep(names, 1).last().map(String::as_str),
            Some("antrean-2026-12-02-0230.db")
        );
    }
}
