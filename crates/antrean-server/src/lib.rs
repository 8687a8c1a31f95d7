//! The Antrean server: the HTTP API, live streams, staff sign-in and the
//! embedded screens, around one task per office.
//!
//! Data flows one way: request → handler ([`api`]) → office task
//! ([`offices`], the core decides) → writer (the store commits) → hub
//! ([`hub`], broadcast) → clients ([`live`]).
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod config;
pub mod error;
pub mod hub;
pub mod live;
pub mod offices;
pub mod printing;
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

use crate::auth::{ConnectionCounter, RateLimit};
use crate::config::Config;
use crate::error::ApiError;
use crate::offices::Offices;

/// Rate limits shared by all requests.
#[derive(Debug)]
pub struct Limits {
    pub online: RateLimit,
    pub sign_in: RateLimit,
}

/// Everything a handler may use. Cloning is cheap (handles and `Arc`s).
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub offices: Offices,
    pub store: Store,
    pub limits: Arc<Limits>,
    pub live_connections: Arc<ConnectionCounter>,
    /// Turns true when the server shuts down; live connections close.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

/// The whole application as a router.
pub fn app(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.server.security.request_timeout_s);
    let api = api::routes()
        .fallback(|| async { ApiError::NoRoute })
        .method_not_allowed_fallback(|| async { ApiError::NoRoute });
    Router::new()
        .nest("/api/v1", api)
        .merge(ui::routes())
        .layer(DefaultBodyLimit::max(api::BODY_LIMIT))
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
    let offices = Offices::start(&config.offices, &store, config.server.security.live_ping());
    let sec = &config.server.security;
    let limits = Limits {
        online: RateLimit::new(
            sec.online_tickets_per_ip,
            Duration::from_secs(u64::from(sec.online_window_minutes) * 60),
        ),
        sign_in: RateLimit::new(sec.sign_in_failures, Duration::from_secs(15 * 60)),
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let state = AppState {
        config: Arc::new(config),
        offices,
        store,
        limits: Arc::new(limits),
        live_connections: Arc::new(ConnectionCounter::default()),
        shutdown: stop_rx,
    };
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
    Ok(())
}
