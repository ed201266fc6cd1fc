//! Helpers for the admin console's tests: an administrator signed in with
//! a second factor (the console needs one, SR-101), over HTTP or handed to
//! a Chromium script (`tests/interop/console_lib.mjs`).

use ostiary::domain::Role;
use ostiary::users::accounts::UserSpec;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Browser, PASSWORD, Page, TestApp, run_in_chromium};
use crate::mfa_support::{code, enroll_totp, password_step};

/// An administrator with an authenticator app.
pub struct Admin {
    pub email: String,
    pub secret: String,
    /// The 30-second step of the last code used (the enrolment's).
    pub last_step: i64,
}

impl Admin {
    /// What `console_lib.mjs` needs to sign in.
    pub fn for_script(&self) -> Value {
        json!({ "email": self.email, "password": PASSWORD, "secret": self.secret, "lastStep": self.last_step })
    }
}

/// A user made by `tweak` (a superuser by default), with an authenticator
/// app enrolled over HTTP. The clock is not moved (browser tests share the
/// real time with their script).
pub async fn admin_with(app: &TestApp, email: &str, tweak: impl FnOnce(&mut UserSpec)) -> Admin {
    app.create_user_with(email, PASSWORD, |s| {
        s.superuser = true;
        tweak(s);
    })
    .await;
    let (mut b, res) = app.login(email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (secret, _) = enroll_totp(app, &mut b).await;
    Admin {
        email: email.to_owned(),
        secret,
        last_step: app.state.now().timestamp() / 30,
    }
}

/// A superuser with an authenticator app.
pub async fn superuser(app: &TestApp, email: &str) -> Admin {
    admin_with(app, email, |_| {}).await
}

/// An organization's admin (`role` in organization `org`), not a superuser.
pub async fn org_admin(app: &TestApp, email: &str, org: &str, role: Role) -> Admin {
    admin_with(app, email, |s| {
        s.superuser = false;
        s.organization = Some((org.to_owned(), role));
    })
    .await
}

/// A browser signed in as `admin` with password and code (an `mfa`
/// session); moves the app's clock one step so the code is fresh.
pub async fn signed_in(app: &TestApp, admin: &Admin) -> Browser {
    app.clock.advance(chrono::Duration::seconds(30));
    let (mut b, challenge) = password_step(app, &admin.email).await;
    let done = b
        .post_from(
            &challenge,
            "/login/mfa/totp",
            &[
                ("code", &code(app, &admin.secret, 0)),
                ("return_to", "/admin"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    b
}

/// `GET path` in the console; asserts the status.
pub async fn page(b: &mut Browser, path: &str, status: StatusCode) -> Page {
    let page = b.get(path).await;
    assert_eq!(page.status, status, "{path}: {}", page.body);
    page
}

/// Run the console script `script` against `app` with `config` (which
/// gets `admin` added); returns the script's `result`.
pub async fn in_chromium(app: &TestApp, script: &str, admin: &Admin, mut config: Value) -> Value {
    config["admin"] = admin.for_script();
    let seen = run_in_chromium(app, script, &[&config.to_string()]).await;
    seen["result"].clone()
}

/// A browser of the existing user `email` (password [`PASSWORD`]) signed
/// in with an authenticator app it enrols first: administration needs a
/// second step (SR-101).
pub async fn with_second_factor(app: &TestApp, email: &str) -> Browser {
    second_factor_admin(app, email).await.0
}

/// [`with_second_factor`], with the enrolled administrator.
pub async fn second_factor_admin(app: &TestApp, email: &str) -> (Browser, Admin) {
    let (mut b, res) = app.login(email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (secret, _) = enroll_totp(app, &mut b).await;
    let admin = Admin {
        email: email.to_owned(),
        secret,
        last_step: 0,
    };
    (signed_in(app, &admin).await, admin)
}

/// Sign in again in `b` (re-authentication) with password and code.
pub async fn reauthenticate(app: &TestApp, b: &mut Browser, admin: &Admin) {
    app.clock.advance(chrono::Duration::seconds(30));
    let res = b.reauthenticate(&admin.email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let challenge = b.get(res.location()).await;
    let done = b
        .post_from(
            &challenge,
            "/login/mfa/totp",
            &[
                ("code", &code(app, &admin.secret, 0)),
                ("return_to", "/admin"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}
