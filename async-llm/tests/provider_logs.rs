//! The OpenAI and Gemini keys stay out of logs, `Debug` output and errors, including
//! when the provider echoes the key in its error message and when a stream fails.
//!
//! This test has its own binary because `tracing` caches per call site whether any
//! subscriber listens. A test running in parallel without a subscriber could hide the
//! log lines.

mod common;

use async_llm::{CompletionRequest, GeminiModel, LanguageModel, Message, OpenAiModel};
use common::{API_KEY, fast_retries, loopback_client};
use futures::StreamExt;
use secrecy::SecretString;

fn request() -> CompletionRequest {
    CompletionRequest::new(vec![Message::user("Facts: PAY-12 done.")], 256)
}

/// Collects what a failed completion and a failed stream show: `Debug` of the model and
/// of the errors, their `Display`, and every log line.
async fn shown<M: LanguageModel + std::fmt::Debug>(
    model: &M,
    logs: &common::LogBuffer,
) -> Vec<String> {
    let error = model.complete(&request()).await.expect_err("401");
    let stream_error = match model.stream(&request()).await {
        Ok(mut stream) => loop {
            match stream.next().await {
                Some(Err(error)) => break error,
                Some(Ok(_)) => {}
                None => panic!("the stream ended without the expected error"),
            }
        },
        Err(error) => error,
    };
    vec![
        format!("{model:?}"),
        format!("{error} {error:?}"),
        format!("{stream_error} {stream_error:?}"),
        logs.contents(),
    ]
}

#[tokio::test]
async fn keys_never_in_debug_errors_or_logs() {
    let logs = common::LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut server = mockito::Server::new_async().await;
    // OpenAI echoes the rejected key in its message; the error must not keep it.
    let echo = format!(
        r#"{{"error":{{"message":"Incorrect API key provided: {API_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}}}"#
    );
    let _openai = server
        .mock("POST", "/v1/chat/completions")
        .with_status(401)
        .with_body(&echo)
        .create_async()
        .await;
    let gemini_body = format!(
        r#"{{"error":{{"code":400,"message":"API key not valid: {API_KEY}","status":"INVALID_ARGUMENT","details":[{{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}}]}}}}"#
    );
    let _gemini = server
        .mock(
            "POST",
            mockito::Matcher::Regex("^/v1beta/models/".to_owned()),
        )
        .with_status(400)
        .with_body(&gemini_body)
        .create_async()
        .await;

    let openai = OpenAiModel::builder(SecretString::from(API_KEY), "gpt-4.1-mini")
        .base_url(format!("{}/v1", server.url()))
        .http_client(loopback_client())
        .retry_policy(fast_retries())
        .build()
        .expect("model builds");
    let gemini = GeminiModel::builder(SecretString::from(API_KEY), "gemini-2.5-flash")
        .base_url(server.url())
        .http_client(loopback_client())
        .retry_policy(fast_retries())
        .build()
        .expect("model builds");

    let mut texts = shown(&openai, &logs).await;
    texts.extend(shown(&gemini, &logs).await);
    for text in texts {
        assert!(!text.contains(API_KEY), "API key leaked: {text}");
    }
    let builders = format!(
        "{:?} {:?}",
        OpenAiModel::builder(SecretString::from(API_KEY), "m"),
        GeminiModel::builder(SecretString::from(API_KEY), "m")
    );
    assert!(!builders.contains(API_KEY), "{builders}");
    assert!(
        logs.contents().contains("chat.completions"),
        "the calls were logged"
    );
}
