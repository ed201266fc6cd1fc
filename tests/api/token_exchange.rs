//! Token exchange (RFC 8693; SR-37, SR-38, SR-45, SR-50, SR-52): a
//! confidential service trades a user's access token that was sent to it
//! for one for a downstream audience. Only our own live access tokens
//! addressed to the caller are accepted; scope and audience stay within
//! what the subject token and the caller allow; `act` records delegation
//! (nested); the new token dies with the user's grant. Black-box over HTTP.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, RegisteredClient, TestApp};
use crate::oauth_support::{
    CODE_AND_REFRESH, Reply, SignedIn, alg_none, claims, header, introspect, post_as, sign_in,
    tokens_for, userinfo,
};

crate::on_all_backends!(
    a_service_exchanges_a_token_sent_to_it_for_a_downstream_audience,
    scope_may_narrow_but_never_widen,
    the_audience_must_be_registered_for_the_caller,
    the_subject_token_must_be_addressed_to_the_caller,
    only_live_access_tokens_of_ours_are_exchanged,
    only_access_token_types_are_supported,
    actor_tokens_add_act_and_chains_nest,
    clients_need_the_grant_and_a_secret,
    ending_the_grant_ends_exchanged_tokens,
    discovery_lists_the_grant,
);

const TX: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const AT_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
/// Service B's API: what client A's tokens are for.
const SVC_B: &str = "https://b.example/api";
/// Service C, downstream of B.
const SVC_C: &str = "https://c.example/api";
/// Service D, downstream of C.
const SVC_D: &str = "https://d.example/api";

/// Web client A (tokens for B), service B (may exchange; tokens for C),
/// and a signed-in user.
struct World {
    app: TestApp,
    a: RegisteredClient,
    b: RegisteredClient,
    who: SignedIn,
}

async fn world(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let a = app
        .client("rp-a")
        .grants(CODE_AND_REFRESH)
        .audiences(&[SVC_B])
        .register()
        .await;
    let b = app
        .client("svc-b")
        .grants(&[TX, "client_credentials"])
        .audiences(&[SVC_B, SVC_C])
        .register()
        .await;
    let who = sign_in(&app, "ada@example.com").await;
    World { app, a, b, who }
}

/// A's tokens for the user (access token addressed to B).
async fn user_tokens(w: &World) -> Reply {
    tokens_for(&w.app, &w.a, &w.who, "openid email profile offline_access").await
}

/// A token exchange request by `rp` for `subject`, plus `extra`.
async fn exchange(
    app: &TestApp,
    rp: &RegisteredClient,
    subject: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let mut form = vec![
        ("grant_type", TX),
        ("subject_token", subject),
        ("subject_token_type", AT_TYPE),
    ];
    for (k, v) in extra {
        form.retain(|(fk, _)| fk != k);
        if !v.is_empty() {
            form.push((k, v));
        }
    }
    post_as(app, rp, "/token", &form).await
}

fn ok(res: &Reply) -> String {
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.str("access_token")
}

fn refused(res: &Reply, error: &str, what: &str) {
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{what}: {}", res.json);
    assert_eq!(res.error(), error, "{what}: {}", res.json);
    assert_eq!(res.header("cache-control"), "no-store", "{what}");
}

/// A client's own client_credentials token.
async fn service_token(app: &TestApp, rp: &RegisteredClient) -> String {
    ok(&post_as(app, rp, "/token", &[("grant_type", "client_credentials")]).await)
}

/// RFC 8693 §2.1, §2.2.1, §4.1; RFC 9068: B exchanges the user's token it
/// was sent for one for C — same user and grant, B as client, C as
/// audience, no `act` without an actor token (impersonation), never
/// longer-lived than the original, no refresh or ID token; introspection
/// answers B, userinfo refuses (no `openid`); audited.
async fn a_service_exchanges_a_token_sent_to_it_for_a_downstream_audience(backend: Backend) {
    let w = world(backend).await;
    let user = user_tokens(&w).await;
    let subject = user.str("access_token");
    let original = claims(&subject);
    assert_eq!(original["aud"], SVC_B);

    let res = exchange(
        &w.app,
        &w.b,
        &subject,
        &[("audience", SVC_C), ("scope", "email")],
    )
    .await;
    let at = ok(&res);
    assert_eq!(res.header("cache-control"), "no-store");
    assert_eq!(res.json["issued_token_type"], AT_TYPE);
    assert_eq!(res.json["token_type"], "Bearer");
    assert_eq!(res.json["scope"], "email");
    assert!(res.json.get("refresh_token").is_none(), "{}", res.json);
    assert!(res.json.get("id_token").is_none(), "{}", res.json);
    let expires_in = res.json["expires_in"].as_i64().unwrap();
    assert!(expires_in > 0 && expires_in <= 600, "{expires_in}");

    assert_eq!(header(&at)["typ"], "at+jwt");
    let c = claims(&at);
    assert_eq!(c["sub"], w.who.user_id.as_str());
    assert_eq!(c["aud"], SVC_C);
    assert_eq!(c["client_id"], "svc-b");
    assert_eq!(c["scope"], "email");
    assert_eq!(c["gid"], original["gid"], "same grant: ends with it");
    assert_eq!(c["sid"], original["sid"]);
    assert_eq!(c["iss"], original["iss"]);
    assert!(c.get("act").is_none(), "impersonation: {c}");
    assert!(c["exp"].as_i64().unwrap() <= original["exp"].as_i64().unwrap());
    assert_ne!(c["jti"], original["jti"]);

    // Introspection answers the client it was issued to (SR-45), only.
    let seen = introspect(&w.app, &w.b, &at).await;
    assert_eq!(seen["active"], true, "{seen}");
    assert_eq!(seen["sub"], w.who.user_id.as_str());
    assert_eq!(seen["aud"], SVC_C);
    assert_eq!(
        introspect(&w.app, &w.a, &at).await,
        json!({ "active": false })
    );
    // Not a sign-in token: userinfo wants `openid`, which is never passed on.
    assert_eq!(userinfo(&w.app, &at).await.status, StatusCode::FORBIDDEN);

    // Without scope: the subject's scopes the caller may use, minus
    // openid/offline_access; `resource` works as `audience` does.
    let res = exchange(&w.app, &w.b, &subject, &[("resource", SVC_C)]).await;
    let c = claims(&ok(&res));
    assert_eq!(res.json["scope"], "email profile");
    assert_eq!(c["scope"], "email profile");
    assert_eq!(c["aud"], SVC_C);
    // Nothing named: the caller's registered audiences (RFC 8707 default).
    let c = claims(&ok(&exchange(&w.app, &w.b, &subject, &[]).await));
    assert_eq!(c["aud"], json!([SVC_B, SVC_C]));

    // Never outlives the subject token: 7 of its 10 minutes gone.
    w.app.clock.advance(Duration::minutes(7));
    let res = exchange(&w.app, &w.b, &subject, &[("audience", SVC_C)]).await;
    let c = claims(&ok(&res));
    assert!(
        res.json["expires_in"].as_i64().unwrap() <= 180,
        "{}",
        res.json
    );
    assert_eq!(c["exp"], original["exp"]);

    let rows = w.app.audit_rows("token.exchanged").await;
    assert_eq!(rows.len(), 4);
    let row = &rows[0];
    assert_eq!(row.actor_type, "client");
    assert_eq!(row.actor_id.as_deref(), Some("svc-b"));
    assert_eq!(row.target_id.as_deref(), original["gid"].as_str());
    let details: Value = serde_json::from_str(&row.details).unwrap();
    assert_eq!(details["subject"], w.who.user_id.as_str());
    assert_eq!(details["subject_client_id"], "rp-a");
    assert_eq!(details["audience"], json!([SVC_C]));
    assert!(
        !row.details.contains(&subject),
        "no tokens in the audit log"
    );
}

/// RFC 8693 §2.1 `scope`, SR-37: within the subject token's scope and the
/// caller's allowed scopes; anything wider is `invalid_scope`.
async fn scope_may_narrow_but_never_widen(backend: Backend) {
    let w = world(backend).await;
    let subject = tokens_for(&w.app, &w.a, &w.who, "openid email")
        .await
        .str("access_token");
    // Positive control.
    ok(&exchange(&w.app, &w.b, &subject, &[("scope", "email")]).await);
    // Wider than the subject token (B may use profile, the token lacks it).
    refused(
        &exchange(&w.app, &w.b, &subject, &[("scope", "email profile")]).await,
        "invalid_scope",
        "wider than the subject token",
    );
    // Wider than the caller: B2 may only use `profile`.
    let b2 = w
        .app
        .client("svc-b2")
        .grants(&[TX])
        .audiences(&[SVC_B])
        .scopes(&["profile"])
        .register()
        .await;
    let full = user_tokens(&w).await.str("access_token");
    refused(
        &exchange(&w.app, &b2, &full, &[("scope", "email")]).await,
        "invalid_scope",
        "wider than the caller",
    );
    let res = exchange(&w.app, &b2, &full, &[]).await;
    ok(&res);
    assert_eq!(res.json["scope"], "profile");
    refused(
        &exchange(&w.app, &w.b, &subject, &[("scope", "bad\"scope")]).await,
        "invalid_scope",
        "malformed",
    );
}

/// RFC 8693 §2.2.2 `invalid_target`, RFC 8707: `audience` and `resource`
/// must each be registered for the caller.
async fn the_audience_must_be_registered_for_the_caller(backend: Backend) {
    let w = world(backend).await;
    let subject = user_tokens(&w).await.str("access_token");
    ok(&exchange(&w.app, &w.b, &subject, &[("audience", SVC_C)]).await);
    refused(
        &exchange(&w.app, &w.b, &subject, &[("audience", SVC_D)]).await,
        "invalid_target",
        "audience not registered for B",
    );
    refused(
        &exchange(
            &w.app,
            &w.b,
            &subject,
            &[("resource", "https://evil.example/")],
        )
        .await,
        "invalid_target",
        "resource not registered for B",
    );
    // Repeated: every one must be allowed.
    let form = [
        ("grant_type", TX),
        ("subject_token", subject.as_str()),
        ("subject_token_type", AT_TYPE),
        ("audience", SVC_C),
        ("audience", SVC_D),
    ];
    refused(
        &post_as(&w.app, &w.b, "/token", &form).await,
        "invalid_target",
        "one of two",
    );
    let form = [
        ("grant_type", TX),
        ("subject_token", subject.as_str()),
        ("subject_token_type", AT_TYPE),
        ("audience", SVC_C),
        ("audience", SVC_B),
    ];
    let c = claims(&ok(&post_as(&w.app, &w.b, "/token", &form).await));
    assert_eq!(c["aud"], json!([SVC_C, SVC_B]));
}

/// RFC 8693 §2.2.2, §5 (policy): a service may exchange only tokens that
/// were sent to it — the subject token's `aud` names its client id or one
/// of its registered audiences — else `invalid_request`.
async fn the_subject_token_must_be_addressed_to_the_caller(backend: Backend) {
    let w = world(backend).await;
    let subject = user_tokens(&w).await.str("access_token");
    // D may exchange, but A's tokens are for B, not for D.
    let d = w
        .app
        .client("svc-d")
        .grants(&[TX])
        .audiences(&[SVC_C, SVC_D])
        .register()
        .await;
    refused(
        &exchange(&w.app, &d, &subject, &[("audience", SVC_D)]).await,
        "invalid_request",
        "subject token for another service",
    );
    // A token for a client without audiences is addressed to its id: that
    // client may exchange it, B may not.
    let own = w
        .app
        .client("rp-self")
        .grants(&["authorization_code", "refresh_token", TX])
        .register()
        .await;
    let selfish = tokens_for(&w.app, &own, &w.who, "openid email")
        .await
        .str("access_token");
    assert_eq!(claims(&selfish)["aud"], "rp-self");
    refused(
        &exchange(&w.app, &w.b, &selfish, &[]).await,
        "invalid_request",
        "token for rp-self",
    );
    let c = claims(&ok(&exchange(&w.app, &own, &selfish, &[]).await));
    assert_eq!(c["aud"], "rp-self");
}

/// RFC 8693 §2.2.2, SR-50, SR-52: expired, forged, tampered, ID and
/// refresh tokens, and tokens that stand for no user are refused with
/// `invalid_request`.
async fn only_live_access_tokens_of_ours_are_exchanged(backend: Backend) {
    let w = world(backend).await;
    // A client whose own tokens are addressed to itself, so that only the
    // kind of token decides.
    let own = w
        .app
        .client("rp-self")
        .grants(&["authorization_code", "refresh_token", TX])
        .register()
        .await;
    let tokens = tokens_for(&w.app, &own, &w.who, "openid email offline_access").await;
    let at = tokens.str("access_token");
    ok(&exchange(&w.app, &own, &at, &[]).await);

    let id_token = tokens.str("id_token");
    let refresh_token = tokens.str("refresh_token");
    let none = alg_none(&at);
    assert_eq!(claims(&id_token)["aud"], "rp-self");
    // A signature byte changed (not the last character: its low bits are
    // padding).
    let at_sig = at.rfind('.').unwrap() + 10;
    let flipped = if &at[at_sig..=at_sig] == "A" {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{flipped}{}", &at[..at_sig], &at[at_sig + 1..]);
    for (token, what) in [
        (id_token.as_str(), "an ID token"),
        (refresh_token.as_str(), "a refresh token"),
        (none.as_str(), "alg none"),
        (tampered.as_str(), "a bad signature"),
        ("not.a.token", "garbage"),
    ] {
        refused(
            &exchange(&w.app, &own, token, &[]).await,
            "invalid_request",
            what,
        );
    }
    // A client_credentials token addressed to B stands for no user.
    let cc = service_token(&w.app, &w.b).await;
    refused(
        &exchange(&w.app, &w.b, &cc, &[]).await,
        "invalid_request",
        "client_credentials subject",
    );
    // Expired.
    w.app.clock.advance(Duration::minutes(11));
    refused(
        &exchange(&w.app, &own, &at, &[]).await,
        "invalid_request",
        "expired",
    );
}

/// RFC 8693 §2.1, §2.2.2, §3: only access tokens are accepted and issued;
/// anything else — or a missing type — is `invalid_request`.
async fn only_access_token_types_are_supported(backend: Backend) {
    let w = world(backend).await;
    let subject = user_tokens(&w).await.str("access_token");
    ok(&exchange(&w.app, &w.b, &subject, &[("requested_token_type", AT_TYPE)]).await);
    for (extra, what) in [
        (
            (
                "subject_token_type",
                "urn:ietf:params:oauth:token-type:id_token",
            ),
            "id_token type",
        ),
        (
            (
                "subject_token_type",
                "urn:ietf:params:oauth:token-type:refresh_token",
            ),
            "refresh_token type",
        ),
        (
            ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            "jwt type",
        ),
        (("subject_token_type", ""), "no subject_token_type"),
        (("subject_token", ""), "no subject_token"),
        (
            (
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:refresh_token",
            ),
            "requested refresh token",
        ),
        (
            (
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:id_token",
            ),
            "requested ID token",
        ),
    ] {
        refused(
            &exchange(&w.app, &w.b, &subject, &[extra]).await,
            "invalid_request",
            what,
        );
    }
}

/// RFC 8693 §2.1 `actor_token`, §4.1 `act`: delegation names the actor
/// (`sub`, `client_id`); exchanging a delegated token again nests the
/// earlier actor; without an actor token the subject's `act` is kept.
/// `actor_token_type` is required with, and only with, `actor_token`.
async fn actor_tokens_add_act_and_chains_nest(backend: Backend) {
    let w = world(backend).await;
    let c_svc = w
        .app
        .client("svc-c")
        .grants(&[TX, "client_credentials"])
        .audiences(&[SVC_C, SVC_D])
        .register()
        .await;
    let subject = user_tokens(&w).await.str("access_token");
    let b_own = service_token(&w.app, &w.b).await;

    let res = exchange(
        &w.app,
        &w.b,
        &subject,
        &[
            ("audience", SVC_C),
            ("actor_token", &b_own),
            ("actor_token_type", AT_TYPE),
        ],
    )
    .await;
    let delegated = ok(&res);
    let c = claims(&delegated);
    assert_eq!(c["sub"], w.who.user_id.as_str());
    assert_eq!(c["act"], json!({ "sub": "svc-b", "client_id": "svc-b" }));
    assert!(c["exp"].as_i64().unwrap() <= claims(&subject)["exp"].as_i64().unwrap());

    // C exchanges B's delegated token with its own actor token: nested.
    let c_own = service_token(&w.app, &c_svc).await;
    let res = exchange(
        &w.app,
        &c_svc,
        &delegated,
        &[
            ("audience", SVC_D),
            ("actor_token", &c_own),
            ("actor_token_type", AT_TYPE),
        ],
    )
    .await;
    let twice = ok(&res);
    let c = claims(&twice);
    assert_eq!(c["sub"], w.who.user_id.as_str());
    assert_eq!(c["aud"], SVC_D);
    assert_eq!(c["client_id"], "svc-c");
    assert_eq!(
        c["act"],
        json!({ "sub": "svc-c", "client_id": "svc-c", "act": { "sub": "svc-b", "client_id": "svc-b" } })
    );
    // Introspection reports act.
    assert_eq!(introspect(&w.app, &c_svc, &twice).await["act"], c["act"]);
    // Without an actor token the earlier delegation is not lost.
    let kept = claims(&ok(&exchange(
        &w.app,
        &c_svc,
        &delegated,
        &[("audience", SVC_D)],
    )
    .await));
    assert_eq!(kept["act"], json!({ "sub": "svc-b", "client_id": "svc-b" }));

    // actor_token without its type, and a type without a token.
    refused(
        &exchange(&w.app, &w.b, &subject, &[("actor_token", &b_own)]).await,
        "invalid_request",
        "actor_token without actor_token_type",
    );
    refused(
        &exchange(&w.app, &w.b, &subject, &[("actor_token_type", AT_TYPE)]).await,
        "invalid_request",
        "actor_token_type without actor_token",
    );
    refused(
        &exchange(
            &w.app,
            &w.b,
            &subject,
            &[
                ("actor_token", &b_own),
                ("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            ],
        )
        .await,
        "invalid_request",
        "unsupported actor_token_type",
    );
    // The actor token must be addressed to the caller too (E's own token
    // is for D only, not for B).
    let e_svc = w
        .app
        .client("svc-e")
        .grants(&["client_credentials"])
        .audiences(&[SVC_D])
        .register()
        .await;
    let e_own = service_token(&w.app, &e_svc).await;
    refused(
        &exchange(
            &w.app,
            &w.b,
            &subject,
            &[("actor_token", &e_own), ("actor_token_type", AT_TYPE)],
        )
        .await,
        "invalid_request",
        "actor token for another service",
    );
    refused(
        &exchange(
            &w.app,
            &w.b,
            &subject,
            &[
                ("actor_token", "forged.actor.token"),
                ("actor_token_type", AT_TYPE),
            ],
        )
        .await,
        "invalid_request",
        "forged actor token",
    );
}

/// RFC 6749 §5.2 `unauthorized_client`, RFC 8693 §5: the grant must be
/// registered for the client, and public clients cannot register it (the
/// admin API answers 422) nor use it.
async fn clients_need_the_grant_and_a_secret(backend: Backend) {
    let w = world(backend).await;
    let subject = user_tokens(&w).await.str("access_token");
    // A confidential client addressed by the token but without the grant.
    let plain = w
        .app
        .client("svc-plain")
        .grants(&["client_credentials"])
        .audiences(&[SVC_B, SVC_C])
        .register()
        .await;
    refused(
        &exchange(&w.app, &plain, &subject, &[]).await,
        "unauthorized_client",
        "grant not registered",
    );
    // A public client (no secret) cannot use it either.
    let spa = w
        .app
        .client("spa")
        .public()
        .grants(CODE_AND_REFRESH)
        .audiences(&[SVC_B])
        .register()
        .await;
    refused(
        &exchange(&w.app, &spa, &subject, &[]).await,
        "unauthorized_client",
        "public client",
    );
    // ...and cannot be registered with it.
    let key = ostiary::admin::api_keys::create(
        &w.app.state,
        &ostiary::audit::Actor::system("test"),
        ostiary::admin::api_keys::KeySpec {
            name: "test key".into(),
            scopes: vec!["clients:write".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .key;
    let create = |public: bool| {
        let mut body = json!({
            "name": "Exchanger",
            "grant_types": [TX],
            "audiences": [SVC_C],
        });
        if public {
            body["public"] = json!(true);
        }
        reqwest::Client::new()
            .post(format!("{}/api/v1/clients", w.app.base))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let res = create(true).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "grant_types", "{body}");
    let res = create(false).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{:?}", res.text().await);
}

/// RFC 8693 §1 (the new token stands for the same authorization), SR-42,
/// SR-45: the exchanged token keeps the grant, so revoking the refresh
/// token (RFC 7009, the whole family) or signing the user out makes it
/// inactive, and the subject token cannot be exchanged again.
async fn ending_the_grant_ends_exchanged_tokens(backend: Backend) {
    let mut w = world(backend).await;
    let user = user_tokens(&w).await;
    let subject = user.str("access_token");
    let at = ok(&exchange(&w.app, &w.b, &subject, &[("audience", SVC_C)]).await);
    assert_eq!(introspect(&w.app, &w.b, &at).await["active"], true);
    let r = post_as(
        &w.app,
        &w.a,
        "/revoke",
        &[("token", &user.str("refresh_token"))],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        introspect(&w.app, &w.b, &at).await,
        json!({ "active": false })
    );
    refused(
        &exchange(&w.app, &w.b, &subject, &[]).await,
        "invalid_request",
        "revoked grant",
    );

    // Signing out ends the session's grants (offline ones survive by
    // design), exchanged tokens included.
    let user = tokens_for(&w.app, &w.a, &w.who, "openid email").await;
    let at = ok(&exchange(&w.app, &w.b, &user.str("access_token"), &[]).await);
    assert_eq!(introspect(&w.app, &w.b, &at).await["active"], true);
    w.who.browser.logout().await;
    assert_eq!(
        introspect(&w.app, &w.b, &at).await,
        json!({ "active": false })
    );
}

/// SR-140, RFC 8414 §2: discovery advertises exactly the grants `/token`
/// accepts, token exchange among them.
async fn discovery_lists_the_grant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc: Value = reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["grant_types_supported"],
        json!([
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code",
            TX
        ])
    );
}
