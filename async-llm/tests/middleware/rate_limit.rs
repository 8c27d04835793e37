use std::time::Duration;

use async_llm::middleware::{RateLimit, RateLimits, SharedRateLimit};
use async_llm::{Error, LanguageModel};
use tokio::time::Instant;

use crate::scripted::{Scripted, Step, reply, request};

fn replies(count: usize) -> Vec<Step> {
    (0..count).map(|_| Step::Reply(reply("ok", 1, 1))).collect()
}

#[tokio::test(start_paused = true)]
async fn rate_limit_delays_requests_over_limit() {
    let inner = Scripted::new("scripted", "model-1", replies(3));
    let limits = RateLimits::default().with_requests(2, Duration::from_secs(1));
    let model = RateLimit::new(&inner, SharedRateLimit::new(limits).expect("limits"));
    let started = Instant::now();

    model.complete(&request(4, 10)).await.expect("first");
    model.complete(&request(4, 10)).await.expect("second");
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "a full interval passes at once"
    );

    model.complete(&request(4, 10)).await.expect("third");
    assert_eq!(
        started.elapsed(),
        Duration::from_millis(500),
        "one request per 500 ms"
    );
}

#[tokio::test(start_paused = true)]
async fn rate_limit_counts_tokens() {
    let inner = Scripted::new("scripted", "model-1", replies(2));
    let limits = RateLimits::default().with_tokens(1_000, Duration::from_secs(10));
    let model = RateLimit::new(&inner, SharedRateLimit::new(limits).expect("limits"));
    let started = Instant::now();

    // Each request may use 5 estimated input tokens plus 500 output tokens.
    model.complete(&request(4, 500)).await.expect("first");
    model.complete(&request(4, 500)).await.expect("second");

    // 1_010 tokens exceed the 1_000 burst by 10, which refill in 10 * 10 ms.
    assert_eq!(started.elapsed(), Duration::from_millis(100));
}

#[tokio::test(start_paused = true)]
async fn rate_limit_shared_between_models() {
    let first = Scripted::new("scripted", "model-1", replies(1));
    let second = Scripted::new("scripted", "model-2", replies(1));
    let limits = RateLimits::default().with_requests(1, Duration::from_secs(2));
    let limit = SharedRateLimit::new(limits).expect("limits");
    let started = Instant::now();

    RateLimit::new(&first, limit.clone())
        .complete(&request(4, 10))
        .await
        .expect("first");
    RateLimit::new(&second, limit)
        .complete(&request(4, 10))
        .await
        .expect("second");

    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[tokio::test]
async fn rate_limit_rejects_request_larger_than_limit() {
    let inner = Scripted::new("scripted", "model-1", replies(1));
    let limits = RateLimits::default().with_tokens(100, Duration::from_secs(60));
    let model = RateLimit::new(&inner, SharedRateLimit::new(limits).expect("limits"));

    let error = model
        .complete(&request(4, 500))
        .await
        .expect_err("too large");

    assert!(matches!(error, Error::InvalidConfig(_)));
    assert!(error.to_string().contains("lower max_output_tokens"));
    assert_eq!(inner.calls(), 0);
}

#[test]
fn rate_limit_rejects_invalid_limits() {
    for limits in [
        RateLimits::default().with_requests(0, Duration::from_secs(1)),
        RateLimits::default().with_tokens(10, Duration::ZERO),
    ] {
        let error = SharedRateLimit::new(limits).expect_err("invalid");
        assert!(error.to_string().contains("above zero"), "{error}");
    }
}

#[test]
fn rate_limit_rejects_sub_nanosecond_refill() {
    let limits = RateLimits::default().with_requests(u32::MAX, Duration::from_secs(1));
    let error = SharedRateLimit::new(limits).expect_err("too fine");
    assert!(error.to_string().contains("longer interval"), "{error}");
}
