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

mod chain;
mod read;
mod schema;
mod writer;

use std::path::{Path, PathBuf};

use antrean_core::{DeviceKind, Role};

pub use chain::ChainReport;

pub use read::{Device, Reader, ServiceFigures, Session, StoredTicket, User};
pub use writer::{Done, Writer};

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

/// The data directory, held by the one process that appends to its audit
/// log (the server, or `antrean config import`): two would each chain
/// events onto the hash they last wrote. Released when dropped or when the
/// process dies.
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

impl Store {
    /// Adds a staff account. `password_hash` is already an argon2id PHC
    /// string; this crate never sees passwords.
    pub fn add_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
        office: Option<&str>,
    ) -> Result<()> {
        let (u, h, r, o) = (
            username.to_owned(),
            password_hash.to_owned(),
            role.as_str(),
            office.map(str::to_owned),
        );
        self.writer.exec_blocking(move |tx| {
            let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE username = ?1)", [&u], |r| r.get(0))?;
            if exists {
                return Err(StoreError::Exists(format!("user `{u}`")));
            }
            tx.execute(
                "INSERT INTO users (username, password_hash, role, office, created_at_ns) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![u, h, r, o, to_ns(chrono::Utc::now())],
            )?;
            Ok(())
        })
    }

    /// Stores a session; only the token's hash is kept.
    pub fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let (t, e) = (token_hash.to_owned(), to_ns(expires_at));
        self.writer.exec_blocking(move |tx| {
            tx.execute(
                "DELETE FROM sessions WHERE expires_at_ns < ?1",
                [to_ns(chrono::Utc::now())],
            )?;
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, expires_at_ns) VALUES (?1, ?2, ?3)",
                rusqlite::params![t, user_id, e],
            )?;
            Ok(())
        })
    }

    pub fn delete_session(&self, token_hash: &str) -> Result<()> {
        let t = token_hash.to_owned();
        self.writer.exec_blocking(move |tx| {
            tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [t])?;
            Ok(())
        })
    }

    /// Registers a device (a kiosk, a display) by the hash of its token.
    pub fn add_device(
        &self,
        name: &str,
        office: &str,
        kind: DeviceKind,
        token_hash: &str,
    ) -> Result<()> {
        let (n, o, k, t) = (
            name.to_owned(),
            office.to_owned(),
            kind.as_str(),
            token_hash.to_owned(),
        );
        self.writer.exec_blocking(move |tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE office = ?1 AND name = ?2)",
                [&o, &n],
                |r| r.get(0),
            )?;
            if exists {
                return Err(StoreError::Exists(format!("device `{n}` of office `{o}`")));
            }
            tx.execute(
                "INSERT INTO devices (token_hash, name, office, kind, created_at_ns) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![t, n, o, k, to_ns(chrono::Utc::now())],
            )?;
            Ok(())
        })
    }
}
