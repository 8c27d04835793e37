//! Outbound requests.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{Error, HttpError, HttpErrorKind};

/// A request to a provider, described as plain data.
///
/// Credentials are held as secrets and marked sensitive on the wire, so they never appear
/// in `Debug` output or logs. `Debug` also leaves out the query string, header values and
/// the body, because providers such as Slack accept tokens in the query.
#[derive(Clone)]
pub struct ApiRequest {
    provider: &'static str,
    operation: &'static str,
    method: Method,
    url: Url,
    headers: HeaderMap,
    secret_headers: Vec<(HeaderName, SecretString)>,
    body: Option<Bytes>,
    idempotent: bool,
    retry_safe: bool,
    retries: bool,
    timeout: Option<Duration>,
}

/// Plain headers that carry credentials by convention; they never follow a redirect to
/// another origin, even when a caller set them with [`ApiRequest::header`].
const CREDENTIAL_HEADERS: [&str; 6] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "x-goog-api-key",
    "api-key",
];

impl ApiRequest {
    /// Creates a request. GET, HEAD, PUT, DELETE and OPTIONS count as idempotent, and
    /// other methods do not (see [`ApiRequest::idempotent`] and [`ApiRequest::retry_safe`]).
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
            retry_safe: false,
            retries: true,
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

    /// Marks a request that is not idempotent as safe to resend after a 503 or 529.
    ///
    /// Set it only when the provider documents that those statuses mean the request was
    /// rejected before any processing, as the Anthropic and OpenAI APIs do for overload.
    /// Without it, a POST is resent only after a 429 or a connection that could not be
    /// made, because a 5xx may follow a write that already happened. Idempotent requests
    /// are retried on 503 and 529 either way.
    #[must_use]
    pub fn retry_safe(mut self, retry_safe: bool) -> Self {
        self.retry_safe = retry_safe;
        self
    }

    /// Sends the request exactly once, leaving every retry to the caller.
    ///
    /// Model providers use it because they retry with rules that read the error body (an
    /// exhausted quota is never retried), and two retry loops stacked would multiply the
    /// attempts.
    #[must_use]
    pub fn without_retries(mut self) -> Self {
        self.retries = false;
        self
    }

    /// Returns whether the client may retry the request itself.
    pub fn allows_retries(&self) -> bool {
        self.retries
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

    /// Returns whether the request was marked safe to resend after a 503 or 529.
    pub fn is_retry_safe(&self) -> bool {
        self.retry_safe
    }

    /// The timeout override, if any.
    pub fn timeout_override(&self) -> Option<Duration> {
        self.timeout
    }

    /// Builds the request for the next redirect hop.
    ///
    /// `drop_body` turns it into a body-less request (a 303, or a 301/302 after POST).
    /// `cross_origin` strips every secret header and every credential header, because the
    /// new scheme, host or port is a different party.
    pub(crate) fn redirected(
        &self,
        method: Method,
        url: Url,
        drop_body: bool,
        cross_origin: bool,
    ) -> Self {
        let mut next = self.clone();
        next.method = method;
        next.url = url;

        if drop_body {
            next.body = None;
            next.headers.remove(http::header::CONTENT_TYPE);
            next.headers.remove(http::header::CONTENT_LENGTH);
        }
        if cross_origin {
            next.secret_headers.clear();
            for name in CREDENTIAL_HEADERS {
                next.headers.remove(name);
            }
            let sensitive: Vec<HeaderName> = next
                .headers
                .iter()
                .filter(|(_, value)| value.is_sensitive())
                .map(|(name, _)| name.clone())
                .collect();
            for name in sensitive {
                next.headers.remove(name);
            }
        }
        next
    }

    #[cfg(test)]
    pub(crate) fn has_credentials(&self) -> bool {
        !self.secret_headers.is_empty()
            || CREDENTIAL_HEADERS
                .iter()
                .any(|name| self.headers.contains_key(*name))
    }

    pub(crate) fn to_reqwest(&self, client: &reqwest::Client) -> Result<reqwest::Request, Error> {
        // Credential headers set as plain headers are still kept out of any HTTP-level log.
        let mut headers = self.headers.clone();
        for name in CREDENTIAL_HEADERS {
            if let http::header::Entry::Occupied(mut entry) = headers.entry(name) {
                for value in entry.iter_mut() {
                    value.set_sensitive(true);
                }
            }
        }
        let mut builder = client
            .request(self.method.clone(), self.url.clone())
            .headers(headers);
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
                Some(Box::new(source.without_url())),
            )))
        })
    }
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        let secret_names: Vec<&str> = self
            .secret_headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        f.debug_struct("ApiRequest")
            .field("provider", &self.provider)
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("host", &self.url.host_str())
            .field("path", &self.url.path())
            .field("headers", &header_names)
            .field("secret_headers", &secret_names)
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .field("idempotent", &self.idempotent)
            .field("retry_safe", &self.retry_safe)
            .field("retries", &self.retries)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post() -> ApiRequest {
        let url = Url::parse("https://slack.com/api/chat.postMessage?token=xoxb-query-secret")
            .expect("valid url");
        ApiRequest::post("slack", "chat.postMessage", url)
            .bearer_auth(&SecretString::from("xoxb-header-secret"))
            .header(
                HeaderName::from_static("x-api-key"),
                HeaderValue::from_static("plain-key-secret"),
            )
            .header(
                HeaderName::from_static("accept"),
                HeaderValue::from_static("application/json"),
            )
            .json_body(r#"{"text":"body-secret"}"#)
    }

    #[test]
    fn debug_hides_query_values_and_body() {
        let printed = format!("{:?}", post());
        for secret in [
            "query-secret",
            "header-secret",
            "plain-key-secret",
            "body-secret",
        ] {
            assert!(!printed.contains(secret), "{secret} leaked: {printed}");
        }
        assert!(printed.contains("chat.postMessage"));
        assert!(printed.contains("body_len: Some(22)"));
    }

    #[test]
    fn cross_origin_redirect_strips_credentials() {
        let request = post();
        assert!(request.has_credentials());
        let url = Url::parse("https://files.slack.com/x").expect("valid url");

        let next = request.redirected(Method::GET, url, true, true);
        assert!(!next.has_credentials());
        assert!(next.body().is_none());
        assert!(next.headers().get(http::header::CONTENT_TYPE).is_none());
        assert!(next.headers().get(http::header::ACCEPT).is_some());
    }

    #[test]
    fn same_origin_redirect_keeps_credentials_and_body() {
        let request = post();
        let url = Url::parse("https://slack.com/api/other").expect("valid url");

        let next = request.redirected(Method::POST, url, false, false);
        assert!(next.has_credentials());
        assert!(next.body().is_some());
    }

    #[test]
    fn retry_safe_defaults_off() {
        assert!(!post().is_retry_safe());
        assert!(post().retry_safe(true).is_retry_safe());
    }
}
