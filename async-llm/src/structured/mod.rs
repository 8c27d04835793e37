//! Structured output: ask any model for JSON that matches a schema, check the reply, and
//! deserialize it into a Rust type.
//!
//! [`complete_structured`] attaches the type's [`OutputSchema`] to the request, so each
//! provider can apply its own mechanism (Anthropic `output_config.format`, OpenAI
//! `response_format`, Gemini `responseJsonSchema`), and by default also writes the schema
//! into the system prompt, so a model or an OpenAI-compatible server without such a
//! mechanism still knows the shape. The reply is then
//!
//! 1. read as JSON: the whole reply, or the body of one ```` ```json ```` fence that wraps
//!    the whole reply (models prompted for JSON often add one; text around a fence is
//!    never skipped, because guessing which part is the answer could accept the wrong
//!    object),
//! 2. validated against the schema with the [`jsonschema`] crate,
//! 3. deserialized into the type with `serde_json`,
//! 4. checked by the caller's own rule, when [`complete_checked`] is used (a task rejects
//!    citations of fact ids it did not give, for example).
//!
//! A reply that fails any step is asked for once more by default, with the failed reply
//! and the validator's messages appended to the conversation. When that fails too, the
//! result is [`Error::SchemaMismatch`], which keeps the raw text of the last reply and
//! every violation. A reply cut at the output limit is not retried, because the same
//! limit would cut it again.
//!
//! The [`OfflineModel`](crate::OfflineModel) answers a request with a schema from the
//! attached fact sheet's [`FactSheet::render_json`](crate::FactSheet::render_json), and
//! that answer goes through the same checks.
//!
//! Schemas are written by hand as `serde_json` values next to their types rather than
//! derived. The providers accept different subsets of JSON Schema (OpenAI's strict mode
//! needs every property required and `additionalProperties: false`; Gemini rejects some
//! keywords), and a hand-written schema shows exactly what each provider receives.
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use async_llm::structured::{StructuredOutput, complete_structured};
//! use async_llm::{CompletionRequest, FactSheet, Message, OfflineModel, OutputSchema};
//! use serde::Deserialize;
//! use serde_json::json;
//!
//! #[derive(Debug, Deserialize)]
//! struct Verdict {
//!     merged: bool,
//! }
//!
//! impl StructuredOutput for Verdict {
//!     fn output_schema() -> OutputSchema {
//!         OutputSchema::new("verdict", json!({
//!             "type": "object",
//!             "properties": {"merged": {"type": "boolean"}},
//!             "required": ["merged"],
//!             "additionalProperties": false
//!         }))
//!     }
//! }
//!
//! // The offline model answers from facts that can render themselves as JSON.
//! #[derive(Debug)]
//! struct Merged;
//!
//! impl FactSheet for Merged {
//!     fn render_markdown(&self) -> String {
//!         "PAY-12 merged".to_owned()
//!     }
//!
//!     fn render_json(&self) -> Option<serde_json::Value> {
//!         Some(json!({"merged": true}))
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(async {
//! let request = CompletionRequest::new(vec![Message::user("Was PAY-12 merged?")], 64)
//!     .with_facts(Arc::new(Merged));
//! let verdict = complete_structured::<Verdict, _>(&OfflineModel::new(), request).await?;
//! assert!(verdict.value.merged);
//! assert_eq!(verdict.attempts, 1);
//! # Ok::<(), async_llm::Error>(())
//! # }).expect("structured");
//! ```

mod mismatch;
mod reply;
mod validate;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use mismatch::{MismatchKind, SchemaMismatch, Violation};

use self::validate::SchemaValidator;
use crate::{
    CompletionRequest, CompletionResponse, Error, LanguageModel, Message, OutputSchema,
    ProviderContext, StopReason, Usage,
};

/// A Rust type a model can be asked to write as JSON.
///
/// The schema must accept only values that deserialize into the type; a value that passes
/// the schema but fails to deserialize is reported as [`MismatchKind::Deserialize`].
pub trait StructuredOutput: DeserializeOwned {
    /// Returns the JSON Schema of the type, with a name providers accept
    /// (`[a-zA-Z0-9_-]`, at most 64 characters).
    fn output_schema() -> OutputSchema;
}

/// Settings for a structured completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StructuredOptions {
    /// How many replies to request at most: 1 never retries, 2 (the default) retries once
    /// with the validation errors in the prompt.
    pub max_attempts: u32,
    /// Whether the schema is also written into the system prompt (the default). Turning
    /// it off saves its tokens when the provider enforces the attached schema itself.
    pub schema_in_prompt: bool,
}

impl Default for StructuredOptions {
    /// Two attempts, schema in the prompt.
    fn default() -> Self {
        Self {
            max_attempts: 2,
            schema_in_prompt: true,
        }
    }
}

impl StructuredOptions {
    /// Sets how many replies to request at most (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets whether the schema is written into the system prompt.
    #[must_use]
    pub fn with_schema_in_prompt(mut self, in_prompt: bool) -> Self {
        self.schema_in_prompt = in_prompt;
        self
    }
}

/// A reply that matched its schema, deserialized.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Structured<T> {
    /// The deserialized value.
    pub value: T,
    /// The reply as JSON, as validated.
    pub json: Value,
    /// The last response (the one that matched).
    pub response: CompletionResponse,
    /// Token usage added up over every attempt; a count no attempt reported stays `None`.
    pub usage: Usage,
    /// How many replies were requested.
    pub attempts: u32,
}

/// Asks `model` for a `T`, with its schema and the default [`StructuredOptions`].
///
/// # Errors
///
/// - [`Error::SchemaMismatch`] when the replies did not match the schema, with the raw
///   text of the last one.
/// - [`Error::EmptyOutput`] when the model wrote nothing (for example it refused).
/// - [`Error::InvalidConfig`] when the schema is not a valid JSON Schema.
/// - Any error of [`LanguageModel::complete`].
pub async fn complete_structured<T, M>(
    model: &M,
    request: CompletionRequest,
) -> Result<Structured<T>, Error>
where
    T: StructuredOutput,
    M: LanguageModel + ?Sized,
{
    let schema = T::output_schema();
    complete_with_schema(model, request, &schema, &StructuredOptions::default()).await
}

/// Asks `model` for JSON matching `schema` and deserializes it into `T`.
///
/// Use it when the schema is built at run time (for example with an `enum` of the ids a
/// task gave the model).
///
/// # Errors
///
/// The same as [`complete_structured`].
pub async fn complete_with_schema<T, M>(
    model: &M,
    request: CompletionRequest,
    schema: &OutputSchema,
    options: &StructuredOptions,
) -> Result<Structured<T>, Error>
where
    T: DeserializeOwned,
    M: LanguageModel + ?Sized,
{
    complete_checked(model, request, schema, options, |_: &T| Vec::new()).await
}

/// Asks `model` for JSON matching `schema`, deserializes it into `T`, and applies `check`,
/// which lists the content problems of a value (an empty list accepts it).
///
/// A value `check` rejects is retried like a schema violation, with its violations in
/// the prompt.
///
/// # Errors
///
/// The same as [`complete_structured`]; a value `check` still rejects after the last
/// attempt gives [`Error::SchemaMismatch`] of kind [`MismatchKind::Content`].
pub async fn complete_checked<T, M, C>(
    model: &M,
    request: CompletionRequest,
    schema: &OutputSchema,
    options: &StructuredOptions,
    check: C,
) -> Result<Structured<T>, Error>
where
    T: DeserializeOwned,
    M: LanguageModel + ?Sized,
    C: Fn(&T) -> Vec<Violation>,
{
    let validator = SchemaValidator::compile(&schema.name, &schema.schema)?;
    let mut request = with_schema(request, schema, options);
    let mut usage = Usage::default();
    let mut attempts = 0;

    loop {
        attempts += 1;
        let response = model.complete(&request).await?;
        usage.add(&response.usage);
        let text = response.text();
        if text.trim().is_empty() {
            return Err(empty_output(schema, &response));
        }

        let mismatch = match read_reply(&text, schema, &validator, &check, &response) {
            Ok((value, json)) => {
                return Ok(Structured {
                    value,
                    json,
                    response,
                    usage,
                    attempts,
                });
            }
            Err(mismatch) => Box::new(mismatch.with_attempts(attempts)),
        };

        let cut_short = response.stop_reason == StopReason::MaxTokens;
        if attempts >= options.max_attempts.max(1) || cut_short {
            return Err(Error::SchemaMismatch(mismatch));
        }
        tracing::debug!(
            schema = %schema.name,
            attempt = attempts,
            keyword = mismatch.violations().first().map(|v| v.keyword.as_str()),
            "structured reply did not match its schema; asking again"
        );
        request = retry_request(request, &text, &mismatch);
    }
}

/// Returns the instruction appended to the system prompt for `schema`.
///
/// Tasks count it against their token budget.
pub fn schema_instruction(schema: &OutputSchema, options: &StructuredOptions) -> String {
    if options.schema_in_prompt {
        format!(
            "Reply with one JSON object and nothing else: no prose and no code fence. \
             It must match this JSON Schema, named `{}`:\n{}",
            schema.name, schema.schema
        )
    } else {
        format!(
            "Reply with one JSON object and nothing else: no prose and no code fence. \
             It must match the JSON Schema `{}` attached to this request.",
            schema.name
        )
    }
}

/// Attaches the schema and appends the instruction to the system prompt.
fn with_schema(
    mut request: CompletionRequest,
    schema: &OutputSchema,
    options: &StructuredOptions,
) -> CompletionRequest {
    let instruction = schema_instruction(schema, options);
    request.system = Some(match request.system.take() {
        Some(system) => format!("{system}\n\n{instruction}"),
        None => instruction,
    });
    request.with_output_schema(schema.clone())
}

/// Parses, validates, deserializes and checks one reply.
fn read_reply<T, C>(
    text: &str,
    schema: &OutputSchema,
    validator: &SchemaValidator,
    check: &C,
    response: &CompletionResponse,
) -> Result<(T, Value), Box<SchemaMismatch>>
where
    T: DeserializeOwned,
    C: Fn(&T) -> Vec<Violation>,
{
    let mismatch = |kind, violations| {
        Box::new(SchemaMismatch::new(
            &schema.name,
            kind,
            violations,
            text,
            response.stop_reason.clone(),
        ))
    };

    let json: Value = serde_json::from_str(reply::json_body(text)).map_err(|error| {
        mismatch(
            MismatchKind::NotJson {
                message: error.to_string(),
            },
            Vec::new(),
        )
    })?;
    let violations = validator.violations(&json);
    if !violations.is_empty() {
        return Err(mismatch(MismatchKind::Schema, violations));
    }
    let value: T = serde_json::from_value(json.clone()).map_err(|error| {
        mismatch(
            MismatchKind::Deserialize {
                message: error.to_string(),
            },
            Vec::new(),
        )
    })?;
    let problems = check(&value);
    if !problems.is_empty() {
        return Err(mismatch(MismatchKind::Content, problems));
    }
    Ok((value, json))
}

/// Continues the conversation with the failed reply and what was wrong with it.
fn retry_request(
    mut request: CompletionRequest,
    reply: &str,
    mismatch: &SchemaMismatch,
) -> CompletionRequest {
    request.messages.push(Message::assistant(reply));
    request.messages.push(Message::user(format!(
        "{}\nReply again with only the corrected JSON object.",
        mismatch.feedback()
    )));
    request
}

fn empty_output(schema: &OutputSchema, response: &CompletionResponse) -> Error {
    let context = ProviderContext::new("structured", "complete")
        .with_request_id(response.request_id.clone())
        .with_provider_error(
            None,
            Some(format!("no JSON was written for schema `{}`", schema.name)),
        );
    Error::EmptyOutput {
        context: Box::new(context),
        stop_reason: response.stop_reason.clone(),
    }
}

#[cfg(test)]
mod tests;
