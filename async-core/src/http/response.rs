//! Responses as the SDK keeps them.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use http::HeaderMap;

use super::ApiRequest;
use super::retry;
use crate::error::{Error, HttpError, HttpErrorKind};

/// Header names providers use for their request ids, in the order they are looked up:
/// GitHub, Anthropic, OpenAI and many gateways, Jira and Confluence, Slack.
const REQUEST_ID_HEADERS: [&str; 5] = [
    "x-github-request-id",
    "request-id",
    "x-request-id",
    "x-arequestid",
    "x-slack-req-id",
];

/// A complete response: status, headers, body and the provider's request id.
///
/// `Debug` prints the status, the request id, the header names and the body length, never
/// header values or the body, which may hold tokens or personal data.
#[derive(Clone)]
pub struct ApiResponse {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
}

impl ApiResponse {
    /// Builds a response from parts; connectors use it in tests and for cached pages.
    ///
    /// The request id and the retry delay are read from `headers`, the delay relative to
    /// the current time.
    pub fn from_parts(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        let request_id = request_id_of(&headers);
        let retry_after = retry::server_delay(&headers, SystemTime::now());
        Self {
            status,
            headers,
            body,
            request_id,
            retry_after,
            attempts: 1,
        }
    }

    /// Reads a response, rejecting a body longer than `max_bytes`.
    ///
    /// The declared `Content-Length` is checked before reading and the running total while
    /// reading, so a server that lies about the length is cut off at the limit too.
    pub(crate) async fn read(
        mut response: reqwest::Response,
        request: &ApiRequest,
        max_bytes: u64,
    ) -> Result<Self, Error> {
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let request_id = request_id_of(&headers);
        let retry_after = retry::server_delay(&headers, SystemTime::now());
        let fail = |kind: HttpErrorKind, source: Option<reqwest::Error>| {
            // reqwest prints the full URL, query included, in its message.
            let source = source.map(|source| Box::new(source.without_url()) as _);
            let error = HttpError::new(kind, request.provider(), request.operation(), source)
                .with_status(status)
                .with_request_id(request_id.clone())
                .with_retry_after(retry_after)
                .with_body_limit(max_bytes);
            Error::Http(Box::new(error))
        };

        if response
            .content_length()
            .is_some_and(|length| length > max_bytes)
        {
            return Err(fail(HttpErrorKind::BodyTooLarge, None));
        }

        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|source| {
            let kind = if source.is_timeout() {
                HttpErrorKind::Timeout
            } else {
                HttpErrorKind::Body
            };
            fail(kind, Some(source))
        })? {
            let total = body.len().saturating_add(chunk.len());
            if u64::try_from(total).map_or(true, |total| total > max_bytes) {
                return Err(fail(HttpErrorKind::BodyTooLarge, None));
            }
            body.extend_from_slice(&chunk);
        }

        Ok(Self::from_parts(status, headers, body.freeze()))
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }

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

    /// The body bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Returns the body as text, replacing invalid UTF-8 with U+FFFD.
    pub fn text_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The provider's request id, if the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The delay the provider asked for before the next request, measured from when the
    /// response arrived.
    ///
    /// It comes from `retry-after-ms`, `retry-after` (seconds or an HTTP-date), or
    /// `x-ratelimit-reset` when no quota remains. When the client stops retrying because
    /// this delay exceeds its limits, the response is returned with the delay kept here.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// How many attempts the client made, the one that produced this response included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Debug for ApiResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        f.debug_struct("ApiResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("attempts", &self.attempts)
            .field("headers", &header_names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

pub(crate) fn request_id_of(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn request_id_from_each_provider() {
        for name in REQUEST_ID_HEADERS {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_static("req-77"));
            let response = ApiResponse::from_parts(200, headers, Bytes::new());
            assert_eq!(response.request_id(), Some("req-77"), "{name}");
        }
    }

    #[test]
    fn retry_after_read_from_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("30"));
        let response = ApiResponse::from_parts(429, headers, Bytes::new());
        assert_eq!(response.retry_after(), Some(Duration::from_secs(30)));
    }

    #[test]
    fn debug_hides_values_and_body() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "set-cookie",
            HeaderValue::from_static("session=cookie-secret"),
        );
        let body = Bytes::from_static(b"{\"token\":\"body-secret\"}");
        let printed = format!("{:?}", ApiResponse::from_parts(200, headers, body));
        assert!(!printed.contains("cookie-secret"), "{printed}");
        assert!(!printed.contains("body-secret"), "{printed}");
        assert!(printed.contains("set-cookie"));
    }

    #[test]
    fn text_lossy_replaces_invalid_utf8() {
        let body = Bytes::from_static(b"ok \xff");
        let response = ApiResponse::from_parts(200, HeaderMap::new(), body);
        assert_eq!(response.text_lossy(), "ok \u{fffd}");
    }
}
