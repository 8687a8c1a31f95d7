//! The Antrean server: the HTTP API, live streams, staff sign-in and the
//! embedded screens, around one task per office.
//!
//! Data flows one way: request → route ([`routes`], one module per
//! resource) → office task ([`offices`], the core decides) → writer (the
//! store commits) → hub ([`hub`], broadcast) → clients ([`live`]).
//!
//! The modules form layers; each uses only those on rows below it:
//!
//! ```text
//! routes  ui        HTTP in, HTTP out; the OpenAPI document; the screens
//! live  extract     the streams; what requests carry
//! lookup            tickets by code
//! state             what every handler may use
//! error  printing   the HTTP edge (status, code); printers
//! offices           one task per office
//! views  db         the wire format; the store facade
//! hub  limits  auth  access   broadcast; bounds; secrets; revocations
//! config            the configuration
//! ```
#![forbid(unsafe_code)]

pub mod access;
pub mod auth;
pub mod checkpoints;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod hub;
pub mod limits;
pub mod live;
pub mod lookup;
pub mod offices;
pub mod printing;
pub mod routes;
pub mod state;
pub mod ui;
pub mod views;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use antrean_store::Store;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;

use crate::config::Config;
use crate::db::Db;
use crate::limits::Limits;
use crate::offices::Offices;
use crate::state::AppState;

/// The whole application as a router.
pub fn app(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.server.security.request_timeout_s);
    Router::new()
        .merge(routes::router())
        .merge(ui::routes())
        .layer(DefaultBodyLimit::max(limits::BODY_LIMIT))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .with_state(state)
}

/// Serves until `shutdown` completes, then closes live connections and
/// finishes what is in flight.
pub async fn run(
    listener: TcpListener,
    config: Config,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    checkpoints::spawn(&config.server.audit, &store);
    let offices = Offices::start(&config.offices, &store, config.server.security.live_ping())?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let state = AppState {
        limits: Arc::new(Limits::new(&config.server.security)),
        config: Arc::new(config),
        offices,
        db: Db::new(store),
        access: Default::default(),
        shutdown: stop_rx,
    };
    let live = Arc::clone(&state.limits.live);
    let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    // Live frames and answers are small and must leave at once: no Nagle.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down");
            let _ = stop_tx.send(true);
        })
        .await?;
    // The live connections were told to close; let each send its close
    // frame before the runtime goes, but do not wait on a dead peer.
    if tokio::time::timeout(SHUTDOWN_GRACE, live.drained())
        .await
        .is_err()
    {
        tracing::warn!("live connections still open at exit");
    }
    Ok(())
}

/// How long shutdown waits for live connections to close.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
