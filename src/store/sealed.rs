//! Every envelope-sealed column (S10) and the context its values are bound
//! to, in one place: the modules that seal and open them take the context
//! from here, and data-key rotation (`keys::rotate_data`) finds, reads and
//! rewrites the values still sealed by a given data key. A column not
//! listed here would keep its old key forever: add new sealed columns to
//! [`ALL`].

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    federation_logins, identities, mfa_totp, providers, saml_sessions, signing_keys, webhooks,
};
use crate::error::AppError;
use crate::store::escape_like;

/// Context of a user's TOTP secret (`mfa_totp.secret_enc`).
pub fn totp_context(user_id: &str) -> String {
    format!("totp:{user_id}")
}

/// Context of a signing key's private key (`signing_keys.private_key`).
pub fn signing_key_context(kid: &str) -> String {
    format!("signing-key:{kid}")
}

/// Context of a provider's client secret, LDAP bind password or SAML SP
/// key (`providers.secret`).
pub fn provider_secret_context(id: &str) -> String {
    format!("provider:{id}:secret")
}

/// Context of a webhook subscription's signing secret
/// (`webhooks.secret_sealed`).
pub fn webhook_secret_context(subscription_id: &str) -> String {
    format!("webhook_secret:{subscription_id}")
}

/// Context of an identity's kept upstream tokens (`identities.tokens`).
pub fn identity_tokens_context(provider_id: &str, subject: &str) -> String {
    format!("identity:{provider_id}:{subject}:tokens")
}

/// Context of a SAML session's subject (`saml_sessions.sealed`).
pub const SAML_SUBJECT_CONTEXT: &str = "saml:subject";

/// Context of a pending federated login's PKCE verifier
/// (`federation_logins.pkce_verifier`).
pub const FEDERATION_PKCE_CONTEXT: &str = "federation:pkce";

/// A sealed column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    TotpSecrets,
    SigningKeys,
    ProviderSecrets,
    WebhookSecrets,
    IdentityTokens,
    SamlSessions,
    FederationPkce,
}

/// Every sealed column in the database.
pub const ALL: [Column; 7] = [
    Column::TotpSecrets,
    Column::SigningKeys,
    Column::ProviderSecrets,
    Column::WebhookSecrets,
    Column::IdentityTokens,
    Column::SamlSessions,
    Column::FederationPkce,
];

/// One stored sealed value: its row, its context and the value.
#[derive(Debug, Clone)]
pub struct Sealed {
    /// The row's primary key (two parts for `identities`).
    pub key: (String, String),
    pub context: String,
    pub value: String,
}

fn pattern(kid: &str) -> String {
    format!("v1.{}.%", escape_like(kid))
}

fn single(rows: Vec<(String, String)>, context: impl Fn(&str) -> String) -> Vec<Sealed> {
    rows.into_iter()
        .map(|(k, value)| Sealed {
            context: context(&k),
            key: (k, String::new()),
            value,
        })
        .collect()
}

impl Column {
    /// `table.column`, for reports.
    pub fn name(self) -> &'static str {
        match self {
            Column::TotpSecrets => "mfa_totp.secret_enc",
            Column::SigningKeys => "signing_keys.private_key",
            Column::ProviderSecrets => "providers.secret",
            Column::WebhookSecrets => "webhooks.secret_sealed",
            Column::IdentityTokens => "identities.tokens",
            Column::SamlSessions => "saml_sessions.sealed",
            Column::FederationPkce => "federation_logins.pkce_verifier",
        }
    }

    /// Up to `limit` values sealed by the data key `kid`, in key order,
    /// skipping the first `skip` (values that could not be moved).
    pub fn sealed_by(
        self,
        conn: &mut DbConnection,
        kid: &str,
        skip: i64,
        limit: i64,
    ) -> Result<Vec<Sealed>, AppError> {
        let p = pattern(kid);
        Ok(match self {
            Column::TotpSecrets => single(
                mfa_totp::table
                    .filter(mfa_totp::secret_enc.like(p).escape('\\'))
                    .order(mfa_totp::user_id)
                    .select((mfa_totp::user_id, mfa_totp::secret_enc))
                    .offset(skip)
                    .limit(limit)
                    .load(conn)?,
                totp_context,
            ),
            Column::SigningKeys => single(
                signing_keys::table
                    .filter(signing_keys::private_key.like(p).escape('\\'))
                    .order(signing_keys::id)
                    .select((signing_keys::id, signing_keys::private_key))
                    .offset(skip)
                    .limit(limit)
                    .load(conn)?,
                signing_key_context,
            ),
            Column::ProviderSecrets => single(
                providers::table
                    .filter(providers::secret.like(p).escape('\\'))
                    .order(providers::id)
                    .select((providers::id, providers::secret.assume_not_null()))
                    .offset(skip)
                    .limit(limit)
                    .load(conn)?,
                provider_secret_context,
            ),
            Column::WebhookSecrets => single(
                webhooks::table
                    .filter(webhooks::secret_sealed.like(p).escape('\\'))
                    .order(webhooks::id)
                    .select((webhooks::id, webhooks::secret_sealed))
                    .offset(skip)
                    .limit(limit)
                    .load(conn)?,
                webhook_secret_context,
            ),
            Column::SamlSessions => single(
                saml_sessions::table
                    .filter(saml_sessions::sealed.like(p).escape('\\'))
                    .order(saml_sessions::session_id)
                    .select((saml_sessions::session_id, saml_sessions::sealed))
                    .offset(skip)
                    .limit(limit)
                    .load(conn)?,
                |_| SAML_SUBJECT_CONTEXT.to_owned(),
            ),
            Column::FederationPkce => single(
                federation_logins::table
                    .filter(federation_logins::pkce_verifier.like(p).escape('\\'))
                    .order(federation_logins::state_hash)
                    .select((
                        federation_logins::state_hash,
                        federation_logins::pkce_verifier,
                    ))
                    .offset(skip)
                    .limit(limit)
                    .load(conn)?,
                |_| FEDERATION_PKCE_CONTEXT.to_owned(),
            ),
            Column::IdentityTokens => identities::table
                .filter(identities::tokens.like(p).escape('\\'))
                .order((identities::provider_id, identities::subject))
                .select((
                    identities::provider_id,
                    identities::subject,
                    identities::tokens.assume_not_null(),
                ))
                .offset(skip)
                .limit(limit)
                .load::<(String, String, String)>(conn)?
                .into_iter()
                .map(|(provider, subject, value)| Sealed {
                    context: identity_tokens_context(&provider, &subject),
                    key: (provider, subject),
                    value,
                })
                .collect(),
        })
    }

    /// Store `value` in the row of `old` while that row still holds
    /// `old.value` (a concurrent write wins); whether it changed.
    pub fn replace(
        self,
        conn: &mut DbConnection,
        old: &Sealed,
        value: &str,
    ) -> Result<bool, AppError> {
        let (k, k2, was) = (&old.key.0, &old.key.1, &old.value);
        let changed = match self {
            Column::TotpSecrets => diesel::update(
                mfa_totp::table
                    .filter(mfa_totp::user_id.eq(k))
                    .filter(mfa_totp::secret_enc.eq(was)),
            )
            .set(mfa_totp::secret_enc.eq(value))
            .execute(conn)?,
            Column::SigningKeys => diesel::update(
                signing_keys::table
                    .filter(signing_keys::id.eq(k))
                    .filter(signing_keys::private_key.eq(was)),
            )
            .set(signing_keys::private_key.eq(value))
            .execute(conn)?,
            Column::ProviderSecrets => diesel::update(
                providers::table
                    .filter(providers::id.eq(k))
                    .filter(providers::secret.eq(was)),
            )
            .set(providers::secret.eq(value))
            .execute(conn)?,
            Column::WebhookSecrets => diesel::update(
                webhooks::table
                    .filter(webhooks::id.eq(k))
                    .filter(webhooks::secret_sealed.eq(was)),
            )
            .set(webhooks::secret_sealed.eq(value))
            .execute(conn)?,
            Column::SamlSessions => diesel::update(
                saml_sessions::table
                    .filter(saml_sessions::session_id.eq(k))
                    .filter(saml_sessions::sealed.eq(was)),
            )
            .set(saml_sessions::sealed.eq(value))
            .execute(conn)?,
            Column::FederationPkce => diesel::update(
                federation_logins::table
                    .filter(federation_logins::state_hash.eq(k))
                    .filter(federation_logins::pkce_verifier.eq(was)),
            )
            .set(federation_logins::pkce_verifier.eq(value))
            .execute(conn)?,
            Column::IdentityTokens => diesel::update(
                identities::table
                    .filter(identities::provider_id.eq(k))
                    .filter(identities::subject.eq(k2))
                    .filter(identities::tokens.eq(was)),
            )
            .set(identities::tokens.eq(value))
            .execute(conn)?,
        };
        Ok(changed == 1)
    }

    /// How many values the data key `kid` still seals.
    pub fn count_sealed_by(self, conn: &mut DbConnection, kid: &str) -> Result<i64, AppError> {
        let p = pattern(kid);
        Ok(match self {
            Column::TotpSecrets => mfa_totp::table
                .filter(mfa_totp::secret_enc.like(p).escape('\\'))
                .count()
                .get_result(conn)?,
            Column::SigningKeys => signing_keys::table
                .filter(signing_keys::private_key.like(p).escape('\\'))
                .count()
                .get_result(conn)?,
            Column::ProviderSecrets => providers::table
                .filter(providers::secret.like(p).escape('\\'))
                .count()
                .get_result(conn)?,
            Column::WebhookSecrets => webhooks::table
                .filter(webhooks::secret_sealed.like(p).escape('\\'))
                .count()
                .get_result(conn)?,
            Column::IdentityTokens => identities::table
                .filter(identities::tokens.like(p).escape('\\'))
                .count()
                .get_result(conn)?,
            Column::SamlSessions => saml_sessions::table
                .filter(saml_sessions::sealed.like(p).escape('\\'))
                .count()
                .get_result(conn)?,
            Column::FederationPkce => federation_logins::table
                .filter(federation_logins::pkce_verifier.like(p).escape('\\'))
                .count()
                .get_result(conn)?,
        })
    }
}
