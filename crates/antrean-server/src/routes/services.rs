//! A service's switch: supervisors stop issuing tickets for one service now
//! (its blanks ran out, the central network is down), with the message the
//! kiosk, the citizen page and the display show, and resume it later.

use antrean_core::{Command, DomainError, ServiceId};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppPath, NoBody, Staff};
use crate::offices::OfficeHandle;
use crate::state::AppState;
use crate::views::ServiceView;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(suspend))
        .routes(routes!(resume))
}

/// Body of `suspend`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SuspendBody {
    /// What citizens are told ("Blanko KTP habis, silakan kembali besok");
    /// at most 120 characters, at least one of them visible (not a space, a
    /// control character or a byte-order mark).
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"[^\s\x00-\x1f\x7f-\x9f\ufeff]"
    )]
    message: String,
}

/// Runs a change of a service for a supervisor of its office (or an admin),
/// in the usual order of checks, and answers the service as it is after.
async fn change(
    state: &AppState,
    staff: &Staff,
    office: &str,
    service: String,
    cmd: Result<Command, ApiError>,
) -> Result<Json<ServiceView>, ApiError> {
    let handle: &OfficeHandle = state.office(office)?;
    staff.check_supervisor(office, "service switches")?;
    handle.execute(cmd?, Some(staff.actor())).await?;
    let now = chrono::Utc::now();
    let service_id = service.clone();
    let view = handle
        .read(move |s| {
            let def = s.cfg().service(&service)?;
            Some(crate::views::service(s.cfg(), &s.office, def, now))
        })
        .await?;
    // Removed by someone else since: it is gone now.
    view.map(Json)
        .ok_or_else(|| DomainError::UnknownService(service_id).into())
}

/// Stop issuing tickets for the service now, with a message for citizens.
/// Tickets already taken are still called; the stop lasts, also over
/// night, until the service is resumed.
#[utoipa::path(post, path = "/offices/{office}/services/{service}/suspend", tag = "services",
    params(("office" = String, Path), ("service" = String, Path)),
    request_body = SuspendBody,
    security(("session" = [])),
    responses((status = 200, body = ServiceView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn suspend(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, service)): AppPath<(String, String)>,
    body: Result<AppJson<SuspendBody>, ApiError>,
) -> Result<Json<ServiceView>, ApiError> {
    let cmd = body.map(|AppJson(b)| Command::Suspend {
        service: ServiceId::from(service.clone()),
        message: b.message,
    });
    change(&state, &staff, &office, service, cmd).await
}

/// Issue tickets for the service again.
#[utoipa::path(post, path = "/offices/{office}/services/{service}/resume", tag = "services",
    params(("office" = String, Path), ("service" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = ServiceView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn resume(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, service)): AppPath<(String, String)>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<ServiceView>, ApiError> {
    let cmd = body.map(|_| Command::Resume {
        service: ServiceId::from(service.clone()),
    });
    change(&state, &staff, &office, service, cmd).await
}
