//! Pooled service connections (S7): search-then-bind reuses connections
//! that are bound as a directory's service account. They are kept per
//! provider, settings and service password (a change starts a new pool),
//! at most [`MAX_IDLE`] per directory, each for at most [`IDLE_FOR`]; a
//! connection goes back only while it is bound as the service account.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use ldap3::Ldap;
use sha2::{Digest, Sha256};

/// Idle connections kept per directory.
pub const MAX_IDLE: usize = 4;
/// How long an idle connection is kept.
pub const IDLE_FOR: Duration = Duration::from_secs(60);

type Idle = HashMap<String, Vec<(Instant, Ldap)>>;

static IDLE: LazyLock<Mutex<Idle>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// The pool of a provider with these settings (JSON) and service password.
pub fn key(provider_id: &str, settings_json: &str, password: &str) -> String {
    let mut h = Sha256::new();
    for part in [provider_id, settings_json, password] {
        h.update(part.len().to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// An idle connection of the pool `key`, bound as the service account.
pub fn take(key: &str) -> Option<Ldap> {
    let mut idle = IDLE.lock().ok()?;
    let list = idle.get_mut(key)?;
    while let Some((since, ldap)) = list.pop() {
        if since.elapsed() < IDLE_FOR {
            return Some(ldap);
        }
    }
    None
}

/// Keep `ldap` (bound as the service account) for the next sign-in.
pub fn give_back(key: &str, ldap: Ldap) {
    let Ok(mut idle) = IDLE.lock() else {
        return;
    };
    // Forget what idled too long (also pools of changed settings).
    idle.retain(|_, list| {
        list.retain(|(since, _)| since.elapsed() < IDLE_FOR);
        !list.is_empty()
    });
    let list = idle.entry(key.to_owned()).or_default();
    if list.len() < MAX_IDLE {
        list.push((Instant::now(), ldap));
    }
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn a_change_of_settings_or_password_is_another_pool() {
        let base = key("p1", "{\"url\":\"ldaps://a\"}", "pw");
        assert_eq!(base, key("p1", "{\"url\":\"ldaps://a\"}", "pw"));
        assert_ne!(base, key("p1", "{\"url\":\"ldaps://b\"}", "pw"));
        assert_ne!(base, key("p1", "{\"url\":\"ldaps://a\"}", "pw2"));
        assert_ne!(base, key("p2", "{\"url\":\"ldaps://a\"}", "pw"));
        // Parts are length-prefixed: no two splits give one key.
        assert_ne!(key("a", "bc", ""), key("ab", "c", ""));
    }
}
