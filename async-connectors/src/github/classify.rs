//! Turning GitHub's error responses into [`ApiError`]s.
//!
//! GitHub signals rate limits with 403 as well as 429, so the class depends on headers and
//! the message, not on the status alone:
//!
//! 1. `retry-after` present: a secondary limit. Wait that many seconds.
//! 2. `x-ratelimit-remaining: 0`: the primary limit. Wait until `x-ratelimit-reset`.
//! 3. A message mentioning a secondary rate limit without `retry-after`: wait at least a
//!    minute, as GitHub's rate-limit documentation advises.
//! 4. Any other 429 is a rate limit without a known delay. Any other 403 is a permission
//!    problem.

use std::time::Duration;

use async_core::http::ApiResponse;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::error::{ApiError, ErrorClass};

/// The provider name carried by every GitHub error.
pub(crate) const PROVIDER: &str = "github";

/// The minimum wait GitHub's documentation gives after a secondary limit without `retry-after`.
const SECONDARY_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// GitHub's error body: `{"message", "documentation_url", "errors"?, "status"?}`.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    errors: Option<Vec<serde_json::Value>>,
}

/// Builds the error for a non-success response of `endpoint`.
///
/// The status and request id are kept whatever the body contains. A body that is not GitHub's
/// JSON envelope (an HTML 502 page from a proxy) only leaves the message empty.
pub(crate) fn api_error(endpoint: &str, response: &ApiResponse, now: DateTime<Utc>) -> ApiError {
    let envelope = serde_json::from_slice::<Envelope>(response.body()).ok();
    let message = envelope.as_ref().and_then(|body| body.message.clone());
    let code = envelope.as_ref().and_then(first_error_code);
    let (class, retry_after) = classify(response, message.as_deref(), now);

    ApiError {
        provider: PROVIDER,
        endpoint: endpoint.to_owned(),
        status: response.status(),
        class,
        code,
        message,
        needed_scope: None,
        request_id: response.request_id().map(str::to_owned),
        retry_after,
    }
}

/// Decides the class and the retry delay of an error response.
fn classify(
    response: &ApiResponse,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> (ErrorClass, Option<Duration>) {
    let status = response.status();
    if matches!(status, 403 | 429) {
        return classify_forbidden_or_limited(response, message, now);
    }

    let class = match status {
        401 => ErrorClass::Unauthorized,
        404 => ErrorClass::NotFound,
        410 => ErrorClass::Gone,
        400 | 422 => ErrorClass::InvalidRequest,
        500..=599 => ErrorClass::Server,
        _ => ErrorClass::Other,
    };
    (class, None)
}

fn classify_forbidden_or_limited(
    response: &ApiResponse,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> (ErrorClass, Option<Duration>) {
    if let Some(value) = response.header("retry-after") {
        return (ErrorClass::RateLimited, parse_seconds(value));
    }
    if response.header("x-ratelimit-remaining").map(str::trim) == Some("0") {
        let reset = response.header("x-ratelimit-reset");
        return (
            ErrorClass::RateLimited,
            reset.and_then(|reset| until_reset(reset, now)),
        );
    }
    if message.is_some_and(mentions_secondary_limit) {
        return (ErrorClass::RateLimited, Some(SECONDARY_LIMIT_WAIT));
    }
    if response.status() == 429 {
        return (ErrorClass::RateLimited, None);
    }
    (ErrorClass::Forbidden, None)
}

/// Parses a `retry-after` value, which GitHub sends as whole seconds.
fn parse_seconds(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Returns the time left until `x-ratelimit-reset` (UTC epoch seconds), zero if it passed.
fn until_reset(reset: &str, now: DateTime<Utc>) -> Option<Duration> {
    let reset = reset.trim().parse::<i64>().ok()?;
    let seconds = reset.saturating_sub(now.timestamp()).max(0);
    Some(Duration::from_secs(seconds.unsigned_abs()))
}

fn mentions_secondary_limit(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("secondary rate limit") || message.contains("abuse detection")
}

/// Returns the `code` of the first entry of a validation error's `errors` list.
fn first_error_code(envelope: &Envelope) -> Option<String> {
    envelope
        .errors
        .as_deref()?
        .iter()
        .find_map(|entry| entry.get("code")?.as_str().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use http::{HeaderMap, HeaderName, HeaderValue};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000, 0)
            .single()
            .expect("valid time")
    }

    fn response(status: u16, headers: &[(&'static str, &'static str)], body: &str) -> ApiResponse {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        ApiResponse::from_parts(status, map, body.to_owned().into_bytes().into())
    }

    #[test]
    fn primary_limit_waits_until_reset() {
        let response = response(
            403,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1800000090"),
            ],
            r#"{"message":"API rate limit exceeded for user ID 1."}"#,
        );

        let error = api_error("/user", &response, now());

        assert_eq!(error.class, ErrorClass::RateLimited);
        assert_eq!(error.retry_after, Some(Duration::from_secs(90)));
    }

    #[test]
    fn primary_limit_with_past_reset_waits_zero() {
        let response = response(
            429,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1700000000"),
            ],
            "",
        );

        let error = api_error("/user", &response, now());

        assert_eq!(error.class, ErrorClass::RateLimited);
        assert_eq!(error.retry_after, Some(Duration::ZERO));
    }

    #[test]
    fn secondary_limit_without_retry_after_waits_a_minute() {
        let response = response(
            403,
            &[("x-ratelimit-remaining", "4990")],
            r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#,
        );

        let error = api_error("/user", &response, now());

        assert_eq!(error.class, ErrorClass::RateLimited);
        assert_eq!(error.retry_after, Some(Duration::from_secs(60)));
    }

    #[test]
    fn retry_after_wins_over_reset() {
        let response = response(
            403,
            &[
                ("retry-after", "7"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1800000090"),
            ],
            "",
        );

        let error = api_error("/user", &response, now());

        assert_eq!(error.retry_after, Some(Duration::from_secs(7)));
    }

    #[test]
    fn plain_403_is_forbidden() {
        let response = response(
            403,
            &[("x-ratelimit-remaining", "4000")],
            r#"{"message":"Resource not accessible by integration"}"#,
        );

        let error = api_error("/user", &response, now());

        assert_eq!(error.class, ErrorClass::Forbidden);
        assert_eq!(error.retry_after, None);
    }

    #[test]
    fn validation_error_keeps_first_code() {
        let response = response(
            422,
            &[],
            r#"{"message":"Validation Failed","errors":[{"resource":"Label","code":"invalid","field":"color"}],"status":"422"}"#,
        );

        let error = api_error("/repos/{owner}/{repo}/labels", &response, now());

        assert_eq!(error.class, ErrorClass::InvalidRequest);
        assert_eq!(error.code.as_deref(), Some("invalid"));
        assert_eq!(error.message.as_deref(), Some("Validation Failed"));
    }

    #[test]
    fn status_classes_follow_github() {
        let cases = [
            (401, ErrorClass::Unauthorized),
            (404, ErrorClass::NotFound),
            (410, ErrorClass::Gone),
            (409, ErrorClass::Other),
            (502, ErrorClass::Server),
        ];

        for (status, class) in cases {
            let error = api_error("/user", &response(status, &[], "not json"), now());
            assert_eq!(error.class, class, "status {status}");
            assert_eq!(error.status, status);
        }
    }
}
