//! Helpers for the MFA tests: enrolling an authenticator app through the
//! account security page, computing codes like an authenticator app does
//! (on the server's manual clock), reading backup codes off the page.

use chrono::Duration;
use ostiary::auth::mfa::totp;
use reqwest::StatusCode;

use crate::helpers::{Browser, PASSWORD, Page, TestApp};

/// The TOTP code for `secret` at the app's time plus `steps` × 30 s.
pub fn code(app: &TestApp, secret: &str, steps: i64) -> String {
    let t = app.state.now() + Duration::seconds(30 * steps);
    totp::code_at(secret, u64::try_from(t.timestamp()).unwrap()).unwrap()
}

/// The setup key shown on the enrolment page, without spaces.
pub fn setup_key(body: &str) -> String {
    let at = body
        .find("aria-label=\"Setup key\">")
        .expect("setup key on page")
        + 23;
    let end = body[at..].find("</code>").unwrap();
    body[at..at + end].replace(' ', "")
}

/// The backup codes listed on a backup codes page.
pub fn backup_codes(body: &str) -> Vec<String> {
    let start = body.find("class=\"code-list\"").expect("code list on page");
    let end = start + body[start..].find("</ul>").unwrap();
    body[start..end]
        .split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_owned())
        .collect()
}

/// Turn on an authenticator app from the security page of a signed-in
/// browser; returns the secret and the backup codes shown once.
pub async fn enroll_totp(app: &TestApp, b: &mut Browser) -> (String, Vec<String>) {
    let start = b
        .submit("/account/security", "/account/security/totp", &[])
        .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    let secret = setup_key(&start.body);
    let done = b
        .post_from(
            &start,
            "/account/security/totp/confirm",
            &[("code", &code(app, &secret, 0))],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let codes = backup_codes(&done.body);
    assert_eq!(codes.len(), 10, "{}", done.body);
    (secret, codes)
}

/// A user with a confirmed authenticator app; the clock is then moved to
/// the next step so a fresh code is valid.
pub async fn user_with_totp(app: &TestApp, email: &str) -> (String, Vec<String>) {
    app.create_user(email, PASSWORD).await;
    let (mut b, res) = app.login(email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let enrolled = enroll_totp(app, &mut b).await;
    app.clock.advance(Duration::seconds(30));
    enrolled
}

/// The password step in a new browser; asserts it leads to the second step
/// and returns the browser and the challenge page.
pub async fn password_step(app: &TestApp, email: &str) -> (Browser, Page) {
    let (mut b, res) = app.login(email, PASSWORD).await;
    let page = second_step(&mut b, &res).await;
    (b, page)
}

/// Follow `res`, the answer to a first factor, to the second step: it must
/// lead there without a session yet; returns the challenge page.
pub async fn second_step(b: &mut Browser, res: &Page) -> Page {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        res.location().starts_with("/login/mfa?"),
        "{}",
        res.location()
    );
    assert!(
        b.session_cookie().is_none(),
        "no session before the second factor"
    );
    let page = b.get(res.location()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

/// Submit a code on the challenge page (`/login/mfa/totp` or `/backup`).
pub async fn submit(b: &mut Browser, page: &Page, path: &str, code: &str) -> Page {
    b.post_from(page, path, &[("code", code), ("return_to", "/account")])
        .await
}

/// The `amr` of the browser's session.
pub async fn session_amr(app: &TestApp, b: &Browser) -> Vec<String> {
    app.session_of(b).await.amr.to_vec()
}
