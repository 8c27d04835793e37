//! The language-model layer of the ASYNC SDK: a provider-neutral [`LanguageModel`] trait,
//! a deterministic [`OfflineModel`], three providers ([`AnthropicModel`],
//! [`OpenAiModel`] for OpenAI and compatible servers, [`GeminiModel`]), middleware that
//! composes them, and the writing tasks that turn policy-approved facts into prose.
//!
//! # Quick start
//!
//! Every task works with the [`OfflineModel`], which needs no network and no API key:
//!
//! ```
//! use async_llm::{LanguageModel, OfflineModel};
//! use async_llm::tasks::standup::{write_standup, PersonFacts, StandupFacts, StandupOptions};
//!
//! # tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(async {
//! let model = OfflineModel::new();
//! assert!(!model.describe().needs_network);
//!
//! // In a service the facts come from the policy guard as `Authorized<_>` values.
//! let facts = StandupFacts::new("dana").with_person(PersonFacts::new("dana", "Dana"));
//! let standup = write_standup(&model, &facts, &StandupOptions::default()).await?;
//! assert!(standup.markdown.starts_with("# Standup"));
//! assert!(standup.usage.is_none());
//! # Ok::<(), async_llm::Error>(())
//! # }).expect("standup");
//! ```
//!
//! Switching to a provider changes only the model. A service usually picks one from its
//! configuration and keeps it as `Arc<dyn LanguageModel>`:
//!
//! ```no_run
//! use std::sync::Arc;
//! use async_llm::{AnthropicModel, GeminiModel, LanguageModel, OfflineModel, OpenAiModel};
//! use secrecy::SecretString;
//!
//! # fn main() -> Result<(), async_llm::Error> {
//! let key = |name: &str| std::env::var(name).ok().map(SecretString::from);
//! let model: Arc<dyn LanguageModel> = if let Some(key) = key("ANTHROPIC_API_KEY") {
//!     Arc::new(AnthropicModel::builder(key, "claude-sonnet-4-5").build()?)
//! } else if let Some(key) = key("OPENAI_API_KEY") {
//!     Arc::new(OpenAiModel::builder(key, "gpt-4.1-mini").build()?)
//! } else if let Some(key) = key("GEMINI_API_KEY") {
//!     Arc::new(GeminiModel::builder(key, "gemini-2.5-flash").build()?)
//! } else {
//!     Arc::new(OfflineModel::new())
//! };
//! # let _ = model;
//! # Ok(())
//! # }
//! ```
//!
//! # Providers
//!
//! | model | API | key header | structured output | notes |
//! | --- | --- | --- | --- | --- |
//! | [`AnthropicModel`] | Messages, `POST /v1/messages` | `x-api-key` | `output_config.format` | `anthropic-version: 2023-06-01`; prompt caching through `cache_control` markers ([`Message::with_cache_breakpoint`], [`CompletionRequest::with_cached_system`]) |
//! | [`OpenAiModel`] | Chat Completions, `POST {base}/chat/completions` | `Authorization: Bearer` | `response_format.json_schema` | base URL configurable for compatible servers (vLLM, Ollama, gateways); tolerant of missing and extra fields and unknown finish reasons; [`OpenAiModelBuilder::legacy_max_tokens`] for servers without `max_completion_tokens` |
//! | [`GeminiModel`] | `generateContent`, `streamGenerateContent?alt=sse` | `x-goog-api-key` | `responseMimeType` + `responseJsonSchema` | blocked prompts (`promptFeedback.blockReason`) and safety stops become [`Error::ContentFiltered`] naming the high safety ratings |
//! | [`OfflineModel`] | none | none | none | renders the attached [`FactSheet`] |
//!
//! Every provider maps neutral requests and responses through pure functions, streams
//! through one [`sse::SseDecoder`], classifies errors the same way and retries through
//! [`RetryPolicy`], so the conformance suite in `tests/conformance.rs` runs the same
//! scenarios against all three.
//!
//! # Streaming
//!
//! [`LanguageModel::stream`] returns a [`CompletionStream`] of [`StreamEvent`]s: text
//! deltas, running usage totals (each replaces the last, never summed), the stop reason,
//! and finally the whole response. An error that arrives inside a stream after HTTP 200
//! ends it with [`Error::StreamInterrupted`], which keeps the text received so far, so a
//! cut answer is never mistaken for a short one. A stream is retried only before its
//! first text. Each wait for data is bounded by an idle timeout (one minute by default);
//! only requests without streaming have a total timeout (ten minutes). Models without a
//! streaming API get a default `stream` that replays `complete`.
//!
//! # Errors and retries
//!
//! [`Error`] classifies failures as rate limited (with the delay and which limit),
//! overloaded, quota exhausted, authentication, permission, invalid request, context too
//! long, content filtered, server error, decode error (with the raw body) and stream
//! interrupted (with the partial text). Each keeps the status, the provider's request id,
//! its error code and message, and the rate-limit headers. [`RetryPolicy`] follows the
//! vendors' SDKs: `x-should-retry` first, then 408, 409, 429, 5xx and connection
//! failures; `retry-after-ms`, else `retry-after` up to 60 s, else backoff from 0.5 s to
//! 8 s with jitter; two retries; never an exhausted quota. The HTTP client's own retries
//! are turned off for model calls, so the two never stack.
//!
//! # Design
//!
//! Requests and responses are provider-neutral. A request carries a system prompt,
//! messages with roles and text parts, an output cap, temperature, stop sequences and
//! metadata. A response carries text parts, a [`StopReason`] (unknown reasons are kept as
//! [`StopReason::Other`]), [`Usage`] (a count the provider did not report is `None`, never
//! `0`), the model id and the provider's request id. A request may also carry an
//! [`OutputSchema`] for structured output and prompt-cache markers.
//!
//! The offline model cannot read a prompt, so a task attaches the structured facts it
//! built the prompt from to the request as a [`FactSheet`]. The offline model renders
//! them; network models ignore the attachment. Both answers therefore cover exactly the
//! same facts, selected once under the same token budget.
//!
//! # Composing models
//!
//! The [`middleware`] wrappers each hold a model and are themselves models, so they
//! stack through generics: [`Retry`](middleware::Retry),
//! [`Budget`](middleware::Budget) (refuses a request whose worst case could pass a token
//! or cost limit), [`Fallback`](middleware::Fallback) (a second model on overload, rate
//! limits or server errors), [`RateLimit`](middleware::RateLimit),
//! [`Record`](middleware::Record) and [`Replay`](middleware::Replay) (scrubbed exchanges
//! in files, for offline tests) and [`Traced`](middleware::Traced) (OpenTelemetry GenAI
//! span attributes). [`ModelExt`](middleware::ModelExt) chains them:
//!
//! ```
//! use async_llm::middleware::{BudgetLimits, ModelExt, SharedBudget};
//! use async_llm::{LanguageModel, OfflineModel, RetryPolicy};
//!
//! let budget = SharedBudget::new(BudgetLimits::default().with_max_tokens(200_000), None)?;
//! let model = OfflineModel::new()
//!     .with_budget(budget)
//!     .with_retry(RetryPolicy::default())
//!     .with_fallback(OfflineModel::new())
//!     .traced();
//! assert!(!model.describe().needs_network);
//! # Ok::<(), async_llm::Error>(())
//! ```
//!
//! # Usage and cost
//!
//! [`cost::PriceTable`] holds the operator's per-million-token prices per provider and
//! model, loaded from TOML, and prices a call's [`Usage`] as an exact decimal
//! [`cost::Cost`]. A model missing from the table has no cost (`None`), never zero. The
//! crate ships no prices as truth: `prices.example.toml` shows the format with dated
//! example figures that the operator must check.
//!
//! # Structured output
//!
//! [`structured::complete_structured`] asks any model for JSON matching a type's
//! [`OutputSchema`]: the schema goes to the provider's own mechanism and, by default,
//! into the system prompt; the reply is validated with the `jsonschema` crate,
//! deserialized, and asked for once more with the violations when it does not match. A
//! second mismatch is [`Error::SchemaMismatch`], which keeps the raw reply text and each
//! violation; its `Display` names only the places that failed, never the reply.
//!
//! # Tasks
//!
//! Every task takes its facts only as `async_policy::Authorized` values, checks that each
//! was approved for the task's viewer, purpose and data category and that the value's own
//! person or team is the scope it was approved for, fits a prompt to a
//! token budget (estimated at four characters per token), and works with the
//! [`OfflineModel`], which renders a plain result from the same facts:
//!
//! | task | purpose | prompt preview | offline result |
//! | --- | --- | --- | --- |
//! | [`tasks::standup::write_standup`] | standup | [`tasks::standup::standup_prompt`] | Done, In progress and Blocked per person, then team blockers |
//! | [`tasks::copilot::answer_question`] | copilot answer | [`tasks::copilot::copilot_prompt`] | the facts most relevant to the question, with their ids |
//! | [`tasks::retro::write_retrospective`] | retrospective | [`tasks::retro::retrospective_prompt`] | findings derived from completion, carry-over, blockers, scope added and review waits |
//! | [`tasks::meeting::extract_meeting_notes`] | meeting notes | [`tasks::meeting::meeting_notes_prompt`] | decisions and action items found by fixed phrases |
//!
//! The copilot, retrospective and meeting tasks use structured output. Every fact they
//! send has a stable [`tasks::FactId`] (`item:PAY-12`, `pr:acme/payments#42`, `cue:17`)
//! built from its own reference, the reply schema accepts only the ids that were sent,
//! and each result ties its sentences to the facts they rest on. The copilot ranks
//! facts by lexical relevance: each distinct question term found in a fact adds
//! `ln(1 + N/df) * (1 + ln tf)`, and naming the fact's reference adds 10.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! | --- | --- | --- |
//! | (none) | — | every item of this crate: the trait, the offline model, the three providers, middleware, cost, the tasks and the Slack converter |
//!
//! The providers are not behind features: they add no dependency beyond the HTTP client
//! and JSON support the crate needs anyway, so a feature per provider would save only a
//! few seconds of compilation.
//!
//! # Security
//!
//! - **What leaves the process.** Only a network model's request does: the system prompt
//!   and the user message built from the task's facts. Tasks accept facts only as
//!   `async_policy::Authorized` values, check that each was approved for the standup's
//!   viewer, purpose, person and category, and send nothing else. The attached
//!   [`FactSheet`] is never serialized. Metadata is not sent except Anthropic's
//!   `user_id`, which must be an opaque id.
//! - **Names.** People appear in the prompt under the name the caller gives them. With
//!   the tenant's `async_policy::Pseudonymizer` (`with_pseudonymizer` on
//!   [`tasks::standup::StandupFacts`], [`tasks::copilot::CopilotFacts`] and
//!   [`tasks::meeting::MeetingTranscript`]), each person appears only as a keyed
//!   pseudonym that is the same in every request of the tenant, and the result gets the
//!   names back before it is returned. Full names, and first names no other person of
//!   the prompt shares, are replaced as whole words in fact text too. Nicknames and
//!   names of people outside the prompt are not. A pseudonym collision is
//!   [`Error::PseudonymCollision`] and nothing is sent.
//! - **Whose facts.** The policy guard approves a fact only for the person or team the
//!   fact names, so a viewer cannot approve their own data and wrap another person's
//!   facts in it. Each task checks that binding again. A caller who builds a fact by
//!   hand and attributes another person's content to the wrong person is outside what a
//!   library can check.
//! - **Where it goes.** Every request goes through `async_core::http::HttpClient`, which
//!   enforces the egress allowlist before connecting: by default `api.anthropic.com`,
//!   `api.openai.com` and `generativelanguage.googleapis.com`, HTTPS only. An
//!   OpenAI-compatible server on another host works only after the embedding service
//!   adds that host with `EgressPolicy::allow_host`; [`OpenAiModelBuilder::build`]
//!   rejects a base URL the client's policy does not allow.
//! - **API keys.** Keys are `secrecy::SecretString`s, sent only in a header marked as
//!   sensitive (`x-api-key`, `Authorization`, `x-goog-api-key`; never Gemini's `?key=`
//!   query parameter, which proxies log), and never included in `Debug` output, errors
//!   or logs. Provider error messages are scrubbed of anything shaped like a key, because
//!   OpenAI echoes part of a rejected one. Errors carry the status, the provider's error
//!   code and message, the request id and the rate-limit headers, never a request body;
//!   an undecodable response keeps its first 2 KiB for [`Error::raw_body`], which
//!   `Display` does not print, and an interrupted stream keeps its partial text for
//!   [`Error::partial_text`], which neither `Display` nor `Debug` prints.
//! - **Logs.** The crate logs through `tracing` at `debug`: provider, model, status and
//!   request id, never a prompt or an answer. The one exception is opt-in:
//!   `Traced::with_content(true)` records prompts and answers on its spans.
//! - **Recordings.** `Record` writes no HTTP headers, and scrubs API keys, bearer and
//!   provider tokens, e-mail addresses and a supplied list of names from everything it
//!   writes; a test checks a recording for each of them.
//!
//! # Minimum supported Rust version
//!
//! Rust 1.89, the workspace's `rust-version`.

mod anthropic;
pub mod cost;
mod error;
mod gemini;
mod language_model;
pub mod middleware;
mod offline;
mod openai;
mod request;
mod response;
mod retry;
pub mod slack;
pub mod sse;
mod stream;
pub mod structured;
pub mod tasks;
#[cfg(test)]
mod test_support;
mod transport;

pub use anthropic::{AnthropicModel, AnthropicModelBuilder, DEFAULT_BASE_URL};
pub use error::{Error, PartialText, ProviderContext, RateLimitScope};
pub use gemini::{GEMINI_BASE_URL, GeminiModel, GeminiModelBuilder};
pub use language_model::LanguageModel;
pub use offline::OfflineModel;
pub use openai::{OPENAI_BASE_URL, OpenAiModel, OpenAiModelBuilder};
pub use request::{CompletionRequest, ContentPart, FactSheet, Message, OutputSchema, Role};
pub use response::{CompletionResponse, ModelInfo, StopReason, Usage};
pub use retry::{RetryDecision, RetryPolicy};
pub use stream::{CompletionStream, StreamEvent};
