//! Responses read chunk by chunk, for server-sent events.
//!
//! A streamed model answer may run for many minutes while staying healthy, so a streamed
//! request has no total timeout. Instead the wait for the response headers and the wait
//! for each following chunk are bounded by one idle timeout: a stalled connection fails
//! fast, and a long but live one is never cut.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::HeaderMap;
use tracing::Instrument;

use super::response::request_id_of;
use super::{ApiRequest, ApiResponse, HttpClient, retry, trace};
use crate::error::{Error, HttpError, HttpErrorKind};

/// The reqwest per-request timeout set on streamed requests. reqwest needs a value to
/// override the client-wide total timeout; a day is far beyond any model answer, so in
/// practice only the idle timeout applies.
const STREAM_CEILING: Duration = Duration::from_secs(24 * 60 * 60);

/// A response whose body is read chunk by chunk, each read bounded by an idle timeout.
///
/// `Debug` prints the status, the request id and the header names, never header values or
/// body bytes.
pub struct StreamingResponse {
    request: ApiRequest,
    status: u16,
    headers: HeaderMap,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    idle_timeout: Duration,
    max_error_bytes: u64,
    inner: reqwest::Response,
}

impl StreamingResponse {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Returns whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Returns a header's value when it is present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The provider's request id, if the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The delay the provider asked for, as [`ApiResponse::retry_after`] reads it.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Reads the next chunk of the body, or `None` at its end.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Http`] of kind [`HttpErrorKind::Timeout`] when no data arrives
    /// within the idle timeout, and of kind [`HttpErrorKind::Body`] when the connection
    /// breaks.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match tokio::time::timeout(self.idle_timeout, self.inner.chunk()).await {
            Ok(Ok(chunk)) => Ok(chunk),
            Ok(Err(source)) => {
                let kind = if source.is_timeout() {
                    HttpErrorKind::Timeout
                } else {
                    HttpErrorKind::Body
                };
                Err(self.fail(kind, Some(Box::new(source.without_url()))))
            }
            Err(_) => Err(self.fail(HttpErrorKind::Timeout, None)),
        }
    }

    /// Reads the rest of the body into a complete response, for error statuses whose body
    /// is one JSON document. The body is capped at the client's response size limit.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Http`] when the body cannot be read in time or exceeds the limit.
    pub async fn into_response(self) -> Result<ApiResponse, Error> {
        let idle = self.idle_timeout;
        let request = self.request;
        let read = ApiResponse::read(self.inner, &request, self.max_error_bytes);
        match tokio::time::timeout(idle, read).await {
            Ok(response) => response,
            Err(_) => Err(timeout_error(&request, Some(self.status))),
        }
    }

    fn fail(
        &self,
        kind: HttpErrorKind,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        let error = HttpError::new(
            kind,
            self.request.provider(),
            self.request.operation(),
            source,
        )
        .with_status(self.status)
        .with_request_id(self.request_id.clone());
        Error::Http(Box::new(error))
    }
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("idle_timeout", &self.idle_timeout)
            .field("headers", &header_names)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// Sends a request once and returns as soon as the response headers arrive, for a
    /// body read chunk by chunk (server-sent events).
    ///
    /// The URL goes through the egress check like [`HttpClient::send`]. Unlike `send`, a
    /// streamed request is never retried here, because only the caller knows whether
    /// content had already arrived, and redirects are not followed: a 3xx comes back as a
    /// response with that status. The wait for the headers and for each chunk is bounded
    /// by `idle_timeout`; there is no total timeout unless the request sets one.
    ///
    /// # Errors
    ///
    /// Returns [`Error::EgressDenied`] before connecting when the URL is not allowed, and
    /// [`Error::Http`] when the connection fails or no headers arrive within
    /// `idle_timeout`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use async_core::http::{ApiRequest, EgressPolicy, HttpClient};
    /// use url::Url;
    ///
    /// # async fn run() -> Result<(), async_core::error::Error> {
    /// let client = HttpClient::new(EgressPolicy::default())?;
    /// let url = Url::parse("https://api.openai.com/v1/chat/completions").expect("valid URL");
    /// let request = ApiRequest::post("openai", "chat.completions", url).json_body("{}");
    /// let mut response = client.send_streaming(request, Duration::from_secs(60)).await?;
    /// while let Some(chunk) = response.next_chunk().await? {
    ///     println!("{} bytes", chunk.len());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_streaming(
        &self,
        request: ApiRequest,
        idle_timeout: Duration,
    ) -> Result<StreamingResponse, Error> {
        let span = trace::request_span(&request);
        self.open_stream(request, idle_timeout)
            .instrument(span)
            .await
    }

    async fn open_stream(
        &self,
        request: ApiRequest,
        idle_timeout: Duration,
    ) -> Result<StreamingResponse, Error> {
        if let Err(error) = self.egress().check(request.url()) {
            trace::log_denied(&error);
            return Err(error);
        }
        let request = match request.timeout_override() {
            Some(_) => request,
            None => request.timeout(STREAM_CEILING),
        };

        let outbound = request.to_reqwest(self.reqwest())?;
        let sent = tokio::time::timeout(idle_timeout, self.reqwest().execute(outbound)).await;
        let mut response = match sent {
            Ok(Ok(response)) => response,
            Ok(Err(source)) => return Err(super::client::transport_error(&request, source)),
            Err(_) => return Err(timeout_error(&request, None)),
        };

        let headers = std::mem::take(response.headers_mut());
        let status = response.status().as_u16();
        let request_id = request_id_of(&headers);
        tracing::debug!(
            target: "async_core::http",
            status,
            request_id = request_id.as_deref(),
            "stream opened"
        );
        Ok(StreamingResponse {
            retry_after: retry::server_delay(&headers, SystemTime::now()),
            request,
            status,
            headers,
            request_id,
            idle_timeout,
            max_error_bytes: self.max_response_bytes(),
            inner: response,
        })
    }
}

fn timeout_error(request: &ApiRequest, status: Option<u16>) -> Error {
    let mut error = HttpError::new(
        HttpErrorKind::Timeout,
        request.provider(),
        request.operation(),
        None,
    );
    if let Some(status) = status {
        error = error.with_status(status);
    }
    Error::Http(Box::new(error))
}
