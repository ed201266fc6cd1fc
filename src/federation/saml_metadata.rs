//! The IdP metadata of SAML providers (S7, issues 14 and 15), for the CLI,
//! the admin API and the console alike: where it comes from (a URL fetched
//! under the outbound-call rules, SR-114, or a document given as text),
//! how it is checked (`saml::read_metadata`: no DTD, an entity id, an
//! HTTP-Redirect SSO endpoint, a signing certificate — SR-120, SR-123),
//! what a new provider is made of ([`prepare`]: the checked document and a
//! fresh SP key), how an admin replaces it ([`replace`]: SP key kept), and
//! what "test connection" reads from it ([`inspect`]).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use openidconnect::http::{Method, Request};
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::{X509, X509NameBuilder};
use samael::metadata::{EntityDescriptor, HTTP_REDIRECT_BINDING};
use samael::service_provider::ServiceProvider;

use crate::federation::saml::{plain_xml, read_metadata};
use crate::federation::saml_settings::{self, PRESETS, SamlFlags, SamlSettings};
use crate::federation::upstream::outbound;
use crate::state::AppState;

/// The largest metadata document we import.
pub const MAX_METADATA: usize = 1024 * 1024;

/// Where a metadata document comes from; `flag` names the CLI flag (the
/// admin API's field, see `spec::for_api`) that gave it.
#[derive(Debug, Clone)]
pub enum Source {
    /// Fetched now under the outbound-call rules; remembered for refresh.
    Url(String),
    /// The document itself (a file, a pasted or uploaded document).
    Text { flag: &'static str, xml: String },
}

/// What a new SAML provider is prepared from.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub source: Option<Source>,
    pub preset: Option<String>,
    pub attribute_email: Option<String>,
    pub attribute_name: Option<String>,
    pub attribute_groups: Option<String>,
    /// Accept IdP-initiated sign-in (the CLI's `--allow-idp-initiated`).
    pub allow_idp_initiated: bool,
}

/// A checked document: the XML as given, where it came from (URL), and
/// the IdP's entity id.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub xml: String,
    pub url: Option<String>,
    pub entity_id: String,
}

/// The document of `source`, checked; a message naming the flag at fault.
pub async fn load(state: &AppState, source: &Source) -> Result<Loaded, String> {
    let (flag, xml, url) = match source {
        Source::Url(url) => (
            "--metadata-url",
            fetch(state, url).await?,
            Some(url.trim().to_owned()),
        ),
        Source::Text { flag, xml } => {
            if xml.len() > MAX_METADATA {
                return Err(format!("{flag}: larger than 1 MiB"));
            }
            if xml.trim().is_empty() {
                return Err(format!("{flag}: the metadata document is empty"));
            }
            (*flag, xml.clone(), None)
        }
    };
    let (descriptor, _, _) = read_metadata(&xml).map_err(|e| format!("{flag}: {e}"))?;
    Ok(Loaded {
        entity_id: descriptor.entity_id.unwrap_or_default(),
        xml,
        url,
    })
}

/// `GET url` under the outbound-call rules (SR-114): the body as text.
pub async fn fetch(state: &AppState, url: &str) -> Result<String, String> {
    let url = url.trim();
    crate::federation::upstream_url::check(
        "--metadata-url",
        url,
        state.config.oidc.allow_private_targets,
    )?;
    let out = outbound(state).map_err(|e| format!("--metadata-url: {}", e.detail()))?;
    let request = Request::builder()
        .method(Method::GET)
        .uri(url)
        .body(Vec::new())
        .map_err(|e| format!("--metadata-url: {e}"))?;
    let response = out.call(request).await.map_err(|e| {
        tracing::info!("saml metadata {url}: {e}");
        "--metadata-url: could not fetch the metadata (no answer, or an address the outbound rules refuse)".to_owned()
    })?;
    if !response.status().is_success() {
        return Err(format!("--metadata-url: HTTP {}", response.status()));
    }
    String::from_utf8(response.body().clone())
        .map_err(|_| "--metadata-url: the metadata is not UTF-8 text".into())
}

/// The `Input` of `provider create --kind saml`'s flags (the file read).
fn input_of(flags: &SamlFlags) -> Result<Input, String> {
    let source = match (&flags.metadata_url, &flags.metadata_file) {
        (Some(url), None) => Some(Source::Url(url.clone())),
        (None, Some(path)) => {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("--metadata-file {}: {e}", path.display()))?;
            if bytes.len() > MAX_METADATA {
                return Err("--metadata-file: larger than 1 MiB".into());
            }
            let xml = String::from_utf8(bytes)
                .map_err(|_| "--metadata-file: not UTF-8 text".to_owned())?;
            Some(Source::Text {
                flag: "--metadata-file",
                xml,
            })
        }
        _ => None,
    };
    Ok(Input {
        source,
        preset: flags.saml_preset.clone(),
        attribute_email: flags.attribute_email.clone(),
        attribute_name: flags.attribute_name.clone(),
        attribute_groups: flags.attribute_groups.clone(),
        allow_idp_initiated: flags.allow_idp_initiated,
    })
}

/// The settings and sealed-to-be SP key (PEM) of a new SAML provider, from
/// the flags of `provider create --kind saml`.
pub async fn prepare(
    state: &AppState,
    flags: &SamlFlags,
) -> Result<(SamlSettings, String), String> {
    prepare_input(state, input_of(flags)?).await
}

/// The settings and SP key (PEM) of a new SAML provider (the CLI, the
/// admin API and the console); a message naming the flag at fault.
pub async fn prepare_input(
    state: &AppState,
    input: Input,
) -> Result<(SamlSettings, String), String> {
    let Some(source) = &input.source else {
        return Err("--kind saml needs --metadata-url or --metadata-file".into());
    };
    let preset = input.preset.clone().filter(|p| !p.trim().is_empty());
    let defaults = preset_names(preset.as_deref())?;
    let loaded = load(state, source).await?;
    let [email, name, groups] = defaults;
    let (key, cert) = tokio::task::spawn_blocking(|| new_sp_key("Ostiary SAML SP"))
        .await
        .map_err(|e| format!("--kind saml: could not make the SP key: {e}"))?
        .map_err(|e| format!("--kind saml: could not make the SP key: {e}"))?;
    let settings = SamlSettings {
        metadata_url: loaded.url,
        idp_entity_id: loaded.entity_id,
        idp_metadata: loaded.xml,
        sp_certificate: cert,
        preset,
        attribute_email: input.attribute_email.or(email),
        attribute_name: input.attribute_name.or(name),
        attribute_groups: input.attribute_groups.or(groups),
        allow_idp_initiated: input.allow_idp_initiated,
    };
    saml_settings::check(Some(&settings))?;
    Ok((settings, key))
}

/// The email, name and groups attribute names of a preset (none: no
/// names), or which presets there are.
fn preset_names(preset: Option<&str>) -> Result<[Option<String>; 3], String> {
    match preset {
        Some(p) => Ok(PRESETS
            .iter()
            .find(|(name, _)| *name == p)
            .map(|(_, names)| *names)
            .ok_or("--saml-preset must be one of entra, okta, adfs, google")?
            .map(|n| Some(n.to_owned()))),
        None => Ok([None, None, None]),
    }
}

/// What `provider update` changes in a SAML provider's settings, checked
/// and its document loaded before the registry's write ([`Update::apply`]
/// runs inside it). The SP key and certificate are kept.
#[derive(Debug, Clone, Default)]
pub struct Update {
    document: Option<Loaded>,
    preset: Option<String>,
    attribute_email: Option<String>,
    attribute_name: Option<String>,
    attribute_groups: Option<String>,
    allow_idp_initiated: Option<bool>,
}

impl Update {
    /// The change `flags` ask for (`idp_initiated_off`:
    /// `--no-idp-initiated` turns it off); a message naming the flag at
    /// fault.
    pub async fn of_flags(
        state: &AppState,
        flags: &SamlFlags,
        idp_initiated_off: bool,
    ) -> Result<Self, String> {
        let input = input_of(flags)?;
        let preset = input.preset.clone().filter(|p| !p.trim().is_empty());
        let names = preset_names(preset.as_deref())?;
        let document = match &input.source {
            Some(source) => Some(load(state, source).await?),
            None => None,
        };
        let [email, name, groups] = names;
        Ok(Self {
            document,
            preset,
            attribute_email: input.attribute_email.or(email),
            attribute_name: input.attribute_name.or(name),
            attribute_groups: input.attribute_groups.or(groups),
            allow_idp_initiated: match (input.allow_idp_initiated, idp_initiated_off) {
                (true, _) => Some(true),
                (false, true) => Some(false),
                (false, false) => None,
            },
        })
    }

    /// Apply to the provider's current settings.
    pub fn apply(self, s: &mut SamlSettings) {
        if let Some(d) = self.document {
            s.metadata_url = d.url;
            s.idp_entity_id = d.entity_id;
            s.idp_metadata = d.xml;
        }
        if self.preset.is_some() {
            s.preset = self.preset;
        }
        for (slot, value) in [
            (&mut s.attribute_email, self.attribute_email),
            (&mut s.attribute_name, self.attribute_name),
            (&mut s.attribute_groups, self.attribute_groups),
        ] {
            if value.is_some() {
                *slot = value;
            }
        }
        if let Some(on) = self.allow_idp_initiated {
            s.allow_idp_initiated = on;
        }
    }
}

/// `current` with the IdP metadata of `source` instead (checked like at
/// creation); the SP key and certificate and the attributes are kept.
pub async fn replace(
    state: &AppState,
    current: &SamlSettings,
    source: &Source,
) -> Result<SamlSettings, String> {
    let loaded = load(state, source).await?;
    Ok(SamlSettings {
        metadata_url: loaded.url,
        idp_entity_id: loaded.entity_id,
        idp_metadata: loaded.xml,
        ..current.clone()
    })
}

/// A fresh SP key (PKCS#8 PEM) and its self-signed certificate (PEM).
fn new_sp_key(entity: &str) -> Result<(String, String), openssl::error::ErrorStack> {
    let rsa = Rsa::generate(2048)?;
    let key = PKey::from_rsa(rsa)?;
    let mut name = X509NameBuilder::new()?;
    // CN is at most 64 characters: the entity id is in the metadata anyway.
    name.append_entry_by_text("CN", &entity.chars().take(64).collect::<String>())?;
    let name = name.build();
    let mut serial = BigNum::new()?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
    let mut cert = X509::builder()?;
    cert.set_version(2)?;
    let serial = serial.to_asn1_integer()?;
    cert.set_serial_number(&serial)?;
    cert.set_subject_name(&name)?;
    cert.set_issuer_name(&name)?;
    cert.set_pubkey(&key)?;
    cert.set_not_before(&*Asn1Time::days_from_now(0)?)?;
    cert.set_not_after(&*Asn1Time::days_from_now(3650)?)?;
    cert.sign(&key, MessageDigest::sha256())?;
    let cert = cert.build();
    // PEM is ASCII.
    let key_pem = String::from_utf8_lossy(&key.private_key_to_pem_pkcs8()?).into_owned();
    let cert_pem = String::from_utf8_lossy(&cert.to_pem()?).into_owned();
    Ok((key_pem, cert_pem))
}

/// A signing certificate of the IdP: its SHA-256 fingerprint (hex) and
/// when it expires (`None`: unreadable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub sha256: String,
    pub not_after: Option<DateTime<Utc>>,
}

/// What "test connection" reads from a metadata document, each part on
/// its own: `None`/empty where the document lacks it.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub entity_id: Option<String>,
    /// The HTTP-Redirect SingleSignOnService location.
    pub sso: Option<String>,
    /// The signing certificates (`Err`: present but unreadable).
    pub certificates: Result<Vec<Certificate>, ()>,
}

/// The document parsed as SAML metadata, or why not (DTD, not XML, not an
/// EntityDescriptor).
pub fn inspect(xml: &str) -> Result<Inspection, String> {
    plain_xml(xml)?;
    let descriptor = EntityDescriptor::from_str(xml)
        .map_err(|e| format!("the IdP metadata is not a SAML EntityDescriptor: {e}"))?;
    let sp = ServiceProvider {
        idp_metadata: descriptor.clone(),
        ..ServiceProvider::default()
    };
    let certificates = match sp.idp_signing_certs() {
        Ok(found) => Ok(found
            .unwrap_or_default()
            .iter()
            .map(|c| certificate(c.der_data()))
            .collect()),
        Err(e) => {
            tracing::info!("saml metadata: signing certificate: {e}");
            Err(())
        }
    };
    Ok(Inspection {
        entity_id: descriptor.entity_id.clone().filter(|e| !e.is_empty()),
        sso: sp.sso_binding_location(HTTP_REDIRECT_BINDING),
        certificates,
    })
}

fn certificate(der: &[u8]) -> Certificate {
    let sha256 = openssl::hash::hash(MessageDigest::sha256(), der)
        .map(|d| d.iter().map(|b| format!("{b:02x}")).collect())
        .unwrap_or_default();
    let not_after = X509::from_der(der).ok().and_then(|x| {
        let epoch = Asn1Time::from_unix(0).ok()?;
        let diff = epoch.diff(x.not_after()).ok()?;
        DateTime::from_timestamp(i64::from(diff.days) * 86_400 + i64::from(diff.secs), 0)
    });
    Certificate { sha256, not_after }
}

/// The SHA-256 fingerprints of the signing certificates of a stored
/// document (for the audit log of a refresh).
pub fn fingerprints(xml: &str) -> Vec<String> {
    inspect(xml)
        .ok()
        .and_then(|i| i.certificates.ok())
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.sha256)
        .collect()
}
