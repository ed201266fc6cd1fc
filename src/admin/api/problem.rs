//! Errors of the admin API as RFC 9457 `application/problem+json`: `type`,
//! `title`, `status`, `detail`, `request_id` (also in `X-Request-Id`), and
//! for invalid input `errors: [{field, message}]`. Internal causes go to
//! the log with the request id, never into the answer (SR-103).

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::error::AppError;
use crate::request_id;

/// One invalid input field.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An error answer.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<i64>,
    /// The `Allow` header of a 405.
    pub allow: Option<String>,
    /// The cause, for the log only.
    cause: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            allow: None,
            cause: None,
        }
    }

    /// 400 naming the field at fault.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut p = Self::new(StatusCode::BAD_REQUEST, format!("{field}: {message}"));
        p.errors.push(FieldError {
            field: field.to_owned(),
            message,
        });
        p
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "no such object")
    }

    pub fn too_many(retry_after: i64) -> Self {
        let mut p = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "this key is over its rate limit; retry later",
        );
        p.retry_after = Some(retry_after);
        p
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.detail)
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::not_found(),
            AppError::BadRequest(m) => Self::new(StatusCode::BAD_REQUEST, m),
            AppError::Conflict(m) => Self::new(StatusCode::CONFLICT, m),
            AppError::Csrf => Self::forbidden(
                "missing or wrong X-CSRF-Token header (take it from GET /api/v1/session)",
            ),
            AppError::Overloaded | AppError::MailUnavailable => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the service is busy; retry later",
            ),
            other if other.is_unavailable() => {
                tracing::warn!(request_id = %request_id::current(), error = %other, "admin API request failed: database unavailable");
                let mut p = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the service is temporarily unavailable; retry later",
                );
                p.retry_after = Some(5);
                p
            }
            other => {
                let mut p = Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on our side; quote the request id",
                );
                p.cause = Some(other.to_string());
                p
            }
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Also the `X-Request-Id` header; the server's log has the details.
    pub request_id: String,
    /// For invalid input: which fields, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let request_id = request_id::current();
        match &self.cause {
            Some(cause) => tracing::error!(%request_id, error = %cause, "admin API request failed"),
            None => {
                tracing::info!(%request_id, status = self.status.as_u16(), detail = %self.detail, "admin API request refused")
            }
        }
        let body = ProblemBody {
            kind: "about:blank".into(),
            title: self.status.canonical_reason().unwrap_or("Error").into(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            request_id: request_id.clone(),
            errors: self.errors.clone(),
        };
        let mut res = HttpResponse::build(self.status)
            .body(serde_json::to_string(&body).unwrap_or_else(|_| "{}".into()));
        let headers = res.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(RETRY_AFTER, v);
        }
        if let Some(allow) = &self.allow
            && let Ok(v) = HeaderValue::from_str(allow)
        {
            headers.insert(actix_web::http::header::ALLOW, v);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                actix_web::http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ostiary-admin\""),
            );
        }
        res
    }
}

/// The refusals any authenticated operation can answer (for the OpenAPI
/// document).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Refusals {
    /// Invalid input (the fields are named), or a vendor key without
    /// `X-Actor-User-Id` and `X-Ticket-Reference`.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(ProblemBody),
    /// No usable credentials: an unknown, expired or revoked key, no session.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(ProblemBody),
    /// A missing scope or CSRF header, a network the key may not be used
    /// from, or an object out of the caller's reach to change.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(ProblemBody),
    /// Over the key's rate: retry after `Retry-After` seconds.
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(ProblemBody),
}

/// No such object in the caller's reach.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Missing {
    /// No such object in the caller's reach.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(ProblemBody),
}

/// The request conflicts with the object's state.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Conflicting {
    /// The request conflicts with the object's state (named in `detail`).
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(ProblemBody),
}

impl Problem {
    /// 409 with a reason.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail)
    }
}

/// Well-formed input that breaks a rule no schema can express.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Unprocessable {
    /// Well-formed, but a rule refuses it (an address that is not one, a
    /// password too weak, an unknown organization): the fields are named.
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(ProblemBody),
}

impl Problem {
    /// 422 naming the field whose value a rule refuses (the request
    /// matched the document's schema, which cannot express the rule).
    pub fn unprocessable(field: &str, message: impl Into<String>) -> Self {
        let mut p = Self::invalid(field, message);
        p.status = StatusCode::UNPROCESSABLE_ENTITY;
        p
    }
}
