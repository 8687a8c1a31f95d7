//! The API's errors: one status and one stable `error.code` per case, as
//! `{"error": {"code": "...", "message": "..."}}`. Internal failures are
//! logged with their cause and answered without details. This is the edge:
//! the office and the store say what went wrong in their own terms, and only
//! here does that become an HTTP status.

use antrean_core::{DomainError, StaffError};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;
use crate::limits::RetryAfter;
use crate::offices::OfficeError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error("{0} already exists")]
    Exists(String),
    #[error("unknown user `{0}`")]
    UnknownUser(String),
    #[error("unknown device {0}")]
    UnknownDevice(i64),
    #[error("no device waits with this pairing code at this office; codes last 15 minutes")]
    UnknownPairing,
    #[error("choose your own password first (PUT /session/password)")]
    PasswordChangeRequired,
    #[error("this account is disabled; ask your supervisor")]
    AccountDisabled,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("unknown office `{0}`")]
    UnknownOffice(String),
    #[error("unknown ticket")]
    UnknownTicket,
    #[error("{0}")]
    InvalidBody(String),
    /// An online ticket's proof of work refused (`proof.rs`).
    #[error(transparent)]
    Proof(#[from] crate::proof::Refused),
    /// This browser holds a waiting or called online ticket for the
    /// service, or is taking one right now (`holders.rs`).
    #[error("{0}")]
    TicketAlreadyActive(String),
    #[error("{0}")]
    InvalidQuery(String),
    /// Well-formed, but its parts do not go together (a rule of the API,
    /// not of the office's state).
    #[error("{1}")]
    Unprocessable(ErrorCode, String),
    #[error(
        "the request body is too large: 16 KiB at most (a whole office configuration 256 KiB)"
    )]
    TooLarge,
    #[error("sign in first")]
    Unauthenticated,
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    DeviceRequired(String),
    #[error("too many requests; try again in {0} s")]
    RateLimited(u64),
    #[error("the office is recovering from a storage failure; try again")]
    Unavailable,
    #[error("this is a WebSocket endpoint: connect with a WebSocket client")]
    UpgradeRequired,
    #[error("invalid WebSocket handshake: {0}")]
    BadHandshake(String),
    #[error("no route")]
    NoRoute,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("a change made with the session cookie must come from this server's own pages")]
    CrossOrigin,
    #[error("this address has taken its share of today's online tickets for `{0}`; take a number at the office's kiosk")]
    OnlineShareUsed(String),
    #[error("too many sign-ins are being checked at once; try again in a moment")]
    SignInBusy,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The stable code of every error the API answers with; clients branch on
/// it and screens translate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    UnknownService,
    UnknownCounter,
    UnknownTicket,
    UnknownOffice,
    UnknownPrinter,
    UnknownClosure,
    UnknownUser,
    UnknownDevice,
    UnknownPairingCode,
    AlreadyExists,
    OwnAccount,
    PasswordTooShort,
    PasswordIsName,
    PasswordCommon,
    PasswordChangeRequired,
    AccountDisabled,
    WrongPassword,
    PasswordUnchanged,
    InvalidField,
    IdRetired,
    PrefixTaken,
    ServiceInUse,
    CounterNeedsService,
    CounterNotClosed,
    CounterInUse,
    ClosureOverlaps,
    UnknownStep,
    ServiceClosed,
    QuotaExhausted,
    ServiceSuspended,
    ServiceNotSuspended,
    SuspendMessageRequired,
    RunningTextTooLong,
    OnlineQuotaExhausted,
    /// One address took its share of a service's online quota today.
    OnlineShareUsed,
    /// This browser already holds a waiting or called online ticket for
    /// the service.
    TicketAlreadyActive,
    /// An online ticket needs a solved challenge (`proof`).
    ProofRequired,
    /// The proof's challenge is not this server's, or its answer is wrong.
    ProofInvalid,
    /// The proof's challenge expired: fetch a new one.
    ProofExpired,
    /// The proof was already used for a ticket: fetch a new challenge.
    ProofSpent,
    NoPriorityClaim,
    PriorityAlreadyConfirmed,
    CounterNotOpen,
    CounterAlreadyInState,
    CounterBusy,
    CounterHeld,
    CounterNotHeld,
    NoCurrentTicket,
    InvalidTransition,
    MinCallsNotReached,
    NotServedHere,
    ServiceNotServed,
    TransferToSame,
    PauseReasonRequired,
    DuplicateCode,
    InvalidSurvey,
    SurveyAlreadyAnswered,
    /// A survey's suggestion is longer than 1,000 characters.
    SuggestionTooLong,
    InvalidBody,
    InvalidQuery,
    PrintNeedsKiosk,
    InvalidPeriod,
    BodyTooLarge,
    Unauthenticated,
    BadCredentials,
    Forbidden,
    DeviceTokenRequired,
    RateLimited,
    Unavailable,
    WebsocketRequired,
    InvalidHandshake,
    NoRoute,
    MethodNotAllowed,
    CrossOrigin,
    SignInBusy,
    Internal,
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable; clients branch on it, screens translate it.
    pub code: ErrorCode,
    /// For people reading logs or using the API by hand; may change.
    pub message: String,
    /// The field of the request that breaks a rule (`invalid_field`) or is
    /// in conflict (`prefix_taken`: `prefix`), as the request names it:
    /// `prefix`, `services[2].name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    /// The status and stable code of each case.
    pub fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        use DomainError as D;
        use ErrorCode as C;
        use StatusCode as S;
        match self {
            ApiError::Domain(d) => match d {
                D::UnknownService(_) => (S::NOT_FOUND, C::UnknownService),
                D::UnknownCounter(_) => (S::NOT_FOUND, C::UnknownCounter),
                D::UnknownTicket(_) => (S::NOT_FOUND, C::UnknownTicket),
                D::ServiceClosed(_) => (S::UNPROCESSABLE_ENTITY, C::ServiceClosed),
                D::QuotaExhausted(_) => (S::UNPROCESSABLE_ENTITY, C::QuotaExhausted),
                D::ServiceSuspended { .. } => (S::UNPROCESSABLE_ENTITY, C::ServiceSuspended),
                D::ServiceNotSuspended(_) => (S::CONFLICT, C::ServiceNotSuspended),
                D::SuspendMessage => (S::BAD_REQUEST, C::SuspendMessageRequired),
                D::RunningTextTooLong => (S::BAD_REQUEST, C::RunningTextTooLong),
                D::OnlineQuotaExhausted(_) => (S::UNPROCESSABLE_ENTITY, C::OnlineQuotaExhausted),
                D::CounterNotOpen { .. } => (S::CONFLICT, C::CounterNotOpen),
                D::CounterAlreadyInState { .. } => (S::CONFLICT, C::CounterAlreadyInState),
                D::CounterBusy { .. } => (S::CONFLICT, C::CounterBusy),
                D::NoCurrentTicket(_) => (S::CONFLICT, C::NoCurrentTicket),
                D::CounterHeld { .. } => (S::CONFLICT, C::CounterHeld),
                D::CounterNotHeld(_) => (S::CONFLICT, C::CounterNotHeld),
                D::InvalidTransition { .. } => (S::CONFLICT, C::InvalidTransition),
                D::MinCallsNotReached { .. } => (S::UNPROCESSABLE_ENTITY, C::MinCallsNotReached),
                D::NotServedHere { .. } => (S::UNPROCESSABLE_ENTITY, C::NotServedHere),
                D::ServiceNotServed(_) => (S::UNPROCESSABLE_ENTITY, C::ServiceNotServed),
                D::TransferToSame(_) => (S::UNPROCESSABLE_ENTITY, C::TransferToSame),
                D::PauseReason => (S::BAD_REQUEST, C::PauseReasonRequired),
                D::DuplicateCode(_) => (S::CONFLICT, C::DuplicateCode),
                D::UnknownStep { .. } => (S::UNPROCESSABLE_ENTITY, C::UnknownStep),
                D::InvalidSurvey => (S::BAD_REQUEST, C::InvalidSurvey),
                D::SurveyAnswered { .. } => (S::CONFLICT, C::SurveyAlreadyAnswered),
                D::SuggestionTooLong { .. } => (S::UNPROCESSABLE_ENTITY, C::SuggestionTooLong),
                D::InvalidField { .. } => (S::UNPROCESSABLE_ENTITY, C::InvalidField),
                D::IdRetired(_) => (S::CONFLICT, C::IdRetired),
                D::PrefixTaken { .. } => (S::CONFLICT, C::PrefixTaken),
                D::ServiceInUse { .. } => (S::CONFLICT, C::ServiceInUse),
                D::CounterNeedsService { .. } => (S::CONFLICT, C::CounterNeedsService),
                D::CounterNotClosed { .. } => (S::CONFLICT, C::CounterNotClosed),
                D::CounterInUse { .. } => (S::CONFLICT, C::CounterInUse),
                D::ClosureOverlaps(_) => (S::CONFLICT, C::ClosureOverlaps),
                D::UnknownClosure(_) => (S::NOT_FOUND, C::UnknownClosure),
                D::UnknownPrinter(_) => (S::NOT_FOUND, C::UnknownPrinter),
                D::NoPriorityClaim(_) => (S::UNPROCESSABLE_ENTITY, C::NoPriorityClaim),
                D::PriorityAlreadyConfirmed(_) => (S::CONFLICT, C::PriorityAlreadyConfirmed),
            },
            ApiError::Staff(e) => match e {
                StaffError::NotYours(_) => (S::FORBIDDEN, C::Forbidden),
                StaffError::UserName | StaffError::OfficeNeeded(_) | StaffError::AdminHasOffice => {
                    (S::UNPROCESSABLE_ENTITY, C::InvalidField)
                }
                StaffError::PasswordTooShort => (S::UNPROCESSABLE_ENTITY, C::PasswordTooShort),
                StaffError::PasswordIsName => (S::UNPROCESSABLE_ENTITY, C::PasswordIsName),
                StaffError::PasswordCommon => (S::UNPROCESSABLE_ENTITY, C::PasswordCommon),
                StaffError::OwnAccount => (S::CONFLICT, C::OwnAccount),
            },
            ApiError::Exists(_) => (S::CONFLICT, C::AlreadyExists),
            ApiError::UnknownUser(_) => (S::NOT_FOUND, C::UnknownUser),
            ApiError::UnknownDevice(_) => (S::NOT_FOUND, C::UnknownDevice),
            ApiError::UnknownPairing => (S::NOT_FOUND, C::UnknownPairingCode),
            ApiError::PasswordChangeRequired => (S::FORBIDDEN, C::PasswordChangeRequired),
            ApiError::AccountDisabled => (S::FORBIDDEN, C::AccountDisabled),
            ApiError::WrongPassword => (S::UNPROCESSABLE_ENTITY, C::WrongPassword),
            ApiError::UnknownOffice(_) => (S::NOT_FOUND, C::UnknownOffice),
            ApiError::UnknownTicket => (S::NOT_FOUND, C::UnknownTicket),
            ApiError::InvalidBody(_) => (S::BAD_REQUEST, C::InvalidBody),
            ApiError::Proof(r) => r.status_and_code(),
            ApiError::TicketAlreadyActive(_) => (S::CONFLICT, C::TicketAlreadyActive),
            ApiError::InvalidQuery(_) => (S::BAD_REQUEST, C::InvalidQuery),
            ApiError::Unprocessable(code, _) => (S::UNPROCESSABLE_ENTITY, *code),
            ApiError::TooLarge => (S::PAYLOAD_TOO_LARGE, C::BodyTooLarge),
            ApiError::Unauthenticated => (S::UNAUTHORIZED, C::Unauthenticated),
            ApiError::BadCredentials => (S::UNAUTHORIZED, C::BadCredentials),
            ApiError::Forbidden(_) => (S::FORBIDDEN, C::Forbidden),
            ApiError::DeviceRequired(_) => (S::UNAUTHORIZED, C::DeviceTokenRequired),
            ApiError::RateLimited(_) => (S::TOO_MANY_REQUESTS, C::RateLimited),
            ApiError::Unavailable => (S::SERVICE_UNAVAILABLE, C::Unavailable),
            ApiError::UpgradeRequired => (S::UPGRADE_REQUIRED, C::WebsocketRequired),
            ApiError::BadHandshake(_) => (S::BAD_REQUEST, C::InvalidHandshake),
            ApiError::NoRoute => (S::NOT_FOUND, C::NoRoute),
            ApiError::MethodNotAllowed => (S::METHOD_NOT_ALLOWED, C::MethodNotAllowed),
            ApiError::CrossOrigin => (S::FORBIDDEN, C::CrossOrigin),
            ApiError::OnlineShareUsed(_) => (S::UNPROCESSABLE_ENTITY, C::OnlineShareUsed),
            ApiError::SignInBusy => (S::SERVICE_UNAVAILABLE, C::SignInBusy),
            ApiError::Internal(_) => (S::INTERNAL_SERVER_ERROR, C::Internal),
        }
    }
}

impl ApiError {
    /// The field of the request the refusal is about, when there is one:
    /// the one breaking a rule, or the one in conflict (a prefix in use).
    fn field(&self) -> Option<String> {
        let d = match self {
            ApiError::Domain(d) => d,
            ApiError::Staff(s) => {
                return match s {
                    StaffError::UserName => Some("username".into()),
                    StaffError::OfficeNeeded(_) | StaffError::AdminHasOffice => {
                        Some("office".into())
                    }
                    StaffError::PasswordTooShort
                    | StaffError::PasswordIsName
                    | StaffError::PasswordCommon => Some("new_password".into()),
                    StaffError::NotYours(_) | StaffError::OwnAccount => None,
                }
            }
            ApiError::WrongPassword => return Some("current_password".into()),
            _ => return None,
        };
        match d {
            DomainError::InvalidField { field, .. } => Some(field.clone()),
            DomainError::PrefixTaken { .. } => Some("prefix".into()),
            DomainError::ClosureOverlaps(_) => Some("from".into()),
            DomainError::IdRetired(_) => Some("id".into()),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let mut res = (
            status,
            Json(ErrorBody {
                error: ErrorDetail {
                    code,
                    message: self.to_string(),
                    field: self.field(),
                },
            }),
        )
            .into_response();
        // For the metrics, which count answers by their code.
        res.extensions_mut().insert(code);
        match self {
            ApiError::RateLimited(secs) | ApiError::Proof(crate::proof::Refused::Busy(secs)) => {
                if let Ok(v) = secs.to_string().parse() {
                    res.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            // The rest of the body was never read, so the connection cannot
            // carry another request: say so, or the client reuses it and
            // its next request fails.
            ApiError::TooLarge => {
                res.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            ApiError::SignInBusy => {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            ApiError::UpgradeRequired => {
                res.headers_mut()
                    .insert(header::UPGRADE, HeaderValue::from_static("websocket"));
            }
            _ => {}
        }
        res
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::TooLarge
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::InvalidBody(
                "send the body as JSON with Content-Type: application/json".into(),
            ),
            other => ApiError::InvalidBody(other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::NoRoute
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::InvalidQuery(r.body_text())
    }
}

impl From<RetryAfter> for ApiError {
    fn from(r: RetryAfter) -> Self {
        ApiError::RateLimited(r.0)
    }
}

impl From<antrean_store::StoreError> for ApiError {
    fn from(e: antrean_store::StoreError) -> Self {
        match e {
            antrean_store::StoreError::OfficeFailed(_)
            | antrean_store::StoreError::Unwritten(_) => ApiError::Unavailable,
            antrean_store::StoreError::Exists(what) => ApiError::Exists(what),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Store(s) => s.into(),
            DbError::Task(t) => ApiError::Internal(t.into()),
        }
    }
}

impl From<OfficeError> for ApiError {
    fn from(e: OfficeError) -> Self {
        match e {
            OfficeError::Rule(d) => ApiError::Domain(d),
            OfficeError::Storage(s) => s.into(),
            OfficeError::Unavailable => ApiError::Unavailable,
        }
    }
}
