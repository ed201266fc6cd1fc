//! SAML providers through the admin API (issues 14 and 15, S7, S8): created
//! from the pysaml2 IdP's metadata URL or its XML by the same `prepare` as
//! the CLI, then a sign-in through it; refusals naming the field (both or
//! neither metadata field, not metadata, a DTD, no signing certificate —
//! SR-120, SR-123 — a private address without `allow_private_targets` —
//! SR-114); an organization's key creates one for its organization;
//! PATCH replaces the IdP metadata keeping our SP key; "test connection"
//! reports metadata, entity id, signing certificate (days left, a warning
//! under 30) and SSO endpoint; a metadata refresh keeps the stored
//! document when the new one fails or names another entity id, and
//! audits both outcomes.

use std::sync::{Arc, Mutex};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Backend, TestApp};
use crate::saml::{Idp, idp, post, round, saml_peer};

crate::on_all_backends!(
    saml_providers_through_the_admin_api,
    saml_provider_refusals_and_reach,
    saml_metadata_refresh_keeps_what_works,
    saml_metadata_from_the_cli_and_the_console_page,
);

/// An API key with `scopes`, of the organization `org` when given.
async fn api_key(app: &TestApp, org: Option<&str>) -> String {
    if let Some(name) = org {
        let (name, now) = (name.to_owned(), app.state.now().naive_utc());
        app.db_run(move |conn| ostiary::store::orgs::find_or_create(conn, &name, now))
            .await;
    }
    let spec = ostiary::admin::api_keys::KeySpec {
        name: "test key".into(),
        scopes: vec!["providers:write".into(), "providers:read".into()],
        organization: org.map(str::to_owned),
        ..Default::default()
    };
    ostiary::admin::api_keys::create(&app.state, &ostiary::audit::Actor::system("test"), spec)
        .await
        .unwrap()
        .key
}

async fn api(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    body: Value,
) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .request(method, format!("{}/api/v1{path}", app.base))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("PRIVATE KEY"),
        "the SP key came back: {text}"
    );
    (status, serde_json::from_str(&text).unwrap_or_default())
}

/// The IdP's metadata document.
async fn metadata_of(idp: &Idp) -> String {
    reqwest::get(&idp.metadata_url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// `xml` without any KeyDescriptor (no signing certificate).
fn without_keys(xml: &str) -> String {
    xml.split("<ns0:KeyDescriptor").next().unwrap().to_owned()
        + &xml[xml.rfind("</ns0:KeyDescriptor>").map_or(0, |i| i + 20)..]
}

/// A 422 naming `field`.
fn names_field(status: StatusCode, body: &Value, field: &str, what: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
    assert!(body.to_string().contains(field), "{what}: {field}: {body}");
}

async fn saml_providers_through_the_admin_api(backend: Backend) {
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let app =
        TestApp::spawn_for_browser_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let key = api_key(&app, None).await;
    let base = app.base.clone();

    // From the metadata URL: our SP's entity id, ACS and metadata URLs come
    // back (what to register at the IdP); the SP key is sealed, never shown.
    let (status, made) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        json!({"kind": "saml", "name": "Corp SAML", "metadata_url": idp.metadata_url, "trust_email": true}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(made["entity_id"], format!("{base}/saml/{id}"));
    assert_eq!(made["acs_url"], format!("{base}/saml/{id}/acs"));
    assert_eq!(made["metadata_url"], format!("{base}/saml/{id}/metadata"));
    assert_eq!(made["has_secret"], true);
    assert_eq!(made["settings"]["saml"]["metadata_url"], idp.metadata_url);
    assert_eq!(made["settings"]["saml"]["idp_entity_id"], idp.metadata_url);
    let (status, shown) = api(
        &app,
        Method::GET,
        &format!("/providers/{id}"),
        &key,
        json!(null),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["acs_url"], made["acs_url"]);
    assert!(app.audited("provider.created").await);

    // A sign-in through it works.
    idp.mode("signed", "alice").await;
    let mut b = app.browser();
    let (acs, xml, relay) = round(&app, &mut b, &id).await;
    let done = post(&mut b, &acs, &xml, &relay).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account");

    // The IdP-initiated switch is a field of the API too (S7: the CLI's
    // flags are the API's fields): off by default, turned on and off by
    // PATCH, refused for other kinds.
    assert_ne!(made["settings"]["saml"]["allow_idp_initiated"], true);
    for on in [true, false] {
        let (status, changed) = api(
            &app,
            Method::PATCH,
            &format!("/providers/{id}"),
            &key,
            json!({"allow_idp_initiated": on}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(
            changed["settings"]["saml"]["allow_idp_initiated"]
                .as_bool()
                .unwrap_or(false),
            on,
            "{changed}"
        );
    }
    let (status, refused) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        json!({"kind": "oidc", "name": "Not SAML", "issuer": "https://idp.example.com", "client_id": "x", "client_secret": "y", "allow_idp_initiated": true}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["errors"][0]["field"], "allow_idp_initiated",
        "{refused}"
    );

    // "Test connection": each step, the certificate's days left (the
    // test IdP's certificate lives 2 days: a warning, still ok).
    let (status, report) = api(
        &app,
        Method::POST,
        &format!("/providers/{id}/test"),
        &key,
        json!(null),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let steps: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "metadata",
            "entity_id",
            "signing_certificate",
            "sso_endpoint"
        ],
        "{report}"
    );
    assert_eq!(report["ok"], true, "{report}");
    let cert = &report["checks"][2];
    assert_eq!(cert["status"], "passed", "{report}");
    assert_eq!(cert["reason"], "certificate_expires_soon", "{report}");
    assert!(
        report["certificate_days_left"].as_i64().unwrap() <= 2,
        "{report}"
    );
    assert_eq!(
        report["checks"][3]["detail"],
        idp.metadata_url.replace("/metadata", "/sso/redirect")
    );

    // From the XML document, with a preset: its attribute names.
    let doc = metadata_of(&idp).await;
    let (status, from_xml) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        json!({"kind": "saml", "name": "Corp XML", "metadata_xml": doc, "saml_preset": "okta", "allow_idp_initiated": true}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{from_xml}");
    assert_eq!(from_xml["settings"]["saml"]["allow_idp_initiated"], true);
    let xml_id = from_xml["id"].as_str().unwrap().to_owned();
    assert_eq!(from_xml["settings"]["saml"]["attribute_email"], "email");
    assert!(
        from_xml["settings"]["saml"].get("metadata_url").is_none(),
        "{from_xml}"
    );
    let sp_certificate = from_xml["settings"]["saml"]["sp_certificate"].clone();
    // Its test reads the stored document.
    let (_, report) = api(
        &app,
        Method::POST,
        &format!("/providers/{xml_id}/test"),
        &key,
        json!(null),
    )
    .await;
    assert_eq!(report["ok"], true, "{report}");

    // A change replaces the metadata (checked the same way) and the
    // attribute names; our SP key and certificate stay.
    let (status, changed) = api(
        &app,
        Method::PATCH,
        &format!("/providers/{xml_id}"),
        &key,
        json!({"metadata_url": idp.metadata_url, "attribute_email": "mail", "attribute_groups": null}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let saml = &changed["settings"]["saml"];
    assert_eq!(saml["metadata_url"], idp.metadata_url);
    assert_eq!(saml["attribute_email"], "mail");
    assert!(saml.get("attribute_groups").is_none(), "{changed}");
    assert_eq!(saml["attribute_name"], "displayName");
    assert_eq!(saml["sp_certificate"], sp_certificate);
    // A replacement is refused like a creation, and changes nothing.
    let (status, refused) = api(
        &app,
        Method::PATCH,
        &format!("/providers/{xml_id}"),
        &key,
        json!({"metadata_xml": without_keys(&doc)}),
    )
    .await;
    names_field(
        status,
        &refused,
        "metadata_xml",
        "SR-120: no signing certificate",
    );
    assert!(
        refused.to_string().contains("no signing certificate"),
        "{refused}"
    );
    let (_, still) = api(
        &app,
        Method::GET,
        &format!("/providers/{xml_id}"),
        &key,
        json!(null),
    )
    .await;
    assert_eq!(still["settings"]["saml"]["metadata_url"], idp.metadata_url);
    // The metadata fields apply to SAML providers only.
    let (status, oidc) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        json!({"kind": "oidc", "name": "Other", "issuer": "https://idp.example.com", "client_id": "x", "client_secret": "y"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{oidc}");
    let (status, refused) = api(
        &app,
        Method::PATCH,
        &format!("/providers/{}", oidc["id"].as_str().unwrap()),
        &key,
        json!({"metadata_xml": doc}),
    )
    .await;
    names_field(status, &refused, "metadata_xml", "a change of another kind");
}

async fn saml_provider_refusals_and_reach(backend: Backend) {
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let doc = metadata_of(&idp).await;
    // SR-114: without allow_private_targets, a metadata URL on a private
    // address is refused before anything is fetched.
    let app = TestApp::spawn(backend).await;
    let key = api_key(&app, None).await;
    let create = |extra: Value| {
        let mut body = json!({"kind": "saml", "name": "Corp"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let (status, refused) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        create(json!({"metadata_url": idp.metadata_url})),
    )
    .await;
    names_field(status, &refused, "metadata_url", "SR-114: private address");
    for (body, field, what) in [
        (
            json!({"metadata_url": idp.metadata_url, "metadata_xml": doc}),
            "metadata_url",
            "both",
        ),
        (json!({}), "metadata_url", "neither"),
        (
            json!({"metadata_xml": "<not-metadata/>"}),
            "metadata_xml",
            "not metadata",
        ),
        (
            json!({"metadata_xml": "not xml at all"}),
            "metadata_xml",
            "not XML",
        ),
        (
            json!({"metadata_xml": format!("<!DOCTYPE x>{doc}")}),
            "metadata_xml",
            "SR-123: DTD",
        ),
        (
            json!({"metadata_xml": without_keys(&doc)}),
            "metadata_xml",
            "SR-120: no signing certificate",
        ),
        (
            json!({"metadata_xml": doc, "client_secret": "x"}),
            "client_secret",
            "a secret",
        ),
        (
            json!({"metadata_xml": doc, "client_id": "x"}),
            "client_id",
            "an OIDC field",
        ),
        (
            json!({"metadata_xml": doc, "attribute_email": ""}),
            "attribute_email",
            "empty attribute",
        ),
    ] {
        let (status, refused) = api(&app, Method::POST, "/providers", &key, create(body)).await;
        names_field(status, &refused, field, what);
    }
    // The metadata fields of another kind are refused, naming the field.
    let (status, refused) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        json!({"kind": "oidc", "name": "O", "issuer": "https://idp.example.com", "client_id": "x", "client_secret": "y", "metadata_xml": doc}),
    )
    .await;
    names_field(status, &refused, "metadata_xml", "oidc with metadata");
    assert!(
        !app.audited("provider.created").await,
        "nothing was created"
    );

    // An organization's key creates SAML providers (an IdP on the
    // internet, under the outbound rules — unlike LDAP): for its
    // organization.
    let org_key = api_key(&app, Some("Org A")).await;
    let (status, made) = api(
        &app,
        Method::POST,
        "/providers",
        &org_key,
        create(json!({"metadata_xml": doc})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert!(made["organization_id"].is_string(), "{made}");
    assert!(!ostiary::federation::registry::global_only(
        ostiary::federation::Kind::Saml
    ));
    // SR-100: but it claims no domains.
    let (status, refused) = api(
        &app,
        Method::POST,
        "/providers",
        &org_key,
        create(json!({"metadata_xml": doc, "domains": ["example.com"]})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
}

/// A metadata document served from a value the test changes.
struct Served {
    url: String,
    answer: Arc<Mutex<(u16, String)>>,
}

impl Served {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/metadata", listener.local_addr().unwrap());
        let answer = Arc::new(Mutex::new((200, String::new())));
        let shared = answer.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0; 16 * 1024];
                    let _ = socket.read(&mut buf).await;
                    let (status, body) = shared.lock().unwrap().clone();
                    let head = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/samlmetadata+xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = socket.write_all(head.as_bytes()).await;
                    let _ = socket.write_all(body.as_bytes()).await;
                });
            }
        });
        Self { url, answer }
    }

    fn set(&self, status: u16, body: &str) {
        *self.answer.lock().unwrap() = (status, body.to_owned());
    }
}

async fn saml_metadata_refresh_keeps_what_works(backend: Backend) {
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let doc = metadata_of(&idp).await;
    let served = Served::start().await;
    served.set(200, &doc);
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let key = api_key(&app, None).await;
    let (status, made) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        json!({"kind": "saml", "name": "Refreshed", "metadata_url": served.url}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    let path = format!("/providers/{id}/refresh-metadata");
    let stored = || async {
        let (_, p) = api(
            &app,
            Method::GET,
            &format!("/providers/{id}"),
            &key,
            json!(null),
        )
        .await;
        p["settings"]["saml"]["idp_metadata"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // Unchanged: nothing written.
    let (status, done) = api(&app, Method::POST, &path, &key, json!(null)).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["result"], "unchanged", "{done}");
    let old_fingerprint = done["certificates"][0].as_str().unwrap().to_owned();
    assert_eq!(old_fingerprint.len(), 64);

    // Refused documents keep the stored one; each refusal is logged and
    // audited (provider.metadata_refresh_failed).
    for (status_code, body, says) in [
        (500, doc.clone(), "HTTP 500"),
        (200, "<oops".to_owned(), "not a SAML EntityDescriptor"),
        (200, without_keys(&doc), "no signing certificate"),
        (
            200,
            doc.replace(
                &format!("entityID=\"{}\"", idp.metadata_url),
                "entityID=\"https://other.example/idp\"",
            ),
            "another entity id",
        ),
    ] {
        served.set(status_code, &body);
        let (status, done) = api(&app, Method::POST, &path, &key, json!(null)).await;
        assert_eq!(status, StatusCode::OK, "{says}: {done}");
        assert_eq!(done["result"], "kept", "{says}: {done}");
        assert!(
            done["reason"].as_str().unwrap().contains(says),
            "{says}: {done}"
        );
        assert_eq!(stored().await, doc, "{says}: the old document stays");
    }
    let failures = app.audit_rows("provider.metadata_refresh_failed").await;
    assert_eq!(failures.len(), 4);
    assert_eq!(failures[0].outcome, "failure");
    assert_eq!(failures[0].target_id.as_deref(), Some(id.as_str()));
    assert!(!app.audited("provider.metadata_refreshed").await);

    // A changed document (the IdP rolled its signing certificate) replaces
    // the stored one, audited with the old and new fingerprints. The job
    // does what the API does.
    let new_cert: String = made["settings"]["saml"]["sp_certificate"]
        .as_str()
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let old_cert = doc
        .split("X509Certificate>")
        .nth(1)
        .unwrap()
        .trim_end_matches("</ns2:")
        .to_owned();
    let rolled = doc.replace(&old_cert, &new_cert);
    assert_ne!(rolled, doc);
    served.set(200, &rolled);
    let done = ostiary::federation::saml_refresh::refresh_all(&app.state).await;
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(
        done[0].result,
        ostiary::federation::saml_refresh::Change::Updated
    );
    assert_eq!(stored().await, rolled);
    let refreshed = app.audit_rows("provider.metadata_refreshed").await;
    assert_eq!(refreshed.len(), 1);
    let details: Value = serde_json::from_str(&refreshed[0].details).unwrap();
    assert_eq!(details["old_certificates"], json!([old_fingerprint]));
    assert_eq!(details["new_certificates"], json!(done[0].certificates));
    assert_ne!(details["new_certificates"], details["old_certificates"]);
    assert_eq!(
        refreshed[0].actor_id.as_deref(),
        Some("saml-metadata-refresh")
    );

    // A provider whose metadata was given as a document has no URL.
    let (_, from_xml) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        json!({"kind": "saml", "name": "Doc", "metadata_xml": doc}),
    )
    .await;
    let (status, refused) = api(
        &app,
        Method::POST,
        &format!(
            "/providers/{}/refresh-metadata",
            from_xml["id"].as_str().unwrap()
        ),
        &key,
        json!(null),
    )
    .await;
    names_field(status, &refused, "metadata_url", "no URL");
}

/// The console's wizard in Chromium (en-desktop/light, de-phone/dark):
/// the SAML card, our SP's addresses before saving, a refused metadata URL
/// next to its field, the provider created from the IdP's metadata URL and
/// "test connection" passing; a sign-in through it then works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_saml_wizard_in_chromium() {
    use crate::console_support::{in_chromium, superuser};
    if !saml_peer() || !crate::helpers::browser_peer() {
        return;
    }
    let idp = idp().await;
    let app = TestApp::spawn_for_browser_with(Backend::Sqlite, |c| {
        c.oidc.allow_private_targets = true;
    })
    .await;
    let admin = superuser(&app, "root@example.com").await;
    let seen = in_chromium(
        &app,
        "console_saml.mjs",
        &admin,
        json!({
            "metadataUrl": idp.metadata_url,
            "metadataXml": metadata_of(&idp).await,
            "notMetadataUrl": idp.metadata_url.replace("/metadata", "/mode?v=signed"),
        }),
    )
    .await;
    assert_eq!(seen["passed"], json!([4, 4]), "{seen}");
    let ids = seen["created"].as_array().unwrap();
    assert_eq!(ids.len(), 2);
    let rows = app.audit_rows("provider.created").await;
    assert_eq!(rows.len(), 2);
    for (n, id) in ids.iter().enumerate() {
        let id = id.as_str().unwrap();
        let view = ostiary::federation::registry::show(
            &app.state,
            &ostiary::federation::registry::Reach::global(),
            id,
            false,
        )
        .await
        .unwrap();
        assert_eq!(view.kind, ostiary::federation::Kind::Saml);
        assert!(view.has_secret, "the SP key, sealed");
        let saml = view.settings.saml.unwrap();
        // The second variant loaded the metadata file: no URL.
        let url = (n == 0).then_some(idp.metadata_url.as_str());
        assert_eq!(saml.metadata_url.as_deref(), url);
        assert_eq!(saml.attribute_email.as_deref(), Some("email"));
    }
    // A sign-in through a provider the wizard made (the test IdP names
    // the email `mail`, not Okta's `email`: back to the usual names).
    idp.mode("signed", "alice").await;
    let id = ids[0].as_str().unwrap();
    ostiary::federation::registry::update(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        &ostiary::federation::registry::Reach::global(),
        id,
        |spec| {
            if let Some(s) = spec.saml.as_mut() {
                s.attribute_email = None;
            }
        },
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let mut b = app.browser();
    let (acs, xml, relay) = round(&app, &mut b, id).await;
    let done = post(&mut b, &acs, &xml, &relay).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

/// `ostiary provider refresh-metadata` and `provider test` for a SAML
/// provider; the console's provider page shows our SP's addresses and
/// replaces the IdP metadata with a new URL (checked first: a refused one
/// changes nothing; our SP key stays).
async fn saml_metadata_from_the_cli_and_the_console_page(backend: Backend) {
    use crate::cli::{fails, succeeds};
    use crate::console_support::{page, signed_in, superuser};
    if !saml_peer() {
        return;
    }
    let idp = idp().await;
    let doc = metadata_of(&idp).await;
    let served = Served::start().await;
    served.set(200, &doc);

    // The CLI.
    let db = crate::helpers::TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("OSTIARY_DATABASE_URL", db.url.as_str()),
        ("OSTIARY_OIDC__ALLOW_PRIVATE_TARGETS", "true"),
    ];
    let made = succeeds(
        dir.path(),
        &[
            "provider",
            "create",
            "--kind",
            "saml",
            "--name",
            "Corp",
            "--metadata-url",
            &served.url,
        ],
        &env,
    );
    let id = made["id"].as_str().unwrap().to_owned();
    assert!(
        made["acs_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/saml/{id}/acs")),
        "{made}"
    );
    let done = succeeds(dir.path(), &["provider", "refresh-metadata", &id], &env);
    assert_eq!(done["result"], "unchanged", "{done}");
    let tested = succeeds(dir.path(), &["provider", "test", &id], &env);
    assert_eq!(tested["ok"], true, "{tested}");
    assert_eq!(tested["checks"].as_array().unwrap().len(), 4, "{tested}");
    served.set(500, &doc);
    let said = fails(dir.path(), &["provider", "refresh-metadata", &id], &env, 1);
    assert!(said.contains("kept") && said.contains("HTTP 500"), "{said}");

    // The console's provider page.
    served.set(200, &doc);
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let key = api_key(&app, None).await;
    let (status, made) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        json!({"kind": "saml", "name": "Corp", "metadata_url": served.url}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    let path = format!("/admin/providers/{id}");
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;
    let shown = page(&mut b, &path, StatusCode::OK).await;
    for part in [
        format!(
            "<code id=\"sp-acs-url\">{}</code>",
            made["acs_url"].as_str().unwrap()
        ),
        format!(
            "<code id=\"sp-entity-id\">{}</code>",
            made["entity_id"].as_str().unwrap()
        ),
        format!("href=\"{}\"", made["metadata_url"].as_str().unwrap()),
    ] {
        assert!(shown.body.contains(&part), "{part}: {}", shown.body);
    }
    // A refused document: next to its field, nothing changed.
    let other = Served::start().await;
    other.set(200, &without_keys(&doc));
    let refused = save_page(&mut b, &shown, &path, &other.url).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("f-metadata-url-error"),
        "{}",
        refused.body
    );
    let (_, still) = api(
        &app,
        Method::GET,
        &format!("/providers/{id}"),
        &key,
        json!(null),
    )
    .await;
    assert_eq!(still["settings"]["saml"]["metadata_url"], served.url);
    assert!(
        still["settings"]["saml"].get("attribute_email").is_none(),
        "{still}"
    );
    // A usable one replaces the metadata; the SP certificate stays.
    let shown = page(&mut b, &path, StatusCode::OK).await;
    let saved = save_page(&mut b, &shown, &path, &idp.metadata_url).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (_, after) = api(
        &app,
        Method::GET,
        &format!("/providers/{id}"),
        &key,
        json!(null),
    )
    .await;
    let saml = &after["settings"]["saml"];
    assert_eq!(saml["metadata_url"], idp.metadata_url);
    assert_eq!(saml["attribute_email"], "mail");
    assert_eq!(
        saml["sp_certificate"],
        made["settings"]["saml"]["sp_certificate"]
    );
    assert!(app.audited("provider.updated").await);

    // The document pasted on the page (the stored URL left in its field)
    // replaces the metadata: no URL any more.
    let shown = page(&mut b, &path, StatusCode::OK).await;
    let fields = [
        ("name", "Corp"),
        ("jit", "on"),
        ("enabled", "on"),
        ("metadata_url", idp.metadata_url.as_str()),
        ("metadata_xml", doc.as_str()),
    ];
    let saved = b.post_from(&shown, &path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (_, after) = api(
        &app,
        Method::GET,
        &format!("/providers/{id}"),
        &key,
        json!(null),
    )
    .await;
    assert!(
        after["settings"]["saml"].get("metadata_url").is_none(),
        "{after}"
    );

    // The IdP-initiated switch on the page: ticked, stored and shown
    // ticked; a save without it turns it off (a checkbox left out is off).
    for on in [true, false] {
        let shown = page(&mut b, &path, StatusCode::OK).await;
        let mut fields = vec![("name", "Corp"), ("jit", "on"), ("enabled", "on")];
        if on {
            fields.push(("allow_idp_initiated", "on"));
        }
        let saved = b.post_from(&shown, &path, &fields).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let (_, after) = api(
            &app,
            Method::GET,
            &format!("/providers/{id}"),
            &key,
            json!(null),
        )
        .await;
        assert_eq!(
            after["settings"]["saml"]["allow_idp_initiated"]
                .as_bool()
                .unwrap_or(false),
            on,
            "{after}"
        );
        let shown = page(&mut b, &path, StatusCode::OK).await;
        assert_eq!(
            shown
                .body
                .contains("name=\"allow_idp_initiated\" type=\"checkbox\" checked"),
            on,
            "{}",
            shown.body
        );
    }

    // "Refresh IdP metadata" on the page of a URL-based provider: the
    // outcome as a notice; a refused document keeps the stored one.
    let (_, by_url) = api(
        &app,
        Method::POST,
        "/providers",
        &key,
        json!({"kind": "saml", "name": "By URL", "metadata_url": served.url}),
    )
    .await;
    let by_url = format!("/admin/providers/{}", by_url["id"].as_str().unwrap());
    let shown = page(&mut b, &by_url, StatusCode::OK).await;
    assert!(shown.body.contains("/refresh-metadata\""), "{}", shown.body);
    let refresh = format!("{by_url}/refresh-metadata");
    let same = b.post_from(&shown, &refresh, &[]).await;
    assert_eq!(
        same.location(),
        format!("{by_url}?notice=saml_metadata_unchanged")
    );
    served.set(500, &doc);
    let kept = b.post_from(&shown, &refresh, &[]).await;
    assert_eq!(
        kept.location(),
        format!("{by_url}?error=saml_metadata_kept")
    );
    let notice = page(&mut b, kept.location(), StatusCode::OK).await;
    assert!(
        notice.body.contains("stored metadata is kept"),
        "{}",
        notice.body
    );
    assert!(app.audited("provider.metadata_refresh_failed").await);
    // A provider without a URL shows no such button.
    let shown = page(&mut b, &path, StatusCode::OK).await;
    assert!(
        !shown.body.contains("/refresh-metadata\""),
        "{}",
        shown.body
    );
    let none = b
        .post_from(&shown, &format!("{path}/refresh-metadata"), &[])
        .await;
    assert_eq!(
        none.location(),
        format!("{path}?error=saml_metadata_no_url")
    );

    // The wizard with a pasted document larger than the console's usual
    // 16 KiB form (trailing white space); a URL and a document together
    // are refused.
    let start = b.get("/admin/providers/new?kind=saml").await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
    let step = page(&mut b, start.location(), StatusCode::OK).await;
    let new_id = start.location().split("id=").nth(1).unwrap().to_owned();
    let big = format!("{doc}{}", "\n".repeat(40 * 1024));
    let mut fields = vec![
        ("kind", "saml"),
        ("provider_id", new_id.as_str()),
        ("name", "Pasted"),
        ("jit", "on"),
        ("enabled", "on"),
        ("metadata_xml", big.as_str()),
        ("metadata_url", idp.metadata_url.as_str()),
    ];
    let both = b.post_from(&step, "/admin/providers/new", &fields).await;
    assert_eq!(
        both.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        both.body
    );
    assert!(both.body.contains("f-metadata-xml-error"), "{}", both.body);
    fields.pop();
    let made = b.post_from(&step, "/admin/providers/new", &fields).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(
        made.location(),
        format!("/admin/providers/{new_id}?notice=provider_created_saml")
    );
    let (_, pasted) = api(
        &app,
        Method::GET,
        &format!("/providers/{new_id}"),
        &key,
        json!(null),
    )
    .await;
    assert_eq!(
        pasted["settings"]["saml"]["idp_entity_id"],
        idp.metadata_url
    );
    assert_eq!(pasted["has_secret"], true);
}

/// Save a SAML provider's page with the metadata URL `url` and the email
/// attribute `mail`.
async fn save_page(
    b: &mut crate::helpers::Browser,
    shown: &crate::helpers::Page,
    path: &str,
    url: &str,
) -> crate::helpers::Page {
    let fields = [
        ("name", "Corp"),
        ("jit", "on"),
        ("enabled", "on"),
        ("metadata_url", url),
        ("attribute_email", "mail"),
    ];
    b.post_from(shown, path, &fields).await
}
