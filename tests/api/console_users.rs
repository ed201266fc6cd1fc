//! The console's users area (S8): the list (search, status filter,
//! pages), creating and inviting, a user's page and every action on it,
//! each audited — and who may do what: an organization's admin reaches
//! only its organization's users (SR-100: another organization's user is
//! 404 on every page and form, nothing changes), never gives the
//! superuser flag or the owner role; an auditor reads and changes nothing;
//! every form needs its CSRF token (SR-70). The same pages in Chromium at
//! both widths.

use reqwest::StatusCode;
use serde_json::json;

use ostiary::domain::Role;
use ostiary::store::users::User;
use ostiary::users::accounts::UserSpec;

use crate::console_support::{Admin, in_chromium, org_admin, page, signed_in, superuser};
use crate::helpers::{Backend, Browser, PASSWORD, Page, TestApp, browser_peer};
use crate::mfa_support;

crate::on_all_backends!(
    the_list_searches_filters_and_pages,
    users_are_created_with_field_errors_and_refusals,
    invitations_show_their_link_once,
    invitations_without_mail_say_so,
    a_locked_out_user_is_helped_from_their_page,
    every_action_is_audited,
    profile_edits_and_refusals_are_explained,
    organization_admins_keep_to_their_own,
    auditors_read_and_change_nothing,
    forms_need_their_csrf_token,
);

async fn user(app: &TestApp, email: &str) -> User {
    let email = email.to_owned();
    app.db_run(move |conn| ostiary::store::users::find_by_email(conn, &email))
        .await
        .expect("the user exists")
}

/// User `id`, deleted or not.
async fn user_by_id(app: &TestApp, id: &str) -> User {
    let id = ostiary::domain::UserId::from(id.to_owned());
    app.db_run(move |conn| ostiary::store::users::find_in_reach(conn, None, true, &id))
        .await
        .expect("the user exists")
}

/// A member of organization `org` with a password.
async fn member(app: &TestApp, email: &str, org: &str) -> String {
    app.create_user_with(email, PASSWORD, |s: &mut UserSpec| {
        s.organization = Some((org.to_owned(), Role::Member));
    })
    .await
}

/// Post `action` on user `id` with the token of the user's page.
async fn act(b: &mut Browser, id: &str, action: &str) -> Page {
    let form = page(b, &format!("/admin/users/{id}"), StatusCode::OK).await;
    b.post_from(&form, &format!("/admin/users/{id}/{action}"), &[])
        .await
}

/// Assert `res` is `303` to user `id`'s page with notice `key`, and show
/// that page.
async fn done(b: &mut Browser, res: &Page, id: &str, key: &str) -> Page {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("/admin/users/{id}?notice={key}"));
    page(b, res.location(), StatusCode::OK).await
}

async fn the_list_searches_filters_and_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    for i in 0..21 {
        member(&app, &format!("person{i:02}@acme.test"), "Acme").await;
    }
    app.create_user_with("Zed@other.test", PASSWORD, |s: &mut UserSpec| {
        s.display_name = "Zed Quux".into();
        s.email_verified = false;
    })
    .await;
    let mut b = signed_in(&app, &admin).await;

    // The first page: 20 users, a link to the next; name, address,
    // organization and role, status, creation time.
    let first = page(&mut b, "/admin/users", StatusCode::OK).await;
    assert_eq!(first.body.matches("class=\"users-link\"").count(), 20);
    assert!(first.body.contains("root@example.com"), "{}", first.body);
    assert!(
        first
            .body
            .contains("Acme <span class=\"badge\">Member</span>")
    );
    assert!(first.body.contains("Superuser"));
    assert!(first.body.contains("data-live"), "search as you type");
    assert!(first.body.contains("<th scope=\"col\">"));
    let at = first
        .body
        .find("\" rel=\"next\"")
        .expect("a next page link");
    let start = first.body[..at].rfind("href=\"").unwrap() + 6;
    let next = first.body[start..at].replace("&#38;", "&");
    let second = page(&mut b, &next, StatusCode::OK).await;
    assert_eq!(second.body.matches("class=\"users-link\"").count(), 3);
    assert!(second.body.contains("First page"));
    assert!(!second.body.contains("rel=\"next\""));

    // Search matches name or address, any case.
    let found = page(&mut b, "/admin/users?q=zed+QU", StatusCode::OK).await;
    assert_eq!(found.body.matches("class=\"users-link\"").count(), 1);
    assert!(found.body.contains("zed@other.test"));
    assert!(found.body.contains("Not verified"));
    let none = page(&mut b, "/admin/users?q=nobody", StatusCode::OK).await;
    assert!(none.body.contains("Nothing found."));

    // Disabled only; deleted ones only when asked (superusers).
    let zed = user(&app, "zed@other.test").await.id.to_string();
    let res = act(&mut b, &zed, "disable").await;
    done(&mut b, &res, &zed, "user_disabled").await;
    let disabled = page(&mut b, "/admin/users?status=disabled", StatusCode::OK).await;
    assert_eq!(disabled.body.matches("class=\"users-link\"").count(), 1);
    assert!(disabled.body.contains("zed@other.test"));
    let gone = user(&app, "person00@acme.test").await.id.to_string();
    app.delete_user(&gone).await;
    let live = page(&mut b, "/admin/users?q=person00", StatusCode::OK).await;
    assert!(live.body.contains("Nothing found."));
    let all = page(
        &mut b,
        "/admin/users?q=person00&include_deleted=true",
        StatusCode::OK,
    )
    .await;
    assert!(all.body.contains("person00@acme.test"));
    assert!(all.body.contains("badge badge-danger"));
    // A cursor that is none is refused, not a crash.
    page(&mut b, "/admin/users?cursor=bogus", StatusCode::BAD_REQUEST).await;
}

async fn users_are_created_with_field_errors_and_refusals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    member(&app, "taken@acme.test", "Acme").await;
    let acme = app
        .db_run(|conn| ostiary::store::orgs::find_by_name(conn, "Acme"))
        .await
        .unwrap()
        .id
        .to_string();
    let mut b = signed_in(&app, &admin).await;
    let form = page(&mut b, "/admin/users/new", StatusCode::OK).await;
    assert!(
        form.body.contains("value=\"owner\""),
        "superusers may give owner"
    );
    assert!(form.body.contains("name=\"superuser\""));

    // Bad input comes back next to its field, nothing created.
    let users_before = app.user_count().await;
    for (fields, message) in [
        (
            vec![("email", "not an address")],
            "Enter an email address like name@example.com.",
        ),
        (
            vec![("email", "TAKEN@acme.test")],
            "Another account already uses this email address.",
        ),
        (
            vec![("email", "new@acme.test"), ("password", "short")],
            "at least",
        ),
        (
            vec![("email", "new@acme.test"), ("role", "emperor")],
            "Choose one of the roles offered.",
        ),
    ] {
        let res = b.post_from(&form, "/admin/users/new", &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(message), "{message}: {}", res.body);
        assert!(res.body.contains("aria-invalid=\"true\""));
    }
    assert_eq!(app.user_count().await, users_before);

    // Created: the user's page opens with a notice; audited.
    let res = b
        .post_from(
            &form,
            "/admin/users/new",
            &[
                ("email", " New@Acme.test "),
                ("name", "Nina New"),
                ("password", "a long and unusual passphrase 42"),
                ("organization", &acme),
                ("role", "admin"),
                ("email_verified", "on"),
            ],
        )
        .await;
    let nina = user(&app, "new@acme.test").await;
    let shown = done(&mut b, &res, nina.id.as_str(), "user_created").await;
    assert!(shown.body.contains("The user was created."));
    assert!(shown.body.contains("Nina New"));
    assert!(
        shown
            .body
            .contains("Acme <span class=\"badge\">Admin</span>")
    );
    assert!(nina.email_verified && !nina.superuser);
    assert!(app.audited("user.created").await);
    let (_, signed) = app
        .login("new@acme.test", "a long and unusual passphrase 42")
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);

    // An organization's admin: only its organization, no owner, no superuser.
    let boss = org_admin(&app, "boss@acme.test", "Acme", Role::Admin).await;
    let mut ob = signed_in(&app, &boss).await;
    let form = page(&mut ob, "/admin/users/new", StatusCode::OK).await;
    assert!(!form.body.contains("value=\"owner\""), "{}", form.body);
    assert!(!form.body.contains("name=\"superuser\""));
    for (fields, message) in [
        (
            vec![("email", "x@acme.test"), ("role", "owner")],
            "Only a superuser can give this.",
        ),
        (
            vec![("email", "x@acme.test"), ("superuser", "on")],
            "Only a superuser can give this.",
        ),
        (
            vec![("email", "x@acme.test"), ("organization", "no-such-org")],
            "Choose an organization you administer.",
        ),
    ] {
        let res = ob.post_from(&form, "/admin/users/new", &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(message), "{message}: {}", res.body);
    }
    assert!(
        app.db_run(|conn| ostiary::store::users::find_by_email(conn, "x@acme.test"))
            .await
            .is_none()
    );
    // Its only organization is chosen for it.
    let res = ob
        .post_from(&form, "/admin/users/new", &[("email", "mia@acme.test")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mia = page(&mut ob, res.location(), StatusCode::OK).await;
    assert!(
        mia.body
            .contains("Acme <span class=\"badge\">Member</span>")
    );
}

async fn invitations_show_their_link_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = org_admin(&app, "boss@acme.test", "Acme", Role::Admin).await;
    let acme = app
        .db_run(|conn| ostiary::store::orgs::find_by_name(conn, "Acme"))
        .await
        .unwrap()
        .id
        .to_string();
    let mut b = signed_in(&app, &admin).await;
    let form = page(&mut b, "/admin/users/invite", StatusCode::OK).await;
    // Its only organization is chosen.
    assert!(
        form.body.contains(&format!("value=\"{acme}\" selected")),
        "{}",
        form.body
    );
    let bad = b
        .post_from(&form, "/admin/users/invite", &[("email", "nope")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter an email address"));
    let owner = b
        .post_from(
            &form,
            "/admin/users/invite",
            &[
                ("email", "ivy@acme.test"),
                ("organization", &acme),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(owner.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        owner.body.contains("Only a superuser can give this."),
        "{}",
        owner.body
    );
    assert!(!app.audited("invitation.created").await);

    // Emailed, and the link shown once to pass on too.
    let made = b
        .post_from(
            &form,
            "/admin/users/invite",
            &[
                ("email", "ivy@acme.test"),
                ("organization", &acme),
                ("role", "auditor"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert!(
        made.body
            .contains("An invitation was emailed to ivy@acme.test."),
        "{}",
        made.body
    );
    assert!(made.body.contains("/invitation?token="));
    assert!(made.body.contains("<dd>Auditor</dd>"));
    assert!(app.audited("invitation.created").await);

    // The link is a secret: an old sign-in signs in again first (SR-101).
    app.clock.advance(chrono::Duration::hours(2));
    let stale = b.get("/admin/users/invite").await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert!(
        stale.location().starts_with("/login?force=1"),
        "{}",
        stale.location()
    );
    let res = b
        .post_from(
            &form,
            "/admin/users/invite",
            &[("email", "late@acme.test"), ("organization", &acme)],
        )
        .await;
    assert!(
        res.location().starts_with("/login?force=1"),
        "{}",
        res.location()
    );
}

async fn invitations_without_mail_say_so(backend: Backend) {
    // The mail server is down: the invitation stands, the page says no
    // email went out and shows the link to pass on.
    let closed = format!("smtp://127.0.0.1:{}", crate::mail_sink::free_port());
    let app = TestApp::spawn_with(backend, |c| c.smtp_url = Some(closed.into())).await;
    let admin = superuser(&app, "root@example.com").await;
    member(&app, "amy@acme.test", "Acme").await;
    let acme = app
        .db_run(|conn| ostiary::store::orgs::find_by_name(conn, "Acme"))
        .await
        .unwrap()
        .id
        .to_string();
    let mut b = signed_in(&app, &admin).await;
    let form = page(&mut b, "/admin/users/invite", StatusCode::OK).await;
    assert!(
        form.body.contains("value=\"owner\""),
        "superusers may give owner"
    );
    let made = b
        .post_from(
            &form,
            "/admin/users/invite",
            &[
                ("email", "olga@acme.test"),
                ("organization", &acme),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert!(
        made.body
            .contains("No email could be sent to olga@acme.test"),
        "{}",
        made.body
    );
    assert!(made.body.contains("/invitation?token="));
    assert!(made.body.contains("<dd>Owner</dd>"));
}

async fn a_locked_out_user_is_helped_from_their_page(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.throttle.account_delay_after = 100;
        c.throttle.account_lock_after = 3;
        c.throttle.lock_secs = 600;
    })
    .await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;
    let lou = app.create_user("lou@example.com", PASSWORD).await;
    for _ in 0..3 {
        app.login("lou@example.com", "a wrong guess").await;
    }
    assert_eq!(
        app.login("lou@example.com", PASSWORD).await.1.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The page says why and offers the way out first.
    let shown = page(&mut b, &format!("/admin/users/{lou}"), StatusCode::OK).await;
    assert!(
        shown.body.contains("Sign-in paused after failed attempts"),
        "{}",
        shown.body
    );
    assert!(
        shown
            .body
            .contains("button button-primary button-small\" type=\"submit\">Unlock"),
        "{}",
        shown.body
    );
    let res = act(&mut b, &lou, "unlock").await;
    let after = done(&mut b, &res, &lou, "user_unlocked").await;
    assert!(
        after
            .body
            .contains("Unlocked: failed sign-in attempts are forgotten.")
    );
    assert!(after.body.contains("None recently"));
    assert!(app.audited("user.unlocked").await);
    let (_, res) = app.login("lou@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Lost authenticator: reset MFA removes it and ends the sessions.
    mfa_support::user_with_totp(&app, "tina@example.com").await;
    let tina = user(&app, "tina@example.com").await.id.to_string();
    let shown = page(&mut b, &format!("/admin/users/{tina}"), StatusCode::OK).await;
    assert!(shown.body.contains("id=\"confirm-reset-mfa\""));
    let res = act(&mut b, &tina, "reset-mfa").await;
    let after = done(&mut b, &res, &tina, "user_mfa_reset").await;
    assert!(after.body.contains("None set up"));
    assert!(app.audited("user.mfa_reset").await);
    let (_, res) = app.login("tina@example.com", PASSWORD).await;
    assert!(
        !res.location().starts_with("/login/mfa"),
        "{}",
        res.location()
    );

    // Disabled: the page leads with "Enable".
    let res = act(&mut b, &lou, "disable").await;
    let after = done(&mut b, &res, &lou, "user_disabled").await;
    assert!(after.body.contains("Disabled: cannot sign in"));
    assert!(
        after
            .body
            .contains("/admin/users/{lou}/enable".replace("{lou}", &lou).as_str())
    );
    let res = act(&mut b, &lou, "enable").await;
    done(&mut b, &res, &lou, "user_enabled").await;
    assert!(!user_by_id(&app, &lou).await.locked);
}

async fn every_action_is_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;
    let id = app.create_user("una@example.com", PASSWORD).await;
    let vera = app
        .create_user_with("vera@example.com", PASSWORD, |s: &mut UserSpec| {
            s.email_verified = false;
        })
        .await;
    let (mut una, _) = app.login("una@example.com", PASSWORD).await;
    let (mut una2, _) = app.login("una@example.com", PASSWORD).await;

    // The page: profile, factors, identities, sessions, consents, events.
    let shown = page(&mut b, &format!("/admin/users/{id}"), StatusCode::OK).await;
    for part in [
        "Sign-in status",
        "Profile",
        "Second factors",
        "Linked sign-in providers",
        "Sessions",
        "Applications allowed",
        "Recent activity",
        "login.success",
        "Signed in now: 2",
    ] {
        assert!(shown.body.contains(part), "{part}: {}", shown.body);
    }

    let shown = page(&mut b, &format!("/admin/users/{vera}"), StatusCode::OK).await;
    assert!(shown.body.contains("Not verified"));
    let res = act(&mut b, &vera, "verify-email").await;
    let after = done(&mut b, &res, &vera, "user_email_verified").await;
    assert!(!after.body.contains("/verify-email"));
    assert!(user_by_id(&app, &vera).await.email_verified);

    // End one session: that browser is signed out, the other not.
    let sid = app.session_of(&una).await.id.to_string();
    let form = page(&mut b, &format!("/admin/users/{id}"), StatusCode::OK).await;
    assert!(form.body.contains(&format!("/sessions/{sid}/end")));
    let res = b
        .post_from(&form, &format!("/admin/users/{id}/sessions/{sid}/end"), &[])
        .await;
    done(&mut b, &res, &id, "user_session_ended").await;
    assert!(!una.is_signed_in().await);
    assert!(una2.is_signed_in().await);
    assert!(app.audited("session.revoked").await);
    // Again: the session is gone.
    let res = b
        .post_from(&form, &format!("/admin/users/{id}/sessions/{sid}/end"), &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    let res = act(&mut b, &id, "revoke-sessions").await;
    done(&mut b, &res, &id, "user_sessions_revoked").await;
    assert!(!una2.is_signed_in().await);
    assert!(app.audited("session.revoke_all").await);

    // Delete: the superuser still sees the account, and restores it.
    let res = act(&mut b, &id, "delete").await;
    let gone = done(&mut b, &res, &id, "user_deleted").await;
    assert!(gone.body.contains("This account is deleted"));
    assert!(gone.body.contains(&format!("/admin/users/{id}/restore")));
    assert!(user_by_id(&app, &id).await.deleted_at.is_some());
    let res = b
        .post_from(&gone, &format!("/admin/users/{id}/restore"), &[])
        .await;
    done(&mut b, &res, &id, "user_restored").await;
    assert!(user_by_id(&app, &id).await.deleted_at.is_none());
    app.assert_audited(&["user.email_verified", "user.deleted", "user.restored"])
        .await;

    // Unknown actions are not found.
    let res = b
        .post_from(&form, &format!("/admin/users/{id}/impersonate"), &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

async fn profile_edits_and_refusals_are_explained(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let me = user(&app, &admin.email).await.id.to_string();
    let id = app.create_user("ed@example.com", PASSWORD).await;
    app.create_user("taken@example.com", PASSWORD).await;
    let mut b = signed_in(&app, &admin).await;
    let path = format!("/admin/users/{id}/edit");

    let form = page(&mut b, &path, StatusCode::OK).await;
    assert!(form.body.contains("name=\"superuser_shown\""));
    let bad = b
        .post_from(&form, &path, &[("name", "Ed"), ("email", "nope")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter an email address"));
    let taken = b
        .post_from(
            &form,
            &path,
            &[("name", "Ed"), ("email", "taken@example.com")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken
            .body
            .contains("Another account already uses this email address.")
    );

    // Name and address change (the new one unverified), then superuser.
    let res = b
        .post_from(
            &form,
            &path,
            &[
                ("name", "Edna"),
                ("email", "edna@example.com"),
                ("superuser_shown", "1"),
            ],
        )
        .await;
    done(&mut b, &res, &id, "user_updated").await;
    let edna = user_by_id(&app, &id).await;
    assert_eq!(
        (
            edna.display_name.as_str(),
            edna.email.as_str(),
            edna.email_verified,
            edna.superuser
        ),
        ("Edna", "edna@example.com", false, false)
    );
    let res = b
        .post_from(
            &form,
            &path,
            &[
                ("name", "Edna"),
                ("email", "edna@example.com"),
                ("superuser_shown", "1"),
                ("superuser", "on"),
            ],
        )
        .await;
    done(&mut b, &res, &id, "user_updated").await;
    assert!(user_by_id(&app, &id).await.superuser);
    assert!(app.audited("user.updated").await);

    // Refusals: your own account, with a clear message.
    let own = page(&mut b, &format!("/admin/users/{me}"), StatusCode::OK).await;
    assert!(
        !own.body.contains("id=\"confirm-disable\""),
        "no disable for oneself"
    );
    let res = b
        .post_from(&own, &format!("/admin/users/{me}/disable"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        format!("/admin/users/{me}?error=user_itself")
    );
    let shown = page(&mut b, res.location(), StatusCode::OK).await;
    assert!(
        shown
            .body
            .contains("role=\"alert\">You cannot do this to your own account.")
    );
    assert!(!user_by_id(&app, &me).await.locked);
    // Demoted again; and one's own flag is not offered.
    let res = b
        .post_from(
            &form,
            &path,
            &[
                ("name", "Edna"),
                ("email", "edna@example.com"),
                ("superuser_shown", "1"),
            ],
        )
        .await;
    done(&mut b, &res, &id, "user_updated").await;
    let own_form = page(&mut b, &format!("/admin/users/{me}/edit"), StatusCode::OK).await;
    assert!(!own_form.body.contains("name=\"superuser_shown\""));
}

async fn organization_admins_keep_to_their_own(backend: Backend) {
    // SR-100: an organization's admin reaches its organization's users
    // only; another organization's user is not found on every page and
    // form, and nothing about them changes.
    let app = TestApp::spawn(backend).await;
    let boss = org_admin(&app, "boss@a.test", "Org A", Role::Admin).await;
    let amy = member(&app, "amy@a.test", "Org A").await;
    let bob = member(&app, "bob@b.test", "Org B").await;
    let owner = app
        .create_user_with("own@a.test", PASSWORD, |s: &mut UserSpec| {
            s.organization = Some(("Org A".into(), Role::Owner));
        })
        .await;
    let (_bob_browser, _) = app.login("bob@b.test", PASSWORD).await;
    let mut b = signed_in(&app, &boss).await;

    let list = page(&mut b, "/admin/users", StatusCode::OK).await;
    assert!(list.body.contains("amy@a.test"));
    assert!(!list.body.contains("bob@b.test"), "{}", list.body);
    page(&mut b, "/admin/users?q=bob", StatusCode::OK).await;
    page(
        &mut b,
        "/admin/users?include_deleted=true",
        StatusCode::FORBIDDEN,
    )
    .await;
    page(
        &mut b,
        &format!("/admin/users/{bob}"),
        StatusCode::NOT_FOUND,
    )
    .await;
    page(
        &mut b,
        &format!("/admin/users/{bob}/edit"),
        StatusCode::NOT_FOUND,
    )
    .await;

    let before = user_by_id(&app, &bob).await;
    let audit_before = app.audit_row_count().await;
    let sid = {
        let (bob_id, now) = (ostiary::domain::UserId::from(bob.clone()), app.state.now());
        let (now, idle) = (
            ostiary::store::naive(now),
            ostiary::store::naive(now - chrono::Duration::days(1)),
        );
        app.db_run(move |conn| ostiary::store::sessions::list_live(conn, &bob_id, now, idle))
            .await
            .first()
            .map(|s| s.id.to_string())
            .expect("bob is signed in")
    };
    for action in [
        "disable",
        "enable",
        "unlock",
        "verify-email",
        "reset-mfa",
        "revoke-sessions",
        "delete",
        &format!("sessions/{sid}/end"),
    ] {
        let res = b
            .post_from(&list, &format!("/admin/users/{bob}/{action}"), &[])
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{action}: {}", res.body);
    }
    let res = b
        .post_from(
            &list,
            &format!("/admin/users/{bob}/edit"),
            &[("name", "Pwned"), ("email", "mine@evil.test")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // Restoring is a superuser's: refused before any lookup.
    let res = b
        .post_from(&list, &format!("/admin/users/{bob}/restore"), &[])
        .await;
    assert_eq!(
        res.location(),
        format!("/admin/users/{bob}?error=user_needs_global")
    );
    let after = user_by_id(&app, &bob).await;
    assert_eq!(
        (
            after.email,
            after.display_name,
            after.locked,
            after.deleted_at
        ),
        (
            before.email,
            before.display_name,
            before.locked,
            before.deleted_at
        )
    );
    assert_eq!(app.audit_row_count().await, audit_before, "nothing audited");

    // Its own member: changed; but never made a superuser.
    let res = act(&mut b, &amy, "disable").await;
    done(&mut b, &res, &amy, "user_disabled").await;
    let form = page(&mut b, &format!("/admin/users/{amy}/edit"), StatusCode::OK).await;
    assert!(!form.body.contains("superuser"), "{}", form.body);
    let res = b
        .post_from(
            &form,
            &format!("/admin/users/{amy}/edit"),
            &[
                ("name", "Amy"),
                ("email", "amy@a.test"),
                ("superuser", "on"),
            ],
        )
        .await;
    assert_eq!(
        res.location(),
        format!("/admin/users/{amy}?error=user_needs_global")
    );
    assert!(!user_by_id(&app, &amy).await.superuser);

    // Its owner is seen, not changed (SR-100): no buttons, refused.
    let shown = page(&mut b, &format!("/admin/users/{owner}"), StatusCode::OK).await;
    assert!(
        shown
            .body
            .contains("Only a superuser can change this account")
    );
    assert!(!shown.body.contains("id=\"confirm-disable\""));
    let res = b
        .post_from(&shown, &format!("/admin/users/{owner}/disable"), &[])
        .await;
    assert_eq!(
        res.location(),
        format!("/admin/users/{owner}?error=user_protected")
    );
    assert!(!user_by_id(&app, &owner).await.locked);
}

async fn auditors_read_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let auditor = org_admin(&app, "audit@a.test", "Org A", Role::Auditor).await;
    let amy = member(&app, "amy@a.test", "Org A").await;
    let mut b = signed_in(&app, &auditor).await;
    let list = page(&mut b, "/admin/users", StatusCode::OK).await;
    assert!(list.body.contains("amy@a.test"));
    assert!(!list.body.contains("/admin/users/new"), "no create button");
    let shown = page(&mut b, &format!("/admin/users/{amy}"), StatusCode::OK).await;
    assert!(
        !shown
            .body
            .contains("method=\"post\" action=\"/admin/users/"),
        "{}",
        shown.body
    );
    page(&mut b, "/admin/users/new", StatusCode::FORBIDDEN).await;
    page(&mut b, "/admin/users/invite", StatusCode::FORBIDDEN).await;
    let audit_before = app.audit_row_count().await;
    for action in ["disable", "reset-mfa", "delete", "edit"] {
        let res = b
            .post_from(
                &list,
                &format!("/admin/users/{amy}/{action}"),
                &[("name", "X"), ("email", "x@a.test")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}: {}", res.body);
    }
    let res = b
        .post_from(&list, "/admin/users/new", &[("email", "x@a.test")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let amy_now = user_by_id(&app, &amy).await;
    assert!(!amy_now.locked && amy_now.deleted_at.is_none() && amy_now.display_name == "Test User");
    assert_eq!(app.audit_row_count().await, audit_before);
}

async fn forms_need_their_csrf_token(backend: Backend) {
    // SR-70: a form posted without the page's token changes nothing.
    let app = TestApp::spawn(backend).await;
    let admin = superuser(&app, "root@example.com").await;
    let id = app.create_user("cora@example.com", PASSWORD).await;
    let mut b = signed_in(&app, &admin).await;
    for path in [
        format!("/admin/users/{id}/disable"),
        format!("/admin/users/{id}/delete"),
        format!("/admin/users/{id}/edit"),
        "/admin/users/new".to_owned(),
    ] {
        let res = b
            .post_form(&path, &[("name", "X"), ("email", "x@example.com")])
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.body);
        let res = b
            .post_form(
                &path,
                &[("csrf_token", "forged"), ("email", "x@example.com")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.body);
    }
    let cora = user_by_id(&app, &id).await;
    assert!(!cora.locked && cora.deleted_at.is_none() && cora.display_name == "Test User");
    assert!(
        app.db_run(|conn| ostiary::store::users::find_by_email(conn, "x@example.com"))
            .await
            .is_none()
    );
}

/// The users area in Chromium at both widths: list and search, create,
/// the user's page, disable and enable through the confirmation, reset MFA.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_users_in_chromium() {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(Backend::Sqlite).await;
    let admin: Admin = superuser(&app, "root@example.com").await;
    for (email, name) in [
        ("ada@acme.test", "Ada Lovelace"),
        ("grace@acme.test", "Grace Hopper"),
        ("alan@acme.test", "Alan Turing"),
    ] {
        app.create_user_with(email, PASSWORD, |s: &mut UserSpec| {
            s.display_name = name.into();
            s.organization = Some(("Acme".into(), Role::Member));
        })
        .await;
    }
    // An authenticator app each, without moving the clock (the script
    // computes its codes from the real time).
    for email in ["mfa-en@acme.test", "mfa-de@acme.test"] {
        let mut b = app.signed_in_user(email).await;
        mfa_support::enroll_totp(&app, &mut b).await;
    }
    let seen = in_chromium(&app, "console_users.mjs", &admin, json!({})).await;
    assert_eq!(seen["created"], json!(2), "{seen}");
    for email in ["mfa-en@acme.test", "mfa-de@acme.test"] {
        let u = user(&app, email).await;
        assert!(!u.locked, "enabled again: {email}");
        let id = u.id.clone();
        let totp = app
            .db_run(move |conn| ostiary::store::mfa_totp::find(conn, &id))
            .await;
        assert!(totp.is_none(), "MFA reset: {email}");
    }
    app.assert_audited(&[
        "user.created",
        "user.disabled",
        "user.enabled",
        "user.mfa_reset",
    ])
    .await;
}
