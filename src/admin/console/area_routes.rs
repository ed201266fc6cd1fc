//! The routes of the console's larger areas, kept apart from the area
//! modules so the list pages and the pages they link to need not import
//! each other (dependencies point one way).

use actix_web::web::{self, ServiceConfig};

use crate::admin::console::{
    application_new, application_page, application_secret, applications, organization_invite,
    organization_new, organization_page, organization_writes, organizations, user_actions,
    user_edit, user_invite, user_new, user_page, users, webhook_deliveries, webhook_new,
    webhook_page, webhooks,
};

pub fn users(cfg: &mut ServiceConfig) {
    cfg.route("/admin/users", web::get().to(users::get_list))
        .route("/admin/users/new", web::get().to(user_new::get_new))
        .route("/admin/users/new", web::post().to(user_new::post_new))
        .route(
            "/admin/users/invite",
            web::get().to(user_invite::get_invite),
        )
        .route(
            "/admin/users/invite",
            web::post().to(user_invite::post_invite),
        )
        .route("/admin/users/{id}", web::get().to(user_page::get_user))
        .route("/admin/users/{id}/edit", web::get().to(user_edit::get_edit))
        .route(
            "/admin/users/{id}/edit",
            web::post().to(user_edit::post_edit),
        )
        .route(
            "/admin/users/{id}/sessions/{session}/end",
            web::post().to(user_actions::post_end_session),
        )
        .route(
            "/admin/users/{id}/{action}",
            web::post().to(user_actions::post_action),
        );
}

pub fn organizations(cfg: &mut ServiceConfig) {
    let post = web::post;
    cfg.route("/admin/organizations", web::get().to(organizations::list))
        .route("/admin/organizations", post().to(organization_new::create))
        .route(
            "/admin/organizations/new",
            web::get().to(organization_new::form),
        )
        .route(
            "/admin/organizations/{id}",
            web::get().to(organization_page::show),
        )
        .route(
            "/admin/organizations/{id}/name",
            post().to(organization_writes::rename),
        )
        .route(
            "/admin/organizations/{id}/members",
            post().to(organization_writes::add_member),
        )
        .route(
            "/admin/organizations/{id}/members/{user_id}/role",
            post().to(organization_writes::change_role),
        )
        .route(
            "/admin/organizations/{id}/members/{user_id}/remove",
            post().to(organization_writes::remove_member),
        )
        .route(
            "/admin/organizations/{id}/invitations",
            post().to(organization_invite::invite),
        )
        .route(
            "/admin/organizations/{id}/invitations/{invitation}/revoke",
            post().to(organization_invite::revoke),
        );
}

pub fn applications(cfg: &mut ServiceConfig) {
    cfg.route("/admin/applications", web::get().to(applications::get_list));
    // Before `{id}`: "new" is the wizard.
    application_new::routes(cfg);
    application_secret::routes(cfg);
    application_page::routes(cfg);
}

pub fn webhooks(cfg: &mut ServiceConfig) {
    let post = web::post;
    cfg.route(webhooks::PAGE, web::get().to(webhooks::get_list))
        .route(webhooks::PAGE, post().to(webhook_new::post_create))
        // Before `{id}`: "new" is the form.
        .route(webhook_new::NEW, web::get().to(webhook_new::get_new))
        .route(
            "/admin/webhooks/{id}",
            web::get().to(webhook_page::get_webhook),
        )
        .route("/admin/webhooks/{id}", post().to(webhook_page::post_update))
        .route(
            "/admin/webhooks/{id}/rotate-secret",
            post().to(webhook_page::post_rotate),
        )
        .route(
            "/admin/webhooks/{id}/delete",
            post().to(webhook_page::post_delete),
        )
        .route(
            webhook_deliveries::DEAD_LETTERS,
            web::get().to(webhook_deliveries::get_dead),
        )
        .route(
            "/admin/webhook-deliveries/{id}/replay",
            post().to(webhook_deliveries::post_replay),
        );
}
