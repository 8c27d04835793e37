//! Streamed responses and per-request retry opt-out, against mockito servers on 127.0.0.1.

#[path = "common/http.rs"]
#[allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]
mod support;

use std::time::Duration;

use async_core::error::{Error, HttpErrorKind};
use async_core::http::{ApiRequest, EgressPolicy, HttpClient};
use support::{loopback_client, post};
use url::Url;

#[tokio::test]
async fn without_retries_sends_once() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("POST", "/v1/messages")
        .with_status(429)
        .expect(1)
        .create_async()
        .await;

    let request = post(&server, "/v1/messages").without_retries();
    assert!(!request.allows_retries());
    let response = loopback_client().send(request).await.expect("response");
    assert_eq!(response.status(), 429);
    assert_eq!(response.attempts(), 1);
    limited.assert_async().await;
}

#[tokio::test]
async fn streaming_reads_whole_body() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", "/stream")
        .with_status(200)
        .with_header("content-type", "text/event-stream")
        .with_header("request-id", "req_s1")
        .with_chunked_body(|writer| {
            writer.write_all(b"data: one\n\n")?;
            writer.write_all(b"data: two\n\n")
        })
        .create_async()
        .await;

    let mut response = loopback_client()
        .send_streaming(post(&server, "/stream"), Duration::from_secs(5))
        .await
        .expect("stream opens");
    assert!(response.is_success());
    assert_eq!(response.request_id(), Some("req_s1"));
    let mut body = Vec::new();
    while let Some(chunk) = response.next_chunk().await.expect("chunk") {
        body.extend_from_slice(&chunk);
    }
    assert_eq!(body, b"data: one\n\ndata: two\n\n");
}

#[tokio::test]
async fn streaming_error_status_reads_body() {
    let mut server = mockito::Server::new_async().await;
    let once = server
        .mock("POST", "/stream")
        .with_status(529)
        .with_header("retry-after", "2")
        .with_body(r#"{"type":"error"}"#)
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send_streaming(post(&server, "/stream"), Duration::from_secs(5))
        .await
        .expect("stream opens");
    assert_eq!(response.status(), 529);
    assert_eq!(response.retry_after(), Some(Duration::from_secs(2)));
    let full = response.into_response().await.expect("body");
    assert_eq!(full.body().as_ref(), br#"{"type":"error"}"#);
    once.assert_async().await;
}

#[tokio::test]
async fn streaming_idle_timeout_fails_chunk() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", "/stream")
        .with_status(200)
        .with_chunked_body(|writer| {
            writer.write_all(b"data: first\n\n")?;
            std::thread::sleep(Duration::from_millis(400));
            writer.write_all(b"data: late\n\n")
        })
        .create_async()
        .await;

    let mut response = loopback_client()
        .send_streaming(post(&server, "/stream"), Duration::from_millis(100))
        .await
        .expect("stream opens");
    let first = response.next_chunk().await.expect("first chunk");
    assert!(first.is_some());
    let error = response.next_chunk().await.expect_err("idle timeout");
    let Error::Http(error) = error else {
        panic!("expected an HTTP error, got {error:?}");
    };
    assert_eq!(error.kind(), HttpErrorKind::Timeout);
    assert_eq!(error.status(), Some(200));
}

#[tokio::test]
async fn streaming_checks_egress() {
    let client = HttpClient::new(EgressPolicy::deny_all()).expect("client");
    let url = Url::parse("https://api.openai.com/v1/chat/completions").expect("url");
    let request = ApiRequest::post("openai", "chat.completions", url);
    let error = client
        .send_streaming(request, Duration::from_secs(1))
        .await
        .expect_err("denied");
    assert!(matches!(error, Error::EgressDenied(_)), "{error:?}");
}
