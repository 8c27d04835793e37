//! OpenAI Chat Completions, and the servers that speak the same API.
//!
//! [`OpenAiModel`] sends `POST {base}/chat/completions` through the SDK's
//! [`HttpClient`]. The base defaults to `https://api.openai.com/v1`. Pointing it at a
//! model served on the company's own machines (vLLM, Ollama, a gateway) works the same
//! way, as long as the embedding service allows that host in its egress policy.
//! [`OpenAiModelBuilder::build`] checks that it does. Streams ask for `stream_options.include_usage`,
//! so the last chunk carries the usage. Retries follow the crate's [`RetryPolicy`].

mod errors;
mod stream;
mod wire;

use std::fmt;
use std::time::Duration;

use async_core::http::{ApiRequest, EgressPolicy, HttpClient};
use async_trait::async_trait;
use http::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::transport::{
    DEFAULT_IDLE_TIMEOUT, Exchange, Protocol, decode_json, join_endpoint, reject_blocked,
};
use crate::{
    CompletionRequest, CompletionResponse, CompletionStream, Error, LanguageModel, ModelInfo,
    ProviderContext, RetryPolicy,
};
use wire::TokenLimitField;

/// The provider name used in errors, logs and [`ModelInfo`].
pub(crate) const PROVIDER: &str = "openai";

/// The operation name used in errors and logs.
pub(crate) const OPERATION: &str = "chat.completions";

/// The production API base, which the path `chat/completions` is joined to.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

/// The total timeout of a request without streaming, as in the official SDK.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// A model reached through the OpenAI Chat Completions API or a compatible server.
///
/// The API key is held as a [`SecretString`] and sent only as a bearer token marked
/// sensitive; an empty key sends no `Authorization` header, for local servers that need
/// none.
///
/// # Examples
///
/// ```
/// use async_core::http::{EgressPolicy, HttpClient};
/// use async_llm::{LanguageModel, OpenAiModel};
/// use secrecy::SecretString;
///
/// // OpenAI itself.
/// let openai = OpenAiModel::builder(SecretString::from("sk-example"), "gpt-4.1-mini").build()?;
/// assert_eq!(openai.describe().provider, "openai");
///
/// // A model served inside the company network: its host must be allowed explicitly.
/// let http = HttpClient::new(EgressPolicy::default().allow_host("llm.internal.example.com"))?;
/// let local = OpenAiModel::builder(SecretString::from(""), "llama-3.3-70b")
///     .base_url("https://llm.internal.example.com/v1")
///     .http_client(http)
///     .build()?;
/// assert!(!format!("{local:?}").contains("sk-example"));
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Clone)]
pub struct OpenAiModel {
    exchange: Exchange,
    api_key: SecretString,
    model: String,
    endpoint: Url,
    context_window: Option<u32>,
    limit_field: TokenLimitField,
}

impl fmt::Debug for OpenAiModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiModel")
            .field("model", &self.model)
            .field("endpoint", &self.endpoint.as_str())
            .field("api_key", &"[redacted]")
            .field("context_window", &self.context_window)
            .finish_non_exhaustive()
    }
}

/// Error classification and stream decoding of Chat Completions.
#[derive(Debug, Clone, Copy)]
struct ChatCompletions;

impl Protocol for ChatCompletions {
    type Handler = stream::Handler;

    fn classify(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
        errors::classify(status, headers, body)
    }

    fn handler(&self) -> Self::Handler {
        stream::Handler::new()
    }
}

impl OpenAiModel {
    /// Starts building a model that calls `model` (`"gpt-4.1-mini"`) with `api_key`.
    pub fn builder(api_key: SecretString, model: impl Into<String>) -> OpenAiModelBuilder {
        OpenAiModelBuilder {
            api_key,
            model: model.into(),
            base_url: OPENAI_BASE_URL.to_owned(),
            http: None,
            context_window: None,
            timeout: DEFAULT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            retry: RetryPolicy::default(),
            limit_field: TokenLimitField::MaxCompletionTokens,
        }
    }

    fn api_request(&self, request: &CompletionRequest, stream: bool) -> Result<ApiRequest, Error> {
        let body = wire::to_wire(&self.model, request, self.limit_field, stream)?;
        let body = serde_json::to_vec(&body).map_err(|source| {
            Error::InvalidConfig(format!("could not encode the request body: {source}"))
        })?;
        let accept = if stream {
            "text/event-stream"
        } else {
            "application/json"
        };

        let api_request = ApiRequest::post(PROVIDER, OPERATION, self.endpoint.clone())
            .header(http::header::ACCEPT, HeaderValue::from_static(accept))
            .json_body(body);
        if self.api_key.expose_secret().is_empty() {
            return Ok(api_request);
        }
        Ok(api_request.bearer_auth(&self.api_key))
    }
}

#[async_trait]
impl LanguageModel for OpenAiModel {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let api_request = self.api_request(request, false)?;
        let response = self.exchange.send(&ChatCompletions, &api_request).await?;
        let request_id = response.request_id().map(str::to_owned);
        tracing::debug!(
            provider = PROVIDER,
            model = %self.model,
            status = response.status(),
            request_id = request_id.as_deref().unwrap_or(""),
            "chat.completions answered"
        );

        let decoded: wire::WireResponse =
            decode_json(&response, ProviderContext::new(PROVIDER, OPERATION))?;
        reject_blocked(
            wire::from_wire(decoded, &self.model, request_id),
            PROVIDER,
            OPERATION,
        )
    }

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        let api_request = self.api_request(request, true)?;
        let fallback = ProviderContext::new(PROVIDER, OPERATION);
        self.exchange
            .stream(ChatCompletions, api_request, fallback, self.model.clone())
            .await
    }

    fn describe(&self) -> ModelInfo {
        let info = ModelInfo::new(PROVIDER, self.model.clone());
        match self.context_window {
            Some(tokens) => info.with_context_window(tokens),
            None => info,
        }
    }
}

/// Configures an [`OpenAiModel`]; errors are reported by [`build`](Self::build).
#[must_use]
pub struct OpenAiModelBuilder {
    api_key: SecretString,
    model: String,
    base_url: String,
    http: Option<HttpClient>,
    context_window: Option<u32>,
    timeout: Duration,
    idle_timeout: Duration,
    retry: RetryPolicy,
    limit_field: TokenLimitField,
}

impl fmt::Debug for OpenAiModelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiModelBuilder")
            .field("model", &self.model)
            .field("base_url", &async_core::http::redact_url(&self.base_url))
            .field("api_key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl OpenAiModelBuilder {
    /// Sets the API base that `chat/completions` is joined to (default
    /// `https://api.openai.com/v1`), for compatible servers, gateways and tests.
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
    /// It is unknown by default, because compatible servers run any model.
    pub fn context_window(mut self, tokens: u32) -> Self {
        self.context_window = Some(tokens);
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

    /// Sets the retry policy (default: two retries, as the official SDK does).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends the output cap as the older `max_tokens` field instead of
    /// `max_completion_tokens`, for compatible servers that only know the former.
    pub fn legacy_max_tokens(mut self) -> Self {
        self.limit_field = TokenLimitField::MaxTokens;
        self
    }

    /// Builds the model.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when the base URL is not a valid absolute http(s)
    /// URL or the HTTP client's egress policy does not allow it (add the host with
    /// `EgressPolicy::allow_host`), and [`Error::Transport`] when a default HTTP client
    /// cannot be created.
    pub fn build(self) -> Result<OpenAiModel, Error> {
        let endpoint = join_endpoint("OpenAI", &self.base_url, "chat/completions")?;
        let http = match self.http {
            Some(http) => http,
            None => HttpClient::new(EgressPolicy::default())?,
        };
        if let Err(denied) = http.egress().check(&endpoint) {
            return Err(Error::InvalidConfig(format!(
                "the OpenAI endpoint is not allowed by the HTTP client's egress policy ({denied}); \
                 allow its host with EgressPolicy::allow_host"
            )));
        }
        Ok(OpenAiModel {
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
            limit_field: self.limit_field,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_host_must_be_allowed() {
        let error = OpenAiModel::builder(SecretString::from("k"), "m")
            .base_url("https://llm.internal.example.com/v1")
            .build()
            .expect_err("host not on the allowlist");
        assert!(error.to_string().contains("allow_host"), "{error}");
    }

    #[test]
    fn endpoint_joins_path() {
        let model = OpenAiModel::builder(SecretString::from("k"), "m")
            .build()
            .expect("default host allowed");
        assert_eq!(
            model.endpoint.as_str(),
            "https://api.openai.com/v1/chat/completions"
        );
    }
}
