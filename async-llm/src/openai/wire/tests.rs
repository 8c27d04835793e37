use serde_json::json;

use super::*;
use crate::Message;

fn request() -> CompletionRequest {
    CompletionRequest::new(
        vec![Message::user("facts"), Message::assistant("## Dana")],
        300,
    )
    .with_system("Use only the facts.")
    .with_temperature(1.5)
    .with_stop_sequence("END")
    .with_metadata("user_id", "tenant-7")
    .with_metadata("trace", "local only")
}

#[test]
fn request_maps_every_field() {
    let schema = json!({"type": "object"});
    let request = request().with_output_schema(
        OutputSchema::new("standup", schema.clone()).with_description("A standup"),
    );
    let wire = to_wire(
        "gpt-test",
        &request,
        TokenLimitField::MaxCompletionTokens,
        true,
    )
    .expect("valid");
    assert_eq!(
        serde_json::to_value(&wire).expect("json"),
        json!({
            "model": "gpt-test",
            "messages": [
                {"role": "system", "content": "Use only the facts."},
                {"role": "user", "content": "facts"},
                {"role": "assistant", "content": "## Dana"}
            ],
            "max_completion_tokens": 300,
            "temperature": 1.5,
            "stop": ["END"],
            "user": "tenant-7",
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "standup", "schema": schema, "strict": true, "description": "A standup"}
            },
            "stream": true,
            "stream_options": {"include_usage": true}
        })
    );
}

#[test]
fn request_legacy_token_field() {
    let request = CompletionRequest::new(vec![Message::user("hi")], 16);
    let body = serde_json::to_value(
        to_wire("m", &request, TokenLimitField::MaxTokens, false).expect("valid"),
    )
    .expect("json");
    assert_eq!(
        body,
        json!({"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 16})
    );
}

#[test]
fn request_rejects_invalid_values() {
    let limit = TokenLimitField::MaxCompletionTokens;
    let hot = CompletionRequest::new(vec![Message::user("hi")], 16).with_temperature(2.5);
    assert!(to_wire("m", &hot, limit, false).is_err());
    let mut stops = CompletionRequest::new(vec![Message::user("hi")], 16);
    for stop in ["a", "b", "c", "d", "e"] {
        stops = stops.with_stop_sequence(stop);
    }
    assert!(to_wire("m", &stops, limit, false).is_err());
    let named = CompletionRequest::new(vec![Message::user("hi")], 16)
        .with_output_schema(OutputSchema::new("has space", json!({})));
    assert!(to_wire("m", &named, limit, false).is_err());
    let empty = CompletionRequest::new(Vec::new(), 16);
    assert!(to_wire("m", &empty, limit, false).is_err());
}

#[test]
fn response_maps_text_usage_and_stop() {
    let wire: WireResponse = serde_json::from_value(json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4.1-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi", "refusal": null}, "finish_reason": "stop", "logprobs": null}],
        "usage": {
            "prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150,
            "prompt_tokens_details": {"cached_tokens": 100, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 12}
        },
        "service_tier": "on_demand",
        "system_fingerprint": null
    }))
    .expect("valid");
    let response = from_wire(wire, "requested", Some("req_1".into()));
    assert_eq!(response.text(), "Hi");
    assert_eq!(response.stop_reason, StopReason::EndTurn);
    assert_eq!(response.model, "gpt-4.1-mini");
    assert_eq!(response.usage.uncached_input_tokens, Some(20));
    assert_eq!(response.usage.cache_read_tokens, Some(100));
    assert_eq!(response.usage.output_tokens, Some(30));
    assert_eq!(response.usage.reasoning_tokens, Some(12));
    assert_eq!(response.usage.cache_write_tokens, None);
}

#[test]
fn response_tolerates_compatible_servers() {
    let wire: WireResponse = serde_json::from_value(json!({
        "choices": [{"message": {"content": "ok"}, "finish_reason": "eos_token"}],
        "usage": {}
    }))
    .expect("minimal body");
    let response = from_wire(wire, "local-model", None);
    assert_eq!(response.model, "local-model");
    assert_eq!(response.stop_reason, StopReason::Other("eos_token".into()));
    assert!(response.usage.is_empty());
}

#[test]
fn refusal_becomes_text_with_refusal_stop() {
    let wire: WireResponse = serde_json::from_value(json!({
        "model": "m",
        "choices": [{"message": {"content": null, "refusal": "I can't help."}, "finish_reason": "stop"}]
    }))
    .expect("valid");
    let response = from_wire(wire, "m", None);
    assert_eq!(response.text(), "I can't help.");
    assert_eq!(response.stop_reason, StopReason::Refusal);
}

#[test]
fn finish_reasons_mapped() {
    assert_eq!(stop_reason("length"), StopReason::MaxTokens);
    assert_eq!(stop_reason("content_filter"), StopReason::ContentFiltered);
    assert_eq!(stop_reason("tool_calls"), StopReason::ToolUse);
    assert_eq!(stop_reason(""), StopReason::Other(String::new()));
}
