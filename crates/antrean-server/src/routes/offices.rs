//! `/offices`: the offices of this installation, each with its services
//! (live figures, published standards) and counters.

use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::extract::AppPath;
use crate::state::AppState;
use crate::views::{OfficeSummary, OfficeView};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_offices))
        .routes(routes!(get_office))
}

/// All offices.
#[utoipa::path(get, path = "/offices", tag = "offices",
    responses((status = 200, body = Vec<OfficeSummary>)))]
async fn list_offices(State(state): State<AppState>) -> Json<Vec<OfficeSummary>> {
    Json(
        state
            .config
            .offices
            .iter()
            .map(|o| OfficeSummary {
                id: o.def.id.clone(),
                name: o.def.name.clone(),
                address: o.address.clone(),
            })
            .collect(),
    )
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
        .read(move |s| crate::views::office(&s.cfg, &s.office, now))
        .await?;
    Ok(Json(view))
}
