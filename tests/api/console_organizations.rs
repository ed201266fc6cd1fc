//! The console's organization pages (S8): the list (search, pages, reach),
//! creating and renaming, members and their roles, invitations — each
//! change audited by the service — and the role rules (SR-100): an
//! organization's admin reaches only its own organizations (others: 404,
//! nothing changed), never grants or touches the owner role, never
//! changes their own membership; an auditor reads but cannot post (403);
//! a form without its CSRF token is refused (SR-70). And the pages in
//! Chromium at both widths.

use ostiary::domain::{OrganizationId, Role, UserId};
use reqwest::StatusCode;
use serde_json::json;

use crate::console_support::{in_chromium, org_admin, page, signed_in, superuser};
use crate::helpers::{Backend, Browser, PASSWORD, Page, TestApp, browser_peer};

crate::on_all_backends!(
    the_list_searches_pages_and_keeps_to_reach,
    superusers_create_and_rename_organizations,
    superusers_add_change_and_remove_members,
    invitations_are_sent_shown_once_and_listed,
    organization_admins_never_reach_other_organizations,
    organization_admins_keep_away_from_owners_and_themselves,
    auditors_read_but_cannot_change,
    forms_without_their_csrf_token_change_nothing,
);

/// The organization `name` (made when missing); its id.
async fn org(app: &TestApp, name: &str) -> String {
    let (name, now) = (name.to_owned(), app.state.now().naive_utc());
    app.db_run(move |conn| ostiary::store::orgs::find_or_create(conn, &name, now))
        .await
        .0
        .id
        .to_string()
}

/// A user with `role` in `org` (made when missing); their id.
async fn member(app: &TestApp, email: &str, org: &str, role: Role) -> String {
    let org = org.to_owned();
    app.create_user_with(email, PASSWORD, |s| s.organization = Some((org, role)))
        .await
}

async fn user_id(app: &TestApp, email: &str) -> String {
    let email = email.to_owned();
    app.db_run(move |conn| ostiary::store::users::find_by_email(conn, &email))
        .await
        .unwrap()
        .id
        .to_string()
}

async fn role_of(app: &TestApp, user: &str, org: &str) -> Option<String> {
    let (user, org) = (UserId::from(user.to_owned()), OrganizationId::from(org));
    app.db_run(move |conn| ostiary::store::orgs::role_in(conn, &user, &org))
        .await
}

async fn name_of(app: &TestApp, org: &str) -> Option<String> {
    let org = OrganizationId::from(org);
    app.db_run(move |conn| ostiary::store::orgs::name_of(conn, &org))
        .await
}

async fn invitations_of(app: &TestApp, org: &str) -> Vec<String> {
    let org = OrganizationId::from(org);
    app.db_run(move |conn| ostiary::store::invitations::pending_of(conn, &org, 100))
        .await
        .into_iter()
        .map(|i| i.email)
        .collect()
}

async fn org_count(app: &TestApp) -> usize {
    app.db_run(|conn| ostiary::store::orgs::page(conn, None, None, None, 1000))
        .await
        .len()
}

/// Post `fields` to `action` with the CSRF token of the page at `from`.
async fn post(b: &mut Browser, from: &str, action: &str, fields: &[(&str, &str)]) -> Page {
    let form = page(b, from, StatusCode::OK).await;
    b.post_from(&form, action, fields).await
}

fn assert_see_other(res: &Page, to: &str) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), to);
}

async fn the_list_searches_pages_and_keeps_to_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let boss = org_admin(&app, "boss@a.test", "Org A", Role::Admin).await;
    member(&app, "bob@b.test", "Org B", Role::Member).await;
    org(&app, "Acme Tools").await;
    let root = superuser(&app, "root@example.com").await;

    let mut b = signed_in(&app, &root).await;
    let all = page(&mut b, "/admin/organizations", StatusCode::OK).await;
    for name in ["Org A", "Org B", "Acme Tools", "New organization"] {
        assert!(all.body.contains(name), "{name}: {}", all.body);
    }
    assert!(all.body.contains("aria-current=\"page\">Organizations"));
    // Member counts: Org A has its admin, Acme Tools nobody.
    assert!(
        all.body.contains("data-label=\"Members\">1</td>"),
        "{}",
        all.body
    );
    assert!(
        all.body.contains("data-label=\"Members\">0</td>"),
        "{}",
        all.body
    );
    let found = page(&mut b, "/admin/organizations?q=ACME", StatusCode::OK).await;
    assert!(found.body.contains("Acme Tools") && !found.body.contains("Org B"));
    let none = page(&mut b, "/admin/organizations?q=zzz", StatusCode::OK).await;
    assert!(none.body.contains("Nothing found."), "{}", none.body);
    // A page at a time; the next page's link carries the search and cursor.
    let first = page(&mut b, "/admin/organizations?q=org&limit=1", StatusCode::OK).await;
    assert!(first.body.contains("Org A") && !first.body.contains("Org B"));
    let next = first
        .body
        .split("href=\"")
        .find_map(|s| s.split('"').next().filter(|h| h.contains("cursor=")))
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(
        next.starts_with("/admin/organizations?q=org&cursor="),
        "{next}"
    );
    let second = page(&mut b, &format!("{next}&limit=1"), StatusCode::OK).await;
    assert!(second.body.contains("Org B") && !second.body.contains("Org A"));
    assert!(second.body.contains("First page"), "{}", second.body);
    page(
        &mut b,
        "/admin/organizations?cursor=nope",
        StatusCode::BAD_REQUEST,
    )
    .await;

    // SR-100: an organization's admin sees only its own, and no "New".
    let mut a = signed_in(&app, &boss).await;
    let own = page(&mut a, "/admin/organizations", StatusCode::OK).await;
    assert!(own.body.contains("Org A"), "{}", own.body);
    for other in ["Org B", "Acme Tools", "/admin/organizations/new"] {
        assert!(!own.body.contains(other), "{other}: {}", own.body);
    }
}

async fn superusers_create_and_rename_organizations(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let taken = org(&app, "Taken").await;
    let root = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &root).await;
    let before = org_count(&app).await;

    let blank = post(
        &mut b,
        "/admin/organizations/new",
        "/admin/organizations",
        &[("name", "  ")],
    )
    .await;
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blank.body
    );
    assert!(blank.body.contains("Enter a name of 1 to 100 characters"));
    assert!(blank.body.contains("aria-invalid=\"true\""));
    let dup = post(
        &mut b,
        "/admin/organizations/new",
        "/admin/organizations",
        &[("name", "Taken")],
    )
    .await;
    assert_eq!(dup.status, StatusCode::CONFLICT, "{}", dup.body);
    assert!(dup.body.contains("Another organization has this name."));
    assert!(dup.body.contains("value=\"Taken\""), "the typed name stays");
    assert_eq!(org_count(&app).await, before);

    let made = post(
        &mut b,
        "/admin/organizations/new",
        "/admin/organizations",
        &[("name", " Zeta <Labs> ")],
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let (path, flash) = made.location().split_once('?').unwrap();
    assert_eq!(flash, "notice=org_created");
    let id = path
        .strip_prefix("/admin/organizations/")
        .unwrap()
        .to_owned();
    assert_eq!(name_of(&app, &id).await.as_deref(), Some("Zeta <Labs>"));
    assert!(app.audited("organization.created").await);
    let shown = page(&mut b, made.location(), StatusCode::OK).await;
    assert!(
        shown.body.contains("Organization created."),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Zeta &#60;Labs&#62;") || shown.body.contains("Zeta &lt;Labs&gt;"));
    assert!(!shown.body.contains("<Labs>"), "names are escaped");

    // Rename: the same rules, the page shows what is wrong.
    let action = format!("/admin/organizations/{id}/name");
    let res = post(&mut b, path, &action, &[("name", "Zeta Labs")]).await;
    assert_see_other(&res, &format!("{path}?notice=org_renamed"));
    assert_eq!(name_of(&app, &id).await.as_deref(), Some("Zeta Labs"));
    let row = &app.audit_rows("organization.updated").await[0];
    assert!(
        row.details.contains("\"after\":{\"name\":\"Zeta Labs\"}"),
        "{}",
        row.details
    );
    let res = post(&mut b, path, &action, &[("name", "Taken")]).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("Another organization has this name."));
    let res = post(&mut b, path, &action, &[("name", &"x".repeat(101))]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(name_of(&app, &id).await.as_deref(), Some("Zeta Labs"));
    assert_eq!(name_of(&app, &taken).await.as_deref(), Some("Taken"));
    page(
        &mut b,
        "/admin/organizations/no-such-org",
        StatusCode::NOT_FOUND,
    )
    .await;
}

async fn superusers_add_change_and_remove_members(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let acme = org(&app, "Acme").await;
    let amy = app.create_user("amy@example.com", PASSWORD).await;
    let root = superuser(&app, "root@example.com").await;
    let root_id = user_id(&app, &root.email).await;
    let mut b = signed_in(&app, &root).await;
    let at = format!("/admin/organizations/{acme}");

    // An unknown address: the form says so and keeps what was typed.
    let members = format!("{at}/members");
    let res = post(
        &mut b,
        &at,
        &members,
        &[("email", "nobody@example.com"), ("role", "admin")],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert!(
        res.body
            .contains("There is no account with this address that you can add")
    );
    assert!(res.body.contains("value=\"nobody@example.com\""));
    let res = post(
        &mut b,
        &at,
        &members,
        &[("email", "not an address"), ("role", "admin")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = post(
        &mut b,
        &at,
        &members,
        &[("email", "amy@example.com"), ("role", "king")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(role_of(&app, &amy, &acme).await, None);

    let res = post(
        &mut b,
        &at,
        &members,
        &[("email", " AMY@example.com "), ("role", "auditor")],
    )
    .await;
    assert_see_other(&res, &format!("{at}?notice=org_member_added"));
    assert_eq!(role_of(&app, &amy, &acme).await.as_deref(), Some("auditor"));
    assert!(app.audited("membership.added").await);
    let shown = page(
        &mut b,
        &format!("{at}?notice=org_member_added"),
        StatusCode::OK,
    )
    .await;
    assert!(shown.body.contains("Member added."));
    assert!(
        shown.body.contains(&format!("href=\"/admin/users/{amy}\"")),
        "{}",
        shown.body
    );

    let res = post(
        &mut b,
        &at,
        &format!("{at}/members/{amy}/role"),
        &[("role", "owner")],
    )
    .await;
    assert_see_other(&res, &format!("{at}?notice=org_role_changed"));
    assert_eq!(role_of(&app, &amy, &acme).await.as_deref(), Some("owner"));
    let row = &app.audit_rows("membership.changed").await[0];
    assert!(
        row.details.contains("\"after\":{\"role\":\"owner\"}"),
        "{}",
        row.details
    );
    let res = post(
        &mut b,
        &at,
        &format!("{at}/members/{amy}/role"),
        &[("role", "nope")],
    )
    .await;
    assert_see_other(&res, &format!("{at}?error=org_role_invalid"));

    // Nobody changes their own membership, a superuser neither.
    let res = post(
        &mut b,
        &at,
        &members,
        &[("email", &root.email), ("role", "owner")],
    )
    .await;
    assert_see_other(&res, &format!("{at}?error=org_itself"));
    assert_eq!(role_of(&app, &root_id, &acme).await, None);
    let shown = page(&mut b, &format!("{at}?error=org_itself"), StatusCode::OK).await;
    assert!(shown.body.contains("You cannot change your own membership"));

    let remove = format!("{at}/members/{amy}/remove");
    let shown = page(&mut b, &at, StatusCode::OK).await;
    assert!(
        shown.body.contains(&format!("action=\"{remove}\"")),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("<details class=\"confirm\">"),
        "removal asks first"
    );
    let res = b.post_from(&shown, &remove, &[]).await;
    assert_see_other(&res, &format!("{at}?notice=org_member_removed"));
    assert_eq!(role_of(&app, &amy, &acme).await, None);
    assert!(app.audited("membership.removed").await);
    // Removing again: no such member.
    let res = post(&mut b, &at, &remove, &[]).await;
    assert_see_other(&res, &format!("{at}?error=org_member_not_found"));
}

async fn invitations_are_sent_shown_once_and_listed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let acme = org(&app, "Acme").await;
    let root = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &root).await;
    let at = format!("/admin/organizations/{acme}");
    let action = format!("{at}/invitations");

    let bad = post(
        &mut b,
        &at,
        &action,
        &[("email", "nope"), ("role", "member")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body
            .contains("Enter an email address such as name@example.com.")
    );
    assert!(invitations_of(&app, &acme).await.is_empty());

    let res = post(
        &mut b,
        &at,
        &action,
        &[("email", "New@Example.com"), ("role", "admin")],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Invitation created"), "{}", res.body);
    assert!(
        res.body.contains("/invitation?token="),
        "the link, shown once"
    );
    assert_eq!(res.headers["cache-control"], "no-store");
    assert_eq!(invitations_of(&app, &acme).await, vec!["new@example.com"]);
    let row = &app.audit_rows("invitation.created").await[0];
    assert!(
        row.details.contains("\"role\":\"admin\""),
        "{}",
        row.details
    );

    let shown = page(&mut b, &at, StatusCode::OK).await;
    assert!(shown.body.contains("new@example.com"), "{}", shown.body);
    assert!(
        !shown.body.contains("token="),
        "the link is not shown again"
    );

    // The link is a secret: an old sign-in signs in again first (SR-101),
    // as for an invitation from the users page and the API.
    app.clock.advance(chrono::Duration::hours(2));
    let stale = b
        .post_from(
            &shown,
            &action,
            &[("email", "late@example.com"), ("role", "member")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER, "{}", stale.body);
    assert!(
        stale.location().starts_with("/login?force=1"),
        "{}",
        stale.location()
    );
    assert_eq!(invitations_of(&app, &acme).await, vec!["new@example.com"]);

    // Revoked after confirming: the link stops working (audited); a second
    // revocation finds nothing open.
    let link = {
        let at = res.body.find("/invitation?token=").unwrap();
        let end = at + res.body[at..].find(['"', '<']).unwrap();
        res.body[at..end].to_owned()
    };
    assert_eq!(app.browser().get(&link).await.status, StatusCode::OK);
    let shown = page(&mut b, &at, StatusCode::OK).await;
    let revoke = {
        let end = shown.body.find("/revoke\"").unwrap() + "/revoke".len();
        let start = shown.body[..end].rfind('"').unwrap() + 1;
        shown.body[start..end].to_owned()
    };
    assert!(
        revoke.starts_with(&format!("{at}/invitations/")),
        "{revoke}"
    );
    let done = b.post_from(&shown, &revoke, &[]).await;
    assert_eq!(
        done.location(),
        format!("{at}?notice=org_invitation_revoked")
    );
    assert!(invitations_of(&app, &acme).await.is_empty());
    let row = &app.audit_rows("invitation.revoked").await[0];
    assert_eq!(row.organization_id.as_deref(), Some(acme.as_str()));
    assert_eq!(
        app.browser().get(&link).await.status,
        StatusCode::BAD_REQUEST,
        "the revoked link no longer works"
    );
    let again = b.post_from(&shown, &revoke, &[]).await;
    assert_eq!(again.location(), format!("{at}?error=org_invitation_gone"));
    assert_eq!(app.audit_rows("invitation.revoked").await.len(), 1);
}

async fn organization_admins_never_reach_other_organizations(backend: Backend) {
    // SR-100: another organization's page and every form against it
    // answer 404, and nothing changes.
    let app = TestApp::spawn(backend).await;
    let boss = org_admin(&app, "boss@a.test", "Org A", Role::Admin).await;
    let org_a = org(&app, "Org A").await;
    let bob = member(&app, "bob@b.test", "Org B", Role::Member).await;
    let org_b = org(&app, "Org B").await;
    let mut b = signed_in(&app, &boss).await;
    let own = format!("/admin/organizations/{org_a}");
    page(&mut b, &own, StatusCode::OK).await;
    let theirs = format!("/admin/organizations/{org_b}");
    page(&mut b, &theirs, StatusCode::NOT_FOUND).await;
    let audits = app.audit_row_count().await;

    let posts: [(String, Vec<(&str, &str)>); 5] = [
        (format!("{theirs}/name"), vec![("name", "Mine now")]),
        (
            format!("{theirs}/members"),
            vec![("email", "boss@a.test"), ("role", "admin")],
        ),
        (
            format!("{theirs}/members/{bob}/role"),
            vec![("role", "admin")],
        ),
        (format!("{theirs}/members/{bob}/remove"), vec![]),
        (
            format!("{theirs}/invitations"),
            vec![("email", "x@a.test"), ("role", "admin")],
        ),
    ];
    for (action, fields) in &posts {
        let res = post(&mut b, &own, action, fields).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{action}: {}", res.body);
    }
    assert_eq!(name_of(&app, &org_b).await.as_deref(), Some("Org B"));
    assert_eq!(role_of(&app, &bob, &org_b).await.as_deref(), Some("member"));
    let boss_id = user_id(&app, &boss.email).await;
    assert_eq!(role_of(&app, &boss_id, &org_b).await, None);
    assert!(invitations_of(&app, &org_b).await.is_empty());
    // Nor can it pull another organization's member into its own.
    let res = post(
        &mut b,
        &own,
        &format!("{own}/members"),
        &[("email", "bob@b.test"), ("role", "member")],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert!(
        res.body
            .contains("There is no account with this address that you can add")
    );
    assert_eq!(role_of(&app, &bob, &org_a).await, None);
    let res = post(
        &mut b,
        &own,
        &format!("{own}/members/{bob}/role"),
        &[("role", "member")],
    )
    .await;
    assert_see_other(&res, &format!("{own}?error=org_member_not_found"));
    assert_eq!(role_of(&app, &bob, &org_a).await, None);
    // Nor create organizations.
    page(&mut b, "/admin/organizations/new", StatusCode::FORBIDDEN).await;
    let before = org_count(&app).await;
    let res = post(&mut b, &own, "/admin/organizations", &[("name", "Org C")]).await;
    assert_see_other(&res, "/admin/organizations?error=org_needs_global");
    assert_eq!(org_count(&app).await, before);
    assert_eq!(app.audit_row_count().await, audits, "nothing was audited");
}

async fn organization_admins_keep_away_from_owners_and_themselves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let boss = org_admin(&app, "boss@a.test", "Org A", Role::Admin).await;
    let org_a = org(&app, "Org A").await;
    let boss_id = user_id(&app, &boss.email).await;
    let amy = member(&app, "amy@a.test", "Org A", Role::Member).await;
    let olga = member(&app, "olga@a.test", "Org A", Role::Owner).await;
    let mut b = signed_in(&app, &boss).await;
    let at = format!("/admin/organizations/{org_a}");

    let shown = page(&mut b, &at, StatusCode::OK).await;
    // The page offers no owner role, no form for the owner's or the
    // caller's own row, and no direct adding (it invites).
    assert!(!shown.body.contains("value=\"owner\""), "{}", shown.body);
    assert!(!shown.body.contains(&format!("/members/{olga}/")));
    assert!(!shown.body.contains(&format!("/members/{boss_id}/")));
    assert!(shown.body.contains(&format!("/members/{amy}/role")));
    assert!(!shown.body.contains(&format!("action=\"{at}/members\"")));
    assert!(
        shown
            .body
            .contains("To add someone, invite them by email below.")
    );

    // The services refuse whatever is posted anyway.
    let res = post(
        &mut b,
        &at,
        &format!("{at}/members/{amy}/role"),
        &[("role", "owner")],
    )
    .await;
    assert_see_other(&res, &format!("{at}?error=org_needs_global"));
    assert_eq!(role_of(&app, &amy, &org_a).await.as_deref(), Some("member"));
    let res = post(
        &mut b,
        &at,
        &format!("{at}/members/{olga}/role"),
        &[("role", "member")],
    )
    .await;
    assert_see_other(&res, &format!("{at}?error=org_needs_global"));
    let res = post(&mut b, &at, &format!("{at}/members/{olga}/remove"), &[]).await;
    assert_see_other(&res, &format!("{at}?error=org_needs_global"));
    assert_eq!(role_of(&app, &olga, &org_a).await.as_deref(), Some("owner"));
    let res = post(
        &mut b,
        &at,
        &format!("{at}/invitations"),
        &[("email", "o@a.test"), ("role", "owner")],
    )
    .await;
    assert_see_other(&res, &format!("{at}?error=org_needs_global"));
    assert!(invitations_of(&app, &org_a).await.is_empty());
    let shown = page(
        &mut b,
        &format!("{at}?error=org_needs_global"),
        StatusCode::OK,
    )
    .await;
    assert!(
        shown.body.contains("Only a superuser can do this"),
        "{}",
        shown.body
    );
    for (action, fields) in [
        (
            format!("{at}/members/{boss_id}/role"),
            vec![("role", "member")],
        ),
        (format!("{at}/members/{boss_id}/remove"), vec![]),
    ] {
        let res = post(&mut b, &at, &action, &fields).await;
        assert_see_other(&res, &format!("{at}?error=org_itself"));
    }
    assert_eq!(
        role_of(&app, &boss_id, &org_a).await.as_deref(),
        Some("admin")
    );

    // What an organization's admin may do: roles below owner, invitations.
    let res = post(
        &mut b,
        &at,
        &format!("{at}/members/{amy}/role"),
        &[("role", "auditor")],
    )
    .await;
    assert_see_other(&res, &format!("{at}?notice=org_role_changed"));
    assert_eq!(
        role_of(&app, &amy, &org_a).await.as_deref(),
        Some("auditor")
    );
    let res = post(
        &mut b,
        &at,
        &format!("{at}/invitations"),
        &[("email", "new@a.test"), ("role", "admin")],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(invitations_of(&app, &org_a).await, vec!["new@a.test"]);
}

async fn auditors_read_but_cannot_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let auditor = org_admin(&app, "audit@a.test", "Org A", Role::Auditor).await;
    let org_a = org(&app, "Org A").await;
    let amy = member(&app, "amy@a.test", "Org A", Role::Member).await;
    let mut b = signed_in(&app, &auditor).await;
    let at = format!("/admin/organizations/{org_a}");
    let shown = page(&mut b, &at, StatusCode::OK).await;
    assert!(shown.body.contains("amy@a.test"), "{}", shown.body);
    for form in ["/name\"", "/role\"", "/remove\"", "/invitations\""] {
        assert!(!shown.body.contains(form), "{form}: {}", shown.body);
    }
    let audits = app.audit_row_count().await;
    for (action, fields) in [
        (format!("{at}/name"), vec![("name", "Renamed")]),
        (
            format!("{at}/members"),
            vec![("email", "amy@a.test"), ("role", "admin")],
        ),
        (format!("{at}/members/{amy}/role"), vec![("role", "admin")]),
        (format!("{at}/members/{amy}/remove"), vec![]),
        (
            format!("{at}/invitations"),
            vec![("email", "x@a.test"), ("role", "member")],
        ),
        ("/admin/organizations".to_owned(), vec![("name", "Org C")]),
    ] {
        let res = post(&mut b, &at, &action, &fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}: {}", res.body);
    }
    assert_eq!(name_of(&app, &org_a).await.as_deref(), Some("Org A"));
    assert_eq!(role_of(&app, &amy, &org_a).await.as_deref(), Some("member"));
    assert!(invitations_of(&app, &org_a).await.is_empty());
    assert_eq!(app.audit_row_count().await, audits);
}

async fn forms_without_their_csrf_token_change_nothing(backend: Backend) {
    // SR-70: a forged form is refused before anything happens.
    let app = TestApp::spawn(backend).await;
    let acme = org(&app, "Acme").await;
    let amy = member(&app, "amy@example.com", "Acme", Role::Member).await;
    let root = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &root).await;
    let at = format!("/admin/organizations/{acme}");
    for (action, fields) in [
        ("/admin/organizations".to_owned(), vec![("name", "Forged")]),
        (format!("{at}/name"), vec![("name", "Forged")]),
        (format!("{at}/members/{amy}/role"), vec![("role", "owner")]),
        (format!("{at}/members/{amy}/remove"), vec![]),
        (
            format!("{at}/invitations"),
            vec![("email", "x@example.com"), ("role", "member")],
        ),
    ] {
        let res = b.post_form(&action, &fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}: {}", res.body);
        let mut wrong = fields.clone();
        wrong.push(("csrf_token", "forged"));
        let res = b.post_form(&action, &wrong).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}: {}", res.body);
    }
    assert_eq!(name_of(&app, &acme).await.as_deref(), Some("Acme"));
    assert_eq!(role_of(&app, &amy, &acme).await.as_deref(), Some("member"));
    assert!(invitations_of(&app, &acme).await.is_empty());
    assert_eq!(org_count(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organizations_in_chromium() {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(Backend::Sqlite).await;
    org(&app, "Acme").await;
    let members = ["ada@example.com", "max@example.com"];
    for email in members {
        app.create_user(email, PASSWORD).await;
    }
    let admin = superuser(&app, "root@example.com").await;
    let seen = in_chromium(
        &app,
        "console_organizations.mjs",
        &admin,
        json!({ "members": members }),
    )
    .await;
    let ada = user_id(&app, "ada@example.com").await;
    let max = user_id(&app, "max@example.com").await;
    for v in ["en-desktop", "de-phone"] {
        let id = seen["orgs"][v].as_str().unwrap();
        assert_eq!(name_of(&app, id).await, Some(format!("Team {v}")), "{seen}");
        // Ada's role was changed to admin; Max was removed.
        assert_eq!(role_of(&app, &ada, id).await.as_deref(), Some("admin"));
        assert_eq!(role_of(&app, &max, id).await, None);
        // The invitation was made, then revoked.
        assert!(invitations_of(&app, id).await.is_empty(), "{seen}");
    }
    for action in [
        "organization.created",
        "membership.added",
        "membership.changed",
        "membership.removed",
        "invitation.created",
        "invitation.revoked",
    ] {
        assert!(app.audited(action).await, "{action}");
    }
}
