//! Who a SAML IdP signed in, as a LogoutRequest must name them: the
//! NameID (value, format) and SessionIndex of a consumed assertion.

use samael::schema::Assertion;
use serde::{Deserialize, Serialize};

/// Who the IdP signed in, as it must be named in a LogoutRequest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Subject {
    pub name_id: String,
    pub format: Option<String>,
    pub session_index: Option<String>,
}

/// The NameID and SessionIndex of a consumed assertion.
pub fn subject_of(assertion: &Assertion) -> Option<Subject> {
    let name_id = assertion.subject.as_ref()?.name_id.as_ref()?;
    let session_index = assertion
        .authn_statements
        .iter()
        .flatten()
        .find_map(|s| s.session_index.clone());
    Some(Subject {
        name_id: name_id.value.trim().to_owned(),
        format: name_id.format.clone(),
        session_index,
    })
}
