//! The admin console's messages (S8), one file per area so each area's
//! English and German sit side by side: [`common`] (layout, navigation,
//! shared words), [`dashboard`], [`users`], [`organizations`],
//! [`applications`], [`providers`] (and their [`group_roles`]), [`settings`] (MFA policies, signing
//! keys, API keys), [`branding`], [`audit`], [`webhooks`] and [`alerts`]. Keys start with `admin.`.

pub mod alerts;
pub mod applications;
pub mod audit;
pub mod branding;
pub mod common;
pub mod dashboard;
pub mod group_roles;
pub mod organizations;
pub mod providers;
pub mod settings;
pub mod users;
pub mod webhooks;

/// How many areas there are.
pub const AREAS: usize = 12;

type Table = &'static [(&'static str, &'static str)];

/// The English tables.
pub fn english() -> [Table; AREAS] {
    [
        common::EN,
        dashboard::EN,
        users::EN,
        organizations::EN,
        applications::EN,
        providers::EN,
        group_roles::EN,
        settings::EN,
        branding::EN,
        audit::EN,
        webhooks::EN,
        alerts::EN,
    ]
}

/// The German tables (Sie-Form).
pub fn german() -> [Table; AREAS] {
    [
        common::DE,
        dashboard::DE,
        users::DE,
        organizations::DE,
        applications::DE,
        providers::DE,
        group_roles::DE,
        settings::DE,
        branding::DE,
        audit::DE,
        webhooks::DE,
        alerts::DE,
    ]
}
