//! `/session`: staff sign in (an HttpOnly, SameSite=Strict cookie), see who
//! they are, choose their password (at once after signing in with a
//! one-time one), and sign out here or everywhere.

use std::net::SocketAddr;

use antrean_core::Role;
use antrean_store::{PasswordKind, StoreError, User};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::Revoked;
use crate::auth;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{AppJson, NoBody, SignedIn};
use crate::net::ClientConn;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, whoami, sign_out))
        .routes(routes!(change_password))
        .routes(routes!(sign_out_everywhere))
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
    role: Role,
    /// The office of a clerk, help desk or supervisor; null for an admin.
    #[schema(required = true)]
    office: Option<String>,
    /// Signed in with a one-time password: every other request answers 403
    /// `password_change_required` until `PUT /session/password`.
    must_change_password: bool,
}

/// Body of `PUT /session/password`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    /// The password signed in with (the one-time one after a reset).
    current_password: String,
    /// At least 10 characters, not the user name, not a common password.
    new_password: String,
}

impl From<&User> for Me {
    fn from(user: &User) -> Me {
        Me {
            username: user.username.clone(),
            role: user.role,
            office: user.office.clone(),
            must_change_password: user.must_change,
        }
    }
}

/// The `Set-Cookie` value that holds `token` for `max_age_s`, or clears it;
/// `Secure` when the client's connection is HTTPS (or always, when so
/// configured).
fn cookie(state: &AppState, conn: ClientConn, token: &str, max_age_s: u64) -> String {
    let secure = if conn.https || state.config.server.security.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_s}{secure}",
        auth::COOKIE
    )
}

/// Sign in; sets the session cookie.
#[utoipa::path(post, path = "/session", tag = "session", request_body = SignIn,
    responses((status = 200, body = Me, description = "signed in; sets the HttpOnly session cookie"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    conn: ClientConn,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    AppJson(req): AppJson<SignIn>,
) -> Result<Response, ApiError> {
    // Counted before the password is checked: a burst of guesses at once
    // gets no more tries than a slow series.
    // A name that no account can have counts for the address only: an
    // attacker's long names cost the throttle no memory.
    let name = match antrean_core::staff::check_user_name(&req.username) {
        Ok(()) => req.username.as_str(),
        Err(_) => "",
    };
    let tried = state.limits.sign_in.reserve(name, peer.ip())?;
    let username = req.username.clone();
    let user = state.db.read(move |r| r.user(&username)).await?;
    // Against a dummy hash when the user does not exist, so the answer
    // takes as long.
    let hash = user
        .as_ref()
        .map_or(auth::dummy_hash(), |u| u.password_hash.as_str())
        .to_owned();
    let password = req.password;
    let Some(ok) = state
        .limits
        .hashing
        .run(move || auth::verify_password(&hash, &password))
        .await
    else {
        // Not tried: the guesses of others elsewhere cost this one nothing.
        state.limits.sign_in.not_tried(tried);
        return Err(ApiError::SignInBusy);
    };
    let ok = ok?;
    let address = peer.ip().to_string();
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        other => {
            // Told only to whoever knows the password.
            let refusal = match &other {
                Some(u) if ok && u.disabled => ApiError::AccountDisabled,
                _ => ApiError::BadCredentials,
            };
            let at = address.clone();
            state
                .db
                .write(move |s| s.sign_in_failed(other.as_ref(), &at))
                .await?;
            return Err(refusal);
        }
    };
    state.limits.sign_in.succeeded(tried);
    let token = auth::new_token();
    let hours = state.config.server.security.session_hours;
    let expires = chrono::Utc::now() + chrono::Duration::hours(i64::from(hours));
    let hash = auth::token_hash(&token);
    let who = user.clone();
    state
        .db
        .write(move |s| s.create_session(&hash, &who, &address, expires))
        .await
        .map_err(|e| match e {
            // Reset or disabled while the password was checked.
            crate::db::DbError::Store(StoreError::NotFound(_)) => ApiError::BadCredentials,
            other => other.into(),
        })?;
    let set = cookie(&state, conn, &token, u64::from(hours) * 3600);
    Ok(([(header::SET_COOKIE, set)], Json(Me::from(&user))).into_response())
}

/// Who is signed in.
#[utoipa::path(get, path = "/session", tag = "session", security(("session" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn whoami(SignedIn(staff): SignedIn) -> Json<Me> {
    Json(Me::from(&staff.user))
}

/// Choose a new password: this session stays signed in, every other of the
/// user ends.
#[utoipa::path(put, path = "/session/password", tag = "session", security(("session" = [])),
    request_body = PasswordChange,
    responses((status = 200, body = Me), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SignedIn(staff): SignedIn,
    AppJson(req): AppJson<PasswordChange>,
) -> Result<Json<Me>, ApiError> {
    antrean_core::staff::check_password(&staff.user.username, &req.new_password)?;
    if req.new_password == req.current_password {
        return Err(ApiError::Unprocessable(
            ErrorCode::PasswordUnchanged,
            "choose a password other than the current one".into(),
        ));
    }
    // Guessing the current password here is guessing it at sign-in.
    let tried = state
        .limits
        .sign_in
        .reserve(&staff.user.username, peer.ip())?;
    let (hash, current) = (staff.user.password_hash.clone(), req.current_password);
    let hashing = &state.limits.hashing;
    let ok = hashing
        .run(move || auth::verify_password(&hash, &current))
        .await
        .ok_or(ApiError::SignInBusy)??;
    if !ok {
        return Err(ApiError::WrongPassword);
    }
    state.limits.sign_in.succeeded(tried);
    let new_hash = super::staff::hash_of(&state, &req.new_password).await?;
    let (actor, name, keep) = (
        staff.actor(),
        staff.user.username.clone(),
        staff.session.clone(),
    );
    let user = state
        .db
        .write(move |s| s.set_password(&actor, &name, &new_hash, PasswordKind::Chosen, Some(&keep)))
        .await
        .map_err(|e| match e {
            // Signed out (a reset, a disable) while choosing it.
            crate::db::DbError::Store(StoreError::NotFound(_)) => ApiError::Unauthenticated,
            other => other.into(),
        })?;
    state.access.revocations.revoke(Revoked::User {
        id: user.id,
        except: Some(staff.session),
    });
    Ok(Json(Me::from(&user)))
}

/// Sign out on every device: every session of the user ends (this one too)
/// and their open screens are signed out at once.
#[utoipa::path(delete, path = "/session/all", tag = "session", security(("session" = [])),
    responses((status = 204, description = "signed out everywhere"), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn sign_out_everywhere(
    State(state): State<AppState>,
    conn: ClientConn,
    SignedIn(staff): SignedIn,
    _: NoBody,
) -> Result<Response, ApiError> {
    let (actor, name) = (staff.actor(), staff.user.username.clone());
    let user = state
        .db
        .write(move |s| s.sign_out_everywhere(&actor, &name))
        .await?;
    state.access.revocations.revoke(Revoked::User {
        id: user.id,
        except: None,
    });
    let clear = cookie(&state, conn, "", 0);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

/// Sign out; clears the cookie (also when not signed in).
#[utoipa::path(delete, path = "/session", tag = "session",
    responses((status = 204, description = "signed out"), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn sign_out(
    State(state): State<AppState>,
    conn: ClientConn,
    headers: HeaderMap,
    _: NoBody,
) -> Result<Response, ApiError> {
    if let Some(token) = auth::cookie_token(&headers) {
        let hash = auth::token_hash(token);
        let key = hash.clone();
        // Only a session that was: a made-up cookie tells nobody anything.
        if state
            .db
            .write(move |s| s.delete_session(&key))
            .await?
            .is_some()
        {
            state.access.revocations.revoke(Revoked::Session(hash));
        }
    }
    let clear = cookie(&state, conn, "", 0);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}
