//! Home-realm discovery (S7): an email domain claimed by an enabled
//! provider (`--domain`) sends whoever types such an address on the login
//! page to that provider; local methods (a password, an email code) for
//! those addresses count only when the provider allows them
//! (`--allow-local-passwords`). An LDAP provider's addresses are asked for
//! the directory password on our own page instead.

use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::kind::Flow;
use crate::state::AppState;
use crate::store::providers;

/// The provider an address belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Realm {
    pub provider_id: String,
    /// Local accounts of the domain may still sign in with a password.
    pub allow_local_passwords: bool,
    /// The person types a directory password on our page (LDAP) instead
    /// of being sent to the provider.
    pub password: bool,
}

/// The lower-case domain of an address as typed, if it has one.
fn domain_of(email: &str) -> Option<String> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    (!domain.is_empty()).then_some(domain)
}

/// The provider an address typed on a sign-in form goes to, if any:
/// a claimed domain always does, unless its provider lets local accounts
/// use a local method and the person asked for one (`wants_local`: typed a
/// password, asked for an email code).
pub async fn sends_to_provider(
    state: &AppState,
    email: &str,
    wants_local: bool,
) -> Result<Option<Realm>, AppError> {
    Ok(of_email(state, email)
        .await?
        .filter(|realm| !(realm.allow_local_passwords && wants_local)))
}

/// The enabled provider claiming the domain of `email`, if any.
pub async fn of_email(state: &AppState, email: &str) -> Result<Option<Realm>, AppError> {
    let Some(domain) = domain_of(email) else {
        return Ok(None);
    };
    state
        .db
        .run(move |conn| {
            let Some(id) = providers::owner_of_domain(conn, &domain)? else {
                return Ok(None);
            };
            Ok(providers::find(conn, &id)?
                .filter(|p| {
                    p.enabled
                        && Kind::parse(&p.kind)
                            .is_some_and(|k| k.uses_callback() || k == Kind::Ldap)
                })
                .map(|p| Realm {
                    password: Kind::parse(&p.kind).is_some_and(|k| k.flow() == Flow::Password),
                    provider_id: p.id,
                    allow_local_passwords: p.allow_local_passwords,
                }))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::domain_of;

    #[test]
    fn the_domain_is_what_follows_the_last_at() {
        assert_eq!(
            domain_of(" Ann@Corp.Example. ").as_deref(),
            Some("corp.example")
        );
        assert_eq!(
            domain_of("a@b@corp.example").as_deref(),
            Some("corp.example")
        );
        assert_eq!(domain_of("no-at-sign"), None);
        assert_eq!(domain_of("trailing@"), None);
    }
}
