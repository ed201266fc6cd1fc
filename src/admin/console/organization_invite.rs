//! `POST /admin/organizations/{id}/invitations` (S6, S8): invite an
//! address into an organization with a role, through
//! `users::admin_create::invite` as `POST /api/v1/organizations/{id}/invitations`
//! does (the owner role needs global reach, SR-100; audited). The link is
//! emailed and shown once on the answer page, for when mail is not set up.
//! An open invitation is revoked through `users::admin_create::revoke_invitation`
//! (as `DELETE /api/v1/organizations/{id}/invitations/{invitation_id}`).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use crate::admin::api::users::reach_of;
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::organization_page::{FormState, Forms, in_reach, render, role_label};
use crate::admin::console::organization_writes::MemberForm;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::guard::Checked;
use crate::auth::recent::reauthenticate_redirect;
use crate::domain::{Email, OrganizationId, Role};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::users::admin_create::{self, NewInvitation, Refusal};
use crate::users::invitations::CreatedInvitation;
use crate::web::render::html;

#[derive(Template)]
#[template(path = "admin/organizations/invited.html")]
pub struct InvitedPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub invitation: CreatedInvitation,
    pub role_label: &'static str,
    pub expires: String,
}

/// A refusal of `admin_create::invite` as the page's error.
fn refused(back: &str, refusal: &Refusal) -> HttpResponse {
    let key = match refusal {
        Refusal::NeedsGlobal(_) => "org_needs_global",
        Refusal::Organization(_) => "org_member_not_found",
        Refusal::EmailTaken | Refusal::Password(_) => "org_invite_refused",
    };
    respond::refused(back, key)
}

/// `POST /admin/organizations/{id}/invitations`
pub async fn invite(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: Checked<MemberForm>,
) -> Result<HttpResponse, AppError> {
    // The API's scope for invitations: they make accounts.
    console
        .caller
        .require(Scope::write("users"))
        .map_err(respond::problem)?;
    let org = in_reach(&state, &console, &OrganizationId::from(path.into_inner()))
        .await?
        .id;
    // The link it shows once lets its holder make an account in the
    // organization: like every invitation, it needs a recent sign-in.
    if !console.caller.recent {
        return Ok(reauthenticate_redirect(&format!(
            "/admin/organizations/{org}"
        )));
    }
    let form = form.into_inner();
    let again = |error: &'static str| Forms {
        invite: FormState {
            value: form.email.clone(),
            role: form.role.clone(),
            error: Some(error),
        },
        ..Forms::default()
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let Ok(role) = form.role.parse::<Role>() else {
        let forms = again("admin.organizations.role_invalid");
        return render(&console, &state, org, forms, status).await;
    };
    let Ok(email) = Email::parse(&form.email) else {
        let forms = again("admin.organizations.email_invalid");
        return render(&console, &state, org, forms, status).await;
    };
    let back = format!("/admin/organizations/{org}");
    let spec = NewInvitation {
        organization: org,
        email,
        role,
        ttl_hours: state.config.mail.invitation_ttl_hours,
    };
    let (actor, reach) = (&console.caller.actor, reach_of(&console.caller));
    let locale = console.chrome.t.locale();
    let created = match admin_create::invite(&state, actor, &reach, spec, locale).await? {
        None => return Err(AppError::NotFound),
        Some(Err(refusal)) => return Ok(refused(&back, &refusal)),
        Some(Ok(created)) => created,
    };
    html(
        StatusCode::OK,
        &InvitedPage {
            t: console.chrome.t,
            chrome: console.chrome("organizations"),
            role_label: role_label(created.role.as_str()),
            expires: created.expires_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            invitation: created,
        },
        vec![],
    )
}

/// The revoke button's form.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_field!(RevokeForm);

/// `POST /admin/organizations/{id}/invitations/{invitation}/revoke`: the
/// link stops working (after confirming on the page). Another
/// organization's, an accepted or an already revoked invitation: the page
/// says it is gone.
pub async fn revoke(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: Checked<RevokeForm>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("users"))
        .map_err(respond::problem)?;
    let (org, invitation) = path.into_inner();
    let org = in_reach(&state, &console, &OrganizationId::from(org))
        .await?
        .id;
    let back = format!("/admin/organizations/{org}");
    let reach = reach_of(&console.caller);
    let revoked =
        admin_create::revoke_invitation(&state, &console.caller.actor, &reach, org, invitation)
            .await?;
    Ok(if revoked {
        respond::done(&back, "org_invitation_revoked")
    } else {
        respond::refused(&back, "org_invitation_gone")
    })
}
