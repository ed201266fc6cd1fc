//! `RequestContext`: request id, client IP and user agent of the current
//! request, put in the request extensions by the middleware and available to
//! handlers as an extractor. It also yields the anonymous [`Actor`].

use std::future::{Ready, ready};
use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::audit::{Actor, ActorKind};
use crate::config::TrustedProxy;

/// Longest user agent kept.
const MAX_USER_AGENT: usize = 512;

/// Facts about the request every audit record and log line needs.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub ip: String,
    pub user_agent: String,
}

impl RequestContext {
    /// Build from the raw request; the client IP honours `X-Forwarded-For`
    /// only when the peer is a trusted proxy and the value parses (SR-75).
    pub fn from_parts(
        request_id: String,
        peer: Option<IpAddr>,
        forwarded_for: Option<&str>,
        user_agent: Option<&str>,
        trusted: &[TrustedProxy],
    ) -> Self {
        let ip = client_ip(peer, forwarded_for, trusted)
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        let user_agent = user_agent
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_USER_AGENT)
            .collect();
        Self {
            request_id,
            ip,
            user_agent,
        }
    }

    /// An anonymous actor for this request.
    pub fn actor(&self) -> Actor {
        Actor {
            kind: ActorKind::Anonymous,
            id: None,
            session_id: None,
            request_id: Some(self.request_id.clone()),
            ip: Some(self.ip.clone()),
            user_agent: Some(self.user_agent.clone()),
            vendor: None,
        }
    }
}

/// The client address: the peer, unless the peer is a trusted proxy, in which
/// case the right-most `X-Forwarded-For` entry that is not itself trusted.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[TrustedProxy],
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|t| t.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let Some(header) = forwarded_for else {
        return Some(peer);
    };
    for entry in header.rsplit(',') {
        match entry.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) {
            Ok(ip) if is_trusted(&ip) => continue,
            Ok(ip) => return Some(ip),
            // An unparsable hop: stop believing the header.
            Err(_) => return Some(peer),
        }
    }
    Some(peer)
}

impl FromRequest for RequestContext {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ctx = req
            .extensions()
            .get::<RequestContext>()
            .cloned()
            .unwrap_or_else(|| RequestContext {
                request_id: crate::request_id::current(),
                ip: req
                    .peer_addr()
                    .map_or_else(|| "unknown".into(), |a| a.ip().to_string()),
                user_agent: String::new(),
            });
        ready(Ok(ctx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        // SR-75
        let proxy = ip("10.0.0.1");
        let trusted: TrustedProxy = "10.0.0.1".parse().unwrap();
        assert_eq!(
            client_ip(Some(ip("1.2.3.4")), Some("9.9.9.9"), &[trusted]),
            Some(ip("1.2.3.4"))
        );
        assert_eq!(
            client_ip(Some(proxy), Some("6.6.6.6, 9.9.9.9"), &[trusted]),
            Some(ip("9.9.9.9"))
        );
        assert_eq!(
            client_ip(Some(proxy), Some("9.9.9.9, 10.0.0.1"), &[trusted]),
            Some(ip("9.9.9.9"))
        );
        assert_eq!(
            client_ip(Some(proxy), Some("not-an-ip"), &[trusted]),
            Some(proxy)
        );
        assert_eq!(
            client_ip(Some(ip("1.2.3.4")), Some("9.9.9.9"), &[]),
            Some(ip("1.2.3.4"))
        );
    }

    #[test]
    fn a_trusted_network_covers_its_proxies() {
        // SR-75: every hop inside the network is skipped, the first one
        // outside it is the client; a mapped IPv4 peer is its IPv4 address.
        let lb: TrustedProxy = "10.0.0.0/24".parse().unwrap();
        assert_eq!(
            client_ip(Some(ip("10.0.0.7")), Some("9.9.9.9, 10.0.0.200"), &[lb]),
            Some(ip("9.9.9.9"))
        );
        assert_eq!(
            client_ip(Some(ip("::ffff:10.0.0.7")), Some("9.9.9.9"), &[lb]),
            Some(ip("9.9.9.9"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.1.7")), Some("9.9.9.9"), &[lb]),
            Some(ip("10.0.1.7"))
        );
    }
}
