//! Shared setup for the GitHub integration tests: a client aimed at a local mockito server
//! under a `/github` path prefix, the fixtures, and the test window.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test binary uses a different subset of the helpers"
)]

use std::path::Path;

use async_connectors::github::GitHubClient;
use async_core::http::{EgressPolicy, HttpClient};
use async_core::model::TimeWindow;
use chrono::{DateTime, Utc};
use mockito::{Matcher, Mock, ServerGuard};
use secrecy::SecretString;

/// The token every test client sends. Tests assert that it never leaks.
pub const TOKEN: &str = "ghp_FixtureToken0123456789abcdefABCDEF";

/// The repository the fixtures belong to.
pub const REPO: &str = "octo-org/payments";

/// The path of the pull request listing under the mock server's `/github` prefix.
pub const PULLS_PATH: &str = "/github/repos/octo-org/payments/pulls";

/// Reads a fixture from `tests/fixtures/github/`.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/github")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("fixture {name}: {error}"))
}

/// Builds an HTTP client that may reach the local mock server over plain HTTP.
pub fn http() -> HttpClient {
    HttpClient::new(EgressPolicy::default().allow_insecure_loopback_for_testing())
        .expect("HTTP client builds")
}

/// Builds a client whose base URL is the mock server with a `/github` path prefix.
pub fn client(server: &ServerGuard) -> GitHubClient {
    client_over(http(), server)
}

/// Builds a client like [`client`] whose HTTP client sends each request once, so that
/// error responses reach the connector without the HTTP client's retries.
pub fn client_without_retries(server: &ServerGuard) -> GitHubClient {
    let http = HttpClient::builder()
        .egress_policy(EgressPolicy::default().allow_insecure_loopback_for_testing())
        .no_retries()
        .build()
        .expect("HTTP client builds");
    client_over(http, server)
}

fn client_over(http: HttpClient, server: &ServerGuard) -> GitHubClient {
    GitHubClient::builder(http, SecretString::from(TOKEN))
        .base_url(format!("{}/github", server.url()))
        .user_agent("async-sdk-tests")
        .build()
        .expect("client builds")
}

/// Parses an RFC 3339 instant.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid RFC 3339 instant")
        .with_timezone(&Utc)
}

/// Returns the window the fixtures are written around: the week of 2 November 2026.
pub fn window() -> TimeWindow {
    TimeWindow::new(at("2026-11-02T00:00:00Z"), at("2026-11-09T00:00:00Z"))
}

/// Matches the query of the first pull request page.
pub fn pulls_query() -> Matcher {
    Matcher::AllOf(vec![
        Matcher::UrlEncoded("state".into(), "all".into()),
        Matcher::UrlEncoded("sort".into(), "updated".into()),
        Matcher::UrlEncoded("direction".into(), "desc".into()),
        Matcher::UrlEncoded("per_page".into(), "100".into()),
    ])
}

/// Matches the query of the first page of open pull requests.
pub fn open_pulls_query() -> Matcher {
    Matcher::AllOf(vec![
        Matcher::UrlEncoded("state".into(), "open".into()),
        Matcher::UrlEncoded("sort".into(), "updated".into()),
        Matcher::UrlEncoded("direction".into(), "desc".into()),
        Matcher::UrlEncoded("per_page".into(), "100".into()),
    ])
}

/// Matches `page=N` in a query built from a `Link` header.
pub fn page_query(page: u32) -> Matcher {
    Matcher::UrlEncoded("page".into(), page.to_string())
}

/// Builds a `Link` header pointing at `path?per_page=100&page=N` on the mock server.
pub fn next_link(server: &ServerGuard, path: &str, page: u32) -> String {
    let url = server.url();
    format!(
        "<{url}{path}?per_page=100&page={page}>; rel=\"next\", <{url}{path}?per_page=100&page=9>; rel=\"last\""
    )
}

/// Serves the fixtures: three pull request pages, the open listing (#56 and #55, both
/// also on the pages), the activity of #57 (two review pages,
/// commits, comments), empty activity for #56 and #55, and the profiles.
pub async fn serve_collection(server: &mut ServerGuard) -> Vec<Mock> {
    let mut mocks = Vec::new();
    let pages = [
        (pulls_query(), "pulls_page1.json", Some(2)),
        (page_query(2), "pulls_page2.json", Some(3)),
        (page_query(3), "pulls_page3.json", Some(4)),
    ];
    for (query, body, next) in pages {
        let mut mock = server.mock("GET", PULLS_PATH).match_query(query);
        if let Some(page) = next {
            mock = mock.with_header("link", &next_link(server, PULLS_PATH, page));
        }
        mocks.push(mock.with_body(fixture(body)).expect(1).create_async().await);
    }
    let open = server
        .mock("GET", PULLS_PATH)
        .match_query(open_pulls_query())
        .with_body(fixture("pulls_open.json"))
        .expect(1)
        .create_async()
        .await;
    mocks.push(open);

    let base = "/github/repos/octo-org/payments/pulls";
    let reviews = format!("{base}/57/reviews");
    // The first review page links to a second page on the same path.
    let first_reviews = server
        .mock("GET", reviews.as_str())
        .match_query(Matcher::Exact("per_page=100".into()))
        .with_header("link", &next_link(server, &reviews, 2))
        .with_body(fixture("reviews_page1.json"))
        .expect(1)
        .create_async()
        .await;
    mocks.push(first_reviews);
    for (child, body) in [
        ("commits", "commits.json"),
        ("comments", "review_comments.json"),
    ] {
        let path = format!("{base}/57/{child}");
        let mock = server
            .mock("GET", path.as_str())
            .match_query(Matcher::UrlEncoded("per_page".into(), "100".into()))
            .with_body(fixture(body));
        mocks.push(mock.expect(1).create_async().await);
    }
    mocks.push(
        server
            .mock("GET", reviews.as_str())
            .match_query(page_query(2))
            .with_body(fixture("reviews_page2.json"))
            .expect(1)
            .create_async()
            .await,
    );
    for number in [56, 55] {
        for child in ["reviews", "commits", "comments"] {
            let path = format!("{base}/{number}/{child}");
            let mock = server.mock("GET", path.as_str()).match_query(Matcher::Any);
            mocks.push(mock.with_body("[]").expect(1).create_async().await);
        }
    }

    for (login, body) in [
        ("ada-dev", "user_ada.json"),
        ("ben-reviews", "user_ben.json"),
        ("deploy-helper%5Bbot%5D", "user_bot.json"),
    ] {
        let path = format!("/github/users/{login}");
        mocks.push(
            server
                .mock("GET", path.as_str())
                .with_body(fixture(body))
                .create_async()
                .await,
        );
    }
    // `web-flow` was renamed or deleted since it committed: the listing's data is kept.
    mocks.push(
        server
            .mock("GET", "/github/users/web-flow")
            .with_status(404)
            .with_body(fixture("error_not_found.json"))
            .create_async()
            .await,
    );
    mocks
}
