//! The one HTTP client every crate of the SDK sends requests through.
//!
//! [`HttpClient`] checks each URL against an [`EgressPolicy`] before any connection is
//! made, applies timeouts, retries idempotent requests that a provider asked to be retried,
//! keeps the provider's request id on every response and error, and records one `tracing`
//! span per request without secrets, query strings or bodies.

mod egress;
mod request;
mod response;

pub use egress::{EgressDenial, EgressPolicy};
pub use request::ApiRequest;
pub use response::ApiResponse;

use std::time::Duration;

use crate::error::{Error, HttpError, HttpErrorKind};

/// The egress-checked HTTP client shared by connectors and model providers.
///
/// Cloning is cheap: clones share one connection pool and one policy.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    egress: EgressPolicy,
}

impl HttpClient {
    /// Creates a client that allows exactly the hosts of `egress`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Http`] when the TLS backend cannot be initialised.
    pub fn new(egress: EgressPolicy) -> Result<Self, Error> {
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|source| {
                Error::Http(Box::new(HttpError::new(
                    HttpErrorKind::Transport,
                    "client",
                    "build",
                    Some(Box::new(source)),
                )))
            })?;
        Ok(Self { inner, egress })
    }

    /// Returns the egress policy the client enforces.
    pub fn egress(&self) -> &EgressPolicy {
        &self.egress
    }

    /// Sends a request and returns the response, whatever its status.
    ///
    /// # Errors
    ///
    /// Returns [`Error::EgressDenied`] before connecting when the URL is not allowed, and
    /// [`Error::Http`] when the request cannot be completed.
    pub async fn send(&self, request: ApiRequest) -> Result<ApiResponse, Error> {
        self.egress.check(request.url())?;
        let response = self
            .inner
            .execute(request.to_reqwest(&self.inner)?)
            .await
            .map_err(|source| {
                Error::Http(Box::new(HttpError::new(
                    HttpErrorKind::Transport,
                    request.provider(),
                    request.operation(),
                    Some(Box::new(source)),
                )))
            })?;
        ApiResponse::read(response, &request).await
    }
}
