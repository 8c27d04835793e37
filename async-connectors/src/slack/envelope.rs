//! The `{"ok": ..., "error": ...}` envelope around every Web API response.
//!
//! Slack reports almost every failure as HTTP 200 with `"ok": false` and an error code,
//! so the HTTP status alone rarely shows an error. Rate limiting is the exception: HTTP 429 with a
//! `Retry-After` header in seconds. Server failures can arrive as 5xx with an HTML or
//! plain-text body, and those keep their status.

use async_core::http::ApiResponse;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::client::PROVIDER;
use crate::error::{ApiError, Error, ErrorClass};

/// The fields every Web API response may carry next to its payload.
#[derive(Debug, Default, Deserialize)]
struct Envelope {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    needed: Option<String>,
    #[serde(default)]
    provided: Option<String>,
    #[serde(default)]
    warning: Option<String>,
    #[serde(default)]
    response_metadata: Option<Metadata>,
}

#[derive(Debug, Default, Deserialize)]
struct Metadata {
    #[serde(default)]
    warnings: Vec<String>,
}

/// Decodes a response of `method` into `T`, or into the error the envelope reports.
///
/// # Errors
///
/// Returns [`Error::Api`] for `"ok": false` and for non-success statuses, and
/// [`Error::Decode`] when a success body is not the expected JSON.
pub(crate) fn decode<T: DeserializeOwned>(
    method: &str,
    response: &ApiResponse,
) -> Result<T, Error> {
    let envelope = match serde_json::from_slice::<Envelope>(response.body()) {
        Ok(envelope) => envelope,
        Err(source) if response.is_success() => {
            return Err(decode_error(method, response, source));
        }
        // A proxy or load balancer error page has no Slack code, so only the status is kept.
        Err(_) => return Err(api_error(method, response, &Envelope::default()).into()),
    };

    if !envelope.ok || !response.is_success() {
        return Err(api_error(method, response, &envelope).into());
    }
    log_warnings(method, &envelope);

    serde_json::from_slice(response.body()).map_err(|source| decode_error(method, response, source))
}

fn decode_error(method: &str, response: &ApiResponse, source: serde_json::Error) -> Error {
    Error::Decode {
        provider: PROVIDER,
        endpoint: method.to_owned(),
        status: response.status(),
        request_id: response.request_id().map(str::to_owned),
        source,
    }
}

fn api_error(method: &str, response: &ApiResponse, envelope: &Envelope) -> ApiError {
    let status = response.status();
    let code = envelope.error.clone();
    let class = match code.as_deref().map(classify_code) {
        _ if status == 429 => ErrorClass::RateLimited,
        Some(class) if class != ErrorClass::Other => class,
        _ => classify_status(status),
    };
    // The HTTP client reads `Retry-After`, which Slack sends in seconds.
    let retry_after = response.retry_after();

    // `ApiError` has no field for the scopes the token has, so they go into the message.
    let message = envelope
        .provided
        .as_deref()
        .filter(|provided| !provided.is_empty())
        .map(|provided| format!("the token has scopes `{provided}`"));

    ApiError {
        provider: PROVIDER,
        endpoint: method.to_owned(),
        status,
        class,
        code,
        message,
        needed_scope: envelope.needed.clone().filter(|needed| !needed.is_empty()),
        request_id: response.request_id().map(str::to_owned),
        retry_after,
    }
}

/// Maps a Slack error code to what can help: re-authorizing, asking for access, waiting.
pub(crate) fn classify_code(code: &str) -> ErrorClass {
    match code {
        "invalid_auth" | "not_authed" | "token_revoked" | "token_expired" | "account_inactive" => {
            ErrorClass::Unauthorized
        }
        "missing_scope"
        | "no_permission"
        | "not_allowed_token_type"
        | "not_in_channel"
        | "is_archived"
        | "enterprise_is_restricted"
        | "ekm_access_denied"
        | "team_access_not_granted" => ErrorClass::Forbidden,
        "channel_not_found" | "thread_not_found" | "user_not_found" | "users_not_found"
        | "user_not_visible" | "message_not_found" => ErrorClass::NotFound,
        // chat.postMessage documents `rate_limited`; the other methods use `ratelimited`.
        "ratelimited" | "rate_limited" => ErrorClass::RateLimited,
        "fatal_error"
        | "internal_error"
        | "service_unavailable"
        | "request_timeout"
        | "team_added_to_org" => ErrorClass::Server,
        "limit_required"
        | "no_text"
        | "msg_too_long"
        | "msg_blocks_too_long"
        | "too_many_attachments"
        | "invalid_arguments" => ErrorClass::InvalidRequest,
        _ if code.starts_with("restricted_action") => ErrorClass::Forbidden,
        _ if code.starts_with("invalid_") => ErrorClass::InvalidRequest,
        _ => ErrorClass::Other,
    }
}

fn classify_status(status: u16) -> ErrorClass {
    match status {
        401 => ErrorClass::Unauthorized,
        403 => ErrorClass::Forbidden,
        404 => ErrorClass::NotFound,
        410 => ErrorClass::Gone,
        429 => ErrorClass::RateLimited,
        400..=499 => ErrorClass::InvalidRequest,
        500..=599 => ErrorClass::Server,
        _ => ErrorClass::Other,
    }
}

fn log_warnings(method: &str, envelope: &Envelope) {
    let metadata_warnings = envelope
        .response_metadata
        .iter()
        .flat_map(|metadata| metadata.warnings.iter());
    for warning in envelope.warning.iter().chain(metadata_warnings) {
        if !warning.is_empty() {
            tracing::debug!(target: "async_connectors::slack", method, warning = %warning, "Slack returned a warning");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;
    use http::{HeaderMap, HeaderValue};

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Payload {
        value: u32,
    }

    fn response(
        status: u16,
        body: &'static str,
        headers: &[(&'static str, &'static str)],
    ) -> ApiResponse {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_static(value));
        }
        ApiResponse::from_parts(status, map, Bytes::from_static(body.as_bytes()))
    }

    fn api(error: Error) -> ApiError {
        match error {
            Error::Api(error) => *error,
            other => panic!("expected an API error, got {other:?}"),
        }
    }

    #[test]
    fn decode_returns_payload_when_ok() {
        let ok = response(
            200,
            r#"{"ok":true,"value":7,"warning":"superfluous_charset"}"#,
            &[],
        );

        let payload: Payload = decode("test.method", &ok).expect("ok envelope");

        assert_eq!(payload.value, 7);
    }

    #[test]
    fn decode_keeps_missing_scope_details() {
        let body = r#"{"ok":false,"error":"missing_scope","needed":"channels:history","provided":"users:read"}"#;
        let failed = response(200, body, &[("x-slack-req-id", "req-1")]);

        let error = api(decode::<Payload>("conversations.history", &failed).expect_err("not ok"));

        assert_eq!(error.class, ErrorClass::Forbidden);
        assert_eq!(error.code.as_deref(), Some("missing_scope"));
        assert_eq!(error.needed_scope.as_deref(), Some("channels:history"));
        assert_eq!(error.request_id.as_deref(), Some("req-1"));
        assert!(
            error
                .message
                .as_deref()
                .is_some_and(|m| m.contains("users:read"))
        );
    }

    #[test]
    fn decode_keeps_status_of_non_json_errors() {
        let failed = response(502, "<html>Bad Gateway</html>", &[]);

        let error = api(decode::<Payload>("users.list", &failed).expect_err("502"));

        assert_eq!(error.status, 502);
        assert_eq!(error.class, ErrorClass::Server);
        assert_eq!(error.code, None);
    }

    #[test]
    fn decode_reads_retry_after_on_429() {
        let limited = response(
            429,
            r#"{"ok":false,"error":"ratelimited"}"#,
            &[("retry-after", "30")],
        );

        let error = api(decode::<Payload>("conversations.history", &limited).expect_err("429"));

        assert_eq!(error.class, ErrorClass::RateLimited);
        assert_eq!(error.retry_after, Some(Duration::from_secs(30)));
    }

    #[test]
    fn decode_rejects_malformed_success_body() {
        let broken = response(200, r#"{"ok":true,"value":"#, &[]);

        let error = decode::<Payload>("users.list", &broken).expect_err("malformed");

        assert!(
            matches!(error, Error::Decode { status: 200, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn classify_code_covers_documented_codes() {
        let cases = [
            ("invalid_auth", ErrorClass::Unauthorized),
            ("not_authed", ErrorClass::Unauthorized),
            ("token_revoked", ErrorClass::Unauthorized),
            ("token_expired", ErrorClass::Unauthorized),
            ("account_inactive", ErrorClass::Unauthorized),
            ("missing_scope", ErrorClass::Forbidden),
            ("not_in_channel", ErrorClass::Forbidden),
            ("restricted_action_read_only_channel", ErrorClass::Forbidden),
            ("channel_not_found", ErrorClass::NotFound),
            ("thread_not_found", ErrorClass::NotFound),
            ("ratelimited", ErrorClass::RateLimited),
            ("rate_limited", ErrorClass::RateLimited),
            ("internal_error", ErrorClass::Server),
            ("invalid_cursor", ErrorClass::InvalidRequest),
            ("something_new", ErrorClass::Other),
        ];

        for (code, expected) in cases {
            assert_eq!(classify_code(code), expected, "class of {code}");
        }
    }
}
