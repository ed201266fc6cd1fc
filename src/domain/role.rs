//! Organization roles: owner and admin administer the organization,
//! an auditor reads it (and its audit log), a member belongs to it.

use std::fmt;
use std::str::FromStr;

/// A member's role in an organization.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Auditor,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Auditor => "auditor",
            Self::Member => "member",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "auditor" => Ok(Self::Auditor),
            "member" => Ok(Self::Member),
            other => Err(format!(
                "unknown role {other:?}: use owner, admin, auditor or member"
            )),
        }
    }
}
