//! Who an upstream identity signs in as (S7, SR-111…SR-113): identities are
//! keyed by (provider, subject), users are created just in time once even
//! under concurrent first sign-ins, and an email match links to an existing
//! account only when the provider is trusted for that email, the upstream
//! verified it and the account's address is verified — the nOAuth-style
//! takeovers below must all fail. `user list` shows the identities.

use ostiary::audit::Actor;
use ostiary::domain::{Role, UserId};
use ostiary::federation::Kind;
use ostiary::federation::identity::Identity;
use ostiary::federation::provisioning::{Resolved, resolve};
use ostiary::federation::registry;
use ostiary::federation::spec::ProviderSpec;

use crate::cli::{serve_after_cli, succeeds};
use crate::helpers::{Backend, PASSWORD, TestApp, TestDatabase};

crate::on_all_backends!(
    first_sign_in_creates_the_user_once_and_the_subject_finds_it_again,
    email_matches_link_only_when_trusted_verified_and_verified_here,
    refusals_say_why_and_sign_nobody_in,
    upstream_mfa_counts_only_when_acknowledged_and_reported,
);

fn actor() -> Actor {
    Actor::system("test")
}

async fn provider(app: &TestApp, name: &str, tweak: impl FnOnce(&mut ProviderSpec)) -> String {
    let mut spec = ProviderSpec {
        name: name.into(),
        issuer: Some(format!("https://{}.idp.example.com", name.to_lowercase())),
        client_id: Some("ostiary".into()),
        jit: true,
        enabled: true,
        ..ProviderSpec::default()
    };
    tweak(&mut spec);
    registry::create(
        &app.state,
        &actor(),
        &ostiary::federation::registry::Reach::global(),
        Kind::Oidc,
        spec,
        Some("s".into()),
    )
    .await
    .unwrap()
    .unwrap()
    .id
}

fn identity(provider: &str, subject: &str, email: Option<&str>, verified: bool) -> Identity {
    Identity {
        provider_id: provider.into(),
        issuer: "https://idp.example.com".into(),
        subject: subject.into(),
        email: email.map(str::to_owned),
        email_verified: verified,
        name: Some("Upstream Person".into()),
        groups: vec![],
        amr: vec!["pwd".into()],
        tokens: None,
    }
}

async fn sign_in(app: &TestApp, who: &Identity) -> Resolved {
    resolve(&app.state, &actor(), who).await.unwrap()
}

fn user_of(resolved: &Resolved) -> UserId {
    match resolved {
        Resolved::User { user_id, .. } => user_id.clone(),
        other => panic!("expected a user, got {other:?}"),
    }
}

async fn verified_flag(app: &TestApp, id: &UserId) -> bool {
    let id = id.clone();
    app.db_run(move |conn| ostiary::store::users::find(conn, &id))
        .await
        .unwrap()
        .email_verified
}

async fn first_sign_in_creates_the_user_once_and_the_subject_finds_it_again(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    // The CLI makes the database and the master key the server then uses.
    succeeds(dir.path(), &["keys", "list"], &env);
    let app = serve_after_cli(backend, &db, dir.path()).await;
    app.create_user_with("owner@acme.test", PASSWORD, |s| {
        s.organization = Some(("Acme".into(), Role::Owner));
    })
    .await;
    let corp = provider(&app, "Corp", |s| s.organization = Some("Acme".into())).await;

    let first = sign_in(&app, &identity(&corp, "sub-1", Some("New@Acme.test"), true)).await;
    let Resolved::User {
        user_id,
        provisioned: true,
        linked: false,
    } = first.clone()
    else {
        panic!("{first:?}");
    };
    // An untrusted provider's word does not make the address verified here.
    assert!(!verified_flag(&app, &user_id).await);
    assert!(app.audited("user.provisioned").await);
    // The subject is the key: a changed upstream email is the same person.
    let again = sign_in(
        &app,
        &identity(&corp, "sub-1", Some("renamed@elsewhere.test"), true),
    )
    .await;
    assert_eq!(
        again,
        Resolved::User {
            user_id: user_id.clone(),
            provisioned: false,
            linked: false
        }
    );

    // Concurrent first sign-ins of one identity: one user, one link.
    let before = app.user_count().await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let state = app.state.clone();
        let who = identity(&corp, "sub-2", Some("parallel@acme.test"), true);
        tasks.push(tokio::spawn(async move {
            resolve(&state, &actor(), &who).await
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(user_of(&task.await.unwrap().unwrap()));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(app.user_count().await, before + 1);

    // `user list` shows roles and identities (S1).
    let listed = succeeds(dir.path(), &["user", "list", "--org", "Acme"], &env);
    let listed = listed.as_array().unwrap();
    let emails: Vec<&str> = listed
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["new@acme.test", "owner@acme.test", "parallel@acme.test"]
    );
    assert_eq!(
        listed[0]["roles"],
        serde_json::json!([{"organization": "Acme", "role": "member"}])
    );
    assert_eq!(
        listed[0]["identities"],
        serde_json::json!([{"provider": corp, "subject": "sub-1"}])
    );
    assert_eq!(listed[0]["name"], "Upstream Person");
    let one = succeeds(
        dir.path(),
        &["user", "list", "--email", "OWNER@acme.test"],
        &env,
    );
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["identities"], serde_json::json!([]));
}

async fn email_matches_link_only_when_trusted_verified_and_verified_here(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let victim = app.create_user("victim@corp.test", PASSWORD).await;
    let untrusted = provider(&app, "Untrusted", |_| {}).await;
    let trusted_elsewhere = provider(&app, "Elsewhere", |s| {
        s.trust_email = true;
        s.domains = vec!["other.test".into()];
    })
    .await;
    let trusted = provider(&app, "Trusted", |s| {
        s.trust_email = true;
        s.domains = vec!["corp.test".into()];
    })
    .await;
    let link_required = Resolved::LinkRequired {
        email: "victim@corp.test".into(),
    };
    // An upstream asserting someone's address: untrusted, unverified, or
    // trusted only for other domains — never a link (SR-112).
    for (provider, verified) in [
        (&untrusted, true),
        (&trusted, false),
        (&trusted_elsewhere, true),
    ] {
        let who = identity(provider, "attacker", Some("VICTIM@corp.test"), verified);
        assert_eq!(sign_in(&app, &who).await, link_required, "{provider}");
    }
    let refusals = app.audit_rows("login.federated_refused").await;
    assert_eq!(refusals.len(), 3);
    assert!(
        refusals[0].details.contains("link_required"),
        "{}",
        refusals[0].details
    );

    // Trusted for the domain, verified upstream and here: linked.
    let linked = sign_in(
        &app,
        &identity(&trusted, "real-victim", Some("victim@corp.test"), true),
    )
    .await;
    assert_eq!(
        linked,
        Resolved::User {
            user_id: UserId::from(victim.as_str()),
            provisioned: false,
            linked: true
        }
    );
    assert!(app.audited("identity.linked").await);

    // A local account whose address was never verified is not linked.
    app.create_user_with("unverified@corp.test", PASSWORD, |s| {
        s.email_verified = false
    })
    .await;
    let who = identity(&trusted, "u", Some("unverified@corp.test"), true);
    assert!(matches!(
        sign_in(&app, &who).await,
        Resolved::LinkRequired { .. }
    ));

    // Pre-registration: an untrusted upstream creates an account claiming a
    // verified address; the real owner's trusted sign-in must not land in it.
    let planted = user_of(
        &sign_in(
            &app,
            &identity(&untrusted, "planted", Some("ceo@corp.test"), true),
        )
        .await,
    );
    assert!(!verified_flag(&app, &planted).await);
    let real = identity(&trusted, "real-ceo", Some("ceo@corp.test"), true);
    assert!(matches!(
        sign_in(&app, &real).await,
        Resolved::LinkRequired { .. }
    ));
}

async fn refusals_say_why_and_sign_nobody_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let closed = provider(&app, "Closed", |s| s.jit = false).await;
    let open = provider(&app, "Open", |_| {}).await;
    assert_eq!(
        sign_in(&app, &identity(&closed, "x", Some("x@example.com"), true)).await,
        Resolved::NoAccount
    );
    assert_eq!(
        sign_in(&app, &identity(&open, "x", None, false)).await,
        Resolved::EmailMissing
    );
    assert_eq!(
        sign_in(&app, &identity(&open, "x", Some("not an email"), true)).await,
        Resolved::EmailMissing
    );

    // A locked account stays locked through federation (SR-113).
    let who = identity(&open, "lock-me", Some("locked@example.com"), true);
    let id = user_of(&sign_in(&app, &who).await);
    app.sql(&format!("UPDATE users SET locked = true WHERE id = '{id}'"))
        .await
        .unwrap();
    assert_eq!(
        sign_in(&app, &who).await,
        Resolved::Refused("account_locked")
    );

    // A disabled provider signs nobody in, not even linked identities.
    let fine = identity(&open, "fine", Some("fine@example.com"), true);
    let fine_id = user_of(&sign_in(&app, &fine).await);
    registry::update(
        &app.state,
        &actor(),
        &ostiary::federation::registry::Reach::global(),
        &open,
        |s| s.enabled = false,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        sign_in(&app, &fine).await,
        Resolved::Refused("provider_disabled")
    );
    registry::update(
        &app.state,
        &actor(),
        &ostiary::federation::registry::Reach::global(),
        &open,
        |s| s.enabled = true,
        None,
    )
    .await
    .unwrap()
    .unwrap();

    // A deleted account's identities go with it: the next sign-in starts a
    // new account instead of reaching the deleted one.
    app.delete_user(fine_id.as_str()).await;
    let fresh = user_of(&sign_in(&app, &fine).await);
    assert_ne!(fresh, fine_id);
    let refused = app.audit_rows("login.federated_refused").await;
    // Newest first.
    let reasons: Vec<String> = refused
        .iter()
        .rev()
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.details).unwrap()["reason"].to_string()
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "\"no_account\"",
            "\"email_missing\"",
            "\"email_missing\"",
            "\"account_locked\"",
            "\"provider_disabled\""
        ]
    );
}

async fn upstream_mfa_counts_only_when_acknowledged_and_reported(backend: Backend) {
    // S5/S7: an upstream's own MFA counts here only after an administrator's
    // audited acknowledgment for that upstream type, and only when the
    // upstream reports a second factor; otherwise the sign-in is `fed` alone.
    let app = TestApp::spawn(backend).await;
    let amr = |kind: &'static str, upstream: &'static [&'static str]| {
        let upstream: Vec<String> = upstream.iter().map(|s| (*s).to_owned()).collect();
        app.db_run(move |conn| ostiary::auth::mfa::policy::federated_amr(conn, kind, &upstream))
    };
    assert_eq!(amr("google", &["pwd", "otp"]).await, ["fed"]);
    let now = app.state.now();
    app.db_run(move |conn| {
        ostiary::auth::mfa::admin::acknowledge_upstream(conn, &actor(), None, "google", now)
    })
    .await
    .unwrap();
    assert!(app.audited("mfa.upstream_acknowledged").await);
    assert_eq!(
        amr("google", &["pwd", "otp"]).await,
        ["fed", "pwd", "otp", "mfa"]
    );
    assert_eq!(
        amr("google", &["pwd"]).await,
        ["fed"],
        "no second factor reported"
    );
    assert_eq!(
        amr("microsoft", &["pwd", "mfa"]).await,
        ["fed"],
        "another upstream type"
    );
    assert_eq!(
        amr("google", &["hwk", "Not-A-Token", "pwd"]).await,
        ["fed", "hwk", "pwd", "mfa"],
        "only RFC 8176-shaped values are kept"
    );
}
