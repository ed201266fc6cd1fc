//! The one-time initial setup (S1, SR-86): whether `/setup` is still open,
//! creating the first administrator and claiming setup in one transaction,
//! and the secret `/setup` asks for on an exposed instance.

use chrono::{DateTime, Utc};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::users::{self, User};
use crate::store::{naive, setup};
use crate::users::accounts::{CreatedUser, UserSpec, insert_user};

/// Whether `/setup` may still run: never set up and no user exists.
pub fn setup_open(conn: &mut DbConnection) -> Result<bool, AppError> {
    Ok(!setup::is_complete(conn)? && users::count(conn)? == 0)
}

/// Create the first administrator (superuser, owner of the default
/// organization) and claim setup, all in one transaction. Of concurrent
/// attempts exactly one succeeds; the others get [`AppError::Conflict`]
/// (on PostgreSQL a loser aborted as not serializable runs again and then
/// finds setup done). `then` runs inside the same transaction (to create
/// the admin's session), once per run of it.
pub fn complete_setup<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    spec: &UserSpec,
    now: DateTime<Utc>,
    then: impl Fn(&mut DbConnection, &User) -> Result<T, AppError>,
) -> Result<(CreatedUser, T), AppError> {
    crate::store::write_tx(conn, |conn| {
        let already = || AppError::Conflict("Ostiary is already set up. Sign in instead.".into());
        if !setup_open(conn)? {
            return Err(already());
        }
        let created = insert_user(conn, actor, spec, now).map_err(|e| match e {
            AppError::Conflict(_) => already(),
            other => other,
        })?;
        if !setup::claim(conn, &created.id, naive(now))? {
            return Err(already());
        }
        let user = users::find(conn, &created.id)?.ok_or(AppError::NotFound)?;
        let actor = actor.as_user(&created.id, None);
        audit::record(
            conn,
            &actor,
            Event::new(Action::SetupCompleted, Outcome::Success)
                .target("user", created.id.as_str()),
            now,
        )?;
        let extra = then(conn, &user)?;
        Ok((created, extra))
    })
}

/// The secret `/setup` asks for (SR-86): the configured `setup_token`, or,
/// when the issuer is not a loopback address (an exposed instance), one
/// derived from the instance's keyed-hash key — the same on every instance
/// sharing the database, printed in the log at start, and useless once the
/// first administrator exists. `None`: a local instance without one.
pub fn setup_token(state: &crate::state::AppState) -> Option<String> {
    if let Some(token) = &state.config.setup_token {
        return Some(token.expose().to_owned());
    }
    if issuer_is_loopback(&state.config.issuer) {
        return None;
    }
    let derived = state.envelope.secret_hash("ostiary:setup-token:v1");
    Some(derived.chars().take(32).collect())
}

/// Whether the issuer names this machine only (localhost, 127.0.0.0/8, ::1).
fn issuer_is_loopback(issuer: &str) -> bool {
    match url::Url::parse(issuer)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod setup_token_tests {
    use super::issuer_is_loopback;

    #[test]
    fn only_this_machine_is_loopback() {
        for local in [
            "http://localhost:8080",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
        ] {
            assert!(issuer_is_loopback(local), "{local}");
        }
        for exposed in [
            "https://id.example.com",
            "http://10.0.0.5:8080",
            "https://localhost.example.com",
        ] {
            assert!(!issuer_is_loopback(exposed), "{exposed}");
        }
    }
}
