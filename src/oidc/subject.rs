//! Subject identifiers (OIDC Core §8). A `public` client sees the user id
//! as `sub`; a `pairwise` one sees base64url(HMAC-SHA256(key, sector ‖
//! user id)) ([`crate::crypto::Envelope::pairwise_subject`]), so clients in
//! different sectors cannot correlate a user. The sector is the host of the
//! client's `sector_identifier_uri` or, without one, the single host all
//! its redirect URIs share (§8.1). The sector document is fetched through
//! the guarded outbound client when a client is registered or changed and
//! must be a JSON array listing every redirect URI of the client.
//!
//! Every `sub` that leaves the server for a client goes through
//! [`for_client`]: ID tokens, access tokens (and so introspection),
//! userinfo, refresh-token introspection and back-channel logout tokens;
//! an `id_token_hint` is compared with the same value. Internally the user
//! is always found by id (an access token's user through its grant).

use openidconnect::http;
use url::Url;

use crate::federation::outbound::Outbound;
use crate::state::AppState;
use crate::store::clients::Client;

/// The default: `sub` is the user id.
pub const PUBLIC: &str = "public";
/// `sub` is per sector (OIDC Core §8.1).
pub const PAIRWISE: &str = "pairwise";

fn host_of(uri: &str) -> Option<String> {
    Url::parse(uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

/// The sector of a client's settings: the host of `sector_identifier_uri`,
/// else the one host of the redirect URIs (`None` when they have several
/// or none).
pub fn sector_of(sector_identifier_uri: Option<&str>, redirect_uris: &[String]) -> Option<String> {
    if let Some(uri) = sector_identifier_uri {
        return host_of(uri);
    }
    let mut hosts = redirect_uris.iter().map(|u| host_of(u));
    let first = hosts.next()??;
    hosts
        .all(|h| h.as_deref() == Some(first.as_str()))
        .then_some(first)
}

/// The `sub` `client` sees for the user `user_id`.
pub fn for_client(state: &AppState, client: &Client, user_id: &str) -> String {
    if client.subject_type != PAIRWISE {
        return user_id.to_owned();
    }
    // Validation guarantees a sector; should one be missing, the client's
    // own id keeps the value pairwise rather than leak the user id.
    let sector = sector_of(
        client.sector_identifier_uri.as_deref(),
        &client.redirect_uris(),
    )
    .unwrap_or_else(|| format!("client:{}", client.id));
    state.envelope.pairwise_subject(&sector, user_id)
}

/// Fetch a pairwise client's sector document and check that it lists
/// every redirect URI (OIDC Core §8.1); why not, in words.
pub async fn check_sector_document(
    state: &AppState,
    uri: &str,
    redirect_uris: &[String],
) -> Result<(), String> {
    let unreachable = |why: &str| {
        tracing::info!(%uri, reason = why, "sector identifier document refused");
        format!("could not fetch the sector document: {why}")
    };
    let out = Outbound::new(state.config.oidc.allow_private_targets)
        .map_err(|_| unreachable("no HTTP client"))?;
    let request = http::Request::builder()
        .method(http::Method::GET)
        .uri(uri)
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|_| unreachable("bad URL"))?;
    let response = out
        .call(request)
        .await
        .map_err(|e| unreachable(&e.to_string()))?;
    if !response.status().is_success() {
        return Err(unreachable(&format!("HTTP {}", response.status().as_u16())));
    }
    let listed: Vec<String> = serde_json::from_slice(response.body())
        .map_err(|_| "the sector document is not a JSON array of URIs".to_owned())?;
    match redirect_uris.iter().find(|r| !listed.contains(r)) {
        Some(missing) => Err(format!(
            "the sector document does not list the redirect URI {missing}"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sector_is_one_host() {
        let uris = |u: &[&str]| u.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            sector_of(
                None,
                &uris(&["https://a.example/cb", "https://A.example/x"])
            )
            .as_deref(),
            Some("a.example")
        );
        assert_eq!(
            sector_of(
                None,
                &uris(&["https://a.example/cb", "https://b.example/cb"])
            ),
            None
        );
        assert_eq!(sector_of(None, &[]), None);
        assert_eq!(
            sector_of(
                Some("https://s.example/sector.json"),
                &uris(&["https://a.example/cb"])
            )
            .as_deref(),
            Some("s.example")
        );
    }
}
