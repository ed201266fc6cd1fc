//! Invitations (S6) on both backends: created and mailed through real
//! SMTP, accepted by a new user (concurrent acceptance creates one user),
//! by a signed-in user with the invited address, and refused when expired.

use chrono::Duration;
use ostiary::domain::{Email, Role};
use ostiary::users::invitations::{self, InvitationSpec};
use reqwest::StatusCode;

use crate::cli::{fails, ostiary, succeeds, text};
use crate::email::app_with;
use crate::helpers::{Backend, PASSWORD, TestApp};
use crate::mail_sink::{MailSink, link_in, path_of};

async fn invite(app: &TestApp, email: &str, role: Role) -> String {
    let created = invitations::create(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        InvitationSpec {
            organization: "Default".into(),
            email: Email::parse(email).unwrap(),
            role,
            ttl_hours: 48,
        },
        ostiary::mail::Locale::En,
    )
    .await
    .unwrap();
    assert!(created.email_sent);
    created.accept_url
}

async fn memberships(app: &TestApp, email: &str) -> Vec<(String, String)> {
    let email = email.to_owned();
    app.db_run(move |conn| {
        let user = ostiary::store::users::find_by_email(conn, &email)?.unwrap();
        ostiary::store::orgs::memberships_of(conn, &user.id)
    })
    .await
}

crate::on_all_backends!(invitation_accept_creates_or_links_users);

async fn invitation_accept_creates_or_links_users(backend: Backend) {
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(backend, &sink).await;
    app.setup_admin("admin@example.com", PASSWORD).await;

    // A new person: the mailed link equals the URL shown once.
    let url = invite(&app, "gil@example.com", Role::Admin).await;
    let mail = sink.wait_for("gil@example.com", 1).await;
    assert_eq!(link_in(&mail), url);
    assert!(mail.subject.contains("Default"));
    let token = url.split("token=").nth(1).unwrap().to_owned();
    let stored: Vec<String> = app
        .db_run(|conn| {
            use diesel::prelude::*;
            use ostiary::db::schema::invitations::dsl::*;
            Ok(invitations.select(token_hash).load(conn)?)
        })
        .await;
    assert_eq!(
        stored,
        vec![ostiary::crypto::token::sha256_hex(token.as_bytes())]
    );

    let mut b = app.browser();
    let page = b.get(&path_of(&url)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.csrf();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("token", token.as_str()),
        ("display_name", "Gil"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    // Concurrent acceptance: exactly one account, no server error.
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let mut twin = app.browser();
        twin.cookies = b.cookies.clone();
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        tasks.push(tokio::spawn(async move {
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            twin.post_form("/invitation", &f).await
        }));
    }
    let mut created = 0;
    for t in tasks {
        let res = t.await.unwrap();
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        if res.body.contains("Your account was created") {
            created += 1;
        } else {
            assert!(res.body.contains("already accepted"), "{}", res.body);
        }
    }
    assert_eq!(created, 1);
    assert_eq!(app.user_count().await, 2);
    assert_eq!(
        memberships(&app, "gil@example.com").await,
        vec![("Default".into(), "admin".into())]
    );
    let (mut gil, res) = app.login("gil@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(gil.is_signed_in().await);

    // An existing, signed-in user with the invited address joins.
    let org_only = app.create_user("hal@example.com", PASSWORD).await;
    assert!(!org_only.is_empty());
    let url = invite(&app, "hal@example.com", Role::Member).await;
    let mut anon = app.browser();
    let page = anon.get(&path_of(&url)).await;
    assert!(page.body.contains("Sign in"), "{}", page.body);
    let (mut hal, _) = app.login("hal@example.com", PASSWORD).await;
    let page = hal.get(&path_of(&url)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = url.split("token=").nth(1).unwrap().to_owned();
    let res = hal
        .post_form(
            "/invitation",
            &[("csrf_token", &page.csrf()), ("token", &token)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        memberships(&app, "hal@example.com").await,
        vec![("Default".into(), "member".into())]
    );
    // Someone else signed in cannot take it.
    let url = invite(&app, "ivy@example.com", Role::Member).await;
    let page = gil.get(&path_of(&url)).await;
    assert_eq!(page.status, StatusCode::CONFLICT);

    // Expired invitations are refused and audited.
    app.clock.advance(Duration::hours(49));
    let mut b = app.browser();
    let page = b.get(&path_of(&url)).await;
    assert_eq!(page.status, StatusCode::GONE);
    let token = url.split("token=").nth(1).unwrap().to_owned();
    let csrf = b.get("/login").await.csrf();
    let fields = [
        ("csrf_token", csrf),
        ("token", token),
        ("password", PASSWORD.to_owned()),
        ("password_confirm", PASSWORD.to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post_form("/invitation", &fields).await;
    assert_eq!(res.status, StatusCode::GONE);
    app.assert_audited(&[
        "invitation.created",
        "invitation.accepted",
        "invitation.expired",
        "mail.sent",
    ])
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_creates_and_mails_an_invitation() {
    let Some(sink) = MailSink::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ostiary.db");
    let db_url = format!("sqlite://{}", db.display());
    let smtp = sink.url();
    let env = [
        ("OSTIARY_DATABASE_URL", db_url.as_str()),
        ("OSTIARY_SMTP_URL", smtp.as_str()),
        ("OSTIARY_MAIL__TLS", "none"),
        ("OSTIARY_ISSUER", "https://id.example.com"),
    ];
    let out = ostiary(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "ops@example.com",
            "--org",
            "Acme",
        ],
        &env,
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json = succeeds(
        dir.path(),
        &[
            "invitation",
            "create",
            "--org",
            "Acme",
            "--email",
            "New@Example.com",
            "--role",
            "member",
            "--expires-in-hours",
            "12",
        ],
        &env,
    );
    assert_eq!(json["email"], "new@example.com");
    assert_eq!(json["role"], "member");
    assert_eq!(json["organization"], "Acme");
    assert_eq!(json["email_sent"], true);
    let url = json["accept_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://id.example.com/invitation?token="),
        "{url}"
    );
    let mail = sink.wait_for("new@example.com", 1).await;
    assert_eq!(link_in(&mail), url);

    // Unknown organization: a clear error.
    let err = fails(
        dir.path(),
        &[
            "invitation",
            "create",
            "--org",
            "Nope",
            "--email",
            "x@example.com",
            "--role",
            "admin",
        ],
        &env,
        1,
    );
    assert!(err.contains("no organization named"));

    // SMTP down: JSON still printed (the URL works), exit 1.
    let closed = format!("smtp://127.0.0.1:{}", crate::mail_sink::free_port());
    let mut down = env.to_vec();
    down[1] = ("OSTIARY_SMTP_URL", closed.as_str());
    let out = ostiary(
        dir.path(),
        &[
            "invitation",
            "create",
            "--org",
            "Acme",
            "--email",
            "y@example.com",
            "--role",
            "admin",
        ],
        &down,
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["email_sent"], false);
}
