//! Structured completions against a scripted model.

use serde::Deserialize;
use serde_json::json;

use super::*;
use crate::Role;
use crate::test_support::Scripted;

#[derive(Debug, PartialEq, Deserialize)]
struct Answer {
    answer: String,
    citations: Vec<String>,
}

impl StructuredOutput for Answer {
    fn output_schema() -> OutputSchema {
        OutputSchema::new(
            "answer",
            json!({
                "type": "object",
                "properties": {
                    "answer": {"type": "string"},
                    "citations": {"type": "array", "items": {"type": "string"}}
                },
                "required": ["answer", "citations"],
                "additionalProperties": false
            }),
        )
    }
}

fn request() -> CompletionRequest {
    CompletionRequest::new(vec![Message::user("Who reviewed PAY-12?")], 256)
        .with_system("Be brief.")
}

const VALID: &str = r#"{"answer": "Lee did.", "citations": ["F1"]}"#;

#[tokio::test]
async fn valid_reply_deserializes() {
    let model = Scripted::new(&[VALID]);

    let answer = complete_structured::<Answer, _>(&model, request())
        .await
        .expect("valid reply");

    assert_eq!(answer.value.answer, "Lee did.");
    assert_eq!(answer.value.citations, ["F1"]);
    assert_eq!(answer.attempts, 1);
    assert_eq!(answer.usage.uncached_input_tokens, Some(100));
    assert_eq!(answer.json["citations"][0], "F1");
}

#[tokio::test]
async fn request_carries_schema_and_instruction() {
    let model = Scripted::new(&[VALID]);

    complete_structured::<Answer, _>(&model, request())
        .await
        .expect("valid reply");

    let sent = &model.requests()[0];
    let schema = sent.output_schema.as_ref().expect("schema attached");
    assert_eq!(schema.name, "answer");
    let system = sent.system.as_deref().expect("system prompt");
    assert!(system.starts_with("Be brief.\n\nReply with one JSON object"));
    assert!(system.contains("\"citations\""));
}

#[tokio::test]
async fn schema_left_out_of_prompt_on_request() {
    let model = Scripted::new(&[VALID]);
    let options = StructuredOptions::default().with_schema_in_prompt(false);

    complete_with_schema::<Answer, _>(&model, request(), &Answer::output_schema(), &options)
        .await
        .expect("valid reply");

    let system = model.requests()[0].system.clone().expect("system prompt");
    assert!(system.contains("`answer` attached to this request"));
    assert!(!system.contains("\"citations\""));
}

#[tokio::test]
async fn invalid_reply_is_retried_with_errors() {
    let model = Scripted::new(&[r#"{"answer": "Lee did."}"#, VALID]);

    let answer = complete_structured::<Answer, _>(&model, request())
        .await
        .expect("second reply is valid");

    assert_eq!(answer.attempts, 2);
    assert_eq!(answer.usage.uncached_input_tokens, Some(200));
    assert_eq!(answer.usage.output_tokens, Some(20));
    let retry = &model.requests()[1];
    assert_eq!(retry.messages.len(), 3);
    assert_eq!(retry.messages[1].role, Role::Assistant);
    assert_eq!(
        retry.messages[1].content[0].as_text(),
        Some(r#"{"answer": "Lee did."}"#)
    );
    let feedback = retry.messages[2].content[0].as_text().expect("text");
    assert!(feedback.contains("citations"), "{feedback}");
    assert!(feedback.ends_with("Reply again with only the corrected JSON object."));
}

#[tokio::test]
async fn invalid_twice_keeps_raw_text() {
    let model = Scripted::new(&["Lee reviewed it.", r#"{"answer": 3, "citations": []}"#]);

    let error = complete_structured::<Answer, _>(&model, request())
        .await
        .expect_err("both replies invalid");

    let Error::SchemaMismatch(mismatch) = &error else {
        panic!("expected a schema mismatch, got {error:?}");
    };
    assert_eq!(mismatch.attempts(), 2);
    assert_eq!(mismatch.kind(), &MismatchKind::Schema);
    assert_eq!(mismatch.raw_text(), r#"{"answer": 3, "citations": []}"#);
    assert_eq!(mismatch.violations()[0].instance_path, "/answer");
    assert_eq!(mismatch.violations()[0].keyword, "type");
    assert_eq!(error.schema_mismatch().map(|m| m.schema()), Some("answer"));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn prose_reply_is_not_json() {
    let model = Scripted::new(&["Lee reviewed it."]);
    let options = StructuredOptions::default().with_max_attempts(1);

    let error =
        complete_with_schema::<Answer, _>(&model, request(), &Answer::output_schema(), &options)
            .await
            .expect_err("prose");

    let mismatch = error.schema_mismatch().expect("mismatch");
    assert!(matches!(mismatch.kind(), MismatchKind::NotJson { .. }));
    assert_eq!(mismatch.raw_text(), "Lee reviewed it.");
    assert_eq!(model.requests().len(), 1);
}

#[tokio::test]
async fn fenced_reply_is_accepted() {
    let fenced = format!("```json\n{VALID}\n```");
    let model = Scripted::new(&[&fenced]);

    let answer = complete_structured::<Answer, _>(&model, request())
        .await
        .expect("fenced reply");

    assert_eq!(answer.value.citations, ["F1"]);
}

#[tokio::test]
async fn cut_reply_is_not_retried() {
    let model = Scripted::cut_short(r#"{"answer": "Lee d"#);

    let error = complete_structured::<Answer, _>(&model, request())
        .await
        .expect_err("cut short");

    let mismatch = error.schema_mismatch().expect("mismatch");
    assert_eq!(mismatch.stop_reason(), &StopReason::MaxTokens);
    assert_eq!(mismatch.attempts(), 1);
    assert!(error.to_string().contains("raise max_output_tokens"));
}

#[tokio::test]
async fn content_check_rejects_and_retries() {
    let model = Scripted::new(&[
        r#"{"answer": "Lee did.", "citations": ["F9"]}"#,
        r#"{"answer": "Lee did.", "citations": ["F9"]}"#,
    ]);
    let check = |answer: &Answer| {
        answer
            .citations
            .iter()
            .enumerate()
            .filter(|(_, id)| id.as_str() != "F1")
            .map(|(index, id)| {
                Violation::new(
                    format!("/citations/{index}"),
                    "citation",
                    format!("{id} is not a given fact id"),
                )
            })
            .collect()
    };

    let error = complete_checked(
        &model,
        request(),
        &Answer::output_schema(),
        &StructuredOptions::default(),
        check,
    )
    .await
    .expect_err("unknown citation");

    let mismatch = error.schema_mismatch().expect("mismatch");
    assert_eq!(mismatch.kind(), &MismatchKind::Content);
    assert_eq!(mismatch.violations()[0].instance_path, "/citations/0");
    let feedback = model.requests()[1].messages[2].content[0]
        .as_text()
        .expect("text")
        .to_owned();
    assert!(feedback.contains("F9 is not a given fact id"));
}

#[tokio::test]
async fn empty_reply_is_empty_output() {
    let model = Scripted::new(&["  "]);

    let error = complete_structured::<Answer, _>(&model, request())
        .await
        .expect_err("empty");

    assert!(matches!(error, Error::EmptyOutput { .. }));
}
