//! A client-side rate limit on requests and tokens.
//!
//! The limiter is `governor`'s GCRA rate limiter, driven by a clock that reads
//! [`tokio::time::Instant`], so waits use tokio's timer and tests run with paused time.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use super::estimate::estimate_max_tokens;
use crate::{
    CompletionRequest, CompletionResponse, CompletionStream, Error, LanguageModel, ModelInfo,
};

/// A governor clock that reads tokio's clock, as time elapsed since the limiter was made.
#[derive(Debug, Clone, Copy)]
struct TokioClock {
    origin: tokio::time::Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

/// The limits of a [`SharedRateLimit`]: requests, tokens, or both, each per interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// At most this many requests per interval.
    pub requests: Option<(u32, Duration)>,
    /// At most this many tokens (estimated input plus the output cap) per interval.
    pub tokens: Option<(u32, Duration)>,
}

impl RateLimits {
    /// Allows `count` requests per `interval`.
    #[must_use]
    pub fn with_requests(mut self, count: u32, interval: Duration) -> Self {
        self.requests = Some((count, interval));
        self
    }

    /// Allows `count` tokens per `interval`.
    #[must_use]
    pub fn with_tokens(mut self, count: u32, interval: Duration) -> Self {
        self.tokens = Some((count, interval));
        self
    }
}

/// A rate limiter on requests and tokens that several calls and wrappers share.
///
/// Each limit lets a full interval's worth through at once and then refills evenly over
/// the interval (a generic cell rate algorithm). A request counts its estimated input
/// tokens plus its output cap, because the output is unknown before the reply arrives.
/// Cloning it shares the same limiter.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use async_llm::middleware::{RateLimits, SharedRateLimit};
///
/// let limits = RateLimits::default()
///     .with_requests(50, Duration::from_secs(60))
///     .with_tokens(40_000, Duration::from_secs(60));
/// let limit = SharedRateLimit::new(limits)?;
/// # let _ = limit;
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Clone)]
pub struct SharedRateLimit {
    limits: RateLimits,
    clock: TokioClock,
    requests: Option<Arc<Limiter>>,
    tokens: Option<Arc<Limiter>>,
}

impl fmt::Debug for SharedRateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedRateLimit")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl SharedRateLimit {
    /// Creates a limiter for `limits`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when a limit allows zero per interval or its
    /// interval is zero.
    pub fn new(limits: RateLimits) -> Result<Self, Error> {
        let clock = TokioClock {
            origin: tokio::time::Instant::now(),
        };
        let requests = limits
            .requests
            .map(|(count, interval)| limiter("requests", count, interval, clock))
            .transpose()?;
        let tokens = limits
            .tokens
            .map(|(count, interval)| limiter("tokens", count, interval, clock))
            .transpose()?;

        Ok(Self {
            limits,
            clock,
            requests,
            tokens,
        })
    }

    /// Returns the limits.
    pub fn limits(&self) -> RateLimits {
        self.limits
    }

    /// Waits until one request of `tokens` tokens may be sent.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when `tokens` exceeds what the token limit allows
    /// in a whole interval, because waiting would never help.
    pub async fn acquire(&self, tokens: u64) -> Result<(), Error> {
        let cells = self.token_cells(tokens)?;
        if let Some(limiter) = &self.requests {
            self.wait(limiter, NonZeroU32::MIN).await;
        }
        if let (Some(limiter), Some(cells)) = (&self.tokens, cells) {
            self.wait(limiter, cells).await;
        }
        Ok(())
    }

    /// Converts a token count into limiter cells, checking it fits one interval.
    fn token_cells(&self, tokens: u64) -> Result<Option<NonZeroU32>, Error> {
        let Some((limit, interval)) = self.limits.tokens else {
            return Ok(None);
        };
        if tokens > u64::from(limit) {
            return Err(Error::InvalidConfig(format!(
                "the request may use {tokens} tokens but the rate limit allows {limit} per \
                 {interval:?}; raise the token limit or lower max_output_tokens"
            )));
        }
        // The check above bounds `tokens` by a u32.
        Ok(u32::try_from(tokens).ok().and_then(NonZeroU32::new))
    }

    async fn wait(&self, limiter: &Limiter, cells: NonZeroU32) {
        // `token_cells` checked the capacity, so `check_n` cannot report it short; treat
        // that case as allowed rather than looping forever.
        while let Ok(Err(not_until)) = limiter.check_n(cells) {
            let delay = not_until.wait_time_from(self.clock.now());
            tracing::debug!(
                delay_ms = delay.as_millis() as u64,
                "client rate limit; waiting"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

fn limiter(
    name: &str,
    count: u32,
    interval: Duration,
    clock: TokioClock,
) -> Result<Arc<Limiter>, Error> {
    let invalid = || {
        Error::InvalidConfig(format!(
            "the {name} rate limit of {count} per {interval:?} is invalid; use a count and an \
             interval above zero"
        ))
    };
    let burst = NonZeroU32::new(count).ok_or_else(invalid)?;
    if interval.is_zero() {
        return Err(invalid());
    }
    // The limiter refills one unit per interval / count, which must be at least 1 ns.
    let quota = Quota::with_period(interval / count)
        .ok_or_else(|| {
            Error::InvalidConfig(format!(
                "the {name} rate limit of {count} per {interval:?} refills faster than one \
                 per nanosecond; use a longer interval"
            ))
        })?
        .allow_burst(burst);
    Ok(Arc::new(RateLimiter::direct_with_clock(quota, clock)))
}

/// Delays requests so they stay within a [`SharedRateLimit`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use async_llm::middleware::{RateLimit, RateLimits, SharedRateLimit};
/// use async_llm::OfflineModel;
///
/// let limit = SharedRateLimit::new(RateLimits::default().with_requests(5, Duration::from_secs(1)))?;
/// let model = RateLimit::new(OfflineModel::new(), limit);
/// # let _ = model;
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RateLimit<M> {
    inner: M,
    limit: SharedRateLimit,
}

impl<M: LanguageModel> RateLimit<M> {
    /// Wraps `inner` so its calls wait for `limit`.
    pub fn new(inner: M, limit: SharedRateLimit) -> Self {
        Self { inner, limit }
    }

    /// Returns the wrapped model.
    pub fn inner(&self) -> &M {
        &self.inner
    }
}

#[async_trait]
impl<M: LanguageModel> LanguageModel for RateLimit<M> {
    /// Waits for the rate limit, then completes the request.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when the request needs more tokens than the limit
    /// allows per interval, and the wrapped model's errors.
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        self.limit.acquire(estimate_max_tokens(request)).await?;
        self.inner.complete(request).await
    }

    /// Waits for the rate limit, then starts the stream.
    ///
    /// # Errors
    ///
    /// The same as [`complete`](LanguageModel::complete).
    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        self.limit.acquire(estimate_max_tokens(request)).await?;
        self.inner.stream(request).await
    }

    fn describe(&self) -> ModelInfo {
        self.inner.describe()
    }
}
