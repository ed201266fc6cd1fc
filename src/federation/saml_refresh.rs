//! Refreshing the IdP metadata of SAML providers that were given a
//! metadata URL (issue 15): the daily job (`jobs::saml_metadata`), `ostiary
//! provider refresh-metadata ID` and `POST /api/v1/providers/{id}/refresh-metadata`
//! all call [`refresh`]. The document is fetched under the outbound-call
//! rules and checked exactly like at creation; when that fails, or it names
//! another entity id, the stored document is kept, a warning is logged and
//! `provider.metadata_refresh_failed` audited. A changed document replaces
//! the stored one through the registry (checked again there), audited as
//! `provider.metadata_refreshed` with the signing certificates'
//! fingerprints before and after. An unchanged document writes nothing.

//!
//! The outcome types are compiled without the `saml` feature too (the
//! admin API documents them either way); the work needs it.

use serde::Serialize;
#[cfg(feature = "saml")]
use serde_json::json;

#[cfg(feature = "saml")]
use crate::audit::{self, Action, Actor, Event, Outcome};
#[cfg(feature = "saml")]
use crate::error::AppError;
#[cfg(feature = "saml")]
use crate::federation::Kind;
#[cfg(feature = "saml")]
use crate::federation::registry::{self, Audited, Reach};
#[cfg(feature = "saml")]
use crate::federation::saml_metadata::{self, Source};
#[cfg(feature = "saml")]
use crate::state::AppState;
#[cfg(feature = "saml")]
use crate::store::write_tx;

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The document fetched is the one stored.
    Unchanged,
    /// A changed document replaced the stored one.
    Updated,
    /// The fetched document was refused: the stored one is kept.
    Kept,
}

/// A refresh's outcome.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Refreshed {
    pub provider_id: String,
    pub result: Change,
    /// Why the document was refused (`kept`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// SHA-256 fingerprints of the IdP's signing certificates now in use.
    pub certificates: Vec<String>,
}

/// Why a provider cannot be refreshed at all.
#[derive(Debug)]
pub enum NotRefreshable {
    /// Not a SAML provider.
    NotSaml,
    /// Its metadata was given as a document, not fetched from a URL.
    NoUrl,
}

#[cfg(feature = "saml")]
/// Fetch the metadata of provider `id` (in `reach`) again.
pub async fn refresh(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    id: &str,
) -> Result<Result<Refreshed, NotRefreshable>, AppError> {
    let view = registry::show(state, reach, id, false).await?;
    if view.kind != Kind::Saml {
        return Ok(Err(NotRefreshable::NotSaml));
    }
    let Some(current) = view.settings.saml.clone() else {
        return Ok(Err(NotRefreshable::NotSaml));
    };
    let Some(url) = current.metadata_url.clone() else {
        return Ok(Err(NotRefreshable::NoUrl));
    };
    let old = saml_metadata::fingerprints(&current.idp_metadata);
    let refused = |reason: String| Refreshed {
        provider_id: view.id.clone(),
        result: Change::Kept,
        reason: Some(reason),
        certificates: old.clone(),
    };
    let fresh = match saml_metadata::replace(state, &current, &Source::Url(url.clone())).await {
        Ok(fresh) if fresh.idp_entity_id != current.idp_entity_id => Err(format!(
            "the metadata names another entity id ({}, not {})",
            fresh.idp_entity_id.chars().take(300).collect::<String>(),
            current.idp_entity_id
        )),
        Ok(fresh) => Ok(fresh),
        Err(e) => Err(e.trim_start_matches("--metadata-url: ").to_owned()),
    };
    let fresh = match fresh {
        Ok(fresh) => fresh,
        Err(reason) => {
            tracing::warn!(provider = %view.id, %url, %reason, "saml metadata refresh refused: the stored metadata is kept");
            record_failure(state, actor, &view.id, &url, &reason).await?;
            return Ok(Ok(refused(reason)));
        }
    };
    if fresh.idp_metadata == current.idp_metadata {
        return Ok(Ok(Refreshed {
            provider_id: view.id,
            result: Change::Unchanged,
            reason: None,
            certificates: old,
        }));
    }
    let new = saml_metadata::fingerprints(&fresh.idp_metadata);
    let audited = Audited {
        action: Action::ProviderMetadataRefreshed,
        details: json!({
            "metadata_url": url,
            "old_certificates": old,
            "new_certificates": new,
        }),
    };
    let changed = registry::update_audited(
        state,
        actor,
        reach,
        &view.id,
        move |spec| spec.saml = Some(fresh),
        None,
        audited,
    )
    .await?;
    match changed {
        Ok(_) => Ok(Ok(Refreshed {
            provider_id: view.id,
            result: Change::Updated,
            reason: None,
            certificates: new,
        })),
        Err(refusal) => {
            let reason = match refusal {
                registry::Refusal::Invalid { message, .. }
                | registry::Refusal::Privileged { message, .. } => message,
                registry::Refusal::GroupRole(rule) => rule.message(),
            };
            tracing::warn!(provider = %view.id, %url, %reason, "saml metadata refresh refused: the stored metadata is kept");
            record_failure(state, actor, &view.id, &url, &reason).await?;
            Ok(Ok(refused(reason)))
        }
    }
}

#[cfg(feature = "saml")]
async fn record_failure(
    state: &AppState,
    actor: &Actor,
    id: &str,
    url: &str,
    reason: &str,
) -> Result<(), AppError> {
    let now = state.now();
    let (actor, id, details) = (
        actor.clone(),
        id.to_owned(),
        json!({ "metadata_url": url, "reason": reason, "kept": true }),
    );
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ProviderMetadataRefreshFailed, Outcome::Failure)
                        .target("provider", id.as_str())
                        .details(details.clone()),
                    now,
                )
            })
        })
        .await?;
    Ok(())
}

#[cfg(feature = "saml")]
/// Refresh every live SAML provider that has a metadata URL (the job).
pub async fn refresh_all(state: &AppState) -> Vec<Refreshed> {
    let actor = Actor::system("saml-metadata-refresh");
    let providers = match registry::list(state).await {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(error = %e, "saml metadata refresh: providers unreadable");
            return Vec::new();
        }
    };
    let mut done = Vec::new();
    for p in providers {
        let has_url = p
            .settings
            .saml
            .as_ref()
            .is_some_and(|s| s.metadata_url.is_some());
        if p.kind != Kind::Saml || !has_url {
            continue;
        }
        match refresh(state, &actor, &Reach::global(), &p.id).await {
            Ok(Ok(r)) => {
                if r.result == Change::Updated {
                    tracing::info!(provider = %p.id, "saml metadata refreshed");
                }
                done.push(r);
            }
            Ok(Err(_)) => {}
            Err(e) => tracing::warn!(provider = %p.id, error = %e, "saml metadata refresh failed"),
        }
    }
    done
}
