//! CORS for browser applications (SR-06, issue 10 item 11): discovery,
//! JWKS, `/token`, `/userinfo`, `/revoke` and `/introspect` answer a
//! cross-origin request only for an origin some client registered
//! (`--allowed-origin`; none by default), echoing that one origin — never
//! `*`, never `Access-Control-Allow-Credentials` (these endpoints use no
//! cookies). Preflights are answered here. The hosted pages and
//! `/authorize` never get CORS headers.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::state::AppState;

/// The endpoints a browser application may call.
const PATHS: &[&str] = &[
    "/.well-known/openid-configuration",
    "/jwks",
    "/token",
    "/userinfo",
    "/revoke",
    "/introspect",
];

fn add_headers(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("WWW-Authenticate, DPoP-Nonce"),
    );
}

/// See the module documentation.
pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let (Some(origin), true) = (origin, PATHS.contains(&req.path())) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let allowed = match req.app_data::<web::Data<AppState>>() {
        Some(state) => {
            let origins = state.clients.allowed_origins(&state.db).await?;
            origin
                .to_str()
                .is_ok_and(|o| origins.iter().any(|a| a == o))
        }
        None => false,
    };
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        let mut res = if allowed {
            HttpResponse::NoContent()
        } else {
            HttpResponse::Forbidden()
        };
        let mut res = res.finish();
        if allowed {
            let headers = res.headers_mut();
            add_headers(headers, origin);
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST"),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("authorization, content-type, dpop"),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
        return Ok(req.into_response(res));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    if allowed {
        add_headers(res.headers_mut(), origin);
    }
    Ok(res)
}
