//! A ticket on paper and on screen: its PDF and ESC/POS for thermal
//! printers, and its QR code as SVG for the kiosk's screen. All of them
//! point phones at `{public_base_url}/t/{code}`.

use antrean_ticket::Paper;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppPath, AppQuery, Staff};
use crate::lookup::{self, Found};
use crate::printing::{self, PrintResult};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ticket_pdf))
        .routes(routes!(ticket_escpos))
        .routes(routes!(ticket_qr))
        .routes(routes!(office_printers))
        .routes(routes!(reprint))
}

/// Body of `POST /tickets/{code}/print`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PrintRequest {
    /// The id of one of the office's printers.
    printer: String,
}

/// Print a ticket again on an office printer (the help desk, a citizen
/// whose printout jammed): staff of the ticket's office. The answer says
/// whether it printed, and why not.
#[utoipa::path(post, path = "/tickets/{code}/print", tag = "printing", params(("code" = String, Path)),
    request_body = PrintRequest, security(("session" = [])),
    responses((status = 200, body = PrintResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn reprint(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(code): AppPath<String>,
    AppJson(req): AppJson<PrintRequest>,
) -> Result<Json<PrintResult>, ApiError> {
    let (found, job) = printable(&state, &code).await?;
    let cfg = found.office.cfg();
    staff.check_office(&cfg.id)?;
    if cfg.printer(&req.printer).is_none() {
        return Err(antrean_core::DomainError::UnknownPrinter(req.printer).into());
    }
    let printed = printing::print(
        &cfg,
        &req.printer,
        &state.config.server.printing,
        job,
        &state.metrics,
    )
    .await;
    Ok(Json(printed))
}

/// A printer of the office as its staff choose it (its address stays in
/// the configuration).
#[derive(Debug, Serialize, ToSchema)]
struct PrinterChoice {
    id: String,
    paper: antrean_core::PaperWidth,
}

/// The office's ticket printers, for staff who print a ticket (the help
/// desk): `print` of `POST /offices/{office}/tickets` names one.
#[utoipa::path(get, path = "/offices/{office}/printers", tag = "printing", params(("office" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = Vec<PrinterChoice>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn office_printers(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
) -> Result<Json<Vec<PrinterChoice>>, ApiError> {
    let handle = state.office(&office)?;
    staff.check_office(&office)?;
    let printers = handle
        .cfg()
        .printers
        .iter()
        .map(|p| PrinterChoice {
            id: p.id.clone(),
            paper: p.paper,
        })
        .collect();
    Ok(Json(printers))
}

/// `?paper=80mm|58mm`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PaperQuery {
    /// The roll's width; 80 mm when absent.
    paper: Option<Paper>,
}

/// What the printout of a ticket shows.
async fn printable(
    state: &AppState,
    code: &str,
) -> Result<(Found, antrean_ticket::PrintedTicket), ApiError> {
    let found = lookup::find(state, code).await?;
    let job = printing::printed(
        &found.office.cfg(),
        &state.config.server.public_base_url,
        &found.view,
    );
    Ok((found, job))
}

/// The printable ticket as PDF, sized to the roll.
#[utoipa::path(get, path = "/tickets/{code}/ticket.pdf", tag = "printing", params(("code" = String, Path), PaperQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "the printable ticket"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn ticket_pdf(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
    AppQuery(q): AppQuery<PaperQuery>,
) -> Result<Response, ApiError> {
    let (found, job) = printable(&state, &code).await?;
    let paper = q.paper.unwrap_or_default();
    let pdf = tokio::task::spawn_blocking(move || antrean_ticket::render_pdf(&job, paper))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    let disposition = format!("inline; filename=\"antrean-{}.pdf\"", found.view.number);
    // Printed from a hidden frame of the kiosk's or the help desk's page.
    let framed = crate::edge::FRAMED_BY_OUR_PAGES.map(|(name, value)| (name, value.to_owned()));
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        framed,
        pdf,
    )
        .into_response())
}

/// The ticket as ESC/POS commands for a thermal printer.
#[utoipa::path(get, path = "/tickets/{code}/ticket.escpos", tag = "printing", params(("code" = String, Path), PaperQuery),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>, description = "ESC/POS for a thermal printer"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn ticket_escpos(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
    AppQuery(q): AppQuery<PaperQuery>,
) -> Result<Response, ApiError> {
    let (_, job) = printable(&state, &code).await?;
    let bytes = antrean_ticket::render_escpos(&job, q.paper.unwrap_or_default());
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

/// The QR code of the ticket's page, as SVG: what the kiosk shows for a
/// phone to scan instead of printing. It never changes, so the browser may
/// keep it (privately: the code is the ticket's key).
#[utoipa::path(get, path = "/tickets/{code}/qr.svg", tag = "printing", params(("code" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml", body = String, description = "the QR code, black on white, with its quiet zone"),
        (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn ticket_qr(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<Response, ApiError> {
    let (_, job) = printable(&state, &code).await?;
    let svg = antrean_ticket::qr_svg(&job.url).map_err(|e| ApiError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, max-age=86400, immutable"),
        ],
        svg,
    )
        .into_response())
}
