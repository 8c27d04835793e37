//! Issue search over `/rest/api/3/search/jql`, paginated by `nextPageToken`, and retries.

#[path = "common/jira.rs"]
mod common;

use async_connectors::jira::{BASE_FIELDS, SearchRequest};
use common::{basic_client, fixture, param, path, server};
use futures::TryStreamExt;
use mockito::Matcher;

const SEARCH: &str = "/rest/api/3/search/jql";
const JQL: &str = "project = PAY AND updated >= -7d";

#[tokio::test]
async fn search_follows_next_page_token() {
    let mut server = server().await;
    let fields = format!("{},customfield_10016", BASE_FIELDS.join(","));
    let first = server
        .mock("GET", path(SEARCH).as_str())
        .match_header("authorization", common::basic_header().as_str())
        .match_query(Matcher::AllOf(vec![
            param("jql", JQL),
            param("fields", &fields),
            param("expand", "changelog"),
            param("maxResults", "100"),
        ]))
        .with_body(fixture("search_page_1.json"))
        .expect(1)
        .create_async()
        .await;
    let second = server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::AllOf(vec![
            param("jql", JQL),
            param("nextPageToken", "CAEaAggB"),
        ]))
        .with_body(fixture("search_page_2.json"))
        .expect(1)
        .create_async()
        .await;

    let client = basic_client(&server);
    let request = SearchRequest::new(JQL)
        .fields(["customfield_10016"])
        .expand_changelog(true);
    let issues: Vec<_> = client.search(request).try_collect().await.expect("search");

    let keys: Vec<&str> = issues.iter().map(|issue| issue.key.as_str()).collect();
    assert_eq!(keys, ["PAY-101", "PAY-102", "PAY-103"]);
    assert!(issues[1].fields.assignee.is_none());
    assert_eq!(
        issues[2].fields.resolutiondate.map(|at| at.to_rfc3339()),
        Some("2026-03-06T16:45:00+00:00".to_owned())
    );
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn search_empty_result() {
    let mut server = server().await;
    let mock = server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_body(fixture("search_empty.json"))
        .expect(1)
        .create_async()
        .await;

    let client = basic_client(&server);
    let issues: Vec<_> = client
        .search(SearchRequest::new("project = NONE"))
        .try_collect()
        .await
        .expect("search");

    assert!(issues.is_empty());
    mock.assert_async().await;
}

#[tokio::test]
async fn search_page_stops_on_is_last_despite_token() {
    let mut server = server().await;
    server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_body(r#"{"issues": [], "nextPageToken": "stale", "isLast": true}"#)
        .create_async()
        .await;

    let page = basic_client(&server)
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect("page");
    assert_eq!(page.next, None);
}

#[tokio::test]
async fn repeated_token_ends_search() {
    let mut server = server().await;
    let repeated = server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_body(r#"{"issues": [], "nextPageToken": "same", "isLast": false}"#)
        .expect(2)
        .create_async()
        .await;

    let issues: Vec<_> = basic_client(&server)
        .search(SearchRequest::new(JQL))
        .try_collect()
        .await
        .expect("search ends");

    assert!(issues.is_empty());
    repeated.assert_async().await;
}

#[tokio::test]
async fn rate_limited_then_success() {
    let mut server = server().await;
    let limited = server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_status(429)
        .with_header("retry-after", "0")
        .with_header("ratelimit-reason", "jira-burst-based")
        .with_header("x-arequestid", "rl-1")
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_body(fixture("search_page_2.json"))
        .expect(1)
        .create_async()
        .await;

    // The shared HttpClient honours Retry-After and sends the request again.
    let page = basic_client(&server)
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect("retried after the 429");

    assert_eq!(page.items.len(), 1);
    limited.assert_async().await;
    ok.assert_async().await;
}

#[tokio::test]
async fn rate_limited_after_retries_is_classified() {
    let attempts = common::http().retry_policy().max_attempts();
    let mut server = server().await;
    let limited = server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_status(429)
        .with_header("retry-after", "0")
        .with_header("ratelimit-reason", "jira-burst-based")
        .expect(attempts as usize)
        .create_async()
        .await;

    let error = basic_client(&server)
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect_err("429 on every attempt");

    assert!(error.is_rate_limited(), "{error}");
    let text = error.to_string();
    let gave_up = format!("gave up after {attempts} attempts");
    assert!(text.contains(&gave_up), "{text}");
    assert!(
        text.contains("RateLimit-Reason: jira-burst-based"),
        "{text}"
    );
    limited.assert_async().await;
}
