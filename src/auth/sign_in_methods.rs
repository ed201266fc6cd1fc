//! The ways an account signs in on its own: a password, a passkey
//! (passwordless) and a linked upstream identity. One rule for every place
//! that removes one (account page, later the admin API): another must
//! remain, so nobody removes their own last way in.

use crate::db::DbConnection;
use crate::domain::UserId;
use crate::error::AppError;
use crate::store::{identities, passkeys, users};

/// What is about to be removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removing {
    Passkey,
    Identity,
}

/// Whether `user_id` keeps a way to sign in once one `removing` is gone.
/// Call it in the write transaction that removes it, so parallel removals
/// cannot each count on the other.
pub fn another_remains(
    conn: &mut DbConnection,
    user_id: &UserId,
    removing: Removing,
) -> Result<bool, AppError> {
    let password = users::find(conn, user_id)?.is_some_and(|u| u.password_hash.is_some());
    let passkeys =
        passkeys::count_for_user(conn, user_id)? - i64::from(removing == Removing::Passkey);
    let identities =
        identities::count_for_user(conn, user_id)? - i64::from(removing == Removing::Identity);
    Ok(password || passkeys > 0 || identities > 0)
}
