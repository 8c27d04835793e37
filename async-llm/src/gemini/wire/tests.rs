use serde_json::json;

use super::*;
use crate::{Message, OutputSchema};

#[test]
fn request_maps_every_field() {
    let schema = json!({"type": "object", "properties": {"items": {"type": "array"}}});
    let request = CompletionRequest::new(
        vec![Message::user("facts"), Message::assistant("## Dana")],
        512,
    )
    .with_system("Use only the facts.")
    .with_temperature(0.25)
    .with_stop_sequence("END")
    .with_metadata("user_id", "tenant-7")
    .with_output_schema(OutputSchema::new("items", schema.clone()));

    let body = serde_json::to_value(to_wire(&request).expect("valid")).expect("json");
    assert_eq!(
        body,
        json!({
            "contents": [
                {"role": "user", "parts": [{"text": "facts"}]},
                {"role": "model", "parts": [{"text": "## Dana"}]}
            ],
            "systemInstruction": {"parts": [{"text": "Use only the facts."}]},
            "generationConfig": {
                "maxOutputTokens": 512,
                "temperature": 0.25,
                "stopSequences": ["END"],
                "responseMimeType": "application/json",
                "responseJsonSchema": schema
            }
        })
    );
}

#[test]
fn request_rejects_invalid_values() {
    let hot = CompletionRequest::new(vec![Message::user("hi")], 8).with_temperature(3.0);
    assert!(to_wire(&hot).is_err());
    let empty = CompletionRequest::new(Vec::new(), 8);
    assert!(to_wire(&empty).is_err());
}

#[test]
fn response_maps_text_usage_and_stop() {
    let wire: WireResponse = serde_json::from_value(json!({
        "candidates": [{
            "content": {"role": "model", "parts": [
                {"text": "thinking...", "thought": true},
                {"text": "Hello"},
                {"text": " there"}
            ]},
            "finishReason": "STOP",
            "index": 0,
            "safetyRatings": []
        }],
        "usageMetadata": {
            "promptTokenCount": 110, "candidatesTokenCount": 5,
            "cachedContentTokenCount": 100, "thoughtsTokenCount": 20, "totalTokenCount": 135
        },
        "modelVersion": "gemini-2.5-flash",
        "responseId": "abc"
    }))
    .expect("valid");
    let response = from_wire(wire, "gemini", Some("req".into())).expect("answer");
    assert_eq!(response.text(), "Hello there");
    assert_eq!(response.stop_reason, StopReason::EndTurn);
    assert_eq!(response.model, "gemini-2.5-flash");
    assert_eq!(response.usage.uncached_input_tokens, Some(10));
    assert_eq!(response.usage.cache_read_tokens, Some(100));
    assert_eq!(response.usage.output_tokens, Some(25));
    assert_eq!(response.usage.reasoning_tokens, Some(20));
}

#[test]
fn blocked_prompt_is_content_filtered() {
    let wire: WireResponse = serde_json::from_value(json!({
        "promptFeedback": {
            "blockReason": "SAFETY",
            "safetyRatings": [
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH", "blocked": true},
                {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"}
            ]
        },
        "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8}
    }))
    .expect("valid");
    let error = from_wire(wire, "m", None).expect_err("blocked");
    assert!(
        matches!(&error, Error::ContentFiltered { reason, .. } if reason == "SAFETY"),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("HARM_CATEGORY_HARASSMENT HIGH"),
        "{error}"
    );
    assert!(!error.to_string().contains("HATE_SPEECH"));
}

#[test]
fn safety_stop_without_text_is_filtered() {
    let wire: WireResponse = serde_json::from_value(json!({
        "candidates": [{"finishReason": "PROHIBITED_CONTENT", "index": 0}]
    }))
    .expect("valid");
    let error = from_wire(wire, "m", None).expect_err("filtered");
    assert!(error.is_content_filtered());
}

#[test]
fn max_tokens_inside_thinking_has_no_content() {
    let wire: WireResponse = serde_json::from_value(json!({
        "candidates": [{"finishReason": "MAX_TOKENS", "index": 0}],
        "usageMetadata": {"promptTokenCount": 9, "thoughtsTokenCount": 64}
    }))
    .expect("valid");
    let response = from_wire(wire, "m", None).expect("a response");
    assert!(response.content.is_empty());
    assert_eq!(response.stop_reason, StopReason::MaxTokens);
    assert_eq!(response.usage.output_tokens, Some(64));
}

#[test]
fn finish_reasons_mapped() {
    assert_eq!(stop_reason("RECITATION"), StopReason::ContentFiltered);
    assert_eq!(
        stop_reason("MALFORMED_FUNCTION_CALL"),
        StopReason::Other("MALFORMED_FUNCTION_CALL".into())
    );
    assert_eq!(
        stop_reason("BRAND_NEW"),
        StopReason::Other("BRAND_NEW".into())
    );
}
