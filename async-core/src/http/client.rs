//! The client: egress check, redirects, retries and tracing around reqwest.

use std::sync::Arc;
use std::time::Duration;

use tracing::{Instrument, Span};

use super::builder::HttpClientBuilder;
use super::{ApiRequest, ApiResponse, EgressDenial, EgressPolicy, RetryPolicy};
use super::{redirect, retry, trace};
use crate::error::{Error, HttpError, HttpErrorKind};

/// The egress-checked HTTP client shared by connectors and model providers.
///
/// Cloning is cheap: clones share one connection pool and one policy.
///
/// # Examples
///
/// ```
/// use async_core::http::{EgressPolicy, HttpClient};
///
/// // The hosts of the published scope manifest plus one Jira site, default settings.
/// let client = HttpClient::new(EgressPolicy::default().allow_host("acme.atlassian.net"))?;
/// assert!(client.egress().is_host_allowed("api.github.com"));
/// # Ok::<(), async_core::error::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    egress: Arc<EgressPolicy>,
    retry: RetryPolicy,
    max_response_bytes: u64,
}

impl HttpClient {
    /// Creates a client that allows exactly the hosts of `egress`, with default settings.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Http`] when the TLS backend cannot be initialised.
    pub fn new(egress: EgressPolicy) -> Result<Self, Error> {
        Self::builder().egress_policy(egress).build()
    }

    /// Starts a builder with default settings.
    pub fn builder() -> HttpClientBuilder {
        HttpClientBuilder::default()
    }

    pub(crate) fn from_parts(
        inner: reqwest::Client,
        egress: Arc<EgressPolicy>,
        retry: RetryPolicy,
        max_response_bytes: u64,
    ) -> Self {
        Self {
            inner,
            egress,
            retry,
            max_response_bytes,
        }
    }

    /// Returns the egress policy the client enforces.
    pub fn egress(&self) -> &EgressPolicy {
        &self.egress
    }

    /// Returns the retry policy the client applies.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Returns the maximum response body size in bytes.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    pub(crate) fn reqwest(&self) -> &reqwest::Client {
        &self.inner
    }

    /// Sends a request, following redirects and retrying where that is safe, and returns
    /// the response whatever its status.
    ///
    /// A response with an error status is `Ok`: the caller parses the provider's error
    /// body. After the last attempt, or when the server requests a delay beyond the retry
    /// limits, the last response is returned with that delay in
    /// [`ApiResponse::retry_after`].
    ///
    /// # Errors
    ///
    /// Returns [`Error::EgressDenied`] before connecting when the URL is not allowed or its
    /// host resolves to a reserved address, and [`Error::Http`] when a redirect is refused,
    /// the connection fails or times out, or the body exceeds the size limit.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use async_core::http::{ApiRequest, EgressPolicy, HttpClient};
    /// use secrecy::SecretString;
    /// use url::Url;
    ///
    /// # async fn run(token: SecretString) -> Result<(), async_core::error::Error> {
    /// let client = HttpClient::new(EgressPolicy::default())?;
    /// let url = Url::parse("https://api.github.com/user").expect("valid URL");
    /// let request = ApiRequest::get("github", "users.get_authenticated", url).bearer_auth(&token);
    ///
    /// let response = client.send(request).await?;
    /// if !response.is_success() {
    ///     // The provider's error body is the caller's to parse; the delay is kept.
    ///     println!("HTTP {} retry after {:?}", response.status(), response.retry_after());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(&self, request: ApiRequest) -> Result<ApiResponse, Error> {
        let span = trace::request_span(&request);
        self.send_with_retries(&request, &span)
            .instrument(span.clone())
            .await
    }

    async fn send_with_retries(
        &self,
        request: &ApiRequest,
        span: &Span,
    ) -> Result<ApiResponse, Error> {
        if let Err(error) = self.egress.check(request.url()) {
            trace::log_denied(&error);
            return Err(error);
        }

        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        loop {
            trace::record_attempt(span, attempt);
            let (delay, cause) = match self.follow_redirects(request).await {
                Ok(mut response) => {
                    response.set_attempts(attempt);
                    trace::record_response(span, &response);

                    let status = response.status();
                    let Some(cause) = retry::retryable_status(request, status, response.headers())
                    else {
                        return Ok(response);
                    };
                    if !request.allows_retries() {
                        return Ok(response);
                    }
                    match self.plan_retry(attempt, waited, response.retry_after()) {
                        Some(delay) => (delay, cause),
                        None => return Ok(response),
                    }
                }
                Err(error) => {
                    trace::log_failure(&error);
                    if !request.allows_retries() || !retry::retryable_error(request, &error) {
                        return Err(with_attempts(error, attempt));
                    }
                    match self.plan_retry(attempt, waited, None) {
                        Some(delay) => (delay, retry::error_cause(&error)),
                        None => return Err(with_attempts(error, attempt)),
                    }
                }
            };

            trace::log_retry(attempt, delay, cause);
            tokio::time::sleep(delay).await;
            waited = waited.saturating_add(delay);
            attempt += 1;
        }
    }

    /// Returns the delay before the next attempt, or `None` when the limits forbid one.
    ///
    /// A delay named by the server is used as given, because retrying sooner only earns
    /// another rejection; without one, the jittered backoff applies.
    fn plan_retry(
        &self,
        attempt: u32,
        waited: Duration,
        server_delay: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.retry.max_attempts {
            return None;
        }
        let delay = server_delay.unwrap_or_else(|| self.retry.backoff(attempt));

        if server_delay.is_some() && delay > self.retry.max_retry_after {
            trace::log_give_up(attempt, delay, "server delay exceeds max_retry_after");
            return None;
        }
        if waited.saturating_add(delay) > self.retry.budget {
            trace::log_give_up(attempt, delay, "delay exceeds the retry budget");
            return None;
        }
        Some(delay)
    }

    /// Sends one attempt, following at most five redirects, each checked before connecting.
    async fn follow_redirects(&self, request: &ApiRequest) -> Result<ApiResponse, Error> {
        let mut current = request.clone();
        let mut hops = 0;
        loop {
            let response = self.execute(&current).await?;
            let Some(next) = redirect::next_hop(&self.egress, &current, &response, hops)? else {
                return Ok(response);
            };

            trace::log_redirect(response.status(), next.url());
            current = next;
            hops += 1;
        }
    }

    async fn execute(&self, request: &ApiRequest) -> Result<ApiResponse, Error> {
        let outbound = request.to_reqwest(&self.inner)?;
        let response = self
            .inner
            .execute(outbound)
            .await
            .map_err(|source| transport_error(request, source))?;
        ApiResponse::read(response, request, self.max_response_bytes).await
    }
}

/// Classifies a reqwest failure by how far the request got.
///
/// A resolution the egress resolver rejected surfaces as [`Error::EgressDenied`], the same
/// error a rejected URL gives.
pub(crate) fn transport_error(request: &ApiRequest, source: reqwest::Error) -> Error {
    if let Some(denial) = find_denial(&source) {
        return Error::EgressDenied(denial);
    }
    // reqwest prints the full URL, query included, in its message.
    let source = source.without_url();

    let kind = if source.is_timeout() {
        HttpErrorKind::Timeout
    } else if source.is_connect() {
        HttpErrorKind::Connect
    } else {
        HttpErrorKind::Transport
    };
    let error = HttpError::new(
        kind,
        request.provider(),
        request.operation(),
        Some(Box::new(source)),
    );
    Error::Http(Box::new(error))
}

fn find_denial(error: &reqwest::Error) -> Option<EgressDenial> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = current {
        if let Some(denial) = error.downcast_ref::<EgressDenial>() {
            return Some(denial.clone());
        }
        current = error.source();
    }
    None
}

fn with_attempts(error: Error, attempts: u32) -> Error {
    match error {
        Error::Http(error) => Error::Http(Box::new(error.with_attempts(attempts))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn client() -> HttpClient {
        HttpClient::builder()
            .max_attempts(3)
            .retry_base_delay(Duration::from_millis(100))
            .retry_max_delay(Duration::from_millis(400))
            .retry_budget(Duration::from_secs(10))
            .max_retry_after(Duration::from_secs(5))
            .build()
            .expect("valid client")
    }

    #[test]
    fn plan_uses_server_delay_exactly() {
        let delay = client().plan_retry(1, Duration::ZERO, Some(Duration::from_secs(4)));
        assert_eq!(delay, Some(Duration::from_secs(4)));
    }

    #[test]
    fn plan_backs_off_without_server_delay() {
        let delay = client()
            .plan_retry(2, Duration::ZERO, None)
            .expect("a retry");
        assert!(delay <= Duration::from_millis(200), "{delay:?}");
        assert!(delay >= Duration::from_millis(150), "{delay:?}");
    }

    #[test]
    fn plan_stops_at_max_attempts() {
        assert_eq!(client().plan_retry(3, Duration::ZERO, None), None);
    }

    #[test]
    fn plan_stops_beyond_max_retry_after() {
        let delay = client().plan_retry(1, Duration::ZERO, Some(Duration::from_secs(6)));
        assert_eq!(delay, None);
    }

    #[test]
    fn plan_stops_beyond_budget() {
        let waited = Duration::from_secs(7);
        let delay = client().plan_retry(2, waited, Some(Duration::from_secs(4)));
        assert_eq!(delay, None);
        let fits = client().plan_retry(2, waited, Some(Duration::from_secs(3)));
        assert_eq!(fits, Some(Duration::from_secs(3)));
    }

    /// `localhost` allowed as an ordinary host, without the loopback opt-in, resolves to a
    /// loopback address, which the resolver must reject before any connection is made.
    #[tokio::test]
    async fn allowed_name_resolving_to_loopback_is_denied() {
        let policy = EgressPolicy::deny_all().allow_host("localhost");
        let client = HttpClient::builder()
            .egress_policy(policy)
            .no_retries()
            .build()
            .expect("valid client");
        let url = Url::parse("https://localhost/").expect("valid url");

        let error = client
            .send(ApiRequest::get("test", "resolve", url))
            .await
            .expect_err("loopback answer rejected");
        assert!(
            matches!(
                error,
                Error::EgressDenied(EgressDenial::ReservedAddress { .. })
            ),
            "{error:?}"
        );
    }
}
