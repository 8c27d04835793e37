//! Helpers shared by the Jira integration tests: a mock server, clients pointed at it under
//! a path prefix, and fixture loading.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]

use std::time::Duration;

use async_connectors::jira::JiraClient;
use async_core::http::{EgressPolicy, HttpClient};
use secrecy::SecretString;

/// The path prefix the mock site lives under, so every test exercises prefixed base URLs.
pub(crate) const PREFIX: &str = "/jira";

/// The API token the basic-auth client sends; tests assert it never leaks.
pub(crate) const API_TOKEN: &str = "ATATT3xFfGF0-fictional-api-token-7d1c";

/// The account e-mail the basic-auth client sends.
pub(crate) const EMAIL: &str = "ana@example.com";

/// The OAuth access token the bearer client sends; tests assert it never leaks.
pub(crate) const ACCESS_TOKEN: &str = "eyJraWQiOiJmaWN0aW9uYWwtb2F1dGgtdG9rZW4ifQ";

/// Starts a mock server.
pub(crate) async fn server() -> mockito::ServerGuard {
    mockito::Server::new_async().await
}

/// Builds an HTTP client allowed to reach the local mock server, with retries whose
/// backoff is short enough for tests.
pub(crate) fn http() -> HttpClient {
    HttpClient::builder()
        .egress_policy(EgressPolicy::default().allow_insecure_loopback_for_testing())
        .retry_base_delay(Duration::from_millis(5))
        .retry_max_delay(Duration::from_millis(20))
        .build()
        .expect("HTTP client builds")
}

/// Builds a basic-auth client whose HTTP client sends each request once, so that error
/// responses reach the connector's classification unchanged.
pub(crate) fn client_without_retries(server: &mockito::ServerGuard) -> JiraClient {
    let http = HttpClient::builder()
        .egress_policy(EgressPolicy::default().allow_insecure_loopback_for_testing())
        .no_retries()
        .build()
        .expect("HTTP client builds");
    JiraClient::builder(http)
        .base_url(format!("{}{PREFIX}", server.url()))
        .basic_auth(SecretString::from(EMAIL), SecretString::from(API_TOKEN))
        .build()
        .expect("Jira client builds")
}

/// Builds a client with basic auth against `{server}/jira`.
pub(crate) fn basic_client(server: &mockito::ServerGuard) -> JiraClient {
    JiraClient::builder(http())
        .base_url(format!("{}{PREFIX}", server.url()))
        .basic_auth(SecretString::from(EMAIL), SecretString::from(API_TOKEN))
        .build()
        .expect("Jira client builds")
}

/// Builds a client with an OAuth bearer token against `{server}/jira`.
pub(crate) fn bearer_client(server: &mockito::ServerGuard) -> JiraClient {
    JiraClient::builder(http())
        .base_url(format!("{}{PREFIX}", server.url()))
        .bearer_token(SecretString::from(ACCESS_TOKEN))
        .site_url("https://example-site.atlassian.net")
        .build()
        .expect("Jira client builds")
}

/// Returns the `Authorization` value that [`basic_client`] sends.
pub(crate) fn basic_header() -> String {
    use base64::Engine as _;
    let pair = format!("{EMAIL}:{API_TOKEN}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// Returns a mock path under the prefix.
pub(crate) fn path(rest: &str) -> String {
    format!("{PREFIX}{rest}")
}

/// Reads `tests/fixtures/jira/{name}`.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/jira/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("fixture {path}: {error}"))
}

/// Builds a matcher for one decoded query parameter.
pub(crate) fn param(name: &str, value: &str) -> mockito::Matcher {
    mockito::Matcher::UrlEncoded(name.to_owned(), value.to_owned())
}
