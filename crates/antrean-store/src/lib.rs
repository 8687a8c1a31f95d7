//! The durable side of Antrean: an embedded SQLite database under the data
//! directory.
//!
//! Every change is one append to the `events` table (the audit log, chained by
//! an HMAC-SHA256 under a key kept outside the database, so that any later
//! edit or deletion shows, see [`chain`]) plus the update of the
//! current-state tables (`tickets`, `counters`, ...) it implies, in the same
//! transaction. One [`Writer`] thread owns the only write connection and
//! commits whatever is queued at once (group commit); readers use their own
//! connections through [`Reader`]. No SQL leaves this crate.
#![forbid(unsafe_code)]

mod accounts;
pub mod backup;
pub mod chain;
pub mod files;
mod personal;
mod read;
mod replay;
mod schema;
mod writer;

use std::path::{Path, PathBuf};

pub use chain::{AuditKey, BreakReason, ChainHead, ChainReport, CHAIN_LOG};
pub use personal::{Erase, Erased, ErasedIn, PersonalRecord, PRIVACY_LOG};
pub use replay::Mismatch;

pub use accounts::{Device, PasswordKind, Session, User};
pub use read::{AuditFilter, AuditRow, Reader, ServiceFigures, StoredTicket};
pub use writer::{Done, Health, Logged, Observer, Writer, ACCOUNTS_LOG, PROBE_EVERY};

/// What can go wrong below the domain.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file or directory of the installation cannot be made, read or
    /// written.
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("stored event is unreadable: {0}")]
    Corrupt(String),
    /// A database of an older schema could not be copied before its
    /// migration, which therefore did not run.
    #[error("the database (schema {from}) was not upgraded: no copy of it could be kept first ({problem}); free some space in the data directory and start again")]
    Upgrade { from: usize, problem: String },
    /// A write the database refused (locked, full, read-only): nothing of
    /// it is on disk.
    #[error("not written: {0}")]
    Unwritten(String),
    #[error("office `{0}` stopped after a failed write and is being rebuilt")]
    OfficeFailed(String),
    #[error("the writer has stopped")]
    WriterGone,
    #[error("{0} already exists")]
    Exists(String),
    #[error("{0} does not exist")]
    NotFound(String),
    #[error("another antrean process (the server?) is using {0}; stop it first")]
    Busy(PathBuf),
    /// The audit key cannot be used with this database (missing, another
    /// one, a plain chain next to a key): refused rather than guessed.
    #[error("audit key {path}: {problem}")]
    AuditKey { path: PathBuf, problem: String },
    #[error("secret {path}: {problem}")]
    Secret { path: PathBuf, problem: String },
    /// The chain made before the key does not verify: it is not re-keyed,
    /// which would hide what changed it.
    #[error("the audit log made before the audit key is broken at {0}; it was not keyed (that would hide the change): find out what changed it, or restore a backup")]
    LegacyChainBroken(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database of one Antrean installation.
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
    pub writer: Writer,
    pub reader: Reader,
}

impl Store {
    /// Opens (creating and migrating when needed) `antrean.db` under
    /// `data_dir`, with the audit log's key in `key_file` (made on the first
    /// start, see [`chain`]), and starts the writer thread. The directory is
    /// made 0700 and the database files 0600 (see [`files`]).
    pub fn open(data_dir: &Path, key_file: &Path) -> Result<Store> {
        files::private_dir(data_dir)?;
        let path = database_file(data_dir);
        files::private_file(&path)?;
        let mut conn = schema::connect(&path)?;
        let version = schema::version(&conn)?;
        if version > 0 && version < schema::VERSION {
            let kept = backup::before_upgrade(&path, version).map_err(|e| StoreError::Upgrade {
                from: version,
                problem: e.to_string(),
            })?;
            tracing::warn!(
                from = version,
                to = schema::VERSION,
                kept = %kept.display(),
                "the database is upgraded to this version's schema; a copy of it as it was is kept (delete it once this version runs well)"
            );
        }
        schema::migrate(&conn)?;
        let key = chain::key(&mut conn, key_file)?;
        files::private_db_files(&path)?;
        let writer = Writer::start(conn, key.clone())?;
        let reader = Reader::new(path.clone(), key);
        Ok(Store {
            path,
            writer,
            reader,
        })
    }

    /// Records the start in the database, through the writer, on disk
    /// when it returns: a database that cannot be written (full disk,
    /// read-only file or mount, locked by another process beyond the busy
    /// timeout) is found here, before anything is served.
    pub fn record_start(&self) -> Result<()> {
        self.writer.exec_blocking(|tx| {
            tx.execute(
                "INSERT INTO started (id, at_ns) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET at_ns = excluded.at_ns",
                [to_ns(chrono::Utc::now())],
            )?;
            Ok(())
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data directory the database is in.
    pub fn data_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// The database file of the data directory `data_dir`.
pub fn database_file(data_dir: &Path) -> PathBuf {
    data_dir.join("antrean.db")
}

/// `PRAGMA integrity_check` of the database under `data_dir`, on a
/// connection of its own that changes nothing: the problems SQLite finds,
/// none when the file is sound. A file SQLite cannot read at all is an
/// error.
pub fn integrity_check(data_dir: &Path) -> Result<Vec<String>> {
    let path = database_file(data_dir);
    if !path.exists() {
        return Err(StoreError::NotFound(path.display().to_string()));
    }
    integrity_problems(&open_read_only(&path)?)
}

/// A connection to the database at `path` that cannot change it (and
/// takes no lock a writer would wait for: under WAL it reads a snapshot).
pub(crate) fn open_read_only(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// What `PRAGMA integrity_check` finds wrong on `conn`; none when sound.
pub(crate) fn integrity_problems(conn: &rusqlite::Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let found: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(found.into_iter().filter(|m| m != "ok").collect())
}

/// The data directory, held by the one process that runs its offices (the
/// server, or `antrean config import`): two would each number an office's
/// events from what they hold in memory. (Account changes may come from a
/// second process: each is numbered and chained from the disk.) Released
/// when dropped or when the process dies.
#[derive(Debug)]
pub struct DataLock {
    /// Held open for the lock; never read.
    _file: std::fs::File,
    dir: PathBuf,
}

impl DataLock {
    /// Takes the lock of `data_dir` (creating it), or says who holds it.
    pub fn take(data_dir: &Path) -> Result<DataLock> {
        files::private_dir(data_dir)?;
        let path = data_dir.join("antrean.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| StoreError::Io {
                path: path.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(DataLock {
                _file: file,
                dir: data_dir.to_owned(),
            }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Busy(data_dir.to_owned())),
            Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Io { path, source }),
        }
    }

    /// The data directory held.
    pub fn data_dir(&self) -> &Path {
        &self.dir
    }
}

/// Nanoseconds since the epoch: exact for chrono's `DateTime<Utc>` until 2262.
pub(crate) fn to_ns(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

pub(crate) fn from_ns(ns: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_nanos(ns)
}
