//! DPoP (RFC 9449): a proof at `/token` binds the access token to its key
//! (`cnf.jkt`, `token_type: DPoP`, §5, §6); `/userinfo` then wants the
//! `DPoP` scheme and a proof over the token (§7); every check of §4.3 on
//! the proof, single use across instances (§11.1), server nonces (§8),
//! public clients' refresh tokens bound to the key (§5), `dpop_jkt` at
//! `/authorize` and a proof at `/par` (§10), clients that must use DPoP
//! (§5.2), introspection (§6.2) and discovery (§5.1).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use josekit::jws::{ES256, JwsHeader, JwsSigner};
use josekit::jwt::JwtPayload;
use reqwest::StatusCode;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{Backend, REDIRECT, RegisteredClient, TestApp};
use crate::oauth_support::{
    CODE_AND_REFRESH, Reply, claims, get, insert_code, new_pkce, pkce, post, redirected, sign_in,
    url,
};

crate::on_all_backends!(
    bound_tokens_at_userinfo_and_introspection,
    every_proof_check_refuses,
    proofs_are_single_use_across_instances,
    nonces_when_required,
    public_refresh_tokens_are_bound,
    dpop_jkt_at_authorize_and_par,
    dpop_bound_clients_refuse_bearer_requests,
);

/// A client's DPoP key pair.
struct Key {
    signer: Box<dyn JwsSigner>,
    public: Map<String, Value>,
    private: Map<String, Value>,
}

impl Key {
    fn new() -> Self {
        let pair = ES256.generate_key_pair().unwrap();
        let private = pair.to_jwk_private_key();
        Self {
            signer: Box::new(ES256.signer_from_jwk(&private).unwrap()),
            public: pair.to_jwk_public_key().as_ref().clone(),
            private: private.as_ref().clone(),
        }
    }

    fn jkt(&self) -> String {
        ostiary::oidc::dpop::proof::thumbprint(&self.public).unwrap()
    }

    /// A proof for `htm` at our `path`, changed by `tweak` (claims) first.
    fn proof_with(
        &self,
        app: &TestApp,
        htm: &str,
        path: &str,
        tweak: impl FnOnce(&mut Map<String, Value>),
    ) -> String {
        let mut c = Map::new();
        c.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
        c.insert("htm".into(), json!(htm));
        c.insert(
            "htu".into(),
            json!(format!("{}{path}", app.state.config.public_base())),
        );
        c.insert("iat".into(), json!(app.state.now().timestamp()));
        tweak(&mut c);
        self.sign(&c, &self.public)
    }

    fn proof(&self, app: &TestApp, htm: &str, path: &str) -> String {
        self.proof_with(app, htm, path, |_| {})
    }

    /// A proof over `token` for `/userinfo` (GET).
    fn over(&self, app: &TestApp, token: &str) -> String {
        let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
        self.proof_with(app, "GET", "/userinfo", |c| {
            c.insert("ath".into(), json!(ath));
        })
    }

    fn sign(&self, claims: &Map<String, Value>, jwk: &Map<String, Value>) -> String {
        let mut header = JwsHeader::new();
        header.set_token_type("dpop+jwt");
        header
            .set_claim("jwk", Some(Value::Object(jwk.clone())))
            .unwrap();
        let payload = JwtPayload::from_map(claims.clone()).unwrap();
        josekit::jwt::encode_with_signer(&payload, &header, &*self.signer).unwrap()
    }
}

/// A JWT with a hand-made header and signature (for algorithms we refuse).
fn hand_made(
    header: Value,
    claims: &Map<String, Value>,
    sign: impl Fn(&[u8]) -> Vec<u8>,
) -> String {
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let p = URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string());
    let input = format!("{h}.{p}");
    let sig = URL_SAFE_NO_PAD.encode(sign(input.as_bytes()));
    format!("{input}.{sig}")
}

/// The claims of a fresh, valid proof for `POST /token`.
fn token_claims(app: &TestApp) -> Map<String, Value> {
    let mut c = Map::new();
    c.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
    c.insert("htm".into(), json!("POST"));
    c.insert(
        "htu".into(),
        json!(format!("{}/token", app.state.config.public_base())),
    );
    c.insert("iat".into(), json!(app.state.now().timestamp()));
    c
}

/// POST a form as `rp` with these DPoP headers.
async fn post_dpop(
    app: &TestApp,
    rp: &RegisteredClient,
    path: &str,
    form: &[(&str, &str)],
    proofs: &[&str],
) -> Reply {
    let mut form = form.to_vec();
    let mut req = reqwest::Client::new().post(format!("{}{path}", app.base));
    match &rp.secret {
        Some(secret) => req = req.basic_auth(&rp.id, Some(secret)),
        None => form.push(("client_id", &rp.id)),
    }
    for p in proofs {
        req = req.header("DPoP", *p);
    }
    reply(req.form(&form).send().await.unwrap()).await
}

async fn reply(res: reqwest::Response) -> Reply {
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    Reply {
        status,
        headers,
        json: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// GET /userinfo with `Authorization: {scheme} {token}` and these proofs.
async fn userinfo_with(app: &TestApp, scheme: &str, token: &str, proofs: &[&str]) -> Reply {
    let mut req = reqwest::Client::new()
        .get(format!("{}/userinfo", app.base))
        .header("authorization", format!("{scheme} {token}"));
    for p in proofs {
        req = req.header("DPoP", *p);
    }
    reply(req.send().await.unwrap()).await
}

/// A client_credentials request with these proofs.
async fn client_token(app: &TestApp, rp: &RegisteredClient, proofs: &[&str]) -> Reply {
    post_dpop(
        app,
        rp,
        "/token",
        &[("grant_type", "client_credentials")],
        proofs,
    )
    .await
}

async fn machine(app: &TestApp) -> RegisteredClient {
    app.client("m2m")
        .grants(&["client_credentials"])
        .register()
        .await
}

/// Redeem a fresh code for `rp` (`scope`) with these proofs.
async fn code_tokens(
    app: &TestApp,
    rp: &RegisteredClient,
    who: &crate::oauth_support::SignedIn,
    scope: &str,
    proofs: &[&str],
) -> Reply {
    let (verifier, challenge) = new_pkce();
    let code = insert_code(app, who, &rp.id, scope, Some(&challenge)).await;
    post_dpop(
        app,
        rp,
        "/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
        proofs,
    )
    .await
}

async fn refresh_with(app: &TestApp, rp: &RegisteredClient, rt: &str, proofs: &[&str]) -> Reply {
    post_dpop(
        app,
        rp,
        "/token",
        &[("grant_type", "refresh_token"), ("refresh_token", rt)],
        proofs,
    )
    .await
}

fn refused(res: &Reply, status: StatusCode, error: &str) {
    assert_eq!(res.status, status, "{}", res.json);
    assert_eq!(res.error(), error, "{}", res.json);
}

/// §5, §6, §7, §6.2, §5.1: a bound token is issued with `cnf.jkt` and
/// `token_type: DPoP`; userinfo takes it only under the DPoP scheme with a
/// proof by the same key over it; introspection shows the binding.
async fn bound_tokens_at_userinfo_and_introspection(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = app.client("rp1").grants(CODE_AND_REFRESH).register().await;
    let who = sign_in(&app, "ada@example.com").await;
    let key = Key::new();
    let res = code_tokens(
        &app,
        &rp,
        &who,
        "openid email",
        &[&key.proof(&app, "POST", "/token")],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["token_type"], "DPoP");
    let at = res.str("access_token");
    assert_eq!(claims(&at)["cnf"]["jkt"], key.jkt());
    // No nonces required: none sent.
    assert_eq!(res.header("dpop-nonce"), "");

    // §7.1: the DPoP scheme with a proof over the token.
    let ok = userinfo_with(&app, "DPoP", &at, &[&key.over(&app, &at)]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    assert_eq!(ok.json["email"], "ada@example.com");

    // As a bearer token: refused, with a DPoP challenge.
    let bearer = userinfo_with(&app, "Bearer", &at, &[]).await;
    refused(&bearer, StatusCode::UNAUTHORIZED, "invalid_token");
    let challenge = bearer.header("www-authenticate");
    assert!(challenge.starts_with("DPoP "), "{challenge}");
    assert!(challenge.contains("algs=\"ES256"), "{challenge}");

    // Another key's proof.
    let other = Key::new();
    let wrong_key = userinfo_with(&app, "DPoP", &at, &[&other.over(&app, &at)]).await;
    refused(&wrong_key, StatusCode::UNAUTHORIZED, "invalid_token");

    // No ath, or the ath of another token.
    let no_ath = userinfo_with(&app, "DPoP", &at, &[&key.proof(&app, "GET", "/userinfo")]).await;
    refused(&no_ath, StatusCode::UNAUTHORIZED, "invalid_dpop_proof");
    assert!(
        no_ath
            .header("www-authenticate")
            .contains("error=\"invalid_dpop_proof\""),
        "{:?}",
        no_ath.headers
    );
    let wrong_ath = userinfo_with(&app, "DPoP", &at, &[&key.over(&app, "another token")]).await;
    refused(&wrong_ath, StatusCode::UNAUTHORIZED, "invalid_dpop_proof");
    // The DPoP scheme without a proof.
    let no_proof = userinfo_with(&app, "DPoP", &at, &[]).await;
    refused(&no_proof, StatusCode::UNAUTHORIZED, "invalid_dpop_proof");
    // A proof for another endpoint (htu) or method (htm).
    let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(at.as_bytes()));
    let elsewhere = key.proof_with(&app, "GET", "/token", |c| {
        c.insert("ath".into(), json!(ath));
    });
    let wrong_htu = userinfo_with(&app, "DPoP", &at, &[&elsewhere]).await;
    refused(&wrong_htu, StatusCode::UNAUTHORIZED, "invalid_dpop_proof");

    // A plain bearer token under the DPoP scheme.
    let plain = code_tokens(&app, &rp, &who, "openid email", &[]).await;
    assert_eq!(plain.json["token_type"], "Bearer");
    let plain_at = plain.str("access_token");
    assert!(claims(&plain_at).get("cnf").is_none());
    let as_dpop = userinfo_with(&app, "DPoP", &plain_at, &[&key.over(&app, &plain_at)]).await;
    refused(&as_dpop, StatusCode::UNAUTHORIZED, "invalid_token");
    let as_bearer = userinfo_with(&app, "Bearer", &plain_at, &[]).await;
    assert_eq!(as_bearer.status, StatusCode::OK, "{}", as_bearer.json);

    // §6.2: introspection tells the binding.
    let intro = post(
        &app,
        "/introspect",
        &[("token", &at)],
        Some((&rp.id, rp.secret.as_deref().unwrap())),
    )
    .await;
    assert_eq!(intro.json["active"], true, "{}", intro.json);
    assert_eq!(intro.json["token_type"], "DPoP");
    assert_eq!(intro.json["cnf"]["jkt"], key.jkt());
    let intro = post(
        &app,
        "/introspect",
        &[("token", &plain_at)],
        Some((&rp.id, rp.secret.as_deref().unwrap())),
    )
    .await;
    assert_eq!(intro.json["token_type"], "Bearer");
    assert!(intro.json.get("cnf").is_none());

    // §5.1: discovery.
    let doc: Value = reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["dpop_signing_alg_values_supported"],
        json!(["ES256", "PS256", "RS256", "EdDSA"])
    );
}

/// §4.3: every check on a proof, at the token endpoint (400
/// `invalid_dpop_proof`, no token).
async fn every_proof_check_refuses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = machine(&app).await;
    let key = Key::new();
    let now = app.state.now().timestamp();

    // The good one works and binds the client's token (any grant).
    let ok = client_token(&app, &rp, &[&key.proof(&app, "POST", "/token")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    assert_eq!(ok.json["token_type"], "DPoP");
    assert_eq!(claims(&ok.str("access_token"))["cnf"]["jkt"], key.jkt());
    // A query or fragment in htu is ignored (§4.3 check 9).
    let with_query = key.proof_with(&app, "POST", "/token?x=1#f", |_| {});
    let ok = client_token(&app, &rp, &[&with_query]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);

    let cases: Vec<(&str, String)> = vec![
        ("wrong htu", key.proof(&app, "POST", "/userinfo")),
        (
            "htu of another host",
            key.proof_with(&app, "POST", "/token", |c| {
                c.insert("htu".into(), json!("https://evil.example/token"));
            }),
        ),
        ("wrong htm", key.proof(&app, "GET", "/token")),
        (
            "stale iat",
            key.proof_with(&app, "POST", "/token", |c| {
                c.insert("iat".into(), json!(now - 120));
            }),
        ),
        (
            "future iat",
            key.proof_with(&app, "POST", "/token", |c| {
                c.insert("iat".into(), json!(now + 120));
            }),
        ),
        (
            "no jti",
            key.proof_with(&app, "POST", "/token", |c| {
                c.remove("jti");
            }),
        ),
        (
            "no iat",
            key.proof_with(&app, "POST", "/token", |c| {
                c.remove("iat");
            }),
        ),
        (
            "alg none",
            hand_made(
                json!({"typ": "dpop+jwt", "alg": "none", "jwk": key.public}),
                &token_claims(&app),
                |_| Vec::new(),
            ),
        ),
        (
            "HS256",
            hand_made(
                json!({"typ": "dpop+jwt", "alg": "HS256", "jwk": {"kty": "oct", "k": "c2VjcmV0"}}),
                &token_claims(&app),
                |input| ostiary::crypto::token::hmac_sha256(b"secret", input).to_vec(),
            ),
        ),
        (
            "private key in jwk",
            key.sign(&token_claims(&app), &key.private),
        ),
        (
            "another key's jwk",
            key.sign(&token_claims(&app), &Key::new().public),
        ),
        ("bad signature", {
            let good = key.proof(&app, "POST", "/token");
            let (rest, sig) = good.rsplit_once('.').unwrap();
            let mut bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
            bytes[10] ^= 1;
            format!("{rest}.{}", URL_SAFE_NO_PAD.encode(bytes))
        }),
        ("wrong typ", {
            let mut header = JwsHeader::new();
            header.set_token_type("JWT");
            header
                .set_claim("jwk", Some(Value::Object(key.public.clone())))
                .unwrap();
            let payload = JwtPayload::from_map(token_claims(&app)).unwrap();
            josekit::jwt::encode_with_signer(&payload, &header, &*key.signer).unwrap()
        }),
        ("not a JWT", "abc".to_owned()),
    ];
    for (what, proof) in &cases {
        let res = client_token(&app, &rp, &[proof]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{what}: {}", res.json);
        assert_eq!(res.error(), "invalid_dpop_proof", "{what}: {}", res.json);
    }
    // Two DPoP headers, even two good proofs.
    let two = client_token(
        &app,
        &rp,
        &[
            &key.proof(&app, "POST", "/token"),
            &key.proof(&app, "POST", "/token"),
        ],
    )
    .await;
    refused(&two, StatusCode::BAD_REQUEST, "invalid_dpop_proof");
}

/// §11.1: a proof is used once, on this instance and on any other
/// sharing the database.
async fn proofs_are_single_use_across_instances(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = machine(&app).await;
    let key = Key::new();
    let proof = key.proof(&app, "POST", "/token");
    let first = client_token(&app, &rp, &[&proof]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    let again = client_token(&app, &rp, &[&proof]).await;
    refused(&again, StatusCode::BAD_REQUEST, "invalid_dpop_proof");
    assert!(
        again.json["error_description"]
            .as_str()
            .unwrap()
            .contains("already used")
    );

    let second = app.second_instance().await;
    let fresh = key.proof(&app, "POST", "/token");
    let elsewhere = client_token(&second, &rp, &[&proof]).await;
    refused(&elsewhere, StatusCode::BAD_REQUEST, "invalid_dpop_proof");
    // The second instance takes a fresh proof; the first then refuses it.
    let there = client_token(&second, &rp, &[&fresh]).await;
    assert_eq!(there.status, StatusCode::OK, "{}", there.json);
    let back = client_token(&app, &rp, &[&fresh]).await;
    refused(&back, StatusCode::BAD_REQUEST, "invalid_dpop_proof");

    // The maintenance job forgets proofs once they are too old to accept.
    app.clock.advance(Duration::minutes(10));
    let purged = app
        .db_run({
            let now = app.state.now();
            move |conn| ostiary::jobs::maintenance::purge(conn, now)
        })
        .await;
    assert_eq!(purged.dpop_proofs, 2);
}

/// §8, §9: with nonces required, a proof without one (or with a stale
/// one) gets `use_dpop_nonce` and a `DPoP-Nonce` header; with it, tokens
/// and userinfo work, and every instance accepts every other's nonce.
async fn nonces_when_required(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.oidc.dpop_require_nonce = true).await;
    let rp = machine(&app).await;
    let key = Key::new();
    let res = client_token(&app, &rp, &[&key.proof(&app, "POST", "/token")]).await;
    refused(&res, StatusCode::BAD_REQUEST, "use_dpop_nonce");
    let nonce = res.header("dpop-nonce").to_owned();
    assert!(!nonce.is_empty(), "{:?}", res.headers);

    let with_nonce = |nonce: String| {
        move |c: &mut Map<String, Value>| {
            c.insert("nonce".into(), json!(nonce));
        }
    };
    let ok = client_token(
        &app,
        &rp,
        &[&key.proof_with(&app, "POST", "/token", with_nonce(nonce.clone()))],
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    assert_eq!(ok.json["token_type"], "DPoP");
    assert!(!ok.header("dpop-nonce").is_empty());
    // A made-up nonce.
    let made_up = client_token(
        &app,
        &rp,
        &[&key.proof_with(&app, "POST", "/token", with_nonce("xyz".into()))],
    )
    .await;
    refused(&made_up, StatusCode::BAD_REQUEST, "use_dpop_nonce");

    // Another instance accepts this one's nonce.
    let second = app
        .second_instance_with(|c| c.oidc.dpop_require_nonce = true)
        .await;
    let there = client_token(
        &second,
        &rp,
        &[&key.proof_with(&second, "POST", "/token", with_nonce(nonce.clone()))],
    )
    .await;
    assert_eq!(there.status, StatusCode::OK, "{}", there.json);

    // Userinfo: 401 with a DPoP challenge and the nonce.
    let web = app.client("rp1").grants(CODE_AND_REFRESH).register().await;
    let who = sign_in(&app, "ada@example.com").await;
    let tokens = code_tokens(
        &app,
        &web,
        &who,
        "openid email",
        &[&key.proof_with(&app, "POST", "/token", with_nonce(nonce.clone()))],
    )
    .await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
    let at = tokens.str("access_token");
    let missing = userinfo_with(&app, "DPoP", &at, &[&key.over(&app, &at)]).await;
    refused(&missing, StatusCode::UNAUTHORIZED, "use_dpop_nonce");
    assert!(
        missing
            .header("www-authenticate")
            .contains("DPoP algs=\"ES256 PS256 RS256 EdDSA\", error=\"use_dpop_nonce\""),
        "{:?}",
        missing.headers
    );
    let fresh = missing.header("dpop-nonce").to_owned();
    assert!(!fresh.is_empty());
    let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(at.as_bytes()));
    let good = key.proof_with(&app, "GET", "/userinfo", |c| {
        c.insert("ath".into(), json!(ath));
        c.insert("nonce".into(), json!(fresh));
    });
    let ok = userinfo_with(&app, "DPoP", &at, &[&good]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);

    // Stale: three windows later the nonce is refused.
    app.clock.advance(Duration::minutes(3));
    let stale = client_token(
        &app,
        &rp,
        &[&key.proof_with(&app, "POST", "/token", with_nonce(nonce))],
    )
    .await;
    refused(&stale, StatusCode::BAD_REQUEST, "use_dpop_nonce");
    assert!(!stale.header("dpop-nonce").is_empty());
}

/// §5: a public client's refresh token is bound to the key of the proof
/// it was issued with; a confidential client's is not, though the new
/// access token is bound to whatever proof comes with the refresh.
async fn public_refresh_tokens_are_bound(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let spa = app
        .client("spa")
        .public()
        .grants(CODE_AND_REFRESH)
        .register()
        .await;
    let who = sign_in(&app, "ada@example.com").await;
    let (key, other) = (Key::new(), Key::new());
    let scope = "openid email offline_access";
    let first = code_tokens(
        &app,
        &spa,
        &who,
        scope,
        &[&key.proof(&app, "POST", "/token")],
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    let rt = first.str("refresh_token");
    let wrong = refresh_with(&app, &spa, &rt, &[&other.proof(&app, "POST", "/token")]).await;
    refused(&wrong, StatusCode::BAD_REQUEST, "invalid_grant");
    let none = refresh_with(&app, &spa, &rt, &[]).await;
    refused(&none, StatusCode::BAD_REQUEST, "invalid_grant");
    // Not burnt by those: the key holder refreshes.
    let ok = refresh_with(&app, &spa, &rt, &[&key.proof(&app, "POST", "/token")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    assert_eq!(ok.json["token_type"], "DPoP");
    assert_eq!(claims(&ok.str("access_token"))["cnf"]["jkt"], key.jkt());
    // The rotated token stays bound.
    let next = ok.str("refresh_token");
    let wrong = refresh_with(&app, &spa, &next, &[&other.proof(&app, "POST", "/token")]).await;
    refused(&wrong, StatusCode::BAD_REQUEST, "invalid_grant");

    // Confidential: not bound.
    let rp = app.client("rp1").grants(CODE_AND_REFRESH).register().await;
    let first = code_tokens(
        &app,
        &rp,
        &who,
        scope,
        &[&key.proof(&app, "POST", "/token")],
    )
    .await;
    assert_eq!(first.json["token_type"], "DPoP", "{}", first.json);
    let plain = refresh_with(&app, &rp, &first.str("refresh_token"), &[]).await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.json);
    assert_eq!(plain.json["token_type"], "Bearer");
    let moved = refresh_with(
        &app,
        &rp,
        &plain.str("refresh_token"),
        &[&other.proof(&app, "POST", "/token")],
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
    assert_eq!(moved.json["token_type"], "DPoP");
    assert_eq!(
        claims(&moved.str("access_token"))["cnf"]["jkt"],
        other.jkt()
    );
}

/// A code from `/authorize` (standard parameters plus `extra`).
async fn code_for(
    app: &TestApp,
    b: &mut crate::helpers::Browser,
    rp: &RegisteredClient,
    extra: &[(&str, &str)],
) -> String {
    let p = redirected(app, &b.get(&url(&rp.id, extra)).await);
    get(&p, "code").unwrap().to_owned()
}

/// Redeem a code from [`code_for`] (its PKCE verifier) with these proofs.
async fn redeem_with(app: &TestApp, rp: &RegisteredClient, code: &str, proofs: &[&str]) -> Reply {
    let (verifier, _) = pkce();
    post_dpop(
        app,
        rp,
        "/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
        proofs,
    )
    .await
}

/// §10: `dpop_jkt` at `/authorize` binds the code to a key; §10.1: a
/// proof at `/par` does the same, and a `dpop_jkt` there must agree with it.
async fn dpop_jkt_at_authorize_and_par(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = app
        .client("rp1")
        .grants(CODE_AND_REFRESH)
        .skip_consent()
        .register()
        .await;
    let mut b = sign_in(&app, "ada@example.com").await.browser;
    let (key, other) = (Key::new(), Key::new());
    let jkt = key.jkt();
    // A malformed dpop_jkt is refused at /authorize.
    let p = redirected(&app, &b.get(&url(&rp.id, &[("dpop_jkt", "short")])).await);
    assert_eq!(get(&p, "error"), Some("invalid_request"));

    let bound = [("dpop_jkt", jkt.as_str())];
    let code = code_for(&app, &mut b, &rp, &bound).await;
    let res = redeem_with(&app, &rp, &code, &[&other.proof(&app, "POST", "/token")]).await;
    refused(&res, StatusCode::BAD_REQUEST, "invalid_grant");
    let code = code_for(&app, &mut b, &rp, &bound).await;
    let res = redeem_with(&app, &rp, &code, &[]).await;
    refused(&res, StatusCode::BAD_REQUEST, "invalid_grant");
    let code = code_for(&app, &mut b, &rp, &bound).await;
    let res = redeem_with(&app, &rp, &code, &[&key.proof(&app, "POST", "/token")]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["token_type"], "DPoP");

    // PAR with a DPoP header: the code is bound to that key.
    let (_, challenge) = pkce();
    let par_form = [
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid email"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let pushed = post_dpop(
        &app,
        &rp,
        "/par",
        &par_form,
        &[&key.proof(&app, "POST", "/par")],
    )
    .await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.json);
    let by_ref = |uri: &str| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("client_id", &rp.id);
        s.append_pair("request_uri", uri);
        format!("/authorize?{}", s.finish())
    };
    let p = redirected(&app, &b.get(&by_ref(&pushed.str("request_uri"))).await);
    let code = get(&p, "code").unwrap().to_owned();
    let res = redeem_with(&app, &rp, &code, &[&other.proof(&app, "POST", "/token")]).await;
    refused(&res, StatusCode::BAD_REQUEST, "invalid_grant");
    let pushed = post_dpop(
        &app,
        &rp,
        "/par",
        &par_form,
        &[&key.proof(&app, "POST", "/par")],
    )
    .await;
    let p = redirected(&app, &b.get(&by_ref(&pushed.str("request_uri"))).await);
    let code = get(&p, "code").unwrap().to_owned();
    let res = redeem_with(&app, &rp, &code, &[&key.proof(&app, "POST", "/token")]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    // A dpop_jkt that is not the proof's key; a proof for /token at /par.
    let mut mismatched = par_form.to_vec();
    let other_jkt = other.jkt();
    mismatched.push(("dpop_jkt", &other_jkt));
    let res = post_dpop(
        &app,
        &rp,
        "/par",
        &mismatched,
        &[&key.proof(&app, "POST", "/par")],
    )
    .await;
    refused(&res, StatusCode::BAD_REQUEST, "invalid_dpop_proof");
    let res = post_dpop(
        &app,
        &rp,
        "/par",
        &par_form,
        &[&key.proof(&app, "POST", "/token")],
    )
    .await;
    refused(&res, StatusCode::BAD_REQUEST, "invalid_dpop_proof");
}

/// §5.2 `dpop_bound_access_tokens`: such a client's token requests
/// without a proof are refused, for every grant.
async fn dpop_bound_clients_refuse_bearer_requests(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = app
        .client("bound")
        .grants(&["authorization_code", "refresh_token", "client_credentials"])
        .dpop_bound()
        .register()
        .await;
    let key = Key::new();
    let plain = client_token(&app, &rp, &[]).await;
    refused(&plain, StatusCode::BAD_REQUEST, "invalid_dpop_proof");
    let ok = client_token(&app, &rp, &[&key.proof(&app, "POST", "/token")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    assert_eq!(ok.json["token_type"], "DPoP");

    let who = sign_in(&app, "ada@example.com").await;
    let plain = code_tokens(&app, &rp, &who, "openid offline_access", &[]).await;
    refused(&plain, StatusCode::BAD_REQUEST, "invalid_dpop_proof");
    let ok = code_tokens(
        &app,
        &rp,
        &who,
        "openid offline_access",
        &[&key.proof(&app, "POST", "/token")],
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    let rt = ok.str("refresh_token");
    let plain = refresh_with(&app, &rp, &rt, &[]).await;
    refused(&plain, StatusCode::BAD_REQUEST, "invalid_dpop_proof");
    let ok = refresh_with(&app, &rp, &rt, &[&key.proof(&app, "POST", "/token")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
}
