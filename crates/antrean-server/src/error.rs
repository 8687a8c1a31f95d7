//! The API's errors: one status and one stable `error.code` per case, as
//! `{"error": {"code": "...", "message": "..."}}`. Internal failures are
//! logged with their cause and answered without details.

use antrean_core::DomainError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("unknown office `{0}`")]
    UnknownOffice(String),
    #[error("unknown ticket")]
    UnknownTicket,
    #[error("unknown printer `{0}`")]
    UnknownPrinter(String),
    #[error("{0}")]
    InvalidBody(String),
    #[error("{0}")]
    InvalidQuery(String),
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
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
    #[error("this ticket's survey was already answered")]
    SurveyAnswered,
    #[error("no route")]
    NoRoute,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, snake_case; clients branch on it.
    pub code: &'static str,
    /// For people; may change.
    pub message: String,
}

impl ApiError {
    /// The status and stable code of each case.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        use DomainError as D;
        use StatusCode as S;
        match self {
            ApiError::Domain(d) => match d {
                D::UnknownService(_) => (S::NOT_FOUND, "unknown_service"),
                D::UnknownCounter(_) => (S::NOT_FOUND, "unknown_counter"),
                D::UnknownTicket(_) => (S::NOT_FOUND, "unknown_ticket"),
                D::ServiceClosed(_) => (S::UNPROCESSABLE_ENTITY, "service_closed"),
                D::QuotaExhausted(_) => (S::UNPROCESSABLE_ENTITY, "quota_exhausted"),
                D::OnlineQuotaExhausted(_) => (S::UNPROCESSABLE_ENTITY, "online_quota_exhausted"),
                D::CounterNotOpen { .. } => (S::CONFLICT, "counter_not_open"),
                D::CounterAlreadyInState { .. } => (S::CONFLICT, "counter_already_in_state"),
                D::CounterBusy { .. } => (S::CONFLICT, "counter_busy"),
                D::NoCurrentTicket(_) => (S::CONFLICT, "no_current_ticket"),
                D::InvalidTransition { .. } => (S::CONFLICT, "invalid_transition"),
                D::MinCallsNotReached { .. } => (S::UNPROCESSABLE_ENTITY, "min_calls_not_reached"),
                D::NotServedHere { .. } => (S::UNPROCESSABLE_ENTITY, "not_served_here"),
                D::ServiceNotServed(_) => (S::UNPROCESSABLE_ENTITY, "service_not_served"),
                D::TransferToSame(_) => (S::UNPROCESSABLE_ENTITY, "transfer_to_same"),
                D::PauseReason => (S::BAD_REQUEST, "pause_reason_required"),
                D::DuplicateCode(_) => (S::CONFLICT, "duplicate_code"),
                D::UnknownStep { .. } => (S::UNPROCESSABLE_ENTITY, "unknown_step"),
                D::InvalidSurvey => (S::BAD_REQUEST, "invalid_survey"),
            },
            ApiError::UnknownOffice(_) => (S::NOT_FOUND, "unknown_office"),
            ApiError::UnknownTicket => (S::NOT_FOUND, "unknown_ticket"),
            ApiError::UnknownPrinter(_) => (S::NOT_FOUND, "unknown_printer"),
            ApiError::InvalidBody(_) => (S::BAD_REQUEST, "invalid_body"),
            ApiError::InvalidQuery(_) => (S::BAD_REQUEST, "invalid_query"),
            ApiError::TooLarge(_) => (S::PAYLOAD_TOO_LARGE, "body_too_large"),
            ApiError::Unauthenticated => (S::UNAUTHORIZED, "unauthenticated"),
            ApiError::BadCredentials => (S::UNAUTHORIZED, "bad_credentials"),
            ApiError::Forbidden(_) => (S::FORBIDDEN, "forbidden"),
            ApiError::DeviceRequired(_) => (S::UNAUTHORIZED, "device_token_required"),
            ApiError::RateLimited(_) => (S::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Unavailable => (S::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::SurveyAnswered => (S::CONFLICT, "survey_already_answered"),
            ApiError::NoRoute => (S::NOT_FOUND, "no_route"),
            ApiError::Internal(_) => (S::INTERNAL_SERVER_ERROR, "internal"),
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
                },
            }),
        )
            .into_response();
        match self {
            ApiError::RateLimited(secs) => {
                if let Ok(v) = secs.to_string().parse() {
                    res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
                }
            }
            // The rest of the body was never read, so the connection cannot
            // carry another request: say so, or the client reuses it and
            // its next request fails.
            ApiError::TooLarge(_) => {
                res.headers_mut().insert(
                    axum::http::header::CONNECTION,
                    axum::http::HeaderValue::from_static("close"),
                );
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
                ApiError::TooLarge(crate::api::BODY_LIMIT)
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::InvalidBody(
                "send the body as JSON with Content-Type: application/json".into(),
            ),
            other => ApiError::InvalidBody(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::InvalidQuery(r.body_text())
    }
}

impl From<antrean_store::StoreError> for ApiError {
    fn from(e: antrean_store::StoreError) -> Self {
        match e {
            antrean_store::StoreError::OfficeFailed(_) => ApiError::Unavailable,
            other => ApiError::Internal(other.into()),
        }
    }
}
