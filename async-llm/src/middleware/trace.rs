//! `tracing` spans named with the OpenTelemetry GenAI semantic conventions.

use async_trait::async_trait;
use futures::StreamExt;
use serde_json::json;
use tracing::Span;
use tracing::field::Empty;

use super::stop_codes::finish_reason;
use crate::{
    CompletionRequest, CompletionResponse, CompletionStream, ContentPart, Error, LanguageModel,
    ModelInfo, Role, StreamEvent,
};

/// Opens one `tracing` span per call with the OpenTelemetry GenAI attribute names.
///
/// The span is named `gen_ai.chat` at `debug` level and carries `otel.name`
/// (`"chat {model}"`), `otel.kind` (`"client"`), `gen_ai.operation.name` (`"chat"`),
/// `gen_ai.provider.name` (`gcp.gemini` for Gemini), `gen_ai.request.model`,
/// `gen_ai.request.max_tokens`, `gen_ai.request.temperature`, `gen_ai.output.type`
/// (`"json"` when the request sets an output schema), `gen_ai.response.model`,
/// `gen_ai.response.finish_reasons`, `gen_ai.usage.input_tokens` (cache reads and writes
/// included, as the conventions ask), `gen_ai.usage.output_tokens`,
/// `gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_creation.input_tokens`
/// and, on failure, `error.type`. The provider's request id goes in `gen_ai.response.id`
/// because responses carry no separate completion id. A bridge such as
/// `tracing-opentelemetry` exports the fields as span attributes under these names.
///
/// Prompts and replies are not recorded unless [`Traced::with_content`] turns it on.
/// Then `gen_ai.system_instructions`, `gen_ai.input.messages` and
/// `gen_ai.output.messages` contain them as JSON in the conventions' message shape. Turn it
/// on only where the trace store may keep what the prompts contain.
///
/// # Examples
///
/// ```
/// use async_llm::middleware::Traced;
/// use async_llm::OfflineModel;
///
/// let model = Traced::new(OfflineModel::new());
/// # let _ = model;
/// ```
#[derive(Debug, Clone)]
pub struct Traced<M> {
    inner: M,
    record_content: bool,
}

impl<M: LanguageModel> Traced<M> {
    /// Wraps `inner`, tracing calls without their content.
    pub fn new(inner: M) -> Self {
        Self {
            inner,
            record_content: false,
        }
    }

    /// Sets whether prompts and replies are recorded on the span; off by default.
    #[must_use]
    pub fn with_content(mut self, record_content: bool) -> Self {
        self.record_content = record_content;
        self
    }

    /// Returns the wrapped model.
    pub fn inner(&self) -> &M {
        &self.inner
    }

    fn span(&self, request: &CompletionRequest) -> Span {
        let info = self.inner.describe();
        let span = tracing::debug_span!(
            "gen_ai.chat",
            otel.name = %format_args!("chat {}", info.model),
            otel.kind = "client",
            gen_ai.operation.name = "chat",
            gen_ai.provider.name = provider_name(&info.provider),
            gen_ai.request.model = %info.model,
            gen_ai.request.max_tokens = request.max_output_tokens,
            gen_ai.request.temperature = Empty,
            gen_ai.output.type = Empty,
            gen_ai.response.id = Empty,
            gen_ai.response.model = Empty,
            gen_ai.response.finish_reasons = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.usage.output_tokens = Empty,
            gen_ai.usage.cache_read.input_tokens = Empty,
            gen_ai.usage.cache_creation.input_tokens = Empty,
            error.type = Empty,
            gen_ai.system_instructions = Empty,
            gen_ai.input.messages = Empty,
            gen_ai.output.messages = Empty,
        );
        if let Some(temperature) = request.temperature {
            span.record("gen_ai.request.temperature", f64::from(temperature));
        }
        if request.output_schema.is_some() {
            span.record("gen_ai.output.type", "json");
        }
        if self.record_content {
            record_input(&span, request);
        }
        span
    }
}

#[async_trait]
impl<M: LanguageModel> LanguageModel for Traced<M> {
    /// Completes the request inside a span.
    ///
    /// # Errors
    ///
    /// Returns the wrapped model's errors, after recording their `error.type`.
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let span = self.span(request);
        let result =
            tracing::Instrument::instrument(self.inner.complete(request), span.clone()).await;
        record_result(&span, result.as_ref(), self.record_content);
        result
    }

    /// Streams the request; the span stays open until the stream ends or is dropped.
    ///
    /// # Errors
    ///
    /// Returns the wrapped model's errors, after recording their `error.type`.
    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        let span = self.span(request);
        let started =
            tracing::Instrument::instrument(self.inner.stream(request), span.clone()).await;
        let stream = match started {
            Ok(stream) => stream,
            Err(error) => {
                record_result(&span, Err(&error), self.record_content);
                return Err(error);
            }
        };

        let record_content = self.record_content;
        let traced = stream.inspect(move |event| match event {
            Ok(StreamEvent::Completed(response)) => {
                record_result(&span, Ok(response), record_content);
            }
            Err(error) => record_result(&span, Err(error), record_content),
            Ok(_) => {}
        });
        Ok(CompletionStream::new(traced))
    }

    fn describe(&self) -> ModelInfo {
        self.inner.describe()
    }
}

fn record_result(span: &Span, result: Result<&CompletionResponse, &Error>, content: bool) {
    match result {
        Ok(response) => record_response(span, response, content),
        Err(error) => {
            span.record("error.type", error_type(error));
            tracing::debug!(parent: span, error = %error, "model call failed");
        }
    }
}

fn record_response(span: &Span, response: &CompletionResponse, content: bool) {
    if let Some(id) = &response.request_id {
        span.record("gen_ai.response.id", id.as_str());
    }
    span.record("gen_ai.response.model", response.model.as_str());
    let reasons = json!([finish_reason(&response.stop_reason)]).to_string();
    span.record("gen_ai.response.finish_reasons", reasons.as_str());

    let usage = &response.usage;
    if let Some(tokens) = usage.total_input_tokens() {
        span.record("gen_ai.usage.input_tokens", tokens);
    }
    if let Some(tokens) = usage.output_tokens {
        span.record("gen_ai.usage.output_tokens", tokens);
    }
    if let Some(tokens) = usage.cache_read_tokens {
        span.record("gen_ai.usage.cache_read.input_tokens", tokens);
    }
    if let Some(tokens) = usage.cache_write_tokens {
        span.record("gen_ai.usage.cache_creation.input_tokens", tokens);
    }
    if content {
        record_output(span, response);
    }
}

/// Records the system prompt and messages in the conventions' JSON message shape.
fn record_input(span: &Span, request: &CompletionRequest) {
    if let Some(system) = &request.system {
        let instructions = json!([{ "type": "text", "content": system }]).to_string();
        span.record("gen_ai.system_instructions", instructions.as_str());
    }
    let messages: Vec<_> = request
        .messages
        .iter()
        .map(|message| {
            let role = match message.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            json!({ "role": role, "parts": text_parts(&message.content) })
        })
        .collect();
    span.record(
        "gen_ai.input.messages",
        serde_json::Value::from(messages).to_string().as_str(),
    );
}

fn record_output(span: &Span, response: &CompletionResponse) {
    let output = json!([{
        "role": "assistant",
        "parts": text_parts(&response.content),
        "finish_reason": finish_reason(&response.stop_reason),
    }]);
    span.record("gen_ai.output.messages", output.to_string().as_str());
}

fn text_parts(content: &[ContentPart]) -> Vec<serde_json::Value> {
    content
        .iter()
        .filter_map(ContentPart::as_text)
        .map(|text| json!({ "type": "text", "content": text }))
        .collect()
}

/// Names a provider with the conventions' well-known value: `gcp.gemini` for the Gemini
/// API, the crate's own name for the others (`anthropic` and `openai` already match).
fn provider_name(provider: &str) -> &str {
    match provider {
        "gemini" => "gcp.gemini",
        other => other,
    }
}

/// Names an error's class for `error.type`: a short, low-cardinality code.
pub(crate) fn error_type(error: &Error) -> &'static str {
    match error {
        Error::RateLimited { .. } => "rate_limited",
        Error::Overloaded { .. } => "overloaded",
        Error::QuotaExhausted { .. } => "quota_exhausted",
        Error::Authentication { .. } => "authentication",
        Error::PermissionDenied { .. } => "permission_denied",
        Error::InvalidRequest { .. } => "invalid_request",
        Error::ContextTooLong { .. } => "context_too_long",
        Error::ContentFiltered { .. } => "content_filtered",
        Error::Server { .. } => "server_error",
        Error::Decode { .. } => "decode_error",
        Error::StreamInterrupted { .. } => "stream_interrupted",
        Error::EmptyOutput { .. } => "empty_output",
        Error::BudgetExceeded(_) => "budget_exceeded",
        Error::InvalidConfig(_) => "invalid_config",
        Error::Transport(_) => "transport",
        _ => "_OTHER",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_follow_conventions() {
        assert_eq!(provider_name("gemini"), "gcp.gemini");
        assert_eq!(provider_name("anthropic"), "anthropic");
        assert_eq!(provider_name("openai"), "openai");
    }
}
