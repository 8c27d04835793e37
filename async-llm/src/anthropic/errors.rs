//! Classification of Messages API error responses.

use http::HeaderMap;
use serde::Deserialize;

use crate::{Error, ProviderContext, RateLimitScope};

/// The 429 detail code that means the spend limit is reached until the next billing
/// period, so waiting minutes does not help.
const SPEND_LIMIT_CODE: &str = "enforced_spend_limit_reached";

/// The error body: `{"type":"error","error":{"type":..,"message":..},"request_id":..}`.
#[derive(Debug, Deserialize)]
struct Envelope {
    error: EnvelopeError,
    request_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EnvelopeError {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<String>,
    details: Option<EnvelopeDetails>,
}

#[derive(Debug, Deserialize)]
struct EnvelopeDetails {
    error_code: Option<String>,
}

/// The parts of an error response that classification reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorResponse<'a> {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The body bytes.
    pub(crate) body: &'a [u8],
    /// The response headers: request id, `x-should-retry`, retry delay, rate limits.
    pub(crate) headers: &'a HeaderMap,
}

/// Classifies a non-2xx Messages API response.
///
/// The envelope's error type decides when the body has one. Otherwise the status decides,
/// so a proxy's HTML or an empty body still yields the right class with its status.
pub(crate) fn classify(response: ErrorResponse<'_>) -> Error {
    let envelope = serde_json::from_slice::<Envelope>(response.body).ok();
    let (kind, message, detail_code, body_request_id) = match envelope {
        Some(envelope) => (
            envelope.error.kind,
            envelope.error.message,
            envelope
                .error
                .details
                .and_then(|details| details.error_code),
            envelope.request_id,
        ),
        None => (None, None, None, None),
    };

    let mut context = ProviderContext::new(super::PROVIDER, super::OPERATION)
        .with_status(response.status)
        .with_response_headers(response.headers)
        .with_provider_error(kind.clone(), message.clone());
    if context.request_id.is_none() {
        context.request_id = body_request_id;
    }
    let context = Box::new(context);

    let class = kind
        .as_deref()
        .and_then(class_of_type)
        .unwrap_or_else(|| class_of_status(response.status));
    match class {
        Class::RateLimited if detail_code.as_deref() == Some(SPEND_LIMIT_CODE) => {
            Error::QuotaExhausted { context }
        }
        Class::RateLimited => Error::RateLimited {
            scope: RateLimitScope::from_headers(&context),
            context,
        },
        Class::Overloaded => Error::Overloaded { context },
        Class::Quota => Error::QuotaExhausted { context },
        Class::Authentication => Error::Authentication { context },
        Class::Permission => Error::PermissionDenied { context },
        Class::Server => Error::Server { context },
        Class::Invalid if is_context_overflow(message.as_deref()) => {
            Error::ContextTooLong { context }
        }
        Class::Invalid => Error::InvalidRequest { context },
    }
}

/// The classes an error response falls into before its message is read.
#[derive(Debug, Clone, Copy)]
enum Class {
    RateLimited,
    Overloaded,
    Quota,
    Authentication,
    Permission,
    Server,
    Invalid,
}

/// Maps the envelope's error type; unknown types fall back to the status.
fn class_of_type(kind: &str) -> Option<Class> {
    let class = match kind {
        "rate_limit_error" => Class::RateLimited,
        "overloaded_error" => Class::Overloaded,
        "billing_error" => Class::Quota,
        "authentication_error" => Class::Authentication,
        "permission_error" => Class::Permission,
        "api_error" | "timeout_error" => Class::Server,
        "invalid_request_error" | "not_found_error" | "request_too_large" => Class::Invalid,
        _ => return None,
    };
    Some(class)
}

/// Maps the status when the body names no known error type. An error envelope inside a
/// 200 stream with an unknown type is a server-side failure.
fn class_of_status(status: u16) -> Class {
    match status {
        200..=299 => Class::Server,
        429 => Class::RateLimited,
        529 => Class::Overloaded,
        402 => Class::Quota,
        401 => Class::Authentication,
        403 => Class::Permission,
        500.. => Class::Server,
        _ => Class::Invalid,
    }
}

/// Recognises the API's messages for a prompt that does not fit the context window:
/// "prompt is too long: N tokens > M maximum" and "input length and `max_tokens` exceed
/// context limit: ...".
fn is_context_overflow(message: Option<&str>) -> bool {
    let Some(message) = message else {
        return false;
    };
    let message = message.to_ascii_lowercase();
    message.contains("prompt is too long") || message.contains("exceed context limit")
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;
    use std::time::Duration;

    use http::HeaderValue;

    use super::*;

    static REQUEST_ID: LazyLock<HeaderMap> = LazyLock::new(|| {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", HeaderValue::from_static("req_hdr"));
        headers
    });

    static NO_HEADERS: LazyLock<HeaderMap> = LazyLock::new(HeaderMap::new);

    fn response(status: u16, body: &str) -> ErrorResponse<'_> {
        ErrorResponse {
            status,
            body: body.as_bytes(),
            headers: &REQUEST_ID,
        }
    }

    fn envelope(kind: &str, message: &str) -> String {
        format!(
            r#"{{"type":"error","error":{{"type":"{kind}","message":"{message}"}},"request_id":"req_body"}}"#
        )
    }

    #[test]
    fn envelope_types_map_to_classes() {
        let cases = [
            (429, "rate_limit_error", "RateLimited"),
            (529, "overloaded_error", "Overloaded"),
            (401, "authentication_error", "Authentication"),
            (403, "permission_error", "PermissionDenied"),
            (402, "billing_error", "QuotaExhausted"),
            (400, "invalid_request_error", "InvalidRequest"),
            (404, "not_found_error", "InvalidRequest"),
            (413, "request_too_large", "InvalidRequest"),
            (500, "api_error", "Server"),
            (504, "timeout_error", "Server"),
        ];
        for (status, kind, expected) in cases {
            let body = envelope(kind, "m");
            let error = classify(response(status, &body));
            let found = format!("{error:?}");
            assert!(found.starts_with(expected), "{kind}: {found}");
            assert_eq!(error.status(), Some(status), "{kind}");
            assert_eq!(error.context().and_then(|c| c.code.as_deref()), Some(kind));
        }
    }

    #[test]
    fn prompt_too_long_is_context_error() {
        let body = envelope(
            "invalid_request_error",
            "prompt is too long: 205000 tokens > 200000 maximum",
        );
        let error = classify(response(400, &body));
        assert!(error.is_context_too_long(), "{error:?}");
        assert!(!error.is_retryable());
    }

    #[test]
    fn non_json_body_classified_by_status() {
        let error = classify(response(500, "<html>bad gateway</html>"));
        assert!(matches!(error, Error::Server { .. }));
        assert_eq!(error.status(), Some(500));
        assert_eq!(error.request_id(), Some("req_hdr"));

        assert!(matches!(
            classify(response(529, "")),
            Error::Overloaded { .. }
        ));
        assert!(matches!(
            classify(response(401, "")),
            Error::Authentication { .. }
        ));
        assert!(matches!(
            classify(response(418, "")),
            Error::InvalidRequest { .. }
        ));
        let unknown = envelope("brand_new_error", "m");
        assert!(matches!(
            classify(response(503, &unknown)),
            Error::Server { .. }
        ));
    }

    #[test]
    fn request_id_falls_back_to_body() {
        let body = envelope("api_error", "boom");
        let mut input = response(500, &body);
        input.headers = &NO_HEADERS;
        assert_eq!(classify(input).request_id(), Some("req_body"));
    }

    #[test]
    fn spend_limit_is_quota() {
        let body = r#"{"type":"error","error":{"type":"rate_limit_error","message":"limit","details":{"error_code":"enforced_spend_limit_reached"}}}"#;
        let error = classify(response(429, body));
        assert!(matches!(error, Error::QuotaExhausted { .. }));
        assert!(!error.is_retryable());
    }

    #[test]
    fn rate_limit_keeps_retry_after() {
        let body = envelope("rate_limit_error", "slow down");
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        headers.insert(
            "anthropic-ratelimit-requests-remaining",
            HeaderValue::from_static("0"),
        );
        let mut input = response(429, &body);
        input.headers = &headers;
        let error = classify(input);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
        assert!(error.is_retryable());
        assert!(matches!(
            error,
            Error::RateLimited {
                scope: RateLimitScope::Requests,
                ..
            }
        ));
    }
}
