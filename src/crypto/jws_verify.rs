//! One place that turns a public JWK and a JWS `alg` into a verifier, for
//! the asymmetric algorithms only (RS256, PS256, ES256, EdDSA): never
//! `none`, never HMAC (SR-50). Callers narrow the set further when their
//! protocol allows fewer.

use josekit::jwk::Jwk;
use josekit::jws::{ES256, EdDSA, JwsVerifier, PS256, RS256};

/// The verifier of `jwk` for `alg`; `None` for any other algorithm or a
/// key that does not fit it.
pub fn asymmetric(jwk: &Jwk, alg: &str) -> Option<Box<dyn JwsVerifier>> {
    fn boxed<V: JwsVerifier + 'static>(v: V) -> Box<dyn JwsVerifier> {
        Box::new(v)
    }
    match alg {
        "RS256" => RS256.verifier_from_jwk(jwk).ok().map(boxed),
        "PS256" => PS256.verifier_from_jwk(jwk).ok().map(boxed),
        "ES256" => ES256.verifier_from_jwk(jwk).ok().map(boxed),
        "EdDSA" => EdDSA.verifier_from_jwk(jwk).ok().map(boxed),
        _ => None,
    }
}
