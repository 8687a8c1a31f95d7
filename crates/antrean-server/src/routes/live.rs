//! The live streams, as WebSocket endpoints. After the 101 answer the server
//! sends one [`ServerMsg`](crate::views::ServerMsg) per text frame (see
//! [`crate::live`] for the protocol); clients send nothing but pongs and a
//! close.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::Holder;
use crate::auth;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppPath, AppQuery, DeviceToken, Staff, Upgrade};
use crate::state::AppState;
use crate::views::ServerMsg;
use crate::{live, lookup};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(office_live))
        .routes(routes!(ticket_live))
}

/// `?since=N`: resume after the event with seq N.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LiveQuery {
    /// The last seq the client has; it gets exactly the events after it, or
    /// a fresh snapshot when they are no longer held.
    #[param(minimum = 0)]
    since: Option<u64>,
}

/// WebSocket: the office's public stream. First a `snapshot`, then every
/// `event` in seq order (seq rises by one, never skips). Numbers, services,
/// counters and counts only: never a ticket's code. Opened with a staff
/// session cookie or a device token (subprotocol `bearer.TOKEN` next to
/// `antrean`), it closes with code 4001 when that access ends (signed out,
/// disabled, revoked); a revoked token is refused with 401.
#[utoipa::path(get, path = "/offices/{office}/live", tag = "live", params(("office" = String, Path), LiveQuery),
    responses((status = 101, body = ServerMsg, description = "switching to WebSocket; then one ServerMsg (snapshot or event) per text frame"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 426, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn office_live(
    State(state): State<AppState>,
    AppPath(office): AppPath<String>,
    AppQuery(q): AppQuery<LiveQuery>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    device: DeviceToken,
    Upgrade(ws): Upgrade,
) -> Result<Response, ApiError> {
    let handle = state.office(&office)?.clone();
    // Staff and devices hold their connection by their access: when it
    // ends, the stream closes (code 4001) and the screen says so. A device
    // whose token is no longer valid learns it here (401). Revocations are
    // listened to before the access is checked, so none falls between.
    let listening = state.access.revocations.listen();
    let user = match auth::cookie_token(&headers) {
        Some(_) => Staff::signed_in(&state, &headers)
            .await
            .ok()
            .map(|s| (s.user.id, s.session)),
        None => None,
    };
    let device = match device.token() {
        Some(_) => Some(device.device(&state).await?.id),
        None => None,
    };
    let ended = listening.until_lost(Holder { user, device });
    live::office(
        ws.protocols(["antrean"]),
        state,
        peer,
        handle,
        q.since,
        ended,
    )
}

/// WebSocket: one ticket's stream. A `ticket` message with its view now,
/// then again whenever it or its queue changes.
#[utoipa::path(get, path = "/tickets/{code}/live", tag = "live", params(("code" = String, Path)),
    responses((status = 101, body = ServerMsg, description = "switching to WebSocket; then one ServerMsg (ticket) per text frame"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 426, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn ticket_live(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Upgrade(ws): Upgrade,
) -> Result<Response, ApiError> {
    let found = lookup::find(&state, &code).await?;
    live::ticket(ws, state, peer, found)
}
