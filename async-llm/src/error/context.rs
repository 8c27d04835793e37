//! Where a provider error came from, and the rate-limit facts its response carried.

use std::fmt;
use std::time::{Duration, SystemTime};

use http::HeaderMap;

use super::scrub_secrets;

/// Header name prefixes whose values are kept on errors: the providers' rate-limit state.
const RATE_LIMIT_PREFIXES: [&str; 3] = [
    "anthropic-ratelimit-",
    "x-ratelimit-",
    "anthropic-priority-",
];

/// Single headers kept on errors besides the rate-limit families.
const KEPT_HEADERS: [&str; 3] = ["retry-after", "retry-after-ms", "x-should-retry"];

/// Request id headers, in lookup order: Anthropic, OpenAI and most gateways, Google.
const REQUEST_ID_HEADERS: [&str; 3] = ["request-id", "x-request-id", "x-goog-request-id"];

/// The origin of a provider error: provider, operation, status, request id, the
/// provider's own error code and message, and the retry facts of the response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderContext {
    /// The provider (`"anthropic"`, `"openai"`, `"gemini"`, `"offline"`).
    pub provider: &'static str,
    /// The operation (`"messages.create"`).
    pub operation: &'static str,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The provider's request id, when the response carried one.
    pub request_id: Option<String>,
    /// The provider's error code or type (`"rate_limit_error"`), when the body named one.
    pub code: Option<String>,
    /// The provider's error message with anything that looks like a key removed.
    pub message: Option<String>,
    /// The delay the provider asked for: `retry-after-ms`, else `retry-after`, else a
    /// delay named in the error body.
    pub retry_after: Option<Duration>,
    /// The provider's `x-should-retry` verdict, when it sent one.
    pub should_retry: Option<bool>,
    /// The rate-limit headers of the response (`anthropic-ratelimit-*`, `x-ratelimit-*`,
    /// `retry-after`, `retry-after-ms`, `x-should-retry`), names in lowercase.
    pub rate_limit_headers: Vec<(String, String)>,
}

impl ProviderContext {
    /// Creates a context for `provider`'s `operation` with nothing else known yet.
    pub fn new(provider: &'static str, operation: &'static str) -> Self {
        Self {
            provider,
            operation,
            ..Self::default()
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

    /// Records the provider's error code and message, scrubbing the message of anything
    /// that looks like an API key.
    #[must_use]
    pub fn with_provider_error(mut self, code: Option<String>, message: Option<String>) -> Self {
        self.code = code;
        self.message = message.map(|message| scrub_secrets(&message));
        self
    }

    /// Records the delay the provider asked for.
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Records what a response's headers say: the request id (unless one is set), the
    /// `x-should-retry` verdict, the requested delay and the rate-limit headers.
    #[must_use]
    pub fn with_response_headers(mut self, headers: &HeaderMap) -> Self {
        if self.request_id.is_none() {
            self.request_id = REQUEST_ID_HEADERS
                .iter()
                .find_map(|name| header(headers, name))
                .map(str::to_owned);
        }
        self.should_retry = match header(headers, "x-should-retry") {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        };
        self.retry_after = server_delay(headers, SystemTime::now()).or(self.retry_after);
        self.rate_limit_headers = headers
            .iter()
            .filter(|(name, _)| is_kept(name.as_str()))
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        self
    }

    /// Returns the value of a kept rate-limit header, by lowercase name.
    pub fn rate_limit_header(&self, name: &str) -> Option<&str> {
        self.rate_limit_headers
            .iter()
            .find(|(kept, _)| kept == name)
            .map(|(_, value)| value.as_str())
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

/// Which rate limit a request hit, as far as the response tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateLimitScope {
    /// Requests per minute.
    Requests,
    /// Tokens per minute, input and output together.
    Tokens,
    /// Input tokens per minute.
    InputTokens,
    /// Output tokens per minute.
    OutputTokens,
    /// The response did not say which limit.
    Unknown,
}

impl RateLimitScope {
    /// Reads the exhausted limit from the rate-limit headers: the first family whose
    /// `remaining` count is `0` (Anthropic's `anthropic-ratelimit-*-remaining`, OpenAI's
    /// `x-ratelimit-remaining-*`).
    pub fn from_headers(context: &ProviderContext) -> Self {
        let exhausted = |name: &str| {
            context
                .rate_limit_header(name)
                .is_some_and(|value| value.trim() == "0")
        };
        let checks = [
            ("anthropic-ratelimit-requests-remaining", Self::Requests),
            ("x-ratelimit-remaining-requests", Self::Requests),
            (
                "anthropic-ratelimit-input-tokens-remaining",
                Self::InputTokens,
            ),
            (
                "anthropic-ratelimit-output-tokens-remaining",
                Self::OutputTokens,
            ),
            ("anthropic-ratelimit-tokens-remaining", Self::Tokens),
            ("x-ratelimit-remaining-tokens", Self::Tokens),
        ];
        checks
            .into_iter()
            .find(|(name, _)| exhausted(name))
            .map_or(Self::Unknown, |(_, scope)| scope)
    }
}

impl fmt::Display for RateLimitScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Requests => "requests",
            Self::Tokens => "tokens",
            Self::InputTokens => "input tokens",
            Self::OutputTokens => "output tokens",
            Self::Unknown => "limit not named",
        })
    }
}

fn is_kept(name: &str) -> bool {
    KEPT_HEADERS.contains(&name)
        || RATE_LIMIT_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

// NOTE: Anthropic's `anthropic-ratelimit-*-reset` timestamps are kept on errors but not
// turned into a delay when `retry-after` is missing, so such a 429 falls back to backoff.
/// Parses the delay a response asked for: `retry-after-ms` (milliseconds, which the
/// official Anthropic and OpenAI SDKs read first), else `retry-after` in seconds or as an
/// HTTP-date relative to `now`.
pub(crate) fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(millis) =
        header(headers, "retry-after-ms").and_then(|value| value.trim().parse::<f64>().ok())
    {
        return Duration::try_from_secs_f64(millis / 1000.0).ok();
    }
    let value = header(headers, "retry-after")?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}
