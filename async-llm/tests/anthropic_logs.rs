//! The API key stays out of logs, `Debug` output and errors.
//!
//! This test has its own binary because `tracing` caches per call site whether any
//! subscriber listens. A test running in parallel without a subscriber could hide the
//! log lines.

mod common;

use async_llm::{AnthropicModel, CompletionRequest, LanguageModel, Message};
use common::{API_KEY, MODEL, anthropic, fixture};
use secrecy::SecretString;

fn request() -> CompletionRequest {
    CompletionRequest::new(vec![Message::user("Facts: PAY-12 done.")], 256)
}

#[tokio::test]
async fn api_key_never_in_debug_errors_or_logs() {
    let logs = common::LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/v1/messages")
        .with_status(401)
        .with_body(fixture("anthropic/error_authentication.json"))
        .create_async()
        .await;
    let model = anthropic(&server);
    let error = model.complete(&request()).await.expect_err("401");

    for text in [
        format!("{model:?}"),
        format!("{error}"),
        format!("{error:?}"),
        format!(
            "{:?}",
            AnthropicModel::builder(SecretString::from(API_KEY), MODEL)
        ),
        logs.contents(),
    ] {
        assert!(!text.contains(API_KEY), "API key leaked: {text}");
    }
    assert!(
        logs.contents().contains("messages.create"),
        "the call was logged"
    );
}
