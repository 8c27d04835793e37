use std::time::Duration;

use async_llm::middleware::Retry;
use async_llm::{Error, LanguageModel, RetryPolicy, StreamEvent};
use futures::StreamExt;
use tokio::time::Instant;

use crate::scripted::{
    Scripted, Step, authentication, overloaded, quota_exhausted, rate_limited, reply, request,
    server_error,
};

#[tokio::test(start_paused = true)]
async fn retry_recovers_after_transient_failures() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![
            Step::Fail(overloaded()),
            Step::Fail(server_error()),
            Step::Reply(reply("ok", 1, 1)),
        ],
    );
    let model = Retry::new(&inner, RetryPolicy::default());

    let response = model
        .complete(&request(4, 10))
        .await
        .expect("third attempt");

    assert_eq!(response.text(), "ok");
    assert_eq!(inner.calls(), 3);
}

#[tokio::test(start_paused = true)]
async fn retry_waits_for_retry_after() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![
            Step::Fail(rate_limited(Some(Duration::from_secs(7)))),
            Step::Reply(reply("ok", 1, 1)),
        ],
    );
    let model = Retry::new(&inner, RetryPolicy::default());
    let started = Instant::now();

    model
        .complete(&request(4, 10))
        .await
        .expect("second attempt");

    assert_eq!(started.elapsed(), Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn retry_gives_up_after_max_retries() {
    let steps = (0..5).map(|_| Step::Fail(overloaded())).collect();
    let inner = Scripted::new("scripted", "model-1", steps);
    let model = Retry::new(&inner, RetryPolicy::default().with_max_retries(2));

    let error = model.complete(&request(4, 10)).await.expect_err("gives up");

    assert!(matches!(error, Error::Overloaded { .. }));
    assert_eq!(inner.calls(), 3, "one attempt and two retries");
}

#[tokio::test(start_paused = true)]
async fn retry_never_retries_permanent_errors() {
    for error in [quota_exhausted(), authentication()] {
        let inner = Scripted::new(
            "scripted",
            "model-1",
            vec![Step::Fail(error), Step::Reply(reply("ok", 1, 1))],
        );
        let model = Retry::new(&inner, RetryPolicy::default());

        model
            .complete(&request(4, 10))
            .await
            .expect_err("not retried");

        assert_eq!(inner.calls(), 1);
    }
}

#[tokio::test(start_paused = true)]
async fn retry_stream_restarts_before_first_text() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![
            Step::Events(vec![
                Ok(StreamEvent::Usage(
                    async_llm::Usage::new().with_uncached_input(3),
                )),
                Err(overloaded()),
            ]),
            Step::Reply(reply("whole answer", 1, 1)),
        ],
    );
    let model = Retry::new(&inner, RetryPolicy::default());

    let response = model
        .stream(&request(4, 10))
        .await
        .expect("starts")
        .into_response()
        .await
        .expect("second stream completes");

    assert_eq!(response.text(), "whole answer");
    assert_eq!(inner.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_stream_keeps_failure_after_text() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![
            Step::Events(vec![
                Ok(StreamEvent::TextDelta("partial".to_owned())),
                Err(overloaded()),
            ]),
            Step::Reply(reply("never asked", 1, 1)),
        ],
    );
    let model = Retry::new(&inner, RetryPolicy::default());

    let events: Vec<_> = model
        .stream(&request(4, 10))
        .await
        .expect("starts")
        .collect()
        .await;

    assert!(matches!(&events[0], Ok(StreamEvent::TextDelta(text)) if text == "partial"));
    assert!(matches!(&events[1], Err(Error::Overloaded { .. })));
    assert_eq!(inner.calls(), 1, "not retried after text arrived");
}

#[tokio::test(start_paused = true)]
async fn retry_stream_retries_failed_start() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Fail(server_error()), Step::Reply(reply("ok", 1, 1))],
    );
    let model = Retry::new(&inner, RetryPolicy::default());

    let response = model
        .stream(&request(4, 10))
        .await
        .expect("starts")
        .into_response()
        .await
        .expect("completes");

    assert_eq!(response.text(), "ok");
    assert_eq!(inner.calls(), 2);
}
