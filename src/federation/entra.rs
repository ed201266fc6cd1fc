//! Microsoft Entra ID's multi-tenant authorities (S7): with `--tenant
//! common` or `organizations`, discovery names the issuer as a template,
//! `{authority}/{tenantid}/v2.0`, which no token carries literally. The
//! document is read here (its issuer must be exactly that template), and a
//! token's `iss` must be the template filled with the token's own `tid` —
//! a tenant id, never a path or a second authority. `organizations` also
//! refuses the tenant of personal Microsoft accounts.

use openidconnect::core::{CoreJsonWebKeySet, CoreProviderMetadata};
use openidconnect::http::{Method, Request, header};

use crate::error::AppError;
use crate::federation::outbound::Outbound;
use crate::federation::spec::Settings;
use crate::federation::upstream::{UpstreamError, json, rejected};

/// The tenant of personal Microsoft accounts (consumers).
const CONSUMERS_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// The authority of a multi-tenant configuration (`common` or
/// `organizations`), or `None` for a single tenant.
pub fn multi_tenant(settings: &Settings) -> Option<&str> {
    match settings.tenant.as_deref() {
        Some("common" | "organizations") => settings.authority_url.as_deref(),
        _ => None,
    }
}

fn template(authority: &str) -> String {
    format!("{authority}/{{tenantid}}/v2.0")
}

/// Whether a discovery document of the multi-tenant `authority` names its
/// issuer as it must: the template, literally or percent-encoded.
pub fn names_template(authority: &str, named: &str) -> bool {
    let expected = template(authority);
    named == expected || named == expected.replace('{', "%7B").replace('}', "%7D")
}

/// Discovery (and keys) of a multi-tenant authority whose configured
/// address is `issuer` (`{authority}/common/v2.0`).
pub async fn discover(
    out: &Outbound,
    issuer: &str,
    authority: &str,
) -> Result<CoreProviderMetadata, UpstreamError> {
    let request = Request::builder()
        .method(Method::GET)
        .uri(format!("{issuer}/.well-known/openid-configuration"))
        .header(header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| UpstreamError::Internal(AppError::Internal(format!("request: {e}"))))?;
    let metadata: CoreProviderMetadata = json(out, request, "discovery").await?;
    let named = metadata.issuer().as_str();
    if !names_template(authority, named) {
        return Err(UpstreamError::Unreachable(format!(
            "discovery of {issuer} names issuer {named}, expected {}",
            template(authority)
        )));
    }
    let http = |request| out.call(request);
    let keys = CoreJsonWebKeySet::fetch_async(metadata.jwks_uri(), &http)
        .await
        .map_err(|e| UpstreamError::Unreachable(format!("keys of {issuer}: {e}")))?;
    Ok(metadata.set_jwks(keys))
}

/// Whether `tid` looks like a tenant id: a GUID's characters only, so the
/// filled-in template cannot name another path or host.
fn tenant_id_ok(tid: &str) -> bool {
    (1..=64).contains(&tid.len()) && tid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// The issuer a token from tenant `tid` must name, checked against its
/// `iss` (and the callback's RFC 9207 `iss`, when sent).
pub fn check_issuer(
    settings: &Settings,
    authority: &str,
    iss: &str,
    tid: Option<&str>,
    callback_iss: Option<&str>,
) -> Result<String, UpstreamError> {
    let tid = tid
        .filter(|t| tenant_id_ok(t))
        .ok_or_else(|| rejected("ID token", "no usable tid"))?;
    if settings.tenant.as_deref() == Some("organizations") && tid == CONSUMERS_TENANT {
        return Err(rejected(
            "ID token",
            "a personal Microsoft account, and the provider allows only organizations",
        ));
    }
    let expected = template(authority).replace("{tenantid}", tid);
    if iss != expected {
        return Err(rejected(
            "ID token",
            format!("iss {iss} is not the issuer of tenant {tid} ({expected})"),
        ));
    }
    if callback_iss.is_some_and(|c| c != expected) {
        return Err(rejected("callback", "iss parameter names another issuer"));
    }
    Ok(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(tenant: &str) -> Settings {
        Settings {
            tenant: Some(tenant.into()),
            authority_url: Some("https://login.example".into()),
            ..Settings::default()
        }
    }

    #[test]
    fn the_issuer_is_the_template_filled_with_the_tokens_tenant() {
        let s = settings("common");
        let a = "https://login.example";
        let tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let iss = format!("{a}/{tid}/v2.0");
        assert_eq!(check_issuer(&s, a, &iss, Some(tid), None).unwrap(), iss);
        assert!(check_issuer(&s, a, &iss, Some(tid), Some(&iss)).is_ok());
        // Another tenant's issuer, a missing tid, a tid that is a path.
        let other = format!("{a}/00000000-0000-0000-0000-000000000001/v2.0");
        assert!(check_issuer(&s, a, &other, Some(tid), None).is_err());
        assert!(check_issuer(&s, a, &iss, None, None).is_err());
        assert!(check_issuer(&s, a, "https://evil/x/v2.0", Some("x/../evil"), None).is_err());
        assert!(check_issuer(&s, a, &iss, Some(tid), Some("https://other")).is_err());
    }

    #[test]
    fn organizations_refuses_personal_accounts() {
        let a = "https://login.example";
        let iss = format!("{a}/{CONSUMERS_TENANT}/v2.0");
        let tid = Some(CONSUMERS_TENANT);
        assert!(check_issuer(&settings("organizations"), a, &iss, tid, None).is_err());
        assert!(check_issuer(&settings("common"), a, &iss, tid, None).is_ok());
        assert_eq!(multi_tenant(&settings("common")), Some(a));
        assert_eq!(multi_tenant(&settings("contoso.example")), None);
    }
}
