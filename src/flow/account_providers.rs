//! `POST /account/providers/{id}/link` and `/unlink`: the signed-in user
//! links an upstream provider to their account (they go to the provider,
//! and its callback links the identity it names to this account — only if
//! this browser is still signed in to it) or unlinks one, never the last
//! way to sign in (`federation::links`). Both need a recent sign-in.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::auth::guard::{Checked, CsrfOnly, Recent};
use crate::error::AppError;
use crate::federation::links::{self, Unlinked};
use crate::federation::upstream::Intent;
use crate::flow::account::ThisPage;
use crate::flow::federated::{Via, send_upstream};
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::see_other;

/// The unlink form: which identity of the provider.
#[derive(Debug, Deserialize)]
pub struct UnlinkForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    subject: String,
}

crate::csrf_field!(UnlinkForm);

/// `POST /account/providers/{id}/link`
pub async fn post_link(
    state: web::Data<AppState>,
    ctx: RequestContext,
    Recent { current, .. }: Recent<ThisPage>,
    path: web::Path<String>,
    _csrf: Checked<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let intent = Intent {
        return_to: Some("/account".into()),
        link_user_id: Some(current.user.id.clone()),
        ip: Some(ctx.ip.clone()),
    };
    send_upstream(&state, &ctx, &path.into_inner(), intent, Via::Page).await
}

/// `POST /account/providers/{id}/unlink`
pub async fn post_unlink(
    state: web::Data<AppState>,
    ctx: RequestContext,
    Recent { current, .. }: Recent<ThisPage>,
    path: web::Path<String>,
    form: Checked<UnlinkForm>,
) -> Result<HttpResponse, AppError> {
    let actor = current.actor(&ctx);
    let provider_id = path.into_inner();
    let outcome = links::unlink(
        &state,
        &actor,
        &current.user.id,
        &provider_id,
        &form.subject,
    )
    .await?;
    match outcome {
        Unlinked::Unlinked => Ok(see_other("/account?notice=provider-unlinked", vec![])),
        Unlinked::LastMethod => Ok(see_other("/account?notice=provider-last-method", vec![])),
        Unlinked::NotFound => Err(AppError::NotFound),
    }
}
