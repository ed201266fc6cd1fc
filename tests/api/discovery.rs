//! Discovery and JWKS (S3, SR-10, SR-20, SR-53, SR-140): the document
//! advertises what is enforced; the JWKS publishes current and next keys
//! and never a private part; a rotation reaches every instance.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp};

crate::on_all_backends!(
    discovery_advertises_the_provider,
    jwks_publishes_current_and_next_public_keys,
    rotation_publishes_first_and_reaches_other_instances,
);

async fn discovery_advertises_the_provider(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.browser().get("/.well-known/openid-configuration").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("content-type").starts_with("application/json"));
    let doc: Value = serde_json::from_str(&res.body).unwrap();
    let issuer = app.config.issuer.trim_end_matches('/');
    assert_eq!(doc["issuer"], issuer);
    for (key, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("introspection_endpoint", "/introspect"),
        ("revocation_endpoint", "/revoke"),
        ("end_session_endpoint", "/end_session"),
        ("device_authorization_endpoint", "/device_authorization"),
    ] {
        assert_eq!(doc[key], format!("{issuer}{path}"), "{key}");
    }
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(doc["backchannel_logout_supported"], true);
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    // RFC 9101: signed request objects, asymmetric algorithms only.
    assert_eq!(doc["request_parameter_supported"], true);
    assert_eq!(
        doc["request_object_signing_alg_values_supported"],
        serde_json::json!(["RS256", "PS256", "ES256", "EdDSA"])
    );
    assert_eq!(doc["request_uri_parameter_supported"], false);
    let algs = doc["id_token_signing_alg_values_supported"]
        .as_array()
        .unwrap();
    assert!(
        algs.iter().any(|a| a == "RS256"),
        "RS256 is required by OIDC"
    );
    assert!(
        !algs
            .iter()
            .any(|a| a == "none" || a.as_str().unwrap().starts_with("HS"))
    );
}

fn kids(jwks: &Value) -> Vec<(String, String)> {
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["kid"].as_str().unwrap().to_owned(),
                k["alg"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn jwks_publishes_current_and_next_public_keys(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.browser().get("/jwks").await;
    assert_eq!(res.status, StatusCode::OK);
    let jwks: Value = serde_json::from_str(&res.body).unwrap();
    let keys = kids(&jwks);
    // Current and next for each of RS256, ES256, EdDSA.
    assert_eq!(keys.len(), 6, "{keys:?}");
    for alg in ["RS256", "ES256", "EdDSA"] {
        assert_eq!(keys.iter().filter(|(_, a)| a == alg).count(), 2, "{alg}");
    }
    let mut unique: Vec<&String> = keys.iter().map(|(k, _)| k).collect();
    unique.dedup();
    assert_eq!(unique.len(), 6, "kids are unique");
    for key in jwks["keys"].as_array().unwrap() {
        assert_eq!(key["use"], "sig");
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(
                key.get(private).is_none(),
                "private member {private} published: {key}"
            );
        }
    }
}

async fn rotation_publishes_first_and_reaches_other_instances(backend: Backend) {
    // SR-53: the next key is published before it signs; the retired key
    // stays published; another instance picks the rotation up.
    let a = TestApp::spawn(backend).await;
    let b = a.second_instance().await;
    let before = a.state.keys.snapshot();
    let old_current = before
        .current_kid(ostiary::crypto::signing::Alg::RS256)
        .unwrap()
        .to_owned();
    let jwks_before: Value = serde_json::from_str(&a.browser().get("/jwks").await.body).unwrap();
    let (envelope, policy, now) = (
        a.state.envelope.clone(),
        a.state.key_policy(),
        a.state.now(),
    );
    let rotation = a
        .db_run(move |conn| {
            ostiary::keys::signing::rotate(
                conn,
                &envelope,
                &ostiary::audit::Actor::system("test"),
                ostiary::crypto::signing::Alg::RS256,
                policy,
                now,
            )
        })
        .await;
    assert_eq!(rotation.retired, vec![old_current.clone()]);
    // The key that now signs was already in the JWKS before the rotation.
    assert!(
        kids(&jwks_before)
            .iter()
            .any(|(k, _)| *k == rotation.activated)
    );
    for app in [&a, &b] {
        assert!(
            ostiary::app::reload_keys_if_changed(&app.state)
                .await
                .unwrap()
        );
        let set = app.state.keys.snapshot();
        assert_eq!(
            set.current_kid(ostiary::crypto::signing::Alg::RS256),
            Some(rotation.activated.as_str())
        );
        let jwks: Value = serde_json::from_str(&app.browser().get("/jwks").await.body).unwrap();
        let published = kids(&jwks);
        assert!(
            published.iter().any(|(k, _)| *k == old_current),
            "retired key stays published"
        );
        assert!(
            published.iter().any(|(k, _)| *k == rotation.next),
            "new next key is published"
        );
        assert_eq!(published.len(), 7);
    }
    assert!(a.audited("key.rotated").await);
    // After the retention period the retired key disappears.
    a.clock.advance(chrono::Duration::seconds(
        a.config.oidc.key_retention_secs + 1,
    ));
    assert!(
        ostiary::app::reload_keys_if_changed(&a.state)
            .await
            .unwrap()
    );
    let jwks: Value = serde_json::from_str(&a.browser().get("/jwks").await.body).unwrap();
    assert!(!kids(&jwks).iter().any(|(k, _)| *k == old_current));
}
