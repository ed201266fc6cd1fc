//! One DPoP proof JWT checked on its own (RFC 9449 §4.2, §4.3): the
//! header (`typ: dpop+jwt`, an asymmetric `alg` we accept, a public `jwk`),
//! the signature by that key, and the claims `jti`, `htm`, `htu`, `iat` and,
//! for a resource request, `ath`. Replay and nonces need the database and
//! the server key and are checked by the caller. Also the RFC 7638 JWK
//! thumbprint (`jkt`) a proof binds tokens to.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use josekit::jwk::Jwk;
use josekit::jws::JwsVerifier;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::crypto::token::constant_time_eq;

/// The signing algorithms accepted in proofs (§5.1
/// `dpop_signing_alg_values_supported`).
pub const ALGS: [&str; 4] = ["ES256", "PS256", "RS256", "EdDSA"];

/// The proof's JOSE `typ` (§4.2).
pub const TYP: &str = "dpop+jwt";
/// Seconds a proof's `iat` may lie in the future (clock skew).
pub const FUTURE_SKEW_SECS: i64 = 5;
/// Longest accepted proof, `jti` and `nonce`.
const MAX_PROOF: usize = 8192;
const MAX_JTI: usize = 256;

/// Members of a JWK that only a private (or symmetric) key has.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// What the proof must say for this request.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    /// The HTTP method.
    pub htm: &'a str,
    /// Our public URL of the endpoint.
    pub htu: &'a str,
    /// The access token presented with the proof (resource requests).
    pub access_token: Option<&'a str>,
    pub now: DateTime<Utc>,
    pub max_age_secs: i64,
}

/// A proof whose signature and claims checked out.
#[derive(Debug, Clone)]
pub struct Checked {
    /// RFC 7638 thumbprint of the proof's key.
    pub jkt: String,
    pub jti: String,
    pub iat: i64,
    pub nonce: Option<String>,
}

/// The RFC 7638 thumbprint of a public JWK: base64url(SHA-256) of its
/// required members in lexicographic order, without whitespace.
pub fn thumbprint(jwk: &Map<String, Value>) -> Option<String> {
    let kty = jwk.get("kty")?.as_str()?;
    let members: &[&str] = match kty {
        "RSA" => &["e", "kty", "n"],
        "EC" => &["crv", "kty", "x", "y"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    };
    let mut canonical = std::collections::BTreeMap::new();
    for m in members {
        canonical.insert(*m, jwk.get(*m)?.as_str()?);
    }
    let text = serde_json::to_string(&canonical).ok()?;
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(text.as_bytes())))
}

/// base64url(SHA-256(access token)): the proof's `ath` (§4.2).
pub fn ath(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes()))
}

/// The verifier for `alg` from the public members of `jwk` (kid, use and
/// alg dropped: the proof's header names the key itself).
fn verifier(alg: &str, jwk: &Map<String, Value>) -> Option<Box<dyn JwsVerifier>> {
    let kty = jwk.get("kty")?.as_str()?;
    let keep: &[&str] = match kty {
        "RSA" => &["kty", "n", "e"],
        "EC" => &["kty", "crv", "x", "y"],
        "OKP" => &["kty", "crv", "x"],
        _ => return None,
    };
    let public: Map<String, Value> = keep
        .iter()
        .filter_map(|k| jwk.get(*k).map(|v| ((*k).to_owned(), v.clone())))
        .collect();
    let key = Jwk::from_map(public).ok()?;
    // No `none`, no HMAC (§4.2: asymmetric only).
    crate::crypto::jws_verify::asymmetric(&key, alg)
}

/// Scheme, host, port and path of a URL: what `htu` is compared by
/// (§4.3: query and fragment ignored).
fn htu_parts(u: &str) -> Option<(String, String, u16, String)> {
    let parsed = url::Url::parse(u).ok()?;
    Some((
        parsed.scheme().to_owned(),
        parsed.host_str()?.to_ascii_lowercase(),
        parsed.port_or_known_default()?,
        parsed.path().to_owned(),
    ))
}

/// Check a proof for `expected`; the error says why it was refused.
pub fn check(proof: &str, expected: &Expected<'_>) -> Result<Checked, &'static str> {
    if proof.len() > MAX_PROOF || proof.split('.').count() != 3 {
        return Err("the DPoP proof is not a signed JWT");
    }
    let header = josekit::jwt::decode_header(proof).map_err(|_| "the DPoP proof is malformed")?;
    if header.claim("typ").and_then(Value::as_str) != Some(TYP) {
        return Err("the DPoP proof must have typ dpop+jwt");
    }
    let alg = header
        .claim("alg")
        .and_then(Value::as_str)
        .filter(|a| ALGS.contains(a))
        .ok_or("the DPoP proof's alg is not supported")?;
    let jwk = header
        .claim("jwk")
        .and_then(Value::as_object)
        .ok_or("the DPoP proof has no jwk")?;
    if PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m)) {
        return Err("the DPoP proof's jwk must be a public key");
    }
    let jkt = thumbprint(jwk).ok_or("the DPoP proof's jwk is not a usable public key")?;
    let verifier = verifier(alg, jwk).ok_or("the DPoP proof's jwk does not fit its alg")?;
    let (payload, _) = josekit::jwt::decode_with_verifier(proof, &*verifier)
        .map_err(|_| "the DPoP proof's signature is invalid")?;
    let claims = payload.claims_set();
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    let jti = text("jti")
        .filter(|j| !j.is_empty() && j.len() <= MAX_JTI)
        .ok_or("the DPoP proof has no jti")?
        .to_owned();
    if text("htm") != Some(expected.htm) {
        return Err("the DPoP proof's htm does not match the request method");
    }
    let htu = text("htu").ok_or("the DPoP proof has no htu")?;
    match (htu_parts(htu), htu_parts(expected.htu)) {
        (Some(got), Some(want)) if got == want => {}
        _ => return Err("the DPoP proof's htu does not match the endpoint"),
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or("the DPoP proof has no iat")?;
    let now = expected.now.timestamp();
    if iat > now + FUTURE_SKEW_SECS {
        return Err("the DPoP proof's iat is in the future");
    }
    if iat < now - expected.max_age_secs {
        return Err("the DPoP proof is too old");
    }
    if let Some(token) = expected.access_token {
        let want = ath(token);
        match text("ath") {
            Some(got) if constant_time_eq(got.as_bytes(), want.as_bytes()) => {}
            _ => return Err("the DPoP proof's ath does not match the access token"),
        }
    }
    let nonce = match claims.get("nonce") {
        None => None,
        Some(Value::String(n)) if n.len() <= MAX_JTI => Some(n.clone()),
        Some(_) => return Err("the DPoP proof's nonce is malformed"),
    };
    Ok(Checked {
        jkt,
        jti,
        iat,
        nonce,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_matches_rfc7638_example() {
        // RFC 7638 §3.1.
        let jwk: Map<String, Value> = serde_json::from_str(
            r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#,
        )
        .unwrap();
        assert_eq!(
            thumbprint(&jwk).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
    }

    #[test]
    fn htu_ignores_query_and_fragment_and_default_ports() {
        assert_eq!(
            htu_parts("https://Example.com:443/token?x=1#f"),
            htu_parts("https://example.com/token")
        );
        assert_ne!(
            htu_parts("https://example.com/token/"),
            htu_parts("https://example.com/token")
        );
        assert_ne!(
            htu_parts("http://example.com/token"),
            htu_parts("https://example.com/token")
        );
    }
}
