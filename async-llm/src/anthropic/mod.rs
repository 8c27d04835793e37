//! The Anthropic Messages API.
//!
//! [`AnthropicModel`] sends `POST {base}/v1/messages` through the SDK's
//! [`HttpClient`], so the egress allowlist, timeouts and the client's retries apply; the
//! request is marked retry-safe, so 429 and 529 responses are retried with backoff that
//! honours `retry-after`. The request and response mapping are pure functions in `wire`,
//! and error classification is a pure function in `errors`, so both are unit-tested
//! without a server.

mod errors;
mod wire;

use std::fmt;
use std::time::Duration;

use async_core::http::{ApiRequest, EgressPolicy, HttpClient, redact_url};
use async_trait::async_trait;
use http::{HeaderName, HeaderValue};
use secrecy::SecretString;
use url::Url;

use crate::error::truncate_body;
use crate::{
    CompletionRequest, CompletionResponse, Error, LanguageModel, ModelInfo, ProviderContext,
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

/// The per-request timeout. The official SDKs default to ten minutes for non-streaming
/// calls because long completions take that long.
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
    http: HttpClient,
    api_key: SecretString,
    model: String,
    endpoint: Url,
    context_window: u32,
    timeout: Duration,
}

impl fmt::Debug for AnthropicModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnthropicModel")
            .field("model", &self.model)
            .field("endpoint", &self.endpoint.as_str())
            .field("api_key", &"[redacted]")
            .field("context_window", &self.context_window)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
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
        }
    }

    fn api_request(&self, body: Vec<u8>) -> ApiRequest {
        let version = HeaderName::from_static("anthropic-version");
        let key = HeaderName::from_static("x-api-key");

        // Anthropic rejects a request with 429 or 529 before processing it, so the client
        // may resend it on those. The request stays non-idempotent because a 500 or a
        // timeout may follow a processed (and billed) request, which must not be resent.
        ApiRequest::post(PROVIDER, OPERATION, self.endpoint.clone())
            .header(version, HeaderValue::from_static(API_VERSION))
            .secret_header(key, self.api_key.clone())
            .json_body(body)
            .retry_safe(true)
            .timeout(self.timeout)
    }
}

#[async_trait]
impl LanguageModel for AnthropicModel {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let body = wire::to_wire(&self.model, request)?;
        let body = serde_json::to_vec(&body).map_err(|source| {
            Error::InvalidConfig(format!("could not encode the request body: {source}"))
        })?;

        let response = self.http.send(self.api_request(body)).await?;
        let request_id = response.request_id().map(str::to_owned);
        tracing::debug!(
            provider = PROVIDER,
            model = %self.model,
            status = response.status(),
            attempts = response.attempts(),
            request_id = request_id.as_deref().unwrap_or(""),
            "messages.create answered"
        );

        if !response.is_success() {
            return Err(errors::classify(errors::ErrorResponse {
                status: response.status(),
                body: response.body(),
                headers: response.headers(),
            }));
        }

        let decoded =
            serde_json::from_slice::<wire::WireResponse>(response.body()).map_err(|source| {
                Error::Decode {
                    context: Box::new(
                        ProviderContext::new(PROVIDER, OPERATION)
                            .with_status(response.status())
                            .with_request_id(request_id.clone()),
                    ),
                    raw_body: truncate_body(response.body()),
                    source: Box::new(source),
                }
            })?;
        Ok(wire::from_wire(decoded, request_id))
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

    /// Sets the per-request timeout (default ten minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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
            http,
            api_key: self.api_key,
            model: self.model,
            endpoint,
            context_window: self.context_window,
            timeout: self.timeout,
        })
    }
}

/// Joins `/v1/messages` to a base URL, keeping any path prefix a gateway uses.
fn messages_endpoint(base_url: &str) -> Result<Url, Error> {
    let shown = redact_url(base_url);
    let mut base = Url::parse(base_url).map_err(|source| {
        Error::InvalidConfig(format!("invalid Anthropic base URL `{shown}`: {source}"))
    })?;
    if base.cannot_be_a_base() {
        return Err(Error::InvalidConfig(format!(
            "invalid Anthropic base URL `{shown}`: it must be an http(s) URL"
        )));
    }
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base.join("v1/messages").map_err(|source| {
        Error::InvalidConfig(format!("invalid Anthropic base URL `{shown}`: {source}"))
    })
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
