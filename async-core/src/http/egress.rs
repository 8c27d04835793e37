//! The egress allowlist and the URL check every request and redirect hop goes through.

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;

use url::{Host, Url};

use crate::error::Error;

/// The hosts of the published scope manifest: providers and language-model APIs.
const MANIFEST_HOSTS: [&str; 9] = [
    "api.github.com",
    "slack.com",
    "api.zoom.us",
    "zoom.us",
    "auth.atlassian.com",
    "api.atlassian.com",
    "api.anthropic.com",
    "api.openai.com",
    "generativelanguage.googleapis.com",
];

/// Why a URL was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EgressDenial {
    /// The scheme is not `https` (and the loopback opt-in does not apply).
    InsecureScheme {
        /// The scheme found.
        scheme: String,
    },
    /// The host is not on the allowlist.
    HostNotAllowed {
        /// The host found.
        host: String,
    },
    /// The host is an IP address literal.
    IpLiteral {
        /// The address found.
        host: String,
    },
    /// The URL carries a user name or password.
    UserInfo,
    /// The URL has no host.
    MissingHost,
    /// The URL names a port other than 443 for a remote host.
    NonStandardPort {
        /// The host found.
        host: String,
        /// The port found.
        port: u16,
    },
    /// An allowed host name resolved to a private, loopback, link-local or otherwise
    /// reserved address, so the connection was not made.
    ReservedAddress {
        /// The host name that was resolved.
        host: String,
        /// The first reserved address in the DNS answer.
        address: IpAddr,
    },
    /// DNS returned no address for the host.
    NoAddress {
        /// The host name that was resolved.
        host: String,
    },
}

impl fmt::Display for EgressDenial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EgressDenial::InsecureScheme { scheme } => {
                write!(f, "scheme `{scheme}` is not allowed; use https")
            }
            EgressDenial::HostNotAllowed { host } => write!(
                f,
                "host `{host}` is not on the egress allowlist; add it with EgressPolicy::allow_host"
            ),
            EgressDenial::IpLiteral { host } => {
                write!(f, "IP address `{host}` is not allowed; use a host name")
            }
            EgressDenial::UserInfo => f.write_str("URLs with a user name or password are rejected"),
            EgressDenial::MissingHost => f.write_str("the URL has no host"),
            EgressDenial::NonStandardPort { host, port } => {
                write!(f, "port {port} on `{host}` is not allowed; only 443 is")
            }
            EgressDenial::ReservedAddress { host, address } => write!(
                f,
                "host `{host}` resolved to the reserved address {address}; \
                 only public addresses are reachable"
            ),
            EgressDenial::NoAddress { host } => {
                write!(f, "DNS returned no address for host `{host}`")
            }
        }
    }
}

impl std::error::Error for EgressDenial {}

/// Which hosts the SDK may talk to, and how.
#[derive(Debug, Clone)]
pub struct EgressPolicy {
    hosts: BTreeSet<String>,
    loopback_http: bool,
}

impl Default for EgressPolicy {
    /// The hosts of the published scope manifest, over HTTPS only.
    fn default() -> Self {
        Self {
            hosts: MANIFEST_HOSTS
                .iter()
                .map(|host| (*host).to_owned())
                .collect(),
            loopback_http: false,
        }
    }
}

impl EgressPolicy {
    /// A policy that allows no host at all.
    pub fn deny_all() -> Self {
        Self {
            hosts: BTreeSet::new(),
            loopback_http: false,
        }
    }

    /// Adds an exact host name to the allowlist (`"acme.atlassian.net"`).
    ///
    /// The name is stored the way URL parsing presents hosts: lowercase, without one
    /// trailing dot, and with international names in their ASCII (`xn--`) form. There is
    /// no wildcard, so `"*.atlassian.net"` matches nothing, and an IP address never passes
    /// [`EgressPolicy::check`] even when added here.
    #[must_use]
    pub fn allow_host(mut self, host: &str) -> Self {
        self.hosts.insert(canonical_host(host));
        self
    }

    /// Allows plain HTTP to loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`) on any port.
    ///
    /// This exists for tests against local mock servers and for the bundled demo. Never
    /// enable it in production: it is the one way around HTTPS.
    #[must_use]
    pub fn allow_insecure_loopback_for_testing(mut self) -> Self {
        self.loopback_http = true;
        self
    }

    /// Returns whether the plain-HTTP loopback opt-in is on.
    pub fn allows_insecure_loopback(&self) -> bool {
        self.loopback_http
    }

    /// Returns whether `host` is on the allowlist, compared in the canonical form that
    /// [`EgressPolicy::allow_host`] describes.
    pub fn is_host_allowed(&self, host: &str) -> bool {
        self.hosts.contains(&canonical_host(host))
    }

    /// Returns the allowed host names.
    pub fn hosts(&self) -> impl Iterator<Item = &str> {
        self.hosts.iter().map(String::as_str)
    }

    /// Checks a URL against the policy.
    ///
    /// # Errors
    ///
    /// Returns [`Error::EgressDenied`] naming the reason when the URL is not allowed.
    pub fn check(&self, url: &Url) -> Result<(), Error> {
        self.check_url(url).map_err(Error::EgressDenied)
    }

    pub(crate) fn check_url(&self, url: &Url) -> Result<(), EgressDenial> {
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EgressDenial::UserInfo);
        }
        let host = url.host().ok_or(EgressDenial::MissingHost)?;
        if self.loopback_http && is_loopback(&host) {
            return match url.scheme() {
                "http" | "https" => Ok(()),
                scheme => Err(EgressDenial::InsecureScheme {
                    scheme: scheme.to_owned(),
                }),
            };
        }
        if url.scheme() != "https" {
            return Err(EgressDenial::InsecureScheme {
                scheme: url.scheme().to_owned(),
            });
        }
        let name = match host {
            Host::Domain(name) => normalize_host(name),
            Host::Ipv4(_) | Host::Ipv6(_) => {
                return Err(EgressDenial::IpLiteral {
                    host: host.to_string(),
                });
            }
        };
        if let Some(port) = url.port().filter(|port| *port != 443) {
            return Err(EgressDenial::NonStandardPort { host: name, port });
        }
        if !self.hosts.contains(&name) {
            return Err(EgressDenial::HostNotAllowed { host: name });
        }
        Ok(())
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => normalize_host(name) == "localhost",
        Host::Ipv4(address) => address.is_loopback(),
        Host::Ipv6(address) => address.is_loopback(),
    }
}

/// Converts a configured host name to the form `url` gives parsed hosts.
fn canonical_host(host: &str) -> String {
    let host = normalize_host(host);
    match Host::parse(&host) {
        Ok(Host::Domain(ascii)) => ascii,
        _ => host,
    }
}

/// Lowercases a host name and strips one trailing dot (`API.GitHub.com.` is `api.github.com`).
pub(crate) fn normalize_host(host: &str) -> String {
    let host = host.strip_suffix('.').unwrap_or(host);
    host.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(policy: &EgressPolicy, url: &str) -> bool {
        policy.check(&Url::parse(url).expect("valid url")).is_ok()
    }

    #[test]
    fn configured_names_are_canonical() {
        let policy = EgressPolicy::deny_all()
            .allow_host("ACME.Atlassian.NET.")
            .allow_host("bücher.invalid");
        assert!(allows(&policy, "https://acme.atlassian.net/rest"));
        assert!(allows(&policy, "https://xn--bcher-kva.invalid/"));
        assert!(allows(&policy, "https://BÜCHER.invalid/"));
        assert!(policy.is_host_allowed("acme.atlassian.net."));
        assert!(policy.is_host_allowed("Bücher.invalid"));
    }

    #[test]
    fn wildcards_match_nothing() {
        let policy = EgressPolicy::deny_all().allow_host("*.atlassian.net");
        assert!(!allows(&policy, "https://acme.atlassian.net/"));
    }

    #[test]
    fn default_is_the_manifest() {
        let policy = EgressPolicy::default();
        for host in MANIFEST_HOSTS {
            assert!(policy.is_host_allowed(host), "{host}");
        }
        assert_eq!(policy.hosts().count(), MANIFEST_HOSTS.len());
        assert!(!policy.allows_insecure_loopback());
    }
}
