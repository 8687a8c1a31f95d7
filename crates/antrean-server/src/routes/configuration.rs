//! An office's configuration, changed live by its supervisors and the
//! regency's admin: the office's settings and hours, its services,
//! counters, closed days and printers, or the whole of it at once (an
//! import). Each change is a command like any other: checked field by field
//! and against what is happening (409 with the reason), applied to the
//! running office, pushed to the screens, in the audit log with its actor.
//! Every change answers the configuration as it is after.

use std::collections::BTreeMap;

use antrean_core::calendar::{Closure, WeekHours};
use antrean_core::{
    Change, Command, CounterDef, DomainError, OfficeDef, OfficeSettings, PrinterDef, ServiceDef,
};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppPath, NoBody, Staff};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_config, import_config))
        .layer(DefaultBodyLimit::max(crate::limits::CONFIG_BODY_LIMIT))
        .routes(routes!(put_settings))
        .routes(routes!(put_hours, delete_hours))
        .routes(routes!(put_service, delete_service))
        .routes(routes!(put_counter, delete_counter))
        .routes(routes!(put_closure, delete_closure))
        .routes(routes!(put_printer, delete_printer))
}

/// Runs changes for a supervisor of the office (or an admin), in the usual
/// order of checks, and answers the configuration after them.
async fn change(
    state: &AppState,
    staff: &Staff,
    office: &str,
    changes: Result<Vec<Change>, ApiError>,
) -> Result<Json<OfficeDef>, ApiError> {
    let handle = state.office(office)?;
    staff.check_supervisor(office, "configuration changes")?;
    let changes = changes?;
    handle
        .execute(Command::Configure { changes }, Some(staff.actor()))
        .await?;
    Ok(Json(handle.config().await?))
}

/// The same for a change that adds or replaces one entry: 201 when it is new.
async fn save(
    state: &AppState,
    staff: &Staff,
    office: &str,
    exists: impl FnOnce(&OfficeDef) -> bool,
    change_of: Result<Change, ApiError>,
) -> Result<(StatusCode, Json<OfficeDef>), ApiError> {
    let existed = exists(&state.office(office)?.cfg());
    let body = change(state, staff, office, change_of.map(|c| vec![c])).await?;
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, body))
}

/// An entry's id comes from the path; a body that names another is refused.
fn same_id(path: &str, body: &mut String) -> Result<(), ApiError> {
    if body.is_empty() {
        path.clone_into(body);
    }
    if body != path {
        return Err(DomainError::InvalidField {
            field: "id".into(),
            problem: "must be the id in the path (or absent)".into(),
        }
        .into());
    }
    Ok(())
}

/// The office's configuration as it runs (for the admin screens, a review,
/// a backup).
#[utoipa::path(get, path = "/offices/{office}/config", tag = "configuration",
    params(("office" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn get_config(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
) -> Result<Json<OfficeDef>, ApiError> {
    let handle = state.office(&office)?;
    staff.check_supervisor(&office, "configurations")?;
    Ok(Json(handle.config().await?))
}

/// What an import changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    /// Each change, as the audit log names it (`service_saved ktp-el`);
    /// empty when the configuration was already this one.
    pub changes: Vec<String>,
    pub config: OfficeDef,
}

/// Makes the office's configuration the one given (what `antrean config
/// export` wrote, reviewed or edited): the differences are applied as
/// changes, all or none, with the same checks as each change on its own.
#[utoipa::path(put, path = "/offices/{office}/config", tag = "configuration",
    params(("office" = String, Path)),
    request_body = OfficeDef,
    security(("session" = [])),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn import_config(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
    body: Result<AppJson<OfficeDef>, ApiError>,
) -> Result<Json<Imported>, ApiError> {
    let handle = state.office(&office)?;
    staff.check_supervisor(&office, "configuration changes")?;
    let AppJson(to) = body?;
    let changes = handle.import(to, staff.actor()).await?;
    Ok(Json(Imported {
        changes,
        config: handle.config().await?,
    }))
}

/// The office's name, address, time zone, languages, number reading and
/// calling rules.
#[utoipa::path(put, path = "/offices/{office}/settings", tag = "configuration",
    params(("office" = String, Path)),
    request_body = OfficeSettings,
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn put_settings(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
    body: Result<AppJson<OfficeSettings>, ApiError>,
) -> Result<Json<OfficeDef>, ApiError> {
    let changes = body.map(|AppJson(settings)| vec![Change::Settings { settings }]);
    change(&state, &staff, &office, changes).await
}

/// The office's weekly opening hours, local time: each open day's
/// stretches (`"fri": "07:30-11:30, 13:30-16:00"`); a day not named is
/// closed. Services without hours of their own keep these.
#[utoipa::path(put, path = "/offices/{office}/hours", tag = "configuration",
    params(("office" = String, Path)),
    request_body = WeekHours,
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn put_hours(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
    body: Result<AppJson<WeekHours>, ApiError>,
) -> Result<Json<OfficeDef>, ApiError> {
    let changes = body.map(|AppJson(hours)| vec![Change::Hours { hours: Some(hours) }]);
    change(&state, &staff, &office, changes).await
}

/// No weekly hours: tickets are taken at any hour of a day that is not
/// closed.
#[utoipa::path(delete, path = "/offices/{office}/hours", tag = "configuration",
    params(("office" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn delete_hours(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<OfficeDef>, ApiError> {
    let changes = body.map(|_| vec![Change::Hours { hours: None }]);
    change(&state, &staff, &office, changes).await
}

/// Adds a service (201) or changes one (200). Its id never changes; a
/// prefix another service uses, or the id of a removed service, is refused
/// with 409. Citizens are offered it once a counter serves it.
#[utoipa::path(put, path = "/offices/{office}/services/{service}", tag = "configuration",
    params(("office" = String, Path), ("service" = String, Path)),
    request_body = ServiceDef,
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 201, body = OfficeDef), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn put_service(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, id)): AppPath<(String, String)>,
    body: Result<AppJson<ServiceDef>, ApiError>,
) -> Result<(StatusCode, Json<OfficeDef>), ApiError> {
    let change = body.and_then(|AppJson(mut service)| {
        same_id(&id, &mut service.id)?;
        Ok(Change::ServiceSaved { service })
    });
    save(
        &state,
        &staff,
        &office,
        |d| d.service(&id).is_some(),
        change,
    )
    .await
}

/// Removes a service: refused with 409 while tickets for it wait or are at
/// a counter, and while a counter serves nothing else. Counters stop
/// serving it; its id is never used again.
#[utoipa::path(delete, path = "/offices/{office}/services/{service}", tag = "configuration",
    params(("office" = String, Path), ("service" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn delete_service(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, service)): AppPath<(String, String)>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<OfficeDef>, ApiError> {
    let changes = body.map(|_| vec![Change::ServiceRemoved { service }]);
    change(&state, &staff, &office, changes).await
}

/// Adds a counter (201, closed) or changes one (200): its name, the
/// services it serves in order, how it calls.
#[utoipa::path(put, path = "/offices/{office}/counters/{counter}", tag = "configuration",
    params(("office" = String, Path), ("counter" = String, Path)),
    request_body = CounterDef,
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 201, body = OfficeDef), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn put_counter(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, id)): AppPath<(String, String)>,
    body: Result<AppJson<CounterDef>, ApiError>,
) -> Result<(StatusCode, Json<OfficeDef>), ApiError> {
    let change = body.and_then(|AppJson(mut counter)| {
        same_id(&id, &mut counter.id)?;
        Ok(Change::CounterSaved { counter })
    });
    save(
        &state,
        &staff,
        &office,
        |d| d.counter(&id).is_some(),
        change,
    )
    .await
}

/// Removes a counter: refused with 409 while it is open or paused, holds a
/// ticket, or has tickets sent to it. Its id is never used again.
#[utoipa::path(delete, path = "/offices/{office}/counters/{counter}", tag = "configuration",
    params(("office" = String, Path), ("counter" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn delete_counter(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, counter)): AppPath<(String, String)>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<OfficeDef>, ApiError> {
    let changes = body.map(|_| vec![Change::CounterRemoved { counter }]);
    change(&state, &staff, &office, changes).await
}

/// Body of `put_closure`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ClosureBody {
    /// The last day closed; absent for one day.
    #[serde(default)]
    to: Option<NaiveDate>,
    /// Shown to citizens, per language code; the office's default language
    /// is needed.
    reason: BTreeMap<String, String>,
}

/// Closes the office from `from` (a public holiday, collective leave, a
/// one-off closure), with the reason citizens are shown: 201 when new, 200
/// when the closure starting that day is changed. One that overlaps another
/// is refused with 409.
#[utoipa::path(put, path = "/offices/{office}/closures/{from}", tag = "configuration",
    params(("office" = String, Path), ("from" = NaiveDate, Path)),
    request_body = ClosureBody,
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 201, body = OfficeDef), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn put_closure(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, from)): AppPath<(String, NaiveDate)>,
    body: Result<AppJson<ClosureBody>, ApiError>,
) -> Result<(StatusCode, Json<OfficeDef>), ApiError> {
    let change = body.and_then(|AppJson(b)| {
        let to = b.to.unwrap_or(from);
        if to < from {
            return Err(DomainError::InvalidField {
                field: "to".into(),
                problem: "must not be before the first day".into(),
            }
            .into());
        }
        let closure = Closure {
            from,
            to,
            reason: b.reason,
        };
        Ok(Change::ClosureSaved { closure })
    });
    let exists = |d: &OfficeDef| d.closed.iter().any(|c| c.from == from);
    save(&state, &staff, &office, exists, change).await
}

/// Opens the days of the closure starting on `from` again.
#[utoipa::path(delete, path = "/offices/{office}/closures/{from}", tag = "configuration",
    params(("office" = String, Path), ("from" = NaiveDate, Path)),
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn delete_closure(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, from)): AppPath<(String, NaiveDate)>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<OfficeDef>, ApiError> {
    let changes = body.map(|_| vec![Change::ClosureRemoved { from }]);
    change(&state, &staff, &office, changes).await
}

/// Adds (201) or changes (200) a kiosk's network ticket printer.
#[utoipa::path(put, path = "/offices/{office}/printers/{printer}", tag = "configuration",
    params(("office" = String, Path), ("printer" = String, Path)),
    request_body = PrinterDef,
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 201, body = OfficeDef), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn put_printer(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, id)): AppPath<(String, String)>,
    body: Result<AppJson<PrinterDef>, ApiError>,
) -> Result<(StatusCode, Json<OfficeDef>), ApiError> {
    let change = body.and_then(|AppJson(mut printer)| {
        same_id(&id, &mut printer.id)?;
        Ok(Change::PrinterSaved { printer })
    });
    save(
        &state,
        &staff,
        &office,
        |d| d.printer(&id).is_some(),
        change,
    )
    .await
}

/// Removes a printer.
#[utoipa::path(delete, path = "/offices/{office}/printers/{printer}", tag = "configuration",
    params(("office" = String, Path), ("printer" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = OfficeDef), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn delete_printer(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, printer)): AppPath<(String, String)>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<OfficeDef>, ApiError> {
    let changes = body.map(|_| vec![Change::PrinterRemoved { printer }]);
    change(&state, &staff, &office, changes).await
}
