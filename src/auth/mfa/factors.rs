//! Which second factors a user has: a confirmed authenticator app, unused
//! backup codes, passkeys.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::passkeys;
use crate::error::AppError;
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
pub fn of(conn: &mut DbConnection, user_id: &str) -> Result<Factors, AppError> {
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
