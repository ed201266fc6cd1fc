//! The HTTP client for calls to upstream providers (S3, SR-114): URLs that
//! come from outside (a discovery document's endpoints, its `jwks_uri`) go
//! only to https — and never to loopback, private, link-local or metadata
//! addresses, checked on the address a name resolves to, not just on the
//! name — unless `oidc.allow_private_targets`; no redirects are followed;
//! connections time out after 2 s and calls after 5 s; a response body
//! over 512 KiB is refused. It speaks openidconnect's `HttpRequest` /
//! `HttpResponse`, so the library's discovery, token and userinfo calls all
//! go through it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use openidconnect::http;
use openidconnect::{HttpRequest, HttpResponse};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::error::AppError;
use crate::federation::upstream_url::{self, is_private};

/// Largest response body read from an upstream.
pub const MAX_BODY: usize = 512 * 1024;

/// Why an upstream call failed (the message is for the log).
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("refused target: {0}")]
    Refused(String),
    #[error("request failed: {0}")]
    Request(#[from] reqwest::Error),
    #[error("response larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("bad response: {0}")]
    Http(#[from] http::Error),
}

/// Resolves names and drops addresses outside input may not reach.
struct Guarded {
    allow_private: bool,
}

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || !is_private(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves only to private addresses").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// The guarded client.
#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    allow_private: bool,
}

impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbound")
            .field("allow_private", &self.allow_private)
            .finish()
    }
}

impl Outbound {
    pub fn new(allow_private: bool) -> Result<Self, AppError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .dns_resolver(Arc::new(Guarded { allow_private }))
            .user_agent(concat!("ostiary/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AppError::Internal(format!("upstream HTTP client: {e}")))?;
        Ok(Self {
            client,
            allow_private,
        })
    }

    /// One call; the target is checked before anything is sent.
    pub async fn call(&self, request: HttpRequest) -> Result<HttpResponse, OutboundError> {
        let url = request.uri().to_string();
        upstream_url::check_target(&url, self.allow_private).map_err(OutboundError::Refused)?;
        let request = reqwest::Request::try_from(request)?;
        let mut response = self.client.execute(request).await?;
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY as u64)
        {
            return Err(OutboundError::TooLarge);
        }
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(OutboundError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(builder.body(body)?)
    }
}
