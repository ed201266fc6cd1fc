//! The `client_credentials` grant: confidential clients only, scopes within
//! what the client may request (SR-37), an access token whose subject is the
//! client, no refresh or ID token.
//!
//! This is the hot path of machine-to-machine traffic, so it writes nothing
//! to the database: no grant row and, deliberately, no audit record per
//! token (the audit chain would serialize every request). Issuance is
//! counted in `ostiary_tokens_issued_total{grant="client_credentials"}`.

use std::collections::HashMap;

use super::TokenResponse;
use crate::oidc::error::OAuthError;
use crate::oidc::{scope, tokens};
use crate::state::AppState;
use crate::store::clients::Client;

/// Scopes that only mean something for a user; never granted here.
const USER_ONLY: [&str; 2] = ["openid", "offline_access"];

/// Issue a client's own access token.
pub fn handle(
    state: &AppState,
    client: &Client,
    form: &HashMap<String, String>,
    jkt: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    if client.public {
        return Err(OAuthError::unauthorized_client(
            "public clients cannot use client_credentials",
        ));
    }
    let allowed = client.scopes();
    let scopes: Vec<String> = match form.get("scope") {
        Some(s) => {
            let requested = scope::parse(s)?;
            scope::check_allowed(&requested, &allowed)?;
            requested
        }
        None => allowed,
    }
    .into_iter()
    .filter(|s| !USER_ONLY.contains(&s.as_str()))
    .collect();
    // RFC 8707: only resources registered for this client.
    let resources = crate::oidc::resource::for_token(
        client,
        None,
        &crate::oidc::client_auth::requested_resources(form),
    )?;
    let at = tokens::access_token(
        state,
        &tokens::AccessTokenRequest {
            client,
            subject: &client.id,
            scope: &scopes,
            grant_id: None,
            session_id: None,
            auth_time: None,
            acr: None,
            audience: &crate::oidc::resource::audience(client, &resources),
            jkt,
        },
        state.now(),
    )?;
    Ok(TokenResponse {
        access_token: at.token,
        token_type: super::token_type(jkt),
        expires_in: at.expires_in,
        scope: scope::join(&scopes),
        id_token: None,
        refresh_token: None,
    })
}
