//! Loading: defaults → TOML file → `OSTIARY_*` environment variables
//! (secrets also from files named by `OSTIARY_…_FILE`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};

use zeroize::Zeroize;

use crate::config::secret::Secret;
use crate::config::settings::Config;

/// Environment variables with the `OSTIARY_` prefix that are not settings
/// (used by the test suite and CI) and must not be refused as unknown keys.
const NOT_SETTINGS: &[&str] = &["TEST_DATABASE_URL", "REQUIRE_PEERS", "CONFIG"];

/// Secret settings that may instead be read from a file (container
/// secrets): the variable naming the file, the variable it stands in for
/// (both after `OSTIARY_`) and the key it sets.
const FROM_FILE: &[(&str, &str, &str)] = &[
    ("DATABASE_URL_FILE", "DATABASE_URL", "database_url"),
    ("SETUP_TOKEN_FILE", "SETUP_TOKEN", "setup_token"),
    ("SMTP_URL_FILE", "SMTP_URL", "smtp_url"),
    ("MAIL__PASSWORD_FILE", "MAIL__PASSWORD", "mail.password"),
    (
        "MASTER_KEY__PKCS11__PIN_FILE",
        "MASTER_KEY__PKCS11__PIN",
        "master_key.pkcs11.pin",
    ),
    (
        "MASTER_KEY__AWS_KMS__SECRET_ACCESS_KEY_FILE",
        "MASTER_KEY__AWS_KMS__SECRET_ACCESS_KEY",
        "master_key.aws_kms.secret_access_key",
    ),
];

/// Where the settings came from, for messages.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    pub file: Option<PathBuf>,
}

/// Load the configuration. `file` is `--config`; without it `./ostiary.toml`
/// is read when it exists. A named file that does not exist is an error.
/// `OSTIARY_DATABASE_URL_FILE`, `OSTIARY_SETUP_TOKEN_FILE`,
/// `OSTIARY_SMTP_URL_FILE`, `OSTIARY_MAIL__PASSWORD_FILE`,
/// `OSTIARY_MASTER_KEY__PKCS11__PIN_FILE` and
/// `OSTIARY_MASTER_KEY__AWS_KMS__SECRET_ACCESS_KEY_FILE` name a file
/// holding that setting (one trailing line break is dropped); setting one
/// together with its plain variable, or naming an unreadable or empty file,
/// is an error. Messages name the variable and the path, never the content.
pub fn load(file: Option<&Path>) -> Result<(Config, ConfigSource), Vec<String>> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    let chosen = match file {
        Some(path) => {
            if !path.is_file() {
                return Err(vec![format!(
                    "configuration file {} does not exist or is not a file",
                    path.display()
                )]);
            }
            Some(path.to_path_buf())
        }
        None => {
            let default = PathBuf::from("ostiary.toml");
            default.is_file().then_some(default)
        }
    };
    if let Some(path) = &chosen {
        figment = figment.merge(Toml::file_exact(path));
    }
    let file_vars: Vec<&str> = FROM_FILE.iter().map(|(var, _, _)| *var).collect();
    figment = figment.merge(
        Env::prefixed("OSTIARY_")
            .ignore(NOT_SETTINGS)
            .ignore(&file_vars)
            .split("__"),
    );
    let mut problems = Vec::new();
    for (file_var, plain_var, key) in FROM_FILE {
        match secret_from_file(file_var, plain_var) {
            Ok(Some(secret)) => figment = figment.merge(Serialized::default(key, secret)),
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
    }
    match figment.extract::<Config>() {
        Ok(config) if problems.is_empty() => Ok((config, ConfigSource { file: chosen })),
        Ok(_) => Err(problems),
        Err(errors) => {
            problems.extend(errors.into_iter().map(describe));
            Err(problems)
        }
    }
}

/// The value of `OSTIARY_{file_var}`'s file, `None` when that variable is
/// unset. The problem names the variable and the path, never the content.
fn secret_from_file(file_var: &str, plain_var: &str) -> Result<Option<Secret>, String> {
    let Some(path) = env_var(file_var) else {
        return Ok(None);
    };
    let name = format!("OSTIARY_{file_var}");
    if env_var(plain_var).is_some() {
        return Err(format!(
            "{name}: OSTIARY_{plain_var} is set too; set only one of them"
        ));
    }
    if path.is_empty() {
        return Err(format!("{name}: is set but names no file"));
    }
    let path = PathBuf::from(path);
    let bytes =
        std::fs::read(&path).map_err(|e| format!("{name}: cannot read {}: {e}", path.display()))?;
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            e.into_bytes().zeroize();
            return Err(format!("{name}: {} is not UTF-8 text", path.display()));
        }
    };
    let value = text
        .strip_suffix('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .unwrap_or(&text);
    let secret = (!value.is_empty()).then(|| Secret::from(value));
    text.zeroize();
    secret
        .map(Some)
        .ok_or_else(|| format!("{name}: {} is empty", path.display()))
}

/// `OSTIARY_{suffix}`, matched without regard to case as figment's
/// environment provider does.
fn env_var(suffix: &str) -> Option<OsString> {
    std::env::vars_os().find_map(|(key, value)| {
        let key = key.to_str()?.trim();
        let (prefix, rest) = (key.get(..8)?, key.get(8..)?);
        (prefix.eq_ignore_ascii_case("OSTIARY_") && rest.eq_ignore_ascii_case(suffix))
            .then_some(value)
    })
}

fn describe(error: figment::Error) -> String {
    let place = match &error.metadata {
        Some(meta) => match &meta.source {
            Some(figment::Source::File(path)) => format!(" (in {})", path.display()),
            _ => format!(" (from {})", meta.name),
        },
        None => String::new(),
    };
    let key = if error.path.is_empty() {
        String::new()
    } else {
        format!("{}: ", error.path.join("."))
    };
    format!("{key}{}{place}", error.kind)
}
