//! SAML endpoints of a provider (S7, feature `saml`):
//! `GET /saml/{id}/metadata` (our SP metadata) and `POST /saml/{id}/acs`
//! (the Assertion Consumer Service, HTTP-POST binding). The sign-in
//! starts at `GET /login/providers/{id}` like every redirect-based kind.
//!
//! The ACS takes a cross-site POST from the IdP, so it checks no CSRF
//! token: it is bound instead by the RelayState of a pending sign-in
//! (single use) and the `SameSite=None` cookie of the browser that started
//! it (`federated::POST_COOKIE`). Every refusal ends on our own page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::MaybeSession;
use crate::error::AppError;
use crate::federation::saml::{self, AcsForm, MAX_RESPONSE};
use crate::federation::upstream::Failure;
use crate::flow::federated::{POST_COOKIE, failed, record_refusal, signed_in, status_of};
use crate::state::AppState;
use crate::web::RequestContext;

/// `GET /saml/{id}/metadata`
pub async fn get_metadata(
    state: web::Data<AppState>,
    ctx: RequestContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    match saml::metadata(&state, &id).await {
        Ok(Some(xml)) => Ok(HttpResponse::Ok()
            .content_type("application/samlmetadata+xml")
            .body(xml)),
        Ok(None) => Err(AppError::NotFound),
        Err(error) => {
            tracing::warn!(request_id = %ctx.request_id, provider = id, "saml metadata: {}", error.detail());
            Err(AppError::NotFound)
        }
    }
}

/// `POST /saml/{id}/acs`
pub async fn post_acs(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let provider_id = path.into_inner();
    let browser = req.cookie(POST_COOKIE).map(|c| c.value().to_owned());
    let form: AcsForm = if body.len() > MAX_RESPONSE + 4096 {
        AcsForm::default()
    } else {
        serde_urlencoded_form(&body)
    };
    match saml::finish(&state, &provider_id, browser.as_deref(), form).await {
        Ok(finished) => signed_in(&state, &ctx, &session, finished).await,
        Err(Failure { error, return_to }) => {
            record_refusal(&state, &ctx, &provider_id, &error).await?;
            let status = match status_of(&error) {
                // Never a 5xx for what the IdP or the browser sent.
                s if s.is_server_error() => StatusCode::BAD_REQUEST,
                s => s,
            };
            failed(status, error.reason(), return_to.as_deref())
        }
    }
}

/// The ACS form (`SAMLResponse`, `RelayState`); a field given twice or
/// a body that is no form reads as missing fields (then refused).
fn serde_urlencoded_form(body: &[u8]) -> AcsForm {
    let mut form = AcsForm::default();
    let mut twice = false;
    for (k, v) in url::form_urlencoded::parse(body) {
        let slot = match k.as_ref() {
            "SAMLResponse" => &mut form.saml_response,
            "RelayState" => &mut form.relay_state,
            _ => continue,
        };
        twice |= slot.is_some();
        *slot = Some(v.into_owned());
    }
    if twice { AcsForm::default() } else { form }
}
