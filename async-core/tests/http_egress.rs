//! Egress checks and redirects of the HTTP client, against mockito servers on 127.0.0.1.
//! Hosts outside loopback use the reserved `.invalid` top-level domain, which never
//! resolves, so a broken check cannot reach a real machine.

#[path = "common/http.rs"]
#[allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]
mod support;

use async_core::error::{EgressDenial, Error, HttpErrorKind};
use async_core::http::{ApiRequest, EgressPolicy, HttpClient};
use http::{HeaderName, HeaderValue};
use mockito::Matcher;
use secrecy::SecretString;
use support::{get, loopback_client, post};
use url::Url;

fn denial(policy: &EgressPolicy, url: &str) -> Option<EgressDenial> {
    let url = Url::parse(url).expect("valid url");
    match policy.check(&url) {
        Ok(()) => None,
        Err(Error::EgressDenied(denial)) => Some(denial),
        Err(other) => panic!("unexpected error for {url}: {other}"),
    }
}

fn manifest() -> EgressPolicy {
    EgressPolicy::default().allow_host("acme.invalid")
}

#[test]
fn allowlisted_hosts_pass() {
    let policy = manifest();
    for url in [
        "https://api.github.com/repos",
        "https://API.GitHub.com./repos",
        "https://api.github.com:443/repos",
        "https://acme.invalid/rest/api/3/myself?expand=groups",
    ] {
        assert_eq!(denial(&policy, url), None, "{url}");
    }
}

#[test]
fn allowlist_miss_denied() {
    let policy = manifest();
    for url in [
        "https://evil.invalid/",
        "https://github.com/login",
        "https://evil-api.github.com/",
        "https://api.github.com.evil.invalid/",
        "https://api.github.com../",
    ] {
        assert!(
            matches!(
                denial(&policy, url),
                Some(EgressDenial::HostNotAllowed { .. })
            ),
            "{url}"
        );
    }
}

#[test]
fn plain_http_denied() {
    let policy = manifest();
    let found = denial(&policy, "http://acme.invalid/");
    assert!(matches!(found, Some(EgressDenial::InsecureScheme { .. })));

    let testing = manifest().allow_insecure_loopback_for_testing();
    let found = denial(&testing, "http://acme.invalid/");
    assert!(matches!(found, Some(EgressDenial::InsecureScheme { .. })));
}

#[test]
fn ip_literals_denied() {
    let policy = manifest();
    for url in [
        "https://127.0.0.1/",
        "https://2130706433/",
        "https://0x7f.1/",
        "https://0177.0.0.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://[::ffff:a9fe:a9fe]/",
    ] {
        assert!(
            matches!(denial(&policy, url), Some(EgressDenial::IpLiteral { .. })),
            "{url}"
        );
    }
}

#[test]
fn user_info_denied() {
    let policy = manifest();
    for url in [
        "https://user:secret@api.github.com/",
        "https://api.github.com@evil.invalid/",
        "https://:secret@api.github.com/",
    ] {
        assert_eq!(denial(&policy, url), Some(EgressDenial::UserInfo), "{url}");
    }
}

#[test]
fn other_ports_denied() {
    let found = denial(&manifest(), "https://api.github.com:8443/");
    assert_eq!(
        found,
        Some(EgressDenial::NonStandardPort {
            host: "api.github.com".to_owned(),
            port: 8443,
        })
    );
}

#[test]
fn loopback_needs_opt_in() {
    let testing = EgressPolicy::deny_all().allow_insecure_loopback_for_testing();
    for url in [
        "http://127.0.0.1:8080/",
        "http://localhost:3000/",
        "http://[::1]:9000/",
    ] {
        assert_eq!(denial(&testing, url), None, "{url}");
        assert!(denial(&EgressPolicy::deny_all(), url).is_some(), "{url}");
    }
}

#[test]
fn denial_messages_say_what_to_do() {
    let message = Error::EgressDenied(EgressDenial::HostNotAllowed {
        host: "evil.invalid".to_owned(),
    })
    .to_string();
    assert!(message.contains("evil.invalid"), "{message}");
    assert!(message.contains("allow_host"), "{message}");
}

#[tokio::test]
async fn send_checks_before_connecting() {
    let mut server = mockito::Server::new_async().await;
    let mock = server.mock("GET", "/").expect(0).create_async().await;
    let strict = HttpClient::new(EgressPolicy::deny_all()).expect("valid client");

    let plain = strict.send(get(&server, "/")).await;
    assert!(matches!(
        plain,
        Err(Error::EgressDenied(EgressDenial::InsecureScheme { .. }))
    ));

    let address = server.host_with_port();
    let literal = Url::parse(&format!("https://{address}/")).expect("valid url");
    let literal = strict.send(ApiRequest::get("test", "get", literal)).await;
    assert!(matches!(
        literal,
        Err(Error::EgressDenied(EgressDenial::IpLiteral { .. }))
    ));

    let port = server.socket_address().port();
    let decimal = Url::parse(&format!("https://2130706433:{port}/")).expect("valid url");
    let decimal = strict.send(ApiRequest::get("test", "get", decimal)).await;
    assert!(matches!(
        decimal,
        Err(Error::EgressDenied(EgressDenial::IpLiteral { .. }))
    ));

    mock.assert_async().await;
}

#[tokio::test]
async fn send_denies_unlisted_host() {
    let client = HttpClient::new(EgressPolicy::deny_all()).expect("valid client");
    let url = Url::parse("https://api.github.com/user").expect("valid url");

    let result = client
        .send(ApiRequest::get("github", "user.get", url))
        .await;
    assert!(matches!(
        result,
        Err(Error::EgressDenied(EgressDenial::HostNotAllowed { .. }))
    ));
}

#[tokio::test]
async fn send_denies_user_info() {
    let mut server = mockito::Server::new_async().await;
    let mock = server.mock("GET", "/").expect(0).create_async().await;
    let address = server.host_with_port();
    let url = Url::parse(&format!("http://admin:pw@{address}/")).expect("valid url");

    let result = loopback_client()
        .send(ApiRequest::get("test", "get", url))
        .await;
    assert!(matches!(
        result,
        Err(Error::EgressDenied(EgressDenial::UserInfo))
    ));
    mock.assert_async().await;
}

#[tokio::test]
async fn redirect_to_unlisted_host_refused() {
    let mut server = mockito::Server::new_async().await;
    let hop = server
        .mock("GET", "/start")
        .with_status(302)
        .with_header("location", "https://evil.invalid/collect")
        .with_header("x-github-request-id", "REDIR-1")
        .create_async()
        .await;

    let error = loopback_client()
        .send(get(&server, "/start"))
        .await
        .expect_err("redirect refused");
    let Error::Http(error) = error else {
        panic!("expected an HTTP error, got {error:?}");
    };
    assert_eq!(error.kind(), HttpErrorKind::Redirect);
    assert_eq!(error.status(), Some(302));
    assert_eq!(error.request_id(), Some("REDIR-1"));
    assert!(matches!(
        error.egress_denial(),
        Some(EgressDenial::InsecureScheme { .. } | EgressDenial::HostNotAllowed { .. })
    ));
    hop.assert_async().await;
}

#[tokio::test]
async fn refused_redirect_never_connects() {
    let mut first = mockito::Server::new_async().await;
    let mut second = mockito::Server::new_async().await;
    let target = second.mock("GET", "/steal").expect(0).create_async().await;
    let location = format!("http://attacker@{}/steal", second.host_with_port());
    first
        .mock("GET", "/start")
        .with_status(302)
        .with_header("location", &location)
        .create_async()
        .await;

    let error = loopback_client()
        .send(get(&first, "/start"))
        .await
        .expect_err("redirect refused");
    let Error::Http(error) = error else {
        panic!("expected an HTTP error, got {error:?}");
    };
    assert_eq!(error.egress_denial(), Some(&EgressDenial::UserInfo));
    target.assert_async().await;
}

#[tokio::test]
async fn same_host_redirect_followed() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/old")
        .with_status(301)
        .with_header("location", "/new?page=2")
        .create_async()
        .await;
    let target = server
        .mock("GET", "/new?page=2")
        .match_header("authorization", "Bearer same-origin-token")
        .with_status(200)
        .with_body("moved")
        .create_async()
        .await;

    let token = SecretString::from("same-origin-token");
    let response = loopback_client()
        .send(get(&server, "/old").bearer_auth(&token))
        .await
        .expect("redirect followed");
    assert_eq!(response.status(), 200);
    assert_eq!(response.body().as_ref(), b"moved");
    target.assert_async().await;
}

#[tokio::test]
async fn cross_host_redirect_drops_credentials() {
    // `127.0.0.1` and `localhost` are different hosts to the client although both reach
    // the same mock server, so the second hop is cross-origin.
    let mut server = mockito::Server::new_async().await;
    let port = server.socket_address().port();
    let location = format!("http://localhost:{port}/landing");
    server
        .mock("GET", "/start")
        .with_status(302)
        .with_header("location", &location)
        .create_async()
        .await;
    let landing = server
        .mock("GET", "/landing")
        .match_header("authorization", Matcher::Missing)
        .match_header("x-api-key", Matcher::Missing)
        .match_header("x-custom-secret", Matcher::Missing)
        .match_header("accept", "application/json")
        .with_status(200)
        .create_async()
        .await;

    let request = get(&server, "/start")
        .bearer_auth(&SecretString::from("cross-host-token"))
        .secret_header(
            HeaderName::from_static("x-custom-secret"),
            SecretString::from("custom-secret-value"),
        )
        .header(
            HeaderName::from_static("x-api-key"),
            HeaderValue::from_static("plain-api-key"),
        )
        .header(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
    let response = loopback_client()
        .send(request)
        .await
        .expect("redirect followed");
    assert_eq!(response.status(), 200);
    landing.assert_async().await;
}

#[tokio::test]
async fn cross_port_redirect_drops_credentials() {
    let mut first = mockito::Server::new_async().await;
    let mut second = mockito::Server::new_async().await;
    let location = format!("{}/landing", second.url());
    first
        .mock("GET", "/start")
        .with_status(307)
        .with_header("location", &location)
        .create_async()
        .await;
    let landing = second
        .mock("GET", "/landing")
        .match_header("authorization", Matcher::Missing)
        .with_status(200)
        .create_async()
        .await;

    let request = get(&first, "/start").bearer_auth(&SecretString::from("port-token"));
    let response = loopback_client()
        .send(request)
        .await
        .expect("redirect followed");
    assert_eq!(response.status(), 200);
    landing.assert_async().await;
}

#[tokio::test]
async fn body_not_resent_to_other_origin() {
    let mut first = mockito::Server::new_async().await;
    let mut second = mockito::Server::new_async().await;
    let target = second.mock("POST", "/token").expect(0).create_async().await;
    let location = format!("{}/token", second.url());
    first
        .mock("POST", "/token")
        .with_status(307)
        .with_header("location", &location)
        .create_async()
        .await;

    let request = post(&first, "/token").json_body(r#"{"client_secret":"form-secret"}"#);
    let error = loopback_client().send(request).await.expect_err("refused");
    let Error::Http(error) = error else {
        panic!("expected an HTTP error, got {error:?}");
    };
    assert_eq!(error.kind(), HttpErrorKind::Redirect);
    assert_eq!(error.status(), Some(307));
    target.assert_async().await;
}

#[tokio::test]
async fn redirect_loop_stops_after_five_hops() {
    let mut server = mockito::Server::new_async().await;
    let hops = server
        .mock("GET", "/loop")
        .with_status(302)
        .with_header("location", "/loop")
        .expect(6)
        .create_async()
        .await;

    let error = loopback_client()
        .send(get(&server, "/loop"))
        .await
        .expect_err("too many redirects");
    let Error::Http(error) = error else {
        panic!("expected an HTTP error, got {error:?}");
    };
    assert_eq!(error.kind(), HttpErrorKind::Redirect);
    hops.assert_async().await;
}

#[tokio::test]
async fn post_303_becomes_get_without_body() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", "/submit")
        .with_status(303)
        .with_header("location", "/result")
        .create_async()
        .await;
    let result = server
        .mock("GET", "/result")
        .match_header("content-type", Matcher::Missing)
        .match_body("")
        .with_status(200)
        .create_async()
        .await;

    let response = loopback_client()
        .send(post(&server, "/submit"))
        .await
        .expect("redirect followed");
    assert_eq!(response.status(), 200);
    result.assert_async().await;
}

#[tokio::test]
async fn post_302_becomes_get() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", "/submit")
        .with_status(302)
        .with_header("location", "/result")
        .create_async()
        .await;
    let result = server
        .mock("GET", "/result")
        .with_status(200)
        .create_async()
        .await;

    let response = loopback_client()
        .send(post(&server, "/submit"))
        .await
        .expect("redirect followed");
    assert_eq!(response.status(), 200);
    result.assert_async().await;
}

#[tokio::test]
async fn post_308_keeps_method_and_body() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", "/submit")
        .with_status(308)
        .with_header("location", "/v2/submit")
        .create_async()
        .await;
    let moved = server
        .mock("POST", "/v2/submit")
        .match_header(
            "content-type",
            Matcher::Regex("application/json".to_owned()),
        )
        .match_body(r#"{"a":1}"#)
        .with_status(201)
        .create_async()
        .await;

    let response = loopback_client()
        .send(post(&server, "/submit"))
        .await
        .expect("redirect followed");
    assert_eq!(response.status(), 201);
    moved.assert_async().await;
}

proptest::proptest! {
    #[test]
    fn decimal_ipv4_hosts_denied(bits in proptest::prelude::any::<u32>()) {
        let url = format!("https://{bits}/");
        let found = denial(&manifest(), &url);
        proptest::prop_assert!(
            matches!(found, Some(EgressDenial::IpLiteral { .. })),
            "{} gave {:?}", url, found
        );
    }

    #[test]
    fn unlisted_names_denied(name in "[a-z][a-z0-9-]{0,20}(\\.[a-z][a-z0-9-]{0,20}){1,3}") {
        let policy = EgressPolicy::deny_all().allow_host("api.github.com");
        let url = format!("https://{name}/");
        // A label such as `xn--` that is not valid punycode makes no URL, so no request
        // can name it and there is nothing for the policy to check.
        proptest::prop_assume!(Url::parse(&url).is_ok());
        let found = denial(&policy, &url);
        if name == "api.github.com" {
            proptest::prop_assert_eq!(found, None);
        } else {
            proptest::prop_assert!(found.is_some(), "{} was allowed", url);
        }
    }

    #[test]
    fn case_and_trailing_dot_ignored(upper in proptest::collection::vec(proptest::prelude::any::<bool>(), 14), dot in proptest::prelude::any::<bool>()) {
        let host: String = "api.github.com"
            .chars()
            .zip(upper)
            .map(|(letter, upper)| if upper { letter.to_ascii_uppercase() } else { letter })
            .collect();
        let suffix = if dot { "." } else { "" };
        let url = format!("https://{host}{suffix}/repos");
        proptest::prop_assert_eq!(denial(&manifest(), &url), None);
    }
}
