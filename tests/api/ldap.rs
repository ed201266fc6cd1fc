//! LDAP / Active Directory sign-in (S7, SR-84, SR-130…SR-133) against a real
//! OpenLDAP `slapd` the tests start (`ldap_support`): an address of the
//! claimed domain is asked for its directory password on our login page,
//! which is checked at the directory (StartTLS or LDAPS, verified against
//! the test CA; search-then-bind or direct bind), throttled like a local
//! password before any bind, and resolved through provisioning
//! (`amr: ["pwd"]`). Injection strings and unusable passwords never bind.

use reqwest::StatusCode;

use ostiary::federation::Kind;
use ostiary::federation::ldap::client::{Directory, DirectoryError};
use ostiary::federation::ldap::settings::{LdapSpec, validate};
use ostiary::federation::registry::{self, Reach};
use ostiary::federation::spec::ProviderSpec;

use crate::helpers::{Backend, TestApp};
use crate::ldap_support::{
    AD_PEOPLE, ERIN_GUID_TEXT, GINA, GINA_MAX_FAILURES, PEOPLE, PEOPLE_LIST, SERVICE_DN,
    SERVICE_PASSWORD, SUFFIX, Slapd, ldap_provider, login_page, person_dn, post_login, slapd_peer,
    spawn, starttls_spec,
};

crate::on_all_backends!(
    ldap_sign_in_through_the_login_page,
    ldap_refuses_injection_and_unusable_passwords_without_binding,
    ldap_throttle_applies_before_any_bind,
    ldap_direct_bind_over_ldaps_and_directory_down,
    ldap_active_directory_code_path,
);

async fn ldap_sign_in_through_the_login_page(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |_| {}).await;
    let provider = ldap_provider(&app, starttls_spec(&slapd), Some(SERVICE_PASSWORD)).await;
    assert_eq!(provider.kind, Kind::Ldap);
    assert!(provider.has_secret);
    let shown = serde_json::to_value(&provider).unwrap();
    assert!(!shown.to_string().contains(SERVICE_PASSWORD), "{shown}");
    assert_eq!(shown["settings"]["ldap"]["starttls"], true);
    assert!(app.audited("provider.created").await);

    // Identifier-first: the address alone asks for the directory password
    // on our page (no redirect anywhere).
    let (alice_uid, alice_mail, alice_name, alice_pw) = PEOPLE_LIST[0];
    let mut b = app.browser();
    let asked = post_login(&mut b, alice_mail, "").await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("directory password"), "{}", asked.body);
    assert!(b.session_cookie().is_none());

    // A wrong directory password: the one failure message, no session.
    let wrong = post_login(&mut b, alice_mail, "not-her-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.body);
    assert!(
        wrong.body.contains("Incorrect email or password"),
        "{}",
        wrong.body
    );
    assert!(b.session_cookie().is_none());
    assert_eq!(slapd.binds_as(&person_dn(alice_uid)), 1);

    // The right one: signed in, created just in time, amr pwd.
    let done = post_login(&mut b, alice_mail, alice_pw).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account");
    assert!(b.is_signed_in().await);
    let session = app.session_of(&b).await;
    assert_eq!(session.amr.to_vec(), ["pwd"]);
    assert!(app.audited("user.provisioned").await);
    let user_id = session.user_id.clone();
    let identities = app
        .db_run(move |conn| ostiary::store::identities::of_user(conn, &user_id))
        .await;
    assert_eq!(identities.len(), 1);
    assert_eq!(identities[0].0.provider_id, provider.id);
    // The subject is the entry's entryUUID, never the address.
    assert_eq!(
        identities[0].0.subject.len(),
        36,
        "{}",
        identities[0].0.subject
    );
    assert!(!identities[0].0.subject.contains('@'));

    // Again in a new browser: the same user (found by its identity).
    let mut again = app.browser();
    let second = post_login(&mut again, alice_mail, alice_pw).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(app.session_of(&again).await.user_id, session.user_id);
    let account = again.get("/account").await;
    assert!(account.body.contains(alice_name), "{}", account.body);

    // The service connection is pooled: further sign-ins reuse it (no new
    // connection, no new service bind before the search).
    let (connections, service_binds) = (slapd.connections(), slapd.binds_as(SERVICE_DN));
    for _ in 0..2 {
        let mut next = app.browser();
        let ok = post_login(&mut next, alice_mail, alice_pw).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    }
    assert_eq!(
        slapd.connections(),
        connections,
        "a pooled connection was not reused"
    );
    // One service bind each: back to the service account after the
    // person's bind, for the group search.
    assert_eq!(slapd.binds_as(SERVICE_DN), service_binds + 2);

    // Asking for an emailed code with a directory address leads back to
    // the sign-in page for the directory password (no code is sent).
    let mut coded = app.browser();
    let form = coded.get("/login/email?return_to=%2Faccount").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let back = coded
        .post_from(
            &form,
            "/login/email",
            &[("email", alice_mail), ("return_to", "/account")],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert!(
        back.location()
            .starts_with("/login?login_hint=alice%40example.com"),
        "{}",
        back.location()
    );
    assert!(coded.session_cookie().is_none());

    // Three entries answer the filter: refused as a failed sign-in
    // (SR-131: exactly one result), not as a directory failure.
    let mut twin = app.browser();
    let ambiguous = post_login(&mut twin, "twin@example.com", "twin-pw").await;
    assert_eq!(
        ambiguous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        ambiguous.body
    );
    assert_eq!(slapd.binds_as(&person_dn("twin1")), 0);
    assert_eq!(slapd.binds_as(&person_dn("twin2")), 0);

    // Groups: found under --group-base-dn (groupOfNames members).
    let directory = ostiary::federation::ldap::sign_in::directory(&app.state, &provider.id)
        .await
        .unwrap();
    let person = directory.authenticate(alice_mail, alice_pw).await.unwrap();
    assert_eq!(person.groups, ["admins", "engineers"]);
    assert_eq!(person.email.as_deref(), Some(alice_mail));
    assert_eq!(person.name.as_deref(), Some(alice_name));
    let (_, carol_mail, _, carol_pw) = PEOPLE_LIST[2];
    let carol = directory.authenticate(carol_mail, carol_pw).await.unwrap();
    assert_eq!(carol.groups, ["sales"]);

    // MFA applies as after a local password: a rule requiring it for LDAP
    // sign-ins sends the person to enrol a factor first, no session yet.
    let now = app.state.now();
    app.db_run(move |c| {
        ostiary::auth::mfa::admin::set(
            c,
            &ostiary::audit::Actor::system("test"),
            None,
            ostiary::auth::mfa::policy::Scope::Upstream,
            Some("ldap"),
            "required",
            now,
        )
    })
    .await
    .unwrap();
    let mut mfa = app.browser();
    let enrol = post_login(&mut mfa, alice_mail, alice_pw).await;
    assert_eq!(enrol.status, StatusCode::SEE_OTHER, "{}", enrol.body);
    assert!(
        enrol.location().starts_with("/login/mfa/enroll?"),
        "{}",
        enrol.location()
    );
    assert!(!mfa.is_signed_in().await);
}

/// SR-130, SR-131: what the person types can neither widen the search nor
/// bind without a password.
async fn ldap_refuses_injection_and_unusable_passwords_without_binding(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |c| {
        c.throttle.account_delay_after = 100;
        c.throttle.account_lock_after = 100;
        c.throttle.ip_lock_after = 1000;
    })
    .await;
    let provider = ldap_provider(&app, starttls_spec(&slapd), Some(SERVICE_PASSWORD)).await;
    let (bob_uid, bob_mail, _, bob_pw) = PEOPLE_LIST[1];
    let mut b = app.browser();

    // SR-130: blank passwords are refused before any bind (an empty simple
    // bind would be an unauthenticated bind that servers accept).
    let before = slapd.binds();
    for blank in [" ", "   ", "\t"] {
        let page = post_login(&mut b, bob_mail, blank).await;
        assert_eq!(
            page.status,
            StatusCode::UNAUTHORIZED,
            "{blank:?}: {}",
            page.body
        );
        assert!(b.session_cookie().is_none());
    }
    assert_eq!(
        slapd.binds(),
        before,
        "a blank password reached the directory"
    );
    // Also when asked directly: empty, blank and NUL never bind.
    let directory = ostiary::federation::ldap::sign_in::directory(&app.state, &provider.id)
        .await
        .unwrap();
    for bad in ["", "  ", "\0", "bob\0-directory-pw"] {
        assert!(matches!(
            directory.authenticate(bob_mail, bad).await,
            Err(DirectoryError::Refused)
        ));
    }
    assert_eq!(
        slapd.binds(),
        before,
        "an unusable password reached the directory"
    );

    // SR-131: filter metacharacters are escaped (RFC 4515): with the right
    // password of bob, none of these finds bob (or anyone).
    for typed in [
        "*@example.com",
        "b*b@example.com",
        "*)(uid=*@example.com",
        "bob@example.com)(|(uid=*",
        "*)(mail=bob@example.com",
        "x)(objectClass=*)(mail=bob@example.com",
        "admin)(|(uid=*@example.com",
        "bob\\00@example.com",
        ")(@example.com",
    ] {
        let page = post_login(&mut b, typed, bob_pw).await;
        assert_eq!(
            page.status,
            StatusCode::UNAUTHORIZED,
            "{typed}: {}",
            page.body
        );
        assert!(b.session_cookie().is_none(), "{typed}");
        assert!(matches!(
            directory.authenticate(typed, bob_pw).await,
            Err(DirectoryError::BadCredentials(_))
        ));
    }
    assert_eq!(slapd.binds_as(&person_dn(bob_uid)), 0);
    // A NUL in the name is refused before anything is sent.
    assert!(matches!(
        directory.authenticate("bob\0@example.com", bob_pw).await,
        Err(DirectoryError::Refused)
    ));
    // SR-85: an unknown address (no bind) and a wrong password (a bind)
    // both take the same minimum time, and say the same.
    for (typed, password) in [("nobody@example.com", bob_pw), (bob_mail, "wrong")] {
        let form = login_page(&mut b).await;
        let started = std::time::Instant::now();
        let page = b
            .post_from(&form, "/login", &[("email", typed), ("password", password)])
            .await;
        assert!(
            started.elapsed() >= std::time::Duration::from_millis(300),
            "{typed}"
        );
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{typed}");
        assert!(page.body.contains("Incorrect email or password"), "{typed}");
    }

    // Still works for the real address — also when the provider lets local
    // methods in for its domain: a typed password goes to the directory.
    registry::update(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        &Reach::global(),
        &provider.id,
        |s| s.allow_local_passwords = true,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let page = post_login(&mut b, bob_mail, bob_pw).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(slapd.binds_as(&person_dn(bob_uid)), 2);
}

/// SR-84: directory passwords count in the same throttle as local ones,
/// checked before any bind reaches the directory.
async fn ldap_throttle_applies_before_any_bind(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |c| {
        c.throttle.account_delay_after = 100;
        c.throttle.account_lock_after = 3;
        c.throttle.lock_secs = 600;
    })
    .await;
    ldap_provider(&app, starttls_spec(&slapd), Some(SERVICE_PASSWORD)).await;
    let (carol_uid, carol_mail, _, carol_pw) = PEOPLE_LIST[2];
    let mut b = app.browser();
    for _ in 0..3 {
        let page = post_login(&mut b, carol_mail, "guess").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{}", page.body);
    }
    assert_eq!(slapd.binds_as(&person_dn(carol_uid)), 3);
    // Locked for this source: even the right password is refused, and
    // nothing reaches the directory.
    let refused = post_login(&mut b, carol_mail, carol_pw).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    assert!(!refused.header("retry-after").is_empty());
    assert!(b.session_cookie().is_none());
    assert_eq!(
        slapd.binds_as(&person_dn(carol_uid)),
        3,
        "a throttled attempt reached the directory"
    );
    let reasons: Vec<String> = app
        .audit_rows("login.failure")
        .await
        .iter()
        .map(|r| format!("{:?}", r))
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("throttled")),
        "{reasons:?}"
    );
    // The lock ends: the right password signs in.
    app.clock.advance(chrono::Duration::seconds(601));
    let done = post_login(&mut b, carol_mail, carol_pw).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

/// LDAPS with direct bind (a DN template, no service account); a stopped
/// directory fails closed with the generic message (SR-132).
async fn ldap_direct_bind_over_ldaps_and_directory_down(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |_| {}).await;
    // Without our CA the directory's certificate is not trusted.
    let untrusted = Directory {
        settings: validate(
            &LdapSpec {
                url: Some(slapd.ldaps_url.clone()),
                user_dn_template: Some(format!("uid={{username}},{PEOPLE}")),
                ..LdapSpec::default()
            },
            true,
        )
        .unwrap(),
        bind_password: None,
        pool_key: None,
    };
    assert!(matches!(
        untrusted.authenticate("dave", "dave-directory-pw").await,
        Err(DirectoryError::Unavailable(_))
    ));
    // The same over StartTLS: the upgrade's certificate is verified too.
    let untrusted_starttls = Directory {
        settings: validate(
            &LdapSpec {
                url: Some(slapd.ldap_url.clone()),
                starttls: true,
                user_dn_template: Some(format!("uid={{username}},{PEOPLE}")),
                ..LdapSpec::default()
            },
            true,
        )
        .unwrap(),
        bind_password: None,
        pool_key: None,
    };
    let before = slapd.binds();
    assert!(matches!(
        untrusted_starttls
            .authenticate("dave", "dave-directory-pw")
            .await,
        Err(DirectoryError::Unavailable(_))
    ));
    assert_eq!(
        slapd.binds(),
        before,
        "a password was sent over an unverified connection"
    );
    let spec = LdapSpec {
        url: Some(slapd.ldaps_url.clone()),
        user_dn_template: Some(format!("uid={{username}},{PEOPLE}")),
        user_filter: Some("(uid={username})".into()),
        ca_file: Some(slapd.ca_file.display().to_string()),
        ..LdapSpec::default()
    };
    let direct = Directory {
        settings: validate(&spec, true).unwrap(),
        bind_password: None,
        pool_key: None,
    };
    let (dave_uid, _, dave_name, dave_pw) = PEOPLE_LIST[3];
    let dave = direct.authenticate(dave_uid, dave_pw).await.unwrap();
    // Plain ldap:// only when explicitly allowed (development).
    let plain = Directory {
        settings: validate(
            &LdapSpec {
                url: Some(slapd.ldap_url.clone()),
                allow_plaintext: true,
                ca_file: None,
                ..spec.clone()
            },
            true,
        )
        .unwrap(),
        bind_password: None,
        pool_key: None,
    };
    assert_eq!(
        plain.authenticate(dave_uid, dave_pw).await.unwrap().dn,
        dave.dn
    );
    assert_eq!(dave.dn, person_dn(dave_uid));
    assert_eq!(dave.name.as_deref(), Some(dave_name));
    assert!(matches!(
        direct.authenticate(dave_uid, "wrong").await,
        Err(DirectoryError::BadCredentials(_))
    ));
    // RFC 4514: a DN value cannot add RDNs.
    assert!(matches!(
        direct.authenticate("dave,ou=people", dave_pw).await,
        Err(DirectoryError::BadCredentials(_))
    ));

    // Sign-in through the page, then the directory goes away.
    let provider = ldap_provider(
        &app,
        LdapSpec {
            user_filter: Some("(mail={username})".into()),
            user_dn_template: None,
            bind_dn: Some(SERVICE_DN.into()),
            user_base_dn: Some(PEOPLE.into()),
            ..spec
        },
        Some(SERVICE_PASSWORD),
    )
    .await;
    let (_, dave_mail, _, _) = PEOPLE_LIST[3];
    let mut b = app.browser();
    let ok = post_login(&mut b, dave_mail, dave_pw).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let tested = ostiary::federation::probe::run(&app.state, &provider)
        .await
        .unwrap();
    assert!(tested.ok, "{tested:?}");
    drop(slapd);
    let mut other = app.browser();
    let down = post_login(&mut other, dave_mail, dave_pw).await;
    assert_eq!(
        down.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        down.body
    );
    assert!(
        down.body.contains("not available right now"),
        "{}",
        down.body
    );
    assert!(!down.body.contains("127.0.0.1"), "{}", down.body);
    assert!(other.session_cookie().is_none());
    // SR-132: the local break-glass administrator (an address no provider
    // claims) still signs in.
    app.create_user("breakglass@local.test", crate::helpers::PASSWORD)
        .await;
    let (_, local) = app
        .login("breakglass@local.test", crate::helpers::PASSWORD)
        .await;
    assert_eq!(local.status, StatusCode::SEE_OTHER, "{}", local.body);
    let tested = ostiary::federation::probe::run(&app.state, &provider)
        .await
        .unwrap();
    assert!(!tested.ok);
    assert_eq!(
        serde_json::to_value(&tested.checks[0]).unwrap()["reason"],
        "unreachable"
    );
}

/// `--active-directory` against a directory with AD's attributes (slapd
/// with a small AD schema): the default filter finds people by
/// sAMAccountName, userPrincipalName or mail; the subject is the binary
/// objectGUID in its text form; `memberOf` names groups; a disabled
/// `userAccountControl` is refused with a clear message (SR-132).
async fn ldap_active_directory_code_path(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |_| {}).await;
    let spec = LdapSpec {
        url: Some(slapd.ldaps_url.clone()),
        bind_dn: Some(SERVICE_DN.into()),
        user_base_dn: Some(format!("ou=staff,{SUFFIX}")),
        active_directory: true,
        ca_file: Some(slapd.ca_file.display().to_string()),
        ..LdapSpec::default()
    };
    let provider = ldap_provider(&app, spec, Some(SERVICE_PASSWORD)).await;
    let directory = ostiary::federation::ldap::sign_in::directory(&app.state, &provider.id)
        .await
        .unwrap();
    let (erin, erin_mail, erin_pw, _) = AD_PEOPLE[0];
    for typed in [erin, "erin@ad.example.com", erin_mail] {
        let person = directory.authenticate(typed, erin_pw).await.unwrap();
        assert_eq!(person.subject, ERIN_GUID_TEXT, "{typed}");
        assert_eq!(person.email.as_deref(), Some(erin_mail));
        assert_eq!(person.groups, ["Sales, EMEA", "Staff"]);
    }
    // OpenLDAP's password policy locks gina after wrong passwords: the
    // right one then gets the clear "locked" message (SR-132).
    let openldap = ostiary::federation::ldap::sign_in::directory(
        &app.state,
        &ldap_provider_id_for_gina(&app, &slapd).await,
    )
    .await
    .unwrap();
    let (gina_mail, gina_pw) = GINA;
    for _ in 0..GINA_MAX_FAILURES {
        assert!(matches!(
            openldap.authenticate(gina_mail, "wrong").await,
            Err(DirectoryError::BadCredentials(_) | DirectoryError::AccountState(_))
        ));
    }
    assert!(
        matches!(
            openldap.authenticate(gina_mail, gina_pw).await,
            Err(DirectoryError::AccountState("ldap_account_locked"))
        ),
        "a locked entry"
    );

    let (frank, frank_mail, frank_pw, _) = AD_PEOPLE[1];
    assert!(matches!(
        directory.authenticate(frank, frank_pw).await,
        Err(DirectoryError::AccountState("ldap_account_disabled"))
    ));
    // A wrong password says nothing about the account's state.
    assert!(matches!(
        directory.authenticate(frank, "wrong").await,
        Err(DirectoryError::BadCredentials(_))
    ));

    // Through the login page: erin signs in; frank learns his account is
    // disabled (only with the right password), and gets no session.
    let mut b = app.browser();
    let done = post_login(&mut b, erin_mail, erin_pw).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let user_id = app.session_of(&b).await.user_id;
    let identities = app
        .db_run(move |conn| ostiary::store::identities::of_user(conn, &user_id))
        .await;
    assert_eq!(identities[0].0.subject, ERIN_GUID_TEXT);
    let mut f = app.browser();
    let disabled = post_login(&mut f, frank_mail, frank_pw).await;
    assert_eq!(disabled.status, StatusCode::FORBIDDEN, "{}", disabled.body);
    assert!(
        disabled.body.contains("directory account is disabled"),
        "{}",
        disabled.body
    );
    assert!(f.session_cookie().is_none());
    assert!(app.user_count().await == 1, "frank was not created");
}

/// A second OpenLDAP provider (no domains) of the same directory.
async fn ldap_provider_id_for_gina(app: &TestApp, slapd: &Slapd) -> String {
    let spec = ProviderSpec {
        name: "OpenLDAP".into(),
        enabled: true,
        ldap: starttls_spec(slapd),
        ..ProviderSpec::default()
    };
    registry::create(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        &Reach::global(),
        Kind::Ldap,
        spec,
        Some(SERVICE_PASSWORD.into()),
    )
    .await
    .unwrap()
    .unwrap()
    .id
}
