//! Structured output through a real provider implementation against a local mock server.

mod common;

use async_llm::structured::{MismatchKind, StructuredOutput, complete_structured};
use async_llm::{CompletionRequest, Error, Message, OutputSchema};
use mockito::Matcher;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
struct Verdict {
    merged: bool,
    pull_request: String,
}

impl StructuredOutput for Verdict {
    fn output_schema() -> OutputSchema {
        OutputSchema::new(
            "verdict",
            json!({
                "type": "object",
                "properties": {
                    "merged": {"type": "boolean"},
                    "pull_request": {"type": "string", "pattern": "^[a-z-]+/[a-z-]+#[0-9]+$"}
                },
                "required": ["merged", "pull_request"],
                "additionalProperties": false
            }),
        )
    }
}

/// Builds an Anthropic message whose only text block is `text`.
fn message(text: &str) -> String {
    json!({
        "id": "msg_01StructuredFixture",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "usage": {"input_tokens": 120, "output_tokens": 18}
    })
    .to_string()
}

fn request() -> CompletionRequest {
    CompletionRequest::new(vec![Message::user("Was acme/payments#42 merged?")], 128)
}

#[tokio::test]
async fn anthropic_reply_is_validated_and_deserialized() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("POST", "/v1/messages")
        .match_body(Matcher::PartialJson(json!({
            "output_config": {"format": {"type": "json_schema"}}
        })))
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_header("request-id", "req_structured_1")
        .with_body(message(
            r#"{"merged": true, "pull_request": "acme/payments#42"}"#,
        ))
        .expect(1)
        .create_async()
        .await;
    let model = common::anthropic(&server);

    let verdict = complete_structured::<Verdict, _>(&model, request())
        .await
        .expect("valid reply");

    mock.assert_async().await;
    assert!(verdict.value.merged);
    assert_eq!(verdict.value.pull_request, "acme/payments#42");
    assert_eq!(verdict.attempts, 1);
    assert_eq!(verdict.usage.output_tokens, Some(18));
    assert_eq!(
        verdict.response.request_id.as_deref(),
        Some("req_structured_1")
    );
}

#[tokio::test]
async fn anthropic_invalid_twice_is_mismatch() {
    let mut server = mockito::Server::new_async().await;
    let invalid = r#"{"merged": "yes", "pull_request": "PR 42"}"#;
    let mock = server
        .mock("POST", "/v1/messages")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(message(invalid))
        .expect(2)
        .create_async()
        .await;
    let model = common::anthropic(&server);

    let error = complete_structured::<Verdict, _>(&model, request())
        .await
        .expect_err("invalid twice");

    mock.assert_async().await;
    let Error::SchemaMismatch(mismatch) = &error else {
        panic!("expected a schema mismatch, got {error:?}");
    };
    assert_eq!(mismatch.kind(), &MismatchKind::Schema);
    assert_eq!(mismatch.attempts(), 2);
    assert_eq!(mismatch.raw_text(), invalid);
    let places: Vec<(&str, &str)> = mismatch
        .violations()
        .iter()
        .map(|v| (v.instance_path.as_str(), v.keyword.as_str()))
        .collect();
    assert!(places.contains(&("/merged", "type")), "{places:?}");
    assert!(places.contains(&("/pull_request", "pattern")), "{places:?}");
    assert!(!error.to_string().contains("PR 42"));
}
