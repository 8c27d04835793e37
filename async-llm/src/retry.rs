//! When a failed model call is sent again, and after how long.
//!
//! The rules are those of the official Anthropic and OpenAI SDKs, which share one
//! generated base client: obey `x-should-retry`; retry 408, 409, 429, 5xx (529 included)
//! and connection failures; wait `retry-after-ms`, else `retry-after` when it is more than
//! zero and at most 60 seconds, else back off exponentially from 0.5 s up to 8 s, losing
//! up to a quarter at random; stop after two retries. This crate adds one rule the SDKs
//! leave to the caller: an exhausted quota or spend limit is never retried, because it
//! does not clear within minutes.
//!
//! The decision is a pure function of the error, the retries already made and a jitter
//! value, so it is tested without clocks; [`RetryPolicy::run`] wraps it around an async
//! operation. Providers use it for every call, and middleware may reuse it.

use std::future::Future;
use std::time::Duration;

use rand::Rng;

use crate::Error;

/// How often and how long a model call is retried.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use async_llm::{Error, ProviderContext, RetryDecision, RetryPolicy};
///
/// let policy = RetryPolicy::default();
/// let context = ProviderContext::new("anthropic", "messages.create")
///     .with_status(529)
///     .with_retry_after(Some(Duration::from_secs(3)));
/// let overloaded = Error::Overloaded { context: Box::new(context) };
///
/// assert_eq!(policy.decide(&overloaded, 0), RetryDecision::Retry(Duration::from_secs(3)));
/// assert_eq!(policy.decide(&overloaded, 2), RetryDecision::GiveUp);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_delay: Duration,
    max_delay: Duration,
    max_server_delay: Duration,
}

impl Default for RetryPolicy {
    /// Two retries, backoff from 0.5 s up to 8 s, and a server-named delay honoured up to
    /// 60 s: the defaults of the official Anthropic and OpenAI SDKs.
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_server_delay: Duration::from_secs(60),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Send the request again after this delay.
    Retry(Duration),
    /// Return the error: it is not retryable, or the retries are used up.
    GiveUp,
}

impl RetryPolicy {
    /// Creates a policy that never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets how many times a request may be sent again after the first attempt.
    #[must_use]
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the backoff before the first retry when the provider names no delay.
    #[must_use]
    pub fn with_initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// Sets the longest backoff when the provider names no delay.
    #[must_use]
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets the longest provider-named delay that is honoured; a longer one falls back to
    /// the backoff, as the vendors' SDKs do.
    #[must_use]
    pub fn with_max_server_delay(mut self, delay: Duration) -> Self {
        self.max_server_delay = delay;
        self
    }

    /// The number of retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Decides whether to retry after `error`, when `retries_done` retries were already
    /// made, with a random jitter.
    pub fn decide(&self, error: &Error, retries_done: u32) -> RetryDecision {
        let jitter = rand::thread_rng().gen_range(0.0..=1.0);
        self.decide_with_jitter(error, retries_done, jitter)
    }

    /// Decides like [`decide`](Self::decide) with a given jitter in `0.0..=1.0`, where `1.0`
    /// removes the most (a quarter) from the backoff.
    pub fn decide_with_jitter(
        &self,
        error: &Error,
        retries_done: u32,
        jitter: f64,
    ) -> RetryDecision {
        if retries_done >= self.max_retries || !error.is_retryable() {
            return RetryDecision::GiveUp;
        }
        let named = error
            .retry_after()
            .filter(|delay| !delay.is_zero() && *delay <= self.max_server_delay);
        RetryDecision::Retry(named.unwrap_or_else(|| self.backoff(retries_done, jitter)))
    }

    /// Returns the backoff before retry number `retries_done + 1`: the initial delay
    /// doubled per retry already made, capped at the max delay, less `jitter` quarters.
    pub fn backoff(&self, retries_done: u32, jitter: f64) -> Duration {
        let doubled = self
            .initial_delay
            .saturating_mul(1_u32 << retries_done.min(20));
        let capped = doubled.min(self.max_delay);
        capped.mul_f64(1.0 - 0.25 * jitter.clamp(0.0, 1.0))
    }

    /// Runs `operation` until it succeeds or the policy gives up, sleeping between
    /// attempts. The operation receives the attempt number, starting at 1.
    ///
    /// # Errors
    ///
    /// Returns the last attempt's error when it is not retryable or no retry is left.
    pub async fn run<T, F, Fut>(&self, mut operation: F) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut retries_done = 0;
        loop {
            let error = match operation(retries_done + 1).await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let RetryDecision::Retry(delay) = self.decide(&error, retries_done) else {
                return Err(error);
            };
            tracing::debug!(
                attempt = retries_done + 1,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                status = error.status(),
                request_id = error.request_id(),
                "retrying model call"
            );
            tokio::time::sleep(delay).await;
            retries_done += 1;
        }
    }
}

#[cfg(test)]
mod tests;
