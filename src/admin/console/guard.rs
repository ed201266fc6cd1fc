//! [`Console`]: the guard of every console page (S8, SR-100, SR-101). A
//! signed-out browser goes to the login form and back; a session without a
//! second sign-in step is stepped up (or, with no factor yet, asked to set
//! one up) before any console page shows; a user who administers nothing
//! gets 403. The caller it yields is the admin API's [`Caller`], so pages
//! and API reach exactly the same objects.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};

use crate::admin::api::caller::{self, Caller};
use crate::admin::console::chrome::Chrome;
use crate::auth::mfa::pending;
use crate::auth::recent::reauthenticate_redirect;
use crate::auth::{CurrentSession, MaybeSession};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::see_other;

/// A signed-in administrator (or auditor) on a console page.
pub struct Console {
    pub caller: Caller,
    pub current: Arc<CurrentSession>,
    pub ctx: RequestContext,
    /// The page frame: navigation, language, CSRF token.
    pub chrome: Chrome,
}

impl Console {
    /// The frame of a page in navigation `section`.
    pub fn chrome(&self, section: &'static str) -> Chrome {
        Chrome {
            section,
            ..self.chrome.clone()
        }
    }

    /// Whether the caller reaches everything (a superuser).
    pub fn global(&self) -> bool {
        self.chrome.global
    }
}

/// Where the browser comes back to: this console page (only `/admin…`).
fn back(req: &HttpRequest) -> String {
    let path = req.uri().path();
    if !path.starts_with("/admin") || req.method() != actix_web::http::Method::GET {
        return "/admin".to_owned();
    }
    match req.uri().query() {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

fn answer(res: HttpResponse) -> actix_web::Error {
    InternalError::from_response("console guard", res).into()
}

impl FromRequest for Console {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = MaybeSession::from_request(req, payload);
        let ctx = RequestContext::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::Internal("application state missing".into()))?;
            let ctx = ctx.await?;
            let back = back(&req);
            let Some(current) = session.await?.0 else {
                let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
                return Err(answer(see_other(
                    &format!("/login?return_to={back}"),
                    vec![],
                )));
            };
            let t = Tr::current();
            let Some(caller) = caller::for_session(&req, &state, &ctx, &current).await? else {
                return Err(AppError::Forbidden(t.text("admin.forbidden").into()).into());
            };
            // SR-101: the console needs a second sign-in step.
            if !caller::has_second_factor(&current) {
                return Err(answer(
                    match pending::step_up(&state, current.actor(&ctx), &current).await? {
                        Some(next) => crate::flow::login::after_first_factor(next, Some(&back)),
                        None => reauthenticate_redirect(&back),
                    },
                ));
            }
            let chrome = Chrome {
                t,
                section: "",
                csrf_token: caller.csrf_token.clone().unwrap_or_default(),
                user_email: current.user.email.to_string(),
                global: caller.reach.organization_ids().is_none(),
                writer: caller.scopes().iter().any(|s| s == "*"),
                notice: None,
                error: None,
            }
            .with_flash(req.query_string());
            Ok(Self {
                caller,
                current,
                ctx,
                chrome,
            })
        })
    }
}
