//! Hostile URL spellings against the egress check, which decides without connecting.
//! Hosts outside loopback use the reserved `.invalid` top-level domain.

use async_core::error::{EgressDenial, Error};
use async_core::http::EgressPolicy;
use url::Url;

fn denial(policy: &EgressPolicy, url: &str) -> Option<EgressDenial> {
    let url = Url::parse(url).expect("valid url");
    match policy.check(&url) {
        Ok(()) => None,
        Err(Error::EgressDenied(denial)) => Some(denial),
        Err(other) => panic!("unexpected error for {url}: {other}"),
    }
}

#[test]
fn ip_literal_spellings_denied() {
    let policy = EgressPolicy::default();
    for url in [
        "https://127.1/",
        "https://0x7f000001/",
        "https://017700000001/",
        "https://0/",
        "https://0.0.0.0/",
        "https://[::]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:169.254.169.254]/",
        "https://[fd00:ec2::254]/",
        "https://[0:0:0:0:0:0:0:1]/",
        "https://169.254.169.254./",
    ] {
        let found = denial(&policy, url);
        assert!(
            matches!(found, Some(EgressDenial::IpLiteral { .. })),
            "{url}: {found:?}"
        );
    }
}

#[test]
fn lookalike_hosts_denied() {
    let policy = EgressPolicy::default();
    for url in [
        "https://api.github.com.invalid/",
        "https://api-github.com/",
        "https://аpi.github.com/",
        "https://evil.invalid\\api.github.com/",
        "https://evil.invalid#@api.github.com/",
        "https://evil.invalid?@api.github.com/",
        "https://api%2egithub%2ecom.invalid/",
    ] {
        let found = denial(&policy, url);
        assert!(
            matches!(found, Some(EgressDenial::HostNotAllowed { .. })),
            "{url}: {found:?}"
        );
    }
}

#[test]
fn backslash_ends_the_host() {
    // WHATWG parsing reads `\` as `/` in https URLs, so the request goes to the allowed
    // host and `@evil.invalid` is only a path.
    let url = Url::parse("https://api.github.com\\@evil.invalid/").expect("valid url");

    assert_eq!(url.host_str(), Some("api.github.com"));
    assert!(EgressPolicy::default().check(&url).is_ok());
}

#[test]
fn encoded_user_info_denied() {
    let policy = EgressPolicy::default();
    for url in [
        "https://%40@api.github.com/",
        "https://token@api.github.com/",
        "https://api.github.com%40evil.invalid@api.github.com/",
    ] {
        assert_eq!(denial(&policy, url), Some(EgressDenial::UserInfo), "{url}");
    }
}

#[test]
fn other_schemes_denied() {
    let policy = EgressPolicy::default().allow_insecure_loopback_for_testing();
    for url in [
        "http://api.github.com/",
        "ws://api.github.com/",
        "wss://api.github.com/",
        "ftp://127.0.0.1/",
        "file://localhost/etc/passwd",
        "http://localhost.invalid/",
        "http://127.0.0.1.invalid/",
        "http://0.0.0.0/",
        "http://[::]/",
    ] {
        let found = denial(&policy, url);
        assert!(
            matches!(
                found,
                Some(EgressDenial::InsecureScheme { .. } | EgressDenial::MissingHost)
            ),
            "{url}: {found:?}"
        );
    }
}
