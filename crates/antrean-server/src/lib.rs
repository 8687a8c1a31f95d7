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
//! net               connections: caps, timeouts, TLS, the client's address
//! edge              same-origin changes, security headers
//! routes  ui  ops   HTTP in, HTTP out; the OpenAPI document; the screens;
//!                   health, readiness and metrics for operators
//! live  extract     the streams; what requests carry
//! lookup            tickets by code
//! state             what every handler may use
//! error  printing   the HTTP edge (status, code); printers
//! offices           one task per office
//! views  db         the wire format; the store facade
//! checkpoints  backups   signed heads of the audit chain; copies of the database, daily
//! hub  limits  auth  access   broadcast; bounds; secrets; revocations
//! proof  holders    online tickets: proofs of work; one per browser
//! metrics  logging  what is counted for Prometheus; the log
//! config            the configuration
//! ```
#![forbid(unsafe_code)]

pub mod access;
pub mod auth;
pub mod backups;
pub mod checkpoints;
pub mod config;
pub mod db;
pub mod edge;
pub mod error;
pub mod extract;
pub mod holders;
pub mod hub;
pub mod limits;
pub mod live;
pub mod logging;
pub mod lookup;
pub mod metrics;
pub mod net;
pub mod offices;
pub mod ops;
pub mod printing;
pub mod privacy;
pub mod proof;
pub mod routes;
pub mod state;
pub mod ui;
pub mod views;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use antrean_store::Store;
use axum::extract::DefaultBodyLimit;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::db::Db;
use crate::limits::{ConnectionCounter, Limits};
use crate::metrics::Metrics;
use crate::offices::Offices;
use crate::state::AppState;

/// The whole application as a router.
pub fn app(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.server.security.request_timeout_s);
    let request_id = axum::http::HeaderName::from_static(logging::REQUEST_ID);
    Router::new()
        .merge(routes::router())
        .merge(ui::routes())
        .merge(ops::routes())
        .layer(DefaultBodyLimit::max(limits::BODY_LIMIT))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(RequestBodyTimeoutLayer::new(timeout))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            edge::reads_in_time,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            edge::guard,
        ))
        // Each request's log lines in a span with its id, answered as
        // `x-request-id`: ours, or a trusted proxy's (see `net`); at debug
        // a line when it starts and one when it is answered, which is
        // also where every answer is counted. A 5xx is not logged again
        // here: what failed logs itself (an internal error, the writer, an
        // office that cannot be rebuilt), and a readiness probe answered
        // 503 every second of an outage says nothing new.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(logging::request_span)
                .on_response(edge::Counted(Arc::clone(&state.metrics)))
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(
            request_id,
            logging::RequestIds::default(),
        ))
        .with_state(state)
}

/// Serves until `shutdown` completes, then stops accepting, answers what is
/// in flight, closes idle connections and sends live ones their close frame.
pub async fn run(
    listener: TcpListener,
    config: Config,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    checkpoints::spawn(&config.server.audit, &store);
    if let Some(settings) = &config.server.backup {
        backups::spawn(settings, &config.server.audit, &store);
    }
    let file_limit = net::raise_file_limit();
    let sec = &config.server.security;
    let (per_ip, total) = net::connection_caps(file_limit, sec.connections_per_ip);
    tracing::info!(per_ip, total, "connection caps");
    let tls = match &config.server.tls {
        Some(files) => Some(Arc::new(net::Certificates::load(files)?)),
        None => None,
    };
    let metrics = Arc::new(Metrics::default());
    store.writer.observe(metrics.commits());
    let offices = Offices::start(&config.offices, &store, sec.live_ping(), &metrics)?;
    privacy::spawn(config.server.privacy.clone(), store.clone());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let state = AppState {
        limits: Arc::new(Limits::new(sec)),
        offices,
        db: Db::new(store),
        access: Default::default(),
        proofs: Default::default(),
        holders: Default::default(),
        metrics,
        shutdown: stop_rx.clone(),
        config: Arc::new(config),
    };
    let serving = net::Serving {
        security: Arc::new(state.config.server.security.clone()),
        connections: Arc::new(ConnectionCounter::with_total(per_ip, total)),
        tls,
        app: app(state),
    };
    net::reload_on_hangup(serving.tls.clone());
    // The first sign-in of a name nobody has verifies against this; made
    // now, not on a request.
    tokio::task::spawn_blocking(auth::dummy_hash);
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
    });
    net::serve(listener, serving, stop_rx).await;
    Ok(())
}
