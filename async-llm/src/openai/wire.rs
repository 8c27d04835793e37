//! The Chat Completions wire format and its pure mapping to and from the neutral types.
//!
//! Responses are read tolerantly, because OpenAI-compatible servers (vLLM, Ollama,
//! gateways) omit fields OpenAI always sends, add their own, and invent finish reasons
//! (`""`, `eos_token`). So every field not needed is ignored, every field read is
//! optional, and unknown enum values are kept as text.

use serde::{Deserialize, Serialize};

use super::{OPERATION, PROVIDER};
use crate::{
    CompletionRequest, CompletionResponse, ContentPart, Error, OutputSchema, ProviderContext, Role,
    StopReason, Usage,
};

/// Chat Completions accepts temperatures from 0.0 to 2.0.
const MAX_TEMPERATURE: f32 = 2.0;

/// Chat Completions accepts at most four stop sequences.
const MAX_STOP_SEQUENCES: usize = 4;

/// The request field that carries the output cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenLimitField {
    /// `max_completion_tokens`, which OpenAI's reasoning models require.
    MaxCompletionTokens,
    /// The older `max_tokens`, which some compatible servers still expect.
    MaxTokens,
}

/// The request body of `POST /chat/completions`.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct WireRequest<'a> {
    model: &'a str,
    messages: Vec<WireMessage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_completion_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stop: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<ResponseFormat<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
}

/// A message with its text parts joined into one string, the content form every
/// compatible server accepts.
#[derive(Debug, Serialize, PartialEq)]
struct WireMessage {
    role: &'static str,
    content: String,
}

#[derive(Debug, Serialize, PartialEq)]
struct ResponseFormat<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    json_schema: JsonSchemaFormat<'a>,
}

#[derive(Debug, Serialize, PartialEq)]
struct JsonSchemaFormat<'a> {
    name: &'a str,
    schema: &'a serde_json::Value,
    strict: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

/// `include_usage` makes OpenAI send one last chunk with empty `choices` and the whole
/// request's usage before `[DONE]`.
#[derive(Debug, Serialize, PartialEq)]
struct StreamOptions {
    include_usage: bool,
}

/// Maps a neutral request to the Chat Completions body for `model`.
///
/// The system prompt becomes a `system` message, which every compatible server
/// understands. `metadata["user_id"]` is sent as `user`; other metadata stays local.
/// Prompt-cache markers are dropped, because OpenAI caches long prefixes on its own.
///
/// # Errors
///
/// Returns [`Error::InvalidRequest`] when the request has no messages, its temperature is
/// outside 0.0..=2.0, it has more than four stop sequences, or its schema name is not
/// 1 to 64 characters of `a-z`, `A-Z`, `0-9`, `_` and `-`.
pub(crate) fn to_wire<'a>(
    model: &'a str,
    request: &'a CompletionRequest,
    limit: TokenLimitField,
    stream: bool,
) -> Result<WireRequest<'a>, Error> {
    validate(request)?;

    let system = request.system.as_deref().map(|text| WireMessage {
        role: "system",
        content: text.to_owned(),
    });
    let messages = system
        .into_iter()
        .chain(request.messages.iter().map(to_wire_message))
        .collect();
    let (max_completion_tokens, max_tokens) = match limit {
        TokenLimitField::MaxCompletionTokens => (Some(request.max_output_tokens), None),
        TokenLimitField::MaxTokens => (None, Some(request.max_output_tokens)),
    };

    Ok(WireRequest {
        model,
        messages,
        max_completion_tokens,
        max_tokens,
        temperature: request.temperature,
        stop: request.stop_sequences.iter().map(String::as_str).collect(),
        user: request.metadata.get("user_id").map(String::as_str),
        response_format: request.output_schema.as_ref().map(to_response_format),
        stream,
        stream_options: stream.then_some(StreamOptions {
            include_usage: true,
        }),
    })
}

fn validate(request: &CompletionRequest) -> Result<(), Error> {
    if request.messages.is_empty() {
        return Err(invalid(
            "the request has no messages; add at least one user message",
        ));
    }
    if let Some(temperature) = request.temperature
        && !(0.0..=MAX_TEMPERATURE).contains(&temperature)
    {
        return Err(invalid(
            "temperature must be between 0.0 and 2.0 for OpenAI",
        ));
    }
    if request.stop_sequences.len() > MAX_STOP_SEQUENCES {
        return Err(invalid(
            "OpenAI accepts at most 4 stop sequences; remove some",
        ));
    }
    if let Some(schema) = &request.output_schema
        && !is_valid_schema_name(&schema.name)
    {
        return Err(invalid(
            "the output schema name must be 1 to 64 characters of a-z, A-Z, 0-9, _ and -",
        ));
    }
    Ok(())
}

fn is_valid_schema_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn to_response_format(schema: &OutputSchema) -> ResponseFormat<'_> {
    ResponseFormat {
        kind: "json_schema",
        json_schema: JsonSchemaFormat {
            name: &schema.name,
            schema: &schema.schema,
            strict: schema.strict,
            description: schema.description.as_deref(),
        },
    }
}

fn to_wire_message(message: &crate::Message) -> WireMessage {
    let role = match message.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    let content = message
        .content
        .iter()
        .filter_map(ContentPart::as_text)
        .collect();
    WireMessage { role, content }
}

fn invalid(message: &str) -> Error {
    let context = ProviderContext::new(PROVIDER, OPERATION)
        .with_provider_error(None, Some(message.to_owned()));
    Error::InvalidRequest {
        context: Box::new(context),
    }
}

/// The body of a successful completion, read tolerantly.
#[derive(Debug, Deserialize)]
pub(crate) struct WireResponse {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<WireChoice>,
    usage: Option<WireUsage>,
}

#[derive(Debug, Deserialize)]
struct WireChoice {
    message: Option<WireAnswer>,
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireAnswer {
    content: Option<String>,
    refusal: Option<String>,
}

/// Token counts; every field is optional because compatible servers send `usage: {}`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    prompt_tokens_details: Option<PromptDetails>,
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Debug, Default, Deserialize)]
struct PromptDetails {
    cached_tokens: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct CompletionDetails {
    reasoning_tokens: Option<u64>,
}

/// Maps a decoded completion to the neutral response. A refusal is returned as the
/// answer's text with [`StopReason::Refusal`].
pub(crate) fn from_wire(
    wire: WireResponse,
    requested_model: &str,
    request_id: Option<String>,
) -> CompletionResponse {
    let choice = wire.choices.into_iter().next();
    let finish = choice.as_ref().and_then(|c| c.finish_reason.clone());
    let answer = choice.and_then(|c| c.message);

    let (text, refused) = match answer {
        Some(WireAnswer {
            content: Some(text),
            ..
        }) if !text.is_empty() => (text, false),
        Some(WireAnswer {
            refusal: Some(refusal),
            ..
        }) => (refusal, true),
        _ => (String::new(), false),
    };
    let stop_reason = if refused {
        StopReason::Refusal
    } else {
        finish
            .as_deref()
            .map_or_else(|| StopReason::Other(String::new()), stop_reason)
    };
    let content = if text.is_empty() {
        Vec::new()
    } else {
        vec![ContentPart::Text(text)]
    };
    let model = wire.model.unwrap_or_else(|| requested_model.to_owned());

    CompletionResponse::new(content, stop_reason, model)
        .with_usage(wire.usage.map(to_usage).unwrap_or_default())
        .with_request_id(request_id)
}

/// OpenAI's `prompt_tokens` includes the cached tokens, so the uncached input is the
/// difference.
pub(crate) fn to_usage(wire: WireUsage) -> Usage {
    let cached = wire
        .prompt_tokens_details
        .and_then(|details| details.cached_tokens);
    let mut usage = Usage::new();
    usage.uncached_input_tokens = wire
        .prompt_tokens
        .map(|prompt| prompt.saturating_sub(cached.unwrap_or(0)));
    usage.cache_read_tokens = cached;
    usage.output_tokens = wire.completion_tokens;
    usage.reasoning_tokens = wire
        .completion_tokens_details
        .and_then(|details| details.reasoning_tokens);
    usage
}

/// Maps `finish_reason`, keeping values this crate does not know.
pub(crate) fn stop_reason(value: &str) -> StopReason {
    match value {
        "stop" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        "tool_calls" | "function_call" => StopReason::ToolUse,
        "content_filter" => StopReason::ContentFiltered,
        other => StopReason::Other(other.to_owned()),
    }
}

#[cfg(test)]
mod tests;
