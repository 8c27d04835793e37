//! The crate's error type.

use std::fmt;
use std::time::Duration;

/// Everything a connector can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The provider returned an error.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The provider's response could not be decoded.
    #[error("could not decode {provider} response of {endpoint} (HTTP {status})")]
    Decode {
        /// The provider (`"github"`).
        provider: &'static str,
        /// The endpoint path, without query string.
        endpoint: String,
        /// The HTTP status the body came with.
        status: u16,
        /// The provider's request id, if any.
        request_id: Option<String>,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// The request could not be sent or was rejected by the egress policy.
    #[error(transparent)]
    Core(#[from] async_core::Error),
    /// The connector was configured with an invalid value.
    #[error("invalid {what}: {reason}")]
    Config {
        /// The invalid setting (`"base URL"`).
        what: &'static str,
        /// Why, and what to do instead.
        reason: String,
    },
    /// A listing did not end: the provider sent a next cursor or link it had already sent,
    /// or more pages than any real listing has.
    #[error("pagination did not end after {pages} pages: {reason}")]
    PaginationLoop {
        /// Pages read before the listing was stopped.
        pages: usize,
        /// The evidence of the loop.
        reason: &'static str,
    },
}

impl Error {
    /// Returns whether the provider rate-limited the request.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Api(error) if error.class == ErrorClass::RateLimited)
    }

    /// Returns whether the credentials were rejected or lack a permission.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Api(error) if matches!(error.class, ErrorClass::Unauthorized | ErrorClass::Forbidden))
    }

    /// Returns the delay the provider asked for before retrying, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(error) => error.retry_after,
            Error::Core(error) => error.retry_after(),
            _ => None,
        }
    }

    /// Returns the provider's request id, if the failure came with one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(error) => error.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

/// What kind of error a provider returned, which decides what can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorClass {
    /// Too many requests; wait and retry.
    RateLimited,
    /// The token is missing, invalid, expired or revoked; re-authorize.
    Unauthorized,
    /// The token lacks a scope or the account lacks access; re-authorize with the scope or
    /// ask for access.
    Forbidden,
    /// The resource does not exist or is not visible.
    NotFound,
    /// The endpoint was removed by the provider.
    Gone,
    /// The request was invalid.
    InvalidRequest,
    /// The provider failed; retrying later may help.
    Server,
    /// Any other error.
    Other,
}

/// An error response from a provider.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The provider (`"github"`, `"slack"`, `"jira"`).
    pub provider: &'static str,
    /// The endpoint path, without query string (`/repos/{owner}/{repo}/pulls`).
    pub endpoint: String,
    /// The HTTP status.
    pub status: u16,
    /// The kind of error, which decides what can help.
    pub class: ErrorClass,
    /// The provider's own error code (Slack's `missing_scope`), if any.
    pub code: Option<String>,
    /// The provider's message, if any.
    pub message: Option<String>,
    /// The scope the provider reports as needed, if it named one.
    pub needed_scope: Option<String>,
    /// The provider's request id, if any.
    pub request_id: Option<String>,
    /// The delay the provider asked for, if any.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Returns whether retrying later can help.
    pub fn is_retryable(&self) -> bool {
        matches!(self.class, ErrorClass::RateLimited | ErrorClass::Server)
    }

    /// Returns whether a new authorization can help.
    pub fn needs_reauthorization(&self) -> bool {
        matches!(self.class, ErrorClass::Unauthorized | ErrorClass::Forbidden)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} failed with HTTP {}",
            self.provider, self.endpoint, self.status
        )?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(scope) = &self.needed_scope {
            write!(f, "; the token needs scope `{scope}`")?;
        }
        if let Some(delay) = self.retry_after {
            write!(f, "; retry after {} s", delay.as_secs())?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request id {request_id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Error::Api(Box::new(error))
    }
}
