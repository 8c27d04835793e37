//! The language-model layer of the ASYNC SDK: a provider-neutral [`LanguageModel`] trait,
//! a deterministic [`OfflineModel`], the Anthropic Messages API ([`AnthropicModel`]), and
//! the writing tasks that turn policy-approved facts into prose.
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
//! Switching to Claude changes only the model:
//!
//! ```no_run
//! use async_llm::AnthropicModel;
//! use secrecy::SecretString;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key = SecretString::from(std::env::var("ANTHROPIC_API_KEY")?);
//! let model = AnthropicModel::builder(key, "claude-sonnet-4-5").build()?;
//! # let _ = model;
//! # Ok(())
//! # }
//! ```
//!
//! # Design
//!
//! Requests and responses are provider-neutral. A request carries a system prompt,
//! messages with roles and text parts, an output cap, temperature, stop sequences and
//! metadata. A response carries text parts, a [`StopReason`] (unknown reasons are kept as
//! [`StopReason::Other`]), [`Usage`] (a count the provider did not report is `None`, never
//! `0`), the model id and the provider's request id. Each provider maps them with pure functions, so the mapping is unit-tested
//! without a server. Streaming is not part of the trait yet.
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
//! # Features
//!
//! | feature | default | what it adds |
//! | --- | --- | --- |
//! | (none) | — | every item of this crate: the trait, the offline and Anthropic models, the standup task and the Slack converter |
//!
//! The crate has no optional features yet; OpenAI and Gemini providers will arrive behind
//! their own features.
//!
//! # Security
//!
//! - **What leaves the process.** Only a network model's request does: the system prompt
//!   and the user message built from the task's facts. Tasks accept facts only as
//!   `async_policy::Authorized` values, check that each was approved for the standup's
//!   viewer, purpose, person and category, and send nothing else; the attached
//!   [`FactSheet`] is never serialized. Metadata is not sent except Anthropic's
//!   `user_id`, which must be an opaque id.
//! - **Names.** People appear in the prompt under the label the caller gives them.
//!   `StandupOptions::with_pseudonyms` sends `Person 1`, `Person 2`, ... instead and puts
//!   the names back into the written standup. Names inside fact text (titles, blocker
//!   summaries, chat excerpts) are not replaced.
//! - **Where it goes.** Every request goes through `async_core::http::HttpClient`, which
//!   enforces the egress allowlist (`api.anthropic.com` by default, HTTPS only) before
//!   connecting.
//! - **API keys.** Keys are `secrecy::SecretString`s, sent only in the `x-api-key` header
//!   marked as sensitive, and never included in `Debug` output, errors or logs. Errors
//!   carry the status, the provider's error type and message and the request id, never
//!   a request body; an undecodable response keeps its first 2 KiB for
//!   [`Error::raw_body`], which `Display` does not print.
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
