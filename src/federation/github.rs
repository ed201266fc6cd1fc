//! Signing in with GitHub or GitHub Enterprise Server (S7), which speaks
//! OAuth 2.0 but not OpenID Connect: the browser goes to
//! `{web}/login/oauth/authorize` (with `state` and PKCE, like every
//! redirect-based kind), the code is exchanged at
//! `{web}/login/oauth/access_token`, and the person is read from
//! `{api}/user` — keyed by the numeric `id`, never the changeable `login`
//! (SR-111) — and `{api}/user/emails`: the address `/user` shows if it is
//! verified there, else the primary verified one, else the first verified
//! one, else no email (the sign-in then ends on a clear page). GitHub's
//! verified addresses count as `email_verified`.

use openidconnect::http::{Method, Request, header};
use openidconnect::{HttpRequest, PkceCodeChallenge};
use serde::Deserialize;

use crate::crypto::token::random_token;
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::identity::{Identity, UpstreamTokens};
use crate::federation::pending::remember;
use crate::federation::registry;
use crate::federation::spec::Settings;
use crate::federation::upstream::{
    Finished, Intent, Opened, Started, UpstreamError, json, outbound, rejected, usable,
};
use crate::state::AppState;

fn web_url(settings: &Settings) -> Result<&str, UpstreamError> {
    settings
        .web_url
        .as_deref()
        .ok_or(UpstreamError::Unavailable)
}

fn api_url(settings: &Settings) -> Result<&str, UpstreamError> {
    settings
        .api_url
        .as_deref()
        .ok_or(UpstreamError::Unavailable)
}

/// Begin a sign-in at GitHub.
pub async fn start(
    state: &AppState,
    provider_id: &str,
    intent: Intent,
) -> Result<Started, UpstreamError> {
    let (row, settings) = usable(state, provider_id, |k| k == Kind::Github).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state_token = random_token();
    let browser_token = remember(
        state,
        &row.id,
        &state_token,
        random_token(),
        verifier.secret(),
        intent,
    )
    .await?;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", &settings.client_id)
        .append_pair("redirect_uri", &registry::callback_url(state, &row.id))
        .append_pair("scope", "read:user user:email")
        .append_pair("state", &state_token)
        .append_pair("code_challenge", challenge.as_str())
        .append_pair("code_challenge_method", "S256")
        .append_pair("allow_signup", "false")
        .finish();
    Ok(Started {
        url: format!("{}/login/oauth/authorize?{query}", web_url(&settings)?),
        browser_token,
        cross_site_post: false,
    })
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    refresh_token: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GithubUser {
    id: u64,
    login: String,
    name: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GithubEmail {
    email: String,
    primary: bool,
    verified: bool,
}

fn api_get(url: String, token: &str) -> Result<HttpRequest, UpstreamError> {
    Request::builder()
        .method(Method::GET)
        .uri(url)
        .header(header::ACCEPT, "application/vnd.github+json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("x-github-api-version", "2022-11-28")
        .body(Vec::new())
        .map_err(|e| UpstreamError::Internal(AppError::Internal(format!("request: {e}"))))
}

/// The address to use: `/user`'s if verified, else the primary verified,
/// else the first verified one.
fn pick_email(shown: Option<&str>, emails: &[GithubEmail]) -> Option<String> {
    let verified = |e: &&GithubEmail| e.verified;
    shown
        .and_then(|s| {
            emails
                .iter()
                .filter(verified)
                .find(|e| e.email.eq_ignore_ascii_case(s))
        })
        .or_else(|| emails.iter().filter(verified).find(|e| e.primary))
        .or_else(|| emails.iter().find(verified))
        .map(|e| e.email.clone())
}

/// Finish a GitHub sign-in whose callback was opened.
pub async fn finish(state: &AppState, opened: Opened) -> Result<Finished, UpstreamError> {
    let Opened {
        pending,
        verifier,
        row,
        settings,
        code,
        ..
    } = opened;
    let secret = match &row.secret {
        Some(sealed) => registry::open_secret(state, &row.id, sealed)?,
        None => return Err(UpstreamError::Unavailable),
    };
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", &settings.client_id)
        .append_pair("client_secret", &secret)
        .append_pair("code", &code)
        .append_pair("redirect_uri", &registry::callback_url(state, &row.id))
        .append_pair("code_verifier", &verifier)
        .finish();
    let exchange = Request::builder()
        .method(Method::POST)
        .uri(format!("{}/login/oauth/access_token", web_url(&settings)?))
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form.into_bytes())
        .map_err(|e| UpstreamError::Internal(AppError::Internal(format!("request: {e}"))))?;
    let out = outbound(state)?;
    let answer: TokenAnswer = json(&out, exchange, "code exchange").await?;
    let token = match (answer.access_token, answer.error) {
        (Some(token), None) => token,
        (_, error) => return Err(rejected("code exchange", error.unwrap_or_default())),
    };
    let api = api_url(&settings)?;
    let user: GithubUser = json(&out, api_get(format!("{api}/user"), &token)?, "user").await?;
    let emails: Vec<GithubEmail> = json(
        &out,
        api_get(format!("{api}/user/emails"), &token)?,
        "user emails",
    )
    .await?;
    let email = pick_email(user.email.as_deref(), &emails);
    Ok(Finished {
        kind: Kind::Github,
        identity: Identity {
            provider_id: row.id,
            issuer: api.to_owned(),
            subject: user.id.to_string(),
            email_verified: email.is_some(),
            email,
            name: user.name.or(Some(user.login)),
            groups: Vec::new(),
            amr: Vec::new(),
            tokens: Some(UpstreamTokens {
                access_token: token,
                refresh_token: answer.refresh_token,
                id_token: None,
                expires_at: None,
            }),
        },
        intent: Intent::of(pending),
    })
}

#[cfg(test)]
mod tests {
    use super::{GithubEmail, pick_email};

    fn e(email: &str, primary: bool, verified: bool) -> GithubEmail {
        GithubEmail {
            email: email.into(),
            primary,
            verified,
        }
    }

    #[test]
    fn the_verified_address_is_chosen() {
        let emails = [
            e("a@x.test", false, true),
            e("p@x.test", true, true),
            e("u@x.test", false, false),
        ];
        assert_eq!(
            pick_email(Some("A@x.test"), &emails).as_deref(),
            Some("a@x.test")
        );
        assert_eq!(pick_email(None, &emails).as_deref(), Some("p@x.test"));
        assert_eq!(
            pick_email(Some("u@x.test"), &emails).as_deref(),
            Some("p@x.test")
        );
        let unverified_primary = [e("p@x.test", true, false), e("b@x.test", false, true)];
        assert_eq!(
            pick_email(None, &unverified_primary).as_deref(),
            Some("b@x.test")
        );
        assert_eq!(pick_email(None, &[e("p@x.test", true, false)]), None);
    }
}
