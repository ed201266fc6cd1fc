//! Audiences of access tokens (SR-38, RFC 8707). A token is for the
//! resources the request named with `resource` — each registered for the
//! client (`--audience`), else `invalid_target` — or, when none was named,
//! for all the client's registered audiences, or for the client itself
//! (its id) when it registered none. Never the bare issuer for everyone.
//! Later requests of a grant (token, refresh) may narrow what the
//! authorization asked for, never widen it.

use super::error::{ErrorCode, OAuthError};
use crate::store::clients::Client;

/// `invalid_target` (RFC 8707 §2).
pub fn invalid_target(description: &str) -> OAuthError {
    OAuthError::new(
        ErrorCode::InvalidTarget,
        description,
        actix_web::http::StatusCode::BAD_REQUEST,
    )
}

/// The requested `resources`, each in `allowed`, without repeats.
pub fn registered<'a>(
    allowed: &[String],
    requested: impl Iterator<Item = &'a str>,
) -> Result<Vec<String>, OAuthError> {
    let mut out: Vec<String> = Vec::new();
    for r in requested.filter(|r| !r.is_empty()) {
        if !allowed.iter().any(|a| a == r) {
            return Err(invalid_target(
                "the resource is not registered for this client",
            ));
        }
        if !out.iter().any(|o| o == r) {
            out.push(r.to_owned());
        }
    }
    Ok(out)
}

/// The resources of a token: within those its grant was authorized for
/// (`granted`, a JSON array) — all of them when the request names none —
/// or, when the grant named none, within the client's audiences.
pub fn for_token(
    client: &Client,
    granted: Option<&str>,
    requested: &[String],
) -> Result<Vec<String>, OAuthError> {
    let authorized: Option<Vec<String>> = granted
        .and_then(|g| serde_json::from_str(g).ok())
        .filter(|g: &Vec<String>| !g.is_empty());
    match authorized {
        Some(authorized) if requested.is_empty() => Ok(authorized),
        Some(authorized) => registered(&authorized, requested.iter().map(String::as_str)),
        None => registered(&client.audiences(), requested.iter().map(String::as_str)),
    }
}

/// The `aud` of an access token for `client` and the chosen `resources`.
pub fn audience(client: &Client, resources: &[String]) -> Vec<String> {
    if !resources.is_empty() {
        return resources.to_vec();
    }
    let registered = client.audiences();
    if registered.is_empty() {
        vec![client.id.to_string()]
    } else {
        registered
    }
}

/// JSON for a code or grant row (`None` when nothing was asked for).
pub fn to_column(resources: &[String]) -> Option<String> {
    (!resources.is_empty())
        .then(|| serde_json::to_string(resources).unwrap_or_else(|_| "[]".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_registered_resources() {
        let allowed = vec![
            "https://api.example".to_owned(),
            "https://files.example".to_owned(),
        ];
        assert_eq!(
            registered(
                &allowed,
                ["https://api.example", "https://api.example"].into_iter()
            )
            .unwrap(),
            vec!["https://api.example"]
        );
        assert_eq!(
            registered(&allowed, ["https://evil.example"].into_iter())
                .unwrap_err()
                .error,
            ErrorCode::InvalidTarget
        );
        assert!(registered(&allowed, std::iter::empty()).unwrap().is_empty());
    }
}
