use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::*;
use crate::{ProviderContext, RateLimitScope};

fn context(status: u16) -> Box<ProviderContext> {
    Box::new(ProviderContext::new("openai", "chat.completions").with_status(status))
}

fn rate_limited(retry_after: Option<Duration>) -> Error {
    Error::RateLimited {
        context: Box::new(
            ProviderContext::new("openai", "chat.completions")
                .with_status(429)
                .with_retry_after(retry_after),
        ),
        scope: RateLimitScope::Requests,
    }
}

#[test]
fn backoff_doubles_and_caps() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.backoff(0, 0.0), Duration::from_millis(500));
    assert_eq!(policy.backoff(1, 0.0), Duration::from_secs(1));
    assert_eq!(policy.backoff(4, 0.0), Duration::from_secs(8));
    assert_eq!(policy.backoff(30, 0.0), Duration::from_secs(8));
    assert_eq!(policy.backoff(0, 1.0), Duration::from_millis(375));
}

#[test]
fn server_delay_used_up_to_sixty_seconds() {
    let policy = RetryPolicy::default();
    let named = rate_limited(Some(Duration::from_secs(60)));
    assert_eq!(
        policy.decide_with_jitter(&named, 0, 0.0),
        RetryDecision::Retry(Duration::from_secs(60))
    );
    let too_long = rate_limited(Some(Duration::from_secs(61)));
    assert_eq!(
        policy.decide_with_jitter(&too_long, 1, 0.0),
        RetryDecision::Retry(Duration::from_secs(1)),
        "a longer delay falls back to the backoff"
    );
    let zero = rate_limited(Some(Duration::ZERO));
    assert_eq!(
        policy.decide_with_jitter(&zero, 0, 0.0),
        RetryDecision::Retry(Duration::from_millis(500))
    );
}

#[test]
fn retries_stop_at_limit() {
    let policy = RetryPolicy::default();
    let error = rate_limited(None);
    assert!(matches!(policy.decide(&error, 1), RetryDecision::Retry(_)));
    assert_eq!(policy.decide(&error, 2), RetryDecision::GiveUp);
    assert_eq!(RetryPolicy::none().decide(&error, 0), RetryDecision::GiveUp);
}

#[test]
fn classes_decide_retry() {
    let policy = RetryPolicy::default();
    let cases = [
        (
            Error::Overloaded {
                context: context(529),
            },
            true,
        ),
        (
            Error::Server {
                context: context(500),
            },
            true,
        ),
        (
            Error::QuotaExhausted {
                context: context(429),
            },
            false,
        ),
        (
            Error::Authentication {
                context: context(401),
            },
            false,
        ),
        (
            Error::ContextTooLong {
                context: context(400),
            },
            false,
        ),
        (
            Error::InvalidRequest {
                context: context(409),
            },
            true,
        ),
        (
            Error::InvalidRequest {
                context: context(408),
            },
            true,
        ),
        (
            Error::InvalidRequest {
                context: context(422),
            },
            false,
        ),
    ];
    for (error, retry) in cases {
        let decision = policy.decide_with_jitter(&error, 0, 0.0);
        assert_eq!(
            matches!(decision, RetryDecision::Retry(_)),
            retry,
            "{error}"
        );
    }
}

#[test]
fn should_retry_false_wins() {
    let mut context = ProviderContext::new("anthropic", "messages.create").with_status(529);
    context.should_retry = Some(false);
    let error = Error::Overloaded {
        context: Box::new(context),
    };
    assert_eq!(
        RetryPolicy::default().decide(&error, 0),
        RetryDecision::GiveUp
    );
}

#[test]
fn stream_retried_only_before_content() {
    let policy = RetryPolicy::default();
    let fallback = ProviderContext::new("anthropic", "messages.stream");
    let before = Error::Overloaded {
        context: context(200),
    }
    .interrupt_stream(fallback.clone(), String::new());
    assert!(matches!(policy.decide(&before, 0), RetryDecision::Retry(_)));
    let after = Error::Overloaded {
        context: context(200),
    }
    .interrupt_stream(fallback, "partial".to_owned());
    assert_eq!(policy.decide(&after, 0), RetryDecision::GiveUp);
}

#[test]
fn connection_errors_retried() {
    use async_core::error::{HttpError, HttpErrorKind};

    let policy = RetryPolicy::default();
    for (kind, retry) in [
        (HttpErrorKind::Connect, true),
        (HttpErrorKind::Timeout, true),
        (HttpErrorKind::BodyTooLarge, false),
        (HttpErrorKind::Redirect, false),
    ] {
        let error = Error::Transport(async_core::Error::Http(Box::new(HttpError::new(
            kind, "openai", "chat", None,
        ))));
        let decision = policy.decide_with_jitter(&error, 0, 0.0);
        assert_eq!(
            matches!(decision, RetryDecision::Retry(_)),
            retry,
            "{kind:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn run_retries_then_succeeds() {
    let calls = AtomicU32::new(0);
    let result = RetryPolicy::default()
        .run(|attempt| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                if attempt < 3 {
                    Err(rate_limited(Some(Duration::from_secs(1))))
                } else {
                    Ok(attempt)
                }
            }
        })
        .await
        .expect("third attempt succeeds");
    assert_eq!(result, 3);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn run_returns_quota_error_at_once() {
    let calls = AtomicU32::new(0);
    let error = RetryPolicy::default()
        .run(|_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async {
                Err::<(), _>(Error::QuotaExhausted {
                    context: context(429),
                })
            }
        })
        .await
        .expect_err("never retried");
    assert!(error.is_quota_exhausted());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
