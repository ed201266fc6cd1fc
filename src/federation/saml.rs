//! SAML 2.0 Service Provider sign-in (S7, SR-120…SR-123), with samael
//! (feature `saml`). One SP per provider: entity id `{issuer}/saml/{id}`,
//! ACS `{issuer}/saml/{id}/acs` (HTTP-POST), metadata
//! `{issuer}/saml/{id}/metadata`.
//!
//! - `federation::saml_metadata::prepare`: IdP metadata by URL
//!   (through the outbound-call rules) or document, checked here
//!   ([`read_metadata`]) to name a redirect SSO endpoint and a signing
//!   certificate; a fresh SP key (RSA 2048, sealed as the provider's
//!   secret) and self-signed certificate.
//! - [`start`]: a signed AuthnRequest (HTTP-Redirect, rsa-sha256) whose ID
//!   carries 256 random bits, remembered with the pending sign-in of this
//!   browser (RelayState = the pending sign-in's `state`, the request ID in
//!   its `nonce`).
//! - [`finish`]: the pending sign-in is taken (RelayState + the browser
//!   cookie); the response is screened before any XML parser sees it
//!   ([`screen`]: no DTD, entity, comment, CDATA, processing instruction
//!   or XInclude; exactly one `Assertion`/`EncryptedAssertion` element in
//!   the whole document; no rsa-1_5 or CBC encryption); an
//!   `EncryptedAssertion` is decrypted (`saml_decrypt`; a signed response
//!   is verified before); then samael
//!   verifies every signature against the IdP's metadata certificates
//!   (SHA-1 refused) and reduces the document to the signed content only —
//!   what is consumed is what the signature covers, never a sibling
//!   chosen by position; then issuer, audience (required), recipient,
//!   destination, times (3 min skew), `InResponseTo` and status are
//!   checked, and the assertion id is recorded in the replay cache.

use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;
use samael::crypto::{
    AllowedSignatureAlgorithm, CertificateDer, Crypto, CryptoProvider, ReduceMode,
};
use samael::metadata::{EncryptionMethod, Endpoint, EntityDescriptor, HTTP_REDIRECT_BINDING};
use samael::schema::{Assertion, Response};
use samael::service_provider::ServiceProvider;
use samael::traits::ToXml;

use crate::crypto::token::random_token;
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::identity::Identity;
use crate::federation::pending::{remember, take};
use crate::federation::registry;
use crate::federation::saml_decrypt;
use crate::federation::saml_settings::{self, SamlSettings};
use crate::federation::saml_subject::{self, Subject};
use crate::federation::upstream::{
    Callback, Failure, Finished, Intent, Started, UpstreamError, usable,
};
use crate::state::AppState;
use crate::store::{naive, saml_assertions};

/// Allowed clock skew (SR-121: at most 3 minutes).
const SKEW_SECONDS: i64 = 180;
/// The largest `SAMLResponse` we read (base64).
pub const MAX_RESPONSE: usize = 512 * 1024;

const NAMEID_EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const NAMEID_TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
/// Where the email is looked for when no attribute is configured (S7).
const EMAIL_ATTRIBUTES: [&str; 4] = [
    "mail",
    "email",
    "urn:oid:0.9.2342.19200300.100.1.3",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
];
const NAME_ATTRIBUTES: [&str; 4] = [
    "displayName",
    "name",
    "urn:oid:2.16.840.1.113730.3.1.241",
    "http://schemas.microsoft.com/identity/claims/displayname",
];
const GROUP_ATTRIBUTES: [&str; 3] = [
    "groups",
    "memberOf",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
];

/// SR-123: signatures with SHA-2 only (no rsa-sha1, no sha1 digests).
const ALLOWED: [AllowedSignatureAlgorithm; 6] = [
    AllowedSignatureAlgorithm::RsaSha256,
    AllowedSignatureAlgorithm::RsaSha384,
    AllowedSignatureAlgorithm::RsaSha512,
    AllowedSignatureAlgorithm::EcdsaSha256,
    AllowedSignatureAlgorithm::EcdsaSha384,
    AllowedSignatureAlgorithm::EcdsaSha512,
];

fn base(state: &AppState) -> String {
    state.config.public_base().trim_end_matches('/').to_owned()
}

/// Our public base URL, without a trailing `/`.
pub fn public_base(state: &AppState) -> String {
    base(state)
}

/// The IdP's metadata, parsed (no DTD).
pub fn idp_descriptor(xml: &str) -> Result<EntityDescriptor, String> {
    read_metadata(xml).map(|(descriptor, _, _)| descriptor)
}

/// The IdP's signing certificates (DER).
pub fn idp_certificates(descriptor: &EntityDescriptor) -> Result<Vec<Vec<u8>>, String> {
    let sp = ServiceProvider {
        idp_metadata: descriptor.clone(),
        ..ServiceProvider::default()
    };
    Ok(sp
        .idp_signing_certs()
        .map_err(|e| format!("the IdP metadata's certificate is unreadable: {e}"))?
        .unwrap_or_default()
        .iter()
        .map(|c| c.der_data().to_vec())
        .collect())
}

/// The SP key of a SAML provider (its sealed secret, opened).
pub fn sp_private_key(
    state: &AppState,
    row: &crate::store::providers::ProviderRow,
) -> Result<PKey<Private>, AppError> {
    match sp_key(state, row) {
        Ok(key) => Ok(key),
        Err(UpstreamError::Internal(e)) => Err(e),
        Err(e) => Err(AppError::Internal(format!("saml SP key: {}", e.detail()))),
    }
}

/// A metadata document must carry no DTD or entity declaration (SR-123).
pub(crate) fn plain_xml(xml: &str) -> Result<(), String> {
    if xml.contains("<!DOCTYPE") || xml.contains("<!ENTITY") {
        return Err("the metadata must not contain a DTD or entity declarations".into());
    }
    Ok(())
}

/// The IdP's entity id, SSO (HTTP-Redirect) location and signing
/// certificates, from its metadata.
pub(crate) fn read_metadata(
    xml: &str,
) -> Result<(EntityDescriptor, String, Vec<CertificateDer>), String> {
    plain_xml(xml)?;
    let descriptor = EntityDescriptor::from_str(xml)
        .map_err(|e| format!("the IdP metadata is not a SAML EntityDescriptor: {e}"))?;
    if descriptor.entity_id.as_deref().is_none_or(str::is_empty) {
        return Err("the IdP metadata has no entityID".into());
    }
    let sp = ServiceProvider {
        idp_metadata: descriptor.clone(),
        ..ServiceProvider::default()
    };
    let sso = sp
        .sso_binding_location(HTTP_REDIRECT_BINDING)
        .ok_or("the IdP metadata has no HTTP-Redirect SingleSignOnService")?;
    // SR-120: importing metadata never disables verification: a metadata
    // without a signing certificate is refused.
    let certs = sp
        .idp_signing_certs()
        .map_err(|e| format!("the IdP metadata's certificate is unreadable: {e}"))?
        .filter(|c| !c.is_empty())
        .ok_or("the IdP metadata has no signing certificate")?;
    Ok((descriptor, sso, certs))
}

fn settings_of(
    settings: &crate::federation::spec::Settings,
) -> Result<&SamlSettings, UpstreamError> {
    settings.saml.as_ref().ok_or(UpstreamError::Unavailable)
}

fn sp_key(
    state: &AppState,
    row: &crate::store::providers::ProviderRow,
) -> Result<PKey<Private>, UpstreamError> {
    let sealed = row
        .secret
        .as_deref()
        .ok_or_else(|| AppError::Internal(format!("saml provider {}: no SP key", row.id)))?;
    let pem = registry::open_secret(state, &row.id, sealed)?;
    PKey::private_key_from_pem(pem.as_bytes())
        .map_err(|e| UpstreamError::Internal(AppError::Internal(format!("saml SP key: {e}"))))
}

fn sp_certificate(s: &SamlSettings) -> Result<CertificateDer, UpstreamError> {
    let cert = X509::from_pem(s.sp_certificate.as_bytes())
        .and_then(|c| c.to_der())
        .map_err(|e| AppError::Internal(format!("saml SP certificate: {e}")))?;
    Ok(CertificateDer::from(cert))
}

/// Our service provider for `id`, as samael sees it.
fn service_provider(
    state: &AppState,
    id: &str,
    s: &SamlSettings,
    key: Option<PKey<Private>>,
) -> Result<ServiceProvider, UpstreamError> {
    let (descriptor, _, _) = read_metadata(&s.idp_metadata).map_err(UpstreamError::Rejected)?;
    let base = base(state);
    Ok(ServiceProvider {
        entity_id: Some(saml_settings::entity_id(&base, id)),
        key,
        certificate: Some(sp_certificate(s)?),
        metadata_url: Some(saml_settings::metadata_url(&base, id)),
        acs_url: Some(saml_settings::acs_url(&base, id)),
        slo_url: Some(saml_settings::slo_url(&base, id)),
        idp_metadata: descriptor,
        allow_idp_initiated: false,
        max_clock_skew: ChronoDuration::seconds(SKEW_SECONDS),
        allowed_signature_algorithms: Some(ALLOWED.to_vec()),
        ..ServiceProvider::default()
    })
}

/// Our SP metadata for provider `id` (XML), or `None` when there is no
/// enabled SAML provider of that id.
pub async fn metadata(state: &AppState, id: &str) -> Result<Option<String>, UpstreamError> {
    let (row, settings) = match usable(state, id, |k| k == Kind::Saml).await {
        Ok(found) => found,
        Err(UpstreamError::Unavailable) => return Ok(None),
        Err(e) => return Err(e),
    };
    let s = settings_of(&settings)?;
    let sp = service_provider(state, &row.id, s, None)?;
    let mut descriptor = sp
        .metadata()
        .map_err(|e| AppError::Internal(format!("saml metadata: {e}")))?;
    descriptor.valid_until = None;
    let slo = saml_settings::slo_url(&base(state), &row.id);
    for sso in descriptor.sp_sso_descriptors.iter_mut().flatten() {
        // Single logout: the IdP's LogoutResponse comes back by redirect.
        sso.single_logout_services = Some(vec![Endpoint {
            binding: HTTP_REDIRECT_BINDING.into(),
            location: slo.clone(),
            response_location: None,
        }]);
        sso.valid_until = None;
        sso.authn_requests_signed = Some(true);
        sso.want_assertions_signed = Some(true);
        for key in sso.key_descriptors.iter_mut().flatten() {
            if key.encryption_methods.is_some() {
                key.key_use = Some("encryption".into());
                // SR-123: no rsa-1_5, no CBC (`saml_decrypt`).
                key.encryption_methods = Some(vec![
                    EncryptionMethod {
                        algorithm: "http://www.w3.org/2009/xmlenc11#aes256-gcm".into(),
                    },
                    EncryptionMethod {
                        algorithm: "http://www.w3.org/2009/xmlenc11#aes128-gcm".into(),
                    },
                    EncryptionMethod {
                        algorithm: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p".into(),
                    },
                ]);
            }
        }
    }
    let xml = descriptor
        .to_string()
        .map_err(|e| AppError::Internal(format!("saml metadata: {e}")))?;
    Ok(Some(xml))
}

/// Begin a sign-in: a signed AuthnRequest over HTTP-Redirect.
pub async fn start(
    state: &AppState,
    provider_id: &str,
    intent: Intent,
) -> Result<Started, UpstreamError> {
    let (row, settings) = usable(state, provider_id, |k| k == Kind::Saml).await?;
    let s = settings_of(&settings)?;
    let key = sp_key(state, &row)?;
    let sp = service_provider(state, &row.id, s, None)?;
    let (_, sso, _) = read_metadata(&s.idp_metadata).map_err(UpstreamError::Rejected)?;
    let mut request = sp
        .make_authentication_request(&sso)
        .map_err(|e| UpstreamError::Rejected(format!("AuthnRequest: {e}")))?;
    // samael's IDs carry 32 random bits; ours 256 (an NCName: `_` first).
    request.id = format!("_{}", random_token());
    let relay_state = random_token();
    let url = request
        .signed_redirect(&relay_state, &key)
        .map_err(|e| UpstreamError::Rejected(format!("AuthnRequest signature: {e}")))?
        .ok_or_else(|| UpstreamError::Rejected("AuthnRequest: no destination".into()))?;
    let browser_token = remember(
        state,
        &row.id,
        &relay_state,
        request.id.clone(),
        "saml",
        intent,
    )
    .await?;
    Ok(Started {
        url: url.to_string(),
        browser_token,
        cross_site_post: true,
    })
}

/// The local name of the start tag at the beginning of `tag` (after `<`).
fn local_name(tag: &str) -> &str {
    let end = tag
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(tag.len());
    let name = &tag[..end];
    name.rsplit(':').next().unwrap_or(name)
}

/// SR-120/SR-123: what a response must be before any XML parser reads it.
/// Refuses DTDs, entities, comments (the NameID comment-truncation attack
/// needs one), CDATA, processing instructions (but the XML declaration),
/// XInclude, more or fewer than one assertion anywhere in the document
/// (signature wrapping moves or copies assertions), and the rsa-1_5 and
/// CBC encryption algorithms.
pub fn screen(xml: &str) -> Result<(), String> {
    if xml.contains("<!") {
        return Err("DTD, comment or CDATA in the response".into());
    }
    let body = match xml.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map(|(_, b)| b).unwrap_or(""),
        None => xml,
    };
    if body.contains("<?") {
        return Err("processing instruction in the response".into());
    }
    if xml.contains("http://www.w3.org/2001/XInclude") {
        return Err("XInclude in the response".into());
    }
    let mut assertions = 0;
    for tag in body.split('<').skip(1) {
        if tag.starts_with('/') {
            continue;
        }
        if matches!(local_name(tag), "Assertion" | "EncryptedAssertion") {
            assertions += 1;
        }
    }
    if assertions != 1 {
        return Err(format!(
            "{assertions} assertions in the response (exactly one is accepted)"
        ));
    }
    for weak in [
        "xmlenc#rsa-1_5",
        "xmlenc#aes128-cbc",
        "xmlenc#aes192-cbc",
        "xmlenc#aes256-cbc",
        "xmlenc#tripledes-cbc",
    ] {
        if xml.contains(weak) {
            return Err(format!("refused encryption algorithm {weak}"));
        }
    }
    Ok(())
}

/// What the ACS received.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AcsForm {
    #[serde(rename = "SAMLResponse")]
    pub saml_response: Option<String>,
    #[serde(rename = "RelayState")]
    pub relay_state: Option<String>,
}

/// Take the browser back from the IdP (the ACS). The pending sign-in is
/// used up whatever the outcome.
pub async fn finish(
    state: &AppState,
    provider_id: &str,
    browser_token: Option<&str>,
    form: AcsForm,
) -> Result<(Finished, Option<Subject>), Failure> {
    // SR-121: a response without the RelayState of a pending sign-in of
    // this browser is refused, unless the provider accepts IdP-initiated
    // sign-in: then it is read as unsolicited (no InResponseTo allowed) and
    // lands on the account page (its RelayState is never a target).
    let callback = Callback {
        state: form.relay_state.clone(),
        ..Callback::default()
    };
    let (request_id, intent) = match take(state, provider_id, browser_token, &callback).await {
        Ok((pending, _)) => (Some(pending.nonce.clone()), Intent::of(pending)),
        Err(UpstreamError::StateInvalid) if idp_initiated_allowed(state, provider_id).await => (
            None,
            Intent {
                return_to: Some("/account".into()),
                ..Intent::default()
            },
        ),
        Err(error) => {
            return Err(Failure {
                error,
                return_to: None,
            });
        }
    };
    let return_to = intent.return_to.clone();
    consume(state, provider_id, request_id.as_deref(), form)
        .await
        .map(|(identity, subject)| {
            (
                Finished {
                    kind: Kind::Saml,
                    identity,
                    intent,
                },
                subject,
            )
        })
        .map_err(|error| Failure { error, return_to })
}

/// Whether provider `id` is a usable SAML provider that accepts
/// IdP-initiated sign-in.
async fn idp_initiated_allowed(state: &AppState, id: &str) -> bool {
    match usable(state, id, |k| k == Kind::Saml).await {
        Ok((_, settings)) => settings
            .saml
            .as_ref()
            .is_some_and(|s| s.allow_idp_initiated),
        Err(_) => false,
    }
}

fn rejected(what: impl Into<String>) -> UpstreamError {
    UpstreamError::Rejected(what.into())
}

async fn consume(
    state: &AppState,
    provider_id: &str,
    request_id: Option<&str>,
    form: AcsForm,
) -> Result<(Identity, Option<Subject>), UpstreamError> {
    let (row, settings) = usable(state, provider_id, |k| k == Kind::Saml).await?;
    let s = settings_of(&settings)?.clone();
    let encoded = form
        .saml_response
        .ok_or_else(|| rejected("no SAMLResponse"))?;
    if encoded.len() > MAX_RESPONSE {
        return Err(rejected("SAMLResponse too large"));
    }
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = STANDARD
        .decode(compact)
        .map_err(|e| rejected(format!("SAMLResponse is not base64: {e}")))?;
    let xml = String::from_utf8(bytes).map_err(|_| rejected("SAMLResponse is not UTF-8"))?;
    screen(&xml).map_err(rejected)?;
    let key = sp_key(state, &row)?;
    let mut sp = service_provider(state, &row.id, &s, None)?;
    // IdP-initiated (no pending sign-in): samael skips every InResponseTo
    // check then; its absence is required below instead.
    sp.allow_idp_initiated = request_id.is_none();
    let acs = sp.acs_url.clone().unwrap_or_default();
    let audience = sp.entity_id.clone().unwrap_or_default();
    let request_id = request_id.map(str::to_owned);
    let request_id_given = request_id.is_some();
    // SR-120/SR-123: an encrypted assertion is opened first (a failure is
    // the same refusal as any other: no decryption oracle).
    let opener = sp.clone();
    let (xml, response_verified) =
        tokio::task::spawn_blocking(move || open_encrypted(&opener, &key, xml))
            .await
            .map_err(|e| AppError::Internal(format!("saml decryption: {e}")))?
            .map_err(rejected)?;
    // The response as sent (unverified): only for checks that refuse.
    let raw: Response = xml
        .parse()
        .map_err(|e| rejected(format!("not a SAML Response: {e}")))?;
    // SR-121: Destination, when present (required when the response is
    // signed, checked again by samael), is our ACS; status Success.
    if raw.destination.as_deref().is_some_and(|d| d != acs) {
        return Err(rejected("Destination is not our ACS URL"));
    }
    let status = raw
        .status
        .as_ref()
        .and_then(|s| s.status_code.value.clone())
        .unwrap_or_default();
    if status != "urn:oasis:names:tc:SAML:2.0:status:Success" {
        return Err(UpstreamError::Denied(format!("StatusCode {status}")));
    }
    if request_id.is_none() && raw.in_response_to.is_some() {
        // SR-121: an answer to a request that is not pending in this browser.
        return Err(rejected("InResponseTo without a pending sign-in"));
    }
    let assertion: Assertion = tokio::task::spawn_blocking(move || {
        // SR-120: every signature verified against the IdP metadata's
        // certificates (samael refuses a document without one), SHA-1
        // refused; the document reduced to what the signatures cover, and
        // only that is parsed and checked (issuer, conditions, recipient,
        // InResponseTo). A response whose signature was verified before
        // its assertion was decrypted (`open_encrypted`) is checked by an
        // SP that knows no certificate: samael then verifies nothing more
        // and checks the rest on the verified, decrypted document.
        let checker = if response_verified {
            verified_checker(&sp)
        } else {
            sp
        };
        if !response_verified && checker.idp_signing_certs().ok().flatten().is_none() {
            return Err("no IdP signing certificate".to_owned());
        }
        let ids = request_id.as_deref().map(|id| [id]);
        checker
            .parse_xml_response_with_mode(
                &xml,
                ids.as_ref().map(|ids| ids.as_slice()),
                ReduceMode::ValidateAndMarkNoAncestors,
            )
            .map_err(|e| format!("{e}"))
    })
    .await
    .map_err(|e| AppError::Internal(format!("saml verification: {e}")))?
    .map_err(rejected)?;
    // SR-121: an AudienceRestriction naming us is required (samael checks
    // it only when present).
    let conditions = assertion
        .conditions
        .as_ref()
        .ok_or_else(|| rejected("assertion without Conditions"))?;
    let ours = conditions
        .audience_restrictions
        .iter()
        .flatten()
        .any(|r| r.audience.contains(&audience));
    if !ours {
        return Err(rejected("Audience is not our entity id"));
    }
    if !unsolicited_fits(&assertion, request_id_given) {
        return Err(rejected("InResponseTo without a pending sign-in"));
    }
    // SR-122: the assertion id is used once, remembered until the latest
    // NotOnOrAfter (plus the skew).
    let now = state.now();
    let confirmations = assertion
        .subject
        .as_ref()
        .and_then(|s| s.subject_confirmations.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|c| c.subject_confirmation_data.as_ref())
        .filter_map(|d| d.not_on_or_after);
    let until: DateTime<Utc> = conditions
        .not_on_or_after
        .into_iter()
        .chain(confirmations)
        .max()
        .unwrap_or(now + ChronoDuration::minutes(10))
        + ChronoDuration::seconds(SKEW_SECONDS);
    if assertion.id.is_empty() || assertion.id.len() > 255 {
        return Err(rejected("assertion ID missing or too long"));
    }
    let (pid, aid) = (row.id.clone(), assertion.id.clone());
    let fresh = state
        .db
        .run(move |conn| saml_assertions::remember(conn, &pid, &aid, naive(until), naive(now)))
        .await?;
    if !fresh {
        return Err(rejected("assertion replayed"));
    }
    let identity = identity(&row.id, &s, &assertion, row.trust_email)?;
    Ok((identity, saml_subject::subject_of(&assertion)))
}

/// SR-121: an unsolicited response (no pending sign-in) answers no
/// request: no `SubjectConfirmationData` of it names one.
fn unsolicited_fits(assertion: &Assertion, solicited: bool) -> bool {
    solicited
        || assertion
            .subject
            .as_ref()
            .and_then(|s| s.subject_confirmations.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|c| c.subject_confirmation_data.as_ref())
            .all(|d| d.in_response_to.is_none())
}

/// SR-120/SR-123: open an `EncryptedAssertion` (our SP key) and put the
/// assertion in its place. When the response itself is signed, that
/// signature (which covers the encrypted assertion) is verified first, on
/// what was sent, and only the verified content is decrypted: `true` then.
/// Otherwise the assertion must carry its own signature inside the
/// encryption, verified afterwards like a plain one. The result is
/// screened again (one assertion, no DTD, comment, …).
fn open_encrypted(
    sp: &ServiceProvider,
    key: &PKey<Private>,
    xml: String,
) -> Result<(String, bool), String> {
    let (encrypted, response_signed) = saml_decrypt::inspect(&xml)?;
    if !encrypted {
        return Ok((xml, false));
    }
    let source = if response_signed {
        let certs = sp
            .idp_signing_certs()
            .ok()
            .flatten()
            .filter(|c| !c.is_empty())
            .ok_or("no IdP signing certificate")?;
        Crypto::reduce_xml_to_signed_with_allowed_algorithms(
            &xml,
            &certs,
            ReduceMode::ValidateAndMarkNoAncestors,
            Some(&ALLOWED),
        )
        .map_err(|e| format!("response signature: {e}"))?
    } else {
        xml
    };
    let clear = saml_decrypt::decrypt(&source, key)?
        .xml
        .ok_or("the signed content has no EncryptedAssertion")?;
    screen(&clear).map_err(|e| format!("decrypted: {e}"))?;
    if saml_decrypt::inspect(&clear)?.0 {
        return Err("decrypted: still encrypted".into());
    }
    Ok((clear, response_signed))
}

/// `sp` without the IdP's certificates: for a document whose signature was
/// already verified (samael then checks everything but signatures).
fn verified_checker(sp: &ServiceProvider) -> ServiceProvider {
    let mut checker = sp.clone();
    for idp in checker
        .idp_metadata
        .idp_sso_descriptors
        .iter_mut()
        .flatten()
    {
        idp.key_descriptors.clear();
    }
    checker
}

/// Who the assertion names (S7): subject the NameID, email per the rules.
fn identity(
    provider_id: &str,
    s: &SamlSettings,
    assertion: &Assertion,
    trust_email: bool,
) -> Result<Identity, UpstreamError> {
    let name_id = assertion
        .subject
        .as_ref()
        .and_then(|s| s.name_id.as_ref())
        .ok_or_else(|| rejected("assertion without NameID"))?;
    let subject = name_id.value.trim().to_owned();
    if subject.is_empty() || subject.len() > 1024 || subject.chars().any(char::is_control) {
        return Err(rejected(
            "NameID empty, too long or with control characters",
        ));
    }
    if name_id.format.as_deref() == Some(NAMEID_TRANSIENT) {
        // A transient NameID changes at every sign-in: it names nobody.
        return Err(rejected("transient NameID (configure persistent or email)"));
    }
    let attributes: Vec<_> = assertion
        .attribute_statements
        .iter()
        .flatten()
        .flat_map(|st| st.attributes.iter())
        .collect();
    let values = |names: &[&str]| -> Vec<String> {
        for name in names {
            let found: Vec<String> = attributes
                .iter()
                .filter(|a| {
                    a.name.as_deref() == Some(*name) || a.friendly_name.as_deref() == Some(*name)
                })
                .flat_map(|a| a.values.iter())
                .filter_map(|v| v.value.as_deref())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    };
    let configured = |c: &Option<String>, fallback: &[&'static str]| -> Vec<String> {
        match c {
            Some(name) => values(&[name.as_str()]),
            None => values(fallback),
        }
    };
    let email = if s.attribute_email.is_none() && name_id.format.as_deref() == Some(NAMEID_EMAIL) {
        Some(subject.clone())
    } else {
        configured(&s.attribute_email, &EMAIL_ATTRIBUTES)
            .into_iter()
            .next()
    }
    .filter(|e| e.contains('@') && e.len() <= 320)
    .map(|e| e.to_lowercase());
    let name = configured(&s.attribute_name, &NAME_ATTRIBUTES)
        .into_iter()
        .next();
    let groups = configured(&s.attribute_groups, &GROUP_ATTRIBUTES);
    Ok(Identity {
        provider_id: provider_id.to_owned(),
        issuer: s.idp_entity_id.clone(),
        subject,
        // SAML has no "verified" flag: the IdP's address counts as
        // verified only when the admin trusts this provider for emails.
        email_verified: trust_email && email.is_some(),
        email,
        name,
        groups,
        amr: Vec::new(),
        tokens: None,
    })
}

#[cfg(test)]
mod tests {
    use super::screen;

    const ONE: &str = r#"<?xml version="1.0"?><samlp:Response xmlns:samlp="p"><saml:Assertion ID="a"/></samlp:Response>"#;

    #[test]
    fn screening_refuses_what_no_response_needs() {
        // SR-123, SR-120
        assert!(screen(ONE).is_ok());
        for bad in [
            r#"<!DOCTYPE r [<!ENTITY e "x">]><Response><Assertion/></Response>"#,
            "<Response><Assertion><NameID>a@evil.com<!---->.ok.com</NameID></Assertion></Response>",
            "<Response><Assertion><![CDATA[x]]></Assertion></Response>",
            "<Response><?pi x?><Assertion/></Response>",
            "<Response><Assertion/><Extensions><Assertion/></Extensions></Response>",
            "<Response><EncryptedAssertion/><Assertion/></Response>",
            "<Response></Response>",
            r#"<Response><EncryptedAssertion><E Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-1_5"/></EncryptedAssertion></Response>"#,
        ] {
            assert!(screen(bad).is_err(), "{bad}");
        }
    }
}
