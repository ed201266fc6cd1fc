//! Background jobs the server runs on a timer: database upkeep
//! ([`maintenance`]).

pub mod maintenance;
