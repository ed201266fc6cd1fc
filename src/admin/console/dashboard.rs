//! `GET /admin`: the dashboard (S8).

use actix_web::HttpResponse;
use actix_web::web::{self, ServiceConfig};
use askama::Template;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::error::AppError;
use crate::i18n::Tr;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/admin", web::get().to(get_dashboard));
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    pub t: Tr,
    pub chrome: Chrome,
}

/// `GET /admin`
pub async fn get_dashboard(console: Console) -> Result<HttpResponse, AppError> {
    respond::page(&DashboardPage {
        t: console.chrome.t,
        chrome: console.chrome("dashboard"),
    })
}
