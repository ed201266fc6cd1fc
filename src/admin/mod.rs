//! Administration (S8): API keys and their scopes, and the JSON admin API
//! under `/api/v1` and the web console under `/admin`, which call the
//! same services as the CLI.

pub mod api;
pub mod api_keys;
pub mod cli;
pub mod console;
pub mod org_cli;
pub mod scopes;
