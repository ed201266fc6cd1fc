//! Administration (S8): API keys and their scopes, and the JSON admin API
//! under `/api/v1` that calls the same services as the CLI. The console
//! pages will join it here.

pub mod api;
pub mod api_keys;
pub mod cli;
pub mod org_cli;
pub mod scopes;
