//! Backup codes (S5): 10 codes of 10 Crockford base32 characters (50 bits
//! each) from the CSPRNG, shown once, stored as keyed hashes, each usable
//! once; a new set replaces the old one.

use chrono::{DateTime, Utc};

use crate::crypto::Envelope;
use crate::crypto::token::random_bytes;
use crate::db::DbConnection;
use crate::domain::UserId;
use crate::error::AppError;
use crate::store::backup_codes::{self, BackupCode};
use crate::store::naive;

/// Codes per set.
pub const COUNT: usize = 10;
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const LEN: usize = 10;

fn one_code() -> String {
    // 256 is a multiple of 32, so `b % 32` is uniform.
    random_bytes::<LEN>()
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
        .collect()
}

/// How a code is typed back: case, spaces and dashes don't matter, and the
/// letters people confuse with digits are read as those digits.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        })
        .take(64)
        .collect()
}

/// Replace the user's codes with a new set; returns the codes for display
/// (formatted `xxxxx-xxxxx`). Call inside a write transaction.
pub fn regenerate(
    conn: &mut DbConnection,
    envelope: &Envelope,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let batch_id = uuid::Uuid::new_v4().to_string();
    let codes: Vec<String> = (0..COUNT).map(|_| one_code()).collect();
    let rows: Vec<BackupCode> = codes
        .iter()
        .map(|c| BackupCode {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user_id.to_owned(),
            batch_id: batch_id.clone(),
            code_hash: envelope.secret_hash(c),
            created_at: naive(now),
            used_at: None,
        })
        .collect();
    backup_codes::replace(conn, user_id, &rows)?;
    Ok(codes
        .iter()
        .map(|c| format!("{}-{}", &c[..5], &c[5..]))
        .collect())
}

/// Use one code; `true` when it was an unused code of this user.
pub fn consume(
    conn: &mut DbConnection,
    envelope: &Envelope,
    user_id: &UserId,
    input: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let code = normalize(input);
    if code.len() != LEN {
        return Ok(false);
    }
    backup_codes::consume(conn, user_id, &envelope.secret_hash(&code), naive(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_and_typeable() {
        let c = one_code();
        assert_eq!(c.len(), LEN);
        assert!(c.bytes().all(|b| ALPHABET.contains(&b)));
        assert_eq!(normalize(" AB1O-il23 "), "ab101123");
    }
}
