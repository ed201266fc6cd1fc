//! The exact shape of client settings in the OpenAPI document: the value
//! sets (grant types, auth methods, algorithms, consent) as enums and the
//! URIs and scopes as patterns, added to the generated `NewClient` and
//! `ClientChanges` schemas, so that a request the document calls valid is
//! one the service accepts alone (combinations that contradict each other
//! answer 422, declared in tests/schemathesis.toml). A URI pattern describes the usual forms — https, and
//! loopback http — while the service also accepts reverse-domain app
//! schemes for redirect URIs.

use serde_json::{Value, json};
use utoipa::Modify;
use utoipa::openapi::OpenApi;

const HOST: &str = "[a-z]{1,30}(\\.[a-z]{1,30}){0,4}";
const LOOPBACK: &str = "(127\\.0\\.0\\.1|localhost|\\[::1\\])";
const PATH: &str = "(/[A-Za-z0-9_~-]{0,40}){0,8}";

fn uri() -> String {
    format!("^(https://{HOST}(:[1-9][0-9]{{0,3}})?|http://{LOOPBACK}(:[1-9][0-9]{{3}})?){PATH}$")
}

fn origin() -> String {
    format!("^(https://{HOST}|http://{LOOPBACK}(:[1-9][0-9]{{3}})?)$")
}

const SCOPE: &str = "^[!#-\\[\\]-~]{1,100}$";
const GRANTS: [&str; 5] = [
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
];
const METHODS: [&str; 4] = [
    "client_secret_basic",
    "client_secret_post",
    "private_key_jwt",
    "none",
];
const ALGS: [&str; 3] = ["RS256", "ES256", "EdDSA"];
const CONSENT: [&str; 2] = ["skip", "required"];
const SUBJECT_TYPES: [&str; 2] = ["public", "pairwise"];

/// A nullable value set: the values and `null`.
fn choices(values: &[&str]) -> Value {
    let mut all: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    all.push(Value::Null);
    Value::Array(all)
}

fn tighten(schema: &mut Value) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    let uri = uri();
    for (name, prop) in props.iter_mut() {
        match name.as_str() {
            "redirect_uris" | "post_logout_redirect_uris" | "audiences" => {
                prop["items"]["pattern"] = json!(uri);
            }
            "allowed_origins" => prop["items"]["pattern"] = json!(origin()),
            "backchannel_logout_uri"
            | "logo_uri"
            | "policy_uri"
            | "tos_uri"
            | "jwks_uri"
            | "sector_identifier_uri" => {
                prop["pattern"] = json!(uri);
            }
            "scopes" => prop["items"]["pattern"] = json!(SCOPE),
            "grant_types" => prop["items"]["enum"] = json!(GRANTS),
            "token_endpoint_auth_method" => prop["enum"] = choices(&METHODS),
            "id_token_signed_response_alg" | "access_token_signed_response_alg" => {
                prop["enum"] = choices(&ALGS);
            }
            "consent" => prop["enum"] = choices(&CONSENT),
            "subject_type" => prop["enum"] = choices(&SUBJECT_TYPES),
            "request_object_signing_alg" => {
                prop["enum"] = choices(&crate::oidc::client_keys::REQUEST_OBJECT_ALGS);
            }
            "name" => {
                prop["pattern"] = json!(
                    "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
                );
            }
            _ => {}
        }
    }
}

/// Adds the constraints to the document's client schemas.
pub struct ClientSchemas;

impl Modify for ClientSchemas {
    fn modify(&self, doc: &mut OpenApi) {
        let Some(components) = doc.components.as_mut() else {
            return;
        };
        for name in ["NewClient", "ClientChanges"] {
            let Some(schema) = components.schemas.get_mut(name) else {
                continue;
            };
            let Ok(mut value) = serde_json::to_value(&*schema) else {
                continue;
            };
            tighten(&mut value);
            if let Ok(tightened) = serde_json::from_value(value) {
                *schema = tightened;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{redirect_uri, resource};

    #[test]
    fn examples_of_the_patterns_are_accepted() {
        // Strings of the URI and origin patterns' shapes (the patterns
        // themselves are exercised by schemathesis against the server).
        for ok in [
            "https://a",
            "https://rp.example/cb",
            "https://a.b.c:8443/x/y_z~",
            "http://127.0.0.1:3000/cb",
            "http://[::1]:8080",
            "http://localhost:1000/a",
        ] {
            redirect_uri::validate_web(ok).unwrap();
            resource::validate_resource(ok).unwrap();
        }
        for ok in [
            "https://a.example",
            "http://localhost:3000",
            "http://[::1]:1000",
        ] {
            resource::validate_origin(ok).unwrap();
        }
        assert!(uri().starts_with('^') && origin().ends_with('$'));
    }
}
