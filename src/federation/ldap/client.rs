//! The directory client (SR-130…SR-132): checks a person's password at an
//! LDAP server or Active Directory and reads who they are. Passwords that
//! are empty, only whitespace or contain NUL are refused before anything is
//! sent (an empty simple bind is an *unauthenticated* bind that servers
//! answer with success). TLS is verified (LDAPS or StartTLS, optionally a
//! CA file); connect and operation timeouts bound every step. Search-then-
//! bind looks the person up with the service account (exactly one entry)
//! and binds as them; direct bind fills the DN template. Every value the
//! person typed is escaped (RFC 4515 / RFC 4514). Any failure of the
//! directory itself is [`DirectoryError::Unavailable`]: the caller fails
//! closed with a generic message, the detail goes to the log. Service
//! connections are pooled ([`pool`]).

use std::time::Duration;

use ldap3::controls::RawControl;
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, Scope, SearchEntry, SearchOptions};
use zeroize::Zeroizing;

use crate::federation::ldap::entry::{
    Attrs, PPOLICY_OID, ad_account_state, guid_text, ppolicy_state, rdn_value,
};
use crate::federation::ldap::escape::{self, dn_value, filter_value};
use crate::federation::ldap::pool;
use crate::federation::ldap::settings::LdapSettings;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(10);
/// AD's `userAccountControl` flag of a disabled account.
const ACCOUNTDISABLE: u64 = 0x2;
/// `LDAP_MATCHING_RULE_IN_CHAIN`: AD's transitive membership.
const IN_CHAIN: &str = "1.2.840.113556.1.4.1941";
const MAX_USERNAME: usize = 256;
/// Groups read at most per sign-in.
const MAX_GROUPS: i32 = 1000;
/// `sizeLimitExceeded`: the search found more than it was allowed to return.
const SIZE_LIMIT_EXCEEDED: u32 = 4;

/// Why a directory sign-in did not work.
#[derive(Debug)]
pub enum DirectoryError {
    /// Refused before any bind: an empty, blank or NUL-containing
    /// password, or an unusable username (SR-130).
    Refused,
    /// Unknown person, several entries, or a wrong password (one answer
    /// for all; the detail is for the log).
    BadCredentials(String),
    /// The directory says the account may not sign in (disabled, locked,
    /// expired, password expired): a stable code for the page.
    AccountState(&'static str),
    /// The directory could not be used (down, TLS, timeout, service
    /// account refused, unexpected answer): fail closed (SR-132).
    Unavailable(String),
}

impl DirectoryError {
    /// What the log says.
    pub fn detail(&self) -> String {
        match self {
            Self::Refused => "refused before bind".into(),
            Self::BadCredentials(d) | Self::Unavailable(d) => d.clone(),
            Self::AccountState(code) => (*code).to_owned(),
        }
    }
}

/// A person as the directory knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub dn: String,
    /// `entryUUID`, or `objectGUID` with Active Directory.
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

/// A directory to ask, with the service account's password when it
/// searches.
pub struct Directory {
    pub settings: LdapSettings,
    pub bind_password: Option<Zeroizing<String>>,
    /// The pool of service connections to reuse (`pool::key`), if any.
    pub pool_key: Option<String>,
}

/// SR-130: a password that must never reach a bind.
pub fn unusable_password(password: &str) -> bool {
    password.trim().is_empty() || password.contains('\0')
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> DirectoryError {
    DirectoryError::Unavailable(format!("{what}: {e}"))
}

impl Directory {
    fn user_attributes(&self) -> Vec<&'static str> {
        let mut attrs = vec!["mail", "cn", "displayName", "memberOf"];
        if self.settings.active_directory {
            attrs.extend(["objectGUID", "userAccountControl"]);
        } else {
            attrs.push("entryUUID");
        }
        attrs
    }

    /// Open a connection: TLS as configured, verified.
    pub async fn connect(&self) -> Result<Ldap, DirectoryError> {
        let s = &self.settings;
        let mut tls = native_tls::TlsConnector::builder();
        if let Some(path) = &s.ca_file {
            let pem = tokio::fs::read(path)
                .await
                .map_err(|e| unavailable("CA file", e))?;
            for cert in pem_blocks(&pem) {
                let cert = native_tls::Certificate::from_pem(cert.as_bytes())
                    .map_err(|e| unavailable("CA file", e))?;
                tls.add_root_certificate(cert);
            }
        }
        let connector = tls.build().map_err(|e| unavailable("TLS", e))?;
        let settings = LdapConnSettings::new()
            .set_conn_timeout(CONNECT_TIMEOUT)
            .set_connector(connector)
            .set_starttls(s.starttls);
        let (conn, ldap) = tokio::time::timeout(
            CONNECT_TIMEOUT + OPERATION_TIMEOUT,
            LdapConnAsync::with_settings(settings, &s.url),
        )
        .await
        .map_err(|e| unavailable("connect", e))?
        .map_err(|e| unavailable("connect", e))?;
        ldap3::drive!(conn);
        Ok(ldap)
    }

    /// Whether the directory's address answers at all (a TCP connection,
    /// for "test connection").
    pub async fn reach(&self) -> Result<(), DirectoryError> {
        let url = url::Url::parse(&self.settings.url).map_err(|e| unavailable("url", e))?;
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_owned();
        let default = if url.scheme() == "ldaps" { 636 } else { 389 };
        let port = url.port().unwrap_or(default);
        tokio::time::timeout(
            CONNECT_TIMEOUT,
            tokio::net::TcpStream::connect((host, port)),
        )
        .await
        .map_err(|e| unavailable("connect", e))?
        .map_err(|e| unavailable("connect", e))?;
        Ok(())
    }

    /// Whether `base` names an entry the bound account can read.
    pub async fn base_exists(ldap: &mut Ldap, base: &str) -> Result<bool, DirectoryError> {
        let result = ldap
            .with_timeout(OPERATION_TIMEOUT)
            .search(base, Scope::Base, "(objectClass=*)", vec!["1.1"])
            .await
            .map_err(|e| unavailable("search base", e))?;
        match result.1.rc {
            0 => Ok(!result.0.is_empty()),
            // noSuchObject
            32 => Ok(false),
            _ => Err(unavailable("search base", result.1)),
        }
    }

    /// Bind as the service account (search-then-bind).
    pub async fn service_bind(&self, ldap: &mut Ldap) -> Result<(), DirectoryError> {
        let (Some(dn), Some(pw)) = (&self.settings.bind_dn, &self.bind_password) else {
            return Ok(());
        };
        if unusable_password(pw) {
            return Err(DirectoryError::Unavailable(
                "service account: no usable bind password".into(),
            ));
        }
        ldap.with_timeout(OPERATION_TIMEOUT)
            .simple_bind(dn, pw)
            .await
            .map_err(|e| unavailable("service bind", e))?
            .success()
            .map_err(|e| unavailable("service bind", e))?;
        Ok(())
    }

    /// Find the one entry the filter names under the user base.
    async fn find_user(
        &self,
        ldap: &mut Ldap,
        username: &str,
    ) -> Result<(String, Attrs), DirectoryError> {
        let s = &self.settings;
        let base = s.user_base_dn.as_deref().unwrap_or_default();
        let filter = escape::fill(&s.user_filter, username, filter_value);
        let entries = ldap
            .with_search_options(SearchOptions::new().sizelimit(2))
            .with_timeout(OPERATION_TIMEOUT)
            .search(base, Scope::Subtree, &filter, self.user_attributes())
            .await
            .map_err(|e| unavailable("user search", e))?;
        let entries = entries_of(entries, "user search")?;
        let mut entries = entries.into_iter();
        match (entries.next(), entries.next()) {
            (Some(one), None) => Ok(Attrs::of(SearchEntry::construct(one))),
            (None, _) => Err(DirectoryError::BadCredentials(format!(
                "no entry for {filter} under {base}"
            ))),
            (Some(_), Some(_)) => Err(DirectoryError::BadCredentials(format!(
                "several entries for {filter} under {base}"
            ))),
        }
    }

    /// Bind as the person; a refusal is a bad password, or the account's
    /// state when AD says so.
    async fn user_bind(ldap: &mut Ldap, dn: &str, password: &str) -> Result<(), DirectoryError> {
        // Ask for the password policy's word (OpenLDAP ppolicy, 389-DS):
        // a locked or expired account says so in a response control.
        let request = RawControl {
            ctype: PPOLICY_OID.into(),
            crit: false,
            val: None,
        };
        let result = ldap
            .with_controls(vec![request])
            .with_timeout(OPERATION_TIMEOUT)
            .simple_bind(dn, password)
            .await
            .map_err(|e| unavailable("user bind", e))?;
        let policy = result
            .ctrls
            .iter()
            .find(|c| c.1.ctype == PPOLICY_OID)
            .and_then(|c| c.1.val.as_deref())
            .and_then(ppolicy_state);
        match (result.rc, policy) {
            // Bound, but only to change the password.
            (0, Some(state @ "ldap_password_expired")) => Err(DirectoryError::AccountState(state)),
            (0, _) => Ok(()),
            // invalidCredentials (AD adds the reason), inappropriateAuthentication,
            // unwillingToPerform (e.g. an unauthenticated bind refused).
            (49 | 48 | 53, Some(state)) => Err(DirectoryError::AccountState(state)),
            (49 | 48 | 53, None) => match ad_account_state(&result.text) {
                Some(state) => Err(DirectoryError::AccountState(state)),
                None => Err(DirectoryError::BadCredentials(format!(
                    "bind refused for {dn}: {} {}",
                    result.rc, result.text
                ))),
            },
            _ => Err(unavailable("user bind", result)),
        }
    }

    /// Read the person's own entry (direct bind).
    async fn read_entry(&self, ldap: &mut Ldap, dn: &str) -> Result<Attrs, DirectoryError> {
        let (entries, _) = ldap
            .with_timeout(OPERATION_TIMEOUT)
            .search(dn, Scope::Base, "(objectClass=*)", self.user_attributes())
            .await
            .map_err(|e| unavailable("read entry", e))?
            .success()
            .map_err(|e| unavailable("read entry", e))?;
        let entry = entries
            .into_iter()
            .next()
            .ok_or_else(|| DirectoryError::Unavailable(format!("{dn}: entry not readable")))?;
        Ok(Attrs::of(SearchEntry::construct(entry)).1)
    }

    /// Group names: `memberOf`, and the groups under `--group-base-dn`
    /// naming the person (AD: nested, through `LDAP_MATCHING_RULE_IN_CHAIN`).
    async fn groups(
        &self,
        ldap: &mut Ldap,
        dn: &str,
        username: &str,
        attrs: &Attrs,
    ) -> Result<Vec<String>, DirectoryError> {
        let mut groups: Vec<String> = attrs.all("memberof").iter().map(|g| rdn_value(g)).collect();
        if let Some(base) = &self.settings.group_base_dn {
            let dn = filter_value(dn);
            let filter = if self.settings.active_directory {
                format!("(&(objectClass=group)(member:{IN_CHAIN}:={dn}))")
            } else {
                format!(
                    "(|(member={dn})(uniqueMember={dn})(memberUid={}))",
                    filter_value(username)
                )
            };
            let result = ldap
                .with_search_options(SearchOptions::new().sizelimit(MAX_GROUPS))
                .with_timeout(OPERATION_TIMEOUT)
                .search(base, Scope::Subtree, &filter, vec!["cn"])
                .await
                .map_err(|e| unavailable("group search", e))?;
            if result.1.rc == SIZE_LIMIT_EXCEEDED {
                tracing::warn!(
                    "LDAP group search for {dn}: more than {MAX_GROUPS} groups, the rest ignored"
                );
            }
            for entry in entries_of(result, "group search")? {
                let (gdn, a) = Attrs::of(SearchEntry::construct(entry));
                groups.push(a.first("cn").unwrap_or_else(|| rdn_value(&gdn)));
            }
        }
        groups.retain(|g| !g.is_empty());
        groups.sort();
        groups.dedup();
        Ok(groups)
    }

    fn person(
        &self,
        dn: String,
        attrs: &Attrs,
        groups: Vec<String>,
    ) -> Result<Person, DirectoryError> {
        let subject = if self.settings.active_directory {
            attrs.bytes("objectguid").and_then(|b| guid_text(&b))
        } else {
            attrs.first("entryuuid").map(|u| u.to_ascii_lowercase())
        }
        .ok_or_else(|| {
            DirectoryError::Unavailable(format!(
                "{dn}: no {} to identify the person",
                if self.settings.active_directory {
                    "objectGUID"
                } else {
                    "entryUUID"
                }
            ))
        })?;
        Ok(Person {
            dn,
            subject,
            email: attrs.first("mail"),
            name: attrs.first("displayname").or_else(|| attrs.first("cn")),
            groups,
        })
    }

    /// Check `password` for `username` and read the person.
    pub async fn authenticate(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Person, DirectoryError> {
        let username = username.trim();
        if unusable_password(password)
            || username.is_empty()
            || username.len() > MAX_USERNAME
            || username.chars().any(char::is_control)
        {
            return Err(DirectoryError::Refused);
        }
        let key = self
            .pool_key
            .as_deref()
            .filter(|_| self.settings.searches());
        if let Some(key) = key
            && let Some(mut ldap) = pool::take(key)
        {
            match self
                .authenticate_on(&mut ldap, username, password, true)
                .await
            {
                // The kept connection may have been closed meanwhile: once
                // more on a new one.
                Err(DirectoryError::Unavailable(detail)) => {
                    tracing::debug!("LDAP pooled connection failed, reconnecting: {detail}");
                }
                outcome => {
                    self.release(key, ldap, &outcome).await;
                    return outcome;
                }
            }
        }
        let mut ldap = self.connect().await?;
        let outcome = self
            .authenticate_on(&mut ldap, username, password, false)
            .await;
        match key {
            Some(key) => self.release(key, ldap, &outcome).await,
            None => {
                let _ = ldap.unbind().await;
            }
        }
        outcome
    }

    /// Keep a search-then-bind connection for the next sign-in when it is
    /// (again) bound as the service account; otherwise close it.
    async fn release(&self, key: &str, mut ldap: Ldap, outcome: &Result<Person, DirectoryError>) {
        let reusable = match outcome {
            // Bound as the service account again for the group search.
            Ok(_) => true,
            // A failed bind leaves the connection anonymous (RFC 4511).
            Err(DirectoryError::BadCredentials(_) | DirectoryError::AccountState(_)) => {
                self.service_bind(&mut ldap).await.is_ok()
            }
            Err(_) => false,
        };
        if reusable {
            pool::give_back(key, ldap);
        } else {
            let _ = ldap.unbind().await;
        }
    }

    async fn authenticate_on(
        &self,
        ldap: &mut Ldap,
        username: &str,
        password: &str,
        service_bound: bool,
    ) -> Result<Person, DirectoryError> {
        let (dn, attrs) = match &self.settings.user_dn_template {
            Some(template) => {
                let dn = escape::fill(template, username, dn_value);
                Self::user_bind(ldap, &dn, password).await?;
                let attrs = self.read_entry(ldap, &dn).await?;
                (dn, attrs)
            }
            None => {
                if !service_bound {
                    self.service_bind(ldap).await?;
                }
                let (dn, attrs) = self.find_user(ldap, username).await?;
                Self::user_bind(ldap, &dn, password).await?;
                // Back to the service account for the group search.
                self.service_bind(ldap).await?;
                (dn, attrs)
            }
        };
        if self.settings.active_directory
            && attrs
                .first("useraccountcontrol")
                .and_then(|v| v.parse::<u64>().ok())
                .is_some_and(|uac| uac & ACCOUNTDISABLE != 0)
        {
            return Err(DirectoryError::AccountState("ldap_account_disabled"));
        }
        let groups = self.groups(ldap, &dn, username, &attrs).await?;
        self.person(dn, &attrs, groups)
    }
}

/// The entries of a search that succeeded, also when the size limit cut
/// it short (`sizeLimitExceeded`: the entries so far) or it carried
/// referrals (not followed).
fn entries_of(
    result: ldap3::SearchResult,
    what: &str,
) -> Result<Vec<ldap3::ResultEntry>, DirectoryError> {
    match result.1.rc {
        0 | SIZE_LIMIT_EXCEEDED | 10 => Ok(result.0),
        _ => Err(unavailable(what, result.1)),
    }
}

/// The PEM certificate blocks of a file.
fn pem_blocks(pem: &[u8]) -> Vec<String> {
    const END: &str = "-----END CERTIFICATE-----";
    let text = String::from_utf8_lossy(pem);
    text.split_inclusive(END)
        .filter(|b| b.contains("-----BEGIN CERTIFICATE-----") && b.ends_with(END))
        .map(|b| b.trim().to_owned())
        .collect()
}
#[cfg(test)]
mod tests {
    use super::{pem_blocks, unusable_password};

    /// SR-130: these never reach a bind.
    #[test]
    fn empty_blank_and_nul_passwords_are_unusable() {
        for bad in ["", " ", "\t\n", "a\0b", "\0"] {
            assert!(unusable_password(bad), "{bad:?}");
        }
        assert!(!unusable_password("correct horse"));
        assert!(!unusable_password(" padded "));
    }

    #[test]
    fn every_certificate_of_a_ca_file_is_read() {
        let two = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_blocks(two.as_bytes()).len(), 2);
    }
}
