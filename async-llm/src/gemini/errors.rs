//! Classification of Gemini API error responses.
//!
//! The envelope is `{"error": {"code", "message", "status", "details"}}` with a
//! `google.rpc` status name, sent alone or, by the streaming endpoint without `alt=sse`,
//! wrapped in an array. A 429 `RESOURCE_EXHAUSTED` is either a per-minute limit, which
//! clears soon, or a per-day quota, which lasts until the quota resets; the
//! `QuotaFailure` detail's quota id tells them apart when present. `RetryInfo` carries
//! the delay as a duration string such as `"37s"`.

use std::time::Duration;

use http::HeaderMap;
use serde::Deserialize;

use super::{OPERATION, PROVIDER};
use crate::{Error, ProviderContext, RateLimitScope};

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Body {
    One(Envelope),
    Many(Vec<Envelope>),
}

#[derive(Debug, Deserialize)]
struct Envelope {
    error: EnvelopeError,
}

#[derive(Debug, Deserialize)]
struct EnvelopeError {
    message: Option<String>,
    status: Option<String>,
    #[serde(default)]
    details: Vec<Detail>,
}

/// One `details` entry; only the fields of `ErrorInfo`, `RetryInfo` and `QuotaFailure`
/// are read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Detail {
    reason: Option<String>,
    retry_delay: Option<String>,
    #[serde(default)]
    violations: Vec<Violation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Violation {
    quota_id: Option<String>,
    quota_metric: Option<String>,
}

/// Classifies an error response, or an error object sent inside a 200 stream.
pub(crate) fn classify(status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
    let error = match serde_json::from_slice::<Body>(body) {
        Ok(Body::One(envelope)) => Some(envelope.error),
        Ok(Body::Many(envelopes)) => envelopes.into_iter().next().map(|envelope| envelope.error),
        Err(_) => None,
    };
    let (message, rpc_status, details) = match error {
        Some(error) => (error.message, error.status, error.details),
        None => (None, None, Vec::new()),
    };
    let reason = details.iter().find_map(|detail| detail.reason.clone());
    let body_delay = details
        .iter()
        .find_map(|detail| detail.retry_delay.as_deref())
        .and_then(parse_duration);

    let mut context = ProviderContext::new(PROVIDER, OPERATION)
        .with_status(status)
        .with_response_headers(headers)
        .with_provider_error(rpc_status.clone(), message.clone());
    if context.retry_after.is_none() {
        context.retry_after = body_delay;
    }
    let context = Box::new(context);

    if reason.as_deref() == Some("API_KEY_INVALID") {
        return Error::Authentication { context };
    }
    match rpc_status.as_deref() {
        Some("RESOURCE_EXHAUSTED") => exhausted(&details, context),
        Some("UNAUTHENTICATED") => Error::Authentication { context },
        Some("PERMISSION_DENIED") => Error::PermissionDenied { context },
        Some("UNAVAILABLE") => Error::Overloaded { context },
        Some("INTERNAL" | "DEADLINE_EXCEEDED" | "UNKNOWN") => Error::Server { context },
        Some("INVALID_ARGUMENT") if mentions_token_limit(message.as_deref()) => {
            Error::ContextTooLong { context }
        }
        _ => by_status(status, &details, context),
    }
}

fn by_status(status: u16, details: &[Detail], context: Box<ProviderContext>) -> Error {
    match status {
        429 => exhausted(details, context),
        401 => Error::Authentication { context },
        403 => Error::PermissionDenied { context },
        503 => Error::Overloaded { context },
        200..=299 | 500.. => Error::Server { context },
        _ => Error::InvalidRequest { context },
    }
}

/// Tells a per-day quota (lasting until the quota resets) from a per-minute limit.
fn exhausted(details: &[Detail], context: Box<ProviderContext>) -> Error {
    let violations: Vec<&Violation> = details.iter().flat_map(|d| &d.violations).collect();
    let per_day = violations.iter().any(|violation| {
        violation
            .quota_id
            .as_deref()
            .is_some_and(|id| id.contains("PerDay"))
    });
    if per_day {
        return Error::QuotaExhausted { context };
    }
    let metric = violations
        .iter()
        .find_map(|violation| violation.quota_metric.as_deref())
        .unwrap_or_default();
    let scope = if metric.contains("input_token") {
        RateLimitScope::InputTokens
    } else if metric.contains("requests") {
        RateLimitScope::Requests
    } else {
        RateLimitScope::Unknown
    };
    Error::RateLimited { context, scope }
}

/// Parses a protobuf duration string (`"37s"`, `"1.5s"`).
fn parse_duration(text: &str) -> Option<Duration> {
    let seconds: f64 = text.trim().strip_suffix('s')?.parse().ok()?;
    Duration::try_from_secs_f64(seconds).ok()
}

/// Recognises "The input token count (N) exceeds the maximum number of tokens allowed".
fn mentions_token_limit(message: Option<&str>) -> bool {
    message.is_some_and(|message| message.contains("exceeds the maximum number of tokens"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_body(status: u16, body: &str) -> Error {
        classify(status, &HeaderMap::new(), body.as_bytes())
    }

    #[test]
    fn per_minute_limit_retried_with_body_delay() {
        let body = r#"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED","details":[
            {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}"#;
        let error = classify_body(429, body);
        assert!(
            matches!(
                error,
                Error::RateLimited {
                    scope: RateLimitScope::Requests,
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(error.retry_after(), Some(Duration::from_secs(37)));
    }

    #[test]
    fn per_day_quota_never_retried() {
        let body = r#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[
            {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}]}}"#;
        let error = classify_body(429, body);
        assert!(error.is_quota_exhausted(), "{error:?}");
        assert!(!error.is_retryable());
    }

    #[test]
    fn statuses_classified() {
        let cases = [
            (
                400,
                r#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}"#,
                "Authentication",
            ),
            (
                400,
                r#"{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}"#,
                "ContextTooLong",
            ),
            (
                404,
                r#"[{"error":{"code":404,"message":"models/nope is not found","status":"NOT_FOUND"}}]"#,
                "InvalidRequest",
            ),
            (
                403,
                r#"{"error":{"code":403,"message":"denied","status":"PERMISSION_DENIED"}}"#,
                "PermissionDenied",
            ),
            (
                503,
                r#"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#,
                "Overloaded",
            ),
            (500, "", "Server"),
        ];
        for (status, body, expected) in cases {
            let error = classify_body(status, body);
            assert!(
                format!("{error:?}").starts_with(expected),
                "{status}: {error:?}"
            );
        }
    }
}
