use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue};

use super::context::server_delay;
use super::*;

fn context() -> ProviderContext {
    ProviderContext::new("anthropic", "messages.create")
        .with_status(429)
        .with_request_id(Some("req_1".to_owned()))
}

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.insert(*name, HeaderValue::from_static(value));
    }
    headers
}

#[test]
fn rate_limit_predicates() {
    let error = Error::RateLimited {
        context: Box::new(context().with_retry_after(Some(Duration::from_secs(2)))),
        scope: RateLimitScope::Requests,
    };
    assert!(error.is_retryable());
    assert!(error.is_rate_limited());
    assert!(!error.is_auth());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.request_id(), Some("req_1"));
}

#[test]
fn display_names_status_and_request_id() {
    let error = Error::RateLimited {
        context: Box::new(context()),
        scope: RateLimitScope::Unknown,
    };
    assert_eq!(
        error.to_string(),
        "anthropic messages.create (HTTP 429) [request id req_1]: rate limited (limit not named); retry later"
    );
}

#[test]
fn quota_exhausted_never_retryable() {
    let mut context = context();
    context.should_retry = Some(true);
    let error = Error::QuotaExhausted {
        context: Box::new(context),
    };
    assert!(!error.is_retryable());
    assert!(error.is_quota_exhausted());
}

#[test]
fn should_retry_header_overrides_class() {
    let mut refused = context();
    refused.should_retry = Some(false);
    let error = Error::Overloaded {
        context: Box::new(refused),
    };
    assert!(!error.is_retryable());

    let mut asked = context().with_status(400);
    asked.should_retry = Some(true);
    let error = Error::InvalidRequest {
        context: Box::new(asked),
    };
    assert!(error.is_retryable());
}

#[test]
fn retryable_statuses_without_class() {
    for (status, expected) in [(408, true), (409, true), (400, false), (404, false)] {
        let error = Error::InvalidRequest {
            context: Box::new(context().with_status(status)),
        };
        assert_eq!(error.is_retryable(), expected, "{status}");
    }
}

#[test]
fn stream_interrupted_keeps_partial_text() {
    let cause = Error::Overloaded {
        context: Box::new(context().with_status(200)),
    };
    let fallback = ProviderContext::new("anthropic", "messages.stream");
    let error = cause.interrupt_stream(fallback.clone(), "Hello wor".to_owned());
    assert_eq!(error.partial_text(), Some("Hello wor"));
    assert_eq!(error.request_id(), Some("req_1"));
    assert!(!error.is_retryable(), "text had arrived");
    assert!(!format!("{error:?}").contains("Hello wor"));
    assert_eq!(
        error.to_string(),
        "anthropic messages.create (HTTP 200) [request id req_1]: stream interrupted after 9 bytes of text"
    );

    let cause = Error::Overloaded {
        context: Box::new(context()),
    };
    let early = cause.interrupt_stream(fallback, String::new());
    assert!(early.is_retryable(), "nothing had arrived");
}

#[test]
fn response_headers_fill_context() {
    let headers = headers(&[
        ("request-id", "req_hdr"),
        ("retry-after", "7"),
        ("x-should-retry", "true"),
        ("anthropic-ratelimit-input-tokens-remaining", "0"),
        ("anthropic-ratelimit-requests-remaining", "12"),
        ("set-cookie", "session=secret"),
    ]);
    let context =
        ProviderContext::new("anthropic", "messages.create").with_response_headers(&headers);
    assert_eq!(context.request_id.as_deref(), Some("req_hdr"));
    assert_eq!(context.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(context.should_retry, Some(true));
    assert_eq!(context.rate_limit_header("retry-after"), Some("7"));
    assert_eq!(context.rate_limit_header("set-cookie"), None);
    assert_eq!(
        RateLimitScope::from_headers(&context),
        RateLimitScope::InputTokens
    );
}

#[test]
fn server_delay_prefers_milliseconds() {
    let now = SystemTime::now();
    let both = headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]);
    assert_eq!(server_delay(&both, now), Some(Duration::from_millis(1500)));
    let seconds = headers(&[("retry-after", "3")]);
    assert_eq!(server_delay(&seconds, now), Some(Duration::from_secs(3)));
    let date = headers(&[("retry-after", "Thu, 01 Jan 1970 00:00:10 GMT")]);
    assert_eq!(server_delay(&date, now), Some(Duration::ZERO));
    let garbage = headers(&[("retry-after", "soon")]);
    assert_eq!(server_delay(&garbage, now), None);
}

#[test]
fn provider_message_scrubbed() {
    let context = ProviderContext::new("openai", "chat.completions").with_provider_error(
        Some("invalid_api_key".to_owned()),
        Some("Incorrect API key provided: sk-test-0123456789abcdef.".to_owned()),
    );
    let error = Error::Authentication {
        context: Box::new(context),
    };
    assert!(!error.to_string().contains("0123456789"), "{error}");
    assert!(!format!("{error:?}").contains("0123456789"));
}

#[test]
fn truncate_body_keeps_char_boundary() {
    let body = "é".repeat(MAX_RAW_BODY);
    let kept = truncate_body(body.as_bytes());
    assert!(kept.len() <= MAX_RAW_BODY + '…'.len_utf8());
    assert!(kept.ends_with('…'));
    assert_eq!(truncate_body(b"short"), "short");
}

#[test]
fn pseudonym_collision_is_final() {
    let error = Error::from(async_policy::PseudonymCollision);

    assert!(!error.is_retryable());
    assert_eq!(error.status(), None);
    assert!(
        error.to_string().contains("rotate the pseudonym key"),
        "{error}"
    );
}
