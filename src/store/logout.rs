//! Ending browser sessions' grants inside the caller's transaction, and the
//! queue of back-channel logout notices they produce (S3, SR-65, SR-142).
//! [`end_sessions`] revokes the grants made in the ended sessions — except
//! `offline_access` ones, which outlive the session (BCL §2.7) — and lists
//! the clients to notify; [`end_all_tx`] ends everything of a user. After
//! commit the caller hands the notices to [`LogoutQueue::send`]; the OIDC
//! layer signs and delivers them (`oidc::backchannel`).

use chrono::{DateTime, NaiveDateTime, Utc};
use tokio::sync::mpsc;

use crate::crypto::signing::Alg;
use crate::db::DbConnection;
use crate::domain::{ClientId, SessionId, UserId};
use crate::error::AppError;
use crate::store::{clients, grants, naive, sessions};

/// One logout token to send.
#[derive(Debug, Clone)]
pub struct Notice {
    pub client_id: ClientId,
    pub uri: String,
    pub alg: Alg,
    pub sub: UserId,
    pub sid: SessionId,
}

/// Where committed logout notices go; the receiving end delivers them.
#[derive(Debug, Clone)]
pub struct LogoutQueue(mpsc::UnboundedSender<Vec<Notice>>);

/// The delivering end of a [`LogoutQueue`].
pub type LogoutReceiver = mpsc::UnboundedReceiver<Vec<Notice>>;

impl LogoutQueue {
    /// A queue and its receiving end.
    pub fn new() -> (Self, LogoutReceiver) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self(tx), rx)
    }

    /// Hand over notices of a committed transaction (none: nothing happens).
    pub fn send(&self, notices: Vec<Notice>) {
        if notices.is_empty() {
            return;
        }
        if self.0.send(notices).is_err() {
            tracing::error!("back-channel logout queue closed; notices dropped");
        }
    }
}

/// Whether a space-separated scope string grants `offline_access`.
fn is_offline(scope: &str) -> bool {
    scope.split(' ').any(|s| s == "offline_access")
}

/// Revoke the grants of the ended sessions and say whom to tell. Call in
/// the transaction that ends the sessions.
pub fn end_sessions(
    conn: &mut DbConnection,
    session_ids: &[SessionId],
    now: NaiveDateTime,
) -> Result<Vec<Notice>, AppError> {
    let mut live = Vec::new();
    for sid in session_ids {
        live.extend(grants::live_for_session(conn, sid)?);
    }
    for g in &live {
        if !is_offline(&g.scope) {
            grants::revoke(conn, &g.id, now)?;
        }
    }
    let mut client_ids: Vec<ClientId> = live.iter().map(|g| g.client_id.clone()).collect();
    client_ids.sort();
    client_ids.dedup();
    let targets = clients::with_backchannel(conn, &client_ids)?;
    let mut notices: Vec<Notice> = Vec::new();
    for g in &live {
        let (Some(client), Some(sub), Some(sid)) = (
            targets.iter().find(|c| c.id == g.client_id),
            &g.user_id,
            &g.session_id,
        ) else {
            continue;
        };
        let Some(uri) = &client.backchannel_logout_uri else {
            continue;
        };
        if notices
            .iter()
            .any(|n| n.client_id == client.id && &n.sid == sid)
        {
            continue;
        }
        notices.push(Notice {
            client_id: client.id.clone(),
            uri: uri.clone(),
            alg: Alg::parse(&client.id_token_signed_response_alg).unwrap_or(Alg::RS256),
            sub: sub.clone(),
            sid: sid.clone(),
        });
    }
    Ok(notices)
}

/// Sessions of `user_id` that have live grants (for "sign out all devices").
pub fn sessions_with_grants(
    conn: &mut DbConnection,
    user_id: &UserId,
    now: NaiveDateTime,
) -> Result<Vec<SessionId>, AppError> {
    let mut ids: Vec<SessionId> = grants::live_for_user(conn, user_id, now)?
        .into_iter()
        .filter_map(|g| g.session_id)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// What [`end_all_tx`] ended.
#[derive(Debug, Default)]
pub struct Ended {
    pub sessions: usize,
    pub grants: usize,
    /// Back-channel logout notices to send after commit.
    pub notices: Vec<Notice>,
}

/// End every session of the user but `keep`, and every grant (offline ones
/// too) not made in `keep`, inside the caller's transaction: a credential
/// changed or was reset, or the account is going away (SR-65, SR-96).
pub fn end_all_tx(
    conn: &mut DbConnection,
    user_id: &UserId,
    keep: Option<&SessionId>,
    now: DateTime<Utc>,
) -> Result<Ended, AppError> {
    let mut with_grants = sessions_with_grants(conn, user_id, naive(now))?;
    with_grants.retain(|id| Some(id) != keep);
    let notices = end_sessions(conn, &with_grants, naive(now))?;
    let mut grants = 0;
    for grant in grants::live_for_user(conn, user_id, naive(now))? {
        if grant.session_id.is_some() && grant.session_id.as_ref() == keep {
            continue;
        }
        if grants::revoke(conn, &grant.id, naive(now))? {
            grants += 1;
        }
    }
    let sessions = match keep {
        Some(keep) => sessions::revoke_all_except(conn, user_id, keep, naive(now))?,
        None => sessions::revoke_all(conn, user_id, naive(now))?,
    };
    Ok(Ended {
        sessions,
        grants,
        notices,
    })
}
