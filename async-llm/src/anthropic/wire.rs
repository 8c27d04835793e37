//! The Messages API wire format and its pure mapping to and from the neutral types.

use serde::{Deserialize, Serialize};

use crate::{
    CompletionRequest, CompletionResponse, ContentPart, Error, ProviderContext, Role, StopReason,
    Usage,
};

/// The Messages API accepts temperatures from 0.0 to 1.0.
const MAX_TEMPERATURE: f32 = 1.0;

/// The request body of `POST /v1/messages`.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct WireRequest<'a> {
    model: &'a str,
    max_tokens: u32,
    messages: Vec<WireMessage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<WireSystem<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stop_sequences: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<WireMetadata<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_config: Option<WireOutputConfig<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
}

/// The system prompt: a plain string, or one text block when it carries a cache marker.
#[derive(Debug, Serialize, PartialEq)]
#[serde(untagged)]
enum WireSystem<'a> {
    Text(&'a str),
    Blocks([WireInputBlock<'a>; 1]),
}

#[derive(Debug, Serialize, PartialEq)]
struct WireMessage<'a> {
    role: &'static str,
    content: Vec<WireInputBlock<'a>>,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WireInputBlock<'a> {
    Text {
        text: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        cache_control: Option<CacheControl>,
    },
}

/// A prompt-cache breakpoint: the prompt up to and including the marked block is cached
/// for the default five minutes.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
struct CacheControl {
    #[serde(rename = "type")]
    kind: &'static str,
}

const EPHEMERAL: CacheControl = CacheControl { kind: "ephemeral" };

/// Structured output: `output_config: {format: {type: "json_schema", schema}}`.
#[derive(Debug, Serialize, PartialEq)]
struct WireOutputConfig<'a> {
    format: WireFormat<'a>,
}

#[derive(Debug, Serialize, PartialEq)]
struct WireFormat<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema: &'a serde_json::Value,
}

#[derive(Debug, Serialize, PartialEq)]
struct WireMetadata<'a> {
    user_id: &'a str,
}

/// Maps a neutral request to the Messages API body for `model`, streamed or not.
///
/// Only `metadata["user_id"]` is sent, because it is the only metadata field the API
/// accepts; the attached facts are never sent.
///
/// # Errors
///
/// Returns [`Error::InvalidRequest`] when the request has no messages, its temperature
/// is outside 0.0..=1.0, or it sets more cache breakpoints than the API accepts.
pub(crate) fn to_wire<'a>(
    model: &'a str,
    request: &'a CompletionRequest,
    stream: bool,
) -> Result<WireRequest<'a>, Error> {
    if request.messages.is_empty() {
        return Err(invalid(
            "the request has no messages; add at least one user message",
        ));
    }
    if let Some(temperature) = request.temperature
        && !(0.0..=MAX_TEMPERATURE).contains(&temperature)
    {
        return Err(invalid(
            "temperature must be between 0.0 and 1.0 for Anthropic",
        ));
    }

    let breakpoints = request
        .messages
        .iter()
        .filter(|message| message.cache_breakpoint)
        .count()
        + usize::from(request.cache_system && request.system.is_some());
    if breakpoints > MAX_CACHE_BREAKPOINTS {
        return Err(invalid(
            "Anthropic accepts at most 4 cache breakpoints per request; mark fewer messages",
        ));
    }

    let messages = request.messages.iter().map(to_wire_message).collect();
    let metadata = request
        .metadata
        .get("user_id")
        .map(|user_id| WireMetadata { user_id });
    let output_config = request
        .output_schema
        .as_ref()
        .map(|schema| WireOutputConfig {
            format: WireFormat {
                kind: "json_schema",
                schema: &schema.schema,
            },
        });

    Ok(WireRequest {
        model,
        max_tokens: request.max_output_tokens,
        messages,
        system: request
            .system
            .as_deref()
            .map(|text| to_wire_system(text, request.cache_system)),
        temperature: request.temperature,
        stop_sequences: request.stop_sequences.iter().map(String::as_str).collect(),
        metadata,
        output_config,
        stream,
    })
}

/// Anthropic rejects a request with more than four `cache_control` markers.
const MAX_CACHE_BREAKPOINTS: usize = 4;

fn to_wire_system(text: &str, cached: bool) -> WireSystem<'_> {
    if !cached {
        return WireSystem::Text(text);
    }
    WireSystem::Blocks([WireInputBlock::Text {
        text,
        cache_control: Some(EPHEMERAL),
    }])
}

fn to_wire_message(message: &crate::Message) -> WireMessage<'_> {
    let role = match message.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    let mut content: Vec<WireInputBlock<'_>> = message
        .content
        .iter()
        .map(|part| match part {
            ContentPart::Text(text) => WireInputBlock::Text {
                text,
                cache_control: None,
            },
        })
        .collect();
    if message.cache_breakpoint
        && let Some(WireInputBlock::Text { cache_control, .. }) = content.last_mut()
    {
        *cache_control = Some(EPHEMERAL);
    }
    WireMessage { role, content }
}

fn invalid(message: &str) -> Error {
    let context = ProviderContext::new(super::PROVIDER, super::OPERATION)
        .with_provider_error(None, Some(message.to_owned()));
    Error::InvalidRequest {
        context: Box::new(context),
    }
}

/// The response body of a successful `POST /v1/messages`.
#[derive(Debug, Deserialize)]
pub(crate) struct WireResponse {
    model: String,
    #[serde(default)]
    content: Vec<WireOutputBlock>,
    stop_reason: Option<String>,
    stop_sequence: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

/// An output block. Tool and thinking blocks only appear when a request enables tools or
/// thinking, which neutral requests cannot yet, so they are skipped.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WireOutputBlock {
    Text {
        text: String,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
}

/// Maps a decoded Messages API response to the neutral response.
pub(crate) fn from_wire(wire: WireResponse, request_id: Option<String>) -> CompletionResponse {
    let content = wire
        .content
        .into_iter()
        .filter_map(|block| match block {
            WireOutputBlock::Text { text } => Some(ContentPart::Text(text)),
            WireOutputBlock::Other => None,
        })
        .collect();
    let usage = wire.usage.map(to_usage).unwrap_or_default();
    let stop_reason = wire
        .stop_reason
        .as_deref()
        .map_or_else(|| StopReason::Other(String::new()), stop_reason);

    let mut response = CompletionResponse::new(content, stop_reason, wire.model)
        .with_usage(usage)
        .with_request_id(request_id);
    response.stop_sequence = wire.stop_sequence;
    response
}

/// Anthropic's `input_tokens` already excludes cache reads and writes, so it is the
/// uncached input as it stands.
pub(crate) fn to_usage(wire: WireUsage) -> Usage {
    let mut usage = Usage::new();
    usage.uncached_input_tokens = wire.input_tokens;
    usage.output_tokens = wire.output_tokens;
    usage.cache_read_tokens = wire.cache_read_input_tokens;
    usage.cache_write_tokens = wire.cache_creation_input_tokens;
    usage
}

/// Maps the API's `stop_reason` to [`StopReason`], keeping unknown values.
pub(crate) fn stop_reason(value: &str) -> StopReason {
    match value {
        "end_turn" => StopReason::EndTurn,
        "max_tokens" => StopReason::MaxTokens,
        "stop_sequence" => StopReason::StopSequence,
        "tool_use" => StopReason::ToolUse,
        "refusal" => StopReason::Refusal,
        "pause_turn" => StopReason::PauseTurn,
        "model_context_window_exceeded" => StopReason::ContextWindowExceeded,
        other => StopReason::Other(other.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::{FactSheet, Message};

    #[derive(Debug)]
    struct Secret;

    impl FactSheet for Secret {
        fn render_markdown(&self) -> String {
            "never sent".to_owned()
        }
    }

    #[test]
    fn request_maps_every_field() {
        let request = CompletionRequest::new(
            vec![Message::user("facts"), Message::assistant("## Dana")],
            512,
        )
        .with_system("Use only the facts.")
        .with_temperature(0.25)
        .with_stop_sequence("END")
        .with_metadata("user_id", "tenant-7")
        .with_metadata("trace", "local only")
        .with_facts(Arc::new(Secret));

        let wire = to_wire("claude-test", &request, false).expect("valid request");
        let body = serde_json::to_value(&wire).expect("serializable");

        assert_eq!(
            body,
            json!({
                "model": "claude-test",
                "max_tokens": 512,
                "messages": [
                    {"role": "user", "content": [{"type": "text", "text": "facts"}]},
                    {"role": "assistant", "content": [{"type": "text", "text": "## Dana"}]}
                ],
                "system": "Use only the facts.",
                "temperature": 0.25,
                "stop_sequences": ["END"],
                "metadata": {"user_id": "tenant-7"}
            })
        );
    }

    #[test]
    fn request_maps_cache_schema_and_stream() {
        let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let request = CompletionRequest::new(
            vec![
                Message::user("long shared facts").with_cache_breakpoint(),
                Message::user("question"),
            ],
            64,
        )
        .with_system("Use only the facts.")
        .with_cached_system()
        .with_output_schema(crate::OutputSchema::new("answer", schema.clone()));

        let body =
            serde_json::to_value(to_wire("m", &request, true).expect("valid")).expect("json");
        assert_eq!(
            body["system"],
            json!([{"type": "text", "text": "Use only the facts.", "cache_control": {"type": "ephemeral"}}])
        );
        assert_eq!(
            body["messages"][0]["content"][0]["cache_control"],
            json!({"type": "ephemeral"})
        );
        assert!(
            body["messages"][1]["content"][0]
                .get("cache_control")
                .is_none()
        );
        assert_eq!(
            body["output_config"],
            json!({"format": {"type": "json_schema", "schema": schema}})
        );
        assert_eq!(body["stream"], json!(true));
    }

    #[test]
    fn request_rejects_five_breakpoints() {
        let messages = (0..5)
            .map(|i| Message::user(format!("m{i}")).with_cache_breakpoint())
            .collect();
        let request = CompletionRequest::new(messages, 16);
        assert!(matches!(
            to_wire("m", &request, false),
            Err(Error::InvalidRequest { .. })
        ));
    }

    #[test]
    fn request_omits_unset_fields() {
        let request = CompletionRequest::new(vec![Message::user("hi")], 16);
        let body =
            serde_json::to_value(to_wire("m", &request, false).expect("valid")).expect("json");
        assert_eq!(
            body,
            json!({
                "model": "m",
                "max_tokens": 16,
                "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
            })
        );
    }

    #[test]
    fn request_rejects_bad_temperature() {
        let request = CompletionRequest::new(vec![Message::user("hi")], 16).with_temperature(1.5);
        let error = to_wire("m", &request, false).expect_err("out of range");
        assert!(matches!(error, Error::InvalidRequest { .. }));

        let request =
            CompletionRequest::new(vec![Message::user("hi")], 16).with_temperature(f32::NAN);
        assert!(to_wire("m", &request, false).is_err());
    }

    #[test]
    fn request_rejects_no_messages() {
        let request = CompletionRequest::new(Vec::new(), 16);
        assert!(matches!(
            to_wire("m", &request, false),
            Err(Error::InvalidRequest { .. })
        ));
    }

    #[test]
    fn response_maps_text_usage_and_stop() {
        let wire: WireResponse = serde_json::from_value(json!({
            "id": "msg_01",
            "type": "message",
            "role": "assistant",
            "model": "claude-test",
            "content": [
                {"type": "thinking", "thinking": "…", "signature": "x"},
                {"type": "text", "text": "Hello"},
                {"type": "text", "text": " there"}
            ],
            "stop_reason": "stop_sequence",
            "stop_sequence": "END",
            "usage": {
                "input_tokens": 12,
                "output_tokens": 3,
                "cache_read_input_tokens": null,
                "cache_creation_input_tokens": 0
            }
        }))
        .expect("valid response");

        let response = from_wire(wire, Some("req_9".to_owned()));
        assert_eq!(response.text(), "Hello there");
        assert_eq!(response.stop_reason, StopReason::StopSequence);
        assert_eq!(response.stop_sequence.as_deref(), Some("END"));
        assert_eq!(response.usage.uncached_input_tokens, Some(12));
        assert_eq!(response.usage.output_tokens, Some(3));
        assert_eq!(response.usage.cache_read_tokens, None);
        assert_eq!(response.usage.cache_write_tokens, Some(0));
        assert_eq!(response.request_id.as_deref(), Some("req_9"));
    }

    #[test]
    fn stop_reason_keeps_unknown_values() {
        assert_eq!(stop_reason("end_turn"), StopReason::EndTurn);
        assert_eq!(stop_reason("refusal"), StopReason::Refusal);
        assert_eq!(
            stop_reason("model_context_window_exceeded"),
            StopReason::ContextWindowExceeded
        );
        assert_eq!(
            stop_reason("brand_new"),
            StopReason::Other("brand_new".to_owned())
        );
    }

    #[test]
    fn response_tolerates_empty_content() {
        let wire: WireResponse = serde_json::from_value(json!({
            "model": "claude-test",
            "content": [],
            "stop_reason": "max_tokens",
            "stop_sequence": null,
            "usage": {"input_tokens": 5, "output_tokens": 16}
        }))
        .expect("valid response");
        let response = from_wire(wire, None);
        assert!(response.content.is_empty());
        assert_eq!(response.stop_reason, StopReason::MaxTokens);
    }
}
