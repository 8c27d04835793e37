//! Classification of Jira error responses into [`ApiError`].
//!
//! Jira returns errors as `{"errorMessages": [...], "errors": {"field": "message"}}`;
//! the API gateway sometimes sends `{"code": 401, "message": "..."}` instead, and proxies
//! send HTML. Whatever the body, the status and the `x-arequestid` request id are kept.

use std::collections::BTreeMap;
use std::time::Duration;

use async_core::http::ApiResponse;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{ApiError, ErrorClass};

/// The provider name carried by every Jira error.
pub(crate) const PROVIDER: &str = "jira";

/// The meaning of a 410 on Jira Cloud, written into the error so that the caller can act on it.
const GONE_HINT: &str = "Jira removed this endpoint; issue search moved from \
    `/rest/api/3/search` to `/rest/api/3/search/jql` (paginated by `nextPageToken`), \
    which this client uses";

/// Jira's error envelope, plus the gateway's `message`.
#[derive(Debug, Default, Deserialize)]
struct Envelope {
    #[serde(default, rename = "errorMessages")]
    error_messages: Vec<String>,
    #[serde(default)]
    errors: BTreeMap<String, Value>,
    #[serde(default)]
    message: Option<String>,
}

/// Builds the error for a response whose status is not 2xx.
pub(crate) fn api_error(response: &ApiResponse, endpoint: &str) -> ApiError {
    let status = response.status();
    let class = classify(status);
    let retry_after = retry_after(response);

    let mut parts = Vec::new();
    if class == ErrorClass::Gone {
        parts.push(GONE_HINT.to_owned());
    }
    parts.extend(envelope_messages(response));
    if class == ErrorClass::RateLimited {
        parts.push(rate_limit_details(response));
    }
    if response.attempts() > 1 {
        parts.push(format!("gave up after {} attempts", response.attempts()));
    }

    ApiError {
        provider: PROVIDER,
        endpoint: endpoint.to_owned(),
        status,
        class,
        code: None,
        message: (!parts.is_empty()).then(|| parts.join("; ")),
        needed_scope: None,
        request_id: response.request_id().map(str::to_owned),
        retry_after,
    }
}

fn classify(status: u16) -> ErrorClass {
    match status {
        400 | 422 => ErrorClass::InvalidRequest,
        401 => ErrorClass::Unauthorized,
        403 => ErrorClass::Forbidden,
        404 => ErrorClass::NotFound,
        410 => ErrorClass::Gone,
        429 => ErrorClass::RateLimited,
        500..=599 => ErrorClass::Server,
        _ => ErrorClass::Other,
    }
}

/// Returns the envelope's messages. A body that is not the envelope yields none, because
/// an HTML error page carries nothing useful and may be large.
fn envelope_messages(response: &ApiResponse) -> Vec<String> {
    let Ok(envelope) = serde_json::from_slice::<Envelope>(response.body()) else {
        return Vec::new();
    };

    let mut messages: Vec<String> = envelope
        .error_messages
        .into_iter()
        .filter(|message| !message.trim().is_empty())
        .collect();
    for (field, message) in envelope.errors {
        let text = match message {
            Value::String(text) => text,
            other => other.to_string(),
        };
        messages.push(format!("{field}: {text}"));
    }
    messages.extend(envelope.message);
    messages
}

/// Returns the delay the HTTP client read from `Retry-After` or `X-RateLimit-Reset`, or else
/// the seconds of `Beta-Retry-After`, which Jira sends while quota enforcement is off.
fn retry_after(response: &ApiResponse) -> Option<Duration> {
    response.retry_after().or_else(|| {
        response
            .header("beta-retry-after")
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
    })
}

/// Describes a 429 with the headers that name the limit hit and when to retry.
fn rate_limit_details(response: &ApiResponse) -> String {
    let mut details = vec!["rate limited".to_owned()];
    for name in [
        "RateLimit-Reason",
        "Retry-After",
        "Beta-Retry-After",
        "X-RateLimit-Reset",
    ] {
        if let Some(value) = response.header(name) {
            details.push(format!("{name}: {value}"));
        }
    }
    let reason = response.header("RateLimit-Reason").unwrap_or_default();
    if reason.starts_with("jira-quota") {
        details.push("the hourly quota resets at the top of the UTC hour".to_owned());
    }
    details.join(", ")
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::{HeaderMap, HeaderValue};

    use super::*;

    fn response(status: u16, headers: &[(&'static str, &str)], body: &str) -> ApiResponse {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        ApiResponse::from_parts(status, map, Bytes::from(body.to_owned()))
    }

    #[test]
    fn old_search_gone_names_replacement() {
        let body = r#"{"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."]}"#;
        let error = api_error(&response(410, &[], body), "/rest/api/3/search");

        assert_eq!(error.class, ErrorClass::Gone);
        let message = error.message.expect("message");
        assert!(message.contains("`/rest/api/3/search/jql`"), "{message}");
        assert!(message.contains("has been removed"), "{message}");
    }

    #[test]
    fn envelope_fields_join() {
        let body = r#"{"errorMessages":["Bad JQL"],"errors":{"jql":"unbounded"},"status":400}"#;
        let error = api_error(&response(400, &[("x-arequestid", "r-1")], body), "/x");

        assert_eq!(error.class, ErrorClass::InvalidRequest);
        assert_eq!(error.message.as_deref(), Some("Bad JQL; jql: unbounded"));
        assert_eq!(error.request_id.as_deref(), Some("r-1"));
    }

    #[test]
    fn gateway_message_kept() {
        let body = r#"{"code":401,"message":"Unauthorized; scope does not match"}"#;
        let error = api_error(&response(403, &[], body), "/x");
        assert_eq!(error.class, ErrorClass::Forbidden);
        assert_eq!(
            error.message.as_deref(),
            Some("Unauthorized; scope does not match")
        );
    }

    #[test]
    fn quota_429_keeps_headers() {
        let headers = [
            ("retry-after", "1800"),
            ("ratelimit-reason", "jira-quota-global-based"),
        ];
        let error = api_error(&response(429, &headers, ""), "/x");

        assert_eq!(error.retry_after, Some(Duration::from_secs(1800)));
        let message = error.message.expect("message");
        assert!(message.contains("RateLimit-Reason: jira-quota-global-based"));
        assert!(message.contains("Retry-After: 1800"));
        assert!(message.contains("top of the UTC hour"));
    }

    #[test]
    fn gateway_429_without_retry_after_keeps_reset() {
        let headers = [("x-ratelimit-reset", "2026-03-26T16:00Z")];
        let error = api_error(&response(429, &headers, "<html>"), "/x");
        assert_eq!(error.class, ErrorClass::RateLimited);
        assert!(
            error
                .message
                .expect("message")
                .contains("X-RateLimit-Reset: 2026-03-26T16:00Z")
        );
    }

    #[test]
    fn beta_retry_after_used_before_enforcement() {
        let headers = [("beta-retry-after", "12")];
        let error = api_error(&response(429, &headers, ""), "/x");
        assert_eq!(error.retry_after, Some(Duration::from_secs(12)));
        assert!(
            error
                .message
                .expect("message")
                .contains("Beta-Retry-After: 12")
        );
    }

    #[test]
    fn html_body_keeps_status_only() {
        let error = api_error(&response(502, &[], "<html>Bad gateway</html>"), "/x");
        assert_eq!(error.status, 502);
        assert_eq!(error.class, ErrorClass::Server);
        assert_eq!(error.message, None);
    }
}
