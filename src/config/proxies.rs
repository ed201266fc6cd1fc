//! `trusted_proxies`: the reverse proxies whose `X-Forwarded-For` header is
//! believed (SR-75), each an address (`10.0.0.10`) or a network in CIDR
//! notation (`10.0.0.0/24`, for load balancers or ingress pods whose
//! addresses change within a range).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One entry of `trusted_proxies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy(IpNet);

impl TrustedProxy {
    /// Whether `ip` is this proxy (or in this network). An IPv4 address
    /// seen as IPv4-mapped IPv6 (`::ffff:10.0.0.10`, a dual-stack socket)
    /// is the IPv4 address.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }
}

/// An address (a network of one) or a CIDR block, normalized (host bits
/// cleared); `None` when it is neither.
pub fn parse_net(raw: &str) -> Option<IpNet> {
    let raw = raw.trim();
    raw.parse::<IpNet>()
        .ok()
        .or_else(|| raw.parse::<IpAddr>().ok().map(IpNet::from))
        .map(|n| n.trunc())
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let net = parse_net(s).ok_or_else(|| {
            format!("trusted_proxies: {s:?} is not an IP address or a network such as 10.0.0.0/24")
        })?;
        // Trusting every address lets any client choose the address that
        // throttles, rate limits and the audit log see.
        if net.prefix_len() == 0 {
            return Err(format!(
                "trusted_proxies: {s:?} trusts every address; list the load balancers' addresses or network"
            ));
        }
        Ok(Self(net))
    }
}

impl fmt::Display for TrustedProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.prefix_len() == self.0.max_prefix_len() {
            write!(f, "{}", self.0.addr())
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl Serialize for TrustedProxy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TrustedProxy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn addresses_and_networks() {
        let one: TrustedProxy = "10.0.0.10".parse().unwrap();
        assert!(one.contains(&ip("10.0.0.10")));
        assert!(!one.contains(&ip("10.0.0.11")));
        assert!(one.contains(&ip("::ffff:10.0.0.10")));
        assert_eq!(one.to_string(), "10.0.0.10");
        let net: TrustedProxy = " 10.1.2.3/24 ".parse().unwrap();
        assert!(net.contains(&ip("10.1.2.200")));
        assert!(!net.contains(&ip("10.1.3.1")));
        assert_eq!(net.to_string(), "10.1.2.0/24");
        let v6: TrustedProxy = "fd00::/64".parse().unwrap();
        assert!(v6.contains(&ip("fd00::1")));
        assert!(!v6.contains(&ip("fd01::1")));
    }

    #[test]
    fn refused_entries_say_why() {
        for bad in ["proxy.internal", "10.0.0.0/33", ""] {
            let e = bad.parse::<TrustedProxy>().unwrap_err();
            assert!(e.contains("not an IP address"), "{e}");
        }
        for everyone in ["0.0.0.0/0", "::/0"] {
            let e = everyone.parse::<TrustedProxy>().unwrap_err();
            assert!(e.contains("trusts every address"), "{e}");
        }
    }
}
