//! Kiosks and displays: paired from `/admin` by the code a new device shows
//! (or with a one-time link), listed with their last contact, renamed, set
//! (a kiosk's printer, a display's zone) and revoked. A revoked token is
//! refused at its next request and its open live connections close at once.

use antrean_core::{DeviceKind, DeviceSettings};
use antrean_store::{Device, StoreError};
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{PairingState, Revoked, PAIRING_TTL};
use crate::auth;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{AppJson, AppPath, DeviceToken, NoBody, Staff};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_devices, add_device))
        .routes(routes!(change_device, revoke_device))
        .routes(routes!(start_pairing))
        .routes(routes!(poll_pairing))
        .routes(routes!(this_device))
}

/// A registered device (never its token).
#[derive(Debug, Serialize, ToSchema)]
struct DeviceView {
    id: i64,
    name: String,
    kind: DeviceKind,
    office: String,
    settings: DeviceSettings,
    created_at: DateTime<Utc>,
    /// Its last request, to the minute; null if it never made one.
    #[schema(required = true)]
    last_seen_at: Option<DateTime<Utc>>,
}

impl From<&Device> for DeviceView {
    fn from(d: &Device) -> DeviceView {
        DeviceView {
            id: d.id,
            name: d.name.clone(),
            kind: d.kind,
            office: d.office.clone(),
            settings: d.settings.clone(),
            created_at: d.created_at,
            last_seen_at: d.last_seen,
        }
    }
}

/// Body of `POST /offices/{office}/devices`: pair the device showing
/// `code`, or (without a code) register one of `kind` and get a one-time
/// link to open on it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewDevice {
    /// 1 to 64 characters, unique in the office ("Kiosk lobi", "TV lantai 2").
    name: String,
    /// The six digits the new device shows.
    #[serde(default)]
    code: Option<String>,
    /// Without a code: what the device is.
    #[serde(default)]
    kind: Option<DeviceKind>,
}

/// A device just registered, and for one registered without a code, the
/// link to open on it (shown once): `…/kiosk/{office}#pair=SECRET`, whose
/// secret fetches the device's token once (`GET /pairings/{secret}`) within
/// 15 minutes.
#[derive(Debug, Serialize, ToSchema)]
struct Registered {
    device: DeviceView,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

/// Body of `PUT /offices/{office}/devices/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DeviceChange {
    name: String,
    #[serde(default)]
    settings: DeviceSettings,
}

/// Body of `POST /pairings`: a new device asks for a code to show.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PairingRequest {
    office: String,
    kind: DeviceKind,
}

/// The code to show, and the secret to poll with (kept by the device).
#[derive(Debug, Serialize, ToSchema)]
struct PairingStarted {
    code: String,
    secret: String,
    expires_in_s: u64,
}

/// What a device polling its pairing learns.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
enum PairingPoll {
    /// Not yet entered in /admin.
    Waiting { code: String },
    /// Paired: the device's token, given this once.
    Paired { token: String },
}

fn check_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(antrean_core::DomainError::InvalidField {
            field: "name".into(),
            problem: "a device's name is 1 to 64 characters".into(),
        }
        .into());
    }
    Ok(name.to_owned())
}

/// The settings a device of `kind` may have at `office`: a kiosk's printer
/// is one of the office's, a display's zone names its counters and services.
fn check_settings(
    state: &AppState,
    office: &str,
    kind: DeviceKind,
    s: &DeviceSettings,
) -> Result<(), ApiError> {
    let cfg = state.office(office)?.cfg();
    let invalid = |field: &str, problem: String| -> ApiError {
        antrean_core::DomainError::InvalidField {
            field: field.into(),
            problem,
        }
        .into()
    };
    match kind {
        DeviceKind::Kiosk if !s.counters.is_empty() || !s.services.is_empty() => {
            return Err(invalid(
                "settings.counters",
                "a zone is for displays".into(),
            ))
        }
        DeviceKind::Display if s.printer.is_some() => {
            return Err(invalid(
                "settings.printer",
                "a printer is for kiosks".into(),
            ))
        }
        _ => {}
    }
    if let Some(p) = &s.printer {
        if !cfg.printers.iter().any(|x| &x.id == p) {
            return Err(invalid(
                "settings.printer",
                format!("the office has no printer `{p}`"),
            ));
        }
    }
    for (i, c) in s.counters.iter().enumerate() {
        if !cfg.counters.iter().any(|x| x.id.as_str() == c) {
            return Err(invalid(
                &format!("settings.counters[{i}]"),
                format!("the office has no counter `{c}`"),
            ));
        }
    }
    for (i, c) in s.services.iter().enumerate() {
        if !cfg.services.iter().any(|x| x.id.as_str() == c) {
            return Err(invalid(
                &format!("settings.services[{i}]"),
                format!("the office has no service `{c}`"),
            ));
        }
    }
    Ok(())
}

/// The device `id` of `office`.
async fn device_of(state: &AppState, office: &str, id: i64) -> Result<Device, ApiError> {
    let o = office.to_owned();
    state
        .db
        .read(move |r| r.devices(&o))
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(ApiError::UnknownDevice(id))
}

fn gone(id: i64) -> impl Fn(crate::db::DbError) -> ApiError {
    move |e| match e {
        crate::db::DbError::Store(StoreError::NotFound(_)) => ApiError::UnknownDevice(id),
        other => other.into(),
    }
}

/// The office's kiosks and displays.
#[utoipa::path(get, path = "/offices/{office}/devices", tag = "devices", params(("office" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = Vec<DeviceView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn list_devices(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
) -> Result<Json<Vec<DeviceView>>, ApiError> {
    state.office(&office)?;
    staff.check_supervisor(&office, "devices")?;
    let devices = state.db.read(move |r| r.devices(&office)).await?;
    Ok(Json(devices.iter().map(DeviceView::from).collect()))
}

/// Register a device: pair the one showing `code`, or get a one-time link.
#[utoipa::path(post, path = "/offices/{office}/devices", tag = "devices", params(("office" = String, Path)),
    request_body = NewDevice, security(("session" = [])),
    responses((status = 201, body = Registered), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_device(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(office): AppPath<String>,
    AppJson(req): AppJson<NewDevice>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    state.office(&office)?;
    staff.check_supervisor(&office, "devices")?;
    let name = check_name(&req.name)?;
    let pairings = &state.access.pairings;
    // The pairing is claimed (a code) or reserved (a link) before the
    // device is written, and given back if the write fails: no device is
    // registered without a way to hand it its token, and no code twice.
    let (kind, code, link_secret) = match (req.code.as_deref().map(str::trim), req.kind) {
        (Some(code), _) => {
            let kind = pairings
                .claim(&office, code)
                .ok_or(ApiError::UnknownPairing)?;
            (kind, code.to_owned(), None)
        }
        (None, Some(kind)) => {
            // The link holds a secret that fetches the token once, not the
            // token: a link seen later (a chat, a screenshot) opens nothing.
            let secret = auth::new_token();
            let code = pairings
                .reserve_link(&office, kind, auth::token_hash(&secret))
                .ok_or(ApiError::RateLimited(60))?;
            (kind, code, Some(secret))
        }
        (None, None) => {
            return Err(ApiError::Unprocessable(
                ErrorCode::InvalidField,
                "give the code the device shows, or its kind for a link".into(),
            ))
        }
    };
    let token = auth::new_token();
    let (actor, hash, o) = (staff.actor(), auth::token_hash(&token), office.clone());
    let written = state
        .db
        .write(move |s| s.add_device(&actor, &name, &o, kind, &hash))
        .await;
    let device = match written {
        Ok(device) => device,
        Err(e) => {
            match link_secret {
                Some(_) => pairings.forget(&code),
                None => pairings.unclaim(&code),
            }
            return Err(e.into());
        }
    };
    if !pairings.pair(&code, token) {
        tracing::warn!(
            device = device.id,
            "pairing expired while the device was registered"
        );
    }
    let link = link_secret.map(|secret| {
        let screen = match kind {
            DeviceKind::Kiosk => "kiosk",
            DeviceKind::Display => "display",
        };
        format!(
            "{}/{screen}/{office}#pair={secret}",
            state.config.server.public_base_url.trim_end_matches('/')
        )
    });
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            device: DeviceView::from(&device),
            link,
        }),
    ))
}

/// Rename a device, or set its printer (kiosk) or zone (display).
#[utoipa::path(put, path = "/offices/{office}/devices/{id}", tag = "devices",
    params(("office" = String, Path), ("id" = i64, Path)), request_body = DeviceChange, security(("session" = [])),
    responses((status = 200, body = DeviceView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn change_device(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, id)): AppPath<(String, i64)>,
    AppJson(req): AppJson<DeviceChange>,
) -> Result<Json<DeviceView>, ApiError> {
    state.office(&office)?;
    staff.check_supervisor(&office, "devices")?;
    let before = device_of(&state, &office, id).await?;
    let name = check_name(&req.name)?;
    check_settings(&state, &office, before.kind, &req.settings)?;
    if before.name == name && before.settings == req.settings {
        return Ok(Json(DeviceView::from(&before)));
    }
    let actor = staff.actor();
    let device = state
        .db
        .write(move |s| s.change_device(&actor, id, &name, &req.settings))
        .await
        .map_err(gone(id))?;
    Ok(Json(DeviceView::from(&device)))
}

/// Revoke a device (lost, stolen, replaced): its token stops working at
/// once, on open live connections too.
#[utoipa::path(delete, path = "/offices/{office}/devices/{id}", tag = "devices",
    params(("office" = String, Path), ("id" = i64, Path)), security(("session" = [])),
    responses((status = 204, description = "revoked"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn revoke_device(
    State(state): State<AppState>,
    staff: Staff,
    AppPath((office, id)): AppPath<(String, i64)>,
    _: NoBody,
) -> Result<StatusCode, ApiError> {
    state.office(&office)?;
    staff.check_supervisor(&office, "devices")?;
    device_of(&state, &office, id).await?;
    let actor = staff.actor();
    state
        .db
        .write(move |s| s.revoke_device(&actor, id))
        .await
        .map_err(gone(id))?;
    state.access.revocations.revoke(Revoked::Device(id));
    Ok(StatusCode::NO_CONTENT)
}

/// A new kiosk or display asks for a pairing code to show; a supervisor
/// enters it in /admin within 15 minutes.
#[utoipa::path(post, path = "/pairings", tag = "devices", request_body = PairingRequest,
    responses((status = 201, body = PairingStarted), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn start_pairing(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    AppJson(req): AppJson<PairingRequest>,
) -> Result<(StatusCode, Json<PairingStarted>), ApiError> {
    state.office(&req.office)?;
    state.limits.online.hit(&format!("pair:{}", peer.ip()))?;
    let secret = auth::new_token();
    let code = state
        .access
        .pairings
        .start(&req.office, req.kind, auth::token_hash(&secret))
        .ok_or(ApiError::RateLimited(60))?;
    Ok((
        StatusCode::CREATED,
        Json(PairingStarted {
            code,
            secret,
            expires_in_s: PAIRING_TTL.as_secs(),
        }),
    ))
}

/// The device polls its pairing with its secret: waiting, or its token once.
#[utoipa::path(get, path = "/pairings/{secret}", tag = "devices", params(("secret" = String, Path)),
    responses((status = 200, body = PairingPoll), (status = 404, body = ErrorBody)))]
async fn poll_pairing(
    State(state): State<AppState>,
    AppPath(secret): AppPath<String>,
) -> Result<Json<PairingPoll>, ApiError> {
    match state.access.pairings.poll(&auth::token_hash(&secret)) {
        PairingState::Waiting { code } => Ok(Json(PairingPoll::Waiting { code })),
        PairingState::Paired { token } => Ok(Json(PairingPoll::Paired { token })),
        PairingState::Gone => Err(ApiError::UnknownPairing),
    }
}

/// The device of the token presented: its name, office, kind and settings.
#[utoipa::path(get, path = "/device", tag = "devices", security(("device" = [])),
    responses((status = 200, body = DeviceView), (status = 401, body = ErrorBody)))]
async fn this_device(
    State(state): State<AppState>,
    token: DeviceToken,
) -> Result<Json<DeviceView>, ApiError> {
    let device = token.device(&state).await?;
    Ok(Json(DeviceView::from(&device)))
}
