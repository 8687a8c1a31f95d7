//! For the machines that run Antrean rather than for its users: whether
//! the process answers (`/healthz`), whether it can serve (`/readyz`, for a
//! load balancer, systemd or monitoring) and what it counts (`/metrics`,
//! for Prometheus).
//!
//! They live at their conventional paths, outside `/api/v1`, and outside
//! the OpenAPI document: the document is the contract the screens and API
//! clients are written against (the screens' types are generated from
//! it); these answer plain text for other programs, and `/metrics` is
//! admitted by the client's network, which the document's security schemes
//! cannot say.
//!
//! The probes are open to anyone: they tell "ok" or what is not ready
//! (office ids are public anyway), from flags kept in memory by the office
//! tasks and the writer, never a query. `/metrics` is for the networks of
//! `[metrics] allow` (the LAN by default) or a holder of `[metrics] token`;
//! anyone else is refused 403 `forbidden`.

use std::net::SocketAddr;

use antrean_store::Health;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::auth;
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// 200 `ok` when every office is rebuilt from the database and running
/// and the database takes writes; else 503 naming what is not ready.
async fn readyz(State(state): State<AppState>) -> Response {
    let mut not_ready: Vec<String> = state
        .offices
        .iter()
        .filter(|office| !office.running())
        .map(|office| {
            format!(
                "office `{}`: being rebuilt from the database",
                office.cfg().id
            )
        })
        .collect();
    not_ready.sort();
    match state.db.health() {
        Health::Writing => {}
        Health::Failing => not_ready.push("database: the last write failed".into()),
        Health::Stopped => not_ready.push("database: its writer has stopped".into()),
    }
    if not_ready.is_empty() {
        "ok".into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "ready": false, "not_ready": not_ready })),
        )
            .into_response()
    }
}

/// Everything counted, in the Prometheus text format (0.0.4).
async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let allowed = &state.config.server.metrics;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    // Compared by their hashes: the time taken tells nothing of the token.
    let holds_token = match (&allowed.token, bearer) {
        (Some(token), Some(given)) => auth::token_hash(given) == auth::token_hash(token.secret()),
        _ => false,
    };
    if !allowed.allows(client.ip()) && !holds_token {
        return Err(ApiError::Forbidden(
            "the metrics are for the office's networks (`[metrics] allow`) or the holder of `[metrics] token`".into(),
        ));
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
        )],
        state.metrics.encode(),
    )
        .into_response())
}
