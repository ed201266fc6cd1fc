//! The request middleware: assigns the request id and page language
//! ([`crate::i18n::Locale::negotiate`]), resolves the client IP,
//! opens the tracing span (with an empty `user_id` filled in after
//! authentication), counts the request by route and status, and adds the
//! security headers and `X-Request-Id` to every response.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, USER_AGENT};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use tracing::Instrument;

use super::{RequestContext, headers};
use crate::request_id;
use crate::state::AppState;

/// See the module documentation.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let (trusted, https) = match req.app_data::<web::Data<AppState>>() {
        Some(state) => (
            state.config.trusted_proxies.clone(),
            state.config.issuer_is_https(),
        ),
        None => (Vec::new(), false),
    };
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let id = request_id::choose(header(request_id::HEADER).as_deref());
    let ctx = RequestContext::from_parts(
        id.clone(),
        req.peer_addr().map(|a| a.ip()),
        header("x-forwarded-for").as_deref(),
        header(USER_AGENT.as_str()).as_deref(),
        &trusted,
    );
    // The span carries what every line inside the request needs; method,
    // path and client IP go on the completion event (formatting them into
    // the span for every request costs more than serving JWKS).
    let span = tracing::info_span!("request", request_id = %id, user_id = tracing::field::Empty);
    let (method, path, ip) = (req.method().clone(), req.path().to_owned(), ctx.ip.clone());
    req.extensions_mut().insert(ctx);
    let started = Instant::now();
    let locale = crate::i18n::Locale::negotiate(req.request());
    let served = crate::i18n::locale::scope(locale, next.call(req).instrument(span.clone()));
    let mut res = request_id::scope(id.clone(), served).await?;

    let status = res.status().as_u16();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    metrics::counter!("ostiary_http_requests_total", "route" => route, "method" => method.to_string(), "status" => status.to_string())
        .increment(1);
    if status == 401 || status == 403 {
        metrics::counter!("ostiary_http_denied_total", "status" => status.to_string()).increment(1);
    }
    let elapsed = started.elapsed();
    // Successful requests are logged at debug (a log line per request costs
    // more than serving discovery or JWKS); refusals and errors at info.
    let elapsed_ms = elapsed.as_millis() as u64;
    span.in_scope(|| {
        if status >= 400 {
            tracing::info!(%method, %path, %ip, status, elapsed_ms, "request finished");
        } else {
            tracing::debug!(%method, %path, %ip, status, elapsed_ms, "request finished");
        }
    });

    let response_headers = res.headers_mut();
    headers::apply(response_headers, https);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response_headers.insert(HeaderName::from_static(request_id::HEADER), value);
    }
    Ok(res)
}
