//! The `generateContent` wire format and its pure mapping to and from the neutral types.

use serde::{Deserialize, Serialize};

use super::{OPERATION, PROVIDER};
use crate::{
    CompletionRequest, CompletionResponse, ContentPart, Error, ProviderContext, Role, StopReason,
    Usage,
};

/// Gemini accepts temperatures from 0.0 to 2.0.
const MAX_TEMPERATURE: f32 = 2.0;

/// Gemini accepts at most five stop sequences.
const MAX_STOP_SEQUENCES: usize = 5;

/// The request body of `generateContent` and `streamGenerateContent`.
#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireRequest<'a> {
    contents: Vec<WireContent<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    system_instruction: Option<WireContent<'a>>,
    generation_config: GenerationConfig<'a>,
}

#[derive(Debug, Serialize, PartialEq)]
struct WireContent<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    parts: Vec<WirePart<'a>>,
}

#[derive(Debug, Serialize, PartialEq)]
struct WirePart<'a> {
    text: &'a str,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct GenerationConfig<'a> {
    max_output_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stop_sequences: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_mime_type: Option<&'static str>,
    // NOTE: `responseJsonSchema` takes standard JSON Schema; models that only accept the
    // older OpenAPI-subset `responseSchema` will reject it with a 400.
    #[serde(skip_serializing_if = "Option::is_none")]
    response_json_schema: Option<&'a serde_json::Value>,
}

/// Maps a neutral request to the `generateContent` body.
///
/// The system prompt becomes `systemInstruction`; assistant turns take Gemini's `model`
/// role. Metadata and prompt-cache markers are not sent, because the API has no field for
/// them (Gemini caches implicitly).
///
/// # Errors
///
/// Returns [`Error::InvalidRequest`] when the request has no messages, its temperature is
/// outside 0.0..=2.0 or it has more than five stop sequences.
pub(crate) fn to_wire(request: &CompletionRequest) -> Result<WireRequest<'_>, Error> {
    if request.messages.is_empty() {
        return Err(invalid(
            "the request has no messages; add at least one user message",
        ));
    }
    if let Some(temperature) = request.temperature
        && !(0.0..=MAX_TEMPERATURE).contains(&temperature)
    {
        return Err(invalid(
            "temperature must be between 0.0 and 2.0 for Gemini",
        ));
    }
    if request.stop_sequences.len() > MAX_STOP_SEQUENCES {
        return Err(invalid(
            "Gemini accepts at most 5 stop sequences; remove some",
        ));
    }

    let contents = request.messages.iter().map(to_wire_content).collect();
    let system_instruction = request.system.as_deref().map(|text| WireContent {
        role: None,
        parts: vec![WirePart { text }],
    });
    let schema = request.output_schema.as_ref().map(|schema| &schema.schema);
    let generation_config = GenerationConfig {
        max_output_tokens: request.max_output_tokens,
        temperature: request.temperature,
        stop_sequences: request.stop_sequences.iter().map(String::as_str).collect(),
        response_mime_type: schema.map(|_| "application/json"),
        response_json_schema: schema,
    };
    Ok(WireRequest {
        contents,
        system_instruction,
        generation_config,
    })
}

fn to_wire_content(message: &crate::Message) -> WireContent<'_> {
    let role = match message.role {
        Role::User => "user",
        Role::Assistant => "model",
    };
    let parts = message
        .content
        .iter()
        .filter_map(ContentPart::as_text)
        .map(|text| WirePart { text })
        .collect();
    WireContent {
        role: Some(role),
        parts,
    }
}

fn invalid(message: &str) -> Error {
    let context = ProviderContext::new(PROVIDER, OPERATION)
        .with_provider_error(None, Some(message.to_owned()));
    Error::InvalidRequest {
        context: Box::new(context),
    }
}

/// A `GenerateContentResponse`, whole or one streamed chunk; every field is optional
/// because Gemini omits empty ones (a zero count, the content of a blocked candidate).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireResponse {
    #[serde(default)]
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) prompt_feedback: Option<PromptFeedback>,
    pub(crate) usage_metadata: Option<UsageMetadata>,
    pub(crate) model_version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Candidate {
    content: Option<CandidateContent>,
    pub(crate) finish_reason: Option<String>,
    #[serde(default)]
    safety_ratings: Vec<SafetyRating>,
}

#[derive(Debug, Deserialize)]
struct CandidateContent {
    #[serde(default)]
    parts: Vec<OutputPart>,
}

#[derive(Debug, Deserialize)]
struct OutputPart {
    text: Option<String>,
    #[serde(default)]
    thought: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PromptFeedback {
    block_reason: Option<String>,
    #[serde(default)]
    safety_ratings: Vec<SafetyRating>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SafetyRating {
    category: Option<String>,
    probability: Option<String>,
    #[serde(default)]
    blocked: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UsageMetadata {
    prompt_token_count: Option<u64>,
    candidates_token_count: Option<u64>,
    cached_content_token_count: Option<u64>,
    thoughts_token_count: Option<u64>,
}

impl Candidate {
    /// Returns the answer's text, leaving out thought summaries.
    pub(crate) fn text(&self) -> String {
        self.content
            .iter()
            .flat_map(|content| &content.parts)
            .filter(|part| !part.thought)
            .filter_map(|part| part.text.as_deref())
            .collect()
    }
}

/// Maps a decoded response to the neutral response.
///
/// # Errors
///
/// Returns [`Error::ContentFiltered`] when the prompt was blocked
/// (`promptFeedback.blockReason`), or when the answer stopped for its content with no
/// text; the error message names the safety categories that were rated high.
pub(crate) fn from_wire(
    wire: WireResponse,
    requested_model: &str,
    request_id: Option<String>,
) -> Result<CompletionResponse, Error> {
    if let Some(error) = blocked_prompt(&wire, request_id.as_deref()) {
        return Err(error);
    }
    let candidate = wire.candidates.first();
    let text = candidate.map(Candidate::text).unwrap_or_default();
    let finish = candidate.and_then(|candidate| candidate.finish_reason.as_deref());
    let stop_reason = finish.map_or_else(|| StopReason::Other(String::new()), stop_reason);

    if text.is_empty()
        && stop_reason == StopReason::ContentFiltered
        && let Some(candidate) = candidate
    {
        let reason = finish.unwrap_or_default();
        return Err(filtered(
            reason,
            &candidate.safety_ratings,
            request_id.as_deref(),
        ));
    }
    let content = if text.is_empty() {
        Vec::new()
    } else {
        vec![ContentPart::Text(text)]
    };
    let model = wire
        .model_version
        .unwrap_or_else(|| requested_model.to_owned());
    Ok(CompletionResponse::new(content, stop_reason, model)
        .with_usage(wire.usage_metadata.map(to_usage).unwrap_or_default())
        .with_request_id(request_id))
}

/// Returns the error of a prompt Gemini blocked before answering.
pub(crate) fn blocked_prompt(wire: &WireResponse, request_id: Option<&str>) -> Option<Error> {
    let feedback = wire.prompt_feedback.as_ref()?;
    let reason = feedback.block_reason.as_deref()?;
    Some(filtered(reason, &feedback.safety_ratings, request_id))
}

/// Builds [`Error::ContentFiltered`] naming the categories rated as blocking or high.
pub(crate) fn filtered(reason: &str, ratings: &[SafetyRating], request_id: Option<&str>) -> Error {
    let flagged: Vec<String> = ratings
        .iter()
        .filter(|rating| rating.blocked || rating.probability.as_deref() == Some("HIGH"))
        .map(|rating| {
            let category = rating.category.as_deref().unwrap_or("unknown category");
            let probability = rating.probability.as_deref().unwrap_or("unrated");
            format!("{category} {probability}")
        })
        .collect();
    let message = (!flagged.is_empty()).then(|| format!("safety ratings: {}", flagged.join(", ")));
    let context = ProviderContext::new(PROVIDER, OPERATION)
        .with_status(200)
        .with_request_id(request_id.map(str::to_owned))
        .with_provider_error(Some(reason.to_owned()), message);
    Error::ContentFiltered {
        context: Box::new(context),
        reason: reason.to_owned(),
    }
}

/// Gemini's `promptTokenCount` includes the cached tokens, and `candidatesTokenCount`
/// excludes the thinking tokens, which are billed as output, so both are adjusted.
pub(crate) fn to_usage(wire: UsageMetadata) -> Usage {
    let cached = wire.cached_content_token_count;
    let mut usage = Usage::new();
    usage.uncached_input_tokens = wire
        .prompt_token_count
        .map(|prompt| prompt.saturating_sub(cached.unwrap_or(0)));
    usage.cache_read_tokens = cached;
    usage.output_tokens = match (wire.candidates_token_count, wire.thoughts_token_count) {
        (None, None) => None,
        (answer, thoughts) => Some(answer.unwrap_or(0) + thoughts.unwrap_or(0)),
    };
    usage.reasoning_tokens = wire.thoughts_token_count;
    usage
}

/// Maps `finishReason`, keeping values this crate does not know.
pub(crate) fn stop_reason(value: &str) -> StopReason {
    match value {
        "STOP" => StopReason::EndTurn,
        "MAX_TOKENS" => StopReason::MaxTokens,
        "SAFETY"
        | "RECITATION"
        | "BLOCKLIST"
        | "PROHIBITED_CONTENT"
        | "SPII"
        | "IMAGE_SAFETY"
        | "IMAGE_PROHIBITED_CONTENT"
        | "IMAGE_RECITATION" => StopReason::ContentFiltered,
        other => StopReason::Other(other.to_owned()),
    }
}

#[cfg(test)]
mod tests;
