//! Retrying failed calls with the vendors' backoff rules.

use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use futures::stream;

use super::first_content::{Prefetched, prefetch};
use crate::RetryDecision;
use crate::{
    CompletionRequest, CompletionResponse, CompletionStream, Error, LanguageModel, ModelInfo,
    RetryPolicy,
};

/// Retries a model's failed calls as a [`RetryPolicy`] decides.
///
/// The policy decides from the error and the retries done so far: whether the error is
/// retryable (the provider's `x-should-retry`, then the error class) and how long to
/// wait (the provider's delay, else exponential backoff with jitter). Waits use tokio's
/// timer, so tests can run with paused time.
///
/// A stream is retried only before its first text arrives: a failure before that starts
/// the stream again, while a failure after it is returned, because the caller has already
/// seen part of the reply.
///
/// The network providers already retry by their own [`RetryPolicy`]. To retry here
/// instead, for example so that each attempt passes through a [`RateLimit`] or a whole
/// stack is retried, build the provider with `retry_policy(RetryPolicy::none())`.
/// Otherwise the attempts multiply.
///
/// [`RateLimit`]: super::RateLimit
///
/// # Examples
///
/// ```
/// use async_llm::middleware::Retry;
/// use async_llm::{OfflineModel, RetryPolicy};
///
/// let model = Retry::new(OfflineModel::new(), RetryPolicy::default().with_max_retries(3));
/// # let _ = model;
/// ```
#[derive(Debug, Clone)]
pub struct Retry<M> {
    inner: M,
    policy: RetryPolicy,
}

impl<M: LanguageModel> Retry<M> {
    /// Wraps `inner`, retrying as `policy` decides.
    pub fn new(inner: M, policy: RetryPolicy) -> Self {
        Self { inner, policy }
    }

    /// Returns the policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Returns the wrapped model.
    pub fn inner(&self) -> &M {
        &self.inner
    }

    /// Returns the delay before the next attempt, or `None` to give up.
    fn next_delay(&self, error: &Error, retries_done: u32) -> Option<Duration> {
        match self.policy.decide(error, retries_done) {
            RetryDecision::Retry(delay) => Some(delay),
            RetryDecision::GiveUp => None,
        }
    }
}

#[async_trait]
impl<M: LanguageModel> LanguageModel for Retry<M> {
    /// Completes the request, retrying failures the policy allows.
    ///
    /// # Errors
    ///
    /// Returns the last error when the policy gives up.
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        self.policy
            .run(|_attempt| self.inner.complete(request))
            .await
    }

    /// Streams the request, starting it again after failures before the first text.
    ///
    /// # Errors
    ///
    /// Returns the last error when the policy gives up before any text arrived.
    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        let mut retries_done = 0;
        loop {
            let error = match self.inner.stream(request).await {
                Ok(stream) => match prefetch(stream).await {
                    Prefetched::Started { seen, rest } => {
                        return Ok(CompletionStream::new(stream::iter(seen).chain(rest)));
                    }
                    Prefetched::Failed(error) => error,
                },
                Err(error) => error,
            };

            let Some(delay) = self.next_delay(&error, retries_done) else {
                return Err(error);
            };
            tracing::debug!(
                attempt = retries_done + 1,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                status = error.status(),
                "retrying model stream before its first text"
            );
            tokio::time::sleep(delay).await;
            retries_done += 1;
        }
    }

    fn describe(&self) -> ModelInfo {
        self.inner.describe()
    }
}
