//! Responses as the SDK keeps them.

use bytes::Bytes;
use http::HeaderMap;

use super::ApiRequest;
use crate::error::{Error, HttpError, HttpErrorKind};

/// Header names providers use for their request ids, in the order they are looked up.
const REQUEST_ID_HEADERS: [&str; 5] = [
    "x-github-request-id",
    "request-id",
    "x-request-id",
    "x-arequestid",
    "x-slack-req-id",
];

/// A complete response: status, headers, body and the provider's request id.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
    request_id: Option<String>,
}

impl ApiResponse {
    /// Builds a response from parts; connectors use it in tests and for cached pages.
    pub fn from_parts(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        let request_id = request_id_of(&headers);
        Self {
            status,
            headers,
            body,
            request_id,
        }
    }

    pub(crate) async fn read(
        response: reqwest::Response,
        request: &ApiRequest,
    ) -> Result<Self, Error> {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let request_id = request_id_of(&headers);
        let body = response.bytes().await.map_err(|source| {
            Error::Http(Box::new(
                HttpError::new(
                    HttpErrorKind::Body,
                    request.provider(),
                    request.operation(),
                    Some(Box::new(source)),
                )
                .with_status(status)
                .with_request_id(request_id.clone()),
            ))
        })?;
        Ok(Self {
            status,
            headers,
            body,
            request_id,
        })
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

    /// The provider's request id, if the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

fn request_id_of(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}
