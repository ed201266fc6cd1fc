//! The sign-in and CSRF guards, route by route: every account page sends a
//! signed-out browser to sign in and back, and every account form refuses a
//! post without its CSRF token and changes nothing (SR-20, SR-82). A new
//! page or form that forgets its guard shows up here.

use reqwest::StatusCode;

use crate::helpers::{Backend, TestApp};

/// Pages behind a signed-in session.
const PAGES: &[&str] = &[
    "/account",
    "/account/security",
    "/account/passkeys",
    "/account/password",
    "/account/email",
    "/account/delete",
];

/// Forms that change something for the signed-in user.
const FORMS: &[&str] = &[
    "/account/profile",
    "/account/password",
    "/account/email",
    "/account/delete",
    "/account/security/totp",
    "/account/security/totp/confirm",
    "/account/security/totp/remove",
    "/account/security/backup-codes",
    "/account/sessions/revoke-others",
    "/account/sessions/revoke-all",
    "/account/consents/some-client/revoke",
    "/account/sessions/some-session/revoke",
    "/account/passkeys/some-passkey/delete",
    "/logout",
];

fn encoded(path: &str) -> String {
    url::form_urlencoded::byte_serialize(path.as_bytes()).collect()
}

async fn signed_out_pages_send_the_browser_to_sign_in_and_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = app.browser();
    let audited = app.audit_row_count().await;
    for page in PAGES {
        let res = b.get(page).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{page}: {}", res.body);
        let location = res.location();
        assert!(
            location.starts_with("/login?") && location.contains(&encoded(page)),
            "{page} → {location}"
        );
    }
    for form in FORMS.iter().filter(|f| **f != "/logout") {
        let res = b.post_form(form, &[("csrf_token", "x")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{form}: {}", res.body);
        assert!(res.location().starts_with("/login?"), "{form}");
    }
    assert_eq!(app.audit_row_count().await, audited, "nothing was recorded");
}

async fn account_forms_refuse_a_post_without_its_csrf_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = app.signed_in_user("ada@example.com").await;
    let session = app.session_of(&b).await;
    let audited = app.audit_row_count().await;
    for form in FORMS {
        for token in [None, Some("forged")] {
            let fields: Vec<(&str, &str)> =
                token.map(|t| vec![("csrf_token", t)]).unwrap_or_default();
            let res = b.post_form(form, &fields).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{form} {token:?}");
        }
    }
    // Still signed in, same session, nothing changed or recorded.
    assert_eq!(b.get("/account").await.status, StatusCode::OK);
    assert_eq!(app.session_of(&b).await.id, session.id);
    assert_eq!(app.live_session_count().await, 1);
    assert_eq!(app.audit_row_count().await, audited);
}

crate::on_all_backends!(
    signed_out_pages_send_the_browser_to_sign_in_and_back,
    account_forms_refuse_a_post_without_its_csrf_token,
);
