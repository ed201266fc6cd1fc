//! Data-key rotation (S10, issue 16 item 6): `ostiary keys rotate-data`
//! against a running server whose data-key cache expires every second.
//! The server picks up the staged key, then seals with the new one; every
//! sealed value (TOTP secret, signing keys, webhook and provider secrets)
//! ends up under the new key and still opens; sign-in with TOTP and token
//! signing work afterwards without a restart; two concurrent runs agree on
//! one new key; a rerun changes nothing; the old key is retired, not
//! deleted (backups still need it).

use chrono::Duration;
use josekit::jws::{ES256, EdDSA, JwsVerifier, RS256};
use ostiary::store::{data_keys, sealed};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cli::{ostiary, text};
use crate::helpers::{Backend, TestApp};
use crate::mfa_support::{code, password_step, submit, user_with_totp};
use crate::oauth_support::{decode, jwk_text, post};

crate::on_all_backends!(data_keys_rotate_under_a_running_server);

pub(crate) const EMAIL: &str = "totp@example.com";
const PROVIDER_SECRET: &str = "upstream-client-secret-0123456789";

/// Sign in with password and TOTP on `app`, at a step after `last` (the
/// unix time of the last code used; updated), so no code is a replay.
pub(crate) async fn sign_in_with_totp(app: &TestApp, secret: &str, last: &mut i64) {
    let now = app.state.now().timestamp();
    if now < *last + 30 {
        app.clock.advance(Duration::seconds(*last + 31 - now));
    }
    let (mut b, page) = password_step(app, EMAIL).await;
    let done = submit(&mut b, &page, "/login/mfa/totp", &code(app, secret, 0)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(b.is_signed_in().await, "signed in after TOTP");
    *last = app.state.now().timestamp();
}

/// A client-credentials access token from `app`, verified against its
/// published `/jwks`.
pub(crate) async fn token_verifies(app: &TestApp, client: &str, secret: &str) {
    let form = [("grant_type", "client_credentials"), ("scope", "api.read")];
    let res = post(app, "/token", &form, Some((client, secret))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let token = res.str("access_token");
    let jwks: Value = serde_json::from_str(&app.browser().get("/jwks").await.body).unwrap();
    let (header, _) = decode(&token);
    let jwk =
        josekit::jwk::Jwk::from_bytes(jwk_text(&jwks, header["kid"].as_str().unwrap()).as_bytes())
            .unwrap();
    let verifier: Box<dyn JwsVerifier> = match header["alg"].as_str().unwrap() {
        "RS256" => Box::new(RS256.verifier_from_jwk(&jwk).unwrap()),
        "ES256" => Box::new(ES256.verifier_from_jwk(&jwk).unwrap()),
        _ => Box::new(EdDSA.verifier_from_jwk(&jwk).unwrap()),
    };
    josekit::jws::deserialize_compact(&token, &*verifier).unwrap();
}

/// A confidential client-credentials client `svc`; its secret.
pub(crate) async fn service_client(app: &TestApp) -> String {
    app.client("svc")
        .grants(&["client_credentials"])
        .no_redirect_uris()
        .scopes(&["api.read"])
        .register()
        .await
        .secret
        .unwrap()
}

/// How many values the data key `kid` seals, by column.
pub(crate) async fn sealed_by(app: &TestApp, kid: &str) -> Vec<(&'static str, i64)> {
    let kid = kid.to_owned();
    app.db_run(move |conn| {
        sealed::ALL
            .iter()
            .map(|c| Ok((c.name(), c.count_sealed_by(conn, &kid)?)))
            .collect()
    })
    .await
}

fn count(counts: &[(&str, i64)], column: &str) -> i64 {
    counts.iter().find(|(c, _)| *c == column).unwrap().1
}

/// The state of each data key (`purpose` "data").
async fn key_states(app: &TestApp) -> Vec<(String, String)> {
    app.db_run(data_keys::all)
        .await
        .into_iter()
        .filter(|k| k.purpose == "data")
        .map(|k| (k.id, k.state))
        .collect()
}

/// Run `ostiary keys rotate-data ARGS` as a separate process on the app's
/// database and master key, with a one-second data-key cache.
async fn rotate_data(app: &TestApp, args: &[&str]) -> (bool, Value, String) {
    let url = app.db.url.clone();
    let key = app.config.master_key_path();
    let mut argv = vec!["keys".to_owned(), "rotate-data".to_owned()];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let env = [
            ("OSTIARY_DATABASE_URL", url.as_str()),
            ("OSTIARY_MASTER_KEY_FILE", key.to_str().unwrap()),
            ("OSTIARY_KEYS__DATA_KEY_CACHE_TTL_SECS", "1"),
        ];
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = ostiary(dir.path(), &argv, &env, None);
        let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.success(), json, text(&out.stderr))
    })
    .await
    .unwrap()
}

async fn data_keys_rotate_under_a_running_server(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.keys.data_key_cache_ttl_secs = 1;
        c.oidc.allow_private_targets = true;
        c.webhooks.worker_period_ms = 0;
    })
    .await;
    let (totp_secret, _) = user_with_totp(&app, EMAIL).await;
    // The code used to confirm was of a step no later than now.
    let mut last = chrono::Utc::now().timestamp();
    let client_secret = service_client(&app).await;
    let key = crate::admin_providers::key(&app, &["webhooks:write", "providers:write"], None).await;
    let api = |path: &str, body: Value| {
        reqwest::Client::new()
            .post(format!("{}/api/v1{path}", app.base))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let hook = api(
        "/webhooks",
        json!({"name": "Receiver", "url": "http://127.0.0.1:9/hook", "events": ["client.created"]}),
    )
    .await
    .unwrap();
    assert_eq!(hook.status(), StatusCode::CREATED);
    let hook: Value = hook.json().await.unwrap();
    let hook_secret = hook["secret"].as_str().unwrap().to_owned();
    let provider = api(
        "/providers",
        json!({"kind": "oidc", "name": "Corp", "issuer": "https://corp.idp.example.com",
               "client_id": "ostiary", "client_secret": PROVIDER_SECRET}),
    )
    .await
    .unwrap();
    assert_eq!(provider.status(), StatusCode::CREATED);

    // Everything is sealed by dk-1 at first.
    let before = sealed_by(&app, "dk-1").await;
    for column in [
        "mfa_totp.secret_enc",
        "signing_keys.private_key",
        "webhooks.secret_sealed",
        "providers.secret",
    ] {
        assert!(count(&before, column) > 0, "{column}: {before:?}");
    }
    assert_eq!(app.state.envelope.active_data_key(), "dk-1");

    // Two runs at once, one value per transaction: one new key, staged,
    // loaded by the server, activated, everything moved, dk-1 retired.
    let (a, b) = tokio::join!(
        rotate_data(&app, &["--batch", "1"]),
        rotate_data(&app, &["--batch", "1"])
    );
    assert!(a.0, "{}", a.2);
    assert!(b.0, "{}", b.2);
    assert!(a.2.contains("waiting"), "says what it waits for: {}", a.2);
    let staged: Vec<&Value> = [&a.1["staged"], &b.1["staged"]]
        .into_iter()
        .filter(|s| !s.is_null())
        .collect();
    assert_eq!(staged, [&json!("dk-2")], "{} {}", a.1, b.1);
    assert_eq!(a.1["active"], "dk-2");
    assert_eq!(b.1["active"], "dk-2");
    assert_eq!(
        key_states(&app).await,
        [
            ("dk-1".to_owned(), "retired".to_owned()),
            ("dk-2".to_owned(), "active".to_owned())
        ]
    );
    let after = sealed_by(&app, "dk-1").await;
    assert!(after.iter().all(|(_, n)| *n == 0), "{after:?}");
    let moved = sealed_by(&app, "dk-2").await;
    for (column, n) in &before {
        assert_eq!(count(&moved, column), *n, "{column}");
    }

    // The same server (never restarted) seals with dk-2 and opens every
    // moved value, each with its own context.
    assert_eq!(app.state.envelope.active_data_key(), "dk-2");
    let values = app
        .db_run(|conn| {
            let mut all = Vec::new();
            for c in sealed::ALL {
                all.extend(c.sealed_by(conn, "dk-2", 0, 1000)?);
            }
            Ok(all)
        })
        .await;
    for v in &values {
        assert!(v.value.starts_with("v1.dk-2."));
        app.state.envelope.decrypt(&v.value, &v.context).unwrap();
    }
    let hook_row = values
        .iter()
        .find(|v| v.context.starts_with("webhook_secret:"))
        .unwrap();
    let opened = app
        .state
        .envelope
        .decrypt(&hook_row.value, &hook_row.context)
        .unwrap();
    assert_eq!(&*opened, hook_secret.as_bytes());
    let provider_row = values
        .iter()
        .find(|v| v.context.starts_with("provider:"))
        .unwrap();
    let opened = ostiary::federation::registry::open_secret(
        &app.state,
        &provider_row.key.0,
        &provider_row.value,
    )
    .unwrap();
    assert_eq!(opened, PROVIDER_SECRET);
    sign_in_with_totp(&app, &totp_secret, &mut last).await;
    token_verifies(&app, "svc", &client_secret).await;

    // A new TOTP secret is sealed by dk-2.
    let (other, _) =
        crate::mfa_support::enroll_totp(&app, &mut app.signed_in_user("second@example.com").await)
            .await;
    assert!(!other.is_empty());
    assert_eq!(
        count(&sealed_by(&app, "dk-2").await, "mfa_totp.secret_enc"),
        2
    );
    assert_eq!(
        count(&sealed_by(&app, "dk-1").await, "mfa_totp.secret_enc"),
        0
    );

    // Finishing again is a no-op.
    let (ok, again, err) = rotate_data(&app, &["--resume"]).await;
    assert!(ok, "{err}");
    assert_eq!(
        again,
        json!({"active": "dk-2", "staged": null, "activated": null,
               "reencrypted": {}, "retired": [], "unreadable": []})
    );

    // Audited once per phase (each batch of one for the re-encryption).
    assert_eq!(app.audit_rows("key.data_staged").await.len(), 1);
    assert_eq!(app.audit_rows("key.data_activated").await.len(), 1);
    assert_eq!(app.audit_rows("key.data_retired").await.len(), 1);
    let total: i64 = before.iter().map(|(_, n)| n).sum();
    let reencrypted = app.audit_rows("key.data_reencrypted").await;
    assert_eq!(i64::try_from(reencrypted.len()).unwrap(), total);
    assert_eq!(reencrypted[0].actor_id.as_deref(), Some("cli"));
    assert!(app.db_run(ostiary::audit::verify).await.ok);

    // A server started now loads the retired key too and seals with dk-2.
    let fresh = app.second_instance().await;
    assert_eq!(fresh.state.envelope.active_data_key(), "dk-2");
    assert!(fresh.state.envelope.has_data_key("dk-1"));
    token_verifies(&fresh, "svc", &client_secret).await;
}
