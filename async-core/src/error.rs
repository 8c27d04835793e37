//! The crate's error type.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

pub use crate::http::EgressDenial;
pub use crate::identity::IdentityError;
pub use crate::store::{CryptoError, KeyError, StorageError};

/// Everything that can go wrong in `async-core`.
///
/// `Display` gives one lowercase line; the underlying cause, when there is one, is reached
/// through [`std::error::Error::source`]. Predicates such as [`Error::is_retryable`] answer
/// the questions callers usually ask.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The egress policy rejected a URL before any connection was made.
    #[error("egress denied: {0}")]
    EgressDenied(EgressDenial),
    /// An HTTP request could not be completed.
    #[error(transparent)]
    Http(Box<HttpError>),
    /// A storage backend failed or a stored value was not what was expected.
    #[error(transparent)]
    Storage(StorageError),
    /// Sealing or opening a value failed.
    #[error(transparent)]
    Crypto(CryptoError),
    /// A key could not be loaded or found.
    #[error(transparent)]
    Key(KeyError),
    /// Identity resolution could not read its input.
    #[error(transparent)]
    Identity(IdentityError),
}

impl Error {
    /// Returns whether sending the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Http(error) => error.is_retryable(),
            Error::Storage(error) => error.is_retryable(),
            _ => false,
        }
    }

    /// Returns the delay a provider asked for before the next attempt, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Http(error) => error.retry_after(),
            _ => None,
        }
    }
}

/// How far an HTTP request got before it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// The request could not be built (an invalid header value, for example).
    Build,
    /// The connection broke after the request may have been sent, before a complete
    /// response arrived.
    Transport,
    /// No connection could be made (DNS, TCP or TLS failed), so nothing was sent.
    Connect,
    /// The connect or request timeout elapsed.
    Timeout,
    /// The response body could not be read.
    Body,
    /// The server responded with a redirect that the client does not follow: too many hops, a
    /// `Location` that is not a valid URL, a body that would go to another origin, or a
    /// target the egress policy rejects (the [`EgressDenial`] is the error's source).
    Redirect,
    /// The response body exceeded the client's size limit
    /// ([`HttpError::body_limit`]); raise it with
    /// [`HttpClientBuilder::max_response_bytes`](crate::http::HttpClientBuilder::max_response_bytes).
    BodyTooLarge,
}

/// A failed HTTP request: the provider, the operation and what went wrong.
///
/// It never holds a URL query string, a header value or a body.
#[derive(Debug)]
pub struct HttpError {
    kind: HttpErrorKind,
    provider: &'static str,
    operation: &'static str,
    status: Option<u16>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
    body_limit: Option<u64>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl HttpError {
    /// Creates an error of `kind` for `provider`'s `operation`.
    pub fn new(
        kind: HttpErrorKind,
        provider: &'static str,
        operation: &'static str,
        source: Option<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            provider,
            operation,
            status: None,
            request_id: None,
            retry_after: None,
            attempts: 1,
            body_limit: None,
            source,
        }
    }

    /// Records the HTTP status the failure came with.
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

    /// Records the delay the provider asked for.
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Records how many attempts were made.
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// Records the response size limit that was in force.
    #[must_use]
    pub(crate) fn with_body_limit(mut self, limit: u64) -> Self {
        self.body_limit = Some(limit);
        self
    }

    /// How far the request got.
    pub fn kind(&self) -> HttpErrorKind {
        self.kind
    }

    /// The provider the request was for (`"github"`, `"anthropic"`).
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// The operation the request performed (`"pulls.list"`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The provider's request id, if a response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The delay the provider asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// How many attempts were made before giving up.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The response size limit in bytes, when the body was read or rejected for its size.
    pub fn body_limit(&self) -> Option<u64> {
        self.body_limit
    }

    /// Returns the egress denial behind a refused redirect, if that is what failed.
    pub fn egress_denial(&self) -> Option<&EgressDenial> {
        self.source
            .as_deref()
            .and_then(|source| source.downcast_ref::<EgressDenial>())
    }

    /// Returns whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == HttpErrorKind::Timeout
    }

    /// Returns whether sending the request again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            HttpErrorKind::Connect | HttpErrorKind::Transport | HttpErrorKind::Timeout
        )
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            HttpErrorKind::Build => "could not build",
            HttpErrorKind::Transport => "connection failed for",
            HttpErrorKind::Connect => "could not connect for",
            HttpErrorKind::Timeout => "timed out on",
            HttpErrorKind::Body => "could not read the response of",
            HttpErrorKind::Redirect => "rejected a redirect on",
            HttpErrorKind::BodyTooLarge => "response too large for",
        };
        write!(f, "{what} {} {}", self.provider, self.operation)?;
        if let (HttpErrorKind::BodyTooLarge, Some(limit)) = (self.kind, self.body_limit) {
            write!(f, " (limit {limit} bytes)")?;
        }
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request id {request_id}]")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl StdError for HttpError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}
