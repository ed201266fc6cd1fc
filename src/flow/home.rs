//! `/`: sends the visitor where they belong: `/setup` on an empty store,
//! the account page when signed in, the login page otherwise.

use actix_web::{HttpResponse, web};

use crate::auth::MaybeSession;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::render::see_other;

/// `GET /`
pub async fn get_home(
    state: web::Data<AppState>,
    session: MaybeSession,
) -> Result<HttpResponse, AppError> {
    if session.0.is_some() {
        return Ok(see_other("/account", vec![]));
    }
    let open = state.db.run(crate::users::setup::setup_open).await?;
    Ok(see_other(if open { "/setup" } else { "/login" }, vec![]))
}
