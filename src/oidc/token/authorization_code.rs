//! The `authorization_code` grant (SR-11, SR-12, SR-30…SR-32). Redemption
//! is atomic; a replayed code is refused and revokes the grant the first
//! redemption produced. A code is burnt by any presentation, even one that
//! fails the client, `redirect_uri` or PKCE checks. A code whose request
//! named a DPoP key (`dpop_jkt`, RFC 9449 §10) is redeemed only with a
//! proof by that key.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::{GrantFacts, TokenResponse, UserIssue, required};
use crate::audit::{self, Action, Event, Outcome};
use crate::crypto::token::{constant_time_eq, sha256_hex};
use crate::oidc::error::OAuthError;
use crate::oidc::{client_auth, grant, resource, scope};
use crate::state::AppState;
use crate::store::clients::Client;
use crate::store::codes::{self, AuthorizationCode, Redemption};
use crate::store::{grants, naive, utc, write_tx};
use crate::web::RequestContext;

/// RFC 7636 §4.1: 43–128 characters of `[A-Za-z0-9-._~]`.
pub fn verifier_syntax_ok(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// BASE64URL(SHA256(verifier)) compared in constant time with the challenge.
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    constant_time_eq(computed.as_bytes(), challenge.as_bytes())
}

/// Why a fresh code is refused, if it is.
fn check(
    row: &AuthorizationCode,
    client: &Client,
    redirect_uri: &str,
    verifier: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), OAuthError> {
    if utc(row.expires_at) <= now {
        return Err(OAuthError::invalid_grant("the code has expired"));
    }
    // SR-32: bound to the client and the redirect_uri.
    if row.client_id != client.id {
        return Err(OAuthError::invalid_grant(
            "the code was issued to another client",
        ));
    }
    if row.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    match (row.code_challenge.as_deref(), verifier) {
        (Some(challenge), Some(v)) if pkce_matches(v, challenge) => Ok(()),
        (Some(_), Some(_)) => Err(OAuthError::invalid_grant("code_verifier is wrong")),
        // SR-11
        (Some(_), None) => Err(OAuthError::invalid_grant("code_verifier is required")),
        // SR-12: no PKCE downgrade.
        (None, Some(_)) => Err(OAuthError::invalid_grant(
            "code_verifier sent for a code issued without code_challenge",
        )),
        // SR-13: public clients, and clients that require it, must have
        // used PKCE.
        (None, None) if client.public || client.require_pkce => {
            Err(OAuthError::invalid_grant("this client must use PKCE"))
        }
        (None, None) => Ok(()),
    }
}

/// Redeem a code.
pub async fn handle(
    state: &AppState,
    ctx: &RequestContext,
    client: Client,
    form: &HashMap<String, String>,
    jkt: Option<String>,
) -> Result<TokenResponse, OAuthError> {
    let code = required(form, "code")?;
    let redirect_uri = required(form, "redirect_uri")?;
    let verifier = form.get("code_verifier").cloned();
    if let Some(v) = &verifier
        && !verifier_syntax_ok(v)
    {
        return Err(OAuthError::invalid_request(
            "code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]",
        ));
    }
    if code.len() > 512 {
        return Err(OAuthError::invalid_grant("unknown code"));
    }
    let requested = client_auth::requested_resources(form);
    let hash = sha256_hex(code.as_bytes());
    let now = state.now();
    let actor = ctx.actor();
    let st = state.clone();
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let row = match codes::redeem(conn, &hash, naive(now))? {
                    Redemption::Unknown => {
                        return Ok(Err(OAuthError::invalid_grant("unknown code")));
                    }
                    Redemption::Reused(row) => {
                        // SR-31: revoke everything the first redemption produced.
                        let revoked = match &row.grant_id {
                            Some(gid) => grants::revoke(conn, gid, naive(now))?,
                            None => false,
                        };
                        audit::record(
                            conn,
                            &actor.as_user(&row.user_id, Some(&row.session_id)),
                            Event::new(Action::CodeReuseDetected, Outcome::Failure)
                                .target("client", client.id.as_str())
                                .details(serde_json::json!({
                                    "grant_id": row.grant_id,
                                    "grant_revoked": revoked,
                                })),
                            now,
                        )?;
                        return Ok(Err(OAuthError::invalid_grant("the code was already used")));
                    }
                    Redemption::Fresh(row) => row,
                };
                if let Err(e) = check(&row, &client, &redirect_uri, verifier.as_deref(), now) {
                    return Ok(Err(e));
                }
                // RFC 9449 §10: the key the authorization request named.
                if let Some(bound) = &row.dpop_jkt
                    && jkt.as_deref() != Some(bound.as_str())
                {
                    return Ok(Err(OAuthError::invalid_grant(
                        "the DPoP proof's key is not the one the authorization request named",
                    )));
                }
                // The user signed out between /authorize and /token: the
                // code must not outlive the session (SR-64).
                if !crate::store::sessions::is_unrevoked(conn, &row.session_id, naive(now))? {
                    return Ok(Err(OAuthError::invalid_grant(
                        "the sign-in this code came from has ended",
                    )));
                }
                let Some((user, memberships)) =
                    super::load_user(conn, &row.user_id, scope::names(&row.scope, "groups"))?
                else {
                    return Ok(Err(OAuthError::invalid_grant("the user is not active")));
                };
                let scopes = match scope::parse(&row.scope) {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                // RFC 8707: the token may be for fewer resources than the
                // authorization asked for, never others.
                let resources =
                    match resource::for_token(&client, row.resources.as_deref(), &requested) {
                        Ok(r) => r,
                        Err(e) => return Ok(Err(e)),
                    };
                let grant = super::new_grant(
                    conn,
                    &st,
                    &GrantFacts {
                        client_id: &client.id,
                        user_id: &user.id,
                        session_id: Some(&row.session_id),
                        scope: &row.scope,
                        auth_time: row.auth_time,
                        amr: &row.amr,
                        acr: row.acr.as_deref(),
                        nonce: row.nonce.as_deref(),
                        resources: row.resources.as_deref(),
                        dpop_jkt: super::refresh_binding(&client, jkt.as_deref()),
                    },
                    now,
                )?;
                codes::set_grant(conn, &hash, &grant.id)?;
                let refresh_token = super::refresh_token_if_wanted(
                    conn, &st, &client, &scopes, &grant, &row.scope, now,
                )?;
                super::audit_issued(conn, &actor, grant::AUTHORIZATION_CODE, &grant, now)?;
                Ok(Ok(UserIssue {
                    client: client.clone(),
                    grant,
                    user,
                    memberships,
                    scope: scopes,
                    nonce: row.nonce,
                    refresh_token,
                    resources,
                    jkt: jkt.clone(),
                }))
            })
        })
        .await?;
    let issue = outcome?;
    Ok(super::mint_user_tokens(state, &issue, now)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_syntax_and_rfc7636_example() {
        // RFC 7636 Appendix B.
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(verifier_syntax_ok(v));
        assert!(pkce_matches(
            v,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!pkce_matches(
            v,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"
        ));
        assert!(!verifier_syntax_ok("short"));
        assert!(!verifier_syntax_ok(&"a".repeat(129)));
        assert!(!verifier_syntax_ok(&format!("{}+", "a".repeat(43))));
    }
}
