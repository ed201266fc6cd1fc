//! The guards of the signed-in pages, as extractors, so no handler checks
//! by hand: [`SignedIn<P>`] needs a live session (else the browser goes to
//! the login form and back to page `P`), [`Recent<P>`] also a sign-in within
//! `session.reauth_window_secs` (SR-82, SR-94; else a forced sign-in), and
//! [`Checked<T>`] is a posted form whose `csrf_token` has been verified
//! against the session or the anonymous CSRF cookie (SR-50). Put the
//! session guard before the form in a handler's arguments: extractors run
//! in order, so a signed-out browser is sent to sign in before its form is
//! read.

use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::{FromRequest, HttpRequest, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::auth::recent::{is_recent, reauthenticate_redirect};
use crate::auth::{CurrentSession, MaybeSession, csrf};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::render::see_other;

/// A page behind sign-in: where the browser comes back to after it.
pub trait Page {
    /// The page's path (a local path, no query).
    const PATH: &'static str;
    /// Whether a missing session asks for a fresh sign-in (`force=1`), as
    /// the pages that change credentials do.
    const FORCE: bool = false;
    /// Where to come back to after signing in (a local path); the page by
    /// default.
    fn back(_req: &HttpRequest) -> String {
        Self::PATH.to_owned()
    }
}

/// A live session, on page `P`.
pub struct SignedIn<P> {
    pub current: Arc<CurrentSession>,
    page: PhantomData<P>,
}

/// A live session whose sign-in is recent, on page `P`.
pub struct Recent<P> {
    pub current: Arc<CurrentSession>,
    page: PhantomData<P>,
}

impl<P> Deref for SignedIn<P> {
    type Target = CurrentSession;
    fn deref(&self) -> &CurrentSession {
        &self.current
    }
}

impl<P> Deref for Recent<P> {
    type Target = CurrentSession;
    fn deref(&self) -> &CurrentSession {
        &self.current
    }
}

/// The response that ends a request early (a redirect), as an error.
fn answer(res: actix_web::HttpResponse) -> actix_web::Error {
    InternalError::from_response("sign-in required", res).into()
}

/// The login form for page `P` (forced when `force`).
fn to_login<P: Page>(req: &HttpRequest, force: bool) -> actix_web::Error {
    let back = P::back(req);
    if force || P::FORCE {
        return answer(reauthenticate_redirect(&back));
    }
    let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    answer(see_other(&format!("/login?return_to={back}"), vec![]))
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, actix_web::Error> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("application state missing".into()).into())
}

type Guarded<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

impl<P: Page + 'static> FromRequest for SignedIn<P> {
    type Error = actix_web::Error;
    type Future = Guarded<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = MaybeSession::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            match session.await?.0 {
                Some(current) => Ok(Self {
                    current,
                    page: PhantomData,
                }),
                None => Err(to_login::<P>(&req, false)),
            }
        })
    }
}

impl<P: Page + 'static> FromRequest for Recent<P> {
    type Error = actix_web::Error;
    type Future = Guarded<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = MaybeSession::from_request(req, payload);
        let (req, state) = (req.clone(), state_of(req));
        Box::pin(async move {
            let Some(current) = session.await?.0 else {
                return Err(to_login::<P>(&req, false));
            };
            if !is_recent(&*state?, &current) {
                return Err(to_login::<P>(&req, true));
            }
            Ok(Self {
                current,
                page: PhantomData,
            })
        })
    }
}

/// A form that carries a CSRF token.
pub trait CsrfField {
    fn csrf_token(&self) -> &str;
}

/// Implement [`CsrfField`] for form structs with a `csrf_token: String`.
#[macro_export]
macro_rules! csrf_field {
    ($($form:ty),+ $(,)?) => {
        $(impl $crate::auth::guard::CsrfField for $form {
            fn csrf_token(&self) -> &str {
                &self.csrf_token
            }
        })+
    };
}

/// A form with nothing but its CSRF token (buttons).
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

csrf_field!(CsrfOnly);

/// A posted form whose CSRF token was verified.
pub struct Checked<T>(pub T);

impl<T> Checked<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Checked<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + CsrfField + 'static> FromRequest for Checked<T> {
    type Error = actix_web::Error;
    type Future = Guarded<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<T>::from_request(req, payload);
        let session = MaybeSession::from_request(req, payload);
        let (req, state) = (req.clone(), state_of(req));
        Box::pin(async move {
            let form = form.await?.into_inner();
            let session = session.await?;
            csrf::verify(&req, &*state?, session.0.as_deref(), form.csrf_token())?;
            Ok(Self(form))
        })
    }
}

/// The header that carries the CSRF token of script (JSON) requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A script request whose `X-CSRF-Token` header was verified.
pub struct CheckedHeader;

impl FromRequest for CheckedHeader {
    type Error = actix_web::Error;
    type Future = Guarded<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = MaybeSession::from_request(req, payload);
        let (req, state) = (req.clone(), state_of(req));
        Box::pin(async move {
            let session = session.await?;
            let token = header_token(&req);
            csrf::verify(&req, &*state?, session.0.as_deref(), token)?;
            Ok(Self)
        })
    }
}

/// The `X-CSRF-Token` header's value ("" when missing).
pub fn header_token(req: &HttpRequest) -> &str {
    req.headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}
