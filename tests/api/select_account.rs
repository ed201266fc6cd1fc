//! `prompt=select_account` (S3, issue 9 item 7): the account chooser lists
//! the accounts signed in on this browser with "use another account";
//! switching never merges sessions (SR-60), only sessions this browser
//! holds can be chosen, and signing out ends them all.

use reqwest::StatusCode;

use crate::helpers::{Backend, Browser, PASSWORD, Page, TestApp};
use crate::oauth_support::*;
use crate::on_all_backends;

on_all_backends!(
    chooser_lists_this_browsers_account_and_continues,
    another_account_is_added_and_both_can_be_chosen,
    only_sessions_held_by_this_browser_can_be_chosen,
    signing_out_ends_every_account_of_the_browser,
);

/// Follow the authorization request to the chooser page.
async fn chooser(b: &mut Browser, client_id: &str) -> Page {
    let res = b
        .get(&url(client_id, &[("prompt", "select_account")]))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        res.location().starts_with("/login/select?"),
        "{}",
        res.location()
    );
    let page = b.get(res.location()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

async fn choose(b: &mut Browser, page: &Page, choice: &str) -> Page {
    let return_to = page.field("return_to");
    b.post_from(
        page,
        "/login/select",
        &[("choice", choice), ("return_to", &return_to)],
    )
    .await
}

/// The session ids offered by a chooser page (buttons `name=choice`).
fn choices(body: &str) -> Vec<String> {
    body.split("name=\"choice\" value=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

async fn session_id(app: &TestApp, b: &Browser) -> String {
    app.session_of(b).await.id.into_string()
}

async fn chooser_lists_this_browsers_account_and_continues(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").skip_consent().register().await.id;
    let mut b = signed_in(&app).await;
    let sid = session_id(&app, &b).await;
    let page = chooser(&mut b, &id).await;
    assert!(page.body.contains(EMAIL) && page.body.contains("Use another account"));
    assert!(page.body.contains("App web"), "the chooser names the app");
    let csp = page.header("content-security-policy").to_owned();
    assert!(
        csp.ends_with("form-action 'self' https://rp.example"),
        "{csp}"
    );
    assert_eq!(choices(&page.body), vec![sid.clone(), "another".into()]);
    // A forged post changes nothing.
    let return_to = page.field("return_to");
    let forged = b
        .post_form(
            "/login/select",
            &[("choice", "another"), ("return_to", &return_to)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Choosing the account goes on to the application, same session.
    let res = choose(&mut b, &page, &sid).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !res.location().contains("select_account"),
        "{}",
        res.location()
    );
    let p = redirected(&app, &b.get(res.location()).await);
    assert!(get(&p, "code").is_some());
    assert_eq!(session_id(&app, &b).await, sid);
    // Nobody signed in: the chooser is the login form.
    let mut anon = app.browser();
    let res = anon.get(&url(&id, &[("prompt", "select_account")])).await;
    let res = anon.get(res.location()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location().starts_with("/login?return_to="),
        "{}",
        res.location()
    );
}

async fn another_account_is_added_and_both_can_be_chosen(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").skip_consent().register().await.id;
    app.create_user("bob@example.com", PASSWORD).await;
    let mut b = signed_in(&app).await;
    let ann_sid = session_id(&app, &b).await;
    let page = chooser(&mut b, &id).await;
    let res = choose(&mut b, &page, "another").await;
    assert!(
        res.location().starts_with("/login?return_to="),
        "{}",
        res.location()
    );
    assert!(!b.is_signed_in().await, "the current session is set aside");
    let login = b.get(res.location()).await;
    let res = b
        .post_from(
            &login,
            "/login",
            &[
                ("email", "bob@example.com"),
                ("password", PASSWORD),
                ("return_to", &login.field("return_to")),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let p = redirected(&app, &b.get(res.location()).await);
    let bob = code_row(&app, get(&p, "code").unwrap()).await;
    let bob_sid = bob.session_id.to_string();
    assert_ne!(bob_sid, ann_sid, "nothing is merged (SR-60)");
    // Both accounts are offered now; the first one's session lives on.
    let page = chooser(&mut b, &id).await;
    assert_eq!(
        choices(&page.body),
        vec![bob_sid.clone(), ann_sid.clone(), "another".into()]
    );
    assert!(page.body.contains("bob@example.com") && page.body.contains(EMAIL));
    let res = choose(&mut b, &page, &ann_sid).await;
    let p = redirected(&app, &b.get(res.location()).await);
    let ann = code_row(&app, get(&p, "code").unwrap()).await;
    assert_eq!(ann.session_id, ann_sid);
    assert_eq!(session_id(&app, &b).await, ann_sid);
    assert!(app.audited("session.switched").await);
    // And back to bob.
    let page = chooser(&mut b, &id).await;
    choose(&mut b, &page, &bob_sid).await;
    assert_eq!(session_id(&app, &b).await, bob_sid);
}

async fn only_sessions_held_by_this_browser_can_be_chosen(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").skip_consent().register().await.id;
    app.create_user("bob@example.com", PASSWORD).await;
    let (bob, _) = app.login("bob@example.com", PASSWORD).await;
    let bob_sid = session_id(&app, &bob).await;
    let mut b = signed_in(&app).await;
    let ann_sid = session_id(&app, &b).await;
    let page = chooser(&mut b, &id).await;
    // Another browser's session id is not this browser's to take.
    let res = choose(&mut b, &page, &bob_sid).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location().starts_with("/login/select?"),
        "{}",
        res.location()
    );
    assert_eq!(session_id(&app, &b).await, ann_sid);
    // A forged accounts cookie with junk is ignored.
    b.cookies
        .insert("__Host-ostiary_accounts".into(), "not-a-token.x".into());
    let page = chooser(&mut b, &id).await;
    assert_eq!(choices(&page.body), vec![ann_sid, "another".into()]);
}

async fn signing_out_ends_every_account_of_the_browser(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").skip_consent().register().await.id;
    app.create_user("bob@example.com", PASSWORD).await;
    let mut b = signed_in(&app).await;
    let page = chooser(&mut b, &id).await;
    let res = choose(&mut b, &page, "another").await;
    b.submit(
        res.location(),
        "/login",
        &[("email", "bob@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(app.live_session_count().await, 2);
    let res = b.logout().await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(app.live_session_count().await, 0);
    let res = b.get(&url(&id, &[("prompt", "select_account")])).await;
    let res = b.get(res.location()).await;
    assert!(res.location().starts_with("/login?"), "{}", res.location());
    // The same account signed in twice in one browser is still signed out
    // entirely (the set-aside session is not hidden from the logout).
    let mut b = app.login(EMAIL, PASSWORD).await.0;
    let page = chooser(&mut b, &id).await;
    choose(&mut b, &page, "another").await;
    b.login(EMAIL, PASSWORD).await;
    assert_eq!(app.live_session_count().await, 2);
    b.logout().await;
    assert_eq!(app.live_session_count().await, 0);
}
