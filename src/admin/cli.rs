//! `ostiary api-key …` (S1, S8): make, list, revoke and rotate admin-API
//! keys; prints JSON. The key is printed once, by `create` and `rotate`.

use chrono::Duration;
use clap::{Args, Subcommand};
use serde_json::Value;

use crate::admin::api_keys::{self, KeySpec};
use crate::audit::Actor;
use crate::error::AppError;
use crate::state::AppState;

/// `ostiary api-key …`
#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Make a key; prints `{"id", "key", …}` (the key only this once).
    Create(CreateArgs),
    /// Every key (never the key itself).
    List,
    /// Revoke a key now.
    Revoke { id: String },
    /// Replace a key; the old one works until the overlap ends.
    Rotate {
        id: String,
        /// How long the old key keeps working (default 1h; 30s, 15m, 12h, 30d).
        #[arg(long, value_name = "D", default_value = "1h")]
        overlap: String,
    },
}

/// Flags of `ostiary api-key create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long)]
    name: String,
    /// A scope (repeatable): users:read, users:write, clients:write, audit:read, … or *.
    #[arg(long = "scope", value_name = "S", required = true)]
    scopes: Vec<String>,
    /// Lifetime: 30s, 15m, 12h or 30d (default: no expiry).
    #[arg(long, value_name = "D")]
    expires_in: Option<String>,
    /// A network the key may be used from (repeatable; default: any).
    #[arg(long = "allow-ip", value_name = "CIDR")]
    allowed_ips: Vec<String>,
    /// At most N requests per minute, e.g. 600/min.
    #[arg(long, value_name = "N/MIN")]
    rate_limit: Option<String>,
    /// A support (vendor) key: every request must name the user it acts for
    /// (X-Actor-User-Id) and a ticket (X-Ticket-Reference).
    #[arg(long)]
    vendor: bool,
    /// Act only inside this organization (default: global).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
}

/// `30s`, `15m`, `12h`, `30d` for `flag`.
pub fn parse_duration(flag: &str, raw: &str) -> Result<Duration, AppError> {
    crate::domain::parse_duration(raw).map_err(|why| AppError::BadRequest(format!("{flag} {why}")))
}

/// `600/min`.
fn parse_rate(raw: &str) -> Result<i32, AppError> {
    raw.trim()
        .strip_suffix("/min")
        .and_then(|n| n.parse::<i32>().ok())
        .ok_or_else(|| {
            AppError::BadRequest(format!("--rate-limit {raw:?}: use N/min, e.g. 600/min"))
        })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(format!("json: {e}")))
}

/// Run the command; returns the JSON to print.
pub async fn run(state: &AppState, command: ApiKeyCommand) -> Result<Value, AppError> {
    let actor = Actor::system("cli");
    match command {
        ApiKeyCommand::Create(args) => {
            let spec = KeySpec {
                name: args.name,
                organization: args.org,
                scopes: args.scopes,
                expires_in: args
                    .expires_in
                    .as_deref()
                    .map(|d| parse_duration("--expires-in", d))
                    .transpose()?,
                allowed_ips: args.allowed_ips,
                rate_limit_per_min: args.rate_limit.as_deref().map(parse_rate).transpose()?,
                vendor: args.vendor,
                ..KeySpec::default()
            };
            to_json(&api_keys::create(state, &actor, spec).await?)
        }
        ApiKeyCommand::List => to_json(&api_keys::list(state).await?),
        ApiKeyCommand::Revoke { id } => to_json(&api_keys::revoke(state, &actor, &id).await?),
        ApiKeyCommand::Rotate { id, overlap } => {
            let overlap = parse_duration("--overlap", &overlap)?;
            to_json(&api_keys::rotate(state, &actor, &id, overlap).await?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_rates_read_as_documented() {
        assert_eq!(parse_duration("--x", "30s").unwrap(), Duration::seconds(30));
        assert_eq!(parse_duration("--x", "15m").unwrap(), Duration::minutes(15));
        assert_eq!(parse_duration("--x", "12h").unwrap(), Duration::hours(12));
        assert_eq!(parse_duration("--x", "30d").unwrap(), Duration::days(30));
        for bad in ["", "d", "10", "5w", "-1d", "99999999999d"] {
            assert!(parse_duration("--x", bad).is_err(), "{bad}");
        }
        assert_eq!(parse_rate("600/min").unwrap(), 600);
        assert!(parse_rate("600").is_err());
    }
}
