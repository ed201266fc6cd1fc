//! Checks of the master key settings (`master_key`, `previous_master_keys`,
//! docs/keys.md): each problem names the key and what is missing.

use crate::config::settings::{Config, MasterKeyConfig};

/// Every problem with the master key settings.
pub fn check(config: &Config, problems: &mut Vec<String>) {
    let current = &config.master_key;
    if current.provider == "local" && config.master_key_file.is_some() && current.file.is_some() {
        problems.push("master_key.file: master_key_file is set too; set only one of them".into());
    }
    if current.provider != "local" && current.file.is_some() {
        problems.push(format!(
            "master_key.file: only for provider \"local\", not {:?}",
            current.provider
        ));
    }
    check_one("master_key", current, false, problems);
    for (i, previous) in config.previous_master_keys.iter().enumerate() {
        check_one(
            &format!("previous_master_keys[{i}]"),
            previous,
            true,
            problems,
        );
    }
}

fn check_one(place: &str, key: &MasterKeyConfig, previous: bool, problems: &mut Vec<String>) {
    match key.provider.as_str() {
        "local" => {
            if previous && key.file.is_none() {
                problems.push(format!(
                    "{place}.file: a previous local master key needs its file"
                ));
            }
        }
        "pkcs11" => check_pkcs11(place, key, problems),
        "aws_kms" => check_aws_kms(place, key, problems),
        other => problems.push(format!(
            "{place}.provider: {other:?} is not one of \"local\", \"pkcs11\", \"aws_kms\""
        )),
    }
}

fn check_pkcs11(place: &str, key: &MasterKeyConfig, problems: &mut Vec<String>) {
    let p = &key.pkcs11;
    match &p.module {
        None => problems.push(format!(
            "{place}.pkcs11.module: must name the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so"
        )),
        Some(path) if !path.is_file() => problems.push(format!(
            "{place}.pkcs11.module: {} does not exist or is not a file",
            path.display()
        )),
        Some(_) => {}
    }
    if p.token_label.is_empty() {
        problems.push(format!("{place}.pkcs11.token_label: must be set"));
    }
    if p.key_label.is_empty() {
        problems.push(format!("{place}.pkcs11.key_label: must be set"));
    }
    if p.pin.as_ref().is_none_or(|pin| pin.is_empty()) {
        problems.push(format!(
            "{place}.pkcs11.pin: must be set (or OSTIARY_MASTER_KEY__PKCS11__PIN_FILE)"
        ));
    }
}

fn check_aws_kms(place: &str, key: &MasterKeyConfig, problems: &mut Vec<String>) {
    let k = &key.aws_kms;
    if k.region.is_empty() {
        problems.push(format!(
            "{place}.aws_kms.region: must be set, e.g. eu-central-1"
        ));
    }
    if k.key_id.is_empty() {
        problems.push(format!("{place}.aws_kms.key_id: must be set (the key ARN)"));
    }
    if k.timeout_secs == 0 {
        problems.push(format!("{place}.aws_kms.timeout_secs: must be at least 1"));
    }
    match (&k.access_key_id, &k.secret_access_key) {
        (Some(_), None) => problems.push(format!(
            "{place}.aws_kms.secret_access_key: must be set with access_key_id (or OSTIARY_MASTER_KEY__AWS_KMS__SECRET_ACCESS_KEY_FILE)"
        )),
        (None, Some(_)) => problems.push(format!(
            "{place}.aws_kms.access_key_id: must be set with secret_access_key"
        )),
        _ => {}
    }
    if let Some(endpoint) = &k.endpoint {
        match url::Url::parse(endpoint) {
            Err(e) => problems.push(format!(
                "{place}.aws_kms.endpoint: {endpoint:?} is not a URL ({e})"
            )),
            Ok(url) => {
                let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
                if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
                    problems.push(format!(
                        "{place}.aws_kms.endpoint: {endpoint:?} must use https (plain http only on loopback)"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_missing_setting_is_named() {
        let mut previous = MasterKeyConfig {
            provider: "aws_kms".into(),
            ..MasterKeyConfig::default()
        };
        previous.aws_kms.access_key_id = Some("AKID".into());
        let mut config = Config {
            previous_master_keys: vec![previous, MasterKeyConfig::default()],
            ..Config::default()
        };
        config.master_key.provider = "pkcs11".into();
        config.master_key.pkcs11.module = Some("/nonexistent/libsofthsm2.so".into());
        let mut problems = Vec::new();
        check(&config, &mut problems);
        let expected = [
            "master_key.pkcs11.module: /nonexistent/libsofthsm2.so does not exist",
            "master_key.pkcs11.token_label: must be set",
            "master_key.pkcs11.key_label: must be set",
            "master_key.pkcs11.pin: must be set",
            "previous_master_keys[0].aws_kms.region: must be set",
            "previous_master_keys[0].aws_kms.key_id: must be set",
            "previous_master_keys[0].aws_kms.secret_access_key: must be set",
            "previous_master_keys[1].file: a previous local master key needs its file",
        ];
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for (problem, start) in problems.iter().zip(expected) {
            assert!(problem.starts_with(start), "{problem}");
        }
    }

    #[test]
    fn unknown_providers_and_plain_http_are_refused() {
        let mut kms = MasterKeyConfig {
            provider: "aws_kms".into(),
            ..MasterKeyConfig::default()
        };
        kms.aws_kms.region = "eu-west-1".into();
        kms.aws_kms.key_id = "k".into();
        kms.aws_kms.endpoint = Some("http://kms.example.com".into());
        let mut config = Config {
            previous_master_keys: vec![kms],
            ..Config::default()
        };
        config.master_key.provider = "vault".into();
        let mut problems = Vec::new();
        check(&config, &mut problems);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with("master_key.provider: \"vault\""));
        assert!(problems[1].contains("must use https"));
    }
}
