//! A real browser (headless Chromium via playwright-core, peers guide §5)
//! through setup, account, sign-out and sign-in. It catches what header- and
//! cookie-level HTTP tests cannot, such as the `Origin: null` form posts
//! Chromium sends from `no-referrer` pages.

use crate::helpers::{Backend, TestApp, browser_peer, run_in_chromium};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_completes_setup_logout_and_login() {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(Backend::Sqlite).await;
    let seen = run_in_chromium(&app, "browser_smoke.mjs", &[]).await;
    assert_eq!(seen["firstPage"], "/setup");
    assert_eq!(seen["afterSetup"], "/account");
    assert_eq!(seen["accountShowsEmail"], true);
    assert_eq!(seen["cookie"]["httpOnly"], true);
    assert_eq!(seen["cookie"]["secure"], true);
    assert_eq!(seen["cookie"]["sameSite"], "Lax");
    assert_eq!(seen["cookie"]["path"], "/");
    assert_eq!(seen["loggedOut"], true);
    assert_eq!(seen["accountAfterLogout"], "/login");
    assert_eq!(seen["failedMessage"], "Incorrect email or password.");
    assert_eq!(seen["afterLogin"], "/account");
    app.assert_audited(&[
        "setup.completed",
        "session.logout",
        "login.failure",
        "login.success",
    ])
    .await;
}
