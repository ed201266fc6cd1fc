//! Semantic checks run at start-up and by `ostiary config check`: every
//! problem is reported, each in one sentence naming the key.

use std::net::SocketAddr;

use crate::config::settings::Config;

/// OWASP minimum for argon2id.
const MIN_MEMORY_KIB: u32 = 19_456;
const MIN_ITERATIONS: u32 = 2;

/// Return every problem found; empty means valid.
pub fn validate(config: &Config) -> Vec<String> {
    let mut problems = Vec::new();
    check_issuer(&config.issuer, &mut problems);
    if config.listen.parse::<SocketAddr>().is_err() {
        problems.push(format!(
            "listen: {:?} is not an address such as 127.0.0.1:8080 or [::]:8080",
            config.listen
        ));
    }
    if !config.management_listen.is_empty()
        && config.management_listen.parse::<SocketAddr>().is_err()
    {
        problems.push(format!(
            "management_listen: {:?} is not an address such as 127.0.0.1:9464 (or empty to turn it off)",
            config.management_listen
        ));
    }
    if !matches!(config.log_format.as_str(), "text" | "json") {
        problems.push(format!(
            "log_format: {:?} is not one of \"text\", \"json\"",
            config.log_format
        ));
    }
    if crate::i18n::Locale::from_tag(&config.alerts.mail_locale)
        .is_none_or(|l| l.tag() != config.alerts.mail_locale)
    {
        problems.push(format!(
            "alerts.mail_locale: {:?} is not a supported language (en or de)",
            config.alerts.mail_locale
        ));
    }
    if config.default_organization.trim().is_empty() {
        problems.push("default_organization: must not be empty".into());
    }
    if !(1..=86_400).contains(&config.keys.data_key_cache_ttl_secs) {
        problems.push("keys.data_key_cache_ttl_secs: must be between 1 and 86400".into());
    }
    if matches!(&config.setup_token, Some(t) if t.expose().len() < 16) {
        problems.push("setup_token: must be at least 16 characters when set".into());
    }
    crate::config::master_key::check(config, &mut problems);
    if config.database.pool_size == 0 {
        problems.push("database.pool_size: must be at least 1".into());
    }
    let s = &config.session;
    if s.reauth_window_secs <= 0 {
        problems.push("session.reauth_window_secs: must be positive".into());
    }
    if s.idle_timeout_secs <= 0 || s.absolute_lifetime_secs <= 0 {
        problems
            .push("session: idle_timeout_secs and absolute_lifetime_secs must be positive".into());
    } else if s.idle_timeout_secs > s.absolute_lifetime_secs {
        problems.push(
            "session.idle_timeout_secs: must not exceed session.absolute_lifetime_secs".into(),
        );
    }
    let p = &config.password;
    if p.memory_kib < MIN_MEMORY_KIB {
        problems.push(format!(
            "password.memory_kib: {} is below the OWASP minimum {MIN_MEMORY_KIB}",
            p.memory_kib
        ));
    }
    if p.iterations < MIN_ITERATIONS {
        problems.push(format!(
            "password.iterations: {} is below the OWASP minimum {MIN_ITERATIONS}",
            p.iterations
        ));
    }
    if p.parallelism == 0 {
        problems.push("password.parallelism: must be at least 1".into());
    }
    if p.min_length < 8 {
        problems.push(format!(
            "password.min_length: {} is below the NIST minimum 8",
            p.min_length
        ));
    }
    let t = &config.throttle;
    for (name, value) in [
        ("account_delay_after", i64::from(t.account_delay_after)),
        ("account_lock_after", i64::from(t.account_lock_after)),
        ("ip_lock_after", i64::from(t.ip_lock_after)),
        (
            "second_factor_lock_after",
            i64::from(t.second_factor_lock_after),
        ),
        ("lock_secs", t.lock_secs),
        ("window_secs", t.window_secs),
    ] {
        if value <= 0 {
            problems.push(format!("throttle.{name}: must be positive"));
        }
    }
    if t.base_delay_ms < 0 || t.max_delay_ms < t.base_delay_ms {
        problems.push("throttle: need 0 <= base_delay_ms <= max_delay_ms".into());
    }
    let o = &config.oidc;
    if !(5..=600).contains(&o.par_ttl_secs) {
        problems.push("oidc.par_ttl_secs: must be between 5 and 600 (RFC 9126 §2.2)".into());
    }
    if !(10..=3600).contains(&o.request_object_max_age_secs) {
        problems.push(
            "oidc.request_object_max_age_secs: must be between 10 and 3600 (RFC 9101; FAPI 2.0 allows at most an hour)"
                .into(),
        );
    }
    if !(10..=600).contains(&o.dpop_proof_max_age_secs) {
        problems.push(
            "oidc.dpop_proof_max_age_secs: must be between 10 and 600 (RFC 9449 §11.1)".into(),
        );
    }
    if !(1..=60).contains(&o.code_ttl_secs) {
        problems.push("oidc.code_ttl_secs: must be between 1 and 60 (SR-30)".into());
    }
    if !(30..=3600).contains(&o.access_token_ttl_secs) {
        problems.push("oidc.access_token_ttl_secs: must be between 30 and 3600".into());
    }
    if o.id_token_ttl_secs <= 0 || o.device_code_ttl_secs <= 0 || o.device_poll_interval_secs <= 0 {
        problems.push("oidc: id_token_ttl_secs, device_code_ttl_secs and device_poll_interval_secs must be positive".into());
    }
    if o.refresh_token_idle_secs <= 0 || o.refresh_token_idle_secs > o.refresh_token_absolute_secs {
        problems.push("oidc.refresh_token_idle_secs: must be positive and not exceed refresh_token_absolute_secs".into());
    }
    if o.key_refresh_secs == 0 {
        problems.push("oidc.key_refresh_secs: must be at least 1".into());
    }
    if o.key_retention_secs < o.access_token_ttl_secs.max(o.id_token_ttl_secs) {
        problems.push("oidc.key_retention_secs: must cover the longest token lifetime so old tokens stay verifiable".into());
    }
    if !matches!(o.rsa_bits, 2048 | 3072 | 4096) {
        problems.push("oidc.rsa_bits: must be 2048, 3072 or 4096".into());
    }
    let r = &config.registration;
    if r.rate_limit < 1 {
        problems.push("registration.rate_limit: must be at least 1".into());
    }
    if !(1..=7 * 24 * 3600).contains(&r.rate_window_secs) {
        problems.push("registration.rate_window_secs: must be between 1 and 604800".into());
    }
    problems
}

fn check_issuer(issuer: &str, problems: &mut Vec<String>) {
    let parsed = match url::Url::parse(issuer) {
        Ok(url) => url,
        Err(e) => {
            problems.push(format!("issuer: {issuer:?} is not an absolute URL ({e})"));
            return;
        }
    };
    let host = parsed.host_str().unwrap_or_default();
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match parsed.scheme() {
        "https" => {}
        "http" if local => {}
        "http" => problems.push(format!(
            "issuer: {issuer:?} must use https (plain http is allowed only for localhost)"
        )),
        other => problems.push(format!("issuer: scheme {other:?} is not http or https")),
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        problems.push("issuer: must not contain a query or fragment".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        problems.push("issuer: must not contain credentials".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(validate(&Config::default()).is_empty());
    }

    #[test]
    fn each_problem_is_named() {
        let mut c = Config {
            issuer: "http://idp.example.com".into(),
            listen: "nope".into(),
            database_url: "mysql://x".into(),
            ..Config::default()
        };
        c.password.memory_kib = 1024;
        let problems = validate(&c);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("issuer:"));
        assert!(problems[1].starts_with("listen:"));
        assert!(problems[2].starts_with("password.memory_kib:"));
    }

    #[test]
    fn alert_mail_speaks_a_supported_language() {
        for (tag, ok) in [
            ("en", true),
            ("de", true),
            ("fr", false),
            ("DE", false),
            ("", false),
        ] {
            let mut c = Config::default();
            c.alerts.mail_locale = tag.into();
            let problems = validate(&c);
            assert_eq!(problems.is_empty(), ok, "{tag}: {problems:?}");
            if !ok {
                assert!(
                    problems[0].starts_with("alerts.mail_locale:"),
                    "{problems:?}"
                );
            }
        }
    }
}
