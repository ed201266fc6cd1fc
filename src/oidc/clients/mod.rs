//! Clients (applications): the settings an administrator gives and their
//! one validation ([`spec`]), registration ([`register`]), the view
//! administrators see ([`view`]), the administrator's operations over
//! CLI and admin API ([`admin`]) and `ostiary client …` ([`cli`]).

pub mod admin;
pub mod cli;
pub mod register;
pub mod spec;
pub mod view;

pub use register::{CreatedClient, create};
pub use spec::ClientSpec;
