//! The Google Gemini API (`generateContent` and `streamGenerateContent`).
//!
//! [`GeminiModel`] sends `POST {base}/v1beta/models/{model}:generateContent`, or
//! `:streamGenerateContent?alt=sse` to stream, through the SDK's [`HttpClient`]. The key
//! goes in the `x-goog-api-key` header, never in the `?key=` query parameter that proxies
//! and logs would keep. Retries follow the crate's [`RetryPolicy`]; a per-day quota is
//! never retried.

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

use crate::transport::{DEFAULT_IDLE_TIMEOUT, Exchange, Protocol, decode_json, join_endpoint};
use crate::{
    CompletionRequest, CompletionResponse, CompletionStream, Error, LanguageModel, ModelInfo,
    ProviderContext, RetryPolicy,
};

/// The provider name used in errors, logs and [`ModelInfo`].
pub(crate) const PROVIDER: &str = "gemini";

/// The operation name used in errors and logs.
pub(crate) const OPERATION: &str = "generate_content";

/// The production API base.
pub const GEMINI_BASE_URL: &str = "https://generativelanguage.googleapis.com";

/// The total timeout of a request without streaming.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// The context window of current Gemini models, in tokens.
const DEFAULT_CONTEXT_WINDOW: u32 = 1_048_576;

/// A Gemini model reached through the Generative Language API.
///
/// # Examples
///
/// ```
/// use async_llm::{GeminiModel, LanguageModel};
/// use secrecy::SecretString;
///
/// let model = GeminiModel::builder(SecretString::from("AIza-example"), "gemini-2.5-flash").build()?;
/// assert_eq!(model.describe().provider, "gemini");
/// assert!(!format!("{model:?}").contains("AIza-example"));
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Clone)]
pub struct GeminiModel {
    exchange: Exchange,
    api_key: SecretString,
    model: String,
    generate: Url,
    stream: Url,
    context_window: u32,
}

impl fmt::Debug for GeminiModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeminiModel")
            .field("model", &self.model)
            .field("endpoint", &self.generate.as_str())
            .field("api_key", &"[redacted]")
            .field("context_window", &self.context_window)
            .finish_non_exhaustive()
    }
}

/// Error classification and stream decoding of the Gemini API.
#[derive(Debug, Clone, Copy)]
struct GenerateContent;

impl Protocol for GenerateContent {
    type Handler = stream::Handler;

    fn classify(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
        errors::classify(status, headers, body)
    }

    fn handler(&self) -> Self::Handler {
        stream::Handler::new()
    }
}

impl GeminiModel {
    /// Starts building a model that calls `model` (`"gemini-2.5-flash"`) with `api_key`.
    pub fn builder(api_key: SecretString, model: impl Into<String>) -> GeminiModelBuilder {
        GeminiModelBuilder {
            api_key,
            model: model.into(),
            base_url: GEMINI_BASE_URL.to_owned(),
            http: None,
            context_window: DEFAULT_CONTEXT_WINDOW,
            timeout: DEFAULT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    fn api_request(&self, request: &CompletionRequest, stream: bool) -> Result<ApiRequest, Error> {
        let body = wire::to_wire(request)?;
        let body = serde_json::to_vec(&body).map_err(|source| {
            Error::InvalidConfig(format!("could not encode the request body: {source}"))
        })?;
        let url = if stream { &self.stream } else { &self.generate };
        let accept = if stream {
            "text/event-stream"
        } else {
            "application/json"
        };

        Ok(ApiRequest::post(PROVIDER, OPERATION, url.clone())
            .header(http::header::ACCEPT, HeaderValue::from_static(accept))
            .secret_header(
                HeaderName::from_static("x-goog-api-key"),
                self.api_key.clone(),
            )
            .json_body(body))
    }
}

#[async_trait]
impl LanguageModel for GeminiModel {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let api_request = self.api_request(request, false)?;
        let response = self.exchange.send(&GenerateContent, &api_request).await?;
        let request_id = response.request_id().map(str::to_owned);
        tracing::debug!(
            provider = PROVIDER,
            model = %self.model,
            status = response.status(),
            "generateContent answered"
        );

        let decoded: wire::WireResponse =
            decode_json(&response, ProviderContext::new(PROVIDER, OPERATION))?;
        wire::from_wire(decoded, &self.model, request_id)
    }

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        let api_request = self.api_request(request, true)?;
        let fallback = ProviderContext::new(PROVIDER, OPERATION);
        self.exchange
            .stream(GenerateContent, api_request, fallback, self.model.clone())
            .await
    }

    fn describe(&self) -> ModelInfo {
        ModelInfo::new(PROVIDER, self.model.clone()).with_context_window(self.context_window)
    }
}

/// Configures a [`GeminiModel`]; errors are reported by [`build`](Self::build).
#[must_use]
pub struct GeminiModelBuilder {
    api_key: SecretString,
    model: String,
    base_url: String,
    http: Option<HttpClient>,
    context_window: u32,
    timeout: Duration,
    idle_timeout: Duration,
    retry: RetryPolicy,
}

impl fmt::Debug for GeminiModelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeminiModelBuilder")
            .field("model", &self.model)
            .field("base_url", &async_core::http::redact_url(&self.base_url))
            .field("api_key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl GeminiModelBuilder {
    /// Sets the API base (default `https://generativelanguage.googleapis.com`), for
    /// gateways and tests.
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

    /// Sets the retry policy (default: two retries).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Builds the model.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when the base URL is not a valid absolute http(s)
    /// URL or the model id is empty, and [`Error::Transport`] when a default HTTP client
    /// cannot be created.
    pub fn build(self) -> Result<GeminiModel, Error> {
        if self.model.trim().is_empty() {
            return Err(Error::InvalidConfig(
                "the Gemini model id is empty; pass one such as `gemini-2.5-flash`".to_owned(),
            ));
        }
        let generate = model_endpoint(&self.base_url, &self.model, "generateContent")?;
        let mut stream = model_endpoint(&self.base_url, &self.model, "streamGenerateContent")?;
        stream.set_query(Some("alt=sse"));
        let http = match self.http {
            Some(http) => http,
            None => HttpClient::new(EgressPolicy::default())?,
        };
        Ok(GeminiModel {
            exchange: Exchange {
                http,
                retry: self.retry,
                timeout: self.timeout,
                idle_timeout: self.idle_timeout,
            },
            api_key: self.api_key,
            model: self.model,
            generate,
            stream,
            context_window: self.context_window,
        })
    }
}

/// Builds `{base}/v1beta/models/{model}:{method}`, the model id encoded as one path
/// segment so that a `/` or `?` in it cannot change the path.
fn model_endpoint(base_url: &str, model: &str, method: &str) -> Result<Url, Error> {
    let mut url = join_endpoint("Gemini", base_url, "v1beta/models")?;
    url.path_segments_mut()
        .map_err(|()| Error::InvalidConfig("the Gemini base URL cannot take a path".to_owned()))?
        .push(&format!("{model}:{method}"));
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_encode_model() {
        let url =
            model_endpoint(GEMINI_BASE_URL, "gemini-2.5-flash", "generateContent").expect("valid");
        assert_eq!(
            url.as_str(),
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"
        );
        let odd = model_endpoint(GEMINI_BASE_URL, "a/../b?x", "generateContent").expect("valid");
        assert!(
            odd.path()
                .ends_with("/models/a%2F..%2Fb%3Fx:generateContent"),
            "{odd}"
        );
        assert_eq!(odd.query(), None);
    }

    #[test]
    fn stream_endpoint_asks_for_sse() {
        let model = GeminiModel::builder(SecretString::from("k"), "gemini-2.5-flash")
            .build()
            .expect("valid");
        assert_eq!(model.stream.query(), Some("alt=sse"));
        assert!(model.stream.path().ends_with(":streamGenerateContent"));
    }

    #[test]
    fn empty_model_rejected() {
        let error = GeminiModel::builder(SecretString::from("k"), " ")
            .build()
            .expect_err("empty model");
        assert!(matches!(error, Error::InvalidConfig(_)));
    }
}
