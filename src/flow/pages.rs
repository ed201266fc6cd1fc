//! Small page types shared by the email flows (sign-in code, password
//! reset, email verification, invitations).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::auth::confirm_password::Confirmation;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::web::render::html;

/// A form asking for an email address.
#[derive(Template)]
#[template(path = "flow/email_form.html")]
pub struct EmailFormPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub heading: &'static str,
    pub lead: &'static str,
    pub action: &'static str,
    pub button: &'static str,
    pub csrf_token: String,
    pub email: String,
    pub error: Option<String>,
    pub return_to: Option<String>,
    /// The application the user signs in to, if any.
    pub app: Option<crate::flow::app_context::AppContext>,
}

/// A message with an optional link.
#[derive(Template)]
#[template(path = "flow/notice.html")]
pub struct NoticePage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub heading: &'static str,
    pub message: String,
    pub link: Option<(String, &'static str)>,
}

/// One button posting a (hidden) token.
#[derive(Template)]
#[template(path = "flow/confirm.html")]
pub struct ConfirmPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub heading: &'static str,
    pub message: String,
    pub action: &'static str,
    pub button: &'static str,
    pub csrf_token: String,
    pub token: Option<String>,
}

/// Choose a password (reset, invitation).
#[derive(Template)]
#[template(path = "flow/new_password.html")]
pub struct NewPasswordPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub heading: &'static str,
    pub lead: String,
    pub action: &'static str,
    pub button: &'static str,
    pub csrf_token: String,
    pub token: String,
    pub with_name: bool,
    pub display_name: String,
    pub error: Option<String>,
    pub min_length: usize,
}

/// Status and message for a "confirm it's you" that did not pass (the
/// caller handles [`Confirmation::SignInAgain`] by sending the user to sign
/// in again).
pub fn refused_confirmation(refusal: Confirmation, t: Tr) -> (StatusCode, String) {
    match refusal {
        Confirmation::Paused { wait_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            t.fill("confirm.paused", (wait_secs + 59) / 60),
        ),
        _ => (
            StatusCode::UNAUTHORIZED,
            t.text("confirm.wrong_password").into(),
        ),
    }
}

/// A notice page from message keys: heading, message, and an optional
/// link (target, label key).
pub fn notice(
    status: StatusCode,
    heading: &str,
    message: &str,
    link: Option<(&str, &str)>,
) -> Result<HttpResponse, AppError> {
    notice_text(status, heading, Tr::current().text(message).into(), link)
}

/// A notice page with a message already in words (e.g. naming an address;
/// the template escapes it).
pub fn notice_text(
    status: StatusCode,
    heading: &str,
    message: String,
    link: Option<(&str, &str)>,
) -> Result<HttpResponse, AppError> {
    let t = Tr::current();
    html(
        status,
        &NoticePage {
            t,
            heading: t.text(heading),
            message,
            link: link.map(|(href, label)| (href.to_owned(), t.text(label))),
        },
        vec![],
    )
}

/// "Continuing to your sign-in provider…": the answer to a form whose
/// next step is another site. It leads there by a refresh, a new
/// navigation: a redirect would continue the form submission, which the
/// page's CSP `form-action` (our own origin only, SR-73) rightly blocks in
/// browsers. The link is there for browsers that do not refresh.
#[derive(Template)]
#[template(path = "flow/continue.html")]
pub struct ContinuePage {
    pub t: Tr,
    pub url: String,
}

/// The [`ContinuePage`] to `url` (a local path or an http(s) URL: nothing
/// a refresh or a link could run), with `cookies`; never cached.
pub fn continue_to(
    url: &str,
    cookies: Vec<actix_web::cookie::Cookie<'static>>,
) -> Result<HttpResponse, AppError> {
    let local = url.starts_with('/') && !url.starts_with("//");
    let web = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "https" | "http"));
    if !(local || web) {
        return Err(AppError::Internal(format!(
            "refusing to lead on to {url:?}"
        )));
    }
    let page = ContinuePage {
        t: Tr::current(),
        url: url.to_owned(),
    };
    let mut res = html(StatusCode::OK, &page, cookies)?;
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// The page for a link that no longer works; `message` is the key of the
/// sentence naming the kind of link.
pub fn invalid_link(message: &'static str, again: &'static str) -> Result<HttpResponse, AppError> {
    notice(
        StatusCode::BAD_REQUEST,
        "link.invalid",
        message,
        Some((again, "link.request_new")),
    )
}

#[cfg(test)]
mod tests {
    use super::continue_to;

    #[test]
    fn leads_on_only_to_a_local_path_or_a_web_address() {
        assert!(continue_to("/login/providers/x?return_to=%2F", vec![]).is_ok());
        assert!(continue_to("https://idp.example/authorize?state=s", vec![]).is_ok());
        for bad in [
            "javascript:alert(1)",
            "//evil.example/",
            "data:text/html,x",
            "relative",
        ] {
            assert!(continue_to(bad, vec![]).is_err(), "{bad}");
        }
    }
}
