//! Parsing and validating an authorization request (OIDC Core 3.1.2.1).
//! Two stages: [`target`] checks the client and `redirect_uri`, whose
//! failures are shown as an error page and never redirected (SR-03);
//! [`validate`] checks everything else, whose failures are redirected to the
//! verified `redirect_uri` as OAuth errors.

use actix_web::http::StatusCode;

use crate::domain::redirect_uri;
use crate::error::AppError;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::{grant, id_token_hint, scope};
use crate::state::AppState;
use crate::store::clients::Client;

/// Longest accepted `state`, `nonce`, `login_hint` and `claims` (SR-104).
pub const MAX_PARAM: usize = 2048;

/// The prefix of every `request_uri` `/par` hands out (RFC 9126 §2.2).
pub const URN_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// The parameters an interaction carries for a pushed request (RFC 9126).
pub const PUSHED_CARRIED: [&str; 5] = [
    "client_id",
    "request_uri",
    "prompt",
    "max_age",
    "ui_locales",
];

/// The parameters as received (query string or form), in order.
#[derive(Debug, Clone, Default)]
pub struct RawParams(pub Vec<(String, String)>);

impl RawParams {
    /// The first value of `name`; an empty value counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn count(&self, name: &str) -> usize {
        self.0.iter().filter(|(k, _)| k == name).count()
    }

    /// The first parameter that occurs more than once (linear time, so a
    /// request with thousands of parameters costs no more than reading it).
    /// `resource` may repeat (RFC 8707 §2).
    fn duplicate(&self) -> Option<&str> {
        let mut seen = std::collections::HashSet::with_capacity(self.0.len());
        self.0
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| *k != "resource")
            .find(|k| !seen.insert(*k))
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The parameters an interaction carries back to `/authorize`: all of
    /// them, or for a pushed request (RFC 9126) its reference and progress
    /// (`prompt` and `max_age` always present, empty when gone).
    pub fn carried(&self) -> Vec<(String, String)> {
        if self.get("request_uri").is_none() {
            return self.0.clone();
        }
        PUSHED_CARRIED
            .iter()
            .filter_map(|name| match (*name, self.get(name)) {
                (_, Some(v)) => Some(((*name).to_owned(), v.to_owned())),
                ("prompt" | "max_age", None) => Some(((*name).to_owned(), String::new())),
                _ => None,
            })
            .collect()
    }

    /// URL-encoded form, to rebuild the request as a `GET /authorize` URL.
    pub fn to_query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.carried() {
            s.append_pair(k, v);
        }
        s.finish()
    }

    /// The same request without one `prompt` value (dropping `prompt` when
    /// nothing is left).
    pub fn without_prompt(&self, value: &str) -> Self {
        let mut out = Vec::with_capacity(self.0.len());
        for (k, v) in &self.0 {
            if k == "prompt" {
                let kept: Vec<&str> = v
                    .split(' ')
                    .filter(|p| !p.is_empty() && *p != value)
                    .collect();
                if !kept.is_empty() {
                    out.push((k.clone(), kept.join(" ")));
                }
            } else {
                out.push((k.clone(), v.clone()));
            }
        }
        Self(out)
    }

    /// The same request once a fresh sign-in has happened: `prompt=login`,
    /// `select_account` and `max_age` are satisfied by it and dropped, so
    /// that coming back does not ask again (no loop).
    pub fn after_fresh_login(&self) -> Self {
        let mut out = Vec::with_capacity(self.0.len());
        for (k, v) in &self.0 {
            match k.as_str() {
                "max_age" => {}
                "prompt" => {
                    let kept: Vec<&str> = v
                        .split(' ')
                        .filter(|p| !p.is_empty() && !matches!(*p, "login" | "select_account"))
                        .collect();
                    if !kept.is_empty() {
                        out.push((k.clone(), kept.join(" ")));
                    }
                }
                _ => out.push((k.clone(), v.clone())),
            }
        }
        Self(out)
    }
}

/// Where and how the authorization response goes, once verified.
#[derive(Debug, Clone)]
pub struct Target {
    pub client: Client,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub form_post: bool,
}

/// The error page for a request that cannot be answered to the client;
/// `key` names the problem in the message catalogue.
fn page_error(key: &str) -> AppError {
    let t = crate::i18n::Tr::current();
    AppError::BadRequest(format!(
        "{} {}",
        t.text(key),
        t.text("authorize.misconfigured")
    ))
}

/// Most parameters an authorization request may carry (OIDC defines about
/// twenty); more is refused before anything else looks at them.
pub const MAX_PARAMS: usize = 64;

/// Stage one: the client and its `redirect_uri` (SR-01, SR-03). `client` is
/// the row found for `client_id`, if any.
pub fn target(params: &RawParams, client: Option<Client>) -> Result<Target, AppError> {
    if params.0.len() > MAX_PARAMS {
        return Err(page_error("authorize.too_many"));
    }
    if params.count("client_id") > 1 || params.count("redirect_uri") > 1 {
        return Err(page_error("authorize.repeated"));
    }
    let Some(client) = client else {
        return Err(page_error("authorize.unknown_client"));
    };
    let Some(uri) = params.get("redirect_uri") else {
        return Err(page_error("authorize.no_redirect"));
    };
    if !redirect_uri::matches(&client.redirect_uris(), uri) {
        return Err(page_error("authorize.unregistered_redirect"));
    }
    Ok(Target {
        redirect_uri: uri.to_owned(),
        // A state longer than the cap is refused below and not echoed.
        state: params
            .get("state")
            .filter(|s| s.len() <= MAX_PARAM)
            .map(str::to_owned),
        form_post: params.get("response_mode") == Some("form_post"),
        client,
    })
}

/// `prompt` values (OIDC Core 3.1.2.1).
#[derive(Debug, Clone, Copy, Default)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
    pub select_account: bool,
}

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct Request {
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    /// S256 challenge, if sent (required for public clients).
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    /// `sub` of a valid `id_token_hint`.
    pub hint_sub: Option<String>,
    pub login_hint: Option<String>,
    /// The `claims` parameter (a JSON object), stored on the code as
    /// received; the user claims it names widen the requested scopes (see
    /// [`scopes_for_claims`]), so consent covers them and tokens carry them.
    pub claims: Option<String>,
    /// Requested authentication context classes: `acr_values` plus the
    /// values of an essential `acr` claim request (OIDC Core 5.5.1.1).
    pub acr_values: Vec<String>,
    /// RFC 8707 resources, each registered for the client.
    pub resources: Vec<String>,
    /// The DPoP key the code's redemption must prove (RFC 9449 §10).
    pub dpop_jkt: Option<String>,
}

fn err(code: ErrorCode, description: &str) -> OAuthError {
    OAuthError::new(code, description, StatusCode::BAD_REQUEST)
}

fn capped(params: &RawParams, name: &str) -> Result<Option<String>, OAuthError> {
    match params.get(name) {
        Some(v) if v.len() > MAX_PARAM => Err(OAuthError::invalid_request(format!(
            "{name} is longer than {MAX_PARAM} characters"
        ))),
        v => Ok(v.map(str::to_owned)),
    }
}

fn parse_prompt(value: Option<&str>) -> Result<Prompt, OAuthError> {
    let mut p = Prompt::default();
    for v in value
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
    {
        match v {
            "none" => p.none = true,
            "login" => p.login = true,
            "consent" => p.consent = true,
            "select_account" => p.select_account = true,
            _ => return Err(OAuthError::invalid_request("unknown prompt value")),
        }
    }
    if p.none && (p.login || p.consent || p.select_account) {
        return Err(OAuthError::invalid_request(
            "prompt=none cannot be combined with other values",
        ));
    }
    Ok(p)
}

fn is_s256_challenge(c: &str) -> bool {
    c.len() == 43
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Stage two: everything else, for a verified client and `redirect_uri`.
pub fn validate(
    state: &AppState,
    params: &RawParams,
    client: &Client,
) -> Result<Request, OAuthError> {
    if let Some(name) = params.duplicate() {
        return Err(OAuthError::invalid_request(format!(
            "parameter {name} is repeated"
        )));
    }
    // SR-15/SR-16: a request object was verified and replaced by its
    // parameters before (the `request_object` module), and a request_uri
    // here was ours, issued by `/par` and already replaced by its stored
    // parameters (the `pushed` module): no request_uri is ever fetched.
    if params.get("request").is_some() {
        return Err(err(
            ErrorCode::InvalidRequestObject,
            "a request object cannot carry another one",
        ));
    }
    if params
        .get("request_uri")
        .is_some_and(|u| !u.starts_with(URN_PREFIX))
    {
        return Err(err(
            ErrorCode::RequestUriNotSupported,
            "only request_uri values from the pushed authorization request endpoint are accepted",
        ));
    }
    if !matches!(
        params.get("response_mode"),
        None | Some("query" | "form_post")
    ) {
        return Err(OAuthError::invalid_request(
            "response_mode must be query or form_post",
        ));
    }
    match params.get("response_type") {
        None => return Err(OAuthError::invalid_request("response_type is missing")),
        Some("code") => {}
        Some(_) => {
            return Err(err(
                ErrorCode::UnsupportedResponseType,
                "only response_type=code is supported",
            ));
        }
    }
    if !client.allows_grant(grant::AUTHORIZATION_CODE) {
        return Err(OAuthError::unauthorized_client(
            "this client may not use the authorization code grant",
        ));
    }
    capped(params, "state")?;
    let nonce = capped(params, "nonce")?;
    let login_hint = capped(params, "login_hint")?;
    let claims = capped(params, "claims")?;
    let mut scopes = scope::parse(params.get("scope").unwrap_or_default())?;
    if !scope::has(&scopes, "openid") {
        return Err(OAuthError::invalid_scope("scope must include openid"));
    }
    scope::check_allowed(&scopes, &client.scopes())?; // SR-37

    // PKCE (SR-10, SR-13): S256 only; `plain` (also the default when the
    // method is omitted) is refused.
    let code_challenge = match (
        params.get("code_challenge"),
        params.get("code_challenge_method"),
    ) {
        (None, None) if client.public || client.require_pkce => {
            return Err(OAuthError::invalid_request(
                "PKCE (code_challenge with S256) is required for this client",
            ));
        }
        (None, None) => None,
        (None, Some(_)) => {
            return Err(OAuthError::invalid_request("code_challenge is missing"));
        }
        (Some(_), m) if m != Some("S256") => {
            return Err(OAuthError::invalid_request(
                "code_challenge_method must be S256",
            ));
        }
        (Some(c), _) if !is_s256_challenge(c) => {
            return Err(OAuthError::invalid_request(
                "code_challenge is not a base64url SHA-256 value",
            ));
        }
        (Some(c), _) => Some(c.to_owned()),
    };

    let resources =
        crate::oidc::resource::registered(&client.audiences(), params.all("resource").into_iter())?;
    let prompt = parse_prompt(params.get("prompt"))?;
    let max_age = match params.get("max_age") {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                return Err(OAuthError::invalid_request(
                    "max_age must be a non-negative integer",
                ));
            }
        },
    };
    let hint_sub = match params.get("id_token_hint") {
        None => None,
        Some(token) => match id_token_hint::verify(state, token) {
            Some(h) if h.is_for(&client.id) => Some(h.sub),
            _ => return Err(OAuthError::invalid_request("id_token_hint is not valid")),
        },
    };
    if let Some(c) = &claims {
        let parsed = parse_claims_request(c)?;
        // OIDC Core 5.5: individually requested claims are released through
        // the scope that holds them, so they appear on the consent page and
        // the user decides; a scope the client may not use is not added
        // (requested claims are voluntary).
        for implied in scopes_for_claims(&parsed) {
            if !scope::has(&scopes, implied) && client.scopes().iter().any(|s| s == implied) {
                scopes.push(implied.to_owned());
            }
        }
    }
    let mut acr_values: Vec<String> = capped(params, "acr_values")?
        .map(|v| v.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if let Some(c) = claims
        .as_deref()
        .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
    {
        acr_values.extend(essential_acr_values(&c));
    }
    // RFC 9449 §10: a JWK SHA-256 thumbprint, base64url.
    let dpop_jkt = match params.get("dpop_jkt") {
        None => None,
        Some(j) if is_s256_challenge(j) => Some(j.to_owned()),
        Some(_) => {
            return Err(OAuthError::invalid_request(
                "dpop_jkt is not a base64url SHA-256 JWK thumbprint",
            ));
        }
    };
    // ui_locales picks the page language (crate::i18n, read from the
    // query); display is accepted and ignored.
    Ok(Request {
        scopes,
        nonce,
        code_challenge,
        prompt,
        max_age,
        hint_sub,
        login_hint,
        claims,
        acr_values,
        resources,
        dpop_jkt,
    })
}

/// A `claims` request (OIDC Core §5.5): a JSON object whose `userinfo`
/// and `id_token` members, when present, are objects mapping claim names
/// to `null` or an object whose `essential` is a boolean, `values` an
/// array; other top-level members are ignored (extensions).
pub fn parse_claims_request(raw: &str) -> Result<serde_json::Value, OAuthError> {
    use serde_json::Value;
    let bad = |why: &str| OAuthError::invalid_request(format!("claims: {why}"));
    let parsed = serde_json::from_str::<Value>(raw)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| bad("must be a JSON object"))?;
    for member in ["userinfo", "id_token"] {
        let Some(requests) = parsed.get(member) else {
            continue;
        };
        let requests = requests
            .as_object()
            .ok_or_else(|| bad(&format!("{member} must be an object")))?;
        for (name, request) in requests {
            let ok = match request {
                Value::Null => true,
                Value::Object(o) => {
                    o.get("essential").is_none_or(Value::is_boolean)
                        && o.get("values").is_none_or(Value::is_array)
                }
                _ => false,
            };
            if !ok {
                return Err(bad(&format!(
                    "{member}.{name} must be null or an object with a boolean essential and an array of values"
                )));
            }
        }
    }
    Ok(parsed)
}

/// The values of `id_token.acr` in a `claims` request when it is essential.
fn essential_acr_values(request: &serde_json::Value) -> Vec<String> {
    let Some(acr) = request.get("id_token").and_then(|t| t.get("acr")) else {
        return Vec::new();
    };
    if acr.get("essential").and_then(serde_json::Value::as_bool) != Some(true) {
        return Vec::new();
    }
    let mut out: Vec<String> = acr
        .get("values")
        .and_then(serde_json::Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(v) = acr.get("value").and_then(serde_json::Value::as_str) {
        out.push(v.to_owned());
    }
    out
}

/// The scopes holding the user claims an OIDC `claims` request names in its
/// `id_token` or `userinfo` member.
pub fn scopes_for_claims(request: &serde_json::Value) -> Vec<&'static str> {
    let mut out = Vec::new();
    for member in ["id_token", "userinfo"] {
        let Some(names) = request.get(member).and_then(serde_json::Value::as_object) else {
            continue;
        };
        for name in names.keys() {
            let scope = match name.as_str() {
                "name" | "preferred_username" | "updated_at" => "profile",
                "email" | "email_verified" => "email",
                "phone_number" | "phone_number_verified" => "phone",
                "address" => "address",
                "groups" | "roles" => "groups",
                _ => continue,
            };
            if !out.contains(&scope) {
                out.push(scope);
            }
        }
    }
    out
}
