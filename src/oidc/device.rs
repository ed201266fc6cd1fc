//! `POST /device_authorization` (RFC 8628 §3.1–3.2): a client-authenticated
//! request (public clients use `none`) for a device code (256-bit, stored
//! hashed) and a short user code (`oidc::user_code`) the user types at
//! `/device`; [`device_approval::begin`] stores the request.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::oidc::error::OAuthError;
use crate::oidc::token::{endpoint, no_store_json};
use crate::oidc::user_code::display_user_code;
use crate::oidc::{client_auth, device_approval, grant, scope};
use crate::state::AppState;

/// `POST /device_authorization`
pub async fn post_device_authorization(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let form = client_auth::parse_form(&body)?;
    let client = client_auth::authenticate(
        &state,
        &req,
        &form,
        &[
            endpoint(&state, "/device_authorization"),
            endpoint(&state, "/token"),
        ],
    )
    .await?;
    if !client.allows_grant(grant::DEVICE_CODE) {
        return Err(OAuthError::unauthorized_client(
            "the client may not use the device flow",
        ));
    }
    let allowed = client.scopes();
    let scopes = match form.get("scope") {
        Some(s) => scope::parse(s)?,
        None => vec!["openid".to_owned()],
    };
    // SR-37: device grants validate scopes too.
    scope::check_allowed(&scopes, &allowed)?;
    let Some(started) = device_approval::begin(&state, &client.id, &scopes).await? else {
        return Err(OAuthError::server_error());
    };
    let (device_code, user_code) = (started.device_code, started.user_code);
    let (ttl, interval) = (
        state.config.oidc.device_code_ttl_secs,
        state.config.oidc.device_poll_interval_secs,
    );
    let shown = display_user_code(&user_code);
    let verification_uri = endpoint(&state, "/device");
    Ok(no_store_json(&json!({
        "device_code": device_code,
        "user_code": shown,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{verification_uri}?user_code={shown}"),
        "expires_in": ttl,
        "interval": interval,
    })))
}
