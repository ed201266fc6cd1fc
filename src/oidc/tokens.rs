//! Minting and checking our tokens. Access tokens are RFC 9068 JWTs
//! (`typ: at+jwt`), ID tokens are `typ: JWT` with the OIDC Core claims; the
//! different `typ` lets a resource server tell them apart (SR-52). Claims
//! released per scope are built here for both ID tokens and userinfo.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256, Sha512};

use crate::crypto::signing::{Alg, TokenError};
use crate::error::AppError;
use crate::oidc::scope;
use crate::state::AppState;
use crate::store::clients::Client;
use crate::store::users::User;

/// JOSE `typ` of access tokens.
pub const ACCESS_TOKEN_TYP: &str = "at+jwt";
/// JOSE `typ` of ID tokens.
pub const ID_TOKEN_TYP: &str = "JWT";

/// A signed access token.
#[derive(Debug, Clone)]
pub struct Minted {
    pub token: String,
    pub jti: String,
    pub expires_in: i64,
}

/// What an access token is for.
#[derive(Debug, Clone)]
pub struct AccessTokenRequest<'a> {
    pub client: &'a Client,
    /// The user's `sub` as the client sees it
    /// ([`crate::oidc::subject::for_client`]), or the client id for
    /// `client_credentials`.
    pub subject: &'a str,
    pub scope: &'a [String],
    pub grant_id: Option<&'a str>,
    pub session_id: Option<&'a str>,
    pub auth_time: Option<DateTime<Utc>>,
    pub acr: Option<&'a str>,
    /// `aud` (see [`crate::oidc::resource::audience`]).
    pub audience: &'a [String],
    /// The DPoP key the token is bound to (RFC 9449 §6: `cnf.jkt`).
    pub jkt: Option<&'a str>,
}

fn alg_of(name: &str) -> Alg {
    Alg::parse(name).unwrap_or(Alg::RS256)
}

/// Sign an access token with the client's chosen algorithm.
pub fn access_token(
    state: &AppState,
    r: &AccessTokenRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Minted, AppError> {
    access_token_with(
        state,
        r,
        now,
        state.config.oidc.access_token_ttl_secs,
        Map::new(),
    )
}

/// [`access_token`] living `ttl` seconds, with `extra` claims that add to
/// (never replace) the standard ones — token exchange's `act` (RFC 8693
/// §4.1) under a lifetime capped by the exchanged token's.
pub fn access_token_with(
    state: &AppState,
    r: &AccessTokenRequest<'_>,
    now: DateTime<Utc>,
    ttl: i64,
    extra: Map<String, Value>,
) -> Result<Minted, AppError> {
    let jti = uuid::Uuid::new_v4().to_string();
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(state.config.public_base()));
    claims.insert("sub".into(), json!(r.subject));
    let aud = match r.audience {
        [one] => json!(one),
        many => json!(many),
    };
    claims.insert("aud".into(), aud);
    claims.insert("client_id".into(), json!(r.client.id));
    claims.insert("scope".into(), json!(scope::join(r.scope)));
    claims.insert("iat".into(), json!(now.timestamp()));
    claims.insert(
        "exp".into(),
        json!((now + Duration::seconds(ttl)).timestamp()),
    );
    claims.insert("jti".into(), json!(jti));
    if let Some(t) = r.auth_time {
        claims.insert("auth_time".into(), json!(t.timestamp()));
    }
    if let Some(sid) = r.session_id {
        claims.insert("sid".into(), json!(sid));
    }
    if let Some(gid) = r.grant_id {
        claims.insert("gid".into(), json!(gid));
    }
    if let Some(acr) = r.acr {
        claims.insert("acr".into(), json!(acr));
    }
    if let Some(jkt) = r.jkt {
        claims.insert("cnf".into(), json!({ "jkt": jkt }));
    }
    for (name, value) in extra {
        claims.entry(name).or_insert(value);
    }
    let token = state.keys.snapshot().sign(
        alg_of(&r.client.access_token_signed_response_alg),
        ACCESS_TOKEN_TYP,
        claims,
    )?;
    Ok(Minted {
        token,
        jti,
        expires_in: ttl,
    })
}

/// What an ID token says.
#[derive(Debug, Clone)]
pub struct IdTokenRequest<'a> {
    pub client: &'a Client,
    pub user: &'a User,
    /// Claims released by scope (see [`user_claims`]).
    pub user_claims: Map<String, Value>,
    pub nonce: Option<&'a str>,
    pub auth_time: DateTime<Utc>,
    pub amr: &'a [String],
    pub acr: Option<&'a str>,
    pub session_id: Option<&'a str>,
    /// The access token issued alongside, for `at_hash`.
    pub access_token: Option<&'a str>,
}

/// `at_hash`: left half of the hash of the access token, the hash matching
/// the signing algorithm (SHA-512 for Ed25519).
pub fn at_hash(alg: Alg, access_token: &str) -> String {
    let digest: Vec<u8> = match alg {
        Alg::RS256 | Alg::ES256 => Sha256::digest(access_token.as_bytes()).to_vec(),
        Alg::EdDSA => Sha512::digest(access_token.as_bytes()).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

/// Sign an ID token with the client's chosen algorithm.
pub fn id_token(
    state: &AppState,
    r: &IdTokenRequest<'_>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let alg = alg_of(&r.client.id_token_signed_response_alg);
    let mut claims = r.user_claims.clone();
    claims.insert("iss".into(), json!(state.config.public_base()));
    claims.insert(
        "sub".into(),
        json!(crate::oidc::subject::for_client(
            state, r.client, &r.user.id
        )),
    );
    claims.insert("aud".into(), json!(r.client.id));
    claims.insert("azp".into(), json!(r.client.id));
    claims.insert("iat".into(), json!(now.timestamp()));
    claims.insert(
        "exp".into(),
        json!((now + Duration::seconds(state.config.oidc.id_token_ttl_secs)).timestamp()),
    );
    claims.insert("auth_time".into(), json!(r.auth_time.timestamp()));
    claims.insert("amr".into(), json!(r.amr));
    if let Some(acr) = r.acr {
        claims.insert("acr".into(), json!(acr));
    }
    if let Some(nonce) = r.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    if let Some(sid) = r.session_id {
        claims.insert("sid".into(), json!(sid));
    }
    if let Some(at) = r.access_token {
        claims.insert("at_hash".into(), json!(at_hash(alg, at)));
    }
    state.keys.snapshot().sign(alg, ID_TOKEN_TYP, claims)
}

/// What the `groups` scope tells of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memberships {
    /// (organization name, role), by name.
    pub organizations: Vec<(String, String)>,
    /// The upstream group names of the user's identities at their last
    /// sign-ins (deduplicated, sorted).
    pub groups: Vec<String>,
}

/// Claims about the user released for `scopes` (OIDC Core §5.4: `profile`,
/// `email`, `phone` — `phone_number`, `phone_number_verified` — and
/// `address`, the last two only when the user has one), plus, for
/// the `groups` scope, `groups` (organization names and upstream group
/// names, deduplicated, sorted) and `roles` (`organization:role`).
pub fn user_claims(
    user: &User,
    memberships: &Memberships,
    scopes: &[String],
) -> Map<String, Value> {
    let mut claims = Map::new();
    if scope::has(scopes, "profile") {
        if !user.display_name.is_empty() {
            claims.insert("name".into(), json!(user.display_name));
        }
        claims.insert("preferred_username".into(), json!(user.email));
        claims.insert(
            "updated_at".into(),
            json!(user.updated_at.and_utc().timestamp()),
        );
    }
    if scope::has(scopes, "email") {
        claims.insert("email".into(), json!(user.email));
        claims.insert("email_verified".into(), json!(user.email_verified));
    }
    if scope::has(scopes, "phone")
        && let Some(phone) = &user.phone_number
    {
        claims.insert("phone_number".into(), json!(phone));
        claims.insert(
            "phone_number_verified".into(),
            json!(user.phone_number_verified),
        );
    }
    if scope::has(scopes, "address")
        && let Some(address) = crate::users::contact::Address::of(user)
    {
        claims.insert("address".into(), address.claim());
    }
    if scope::has(scopes, "groups") {
        let groups: std::collections::BTreeSet<&str> = memberships
            .organizations
            .iter()
            .map(|(org, _)| org.as_str())
            .chain(memberships.groups.iter().map(String::as_str))
            .collect();
        let roles: Vec<String> = memberships
            .organizations
            .iter()
            .map(|(org, role)| format!("{org}:{role}"))
            .collect();
        claims.insert("groups".into(), json!(groups));
        claims.insert("roles".into(), json!(roles));
    }
    claims
}

/// A verified access token of ours.
#[derive(Debug, Clone)]
pub struct AccessClaims {
    pub sub: String,
    pub client_id: String,
    pub scope: Vec<String>,
    pub jti: String,
    pub exp: i64,
    pub iat: i64,
    pub grant_id: Option<String>,
    pub session_id: Option<String>,
    /// The DPoP key thumbprint the token is bound to (`cnf.jkt`).
    pub jkt: Option<String>,
    pub claims: Map<String, Value>,
}

/// Check signature, `typ`, issuer and expiry of an access token (our own
/// endpoints — userinfo, introspection — accept any of our audiences: the
/// `aud` restricts the token at other resource servers). Revocation is
/// checked separately against the database.
pub fn verify_access_token(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<AccessClaims, TokenError> {
    let claims = state
        .keys
        .snapshot()
        .verify(token, ACCESS_TOKEN_TYP, &Alg::ALL)?;
    let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
    if text("iss").as_deref() != Some(state.config.public_base()) {
        return Err(TokenError::Malformed);
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        _ => false,
    };
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or(TokenError::Malformed)?;
    if !aud_ok || exp <= now.timestamp() {
        return Err(TokenError::Malformed);
    }
    Ok(AccessClaims {
        sub: text("sub").ok_or(TokenError::Malformed)?,
        client_id: text("client_id").ok_or(TokenError::Malformed)?,
        scope: text("scope")
            .map(|s| {
                s.split(' ')
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        jti: text("jti").ok_or(TokenError::Malformed)?,
        exp,
        iat: claims
            .get("iat")
            .and_then(Value::as_i64)
            .unwrap_or_default(),
        grant_id: text("gid"),
        session_id: text("sid"),
        jkt: claims
            .get("cnf")
            .and_then(|c| c.get("jkt"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_matches_the_oidc_example() {
        // OIDC Core A.3: at_hash of "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" is "77QmUPtjPfzWtF2AnpK9RQ".
        assert_eq!(
            at_hash(Alg::RS256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
        assert_eq!(at_hash(Alg::EdDSA, "x").len(), 43);
    }
}
