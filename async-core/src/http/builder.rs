//! Configuration of an [`HttpClient`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::resolver::EgressResolver;
use super::{EgressPolicy, HttpClient, RetryPolicy};
use crate::error::{Error, HttpError, HttpErrorKind};

/// The default cap on a response body: 32 MiB, far above any JSON page the providers
/// return, and small enough that a hostile server cannot exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_USER_AGENT: &str = concat!("async-sdk/", env!("CARGO_PKG_VERSION"));

/// Builds an [`HttpClient`]; every setting has a default.
///
/// Setters take and return the builder. Invalid values are reported by
/// [`build`](Self::build), not by the setter.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use async_core::http::{EgressPolicy, HttpClient};
///
/// let client = HttpClient::builder()
///     .egress_policy(EgressPolicy::deny_all().allow_host("acme.atlassian.net"))
///     .request_timeout(Duration::from_secs(30))
///     .max_attempts(4)
///     .retry_budget(Duration::from_secs(20))
///     .build()?;
/// assert_eq!(client.retry_policy().max_attempts(), 4);
/// # Ok::<(), async_core::error::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct HttpClientBuilder {
    egress: EgressPolicy,
    connect_timeout: Duration,
    request_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    max_response_bytes: u64,
}

impl Default for HttpClientBuilder {
    fn default() -> Self {
        Self {
            egress: EgressPolicy::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl HttpClientBuilder {
    /// Sets the egress policy (default: the hosts of the published scope manifest).
    pub fn egress_policy(mut self, egress: EgressPolicy) -> Self {
        self.egress = egress;
        self
    }

    /// Sets how long establishing a connection (DNS, TCP and TLS) may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets how long one attempt may take, from connecting to the end of the body
    /// (default 60 s). [`ApiRequest::timeout`](super::ApiRequest::timeout) overrides it per
    /// request, which long model completions need.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the `User-Agent` header (default `async-sdk/<version>`). GitHub rejects
    /// requests without one.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Replaces the whole retry policy, for example with [`RetryPolicy::none`].
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends each request once, without retries.
    pub fn no_retries(self) -> Self {
        self.max_attempts(1)
    }

    /// Sets the maximum number of attempts per request, the first included (default 3).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts;
        self
    }

    /// Sets the backoff before the first retry when the server names no delay
    /// (default 500 ms); it doubles on each later retry.
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry.base_delay = delay;
        self
    }

    /// Sets the maximum backoff between two attempts when the server names no delay
    /// (default 8 s).
    pub fn retry_max_delay(mut self, delay: Duration) -> Self {
        self.retry.max_delay = delay;
        self
    }

    /// Sets the maximum cumulative wait between the attempts of one request (default 60 s).
    ///
    /// A retry whose delay would exceed it is not made, and the last response is returned.
    pub fn retry_budget(mut self, budget: Duration) -> Self {
        self.retry.budget = budget;
        self
    }

    /// Sets the longest server-requested delay the client waits out itself (default 60 s).
    ///
    /// A longer `Retry-After` or rate-limit reset ends the retries, and the response is
    /// returned with the delay in [`ApiResponse::retry_after`](super::ApiResponse::retry_after).
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.retry.max_retry_after = delay;
        self
    }

    /// Sets the maximum response body size in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, max_bytes: u64) -> Self {
        self.max_response_bytes = max_bytes;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Http`] of kind [`HttpErrorKind::Build`] when a setting is invalid or
    /// the TLS backend cannot be initialised. Invalid settings are zero attempts, a zero
    /// timeout or size limit, a base delay above the max delay, and a user agent that is
    /// not a valid header value. The error's source names the setting.
    pub fn build(self) -> Result<HttpClient, Error> {
        self.validate().map_err(build_error)?;

        let egress = Arc::new(self.egress);
        let resolver = Arc::new(EgressResolver::new(Arc::clone(&egress)));
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .referer(false)
            .dns_resolver(resolver)
            .min_tls_version(reqwest::tls::Version::TLS_1_2)
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .user_agent(self.user_agent)
            .build()
            .map_err(build_error)?;

        Ok(HttpClient::from_parts(
            inner,
            egress,
            self.retry,
            self.max_response_bytes,
        ))
    }

    fn validate(&self) -> Result<(), InvalidSetting> {
        let invalid = |setting, problem| Err(InvalidSetting { setting, problem });

        if self.retry.max_attempts == 0 {
            return invalid("max_attempts", "must be at least 1");
        }
        if self.retry.base_delay > self.retry.max_delay {
            return invalid("retry_base_delay", "must not exceed retry_max_delay");
        }
        if self.connect_timeout.is_zero() {
            return invalid("connect_timeout", "must be greater than zero");
        }
        if self.request_timeout.is_zero() {
            return invalid("request_timeout", "must be greater than zero");
        }
        if self.max_response_bytes == 0 {
            return invalid("max_response_bytes", "must be greater than zero");
        }
        if http::HeaderValue::from_str(&self.user_agent).is_err() {
            return invalid(
                "user_agent",
                "must be visible ASCII without control characters",
            );
        }
        Ok(())
    }
}

/// A builder setting with an unusable value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct InvalidSetting {
    setting: &'static str,
    problem: &'static str,
}

impl fmt::Display for InvalidSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid HTTP client setting `{}`: {}",
            self.setting, self.problem
        )
    }
}

impl std::error::Error for InvalidSetting {}

fn build_error(source: impl std::error::Error + Send + Sync + 'static) -> Error {
    let error = HttpError::new(
        HttpErrorKind::Build,
        "client",
        "build",
        Some(Box::new(source)),
    );
    Error::Http(Box::new(error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    fn rejected(builder: HttpClientBuilder, setting: &str) {
        let error = builder.build().expect_err("invalid setting");
        let source = error.source().expect("a source naming the setting");
        assert!(source.to_string().contains(setting), "{source}");
    }

    #[test]
    fn invalid_settings_fail_at_build() {
        rejected(HttpClient::builder().max_attempts(0), "max_attempts");
        rejected(
            HttpClient::builder()
                .retry_base_delay(Duration::from_secs(9))
                .retry_max_delay(Duration::from_secs(1)),
            "retry_base_delay",
        );
        rejected(
            HttpClient::builder().connect_timeout(Duration::ZERO),
            "connect_timeout",
        );
        rejected(
            HttpClient::builder().request_timeout(Duration::ZERO),
            "request_timeout",
        );
        rejected(
            HttpClient::builder().max_response_bytes(0),
            "max_response_bytes",
        );
        rejected(HttpClient::builder().user_agent("bad\nagent"), "user_agent");
    }

    #[test]
    fn defaults_build() {
        let client = HttpClient::builder().build().expect("defaults are valid");
        assert_eq!(client.retry_policy(), &RetryPolicy::default());
        assert_eq!(client.max_response_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
        assert!(client.egress().is_host_allowed("api.github.com"));
    }

    #[test]
    fn no_retries_means_one_attempt() {
        let client = HttpClient::builder().no_retries().build().expect("valid");
        assert_eq!(client.retry_policy().max_attempts(), 1);
    }
}
