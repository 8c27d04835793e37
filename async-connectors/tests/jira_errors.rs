//! How Jira error responses are classified, and that credentials never leak into them.

#[path = "common/jira.rs"]
mod common;

use async_connectors::jira::SearchRequest;
use async_connectors::{Error, ErrorClass};
use common::{basic_client, bearer_client, client_without_retries, path, server};
use mockito::Matcher;

const SEARCH: &str = "/rest/api/3/search/jql";
const JQL: &str = "project = PAY AND updated >= -7d";

fn api_error(error: &Error) -> &async_connectors::ApiError {
    match error {
        Error::Api(error) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn removed_search_410_names_replacement() {
    let mut server = server().await;
    server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_status(410)
        .with_header("x-arequestid", "a1b2c3")
        .with_body(r#"{"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."]}"#)
        .create_async()
        .await;

    let error = basic_client(&server)
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect_err("410");

    let api = api_error(&error);
    assert_eq!(api.class, ErrorClass::Gone);
    assert_eq!(api.status, 410);
    let text = error.to_string();
    assert!(
        text.contains("`/rest/api/3/search` to `/rest/api/3/search/jql`"),
        "{text}"
    );
    assert!(text.contains("[request id a1b2c3]"), "{text}");
}

#[tokio::test]
async fn rate_limited_error_keeps_headers() {
    let mut server = server().await;
    server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_status(429)
        .with_header("retry-after", "30")
        .with_header("ratelimit-reason", "jira-quota-tenant-based")
        .with_header("x-arequestid", "rl-2")
        .create_async()
        .await;

    let error = client_without_retries(&server)
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect_err("429");

    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(api_error(&error).class, ErrorClass::RateLimited);
    assert_eq!(
        error.retry_after(),
        Some(std::time::Duration::from_secs(30))
    );
    assert_eq!(error.request_id(), Some("rl-2"));
    let text = error.to_string();
    assert!(
        text.contains("RateLimit-Reason: jira-quota-tenant-based"),
        "{text}"
    );
    assert!(text.contains("Retry-After: 30"), "{text}");
}

#[tokio::test]
async fn unauthorized_envelope_keeps_request_id() {
    let mut server = server().await;
    server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_status(401)
        .with_header("x-arequestid", "req-401")
        .with_header("content-type", "application/json")
        .with_body(r#"{"errorMessages":["You are not authenticated. Authentication required to perform this operation."],"errors":{}}"#)
        .create_async()
        .await;

    let error = bearer_client(&server)
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect_err("401");

    let api = api_error(&error);
    assert_eq!(api.class, ErrorClass::Unauthorized);
    assert!(error.is_auth());
    assert!(api.needs_reauthorization());
    assert_eq!(error.request_id(), Some("req-401"));
    assert_eq!(api.endpoint, SEARCH);
    assert!(error.to_string().contains("You are not authenticated"));
}

#[tokio::test]
async fn not_found_envelope_keeps_fields() {
    let mut server = server().await;
    server
        .mock("GET", path("/rest/api/3/issue/PAY-404/changelog").as_str())
        .match_query(Matcher::Any)
        .with_status(404)
        .with_header("x-arequestid", "req-404")
        .with_body(r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{"issueKey":"unknown"}}"#)
        .create_async()
        .await;

    let error = basic_client(&server)
        .changelog("PAY-404")
        .await
        .expect_err("404");

    let api = api_error(&error);
    assert_eq!(api.class, ErrorClass::NotFound);
    assert_eq!(api.request_id.as_deref(), Some("req-404"));
    assert_eq!(api.endpoint, "/rest/api/3/issue/{issueIdOrKey}/changelog");
    let message = api.message.as_deref().expect("message");
    assert!(message.contains("does not exist"), "{message}");
    assert!(message.contains("issueKey: unknown"), "{message}");
}

#[tokio::test]
async fn non_json_502_keeps_status() {
    let mut server = server().await;
    server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_status(502)
        .with_header("content-type", "text/html")
        .with_header("x-arequestid", "req-502")
        .with_body("<html><body>Bad Gateway</body></html>")
        .create_async()
        .await;

    let error = client_without_retries(&server)
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect_err("502");

    let api = api_error(&error);
    assert_eq!(api.status, 502);
    assert_eq!(api.class, ErrorClass::Server);
    assert!(api.is_retryable());
    assert_eq!(api.request_id.as_deref(), Some("req-502"));
}

#[tokio::test]
async fn malformed_json_is_decode_error() {
    let mut server = server().await;
    server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_header("x-arequestid", "req-bad")
        .with_body(r#"{"issues": [{"id": "1", "key": "PAY-1", "fields": {"#)
        .create_async()
        .await;

    let error = basic_client(&server)
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect_err("malformed");

    match &error {
        Error::Decode {
            provider,
            endpoint,
            status,
            request_id,
            ..
        } => {
            assert_eq!(*provider, "jira");
            assert_eq!(endpoint, SEARCH);
            assert_eq!(*status, 200);
            assert_eq!(request_id.as_deref(), Some("req-bad"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn garbage_timestamp_is_decode_error() {
    let mut server = server().await;
    server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_body(r#"{"isLast": true, "issues": [{"id": "1", "key": "PAY-1", "fields": {"created": "last tuesday", "updated": "2026-03-01T00:00:00.000+0000"}}]}"#)
        .create_async()
        .await;

    let error = basic_client(&server)
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect_err("bad timestamp");

    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let source = std::error::Error::source(&error)
        .expect("source")
        .to_string();
    assert!(
        source.contains("invalid Jira timestamp `last tuesday`"),
        "{source}"
    );
}

#[tokio::test]
async fn secrets_absent_from_debug_and_errors() {
    let mut server = server().await;
    server
        .mock("GET", path(SEARCH).as_str())
        .match_query(Matcher::Any)
        .with_status(401)
        .with_body(r#"{"errorMessages":["Unauthorized"]}"#)
        .create_async()
        .await;

    let basic = basic_client(&server);
    let bearer = bearer_client(&server);
    let basic_error = basic
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect_err("401");
    let bearer_error = bearer
        .search_page(&SearchRequest::new(JQL), None)
        .await
        .expect_err("401");

    let outputs = [
        format!("{basic:?}"),
        format!("{bearer:?}"),
        format!("{basic_error:?}"),
        format!("{basic_error}"),
        format!("{bearer_error:?}"),
        format!("{bearer_error}"),
    ];
    let encoded = common::basic_header();
    for output in &outputs {
        assert!(!output.contains(common::API_TOKEN), "{output}");
        assert!(!output.contains(common::ACCESS_TOKEN), "{output}");
        assert!(!output.contains(common::EMAIL), "{output}");
        assert!(
            !output.contains(encoded.trim_start_matches("Basic ")),
            "{output}"
        );
    }
    assert!(outputs[0].contains("REDACTED"), "{}", outputs[0]);
}
