//! A counter's actions, one route each: its state (open, pause, close), and
//! what it does with citizens (call next, call a number, recall, start,
//! finish, no-show, transfer). Clerks act on counters of their own office,
//! one clerk per counter: opening it (or acting on one nobody holds) takes
//! it, closing it gives it back, and a supervisor can release one a clerk
//! left open.

use antrean_core::{Command, CounterId, Role, TransferTarget};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::acted_on;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppPath, NoBody, Staff};
use crate::offices::{OfficeHandle, Outcome};
use crate::state::AppState;
use crate::views::{CounterView, TicketView};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open))
        .routes(routes!(pause))
        .routes(routes!(close))
        .routes(routes!(call_next))
        .routes(routes!(call))
        .routes(routes!(recall))
        .routes(routes!(start))
        .routes(routes!(finish))
        .routes(routes!(no_show))
        .routes(routes!(transfer))
        .routes(routes!(release))
}

/// Runs a command of a counter for a staff member of its office. The
/// checks keep their order: who asks (the `Staff` extractor, 401), the
/// office (404), whether they work there (403), then the body (400), then
/// the office's rules.
async fn act<B>(
    state: &AppState,
    staff: &Staff,
    office: &str,
    body: Result<B, ApiError>,
    cmd: impl FnOnce(B) -> Command,
) -> Result<(OfficeHandle, Outcome), ApiError> {
    let handle = state.office(office)?;
    staff.check_counter(office)?;
    let cmd = cmd(body?);
    let supervises = matches!(staff.user.role, Role::Supervisor | Role::Admin);
    let outcome = handle.work(cmd, staff.actor(), supervises).await?;
    Ok((handle.clone(), outcome))
}

/// The counter as it is after a change of its state.
async fn counter_view(handle: &OfficeHandle, id: String) -> Result<Json<CounterView>, ApiError> {
    let view = handle
        .read(move |s| {
            crate::views::counters(s.cfg(), &s.office)
                .into_iter()
                .find(|c| c.id == id)
        })
        .await?;
    view.map(Json)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("counter gone after a change")))
}

/// A change of a counter's state that takes no body (open, close).
macro_rules! state_change {
    ($name:ident, $path:literal, $variant:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "counters",
            params(("office" = String, Path), ("counter" = String, Path)),
            security(("session" = [])),
            responses((status = 200, body = CounterView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
                (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
                (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
        async fn $name(
            State(state): State<AppState>,
            staff: Staff,
            AppPath((office, counter)): AppPath<(String, String)>,
            body: Result<NoBody, ApiError>,
        ) -> Result<Json<CounterView>, ApiError> {
            let c = CounterId::from(counter.clone());
            let (handle, _) = act(&state, &staff, &office, body, |_| Command::$variant { counter: c }).await?;
            counter_view(&handle, counter).await
        }
    };
}

/// An action on the counter's current ticket that takes no body.
macro_rules! ticket_action {
    ($name:ident, $path:literal, $variant:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "counters",
            params(("office" = String, Path), ("counter" = String, Path)),
            security(("session" = [])),
            responses((status = 200, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
                (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
                (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
        async fn $name(
            State(state): State<AppState>,
            staff: Staff,
            AppPath((office, counter)): AppPath<(String, String)>,
            body: Result<NoBody, ApiError>,
        ) -> Result<Json<TicketView>, ApiError> {
            let c = CounterId::from(counter);
            let (_, outcome) = act(&state, &staff, &office, body, |_| Command::$variant { counter: c }).await?;
            acted_on(outcome).map(Json)
        }
    };
}

/// Release a counter its clerk left open (gone home, taken ill), so that
/// another clerk can take it; it stays as it is otherwise. Supervisors, from
/// the live monitor.
#[utoipa::path(post, path = "/offices/{office}/counters/{counter}/release", tag = "counters",
    params(("office" = String, Path), ("counter" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = CounterView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn release(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, counter)): AppPath<(String, String)>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<CounterView>, ApiError> {
    let handle = state.office(&office)?;
    staff.check_supervisor(&office, "counter releases")?;
    body?;
    let cmd = Command::Release {
        counter: CounterId::from(counter.clone()),
    };
    handle.execute(cmd, Some(staff.actor())).await?;
    counter_view(handle, counter).await
}

state_change!(
    open,
    "/offices/{office}/counters/{counter}/open",
    Open,
    "Open the counter."
);
state_change!(
    close,
    "/offices/{office}/counters/{counter}/close",
    Close,
    "Close the counter (it must hold no ticket)."
);
ticket_action!(
    recall,
    "/offices/{office}/counters/{counter}/recall",
    Recall,
    "Call the current ticket again (shown and spoken as a recall)."
);
ticket_action!(
    start,
    "/offices/{office}/counters/{counter}/start",
    Start,
    "The called citizen arrived: service starts."
);
ticket_action!(
    finish,
    "/offices/{office}/counters/{counter}/finish",
    Finish,
    "Service is done; answers the finished ticket."
);
ticket_action!(
    no_show,
    "/offices/{office}/counters/{counter}/no-show",
    NoShow,
    "The called citizen did not come (after at least `min_calls` calls)."
);

/// Body of `pause`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PauseBody {
    /// Why (break, prayer, meeting...), shown on the display; at most 64
    /// characters, at least one of them visible (not a space, a control
    /// character or a byte-order mark).
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"[^\s\x00-\x1f\x7f-\x9f\ufeff]"
    )]
    reason: String,
}

/// Pause the counter with a reason (it must hold no ticket).
#[utoipa::path(post, path = "/offices/{office}/counters/{counter}/pause", tag = "counters",
    params(("office" = String, Path), ("counter" = String, Path)),
    request_body = PauseBody,
    security(("session" = [])),
    responses((status = 200, body = CounterView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn pause(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, counter)): AppPath<(String, String)>,
    body: Result<AppJson<PauseBody>, ApiError>,
) -> Result<Json<CounterView>, ApiError> {
    let c = CounterId::from(counter.clone());
    let cmd = |AppJson(body): AppJson<PauseBody>| Command::Pause {
        counter: c,
        reason: body.reason,
    };
    let (handle, _) = act(&state, &staff, &office, body, cmd).await?;
    counter_view(&handle, counter).await
}

/// Call whoever is next for this counter: 200 with the called ticket, 204
/// when nobody waits.
#[utoipa::path(post, path = "/offices/{office}/counters/{counter}/call-next", tag = "counters",
    params(("office" = String, Path), ("counter" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = TicketView), (status = 204, description = "nobody waits"), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn call_next(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, counter)): AppPath<(String, String)>,
    body: Result<NoBody, ApiError>,
) -> Result<Response, ApiError> {
    let c = CounterId::from(counter);
    let cmd = |_| Command::CallNext { counter: c };
    let (_, outcome) = act(&state, &staff, &office, body, cmd).await?;
    Ok(match outcome.ticket {
        Some(t) => Json(t).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Body of `call`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CallBody {
    /// Today's number as the clerk reads it (`A012`; case and spaces
    /// around it do not matter).
    number: String,
}

/// Call a given ticket out of order (a late arrival; a no-show is requeued
/// and called in one step).
#[utoipa::path(post, path = "/offices/{office}/counters/{counter}/call", tag = "counters",
    params(("office" = String, Path), ("counter" = String, Path)),
    request_body = CallBody,
    security(("session" = [])),
    responses((status = 200, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn call(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, counter)): AppPath<(String, String)>,
    body: Result<AppJson<CallBody>, ApiError>,
) -> Result<Json<TicketView>, ApiError> {
    let c = CounterId::from(counter);
    let cmd = |AppJson(body): AppJson<CallBody>| Command::CallNumber {
        counter: c,
        number: body.number.trim().to_uppercase(),
    };
    let (_, outcome) = act(&state, &staff, &office, body, cmd).await?;
    acted_on(outcome).map(Json)
}

/// Where to transfer the counter's current ticket: to another service's
/// queue, or to one counter. Exactly one of the two.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
enum TransferBody {
    Service(ToService),
    Counter(ToCounter),
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ToService {
    service: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ToCounter {
    counter: String,
}

/// Transfer the current ticket; it keeps its place in the order of arrival.
#[utoipa::path(post, path = "/offices/{office}/counters/{counter}/transfer", tag = "counters",
    params(("office" = String, Path), ("counter" = String, Path)),
    request_body = TransferBody,
    security(("session" = [])),
    responses((status = 200, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn transfer(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, counter)): AppPath<(String, String)>,
    body: Result<AppJson<TransferBody>, ApiError>,
) -> Result<Json<TicketView>, ApiError> {
    let body = body.map_err(|e| match e {
        ApiError::InvalidBody(_) => {
            ApiError::InvalidBody("`transfer` needs exactly one of `service` or `counter`".into())
        }
        other => other,
    });
    let c = CounterId::from(counter);
    let cmd = |AppJson(body): AppJson<TransferBody>| Command::Transfer {
        counter: c,
        to: match body {
            TransferBody::Service(s) => TransferTarget::Service(s.service.into()),
            TransferBody::Counter(c) => TransferTarget::Counter(c.counter.into()),
        },
    };
    let (_, outcome) = act(&state, &staff, &office, body, cmd).await?;
    acted_on(outcome).map(Json)
}
