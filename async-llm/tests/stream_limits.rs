//! Hostile event streams end in typed errors: no panic, no unbounded buffering.

mod common;

use async_llm::sse::MAX_PENDING_EVENT_BYTES;
use async_llm::{CompletionRequest, Error, LanguageModel, Message};
use common::{API_KEY, anthropic};

fn request() -> CompletionRequest {
    CompletionRequest::new(vec![Message::user("Summarize PAY-12.")], 64)
}

async fn stream_error(body: Vec<u8>) -> Error {
    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/v1/messages")
        .with_status(200)
        .with_header("content-type", "text/event-stream")
        .with_body(body)
        .create_async()
        .await;

    let opened = anthropic(&server).stream(&request()).await;
    match opened {
        Ok(stream) => stream.into_response().await.expect_err("stream must fail"),
        Err(error) => error,
    }
}

/// Joins the messages of the error and of each of its causes.
fn chain(error: &Error) -> String {
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        chain.push_str(&format!(" / {cause}"));
        source = cause.source();
    }
    chain
}

#[tokio::test]
async fn endless_line_is_cut_off() {
    let mut body = b"event: content_block_delta\ndata: ".to_vec();
    body.resize(body.len() + MAX_PENDING_EVENT_BYTES + 1024, b'a');

    let error = stream_error(body).await;

    let chain = chain(&error);
    assert!(chain.contains("without ending"), "{chain}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn endless_data_lines_are_cut_off() {
    let line = format!("data: {}\n", "b".repeat(1023));
    // Each line adds 1024 bytes of data (1023 and the joining newline).
    let count = MAX_PENDING_EVENT_BYTES / 1024 + 2;
    let body = line.repeat(count).into_bytes();

    let error = stream_error(body).await;

    let chain = chain(&error);
    assert!(chain.contains("without ending"), "{chain}");
}

#[tokio::test]
async fn invalid_utf8_and_garbage_fail_cleanly() {
    let body =
        b"event: content_block_delta\ndata: \xff\xfe{\"type\":\n\n\0\0\r\r\rdata: }}}\n\n".to_vec();

    let error = stream_error(body).await;

    let rendered = format!("{error} {error:?}");
    assert!(!rendered.contains(API_KEY));
}
