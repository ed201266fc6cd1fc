//! Loading: defaults → TOML file → `OSTIARY_*` environment variables.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};

use super::Config;

/// Environment variables with the `OSTIARY_` prefix that are not settings
/// (used by the test suite and CI) and must not be refused as unknown keys.
const NOT_SETTINGS: &[&str] = &["TEST_DATABASE_URL", "REQUIRE_PEERS", "CONFIG"];

/// Where the settings came from, for messages.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    pub file: Option<PathBuf>,
}

/// Load the configuration. `file` is `--config`; without it `./ostiary.toml`
/// is read when it exists. A named file that does not exist is an error.
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
    figment = figment.merge(Env::prefixed("OSTIARY_").ignore(NOT_SETTINGS).split("__"));
    match figment.extract::<Config>() {
        Ok(config) => Ok((config, ConfigSource { file: chosen })),
        Err(errors) => Err(errors.into_iter().map(describe).collect()),
    }
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
