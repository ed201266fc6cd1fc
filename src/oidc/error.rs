//! `OAuthError`: RFC 6749 §5.2 / OIDC error codes (a closed [`ErrorCode`])
//! with their HTTP status, rendered as JSON with `Cache-Control: no-store`
//! (SR-36). Internal errors become `server_error` with a generic
//! description; the cause is logged.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue, PRAGMA, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::error::AppError;

/// Every error code Ostiary sends to a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    // RFC 6749 §4.1.2.1, §5.2
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    AccessDenied,
    ServerError,
    TemporarilyUnavailable,
    // OIDC Core 3.1.2.6
    LoginRequired,
    ConsentRequired,
    InteractionRequired,
    RequestNotSupported,
    RequestUriNotSupported,
    InvalidRequestObject,
    // RFC 6750 §3.1
    InvalidToken,
    InsufficientScope,
    // RFC 8628 §3.5
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    // RFC 8707 §2
    InvalidTarget,
    // RFC 7591 §3.2.2
    InvalidRedirectUri,
    InvalidClientMetadata,
    InvalidSoftwareStatement,
    // RFC 9449 §5, §8
    InvalidDpopProof,
    UseDpopNonce,
}

impl ErrorCode {
    /// The code as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::AccessDenied => "access_denied",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::LoginRequired => "login_required",
            Self::ConsentRequired => "consent_required",
            Self::InteractionRequired => "interaction_required",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
            Self::InvalidRequestObject => "invalid_request_object",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::ExpiredToken => "expired_token",
            Self::InvalidTarget => "invalid_target",
            Self::InvalidRedirectUri => "invalid_redirect_uri",
            Self::InvalidClientMetadata => "invalid_client_metadata",
            Self::InvalidSoftwareStatement => "invalid_software_statement",
            Self::InvalidDpopProof => "invalid_dpop_proof",
            Self::UseDpopNonce => "use_dpop_nonce",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A protocol error for a client.
#[derive(Debug, Clone)]
pub struct OAuthError {
    pub error: ErrorCode,
    pub description: String,
    pub status: StatusCode,
    /// `WWW-Authenticate` challenge to send (Basic for client auth, Bearer
    /// for resource requests).
    pub challenge: Option<String>,
    /// A `DPoP-Nonce` to send (RFC 9449 §8).
    pub dpop_nonce: Option<String>,
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.description)
    }
}

impl OAuthError {
    pub fn new(error: ErrorCode, description: impl Into<String>, status: StatusCode) -> Self {
        Self {
            error,
            description: description.into(),
            status,
            challenge: None,
            dpop_nonce: None,
        }
    }
    pub fn invalid_request(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, d, StatusCode::BAD_REQUEST)
    }
    /// 401 `invalid_client`; with `basic` the response asks for Basic auth (SR-33).
    pub fn invalid_client(d: impl Into<String>, basic: bool) -> Self {
        let mut e = Self::new(ErrorCode::InvalidClient, d, StatusCode::UNAUTHORIZED);
        if basic {
            e.challenge = Some("Basic realm=\"ostiary\"".into());
        }
        e
    }
    pub fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidGrant, d, StatusCode::BAD_REQUEST)
    }
    pub fn unauthorized_client(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::UnauthorizedClient, d, StatusCode::BAD_REQUEST)
    }
    pub fn unsupported_grant_type(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::UnsupportedGrantType, d, StatusCode::BAD_REQUEST)
    }
    pub fn invalid_scope(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidScope, d, StatusCode::BAD_REQUEST)
    }
    /// 401 for a bad bearer token (RFC 6750 §3).
    pub fn invalid_token(d: impl Into<String>) -> Self {
        let description = d.into();
        let mut e = Self::new(
            ErrorCode::InvalidToken,
            description.clone(),
            StatusCode::UNAUTHORIZED,
        );
        e.challenge = Some(format!(
            "Bearer realm=\"ostiary\", error=\"invalid_token\", error_description=\"{}\"",
            description.replace(['"', '\\'], "'")
        ));
        e
    }
    /// 400 `invalid_client_metadata` (RFC 7591 §3.2.2).
    pub fn invalid_client_metadata(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidClientMetadata, d, StatusCode::BAD_REQUEST)
    }
    pub fn server_error() -> Self {
        Self::new(
            ErrorCode::ServerError,
            "The server could not handle the request.",
            StatusCode::INTERNAL_SERVER_ERROR,
        )
    }
}

impl From<AppError> for OAuthError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Overloaded => Self::new(
                ErrorCode::TemporarilyUnavailable,
                "The server is busy; try again shortly.",
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            other if other.is_unavailable() => {
                tracing::warn!(request_id = %crate::request_id::current(), error = %other, "protocol request failed: database unavailable");
                Self::new(
                    ErrorCode::TemporarilyUnavailable,
                    "The service is temporarily unavailable; try again shortly.",
                    StatusCode::SERVICE_UNAVAILABLE,
                )
            }
            other => {
                tracing::error!(request_id = %crate::request_id::current(), error = %other, "protocol request failed");
                Self::server_error()
            }
        }
    }
}

impl ResponseError for OAuthError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        metrics::counter!("ostiary_oauth_errors_total", "error" => self.error.as_str())
            .increment(1);
        let mut res = HttpResponse::build(self.status).json(json!({
            "error": self.error.as_str(),
            "error_description": self.description,
        }));
        let headers = res.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        if self.error == ErrorCode::TemporarilyUnavailable {
            headers.insert(
                actix_web::http::header::RETRY_AFTER,
                HeaderValue::from_static(crate::error::UNAVAILABLE_RETRY_AFTER),
            );
        }
        if let Some(challenge) = &self.challenge
            && let Ok(value) = HeaderValue::from_str(challenge)
        {
            headers.insert(WWW_AUTHENTICATE, value);
        }
        if let Some(nonce) = &self.dpop_nonce
            && let Ok(value) = HeaderValue::from_str(nonce)
        {
            headers.insert(
                actix_web::http::header::HeaderName::from_static("dpop-nonce"),
                value,
            );
        }
        res
    }
}
