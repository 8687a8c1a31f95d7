//! What handlers take from a request, each rejected in the API's own error
//! shape: a JSON body, a query string, the signed-in staff member, a device
//! token, an empty body, a WebSocket upgrade.

use antrean_core::{Actor, Role};
use antrean_store::{Device, User};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::auth;
use crate::error::ApiError;
use crate::state::AppState;

/// JSON body whose rejection is the API's own error shape.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct AppJson<T>(pub T);

/// Path parameters; a segment that cannot be decoded names nothing here,
/// so it is 404 `no_route` in the API's error shape.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct AppPath<T>(pub T);

/// Query string whose rejection is the API's own error shape.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct AppQuery<T>(pub T);

/// The body of an action that takes none: empty, or an empty JSON object
/// (what some clients send by habit). Anything else is refused, so that a
/// client that thinks it is saying something learns it is not.
#[derive(Debug)]
pub struct NoBody;

impl<S: Send + Sync> FromRequest<S> for NoBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Bodies are JSON only: a form or text/plain post (what another
        // site's page can send without asking) says nothing here.
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.starts_with("application/json"));
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| match e.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
                _ => ApiError::InvalidBody(e.body_text()),
            })?;
        let text = std::str::from_utf8(&bytes).unwrap_or("x").trim();
        let empty_object = || {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
                .is_ok_and(|m| m.is_empty())
        };
        if text.is_empty() || (json && empty_object()) {
            Ok(NoBody)
        } else {
            Err(ApiError::InvalidBody("this action takes no body".into()))
        }
    }
}

/// A signed-in staff member (session cookie) who may act: one signed in
/// with a one-time password is refused (403 `password_change_required`)
/// until they choose their own, except by [`SignedIn`].
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    /// The hash of the session's token.
    pub session: String,
}

impl Staff {
    /// Clerks, help desk and supervisors act in their own office only.
    pub fn check_office(&self, office: &str) -> Result<(), ApiError> {
        match self.user.role {
            Role::Admin => Ok(()),
            _ if self.user.office.as_deref() == Some(office) => Ok(()),
            _ => Err(ApiError::Forbidden(format!(
                "`{}` does not work at office `{office}`",
                self.user.username
            ))),
        }
    }

    /// Supervisors of the office and admins only.
    pub fn check_supervisor(&self, office: &str, what: &str) -> Result<(), ApiError> {
        self.check_office(office)?;
        if !matches!(self.user.role, Role::Supervisor | Role::Admin) {
            return Err(ApiError::Forbidden(format!("{what} are for supervisors")));
        }
        Ok(())
    }

    /// The office whose `what` (the staff, the audit log) this member reads:
    /// an admin the one asked for (none: all), a supervisor their own
    /// (asking for another is refused), nobody else any.
    pub fn office_scope(
        &self,
        requested: Option<String>,
        what: &str,
    ) -> Result<Option<String>, ApiError> {
        match self.user.role {
            Role::Admin => Ok(requested),
            Role::Supervisor => {
                let own = self.user.office.clone();
                if requested.is_some() && requested != own {
                    return Err(ApiError::Forbidden(format!(
                        "a supervisor reads the {what} of their own office"
                    )));
                }
                Ok(own)
            }
            Role::Clerk | Role::HelpDesk => Err(ApiError::Forbidden(format!(
                "the {what} is for supervisors"
            ))),
        }
    }

    /// Whoever works counters: clerks, supervisors and admins (the help
    /// desk issues tickets but calls nobody).
    pub fn check_counter(&self, office: &str) -> Result<(), ApiError> {
        self.check_office(office)?;
        if self.user.role == Role::HelpDesk {
            return Err(ApiError::Forbidden(
                "counters are worked by clerks; the help desk issues tickets".into(),
            ));
        }
        Ok(())
    }

    /// That this member may manage an account of `role` at `office`.
    pub fn check_manage(&self, role: Role, office: Option<&str>) -> Result<(), ApiError> {
        antrean_core::staff::check_manage(self.user.role, self.user.office.as_deref(), role, office)
            .map_err(ApiError::from)
    }

    /// Who the audit log names for what this member does.
    pub fn actor(&self) -> Actor {
        Actor::User(self.user.username.clone())
    }

    /// The staff member whose session cookie the headers carry, also one
    /// who must still change a one-time password.
    pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Staff, ApiError> {
        let token = auth::cookie_token(headers).ok_or(ApiError::Unauthenticated)?;
        let hash = auth::token_hash(token);
        let key = hash.clone();
        let session = state
            .db
            .read(move |r| r.session(&key, chrono::Utc::now()))
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Staff {
            user: session.user,
            session: hash,
        })
    }

    /// The staff member whose session cookie the headers carry, who may act.
    pub async fn from_headers(state: &AppState, headers: &HeaderMap) -> Result<Staff, ApiError> {
        let staff = Staff::signed_in(state, headers).await?;
        if staff.user.must_change {
            return Err(ApiError::PasswordChangeRequired);
        }
        Ok(staff)
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Staff::from_headers(state, &parts.headers).await
    }
}

/// A signed-in staff member, also one who must still change a one-time
/// password: for the session's own routes (who am I, change my password,
/// sign out).
#[derive(Debug, Clone)]
pub struct SignedIn(pub Staff);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Staff::signed_in(state, &parts.headers).await.map(SignedIn)
    }
}

/// The device token a kiosk or display presents (`Authorization: Bearer`,
/// or on a WebSocket the subprotocol `bearer.TOKEN`),
/// if any; [`DeviceToken::device`] finds whose it is.
#[derive(Debug, Clone)]
pub struct DeviceToken(Option<String>);

impl DeviceToken {
    /// The registered device of this token.
    pub async fn device(&self, state: &AppState) -> Result<Device, ApiError> {
        let token = self
            .0
            .as_deref()
            .ok_or_else(|| ApiError::DeviceRequired("this needs the device's token".into()))?;
        let hash = auth::token_hash(token);
        let device = state
            .db
            .read(move |r| r.device(&hash))
            .await?
            .ok_or_else(|| ApiError::DeviceRequired("unknown or revoked device token".into()))?;
        if state.access.contacts.due(device.id) {
            let seen = vec![(device.id, chrono::Utc::now())];
            // Best effort: the list of devices shows it, nothing depends on it.
            if let Err(e) = state.db.write(move |s| s.touch_devices(seen)).await {
                tracing::warn!(error = %e, "noting a device's contact failed");
            }
        }
        Ok(device)
    }

    /// The token as given, when there is one.
    pub fn token(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for DeviceToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .or_else(|| {
                // A browser cannot set headers on a WebSocket: a kiosk or
                // display offers its token as a subprotocol `bearer.TOKEN`
                // next to `antrean`, which the server selects.
                parts
                    .headers
                    .get_all(header::SEC_WEBSOCKET_PROTOCOL)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .find_map(|p| p.trim().strip_prefix("bearer."))
            })
            .map(|t| t.trim().to_owned());
        Ok(DeviceToken(token))
    }
}

/// A WebSocket upgrade; a plain request to a live endpoint is told, in the
/// API's error shape, that it needs one (426), and a malformed handshake
/// what is wrong with it (400).
#[derive(Debug)]
pub struct Upgrade(pub WebSocketUpgrade);

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let asks_to_upgrade = parts
            .headers
            .get(header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        WebSocketUpgrade::from_request_parts(parts, state)
            .await
            .map(Upgrade)
            .map_err(|e| {
                if asks_to_upgrade {
                    ApiError::BadHandshake(e.body_text())
                } else {
                    ApiError::UpgradeRequired
                }
            })
    }
}
