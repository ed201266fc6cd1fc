//! Upstream providers and MFA policies through the admin API (S5, S7, S8,
//! SR-100, SR-102, SR-115), black-box over HTTP: every operation as a
//! global key and as an organization's key; other organizations' and
//! global providers are not found; email domains and trusted emails are
//! for global callers only (a domain claim routes every sign-in of the
//! domain); a soft-deleted provider loses its button, its domains and its
//! sign-ins until restored; the client secret is never returned; audited.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use ostiary::admin::api_keys::{self, KeySpec};

use crate::helpers::{Backend, PASSWORD, TestApp};

crate::on_all_backends!(
    providers_by_global_and_organization_keys,
    domains_and_trusted_emails_are_for_global_callers,
    deleted_providers_stop_signing_in_until_restored,
    mfa_policies_by_global_and_organization_keys,
);

const SECRET: &str = "upstream-client-secret-0123456789";

fn actor() -> ostiary::audit::Actor {
    ostiary::audit::Actor::system("test")
}

/// An API key with `scopes`, of `org` (by name) when given.
pub(crate) async fn key(app: &TestApp, scopes: &[&str], org: Option<&str>) -> String {
    let spec = KeySpec {
        name: "test key".into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        organization: org.map(str::to_owned),
        ..KeySpec::default()
    };
    api_keys::create(&app.state, &actor(), spec)
        .await
        .unwrap()
        .key
}

/// The organization `name` (created), its id.
pub(crate) async fn org(app: &TestApp, name: &str) -> String {
    let (name, now) = (name.to_owned(), app.state.now().naive_utc());
    app.db_run(move |conn| ostiary::store::orgs::find_or_create(conn, &name, now))
        .await
        .0
        .id
        .to_string()
}

/// A JSON request with a bearer key; the status and the JSON answer.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}/api/v1{path}", app.base))
        .bearer_auth(key);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(!text.contains(SECRET), "the secret came back: {text}");
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    (status, value)
}

/// Expect `status`; the answer.
async fn expect(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
    status: StatusCode,
) -> Value {
    let (got, value) = call(app, method.clone(), path, key, body).await;
    assert_eq!(got, status, "{method} {path}: {value}");
    value
}

/// The field a 403/422 problem names.
fn field(problem: &Value) -> &str {
    problem["errors"][0]["field"].as_str().unwrap_or_default()
}

fn oidc(name: &str) -> Value {
    json!({
        "kind": "oidc",
        "name": name,
        "issuer": format!(
            "https://{}.idp.example.com",
            name.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        ),
        "client_id": "ostiary",
        "client_secret": SECRET,
    })
}

fn names(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

async fn providers_by_global_and_organization_keys(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (org_a, org_b) = (org(&app, "Org A").await, org(&app, "Org B").await);
    let global = key(&app, &["providers:write"], None).await;
    let key_a = key(&app, &["providers:write"], Some("Org A")).await;
    let reader_a = key(&app, &["providers:read"], Some("Org A")).await;

    // A global key registers every implemented kind (201), with the
    // callback URL to register upstream and never the secret.
    let corp = expect(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(oidc("Corp")),
        StatusCode::CREATED,
    )
    .await;
    let corp_id = corp["id"].as_str().unwrap().to_owned();
    assert_eq!(corp["has_secret"], true);
    assert!(corp.get("client_secret").is_none() && corp.get("secret").is_none());
    assert!(
        corp["callback_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/login/providers/{corp_id}/callback")),
        "{corp}"
    );
    assert_eq!(corp["organization_id"], Value::Null);
    for body in [
        json!({"kind": "google", "name": "Google", "client_id": "g", "client_secret": SECRET}),
        json!({"kind": "microsoft", "name": "Entra", "client_id": "m", "client_secret": SECRET,
               "tenant": "organizations"}),
        json!({"kind": "okta", "name": "Okta", "client_id": "o", "client_secret": SECRET,
               "issuer": "https://acme.okta.com"}),
        json!({"kind": "jumpcloud", "name": "JumpCloud", "client_id": "j",
               "client_secret": SECRET, "issuer": "https://oauth.id.jumpcloud.com"}),
        json!({"kind": "github", "name": "GitHub", "client_id": "gh", "client_secret": SECRET}),
    ] {
        let made = expect(
            &app,
            Method::POST,
            "/providers",
            &global,
            Some(body),
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(made["has_secret"], true, "{made}");
    }
    // A kind not in this build (saml without the feature) or without its
    // required fields (saml: its metadata), and settings a rule refuses:
    // 422 naming the field; an unknown field: 400.
    let saml = json!({"kind": "saml", "name": "S", "client_id": "s"});
    let refused = expect(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(saml),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let saml_field = if cfg!(feature = "saml") {
        "metadata_url"
    } else {
        "kind"
    };
    assert_eq!(field(&refused), saml_field, "{refused}");
    let mut no_issuer = oidc("No issuer");
    no_issuer["issuer"] = Value::Null;
    let refused = expect(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(no_issuer),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(field(&refused), "issuer", "{refused}");
    let mut no_secret = oidc("No secret");
    no_secret["client_secret"] = Value::Null;
    let refused = expect(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(no_secret),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(field(&refused), "client_secret", "{refused}");
    let mut unknown = oidc("Unknown");
    unknown["secret"] = json!("x");
    expect(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(unknown),
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Org B's provider, made by a global key.
    let mut for_b = oidc("B's");
    for_b["organization_id"] = json!(org_b);
    let b = expect(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(for_b),
        StatusCode::CREATED,
    )
    .await;
    let b_id = b["id"].as_str().unwrap().to_owned();
    assert_eq!(b["organization"], "Org B");

    // An organization's key: what it creates is its organization's; it
    // cannot put it in another organization.
    let mine = expect(
        &app,
        Method::POST,
        "/providers",
        &key_a,
        Some(oidc("A's")),
        StatusCode::CREATED,
    )
    .await;
    let mine_id = mine["id"].as_str().unwrap().to_owned();
    assert_eq!(mine["organization_id"], org_a.as_str());
    let mut elsewhere = oidc("Elsewhere");
    elsewhere["organization_id"] = json!(org_b);
    let refused = expect(
        &app,
        Method::POST,
        "/providers",
        &key_a,
        Some(elsewhere),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(field(&refused), "organization_id");

    // It sees only its organization's providers; another organization's
    // and global ones are not found (SR-100).
    let listed = expect(
        &app,
        Method::GET,
        "/providers",
        &reader_a,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(names(&listed), ["A's"]);
    for other in [&corp_id, &b_id] {
        let path = format!("/providers/{other}");
        expect(
            &app,
            Method::GET,
            &path,
            &key_a,
            None,
            StatusCode::NOT_FOUND,
        )
        .await;
        let change = Some(json!({"name": "Mine now"}));
        expect(
            &app,
            Method::PATCH,
            &path,
            &key_a,
            change,
            StatusCode::NOT_FOUND,
        )
        .await;
        expect(
            &app,
            Method::DELETE,
            &path,
            &key_a,
            None,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    // Nor may it make its provider global.
    let path = format!("/providers/{mine_id}");
    let refused = expect(
        &app,
        Method::PATCH,
        &path,
        &key_a,
        Some(json!({"organization_id": null})),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(field(&refused), "organization_id");
    // A partial change keeps the rest, and the secret.
    let changed = expect(
        &app,
        Method::PATCH,
        &path,
        &key_a,
        Some(json!({"name": "A's SSO", "button_label": "Sign in with A", "enabled": false})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["name"], "A's SSO");
    assert_eq!(changed["button_label"], "Sign in with A");
    assert_eq!(changed["enabled"], false);
    assert_eq!(changed["has_secret"], true);
    assert_eq!(changed["settings"], mine["settings"]);
    let shown = expect(&app, Method::GET, &path, &reader_a, None, StatusCode::OK).await;
    assert_eq!(shown["name"], "A's SSO");
    let changed = expect(
        &app,
        Method::PATCH,
        &path,
        &key_a,
        Some(json!({"client_secret": "a-new-secret-value", "button_label": null})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["button_label"], Value::Null);
    let refused = expect(
        &app,
        Method::PATCH,
        &path,
        &key_a,
        Some(json!({"issuer": "ftp://nope"})),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(field(&refused), "issuer", "{refused}");

    // Missing scopes: 403.
    expect(
        &app,
        Method::POST,
        "/providers",
        &reader_a,
        Some(oidc("Read only")),
        StatusCode::FORBIDDEN,
    )
    .await;
    let users_only = key(&app, &["users:read"], None).await;
    expect(
        &app,
        Method::GET,
        "/providers",
        &users_only,
        None,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect(
        &app,
        Method::DELETE,
        &path,
        &reader_a,
        None,
        StatusCode::FORBIDDEN,
    )
    .await;

    // A global key sees all, pages by creation time, searches by name.
    let all = expect(
        &app,
        Method::GET,
        "/providers?limit=3",
        &global,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(names(&all), ["Corp", "Google", "Entra"]);
    let cursor = all["next_cursor"].as_str().unwrap();
    let rest = expect(
        &app,
        Method::GET,
        &format!("/providers?limit=100&cursor={cursor}"),
        &global,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        names(&rest),
        ["Okta", "JumpCloud", "GitHub", "B's", "A's SSO"]
    );
    assert_eq!(rest["next_cursor"], Value::Null);
    let found = expect(
        &app,
        Method::GET,
        "/providers?q=JUMP",
        &global,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(names(&found), ["JumpCloud"]);

    // Audited with the key as actor, before and after, never the secret.
    let created = app.audit_rows("provider.created").await;
    assert_eq!(created.len(), 8);
    let updated = app.audit_rows("provider.updated").await;
    assert_eq!(updated.len(), 2);
    for row in created.iter().chain(&updated) {
        assert_eq!(row.actor_type, "api_key", "{row:?}");
        assert!(!row.details.contains(SECRET) && !row.details.contains("a-new-secret"));
    }
    let renamed = updated.iter().any(|row| {
        let details: Value = serde_json::from_str(&row.details).unwrap();
        details["before"]["name"] == "A's" && details["after"]["name"] == "A's SSO"
    });
    assert!(renamed, "{updated:?}");
}

async fn domains_and_trusted_emails_are_for_global_callers(backend: Backend) {
    // SR-100: a claimed domain sends every sign-in of that domain to the
    // provider, and a trusted email links sign-ins to existing accounts:
    // an organization's key could take over other organizations' users.
    let app = TestApp::spawn(backend).await;
    let org_a = org(&app, "Org A").await;
    let global = key(&app, &["providers:write"], None).await;
    let key_a = key(&app, &["providers:write"], Some("Org A")).await;

    let mut claiming = oidc("Claiming");
    claiming["domains"] = json!(["victim.test"]);
    let refused = expect(
        &app,
        Method::POST,
        "/providers",
        &key_a,
        Some(claiming.clone()),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(field(&refused), "domains", "{refused}");
    let mut trusting = oidc("Trusting");
    trusting["trust_email"] = json!(true);
    let refused = expect(
        &app,
        Method::POST,
        "/providers",
        &key_a,
        Some(trusting),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(field(&refused), "trust_email");
    let mine = expect(
        &app,
        Method::POST,
        "/providers",
        &key_a,
        Some(oidc("Mine")),
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/providers/{}", mine["id"].as_str().unwrap());
    for change in [
        json!({"domains": ["victim.test"]}),
        json!({"trust_email": true}),
    ] {
        expect(
            &app,
            Method::PATCH,
            &path,
            &key_a,
            Some(change),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    assert_eq!(app.audit_rows("provider.created").await.len(), 1);
    assert!(app.audit_rows("provider.updated").await.is_empty());

    // A global caller grants them; the organization's key may then keep
    // them while changing other fields, and turn trust off, not on again.
    let granted = expect(
        &app,
        Method::PATCH,
        &path,
        &global,
        Some(json!({"domains": ["a.test"], "trust_email": true})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(granted["domains"], json!(["a.test"]));
    assert_eq!(granted["organization_id"], org_a.as_str());
    expect(
        &app,
        Method::PATCH,
        &path,
        &key_a,
        Some(json!({"name": "Mine, renamed", "domains": ["A.test."]})),
        StatusCode::OK,
    )
    .await;
    expect(
        &app,
        Method::PATCH,
        &path,
        &key_a,
        Some(json!({"domains": []})),
        StatusCode::FORBIDDEN,
    )
    .await;
    let off = expect(
        &app,
        Method::PATCH,
        &path,
        &key_a,
        Some(json!({"trust_email": false})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(off["trust_email"], false);
    expect(
        &app,
        Method::PATCH,
        &path,
        &key_a,
        Some(json!({"trust_email": true})),
        StatusCode::FORBIDDEN,
    )
    .await;
    // A domain is claimed once: 409 for a second claim.
    expect(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(
            json!({"kind": "oidc", "name": "Second", "issuer": "https://second.example.com",
                    "client_id": "c", "client_secret": SECRET, "domains": ["A.test"]}),
        ),
        StatusCode::CONFLICT,
    )
    .await;
}

/// The button of provider `id` on the login page.
async fn has_button(app: &TestApp, id: &str) -> bool {
    let page = app.browser().get("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    page.body.contains(&format!("/login/providers/{id}"))
}

/// Where identifier-first sends `email` typed without a password: the
/// provider's start URL, or `None` when the password is asked for.
async fn routed(app: &TestApp, email: &str) -> Option<String> {
    let mut b = app.browser();
    let res = b
        .submit("/login", "/login", &[("email", email), ("password", "")])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body
        .split("http-equiv=\"refresh\" content=\"0;url=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(crate::helpers::unescape)
}

async fn deleted_providers_stop_signing_in_until_restored(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    org(&app, "Org A").await;
    let global = key(&app, &["providers:write"], None).await;
    let key_a = key(&app, &["providers:write"], Some("Org A")).await;
    app.create_user("gina@corp.test", PASSWORD).await;
    let mut body = oidc("Corp");
    body["issuer"] = json!("http://127.0.0.1:9");
    body["domains"] = json!(["corp.test", "corp2.test"]);
    let corp = expect(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(body),
        StatusCode::CREATED,
    )
    .await;
    let id = corp["id"].as_str().unwrap().to_owned();
    assert!(has_button(&app, &id).await);
    let to_provider = format!("/login/providers/{id}?");
    assert!(
        routed(&app, "gina@corp.test")
            .await
            .is_some_and(|u| u.starts_with(&to_provider))
    );

    // Deleted (soft): no button, no routing of its domains (the password
    // is asked for), no sign-in start, 404 in the API.
    let path = format!("/providers/{id}");
    let gone = expect(&app, Method::DELETE, &path, &global, None, StatusCode::OK).await;
    assert_eq!(gone["released_domains"], json!(["corp.test", "corp2.test"]));
    assert_eq!(gone["domains"], json!([]));
    assert!(gone["deleted_at"].is_string());
    assert!(!has_button(&app, &id).await);
    assert_eq!(routed(&app, "gina@corp.test").await, None);
    let start = app
        .browser()
        .get(&format!("/login/providers/{id}?return_to=%2Faccount"))
        .await;
    assert_eq!(start.status, StatusCode::NOT_FOUND);
    let callback = app
        .browser()
        .get(&format!("/login/providers/{id}/callback?code=c&state=s"))
        .await;
    assert!(callback.status.is_client_error(), "{}", callback.status);
    expect(
        &app,
        Method::GET,
        &path,
        &global,
        None,
        StatusCode::NOT_FOUND,
    )
    .await;
    let change = Some(json!({"name": "Back?"}));
    expect(
        &app,
        Method::PATCH,
        &path,
        &global,
        change,
        StatusCode::NOT_FOUND,
    )
    .await;
    expect(
        &app,
        Method::DELETE,
        &path,
        &global,
        None,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = expect(
        &app,
        Method::GET,
        "/providers",
        &global,
        None,
        StatusCode::OK,
    )
    .await;
    assert!(names(&listed).is_empty());

    // Superusers see it with include_deleted; others may not ask.
    let seen = expect(
        &app,
        Method::GET,
        &format!("{path}?include_deleted=true"),
        &global,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["id"], id.as_str());
    let listed = expect(
        &app,
        Method::GET,
        "/providers?include_deleted=true",
        &global,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(names(&listed), ["Corp"]);
    expect(
        &app,
        Method::GET,
        "/providers?include_deleted=true",
        &key_a,
        None,
        StatusCode::FORBIDDEN,
    )
    .await;

    // Its domain is free: another provider claims it meanwhile.
    let mut other = oidc("Other");
    other["domains"] = json!(["corp.test"]);
    expect(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(other),
        StatusCode::CREATED,
    )
    .await;

    // Restore: global reach only; back with the domains still free.
    let restore = format!("{path}/restore");
    expect(
        &app,
        Method::POST,
        &restore,
        &key_a,
        None,
        StatusCode::NOT_FOUND,
    )
    .await;
    let back = expect(&app, Method::POST, &restore, &global, None, StatusCode::OK).await;
    assert_eq!(back["domains_lost"], json!(["corp.test"]));
    assert_eq!(back["provider"]["domains"], json!(["corp2.test"]));
    assert_eq!(back["provider"]["has_secret"], true);
    assert!(back["provider"].get("deleted_at").is_none());
    assert!(has_button(&app, &id).await);
    expect(&app, Method::GET, &path, &global, None, StatusCode::OK).await;
    expect(
        &app,
        Method::POST,
        &restore,
        &global,
        None,
        StatusCode::CONFLICT,
    )
    .await;

    let deleted = app.audit_rows("provider.deleted").await;
    assert_eq!(deleted.len(), 1);
    let details: Value = serde_json::from_str(&deleted[0].details).unwrap();
    assert_eq!(
        details["released_domains"],
        json!(["corp.test", "corp2.test"])
    );
    let restored = app.audit_rows("provider.restored").await;
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0].actor_type, "api_key");
    let details: Value = serde_json::from_str(&restored[0].details).unwrap();
    assert_eq!(details["domains_lost"], json!(["corp.test"]));
}

async fn mfa_policies_by_global_and_organization_keys(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (org_a, org_b) = (org(&app, "Org A").await, org(&app, "Org B").await);
    let global = key(&app, &["policies:write"], None).await;
    let key_a = key(&app, &["policies:write"], Some("Org A")).await;
    let required = || Some(json!({"requirement": "required"}));

    // A global key sets every kind of rule and acknowledges upstreams.
    for path in [
        "/mfa-policies/global/*".to_owned(),
        "/mfa-policies/login_method/password".to_owned(),
        "/mfa-policies/upstream/google".to_owned(),
        format!("/mfa-policies/organization/{org_b}"),
    ] {
        let rule = expect(
            &app,
            Method::PUT,
            &path,
            &global,
            required(),
            StatusCode::OK,
        )
        .await;
        assert_eq!(rule["requirement"], "required", "{rule}");
    }
    let refused = expect(
        &app,
        Method::PUT,
        "/mfa-policies/login_method/carrier-pigeon",
        &global,
        required(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(field(&refused), "subject");
    let ack = Some(json!({"upstream": "google"}));
    let first = expect(
        &app,
        Method::POST,
        "/mfa-policies/acknowledge-upstream",
        &global,
        ack.clone(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["new"], true);
    let again = expect(
        &app,
        Method::POST,
        "/mfa-policies/acknowledge-upstream",
        &global,
        ack.clone(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["new"], false);

    // An organization's key: its organization's rules only.
    let own = format!("/mfa-policies/organization/{org_a}");
    let rule = expect(
        &app,
        Method::PUT,
        &own,
        &key_a,
        Some(json!({"requirement": "optional"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(rule["subject"], org_a.as_str());
    let seen = expect(
        &app,
        Method::GET,
        "/mfa-policies",
        &key_a,
        None,
        StatusCode::OK,
    )
    .await;
    let subjects: Vec<&str> = seen["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, [org_a.as_str()]);
    assert_eq!(seen["upstream_acknowledgments"], json!([]));
    let theirs = format!("/mfa-policies/organization/{org_b}");
    expect(
        &app,
        Method::PUT,
        &theirs,
        &key_a,
        required(),
        StatusCode::NOT_FOUND,
    )
    .await;
    expect(
        &app,
        Method::DELETE,
        &theirs,
        &key_a,
        None,
        StatusCode::NOT_FOUND,
    )
    .await;
    let by_name = "/mfa-policies/organization/Org%20B";
    expect(
        &app,
        Method::PUT,
        by_name,
        &key_a,
        required(),
        StatusCode::NOT_FOUND,
    )
    .await;
    for path in [
        "/mfa-policies/global/*",
        "/mfa-policies/login_method/password",
        "/mfa-policies/upstream/github",
        "/mfa-policies/client/some-client",
    ] {
        expect(
            &app,
            Method::PUT,
            path,
            &key_a,
            required(),
            StatusCode::FORBIDDEN,
        )
        .await;
        expect(
            &app,
            Method::DELETE,
            path,
            &key_a,
            None,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    expect(
        &app,
        Method::POST,
        "/mfa-policies/acknowledge-upstream",
        &key_a,
        ack,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect(
        &app,
        Method::DELETE,
        &own,
        &key_a,
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
    expect(
        &app,
        Method::DELETE,
        &own,
        &key_a,
        None,
        StatusCode::NOT_FOUND,
    )
    .await;

    // A global key sees everything; scopes are checked.
    let all = expect(
        &app,
        Method::GET,
        "/mfa-policies",
        &global,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["policies"].as_array().unwrap().len(), 4, "{all}");
    assert_eq!(all["upstream_acknowledgments"][0]["upstream"], "google");
    expect(
        &app,
        Method::DELETE,
        "/mfa-policies/global/*",
        &global,
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
    let reader = key(&app, &["policies:read"], None).await;
    expect(
        &app,
        Method::GET,
        "/mfa-policies",
        &reader,
        None,
        StatusCode::OK,
    )
    .await;
    expect(
        &app,
        Method::PUT,
        "/mfa-policies/global/*",
        &reader,
        required(),
        StatusCode::FORBIDDEN,
    )
    .await;
    let other = key(&app, &["providers:read"], None).await;
    expect(
        &app,
        Method::GET,
        "/mfa-policies",
        &other,
        None,
        StatusCode::FORBIDDEN,
    )
    .await;

    // Audited with the key as actor.
    let changed = app.audit_rows("mfa.policy_changed").await;
    assert_eq!(changed.len(), 7);
    assert!(changed.iter().all(|r| r.actor_type == "api_key"));
    let acked = app.audit_rows("mfa.upstream_acknowledged").await;
    assert_eq!(acked.len(), 1);
}
