//! The Anthropic Messages API.
//!
//! [`AnthropicModel`] sends `POST {base}/v1/messages` through the SDK's [`HttpClient`],
//! so the egress allowlist applies. Retries follow the crate's [`RetryPolicy`], and the
//! HTTP client's own retries are turned off per request so that the two never stack.
//! 429, 529 and other retryable failures are resent, honouring `retry-after-ms`,
//! `retry-after` and `x-should-retry`, but an exhausted spend limit is not. The request and
//! response mapping are pure functions in `wire` and `stream`, and error classification
//! is a pure function in `errors`, so all are unit-tested without a server.

mod errors;
mod stream;
mod wire;

use std::fmt;
use std::time::Duration;

use async_core::http::{ApiRequest, EgressPolicy, HttpClient};
use async_trait::async_trait;
use http::{HeaderMap, HeaderName, HeaderValue};
use secrecy::SecretString;
use url::Url;

use crate::transport::{DEFAULT_IDLE_TIMEOUT, Exchange, Protocol, decode_json, reject_blocked};
use crate::{
    CompletionRequest, CompletionResponse, CompletionStream, Error, LanguageModel, ModelInfo,
    ProviderContext, RetryPolicy,
};

/// The provider name used in errors, logs and [`ModelInfo`].
pub(crate) const PROVIDER: &str = "anthropic";

/// The operation name used in errors and logs.
pub(crate) const OPERATION: &str = "messages.create";

/// The production API base.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";

/// The API version header value; `2023-06-01` is still the only version the official
/// SDKs send (new features arrive through `anthropic-beta` instead).
const API_VERSION: &str = "2023-06-01";

/// The context window of current Claude models, in tokens.
const DEFAULT_CONTEXT_WINDOW: u32 = 200_000;

/// The total timeout of a request without streaming. The official SDKs default to ten
/// minutes because long completions take that long.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// A Claude model reached through the Anthropic Messages API.
///
/// The API key is held as a [`SecretString`]: it is sent only in the `x-api-key` header,
/// marked sensitive, and never appears in `Debug` output, errors or logs.
///
/// # Examples
///
/// ```
/// use async_llm::{AnthropicModel, LanguageModel};
/// use secrecy::SecretString;
///
/// let model = AnthropicModel::builder(SecretString::from("sk-ant-example"), "claude-sonnet-4-5")
///     .build()?;
/// let info = model.describe();
/// assert_eq!(info.provider, "anthropic");
/// assert!(info.needs_network);
/// assert!(!format!("{model:?}").contains("sk-ant-example"));
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Clone)]
pub struct AnthropicModel {
    exchange: Exchange,
    api_key: SecretString,
    model: String,
    endpoint: Url,
    context_window: u32,
}

impl fmt::Debug for AnthropicModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnthropicModel")
            .field("model", &self.model)
            .field("endpoint", &self.endpoint.as_str())
            .field("api_key", &"[redacted]")
            .field("context_window", &self.context_window)
            .field("timeout", &self.exchange.timeout)
            .field("idle_timeout", &self.exchange.idle_timeout)
            .finish_non_exhaustive()
    }
}

/// Error classification and stream decoding of the Messages API.
#[derive(Debug, Clone, Copy)]
struct Messages;

impl Protocol for Messages {
    type Handler = stream::Handler;

    fn classify(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
        errors::classify(errors::ErrorResponse {
            status,
            body,
            headers,
        })
    }

    fn handler(&self) -> Self::Handler {
        stream::Handler::new()
    }
}

impl AnthropicModel {
    /// Starts building a model that calls `model` (`"claude-sonnet-4-5"`) with `api_key`.
    pub fn builder(api_key: SecretString, model: impl Into<String>) -> AnthropicModelBuilder {
        AnthropicModelBuilder {
            api_key,
            model: model.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            http: None,
            context_window: DEFAULT_CONTEXT_WINDOW,
            timeout: DEFAULT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    fn api_request(&self, request: &CompletionRequest, stream: bool) -> Result<ApiRequest, Error> {
        let body = wire::to_wire(&self.model, request, stream)?;
        let body = serde_json::to_vec(&body).map_err(|source| {
            Error::InvalidConfig(format!("could not encode the request body: {source}"))
        })?;
        let version = HeaderName::from_static("anthropic-version");
        let key = HeaderName::from_static("x-api-key");
        let accept = if stream {
            "text/event-stream"
        } else {
            "application/json"
        };

        Ok(ApiRequest::post(PROVIDER, OPERATION, self.endpoint.clone())
            .header(version, HeaderValue::from_static(API_VERSION))
            .header(http::header::ACCEPT, HeaderValue::from_static(accept))
            .secret_header(key, self.api_key.clone())
            .json_body(body))
    }
}

#[async_trait]
impl LanguageModel for AnthropicModel {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let api_request = self.api_request(request, false)?;
        let response = self.exchange.send(&Messages, &api_request).await?;
        let request_id = response.request_id().map(str::to_owned);
        tracing::debug!(
            provider = PROVIDER,
            model = %self.model,
            status = response.status(),
            request_id = request_id.as_deref().unwrap_or(""),
            "messages.create answered"
        );

        let decoded: wire::WireResponse =
            decode_json(&response, ProviderContext::new(PROVIDER, OPERATION))?;
        reject_blocked(wire::from_wire(decoded, request_id), PROVIDER, OPERATION)
    }

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        let api_request = self.api_request(request, true)?;
        let fallback = ProviderContext::new(PROVIDER, OPERATION);
        self.exchange
            .stream(Messages, api_request, fallback, self.model.clone())
            .await
    }

    fn describe(&self) -> ModelInfo {
        ModelInfo::new(PROVIDER, self.model.clone()).with_context_window(self.context_window)
    }
}

/// Configures an [`AnthropicModel`]; errors are reported by [`build`](Self::build).
#[must_use]
pub struct AnthropicModelBuilder {
    api_key: SecretString,
    model: String,
    base_url: String,
    http: Option<HttpClient>,
    context_window: u32,
    timeout: Duration,
    idle_timeout: Duration,
    retry: RetryPolicy,
}

impl fmt::Debug for AnthropicModelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnthropicModelBuilder")
            .field("model", &self.model)
            .field("base_url", &self.base_url)
            .field("api_key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl AnthropicModelBuilder {
    /// Sets the API base (default `https://api.anthropic.com`), for gateways and tests.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sends through `http` instead of a new client with the default egress policy.
    pub fn http_client(mut self, http: HttpClient) -> Self {
        self.http = Some(http);
        self
    }

    /// Sets the context window [`describe`](LanguageModel::describe) reports, in tokens.
    pub fn context_window(mut self, tokens: u32) -> Self {
        self.context_window = tokens;
        self
    }

    /// Sets the total timeout of one attempt without streaming (default ten minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the longest wait for the headers or the next chunk of a stream (default one
    /// minute). Streams have no total timeout.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets the retry policy (default: two retries, as the official SDKs do).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Builds the model.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when the base URL is not a valid absolute URL, and
    /// [`Error::Transport`] when a default HTTP client cannot be created.
    pub fn build(self) -> Result<AnthropicModel, Error> {
        let endpoint = messages_endpoint(&self.base_url)?;
        let http = match self.http {
            Some(http) => http,
            None => HttpClient::new(EgressPolicy::default())?,
        };
        Ok(AnthropicModel {
            exchange: Exchange {
                http,
                retry: self.retry,
                timeout: self.timeout,
                idle_timeout: self.idle_timeout,
            },
            api_key: self.api_key,
            model: self.model,
            endpoint,
            context_window: self.context_window,
        })
    }
}

/// Joins `/v1/messages` to a base URL, keeping any path prefix a gateway uses.
fn messages_endpoint(base_url: &str) -> Result<Url, Error> {
    crate::transport::join_endpoint("Anthropic", base_url, "v1/messages")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_error_hides_credentials() {
        let error = messages_endpoint("https://gateway:PASSWORD-BREAK@[::1/x?key=sk-query")
            .expect_err("invalid URL");
        let message = error.to_string();
        assert!(!message.contains("PASSWORD-BREAK"), "{message}");
        assert!(!message.contains("sk-query"), "{message}");
    }

    #[test]
    fn endpoint_joins_base() {
        let cases = [
            (
                "https://api.anthropic.com",
                "https://api.anthropic.com/v1/messages",
            ),
            (
                "https://api.anthropic.com/",
                "https://api.anthropic.com/v1/messages",
            ),
            (
                "http://127.0.0.1:9000/proxy",
                "http://127.0.0.1:9000/proxy/v1/messages",
            ),
        ];
        for (base, expected) in cases {
            assert_eq!(messages_endpoint(base).expect("valid").as_str(), expected);
        }
    }

    #[test]
    fn endpoint_rejects_invalid_base() {
        assert!(matches!(
            messages_endpoint("not a url"),
            Err(Error::InvalidConfig(_))
        ));
        assert!(matches!(
            messages_endpoint("mailto:a@b.c"),
            Err(Error::InvalidConfig(_))
        ));
    }
}
