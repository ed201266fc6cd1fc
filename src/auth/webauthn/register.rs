//! Registering and removing passkeys (discoverable, user verification
//! required).

use super::*;
use crate::auth::sign_in_methods::{Removing, another_remains};
use crate::domain::UserId;

/// The outcome of removing a passkey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Removed,
    /// The user has no such passkey.
    NotFound,
    /// It is the account's only way to sign in (no password, no other
    /// passkey, no linked provider).
    LastMethod,
}

/// Ask for a resident (discoverable) credential: webauthn-rs 0.6's
/// `start_passkey_registration` sends `residentKey: "discouraged"`, but a
/// passkey must also work as a passwordless first factor.
pub(super) fn require_resident_key(options: &mut serde_json::Value) {
    if let Some(public_key) = options
        .get_mut("publicKey")
        .and_then(serde_json::Value::as_object_mut)
    {
        let selection = public_key
            .entry("authenticatorSelection")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(selection) = selection.as_object_mut() {
            selection.insert("residentKey".into(), "required".into());
            selection.insert("requireResidentKey".into(), true.into());
            selection.insert("userVerification".into(), "required".into());
        }
    }
}

/// Start registering a passkey for `user` (the caller checked the session,
/// CSRF and a recent sign-in). Returns the options for
/// `navigator.credentials.create` and the binding cookie.
pub async fn start_registration(
    state: &AppState,
    user: &User,
) -> Result<(serde_json::Value, Cookie<'static>), AppError> {
    let rp = relying_party(state)?;
    let unique_id = Uuid::parse_str(&user.id).map_err(|e| internal("user id is not a UUID", e))?;
    let existing = list(state, &user.id).await?;
    let exclude = existing
        .iter()
        .map(|row| parse_passkey(row).map(|p| p.cred_id().clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let display = if user.display_name.trim().is_empty() {
        user.email.as_str()
    } else {
        user.display_name.as_str()
    };
    let (options, registration) = rp
        .start_passkey_registration(
            unique_id,
            &user.email,
            display,
            (!exclude.is_empty()).then_some(exclude),
        )
        .map_err(|e| internal("passkey registration start", e))?;
    let mut options =
        serde_json::to_value(&options).map_err(|e| internal("registration options", e))?;
    require_resident_key(&mut options);
    let ceremony =
        serde_json::to_string(&registration).map_err(|e| internal("registration state", e))?;
    let cookie = begin(state, Purpose::Register, Some(user.id.clone()), ceremony).await?;
    Ok((options, cookie))
}

/// The message for any failed registration.
pub const REGISTRATION_FAILED: &str =
    "The passkey could not be registered. Start again from your passkeys page.";

/// A passkey name as stored: trimmed, no control characters, at most
/// [`MAX_NAME_CHARS`]; "Passkey" when empty.
pub fn clean_name(raw: &str) -> String {
    let name: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let name = name.trim().to_owned();
    if name.is_empty() {
        "Passkey".into()
    } else {
        name
    }
}

/// Finish a registration started by [`start_registration`] in this browser
/// for `user_id`; stores the passkey and audits `passkey.registered`.
/// Returns the new passkey's id. Any failure is a 400 with
/// [`REGISTRATION_FAILED`] and stores nothing; the ceremony is used up.
pub async fn finish_registration(
    state: &AppState,
    req: &HttpRequest,
    actor: Actor,
    user_id: &UserId,
    name: &str,
    credential_json: &str,
) -> Result<String, AppError> {
    let rp = relying_party(state)?;
    let failed = || AppError::BadRequest(REGISTRATION_FAILED.into());
    let Some(ceremony) = consume(state, req, Purpose::Register, Some(user_id)).await? else {
        return Err(failed());
    };
    let registration: PasskeyRegistration =
        serde_json::from_str(&ceremony).map_err(|e| internal("registration state", e))?;
    let Some(credential) = parse_json::<RegisterPublicKeyCredential>(credential_json) else {
        return Err(failed());
    };
    let passkey = rp
        .finish_passkey_registration(&credential, &registration)
        .map_err(|e| {
            tracing::info!(error = %e, "passkey registration refused");
            failed()
        })?;
    let now = state.now();
    let row = PasskeyRow {
        id: Uuid::new_v4().to_string(),
        user_id: user_id.to_owned(),
        credential_id: credential_id_text(passkey.cred_id()),
        name: clean_name(name),
        passkey: serde_json::to_string(&passkey).map_err(|e| internal("passkey", e))?,
        created_at: naive(now),
        last_used_at: None,
    };
    let id = row.id.clone();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if passkeys::find_by_credential_id(conn, &row.credential_id)?.is_some() {
                    return Err(AppError::Conflict(
                        "This passkey is already registered.".into(),
                    ));
                }
                passkeys::insert(conn, &row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::PasskeyRegistered, Outcome::Success)
                        .target("user", row.user_id.as_str())
                        .details(serde_json::json!({
                            "passkey_id": row.id,
                            "name": row.name,
                        })),
                    now,
                )
            })
        })
        .await?;
    Ok(id)
}

/// Remove passkey `id` of `user_id` (the caller checked CSRF and a recent
/// sign-in), unless it is the last way to sign in; audits
/// `passkey.removed`.
pub async fn remove(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
    id: &str,
) -> Result<Removal, AppError> {
    let now = state.now();
    let (user_id, id) = (user_id.to_owned(), id.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mine = passkeys::list_for_user(conn, &user_id)?
                    .iter()
                    .any(|p| p.id == id);
                if !mine {
                    return Ok(Removal::NotFound);
                }
                if !another_remains(conn, &user_id, Removing::Passkey)? {
                    return Ok(Removal::LastMethod);
                }
                let Some(row) = passkeys::delete_for_user(conn, &id, &user_id)? else {
                    return Ok(Removal::NotFound);
                };
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::PasskeyRemoved, Outcome::Success)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({ "passkey_id": row.id, "name": row.name })),
                    now,
                )?;
                Ok(Removal::Removed)
            })
        })
        .await
}
