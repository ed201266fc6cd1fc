//! What the account and security pages show about the signed-in user:
//! organizations, connected applications, linked sign-in providers, live
//! sessions, second factors
//! and recent security events. Reads only.

use chrono::Duration;

use crate::auth::mfa::factors::{self, Factors};
use crate::domain::UserId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::audit::AuditRow;
use crate::store::consents::Consent;
use crate::store::identities::{self, IdentityRow};
use crate::store::sessions::AuthSession;
use crate::store::{audit as audit_rows, consents, naive, orgs, sessions};

/// Most audit rows read for the security page (it shows fewer: some
/// events are not described to the user).
const RECENT_EVENTS: i64 = 200;

/// What `/account` lists.
#[derive(Debug)]
pub struct AccountOverview {
    /// `(organization name, role)` of every membership.
    pub memberships: Vec<(String, String)>,
    /// Live sessions, most recently seen first.
    pub sessions: Vec<AuthSession>,
    /// Consents with the application's name.
    pub consents: Vec<(Consent, String)>,
    /// Upstream identities linked to the account, with the provider's name.
    pub identities: Vec<(IdentityRow, String)>,
}

/// What `/account/security` lists.
#[derive(Debug)]
pub struct SecurityOverview {
    pub factors: Factors,
    /// How many sessions are live.
    pub live_sessions: usize,
    /// The user's most recent audit records, newest first.
    pub events: Vec<AuditRow>,
}

/// The account page's data for `user_id`, read in one go.
pub async fn account(state: &AppState, user_id: &UserId) -> Result<AccountOverview, AppError> {
    let now = state.now();
    let idle_cutoff = naive(now - Duration::seconds(state.config.session.idle_timeout_secs));
    let user_id = user_id.to_owned();
    state
        .db
        .run(move |conn| {
            Ok(AccountOverview {
                memberships: orgs::memberships_of(conn, &user_id)?,
                sessions: sessions::list_live(conn, &user_id, naive(now), idle_cutoff)?,
                consents: consents::list_for_user(conn, &user_id, None)?,
                identities: identities::of_user(conn, &user_id)?,
            })
        })
        .await
}

/// The security page's data for `user_id`, read in one go.
pub async fn security(state: &AppState, user_id: &UserId) -> Result<SecurityOverview, AppError> {
    let now = state.now();
    let idle_cutoff = naive(now - Duration::seconds(state.config.session.idle_timeout_secs));
    let user_id = user_id.to_owned();
    state
        .db
        .run(move |conn| {
            Ok(SecurityOverview {
                factors: factors::of(conn, &user_id)?,
                live_sessions: sessions::list_live(conn, &user_id, naive(now), idle_cutoff)?.len(),
                events: audit_rows::recent_for_user(conn, &user_id, RECENT_EVENTS)?,
            })
        })
        .await
}
