//! `/users`: the staff of the offices, managed by their supervisors and the
//! regency's admin. A new account and a reset get a one-time password,
//! shown once, that its owner replaces at their next sign-in; disabling an
//! account or resetting its password signs it out everywhere at once, open
//! screens included. Each change is an event of the accounts log with its
//! actor.

use antrean_core::staff::{check_placement, check_user_name};
use antrean_core::{Role, StaffError};
use antrean_store::{PasswordKind, Store, StoreError, User};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::Revoked;
use crate::auth;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppPath, AppQuery, NoBody, Staff};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, add_user))
        .routes(routes!(change_user))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(reset_password))
        .routes(routes!(sign_out_user))
}

/// A staff account as managers see it (never its password).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    username: String,
    role: Role,
    /// Null for an admin.
    #[schema(required = true)]
    office: Option<String>,
    /// Cannot sign in.
    disabled: bool,
    /// Has a one-time password still to replace.
    must_change_password: bool,
    #[schema(required = true)]
    last_sign_in_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> UserView {
        UserView {
            username: u.username.clone(),
            role: u.role,
            office: u.office.clone(),
            disabled: u.disabled,
            must_change_password: u.must_change,
            last_sign_in_at: u.last_sign_in,
            created_at: u.created_at,
        }
    }
}

/// An account with the one-time password its owner signs in with once.
#[derive(Debug, Serialize, ToSchema)]
struct WithPassword {
    user: UserView,
    /// Shown this once: hand it to the user, who chooses their own at the
    /// next sign-in.
    one_time_password: String,
}

/// `?office=`: one office's staff (an admin's choice; a supervisor sees
/// their own office's).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UsersQuery {
    office: Option<String>,
}

/// Body of `POST /users`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewUser {
    /// 1 to 64 letters, digits, `.`, `_` or `-`.
    username: String,
    role: Role,
    /// The office of a clerk, help desk or supervisor; null or absent for
    /// an admin.
    #[serde(default)]
    office: Option<String>,
}

/// Body of `PUT /users/{username}`: the role and office it has from now.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Placement {
    role: Role,
    #[serde(default)]
    office: Option<String>,
}

/// The staff: an admin sees everyone (or one office's, with `?office=`), a
/// supervisor the staff of their office.
#[utoipa::path(get, path = "/users", tag = "staff", params(UsersQuery), security(("session" = [])),
    responses((status = 200, body = Vec<UserView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    staff: Staff,
    AppQuery(q): AppQuery<UsersQuery>,
) -> Result<Json<Vec<UserView>>, ApiError> {
    let office = staff.office_scope(q.office, "list of staff")?;
    if let Some(o) = &office {
        state.office(o)?;
    }
    let users = state.db.read(move |r| r.users(office.as_deref())).await?;
    Ok(Json(users.iter().map(UserView::from).collect()))
}

/// Checks that `role` at `office` is a placement that exists and that
/// `staff` may give.
fn check_placement_by(
    state: &AppState,
    staff: &Staff,
    role: Role,
    office: Option<&str>,
) -> Result<(), ApiError> {
    check_placement(role, office)?;
    if let Some(o) = office {
        state.office(o)?;
    }
    staff.check_manage(role, office)
}

/// The account `username`, which `staff` may manage.
async fn managed(state: &AppState, staff: &Staff, username: &str) -> Result<User, ApiError> {
    let name = username.to_owned();
    let user = state
        .db
        .read(move |r| r.user(&name))
        .await?
        .ok_or_else(|| ApiError::UnknownUser(username.to_owned()))?;
    // One's own account is one's own (what may be done to it is each
    // route's rule: signing out everywhere, yes; disabling, no).
    if user.id == staff.user.id {
        return Ok(user);
    }
    // A supervisor learns nothing of accounts elsewhere, not even that they
    // exist.
    if staff.user.role != Role::Admin && user.office != staff.user.office {
        return Err(ApiError::UnknownUser(username.to_owned()));
    }
    staff.check_manage(user.role, user.office.as_deref())?;
    Ok(user)
}

/// Runs a change of the account `username` and, when it `signs_out`, ends
/// their sessions' open screens at once. A user gone between the look-up
/// and the write is unknown, like one that never was.
async fn change(
    state: &AppState,
    username: &str,
    signs_out: bool,
    f: impl FnOnce(&Store) -> Result<User, StoreError> + Send + 'static,
) -> Result<User, ApiError> {
    let user = state.db.write(f).await.map_err(|e| match e {
        crate::db::DbError::Store(StoreError::NotFound(_)) => {
            ApiError::UnknownUser(username.to_owned())
        }
        other => other.into(),
    })?;
    if signs_out {
        state.access.revocations.revoke(Revoked::User {
            id: user.id,
            except: None,
        });
    }
    Ok(user)
}

/// Add a staff account; it gets a one-time password.
#[utoipa::path(post, path = "/users", tag = "staff", request_body = NewUser, security(("session" = [])),
    responses((status = 201, body = WithPassword), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_user(
    State(state): State<AppState>,
    staff: Staff,
    AppJson(req): AppJson<NewUser>,
) -> Result<(StatusCode, Json<WithPassword>), ApiError> {
    check_user_name(&req.username)?;
    check_placement_by(&state, &staff, req.role, req.office.as_deref())?;
    let password = auth::one_time_password();
    let hash = hash_of(&state, &password).await?;
    let actor = staff.actor();
    let user = state
        .db
        .write(move |s| {
            s.add_user(
                &actor,
                &req.username,
                &hash,
                req.role,
                req.office.as_deref(),
                PasswordKind::OneTime,
            )
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(WithPassword {
            user: UserView::from(&user),
            one_time_password: password,
        }),
    ))
}

/// Give a user another role or office; their sessions end (they signed in
/// for the old one).
#[utoipa::path(put, path = "/users/{username}", tag = "staff", params(("username" = String, Path)),
    request_body = Placement, security(("session" = [])),
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn change_user(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(username): AppPath<String>,
    AppJson(req): AppJson<Placement>,
) -> Result<Json<UserView>, ApiError> {
    let before = managed(&state, &staff, &username).await?;
    check_placement_by(&state, &staff, req.role, req.office.as_deref())?;
    let same = before.role == req.role && before.office == req.office;
    if same {
        return Ok(Json(UserView::from(&before)));
    }
    if before.id == staff.user.id {
        return Err(StaffError::OwnAccount.into());
    }
    let (actor, name) = (staff.actor(), username.clone());
    let user = change(&state, &username, true, move |s| {
        s.change_user(&actor, &name, req.role, req.office.as_deref())
    })
    .await?;
    Ok(Json(UserView::from(&user)))
}

/// Disable an account: it cannot sign in, and its sessions and open screens
/// are signed out at once.
#[utoipa::path(post, path = "/users/{username}/disable", tag = "staff", params(("username" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
async fn disable_user(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(username): AppPath<String>,
    _: NoBody,
) -> Result<Json<UserView>, ApiError> {
    set_disabled(state, staff, username, true).await
}

/// Enable a disabled account again.
#[utoipa::path(post, path = "/users/{username}/enable", tag = "staff", params(("username" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
async fn enable_user(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(username): AppPath<String>,
    _: NoBody,
) -> Result<Json<UserView>, ApiError> {
    set_disabled(state, staff, username, false).await
}

async fn set_disabled(
    state: AppState,
    staff: Staff,
    username: String,
    disabled: bool,
) -> Result<Json<UserView>, ApiError> {
    let before = managed(&state, &staff, &username).await?;
    if before.id == staff.user.id {
        return Err(StaffError::OwnAccount.into());
    }
    if before.disabled == disabled {
        return Ok(Json(UserView::from(&before)));
    }
    let (actor, name) = (staff.actor(), username.clone());
    let user = change(&state, &username, disabled, move |s| {
        s.set_disabled(&actor, &name, disabled)
    })
    .await?;
    Ok(Json(UserView::from(&user)))
}

/// Reset a forgotten password: a new one-time password, shown once; the
/// user is signed out everywhere and chooses their own at the next sign-in.
#[utoipa::path(post, path = "/users/{username}/password-reset", tag = "staff", params(("username" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = WithPassword), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
async fn reset_password(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(username): AppPath<String>,
    _: NoBody,
) -> Result<Json<WithPassword>, ApiError> {
    let before = managed(&state, &staff, &username).await?;
    if before.id == staff.user.id {
        // One's own is changed knowing it (PUT /session/password).
        return Err(StaffError::OwnAccount.into());
    }
    let password = auth::one_time_password();
    let hash = hash_of(&state, &password).await?;
    let (actor, name) = (staff.actor(), username.clone());
    let user = change(&state, &username, true, move |s| {
        s.set_password(&actor, &name, &hash, PasswordKind::OneTime, None)
    })
    .await?;
    Ok(Json(WithPassword {
        user: UserView::from(&user),
        one_time_password: password,
    }))
}

/// Sign a user out everywhere (a lost phone, a shared computer left signed
/// in).
#[utoipa::path(post, path = "/users/{username}/sign-out", tag = "staff", params(("username" = String, Path)),
    security(("session" = [])),
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn sign_out_user(
    State(state): State<AppState>,
    staff: Staff,
    AppPath(username): AppPath<String>,
    _: NoBody,
) -> Result<Json<UserView>, ApiError> {
    managed(&state, &staff, &username).await?;
    let (actor, name) = (staff.actor(), username.clone());
    let user = change(&state, &username, true, move |s| {
        s.sign_out_everywhere(&actor, &name)
    })
    .await?;
    Ok(Json(UserView::from(&user)))
}

/// The argon2id hash of a new password, in turn with the sign-ins.
pub(super) async fn hash_of(state: &AppState, password: &str) -> Result<String, ApiError> {
    let password = password.to_owned();
    let hashed = state
        .limits
        .hashing
        .run(move || auth::hash_password(&password))
        .await
        .ok_or(ApiError::SignInBusy)???;
    Ok(hashed)
}
