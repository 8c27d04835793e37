//! Falling back to a second model on classified failures.

use async_trait::async_trait;
use futures::{StreamExt, stream};

use super::first_content::{Prefetched, prefetch};
use crate::{
    CompletionRequest, CompletionResponse, CompletionStream, Error, LanguageModel, ModelInfo,
};

/// The failures after which [`Fallback`] sends the request to its second model.
///
/// The default covers the failures a second provider can help with: the first provider
/// is overloaded, rate limits the account, or fails on its side. Exhausted quotas and
/// transport failures (connection refused, timed out) can be added. Invalid requests,
/// authentication and permission failures, prompts too long and blocked content are never
/// among them, because they are the caller's to fix and a second model would hide them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FallbackOn {
    /// The provider is overloaded.
    pub overloaded: bool,
    /// The provider rate limits the account.
    pub rate_limited: bool,
    /// The provider failed with a server error.
    pub server_error: bool,
    /// The account's quota or spend limit is exhausted.
    pub quota_exhausted: bool,
    /// The request could not be sent or its response not read.
    pub transport: bool,
}

impl Default for FallbackOn {
    fn default() -> Self {
        Self {
            overloaded: true,
            rate_limited: true,
            server_error: true,
            quota_exhausted: false,
            transport: false,
        }
    }
}

impl FallbackOn {
    /// Falls back on none of the failures; enable them one by one.
    pub fn none() -> Self {
        Self {
            overloaded: false,
            rate_limited: false,
            server_error: false,
            quota_exhausted: false,
            transport: false,
        }
    }

    /// Sets whether an overloaded provider triggers the fallback.
    #[must_use]
    pub fn overloaded(mut self, enabled: bool) -> Self {
        self.overloaded = enabled;
        self
    }

    /// Sets whether a rate limit triggers the fallback.
    #[must_use]
    pub fn rate_limited(mut self, enabled: bool) -> Self {
        self.rate_limited = enabled;
        self
    }

    /// Sets whether a provider server error triggers the fallback.
    #[must_use]
    pub fn server_error(mut self, enabled: bool) -> Self {
        self.server_error = enabled;
        self
    }

    /// Sets whether an exhausted quota triggers the fallback.
    #[must_use]
    pub fn quota_exhausted(mut self, enabled: bool) -> Self {
        self.quota_exhausted = enabled;
        self
    }

    /// Sets whether a transport failure triggers the fallback.
    #[must_use]
    pub fn transport(mut self, enabled: bool) -> Self {
        self.transport = enabled;
        self
    }

    /// Returns whether `error` triggers the fallback.
    pub fn matches(&self, error: &Error) -> bool {
        match error {
            Error::Overloaded { .. } => self.overloaded,
            Error::RateLimited { .. } => self.rate_limited,
            Error::Server { .. } => self.server_error,
            Error::QuotaExhausted { .. } => self.quota_exhausted,
            Error::Transport(_) => self.transport,
            _ => false,
        }
    }
}

/// Sends a request to a second model when the first fails in a configured way.
///
/// Only the failures in [`FallbackOn`] switch models; every other error is returned as
/// the first model gave it. When both fail, the second model's error is returned and the
/// first one is logged at `debug`. [`LanguageModel::describe`] reports the first model.
///
/// # Examples
///
/// ```
/// use async_llm::middleware::{Fallback, FallbackOn};
/// use async_llm::{LanguageModel, OfflineModel};
///
/// let model = Fallback::new(OfflineModel::new(), OfflineModel::new())
///     .on(FallbackOn::default().quota_exhausted(true));
/// assert_eq!(model.describe().provider, "offline");
/// ```
#[derive(Debug, Clone)]
pub struct Fallback<P, S> {
    primary: P,
    secondary: S,
    on: FallbackOn,
}

impl<P: LanguageModel, S: LanguageModel> Fallback<P, S> {
    /// Sends to `primary`, then to `secondary` on the default [`FallbackOn`] failures.
    pub fn new(primary: P, secondary: S) -> Self {
        Self {
            primary,
            secondary,
            on: FallbackOn::default(),
        }
    }

    /// Sets the failures that switch to the second model.
    #[must_use]
    pub fn on(mut self, on: FallbackOn) -> Self {
        self.on = on;
        self
    }

    /// Returns the first model.
    pub fn primary(&self) -> &P {
        &self.primary
    }

    /// Returns the second model.
    pub fn secondary(&self) -> &S {
        &self.secondary
    }
}

impl<P: LanguageModel, S: LanguageModel> Fallback<P, S> {
    fn log_fallback(&self, error: &Error) {
        let secondary = self.secondary.describe();
        tracing::debug!(
            error = %error,
            fallback.provider = %secondary.provider,
            fallback.model = %secondary.model,
            "first model failed; falling back"
        );
    }
}

#[async_trait]
impl<P: LanguageModel, S: LanguageModel> LanguageModel for Fallback<P, S> {
    /// Completes with the first model, or with the second after a configured failure.
    ///
    /// # Errors
    ///
    /// Returns the first model's error when it is not a configured failure, else the
    /// second model's error.
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let error = match self.primary.complete(request).await {
            Ok(response) => return Ok(response),
            Err(error) if self.on.matches(&error) => error,
            Err(error) => return Err(error),
        };

        self.log_fallback(&error);
        self.secondary.complete(request).await
    }

    /// Streams with the first model, or with the second after a configured failure
    /// before the first model's first text.
    ///
    /// # Errors
    ///
    /// Returns the first model's error when it is not a configured failure, else the
    /// second model's error. A failure after text arrived stays in the stream.
    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        let started = match self.primary.stream(request).await {
            Ok(stream) => prefetch(stream).await,
            Err(error) => Prefetched::Failed(error),
        };
        let error = match started {
            Prefetched::Started { seen, rest } => {
                return Ok(CompletionStream::new(stream::iter(seen).chain(rest)));
            }
            Prefetched::Failed(error) if self.on.matches(&error) => error,
            Prefetched::Failed(error) => return Err(error),
        };

        self.log_fallback(&error);
        self.secondary.stream(request).await
    }

    fn describe(&self) -> ModelInfo {
        self.primary.describe()
    }
}
