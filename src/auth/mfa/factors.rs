//! Which second factors a user has: a confirmed authenticator app, unused
//! backup codes, passkeys; and a user with theirs, for the challenge page.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::passkeys;
use crate::domain::UserId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::users::{self, User};
use crate::store::{backup_codes, mfa_totp};

/// A user's enrolled factors.
#[derive(Debug, Clone, Default)]
pub struct Factors {
    pub totp: bool,
    pub passkeys: i64,
    pub backup_codes_left: i64,
}

impl Factors {
    /// Whether any factor that can be a second step is enrolled (backup
    /// codes only count alongside a real factor).
    pub fn any(&self) -> bool {
        self.totp || self.passkeys > 0
    }
}

/// Load the user's factors.
pub fn of(conn: &mut DbConnection, user_id: &UserId) -> Result<Factors, AppError> {
    let totp = mfa_totp::find(conn, user_id)?.is_some_and(|t| t.confirmed_at.is_some());
    let passkeys = passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(Factors {
        totp,
        passkeys,
        backup_codes_left: backup_codes::remaining(conn, user_id)?,
    })
}

/// The (not deleted) user `user_id` with their factors, read in one go;
/// `None` when the user is gone.
pub async fn user_with_factors(
    state: &AppState,
    user_id: &UserId,
) -> Result<Option<(User, Factors)>, AppError> {
    let user_id = user_id.to_owned();
    let (user, factors) = state
        .db
        .run(move |conn| Ok((users::find(conn, &user_id)?, of(conn, &user_id)?)))
        .await?;
    Ok(user.map(|user| (user, factors)))
}
