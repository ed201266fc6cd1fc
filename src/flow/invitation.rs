//! `/invitation?token=…`: accept an invitation to an organization, either
//! by creating an account (choose a password) or, signed in with the
//! invited (verified) address, by joining. See [`crate::invitations`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::pages::{ConfirmPage, NewPasswordPage, NoticePage, invalid_link};
use crate::auth::{MaybeSession, csrf};
use crate::domain::Password;
use crate::error::AppError;
use crate::invitations::{self, Accepted, Acceptor, View};
use crate::state::AppState;
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
        t: crate::i18n::Tr::current(),
        heading: "Accept the invitation",
        lead: format!("Create your account to join {organization}."),
        action: "/invitation",
        button: "Create my account",
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
        "Invitation expired",
        "This invitation has expired. Ask for a new one.".into(),
        None,
    )
}

fn already() -> Result<HttpResponse, AppError> {
    notice(
        StatusCode::OK,
        "Invitation already accepted",
        "This invitation was already accepted. Sign in to continue.".into(),
        Some(("/login".into(), "Sign in")),
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
        return invalid_link("invitation", "/");
    }
    let (invitation, organization, user_exists) = match invitations::view(&state, &token).await? {
        View::Invalid => return invalid_link("invitation", "/"),
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
                    t: crate::i18n::Tr::current(),
                    heading: "Accept the invitation",
                    message: format!("Join {organization} as {}.", invitation.role),
                    action: "/invitation",
                    button: "Join",
                    csrf_token,
                    token: Some(token),
                },
                cookies,
            )
        }
        Some(_) => notice(
            StatusCode::CONFLICT,
            "Signed in as someone else",
            format!(
                "This invitation is for {}. Sign out, then open the invitation link again.",
                invitation.email
            ),
            Some(("/logout".into(), "Sign out")),
        ),
        None if user_exists => notice(
            StatusCode::OK,
            "Sign in to accept",
            format!("Sign in as {} to join {organization}.", invitation.email),
            Some((sign_in_link(&token), "Sign in")),
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
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let current = session.0.as_deref();
    csrf::verify(&req, &state, current, &form.csrf_token)?;
    if form.token.len() > 128 {
        return invalid_link("invitation", "/");
    }
    let (acceptor, actor) = match (current, form.password) {
        (Some(c), _) => (
            Acceptor::Existing {
                user_id: c.user.id.clone(),
            },
            c.actor(&ctx),
        ),
        (None, Some(password)) => {
            let organization = match invitations::view(&state, &form.token).await? {
                View::Open { organization, .. } => organization,
                View::Invalid => return invalid_link("invitation", "/"),
                View::Expired => {
                    invitations::refuse_expired(&state, &ctx.actor(), &form.token).await?;
                    return expired();
                }
                View::Accepted => return already(),
            };
            let password = Password::new(password);
            let problem = if form.display_name.chars().count() > 200 {
                Some("The name can be at most 200 characters.".to_owned())
            } else {
                password
                    .check_new(state.config.password.min_length)
                    .err()
                    .or_else(|| {
                        (!password.matches(&Password::new(form.password_confirm)))
                            .then(|| "The two passwords do not match.".to_owned())
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
            "Welcome",
            "Your account was created. Sign in with your email address and new password.".into(),
            Some(("/login".into(), "Sign in")),
        ),
        Accepted::AlreadyAccepted => already(),
        Accepted::Invalid => invalid_link("invitation", "/"),
        Accepted::Expired => expired(),
        Accepted::WrongUser => notice(
            StatusCode::CONFLICT,
            "Signed in as someone else",
            "This invitation is for another (or an unverified) email address. Sign out, then open the invitation link again.".into(),
            Some(("/logout".into(), "Sign out")),
        ),
        Accepted::SignInFirst => notice(
            StatusCode::CONFLICT,
            "Sign in to accept",
            "An account with this email address exists. Sign in, then open the invitation link again.".into(),
            Some((sign_in_link(&form.token), "Sign in")),
        ),
    }
}
