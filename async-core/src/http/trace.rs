//! The `tracing` span and events of a request.
//!
//! Only values that identify the call are recorded: provider, operation, method, host,
//! path (never the query, which may hold a token), status, request id and attempt.
//! Header values and bodies are never recorded.

use std::time::Duration;

use tracing::Span;
use tracing::field::Empty;
use url::Url;

use super::{ApiRequest, ApiResponse};
use crate::error::Error;

/// Opens the span that covers every attempt and redirect hop of one request.
pub(crate) fn request_span(request: &ApiRequest) -> Span {
    let url = request.url();
    tracing::debug_span!(
        target: "async_core::http",
        "http_request",
        provider = request.provider(),
        operation = request.operation(),
        method = %request.method(),
        host = url.host_str().unwrap_or_default(),
        path = url.path(),
        status = Empty,
        request_id = Empty,
        attempt = Empty,
    )
}

/// Records the attempt number on the request span.
pub(crate) fn record_attempt(span: &Span, attempt: u32) {
    span.record("attempt", attempt);
}

/// Records a response's status and request id on the request span.
pub(crate) fn record_response(span: &Span, response: &ApiResponse) {
    span.record("status", response.status());
    if let Some(request_id) = response.request_id() {
        span.record("request_id", request_id);
    }
    tracing::debug!(
        target: "async_core::http",
        status = response.status(),
        request_id = response.request_id(),
        attempt = response.attempts(),
        "response received"
    );
}

/// Logs that an attempt failed and another follows after `delay`.
pub(crate) fn log_retry(attempt: u32, delay: Duration, cause: &str) {
    tracing::debug!(
        target: "async_core::http",
        attempt,
        delay_ms = millis(delay),
        cause,
        "retrying request"
    );
}

/// Logs that the client stops retrying although the server asked for a retry.
pub(crate) fn log_give_up(attempt: u32, delay: Duration, reason: &str) {
    tracing::debug!(
        target: "async_core::http",
        attempt,
        delay_ms = millis(delay),
        reason,
        "not retrying"
    );
}

/// Logs an attempt that failed without a response.
///
/// The error's `Display` names provider, operation, kind, status and request id. Its
/// sources are left out: they describe sockets and TLS, not the call.
pub(crate) fn log_failure(error: &Error) {
    tracing::debug!(target: "async_core::http", error = %error, "request failed");
}

/// Logs a URL the egress policy rejected; the denial names the host, never the query.
pub(crate) fn log_denied(error: &Error) {
    tracing::debug!(target: "async_core::http", error = %error, "egress denied");
}

/// Logs a redirect hop by its host and path only.
pub(crate) fn log_redirect(status: u16, next: &Url) {
    tracing::debug!(
        target: "async_core::http",
        status,
        host = next.host_str().unwrap_or_default(),
        path = next.path(),
        "following redirect"
    );
}

fn millis(delay: Duration) -> u64 {
    u64::try_from(delay.as_millis()).unwrap_or(u64::MAX)
}
