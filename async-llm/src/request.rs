//! Provider-neutral completion requests.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The author of a message in a conversation.
///
/// The system prompt is not a role: it is [`CompletionRequest::system`], because some
/// providers (Anthropic) take it outside the message list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The person or program asking.
    User,
    /// The model.
    Assistant,
}

/// One part of a message's content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContentPart {
    /// Plain text.
    Text(String),
}

impl ContentPart {
    /// Returns the text of a text part.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ContentPart::Text(text) => Some(text),
        }
    }
}

/// One message of a conversation: a role, its content parts and an optional prompt-cache
/// breakpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message's author.
    pub role: Role,
    /// The content, in order.
    pub content: Vec<ContentPart>,
    /// Whether the prompt up to and including this message should be cached.
    ///
    /// Anthropic caches only up to explicit breakpoints (`cache_control` on the last
    /// block), at most four per request. OpenAI and Gemini cache long prefixes on their
    /// own and ignore the marker.
    pub cache_breakpoint: bool,
}

impl Message {
    /// Creates a user message with one text part.
    pub fn user(text: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: vec![ContentPart::Text(text.into())],
            cache_breakpoint: false,
        }
    }

    /// Creates an assistant message with one text part; as the last message it prefills
    /// the answer.
    pub fn assistant(text: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: vec![ContentPart::Text(text.into())],
            cache_breakpoint: false,
        }
    }

    /// Marks the prompt up to and including this message for caching.
    #[must_use]
    pub fn with_cache_breakpoint(mut self) -> Self {
        self.cache_breakpoint = true;
        self
    }
}

/// Structured facts a request's prompt was built from, able to write themselves without a
/// model.
///
/// A task attaches its facts to the request with [`CompletionRequest::with_facts`]. The
/// [`OfflineModel`](crate::OfflineModel) answers by calling [`FactSheet::render_markdown`];
/// network models ignore the attachment and never send it, so the prompt text stays the
/// only thing that leaves the process. Because the task builds the prompt and the fact
/// sheet from the same selection, the offline answer and the prompt cover the same facts.
pub trait FactSheet: fmt::Debug + Send + Sync {
    /// Writes the facts as Markdown, deterministically.
    fn render_markdown(&self) -> String;

    /// Writes the facts as the JSON value a request's [`OutputSchema`] asks for,
    /// deterministically; `None` (the default) when the facts have no JSON form.
    ///
    /// The offline model answers a request that carries an output schema with this
    /// value, so a task with structured output works without a network model.
    fn render_json(&self) -> Option<serde_json::Value> {
        None
    }
}

/// A JSON Schema the answer must match, sent through each provider's own structured-output
/// mechanism.
///
/// Anthropic receives it as `output_config.format`, OpenAI as
/// `response_format.json_schema`, Gemini as `responseMimeType: application/json` with
/// `responseJsonSchema`. The provider constrains the answer; the caller still validates
/// it, because not every model or compatible server honours the schema.
///
/// # Examples
///
/// ```
/// use async_llm::OutputSchema;
/// use serde_json::json;
///
/// let schema = OutputSchema::new("action_items", json!({
///     "type": "object",
///     "properties": {"items": {"type": "array", "items": {"type": "string"}}},
///     "required": ["items"],
///     "additionalProperties": false
/// }));
/// assert!(schema.strict);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OutputSchema {
    /// A name for the schema; OpenAI requires 1 to 64 characters of `a-z`, `A-Z`, `0-9`,
    /// `_` and `-`.
    pub name: String,
    /// The JSON Schema.
    pub schema: serde_json::Value,
    /// Whether the provider must follow the schema exactly (OpenAI's `strict`), which
    /// limits the schema to the subset the provider supports.
    pub strict: bool,
    /// What the answer is for, when the provider accepts a description.
    pub description: Option<String>,
}

impl OutputSchema {
    /// Creates a strict schema named `name`.
    pub fn new(name: impl Into<String>, schema: serde_json::Value) -> Self {
        Self {
            name: name.into(),
            schema,
            strict: true,
            description: None,
        }
    }

    /// Sets whether the provider must follow the schema exactly.
    #[must_use]
    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Sets a description of the answer.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// A provider-neutral request for one completion.
///
/// # Examples
///
/// ```
/// use async_llm::{CompletionRequest, Message};
///
/// let request = CompletionRequest::new(vec![Message::user("Summarise PAY-12.")], 256)
///     .with_system("Answer in one sentence.")
///     .with_temperature(0.2)
///     .with_stop_sequence("\n\n");
/// assert_eq!(request.max_output_tokens, 256);
/// ```
#[derive(Debug, Clone)]
pub struct CompletionRequest {
    /// The system prompt, if any.
    pub system: Option<String>,
    /// The conversation, oldest message first.
    pub messages: Vec<Message>,
    /// The maximum number of tokens the model may write.
    pub max_output_tokens: u32,
    /// The sampling temperature; `None` leaves the provider's default.
    pub temperature: Option<f32>,
    /// Sequences that end the output when the model writes them.
    pub stop_sequences: Vec<String>,
    /// Whether the system prompt should be cached (Anthropic `cache_control`); see
    /// [`Message::cache_breakpoint`].
    pub cache_system: bool,
    /// The JSON Schema the answer must match, if any.
    pub output_schema: Option<OutputSchema>,
    /// Caller labels. Providers send only the keys they support (Anthropic: `user_id`,
    /// which must be an opaque id, never a name or an e-mail address).
    pub metadata: BTreeMap<String, String>,
    /// The structured facts the prompt was built from; never sent to a provider.
    pub facts: Option<Arc<dyn FactSheet>>,
}

impl CompletionRequest {
    /// Creates a request for `messages` with an output cap of `max_output_tokens`.
    pub fn new(messages: Vec<Message>, max_output_tokens: u32) -> Self {
        Self {
            system: None,
            messages,
            max_output_tokens,
            temperature: None,
            stop_sequences: Vec::new(),
            cache_system: false,
            output_schema: None,
            metadata: BTreeMap::new(),
            facts: None,
        }
    }

    /// Sets the system prompt.
    #[must_use]
    pub fn with_system(mut self, system: impl Into<String>) -> Self {
        self.system = Some(system.into());
        self
    }

    /// Sets the sampling temperature.
    #[must_use]
    pub fn with_temperature(mut self, temperature: f32) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Adds a stop sequence.
    #[must_use]
    pub fn with_stop_sequence(mut self, stop: impl Into<String>) -> Self {
        self.stop_sequences.push(stop.into());
        self
    }

    /// Marks the system prompt for caching.
    #[must_use]
    pub fn with_cached_system(mut self) -> Self {
        self.cache_system = true;
        self
    }

    /// Asks for an answer matching `schema`.
    #[must_use]
    pub fn with_output_schema(mut self, schema: OutputSchema) -> Self {
        self.output_schema = Some(schema);
        self
    }

    /// Adds a metadata entry.
    #[must_use]
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Attaches the structured facts the prompt was built from.
    #[must_use]
    pub fn with_facts(mut self, facts: Arc<dyn FactSheet>) -> Self {
        self.facts = Some(facts);
        self
    }
}
