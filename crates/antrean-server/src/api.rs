//! HTTP API v1: thin handlers that parse, check who asks, run one command on
//! the office and map the result. The OpenAPI document is generated from the
//! annotations here.

use std::net::SocketAddr;

use antrean_core::{Channel, Command, Priority, TransferTarget};
use axum::extract::{ConnectInfo, FromRequest, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::{self, DeviceToken, Staff};
use crate::error::{ApiError, ErrorBody};
use crate::offices::OfficeHandle;
use crate::views::{CounterView, OfficeSummary, OfficeView, TicketView};
use crate::{live, printing, AppState};

/// Largest request body accepted (bytes).
pub const BODY_LIMIT: usize = 16 * 1024;

/// JSON body whose rejection is the API's own error shape.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct AppJson<T>(pub T);

/// Query string whose rejection is the API's own error shape.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct AppQuery<T>(pub T);

impl<T: Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/offices", get(list_offices))
        .route("/offices/{office}", get(get_office))
        .route("/offices/{office}/tickets", post(issue_ticket))
        .route("/offices/{office}/tickets/{number}/requeue", post(requeue))
        .route("/offices/{office}/live", get(live::office_live))
        .route(
            "/offices/{office}/counters/{counter}/{action}",
            post(counter_action),
        )
        .route("/tickets/{code}", get(get_ticket))
        .route("/tickets/{code}/cancel", post(cancel_ticket))
        .route("/tickets/{code}/document", post(set_document))
        .route("/tickets/{code}/survey", post(answer_survey))
        .route("/offices/{office}/report", get(report))
        .route("/tickets/{code}/ticket.pdf", get(ticket_pdf))
        .route("/tickets/{code}/ticket.escpos", get(ticket_escpos))
        .route("/tickets/{code}/live", get(live::ticket_live))
        .route("/session", post(sign_in).get(whoami).delete(sign_out))
        .route("/openapi.json", get(openapi))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Antrean API",
        version = "1",
        description = "Digital queue for public service offices. Errors are {\"error\": {\"code\", \"message\"}}. Live streams: WebSocket at /offices/{office}/live and /tickets/{code}/live (see README)."
    ),
    paths(
        list_offices,
        get_office,
        issue_ticket,
        get_ticket,
        cancel_ticket,
        ticket_pdf,
        ticket_escpos,
        sign_in,
        whoami,
        sign_out,
        counter_action,
        requeue
    ),
    components(schemas(
        ErrorBody,
        TicketView,
        Issued,
        crate::printing::PrintResult,
        OfficeView,
        OfficeSummary,
        CounterView,
        IssueRequest,
        SignIn,
        Me,
        CounterBody,
        crate::views::ServerMsg
    ))
)]
struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[utoipa::path(get, path = "/api/v1/offices", responses((status = 200, body = Vec<OfficeSummary>)))]
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

#[utoipa::path(get, path = "/api/v1/offices/{office}", params(("office" = String, Path)),
    responses((status = 200, body = OfficeView), (status = 404, body = ErrorBody)))]
async fn get_office(
    State(state): State<AppState>,
    Path(office): Path<String>,
) -> Result<Json<OfficeView>, ApiError> {
    let handle = state.offices.get(&office)?;
    let now = chrono::Utc::now();
    Ok(Json(
        handle
            .read(move |s| crate::views::office(&s.cfg, &s.office, now))
            .await?,
    ))
}

/// Where a ticket is taken.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum ChannelIn {
    #[default]
    Online,
    Kiosk,
    Counter,
}

/// Body of `POST /offices/{office}/tickets`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct IssueRequest {
    service: String,
    /// `disability`, `elderly`, `pregnant`, `child`, `other` or null.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    priority: Option<Priority>,
    /// `online` (default; no sign-in), `kiosk` (needs the kiosk's device
    /// token as `Authorization: Bearer`) or `counter` (signed-in staff).
    #[serde(default)]
    channel: ChannelIn,
    /// Kiosk only: the id of the office printer to print the ticket on
    /// (ESC/POS over TCP). The ticket is issued even when printing fails.
    #[serde(default)]
    print: Option<String>,
}

/// A new ticket, and what became of its printing when asked.
#[derive(Debug, Serialize, ToSchema)]
struct Issued {
    #[serde(flatten)]
    ticket: TicketView,
    #[serde(skip_serializing_if = "Option::is_none")]
    print: Option<crate::printing::PrintResult>,
}

/// Runs blocking work (SQLite reads, argon2) off the async runtime.
pub async fn blocking<T, E>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Send + 'static,
    ApiError: From<E>,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::from)
}

/// Digits of ticket codes, in ASCII order so that codes sort as numbers do
/// (no i, l, o, u: nothing to misread when typed from paper).
const CODE_DIGITS: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A fresh public ticket code: 9 digits of the issue millisecond, then 70
/// random bits. The random part makes it unguessable; the time part makes
/// codes grow with time, so the tickets table (keyed by code) and its indexes
/// take new tickets at their end: issuing rewrites a few pages per commit
/// instead of one random page per ticket.
fn new_code() -> String {
    let ms = chrono::Utc::now().timestamp_millis().max(0).unsigned_abs();
    let mut random = [0u8; 9];
    rand::thread_rng().fill_bytes(&mut random);
    let random = random
        .iter()
        .fold(0u128, |acc, b| acc << 8 | u128::from(*b));
    let digit = |v: u128| char::from(CODE_DIGITS[(v & 31) as usize]);
    let time = (0..9).rev().map(|i| digit(u128::from(ms) >> (5 * i)));
    let rest = (0..14).rev().map(|i| digit(random >> (5 * i)));
    time.chain(rest).collect()
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/tickets", params(("office" = String, Path)), request_body = IssueRequest,
    responses((status = 201, body = Issued), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn issue_ticket(
    State(state): State<AppState>,
    Path(office): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    device: DeviceToken,
    headers: HeaderMap,
    AppJson(req): AppJson<IssueRequest>,
) -> Result<Response, ApiError> {
    let handle = state.offices.get(&office)?;
    if let Some(printer) = &req.print {
        if !matches!(req.channel, ChannelIn::Kiosk) {
            return Err(ApiError::InvalidBody("`print` is for kiosk tickets".into()));
        }
        if !handle.cfg.printers.iter().any(|p| &p.id == printer) {
            return Err(ApiError::UnknownPrinter(printer.clone()));
        }
    }
    let (channel, actor) = match req.channel {
        ChannelIn::Online => {
            state.limits.online.hit(&peer.ip().to_string())?;
            (Channel::Online, None)
        }
        ChannelIn::Kiosk => {
            let token = device.0.ok_or_else(|| {
                ApiError::DeviceRequired("a kiosk ticket needs the kiosk's device token".into())
            })?;
            let reader = state.store.reader.clone();
            let hash = auth::token_hash(&token);
            let found = blocking(move || reader.device(&hash)).await?;
            let dev =
                found.ok_or_else(|| ApiError::DeviceRequired("unknown device token".into()))?;
            if dev.office != office || dev.kind != "kiosk" {
                return Err(ApiError::Forbidden(format!(
                    "device `{}` is not a kiosk of this office",
                    dev.name
                )));
            }
            (Channel::Kiosk, Some(format!("device:{}", dev.name)))
        }
        ChannelIn::Counter => {
            let staff = Staff::from_headers(&state, &headers).await?;
            staff.check_office(&office)?;
            (Channel::Counter, Some(staff.actor()))
        }
    };
    let cmd = Command::Issue {
        code: new_code(),
        service: req.service,
        priority: req.priority,
        channel,
    };
    let outcome = handle.execute(cmd, actor).await?;
    let ticket = outcome
        .ticket
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("issue returned no ticket")))?;
    let print = match &req.print {
        Some(printer) => {
            let job = printing::printed(&handle.cfg, &state.config.server.public_base_url, &ticket);
            Some(printing::print(&handle.cfg, printer, &state.config.server.printing, job).await)
        }
        None => None,
    };
    Ok((StatusCode::CREATED, Json(Issued { ticket, print })).into_response())
}

/// The view of a ticket by its code, live when it is still in its office.
pub async fn ticket_view(
    state: &AppState,
    code: &str,
) -> Result<(OfficeHandle, TicketView), ApiError> {
    if code.len() > 64 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::UnknownTicket);
    }
    let reader = state.store.reader.clone();
    let c = code.to_owned();
    let stored = blocking(move || reader.ticket(&c))
        .await?
        .ok_or(ApiError::UnknownTicket)?;
    let handle = state
        .offices
        .get(&stored.office)
        .map_err(|_| ApiError::UnknownTicket)?
        .clone();
    let view = ticket_view_in(state, &handle, code, Some(stored)).await?;
    Ok((handle, view))
}

/// The view of a ticket of `handle`'s office: from the live office while the
/// ticket is in it, else from the database (`stored`, when already read).
pub async fn ticket_view_in(
    state: &AppState,
    handle: &OfficeHandle,
    code: &str,
    stored: Option<antrean_store::StoredTicket>,
) -> Result<TicketView, ApiError> {
    let c = code.to_owned();
    let live = handle
        .read(move |s| {
            s.office
                .ticket(&c)
                .map(|t| TicketView::new(&s.cfg, Some(&s.office), t))
        })
        .await?;
    if let Some(v) = live {
        return Ok(v);
    }
    let stored = match stored {
        Some(s) => s,
        None => {
            let (reader, c) = (state.store.reader.clone(), code.to_owned());
            blocking(move || reader.ticket(&c))
                .await?
                .ok_or(ApiError::UnknownTicket)?
        }
    };
    let survey_open = stored.ticket.status == antrean_core::TicketStatus::Done && {
        let (reader, c) = (state.store.reader.clone(), code.to_owned());
        !blocking(move || reader.has_survey(&c)).await?
    };
    Ok(TicketView {
        document: stored.document.clone(),
        survey_open,
        ..TicketView::new(&handle.cfg, None, &stored.ticket)
    })
}

#[utoipa::path(get, path = "/api/v1/tickets/{code}", params(("code" = String, Path)),
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody)))]
async fn get_ticket(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(ticket_view(&state, &code).await?.1))
}

/// `?paper=80mm|58mm`.
#[derive(Debug, Deserialize, IntoParams)]
struct PaperQuery {
    /// `80mm` (default) or `58mm`.
    paper: Option<String>,
}

/// The paper asked for, the ticket and what its printout shows.
async fn printable(
    state: &AppState,
    code: &str,
    q: &PaperQuery,
) -> Result<
    (
        antrean_ticket::Paper,
        TicketView,
        antrean_ticket::PrintedTicket,
    ),
    ApiError,
> {
    let paper = printing::paper(q.paper.as_deref())?;
    let (handle, view) = ticket_view(state, code).await?;
    let job = printing::printed(&handle.cfg, &state.config.server.public_base_url, &view);
    Ok((paper, view, job))
}

#[utoipa::path(get, path = "/api/v1/tickets/{code}/ticket.pdf", params(("code" = String, Path), PaperQuery),
    responses((status = 200, content_type = "application/pdf", description = "the printable ticket"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn ticket_pdf(
    State(state): State<AppState>,
    Path(code): Path<String>,
    AppQuery(q): AppQuery<PaperQuery>,
) -> Result<Response, ApiError> {
    let (paper, view, job) = printable(&state, &code, &q).await?;
    let pdf =
        blocking(move || antrean_ticket::render_pdf(&job, paper).map_err(anyhow::Error::from))
            .await?;
    let disposition = format!("inline; filename=\"antrean-{}.pdf\"", view.number);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/tickets/{code}/ticket.escpos", params(("code" = String, Path), PaperQuery),
    responses((status = 200, content_type = "application/octet-stream", description = "ESC/POS for a thermal printer"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn ticket_escpos(
    State(state): State<AppState>,
    Path(code): Path<String>,
    AppQuery(q): AppQuery<PaperQuery>,
) -> Result<Response, ApiError> {
    let (paper, _, job) = printable(&state, &code, &q).await?;
    let bytes = antrean_ticket::render_escpos(&job, paper);
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/cancel", params(("code" = String, Path)),
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_ticket(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<TicketView>, ApiError> {
    let (handle, view) = ticket_view(&state, &code).await?;
    if view.status != "waiting" {
        return Err(antrean_core::DomainError::InvalidTransition {
            from: stored_status(&view)?,
            number: view.number,
            action: "cancelled",
        }
        .into());
    }
    let outcome = handle
        .execute(Command::Cancel { code }, Some("citizen".into()))
        .await?;
    outcome.ticket.map(Json).ok_or(ApiError::UnknownTicket)
}

/// Body of `POST /tickets/{code}/survey`: the nine IKM elements in order
/// (persyaratan, prosedur, waktu penyelesaian, biaya, produk, kompetensi,
/// perilaku, penanganan pengaduan, sarana prasarana), each 1–4 or null.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SurveyBody {
    #[schema(value_type = Vec<Option<u8>>)]
    answers: antrean_core::ikm::Answers,
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/survey", params(("code" = String, Path)), request_body = SurveyBody,
    responses((status = 204, description = "thank you"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn answer_survey(
    State(state): State<AppState>,
    Path(code): Path<String>,
    AppJson(body): AppJson<SurveyBody>,
) -> Result<StatusCode, ApiError> {
    let (handle, view) = ticket_view(&state, &code).await?;
    if view.status == "done" && !view.survey_open {
        return Err(ApiError::SurveyAnswered);
    }
    let cmd = Command::Survey {
        code,
        number: view.number.clone(),
        service: view.service.clone(),
        status: stored_status(&view)?,
        answers: body.answers,
    };
    // Anonymous: no actor is recorded with the answers.
    handle.execute(cmd, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn stored_status(view: &TicketView) -> Result<antrean_core::TicketStatus, ApiError> {
    antrean_core::TicketStatus::parse(&view.status)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("stored status {}", view.status)))
}

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD` (business days, both included; default today).
#[derive(Debug, Deserialize, IntoParams)]
struct ReportQuery {
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/report", params(("office" = String, Path), ReportQuery),
    responses((status = 200, body = crate::views::Report), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn report(
    State(state): State<AppState>,
    staff: Staff,
    Path(office): Path<String>,
    AppQuery(q): AppQuery<ReportQuery>,
) -> Result<Json<crate::views::Report>, ApiError> {
    let handle = state.offices.get(&office)?;
    staff.check_office(&office)?;
    if staff.role == auth::Role::Clerk {
        return Err(ApiError::Forbidden("reports are for supervisors".into()));
    }
    let today = handle.cfg.def.business_day(chrono::Utc::now());
    let (from, to) = (q.from.unwrap_or(today), q.to.unwrap_or(today));
    if from > to || (to - from).num_days() > 366 {
        return Err(ApiError::InvalidQuery(
            "`from` must not be after `to`, at most a year apart".into(),
        ));
    }
    let reader = state.store.reader.clone();
    let id = office.clone();
    let figures = blocking(move || reader.report(&id, from, to)).await?;
    Ok(Json(crate::views::Report::new(&office, from, to, &figures)))
}

/// Body of `POST /tickets/{code}/document`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DocumentBody {
    /// One of the service's `workflow` steps.
    step: String,
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/document", params(("code" = String, Path)), request_body = DocumentBody,
    responses((status = 200, body = TicketView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_document(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    AppJson(body): AppJson<DocumentBody>,
) -> Result<Json<TicketView>, ApiError> {
    let (handle, view) = ticket_view(&state, &code).await?;
    staff.check_office(&view.office)?;
    let cmd = Command::Document {
        code: code.clone(),
        number: view.number.clone(),
        service: view.service.clone(),
        status: stored_status(&view)?,
        step: body.step.clone(),
    };
    handle.execute(cmd, Some(staff.actor())).await?;
    Ok(Json(TicketView {
        document: Some(body.step),
        ..view
    }))
}

/// Sign-in body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignIn {
    username: String,
    password: String,
}

/// The signed-in staff member.
#[derive(Debug, Serialize, ToSchema)]
struct Me {
    username: String,
    /// `clerk`, `supervisor` or `admin`.
    role: String,
    office: Option<String>,
}

fn me(user: &antrean_store::User) -> Me {
    Me {
        username: user.username.clone(),
        role: user.role.clone(),
        office: user.office.clone(),
    }
}

#[utoipa::path(post, path = "/api/v1/session", request_body = SignIn,
    responses((status = 200, body = Me, description = "Signed in; sets the HttpOnly session cookie"), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    AppJson(req): AppJson<SignIn>,
) -> Result<Response, ApiError> {
    let ip_key = format!("ip:{}", peer.ip());
    let user_key = format!("user:{}", req.username);
    state.limits.sign_in.check(&ip_key)?;
    state.limits.sign_in.check(&user_key)?;
    let reader = state.store.reader.clone();
    let username = req.username.clone();
    let user = blocking(move || -> Result<Option<antrean_store::User>, ApiError> {
        let user = reader.user(&username)?;
        let hash = user
            .as_ref()
            .map_or(auth::dummy_hash(), |u| u.password_hash.as_str())
            .to_owned();
        let ok = auth::verify_password(&hash, &req.password);
        Ok(user.filter(|_| ok))
    })
    .await?;
    let Some(user) = user else {
        state.limits.sign_in.hit(&ip_key)?;
        state.limits.sign_in.hit(&user_key)?;
        return Err(ApiError::BadCredentials);
    };
    let token = auth::new_token();
    let hours = state.config.server.security.session_hours;
    let expires = chrono::Utc::now() + chrono::Duration::hours(i64::from(hours));
    let (store, hash, id) = (state.store.clone(), auth::token_hash(&token), user.id);
    blocking(move || store.create_session(&hash, id, expires)).await?;
    let secure = if state.config.server.security.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        auth::COOKIE,
        u64::from(hours) * 3600
    );
    Ok(([(header::SET_COOKIE, cookie)], Json(me(&user))).into_response())
}

#[utoipa::path(get, path = "/api/v1/session", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn whoami(staff: Staff) -> Json<Me> {
    Json(me(&staff.user))
}

#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204, description = "Signed out")))]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = auth::cookie_token(&headers) {
        let (store, hash) = (state.store.clone(), auth::token_hash(token));
        blocking(move || store.delete_session(&hash)).await?;
    }
    let cookie = format!(
        "{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
        auth::COOKIE
    );
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Optional body of counter actions: `pause` needs `reason`, `call` needs
/// `number`, `transfer` needs `service` or `counter`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CounterBody {
    reason: Option<String>,
    number: Option<String>,
    service: Option<String>,
    counter: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/counters/{counter}/{action}",
    params(("office" = String, Path), ("counter" = String, Path),
        ("action" = String, Path, description = "open, pause, close, call-next, call, recall, start, finish, no-show or transfer")),
    request_body(content = CounterBody, description = "pause: {reason}; call: {number}; transfer: {service} or {counter}; others: none"),
    responses((status = 200, body = TicketView, description = "the ticket acted on (open/pause/close: the counter)"), (status = 204, description = "call-next: nobody waits"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn counter_action(
    State(state): State<AppState>,
    staff: Staff,
    Path((office, counter, action)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let handle = state.offices.get(&office)?;
    staff.check_office(&office)?;
    let body: CounterBody = if body.iter().all(u8::is_ascii_whitespace) {
        CounterBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::InvalidBody(format!("invalid JSON body: {e}")))?
    };
    let need = |v: Option<String>, field: &str| {
        v.ok_or_else(|| ApiError::InvalidBody(format!("`{action}` needs `{field}` in the body")))
    };
    let c = counter.clone();
    let cmd = match action.as_str() {
        "open" => Command::Open { counter: c },
        "pause" => Command::Pause {
            counter: c,
            reason: need(body.reason, "reason")?,
        },
        "close" => Command::Close { counter: c },
        "call-next" => Command::CallNext { counter: c },
        "call" => Command::CallNumber {
            counter: c,
            number: need(body.number, "number")?.trim().to_uppercase(),
        },
        "recall" => Command::Recall { counter: c },
        "start" => Command::Start { counter: c },
        "finish" => Command::Finish { counter: c },
        "no-show" => Command::NoShow { counter: c },
        "transfer" => match (body.service, body.counter) {
            (Some(s), None) => Command::Transfer {
                counter: c,
                to: TransferTarget::Service(s),
            },
            (None, Some(to)) => Command::Transfer {
                counter: c,
                to: TransferTarget::Counter(to),
            },
            _ => {
                return Err(ApiError::InvalidBody(
                    "`transfer` needs exactly one of `service` or `counter`".into(),
                ))
            }
        },
        _ => return Err(ApiError::NoRoute),
    };
    let counter_action = matches!(
        cmd,
        Command::Open { .. } | Command::Pause { .. } | Command::Close { .. }
    );
    let outcome = handle.execute(cmd, Some(staff.actor())).await?;
    if counter_action {
        let id = counter.clone();
        let view = handle
            .read(move |s| {
                crate::views::counters(&s.cfg, &s.office)
                    .into_iter()
                    .find(|c| c.id == id)
            })
            .await?;
        return Ok(Json(view).into_response());
    }
    Ok(match outcome.ticket {
        Some(t) => Json(t).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/tickets/{number}/requeue", params(("office" = String, Path), ("number" = String, Path)),
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn requeue(
    State(state): State<AppState>,
    staff: Staff,
    Path((office, number)): Path<(String, String)>,
) -> Result<Json<TicketView>, ApiError> {
    let handle = state.offices.get(&office)?;
    staff.check_office(&office)?;
    let outcome = handle
        .execute(
            Command::Requeue {
                number: number.to_uppercase(),
            },
            Some(staff.actor()),
        )
        .await?;
    outcome.ticket.map(Json).ok_or(ApiError::UnknownTicket)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_long_random_url_safe_and_time_ordered() {
        let a = super::new_code();
        assert_eq!(a.len(), 23, "9 time digits and 70 random bits");
        assert!(a.bytes().all(|c| super::CODE_DIGITS.contains(&c)));
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = super::new_code();
        assert!(a < b, "a later code sorts after: {a} {b}");
        let c = super::new_code();
        assert_ne!(b[9..], c[9..], "the random part differs");
    }
}
