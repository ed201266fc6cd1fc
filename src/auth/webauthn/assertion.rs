//! Assertions: second-factor authentication of a known user and
//! discoverable (passwordless) authentication.

use super::*;
use crate::domain::UserId;

/// Start a second-factor authentication of `user_id` with any of their
/// passkeys. Returns the options for `navigator.credentials.get` (user
/// verification required) and the binding cookie; 409 when the user has no
/// passkey.
pub async fn start_authentication(
    state: &AppState,
    user_id: &UserId,
) -> Result<(serde_json::Value, Cookie<'static>), AppError> {
    let rp = relying_party(state)?;
    let creds = list(state, user_id)
        .await?
        .iter()
        .map(parse_passkey)
        .collect::<Result<Vec<_>, _>>()?;
    if creds.is_empty() {
        return Err(AppError::Conflict(
            "No passkey is registered for this account.".into(),
        ));
    }
    let (options, authentication) = rp
        .start_passkey_authentication(&creds)
        .map_err(|e| internal("passkey authentication start", e))?;
    let options =
        serde_json::to_value(&options).map_err(|e| internal("authentication options", e))?;
    let ceremony =
        serde_json::to_string(&authentication).map_err(|e| internal("authentication state", e))?;
    let cookie = begin(
        state,
        Purpose::Authenticate,
        Some(user_id.to_owned()),
        ceremony,
    )
    .await?;
    Ok((options, cookie))
}

/// Finish a second-factor authentication started by [`start_authentication`]
/// for `user_id` in this browser. `Ok(true)`: a passkey of that user signed
/// the challenge with user verification; its counter/backup state and
/// `last_used_at` are updated and `passkey.verified` audited. `Ok(false)`: any
/// failure (no/expired/reused ceremony, malformed credential, someone else's
/// passkey, bad signature), audited as `passkey.rejected`. The ceremony is
/// used up either way. Does not touch throttle counters (the MFA step does).
pub async fn finish_authentication(
    state: &AppState,
    req: &HttpRequest,
    user_id: &UserId,
    credential_json: &str,
) -> Result<bool, AppError> {
    let actor = request_actor(req).as_user(user_id, None);
    match verify_known_user(state, req, user_id, credential_json).await? {
        Ok(row) => {
            record_use(state, actor, row).await?;
            Ok(true)
        }
        Err(reason) => {
            let now = state.now();
            let user_id = user_id.to_owned();
            audit::record_alone(
                &state.db,
                actor,
                Event::new(Action::PasskeyRejected, Outcome::Failure)
                    .target("user", user_id.as_str())
                    .details(serde_json::json!({ "reason": reason })),
                now,
            )
            .await?;
            Ok(false)
        }
    }
}

/// A verified assertion: the passkey row with its updated credential.
#[derive(Debug)]
pub struct Verified {
    pub row: PasskeyRow,
    /// The updated `Passkey` JSON when counter/backup state changed.
    pub updated: Option<String>,
}

pub(super) async fn verify_known_user(
    state: &AppState,
    req: &HttpRequest,
    user_id: &UserId,
    credential_json: &str,
) -> Result<Result<Verified, &'static str>, AppError> {
    let rp = relying_party(state)?;
    let Some(ceremony) = consume(state, req, Purpose::Authenticate, Some(user_id)).await? else {
        return Ok(Err("no_ceremony"));
    };
    let authentication: PasskeyAuthentication =
        serde_json::from_str(&ceremony).map_err(|e| internal("authentication state", e))?;
    let Some(credential) = parse_json::<PublicKeyCredential>(credential_json) else {
        return Ok(Err("malformed"));
    };
    let Some(row) = find_credential(state, credential.get_credential_id()).await? else {
        return Ok(Err("unknown_credential"));
    };
    if row.user_id != *user_id {
        return Ok(Err("unknown_credential"));
    }
    let mut passkey = parse_passkey(&row)?;
    let result = match rp.finish_passkey_authentication(&credential, &authentication) {
        Ok(r) if r.user_verified() && r.cred_id() == passkey.cred_id() => r,
        Ok(_) => return Ok(Err("verification_failed")),
        Err(e) => {
            tracing::info!(error = %e, "passkey assertion refused");
            return Ok(Err("verification_failed"));
        }
    };
    Ok(Ok(updated(row, &mut passkey, &result)?))
}

pub(super) fn updated(
    row: PasskeyRow,
    passkey: &mut Passkey,
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> Result<Verified, AppError> {
    let updated = match passkey.update_credential(result) {
        Some(true) => Some(serde_json::to_string(passkey).map_err(|e| internal("passkey", e))?),
        _ => None,
    };
    Ok(Verified { row, updated })
}

pub(super) async fn find_credential(
    state: &AppState,
    raw_id: &[u8],
) -> Result<Option<PasskeyRow>, AppError> {
    let id = credential_id_text(raw_id);
    state
        .db
        .run(move |conn| passkeys::find_by_credential_id(conn, &id))
        .await
}

/// Store the updated credential and `last_used_at`; audit `passkey.verified`.
pub async fn record_use(
    state: &AppState,
    actor: Actor,
    verified: Verified,
) -> Result<(), AppError> {
    let now = state.now();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                passkeys::record_use(
                    conn,
                    &verified.row.id,
                    verified.updated.as_deref(),
                    naive(now),
                )?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::PasskeyVerified, Outcome::Success)
                        .target("user", verified.row.user_id.as_str())
                        .details(serde_json::json!({
                            "passkey_id": verified.row.id,
                            "name": verified.row.name,
                        })),
                    now,
                )
            })
        })
        .await
}

/// Start a passwordless (discoverable) authentication: options for
/// `navigator.credentials.get` naming no user or credential (identical for
/// everyone, SR-85), user verification required, and the binding cookie.
pub async fn start_discoverable(
    state: &AppState,
) -> Result<(serde_json::Value, Cookie<'static>), AppError> {
    let rp = relying_party(state)?;
    let (mut options, authentication) = rp
        .start_discoverable_authentication()
        .map_err(|e| internal("discoverable authentication start", e))?;
    // A button starts the ceremony: a modal request, not conditional UI.
    options.mediation = None;
    let options =
        serde_json::to_value(&options).map_err(|e| internal("authentication options", e))?;
    let ceremony =
        serde_json::to_string(&authentication).map_err(|e| internal("authentication state", e))?;
    let cookie = begin(state, Purpose::Discoverable, None, ceremony).await?;
    Ok((options, cookie))
}

/// Finish a passwordless authentication started by [`start_discoverable`] in
/// this browser: the user is the owner of the stored credential named by the
/// assertion, whose user handle must match; user verification required.
/// `Err(reason)` (for the audit record only) on any failure. Does not check
/// whether the user is locked, and records nothing: see
/// `auth::passkey_login`.
pub async fn finish_discoverable(
    state: &AppState,
    req: &HttpRequest,
    credential_json: &str,
) -> Result<Result<Verified, &'static str>, AppError> {
    let rp = relying_party(state)?;
    let Some(ceremony) = consume(state, req, Purpose::Discoverable, None).await? else {
        return Ok(Err("no_ceremony"));
    };
    let authentication: DiscoverableAuthentication =
        serde_json::from_str(&ceremony).map_err(|e| internal("authentication state", e))?;
    let Some(credential) = parse_json::<PublicKeyCredential>(credential_json) else {
        return Ok(Err("malformed"));
    };
    let Ok((user_handle, raw_id)) = rp.identify_discoverable_authentication(&credential) else {
        return Ok(Err("no_user_handle"));
    };
    let Some(row) = find_credential(state, raw_id).await? else {
        return Ok(Err("unknown_credential"));
    };
    if Uuid::parse_str(&row.user_id).ok() != Some(user_handle) {
        return Ok(Err("user_handle_mismatch"));
    }
    let mut passkey = parse_passkey(&row)?;
    let result =
        match rp.finish_discoverable_authentication_v2(&credential, authentication, &passkey) {
            Ok(r) if r.user_verified() => r,
            Ok(_) => return Ok(Err("verification_failed")),
            Err(e) => {
                tracing::info!(error = %e, "passkey assertion refused");
                return Ok(Err("verification_failed"));
            }
        };
    Ok(Ok(updated(row, &mut passkey, &result)?))
}
