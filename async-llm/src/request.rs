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

/// One message of a conversation: a role and its content parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message's author.
    pub role: Role,
    /// The content, in order.
    pub content: Vec<ContentPart>,
}

impl Message {
    /// Creates a user message with one text part.
    pub fn user(text: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: vec![ContentPart::Text(text.into())],
        }
    }

    /// Creates an assistant message with one text part; as the last message it prefills
    /// the answer.
    pub fn assistant(text: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: vec![ContentPart::Text(text.into())],
        }
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
