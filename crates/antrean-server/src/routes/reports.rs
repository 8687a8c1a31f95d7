//! `/offices/{office}/report`: what happened over some business days, per
//! service, with the IKM score; for supervisors.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{AppPath, AppQuery, Staff};
use crate::state::AppState;
use crate::views::Report;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report))
}

/// Longest period one report covers.
const MAX_DAYS: i64 = 366;

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`: business days, both included. A
/// period that ends before it starts, or longer than a year, is 422
/// `invalid_period`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// The first day; today when absent.
    from: Option<chrono::NaiveDate>,
    /// The last day; today when absent.
    to: Option<chrono::NaiveDate>,
}

/// Per service: issued, served, no-show, priority, channels, mean wait and
/// service time, IKM score and grade; and the office's total.
#[utoipa::path(get, path = "/offices/{office}/report", tag = "reports", params(("office" = String, Path), ReportQuery),
    security(("session" = [])),
    responses((status = 200, body = Report), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn report(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
    AppQuery(q): AppQuery<ReportQuery>,
) -> Result<Json<Report>, ApiError> {
    let handle = state.office(&office)?;
    staff.check_supervisor(&office, "reports")?;
    let today = handle.cfg().business_day(chrono::Utc::now());
    let (from, to) = (q.from.unwrap_or(today), q.to.unwrap_or(today));
    if from > to || (to - from).num_days() > MAX_DAYS {
        return Err(ApiError::Unprocessable(
            ErrorCode::InvalidPeriod,
            "`from` must not be after `to`, at most a year apart".into(),
        ));
    }
    let id = office.clone();
    let figures = state.db.read(move |r| r.report(&id, from, to)).await?;
    Ok(Json(Report::new(&office, from, to, &figures)))
}
