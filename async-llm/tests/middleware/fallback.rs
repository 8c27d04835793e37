use async_llm::middleware::{Fallback, FallbackOn};
use async_llm::{Error, LanguageModel, StreamEvent};

use crate::scripted::{
    Scripted, Step, authentication, invalid_request, overloaded, quota_exhausted, rate_limited,
    reply, request, server_error,
};

fn primary(error: Error) -> Scripted {
    Scripted::new("first", "model-a", vec![Step::Fail(error)])
}

fn secondary() -> Scripted {
    Scripted::new(
        "second",
        "model-b",
        vec![Step::Reply(reply("from b", 1, 1))],
    )
}

#[tokio::test]
async fn fallback_on_default_failures() {
    for error in [overloaded(), rate_limited(None), server_error()] {
        let (first, second) = (primary(error), secondary());
        let model = Fallback::new(&first, &second);

        let response = model.complete(&request(4, 10)).await.expect("falls back");

        assert_eq!(response.text(), "from b");
        assert_eq!(second.calls(), 1);
    }
}

#[tokio::test]
async fn fallback_never_on_caller_errors() {
    for error in [invalid_request(), authentication(), quota_exhausted()] {
        let (first, second) = (primary(error), secondary());
        let model = Fallback::new(&first, &second).on(FallbackOn::default().transport(true));

        model
            .complete(&request(4, 10))
            .await
            .expect_err("first error returned");

        assert_eq!(second.calls(), 0);
    }
}

#[tokio::test]
async fn fallback_configurable_failures() {
    let (first, second) = (primary(quota_exhausted()), secondary());
    let model = Fallback::new(&first, &second).on(FallbackOn::default().quota_exhausted(true));
    model
        .complete(&request(4, 10))
        .await
        .expect("falls back on quota");

    let (first, second) = (primary(overloaded()), secondary());
    let model = Fallback::new(&first, &second).on(FallbackOn::none().rate_limited(true));
    model
        .complete(&request(4, 10))
        .await
        .expect_err("overload disabled");
    assert_eq!(second.calls(), 0);
}

#[tokio::test]
async fn fallback_returns_second_error() {
    let first = primary(overloaded());
    let second = Scripted::new("second", "model-b", vec![Step::Fail(authentication())]);
    let model = Fallback::new(&first, &second);

    let error = model
        .complete(&request(4, 10))
        .await
        .expect_err("both fail");

    assert!(error.is_auth());
    assert_eq!(model.describe().provider, "first");
}

#[tokio::test]
async fn fallback_stream_before_first_text() {
    let first = Scripted::new(
        "first",
        "model-a",
        vec![Step::Events(vec![Err(overloaded())])],
    );
    let second = secondary();
    let model = Fallback::new(&first, &second);

    let response = model
        .stream(&request(4, 10))
        .await
        .expect("starts")
        .into_response()
        .await
        .expect("second model completes");

    assert_eq!(response.text(), "from b");
}

#[tokio::test]
async fn fallback_stream_not_after_text() {
    let first = Scripted::new(
        "first",
        "model-a",
        vec![Step::Events(vec![
            Ok(StreamEvent::TextDelta("half".to_owned())),
            Err(overloaded()),
        ])],
    );
    let second = secondary();
    let model = Fallback::new(&first, &second);

    let error = model
        .stream(&request(4, 10))
        .await
        .expect("starts")
        .into_response()
        .await
        .expect_err("failure after text stays");

    assert!(matches!(error, Error::Overloaded { .. }));
    assert_eq!(second.calls(), 0);
}
