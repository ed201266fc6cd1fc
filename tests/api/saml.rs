//! SAML 2.0 sign-in (S7, SR-120…SR-123) against a real IdP: pysaml2 7.5.5
//! (peers guide §3) run by `tests/saml/idp.py`, its responses signed with
//! rsa-sha256 by xmlsec1. The browser starts at the login page's button,
//! is sent to the IdP with a signed AuthnRequest, and posts the IdP's
//! auto-submitted form to our ACS like a browser would (cross-site: only
//! the `SameSite=None` binding cookie comes along). Every refusal ends on
//! our own page and signs nobody in.

use std::process::Stdio;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, BufReader};

use ostiary::federation::Kind;
use ostiary::federation::registry::{self, ProviderView, Reach};
use ostiary::federation::saml_settings::SamlFlags;
use ostiary::federation::spec::ProviderSpec;

use crate::helpers::{
    Backend, Browser, TestApp, browser_peer, hidden_input, peer_available, run_in_chromium,
    unescape,
};

crate::on_all_backends!(
    saml_sign_in_against_pysaml2,
    saml_provider_from_the_cli,
    saml_encrypted_assertions,
    saml_idp_initiated_switch,
    saml_single_logout,
    saml_single_logout_after_a_second_factor
);

const POST_COOKIE: &str = "__Host-ostiary_fed_post";

pub(crate) fn saml_peer() -> bool {
    let pysaml2 = std::process::Command::new("python3")
        .args(["-c", "import saml2"])
        .output()
        .is_ok_and(|o| o.status.success());
    let xmlsec = std::path::Path::new("/usr/bin/xmlsec1").exists();
    peer_available(
        "pysaml2 + xmlsec1",
        pysaml2 && xmlsec,
        "apt-get install xmlsec1; pip install pysaml2==7.5.5",
    )
}

/// The IdP, stopped when dropped.
pub(crate) struct Idp {
    base: String,
    pub(crate) metadata_url: String,
    _child: tokio::process::Child,
    _stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

pub(crate) async fn idp() -> Idp {
    let port = crate::federated_login::free_port();
    let mut child = tokio::process::Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/saml/idp.py"))
        .arg(port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(std::time::Duration::from_secs(120), lines.next_line())
        .await
        .expect("the IdP starts")
        .unwrap()
        .unwrap();
    let started: serde_json::Value = serde_json::from_str(&first).unwrap();
    Idp {
        base: format!("http://127.0.0.1:{port}"),
        metadata_url: started["metadata_url"].as_str().unwrap().to_owned(),
        _child: child,
        _stdout: lines,
    }
}

impl Idp {
    pub(crate) async fn mode(&self, mode: &str, user: &str) {
        let res = reqwest::get(format!("{}/mode?v={mode}&user={user}", self.base))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "mode {mode}");
    }
}

async fn provider(app: &TestApp, idp: &Idp) -> ProviderView {
    provider_with(app, idp, false).await
}

async fn provider_with(app: &TestApp, idp: &Idp, allow_idp_initiated: bool) -> ProviderView {
    let flags = SamlFlags {
        metadata_url: Some(idp.metadata_url.clone()),
        allow_idp_initiated,
        ..SamlFlags::default()
    };
    let (settings, key) = ostiary::federation::saml_metadata::prepare(&app.state, &flags)
        .await
        .unwrap();
    let spec = ProviderSpec {
        name: "Corp SAML".into(),
        jit: true,
        enabled: true,
        trust_email: true,
        saml: Some(settings),
        ..ProviderSpec::default()
    };
    registry::create(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        &Reach::global(),
        Kind::Saml,
        spec,
        Some(key),
    )
    .await
    .unwrap()
    .unwrap()
}

/// One round to the IdP: start at our button, follow the redirect to the
/// IdP, and read the form it auto-submits: (ACS path, SAMLResponse XML,
/// RelayState).
pub(crate) async fn round(
    app: &TestApp,
    b: &mut Browser,
    provider: &str,
) -> (String, String, String) {
    let res = b
        .get(&format!("/login/providers/{provider}?return_to=%2Faccount"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(b.cookies.contains_key(POST_COOKIE), "{:?}", b.cookies);
    let sso = res.location().to_owned();
    for part in ["SAMLRequest=", "RelayState=", "SigAlg=", "Signature="] {
        assert!(sso.contains(part), "{part}: {sso}");
    }
    assert!(sso.contains("rsa-sha256"), "{sso}");
    let page = reqwest::get(&sso).await.unwrap();
    let status = page.status();
    let html = page.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "the IdP: {html}");
    let action = unescape(
        html.split("action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the IdP's form"),
    );
    let acs = action
        .strip_prefix(&app.base)
        .unwrap_or_else(|| panic!("ACS {action} is ours ({})", app.base))
        .to_owned();
    let response = hidden_input(&html, "SAMLResponse").expect(&html);
    let relay = unescape(&hidden_input(&html, "RelayState").unwrap());
    let xml = String::from_utf8(STANDARD.decode(response).unwrap()).unwrap();
    (acs, xml, relay)
}

pub(crate) async fn post(
    b: &mut Browser,
    acs: &str,
    xml: &str,
    relay: &str,
) -> crate::helpers::Page {
    let encoded = STANDARD.encode(xml.as_bytes());
    b.post_form(acs, &[("SAMLResponse", &encoded), ("RelayState", relay)])
        .await
}

/// The whole `<…:Assertion …>…</…:Assertion>` element of `xml`.
fn assertion_span(xml: &str) -> (usize, usize) {
    let open = xml.find(":Assertion ").expect("an assertion");
    let start = xml[..open].rfind('<').unwrap();
    let close = xml.rfind(":Assertion>").unwrap() + ":Assertion>".len();
    (start, close)
}

/// A refused response: our page (4xx, never 5xx), nobody signed in.
async fn refused(app: &TestApp, b: &mut Browser, acs: &str, xml: &str, relay: &str, what: &str) {
    let res = post(b, acs, xml, relay).await;
    assert!(
        res.status.is_client_error(),
        "{what}: {} {}",
        res.status,
        res.body
    );
    assert!(
        res.body.contains("/login"),
        "{what}: a way back: {}",
        res.body
    );
    assert!(b.session_cookie().is_none(), "{what}: signed in");
    let _ = app;
}

async fn saml_sign_in_against_pysaml2(backend: Backend) {
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let app =
        TestApp::spawn_for_browser_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let provider = provider(&app, &idp).await;
    let base = app.base.clone();

    // Our SP metadata: entity id, ACS (HTTP-POST), signing certificate,
    // single-logout endpoint (HTTP-Redirect).
    let mut b = app.browser();
    let metadata = b.get(&format!("/saml/{}/metadata", provider.id)).await;
    assert_eq!(metadata.status, StatusCode::OK);
    for part in [
        format!("entityID=\"{base}/saml/{}\"", provider.id),
        format!("Location=\"{base}/saml/{}/acs\"", provider.id),
        "X509Certificate".to_owned(),
        "AuthnRequestsSigned=\"true\"".to_owned(),
    ] {
        assert!(metadata.body.contains(&part), "{part}: {}", metadata.body);
    }
    assert!(metadata.body.contains("SingleLogoutService"));
    assert!(
        metadata
            .body
            .contains(&format!("Location=\"{base}/saml/{}/slo\"", provider.id)),
        "{}",
        metadata.body
    );
    assert!(!metadata.body.contains("-cbc"), "SR-123: {}", metadata.body);

    // The login page offers the provider.
    let login = b.get("/login?return_to=%2Faccount").await;
    assert!(login.body.contains("Corp SAML"), "{}", login.body);
    assert!(
        login
            .body
            .contains(&format!("/login/providers/{}", provider.id))
    );

    // The AuthnRequest ID carries at least 128 random bits: two starts
    // never share it (the ID itself is `_` + 43 base64url characters).
    // Signed assertion (SR-120): signed in, created just in time, amr fed.
    idp.mode("signed", "alice").await;
    let (acs, xml, relay) = round(&app, &mut b, &provider.id).await;
    assert_eq!(acs, format!("/saml/{}/acs", provider.id));
    let request_id = xml
        .split("InResponseTo=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    assert!(request_id.len() >= 23, "{request_id}");

    // Another browser (no binding cookie) cannot use it (SR-121), and the
    // pending sign-in is used up.
    let mut other = app.browser();
    refused(&app, &mut other, &acs, &xml, &relay, "foreign browser").await;
    refused(&app, &mut b, &acs, &xml, &relay, "pending sign-in used up").await;

    let (acs, xml, relay) = round(&app, &mut b, &provider.id).await;
    assert_ne!(
        xml.split("InResponseTo=\"").nth(1).unwrap()[..20],
        request_id[..20]
    );
    let done = post(&mut b, &acs, &xml, &relay).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account");
    assert!(!b.cookies.contains_key(POST_COOKIE));
    let session = app.session_of(&b).await;
    assert_eq!(session.amr.to_vec(), ["fed"]);
    let account = b.get("/account").await;
    assert!(
        account.body.contains("alice@example.com"),
        "{}",
        account.body
    );
    assert!(app.audited("user.provisioned").await);

    // SR-122: the same response again, with a new pending sign-in of the
    // same browser, is refused (InResponseTo no longer outstanding); the
    // assertion id is in the replay cache in the database.
    let mut c = app.browser();
    let _ = round(&app, &mut c, &provider.id).await;
    refused(&app, &mut c, &acs, &xml, &relay, "replayed response").await;
    let (pid, aid) = (
        provider.id.clone(),
        xml.split(":Assertion ")
            .nth(1)
            .and_then(|s| s.split("ID=\"").nth(1))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned(),
    );
    let now = app.state.now().naive_utc();
    let again = app
        .db_run(move |conn| {
            ostiary::store::saml_assertions::remember(
                conn,
                &pid,
                &aid,
                now + chrono::Duration::minutes(5),
                now,
            )
        })
        .await;
    assert!(!again, "SR-122: the consumed assertion id is remembered");

    // The same person again, in a new browser: the same user (NameID).
    let mut again = app.browser();
    let (acs, xml, relay) = round(&app, &mut again, &provider.id).await;
    let done = post(&mut again, &acs, &xml, &relay).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(app.session_of(&again).await.user_id, session.user_id);

    // Only the whole response signed (SR-120): accepted.
    idp.mode("signed_response", "bob").await;
    let mut bob = app.browser();
    let (acs, xml, relay) = round(&app, &mut bob, &provider.id).await;
    let done = post(&mut bob, &acs, &xml, &relay).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    // NameID of format emailAddress: the email comes from it.
    idp.mode("email_nameid", "dave").await;
    let mut dave = app.browser();
    let (acs, xml, relay) = round(&app, &mut dave, &provider.id).await;
    let done = post(&mut dave, &acs, &xml, &relay).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let account = dave.get("/account").await;
    assert!(
        account.body.contains("dave@example.com"),
        "{}",
        account.body
    );

    // Refusals, each on a fresh sign-in of its own browser.
    for (mode, what) in [
        ("unsigned", "SR-120: unsigned response and assertion"),
        ("sha1", "SR-123: rsa-sha1 signature"),
        ("expired", "SR-121: NotOnOrAfter passed"),
        ("wrong_audience", "SR-121: audience of another SP"),
        ("encrypted", "SR-123: pysaml2's default (CBC) encryption"),
    ] {
        idp.mode(mode, "mallory").await;
        let mut m = app.browser();
        let (acs, xml, relay) = round(&app, &mut m, &provider.id).await;
        refused(&app, &mut m, &acs, &xml, &relay, what).await;
    }

    // Signature wrapping and tampering, built from a valid signed response.
    idp.mode("signed", "alice").await;
    type Mutation = fn(&str) -> String;
    let mutations: [(&str, Mutation); 5] = [
        ("SR-120: NameID changed under the signature", |xml| {
            xml.replace(">id-alice<", ">id-mallory<")
        }),
        ("SR-120: comment in the NameID (truncation)", |xml| {
            xml.replace(">id-alice<", ">id-mallory<!---->id-alice<")
        }),
        ("SR-120: forged assertion before the signed one", |xml| {
            let (start, end) = assertion_span(xml);
            let forged = xml[start..end]
                .replace(">id-alice<", ">id-mallory<")
                .replace("ID=\"", "ID=\"x");
            format!("{}{forged}{}", &xml[..start], &xml[start..])
        }),
        ("SR-120: signed assertion moved into Extensions", |xml| {
            let (start, end) = assertion_span(xml);
            let signed = &xml[start..end];
            let forged = signed.replace(">id-alice<", ">id-mallory<");
            let open = xml.find(":Response ").unwrap();
            let prefix = &xml[xml[..open].rfind('<').unwrap() + 1..open];
            format!(
                "{}<{prefix}:Extensions>{signed}</{prefix}:Extensions>{forged}{}",
                &xml[..start],
                &xml[end..]
            )
        }),
        ("SR-123: DTD with an entity", |xml| {
            let at = xml.find("<ns").or_else(|| xml.find("<samlp")).unwrap();
            format!(
                "{}<!DOCTYPE r [<!ENTITY e \"x\">]>{}",
                &xml[..at],
                &xml[at..]
            )
        }),
    ];
    for (what, mutate) in mutations {
        let mut m = app.browser();
        let (acs, xml, relay) = round(&app, &mut m, &provider.id).await;
        let bad = mutate(&xml);
        assert_ne!(bad, xml, "{what}: the mutation applies");
        refused(&app, &mut m, &acs, &bad, &relay, what).await;
    }

    // The IdP-initiated kind: no RelayState of ours (off by default).
    let mut m = app.browser();
    let (acs, xml, _) = round(&app, &mut m, &provider.id).await;
    refused(&app, &mut m, &acs, &xml, "", "SR-121: IdP-initiated").await;

    assert!(app.audited("login.federated_refused").await);

    // An MFA rule for SAML upstreams applies (S5): a person without a
    // factor enrols one before getting in.
    let now = app.state.now();
    app.db_run(move |conn| {
        ostiary::auth::mfa::admin::set(
            conn,
            &ostiary::audit::Actor::system("test"),
            None,
            ostiary::auth::mfa::policy::Scope::Upstream,
            Some("saml"),
            "required",
            now,
        )
    })
    .await
    .unwrap();
    idp.mode("signed", "erin").await;
    let mut erin = app.browser();
    let (acs, xml, relay) = round(&app, &mut erin, &provider.id).await;
    let enrol = post(&mut erin, &acs, &xml, &relay).await;
    assert!(
        enrol.location().starts_with("/login/mfa/enroll"),
        "{} {}",
        enrol.status,
        enrol.location()
    );
    assert!(erin.session_cookie().is_none());
}

/// `provider create --kind saml --metadata-file PATH` prints our SP's
/// `entity_id`, `acs_url` and `metadata_url` (S7); metadata without a
/// signing certificate or with a DTD is refused (SR-120, SR-123).
async fn saml_provider_from_the_cli(backend: Backend) {
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let xml = reqwest::get(&idp.metadata_url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let db = crate::helpers::TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("OSTIARY_DATABASE_URL", db.url.as_str()),
        ("OSTIARY_ISSUER", "https://id.example.com"),
    ];
    let file = dir.path().join("idp.xml");
    std::fs::write(&file, &xml).unwrap();
    let path = file.to_str().unwrap();
    let made = crate::cli::succeeds(
        dir.path(),
        &[
            "provider",
            "create",
            "--kind",
            "saml",
            "--name",
            "Corp",
            "--metadata-file",
            path,
            "--saml-preset",
            "okta",
            "--allow-idp-initiated",
        ],
        &env,
    );
    let id = made["id"].as_str().unwrap();
    assert_eq!(
        made["entity_id"],
        format!("https://id.example.com/saml/{id}")
    );
    assert_eq!(
        made["acs_url"],
        format!("https://id.example.com/saml/{id}/acs")
    );
    assert_eq!(
        made["metadata_url"],
        format!("https://id.example.com/saml/{id}/metadata")
    );
    assert_eq!(made["has_secret"], true, "the SP key, sealed: {made}");
    assert_eq!(made["settings"]["saml"]["attribute_email"], "email");
    assert_eq!(made["settings"]["saml"]["allow_idp_initiated"], true);
    assert!(!made.to_string().contains("PRIVATE KEY"));

    // `provider update` takes the SAML flags too (they were ignored).
    let updated = crate::cli::succeeds(
        dir.path(),
        &[
            "provider",
            "update",
            id,
            "--saml-preset",
            "entra",
            "--attribute-groups",
            "roles",
            "--no-idp-initiated",
            "--metadata-file",
            path,
        ],
        &env,
    );
    let saml = &updated["settings"]["saml"];
    assert_eq!(saml["preset"], "entra", "{updated}");
    assert_eq!(
        saml["attribute_email"],
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    );
    assert_eq!(saml["attribute_groups"], "roles");
    // Off is left out of the settings.
    assert_ne!(saml["allow_idp_initiated"], true, "{saml}");
    assert_eq!(
        saml["sp_certificate"], made["settings"]["saml"]["sp_certificate"],
        "the SP key is kept"
    );
    assert_eq!(updated["entity_id"], made["entity_id"]);

    let unsigned = xml.split("<ns0:KeyDescriptor").next().unwrap().to_owned()
        + &xml[xml.rfind("</ns0:KeyDescriptor>").map_or(0, |i| i + 20)..];
    for (bad, says) in [
        (unsigned.clone(), "no signing certificate"),
        (format!("<!DOCTYPE x>{xml}"), "DTD"),
    ] {
        std::fs::write(&file, bad).unwrap();
        // A bad document is refused on update too, and changes nothing.
        let out = crate::cli::ostiary(
            dir.path(),
            &[
                "provider",
                "update",
                id,
                "--metadata-file",
                path,
                "--attribute-name",
                "changed",
            ],
            &env,
            None,
        );
        assert!(!out.status.success());
        let err = crate::cli::text(&out.stderr);
        assert!(err.contains(says), "update, {says}: {err}");
        let shown = crate::cli::succeeds(dir.path(), &["provider", "show", id], &env);
        assert_eq!(shown["settings"]["saml"], updated["settings"]["saml"]);
        let out = crate::cli::ostiary(
            dir.path(),
            &[
                "provider",
                "create",
                "--kind",
                "saml",
                "--name",
                "Bad",
                "--metadata-file",
                path,
            ],
            &env,
            None,
        );
        assert!(!out.status.success());
        let err = crate::cli::text(&out.stderr);
        assert!(err.contains(says), "{says}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saml_sign_in_in_chromium() {
    // The IdP's response comes back as a cross-site POST: only a real
    // browser shows that the SameSite=None binding cookie travels with it.
    if !saml_peer() || !browser_peer() {
        return;
    }
    let idp = idp().await;
    let app = TestApp::spawn_for_browser_with(Backend::Sqlite, |c| {
        c.oidc.allow_private_targets = true;
    })
    .await;
    let provider = provider(&app, &idp).await;
    idp.mode("signed", "dana").await;
    let config = serde_json::json!({ "provider": provider.id });
    let seen = run_in_chromium(&app, "saml_browser.mjs", &[&config.to_string()]).await;
    for variant in ["en-desktop", "de-phone"] {
        assert_eq!(seen["result"][variant]["path"], "/account", "{seen}");
        // Single logout through the IdP, back to "signed out".
        assert_eq!(seen["result"][variant]["slo"], 303, "{seen}");
        assert_eq!(seen["result"][variant]["signedOut"], true, "{seen}");
    }
    assert_eq!(app.audit_rows("login.success").await.len(), 2);
}

/// An `EncryptedAssertion` of `plaintext` for the SP certificate `cert`
/// (PEM): rsa-oaep-mgf1p + aes128-gcm, as any IdP (or anyone holding our
/// public certificate) can make; `prefix` is bound to the SAML assertion
/// namespace.
fn encrypt_for(cert: &str, prefix: &str, plaintext: &str) -> String {
    use openssl::pkey_ctx::PkeyCtx;
    use openssl::rsa::Padding;
    use openssl::symm::{Cipher, encrypt_aead};
    let public = openssl::x509::X509::from_pem(cert.as_bytes())
        .unwrap()
        .public_key()
        .unwrap();
    let (mut content, mut iv, mut tag) = ([0u8; 16], [0u8; 12], [0u8; 16]);
    openssl::rand::rand_bytes(&mut content).unwrap();
    openssl::rand::rand_bytes(&mut iv).unwrap();
    let body = encrypt_aead(
        Cipher::aes_128_gcm(),
        &content,
        Some(&iv),
        &[],
        plaintext.as_bytes(),
        &mut tag,
    )
    .unwrap();
    let mut ctx = PkeyCtx::new(&public).unwrap();
    ctx.encrypt_init().unwrap();
    ctx.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
    let mut wrapped = Vec::new();
    ctx.encrypt_to_vec(&content, &mut wrapped).unwrap();
    let data = [iv.as_slice(), &body, &tag].concat();
    format!(
        r#"<{prefix}:EncryptedAssertion xmlns:{prefix}="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></{prefix}:EncryptedAssertion>"#,
        STANDARD.encode(wrapped),
        STANDARD.encode(data)
    )
}

/// `xml` with its plain assertion replaced by `make(assertion)` encrypted
/// for our SP certificate.
fn re_encrypted(xml: &str, cert: &str, make: impl Fn(&str) -> String) -> String {
    let (start, end) = assertion_span(xml);
    let assertion = &xml[start..end];
    let prefix = &assertion[1..assertion.find(":Assertion").unwrap()];
    format!(
        "{}{}{}",
        &xml[..start],
        encrypt_for(cert, prefix, &make(assertion)),
        &xml[end..]
    )
}

/// Encrypted assertions (SR-120, SR-123): aes-gcm with rsa-oaep to our SP
/// certificate, signed inside the encryption or by a signed response, are
/// accepted; CBC, rsa-1_5, another key, no signature and wrapping inside
/// the encryption are refused, each on the same generic page.
async fn saml_encrypted_assertions(backend: Backend) {
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let app =
        TestApp::spawn_for_browser_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let provider = provider(&app, &idp).await;
    let cert = provider
        .settings
        .saml
        .as_ref()
        .unwrap()
        .sp_certificate
        .clone();

    // SR-123: our metadata asks for aes-gcm + rsa-oaep, never CBC/rsa-1_5.
    let mut b = app.browser();
    let metadata = b.get(&format!("/saml/{}/metadata", provider.id)).await;
    assert!(metadata.body.contains("aes128-gcm"), "{}", metadata.body);
    assert!(metadata.body.contains("aes256-gcm"), "{}", metadata.body);
    assert!(
        metadata.body.contains("rsa-oaep-mgf1p"),
        "{}",
        metadata.body
    );
    assert!(!metadata.body.contains("-cbc") && !metadata.body.contains("rsa-1_5"));

    // Accepted: the response signed over the encrypted assertion
    // (aes128-gcm), and the assertion signed inside the encryption
    // (aes256-gcm, response unsigned).
    for (mode, user, algorithm) in [
        ("encrypted_gcm", "carol", "aes128-gcm"),
        ("encrypted_signed", "cathy", "aes256-gcm"),
    ] {
        idp.mode(mode, user).await;
        let mut p = app.browser();
        let (acs, xml, relay) = round(&app, &mut p, &provider.id).await;
        assert!(xml.contains("EncryptedAssertion") && xml.contains(algorithm));
        assert!(!xml.contains(":Assertion "), "{mode}: nothing in clear");
        let done = post(&mut p, &acs, &xml, &relay).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{mode}: {}", done.body);
        assert_eq!(done.location(), "/account");
        let account = p.get("/account").await;
        assert!(
            account.body.contains(&format!("{user}@example.com")),
            "{mode}: {}",
            account.body
        );
    }

    // Refused, on the generic page: nothing tells a decryption failure
    // from any other refusal (no oracle).
    let mut pages = Vec::new();
    for (mode, what) in [
        ("encrypted", "SR-123: tripledes-cbc content encryption"),
        ("encrypted_rsa15", "SR-123: rsa-1_5 key transport"),
        ("encrypted_other_key", "SR-123: encrypted for another key"),
        ("encrypted_unsigned", "SR-120: encrypted, nothing signed"),
        ("unsigned", "SR-120: unsigned, in clear"),
    ] {
        idp.mode(mode, "mallory").await;
        let mut m = app.browser();
        let (acs, xml, relay) = round(&app, &mut m, &provider.id).await;
        let res = post(&mut m, &acs, &xml, &relay).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{what}: {}", res.body);
        assert!(m.session_cookie().is_none(), "{what}: signed in");
        let text = res.body.to_lowercase();
        for word in ["decrypt", "encrypt", "cipher", "padding", "oaep"] {
            assert!(!text.contains(word), "{what}: says {word}: {}", res.body);
        }
        pages.push((what, res.status, res.body.contains("/login")));
    }
    assert!(pages.iter().all(|p| p.1 == pages[0].1 && p.2), "{pages:?}");

    // Anyone can encrypt to our certificate: what is inside is screened
    // and verified like a plain assertion (SR-120). The IdP's signed
    // assertion, re-encrypted unchanged, is accepted (the control)…
    idp.mode("signed", "alice").await;
    let mut c = app.browser();
    let (acs, xml, relay) = round(&app, &mut c, &provider.id).await;
    let same = re_encrypted(&xml, &cert, str::to_owned);
    let done = post(&mut c, &acs, &same, &relay).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "control: {}", done.body);
    // …but wrapped, changed or without its signature it is not.
    type Wrap = fn(&str) -> String;
    let wraps: [(&str, Wrap); 3] = [
        (
            "SR-120: a forged assertion beside the signed one, encrypted",
            |a| {
                let forged = a
                    .replace(">id-alice<", ">id-mallory<")
                    .replace("ID=\"", "ID=\"x");
                format!("{forged}{a}")
            },
        ),
        (
            "SR-120: the signed assertion inside a forged one, encrypted",
            |a| {
                let forged = a
                    .replace(">id-alice<", ">id-mallory<")
                    .replace("ID=\"", "ID=\"x");
                let at = forged.find(":Subject>").unwrap();
                let at = forged[..at].rfind('<').unwrap();
                format!("{}{a}{}", &forged[..at], &forged[at..])
            },
        ),
        ("SR-120: NameID changed, encrypted", |a| {
            a.replace(">id-alice<", ">id-mallory<")
        }),
    ];
    for (what, wrap) in wraps {
        let mut m = app.browser();
        let (acs, xml, relay) = round(&app, &mut m, &provider.id).await;
        let bad = re_encrypted(&xml, &cert, wrap);
        refused(&app, &mut m, &acs, &bad, &relay, what).await;
    }
}

/// IdP-initiated sign-in (SR-121): refused unless the provider was created
/// with `allow_idp_initiated`; then an unsolicited response is accepted
/// after every other check and lands on the account page whatever its
/// RelayState; its replay and a response answering a request that is not
/// pending in this browser are still refused.
async fn saml_idp_initiated_switch(backend: Backend) {
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let app =
        TestApp::spawn_for_browser_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let off = provider(&app, &idp).await;
    let on = provider_with(&app, &idp, true).await;
    assert!(on.settings.saml.as_ref().unwrap().allow_idp_initiated);
    assert!(!off.settings.saml.as_ref().unwrap().allow_idp_initiated);
    idp.mode("signed", "ivy").await;

    let unsolicited = |id: &str| {
        let url = format!(
            "{}/unsolicited?sp={}",
            idp.base,
            urlencode(&format!("{}/saml/{id}", app.base))
        );
        async move {
            let page = reqwest::get(&url).await.unwrap();
            assert_eq!(page.status(), StatusCode::OK);
            let html = page.text().await.unwrap();
            let response = hidden_input(&html, "SAMLResponse").expect(&html);
            String::from_utf8(STANDARD.decode(response).unwrap()).unwrap()
        }
    };

    // Off (the default): refused.
    let xml = unsolicited(&off.id).await;
    assert!(!xml.contains("InResponseTo"), "{xml}");
    let mut b = app.browser();
    refused(
        &app,
        &mut b,
        &format!("/saml/{}/acs", off.id),
        &xml,
        "",
        "SR-121: off",
    )
    .await;

    // On: signed in, on the account page, whatever the RelayState says.
    let xml = unsolicited(&on.id).await;
    let acs = format!("/saml/{}/acs", on.id);
    let mut b = app.browser();
    let done = post(&mut b, &acs, &xml, "https://evil.example/next").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account");
    let account = b.get("/account").await;
    assert!(account.body.contains("ivy@example.com"), "{}", account.body);

    // SR-122: the same response again is refused.
    let mut again = app.browser();
    refused(
        &app,
        &mut again,
        &acs,
        &xml,
        "",
        "SR-122: IdP-initiated replay",
    )
    .await;

    // A response answering a request pending in another browser (or no
    // longer pending) is still refused: InResponseTo must be ours.
    let mut starter = app.browser();
    let (acs, xml, relay) = round(&app, &mut starter, &on.id).await;
    let mut thief = app.browser();
    refused(
        &app,
        &mut thief,
        &acs,
        &xml,
        &relay,
        "SR-121: another browser's request",
    )
    .await;
    refused(
        &app,
        &mut thief,
        &acs,
        &xml,
        "",
        "SR-121: InResponseTo, no RelayState",
    )
    .await;

    // Every other check still applies to unsolicited responses.
    for (mode, what) in [
        ("unsigned", "SR-120: unsolicited, unsigned"),
        ("wrong_audience", "SR-121: unsolicited, another audience"),
        ("expired", "SR-121: unsolicited, expired"),
    ] {
        idp.mode(mode, "mallory").await;
        let xml = unsolicited(&on.id).await;
        let mut m = app.browser();
        refused(
            &app,
            &mut m,
            &format!("/saml/{}/acs", on.id),
            &xml,
            "",
            what,
        )
        .await;
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A browser signed in through the IdP as `user`.
async fn saml_signed_in(app: &TestApp, idp: &Idp, provider: &str, user: &str) -> Browser {
    idp.mode("signed", user).await;
    let mut b = app.browser();
    let (acs, xml, relay) = round(app, &mut b, provider).await;
    let done = post(&mut b, &acs, &xml, &relay).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(b.session_cookie().is_some());
    b
}

/// The raw value of `name` in the query of `url`.
fn raw_query_param<'a>(url: &'a str, name: &str) -> &'a str {
    url.split_once('?')
        .unwrap()
        .1
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} in {url}"))
}

/// Sign out on our page: our session ends, and the browser is sent to the
/// IdP's single logout with a signed LogoutRequest: (IdP URL).
async fn sign_out(app: &TestApp, b: &mut Browser, idp: &Idp) -> String {
    let page = b.get("/logout").await;
    let res = b
        .post_form("/logout", &[("csrf_token", &page.csrf())])
        .await;
    let to = continued(&res);
    assert!(
        to.starts_with(&format!("{}/slo/redirect?", idp.base)),
        "{to}"
    );
    // Our session is gone before the browser reaches the IdP.
    assert!(b.session_cookie().is_none(), "session cookie kept");
    let account = b.get("/account").await;
    assert_eq!(account.status, StatusCode::SEE_OTHER, "still signed in");
    let _ = app;
    to
}

/// Where a continue page leads (its refresh): a form's next step on
/// another site is a new navigation, not a redirect (CSP `form-action`).
fn continued(res: &crate::helpers::Page) -> String {
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let url = res
        .body
        .split("http-equiv=\"refresh\" content=\"0;url=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("a continue page: {}", res.body));
    unescape(url)
}

/// What the IdP answers at its SLO endpoint: our `/saml/{id}/slo?…` path.
async fn at_idp(app: &TestApp, to: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client.get(to).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    back.strip_prefix(&app.base)
        .unwrap_or_else(|| panic!("{back} is ours"))
        .to_owned()
}

/// SP-initiated single logout (S7): our session ends first, the browser
/// goes to the IdP with a LogoutRequest signed with rsa-sha256 (verified
/// here with our published certificate and by pysaml2), and comes back
/// with a LogoutResponse whose query signature, InResponseTo, Issuer,
/// Destination and status are checked (SR-120, SR-123); a bad one ends on
/// a page saying we are signed out here but maybe not at the IdP; an
/// RP-initiated logout goes on to the RP's post_logout_redirect_uri.
async fn saml_single_logout(backend: Backend) {
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let app =
        TestApp::spawn_for_browser_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let provider = provider(&app, &idp).await;
    let cert = provider
        .settings
        .saml
        .as_ref()
        .unwrap()
        .sp_certificate
        .clone();

    // The round trip from our logout page.
    let mut b = saml_signed_in(&app, &idp, &provider.id, "sue").await;
    let to = sign_out(&app, &mut b, &idp).await;
    assert!(app.audited("session.logout").await);

    // The LogoutRequest's redirect signature verifies with our certificate
    // over the parameters as sent (SAML bindings §3.4.4.1).
    let signed = format!(
        "SAMLRequest={}&RelayState={}&SigAlg={}",
        raw_query_param(&to, "SAMLRequest"),
        raw_query_param(&to, "RelayState"),
        raw_query_param(&to, "SigAlg")
    );
    assert!(
        raw_query_param(&to, "SigAlg").contains("rsa-sha256"),
        "{to}"
    );
    let signature: String =
        url::form_urlencoded::parse(format!("s={}", raw_query_param(&to, "Signature")).as_bytes())
            .next()
            .unwrap()
            .1
            .into_owned();
    let public = openssl::x509::X509::from_pem(cert.as_bytes())
        .unwrap()
        .public_key()
        .unwrap();
    let mut verifier =
        openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &public).unwrap();
    verifier.update(signed.as_bytes()).unwrap();
    assert!(
        verifier
            .verify(&STANDARD.decode(signature).unwrap())
            .unwrap(),
        "the LogoutRequest signature verifies"
    );

    let back = at_idp(&app, &to).await;
    assert!(
        back.starts_with(&format!("/saml/{}/slo?", provider.id)),
        "{back}"
    );
    let seen: serde_json::Value = reqwest::get(format!("{}/last_logout", idp.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen["name_id"], "id-sue", "{seen}");
    assert_eq!(seen["issuer"], format!("{}/saml/{}", app.base, provider.id));
    assert_eq!(seen["destination"], format!("{}/slo/redirect", idp.base));
    assert!(seen["not_on_or_after"].is_string(), "{seen}");
    assert_eq!(
        seen["session_index"].as_array().map(Vec::len),
        Some(1),
        "{seen}"
    );
    assert!(
        seen["id"].as_str().unwrap().len() >= 40,
        "unpredictable ID: {seen}"
    );
    let done = b.get(&back).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/logout");
    let done = b.get("/logout").await;
    assert!(
        done.body.contains("You have been signed out"),
        "{}",
        done.body
    );
    // The same answer again (its cookie used up): not confirmed.
    let again = b.get(&back).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);

    // Bad answers: signed out here, maybe not at the IdP.
    for (mode, what) in [
        (
            "slo_bad_signature",
            "SR-120: LogoutResponse signature broken",
        ),
        (
            "slo_wrong_irt",
            "LogoutResponse InResponseTo of another request",
        ),
        ("slo_failure", "LogoutResponse status Responder"),
    ] {
        let mut m = saml_signed_in(&app, &idp, &provider.id, "sam").await;
        idp.mode(mode, "sam").await;
        let to = sign_out(&app, &mut m, &idp).await;
        let back = at_idp(&app, &to).await;
        let page = m.get(&back).await;
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            page.body
        );
        assert!(
            page.body.contains("Signed out here"),
            "{what}: {}",
            page.body
        );
        assert!(m.session_cookie().is_none(), "{what}");
        // Another browser (no logout cookie) gets the same page.
        let mut other = app.browser();
        let page = other.get(&back).await;
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            page.body
        );
    }

    // RP-initiated logout: after the IdP, on to the RP's address.
    app.client("rp-saml").register().await;
    let mut r = saml_signed_in(&app, &idp, &provider.id, "rita").await;
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", "rp-saml")
        .append_pair("post_logout_redirect_uri", crate::helpers::POST_LOGOUT)
        .append_pair("state", "s-1")
        .finish();
    let confirm = r.get(&format!("/end_session?{q}")).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    let res = r
        .post_form(
            "/end_session/confirm",
            &[
                ("csrf_token", &confirm.csrf()),
                ("client_id", "rp-saml"),
                ("post_logout_redirect_uri", crate::helpers::POST_LOGOUT),
                ("state", "s-1"),
            ],
        )
        .await;
    let to = continued(&res);
    assert!(
        to.starts_with(&format!("{}/slo/redirect?", idp.base)),
        "{to}"
    );
    assert!(r.session_cookie().is_none());
    let back = at_idp(&app, &to).await;
    let done = r.get(&back).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        format!("{}?state=s-1", crate::helpers::POST_LOGOUT)
    );
}

/// Regression: a SAML sign-in whose second factor is due keeps its subject
/// with the pending login, and the session made after the code hands it
/// on — the logout then still goes to the IdP (it used to stay local).
async fn saml_single_logout_after_a_second_factor(backend: Backend) {
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let app =
        TestApp::spawn_for_browser_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let provider = provider(&app, &idp).await;
    // Sue turns on an authenticator app after her first sign-in.
    let mut first = saml_signed_in(&app, &idp, &provider.id, "sue").await;
    let (secret, _) = crate::mfa_support::enroll_totp(&app, &mut first).await;
    app.clock.advance(chrono::Duration::seconds(30));

    // The next SAML sign-in asks for it before any session exists.
    idp.mode("signed", "sue").await;
    let mut b = app.browser();
    let (acs, xml, relay) = round(&app, &mut b, &provider.id).await;
    let done = post(&mut b, &acs, &xml, &relay).await;
    let challenge = crate::mfa_support::second_step(&mut b, &done).await;
    let signed = crate::mfa_support::submit(
        &mut b,
        &challenge,
        "/login/mfa/totp",
        &crate::mfa_support::code(&app, &secret, 0),
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert!(b.session_cookie().is_some());

    // Signing out goes to the IdP with a LogoutRequest.
    let to = sign_out(&app, &mut b, &idp).await;
    assert!(to.contains("SAMLRequest="), "{to}");
}
