//! SAML single logout, SP-initiated over HTTP-Redirect (S7).
//!
//! - [`remember`]: after a SAML sign-in made a session of ours, the
//!   assertion's NameID (value, format) and SessionIndex are kept with that
//!   session, sealed (`saml_sessions`).
//! - [`start`]: when that session has logged out (it is ended first: a
//!   failed IdP logout never leaves anyone signed in here) and the IdP's
//!   metadata names an HTTP-Redirect `SingleLogoutService`, a LogoutRequest
//!   (ID of 256 random bits, `NotOnOrAfter` in 5 minutes, `Destination`)
//!   signed with rsa-sha256 by the provider's SP key; its ID, the
//!   RelayState and where our logout would have gone are sealed in a cookie
//!   of this browser.
//! - [`finish`]: the IdP's LogoutResponse at `/saml/{id}/slo`: RelayState =
//!   the cookie's, query signature verified with the IdP metadata's
//!   certificates over the parameters exactly as sent (SHA-1 refused),
//!   `InResponseTo` = our request, `Issuer` = the IdP, `Destination` = our
//!   endpoint, status Success.

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use openssl::hash::MessageDigest;
use openssl::sign::Verifier;
use openssl::x509::X509;
use samael::metadata::{EntityDescriptor, HTTP_REDIRECT_BINDING};
use samael::schema::LogoutResponse;
use serde::{Deserialize, Serialize};

use crate::crypto::token::{constant_time_eq, random_token};
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::saml_subject::Subject;
use crate::federation::upstream::usable;
use crate::state::AppState;
use crate::store::{naive, saml_sessions};

/// The cookie binding a logout at the IdP to this browser.
pub const COOKIE: &str = "__Host-ostiary_saml_slo";
/// How long the IdP has to answer.
const LIFETIME_MINUTES: i64 = 5;
/// The largest `SAMLResponse` we inflate (bytes, inflated).
const MAX_INFLATED: u64 = 256 * 1024;
const SEAL_SUBJECT: &str = crate::store::sealed::SAML_SUBJECT_CONTEXT;
const SEAL_COOKIE: &str = "saml:slo";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// Keep `subject` with our session `session_id` until `expires_at`.
pub async fn remember(
    state: &AppState,
    provider_id: &str,
    session_id: &str,
    subject: &Subject,
    expires_at: DateTime<Utc>,
) -> Result<(), AppError> {
    let json = serde_json::to_vec(subject).map_err(|e| AppError::Internal(format!("{e}")))?;
    let sealed = state.envelope.encrypt(&json, SEAL_SUBJECT)?;
    let (sid, pid, now) = (session_id.to_owned(), provider_id.to_owned(), state.now());
    state
        .db
        .run(move |conn| {
            saml_sessions::remember(conn, &sid, &pid, &sealed, naive(expires_at), naive(now))
        })
        .await
}

/// What the browser carries to the IdP and back (sealed in [`COOKIE`]).
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    provider_id: String,
    request_id: String,
    relay_state: String,
    /// Where our logout goes next (already verified), or our page.
    next: Option<String>,
    expires: i64,
}

/// A logout to continue at the IdP.
#[derive(Debug)]
pub struct Started {
    pub url: String,
    /// The sealed value of [`COOKIE`].
    pub cookie: String,
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The IdP's HTTP-Redirect SingleLogoutService, if its metadata has one.
fn slo_location(descriptor: &EntityDescriptor) -> Option<String> {
    descriptor
        .idp_sso_descriptors
        .iter()
        .flatten()
        .flat_map(|d| d.single_logout_services.iter())
        .find(|e| e.binding == HTTP_REDIRECT_BINDING)
        .map(|e| e.location.clone())
}

/// After our session `session_id` ended: the signed LogoutRequest to send
/// the browser to, when that session came from a SAML IdP that has a
/// redirect SLO endpoint; `None` otherwise (our logout goes on as usual).
pub async fn start(
    state: &AppState,
    session_id: &str,
    next: Option<String>,
) -> Result<Option<Started>, AppError> {
    let sid = session_id.to_owned();
    let Some((provider_id, sealed)) = state
        .db
        .run(move |conn| saml_sessions::take(conn, &sid))
        .await?
    else {
        return Ok(None);
    };
    let Ok((row, settings)) = usable(state, &provider_id, |k| k == Kind::Saml).await else {
        return Ok(None);
    };
    let Some(s) = settings.saml.as_ref() else {
        return Ok(None);
    };
    let opened = state.envelope.decrypt(&sealed, SEAL_SUBJECT)?;
    let subject: Subject =
        serde_json::from_slice(&opened).map_err(|e| AppError::Internal(format!("{e}")))?;
    let descriptor = crate::federation::saml::idp_descriptor(&s.idp_metadata)
        .map_err(|e| AppError::Internal(format!("saml metadata: {e}")))?;
    let Some(destination) = slo_location(&descriptor) else {
        return Ok(None);
    };
    let base = crate::federation::saml::public_base(state);
    let issuer = crate::federation::saml_settings::entity_id(&base, &row.id);
    let now = state.now();
    let request_id = format!("_{}", random_token());
    let format = subject
        .format
        .as_deref()
        .map(|f| format!(" Format=\"{}\"", xml_escape(f)))
        .unwrap_or_default();
    let index = subject
        .session_index
        .as_deref()
        .map(|i| format!("<samlp:SessionIndex>{}</samlp:SessionIndex>", xml_escape(i)))
        .unwrap_or_default();
    let instant = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let xml = format!(
        concat!(
            r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" "#,
            r#"xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" "#,
            r#"IssueInstant="{now}" NotOnOrAfter="{until}" Destination="{dest}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer><saml:NameID{format}>{name}</saml:NameID>"#,
            "{index}</samlp:LogoutRequest>"
        ),
        id = request_id,
        now = instant(now),
        until = instant(now + ChronoDuration::minutes(LIFETIME_MINUTES)),
        dest = xml_escape(&destination),
        issuer = xml_escape(&issuer),
        format = format,
        name = xml_escape(&subject.name_id),
        index = index,
    );
    let mut deflated = Vec::new();
    {
        let mut encoder = DeflateEncoder::new(&mut deflated, Compression::default());
        encoder
            .write_all(xml.as_bytes())
            .map_err(|e| AppError::Internal(format!("deflate: {e}")))?;
        encoder
            .finish()
            .map_err(|e| AppError::Internal(format!("deflate: {e}")))?;
    }
    let relay_state = random_token();
    let mut url = url::Url::parse(&destination)
        .map_err(|e| AppError::Internal(format!("saml SLO location: {e}")))?;
    url.query_pairs_mut()
        .append_pair("SAMLRequest", &STANDARD.encode(&deflated))
        .append_pair("RelayState", &relay_state);
    let key = crate::federation::saml::sp_private_key(state, &row)?;
    let url = samael::crypto::sign_url(url, &key)
        .map_err(|e| AppError::Internal(format!("saml LogoutRequest signature: {e}")))?;
    let pending = Pending {
        provider_id: row.id.clone(),
        request_id,
        relay_state,
        next,
        expires: (now + ChronoDuration::minutes(LIFETIME_MINUTES)).timestamp(),
    };
    let json = serde_json::to_vec(&pending).map_err(|e| AppError::Internal(format!("{e}")))?;
    Ok(Some(Started {
        url: url.to_string(),
        cookie: state.envelope.encrypt(&json, SEAL_COOKIE)?,
    }))
}

/// The raw (still URL-encoded) value of `name` in `query`, when it occurs
/// exactly once.
fn raw_param<'a>(query: &'a str, name: &str) -> Result<Option<&'a str>, String> {
    let mut found = None;
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == name {
            if found.is_some() {
                return Err(format!("{name} given twice"));
            }
            found = Some(v);
        }
    }
    Ok(found)
}

fn decoded(raw: &str) -> String {
    url::form_urlencoded::parse(format!("x={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// SR-120/SR-123: the redirect binding's signature over
/// `SAMLResponse=…&RelayState=…&SigAlg=…` as sent, by one of `certs`.
fn verify_query(query: &str, certs: &[Vec<u8>]) -> Result<(), String> {
    let response = raw_param(query, "SAMLResponse")?.ok_or("no SAMLResponse")?;
    let relay = raw_param(query, "RelayState")?;
    let sig_alg = raw_param(query, "SigAlg")?.ok_or("unsigned LogoutResponse")?;
    let signature = raw_param(query, "Signature")?.ok_or("unsigned LogoutResponse")?;
    let digest = match decoded(sig_alg).as_str() {
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => MessageDigest::sha256(),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => MessageDigest::sha384(),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" => MessageDigest::sha512(),
        other => return Err(format!("SigAlg {other} refused")),
    };
    let mut signed = format!("SAMLResponse={response}");
    if let Some(relay) = relay {
        signed.push_str(&format!("&RelayState={relay}"));
    }
    signed.push_str(&format!("&SigAlg={sig_alg}"));
    let signature = STANDARD
        .decode(decoded(signature))
        .map_err(|e| format!("Signature is not base64: {e}"))?;
    for der in certs {
        let Ok(key) = X509::from_der(der).and_then(|c| c.public_key()) else {
            continue;
        };
        let Ok(mut verifier) = Verifier::new(digest, &key) else {
            continue;
        };
        if verifier.update(signed.as_bytes()).is_ok()
            && verifier.verify(&signature).unwrap_or(false)
        {
            return Ok(());
        }
    }
    Err("LogoutResponse signature does not verify".into())
}

/// How a logout at the IdP ended.
#[derive(Debug)]
pub enum Finish {
    /// Confirmed: go on to `next` (or our signed-out page).
    Done { next: Option<String> },
    /// Not confirmed (a refusal or a failure at the IdP): signed out here,
    /// maybe not there. The detail is for the log.
    Failed(String),
}

/// The IdP's answer at `/saml/{provider_id}/slo` (`query` as received,
/// `cookie` the value of [`COOKIE`]).
pub async fn finish(
    state: &AppState,
    provider_id: &str,
    query: &str,
    cookie: Option<&str>,
) -> Result<Finish, AppError> {
    let Some(cookie) = cookie else {
        return Ok(Finish::Failed("no logout pending in this browser".into()));
    };
    let Ok(opened) = state.envelope.decrypt(cookie, SEAL_COOKIE) else {
        return Ok(Finish::Failed("logout cookie unreadable".into()));
    };
    let pending: Pending =
        serde_json::from_slice(&opened).map_err(|e| AppError::Internal(format!("{e}")))?;
    let next = pending.next.clone();
    match check(state, provider_id, query, &pending).await {
        Ok(()) => Ok(Finish::Done { next }),
        Err(detail) => Ok(Finish::Failed(detail)),
    }
}

async fn check(
    state: &AppState,
    provider_id: &str,
    query: &str,
    pending: &Pending,
) -> Result<(), String> {
    if pending.provider_id != provider_id || state.now().timestamp() > pending.expires {
        return Err("logout of another provider, or expired".into());
    }
    let relay = raw_param(query, "RelayState")?.map(decoded);
    if !relay.is_some_and(|r| constant_time_eq(r.as_bytes(), pending.relay_state.as_bytes())) {
        return Err("RelayState is not this browser's".into());
    }
    let (row, settings) = usable(state, provider_id, |k| k == Kind::Saml)
        .await
        .map_err(|e| format!("provider: {}", e.detail()))?;
    let s = settings.saml.as_ref().ok_or("not a SAML provider")?;
    let descriptor = crate::federation::saml::idp_descriptor(&s.idp_metadata)?;
    let certs = crate::federation::saml::idp_certificates(&descriptor)?;
    verify_query(query, &certs)?;
    let encoded = decoded(raw_param(query, "SAMLResponse")?.ok_or("no SAMLResponse")?);
    let deflated = STANDARD
        .decode(encoded.trim())
        .map_err(|e| format!("SAMLResponse is not base64: {e}"))?;
    let mut xml = String::new();
    DeflateDecoder::new(deflated.as_slice())
        .take(MAX_INFLATED)
        .read_to_string(&mut xml)
        .map_err(|e| format!("SAMLResponse does not inflate: {e}"))?;
    if xml.contains("<!") || xml.contains("<?xml-stylesheet") {
        return Err("DTD, comment or CDATA in the LogoutResponse".into());
    }
    let response: LogoutResponse = xml
        .parse()
        .map_err(|e| format!("not a LogoutResponse: {e}"))?;
    if response.in_response_to.as_deref() != Some(pending.request_id.as_str()) {
        return Err("InResponseTo is not our LogoutRequest".into());
    }
    let issuer = response.issuer.as_ref().and_then(|i| i.value.as_deref());
    if issuer != descriptor.entity_id.as_deref() {
        return Err("Issuer is not the IdP".into());
    }
    let base = crate::federation::saml::public_base(state);
    let ours = crate::federation::saml_settings::slo_url(&base, &row.id);
    if response.destination.as_deref().is_some_and(|d| d != ours) {
        return Err("Destination is not our SLO endpoint".into());
    }
    let status = response
        .status
        .as_ref()
        .and_then(|s| s.status_code.value.clone())
        .unwrap_or_default();
    if status != SUCCESS {
        return Err(format!("StatusCode {status}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::raw_param;

    #[test]
    fn a_parameter_given_twice_is_refused() {
        assert_eq!(raw_param("a=1&b=2", "b").unwrap(), Some("2"));
        assert!(raw_param("a=1&a=2", "a").is_err());
        assert_eq!(raw_param("a=1", "c").unwrap(), None);
    }
}
