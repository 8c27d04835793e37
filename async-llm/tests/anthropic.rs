//! The Anthropic model against a local mock of the Messages API.

mod common;

use std::time::Duration;

use async_core::http::{EgressPolicy, HttpClient};
use async_llm::{AnthropicModel, CompletionRequest, Error, LanguageModel, Message, StopReason};
use common::{API_KEY, MODEL, anthropic, fixture};
use mockito::Matcher;
use secrecy::SecretString;
use serde_json::json;

fn request() -> CompletionRequest {
    CompletionRequest::new(vec![Message::user("Facts: PAY-12 done.")], 256)
        .with_system("Use only the facts.")
        .with_temperature(0.2)
}

async fn error_for(status: usize, headers: &[(&str, &str)], body: &str) -> Error {
    let mut server = mockito::Server::new_async().await;
    let mut mock = server
        .mock("POST", "/v1/messages")
        .with_status(status)
        .with_body(body);
    for (name, value) in headers {
        mock = mock.with_header(*name, value);
    }
    let _mock = mock.create_async().await;

    anthropic(&server)
        .complete(&request())
        .await
        .expect_err("the mock answers with an error")
}

#[tokio::test]
async fn success_maps_response() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("POST", "/v1/messages")
        .match_header("x-api-key", API_KEY)
        .match_header("anthropic-version", "2023-06-01")
        .match_header("content-type", Matcher::Regex("^application/json".into()))
        .match_body(Matcher::Json(json!({
            "model": MODEL,
            "max_tokens": 256,
            "system": "Use only the facts.",
            "temperature": 0.2,
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "Facts: PAY-12 done."}]}
            ]
        })))
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_header("request-id", "req_011FixtureOk")
        .with_body(fixture("anthropic/message_ok.json"))
        .create_async()
        .await;

    let response = anthropic(&server)
        .complete(&request())
        .await
        .expect("success");

    mock.assert_async().await;
    assert!(response.text().starts_with("# Standup\n\n## Dana"));
    assert_eq!(response.stop_reason, StopReason::EndTurn);
    assert_eq!(response.model, "claude-sonnet-4-5-20250929");
    assert_eq!(response.request_id.as_deref(), Some("req_011FixtureOk"));
    assert_eq!(response.usage.uncached_input_tokens, Some(412));
    assert_eq!(response.usage.output_tokens, Some(58));
    assert_eq!(response.usage.cache_read_tokens, Some(0));
    assert_eq!(response.usage.cache_write_tokens, None);
}

#[tokio::test]
async fn rate_limit_keeps_retry_after() {
    let error = error_for(
        429,
        &[
            ("retry-after", "2"),
            ("request-id", "req_011FixtureRateLimit"),
        ],
        &fixture("anthropic/error_rate_limit.json"),
    )
    .await;

    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.request_id(), Some("req_011FixtureRateLimit"));
}

#[tokio::test]
async fn rate_limit_retried_then_success() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("POST", "/v1/messages")
        .with_status(429)
        .with_header("retry-after", "0")
        .with_body(fixture("anthropic/error_rate_limit.json"))
        .expect(1)
        .create_async()
        .await;
    let success = server
        .mock("POST", "/v1/messages")
        .with_status(200)
        .with_header("request-id", "req_011FixtureOk")
        .with_body(fixture("anthropic/message_ok.json"))
        .expect(1)
        .create_async()
        .await;

    let response = anthropic(&server)
        .complete(&request())
        .await
        .expect("the retry succeeds");

    limited.assert_async().await;
    success.assert_async().await;
    assert_eq!(response.request_id.as_deref(), Some("req_011FixtureOk"));
}

#[tokio::test]
async fn overloaded_retried_then_success() {
    let mut server = mockito::Server::new_async().await;
    let overloaded = server
        .mock("POST", "/v1/messages")
        .with_status(529)
        .with_body(fixture("anthropic/error_overloaded.json"))
        .expect(2)
        .create_async()
        .await;
    let success = server
        .mock("POST", "/v1/messages")
        .with_status(200)
        .with_body(fixture("anthropic/message_ok.json"))
        .expect(1)
        .create_async()
        .await;

    let response = anthropic(&server).complete(&request()).await;

    overloaded.assert_async().await;
    success.assert_async().await;
    assert!(response.is_ok(), "{response:?}");
}

#[tokio::test]
async fn server_error_resent_twice() {
    let mut server = mockito::Server::new_async().await;
    let failing = server
        .mock("POST", "/v1/messages")
        .with_status(500)
        .with_body(
            r#"{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"#,
        )
        .expect(3)
        .create_async()
        .await;

    let error = anthropic(&server)
        .complete(&request())
        .await
        .expect_err("500");

    failing.assert_async().await;
    assert!(matches!(error, Error::Server { .. }), "{error:?}");
}

#[tokio::test]
async fn overloaded_is_retryable() {
    // Every attempt is overloaded, so the last response becomes the error.
    let error = error_for(529, &[], &fixture("anthropic/error_overloaded.json")).await;

    assert!(matches!(error, Error::Overloaded { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), Some(529));
    assert_eq!(error.request_id(), Some("req_011FixtureOverloaded"));
}

#[tokio::test]
async fn unauthorized_is_auth_error() {
    let error = error_for(401, &[], &fixture("anthropic/error_authentication.json")).await;

    assert!(matches!(error, Error::Authentication { .. }), "{error:?}");
    assert!(error.is_auth());
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "anthropic messages.create (HTTP 401) authentication_error \
         [request id req_011FixtureAuth]: invalid x-api-key: authentication failed; \
         check the API key"
    );
}

#[tokio::test]
async fn prompt_too_long_is_context_error() {
    let error = error_for(400, &[], &fixture("anthropic/error_prompt_too_long.json")).await;

    assert!(matches!(error, Error::ContextTooLong { .. }), "{error:?}");
    assert!(error.is_context_too_long());
    assert!(!error.is_retryable());
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn non_json_server_error_keeps_status() {
    let error = error_for(
        500,
        &[
            ("content-type", "text/html"),
            ("request-id", "req_011FixtureHtml"),
        ],
        "<html><body>upstream failure</body></html>",
    )
    .await;

    assert!(matches!(error, Error::Server { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.request_id(), Some("req_011FixtureHtml"));
}

#[tokio::test]
async fn malformed_json_is_decode_error() {
    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/v1/messages")
        .with_status(200)
        .with_header("request-id", "req_011FixtureBroken")
        .with_body(r#"{"id":"msg_01","type":"message","content":[{"type":"text","text":"cut"#)
        .create_async()
        .await;

    let error = anthropic(&server)
        .complete(&request())
        .await
        .expect_err("malformed body");

    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.status(), Some(200));
    assert_eq!(error.request_id(), Some("req_011FixtureBroken"));
    assert!(
        error
            .raw_body()
            .is_some_and(|raw| raw.starts_with(r#"{"id":"msg_01""#))
    );
    assert!(
        !error.to_string().contains("msg_01"),
        "Display never prints the body"
    );
}

#[tokio::test]
async fn default_egress_rejects_loopback() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("POST", "/v1/messages")
        .expect(0)
        .create_async()
        .await;
    let model = AnthropicModel::builder(SecretString::from(API_KEY), MODEL)
        .base_url(server.url())
        .http_client(HttpClient::new(EgressPolicy::default()).expect("client builds"))
        .build()
        .expect("model builds");

    let error = model.complete(&request()).await.expect_err("egress denied");

    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    mock.assert_async().await;
}

#[tokio::test]
async fn stream_collects_text_and_usage() {
    let body = concat!(
        "event: message_start\r\n",
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}\r\n\r\n",
        "event: content_block_delta\r\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Done: \"}}\r\n\r\n",
        ": keep-alive\r\n\r\n",
        "event: content_block_delta\r\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"PAY-12\"}}\r\n\r\n",
        "event: message_delta\r\n",
        "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}\r\n\r\n",
        "event: message_stop\r\n",
        "data: {\"type\":\"message_stop\"}\r\n\r\n",
    );
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("POST", "/v1/messages")
        .match_header("accept", "text/event-stream")
        .match_body(Matcher::PartialJson(json!({"stream": true})))
        .with_status(200)
        .with_header("content-type", "text/event-stream")
        .with_header("request-id", "req_stream")
        .with_body(body)
        .create_async()
        .await;

    let response = anthropic(&server)
        .stream(&request())
        .await
        .expect("stream opens")
        .into_response()
        .await
        .expect("stream completes");

    mock.assert_async().await;
    assert_eq!(response.text(), "Done: PAY-12");
    assert_eq!(response.stop_reason, StopReason::EndTurn);
    assert_eq!(response.usage.uncached_input_tokens, Some(20));
    assert_eq!(response.usage.output_tokens, Some(9));
    assert_eq!(response.request_id.as_deref(), Some("req_stream"));
}
