//! The file format of one recorded exchange and the request hash that names it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Scrubber;
use super::failure::RecordedError;
use crate::middleware::stop_codes::{stop_reason_code, stop_reason_from_code};
use crate::{
    CompletionRequest, CompletionResponse, ContentPart, Error, Message, ModelInfo, Role, Usage,
};

/// The version of the file format; a file with another version is not replayed.
pub(crate) const FORMAT: u32 = 1;

/// One recorded request and its response, scrubbed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Exchange {
    pub(crate) format: u32,
    pub(crate) request_hash: String,
    pub(crate) provider: String,
    pub(crate) model: String,
    pub(crate) request: RecordedRequest,
    /// The response, when the call succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) response: Option<RecordedResponse>,
    /// The classified error, when the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<RecordedError>,
}

/// The parts of a request that reach a provider, scrubbed; the attached fact sheet never
/// reaches one, so it is neither recorded nor hashed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RecordedRequest {
    system: Option<String>,
    messages: Vec<RecordedMessage>,
    max_output_tokens: u32,
    temperature: Option<f32>,
    stop_sequences: Vec<String>,
    metadata: BTreeMap<String, String>,
    // Optional fields are left out when unset, so adding another one later keeps the
    // hashes of existing recordings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output_schema: Option<RecordedSchema>,
    #[serde(default, skip_serializing_if = "is_false")]
    cache_system: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RecordedMessage {
    role: String,
    text: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    cache_breakpoint: bool,
}

/// The output schema as sent; schemas describe shapes, not people, so they are kept
/// as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RecordedSchema {
    name: String,
    schema: serde_json::Value,
    strict: bool,
    description: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RecordedResponse {
    text: Vec<String>,
    stop_reason: String,
    stop_sequence: Option<String>,
    usage: RecordedUsage,
    model: String,
    request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct RecordedUsage {
    uncached_input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    reasoning_tokens: Option<u64>,
    cache_read_tokens: Option<u64>,
    cache_write_tokens: Option<u64>,
}

impl RecordedRequest {
    /// Copies the sent parts of `request`, scrubbed.
    pub(crate) fn new(request: &CompletionRequest, scrubber: &Scrubber) -> Self {
        Self {
            system: request.system.as_deref().map(|text| scrubber.scrub(text)),
            messages: request
                .messages
                .iter()
                .map(|message| RecordedMessage::new(message, scrubber))
                .collect(),
            max_output_tokens: request.max_output_tokens,
            temperature: request.temperature,
            stop_sequences: request
                .stop_sequences
                .iter()
                .map(|stop| scrubber.scrub(stop))
                .collect(),
            metadata: request
                .metadata
                .iter()
                .map(|(key, value)| (key.clone(), scrubber.scrub(value)))
                .collect(),
            output_schema: request.output_schema.as_ref().map(|schema| RecordedSchema {
                name: schema.name.clone(),
                schema: schema.schema.clone(),
                strict: schema.strict,
                description: schema.description.clone(),
            }),
            cache_system: request.cache_system,
        }
    }

    /// Returns the SHA-256 of the request's canonical JSON, in lowercase hex.
    ///
    /// The JSON is stable: struct fields keep their declared order and metadata is a
    /// sorted map. Hashing the scrubbed request keeps raw secrets out of the hash too.
    pub(crate) fn hash(&self) -> String {
        // Serializing plain strings, numbers and maps cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        let digest = Sha256::new()
            .chain_update(FORMAT.to_be_bytes())
            .chain_update(&json)
            .finalize();
        digest.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

impl RecordedMessage {
    fn new(message: &Message, scrubber: &Scrubber) -> Self {
        let role = match message.role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        // NOTE: only text parts are recorded; the crate has no other part kind yet.
        let text = message
            .content
            .iter()
            .filter_map(ContentPart::as_text)
            .map(|text| scrubber.scrub(text))
            .collect();
        Self {
            role: role.to_owned(),
            text,
            cache_breakpoint: message.cache_breakpoint,
        }
    }
}

impl RecordedResponse {
    /// Copies `response`, scrubbed.
    pub(crate) fn new(response: &CompletionResponse, scrubber: &Scrubber) -> Self {
        let usage = &response.usage;
        Self {
            text: response
                .content
                .iter()
                .filter_map(ContentPart::as_text)
                .map(|text| scrubber.scrub(text))
                .collect(),
            stop_reason: stop_reason_code(&response.stop_reason),
            stop_sequence: response.stop_sequence.as_deref().map(|s| scrubber.scrub(s)),
            usage: RecordedUsage {
                uncached_input_tokens: usage.uncached_input_tokens,
                output_tokens: usage.output_tokens,
                reasoning_tokens: usage.reasoning_tokens,
                cache_read_tokens: usage.cache_read_tokens,
                cache_write_tokens: usage.cache_write_tokens,
            },
            model: response.model.clone(),
            request_id: response.request_id.clone(),
        }
    }

    /// Rebuilds the response.
    pub(crate) fn to_response(&self) -> CompletionResponse {
        let content = self.text.iter().cloned().map(ContentPart::Text).collect();
        let usage = Usage {
            uncached_input_tokens: self.usage.uncached_input_tokens,
            output_tokens: self.usage.output_tokens,
            reasoning_tokens: self.usage.reasoning_tokens,
            cache_read_tokens: self.usage.cache_read_tokens,
            cache_write_tokens: self.usage.cache_write_tokens,
        };
        let mut response = CompletionResponse::new(
            content,
            stop_reason_from_code(&self.stop_reason),
            self.model.clone(),
        )
        .with_usage(usage)
        .with_request_id(self.request_id.clone());
        response.stop_sequence = self.stop_sequence.clone();
        response
    }
}

impl Exchange {
    /// Records a successful call.
    pub(crate) fn success(
        model: &ModelInfo,
        request: RecordedRequest,
        response: RecordedResponse,
    ) -> Self {
        Self::new(model, request, Some(response), None)
    }

    /// Records a failed call.
    pub(crate) fn failure(
        model: &ModelInfo,
        request: RecordedRequest,
        error: RecordedError,
    ) -> Self {
        Self::new(model, request, None, Some(error))
    }

    fn new(
        model: &ModelInfo,
        request: RecordedRequest,
        response: Option<RecordedResponse>,
        error: Option<RecordedError>,
    ) -> Self {
        Self {
            format: FORMAT,
            request_hash: request.hash(),
            provider: model.provider.clone(),
            model: model.model.clone(),
            request,
            response,
            error,
        }
    }

    /// Returns the recorded outcome: the response, the rebuilt error, or `None` when the
    /// file holds neither or an error class this version does not know.
    pub(crate) fn outcome(&self) -> Option<Result<CompletionResponse, Error>> {
        if let Some(response) = &self.response {
            return Some(Ok(response.to_response()));
        }
        let error = self.error.as_ref()?.to_error(&self.provider)?;
        Some(Err(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_sensitive() {
        let scrubber = Scrubber::new();
        let request = CompletionRequest::new(vec![Message::user("a")], 10)
            .with_metadata("b", "1")
            .with_metadata("a", "2");
        let hash = RecordedRequest::new(&request, &scrubber).hash();
        assert_eq!(hash.len(), 64);
        assert_eq!(
            RecordedRequest::new(&request.clone(), &scrubber).hash(),
            hash
        );

        let changed = request.clone().with_temperature(0.5);
        assert_ne!(RecordedRequest::new(&changed, &scrubber).hash(), hash);

        let schema = crate::OutputSchema::new("answer", serde_json::json!({"type": "object"}));
        let structured = request.with_output_schema(schema);
        assert_ne!(RecordedRequest::new(&structured, &scrubber).hash(), hash);
    }
}
