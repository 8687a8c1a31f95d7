//! Tickets: taking one (online, at a kiosk, at a counter), the challenge an
//! online one answers first, the citizen's view of it by its secret code,
//! cancelling it, a late no-show waiting again, a priority claimed online
//! confirmed by staff, the document's status after the counter, and the
//! IKM survey.

use std::net::SocketAddr;

use antrean_core::{
    Actor, Channel, Command, DeviceKind, DomainError, Priority, ServiceId, TicketStatus,
};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::schema::{Array, ArrayBuilder, ObjectBuilder, SchemaType, Type};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::acted_on;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{AppJson, AppPath, DeviceToken, NoBody, Staff};
use crate::holders::{self, Held, Reservation};
use crate::limits;
use crate::lookup;
use crate::printing::{self, PrintResult};
use crate::proof::Refused;
use crate::state::AppState;
use crate::views::{local_time, TicketView};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue_ticket))
        .routes(routes!(challenge))
        .routes(routes!(confirm_priority))
        .routes(routes!(priority_claims))
        .routes(routes!(get_ticket))
        .routes(routes!(cancel_ticket))
        .routes(routes!(requeue))
        .routes(routes!(set_document))
        .routes(routes!(answer_survey))
}

fn online() -> Channel {
    Channel::Online
}

/// Body of `POST /offices/{office}/tickets`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct IssueRequest {
    service: ServiceId,
    /// Why the citizen is served in the priority lane; null or absent for
    /// the regular lane.
    #[serde(default)]
    priority: Option<Priority>,
    /// `online` (default; no sign-in, rate-limited per address), `kiosk`
    /// (the kiosk's device token as `Authorization: Bearer`) or `counter`
    /// (signed-in staff).
    #[serde(default = "online")]
    #[schema(default = "online")]
    channel: Channel,
    /// A kiosk's or staff's ticket only (422 `print_needs_kiosk` for an
    /// online one, which lives on the phone): the id of the office printer
    /// to print the ticket on (ESC/POS over TCP); absent, a kiosk's own
    /// printer (its settings in /admin), if it has one. The ticket is issued
    /// even when printing fails.
    #[serde(default)]
    print: Option<String>,
    /// Online only: the answer to a challenge from
    /// `GET /offices/{office}/challenge`; required while the server asks
    /// for one (its `bits` is above 0), else ignored. Kiosks and staff
    /// never send one.
    #[serde(default)]
    proof: Option<Proof>,
    /// Online only: a random id the citizen's page keeps. While a ticket
    /// taken with it waits or is called, another for the same service is
    /// refused (409 `ticket_already_active`).
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9_-]{16,64}$", min_length = 16, max_length = 64)]
    citizen: Option<String>,
}

/// The answer to a challenge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Proof {
    /// The challenge's `challenge`, as given.
    challenge: String,
    /// A number such that SHA-256 of `"{salt}:{nonce}"` (the nonce in
    /// decimal) starts with `bits` zero bits.
    #[schema(minimum = 0)]
    #[serde(deserialize_with = "whole_number")]
    nonce: u64,
}

/// A whole number as JSON may write it: `7` or `7.0` (the same integer).
fn whole(n: &serde_json::Number) -> Option<u64> {
    n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(f))
            .map(|f| f as u64)
    })
}

fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    use serde::de::Error;
    let n: serde_json::Number = Deserialize::deserialize(d)?;
    whole(&n).ok_or_else(|| D::Error::custom(format!("{n} is not a whole number of 0 or more")))
}

/// A place in the address's share of the service's online quota today
/// (`online_share_per_ip_percent`, at least 5 tickets), reserved like the
/// budget; none for a service without an online quota, or with the share
/// at 100 %.
fn share_of_quota<'a>(
    state: &'a AppState,
    handle: &crate::offices::OfficeHandle,
    office: &str,
    service: &str,
    address: std::net::IpAddr,
) -> Result<Option<limits::Reserved<'a>>, ApiError> {
    let percent = u32::from(state.config.server.security.online_share_per_ip_percent);
    let cfg = handle.cfg();
    let quota = cfg
        .services
        .iter()
        .find(|s| s.id == service)
        .and_then(|s| s.quota_online);
    let Some(quota) = quota.filter(|_| percent < 100) else {
        return Ok(None);
    };
    let max = (quota.saturating_mul(percent) / 100).max(5);
    let day = cfg.business_day(chrono::Utc::now());
    let key = format!("{address}|{office}|{service}|{day}");
    match state.limits.online_share.reserve_max(&key, max) {
        Ok(place) => Ok(Some(place)),
        Err(_) => Err(ApiError::OnlineShareUsed(service.to_owned())),
    }
}

/// A challenge to answer before taking an online ticket (a small proof of
/// work, about a second on a cheap phone).
#[derive(Debug, Serialize, ToSchema)]
struct ChallengeView {
    /// Send back as `proof.challenge`; answers one ticket request, once.
    challenge: String,
    /// Hex; the work is on `"{salt}:{nonce}"`.
    salt: String,
    /// Leading zero bits SHA-256 must give; 0: any nonce will do (the
    /// server asks for no proof).
    bits: u8,
    /// Seconds it may still be answered.
    expires_in_s: u64,
}

/// A challenge for an online ticket at this office: answer it in the
/// issue request's `proof`. Stateless (signed by the server), valid two
/// minutes, for one ticket request.
#[utoipa::path(get, path = "/offices/{office}/challenge", tag = "tickets", params(("office" = String, Path)),
    responses((status = 200, body = ChallengeView), (status = 404, body = ErrorBody)))]
async fn challenge(
    State(state): State<AppState>,
    AppPath(office): AppPath<String>,
) -> Result<
    (
        [(axum::http::HeaderName, &'static str); 1],
        Json<ChallengeView>,
    ),
    ApiError,
> {
    state.office(&office)?;
    let bits = state.config.server.security.online_proof_bits;
    let c = state.proofs.issue(&office, bits);
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(ChallengeView {
            challenge: c.token,
            salt: c.salt,
            bits: c.bits,
            expires_in_s: crate::proof::TTL_S,
        }),
    ))
}

/// The browser's place for an online ticket of `service`: refused while
/// the ticket it took before still waits or is called.
async fn reserve(
    state: &AppState,
    handle: &crate::offices::OfficeHandle,
    office: &str,
    service: &str,
    citizen: &str,
) -> Result<Reservation, ApiError> {
    let refused = |h: Held| {
        ApiError::TicketAlreadyActive(match h {
            Held::Ticket(number) => format!(
                "this browser already holds ticket {number} for this service; one at a time"
            ),
            Held::Issuing => "this browser is taking a ticket for this service right now".into(),
        })
    };
    let last = state
        .holders
        .last(office, service, citizen)
        .map_err(refused)?;
    if let Some(l) = &last {
        let code = l.code.clone();
        let active = handle
            .read(move |s| {
                s.office.ticket(&code).is_some_and(|t| {
                    matches!(t.status, TicketStatus::Waiting | TicketStatus::Called)
                })
            })
            .await?;
        if active {
            return Err(refused(Held::Ticket(l.number.clone())));
        }
    }
    state
        .holders
        .reserve(office, service, citizen, last.as_ref())
        .map_err(refused)
}

/// A new ticket, and what became of its printing when asked.
#[derive(Debug, Serialize, ToSchema)]
struct Issued {
    #[serde(flatten)]
    ticket: TicketView,
    #[serde(skip_serializing_if = "Option::is_none")]
    print: Option<PrintResult>,
}

/// Take a ticket. An online one (no sign-in) answers a challenge first
/// (`proof`), counts against its address's budget only once issued, and is
/// one per service per browser (`citizen`) while it waits or is called.
/// A priority reason claimed online waits as a regular ticket until staff
/// confirm it in the hall.
#[utoipa::path(post, path = "/offices/{office}/tickets", tag = "tickets", params(("office" = String, Path)),
    request_body = IssueRequest,
    security((), ("device" = []), ("session" = [])),
    responses((status = 201, body = Issued), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn issue_ticket(
    State(state): State<AppState>,
    AppPath(office): AppPath<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    device: DeviceToken,
    headers: HeaderMap,
    AppJson(req): AppJson<IssueRequest>,
) -> Result<(StatusCode, Json<Issued>), ApiError> {
    let handle = state.office(&office)?;
    if req.print.is_some() && req.channel == Channel::Online {
        return Err(ApiError::Unprocessable(
            ErrorCode::PrintNeedsKiosk,
            "`print` is for tickets taken at a kiosk or from staff; an online ticket lives on the phone".into(),
        ));
    }
    let print = req.print;
    let mut own_printer = None;
    // An online ticket's place in its address's budget, taken now (so that
    // requests sent together cannot all pass) and given back unless the
    // ticket is issued; and the browser's place, held once it is.
    let mut budget = None;
    let mut place = None;
    let actor = match req.channel {
        Channel::Online => {
            // Cheapest first: an address over its budget is told before any
            // proof is checked.
            let address = limits::address_key(peer.ip());
            let reserved = state.limits.online.reserve(&address.to_string())?;
            let share = share_of_quota(&state, handle, &office, req.service.as_str(), address)?;
            if state.config.server.security.online_proof_bits > 0 {
                let proof = req.proof.as_ref().ok_or(Refused::Required)?;
                state.proofs.spend(&proof.challenge, proof.nonce, &office)?;
            }
            if let Some(citizen) = &req.citizen {
                if !holders::valid_id(citizen) {
                    return Err(ApiError::InvalidBody(
                        "`citizen` is 16 to 64 characters of A-Z, a-z, 0-9, - and _".into(),
                    ));
                }
                place =
                    Some(reserve(&state, handle, &office, req.service.as_str(), citizen).await?);
            }
            budget = Some((reserved, share));
            None
        }
        Channel::Kiosk => {
            let dev = device.device(&state).await?;
            if dev.office != office || dev.kind != DeviceKind::Kiosk {
                return Err(ApiError::Forbidden(format!(
                    "device `{}` is not a kiosk of this office",
                    dev.name
                )));
            }
            // Its own printer is a default, tried like any: one removed
            // from the office since prints nothing (the answer says why)
            // but stops no ticket.
            own_printer = dev.settings.printer;
            Some(Actor::Device(dev.name))
        }
        Channel::Counter => {
            let staff = Staff::from_headers(&state, &headers).await?;
            staff.check_office(&office)?;
            Some(staff.actor())
        }
    };
    if let Some(printer) = &print {
        if !handle.cfg().printers.iter().any(|p| &p.id == printer) {
            return Err(DomainError::UnknownPrinter(printer.clone()).into());
        }
    }
    let cmd = Command::Issue {
        code: lookup::new_code(),
        service: req.service,
        priority: req.priority,
        channel: req.channel,
    };
    let ticket = acted_on(handle.execute(cmd, actor).await?)?;
    // Only issued tickets count.
    if let Some((reserved, share)) = budget {
        reserved.keep();
        if let Some(share) = share {
            share.keep();
        }
    }
    if let Some(place) = place {
        place.hold(&ticket.code, &ticket.number);
    }
    let print = match print.as_ref().or(own_printer.as_ref()) {
        Some(printer) => {
            let job =
                printing::printed(&handle.cfg(), &state.config.server.public_base_url, &ticket);
            Some(
                printing::print(
                    &handle.cfg(),
                    printer,
                    &state.config.server.printing,
                    job,
                    &state.metrics,
                )
                .await,
            )
        }
        None => None,
    };
    Ok((StatusCode::CREATED, Json(Issued { ticket, print })))
}

/// A ticket by its code (its secret key), of any day.
#[utoipa::path(get, path = "/tickets/{code}", tag = "tickets", params(("code" = String, Path)),
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn get_ticket(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(lookup::find(&state, &code).await?.view))
}

/// The citizen gives up a waiting ticket; its place in the quota comes back.
#[utoipa::path(post, path = "/tickets/{code}/cancel", tag = "tickets", params(("code" = String, Path)),
    responses((status = 200, body = TicketView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn cancel_ticket(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<TicketView>, ApiError> {
    let found = lookup::find(&state, &code).await?;
    body?;
    if found.view.status.is_final() {
        // No longer in the office's memory: the stored status is final.
        return Err(antrean_core::DomainError::InvalidTransition {
            from: found.view.status,
            number: found.view.number,
            action: "cancelled",
        }
        .into());
    }
    let cmd = Command::Cancel { code: code.into() };
    acted_on(found.office.execute(cmd, Some(Actor::Citizen)).await?).map(Json)
}

/// Staff: a no-show citizen who arrived late waits again (same day).
#[utoipa::path(post, path = "/offices/{office}/tickets/{number}/requeue", tag = "tickets",
    params(("office" = String, Path), ("number" = String, Path, description = "today's number, e.g. A012")),
    security(("session" = [])),
    responses((status = 200, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn requeue(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, number)): AppPath<(String, String)>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<TicketView>, ApiError> {
    on_number(&state, &staff, &office, &number, body, |number| {
        Command::Requeue { number }
    })
    .await
}

/// Staff of `office` run the command `cmd` makes of today's ticket
/// `number` (as typed, small letters too); the body must be empty.
async fn on_number(
    state: &AppState,
    staff: &Staff,
    office: &str,
    number: &str,
    body: Result<NoBody, ApiError>,
    cmd: impl FnOnce(String) -> Command,
) -> Result<Json<TicketView>, ApiError> {
    let handle = state.office(office)?;
    staff.check_office(office)?;
    body?;
    let cmd = cmd(number.to_uppercase());
    acted_on(handle.execute(cmd, Some(staff.actor())).await?).map(Json)
}

/// Staff in the hall (help desk, clerk, supervisor of the office) confirm
/// the priority reason claimed online for today's ticket `number`: it
/// moves to the priority lane. Recorded in the audit log with who did it.
#[utoipa::path(post, path = "/offices/{office}/tickets/{number}/priority/confirm", tag = "tickets",
    params(("office" = String, Path), ("number" = String, Path, description = "today's number, e.g. A012")),
    security(("session" = [])),
    responses((status = 200, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn confirm_priority(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, number)): AppPath<(String, String)>,
    body: Result<NoBody, ApiError>,
) -> Result<Json<TicketView>, ApiError> {
    on_number(&state, &staff, &office, &number, body, |number| {
        Command::ConfirmPriority { number }
    })
    .await
}

/// A ticket whose priority reason was claimed online and awaits staff.
#[derive(Debug, Serialize, ToSchema)]
struct PriorityClaim {
    number: String,
    service: String,
    priority: Priority,
    status: TicketStatus,
    #[schema(format = DateTime)]
    issued_at: String,
    /// Counter id while called or being served.
    #[schema(required = true)]
    counter: Option<String>,
}

/// Staff: today's tickets whose priority reason was claimed online and is
/// not yet confirmed (waiting, called or being served), oldest first.
#[utoipa::path(get, path = "/offices/{office}/priority-claims", tag = "tickets",
    params(("office" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = Vec<PriorityClaim>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn priority_claims(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
) -> Result<Json<Vec<PriorityClaim>>, ApiError> {
    let handle = state.office(&office)?;
    staff.check_office(&office)?;
    let claims = handle
        .read(|s| {
            let cfg = s.cfg();
            let mut claims: Vec<_> = s
                .office
                .active_tickets()
                .filter(|t| {
                    t.priority_pending()
                        && matches!(
                            t.status,
                            TicketStatus::Waiting | TicketStatus::Called | TicketStatus::Serving
                        )
                })
                .filter_map(|t| {
                    Some((
                        t.issued_at,
                        PriorityClaim {
                            number: t.number.clone(),
                            service: t.service.clone(),
                            priority: t.priority?,
                            status: t.status,
                            issued_at: local_time(cfg, t.issued_at),
                            counter: t.counter.clone(),
                        },
                    ))
                })
                .collect();
            claims.sort_by(|a, b| (a.0, &a.1.number).cmp(&(b.0, &b.1.number)));
            claims.into_iter().map(|(_, c)| c).collect()
        })
        .await?;
    Ok(Json(claims))
}

/// Body of `POST /tickets/{code}/document`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DocumentBody {
    /// One of the service's `workflow` steps.
    step: String,
}

/// Staff: the document applied for moves to a step of its service's
/// workflow (after the ticket is done); the citizen sees it live.
#[utoipa::path(post, path = "/tickets/{code}/document", tag = "tickets", params(("code" = String, Path)),
    request_body = DocumentBody,
    security(("session" = [])),
    responses((status = 200, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn set_document(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(code): AppPath<String>,
    AppJson(body): AppJson<DocumentBody>,
) -> Result<Json<TicketView>, ApiError> {
    let found = lookup::find(&state, &code).await?;
    staff.check_office(&found.view.office)?;
    let cmd = Command::Document {
        code: code.clone().into(),
        number: found.view.number.clone(),
        service: found.view.service.clone().into(),
        status: found.view.status,
        step: body.step,
    };
    found.office.execute(cmd, Some(staff.actor())).await?;
    // On disk now: read back what the citizen will see.
    Ok(Json(
        lookup::view_in(&state, &found.office, &code, None).await?,
    ))
}

/// Body of `POST /tickets/{code}/survey`: the nine IKM elements in order
/// (persyaratan, prosedur, waktu penyelesaian, biaya, produk, kompetensi,
/// perilaku, penanganan pengaduan, sarana prasarana), each 1–4 or null,
/// at least one answered; optionally a free-text suggestion.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SurveyBody {
    #[schema(schema_with = answers_schema)]
    #[serde(deserialize_with = "scores")]
    answers: antrean_core::ikm::Answers,
    /// What the citizen would like the office to do better, in their own
    /// words: at most 1,000 characters after trimming (422
    /// `suggestion_too_long`); empty means none. Staff read it with the
    /// service and day, never the ticket's number or code, like the scores.
    #[serde(default)]
    #[schema(nullable)]
    suggestion: Option<String>,
}

/// The nine answers, where a score may be written `3` or `3.0` (both are
/// the integer 3 in JSON); whether each is 1–4 is the office's rule.
fn scores<'de, D: serde::Deserializer<'de>>(d: D) -> Result<antrean_core::ikm::Answers, D::Error> {
    use serde::de::Error;
    let raw: [Option<serde_json::Number>; 9] = Deserialize::deserialize(d)?;
    let mut out = [None; 9];
    for (slot, n) in out.iter_mut().zip(raw) {
        *slot = match n {
            None => None,
            Some(n) => {
                let score = whole(&n).and_then(|w| u8::try_from(w).ok());
                Some(score.ok_or_else(|| D::Error::custom(format!("score {n} is not 1 to 4")))?)
            }
        };
    }
    Ok(out)
}

/// Nine scores, each 1–4 or null, at least one of them a score.
fn answers_schema() -> Array {
    let score = ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
        .minimum(Some(1))
        .maximum(Some(4));
    // utoipa has no builder for `contains`; an extension is written as is.
    let one_answered =
        Extensions::from_iter([("contains", serde_json::json!({"type": "integer"}))]);
    ArrayBuilder::new()
        .items(score)
        .min_items(Some(9))
        .max_items(Some(9))
        .extensions(Some(one_answered))
        .build()
}

/// The citizen of a done ticket rates the service, anonymously, once.
#[utoipa::path(post, path = "/tickets/{code}/survey", tag = "tickets", params(("code" = String, Path)),
    request_body = SurveyBody,
    responses((status = 204, description = "thank you"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn answer_survey(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
    AppJson(body): AppJson<SurveyBody>,
) -> Result<StatusCode, ApiError> {
    let found = lookup::find(&state, &code).await?;
    let answered = found.surveyed();
    let view = found.view;
    let cmd = Command::Survey {
        code: code.into(),
        number: view.number,
        service: view.service.into(),
        status: view.status,
        answers: body.answers,
        answered,
        suggestion: body.suggestion,
    };
    // Anonymous: no actor is recorded with the answers.
    found.office.execute(cmd, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_nonce_may_be_written_as_a_whole_float() {
        let p: super::Proof =
            serde_json::from_str(r#"{"challenge": "c", "nonce": 12.0}"#).expect("12.0 is 12");
        assert_eq!(p.nonce, 12);
        for bad in ["1.5", "-1", "\"1\""] {
            let text = format!(r#"{{"challenge": "c", "nonce": {bad}}}"#);
            assert!(
                serde_json::from_str::<super::Proof>(&text).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_score_may_be_written_as_a_whole_float() {
        let b: super::SurveyBody =
            serde_json::from_str(r#"{"answers": [1.0, 4, 2.0, 3, 1.0, 1, 2, null, null]}"#)
                .expect("parses");
        assert_eq!(
            b.answers,
            [
                Some(1),
                Some(4),
                Some(2),
                Some(3),
                Some(1),
                Some(1),
                Some(2),
                None,
                None
            ]
        );
        for bad in [
            "[1.5, null, null, null, null, null, null, null, null]",
            "[-1, null, null, null, null, null, null, null, null]",
            "[1, 2]",
        ] {
            let text = format!(r#"{{"answers": {bad}}}"#);
            assert!(
                serde_json::from_str::<super::SurveyBody>(&text).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_default_channel_is_online() {
        let r: super::IssueRequest = serde_json::from_str(r#"{"service": "ktp"}"#).expect("parses");
        assert_eq!(r.channel, super::online());
        assert_eq!(r.priority, None);
    }
}
