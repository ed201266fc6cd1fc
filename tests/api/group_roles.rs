//! Upstream groups → organization roles (S7, SR-133) against a real
//! OpenLDAP `slapd` (`ldap_support`), through the login page like a
//! browser: a provider's rules (an allow-list) grant memberships at
//! sign-in, follow the directory's groups at the next sign-in (a loss ends
//! the person's sessions and refresh tokens), never touch a membership a
//! person granted, and the `groups` scope carries the directory's group
//! names. The rules are checked the same way in the admin API and the CLI
//! (organization within the caller's reach, a real role, never superuser).

use std::process::{Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::admin_providers::{key, org};

use crate::cli::{ostiary, succeeds, text};
use crate::helpers::{Backend, Browser, TestApp, TestDatabase};
use crate::ldap_support::{
    GROUPS, PEOPLE_LIST, SERVICE_PASSWORD, SUFFIX, Slapd, ldap_provider, person_dn, post_login,
    slapd_peer, spawn, starttls_spec,
};
use crate::oauth_support::{claims, get, pkce, redeem, redirected, refresh, url, userinfo};

crate::on_all_backends!(
    group_rules_grant_and_take_back_roles_at_sign_in,
    group_rules_in_the_admin_api_are_checked,
    group_rules_in_the_cli_are_checked,
);

/// A JSON request with a bearer key; expects `status`, returns the answer.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
    status: StatusCode,
) -> Value {
    let mut req = reqwest::Client::new()
        .request(method.clone(), format!("{}/api/v1{path}", app.base))
        .bearer_auth(key);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let got = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(got, status, "{method} {path}: {text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }
}

/// The members of organization `org_id` as (email, role), by email.
async fn members(app: &TestApp, key: &str, org_id: &str) -> Vec<(String, String)> {
    let list = call(
        app,
        Method::GET,
        &format!("/organizations/{org_id}/members"),
        key,
        None,
        StatusCode::OK,
    )
    .await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Replace the members of the directory group `cn` (as the directory's
/// administrator, like an operator would).
fn set_group_members(slapd: &Slapd, cn: &str, members: &[&str]) {
    let mut ldif = format!("dn: cn={cn},{GROUPS}\nchangetype: modify\nreplace: member\n");
    for m in members {
        ldif.push_str(&format!("member: {m}\n"));
    }
    let mut child = Command::new("ldapmodify")
        .args([
            "-x",
            "-H",
            &slapd.ldap_url,
            "-D",
            &format!("cn=admin,{SUFFIX}"),
            "-w",
            "admin-root-pw",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ldapmodify (ldap-utils) is needed with slapd");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ldif.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "ldapmodify: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Sign in on the login page with the directory password; a new browser.
async fn sign_in(app: &TestApp, person: usize) -> Browser {
    let (_, mail, _, pw) = PEOPLE_LIST[person];
    let mut b = app.browser();
    let done = post_login(&mut b, mail, pw).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{mail}: {}", done.body);
    b
}

/// An authorization for the client `rp` in browser `b` with `scope`,
/// redeemed: the token response.
async fn tokens(
    app: &TestApp,
    b: &mut Browser,
    rp: &crate::helpers::RegisteredClient,
    scope: &str,
) -> Value {
    let p = redirected(app, &b.get(&url(&rp.id, &[("scope", scope)])).await);
    let code = get(&p, "code").unwrap().to_owned();
    let res = redeem(app, rp, &code, Some(&pkce().0)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn group_rules_grant_and_take_back_roles_at_sign_in(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |_| {}).await;
    let admin = key(&app, &["providers:write", "organizations:write"], None).await;
    let acme = org(&app, "Acme").await;
    let eng = org(&app, "Eng").await;
    let other = org(&app, "Other").await;
    let provider = ldap_provider(&app, starttls_spec(&slapd), Some(SERVICE_PASSWORD)).await;
    // The rules through the admin API, by organization name. `ghosts` has
    // nobody; `sales` has carol but no rule.
    let rules = json!([
        {"group": "admins", "organization": "Acme", "role": "admin"},
        {"group": "engineers", "organization": "Eng", "role": "member"},
        {"group": "engineers", "organization": "Acme", "role": "member"},
        {"group": "ghosts", "organization": "Other", "role": "owner"},
    ]);
    let shown = call(
        &app,
        Method::PATCH,
        &format!("/providers/{}", provider.id),
        &admin,
        Some(json!({ "group_roles": rules })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown["group_roles"][0]["organization"], "Acme");
    assert_eq!(shown["group_roles"][0]["organization_id"], acme.as_str());
    assert_eq!(shown["group_roles"].as_array().unwrap().len(), 4);

    // SR-133: alice (admins, engineers) becomes admin of Acme — the
    // strongest of her rules there — and member of Eng, at sign-in.
    let mut alice = sign_in(&app, 0).await;
    let alice_id = app.session_of(&alice).await.user_id.to_string();
    assert_eq!(
        members(&app, &admin, &acme).await,
        [("alice@example.com".to_owned(), "admin".to_owned())]
    );
    assert_eq!(
        members(&app, &admin, &eng).await,
        [("alice@example.com".to_owned(), "member".to_owned())]
    );
    // Audited as alice via the provider, naming the rule.
    let added = app.audit_rows("membership.added").await;
    let to_acme = added
        .iter()
        .find(|r| r.organization_id.as_deref() == Some(acme.as_str()))
        .expect("membership.added for Acme");
    assert_eq!(to_acme.actor_id.as_deref(), Some(alice_id.as_str()));
    assert_eq!(to_acme.target_id.as_deref(), Some(alice_id.as_str()));
    let details: Value = serde_json::from_str(&to_acme.details).unwrap();
    assert_eq!(details["provider"], provider.id.as_str());
    assert_eq!(details["group"], "admins");
    assert_eq!(
        (details["from"].clone(), details["to"].clone()),
        (Value::Null, json!("admin"))
    );

    // The `groups` scope carries the directory's group names (and the
    // organizations), in the ID token and at userinfo; not without it.
    let rp = app
        .client("rp")
        .grants(&["authorization_code", "refresh_token"])
        .skip_consent()
        .register()
        .await;
    let with = tokens(&app, &mut alice, &rp, "openid groups offline_access").await;
    let id_token = claims(with["id_token"].as_str().unwrap());
    assert_eq!(
        strings(&id_token["groups"]),
        ["Acme", "Eng", "admins", "engineers"]
    );
    assert_eq!(strings(&id_token["roles"]), ["Acme:admin", "Eng:member"]);
    let info = userinfo(&app, with["access_token"].as_str().unwrap()).await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.json);
    assert_eq!(
        strings(&info.json["groups"]),
        ["Acme", "Eng", "admins", "engineers"]
    );
    let rt = with["refresh_token"].as_str().unwrap().to_owned();
    let without = tokens(&app, &mut alice, &rp, "openid email").await;
    let plain = claims(without["id_token"].as_str().unwrap());
    assert!(plain.get("groups").is_none(), "{plain}");
    let info = userinfo(&app, without["access_token"].as_str().unwrap()).await;
    assert!(info.json.get("groups").is_none(), "{}", info.json);

    // Allow-list: carol (sales: no rule) and dave (no group) get nothing;
    // the rule for `ghosts` grants nobody anything.
    sign_in(&app, 2).await;
    sign_in(&app, 3).await;
    assert!(members(&app, &admin, &other).await.is_empty());
    assert_eq!(members(&app, &admin, &acme).await.len(), 1);
    assert_eq!(members(&app, &admin, &eng).await.len(), 1);

    // bob (engineers) gets Eng and Acme as a member by the rules; then a
    // person makes him an auditor of Eng and admin of Other: those are
    // the person's now.
    let bob_b = sign_in(&app, 1).await;
    let bob_id = app.session_of(&bob_b).await.user_id.to_string();
    assert!(
        members(&app, &admin, &eng)
            .await
            .contains(&("bob@example.com".into(), "member".into()))
    );
    for (org_id, role) in [(&eng, "auditor"), (&other, "admin")] {
        call(
            &app,
            Method::PUT,
            &format!("/organizations/{org_id}/members/{bob_id}"),
            &admin,
            Some(json!({ "role": role })),
            StatusCode::OK,
        )
        .await;
    }

    // The directory takes alice out of admins and bob out of engineers.
    set_group_members(&slapd, "admins", &[&format!("cn=placeholder,{SUFFIX}")]);
    set_group_members(&slapd, "engineers", &[&person_dn("alice")]);

    // bob's next sign-in: the rule's Acme membership goes; the ones a
    // person granted stay as they are.
    let mut bob_again = sign_in(&app, 1).await;
    assert!(
        !members(&app, &admin, &acme)
            .await
            .iter()
            .any(|(e, _)| e == "bob@example.com")
    );
    assert!(
        members(&app, &admin, &eng)
            .await
            .contains(&("bob@example.com".into(), "auditor".into()))
    );
    assert_eq!(
        members(&app, &admin, &other).await,
        [("bob@example.com".to_owned(), "admin".to_owned())]
    );
    assert!(bob_again.is_signed_in().await);

    // alice's next sign-in: admin of Acme lowered to member (engineers
    // still grants that). SR-133: her session from before and its refresh
    // token no longer work; the new session does.
    let old_cookie = alice.session_cookie().unwrap().clone();
    let mut fresh = sign_in(&app, 0).await;
    assert!(fresh.is_signed_in().await);
    assert!(
        members(&app, &admin, &acme)
            .await
            .contains(&("alice@example.com".into(), "member".into()))
    );
    let mut old = app.browser_with_session(&old_cookie);
    assert!(
        !old.is_signed_in().await,
        "the session from before still works"
    );
    assert!(!alice.is_signed_in().await);
    let refused = refresh(&app, &rp, &rt, None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.json);
    assert_eq!(refused.json["error"], "invalid_grant");
    let changed = app.audit_rows("membership.changed").await;
    let lowered = changed
        .iter()
        .find(|r| r.target_id.as_deref() == Some(alice_id.as_str()))
        .expect("membership.changed for alice");
    let details: Value = serde_json::from_str(&lowered.details).unwrap();
    assert_eq!(
        (details["from"].clone(), details["to"].clone()),
        (json!("admin"), json!("member"))
    );
    assert!(
        app.audit_rows("session.revoke_all")
            .await
            .iter()
            .any(|r| r.target_id.as_deref() == Some(alice_id.as_str())
                && r.details.contains("group_roles"))
    );

    // Out of engineers too: every membership the rules granted her goes
    // at the next sign-in, and new tokens name no groups.
    set_group_members(&slapd, "engineers", &[&person_dn("carol")]);
    let mut last = sign_in(&app, 0).await;
    for org_id in [&acme, &eng] {
        assert!(
            !members(&app, &admin, org_id)
                .await
                .iter()
                .any(|(e, _)| e == "alice@example.com")
        );
    }
    let removed = app.audit_rows("membership.removed").await;
    assert!(
        removed
            .iter()
            .any(|r| r.target_id.as_deref() == Some(alice_id.as_str())),
        "membership.removed for alice"
    );
    assert!(!fresh.is_signed_in().await);
    let after = tokens(&app, &mut last, &rp, "openid groups").await;
    let id_token = claims(after["id_token"].as_str().unwrap());
    assert!(strings(&id_token["groups"]).is_empty(), "{id_token}");
}

async fn group_rules_in_the_admin_api_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let acme = org(&app, "Acme").await;
    org(&app, "Globex").await;
    let global = key(&app, &["providers:write"], None).await;
    let scoped = key(&app, &["providers:write"], Some("Acme")).await;
    let provider = |rules: Value| {
        json!({
            "kind": "oidc",
            "name": "Corp",
            "issuer": "https://corp.idp.example.com",
            "client_id": "ostiary",
            "client_secret": "upstream-client-secret-0123456789",
            "group_roles": rules,
        })
    };
    let refused = |problem: &Value| {
        (
            problem["errors"][0]["field"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            problem["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    // An organization's key maps only into its organization, and grants
    // no owner (SR-100).
    for (rules, why) in [
        (
            json!([{"group": "g", "organization": "Globex", "role": "admin"}]),
            "organization you do not administer",
        ),
        (
            json!([{"group": "g", "organization": "Nowhere", "role": "admin"}]),
            "organization you do not administer",
        ),
        (
            json!([{"group": "g", "organization": "Acme", "role": "owner"}]),
            "global reach grants owner",
        ),
    ] {
        let problem = call(
            &app,
            Method::POST,
            "/providers",
            &scoped,
            Some(provider(rules)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        let (field, message) = refused(&problem);
        assert_eq!(field, "group_roles", "{problem}");
        assert!(message.contains(why), "{message}");
        assert!(!message.contains("--"), "{message}");
    }
    // Unknown organization or role, superuser, duplicates, bad groups: 422
    // naming group_roles, for any caller; nothing is written.
    for (rules, why) in [
        (
            json!([{"group": "g", "organization": "Nowhere", "role": "admin"}]),
            "no existing organization",
        ),
        (
            json!([{"group": "g", "organization": "Acme", "role": "boss"}]),
            "names no role",
        ),
        (
            json!([{"group": "g", "organization": "Acme", "role": "superuser"}]),
            "superuser is not an organization role",
        ),
        (
            json!([
                {"group": "g", "organization": "Acme", "role": "admin"},
                {"group": "g", "organization": "Acme", "role": "member"}
            ]),
            "#2",
        ),
        (
            json!([{"group": "", "organization": "Acme", "role": "admin"}]),
            "the group must be",
        ),
        (
            json!([{"group": "g".repeat(257), "organization": "Acme", "role": "admin"}]),
            "the group must be",
        ),
    ] {
        let problem = call(
            &app,
            Method::POST,
            "/providers",
            &global,
            Some(provider(rules)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        let (field, message) = refused(&problem);
        assert_eq!(field, "group_roles", "{problem}");
        assert!(message.contains(why), "{message}");
    }
    let many: Vec<Value> = (0..101)
        .map(|i| json!({"group": format!("g{i}"), "organization": "Acme", "role": "member"}))
        .collect();
    let problem = call(
        &app,
        Method::POST,
        "/providers",
        &global,
        Some(provider(json!(many))),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(refused(&problem).0, "group_roles");
    let listed = call(
        &app,
        Method::GET,
        "/providers",
        &global,
        None,
        StatusCode::OK,
    )
    .await;
    assert!(listed["items"].as_array().unwrap().is_empty(), "{listed}");

    // The organization's key maps into its own organization.
    let mine = call(
        &app,
        Method::POST,
        "/providers",
        &scoped,
        Some(provider(
            json!([{"group": "ops", "organization": "Acme", "role": "admin"}]),
        )),
        StatusCode::CREATED,
    )
    .await;
    let id = mine["id"].as_str().unwrap().to_owned();
    assert_eq!(
        mine["group_roles"],
        json!([{"group": "ops", "organization": "Acme", "organization_id": acme, "role": "admin"}])
    );
    assert!(mine["settings"].get("group_roles").is_none(), "{mine}");
    // A global caller adds a rule into another organization; the
    // organization's key may keep it but neither drop nor change it.
    let both = json!([
        {"group": "ops", "organization": "Acme", "role": "admin"},
        {"group": "ops", "organization": "Globex", "role": "member"}
    ]);
    call(
        &app,
        Method::PATCH,
        &format!("/providers/{id}"),
        &global,
        Some(json!({"group_roles": both})),
        StatusCode::OK,
    )
    .await;
    call(
        &app,
        Method::PATCH,
        &format!("/providers/{id}"),
        &scoped,
        Some(json!({"name": "Corp SSO"})),
        StatusCode::OK,
    )
    .await;
    let problem = call(
        &app,
        Method::PATCH,
        &format!("/providers/{id}"),
        &scoped,
        Some(json!({"group_roles": [{"group": "ops", "organization": "Acme", "role": "member"}]})),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(refused(&problem).0, "group_roles");
    // `[]` clears (global).
    let cleared = call(
        &app,
        Method::PATCH,
        &format!("/providers/{id}"),
        &global,
        Some(json!({"group_roles": []})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(cleared["group_roles"], json!([]));
    assert!(app.audited("provider.updated").await);
}

async fn group_rules_in_the_cli_are_checked(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    let out = ostiary(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "ops@acme.test",
            "--org",
            "Acme",
            "--password-stdin",
        ],
        &env,
        Some("a long enough password 1\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let base = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "provider",
            "create",
            "--kind",
            "oidc",
            "--name",
            "Corp",
            "--issuer",
            "https://corp.idp.example.com",
            "--client-id",
            "o",
            "--token-endpoint-auth-method",
            "private_key_jwt",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    let refused = |extra: &[&str]| {
        let args = base(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ostiary(dir.path(), &args, &env, None);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{extra:?}: {}",
            text(&out.stderr)
        );
        text(&out.stderr)
    };
    for (rule, why) in [
        (
            "admins",
            "--group-role #1 (admins): is not GROUP=ORGANIZATION:ROLE",
        ),
        (
            "admins=Nowhere:admin",
            "--group-role #1 (admins=Nowhere:admin): names no existing organization",
        ),
        (
            "admins=Acme:boss",
            "--group-role #1 (admins=Acme:boss): names no role",
        ),
        (
            "admins=Acme:superuser",
            "superuser is not an organization role",
        ),
    ] {
        let err = refused(&["--group-role", rule]);
        assert!(err.contains(why), "{rule}: {err}");
    }
    let err = refused(&[
        "--group-role",
        "a=Acme:admin",
        "--group-role",
        "a=Acme:member",
    ]);
    assert!(
        err.contains("--group-role #2 (a=Acme:member): repeats"),
        "{err}"
    );

    let args = base(&[
        "--group-role",
        "cn=Ops,ou=g=Acme:admin",
        "--group-role",
        "staff=Acme:member",
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let made = succeeds(dir.path(), &args, &env);
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(made["group_roles"][0]["group"], "cn=Ops,ou=g");
    assert_eq!(made["group_roles"][0]["organization"], "Acme");
    assert_eq!(made["group_roles"][1]["role"], "member");
    // Given flags replace the list; --clear-group-roles empties it.
    let one = succeeds(
        dir.path(),
        &[
            "provider",
            "update",
            &id,
            "--group-role",
            "ops=Acme:auditor",
        ],
        &env,
    );
    assert_eq!(
        one["group_roles"],
        json!([{"group": "ops", "organization": "Acme", "organization_id": made["group_roles"][0]["organization_id"], "role": "auditor"}])
    );
    let kept = succeeds(
        dir.path(),
        &["provider", "update", &id, "--name", "Corp 2"],
        &env,
    );
    assert_eq!(kept["group_roles"].as_array().unwrap().len(), 1);
    let none = succeeds(
        dir.path(),
        &["provider", "update", &id, "--clear-group-roles"],
        &env,
    );
    assert_eq!(none["group_roles"], json!([]));
}

/// The rules on a provider's console page in Chromium (en-desktop/light,
/// de-phone/dark), with a refused line and the saved list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_rules_in_the_console_in_chromium() {
    use crate::console_support::{in_chromium, superuser};
    if !crate::helpers::browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser_with(Backend::Sqlite, |c| {
        c.oidc.allow_private_targets = true;
    })
    .await;
    // Not in the directory's claimed domain (example.com).
    let admin = superuser(&app, "root@ops.test").await;
    org(&app, "Acme").await;
    let ldap = ostiary::federation::ldap::settings::LdapSpec {
        url: Some("ldaps://ldap.example.com".into()),
        bind_dn: Some("cn=svc,dc=example,dc=com".into()),
        user_base_dn: Some("ou=people,dc=example,dc=com".into()),
        ..Default::default()
    };
    let provider = ldap_provider(&app, ldap, Some(SERVICE_PASSWORD)).await;
    let seen = in_chromium(
        &app,
        "console_group_roles.mjs",
        &admin,
        json!({ "providerId": provider.id }),
    )
    .await;
    assert_eq!(
        seen["saved"],
        json!([
            "admins = Acme:admin\nstaff-en-desktop = Acme:member",
            "admins = Acme:admin\nstaff-de-phone = Acme:member"
        ]),
        "{seen}"
    );
    let shown = ostiary::federation::registry::show(
        &app.state,
        &ostiary::federation::registry::Reach::global(),
        &provider.id,
        false,
    )
    .await
    .unwrap();
    assert_eq!(shown.group_roles.len(), 2);
    assert_eq!(shown.group_roles[1].group, "staff-de-phone");
    assert!(app.audited("provider.updated").await);
}
