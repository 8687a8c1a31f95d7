//! Backups: a consistent copy of the database made while the server runs,
//! the check a copy must pass before anyone relies on it, and the way back
//! into a data directory.
//!
//! A plain `cp` of a running database is no backup: the newest commits are
//! in the WAL beside it (a copy without them loses acknowledged tickets),
//! and a page the server writes while `cp` reads it leaves a torn file.
//! [`make`] copies inside one read transaction instead, on a read-only
//! connection of its own: under WAL the server's writer never waits for it
//! (it takes no [`DataLock`]), and the copy is the database exactly as one
//! commit left it, every ticket acknowledged before it began included.
//!
//! # `VACUUM INTO`, not the online backup API
//!
//! Measured on 200,000 tickets (145 MiB) while 1,000 tickets a second were
//! issued (BENCHMARKS.md, "Backup under load"): the online backup API
//! copying in steps (the source free between them) starts again from the
//! first page whenever another connection writes the source; it had started
//! again 1,892 times when it gave up after 20 s. In one step it finishes
//! (0.4 s), holding one read transaction as `VACUUM INTO` does (0.5 s).
//! [`make`] uses `VACUUM INTO`: as fast within the noise, one statement on
//! the one connection, and a compact file (no free pages; tables and
//! indexes rebuilt in order) for a copy that may be kept for years. The
//! others stay as [`Method`]s because the bench measures them against it.
//!
//! # Whole or not at all
//!
//! A copy is written under a temporary name beside its file, made a
//! database of one file (rollback journal: nothing beside it to forget),
//! synced, [`verify`]'d, and only then renamed to its name: a half-written
//! or unsound copy never takes a backup's name, nor replaces an older good
//! one under `--force`.
//!
//! # Neither key is in it
//!
//! The audit key that hashes the chain is a file of its own and never in
//! the database (with both, a forger could rewrite the log), so a backup
//! verifies, and restores, only with the key kept apart from it.

use std::ffi::c_int;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OptionalExtension};

use crate::chain::{self, AuditKey, BreakReason, ChainReport};
use crate::{
    database_file, files, integrity_problems, open_read_only, schema, DataLock, StoreError,
};

/// How a copy is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `VACUUM INTO`: one read transaction, a compact file.
    VacuumInto,
    /// The online backup API, every page in one step: one read transaction,
    /// the file page for page (free pages too).
    OnlineAtOnce,
    /// The online backup API in steps of `pages` pages with `pause` between
    /// them, as SQLite's documentation shows it: the source is free between
    /// steps, but a write to it by another connection starts the copy again.
    /// Gives up after `give_up`.
    OnlineStepped {
        pages: u16,
        pause: Duration,
        give_up: Duration,
    },
}

/// A copy written by [`copy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub bytes: u64,
    /// Times the online backup API started again because the source changed.
    pub restarts: u32,
}

/// What a sound backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    /// Events in the audit log, every one verified.
    pub events: u64,
    pub tickets: u64,
    /// The newest event's id (0: none)...
    pub head_id: i64,
    /// ... and its hash, which covers every event before it.
    pub head_hash: String,
    /// The id of the audit key the chain verified with (never the key).
    pub key_id: String,
    pub bytes: u64,
}

/// Why a file is no backup to rely on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsound {
    #[error("not a readable Antrean database: {0}")]
    Unreadable(String),
    #[error("the integrity check found: {}", .0.join("; "))]
    Corrupt(Vec<String>),
    #[error("it was made by a newer Antrean (schema {found}; this one knows up to {known}): restore it with that version")]
    Newer { found: usize, known: usize },
    #[error("audit key {} {problem}", path.display())]
    Key { path: PathBuf, problem: String },
    #[error("its audit log is broken at event id {id} (log `{office}`, seq {seq}): {reason}")]
    Chain {
        id: i64,
        office: String,
        seq: u64,
        reason: BreakReason,
    },
}

/// Why no backup was made or restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    #[error("{} exists: a backup is restored only into a data directory without a database; move it away first", .0.display())]
    Occupied(PathBuf),
    #[error("the copy did not finish in {:.0} s: the database changed under it {restarts} times, and each change started it again", .after.as_secs_f64())]
    GaveUp { after: Duration, restarts: u32 },
    #[error("it does not verify: {0}")]
    Unsound(#[from] Unsound),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> Self {
        BackupError::Store(e.into())
    }
}

/// Copies the database `db` (while the server may run on it) to `file`,
/// verifies the copy with the audit key in `key_file` and returns what it
/// holds. An existing `file` is refused unless `overwrite`. On any failure
/// nothing is left under `file` or beside it (see the module's doc).
/// Blocking.
pub fn make(
    db: &Path,
    file: &Path,
    key_file: &Path,
    method: Method,
    overwrite: bool,
) -> Result<Contents, BackupError> {
    if !db.is_file() {
        return Err(StoreError::NotFound(db.display().to_string()).into());
    }
    if !overwrite && file.exists() {
        return Err(BackupError::Exists(file.to_owned()));
    }
    let tmp = temporary(file)?;
    let made = copy(db, &tmp, method).and_then(|_| Ok(verify(&tmp, key_file)?));
    finish(made, &tmp, file)
}

/// Copies the backup `file` into the data directory held by `lock` as its
/// database, after checking that it has none and that the copy verifies
/// with the audit key in `key_file` (which must be restored first).
/// Blocking.
pub fn restore(lock: &DataLock, file: &Path, key_file: &Path) -> Result<Contents, BackupError> {
    let db = database_file(lock.data_dir());
    for present in [db.clone(), sibling(&db, "-wal"), sibling(&db, "-shm")] {
        if present.exists() {
            return Err(BackupError::Occupied(present));
        }
    }
    let tmp = temporary(&db)?;
    // The copy is what is verified (not `file` in place): it is the bytes
    // the server will open, and `file` is never written to.
    let made = write_copy(file, &tmp)
        .and_then(|()| seal(&tmp).map_err(|e| Unsound::Unreadable(e.to_string()).into()))
        .and_then(|_| Ok(verify(&tmp, key_file)?));
    finish(made, &tmp, &db)
}

/// Renames the temporary copy `tmp` to `file` when it was `made`, removes
/// it otherwise.
fn finish<T>(made: Result<T, BackupError>, tmp: &Path, file: &Path) -> Result<T, BackupError> {
    let renamed = made.and_then(|c| Ok(files::rename_durably(tmp, file).map(|()| c)?));
    if renamed.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    renamed
}

/// Where [`before_upgrade`] keeps the databases as they were, under the
/// data directory.
pub const UPGRADE_DIR: &str = "upgrade-backups";

/// Keeps a copy of the database `db`, at schema `version`, before a newer
/// Antrean migrates it: `upgrade-backups/antrean-vVERSION-TIME.db` beside
/// it, made and sealed like a backup and integrity-checked (its chain is
/// of the old version's making; `antrean audit verify` checks the migrated
/// one). Whole or not at all; the migration does not run without it.
/// Blocking.
pub fn before_upgrade(db: &Path, version: usize) -> Result<PathBuf, BackupError> {
    let dir = db.with_file_name(UPGRADE_DIR);
    files::private_dir(&dir)?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let file = dir.join(format!("antrean-v{version}-{stamp}.db"));
    let tmp = temporary(&file)?;
    let made = copy(db, &tmp, Method::VacuumInto).and_then(|_| {
        let found = integrity_problems(&open_read_only(&tmp)?)?;
        match found.is_empty() {
            true => Ok(()),
            false => Err(StoreError::Corrupt(format!(
                "the copy before the upgrade fails its integrity check: {}",
                found.join("; ")
            ))
            .into()),
        }
    });
    finish(made, &tmp, &file).map(|()| file)
}

/// `.NAME.tmp` beside `file`, with any left by an interrupted run removed.
fn temporary(file: &Path) -> Result<PathBuf, BackupError> {
    let name = file.file_name().ok_or_else(|| {
        files::io_err(file)(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(".tmp");
    let tmp = file.with_file_name(tmp_name);
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(files::io_err(&tmp)(e).into()),
        _ => Ok(tmp),
    }
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes the bytes of `from` to the new file `to`, 0600 from its first
/// byte, synced.
fn write_copy(from: &Path, to: &Path) -> Result<(), BackupError> {
    let mut source = std::fs::File::open(from).map_err(files::io_err(from))?;
    files::private_file(to)?;
    let mut target = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(to)
        .map_err(files::io_err(to))?;
    std::io::copy(&mut source, &mut target).map_err(files::io_err(to))?;
    target.flush().map_err(files::io_err(to))?;
    target.sync_all().map_err(files::io_err(to))?;
    Ok(())
}

/// Copies the database `db` to the new file `dest` (0600, a database of one
/// file, synced) with `method`, on a read-only connection of its own (in
/// one read transaction but for [`Method::OnlineStepped`]): the server may
/// write meanwhile. Unverified: see [`make`]. Blocking.
pub fn copy(db: &Path, dest: &Path, method: Method) -> Result<Copied, BackupError> {
    if dest.exists() {
        return Err(BackupError::Exists(dest.to_owned()));
    }
    let source = open_read_only(db)?;
    source.busy_timeout(Duration::from_secs(5))?;
    // Made empty first so that it is 0600 before SQLite writes a page
    // (`VACUUM INTO` takes an empty file as a new one).
    files::private_file(dest)?;
    let restarts = match method {
        Method::VacuumInto => {
            let to = dest.to_str().ok_or_else(|| {
                files::io_err(dest)(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "VACUUM INTO needs a path in UTF-8",
                ))
            })?;
            source.execute("VACUUM INTO ?1", [to])?;
            0
        }
        Method::OnlineAtOnce => online(&source, dest, -1, Duration::ZERO, None)?,
        Method::OnlineStepped {
            pages,
            pause,
            give_up,
        } => online(&source, dest, c_int::from(pages), pause, Some(give_up))?,
    };
    let bytes = seal(dest)?;
    Ok(Copied { bytes, restarts })
}

/// The online backup API from `source` to `dest`, `pages` pages a step (-1:
/// all); returns how often it started again.
fn online(
    source: &Connection,
    dest: &Path,
    pages: c_int,
    pause: Duration,
    give_up: Option<Duration>,
) -> Result<u32, BackupError> {
    let mut target = Connection::open(dest)?;
    let backup = Backup::new(source, &mut target)?;
    let started = Instant::now();
    let (mut restarts, mut remaining) = (0u32, c_int::MAX);
    loop {
        if backup.step(pages)? == StepResult::Done {
            return Ok(restarts);
        }
        // More (or Busy, Locked: the same step again after the pause).
        let now = backup.progress().remaining;
        if now > remaining {
            restarts += 1;
        }
        remaining = now;
        if let Some(after) = give_up.filter(|&g| started.elapsed() >= g) {
            return Err(BackupError::GaveUp { after, restarts });
        }
        std::thread::sleep(pause.max(Duration::from_millis(1)));
    }
}

/// Makes the copy `dest` a database of one file (rollback journal: a copy
/// of a WAL database says WAL in its header) and syncs it; its size.
fn seal(dest: &Path) -> Result<u64, BackupError> {
    let conn = Connection::open(dest)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    conn.close().map_err(|(_, e)| e)?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::Corrupt(format!("the copy stays in journal mode {mode}")).into());
    }
    let f = std::fs::File::open(dest).map_err(files::io_err(dest))?;
    f.sync_all().map_err(files::io_err(dest))?;
    Ok(f.metadata().map_err(files::io_err(dest))?.len())
}

/// Checks the database file `file` as a restore relies on it, on a
/// read-only connection: `PRAGMA integrity_check`, a schema this build
/// knows, and the whole audit chain under the key in `key_file`; then says
/// what it holds. Blocking.
pub fn verify(file: &Path, key_file: &Path) -> Result<Contents, Unsound> {
    let unreadable = |e: &dyn std::fmt::Display| Unsound::Unreadable(e.to_string());
    let bytes = std::fs::metadata(file).map_err(|e| unreadable(&e))?.len();
    let conn = open_read_only(file).map_err(|e| unreadable(&e))?;
    let found = integrity_problems(&conn).map_err(|e| unreadable(&e))?;
    if !found.is_empty() {
        return Err(Unsound::Corrupt(found));
    }
    let version: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| unreadable(&e))?;
    if version == 0 {
        return Err(Unsound::Unreadable("it has no Antrean schema".into()));
    }
    if version > schema::VERSION {
        return Err(Unsound::Newer {
            found: version,
            known: schema::VERSION,
        });
    }
    let key = key_of(&conn, key_file)?;
    let events = match chain::verify(&conn, &key).map_err(|e| unreadable(&e))? {
        ChainReport::Intact { events } => events,
        ChainReport::Broken {
            id,
            office,
            seq,
            reason,
        } => {
            return Err(Unsound::Chain {
                id,
                office,
                seq,
                reason,
            })
        }
    };
    let tickets: i64 = conn
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .map_err(|e| unreadable(&e))?;
    let (head_id, head_hash) = chain::head(&conn).map_err(|e| unreadable(&e))?;
    Ok(Contents {
        events,
        tickets: u64::try_from(tickets).unwrap_or(0),
        head_id: head_id.unwrap_or(0),
        head_hash,
        key_id: key.id().to_owned(),
        bytes,
    })
}

/// The audit key in `key_file`, if it is the one the database on `conn`
/// was keyed with. Read-only, unlike opening a store: nothing is keyed or
/// made here.
fn key_of(conn: &Connection, key_file: &Path) -> Result<AuditKey, Unsound> {
    let problem = |problem: String| Unsound::Key {
        path: key_file.to_owned(),
        problem,
    };
    // No `audit_chain` table (a database from before the key) reads as no
    // key recorded.
    let keyed: Option<String> = conn
        .query_row("SELECT key_id FROM audit_chain WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()
        .unwrap_or(None);
    let Some(id) = keyed else {
        return Err(problem(
            "cannot verify it: the database records no audit key (it was not made by this version of Antrean, or its record of the key was removed)".into(),
        ));
    };
    match files::read_secret(key_file) {
        Ok(Some(bytes)) => {
            let key = AuditKey::from_bytes(&bytes);
            if key.id() == id {
                Ok(key)
            } else {
                Err(problem(format!(
                    "is not the key this database's audit log was made with (key {} there, {id} in the database): put the database's own key there, from where it is kept apart",
                    key.id()
                )))
            }
        }
        Ok(None) => Err(problem(format!(
            "is missing: a backup does not hold the audit key; put the key its audit log was made with (key {id}) there first, from where it is kept apart"
        ))),
        Err(StoreError::Secret { problem: p, .. }) => Err(problem(p)),
        Err(e) => Err(problem(format!("cannot be read: {e}"))),
    }
}
