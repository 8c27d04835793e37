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
    /// The provider's content filter cut the answer (OpenAI `content_filter`, Gemini
    /// `SAFETY`, `RECITATION`, `BLOCKLIST`, `PROHIBITED_CONTENT`, `SPII`).
    ContentFiltered,
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
            StopReason::ContentFiltered => "content filtered",
            StopReason::PauseTurn => "paused turn",
            StopReason::ContextWindowExceeded => "context window exceeded",
            StopReason::Rendered => "rendered offline",
            StopReason::Other(other) => other,
        };
        f.write_str(name)
    }
}

/// Token counts of one completion, as the provider reported them, split the same way for
/// every provider.
///
/// A field the provider did not report is `None`, never `0`, so "absent" and "zero" stay
/// apart. Input is split into uncached input, cache reads and cache writes, which
/// providers bill at different prices: Anthropic reports them apart already, while
/// OpenAI's `prompt_tokens` and Gemini's `promptTokenCount` include the cached tokens and
/// are split by the provider mapping. Output includes reasoning tokens; `reasoning_tokens`
/// says how many of them there were.
///
/// # Examples
///
/// ```
/// use async_llm::Usage;
///
/// // A stream reports running totals: the later snapshot replaces the earlier one.
/// let mut usage = Usage::new().with_uncached_input(120).with_output(1);
/// usage.merge_running_total(&Usage::new().with_output(87));
/// assert_eq!(usage.uncached_input_tokens, Some(120));
/// assert_eq!(usage.output_tokens, Some(87));
/// assert_eq!(usage.total_input_tokens(), Some(120));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Usage {
    /// Input tokens neither read from nor written to a prompt cache.
    pub uncached_input_tokens: Option<u64>,
    /// Input tokens read from a prompt cache.
    pub cache_read_tokens: Option<u64>,
    /// Input tokens written to a prompt cache.
    pub cache_write_tokens: Option<u64>,
    /// Output tokens, reasoning tokens included.
    pub output_tokens: Option<u64>,
    /// The part of the output tokens the model spent reasoning, when reported.
    pub reasoning_tokens: Option<u64>,
}

impl Usage {
    /// Creates a usage with no count reported.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the uncached input tokens.
    #[must_use]
    pub fn with_uncached_input(mut self, tokens: u64) -> Self {
        self.uncached_input_tokens = Some(tokens);
        self
    }

    /// Sets the input tokens read from a prompt cache.
    #[must_use]
    pub fn with_cache_read(mut self, tokens: u64) -> Self {
        self.cache_read_tokens = Some(tokens);
        self
    }

    /// Sets the input tokens written to a prompt cache.
    #[must_use]
    pub fn with_cache_write(mut self, tokens: u64) -> Self {
        self.cache_write_tokens = Some(tokens);
        self
    }

    /// Sets the output tokens.
    #[must_use]
    pub fn with_output(mut self, tokens: u64) -> Self {
        self.output_tokens = Some(tokens);
        self
    }

    /// Sets the reasoning tokens.
    #[must_use]
    pub fn with_reasoning(mut self, tokens: u64) -> Self {
        self.reasoning_tokens = Some(tokens);
        self
    }

    /// Returns whether no count was reported at all.
    pub fn is_empty(&self) -> bool {
        self.uncached_input_tokens.is_none()
            && self.cache_read_tokens.is_none()
            && self.cache_write_tokens.is_none()
            && self.output_tokens.is_none()
            && self.reasoning_tokens.is_none()
    }

    /// Returns all input tokens (uncached, cache reads and cache writes), or `None` when
    /// none of them was reported.
    pub fn total_input_tokens(&self) -> Option<u64> {
        sum([
            self.uncached_input_tokens,
            self.cache_read_tokens,
            self.cache_write_tokens,
        ])
    }

    /// Returns input and output tokens together, or `None` when none was reported.
    pub fn total_tokens(&self) -> Option<u64> {
        sum([self.total_input_tokens(), self.output_tokens])
    }

    /// Takes in a later running-total snapshot of the same completion.
    ///
    /// Streams report usage cumulatively (Anthropic's `message_delta`, every Gemini
    /// chunk), so each field the snapshot reports replaces the earlier value instead of
    /// being added to it, and a field it leaves out keeps the earlier value. Adding the
    /// snapshots would count the same tokens twice.
    pub fn merge_running_total(&mut self, snapshot: &Usage) {
        let replace = |kept: &mut Option<u64>, later: Option<u64>| {
            if later.is_some() {
                *kept = later;
            }
        };
        replace(
            &mut self.uncached_input_tokens,
            snapshot.uncached_input_tokens,
        );
        replace(&mut self.cache_read_tokens, snapshot.cache_read_tokens);
        replace(&mut self.cache_write_tokens, snapshot.cache_write_tokens);
        replace(&mut self.output_tokens, snapshot.output_tokens);
        replace(&mut self.reasoning_tokens, snapshot.reasoning_tokens);
    }

    /// Adds the counts of another, separate completion (a retry, a second call of the
    /// same task); a field stays `None` only when both are `None`.
    pub fn add(&mut self, other: &Usage) {
        let add = |kept: &mut Option<u64>, other: Option<u64>| {
            *kept = sum([*kept, other]);
        };
        add(&mut self.uncached_input_tokens, other.uncached_input_tokens);
        add(&mut self.cache_read_tokens, other.cache_read_tokens);
        add(&mut self.cache_write_tokens, other.cache_write_tokens);
        add(&mut self.output_tokens, other.output_tokens);
        add(&mut self.reasoning_tokens, other.reasoning_tokens);
    }
}

/// Adds the reported counts; `None` when none was reported.
fn sum<const N: usize>(counts: [Option<u64>; N]) -> Option<u64> {
    counts
        .into_iter()
        .flatten()
        .reduce(|total, count| total.saturating_add(count))
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
        let usage = Usage::new()
            .with_uncached_input(10)
            .with_output(5)
            .with_cache_read(100);
        assert_eq!(usage.total_input_tokens(), Some(110));
        assert_eq!(usage.total_tokens(), Some(115));
        assert_eq!(
            Usage::new().with_cache_read(4).total_input_tokens(),
            Some(4)
        );
    }

    #[test]
    fn usage_merge_replaces_not_sums() {
        let mut usage = Usage::new()
            .with_uncached_input(50)
            .with_cache_read(10)
            .with_output(1);
        usage.merge_running_total(&Usage::new().with_output(30).with_cache_read(10));
        usage.merge_running_total(&Usage::new().with_output(42));
        assert_eq!(usage.uncached_input_tokens, Some(50));
        assert_eq!(usage.cache_read_tokens, Some(10));
        assert_eq!(usage.output_tokens, Some(42));
        assert_eq!(usage.reasoning_tokens, None);
    }

    #[test]
    fn usage_add_keeps_absent() {
        let mut usage = Usage::new().with_output(3);
        usage.add(&Usage::new().with_output(4).with_uncached_input(2));
        assert_eq!(usage.output_tokens, Some(7));
        assert_eq!(usage.uncached_input_tokens, Some(2));
        assert_eq!(usage.cache_write_tokens, None);
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
