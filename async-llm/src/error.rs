//! The crate's error type and the origin every provider error carries.

mod context;
mod scrub;

use std::fmt;
use std::time::Duration;

use crate::StopReason;

pub use context::{ProviderContext, RateLimitScope};
pub(crate) use scrub::scrub_secrets;

/// The maximum size, in bytes, of the raw body a decode error keeps.
pub(crate) const MAX_RAW_BODY: usize = 2048;

/// Everything that can go wrong in `async-llm`.
///
/// Provider failures are classified by what the caller can do about them, the way the
/// vendors' own SDKs decide retries: wait and retry ([`RateLimited`](Error::RateLimited),
/// [`Overloaded`](Error::Overloaded), [`Server`](Error::Server)), fix the account
/// ([`QuotaExhausted`](Error::QuotaExhausted), [`Authentication`](Error::Authentication)),
/// or fix the request ([`InvalidRequest`](Error::InvalidRequest),
/// [`ContextTooLong`](Error::ContextTooLong), [`ContentFiltered`](Error::ContentFiltered)).
/// Each carries a [`ProviderContext`] with the provider, the operation, the HTTP status,
/// the provider's request id, its error code and message, the delay it asked for and its
/// rate-limit headers.
///
/// `Display` gives one lowercase line without any prompt, body or secret; the cause, when
/// there is one, is reached through [`std::error::Error::source`]. Provider messages are
/// scrubbed of anything that looks like an API key before they are stored, because some
/// providers echo part of a rejected key.
///
/// # Examples
///
/// ```
/// use async_llm::{Error, ProviderContext, RateLimitScope};
///
/// let context = ProviderContext::new("openai", "chat.completions").with_status(429);
/// let error = Error::RateLimited { context: Box::new(context), scope: RateLimitScope::Tokens };
/// assert!(error.is_retryable());
/// assert_eq!(error.status(), Some(429));
/// assert_eq!(error.to_string(), "openai chat.completions (HTTP 429): rate limited (tokens); retry later");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The provider rejected the request because of a short-term rate limit of the account.
    #[error("{context}: rate limited ({scope}){}", RetryHint(context.retry_after))]
    RateLimited {
        /// The origin of the failure.
        context: Box<ProviderContext>,
        /// The exhausted limit, when the response named it.
        scope: RateLimitScope,
    },
    /// The provider as a whole is overloaded (Anthropic's 529, Gemini's 503 `UNAVAILABLE`).
    #[error("{context}: provider overloaded{}", RetryHint(context.retry_after))]
    Overloaded {
        /// The origin of the failure.
        context: Box<ProviderContext>,
    },
    /// The account's quota, credit or spend limit is exhausted. Retrying does not help
    /// until the billing settings or the quota period change, so it is never retried.
    #[error("{context}: quota or spend limit exhausted; check the account's billing and quota")]
    QuotaExhausted {
        /// The origin of the failure.
        context: Box<ProviderContext>,
    },
    /// The API key is missing, invalid or revoked.
    #[error("{context}: authentication failed; check the API key")]
    Authentication {
        /// The origin of the failure.
        context: Box<ProviderContext>,
    },
    /// The API key is valid but not allowed to use this resource or model.
    #[error("{context}: permission denied; check the key's project and model access")]
    PermissionDenied {
        /// The origin of the failure.
        context: Box<ProviderContext>,
    },
    /// The request is invalid (a bad parameter, an unknown model, a body too large).
    #[error("{context}: invalid request")]
    InvalidRequest {
        /// The origin of the failure.
        context: Box<ProviderContext>,
    },
    /// The prompt plus the requested output does not fit the model's context window.
    #[error("{context}: prompt too long for the context window; shrink the token budget")]
    ContextTooLong {
        /// The origin of the failure.
        context: Box<ProviderContext>,
    },
    /// The provider blocked the prompt or the answer for its content (Gemini's
    /// `promptFeedback.blockReason`, an OpenAI refusal), so no answer is available.
    #[error("{context}: content blocked by the provider ({reason})")]
    ContentFiltered {
        /// The origin of the failure.
        context: Box<ProviderContext>,
        /// The provider's reason (`"SAFETY"`, `"refusal"`, `"content_filter"`).
        reason: String,
    },
    /// The provider failed on its side (HTTP 5xx other than overload).
    #[error("{context}: provider server error")]
    Server {
        /// The origin of the failure.
        context: Box<ProviderContext>,
    },
    /// A response or stream event could not be decoded.
    #[error("{context}: could not decode the response")]
    Decode {
        /// The origin of the failure.
        context: Box<ProviderContext>,
        /// The first bytes of the body, for diagnosis; never logged or displayed.
        raw_body: String,
        /// The decoder's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A stream failed after it had started: the provider sent an error event after
    /// HTTP 200, the connection broke, or no data arrived within the idle timeout.
    ///
    /// The text received before the failure is kept in [`Error::partial_text`], so the
    /// caller never mistakes a cut answer for a complete one.
    #[error("{context}: stream interrupted after {} bytes of text", partial_text.len())]
    StreamInterrupted {
        /// The origin of the failure.
        context: Box<ProviderContext>,
        /// The text received before the failure.
        partial_text: PartialText,
        /// The classified failure (an [`Error::Overloaded`] event, a transport error).
        #[source]
        source: Box<Error>,
    },
    /// The model returned no text (for example it refused, or spent the output budget).
    #[error("{context}: the model returned no text (stop reason: {stop_reason})")]
    EmptyOutput {
        /// The origin of the failure.
        context: Box<ProviderContext>,
        /// The reason the model stopped.
        stop_reason: StopReason,
    },
    /// The model's reply did not match the requested output schema, even after the
    /// allowed retries; the mismatch keeps the raw text and every violation.
    #[error("{0}")]
    SchemaMismatch(Box<crate::structured::SchemaMismatch>),
    /// The model or task is misconfigured (an invalid base URL, for example).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// A task was given an approval for another slot, purpose or viewer.
    #[error("authorization mismatch: {0}")]
    AuthorizationMismatch(String),
    /// Two people of a prompt received the same keyed pseudonym, so the task sent
    /// nothing; rotate the tenant's pseudonym key.
    #[error(transparent)]
    PseudonymCollision(#[from] async_policy::PseudonymCollision),
    /// A budget refused the request before it was sent, because its worst case could
    /// pass the budget's token or cost limit.
    #[error(transparent)]
    BudgetExceeded(Box<crate::middleware::BudgetExceeded>),
    /// The request could not be sent or its response could not be read (egress denied,
    /// connection failed, timed out).
    #[error(transparent)]
    Transport(#[from] async_core::Error),
}

impl Error {
    /// Returns whether sending the same request again may succeed, by the vendors' rules.
    ///
    /// `x-should-retry` decides when the provider sent it, except that an exhausted quota
    /// is never retried. Otherwise rate limits, overload, server errors, HTTP 408 and 409,
    /// and connection failures and timeouts are retryable. An interrupted stream is
    /// retryable only when no text had arrived and its cause is.
    /// [`RetryPolicy`](crate::RetryPolicy) adds the attempt limit and the delay.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::QuotaExhausted { .. } => return false,
            Error::StreamInterrupted {
                partial_text,
                source,
                ..
            } => return partial_text.is_empty() && source.is_retryable(),
            Error::Transport(error) => return is_transport_retryable(error),
            _ => {}
        }
        if let Some(should_retry) = self.context().and_then(|context| context.should_retry) {
            return should_retry;
        }
        match self {
            Error::RateLimited { .. } | Error::Overloaded { .. } | Error::Server { .. } => true,
            _ => self
                .status()
                .is_some_and(|status| matches!(status, 408 | 409 | 429 | 500..)),
        }
    }

    /// Returns the delay the provider asked for before the next attempt, if any.
    ///
    /// It comes from `retry-after-ms`, else `retry-after` (seconds or an HTTP-date), else
    /// a retry delay in the error body (Gemini's `RetryInfo`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Transport(error) => error.retry_after(),
            Error::StreamInterrupted { source, .. } => source.retry_after(),
            _ => self.context().and_then(|context| context.retry_after),
        }
    }

    /// Returns whether the request hit a rate limit, with or without a known delay.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    /// Returns whether the account's quota or spend limit is exhausted.
    pub fn is_quota_exhausted(&self) -> bool {
        matches!(self, Error::QuotaExhausted { .. })
    }

    /// Returns whether the credentials are at fault, so a new API key may help.
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            Error::Authentication { .. } | Error::PermissionDenied { .. }
        )
    }

    /// Returns whether the prompt did not fit the model's context window.
    pub fn is_context_too_long(&self) -> bool {
        matches!(self, Error::ContextTooLong { .. })
    }

    /// Returns whether the provider blocked the content.
    pub fn is_content_filtered(&self) -> bool {
        matches!(self, Error::ContentFiltered { .. })
    }

    /// Returns where a provider error came from, when it came from a provider.
    pub fn context(&self) -> Option<&ProviderContext> {
        match self {
            Error::RateLimited { context, .. }
            | Error::Overloaded { context }
            | Error::QuotaExhausted { context }
            | Error::Authentication { context }
            | Error::PermissionDenied { context }
            | Error::InvalidRequest { context }
            | Error::ContextTooLong { context }
            | Error::ContentFiltered { context, .. }
            | Error::Server { context }
            | Error::Decode { context, .. }
            | Error::StreamInterrupted { context, .. }
            | Error::EmptyOutput { context, .. } => Some(context),
            Error::InvalidConfig(_)
            | Error::AuthorizationMismatch(_)
            | Error::PseudonymCollision(_)
            | Error::BudgetExceeded(_)
            | Error::SchemaMismatch(_)
            | Error::Transport(_) => None,
        }
    }

    /// Returns the HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Transport(async_core::Error::Http(error)) => error.status(),
            _ => self.context().and_then(|context| context.status),
        }
    }

    /// Returns the provider's request id, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Transport(async_core::Error::Http(error)) => error.request_id(),
            _ => self
                .context()
                .and_then(|context| context.request_id.as_deref()),
        }
    }

    /// Returns the first bytes of an undecodable body.
    pub fn raw_body(&self) -> Option<&str> {
        match self {
            Error::Decode { raw_body, .. } => Some(raw_body),
            _ => None,
        }
    }

    /// Returns the details of a reply that did not match its output schema.
    pub fn schema_mismatch(&self) -> Option<&crate::structured::SchemaMismatch> {
        match self {
            Error::SchemaMismatch(mismatch) => Some(mismatch),
            _ => None,
        }
    }

    /// Returns the text a stream delivered before it was interrupted.
    pub fn partial_text(&self) -> Option<&str> {
        match self {
            Error::StreamInterrupted { partial_text, .. } => Some(partial_text.as_str()),
            _ => None,
        }
    }

    /// Wraps this error as the cause of a stream that stopped after `partial_text`.
    ///
    /// The context is copied from the cause when it has one, so the status, request id
    /// and rate-limit headers stay reachable from the outer error.
    pub(crate) fn interrupt_stream(self, fallback: ProviderContext, partial_text: String) -> Error {
        if matches!(self, Error::StreamInterrupted { .. }) {
            return self;
        }
        let context = self.context().cloned().unwrap_or(fallback);
        Error::StreamInterrupted {
            context: Box::new(context),
            partial_text: PartialText(partial_text),
            source: Box::new(self),
        }
    }
}

/// Connection failures and timeouts are retried, as the vendors' SDKs do; an egress
/// denial, a refused redirect or an oversized body is not.
fn is_transport_retryable(error: &async_core::Error) -> bool {
    use async_core::error::HttpErrorKind;

    let async_core::Error::Http(error) = error else {
        return false;
    };
    if let Some(status) = error.status() {
        return matches!(status, 408 | 409 | 429 | 500..);
    }
    matches!(
        error.kind(),
        HttpErrorKind::Connect | HttpErrorKind::Timeout | HttpErrorKind::Transport
    )
}

/// The text a stream delivered before it failed.
///
/// `Debug` prints only its length, because model output may repeat the prompt's
/// personal data; read it with [`PartialText::as_str`] or [`Error::partial_text`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PartialText(pub(crate) String);

impl PartialText {
    /// Returns the text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the length of the text in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Returns whether no text arrived.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for PartialText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartialText({} bytes)", self.0.len())
    }
}

/// Formats an optional retry delay as a trailing clause.
struct RetryHint(Option<Duration>);

impl fmt::Display for RetryHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(delay) => write!(f, "; retry after {} ms", delay.as_millis()),
            None => f.write_str("; retry later"),
        }
    }
}

/// Keeps at most [`MAX_RAW_BODY`] bytes of a body as text, cut on a character boundary.
pub(crate) fn truncate_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= MAX_RAW_BODY {
        return text.into_owned();
    }
    let mut end = MAX_RAW_BODY;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests;
