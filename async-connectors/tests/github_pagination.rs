//! Pagination through `Link` headers, the early stop of the pull request listing, and the
//! request headers GitHub requires.

mod common {
    pub(crate) mod github;
}

use async_connectors::Error;
use async_connectors::github::RepoName;
use common::github::{
    PULLS_PATH, REPO, TOKEN, at, client, fixture, next_link, page_query, pulls_query,
};
use mockito::Matcher;

const REVIEWS_PATH: &str = "/github/repos/octo-org/payments/pulls/57/reviews";
const NEXT_REVIEWS_PATH: &str = "/github/repositories/42/pulls/57/reviews";

fn repo() -> RepoName {
    REPO.parse().expect("valid repository")
}

#[tokio::test]
async fn reviews_follow_link_headers_to_the_last_page() {
    let mut server = mockito::Server::new_async().await;
    let first = server
        .mock("GET", REVIEWS_PATH)
        .match_query(Matcher::UrlEncoded("per_page".into(), "100".into()))
        .with_header("link", &next_link(&server, NEXT_REVIEWS_PATH, 2))
        .with_body(fixture("reviews_page1.json"))
        .create_async()
        .await;
    // GitHub may switch to the `/repositories/{id}` form, and the link is followed as given.
    let second = server
        .mock("GET", NEXT_REVIEWS_PATH)
        .match_query(page_query(2))
        .with_header("link", &next_link(&server, NEXT_REVIEWS_PATH, 3))
        .with_body(fixture("empty_page.json"))
        .create_async()
        .await;
    let third = server
        .mock("GET", NEXT_REVIEWS_PATH)
        .match_query(page_query(3))
        .with_header(
            "link",
            &format!("<{}{NEXT_REVIEWS_PATH}?page=2>; rel=\"prev\"", server.url()),
        )
        .with_body(fixture("reviews_page2.json"))
        .create_async()
        .await;

    let reviews = client(&server)
        .list_reviews(&repo(), 57)
        .await
        .expect("reviews load");

    let ids: Vec<u64> = reviews.iter().map(|review| review.id).collect();
    assert_eq!(ids, [7001, 7002, 7003, 7004]);
    first.assert_async().await;
    second.assert_async().await;
    third.assert_async().await;
}

#[tokio::test]
async fn empty_listing_is_one_request() {
    let mut server = mockito::Server::new_async().await;
    let pulls = server
        .mock("GET", PULLS_PATH)
        .match_query(pulls_query())
        .with_body(fixture("empty_page.json"))
        .expect(1)
        .create_async()
        .await;

    let found = client(&server)
        .list_pulls_updated_since(&repo(), at("2026-11-02T00:00:00Z"))
        .await
        .expect("listing loads");

    assert!(found.is_empty());
    pulls.assert_async().await;
}

#[tokio::test]
async fn pull_listing_stops_early() {
    let mut server = mockito::Server::new_async().await;
    let page1 = server
        .mock("GET", PULLS_PATH)
        .match_query(pulls_query())
        .with_header("link", &next_link(&server, PULLS_PATH, 2))
        .with_body(fixture("pulls_page1.json"))
        .create_async()
        .await;
    let page2 = server
        .mock("GET", PULLS_PATH)
        .match_query(page_query(2))
        .with_header("link", &next_link(&server, PULLS_PATH, 3))
        .with_body(fixture("pulls_page2.json"))
        .create_async()
        .await;
    let page3 = server
        .mock("GET", PULLS_PATH)
        .match_query(page_query(3))
        .with_header("link", &next_link(&server, PULLS_PATH, 4))
        .with_body(fixture("pulls_page3.json"))
        .create_async()
        .await;
    let page4 = server
        .mock("GET", PULLS_PATH)
        .match_query(page_query(4))
        .with_body(fixture("empty_page.json"))
        .expect(0)
        .create_async()
        .await;

    let found = client(&server)
        .list_pulls_updated_since(&repo(), at("2026-11-02T00:00:00Z"))
        .await
        .expect("listing loads");

    // Page 2 mixes #55 (inside) and #54 (before the start), so page 3 is read. Every pull
    // request on page 3 is older, so page 4 is never requested.
    let numbers: Vec<u64> = found.iter().map(|pull| pull.number).collect();
    assert_eq!(numbers, [57, 56, 55]);
    page1.assert_async().await;
    page2.assert_async().await;
    page3.assert_async().await;
    page4.assert_async().await;
}

#[tokio::test]
async fn repeated_pull_link_is_a_loop() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", PULLS_PATH)
        .match_query(pulls_query())
        .with_header("link", &next_link(&server, PULLS_PATH, 2))
        .with_body(fixture("pulls_page1.json"))
        .create_async()
        .await;
    // Page 2 links to itself and its pull requests are all inside the listing's range, so
    // only the repeated link can end the listing. It ends before page 2 is read again.
    let page2 = server
        .mock("GET", PULLS_PATH)
        .match_query(page_query(2))
        .with_header("link", &next_link(&server, PULLS_PATH, 2))
        .with_body(fixture("pulls_page1.json"))
        .expect(1)
        .create_async()
        .await;

    let error = client(&server)
        .list_pulls_updated_since(&repo(), at("2026-01-01T00:00:00Z"))
        .await
        .expect_err("a self-linking page is a loop");

    assert!(
        matches!(error, Error::PaginationLoop { .. }),
        "expected a pagination loop, got {error:?}"
    );
    page2.assert_async().await;
}

#[tokio::test]
async fn requests_carry_github_headers() {
    let mut server = mockito::Server::new_async().await;
    let user = server
        .mock("GET", "/github/users/ada-dev")
        .match_header("authorization", format!("Bearer {TOKEN}").as_str())
        .match_header("accept", "application/vnd.github+json")
        .match_header("x-github-api-version", "2022-11-28")
        .match_header("user-agent", "async-sdk-tests")
        .with_body(fixture("user_ada.json"))
        .create_async()
        .await;

    let profile = client(&server).user("ada-dev").await.expect("user loads");

    assert_eq!(profile.id, 5101);
    assert_eq!(profile.email.as_deref(), Some("ada@payments.example"));
    user.assert_async().await;
}

#[tokio::test]
async fn path_segments_are_encoded() {
    let mut server = mockito::Server::new_async().await;
    let user = server
        .mock("GET", "/github/users/deploy-helper%5Bbot%5D")
        .with_body(fixture("user_bot.json"))
        .create_async()
        .await;

    let profile = client(&server)
        .user("deploy-helper[bot]")
        .await
        .expect("user loads");

    assert_eq!(profile.login, "deploy-helper[bot]");
    user.assert_async().await;
}

#[tokio::test]
async fn next_link_to_another_host_is_not_followed() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", REVIEWS_PATH)
        .match_query(Matcher::Any)
        .with_header(
            "link",
            "<https://api.github.com/repositories/42/pulls/57/reviews?page=2>; rel=\"next\"",
        )
        .with_body(fixture("reviews_page1.json"))
        .create_async()
        .await;

    let error = client(&server)
        .list_reviews(&repo(), 57)
        .await
        .expect_err("a link to another origin is refused");

    assert!(
        matches!(
            error,
            async_connectors::Error::Config {
                what: "next-page link",
                ..
            }
        ),
        "{error:?}"
    );
}
