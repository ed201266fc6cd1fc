//! "API key used from a new address": every use of an API key notes its
//! address in `api_key_ips`; an address the key was never used from,
//! other than its very first one (a new key has to be used from
//! somewhere), is audited as `api_key.new_ip`, which the
//! `api_key_new_ip` rule watches. A stored set of addresses rather than
//! the last one: a key used from two known addresses in turn is no news.
//! Called inside the key's use transaction, so parallel uses on any
//! instance record a new address once.

use chrono::{DateTime, Utc};

use crate::audit::{self, Action, Actor, ActorKind, Event, Outcome};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::alerts as rows;
use crate::store::naive;

/// Note that key `key_id` is used from `ip`; audit a new address.
pub fn note(
    conn: &mut DbConnection,
    key_id: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if rows::note_key_ip(conn, key_id, ip, naive(now))? != Some(false) {
        return Ok(());
    }
    let actor = Actor {
        kind: ActorKind::ApiKey,
        id: Some(key_id.to_owned()),
        session_id: None,
        request_id: None,
        ip: Some(ip.to_owned()),
        user_agent: None,
        vendor: None,
    };
    let event = Event::new(Action::ApiKeyNewIp, Outcome::Success)
        .target("api_key", key_id)
        .details(serde_json::json!({ "ip": ip }));
    audit::record(conn, &actor, event, now)
}
