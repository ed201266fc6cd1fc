//! Creating and inviting accounts within an administrator's reach (S2, S8):
//! the one rule for the admin API and the console. SR-100: the superuser
//! flag and the owner role need global reach; an organization's caller
//! creates and invites only into its own organizations (and must name one
//! when it has several). The account itself is made by
//! [`accounts::create_user`], the invitation by [`invitations::create`]
//! (and revoked by [`invitations::revoke`]).

use crate::audit::Actor;
use crate::domain::{Email, OrganizationId, Password, Role};
use crate::error::AppError;
use crate::mail::Locale;
use crate::state::AppState;
use crate::store::{orgs, users};
use crate::users::accounts::{self, UserListing, UserSpec};
use crate::users::admin::Reach;
use crate::users::invitations::{self, CreatedInvitation, InvitationSpec};
use crate::users::password_rules;

/// An account to create.
#[derive(Debug)]
pub struct NewAccount {
    pub email: Email,
    pub display_name: String,
    pub password: Option<Password>,
    pub superuser: bool,
    pub email_verified: bool,
    /// The organization and role; an organization's caller defaults to its
    /// only organization.
    pub organization: Option<OrganizationId>,
    pub role: Option<Role>,
}

/// Why an account or invitation was refused; each names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// This field's value needs global reach.
    NeedsGlobal(&'static str),
    /// `organization_id` names no organization in reach (or is missing
    /// for a caller of several organizations).
    Organization(&'static str),
    /// A live account has this address.
    EmailTaken,
    /// The password breaks the rules (SR-80, SR-81).
    Password(crate::domain::Refusal),
}

/// The organization to create into: in reach, existing; its name.
async fn organization(
    state: &AppState,
    reach: &Reach,
    wanted: Option<OrganizationId>,
) -> Result<Result<Option<(OrganizationId, String)>, Refusal>, AppError> {
    let id = match (wanted, &reach.organizations) {
        (Some(id), Some(orgs)) if !orgs.contains(&id) => {
            return Ok(Err(Refusal::Organization(
                "names no organization you administer",
            )));
        }
        (Some(id), _) => id,
        (None, None) => return Ok(Ok(None)),
        (None, Some(orgs)) => match orgs.as_slice() {
            [only] => only.clone(),
            _ => {
                return Ok(Err(Refusal::Organization(
                    "is required: you administer several organizations",
                )));
            }
        },
    };
    let lookup = id.clone();
    let name = state
        .db
        .run(move |conn| orgs::name_of(conn, &lookup))
        .await?;
    Ok(match name {
        Some(name) => Ok(Some((id, name))),
        None => Err(Refusal::Organization("names no organization")),
    })
}

/// Create an account in reach; the account, or why not.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    spec: NewAccount,
) -> Result<Result<UserListing, Refusal>, AppError> {
    if spec.superuser && !reach.global() {
        return Ok(Err(Refusal::NeedsGlobal("superuser")));
    }
    if spec.role == Some(Role::Owner) && !reach.global() {
        return Ok(Err(Refusal::NeedsGlobal("role")));
    }
    let org = match organization(state, reach, spec.organization).await? {
        Ok(org) => org,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let password_hash = match &spec.password {
        None => None,
        Some(password) => {
            let names: Vec<&str> = org.iter().map(|(_, name)| name.as_str()).collect();
            if let Err(rule) = password_rules::check_new_password(
                &state.config,
                password,
                spec.email.as_str(),
                &names,
            ) {
                return Ok(Err(Refusal::Password(rule)));
            }
            Some(state.hasher.hash(password).await?)
        }
    };
    let user_spec = UserSpec {
        email: spec.email,
        display_name: spec.display_name,
        password_hash,
        superuser: spec.superuser,
        email_verified: spec.email_verified,
        organization: org.map(|(_, name)| (name, spec.role.unwrap_or(Role::Member))),
    };
    let (actor, now) = (actor.clone(), state.now());
    let within = reach.organizations.clone();
    let created = state
        .db
        .run(move |conn| {
            let created = match accounts::create_user(conn, &actor, &user_spec, now) {
                Ok(created) => created,
                Err(AppError::Conflict(_)) => return Ok(Err(Refusal::EmailTaken)),
                Err(e) => return Err(e),
            };
            let user = users::find(conn, &created.id)?.ok_or(AppError::NotFound)?;
            accounts::listing(conn, user, within.as_deref()).map(Ok)
        })
        .await?;
    Ok(created)
}

/// An invitation to make.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub organization: OrganizationId,
    pub email: Email,
    pub role: Role,
    pub ttl_hours: i64,
}

/// Invite into an organization in reach (not found: `Ok(None)`); the
/// invitation with its link (shown only now), or why not.
pub async fn invite(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    spec: NewInvitation,
    locale: Locale,
) -> Result<Option<Result<CreatedInvitation, Refusal>>, AppError> {
    if reach
        .organizations
        .as_ref()
        .is_some_and(|orgs| !orgs.contains(&spec.organization))
    {
        return Ok(None);
    }
    let Ok(Some((_, name))) = organization(state, reach, Some(spec.organization)).await? else {
        return Ok(None);
    };
    if spec.role == Role::Owner && !reach.global() {
        return Ok(Some(Err(Refusal::NeedsGlobal("role"))));
    }
    let created = invitations::create(
        state,
        actor,
        InvitationSpec {
            organization: name,
            email: spec.email,
            role: spec.role,
            ttl_hours: spec.ttl_hours,
        },
        locale,
    )
    .await?;
    Ok(Some(Ok(created)))
}

/// Revoke the open invitation `id` into `organization`, within `reach`
/// (the one rule for the API and the console). `false` when the
/// organization is out of reach or there is no such open invitation.
pub async fn revoke_invitation(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    organization: OrganizationId,
    id: String,
) -> Result<bool, AppError> {
    if reach
        .organizations
        .as_ref()
        .is_some_and(|orgs| !orgs.contains(&organization))
    {
        return Ok(false);
    }
    if id.len() > 100 {
        return Ok(false);
    }
    invitations::revoke(state, actor, organization, id).await
}
