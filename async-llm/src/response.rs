//! Provider-neutral completion responses.

use std::fmt;

use crate::ContentPart;

/// The reason the model stopped writing.
///
/// Providers add reasons over time, so unknown values are kept in [`StopReason::Other`]
/// instead of failing the response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopReason {
    /// The model finished its answer.
    EndTurn,
    /// The output reached the request's `max_output_tokens`.
    MaxTokens,
    /// The model wrote one of the request's stop sequences.
    StopSequence,
    /// The model wants to call a tool.
    ToolUse,
    /// The model declined to answer.
    Refusal,
    /// A long server-side turn paused; sending the conversation again continues it.
    PauseTurn,
    /// The conversation filled the model's context window.
    ContextWindowExceeded,
    /// The offline model rendered the facts itself.
    Rendered,
    /// A reason this crate does not know, as the provider sent it.
    Other(String),
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            StopReason::EndTurn => "end of turn",
            StopReason::MaxTokens => "max tokens",
            StopReason::StopSequence => "stop sequence",
            StopReason::ToolUse => "tool use",
            StopReason::Refusal => "refusal",
            StopReason::PauseTurn => "paused turn",
            StopReason::ContextWindowExceeded => "context window exceeded",
            StopReason::Rendered => "rendered offline",
            StopReason::Other(other) => other,
        };
        f.write_str(name)
    }
}

/// Token counts of one completion, as the provider reported them.
///
/// A field the provider did not report is `None`, never `0`, so "absent" and "zero" stay
/// apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Usage {
    /// Input tokens neither read from nor written to a prompt cache.
    pub input_tokens: Option<u64>,
    /// Output tokens, including any reasoning tokens.
    pub output_tokens: Option<u64>,
    /// Input tokens read from a prompt cache.
    pub cache_read_tokens: Option<u64>,
    /// Input tokens written to a prompt cache.
    pub cache_write_tokens: Option<u64>,
}

impl Usage {
    /// Returns whether no count was reported at all.
    pub fn is_empty(&self) -> bool {
        self.input_tokens.is_none()
            && self.output_tokens.is_none()
            && self.cache_read_tokens.is_none()
            && self.cache_write_tokens.is_none()
    }

    /// Returns all input tokens (uncached, cache reads and cache writes), or `None` when
    /// the uncached count is unknown.
    pub fn total_input_tokens(&self) -> Option<u64> {
        let cached = self.cache_read_tokens.unwrap_or(0) + self.cache_write_tokens.unwrap_or(0);
        self.input_tokens.map(|input| input + cached)
    }
}

/// A model's provider, id, context window and network use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelInfo {
    /// The provider (`"anthropic"`, `"offline"`).
    pub provider: String,
    /// The model id as the provider names it.
    pub model: String,
    /// The context window in tokens, when known.
    pub context_window: Option<u32>,
    /// Whether completing a request sends data over the network.
    pub needs_network: bool,
}

impl ModelInfo {
    /// Describes a network model of `provider` named `model` with an unknown context
    /// window.
    pub fn new(provider: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            model: model.into(),
            context_window: None,
            needs_network: true,
        }
    }

    /// Sets the context window in tokens.
    #[must_use]
    pub fn with_context_window(mut self, tokens: u32) -> Self {
        self.context_window = Some(tokens);
        self
    }

    /// Sets whether the model needs the network.
    #[must_use]
    pub fn with_network(mut self, needs_network: bool) -> Self {
        self.needs_network = needs_network;
        self
    }
}

/// A provider-neutral completion.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompletionResponse {
    /// The content the model wrote, in order.
    pub content: Vec<ContentPart>,
    /// The reason the model stopped.
    pub stop_reason: StopReason,
    /// The stop sequence that ended the output, when one did.
    pub stop_sequence: Option<String>,
    /// Token counts as reported.
    pub usage: Usage,
    /// The model that wrote the response, as the provider named it.
    pub model: String,
    /// The provider's request id, when the response carried one.
    pub request_id: Option<String>,
}

impl CompletionResponse {
    /// Creates a response with `content` and `stop_reason` from `model`; usage and request
    /// id start empty.
    pub fn new(
        content: Vec<ContentPart>,
        stop_reason: StopReason,
        model: impl Into<String>,
    ) -> Self {
        Self {
            content,
            stop_reason,
            stop_sequence: None,
            usage: Usage::default(),
            model: model.into(),
            request_id: None,
        }
    }

    /// Sets the token counts.
    #[must_use]
    pub fn with_usage(mut self, usage: Usage) -> Self {
        self.usage = usage;
        self
    }

    /// Sets the provider's request id.
    #[must_use]
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// Joins the text parts into one string.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(ContentPart::as_text)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_absent_is_not_zero() {
        let usage = Usage::default();
        assert!(usage.is_empty());
        assert_eq!(usage.total_input_tokens(), None);
    }

    #[test]
    fn usage_total_input_adds_cache() {
        let usage = Usage {
            input_tokens: Some(10),
            output_tokens: Some(5),
            cache_read_tokens: Some(100),
            cache_write_tokens: None,
        };
        assert_eq!(usage.total_input_tokens(), Some(110));
    }

    #[test]
    fn response_text_joins_parts() {
        let response = CompletionResponse::new(
            vec![ContentPart::Text("a".into()), ContentPart::Text("b".into())],
            StopReason::EndTurn,
            "m",
        );
        assert_eq!(response.text(), "ab");
    }
}
