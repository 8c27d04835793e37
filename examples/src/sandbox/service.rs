//! Request handling: the credentials check, the route lookup and provider-shaped errors.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use percent_encoding::percent_decode_str;

use super::routes::RouteTable;

/// The largest request body the sandbox reads; larger bodies are dropped unread.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// The provider a request path belongs to, which decides the shape of error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    GitHub,
    Slack,
    Jira,
    Unknown,
}

impl Provider {
    fn of(path: &str) -> Self {
        let first_segment = path.trim_start_matches('/').split('/').next();
        match first_segment {
            Some("github") => Provider::GitHub,
            Some("slack") => Provider::Slack,
            Some("jira") => Provider::Jira,
            _ => Provider::Unknown,
        }
    }

    /// Builds the provider's response to a request without credentials.
    fn unauthorized(self) -> Response<Full<Bytes>> {
        match self {
            Provider::GitHub => json(
                StatusCode::UNAUTHORIZED,
                r#"{"message":"Requires authentication","documentation_url":"https://docs.github.com/rest","status":"401"}"#,
            ),
            // Slack reports a missing token with HTTP 200 and `ok: false`, like every
            // other Web API failure except rate limiting.
            Provider::Slack => json(StatusCode::OK, r#"{"ok":false,"error":"not_authed"}"#),
            Provider::Jira => json(
                StatusCode::UNAUTHORIZED,
                r#"{"errorMessages":["You are not authenticated. Authentication required to perform this operation."],"errors":{}}"#,
            ),
            Provider::Unknown => json(
                StatusCode::UNAUTHORIZED,
                r#"{"error":"unauthorized","message":"send an Authorization header"}"#,
            ),
        }
    }

    /// Builds the provider's response to a request that has no recording.
    fn not_found(self) -> Response<Full<Bytes>> {
        let body = match self {
            Provider::GitHub => {
                r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}"#
            }
            Provider::Slack => r#"{"ok":false,"error":"unknown_method"}"#,
            Provider::Jira => {
                r#"{"errorMessages":["The demo sandbox has no recording for this request."],"errors":{}}"#
            }
            Provider::Unknown => {
                r#"{"error":"not_found","message":"the demo sandbox has no recording for this request"}"#
            }
        };
        json(StatusCode::NOT_FOUND, body)
    }
}

fn json(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// Answers one request: checks for credentials, then serves the matching recording.
pub(crate) async fn handle(
    table: Arc<RouteTable>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    // Reading the body keeps the connection reusable; its content is not needed.
    let _ = Limited::new(body, MAX_REQUEST_BODY).collect().await;

    let raw_path = parts.uri.path();
    let provider = Provider::of(raw_path);
    if !parts.headers.contains_key(AUTHORIZATION) {
        eprintln!(
            "sandbox: rejected {} {raw_path}: missing Authorization header",
            parts.method
        );
        return Ok(provider.unauthorized());
    }

    let path = percent_decode_str(raw_path).decode_utf8_lossy();
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();

    let Some(recording) = table.find(&parts.method, &path, &query) else {
        // The query is left out: it can carry cursors and search terms.
        eprintln!("sandbox: no recording for {} {raw_path}", parts.method);
        return Ok(provider.not_found());
    };

    let mut response = Response::new(Full::new(recording.body.clone()));
    *response.status_mut() = recording.status;
    *response.headers_mut() = recording.headers.clone();
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_follows_first_segment() {
        assert_eq!(Provider::of("/github/users/x"), Provider::GitHub);
        assert_eq!(Provider::of("/slack/api/users.list"), Provider::Slack);
        assert_eq!(Provider::of("/jira/rest/api/3/field"), Provider::Jira);
        assert_eq!(Provider::of("/githubx/users"), Provider::Unknown);
        assert_eq!(Provider::of("/"), Provider::Unknown);
    }

    #[test]
    fn error_bodies_are_json() {
        let providers = [
            Provider::GitHub,
            Provider::Slack,
            Provider::Jira,
            Provider::Unknown,
        ];
        for provider in providers {
            for response in [provider.unauthorized(), provider.not_found()] {
                let body = response.into_body();
                let bytes = full_body_bytes(body);
                let parsed = serde_json::from_slice::<serde_json::Value>(&bytes);
                assert!(parsed.is_ok(), "{provider:?} error body is not JSON");
            }
        }
    }

    /// Reads a `Full` body without an async runtime, because it keeps its one chunk in memory.
    fn full_body_bytes(body: Full<Bytes>) -> Bytes {
        use hyper::body::Body;
        use std::pin::pin;
        use std::task::{Context, Poll, Waker};

        let mut body = pin!(body);
        let mut context = Context::from_waker(Waker::noop());
        match body.as_mut().poll_frame(&mut context) {
            Poll::Ready(Some(Ok(frame))) => frame.into_data().unwrap_or_default(),
            _ => Bytes::new(),
        }
    }
}
