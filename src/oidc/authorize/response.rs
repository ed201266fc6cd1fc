//! Authorization responses to a verified `redirect_uri`: the code or an
//! error, always with `iss` (RFC 9207, SR-20) and the client's `state`, in
//! the query (303) or as a `form_post` page (SR-18).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use askama::Template;

use super::request::Target;
use crate::error::AppError;
use crate::oidc::error::OAuthError;
use crate::web::headers;
use crate::web::render::see_other;

/// The `form_post` page: a visible "Continue" button (our CSP allows no
/// script, so it cannot submit itself). Values are escaped by askama.
#[derive(Template)]
#[template(path = "flow/form_post.html")]
pub struct FormPostPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl Target {
    fn respond(
        &self,
        iss: &str,
        mut fields: Vec<(String, String)>,
    ) -> Result<HttpResponse, AppError> {
        if let Some(state) = &self.state {
            fields.push(("state".into(), state.clone()));
        }
        fields.push(("iss".into(), iss.to_owned()));
        if self.form_post {
            let source = headers::origin_source(&self.redirect_uri).ok_or_else(|| {
                AppError::BadRequest("This redirect_uri cannot receive form_post.".into())
            })?;
            let csp = headers::csp_form_post(&source);
            let body = FormPostPage {
                t: crate::i18n::Tr::current(),
                action: self.redirect_uri.clone(),
                fields,
            }
            .render()?;
            return Ok(HttpResponse::build(StatusCode::OK)
                .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
                .insert_header((CACHE_CONTROL, "no-store"))
                .insert_header((CONTENT_SECURITY_POLICY, csp))
                .body(body));
        }
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &fields {
            query.append_pair(k, v);
        }
        let sep = if self.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        let location = format!("{}{sep}{}", self.redirect_uri, query.finish());
        let mut res = see_other(&location, vec![]);
        res.headers_mut().insert(
            CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("no-store"),
        );
        Ok(res)
    }

    /// Successful response carrying `code`.
    pub fn code(&self, iss: &str, code: &str) -> Result<HttpResponse, AppError> {
        self.respond(iss, vec![("code".into(), code.to_owned())])
    }

    /// Error response.
    pub fn error(&self, iss: &str, e: &OAuthError) -> Result<HttpResponse, AppError> {
        self.respond(
            iss,
            vec![
                ("error".into(), e.error.as_str().to_owned()),
                ("error_description".into(), e.description.clone()),
            ],
        )
    }
}
