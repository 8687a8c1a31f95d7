//! The durable side of Antrean: an embedded SQLite database under the data
//! directory.
//!
//! Every change is one append to the `events` table (the audit log, chained by
//! SHA-256 so that any later edit or deletion shows) plus the update of the
//! current-state tables (`tickets`, `counters`, ...) it implies, in the same
//! transaction. One [`Writer`] thread owns the only write connection and
//! commits whatever is queued at once (group commit); readers use their own
//! connections through [`Reader`]. No SQL leaves this crate.
#![forbid(unsafe_code)]

mod accounts;
mod chain;
mod read;
mod schema;
mod writer;

use std::path::{Path, PathBuf};

pub use chain::ChainReport;

pub use accounts::{Device, PasswordKind, Session, User};
pub use read::{AuditFilter, AuditRow, Reader, ServiceFigures, StoredTicket};
pub use writer::{Done, Writer, ACCOUNTS_LOG};

/// What can go wrong below the domain.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("stored event is unreadable: {0}")]
    Corrupt(String),
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
    /// `data_dir`, and starts the writer thread.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join("antrean.db");
        let conn = schema::connect(&path)?;
        schema::migrate(&conn)?;
        let writer = Writer::start(conn)?;
        let reader = Reader::new(path.clone());
        Ok(Store {
            path,
            writer,
            reader,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The data directory, held by the one process that runs its offices (the
/// server, or `antrean config import`): two would each number an office's
/// events from what they hold in memory. (Account changes may come from a
/// second process: each is numbered and chained from the disk.) Released
/// when dropped or when the process dies.
#[derive(Debug)]
pub struct DataLock(#[allow(dead_code)] std::fs::File);

impl DataLock {
    /// Takes the lock of `data_dir` (creating it), or says who holds it.
    pub fn take(data_dir: &Path) -> Result<DataLock> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join("antrean.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| StoreError::DataDir {
                path: path.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(DataLock(file)),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Busy(data_dir.to_owned())),
            Err(std::fs::TryLockError::Error(source)) => Err(StoreError::DataDir { path, source }),
        }
    }
}

/// Nanoseconds since the epoch: exact for chrono's `DateTime<Utc>` until 2262.
pub(crate) fn to_ns(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

pub(crate) fn from_ns(ns: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_nanos(ns)
}
