//! `/offices`: the offices of this installation, each with its services
//! (live figures, published standards) and counters; and what a supervisor
//! changes of an office as a whole (its running text).

use antrean_core::Command;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppPath, Staff};
use crate::state::AppState;
use crate::views::{OfficeSummary, OfficeView};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_offices))
        .routes(routes!(get_office))
        .routes(routes!(set_running_text))
}

/// All offices.
#[utoipa::path(get, path = "/offices", tag = "offices",
    responses((status = 200, body = Vec<OfficeSummary>)))]
async fn list_offices(State(state): State<AppState>) -> Json<Vec<OfficeSummary>> {
    let mut list: Vec<OfficeSummary> = state
        .offices
        .iter()
        .map(|handle| {
            let o = handle.cfg();
            OfficeSummary {
                id: o.id.clone(),
                name: o.name.clone(),
                address: o.address.clone(),
            }
        })
        .collect();
    list.sort_by(|a, b| a.id.cmp(&b.id));
    Json(list)
}

/// One office, live: services with waiting citizens, estimate, quota left
/// and published standard; counters with their state and current number.
#[utoipa::path(get, path = "/offices/{office}", tag = "offices", params(("office" = String, Path)),
    responses((status = 200, body = OfficeView), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn get_office(
    State(state): State<AppState>,
    AppPath(office): AppPath<String>,
) -> Result<Json<OfficeView>, ApiError> {
    let now = chrono::Utc::now();
    let view = state
        .office(&office)?
        .read(move |s| crate::views::office(s.cfg(), &s.office, now))
        .await?;
    Ok(Json(view))
}

/// The lobby display's running text.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RunningText {
    /// At most 500 characters; empty for none. Spaces around it are
    /// dropped.
    #[schema(max_length = 500)]
    text: String,
}

/// Supervisor: change the running text of the lobby display, at once and
/// for good (it outlasts a restart; the configured one is the first).
#[utoipa::path(put, path = "/offices/{office}/running-text", tag = "offices", params(("office" = String, Path)),
    request_body = RunningText,
    security(("session" = [])),
    responses((status = 200, body = RunningText), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn set_running_text(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
    body: Result<AppJson<RunningText>, ApiError>,
) -> Result<Json<RunningText>, ApiError> {
    let handle = state.office(&office)?;
    staff.check_supervisor(&office, "office texts")?;
    let AppJson(body) = body?;
    let cmd = Command::SetRunningText { text: body.text };
    handle.execute(cmd, Some(staff.actor())).await?;
    let text = handle
        .read(|s| crate::views::running_text(s.cfg(), &s.office).to_owned())
        .await?;
    Ok(Json(RunningText { text }))
}
