//! Classification of Chat Completions error responses.
//!
//! OpenAI's envelope is `{"error": {"message", "type", "param", "code"}}`. A 429 means
//! either a rate limit (`rate_limit_exceeded`, retry) or an exhausted quota
//! (`insufficient_quota`, never retried), and only the body distinguishes them. Compatible
//! servers send the same envelope with other codes (sometimes numbers), or none.

use http::HeaderMap;
use serde::Deserialize;

use super::{OPERATION, PROVIDER};
use crate::{Error, ProviderContext, RateLimitScope};

#[derive(Debug, Deserialize)]
struct Envelope {
    error: EnvelopeError,
}

#[derive(Debug, Deserialize)]
struct EnvelopeError {
    message: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    /// A string at OpenAI, a number at some compatible servers.
    code: Option<serde_json::Value>,
}

/// Classifies an error response, or an error object sent inside a 200 stream.
pub(crate) fn classify(status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
    let error = serde_json::from_slice::<Envelope>(body)
        .ok()
        .map(|envelope| envelope.error);
    let (message, kind, code) = match error {
        Some(error) => (error.message, error.kind, error.code.map(code_text)),
        None => (None, None, None),
    };
    let named = code.clone().or_else(|| kind.clone());
    let context = Box::new(
        ProviderContext::new(PROVIDER, OPERATION)
            .with_status(status)
            .with_response_headers(headers)
            .with_provider_error(named, message.clone()),
    );

    let says = |value: &str| code.as_deref() == Some(value) || kind.as_deref() == Some(value);
    if says("insufficient_quota") {
        return Error::QuotaExhausted { context };
    }
    if says("context_length_exceeded") || mentions_context_length(message.as_deref()) {
        return Error::ContextTooLong { context };
    }
    if says("content_filter") || says("content_policy_violation") {
        return Error::ContentFiltered {
            context,
            reason: "content_filter".to_owned(),
        };
    }
    if says("rate_limit_exceeded") || status == 429 {
        let scope = RateLimitScope::from_headers(&context);
        return Error::RateLimited { context, scope };
    }
    by_status(status, kind.as_deref(), context)
}

fn by_status(status: u16, kind: Option<&str>, context: Box<ProviderContext>) -> Error {
    match status {
        401 => Error::Authentication { context },
        403 => Error::PermissionDenied { context },
        503 | 529 => Error::Overloaded { context },
        500.. => Error::Server { context },
        // An error object inside a 200 stream is a failure on the server's side unless
        // it names a request problem.
        200..=299 if kind != Some("invalid_request_error") => Error::Server { context },
        _ => Error::InvalidRequest { context },
    }
}

fn code_text(code: serde_json::Value) -> String {
    match code {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}

/// Recognises compatible servers' context errors that carry no code, such as vLLM's
/// "This model's maximum context length is 4096 tokens".
fn mentions_context_length(message: Option<&str>) -> bool {
    message.is_some_and(|message| {
        let message = message.to_ascii_lowercase();
        message.contains("maximum context length") || message.contains("context length exceeded")
    })
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn classify_body(status: u16, body: &str) -> Error {
        classify(status, &HeaderMap::new(), body.as_bytes())
    }

    #[test]
    fn quota_and_rate_limit_told_apart() {
        let quota = r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#;
        let error = classify_body(429, quota);
        assert!(error.is_quota_exhausted(), "{error:?}");
        assert!(!error.is_retryable());

        let limit = r#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#;
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-ratelimit-remaining-tokens",
            HeaderValue::from_static("0"),
        );
        headers.insert("retry-after-ms", HeaderValue::from_static("250"));
        let error = classify(429, &headers, limit.as_bytes());
        assert!(
            matches!(
                error,
                Error::RateLimited {
                    scope: RateLimitScope::Tokens,
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(
            error.retry_after(),
            Some(std::time::Duration::from_millis(250))
        );
    }

    #[test]
    fn statuses_and_codes_classified() {
        let cases = [
            (
                401,
                r#"{"error":{"message":"Incorrect API key provided: sk-abc123456789xyz","type":"invalid_request_error","code":"invalid_api_key"}}"#,
                "Authentication",
            ),
            (
                400,
                r#"{"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
                "ContextTooLong",
            ),
            (
                400,
                r#"{"error":{"message":"This model's maximum context length is 4096 tokens","code":400}}"#,
                "ContextTooLong",
            ),
            (
                400,
                r#"{"error":{"message":"filtered","type":null,"code":"content_filter"}}"#,
                "ContentFiltered",
            ),
            (
                404,
                r#"{"error":{"message":"model not found","type":"invalid_request_error","code":"model_not_found"}}"#,
                "InvalidRequest",
            ),
            (503, "upstream overloaded", "Overloaded"),
            (502, "<html>bad gateway</html>", "Server"),
            (
                200,
                r#"{"error":{"message":"boom","type":"server_error"}}"#,
                "Server",
            ),
        ];
        for (status, body, expected) in cases {
            let error = classify_body(status, body);
            assert!(
                format!("{error:?}").starts_with(expected),
                "{status} {body}: {error:?}"
            );
            assert_eq!(error.status(), Some(status));
        }
    }

    #[test]
    fn echoed_key_scrubbed() {
        let body = r#"{"error":{"message":"Incorrect API key provided: sk-proj-abcdef123456.","type":"invalid_request_error","code":"invalid_api_key"}}"#;
        let error = classify_body(401, body);
        assert!(!error.to_string().contains("abcdef123456"), "{error}");
    }
}
