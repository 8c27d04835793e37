//! Outbound requests.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{Error, HttpError, HttpErrorKind};

/// A request to a provider, described as plain data.
///
/// Credentials are held as secrets and marked sensitive on the wire, so they never appear
/// in `Debug` output or logs.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    provider: &'static str,
    operation: &'static str,
    method: Method,
    url: Url,
    headers: HeaderMap,
    secret_headers: Vec<(HeaderName, SecretString)>,
    body: Option<Bytes>,
    idempotent: bool,
    timeout: Option<Duration>,
}

impl ApiRequest {
    /// Creates a request. GET, HEAD, PUT and DELETE count as idempotent; others do not.
    pub fn new(method: Method, provider: &'static str, operation: &'static str, url: Url) -> Self {
        let idempotent = matches!(
            method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        );
        Self {
            provider,
            operation,
            method,
            url,
            headers: HeaderMap::new(),
            secret_headers: Vec::new(),
            body: None,
            idempotent,
            timeout: None,
        }
    }

    /// Creates a GET request.
    pub fn get(provider: &'static str, operation: &'static str, url: Url) -> Self {
        Self::new(Method::GET, provider, operation, url)
    }

    /// Creates a POST request.
    pub fn post(provider: &'static str, operation: &'static str, url: Url) -> Self {
        Self::new(Method::POST, provider, operation, url)
    }

    /// Adds a header that is not a secret.
    #[must_use]
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Adds a header whose value is a secret (an API key header).
    #[must_use]
    pub fn secret_header(mut self, name: HeaderName, value: SecretString) -> Self {
        self.secret_headers.push((name, value));
        self
    }

    /// Adds `Authorization: Bearer <token>`.
    #[must_use]
    pub fn bearer_auth(self, token: &SecretString) -> Self {
        let value = SecretString::from(format!("Bearer {}", token.expose_secret()));
        self.secret_header(http::header::AUTHORIZATION, value)
    }

    /// Sets a JSON body and its content type.
    #[must_use]
    pub fn json_body(mut self, body: impl Into<Bytes>) -> Self {
        self.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        self.body = Some(body.into());
        self
    }

    /// Marks the request as safe (or not) to send more than once.
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Overrides the client's request timeout for this request.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The provider the request is for.
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// The operation the request performs.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The full URL, query included. Never log it.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The non-secret headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, if any.
    pub fn body(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }

    /// Returns whether the request may be sent again after a failure.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The timeout override, if any.
    pub fn timeout_override(&self) -> Option<Duration> {
        self.timeout
    }

    pub(crate) fn to_reqwest(&self, client: &reqwest::Client) -> Result<reqwest::Request, Error> {
        let mut builder = client
            .request(self.method.clone(), self.url.clone())
            .headers(self.headers.clone());
        for (name, secret) in &self.secret_headers {
            let mut value = HeaderValue::from_str(secret.expose_secret()).map_err(|_| {
                Error::Http(Box::new(HttpError::new(
                    HttpErrorKind::Build,
                    self.provider,
                    self.operation,
                    None,
                )))
            })?;
            value.set_sensitive(true);
            builder = builder.header(name.clone(), value);
        }
        if let Some(body) = &self.body {
            builder = builder.body(body.clone());
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        builder.build().map_err(|source| {
            Error::Http(Box::new(HttpError::new(
                HttpErrorKind::Build,
                self.provider,
                self.operation,
                Some(Box::new(source)),
            )))
        })
    }
}
