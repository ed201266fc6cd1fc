//! `/account`: the signed-in user's profile, organizations, connected
//! applications (consents, revocable: SR-22) and sessions, with "sign out"
//! per session and "sign out all devices".

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::auth::guard::{Checked, CsrfOnly, Page, SignedIn};
use crate::auth::{account_overview, csrf, self_service, session};
use crate::domain::{ClientId, SessionId};
use crate::error::AppError;
use crate::federation::registry;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::users::contact::{self, Address, BadContact, ContactChange};
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// One organization row on the page.
#[derive(Debug)]
pub struct OrgView {
    pub name: String,
    pub role: String,
}

/// One application the user consented to.
#[derive(Debug)]
pub struct AppView {
    pub client_id: ClientId,
    pub name: String,
    pub scopes: String,
    pub since: String,
}

/// One upstream identity linked to the account.
#[derive(Debug)]
pub struct IdentityView {
    pub provider_id: String,
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
    pub since: String,
    pub last_used: Option<String>,
}

/// A provider the account may link.
#[derive(Debug)]
pub struct LinkableView {
    pub id: String,
    pub label: String,
    pub icon: &'static str,
}

/// One session row on the page.
#[derive(Debug)]
pub struct SessionView {
    pub id: SessionId,
    pub device_label: String,
    pub ip: String,
    pub last_seen: String,
    pub created: String,
    pub current: bool,
    /// How the session signed in, in words (from its `amr`).
    pub methods: String,
}

/// "Password + one-time code" for `["pwd", "otp", "mfa"]` (also the
/// console's sessions of a user).
pub fn describe_amr(amr: &[String], t: Tr) -> String {
    let words: Vec<&str> = amr
        .iter()
        .filter_map(|m| match m.as_str() {
            "pwd" => Some(t.text("amr.pwd")),
            "otp" => Some(t.text("amr.otp")),
            "swk" | "hwk" => Some(t.text("amr.passkey")),
            "fed" => Some(t.text("amr.fed")),
            _ => None,
        })
        .collect();
    let mut text = words.join(" + ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text
}

/// The account page.
#[derive(Template)]
#[template(path = "flow/account.html")]
pub struct AccountPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub email: String,
    pub display_name: String,
    /// E.164 phone number, empty when not set.
    pub phone_number: String,
    pub phone_number_verified: bool,
    /// The address members (empty when not set).
    pub address: Address,
    pub has_password: bool,
    pub email_verified: bool,
    pub superuser: bool,
    pub organizations: Vec<OrgView>,
    /// Upstream identities that sign in to this account.
    pub identities: Vec<IdentityView>,
    /// Enabled providers not linked yet.
    pub linkable: Vec<LinkableView>,
    pub applications: Vec<AppView>,
    pub sessions: Vec<SessionView>,
    pub notice: Option<String>,
}

/// The display-name form.
#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    display_name: String,
}

/// The phone and address form (OIDC Core §5.1: `phone_number`,
/// `address`); the verified flag is not the user's to set.
#[derive(Debug, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    phone_number: String,
    #[serde(default)]
    street_address: String,
    #[serde(default)]
    locality: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    country: String,
}

/// Longest display name kept.
const MAX_NAME: usize = 200;

/// Query of `GET /account`.
#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    notice: Option<String>,
}

/// "Sign out all/other devices", with the "also disconnect applications"
/// box. The form marks that it offers the box (`apps_choice`); without it
/// (a client that never saw the box) applications are disconnected.
#[derive(Debug, Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf_token: String,
    apps_choice: Option<String>,
    disconnect_apps: Option<String>,
}

crate::csrf_field!(SignOutForm, ProfileForm, ContactForm);

impl SignOutForm {
    fn disconnect_apps(&self) -> bool {
        self.apps_choice.is_none() || self.disconnect_apps.as_deref() == Some("yes")
    }
}

fn when(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// This page, for the sign-in guards.
pub struct ThisPage;

impl Page for ThisPage {
    const PATH: &'static str = "/account";
}

/// `GET /account`
pub async fn get_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    query: web::Query<AccountQuery>,
) -> Result<HttpResponse, AppError> {
    let overview = account_overview::account(&state, &current.user.id).await?;
    let t = Tr::current();
    let notice = match query.notice.as_deref() {
        Some("session-revoked") => Some(t.text("account.session_revoked").to_owned()),
        Some("consent-revoked") => Some(t.text("account.consent_revoked").to_owned()),
        Some("profile-saved") => Some(t.text("account.profile_saved").to_owned()),
        Some("name-invalid") => Some(t.text("account.name_invalid").to_owned()),
        Some("phone-invalid") => Some(t.text("account.phone_invalid").to_owned()),
        Some("address-invalid") => Some(t.text("account.address_invalid").to_owned()),
        Some("provider-linked") => Some(t.text("account.provider_linked").to_owned()),
        Some("provider-already-linked") => {
            Some(t.text("account.provider_already_linked").to_owned())
        }
        Some("provider-unlinked") => Some(t.text("account.provider_unlinked").to_owned()),
        Some("provider-last-method") => Some(t.text("account.provider_last_method").to_owned()),
        _ => None,
    };
    let page = AccountPage {
        t,
        csrf_token: csrf::issue(&req, &state, Some(&current)).token,
        email: current.user.email.clone(),
        display_name: current.user.display_name.clone(),
        phone_number: current.user.phone_number.clone().unwrap_or_default(),
        phone_number_verified: current.user.phone_number_verified,
        address: Address::of(&current.user).unwrap_or_default(),
        has_password: current.user.password_hash.is_some(),
        email_verified: current.user.email_verified,
        superuser: current.user.superuser,
        organizations: overview
            .memberships
            .into_iter()
            .map(|(name, role)| OrgView { name, role })
            .collect(),
        linkable: registry::buttons(&state)
            .await?
            .into_iter()
            .filter(|b| {
                !overview
                    .identities
                    .iter()
                    .any(|(i, _)| i.provider_id == b.id)
            })
            .map(|b| LinkableView {
                id: b.id,
                label: b.label,
                icon: b.icon,
            })
            .collect(),
        identities: overview
            .identities
            .into_iter()
            .map(|(i, provider)| IdentityView {
                provider_id: i.provider_id,
                provider,
                subject: i.subject,
                email: i.email,
                since: when(i.created_at),
                last_used: i.last_login_at.map(when),
            })
            .collect(),
        applications: overview
            .consents
            .into_iter()
            .map(|(c, name)| AppView {
                scopes: c.scopes.join(" "),
                since: when(c.created_at),
                client_id: c.client_id,
                name,
            })
            .collect(),
        sessions: overview
            .sessions
            .into_iter()
            .map(|s| SessionView {
                current: s.id == current.session.id,
                id: s.id,
                device_label: s.device_label,
                ip: s.ip,
                last_seen: when(s.last_seen_at),
                created: when(s.created_at),
                methods: describe_amr(&s.amr, t),
            })
            .collect(),
        notice,
    };
    html(StatusCode::OK, &page, vec![])
}

/// `POST /account/sessions/{id}/revoke`
pub async fn post_revoke_session(
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    path: web::Path<SessionId>,
    _csrf: Checked<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let target = path.into_inner();
    if !session::revoke(&state, current.actor(&ctx), &current.user.id, &target).await? {
        return Err(AppError::NotFound);
    }
    if target == current.session.id {
        return Ok(see_other("/login", vec![session::removal()]));
    }
    Ok(see_other("/account?notice=session-revoked", vec![]))
}

/// `POST /account/sessions/revoke-all`
pub async fn post_revoke_all(
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    form: Checked<SignOutForm>,
) -> Result<HttpResponse, AppError> {
    let apps = form.disconnect_apps();
    session::revoke_all(&state, current.actor(&ctx), &current.user.id, None, apps).await?;
    Ok(see_other("/login", vec![session::removal()]))
}

/// `POST /account/sessions/revoke-others`: end every session but this one
/// (offered after a sign-in factor changes, SR-65).
pub async fn post_revoke_others(
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    form: Checked<SignOutForm>,
) -> Result<HttpResponse, AppError> {
    let keep = Some(&current.session.id);
    let apps = form.disconnect_apps();
    session::revoke_all(&state, current.actor(&ctx), &current.user.id, keep, apps).await?;
    Ok(see_other(
        "/account/security?notice=others-signed-out",
        vec![],
    ))
}

/// `POST /account/consents/{client_id}/revoke`: forget the consent and
/// revoke every grant (and so every token) of the user with that client.
pub async fn post_revoke_consent(
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    path: web::Path<ClientId>,
    _csrf: Checked<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let client_id = path.into_inner();
    let actor = current.actor(&ctx);
    if !self_service::revoke_consent(&state, actor, &current.user.id, &client_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/account?notice=consent-revoked", vec![]))
}

/// `POST /account/profile`: change the display name (audited).
pub async fn post_profile(
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    form: Checked<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let name = form.display_name.trim();
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Ok(see_other("/account?notice=name-invalid", vec![]));
    }
    let (actor, user) = (current.actor(&ctx), &current.user);
    self_service::set_display_name(&state, actor, &user.id, &user.display_name, name).await?;
    Ok(see_other("/account?notice=profile-saved", vec![]))
}

/// `POST /account/contact`: change the phone number and address (one rule,
/// [`contact::check`]; audited). A bad value changes nothing and says why.
pub async fn post_contact(
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    form: Checked<ContactForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let change = ContactChange {
        phone_number: Some(form.phone_number),
        phone_number_verified: None,
        address: Some(Address {
            street_address: Some(form.street_address),
            locality: Some(form.locality),
            region: Some(form.region),
            postal_code: Some(form.postal_code),
            country: Some(form.country),
        }),
    };
    let checked = match contact::check(change) {
        Ok(c) => c,
        Err(BadContact::Phone) => return Ok(see_other("/account?notice=phone-invalid", vec![])),
        Err(_) => return Ok(see_other("/account?notice=address-invalid", vec![])),
    };
    self_service::set_contact(&state, current.actor(&ctx), &current.user.id, checked).await?;
    Ok(see_other("/account?notice=profile-saved", vec![]))
}
