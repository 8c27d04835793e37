//! The crate's error type.

use std::fmt;
use std::time::Duration;

use crate::StopReason;

/// The maximum size, in bytes, of the raw body a decode error keeps.
pub(crate) const MAX_RAW_BODY: usize = 2048;

/// Everything that can go wrong in `async-llm`.
///
/// Provider failures carry a [`ProviderContext`] with the provider, the operation, the HTTP
/// status and the provider's request id when they are known. `Display` gives one lowercase
/// line without any prompt, body or secret; the cause, when there is one, is reached
/// through [`std::error::Error::source`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The provider rejected the request because of a per-minute rate limit.
    #[error("{context}: rate limited{}", RetryHint(*retry_after))]
    RateLimited {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
        /// The delay the provider asked for, if it sent one.
        retry_after: Option<Duration>,
    },
    /// The provider is overloaded as a whole (Anthropic returns 529), so retry later.
    #[error("{context}: provider overloaded{}", RetryHint(*retry_after))]
    Overloaded {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
        /// The delay the provider asked for, if it sent one.
        retry_after: Option<Duration>,
    },
    /// The account's spend limit or credit is exhausted; retrying will not help until
    /// the billing settings change.
    #[error("{context}: quota or spend limit exhausted; check the account's billing")]
    QuotaExhausted {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
    },
    /// The API key is missing, invalid or revoked.
    #[error("{context}: authentication failed; check the API key")]
    Authentication {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
    },
    /// The API key is valid but not allowed to use this resource or model.
    #[error("{context}: permission denied; check the key's workspace and model access")]
    PermissionDenied {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
    },
    /// The request is invalid (a bad parameter, an unknown model, a body too large).
    #[error("{context}: invalid request")]
    InvalidRequest {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
    },
    /// The prompt plus the requested output does not fit the model's context window.
    #[error("{context}: prompt too long for the context window; shrink the token budget")]
    ContextTooLong {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
    },
    /// The provider failed on its side (HTTP 5xx other than overload).
    #[error("{context}: provider server error")]
    Server {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
    },
    /// A successful response could not be decoded.
    #[error("{context}: could not decode the response")]
    Decode {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
        /// The first bytes of the body, for diagnosis; never logged or displayed.
        raw_body: String,
        /// The decoder's error.
        #[source]
        source: serde_json::Error,
    },
    /// The model returned no text (for example it refused, or spent the output budget).
    #[error("{context}: the model returned no text (stop reason: {stop_reason})")]
    EmptyOutput {
        /// The provider, operation, status and request id of the failure.
        context: Box<ProviderContext>,
        /// The reason the model stopped.
        stop_reason: StopReason,
    },
    /// The model or task is misconfigured (an invalid base URL, for example).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// A task was given an approval for another slot, purpose or viewer.
    #[error("authorization mismatch: {0}")]
    AuthorizationMismatch(String),
    /// The request could not be sent or its response could not be read.
    #[error(transparent)]
    Transport(#[from] async_core::Error),
}

impl Error {
    /// Returns whether sending the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Overloaded { .. } | Error::Server { .. } => true,
            Error::Transport(error) => error.is_retryable(),
            _ => false,
        }
    }

    /// Returns the delay the provider asked for before the next attempt, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } | Error::Overloaded { retry_after, .. } => {
                *retry_after
            }
            Error::Transport(error) => error.retry_after(),
            _ => None,
        }
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

    /// Returns where a provider error came from, when it came from a provider.
    pub fn context(&self) -> Option<&ProviderContext> {
        match self {
            Error::RateLimited { context, .. }
            | Error::Overloaded { context, .. }
            | Error::QuotaExhausted { context }
            | Error::Authentication { context }
            | Error::PermissionDenied { context }
            | Error::InvalidRequest { context }
            | Error::ContextTooLong { context }
            | Error::Server { context }
            | Error::Decode { context, .. }
            | Error::EmptyOutput { context, .. } => Some(context),
            Error::InvalidConfig(_) | Error::AuthorizationMismatch(_) | Error::Transport(_) => None,
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
}

/// The origin of a provider error: provider, operation, status, request id and the
/// provider's own error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderContext {
    /// The provider (`"anthropic"`, `"offline"`).
    pub provider: &'static str,
    /// The operation (`"messages.create"`).
    pub operation: &'static str,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The provider's request id, when the response carried one.
    pub request_id: Option<String>,
    /// The provider's error type (`"rate_limit_error"`), when the body named one.
    pub code: Option<String>,
    /// The provider's error message, when the body carried one.
    pub message: Option<String>,
}

impl ProviderContext {
    /// Creates a context for `provider`'s `operation` with nothing else known yet.
    pub fn new(provider: &'static str, operation: &'static str) -> Self {
        Self {
            provider,
            operation,
            status: None,
            request_id: None,
            code: None,
            message: None,
        }
    }

    /// Records the HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Records the provider's request id.
    #[must_use]
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// Records the provider's error type and message.
    #[must_use]
    pub fn with_provider_error(mut self, code: Option<String>, message: Option<String>) -> Self {
        self.code = code;
        self.message = message;
        self
    }
}

impl fmt::Display for ProviderContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.provider, self.operation)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request id {request_id}]")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
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
mod tests {
    use super::*;

    fn context() -> Box<ProviderContext> {
        Box::new(
            ProviderContext::new("anthropic", "messages.create")
                .with_status(429)
                .with_request_id(Some("req_1".to_owned())),
        )
    }

    #[test]
    fn rate_limit_predicates() {
        let error = Error::RateLimited {
            context: context(),
            retry_after: Some(Duration::from_secs(2)),
        };
        assert!(error.is_retryable());
        assert!(!error.is_auth());
        assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(error.status(), Some(429));
        assert_eq!(error.request_id(), Some("req_1"));
    }

    #[test]
    fn display_names_status_and_request_id() {
        let error = Error::RateLimited {
            context: context(),
            retry_after: None,
        };
        assert_eq!(
            error.to_string(),
            "anthropic messages.create (HTTP 429) [request id req_1]: rate limited; retry later"
        );
    }

    #[test]
    fn quota_exhausted_is_not_retryable() {
        let error = Error::QuotaExhausted { context: context() };
        assert!(!error.is_retryable());
        assert_eq!(error.retry_after(), None);
    }

    #[test]
    fn truncate_body_keeps_char_boundary() {
        let body = "é".repeat(MAX_RAW_BODY);
        let kept = truncate_body(body.as_bytes());
        assert!(kept.len() <= MAX_RAW_BODY + '…'.len_utf8());
        assert!(kept.ends_with('…'));
        assert_eq!(truncate_body(b"short"), "short");
    }
}
