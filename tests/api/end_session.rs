//! `/end_session` (RP-initiated logout) and back-channel logout.

use std::time::Duration as StdDuration;

use ostiary::crypto::signing::Alg;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::helpers::{Backend, Browser, ClientBuilder, PASSWORD, Page, TestApp};
use crate::oauth_support::*;
use crate::on_all_backends;

on_all_backends!(
    valid_hint_ends_the_session_and_redirects_with_state,
    invalid_hint_asks_for_confirmation_and_never_redirects,
    unregistered_post_logout_redirect_uri_is_not_followed,
    logout_sends_a_backchannel_logout_token,
    failed_backchannel_logout_is_audited,
    hint_of_an_earlier_session_asks_for_confirmation,
    long_expired_hint_asks_for_confirmation,
    confirmed_logout_returns_to_a_registered_uri_only,
);

/// Register `client` as a consent-skip client, sign in and get a code;
/// returns the browser, the client id and the code's row (user and
/// session).
async fn signed_in_client(
    app: &TestApp,
    client: ClientBuilder<'_>,
) -> (Browser, String, ostiary::store::codes::AuthorizationCode) {
    let id = client.skip_consent().register().await.id;
    let mut b = signed_in(app).await;
    let row = authorized(app, &mut b, &id, &[]).await;
    (b, id, row)
}

fn end_session(hint: &str, redirect: &str) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("id_token_hint", hint)
        .append_pair("post_logout_redirect_uri", redirect)
        .append_pair("state", "bye-state")
        .finish();
    format!("/end_session?{q}")
}

async fn valid_hint_ends_the_session_and_redirects_with_state(backend: Backend) {
    // SR-64: the session dies; prompt=none afterwards is login_required.
    let app = TestApp::spawn(backend).await;
    let (mut b, id, row) = signed_in_client(&app, app.client("web")).await;
    let grant = insert_grant(&app, &row).await;
    let old_cookie = b.session_cookie().cloned().unwrap();
    let hint = id_token(&app, &id, &row.user_id, Some(&row.session_id)).await;
    let res = b.get(&end_session(&hint, "https://rp.example/bye")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "https://rp.example/bye?state=bye-state");
    assert!(!b.is_signed_in().await);
    // The old cookie is useless.
    b.cookies
        .insert("__Host-ostiary_session".into(), old_cookie);
    assert!(!b.is_signed_in().await);
    assert!(grant_revoked(&app, &grant).await);
    let p = redirected(&app, &b.get(&url(&id, &[("prompt", "none")])).await);
    assert_eq!(get(&p, "error"), Some("login_required"));
    assert!(app.audited("session.logout").await);
}

async fn invalid_hint_asks_for_confirmation_and_never_redirects(backend: Backend) {
    // SR-71: no silent logout and no redirect without a valid hint.
    let app = TestApp::spawn(backend).await;
    let (mut b, id, row) = signed_in_client(&app, app.client("web")).await;
    let hint = id_token(&app, &id, &row.user_id, None).await;
    let mut tampered = hint.clone();
    tampered.pop();
    tampered.push(if hint.ends_with('A') { 'B' } else { 'A' });
    for bad in [alg_none(&hint), tampered, "not.a.jwt".into(), String::new()] {
        let res = b.get(&end_session(&bad, "https://rp.example/bye")).await;
        assert_eq!(res.status, StatusCode::OK, "{bad}");
        assert!(res.headers.get("location").is_none());
        assert!(
            res.body.contains("action=\"/end_session/confirm\""),
            "{}",
            res.body
        );
        assert!(b.is_signed_in().await);
    }
    // A hint naming another client than client_id is invalid too.
    let res = b
        .get(&format!(
            "{}&client_id=other",
            end_session(&hint, "https://rp.example/bye")
        ))
        .await;
    assert!(res.body.contains("/end_session/confirm"));
    // Confirming needs the CSRF token, then signs out without redirect.
    let page = b.get(&end_session("x", "https://rp.example/bye")).await;
    let forged = b
        .post_form("/end_session/confirm", &[("csrf_token", "x")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let res = b.post_from(&page, "/end_session/confirm", &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.headers.get("location").is_none());
    assert!(!b.is_signed_in().await);
}

async fn unregistered_post_logout_redirect_uri_is_not_followed(backend: Backend) {
    // SR-04
    let app = TestApp::spawn(backend).await;
    let (mut b, id, row) = signed_in_client(&app, app.client("web")).await;
    let hint = id_token(&app, &id, &row.user_id, Some(&row.session_id)).await;
    for uri in [
        "https://evil.example/",
        "https://rp.example/bye/x",
        "https://RP.example/bye",
    ] {
        let res = b.get(&end_session(&hint, uri)).await;
        assert_eq!(res.status, StatusCode::OK, "{uri}");
        assert!(res.headers.get("location").is_none(), "{uri}");
        assert!(!res.body.contains("evil.example"));
    }
    assert!(!b.is_signed_in().await);
}

/// A tiny HTTP receiver on 127.0.0.1 answering `status` and passing on each
/// request body.
async fn receiver(status: u16) -> (String, mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if body.len() >= len {
                            let _ = tx.send(body.to_owned());
                            break;
                        }
                    }
                }
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    (format!("http://127.0.0.1:{}/bcl", addr.port()), rx)
}

async fn logout_sends_a_backchannel_logout_token(backend: Backend) {
    // SR-142
    let app = TestApp::spawn(backend).await;
    let (uri, mut rx) = receiver(200).await;
    let client = app
        .client("web")
        .backchannel_logout_uri(&uri)
        .id_token_alg(Alg::ES256);
    let (mut b, id, row) = signed_in_client(&app, client).await;
    let grant = insert_grant(&app, &row).await;
    let res = b.logout().await;
    assert_eq!(res.status, StatusCode::OK);
    let body = tokio::time::timeout(StdDuration::from_secs(10), rx.recv())
        .await
        .expect("logout token delivered")
        .unwrap();
    let token = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "logout_token")
        .unwrap()
        .1
        .into_owned();
    let (header, claims) = decode(&token);
    assert_eq!(header["typ"], "logout+jwt");
    assert_eq!(header["alg"], "ES256");
    // Signed by us.
    app.state
        .keys
        .snapshot()
        .verify(&token, "logout+jwt", &Alg::ALL)
        .unwrap();
    assert_eq!(claims["iss"], app.state.config.public_base());
    assert_eq!(claims["aud"], id);
    assert_eq!(claims["sub"], row.user_id.as_str());
    assert_eq!(claims["sid"], row.session_id.as_str());
    assert!(claims["jti"].is_string());
    assert!(claims.get("nonce").is_none());
    assert!(claims["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert!(exp > iat && exp - iat <= 120);
    assert!(grant_revoked(&app, &grant).await);
}

async fn failed_backchannel_logout_is_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (uri, mut rx) = receiver(500).await;
    let client = app.client("web").backchannel_logout_uri(&uri);
    let (mut b, id, row) = signed_in_client(&app, client).await;
    insert_grant(&app, &row).await;
    let hint = id_token(&app, &id, &row.user_id, Some(&row.session_id)).await;
    let res = b.get(&end_session(&hint, "https://rp.example/bye")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Three attempts, then the audit record.
    for _ in 0..3 {
        tokio::time::timeout(StdDuration::from_secs(10), rx.recv())
            .await
            .expect("an attempt")
            .unwrap();
    }
    for _ in 0..100 {
        if app
            .audit_actions()
            .await
            .iter()
            .any(|a| a == "logout.backchannel_failed")
        {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    panic!(
        "logout.backchannel_failed not audited: {:?}",
        app.audit_actions().await
    );
}

/// The confirmation page was shown and the session is still alive.
fn asks_to_confirm(res: &Page) {
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.headers.get("location").is_none());
    assert!(
        res.body.contains("action=\"/end_session/confirm\""),
        "{}",
        res.body
    );
}

async fn hint_of_an_earlier_session_asks_for_confirmation(backend: Backend) {
    // SR-71: an ID token of an earlier session (another sid) of the same
    // user must not end the current session silently.
    let app = TestApp::spawn(backend).await;
    let (mut b, id, row) = signed_in_client(&app, app.client("web")).await;
    let earlier = id_token(&app, &id, &row.user_id, Some("an-earlier-session")).await;
    let without_sid = id_token(&app, &id, &row.user_id, None).await;
    for hint in [earlier, without_sid] {
        asks_to_confirm(&b.get(&end_session(&hint, "https://rp.example/bye")).await);
        assert!(b.is_signed_in().await);
    }
    // Positive control: the current session's own hint ends it at once.
    let own = id_token(&app, &id, &row.user_id, Some(&row.session_id)).await;
    let res = b.get(&end_session(&own, "https://rp.example/bye")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!b.is_signed_in().await);
}

async fn long_expired_hint_asks_for_confirmation(backend: Backend) {
    // SR-71: an expired hint still counts within a short grace, not after.
    let app = TestApp::spawn(backend).await;
    let (mut b, id, row) = signed_in_client(&app, app.client("web")).await;
    let hint = id_token(&app, &id, &row.user_id, Some(&row.session_id)).await;
    let ttl = app.config.oidc.id_token_ttl_secs;
    let grace = ostiary::flow::end_session::HINT_GRACE_SECS;
    app.clock
        .advance(chrono::Duration::seconds(ttl + grace + 1));
    assert!(b.is_signed_in().await, "the session itself is still alive");
    asks_to_confirm(&b.get(&end_session(&hint, "https://rp.example/bye")).await);
    assert!(b.is_signed_in().await);
    // Within the grace the same kind of hint still works.
    let fresh = id_token(&app, &id, &row.user_id, Some(&row.session_id)).await;
    app.clock
        .advance(chrono::Duration::seconds(ttl + grace - 5));
    let res = b.get(&end_session(&fresh, "https://rp.example/bye")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(!b.is_signed_in().await);
}

async fn confirmed_logout_returns_to_a_registered_uri_only(backend: Backend) {
    // SR-04, SR-71: without a hint the user confirms; only then, and only to
    // a post-logout URI registered for the named client, is the browser sent
    // back, with state. The page's CSP lets its form lead there (Chromium
    // applies form-action to the redirect).
    let app = TestApp::spawn(backend).await;
    let (mut b, id, _row) = signed_in_client(&app, app.client("web")).await;
    let ask = |uri: &str| {
        let q = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &id)
            .append_pair("post_logout_redirect_uri", uri)
            .append_pair("state", "s1")
            .finish();
        format!("/end_session?{q}")
    };
    // An unregistered URI is dropped: confirming leaves the user here.
    let page = b.get(&ask("https://evil.example/bye")).await;
    asks_to_confirm(&page);
    assert!(!page.body.contains("evil.example"));
    let csp = page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.ends_with("form-action 'self'"), "{csp}");
    // A registered one is carried through the confirmation.
    let page = b.get(&ask("https://rp.example/bye")).await;
    asks_to_confirm(&page);
    let csp = page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.ends_with("form-action 'self' https://rp.example"),
        "{csp}"
    );
    assert!(b.is_signed_in().await);
    // A tampered form (another URI) is verified again and not followed.
    let tampered = b
        .post_from(
            &page,
            "/end_session/confirm",
            &[
                ("client_id", &id),
                ("post_logout_redirect_uri", "https://evil.example/bye"),
            ],
        )
        .await;
    assert_eq!(tampered.status, StatusCode::OK);
    assert!(tampered.headers.get("location").is_none());
    assert!(!b.is_signed_in().await);
    // Signed in again, the honest confirmation goes back to the app.
    let (mut b, _) = app.login(EMAIL, PASSWORD).await;
    let page = b.get(&ask("https://rp.example/bye")).await;
    let res = b
        .post_from(
            &page,
            "/end_session/confirm",
            &[
                ("client_id", &id),
                ("post_logout_redirect_uri", "https://rp.example/bye"),
                ("state", "s1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "https://rp.example/bye?state=s1");
    assert!(!b.is_signed_in().await);
}
