//! "Test connection" (S8): check a provider's upstream step by step, the
//! way sign-in will use it, and say which step failed and why in words an
//! administrator can act on. OIDC kinds: the issuer's discovery document
//! is fetched and read, names the configured issuer (for a multi-tenant
//! Entra authority, its template), names usable authorization and token
//! endpoints, and its key set is reachable and holds keys. GitHub: its API
//! and its web address answer. LDAP: the address answers, TLS is set up
//! and verified, the service account binds, the base DNs exist. Every call goes through [`Outbound`] (the
//! outbound-call rules, SR-114) with no cache, so a fixed upstream shows at
//! once; disabled providers can be tested before they are turned on.
//!
//! A report names steps and stable reasons, with a detail only when it is
//! the upstream's own word (an HTTP status, the issuer its document names);
//! what went wrong inside (connection errors) goes to the log.

use openidconnect::core::{CoreJsonWebKeySet, CoreProviderMetadata};
use openidconnect::http::{Method, Request, header};
use serde::Serialize;

use crate::error::AppError;
use crate::federation::outbound::{Outbound, OutboundError};
use crate::federation::registry::ProviderView;
use crate::federation::spec::Settings;
use crate::federation::{Kind, entra, upstream_url};
use crate::state::AppState;

/// One step of a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The issuer's discovery document was fetched and read.
    Discovery,
    /// The document names the configured issuer.
    Issuer,
    /// It names usable authorization and token endpoints.
    Endpoints,
    /// Its key set (`jwks_uri`) answers and holds keys.
    Keys,
    /// GitHub's API answers.
    Api,
    /// GitHub's web address (where people authorize) answers.
    Web,
    /// The kind can be tested at all.
    Kind,
    /// LDAP: the directory's address accepts a connection.
    Connect,
    /// LDAP: TLS (LDAPS or StartTLS) is set up and its certificate verified.
    Tls,
    /// LDAP: the service account binds.
    ServiceBind,
    /// LDAP: the user (and group) base DNs exist.
    SearchBase,
    /// SAML: the IdP metadata was fetched from its URL now (or, given as a
    /// document, the stored one) and reads as SAML metadata.
    Metadata,
    /// SAML: it names the stored IdP entity id.
    EntityId,
    /// SAML: it holds a readable signing certificate, not expired
    /// (`detail`: days left; reason `certificate_expires_soon` under 30).
    SigningCertificate,
    /// SAML: it names an HTTP-Redirect SingleSignOnService (`detail`).
    SsoEndpoint,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Discovery => "discovery",
            Self::Issuer => "issuer",
            Self::Endpoints => "endpoints",
            Self::Keys => "keys",
            Self::Api => "api",
            Self::Web => "web",
            Self::Kind => "kind",
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::ServiceBind => "service_bind",
            Self::SearchBase => "search_base",
            Self::Metadata => "metadata",
            Self::EntityId => "entity_id",
            Self::SigningCertificate => "signing_certificate",
            Self::SsoEndpoint => "sso_endpoint",
        }
    }

    pub const ALL: [Step; 15] = [
        Self::Discovery,
        Self::Issuer,
        Self::Endpoints,
        Self::Keys,
        Self::Api,
        Self::Web,
        Self::Kind,
        Self::Connect,
        Self::Tls,
        Self::ServiceBind,
        Self::SearchBase,
        Self::Metadata,
        Self::EntityId,
        Self::SigningCertificate,
        Self::SsoEndpoint,
    ];
}

/// How a step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    /// Not tried: a step it needs failed.
    Skipped,
}

/// Why a step failed (or was skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No answer: the name does not resolve, nothing listens, or it took
    /// too long.
    Unreachable,
    /// The outbound rules refuse the address (private, or not https).
    RefusedAddress,
    /// An error status (`detail`: the status).
    HttpStatus,
    /// The answer is larger than an upstream's answer may be.
    TooLarge,
    /// Not a discovery document (or not a key set).
    NotADocument,
    /// The document names another issuer (`detail`: the one it names).
    IssuerMismatch,
    /// The document names no token endpoint.
    NoTokenEndpoint,
    /// An endpoint the outbound rules refuse (private, or not https).
    EndpointRefused,
    /// The key set holds no key.
    NoKeys,
    /// The address does not answer like GitHub's API.
    NotAnApi,
    /// A setting the test needs is missing.
    NotConfigured,
    /// This kind cannot be tested (yet).
    Unsupported,
    /// Skipped: an earlier step failed.
    EarlierStepFailed,
    /// LDAP: the TLS handshake or certificate check failed (or the
    /// directory does not speak LDAP there).
    TlsFailed,
    /// LDAP: the directory refused the service account's bind.
    BindRefused,
    /// LDAP: a base DN names no entry the service account can read.
    BaseNotFound,
    /// SAML: the metadata names another entity id (`detail`: that one).
    EntityIdMismatch,
    /// SAML: the metadata holds no signing certificate.
    NoCertificate,
    /// SAML: a signing certificate cannot be read.
    CertificateUnreadable,
    /// SAML: the signing certificate has expired (`detail`: when).
    CertificateExpired,
    /// SAML, on a passed step: the signing certificate expires in less
    /// than 30 days (`detail`: days left) — a warning.
    CertificateExpiresSoon,
    /// SAML: the metadata names no HTTP-Redirect SingleSignOnService.
    NoSsoEndpoint,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unreachable => "unreachable",
            Self::RefusedAddress => "refused_address",
            Self::HttpStatus => "http_status",
            Self::TooLarge => "too_large",
            Self::NotADocument => "not_a_document",
            Self::IssuerMismatch => "issuer_mismatch",
            Self::NoTokenEndpoint => "no_token_endpoint",
            Self::EndpointRefused => "endpoint_refused",
            Self::NoKeys => "no_keys",
            Self::NotAnApi => "not_an_api",
            Self::NotConfigured => "not_configured",
            Self::Unsupported => "unsupported",
            Self::EarlierStepFailed => "earlier_step_failed",
            Self::TlsFailed => "tls_failed",
            Self::BindRefused => "bind_refused",
            Self::BaseNotFound => "base_not_found",
            Self::EntityIdMismatch => "entity_id_mismatch",
            Self::NoCertificate => "no_certificate",
            Self::CertificateUnreadable => "certificate_unreadable",
            Self::CertificateExpired => "certificate_expired",
            Self::CertificateExpiresSoon => "certificate_expires_soon",
            Self::NoSsoEndpoint => "no_sso_endpoint",
        }
    }

    pub const ALL: [Reason; 22] = [
        Self::Unreachable,
        Self::RefusedAddress,
        Self::HttpStatus,
        Self::TooLarge,
        Self::NotADocument,
        Self::IssuerMismatch,
        Self::NoTokenEndpoint,
        Self::EndpointRefused,
        Self::NoKeys,
        Self::NotAnApi,
        Self::NotConfigured,
        Self::Unsupported,
        Self::EarlierStepFailed,
        Self::TlsFailed,
        Self::BindRefused,
        Self::BaseNotFound,
        Self::EntityIdMismatch,
        Self::NoCertificate,
        Self::CertificateUnreadable,
        Self::CertificateExpired,
        Self::CertificateExpiresSoon,
        Self::NoSsoEndpoint,
    ];
}

/// One step's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Check {
    pub step: Step,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The upstream's own word, when it helps: an HTTP status, the issuer
    /// its document names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Check {
    fn passed(step: Step) -> Self {
        Self {
            step,
            status: Status::Passed,
            reason: None,
            detail: None,
        }
    }

    fn failed(step: Step, why: Failure) -> Self {
        Self {
            step,
            status: Status::Failed,
            reason: Some(why.reason),
            detail: why.detail,
        }
    }

    fn skipped(step: Step) -> Self {
        Self {
            step,
            status: Status::Skipped,
            reason: Some(Reason::EarlierStepFailed),
            detail: None,
        }
    }

    pub fn passed_ok(&self) -> bool {
        self.status == Status::Passed
    }
}

/// What a test found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// Every step passed.
    pub ok: bool,
    pub checks: Vec<Check>,
    /// The issuer the discovery document names (OIDC kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    /// How many keys the key set holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks_keys: Option<usize>,
    /// SAML: days until the IdP's signing certificate expires (the
    /// longest-lived one when it publishes several).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_days_left: Option<i64>,
    /// The redirect URI to register upstream.
    pub callback_url: String,
}

/// A failed step's reason and detail.
struct Failure {
    reason: Reason,
    detail: Option<String>,
}

impl Failure {
    fn bare(reason: Reason) -> Self {
        Self {
            reason,
            detail: None,
        }
    }
}

/// An upstream's answer.
struct Answer {
    status: u16,
    json: bool,
    body: Vec<u8>,
}

impl Answer {
    fn success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The error status as a failure.
    fn status_failure(&self) -> Failure {
        Failure {
            reason: Reason::HttpStatus,
            detail: Some(self.status.to_string()),
        }
    }
}

/// Whether an outbound error came from the resolver refusing private
/// addresses (the rules, not the network).
fn refused_by_resolver(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.to_string().contains("resolves only to private addresses") {
            return true;
        }
        cause = c.source();
    }
    false
}

/// `GET url` through the outbound rules.
async fn get(out: &Outbound, id: &str, url: &str, accept: &str) -> Result<Answer, Failure> {
    let request = Request::builder()
        .method(Method::GET)
        .uri(url)
        .header(header::ACCEPT, accept)
        .body(Vec::new())
        .map_err(|e| {
            tracing::info!(provider = %id, "test connection: {url}: {e}");
            Failure::bare(Reason::RefusedAddress)
        })?;
    let response = out.call(request).await.map_err(|e| {
        tracing::info!(provider = %id, "test connection: {url}: {e}");
        Failure::bare(match &e {
            OutboundError::Refused(_) => Reason::RefusedAddress,
            OutboundError::TooLarge => Reason::TooLarge,
            OutboundError::Request(inner) if refused_by_resolver(inner) => Reason::RefusedAddress,
            OutboundError::Request(_) | OutboundError::Http(_) => Reason::Unreachable,
        })
    })?;
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    Ok(Answer {
        status: response.status().as_u16(),
        json,
        body: response.into_body(),
    })
}

/// The discovery document's address of `issuer` (OIDC Discovery §4).
fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// Test the provider `view` (already found in the caller's reach).
pub async fn run(state: &AppState, view: &ProviderView) -> Result<Report, AppError> {
    let out = Outbound::new(state.config.oidc.allow_private_targets)?;
    let mut report = Report {
        ok: false,
        checks: Vec::new(),
        issuer: None,
        authorization_endpoint: None,
        token_endpoint: None,
        userinfo_endpoint: None,
        jwks_keys: None,
        certificate_days_left: None,
        callback_url: view.callback_url.clone(),
    };
    let allow_private = state.config.oidc.allow_private_targets;
    match view.kind {
        k if k.is_oidc() => oidc(&out, &view.id, &view.settings, allow_private, &mut report).await,
        Kind::Github => github(&out, &view.id, &view.settings, &mut report).await,
        Kind::Ldap => ldap(state, view, &mut report).await,
        #[cfg(feature = "saml")]
        Kind::Saml => saml(state, &out, view, &mut report).await,
        _ => report.checks.push(Check::failed(
            Step::Kind,
            Failure::bare(Reason::Unsupported),
        )),
    }
    report.ok = report.checks.iter().all(Check::passed_ok);
    Ok(report)
}

/// Days under which an IdP signing certificate is reported as expiring
/// soon.
#[cfg(feature = "saml")]
const CERTIFICATE_WARNING_DAYS: i64 = 30;

/// SAML: metadata (fetched now from its URL, or the stored document),
/// entity id, signing certificate, SSO endpoint.
#[cfg(feature = "saml")]
async fn saml(state: &AppState, out: &Outbound, view: &ProviderView, report: &mut Report) {
    use crate::federation::saml_metadata;
    let later = [Step::EntityId, Step::SigningCertificate, Step::SsoEndpoint];
    let Some(s) = view.settings.saml.as_ref() else {
        record(
            report,
            Step::Metadata,
            Err(Failure::bare(Reason::NotConfigured)),
        );
        report.checks.extend(later.map(Check::skipped));
        return;
    };
    let xml = match &s.metadata_url {
        None => Ok(s.idp_metadata.clone()),
        Some(url) => get(
            out,
            &view.id,
            url,
            "application/samlmetadata+xml, application/xml, text/xml",
        )
        .await
        .and_then(|a| {
            if !a.success() {
                return Err(a.status_failure());
            }
            String::from_utf8(a.body).map_err(|_| Failure::bare(Reason::NotADocument))
        }),
    };
    let inspection = xml.and_then(|xml| {
        saml_metadata::inspect(&xml).map_err(|e| {
            tracing::info!(provider = %view.id, "test connection: metadata: {e}");
            Failure::bare(Reason::NotADocument)
        })
    });
    let inspection = match inspection {
        Ok(i) => i,
        Err(why) => {
            record(report, Step::Metadata, Err(why));
            report.checks.extend(later.map(Check::skipped));
            return;
        }
    };
    record(report, Step::Metadata, Ok(()));
    let entity = match &inspection.entity_id {
        Some(e) if *e == s.idp_entity_id => Ok(()),
        named => Err(Failure {
            reason: Reason::EntityIdMismatch,
            detail: named.as_ref().map(|e| e.chars().take(300).collect()),
        }),
    };
    record(report, Step::EntityId, entity);
    let now = state.now();
    match &inspection.certificates {
        Err(()) => {
            record(
                report,
                Step::SigningCertificate,
                Err(Failure::bare(Reason::CertificateUnreadable)),
            );
        }
        Ok(certs) if certs.is_empty() => {
            record(
                report,
                Step::SigningCertificate,
                Err(Failure::bare(Reason::NoCertificate)),
            );
        }
        Ok(certs) => {
            let expiries: Option<Vec<_>> = certs.iter().map(|c| c.not_after).collect();
            match expiries.and_then(|e| e.into_iter().max()) {
                None => {
                    record(
                        report,
                        Step::SigningCertificate,
                        Err(Failure::bare(Reason::CertificateUnreadable)),
                    );
                }
                Some(until) if until <= now => {
                    report.certificate_days_left = Some(0);
                    record(
                        report,
                        Step::SigningCertificate,
                        Err(Failure {
                            reason: Reason::CertificateExpired,
                            detail: Some(until.format("%Y-%m-%d").to_string()),
                        }),
                    );
                }
                Some(until) => {
                    let days = (until - now).num_days();
                    report.certificate_days_left = Some(days);
                    report.checks.push(Check {
                        reason: (days < CERTIFICATE_WARNING_DAYS)
                            .then_some(Reason::CertificateExpiresSoon),
                        detail: Some(days.to_string()),
                        ..Check::passed(Step::SigningCertificate)
                    });
                }
            }
        }
    }
    let sso = match &inspection.sso {
        Some(location) => {
            report.checks.push(Check {
                detail: Some(location.chars().take(300).collect()),
                ..Check::passed(Step::SsoEndpoint)
            });
            return;
        }
        None => Err(Failure::bare(Reason::NoSsoEndpoint)),
    };
    record(report, Step::SsoEndpoint, sso);
}

/// Record `step` as passed or failed; whether it passed.
/// LDAP: connect, TLS, service bind, search bases — each step reported,
/// the directory's own words only in the log.
async fn ldap(state: &AppState, view: &ProviderView, report: &mut Report) {
    use crate::federation::ldap::client::Directory;
    let later = [Step::Tls, Step::ServiceBind, Step::SearchBase];
    let sealed = if view.has_secret {
        let id = view.id.clone();
        match state
            .db
            .run(move |conn| crate::store::providers::find(conn, &id))
            .await
        {
            Ok(row) => row.and_then(|r| r.secret),
            Err(e) => {
                tracing::warn!(provider = %view.id, "test connection: {e}");
                None
            }
        }
    } else {
        None
    };
    let directory = match crate::federation::ldap::sign_in::directory_of(
        state,
        &view.id,
        view.settings.clone(),
        sealed.as_deref(),
    ) {
        Ok(d) => d,
        Err(e) => {
            tracing::info!(provider = %view.id, "test connection: {}", e.detail());
            record(
                report,
                Step::Connect,
                Err(Failure::bare(Reason::NotConfigured)),
            );
            report.checks.extend(later.map(Check::skipped));
            return;
        }
    };
    let log = |step: &str, e: &dyn std::fmt::Display| {
        tracing::info!(provider = %view.id, "test connection: {step}: {e}");
    };
    if let Err(e) = directory.reach().await {
        log("connect", &e.detail());
        record(
            report,
            Step::Connect,
            Err(Failure::bare(Reason::Unreachable)),
        );
        report.checks.extend(later.map(Check::skipped));
        return;
    }
    record(report, Step::Connect, Ok(()));
    let mut conn = match directory.connect().await {
        Ok(c) => c,
        Err(e) => {
            log("tls", &e.detail());
            record(report, Step::Tls, Err(Failure::bare(Reason::TlsFailed)));
            report
                .checks
                .extend(later[1..].iter().copied().map(Check::skipped));
            return;
        }
    };
    if directory.settings.is_tls() {
        record(report, Step::Tls, Ok(()));
    } else {
        report.checks.push(Check {
            detail: Some("plaintext (--allow-plaintext)".into()),
            ..Check::passed(Step::Tls)
        });
    }
    if directory.settings.bind_dn.is_none() {
        report.checks.push(Check {
            detail: Some("direct bind: no service account".into()),
            ..Check::passed(Step::ServiceBind)
        });
    } else if let Err(e) = directory.service_bind(&mut conn).await {
        log("service bind", &e.detail());
        record(
            report,
            Step::ServiceBind,
            Err(Failure::bare(Reason::BindRefused)),
        );
        report.checks.push(Check::skipped(Step::SearchBase));
        let _ = conn.unbind().await;
        return;
    } else {
        record(report, Step::ServiceBind, Ok(()));
    }
    let bases: Vec<&String> = [
        &directory.settings.user_base_dn,
        &directory.settings.group_base_dn,
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut outcome = Ok(());
    for base in bases {
        match Directory::base_exists(&mut conn, base).await {
            Ok(true) => {}
            Ok(false) => {
                outcome = Err(Failure {
                    reason: Reason::BaseNotFound,
                    detail: Some(base.chars().take(300).collect()),
                });
                break;
            }
            Err(e) => {
                log("search base", &e.detail());
                outcome = Err(Failure::bare(Reason::Unreachable));
                break;
            }
        }
    }
    record(report, Step::SearchBase, outcome);
    let _ = conn.unbind().await;
}

fn record(report: &mut Report, step: Step, outcome: Result<(), Failure>) -> bool {
    match outcome {
        Ok(()) => {
            report.checks.push(Check::passed(step));
            true
        }
        Err(why) => {
            report.checks.push(Check::failed(step, why));
            false
        }
    }
}

async fn oidc(
    out: &Outbound,
    id: &str,
    settings: &Settings,
    allow_private: bool,
    report: &mut Report,
) {
    let later = [Step::Issuer, Step::Endpoints, Step::Keys];
    let Some(issuer) = settings.issuer.as_deref() else {
        record(
            report,
            Step::Discovery,
            Err(Failure::bare(Reason::NotConfigured)),
        );
        report.checks.extend(later.map(Check::skipped));
        return;
    };
    let document = match discover(out, id, issuer).await {
        Ok(doc) => doc,
        Err(why) => {
            record(report, Step::Discovery, Err(why));
            report.checks.extend(later.map(Check::skipped));
            return;
        }
    };
    record(report, Step::Discovery, Ok(()));
    let named = document.issuer().as_str().to_owned();
    let same = match entra::multi_tenant(settings) {
        Some(authority) => entra::names_template(authority, &named),
        None => named == issuer,
    };
    let mismatch = Failure {
        reason: Reason::IssuerMismatch,
        detail: Some(named.chars().take(300).collect()),
    };
    record(
        report,
        Step::Issuer,
        if same { Ok(()) } else { Err(mismatch) },
    );
    report.issuer = Some(named);

    let authorization = document.authorization_endpoint().as_str().to_owned();
    let token = document.token_endpoint().map(|u| u.as_str().to_owned());
    let endpoints = match &token {
        None => Err(Failure::bare(Reason::NoTokenEndpoint)),
        Some(token) => [authorization.as_str(), token.as_str()]
            .into_iter()
            .try_for_each(|url| upstream_url::check_target(url, allow_private))
            .map_err(|e| {
                tracing::info!(provider = %id, "test connection: endpoint: {e}");
                Failure::bare(Reason::EndpointRefused)
            }),
    };
    record(report, Step::Endpoints, endpoints);
    report.authorization_endpoint = Some(authorization);
    report.token_endpoint = token;
    report.userinfo_endpoint = document.userinfo_endpoint().map(|u| u.as_str().to_owned());

    let keys = keys(out, id, document.jwks_uri().url().as_str()).await;
    let counted = keys.as_ref().ok().copied();
    record(
        report,
        Step::Keys,
        keys.and_then(|n| match n {
            0 => Err(Failure::bare(Reason::NoKeys)),
            _ => Ok(()),
        }),
    );
    report.jwks_keys = counted;
}

/// The issuer's discovery document.
async fn discover(out: &Outbound, id: &str, issuer: &str) -> Result<CoreProviderMetadata, Failure> {
    let answer = get(out, id, &discovery_url(issuer), "application/json").await?;
    if !answer.success() {
        return Err(answer.status_failure());
    }
    serde_json::from_slice(&answer.body).map_err(|e| {
        tracing::info!(provider = %id, "test connection: discovery document: {e}");
        Failure::bare(Reason::NotADocument)
    })
}

/// How many keys the key set at `url` holds.
async fn keys(out: &Outbound, id: &str, url: &str) -> Result<usize, Failure> {
    let answer = get(out, id, url, "application/json").await?;
    if !answer.success() {
        return Err(answer.status_failure());
    }
    let set: CoreJsonWebKeySet = serde_json::from_slice(&answer.body).map_err(|e| {
        tracing::info!(provider = %id, "test connection: key set: {e}");
        Failure::bare(Reason::NotADocument)
    })?;
    Ok(set.keys().len())
}

async fn github(out: &Outbound, id: &str, settings: &Settings, report: &mut Report) {
    let (Some(api), Some(web)) = (settings.api_url.as_deref(), settings.web_url.as_deref()) else {
        record(report, Step::Api, Err(Failure::bare(Reason::NotConfigured)));
        report.checks.push(Check::skipped(Step::Web));
        return;
    };
    // `/meta` is public on github.com; an Enterprise Server in private
    // mode asks for a sign-in first (401/403 in JSON): reached either way.
    let api_answer = get(
        out,
        id,
        &format!("{api}/meta"),
        "application/vnd.github+json",
    )
    .await
    .and_then(|a| match a.status {
        _ if !a.json && (a.success() || matches!(a.status, 401 | 403)) => {
            Err(Failure::bare(Reason::NotAnApi))
        }
        _ if a.success() || matches!(a.status, 401 | 403) => Ok(()),
        _ => Err(a.status_failure()),
    });
    record(report, Step::Api, api_answer);
    // The authorization page answers (a redirect to sign in, or a refusal
    // of the empty request: anything but a server error).
    let web_answer = get(
        out,
        id,
        &format!("{web}/login/oauth/authorize"),
        "text/html",
    )
    .await
    .and_then(|a| {
        if a.status < 500 {
            Ok(())
        } else {
            Err(a.status_failure())
        }
    });
    record(report, Step::Web, web_answer);
}

#[cfg(test)]
mod tests {
    use super::{Reason, Step, discovery_url};

    #[test]
    fn the_discovery_address_follows_the_issuer() {
        assert_eq!(
            discovery_url("https://idp.example.com"),
            "https://idp.example.com/.well-known/openid-configuration"
        );
        assert_eq!(
            discovery_url("https://idp.example.com/tenant/"),
            "https://idp.example.com/tenant/.well-known/openid-configuration"
        );
    }

    #[test]
    fn steps_and_reasons_serialize_as_they_are_named() {
        for step in Step::ALL {
            assert_eq!(
                serde_json::to_value(step).unwrap(),
                serde_json::json!(step.as_str())
            );
        }
        for reason in Reason::ALL {
            assert_eq!(
                serde_json::to_value(reason).unwrap(),
                serde_json::json!(reason.as_str())
            );
        }
    }
}
