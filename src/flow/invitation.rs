//! `/invitation?token=…`: accept an invitation to an organization, either
//! by creating an account (choose a password) or, signed in with the
//! invited (verified) address, by joining. See [`crate::users::invitations`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::pages::{ConfirmPage, NewPasswordPage, NoticePage, invalid_link};
use crate::auth::guard::Checked;
use crate::auth::{MaybeSession, csrf};
use crate::domain::Password;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::users::invitations::{self, Accepted, Acceptor, View};
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// Query of `GET /invitation`.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `POST /invitation`
#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    display_name: String,
    password: Option<String>,
    #[serde(default)]
    password_confirm: String,
}

crate::csrf_field!(AcceptForm);

fn notice(
    status: StatusCode,
    heading: &'static str,
    message: String,
    link: Option<(String, &'static str)>,
) -> Result<HttpResponse, AppError> {
    html(
        status,
        &NoticePage {
            t: crate::i18n::Tr::current(),
            heading,
            message,
            link,
        },
        vec![],
    )
}

fn sign_in_link(token: &str) -> String {
    let back = format!("/invitation?token={token}");
    format!(
        "/login?return_to={}",
        url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
    )
}

fn password_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    token: &str,
    organization: &str,
    name: &str,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookies) = csrf::issue(req, state, None).cookies();
    let page = NewPasswordPage {
        t: Tr::current(),
        heading: Tr::current().text("invite.heading"),
        lead: Tr::current().fill("invite.create", organization),
        action: "/invitation",
        button: Tr::current().text("invite.create.button"),
        csrf_token,
        token: token.to_owned(),
        with_name: true,
        display_name: name.to_owned(),
        error,
        min_length: state.config.password.min_length,
    };
    html(status, &page, cookies)
}

fn expired() -> Result<HttpResponse, AppError> {
    notice(
        StatusCode::GONE,
        Tr::current().text("invite.expired"),
        Tr::current().text("invite.expired.message").into(),
        None,
    )
}

fn already() -> Result<HttpResponse, AppError> {
    notice(
        StatusCode::OK,
        Tr::current().text("invite.already"),
        Tr::current().text("invite.already.message").into(),
        Some(("/login".into(), Tr::current().text("common.sign_in"))),
    )
}

/// `GET /invitation`
pub async fn get_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    if token.len() > 128 {
        return invalid_link("link.invalid.invitation", "/");
    }
    let (invitation, organization, user_exists) = match invitations::view(&state, &token).await? {
        View::Invalid => return invalid_link("link.invalid.invitation", "/"),
        View::Expired => return expired(),
        View::Accepted => return already(),
        View::Open {
            invitation,
            organization,
            user_exists,
        } => (invitation, organization, user_exists),
    };
    match session.0.as_deref() {
        Some(current) if current.user.email == invitation.email => {
            let (csrf_token, cookies) = csrf::issue(&req, &state, Some(current)).cookies();
            html(
                StatusCode::OK,
                &ConfirmPage {
                    t: Tr::current(),
                    heading: Tr::current().text("invite.heading"),
                    message: Tr::current().fill2("invite.join", &organization, &invitation.role),
                    action: "/invitation",
                    button: Tr::current().text("invite.join.button"),
                    csrf_token,
                    token: Some(token),
                },
                cookies,
            )
        }
        Some(_) => notice(
            StatusCode::CONFLICT,
            Tr::current().text("invite.someone_else"),
            Tr::current().fill("invite.other_user", &invitation.email),
            Some(("/logout".into(), Tr::current().text("common.sign_out"))),
        ),
        None if user_exists => notice(
            StatusCode::OK,
            Tr::current().text("invite.sign_in"),
            Tr::current().fill2("invite.sign_in_as", &invitation.email, &organization),
            Some((sign_in_link(&token), Tr::current().text("common.sign_in"))),
        ),
        None => password_page(
            &req,
            &state,
            StatusCode::OK,
            &token,
            &organization,
            "",
            None,
        ),
    }
}

/// `POST /invitation`
pub async fn post_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let current = session.0.as_deref();
    if form.token.len() > 128 {
        return invalid_link("link.invalid.invitation", "/");
    }
    let (acceptor, actor) = match (current, form.password) {
        (Some(c), _) => (
            Acceptor::Existing {
                user_id: c.user.id.clone(),
            },
            c.actor(&ctx),
        ),
        (None, Some(password)) => {
            let (organization, invited) = match invitations::view(&state, &form.token).await? {
                View::Open {
                    organization,
                    invitation,
                    ..
                } => (organization, invitation.email),
                View::Invalid => return invalid_link("link.invalid.invitation", "/"),
                View::Expired => {
                    invitations::refuse_expired(&state, &ctx.actor(), &form.token).await?;
                    return expired();
                }
                View::Accepted => return already(),
            };
            let password = Password::new(password);
            let problem = if form.display_name.chars().count() > 200 {
                Some(Tr::current().text("form.name_too_long").to_owned())
            } else {
                crate::users::password_rules::check_new_password(
                    &state.config,
                    &password,
                    &invited,
                    &[organization.as_str()],
                )
                .err()
                .map(|rule| Tr::current().fill(rule.key(), rule.arg()))
                .or_else(|| {
                    (!password.matches(&Password::new(form.password_confirm)))
                        .then(|| Tr::current().text("form.passwords_differ").to_owned())
                })
            };
            if let Some(msg) = problem {
                return password_page(
                    &req,
                    &state,
                    StatusCode::BAD_REQUEST,
                    &form.token,
                    &organization,
                    &form.display_name,
                    Some(msg),
                );
            }
            let password_hash = state.hasher.hash(&password).await?;
            (
                Acceptor::NewUser {
                    display_name: form.display_name,
                    password_hash,
                },
                ctx.actor(),
            )
        }
        (None, None) => return Ok(see_other(&sign_in_link(&form.token), vec![])),
    };
    match invitations::accept(&state, &actor, &form.token, acceptor).await? {
        Accepted::Joined { created: false, .. } => Ok(see_other("/account", vec![])),
        Accepted::Joined { created: true, .. } => notice(
            StatusCode::OK,
            Tr::current().text("invite.welcome"),
            Tr::current().text("invite.welcome.message").into(),
            Some(("/login".into(), Tr::current().text("common.sign_in"))),
        ),
        Accepted::AlreadyAccepted => already(),
        Accepted::Invalid => invalid_link("link.invalid.invitation", "/"),
        Accepted::Expired => expired(),
        Accepted::WrongUser => notice(
            StatusCode::CONFLICT,
            Tr::current().text("invite.someone_else"),
            Tr::current().text("invite.wrong_user").into(),
            Some(("/logout".into(), Tr::current().text("common.sign_out"))),
        ),
        Accepted::SignInFirst => notice(
            StatusCode::CONFLICT,
            Tr::current().text("invite.sign_in"),
            Tr::current().text("invite.sign_in_first").into(),
            Some((
                sign_in_link(&form.token),
                Tr::current().text("common.sign_in"),
            )),
        ),
    }
}
