//! Our JWT verification refuses what RFC 8725 says to refuse (SR-50…SR-52):
//! `alg: none`, HMAC signed with a public key, unknown kids, wrong `typ`,
//! tampered payloads.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ostiary::crypto::signing::{Alg, TokenError};
use serde_json::{Map, json};

use crate::helpers::{Backend, TestApp};
use crate::oauth_support::jwk_text;

crate::on_all_backends!(each_algorithm_signs_and_verifies, forged_tokens_are_refused);

fn claims() -> Map<String, serde_json::Value> {
    json!({"sub": "alice", "iss": "http://localhost:8080"})
        .as_object()
        .unwrap()
        .clone()
}

async fn each_algorithm_signs_and_verifies(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let keys = app.state.keys.snapshot();
    for alg in Alg::ALL {
        let token = keys.sign(alg, "at+jwt", claims()).unwrap();
        let header: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(token.split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(header["alg"], alg.as_str());
        assert_eq!(header["typ"], "at+jwt");
        assert_eq!(header["kid"], keys.current_kid(alg).unwrap());
        assert_eq!(
            keys.verify(&token, "at+jwt", &Alg::ALL).unwrap()["sub"],
            "alice"
        );
        // Purpose separation: an access token is not an ID token.
        assert_eq!(keys.verify(&token, "JWT", &Alg::ALL), Err(TokenError::Type));
        // Per-context allow-list.
        let others: Vec<Alg> = Alg::ALL.into_iter().filter(|a| *a != alg).collect();
        assert_eq!(
            keys.verify(&token, "at+jwt", &others),
            Err(TokenError::KeyOrAlg)
        );
    }
}

async fn forged_tokens_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let keys = app.state.keys.snapshot();
    let good = keys.sign(Alg::RS256, "at+jwt", claims()).unwrap();
    let parts: Vec<&str> = good.split('.').collect();
    let kid = keys.current_kid(Alg::RS256).unwrap();
    let b64 = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(&v).unwrap());

    // alg: none
    let none = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "at+jwt", "kid": kid})),
        parts[1]
    );
    assert!(keys.verify(&none, "at+jwt", &Alg::ALL).is_err());

    // HS256 with the RSA public key (as published) as the HMAC secret.
    let jwks: serde_json::Value = serde_json::from_slice(&keys.jwks()).unwrap();
    let public = jwk_text(&jwks, kid);
    let header = b64(json!({"alg": "HS256", "typ": "at+jwt", "kid": kid}));
    let mac = ostiary::crypto::token::hmac_sha256(
        public.as_bytes(),
        format!("{header}.{}", parts[1]).as_bytes(),
    );
    let confused = format!("{header}.{}.{}", parts[1], URL_SAFE_NO_PAD.encode(mac));
    assert_eq!(
        keys.verify(&confused, "at+jwt", &Alg::ALL),
        Err(TokenError::KeyOrAlg)
    );

    // Tampered payload with the original signature.
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(json!({"sub": "mallory", "iss": "http://localhost:8080"})),
        parts[2]
    );
    assert_eq!(
        keys.verify(&tampered, "at+jwt", &Alg::ALL),
        Err(TokenError::Signature)
    );

    // Unknown kid, and a kid that tries to be a path.
    for bad_kid in ["no-such-key", "../../etc/passwd"] {
        let h = b64(json!({"alg": "RS256", "typ": "at+jwt", "kid": bad_kid}));
        let forged = format!("{h}.{}.{}", parts[1], parts[2]);
        assert_eq!(
            keys.verify(&forged, "at+jwt", &Alg::ALL),
            Err(TokenError::KeyOrAlg)
        );
    }

    // Garbage.
    for junk in ["", "a.b", "a.b.c", "....", &"x".repeat(10_000)] {
        assert!(keys.verify(junk, "at+jwt", &Alg::ALL).is_err());
    }
}
