//! The console's SSO providers and MFA policies (S5, S7, S8) over HTTP and
//! in Chromium: the wizard for every kind with its field errors, the
//! callback URL shown before saving, a provider's page (change, delete,
//! restore), "test connection" against a real upstream and an unreachable
//! one, the MFA rules; what organization admins and auditors may reach
//! (SR-100); the audit records of every change; and the end-to-end run
//! where an administrator configures an upstream OpenID Provider in the
//! console and a person signs in through it to an application.

use ostiary::audit::Actor;
use ostiary::domain::{OrganizationId, Role};
use ostiary::federation::Kind;
use ostiary::federation::registry::{self, ProviderView, Reach};
use ostiary::federation::spec::ProviderSpec;
use reqwest::StatusCode;
use serde_json::json;

use crate::console_support::{Admin, in_chromium, org_admin, page, signed_in, superuser};
use crate::federated_login::{
    free_port, github_standin, node_peer, registered_upstream, upstream_on,
};
use crate::helpers::{Backend, Browser, Page, TestApp, browser_peer};

crate::on_all_backends!(
    the_wizard_registers_every_kind_and_explains_refusals,
    a_providers_page_changes_deletes_and_restores_it,
    organization_admins_reach_only_their_providers,
    auditors_read_but_change_nothing,
    mfa_policies_are_listed_added_changed_and_deleted,
    the_wizard_sets_up_an_ldap_directory,
);

/// The id of organization `name` (created when missing).
async fn org_id(app: &TestApp, name: &str) -> OrganizationId {
    let (name, now) = (name.to_owned(), app.state.now().naive_utc());
    app.db_run(move |conn| ostiary::store::orgs::find_or_create(conn, &name, now))
        .await
        .0
        .id
}

/// A provider made through the registry (as the CLI would).
async fn provider(
    app: &TestApp,
    name: &str,
    org: Option<OrganizationId>,
    tweak: impl FnOnce(&mut ProviderSpec),
) -> ProviderView {
    let mut spec = ProviderSpec {
        name: name.into(),
        organization_id: org,
        issuer: Some("https://idp.example.com".into()),
        client_id: Some("rp".into()),
        jit: true,
        enabled: true,
        ..ProviderSpec::default()
    };
    tweak(&mut spec);
    registry::create(
        &app.state,
        &Actor::system("test"),
        &Reach::global(),
        Kind::Oidc,
        spec,
        Some("secret".into()),
    )
    .await
    .unwrap()
    .unwrap()
}

async fn stored(app: &TestApp, id: &str) -> ProviderView {
    registry::show(&app.state, &Reach::global(), id, true)
        .await
        .unwrap()
}

/// An admin-API key with `providers:write`, of organization `org`.
async fn api_key(app: &TestApp, org: Option<&str>) -> String {
    let spec = ostiary::admin::api_keys::KeySpec {
        name: "test".into(),
        scopes: vec!["providers:write".into()],
        organization: org.map(str::to_owned),
        ..Default::default()
    };
    ostiary::admin::api_keys::create(&app.state, &Actor::system("test"), spec)
        .await
        .unwrap()
        .key
}

/// The user id of `admin`.
async fn user_id(app: &TestApp, admin: &Admin) -> String {
    let email = admin.email.clone();
    app.db_run(move |conn| {
        Ok(ostiary::store::users::find_by_email(conn, &email)?
            .unwrap()
            .id
            .to_string())
    })
    .await
}

/// Step 2 of the wizard for `kind`: the first visit goes on to an address
/// holding a fresh provider id, and a reload shows the same one (the
/// callback URL the admin may have registered upstream stays).
async fn wizard(b: &mut Browser, kind: &str) -> Page {
    let first = page(
        b,
        &format!("/admin/providers/new?kind={kind}"),
        StatusCode::SEE_OTHER,
    )
    .await;
    let at = first.location().to_owned();
    assert!(
        at.starts_with(&format!("/admin/providers/new?kind={kind}&id=")),
        "{at}"
    );
    let form = page(b, &at, StatusCode::OK).await;
    let again = page(b, &at, StatusCode::OK).await;
    assert_eq!(again.field("provider_id"), form.field("provider_id"));
    form
}

/// Post the wizard's step 2 for `kind` with `fields` (and the form's
/// kind, provider id and privileged marker).
async fn submit_wizard(b: &mut Browser, form: &Page, fields: &[(&str, &str)]) -> Page {
    let kind = form.field("kind");
    let id = form.field("provider_id");
    let mut all: Vec<(&str, &str)> = vec![("kind", &kind), ("provider_id", &id)];
    let privileged = form.body.contains("name=\"privileged\"");
    if privileged {
        all.push(("privileged", "1"));
    }
    all.extend_from_slice(fields);
    b.post_from(form, "/admin/providers/new", &all).await
}

/// A kind, refused fields, the error element they show, accepted fields.
type WizardCase = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static [(&'static str, &'static str)],
);

async fn the_wizard_registers_every_kind_and_explains_refusals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;

    let empty = page(&mut b, "/admin/providers", StatusCode::OK).await;
    assert!(empty.body.contains("No SSO provider yet"), "{}", empty.body);
    // Step 1: a card per kind; SAML only in a build with the feature.
    let choose = page(&mut b, "/admin/providers/new", StatusCode::OK).await;
    for kind in [
        "oidc",
        "google",
        "entra",
        "okta",
        "jumpcloud",
        "github",
        "saml",
        "ldap",
    ] {
        assert!(choose.body.contains(&format!("value=\"{kind}\"")), "{kind}");
    }
    let saml = cfg!(feature = "saml");
    assert_eq!(
        choose.body.matches("Coming soon").count(),
        usize::from(!saml)
    );
    let back = page(&mut b, "/admin/providers/new?picked=entra", StatusCode::OK).await;
    assert!(
        back.body.contains("value=\"entra\" checked"),
        "{}",
        back.body
    );
    page(
        &mut b,
        "/admin/providers/new?kind=saml",
        if saml {
            // To step 2 under a fresh id (tests/api/saml_admin.rs).
            StatusCode::SEE_OTHER
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
    )
    .await;
    page(
        &mut b,
        "/admin/providers/new?kind=nope",
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Step 2 of each kind: the callback URL is shown before saving, each
    // refusal is said next to its field, and the provider saved has the id
    // of the URL that was shown.
    let cases: &[WizardCase] = &[
        (
            "oidc",
            &[("issuer", "http://idp.example.com"), ("client_id", "rp")],
            "f-issuer-error",
            &[("issuer", "https://idp.example.com"), ("client_id", "rp")],
        ),
        (
            "google",
            &[("hosted_domain", "not a domain"), ("client_id", "rp")],
            "f-hosted-domain-error",
            &[("hosted_domain", "acme.example"), ("client_id", "rp")],
        ),
        (
            "entra",
            &[("client_id", "rp")],
            "f-tenant-error",
            &[("tenant", "organizations"), ("client_id", "rp")],
        ),
        (
            "okta",
            &[("issuer", "https://example.okta.com")],
            "f-client-id-error",
            &[
                ("issuer", "https://example.okta.com/oauth2/default"),
                ("client_id", "rp"),
            ],
        ),
        (
            "jumpcloud",
            &[
                ("issuer", "https://oauth.id.jumpcloud.com/?x=1"),
                ("client_id", "rp"),
            ],
            "f-issuer-error",
            &[
                ("issuer", "https://oauth.id.jumpcloud.com/"),
                ("client_id", "rp"),
            ],
        ),
        (
            "github",
            &[
                ("api_url", "https://ghe.example.com/api/v3"),
                ("client_id", "rp"),
            ],
            "f-api-url-error",
            &[("client_id", "rp")],
        ),
    ];
    let mut made = Vec::new();
    for (kind, bad, error, good) in cases {
        let form = wizard(&mut b, kind).await;
        let id = form.field("provider_id");
        let callback = registry::callback_url(&app.state, &id);
        assert!(callback.ends_with(&format!("/login/providers/{id}/callback")));
        assert!(form.body.contains(&callback), "{kind}: {}", form.body);
        let mut fields = vec![
            ("name", "Corp"),
            ("client_secret", "s3cret"),
            ("jit", "on"),
            ("enabled", "on"),
        ];
        fields.extend_from_slice(bad);
        let refused = submit_wizard(&mut b, &form, &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind}: {}",
            refused.body
        );
        assert!(
            refused.body.contains(&format!("id=\"{error}\"")),
            "{kind}: {}",
            refused.body
        );
        assert!(
            refused.body.contains("Check the highlighted fields"),
            "{kind}"
        );
        // The same callback URL (the admin may have registered it already),
        // and the secret is not sent back.
        assert_eq!(refused.field("provider_id"), id);
        assert!(!refused.body.contains("s3cret"));
        let name = format!("Corp {kind}");
        let mut fields = vec![
            ("name", name.as_str()),
            ("client_secret", "s3cret"),
            ("jit", "on"),
            ("enabled", "on"),
        ];
        fields.extend_from_slice(good);
        let done = submit_wizard(&mut b, &refused, &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{kind}: {}", done.body);
        assert_eq!(
            done.location(),
            format!("/admin/providers/{id}?notice=provider_created")
        );
        let view = stored(&app, &id).await;
        assert_eq!(view.kind.as_str(), *kind);
        assert_eq!(view.callback_url, callback);
        assert!(view.has_secret && view.enabled && view.jit && !view.trust_email);
        let shown = page(&mut b, &format!("/admin/providers/{id}"), StatusCode::OK).await;
        assert!(shown.body.contains(&callback) && shown.body.contains(&name));
        // Its address now leads to a fresh id.
        let used = format!("/admin/providers/new?kind={kind}&id={id}");
        let fresh = page(&mut b, &used, StatusCode::SEE_OTHER).await;
        assert!(!fresh.location().contains(&id));
        // Sent twice: the provider it made, not a second one.
        let again = submit_wizard(&mut b, &refused, &fields).await;
        assert_eq!(again.location(), done.location());
        made.push(id);
    }
    let google = stored(&app, &made[1]).await;
    assert_eq!(
        google.settings.hosted_domain.as_deref(),
        Some("acme.example")
    );
    let entra = stored(&app, &made[2]).await;
    assert_eq!(
        entra.settings.issuer.as_deref(),
        Some("https://login.microsoftonline.com/organizations/v2.0")
    );
    let listed = page(&mut b, "/admin/providers", StatusCode::OK).await;
    for kind in ["oidc", "google", "entra", "okta", "jumpcloud", "github"] {
        assert!(listed.body.contains(&format!("Corp {kind}")), "{kind}");
    }
    // Searching narrows the list.
    let found = page(&mut b, "/admin/providers?q=okta", StatusCode::OK).await;
    assert!(found.body.contains("Corp okta") && !found.body.contains("Corp github"));
    // A forged id is refused: the form comes back under a fresh one.
    let form = wizard(&mut b, "oidc").await;
    let forged = b
        .post_from(
            &form,
            "/admin/providers/new",
            &[
                ("kind", "oidc"),
                ("provider_id", "../x"),
                ("name", "X"),
                ("client_id", "rp"),
                ("client_secret", "s"),
                ("issuer", "https://idp.example.com"),
            ],
        )
        .await;
    assert_eq!(
        forged.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        forged.body
    );
    assert_ne!(forged.field("provider_id"), "../x");

    // Audited with the administrator as actor (never the secret).
    let rows = app.audit_rows("provider.created").await;
    assert_eq!(rows.len(), 6);
    let me = user_id(&app, &admin).await;
    assert!(
        rows.iter()
            .all(|r| r.actor_id.as_deref() == Some(me.as_str()))
    );
    assert!(rows.iter().all(|r| !r.details.contains("s3cret")));
}

async fn a_providers_page_changes_deletes_and_restores_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;
    let acme = org_id(&app, "Acme").await;
    let p = provider(&app, "Corp SSO", None, |_| {}).await;
    let path = format!("/admin/providers/{}", p.id);
    let shown = page(&mut b, &path, StatusCode::OK).await;
    assert!(shown.body.contains(&p.callback_url));
    assert!(shown.body.contains("A secret is stored"));

    // A bad change is refused next to its field; nothing changes.
    let refused = b
        .post_from(
            &shown,
            &path,
            &[
                ("name", ""),
                ("issuer", "https://idp.example.com"),
                ("client_id", "rp"),
                ("privileged", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"f-name-error\""),
        "{}",
        refused.body
    );
    assert_eq!(stored(&app, &p.id).await.name, "Corp SSO");

    // A good one: name, organization, domains, trusted email; the secret
    // left empty is kept.
    let acme_id = acme.to_string();
    let saved = b
        .post_from(
            &shown,
            &path,
            &[
                ("name", "Acme SSO"),
                ("button_label", "Sign in with Acme"),
                ("organization_id", &acme_id),
                ("issuer", "https://idp.example.com"),
                ("client_id", "rp2"),
                ("scopes", "openid email groups"),
                ("token_endpoint_auth_method", "client_secret_post"),
                ("privileged", "1"),
                ("domains", "acme.example\nAcme.Example, corp.example"),
                ("trust_email", "on"),
                ("jit", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), format!("{path}?notice=provider_saved"));
    let after = stored(&app, &p.id).await;
    assert_eq!(after.name, "Acme SSO");
    assert_eq!(after.organization.as_deref(), Some("Acme"));
    assert_eq!(after.domains, ["acme.example", "corp.example"]);
    assert!(after.trust_email && after.has_secret && !after.enabled);
    assert_eq!(after.settings.client_id, "rp2");
    assert_eq!(after.settings.scopes, ["openid", "email", "groups"]);
    assert_eq!(
        after.settings.token_endpoint_auth_method,
        "client_secret_post"
    );
    let notice = page(&mut b, saved.location(), StatusCode::OK).await;
    assert!(
        notice.body.contains("settings are saved"),
        "{}",
        notice.body
    );

    // A domain another provider claims: refused next to the domains.
    let other = provider(&app, "Other", None, |s| {
        s.domains = vec!["other.example".into()]
    })
    .await;
    let taken = b
        .post_from(
            &shown,
            &path,
            &[
                ("name", "Acme SSO"),
                ("issuer", "https://idp.example.com"),
                ("client_id", "rp2"),
                ("privileged", "1"),
                ("domains", "other.example"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    assert!(taken.body.contains("id=\"f-domains-error\""));

    // Delete (soft): the page shows it deleted with a restore button.
    let deleted = b.post_from(&shown, &format!("{path}/delete"), &[]).await;
    assert_eq!(
        deleted.location(),
        format!("{path}?notice=provider_deleted")
    );
    assert!(stored(&app, &p.id).await.deleted_at.is_some());
    let gone = page(&mut b, &path, StatusCode::OK).await;
    assert!(gone.body.contains(&format!("action=\"{path}/restore\"")));
    assert!(!gone.body.contains(&format!("action=\"{path}/test#test\"")));
    let listed = page(&mut b, "/admin/providers", StatusCode::OK).await;
    assert!(!listed.body.contains("Acme SSO"));
    let with_deleted = page(
        &mut b,
        "/admin/providers?include_deleted=true",
        StatusCode::OK,
    )
    .await;
    assert!(with_deleted.body.contains("Acme SSO"));
    // Restore: its domains come back.
    let restored = b.post_from(&shown, &format!("{path}/restore"), &[]).await;
    assert_eq!(
        restored.location(),
        format!("{path}?notice=provider_restored")
    );
    assert_eq!(
        stored(&app, &p.id).await.domains,
        ["acme.example", "corp.example"]
    );
    let again = b.post_from(&shown, &format!("{path}/restore"), &[]).await;
    assert_eq!(
        again.location(),
        format!("{path}?error=provider_not_deleted")
    );

    // Accepting the upstream's MFA for its kind.
    let accepted = b
        .post_from(&shown, &format!("{path}/accept-mfa"), &[])
        .await;
    assert_eq!(accepted.location(), format!("{path}?notice=mfa_accepted"));
    let shown = page(&mut b, &path, StatusCode::OK).await;
    assert!(shown.body.contains("is accepted"), "{}", shown.body);

    app.assert_audited(&[
        "provider.updated",
        "provider.deleted",
        "provider.restored",
        "mfa.upstream_acknowledged",
    ])
    .await;
    let me = user_id(&app, &admin).await;
    for action in ["provider.updated", "provider.deleted", "provider.restored"] {
        let rows = app.audit_rows(action).await;
        assert!(
            rows.iter()
                .all(|r| r.actor_id.as_deref() == Some(me.as_str())),
            "{action}"
        );
    }
    drop(other);
}

async fn organization_admins_reach_only_their_providers(backend: Backend) {
    // SR-100: an organization's admin sees and changes its own providers
    // only; another organization's and global ones are not found through
    // any page, and email domains and trusted email stay for superusers.
    let app = TestApp::spawn(backend).await;
    let admin = org_admin(&app, "boss@a.example", "Org A", Role::Admin).await;
    let a = org_id(&app, "Org A").await;
    let b_org = org_id(&app, "Org B").await;
    let theirs = provider(&app, "B SSO", Some(b_org.clone()), |_| {}).await;
    let global = provider(&app, "Global SSO", None, |_| {}).await;
    let mine = provider(&app, "A SSO", Some(a.clone()), |_| {}).await;
    let mut b = signed_in(&app, &admin).await;

    let listed = page(&mut b, "/admin/providers", StatusCode::OK).await;
    assert!(listed.body.contains("A SSO"));
    assert!(!listed.body.contains("B SSO") && !listed.body.contains("Global SSO"));
    assert!(!listed.body.contains("include_deleted"));
    page(
        &mut b,
        "/admin/providers?include_deleted=true",
        StatusCode::FORBIDDEN,
    )
    .await;
    for other in [&theirs, &global] {
        let path = format!("/admin/providers/{}", other.id);
        page(&mut b, &path, StatusCode::NOT_FOUND).await;
        for action in ["", "/test", "/delete", "/restore", "/accept-mfa"] {
            let res = b
                .post_from(
                    &listed,
                    &format!("{path}{action}"),
                    &[
                        ("name", "Taken over"),
                        ("issuer", "https://evil.example"),
                        ("client_id", "x"),
                    ],
                )
                .await;
            assert_eq!(
                res.status,
                StatusCode::NOT_FOUND,
                "{path}{action}: {}",
                res.body
            );
        }
        let after = stored(&app, &other.id).await;
        assert_eq!(after.name, other.name);
        assert!(after.deleted_at.is_none());
    }

    // Its own provider: domains and trusted email are shown, not editable;
    // a forged form asking for them is refused (403), nothing changes.
    let path = format!("/admin/providers/{}", mine.id);
    let shown = page(&mut b, &path, StatusCode::OK).await;
    assert!(!shown.body.contains("name=\"domains\""));
    assert!(!shown.body.contains("name=\"privileged\""));
    assert!(
        shown
            .body
            .contains("Only a superuser can claim email domains")
    );
    let a_id = a.to_string();
    let base = [
        ("name", "A SSO"),
        ("issuer", "https://idp.example.com"),
        ("client_id", "rp"),
        ("organization_id", a_id.as_str()),
        ("enabled", "on"),
    ];
    let mut forged = base.to_vec();
    forged.extend([("privileged", "1"), ("domains", "a.example")]);
    let res = b.post_from(&shown, &path, &forged).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(
        res.body
            .contains("Only a superuser can claim or release email domains")
    );
    let mut forged = base.to_vec();
    forged.extend([("privileged", "1"), ("trust_email", "on")]);
    let res = b.post_from(&shown, &path, &forged).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.body.contains("Only a superuser can trust"));
    let after = stored(&app, &mine.id).await;
    assert!(after.domains.is_empty() && !after.trust_email);
    // Moving it to another organization is refused too.
    let b_id = b_org.to_string();
    let mut moved = base.to_vec();
    moved[3] = ("organization_id", b_id.as_str());
    let res = b.post_from(&shown, &path, &moved).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        stored(&app, &mine.id).await.organization_id,
        Some(a_id.clone())
    );
    // A plain change works.
    let res = b.post_from(&shown, &path, &base).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // The wizard: its organizations only, no domains; a forged claim is
    // refused and creates nothing.
    let form = wizard(&mut b, "oidc").await;
    assert!(form.body.contains("Org A") && !form.body.contains("Org B"));
    assert!(!form.body.contains("name=\"domains\"") && !form.body.contains("name=\"accept_mfa\""));
    let fields = [
        ("name", "A two"),
        ("issuer", "https://idp.example.com"),
        ("client_id", "rp"),
        ("client_secret", "s"),
        ("privileged", "1"),
        ("trust_email", "on"),
    ];
    let res = submit_wizard(&mut b, &form, &fields).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let id = form.field("provider_id");
    assert!(
        registry::show(&app.state, &Reach::global(), &id, true)
            .await
            .is_err()
    );
    let fields = [
        ("name", "A two"),
        ("issuer", "https://idp.example.com"),
        ("client_id", "rp"),
        ("client_secret", "s"),
        ("enabled", "on"),
    ];
    let res = submit_wizard(&mut b, &form, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(stored(&app, &id).await.organization_id, Some(a_id.clone()));

    // Deleted providers are for superusers to see and restore.
    let res = b.post_from(&shown, &format!("{path}/delete"), &[]).await;
    assert_eq!(res.location(), "/admin/providers?notice=provider_deleted");
    page(&mut b, &path, StatusCode::NOT_FOUND).await;
    let res = b.post_from(&shown, &format!("{path}/restore"), &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // MFA rules: its organization's only, in the navigation too.
    let rules = page(&mut b, "/admin/mfa-policies", StatusCode::OK).await;
    assert!(!rules.body.contains("accept-upstream"));
    assert!(
        listed.body.contains("href=\"/admin/mfa-policies\""),
        "{}",
        listed.body
    );
    let choose = page(&mut b, "/admin/mfa-policies/new", StatusCode::OK).await;
    assert!(
        choose.body.contains("value=\"organization\"") && !choose.body.contains("value=\"global\"")
    );
    page(
        &mut b,
        "/admin/mfa-policies/new?scope=global",
        StatusCode::BAD_REQUEST,
    )
    .await;
    let res = b
        .post_from(
            &rules,
            "/admin/mfa-policies",
            &[
                ("scope", "global"),
                ("subject", "*"),
                ("requirement", "required"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = b
        .post_from(
            &rules,
            "/admin/mfa-policies",
            &[
                ("scope", "organization"),
                ("subject", &b_id),
                ("requirement", "required"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = b
        .post_from(
            &rules,
            "/admin/mfa-policies/accept-upstream",
            &[("upstream", "google")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = b
        .post_from(
            &rules,
            "/admin/mfa-policies",
            &[
                ("scope", "organization"),
                ("subject", &a_id),
                ("requirement", "required"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let listed = app
        .db_run(|conn| ostiary::auth::mfa::admin::list(conn, None))
        .await;
    assert_eq!(listed.policies.len(), 1);
    assert_eq!(listed.policies[0].subject, a_id);
    assert!(listed.upstream_acknowledgments.is_empty());
}

async fn auditors_read_but_change_nothing(backend: Backend) {
    // SR-100: read-only scopes: every page reads, every write is 403.
    let app = TestApp::spawn(backend).await;
    let auditor = org_admin(&app, "audit@a.example", "Org A", Role::Auditor).await;
    let a = org_id(&app, "Org A").await;
    let mine = provider(&app, "A SSO", Some(a.clone()), |_| {}).await;
    let mut b = signed_in(&app, &auditor).await;
    let listed = page(&mut b, "/admin/providers", StatusCode::OK).await;
    assert!(listed.body.contains("A SSO"));
    assert!(!listed.body.contains("href=\"/admin/providers/new\""));
    let path = format!("/admin/providers/{}", mine.id);
    let shown = page(&mut b, &path, StatusCode::OK).await;
    assert!(
        shown
            .body
            .contains("<fieldset class=\"form-plain\" disabled>")
    );
    assert!(!shown.body.contains("/test#test") && !shown.body.contains("/delete\""));
    page(&mut b, "/admin/providers/new", StatusCode::FORBIDDEN).await;
    page(
        &mut b,
        "/admin/providers/new?kind=oidc",
        StatusCode::FORBIDDEN,
    )
    .await;
    let a_id = a.to_string();
    let fields = [
        ("name", "Changed"),
        ("issuer", "https://idp.example.com"),
        ("client_id", "rp"),
        ("organization_id", a_id.as_str()),
    ];
    for action in [
        "/admin/providers/new".to_owned(),
        path.clone(),
        format!("{path}/test"),
        format!("{path}/delete"),
        format!("{path}/restore"),
        format!("{path}/accept-mfa"),
        "/admin/mfa-policies".to_owned(),
        "/admin/mfa-policies/delete".to_owned(),
        "/admin/mfa-policies/accept-upstream".to_owned(),
    ] {
        let mut all = fields.to_vec();
        all.extend([
            ("kind", "oidc"),
            ("scope", "organization"),
            ("subject", a_id.as_str()),
            ("requirement", "required"),
            ("upstream", "oidc"),
        ]);
        let res = b.post_from(&listed, &action, &all).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}: {}", res.body);
    }
    let after = stored(&app, &mine.id).await;
    assert_eq!(after.name, "A SSO");
    assert!(after.deleted_at.is_none());
    page(&mut b, "/admin/mfa-policies", StatusCode::OK).await;
    page(&mut b, "/admin/mfa-policies/new", StatusCode::FORBIDDEN).await;
    assert!(app.audit_rows("provider.updated").await.is_empty());
    assert!(app.audit_rows("mfa.policy_changed").await.is_empty());
}

async fn mfa_policies_are_listed_added_changed_and_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let acme = org_id(&app, "Acme").await.to_string();
    let mut b = signed_in(&app, &admin).await;
    let list = page(&mut b, "/admin/mfa-policies", StatusCode::OK).await;
    assert!(list.body.contains("No rule yet"), "{}", list.body);
    let choose = page(&mut b, "/admin/mfa-policies/new", StatusCode::OK).await;
    for scope in [
        "global",
        "login_method",
        "upstream",
        "organization",
        "client",
    ] {
        assert!(
            choose.body.contains(&format!("value=\"{scope}\"")),
            "{scope}"
        );
        page(
            &mut b,
            &format!("/admin/mfa-policies/new?scope={scope}"),
            StatusCode::OK,
        )
        .await;
    }
    let step = page(
        &mut b,
        "/admin/mfa-policies/new?scope=organization",
        StatusCode::OK,
    )
    .await;
    assert!(step.body.contains(&format!("value=\"{acme}\"")) && step.body.contains(">Acme<"));

    for (scope, subject) in [
        ("global", "*"),
        ("login_method", "password"),
        ("organization", acme.as_str()),
    ] {
        let res = b
            .post_from(
                &step,
                "/admin/mfa-policies",
                &[
                    ("scope", scope),
                    ("subject", subject),
                    ("requirement", "required"),
                ],
            )
            .await;
        assert_eq!(
            res.location(),
            "/admin/mfa-policies?notice=mfa_policy_saved",
            "{scope}"
        );
    }
    // An unknown subject: the rule's form again, saying so.
    let res = b
        .post_from(
            &step,
            "/admin/mfa-policies",
            &[
                ("scope", "login_method"),
                ("subject", "carrier-pigeon"),
                ("requirement", "required"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("does not exist"));
    let list = page(&mut b, "/admin/mfa-policies", StatusCode::OK).await;
    for shown in ["Everyone", "Password", ">Acme<"] {
        assert!(list.body.contains(shown), "{shown}: {}", list.body);
    }
    assert_eq!(
        list.body.matches("badge badge-success\">Required").count(),
        3
    );
    // Change one, delete another.
    let res = b
        .post_from(
            &list,
            "/admin/mfa-policies",
            &[
                ("scope", "login_method"),
                ("subject", "password"),
                ("requirement", "optional"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = b
        .post_from(
            &list,
            "/admin/mfa-policies/delete",
            &[("scope", "global"), ("subject", "*")],
        )
        .await;
    assert_eq!(
        res.location(),
        "/admin/mfa-policies?notice=mfa_policy_deleted"
    );
    let res = b
        .post_from(
            &list,
            "/admin/mfa-policies/delete",
            &[("scope", "global"), ("subject", "*")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let configured = app
        .db_run(|conn| ostiary::auth::mfa::admin::list(conn, None))
        .await;
    let rules: Vec<(String, String, String)> = configured
        .policies
        .into_iter()
        .map(|p| (p.scope, p.subject, p.requirement))
        .collect();
    assert!(rules.contains(&("login_method".into(), "password".into(), "optional".into())));
    assert!(!rules.iter().any(|r| r.0 == "global"));
    // Accepting an upstream type's MFA.
    let res = b
        .post_from(
            &list,
            "/admin/mfa-policies/accept-upstream",
            &[("upstream", "microsoft")],
        )
        .await;
    assert_eq!(res.location(), "/admin/mfa-policies?notice=mfa_accepted");
    let res = b
        .post_from(
            &list,
            "/admin/mfa-policies/accept-upstream",
            &[("upstream", "carrier-pigeon")],
        )
        .await;
    assert_eq!(
        res.location(),
        "/admin/mfa-policies?error=mfa_unknown_upstream"
    );
    let list = page(&mut b, "/admin/mfa-policies", StatusCode::OK).await;
    assert!(
        list.body.contains("<strong>Microsoft Entra ID</strong>"),
        "{}",
        list.body
    );
    let rows = app.audit_rows("mfa.policy_changed").await;
    assert_eq!(rows.len(), 5);
    let me = user_id(&app, &admin).await;
    assert!(
        rows.iter()
            .all(|r| r.actor_id.as_deref() == Some(me.as_str()))
    );
    app.assert_audited(&["mfa.upstream_acknowledged"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_reports_each_step() {
    if !node_peer() {
        return;
    }
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.oidc.allow_private_targets = true).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;
    let (working, op) = registered_upstream(&app, "Corp SSO").await;

    // A real upstream (oidc-provider): every step passes.
    let path = format!("/admin/providers/{}", working.id);
    let shown = page(&mut b, &path, StatusCode::OK).await;
    let tested = b.post_from(&shown, &format!("{path}/test"), &[]).await;
    assert_eq!(tested.status, StatusCode::OK, "{}", tested.body);
    assert!(
        tested.body.contains("Every check passed"),
        "{}",
        tested.body
    );
    assert_eq!(
        tested.body.matches("class=\"check check-passed\"").count(),
        4
    );

    // Its issuer written with a slash: the document names the issuer
    // without, and the page says which to use.
    let slash = provider(&app, "Slash", None, |s| {
        s.issuer = Some(format!("{}/", op.issuer))
    })
    .await;
    let path = format!("/admin/providers/{}", slash.id);
    let tested = b.post_from(&shown, &format!("{path}/test"), &[]).await;
    assert!(tested.body.contains("A check failed"));
    assert!(
        tested.body.contains(&format!(
            "The provider calls itself {}: enter exactly",
            op.issuer
        )),
        "{}",
        tested.body
    );
    assert_eq!(
        tested.body.matches("class=\"check check-passed\"").count(),
        3
    );

    // Nothing listens: discovery fails with a reason, the rest is skipped,
    // and nothing internal shows.
    let dead = provider(&app, "Dead", None, |s| {
        s.issuer = Some("http://127.0.0.1:9".into())
    })
    .await;
    let path = format!("/admin/providers/{}", dead.id);
    let tested = b.post_from(&shown, &format!("{path}/test"), &[]).await;
    assert_eq!(tested.status, StatusCode::OK);
    assert!(tested.body.contains("class=\"check check-failed\""));
    assert!(
        tested.body.contains("No answer: check the address"),
        "{}",
        tested.body
    );
    assert_eq!(
        tested.body.matches("class=\"check check-skipped\"").count(),
        3
    );
    assert!(
        !tested.body.contains("Connection refused")
            && !tested.body.contains("error sending request")
    );

    // The same check through the admin API (one implementation): a key
    // of an organization does not reach a global provider.
    let http = reqwest::Client::new();
    let global_key = api_key(&app, None).await;
    org_id(&app, "Acme").await;
    let acme_key = api_key(&app, Some("Acme")).await;
    let url = format!("{}/api/v1/providers/{}/test", app.base, dead.id);
    let res = http
        .post(&url)
        .bearer_auth(&global_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let report: serde_json::Value = res.json().await.unwrap();
    assert_eq!(report["ok"], json!(false), "{report}");
    assert_eq!(
        report["checks"][0],
        json!({ "step": "discovery", "status": "failed", "reason": "unreachable" })
    );
    assert_eq!(report["checks"][1]["status"], "skipped");
    let res = http.post(&url).bearer_auth(&acme_key).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A path that is not a provider: the upstream's HTTP status.
    let lost = provider(&app, "Lost", None, |s| {
        s.issuer = Some(format!("{}/nowhere", op.issuer))
    })
    .await;
    let tested = b
        .post_from(&shown, &format!("/admin/providers/{}/test", lost.id), &[])
        .await;
    assert!(tested.body.contains("HTTP status 404"), "{}", tested.body);

    // GitHub (the stand-in, an Enterprise Server layout): API and web.
    let gh = github_standin().await;
    let spec = ProviderSpec {
        name: "GHE".into(),
        client_id: Some("gh-private".into()),
        api_url: Some(gh.api.clone()),
        web_url: Some(gh.web.clone()),
        enabled: true,
        ..ProviderSpec::default()
    };
    let github = registry::create(
        &app.state,
        &Actor::system("test"),
        &Reach::global(),
        Kind::Github,
        spec,
        Some("gh-secret".into()),
    )
    .await
    .unwrap()
    .unwrap();
    let tested = b
        .post_from(&shown, &format!("/admin/providers/{}/test", github.id), &[])
        .await;
    assert!(
        tested.body.contains("Every check passed"),
        "{}",
        tested.body
    );
    assert!(tested.body.contains("GitHub API") && tested.body.contains("GitHub sign-in page"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_providers_pages_in_chromium() {
    if !browser_peer() {
        return;
    }
    // "Test connection" reaches a local address where nothing listens.
    let app = TestApp::spawn_for_browser_with(Backend::Sqlite, |c| {
        c.oidc.allow_private_targets = true;
    })
    .await;
    let admin = superuser(&app, "root@example.com").await;
    org_id(&app, "Acme").await;
    let seen = in_chromium(
        &app,
        "console_providers.mjs",
        &admin,
        json!({ "mode": "pages", "samlAvailable": cfg!(feature = "saml") }),
    )
    .await;
    assert_eq!(seen["created"].as_array().map(Vec::len), Some(2), "{seen}");
    assert_eq!(seen["copied"], json!(true), "{seen}");
    for id in seen["created"].as_array().unwrap() {
        let view = stored(&app, id.as_str().unwrap()).await;
        assert_eq!(view.kind, Kind::Entra);
        assert!(view.has_secret);
    }
    assert!(app.audited("mfa.policy_changed").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ldap_wizard_in_chromium() {
    use crate::ldap_support::{GROUPS, PEOPLE, SERVICE_DN, SERVICE_PASSWORD, Slapd, slapd_peer};
    if !browser_peer() || !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = TestApp::spawn_for_browser_with(Backend::Sqlite, |c| {
        c.oidc.allow_private_targets = true;
    })
    .await;
    let admin = superuser(&app, "root@example.com").await;
    let boss = org_admin(&app, "boss@a.example", "Org A", Role::Admin).await;
    let seen = in_chromium(
        &app,
        "console_ldap.mjs",
        &admin,
        json!({
            "ldapUrl": slapd.ldap_url,
            "caFile": slapd.ca_file.display().to_string(),
            "bindDn": SERVICE_DN,
            "bindPassword": SERVICE_PASSWORD,
            "peopleDn": PEOPLE,
            "groupsDn": GROUPS,
            "orgAdmin": boss.for_script(),
        }),
    )
    .await;
    assert_eq!(seen["passed"], json!([4, 4]), "{seen}");
    for id in seen["created"].as_array().unwrap() {
        let view = stored(&app, id.as_str().unwrap()).await;
        assert_eq!(view.kind, Kind::Ldap);
        assert!(view.has_secret);
        assert!(view.settings.ldap.is_some_and(|l| l.starttls));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_configures_sso_and_a_user_signs_in_through_it() {
    // Issue 14's end-to-end run: an administrator configures an upstream
    // OpenID Provider in the console's wizard (the upstream is panva's
    // oidc-provider on 127.0.0.1), then a person signs in through it to an
    // application (an openid-client relying party on another origin).
    if !browser_peer() || !node_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser_with(Backend::Sqlite, |c| {
        c.oidc.allow_private_targets = true;
    })
    .await;
    let admin = superuser(&app, "root@example.com").await;
    let upstream_port = free_port();
    let issuer = format!("http://127.0.0.1:{upstream_port}");
    let rp_port = free_port();
    let rp = format!("http://127.0.0.1:{rp_port}");
    let application = app
        .client_named("Acme Notes")
        .redirect_uris(&[&format!("{rp}/cb")])
        .register()
        .await;

    // 1. In the console: the wizard, with the upstream's issuer and client.
    let configured = in_chromium(
        &app,
        "console_providers.mjs",
        &admin,
        json!({ "mode": "configure", "issuer": issuer }),
    )
    .await;
    let id = configured["id"].as_str().unwrap().to_owned();
    let callback = configured["callback"].as_str().unwrap().to_owned();
    let provider = stored(&app, &id).await;
    assert_eq!(
        provider.callback_url, callback,
        "the URL shown before saving"
    );
    assert_eq!(provider.settings.issuer.as_deref(), Some(issuer.as_str()));
    assert!(provider.trust_email && provider.enabled && provider.has_secret);

    // 2. The upstream registers the callback URL the wizard showed.
    let op = upstream_on(upstream_port, &callback, vec![]).await;
    assert_eq!(op.issuer, issuer);

    // 3. The admin tests the connection, then a person signs in through
    // the provider to the application.
    let mut admin = admin;
    admin.last_step = configured["lastStep"].as_i64().unwrap();
    let seen = in_chromium(
        &app,
        "console_providers.mjs",
        &admin,
        json!({
            "mode": "sign-in", "id": id, "issuer": issuer, "rpPort": rp_port,
            "client": { "id": application.id, "secret": application.secret },
            "signedIn": configured["signedIn"],
        }),
    )
    .await;
    assert_eq!(seen["tested"], json!(true), "{seen}");
    assert_eq!(seen["email"], "alice@example.com", "{seen}");
    assert_eq!(seen["amr"], json!(["fed"]), "{seen}");
    app.assert_audited(&["provider.created", "user.provisioned"])
        .await;
}

/// The wizard's LDAP / Active Directory kind (issue 14 item 6) against a
/// real slapd: no callback URL but what the directory needs, every field
/// of the directory with the service's default filter, the service's
/// refusals next to their fields, the bind password never shown back (and
/// kept when left empty), "test connection" passing each step; the kind
/// is for superusers only (the registry's rule, SR-100).
async fn the_wizard_sets_up_an_ldap_directory(backend: Backend) {
    use crate::ldap_support::{GROUPS, PEOPLE, SERVICE_DN, SERVICE_PASSWORD, Slapd, slapd_peer};
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = crate::ldap_support::spawn(backend, |_| {}).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;

    let choose = page(&mut b, "/admin/providers/new", StatusCode::OK).await;
    assert!(
        choose.body.contains("value=\"ldap\" required>")
            && choose.body.contains("LDAP / Active Directory"),
        "{}",
        choose.body
    );
    let form = wizard(&mut b, "ldap").await;
    let id = form.field("provider_id");
    // Nothing to register upstream: what the directory needs instead.
    assert!(!form.body.contains("id=\"callback-url\""), "{}", form.body);
    assert!(form.body.contains("Nothing to register at the directory"));
    // The service's default filter, prefilled; no client fields.
    assert_eq!(form.field("user_filter"), "(uid={username})");
    assert!(!form.body.contains("name=\"client_id\""));
    assert!(!form.body.contains("name=\"keep_tokens\""));
    let ca = slapd.ca_file.display().to_string();
    let good: Vec<(&str, &str)> = vec![
        ("name", "Corp Directory"),
        ("url", &slapd.ldap_url),
        ("starttls", "on"),
        ("ca_file", &ca),
        ("bind_dn", SERVICE_DN),
        ("bind_password", SERVICE_PASSWORD),
        ("user_base_dn", PEOPLE),
        ("user_filter", "(mail={username})"),
        ("group_base_dn", GROUPS),
        ("domains", "example.com"),
        ("jit", "on"),
        ("enabled", "on"),
    ];
    let with = |changes: &[(&'static str, &'static str)]| {
        let mut fields: Vec<(&str, &str)> = good
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .copied()
            .collect();
        fields.extend(changes.iter().filter(|(_, v)| !v.is_empty()).copied());
        fields
    };
    // The service's refusals, next to their fields; the password is never
    // sent back.
    for (changes, error) in [
        (&[("starttls", "")][..], "f-url-error"),
        (&[("user_filter", "(uid=alice)")][..], "f-user-filter-error"),
        (&[("user_base_dn", "people")][..], "f-user-base-dn-error"),
        (&[("ca_file", "/nonexistent/ca.pem")][..], "f-ca-file-error"),
        (&[("bind_password", "")][..], "f-bind-password-error"),
    ] {
        let refused = submit_wizard(&mut b, &form, &with(changes)).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{error}: {}",
            refused.body
        );
        assert!(
            refused.body.contains(&format!("id=\"{error}\"")),
            "{error}: {}",
            refused.body
        );
        assert!(!refused.body.contains(SERVICE_PASSWORD), "{error}");
        assert_eq!(refused.field("provider_id"), id);
        assert_eq!(refused.field("bind_password"), "");
    }
    let done = submit_wizard(&mut b, &form, &good).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        format!("/admin/providers/{id}?notice=provider_created_directory")
    );
    let view = stored(&app, &id).await;
    assert_eq!(view.kind, Kind::Ldap);
    assert!(view.has_secret && view.enabled && view.jit && !view.keep_tokens);
    assert_eq!(view.domains, ["example.com"]);
    let ldap = view.settings.ldap.clone().unwrap();
    assert_eq!(ldap.url, slapd.ldap_url);
    assert!(ldap.starttls && !ldap.allow_plaintext && !ldap.active_directory);
    assert_eq!(ldap.user_filter, "(mail={username})");
    assert_eq!(ldap.group_base_dn.as_deref(), Some(GROUPS));
    assert_eq!(ldap.ca_file.as_deref(), Some(ca.as_str()));

    // Its page: the settings without the password, and every step of
    // "test connection" passes.
    let path = format!("/admin/providers/{id}");
    let shown = page(
        &mut b,
        &format!("{path}?notice=provider_created_directory"),
        StatusCode::OK,
    )
    .await;
    assert!(
        shown.body.contains("The directory is saved"),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains(SERVICE_PASSWORD));
    assert_eq!(shown.field("bind_password"), "");
    assert_eq!(shown.field("bind_dn"), SERVICE_DN);
    assert!(shown.body.contains("A password is stored"));
    let tested = b.post_from(&shown, &format!("{path}/test"), &[]).await;
    assert_eq!(tested.status, StatusCode::OK, "{}", tested.body);
    assert_eq!(
        tested.body.matches("class=\"check check-passed\"").count(),
        4,
        "{}",
        tested.body
    );
    assert!(!tested.body.contains("check-failed"));
    for step in [
        "Directory connection",
        "TLS",
        "Service account",
        "Search bases",
    ] {
        assert!(tested.body.contains(step), "{step}");
    }
    assert!(!tested.body.contains(SERVICE_PASSWORD));

    // Saved with the password left empty: the stored one is kept (the
    // test still binds); the Active Directory switch with the filter left
    // at a default takes the service's Active Directory filter.
    let mut change = with(&[("bind_password", ""), ("user_filter", "(uid={username})")]);
    change.push(("privileged", "1"));
    change.push(("active_directory", "on"));
    change.retain(|(k, _)| *k != "name");
    change.push(("name", "Corp AD"));
    let saved = b.post_from(&shown, &path, &change).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = stored(&app, &id).await;
    assert_eq!(after.name, "Corp AD");
    assert!(after.has_secret);
    let ad = after.settings.ldap.unwrap();
    assert!(ad.active_directory);
    assert!(
        ad.user_filter.contains("(sAMAccountName={username})"),
        "{}",
        ad.user_filter
    );
    let again = page(&mut b, &path, StatusCode::OK).await;
    let retested = b.post_from(&again, &format!("{path}/test"), &[]).await;
    assert!(retested.body.contains("Service account"));
    assert!(!retested.body.contains("check-failed"), "{}", retested.body);
    // A new password typed on the page replaces the stored one: a wrong
    // one makes the service bind fail, by name.
    let mut wrong = change.clone();
    wrong.retain(|(k, _)| *k != "bind_password");
    wrong.push(("bind_password", "wrong-service-pw"));
    let saved = b.post_from(&again, &path, &wrong).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let failing = b.post_from(&again, &format!("{path}/test"), &[]).await;
    assert_eq!(
        failing.body.matches("class=\"check check-failed\"").count(),
        1,
        "{}",
        failing.body
    );
    assert!(
        failing.body.contains("refused the service account"),
        "{}",
        failing.body
    );
    assert!(!failing.body.contains("wrong-service-pw"));
    // Audited, never with the password.
    let rows = app.audit_rows("provider.created").await;
    assert_eq!(rows.len(), 1);
    assert!(app.audited("provider.updated").await);
    for row in rows
        .iter()
        .chain(app.audit_rows("provider.updated").await.iter())
    {
        assert!(!row.details.contains(SERVICE_PASSWORD));
    }

    // An organization's admin: the card is disabled with its reason, the
    // step is refused, and a forged post is refused by the registry.
    let boss = org_admin(&app, "boss@a.example", "Org A", Role::Admin).await;
    let mut o = signed_in(&app, &boss).await;
    let theirs = page(&mut o, "/admin/providers/new", StatusCode::OK).await;
    assert!(
        theirs
            .body
            .contains("value=\"ldap\" disabled aria-describedby=\"kind-ldap-soon\"")
            && theirs.body.contains("Superusers only"),
        "{}",
        theirs.body
    );
    let direct = page(
        &mut o,
        "/admin/providers/new?kind=ldap",
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        direct
            .body
            .contains("Only a superuser can set up this type of provider")
    );
    let org = org_id(&app, "Org A").await.to_string();
    let mut forged = with(&[("ca_file", "")]);
    forged.retain(|(k, _)| *k != "domains");
    let fresh = registry::new_id();
    forged.extend([
        ("kind", "ldap"),
        ("provider_id", fresh.as_str()),
        ("organization_id", org.as_str()),
    ]);
    let refused = o.post_from(&theirs, "/admin/providers/new", &forged).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Only a superuser can set up or change an LDAP directory"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains(SERVICE_PASSWORD));
    assert!(
        registry::show(&app.state, &Reach::global(), &fresh, true)
            .await
            .is_err()
    );
}
