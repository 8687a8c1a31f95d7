//! The store as the async handlers use it: reads on pooled read connections
//! and account writes through the writer thread, each off the async workers
//! (`spawn_blocking`), so that no request waits on SQLite in a runtime
//! thread. Ticket and office changes never come here: they go through the
//! office task.

use antrean_store::{Reader, Store, StoreError};

/// Cheap handle to the store; clones share it.
#[derive(Debug, Clone)]
pub struct Db(Store);

/// A read or write that could not be done: the store said why, or the
/// blocking task died.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the blocking task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl Db {
    pub fn new(store: Store) -> Db {
        Db(store)
    }

    /// Whether the database takes writes, as the writer last found: no
    /// query, for probes asked often.
    pub fn health(&self) -> antrean_store::Health {
        self.0.writer.health()
    }

    /// Runs a query on a read connection: `db.read(|r| r.ticket(&code))`.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Reader) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, DbError> {
        let reader = self.0.reader.clone();
        Ok(tokio::task::spawn_blocking(move || f(&reader)).await??)
    }

    /// Runs a change of accounts or sessions (committed by the writer).
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, DbError> {
        let store = self.0.clone();
        Ok(tokio::task::spawn_blocking(move || f(&store)).await??)
    }
}
