//! Error classification, `chat.postMessage` and secret handling of the Slack client.
#![cfg(feature = "slack")]

#[path = "common/slack.rs"]
mod support;

use std::time::Duration;

use async_connectors::slack::{HistoryRequest, PostMessage, SlackClient, UsersListRequest};
use async_connectors::{ApiError, Error, ErrorClass};
use async_core::http::{EgressPolicy, HttpClient};
use mockito::Matcher;
use secrecy::SecretString;
use support::{BEARER, TOKEN, client, client_without_retries, fixture, method_path};

fn api_error(error: Error) -> ApiError {
    match error {
        Error::Api(error) => *error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn history_error(server: &mockito::ServerGuard) -> Error {
    client_without_retries(server)
        .conversations_history(&HistoryRequest::new("C07ENGINE1"))
        .await
        .expect_err("the mock answers with an error")
}

#[tokio::test]
async fn missing_scope_keeps_needed_scope() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::Any)
        .with_header("x-slack-req-id", "req-missing-scope-1")
        .with_body(fixture("missing_scope"))
        .create_async()
        .await;

    let error = history_error(&server).await;

    assert!(error.is_auth());
    assert_eq!(error.request_id(), Some("req-missing-scope-1"));
    let api = api_error(error);
    assert_eq!(api.status, 200);
    assert_eq!(api.class, ErrorClass::Forbidden);
    assert_eq!(api.code.as_deref(), Some("missing_scope"));
    assert_eq!(api.needed_scope.as_deref(), Some("channels:history"));
    assert!(
        api.message
            .as_deref()
            .is_some_and(|m| m.contains("users:read,chat:write"))
    );
    assert_eq!(api.endpoint, "conversations.history");
    assert!(api.to_string().contains("channels:history"));
}

#[tokio::test]
async fn invalid_auth_is_unauthorized() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", method_path("users.list").as_str())
        .match_query(Matcher::Any)
        .with_body(fixture("invalid_auth"))
        .create_async()
        .await;

    let error = client(&server)
        .users_list(&UsersListRequest::new())
        .await
        .expect_err("invalid_auth");

    let api = api_error(error);
    assert_eq!(api.class, ErrorClass::Unauthorized);
    assert_eq!(api.code.as_deref(), Some("invalid_auth"));
    assert!(api.needs_reauthorization());
    assert!(!api.is_retryable());
}

#[tokio::test]
async fn ratelimited_429_then_success() {
    let mut server = mockito::Server::new_async().await;
    let path = method_path("conversations.history");
    let limited = server
        .mock("GET", path.as_str())
        .match_query(Matcher::Any)
        .with_status(429)
        .with_header("retry-after", "1")
        .with_body(fixture("ratelimited"))
        .expect(1)
        .create_async()
        .await;
    let success = server
        .mock("GET", path.as_str())
        .match_query(Matcher::Any)
        .with_body(fixture("history_page3"))
        .expect(1)
        .create_async()
        .await;

    // The shared HTTP client waits for `Retry-After` and sends the request again.
    let page = client(&server)
        .conversations_history(&HistoryRequest::new("C07ENGINE1"))
        .await
        .expect("the retry succeeds");

    assert_eq!(page.items.len(), 2);
    limited.assert_async().await;
    success.assert_async().await;
}

#[tokio::test]
async fn ratelimited_429_is_classified() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::Any)
        .with_status(429)
        .with_header("retry-after", "30")
        .with_body(fixture("ratelimited"))
        .create_async()
        .await;

    let error = history_error(&server).await;

    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    let api = api_error(error);
    assert_eq!(api.status, 429);
    assert_eq!(api.code.as_deref(), Some("ratelimited"));
    assert!(api.is_retryable());
}

#[tokio::test]
async fn ratelimited_body_on_200_is_rate_limited() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", method_path("chat.postMessage").as_str())
        .with_body(r#"{"ok":false,"error":"rate_limited"}"#)
        .create_async()
        .await;

    let error = client(&server)
        .post_message(&PostMessage::new("C07ENGINE1", "hello"))
        .await
        .expect_err("rate_limited");

    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), None);
}

#[tokio::test]
async fn non_json_503_keeps_status() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::Any)
        .with_status(503)
        .with_header("content-type", "text/html")
        .with_header("x-slack-req-id", "req-503")
        .with_body("<html><body>Service Unavailable</body></html>")
        .create_async()
        .await;

    let error = history_error(&server).await;

    let api = api_error(error);
    assert_eq!(api.status, 503);
    assert_eq!(api.class, ErrorClass::Server);
    assert_eq!(api.code, None);
    assert_eq!(api.request_id.as_deref(), Some("req-503"));
    assert!(api.is_retryable());
}

#[tokio::test]
async fn malformed_json_is_decode_error() {
    let bodies = [
        r#"{"ok":true,"messages":[{"ts":"1.000001""#,
        r#"{"ok":true,"messages":"not a list"}"#,
        r#"{"ok":true,"messages":[{"user":"U1","text":"no ts"}]}"#,
    ];

    for body in bodies {
        let mut server = mockito::Server::new_async().await;
        server
            .mock("GET", method_path("conversations.history").as_str())
            .match_query(Matcher::Any)
            .with_body(body)
            .create_async()
            .await;

        let error = history_error(&server).await;

        assert!(
            matches!(&error, Error::Decode { status: 200, endpoint, .. } if endpoint == "conversations.history"),
            "{body}: {error:?}"
        );
    }
}

#[tokio::test]
async fn post_message_sends_json_body() {
    let mut server = mockito::Server::new_async().await;
    let blocks = serde_json::json!([
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Standup* for Monday"}}
    ]);
    let mock = server
        .mock("POST", method_path("chat.postMessage").as_str())
        .match_query(Matcher::Missing)
        .match_header("authorization", BEARER)
        .match_header("content-type", "application/json; charset=utf-8")
        .match_body(Matcher::Json(serde_json::json!({
            "channel": "C07ENGINE1",
            "text": "Standup for Monday is ready",
            "blocks": blocks,
            "thread_ts": "1767603600.000200",
            "mrkdwn": true
        })))
        .with_body(fixture("post_message"))
        .expect(1)
        .create_async()
        .await;
    let message = PostMessage::new("C07ENGINE1", "Standup for Monday is ready")
        .blocks(blocks.clone())
        .thread_ts("1767603600.000200");

    let posted = client(&server)
        .post_message(&message)
        .await
        .expect("message posts");

    assert_eq!(posted.channel, "C07ENGINE1");
    assert_eq!(posted.ts, "1767614400.000600");
    mock.assert_async().await;
}

#[tokio::test]
async fn post_message_not_retried_on_5xx() {
    for status in [500_u16, 502, 503, 504] {
        let mut server = mockito::Server::new_async().await;
        let mock = server
            .mock("POST", method_path("chat.postMessage").as_str())
            .match_body(Matcher::PartialJson(
                serde_json::json!({"channel": "C07ENGINE1"}),
            ))
            .with_status(usize::from(status))
            .with_body("upstream error")
            .expect(1)
            .create_async()
            .await;

        let error = client(&server)
            .post_message(&PostMessage::new("C07ENGINE1", "hello"))
            .await
            .expect_err("5xx");

        let api = api_error(error);
        assert_eq!(api.status, status);
        assert_eq!(api.class, ErrorClass::Server);
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn token_absent_from_debug_and_errors() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::Any)
        .with_body(fixture("invalid_auth"))
        .create_async()
        .await;
    let slack = client(&server);
    let http = HttpClient::new(EgressPolicy::default()).expect("client builds");
    let denied = SlackClient::builder(http.clone(), SecretString::from(TOKEN))
        .base_url("http://127.0.0.1:9/slack/api")
        .build()
        .expect("client builds");
    let builder = SlackClient::builder(http, SecretString::from(TOKEN));

    let api = history_error(&server).await;
    let egress = denied
        .users_list(&UsersListRequest::new())
        .await
        .expect_err("plain HTTP is denied without the loopback opt-in");

    let texts = [
        format!("{slack:?}"),
        format!("{builder:?}"),
        format!("{api} {api:?}"),
        format!("{egress} {egress:?}"),
    ];
    for text in texts {
        assert!(!text.contains(TOKEN), "token leaked in {text}");
        assert!(
            !text.contains("secret-token"),
            "token part leaked in {text}"
        );
    }
}

#[tokio::test]
async fn logs_omit_token_and_message_text() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::Any)
        .with_body(fixture("history_page1"))
        .create_async()
        .await;
    server
        .mock("POST", method_path("chat.postMessage").as_str())
        .with_body(fixture("post_message"))
        .create_async()
        .await;
    let slack = client(&server);

    slack
        .conversations_history(&HistoryRequest::new("C07ENGINE1"))
        .await
        .expect("history loads");
    slack
        .post_message(&PostMessage::new(
            "C07ENGINE1",
            "Standup for Monday is ready",
        ))
        .await
        .expect("message posts");

    let logs = support::logs().text();
    assert!(
        logs.contains("superfluous_charset"),
        "warnings are logged: {logs}"
    );
    assert!(!logs.contains(TOKEN), "token in logs: {logs}");
    assert!(
        !logs.contains("ledger migration"),
        "message text in logs: {logs}"
    );
    assert!(
        !logs.contains("Standup for Monday"),
        "posted text in logs: {logs}"
    );
}
