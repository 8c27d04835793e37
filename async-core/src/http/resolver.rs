//! The DNS resolver that keeps allowed host names off internal addresses.
//!
//! The URL check cannot see where a name points. An allowed name whose DNS answer is
//! `169.254.169.254` (a cloud metadata service) or `10.0.0.5` would otherwise reach an
//! internal service. reqwest connects to exactly the addresses its resolver returns, so
//! screening them here also closes DNS rebinding: no second lookup happens between the
//! check and the connection.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::EgressPolicy;
use super::egress::{EgressDenial, normalize_host};

/// Resolves host names through the system resolver and rejects reserved addresses.
#[derive(Debug, Clone)]
pub(crate) struct EgressResolver {
    policy: Arc<EgressPolicy>,
}

impl EgressResolver {
    pub(crate) fn new(policy: Arc<EgressPolicy>) -> Self {
        Self { policy }
    }
}

impl Resolve for EgressResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();

        Box::pin(async move {
            // The port is a placeholder: reqwest replaces it with the URL's port.
            let answers: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed = screen_addresses(&policy, &host, answers)?;
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// Checks every DNS answer for `host` and returns them all, or the first reason to reject.
///
/// One blocked answer fails the whole resolution: dropping it and connecting to the rest
/// would let an attacker who controls the zone keep trying.
pub(crate) fn screen_addresses(
    policy: &EgressPolicy,
    host: &str,
    answers: Vec<SocketAddr>,
) -> Result<Vec<SocketAddr>, EgressDenial> {
    let host = normalize_host(host);
    let loopback_name = policy.allows_insecure_loopback() && host == "localhost";

    if !loopback_name && !policy.is_host_allowed(&host) {
        return Err(EgressDenial::HostNotAllowed { host });
    }
    if answers.is_empty() {
        return Err(EgressDenial::NoAddress { host });
    }

    for answer in &answers {
        let address = answer.ip();
        let acceptable = if loopback_name {
            address.is_loopback()
        } else {
            is_public(address)
        };
        if !acceptable {
            return Err(EgressDenial::ReservedAddress { host, address });
        }
    }
    Ok(answers)
}

/// Returns whether an address is publicly routable unicast.
pub(crate) fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(address) => is_public_v4(address),
        IpAddr::V6(address) => is_public_v6(address),
    }
}

/// IPv4 ranges that are private, shared, loopback, link-local, documentation, benchmark,
/// multicast or reserved (IANA special-purpose registry), as (network, prefix length).
const RESERVED_V4: [([u8; 4], u32); 15] = [
    ([0, 0, 0, 0], 8),
    ([10, 0, 0, 0], 8),
    ([100, 64, 0, 0], 10),
    ([127, 0, 0, 0], 8),
    ([169, 254, 0, 0], 16),
    ([172, 16, 0, 0], 12),
    ([192, 0, 0, 0], 24),
    ([192, 0, 2, 0], 24),
    ([192, 88, 99, 0], 24),
    ([192, 168, 0, 0], 16),
    ([198, 18, 0, 0], 15),
    ([198, 51, 100, 0], 24),
    ([203, 0, 113, 0], 24),
    ([224, 0, 0, 0], 4),
    ([240, 0, 0, 0], 4),
];

fn is_public_v4(address: Ipv4Addr) -> bool {
    let bits = u32::from(address);
    !RESERVED_V4.iter().any(|(network, prefix)| {
        let mask = u32::MAX << (32 - prefix);
        bits & mask == u32::from(Ipv4Addr::from(*network))
    })
}

/// Accepts only global unicast (`2000::/3`) minus its special blocks; addresses that embed
/// an IPv4 address are judged by that address.
fn is_public_v6(address: Ipv6Addr) -> bool {
    if let Some(embedded) = embedded_v4(address) {
        return is_public_v4(embedded);
    }

    let segments = address.segments();
    let global_unicast = segments[0] & 0xe000 == 0x2000;
    let teredo = segments[0] == 0x2001 && segments[1] == 0;
    let orchid = segments[0] == 0x2001 && segments[1] & 0xfff0 == 0x0010;
    let documentation = segments[0] == 0x2001 && segments[1] == 0x0db8;
    global_unicast && !teredo && !orchid && !documentation
}

/// Returns the IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:aabb:ccdd::`) address.
fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = address.segments();
    let octets = address.octets();
    let tail = Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);

    if let Some(mapped) = address.to_ipv4_mapped() {
        return Some(mapped);
    }
    if segments[..6] == [0, 0, 0, 0, 0, 0] && !address.is_loopback() && !address.is_unspecified() {
        return Some(tail);
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail);
    }
    if segments[0] == 0x2002 {
        return Some(Ipv4Addr::new(octets[2], octets[3], octets[4], octets[5]));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> EgressPolicy {
        EgressPolicy::deny_all().allow_host("api.github.com")
    }

    fn answer(address: &str) -> SocketAddr {
        SocketAddr::new(address.parse().expect("valid address"), 443)
    }

    #[test]
    fn reserved_v4_rejected() {
        let blocked = [
            "0.0.0.0",
            "10.1.2.3",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
        ];
        for address in blocked {
            let ip: IpAddr = address.parse().expect("valid address");
            assert!(!is_public(ip), "{address} must be rejected");
        }
    }

    #[test]
    fn public_v4_accepted() {
        for address in [
            "140.82.112.6",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "1.1.1.1",
        ] {
            let ip: IpAddr = address.parse().expect("valid address");
            assert!(is_public(ip), "{address} must be accepted");
        }
    }

    #[test]
    fn reserved_v6_rejected() {
        let blocked = [
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "2001::1",
            "2001:10::1",
            "100::1",
            "::ffff:169.254.169.254",
            "::ffff:127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
        ];
        for address in blocked {
            let ip: IpAddr = address.parse().expect("valid address");
            assert!(!is_public(ip), "{address} must be rejected");
        }
    }

    #[test]
    fn public_v6_accepted() {
        for address in [
            "2606:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:140.82.112.6",
        ] {
            let ip: IpAddr = address.parse().expect("valid address");
            assert!(is_public(ip), "{address} must be accepted");
        }
    }

    proptest::proptest! {
        #[test]
        fn mapped_v4_judged_like_v4(bits in proptest::prelude::any::<u32>()) {
            let v4 = Ipv4Addr::from(bits);
            let mapped = IpAddr::V6(v4.to_ipv6_mapped());
            proptest::prop_assert_eq!(is_public(mapped), is_public(IpAddr::V4(v4)));
        }

        #[test]
        fn std_private_ranges_rejected(bits in proptest::prelude::any::<u32>()) {
            let v4 = Ipv4Addr::from(bits);
            let special = v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified();
            if special {
                proptest::prop_assert!(!is_public(IpAddr::V4(v4)));
            }
        }

        #[test]
        fn v6_outside_global_unicast_rejected(bits in proptest::prelude::any::<u128>()) {
            let v6 = Ipv6Addr::from(bits);
            let global_unicast = v6.segments()[0] & 0xe000 == 0x2000;
            if !global_unicast && embedded_v4(v6).is_none() {
                proptest::prop_assert!(!is_public(IpAddr::V6(v6)));
            }
        }
    }

    #[test]
    fn one_blocked_answer_fails_all() {
        let answers = vec![answer("140.82.112.6"), answer("169.254.169.254")];
        let denial = screen_addresses(&policy(), "api.github.com", answers);
        assert_eq!(
            denial,
            Err(EgressDenial::ReservedAddress {
                host: "api.github.com".to_owned(),
                address: "169.254.169.254".parse().expect("valid address"),
            })
        );
    }

    #[test]
    fn public_answers_pass() {
        let answers = vec![answer("140.82.112.6"), answer("2606:4700::1111")];
        let screened = screen_addresses(&policy(), "API.GitHub.com.", answers.clone());
        assert_eq!(screened, Ok(answers));
    }

    #[test]
    fn allowed_name_to_loopback_rejected() {
        let loopback = EgressPolicy::deny_all()
            .allow_host("api.github.com")
            .allow_insecure_loopback_for_testing();
        let answers = vec![answer("127.0.0.1")];
        let denial = screen_addresses(&loopback, "api.github.com", answers);
        assert!(matches!(denial, Err(EgressDenial::ReservedAddress { .. })));
    }

    #[test]
    fn unlisted_name_rejected() {
        let denial = screen_addresses(&policy(), "evil.example", vec![answer("140.82.112.6")]);
        assert!(matches!(denial, Err(EgressDenial::HostNotAllowed { .. })));
    }

    #[test]
    fn empty_answer_rejected() {
        let denial = screen_addresses(&policy(), "api.github.com", Vec::new());
        assert!(matches!(denial, Err(EgressDenial::NoAddress { .. })));
    }

    #[test]
    fn localhost_needs_opt_in_and_loopback() {
        let local = vec![answer("127.0.0.1"), answer("::1")];
        let denied = screen_addresses(&policy(), "localhost", local.clone());
        assert!(matches!(denied, Err(EgressDenial::HostNotAllowed { .. })));

        let testing = policy().allow_insecure_loopback_for_testing();
        assert_eq!(
            screen_addresses(&testing, "localhost", local.clone()),
            Ok(local)
        );

        let rebound = vec![answer("127.0.0.1"), answer("10.0.0.8")];
        let denial = screen_addresses(&testing, "localhost", rebound);
        assert!(matches!(denial, Err(EgressDenial::ReservedAddress { .. })));
    }
}
