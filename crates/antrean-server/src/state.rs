//! What every handler may use: the configuration, the running offices, the
//! store, the limits, the metrics and the shutdown signal, in one cheap
//! handle.

use std::sync::Arc;

use crate::access::Access;
use crate::config::Config;
use crate::db::Db;
use crate::error::ApiError;
use crate::limits::Limits;
use crate::offices::{OfficeHandle, Offices};

/// Everything a handler may use. Cloning is cheap (handles and `Arc`s).
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub offices: Offices,
    pub db: Db,
    pub limits: Arc<Limits>,
    /// Revocations, pairings and device contacts, which take effect at once.
    pub access: Arc<Access>,
    /// The online tickets' challenges: the key and the spent ones.
    pub proofs: Arc<crate::proof::Challenges>,
    /// Which browser holds which online ticket.
    pub holders: Arc<crate::holders::Holders>,
    /// What the server counts, for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Turns true when the server shuts down; live connections close.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

impl AppState {
    /// The running office with this id.
    pub fn office(&self, id: &str) -> Result<&OfficeHandle, ApiError> {
        self.offices
            .get(id)
            .ok_or_else(|| ApiError::UnknownOffice(id.to_owned()))
    }
}
