//! A real browser (headless Chromium via playwright-core, peers guide §5)
//! through setup, account, sign-out and sign-in. It catches what header- and
//! cookie-level HTTP tests cannot, such as the `Origin: null` form posts
//! Chromium sends from `no-referrer` pages.

use crate::helpers::{Backend, TestApp, browser_peer, interop_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_completes_setup_logout_and_login() {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(Backend::Sqlite).await;
    let shots = std::env::var("OSTIARY_SCREENSHOT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir().join("ostiary-screenshots"));
    std::fs::create_dir_all(&shots).unwrap();
    let output = tokio::process::Command::new("node")
        .current_dir(interop_dir())
        .arg("browser_smoke.mjs")
        .arg(&app.base)
        .arg(&shots)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "browser run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
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
    let actions = app.audit_actions().await;
    for action in [
        "setup.completed",
        "session.logout",
        "login.failure",
        "login.success",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} not audited: {actions:?}"
        );
    }
}
