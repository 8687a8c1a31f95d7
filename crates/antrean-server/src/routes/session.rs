//! `/session`: staff sign in (an HttpOnly, SameSite=Strict cookie), see who
//! they are, and sign out.

use std::net::SocketAddr;

use antrean_core::Role;
use antrean_store::User;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, NoBody, Staff};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_in, whoami, sign_out))
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
    /// The office of a clerk or supervisor; null for an admin.
    #[schema(required = true)]
    office: Option<String>,
}

impl From<&User> for Me {
    fn from(user: &User) -> Me {
        Me {
            username: user.username.clone(),
            role: user.role,
            office: user.office.clone(),
        }
    }
}

/// The `Set-Cookie` value that holds `token` for `max_age_s`, or clears it.
fn cookie(state: &AppState, token: &str, max_age_s: u64) -> String {
    let secure = if state.config.server.security.secure_cookies {
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
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    AppJson(req): AppJson<SignIn>,
) -> Result<Response, ApiError> {
    let ip_key = format!("ip:{}", peer.ip());
    let user_key = format!("user:{}", req.username);
    state.limits.sign_in.check(&ip_key)?;
    state.limits.sign_in.check(&user_key)?;
    let username = req.username.clone();
    let user = state.db.read(move |r| r.user(&username)).await?;
    // Verified off the async workers (slow on purpose), against a dummy
    // hash when the user does not exist, so the answer takes as long.
    let ok = {
        let hash = user
            .as_ref()
            .map_or(auth::dummy_hash(), |u| u.password_hash.as_str())
            .to_owned();
        tokio::task::spawn_blocking(move || auth::verify_password(&hash, &req.password))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
    };
    let Some(user) = user.filter(|_| ok) else {
        state.limits.sign_in.hit(&ip_key)?;
        state.limits.sign_in.hit(&user_key)?;
        return Err(ApiError::BadCredentials);
    };
    let token = auth::new_token();
    let hours = state.config.server.security.session_hours;
    let expires = chrono::Utc::now() + chrono::Duration::hours(i64::from(hours));
    let (hash, id) = (auth::token_hash(&token), user.id);
    state
        .db
        .write(move |s| s.create_session(&hash, id, expires))
        .await?;
    let set = cookie(&state, &token, u64::from(hours) * 3600);
    Ok(([(header::SET_COOKIE, set)], Json(Me::from(&user))).into_response())
}

/// Who is signed in.
#[utoipa::path(get, path = "/session", tag = "session", security(("session" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn whoami(staff: Staff) -> Json<Me> {
    Json(Me::from(&staff.user))
}

/// Sign out; clears the cookie (also when not signed in).
#[utoipa::path(delete, path = "/session", tag = "session",
    responses((status = 204, description = "signed out"), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    _: NoBody,
) -> Result<Response, ApiError> {
    if let Some(token) = auth::cookie_token(&headers) {
        let hash = auth::token_hash(token);
        state.db.write(move |s| s.delete_session(&hash)).await?;
    }
    let clear = cookie(&state, "", 0);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}
