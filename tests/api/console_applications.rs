//! The console's applications (S8, issue 14 item 5) over HTTP: the wizard
//! registers each kind with its grants, auth method and secret (checked in
//! the store), a refused setting shows next to its field (422, nothing
//! made), the secret is shown once on the POST's answer and works at
//! /token, settings, rotation (the old secret stops), soft delete and
//! restore; organization reach (SR-100), auditors (read only), a recent
//! sign-in for secrets (SR-101), the audit trail; and the wizard in
//! Chromium at both widths.

use ostiary::audit::Actor;
use ostiary::domain::{OrganizationId, Role};
use ostiary::oidc::clients::{ClientSpec, admin};
use ostiary::store::clients::{self, Client};
use reqwest::StatusCode;
use serde_json::json;

use crate::console_support::{in_chromium, org_admin, page, signed_in, superuser};
use crate::helpers::{Backend, Browser, Page, TestApp, browser_peer};
use crate::oauth_support::{client_credentials, post};

crate::on_all_backends!(
    the_wizard_registers_each_kind,
    refused_settings_show_next_to_their_field,
    settings_rotation_deletion_and_restore,
    organization_admins_reach_only_their_applications,
    auditors_read_but_change_nothing,
    secrets_need_a_recent_sign_in,
);

const NEW: &str = "/admin/applications/new";

/// The stored client `id`, if live.
async fn stored(app: &TestApp, id: &str) -> Option<Client> {
    let id = id.to_owned();
    app.db_run(move |conn| clients::find(conn, &id.into()))
        .await
}

async fn client_count(app: &TestApp) -> usize {
    let all = admin::list(&app.state, None, true, None, None, 1000)
        .await
        .unwrap();
    all.len()
}

/// The text of the element with `id` (a `<code>` or `<pre>`), unescaped.
fn element_text(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in\n{}", page.body));
    let start = at + page.body[at..].find('>').unwrap() + 1;
    let end = start + page.body[start..].find("</").unwrap();
    crate::helpers::unescape(&page.body[start..end])
}

/// Fill in step 2 of the wizard for `kind` and submit it.
async fn create(b: &mut Browser, kind: &str, fields: &[(&str, &str)]) -> Page {
    let form = page(b, &format!("{NEW}?kind={kind}"), StatusCode::OK).await;
    let mut all = vec![("kind", kind), ("consent_shown", "1")];
    all.extend_from_slice(fields);
    b.post_from(&form, NEW, &all).await
}

/// A client_credentials token request's status.
async fn token(app: &TestApp, id: &str, secret: &str) -> StatusCode {
    client_credentials(app, id, secret).await.status
}

async fn the_wizard_registers_each_kind(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;

    // Step 1: the kinds as radio cards, a GET form to step 2.
    let step1 = page(&mut b, NEW, StatusCode::OK).await;
    for kind in ["web", "spa", "native", "m2m", "device"] {
        assert!(
            step1
                .body
                .contains(&format!("name=\"kind\" value=\"{kind}\"")),
            "{kind}"
        );
    }
    assert!(step1.body.contains("class=\"choice\""));
    assert!(
        step1
            .body
            .contains("method=\"get\" action=\"/admin/applications/new\"")
    );

    // A web app: confidential, code + refresh, client_secret_basic; the
    // answer shows the secret once, with the configuration.
    let done = create(
        &mut b,
        "web",
        &[
            ("name", "Wiki"),
            ("client_id", "wiki"),
            (
                "redirect_uris",
                "https://wiki.example/cb\r\nhttps://wiki.example/cb2",
            ),
            ("post_logout_redirect_uris", "https://wiki.example/"),
            ("skip_consent", "skip"),
            ("id_token_signed_response_alg", "ES256"),
            ("pkce_shown", "1"),
            ("require_pkce", "1"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.header("cache-control"), "no-store");
    let secret = element_text(&done, "app-secret");
    assert!(secret.len() >= 43, "{secret}");
    let snippet = element_text(&done, "app-snippet");
    for line in [
        format!("OIDC_ISSUER={}", app.state.config.public_base()),
        format!(
            "OIDC_DISCOVERY_URL={}/.well-known/openid-configuration",
            app.state.config.public_base()
        ),
        "OIDC_CLIENT_ID=wiki".to_owned(),
        format!("OIDC_CLIENT_SECRET={secret}"),
        format!(
            "OIDC_AUTHORIZATION_ENDPOINT={}/authorize",
            app.state.config.public_base()
        ),
        format!(
            "OIDC_TOKEN_ENDPOINT={}/token",
            app.state.config.public_base()
        ),
        format!(
            "OIDC_USERINFO_ENDPOINT={}/userinfo",
            app.state.config.public_base()
        ),
        format!(
            "OIDC_END_SESSION_ENDPOINT={}/end_session",
            app.state.config.public_base()
        ),
        "OIDC_REDIRECT_URI=https://wiki.example/cb".to_owned(),
    ] {
        assert!(snippet.lines().any(|l| l == line), "{line} in\n{snippet}");
    }
    assert!(done.body.contains("data-copy=\"app-secret\""));
    assert!(done.body.contains("data-copy=\"app-snippet\""));
    let web = stored(&app, "wiki").await.unwrap();
    assert!(!web.public);
    // PKCE required: the wizard's box is ticked for web apps (SR-13).
    assert!(web.require_pkce);
    let form = page(&mut b, "/admin/applications/new?kind=web", StatusCode::OK).await;
    assert!(
        form.body
            .contains("name=\"require_pkce\" type=\"checkbox\" value=\"1\" checked"),
        "{}",
        form.body
    );
    assert_eq!(web.token_endpoint_auth_method, "client_secret_basic");
    assert_eq!(web.grant_types(), ["authorization_code", "refresh_token"]);
    assert_eq!(
        web.redirect_uris(),
        ["https://wiki.example/cb", "https://wiki.example/cb2"]
    );
    assert_eq!(web.consent, "skip");
    assert_eq!(web.id_token_signed_response_alg, "ES256");
    // SR-102: shown once — the application's page never shows it again.
    let later = page(&mut b, "/admin/applications/wiki", StatusCode::OK).await;
    assert!(!later.body.contains(&secret));
    assert!(later.body.contains("OIDC_CLIENT_ID=wiki"));

    // A single-page app: public, PKCE, its origins allowed.
    let done = create(
        &mut b,
        "spa",
        &[
            ("name", "Dashboard"),
            ("client_id", "dash"),
            ("redirect_uris", "https://dash.example/cb"),
            ("allowed_origins", "https://dash.example"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(!done.body.contains("id=\"app-secret\""));
    assert!(element_text(&done, "app-snippet").contains("OIDC_PKCE_METHOD=S256"));
    let spa = stored(&app, "dash").await.unwrap();
    assert!(spa.public && spa.secret_hash.is_none());
    assert_eq!(spa.token_endpoint_auth_method, "none");
    assert_eq!(spa.grant_types(), ["authorization_code", "refresh_token"]);
    assert_eq!(spa.allowed_origins(), ["https://dash.example"]);
    assert_eq!(spa.consent, "required");

    // A native app: public, an app scheme and loopback.
    let done = create(
        &mut b,
        "native",
        &[
            ("name", "Phone app"),
            ("client_id", "phone"),
            (
                "redirect_uris",
                "com.example.phone:/callback\nhttp://127.0.0.1/callback",
            ),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let native = stored(&app, "phone").await.unwrap();
    assert!(native.public);
    assert_eq!(native.token_endpoint_auth_method, "none");

    // Machine to machine: client_credentials alone, a secret that works.
    let done = create(
        &mut b,
        "m2m",
        &[
            ("name", "Billing job"),
            ("client_id", "billing"),
            ("scopes", "api.read api.write"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let m2m_secret = element_text(&done, "app-secret");
    let m2m = stored(&app, "billing").await.unwrap();
    assert!(!m2m.public);
    assert_eq!(m2m.grant_types(), ["client_credentials"]);
    assert_eq!(m2m.scopes(), ["api.read", "api.write"]);
    assert!(m2m.redirect_uris().is_empty());
    assert_eq!(token(&app, "billing", &m2m_secret).await, StatusCode::OK);

    // A device: public, the device grant; an id is made when none is given.
    let done = create(&mut b, "device", &[("name", "TV app")]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let id = element_text(&done, "app-client-id");
    let device = stored(&app, &id).await.unwrap();
    assert!(device.public);
    assert_eq!(
        device.grant_types(),
        [
            "urn:ietf:params:oauth:grant-type:device_code",
            "refresh_token"
        ]
    );
    assert!(element_text(&done, "app-snippet").contains("OIDC_DEVICE_AUTHORIZATION_ENDPOINT="));

    // Listed with name, client id, type.
    let list = page(&mut b, "/admin/applications", StatusCode::OK).await;
    for text in ["Wiki", "Dashboard", "Phone app", "Billing job", "TV app"] {
        assert!(list.body.contains(text), "{text}");
    }
    assert!(list.body.contains("Single-page application"));
    assert!(list.body.contains("Machine to machine"));
    let found = page(&mut b, "/admin/applications?q=BILL", StatusCode::OK).await;
    assert!(found.body.contains("Billing job") && !found.body.contains("Wiki"));
    // Keyset pages.
    let first = page(&mut b, "/admin/applications?limit=2", StatusCode::OK).await;
    assert!(first.body.contains("Next page"), "{}", first.body);

    // Audited by the service, with the admin as actor and never a secret.
    let rows = app.audit_rows("client.created").await;
    assert_eq!(rows.len(), 5);
    let text = format!("{rows:?}");
    assert!(!text.contains(&secret) && !text.contains(&m2m_secret));
    assert!(rows.iter().all(|r| r.actor_type == "user"), "{text}");
}

async fn refused_settings_show_next_to_their_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;

    // A fragment in a redirect URI: 422, the reason at the field, the
    // input kept, nothing made.
    let refused = create(
        &mut b,
        "web",
        &[
            ("name", "Bad"),
            ("client_id", "bad"),
            ("redirect_uris", "https://rp.example/cb#frag"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"app-redirects-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("fragment"), "{}", refused.body);
    assert!(
        refused
            .body
            .contains("https://rp.example/cb#frag</textarea>")
    );
    assert!(refused.body.contains("value=\"Bad\""));
    assert!(stored(&app, "bad").await.is_none());
    // A web app with no redirect URI.
    let refused = create(&mut b, "web", &[("name", "No URI"), ("client_id", "bad")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"app-redirects-error\""));
    // No name; an unknown algorithm (in the opened advanced settings).
    let refused = create(&mut b, "m2m", &[("name", " ")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"app-name-error\""));
    let refused = create(
        &mut b,
        "m2m",
        &[("name", "X"), ("access_token_signed_response_alg", "HS256")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"app-at-alg-error\""));
    assert!(
        refused.body.contains("app-advanced\" open"),
        "{}",
        refused.body
    );
    // An organization that does not exist.
    let refused = create(
        &mut b,
        "m2m",
        &[("name", "X"), ("organization_id", "no-such-org")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"app-org-error\""));
    // A client id taken.
    let ok = create(&mut b, "m2m", &[("name", "One"), ("client_id", "taken")]).await;
    assert_eq!(ok.status, StatusCode::OK);
    let refused = create(&mut b, "m2m", &[("name", "Two"), ("client_id", "taken")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"app-client-id-error\""));
    assert_eq!(client_count(&app).await, 1);
    // An unknown kind is no request the wizard makes.
    let form = page(&mut b, "/admin/applications/new?kind=web", StatusCode::OK).await;
    let odd = b
        .post_from(&form, NEW, &[("kind", "mainframe"), ("name", "X")])
        .await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST);
    // Step 1 again for a kind it does not know.
    let again = page(
        &mut b,
        "/admin/applications/new?kind=mainframe",
        StatusCode::OK,
    )
    .await;
    assert!(again.body.contains("name=\"kind\" value=\"web\""));
}

async fn settings_rotation_deletion_and_restore(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;
    let done = create(
        &mut b,
        "m2m",
        &[
            ("name", "Reports"),
            ("client_id", "reports"),
            ("scopes", "api.read"),
        ],
    )
    .await;
    let old = element_text(&done, "app-secret");
    let path = "/admin/applications/reports";

    // Settings: saved through the service (303 with a notice), audited.
    let form = page(&mut b, path, StatusCode::OK).await;
    assert!(form.body.contains("value=\"Reports\""));
    let saved = b
        .post_from(
            &form,
            path,
            &[
                ("name", "Nightly reports"),
                ("scopes", "api.read reports"),
                ("audiences", "https://api.example"),
                ("token_endpoint_auth_method", "client_secret_post"),
                ("access_token_signed_response_alg", "ES256"),
                ("grants_shown", "1"),
                ("grant_client_credentials", "on"),
                ("grant_token_exchange", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), format!("{path}?notice=application_saved"));
    let now = stored(&app, "reports").await.unwrap();
    assert_eq!(now.name, "Nightly reports");
    assert_eq!(now.scopes(), ["api.read", "reports"]);
    assert_eq!(now.audiences(), ["https://api.example"]);
    assert_eq!(now.token_endpoint_auth_method, "client_secret_post");
    assert_eq!(now.access_token_signed_response_alg, "ES256");
    // RFC 8693 token exchange is offered to confidential clients.
    assert!(form.body.contains("Token exchange"), "{}", form.body);
    assert_eq!(
        now.grant_types(),
        [
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:token-exchange"
        ]
    );
    let shown = page(&mut b, saved.location(), StatusCode::OK).await;
    assert!(shown.body.contains("Settings saved."));
    let audit = format!("{:?}", app.audit_rows("client.updated").await);
    assert!(audit.contains("Nightly reports"), "{audit}");
    // A refused change: 422 at the field, nothing stored.
    let refused = b
        .post_from(
            &form,
            path,
            &[
                ("name", "Nightly reports"),
                ("grants_shown", "1"),
                ("grant_authorization_code", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The summary above the form names the setting and links to it.
    assert!(refused.body.contains("error-summary"), "{}", refused.body);
    assert!(
        refused.body.contains("href=\"#app-redirects\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("at least one redirect URI"),
        "{}",
        refused.body
    );
    assert_eq!(
        stored(&app, "reports").await.unwrap().grant_types(),
        [
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:token-exchange"
        ]
    );

    // Rotation: the new secret on the answer, the old one stops at once.
    let rotated = b
        .post_from(&form, &format!("{path}/rotate-secret"), &[])
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    assert_eq!(rotated.header("cache-control"), "no-store");
    let new = element_text(&rotated, "app-secret");
    assert_ne!(new, old);
    assert!(element_text(&rotated, "app-snippet").contains(&format!("OIDC_CLIENT_SECRET={new}")));
    assert_eq!(
        post(
            &app,
            "/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "reports"),
                ("client_secret", &old)
            ],
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    let fresh = post(
        &app,
        "/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "reports"),
            ("client_secret", &new),
        ],
        None,
    )
    .await;
    assert_eq!(fresh.status, StatusCode::OK, "{:?}", fresh.json);
    assert!(app.audited("client.secret_rotated").await);
    // A public client has no secret to rotate.
    create(
        &mut b,
        "spa",
        &[
            ("name", "SPA"),
            ("client_id", "spa"),
            ("redirect_uris", "https://spa.example/cb"),
        ],
    )
    .await;
    let spa = page(&mut b, "/admin/applications/spa", StatusCode::OK).await;
    assert!(!spa.body.contains("/rotate-secret"));
    let refused = b
        .post_from(&spa, "/admin/applications/spa/rotate-secret", &[])
        .await;
    assert_eq!(
        refused.location(),
        "/admin/applications/spa?error=application_public"
    );

    // Deleted (after a confirmation): gone from the list and /token.
    assert!(form.body.contains("class=\"confirm\""));
    let deleted = b.post_from(&form, &format!("{path}/delete"), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        deleted.location(),
        "/admin/applications?notice=application_deleted"
    );
    assert!(stored(&app, "reports").await.is_none());
    let list = page(&mut b, "/admin/applications", StatusCode::OK).await;
    assert!(!list.body.contains("Nightly reports"));
    let with = page(
        &mut b,
        "/admin/applications?include_deleted=true",
        StatusCode::OK,
    )
    .await;
    assert!(with.body.contains("Nightly reports"));
    // A superuser still sees it, and restores it.
    let gone = page(&mut b, path, StatusCode::OK).await;
    assert!(gone.body.contains(&format!("action=\"{path}/restore\"")));
    assert!(!gone.body.contains(&format!("action=\"{path}/delete\"")));
    let restored = b.post_from(&gone, &format!("{path}/restore"), &[]).await;
    assert_eq!(
        restored.location(),
        format!("{path}?notice=application_restored")
    );
    assert!(stored(&app, "reports").await.is_some());
    let again = b.post_from(&gone, &format!("{path}/restore"), &[]).await;
    assert_eq!(
        again.location(),
        format!("{path}?error=application_not_deleted")
    );
    app.assert_audited(&["client.deleted", "client.restored"])
        .await;
}

/// An organization and its id.
async fn organization(app: &TestApp, name: &str) -> OrganizationId {
    let name = name.to_owned();
    app.db_run(move |conn| ostiary::store::orgs::find_by_name(conn, &name))
        .await
        .unwrap()
        .id
}

/// A client registered by the service for organization `org`.
async fn registered(app: &TestApp, id: &str, org: &OrganizationId) {
    let spec = ClientSpec {
        name: format!("App {id}"),
        id: Some(id.to_owned()),
        grant_types: vec!["client_credentials".into()],
        organization_id: Some(org.clone()),
        ..ClientSpec::default()
    };
    admin::create(&app.state, &Actor::system("test"), None, spec)
        .await
        .unwrap()
        .unwrap();
}

async fn organization_admins_reach_only_their_applications(backend: Backend) {
    // SR-100: an organization's administrator reaches its organization's
    // applications only, through every page; others' are not found.
    let app = TestApp::spawn(backend).await;
    let alice = org_admin(&app, "alice@a.example", "Org A", Role::Admin).await;
    org_admin(&app, "bob@b.example", "Org B", Role::Admin).await;
    let (org_a, org_b) = (
        organization(&app, "Org A").await,
        organization(&app, "Org B").await,
    );
    registered(&app, "a-app", &org_a).await;
    registered(&app, "b-app", &org_b).await;
    let mut b = signed_in(&app, &alice).await;

    let list = page(&mut b, "/admin/applications", StatusCode::OK).await;
    assert!(list.body.contains("App a-app") && !list.body.contains("App b-app"));
    assert!(list.body.contains("Org A"));
    // Deleted ones are for global reach.
    page(
        &mut b,
        "/admin/applications?include_deleted=true",
        StatusCode::FORBIDDEN,
    )
    .await;
    let own = page(&mut b, "/admin/applications/a-app", StatusCode::OK).await;
    page(&mut b, "/admin/applications/b-app", StatusCode::NOT_FOUND).await;
    for (action, fields) in [
        ("/admin/applications/b-app", vec![("name", "Mine now")]),
        ("/admin/applications/b-app/rotate-secret", vec![]),
        ("/admin/applications/b-app/delete", vec![]),
    ] {
        let res = b.post_from(&own, action, &fields).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{action}: {}", res.body);
    }
    let res = b
        .post_from(&own, "/admin/applications/b-app/restore", &[])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let theirs = stored(&app, "b-app").await.unwrap();
    assert_eq!(theirs.name, "App b-app");
    assert!(!app.audited("client.updated").await);
    assert!(!app.audited("client.secret_rotated").await);
    assert!(!app.audited("client.deleted").await);

    // A new application lands in the own organization; another's is
    // refused at its field (nothing made).
    let form = page(&mut b, "/admin/applications/new?kind=m2m", StatusCode::OK).await;
    assert!(!form.body.contains("Org B"));
    let refused = b
        .post_from(
            &form,
            NEW,
            &[
                ("kind", "m2m"),
                ("name", "Sneaky"),
                ("client_id", "sneaky"),
                ("organization_id", org_b.as_str()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"app-org-error\""));
    assert!(stored(&app, "sneaky").await.is_none());
    let made = b
        .post_from(
            &form,
            NEW,
            &[
                ("kind", "m2m"),
                ("name", "Ours"),
                ("client_id", "ours"),
                ("organization_id", org_a.as_str()),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_eq!(
        stored(&app, "ours").await.unwrap().organization_id,
        Some(org_a.clone())
    );
    let rows = app.audit_rows("client.created").await;
    assert!(
        rows.iter()
            .any(|r| r.organization_id.as_deref() == Some(org_a.as_str())
                && r.target_id.as_deref() == Some("ours"))
    );
}

async fn auditors_read_but_change_nothing(backend: Backend) {
    // SR-100: an auditor reads its organization's applications and is
    // refused every change (403), with no write buttons shown.
    let app = TestApp::spawn(backend).await;
    let auditor = org_admin(&app, "audit@a.example", "Org A", Role::Auditor).await;
    let org_a = organization(&app, "Org A").await;
    registered(&app, "a-app", &org_a).await;
    let mut b = signed_in(&app, &auditor).await;

    let list = page(&mut b, "/admin/applications", StatusCode::OK).await;
    assert!(!list.body.contains("href=\"/admin/applications/new\""));
    let shown = page(&mut b, "/admin/applications/a-app", StatusCode::OK).await;
    assert!(shown.body.contains(" disabled>"), "{}", shown.body);
    assert!(!shown.body.contains("/rotate-secret") && !shown.body.contains("/delete\""));
    page(&mut b, NEW, StatusCode::FORBIDDEN).await;
    page(
        &mut b,
        "/admin/applications/new?kind=web",
        StatusCode::FORBIDDEN,
    )
    .await;
    for (action, fields) in [
        (NEW, vec![("kind", "m2m"), ("name", "Mine")]),
        ("/admin/applications/a-app", vec![("name", "Renamed")]),
        ("/admin/applications/a-app/rotate-secret", vec![]),
        ("/admin/applications/a-app/delete", vec![]),
        ("/admin/applications/a-app/restore", vec![]),
    ] {
        let res = b.post_from(&shown, action, &fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}: {}", res.body);
    }
    assert_eq!(stored(&app, "a-app").await.unwrap().name, "App a-app");
    assert_eq!(client_count(&app).await, 1);
}

async fn secrets_need_a_recent_sign_in(backend: Backend) {
    // SR-101: a secret is shown only after a recent sign-in; an older one
    // is sent to sign in again and back to the page.
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;
    let done = create(
        &mut b,
        "m2m",
        &[
            ("name", "Job"),
            ("client_id", "job"),
            ("scopes", "api.read"),
        ],
    )
    .await;
    let secret = element_text(&done, "app-secret");
    let form = page(&mut b, "/admin/applications/job", StatusCode::OK).await;
    let wizard = page(&mut b, "/admin/applications/new?kind=m2m", StatusCode::OK).await;
    app.clock.advance(chrono::Duration::minutes(11));

    let res = b.get("/admin/applications/new?kind=web").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        "/login?force=1&return_to=%2Fadmin%2Fapplications%2Fnew%3Fkind%3Dweb"
    );
    let res = b
        .post_from(
            &wizard,
            NEW,
            &[("kind", "m2m"), ("name", "Late"), ("client_id", "late")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location().starts_with("/login?force=1"),
        "{}",
        res.location()
    );
    assert!(stored(&app, "late").await.is_none());
    let res = b
        .post_from(&form, "/admin/applications/job/rotate-secret", &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        "/login?force=1&return_to=%2Fadmin%2Fapplications%2Fjob"
    );
    assert_eq!(token(&app, "job", &secret).await, StatusCode::OK);
    // The page says so before the button is pressed; settings still save.
    let form = page(&mut b, "/admin/applications/job", StatusCode::OK).await;
    assert!(form.body.contains("sign in again first"), "{}", form.body);
    let saved = b
        .post_from(&form, "/admin/applications/job", &[("name", "Job 2")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_applications_wizard_in_chromium() {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(Backend::Sqlite).await;
    let admin = superuser(&app, "root@example.com").await;
    let seen = in_chromium(&app, "console_applications.mjs", &admin, json!({})).await;
    assert_eq!(seen["created"], json!(4), "{seen}");
    // The browser's web apps work at /token? Their secrets were shown; the
    // store holds what the wizard chose.
    let web = stored(&app, "wiki-en-desktop").await.unwrap();
    assert_eq!(web.grant_types(), ["authorization_code", "refresh_token"]);
    let spa = stored(&app, "spa-de-phone").await.unwrap();
    assert!(spa.public);
    assert_eq!(spa.allowed_origins(), ["https://spa.example"]);
}
