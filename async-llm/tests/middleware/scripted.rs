//! A model that returns scripted results, for testing middleware without a server.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use async_llm::{
    CompletionRequest, CompletionResponse, CompletionStream, ContentPart, Error, LanguageModel,
    ModelInfo, ProviderContext, RateLimitScope, StopReason, StreamEvent, Usage,
};
use async_trait::async_trait;
use futures::stream;

/// One scripted result.
pub(crate) enum Step {
    /// Return this response (streamed as one delta).
    Reply(CompletionResponse),
    /// Fail with this error before any output.
    Fail(Error),
    /// Stream exactly these events.
    Events(Vec<Result<StreamEvent, Error>>),
}

/// A model that pops one step per call and remembers every request it saw.
pub(crate) struct Scripted {
    info: ModelInfo,
    steps: Mutex<VecDeque<Step>>,
    seen: Mutex<Vec<CompletionRequest>>,
}

impl Scripted {
    pub(crate) fn new(provider: &str, model: &str, steps: Vec<Step>) -> Self {
        Self {
            info: ModelInfo::new(provider, model),
            steps: Mutex::new(steps.into()),
            seen: Mutex::new(Vec::new()),
        }
    }

    /// Returns how many calls reached the model.
    pub(crate) fn calls(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }

    /// Returns the requests the model saw.
    pub(crate) fn requests(&self) -> Vec<CompletionRequest> {
        self.seen.lock().expect("lock").clone()
    }

    fn next(&self, request: &CompletionRequest) -> Step {
        self.seen.lock().expect("lock").push(request.clone());
        self.steps
            .lock()
            .expect("lock")
            .pop_front()
            .unwrap_or_else(|| Step::Fail(Error::InvalidConfig("script exhausted".into())))
    }
}

impl std::fmt::Debug for Scripted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scripted")
            .field("info", &self.info)
            .finish()
    }
}

#[async_trait]
impl LanguageModel for Scripted {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        match self.next(request) {
            Step::Reply(response) => Ok(response),
            Step::Fail(error) => Err(error),
            Step::Events(events) => {
                CompletionStream::new(stream::iter(events))
                    .into_response()
                    .await
            }
        }
    }

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        match self.next(request) {
            Step::Reply(response) => Ok(CompletionStream::from_response(response)),
            Step::Fail(error) => Err(error),
            Step::Events(events) => Ok(CompletionStream::new(stream::iter(events))),
        }
    }

    fn describe(&self) -> ModelInfo {
        self.info.clone()
    }
}

/// Builds a response with `text` and the given token counts.
pub(crate) fn reply(text: &str, input: u64, output: u64) -> CompletionResponse {
    CompletionResponse::new(
        vec![ContentPart::Text(text.to_owned())],
        StopReason::EndTurn,
        "model-1",
    )
    .with_usage(Usage::new().with_uncached_input(input).with_output(output))
    .with_request_id(Some("req_1".to_owned()))
}

fn plain_context(status: u16) -> ProviderContext {
    ProviderContext::new("scripted", "complete")
        .with_status(status)
        .with_request_id(Some(format!("req_{status}")))
}

fn context(status: u16) -> Box<ProviderContext> {
    Box::new(plain_context(status))
}

pub(crate) fn overloaded() -> Error {
    Error::Overloaded {
        context: context(529),
    }
}

pub(crate) fn rate_limited(retry_after: Option<Duration>) -> Error {
    let context = plain_context(429).with_retry_after(retry_after);
    Error::RateLimited {
        context: Box::new(context),
        scope: RateLimitScope::Requests,
    }
}

pub(crate) fn server_error() -> Error {
    Error::Server {
        context: context(500),
    }
}

pub(crate) fn quota_exhausted() -> Error {
    Error::QuotaExhausted {
        context: context(429),
    }
}

pub(crate) fn authentication() -> Error {
    Error::Authentication {
        context: context(401),
    }
}

pub(crate) fn invalid_request() -> Error {
    Error::InvalidRequest {
        context: context(400),
    }
}

/// Builds a request with a user message of `chars` characters and an output cap.
pub(crate) fn request(chars: usize, max_output: u32) -> CompletionRequest {
    CompletionRequest::new(
        vec![async_llm::Message::user("x".repeat(chars))],
        max_output,
    )
}
