//! Retries of the HTTP client against mockito servers on 127.0.0.1.
//!
//! Backoff delays are a few milliseconds (see `loopback_builder`). Tests that honour a
//! server-named delay use the smallest one the header can express: one second, or one
//! millisecond for `retry-after-ms`. No test asserts on wall-clock time, and the one
//! test that reads elapsed time does so on tokio's paused clock.

#[path = "common/http.rs"]
#[allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]
mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_core::error::{Error, HttpErrorKind};
use async_core::http::{ApiRequest, RetryPolicy};
use support::{closed_port, get, loopback_builder, loopback_client, post};
use url::Url;

fn epoch_seconds_from_now(seconds: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    (now.as_secs() + seconds).to_string()
}

#[tokio::test]
async fn retry_after_seconds_then_success() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/items")
        .with_status(429)
        .with_header("retry-after", "1")
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("GET", "/items")
        .with_status(200)
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send(get(&server, "/items"))
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 2);
    limited.assert_async().await;
    ok.assert_async().await;
}

#[tokio::test]
async fn retry_after_http_date_then_success() {
    let mut server = mockito::Server::new_async().await;
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
    let limited = server
        .mock("GET", "/items")
        .with_status(503)
        .with_header("retry-after", &date)
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("GET", "/items")
        .with_status(200)
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send(get(&server, "/items"))
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    limited.assert_async().await;
    ok.assert_async().await;
}

#[tokio::test]
async fn distant_http_date_is_returned() {
    let mut server = mockito::Server::new_async().await;
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
    let limited = server
        .mock("GET", "/items")
        .with_status(429)
        .with_header("retry-after", &date)
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send(get(&server, "/items"))
        .await
        .expect("response");
    assert_eq!(response.status(), 429);
    let delay = response.retry_after().expect("a parsed delay");
    assert!(delay > Duration::from_secs(110), "{delay:?}");
    assert!(delay <= Duration::from_secs(120), "{delay:?}");
    limited.assert_async().await;
}

#[tokio::test]
async fn github_secondary_limit_then_success() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/repos/o/r/pulls")
        .with_status(403)
        .with_header("retry-after", "1")
        .with_header("x-ratelimit-remaining", "4200")
        .with_body(r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest"}"#)
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("GET", "/repos/o/r/pulls")
        .with_status(200)
        .with_body("[]")
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send(get(&server, "/repos/o/r/pulls"))
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    limited.assert_async().await;
    ok.assert_async().await;
}

#[tokio::test]
async fn ratelimit_reset_then_success() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/user")
        .with_status(403)
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", &epoch_seconds_from_now(1))
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("GET", "/user")
        .with_status(200)
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send(get(&server, "/user"))
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    limited.assert_async().await;
    ok.assert_async().await;
}

#[tokio::test]
async fn distant_ratelimit_reset_is_returned() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/user")
        .with_status(429)
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", &epoch_seconds_from_now(3600))
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send(get(&server, "/user"))
        .await
        .expect("response");
    assert_eq!(response.status(), 429);
    let delay = response.retry_after().expect("a parsed delay");
    assert!(delay > Duration::from_secs(3500), "{delay:?}");
    limited.assert_async().await;
}

#[tokio::test]
async fn permission_403_not_retried() {
    let mut server = mockito::Server::new_async().await;
    let forbidden = server
        .mock("GET", "/orgs/o")
        .with_status(403)
        .with_header("x-ratelimit-remaining", "4999")
        .with_header("x-ratelimit-reset", &epoch_seconds_from_now(60))
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send(get(&server, "/orgs/o"))
        .await
        .expect("response");
    assert_eq!(response.status(), 403);
    assert_eq!(response.attempts(), 1);
    forbidden.assert_async().await;
}

#[tokio::test]
async fn budget_exhausted_returns_429() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/items")
        .with_status(429)
        .with_header("retry-after", "30")
        .expect(1)
        .create_async()
        .await;
    let client = loopback_builder()
        .retry_budget(Duration::from_secs(5))
        .build()
        .expect("valid client");

    let response = client.send(get(&server, "/items")).await.expect("response");
    assert_eq!(response.status(), 429);
    assert_eq!(response.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(response.attempts(), 1);
    limited.assert_async().await;
}

#[tokio::test]
async fn long_retry_after_returned() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/items")
        .with_status(429)
        .with_header("retry-after", "90")
        .expect(1)
        .create_async()
        .await;
    let client = loopback_builder()
        .retry_budget(Duration::from_secs(600))
        .max_retry_after(Duration::from_secs(60))
        .build()
        .expect("valid client");

    let response = client.send(get(&server, "/items")).await.expect("response");
    assert_eq!(response.status(), 429);
    assert_eq!(response.retry_after(), Some(Duration::from_secs(90)));
    limited.assert_async().await;
}

#[tokio::test]
async fn attempts_exhausted_returns_last_response() {
    let mut server = mockito::Server::new_async().await;
    let failing = server
        .mock("GET", "/items")
        .with_status(502)
        .expect(4)
        .create_async()
        .await;
    let client = loopback_builder()
        .max_attempts(4)
        .build()
        .expect("valid client");

    let response = client.send(get(&server, "/items")).await.expect("response");
    assert_eq!(response.status(), 502);
    assert_eq!(response.attempts(), 4);
    failing.assert_async().await;
}

#[tokio::test]
async fn each_retryable_status_retried_for_get() {
    for status in [429_u16, 500, 502, 503, 504, 529] {
        let mut server = mockito::Server::new_async().await;
        let failing = server
            .mock("GET", "/items")
            .with_status(usize::from(status))
            .expect(1)
            .create_async()
            .await;
        let ok = server
            .mock("GET", "/items")
            .with_status(200)
            .expect(1)
            .create_async()
            .await;

        let response = loopback_client()
            .send(get(&server, "/items"))
            .await
            .expect("response");
        assert_eq!(response.status(), 200, "after {status}");
        failing.assert_async().await;
        ok.assert_async().await;
    }
}

#[tokio::test]
async fn post_not_retried_on_server_errors() {
    for status in [500_u16, 502, 503, 504, 529] {
        let mut server = mockito::Server::new_async().await;
        let failing = server
            .mock("POST", "/messages")
            .with_status(usize::from(status))
            .expect(1)
            .create_async()
            .await;

        let response = loopback_client()
            .send(post(&server, "/messages"))
            .await
            .expect("response");
        assert_eq!(response.status(), status);
        assert_eq!(response.attempts(), 1, "{status}");
        failing.assert_async().await;
    }
}

#[tokio::test]
async fn post_retried_on_429() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("POST", "/messages")
        .with_status(429)
        .with_header("retry-after-ms", "1")
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("POST", "/messages")
        .match_body(r#"{"a":1}"#)
        .with_status(200)
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send(post(&server, "/messages"))
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    limited.assert_async().await;
    ok.assert_async().await;
}

#[tokio::test]
async fn retry_safe_post_retried_on_overload() {
    for status in [503_u16, 529] {
        let mut server = mockito::Server::new_async().await;
        let overloaded = server
            .mock("POST", "/v1/messages")
            .with_status(usize::from(status))
            .expect(1)
            .create_async()
            .await;
        let ok = server
            .mock("POST", "/v1/messages")
            .with_status(200)
            .expect(1)
            .create_async()
            .await;

        let request = post(&server, "/v1/messages").retry_safe(true);
        let response = loopback_client().send(request).await.expect("response");
        assert_eq!(response.status(), 200, "after {status}");
        overloaded.assert_async().await;
        ok.assert_async().await;
    }
}

#[tokio::test]
async fn retry_safe_post_not_retried_on_500() {
    let mut server = mockito::Server::new_async().await;
    let failing = server
        .mock("POST", "/v1/messages")
        .with_status(500)
        .expect(1)
        .create_async()
        .await;

    let request = post(&server, "/v1/messages").retry_safe(true);
    let response = loopback_client().send(request).await.expect("response");
    assert_eq!(response.status(), 500);
    failing.assert_async().await;
}

#[tokio::test]
async fn should_retry_false_not_retried() {
    let mut server = mockito::Server::new_async().await;
    let quota = server
        .mock("GET", "/items")
        .with_status(429)
        .with_header("x-should-retry", "false")
        .expect(1)
        .create_async()
        .await;

    let response = loopback_client()
        .send(get(&server, "/items"))
        .await
        .expect("response");
    assert_eq!(response.status(), 429);
    quota.assert_async().await;
}

#[tokio::test]
async fn no_retries_policy_sends_once() {
    let mut server = mockito::Server::new_async().await;
    let failing = server
        .mock("GET", "/items")
        .with_status(503)
        .expect(1)
        .create_async()
        .await;
    let client = loopback_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid client");

    let response = client.send(get(&server, "/items")).await.expect("response");
    assert_eq!(response.status(), 503);
    failing.assert_async().await;
}

#[tokio::test]
async fn refused_connection_retried_then_error() {
    let address = closed_port().await;
    let url = Url::parse(&format!("http://{address}/items")).expect("valid url");
    let request = ApiRequest::post("test", "resource.create", url);

    let error = loopback_client()
        .send(request)
        .await
        .expect_err("nothing listens");
    let Error::Http(error) = error else {
        panic!("expected an HTTP error, got {error:?}");
    };
    assert_eq!(error.kind(), HttpErrorKind::Connect);
    assert_eq!(error.attempts(), 3);
    assert!(error.is_retryable());
}

/// Runs on tokio's paused clock, so the one-second backoff is skipped, not slept.
#[tokio::test(start_paused = true)]
async fn backoff_stops_at_budget() {
    let address = closed_port().await;
    let url = Url::parse(&format!("http://{address}/items")).expect("valid url");
    // The first backoff is 0.75 s to 1 s and fits the budget. The second is 1.5 s to 2 s,
    // so together they exceed 1.2 s whatever the jitter.
    let client = loopback_builder()
        .retry_base_delay(Duration::from_secs(1))
        .retry_max_delay(Duration::from_secs(8))
        .max_attempts(5)
        .retry_budget(Duration::from_millis(1200))
        .build()
        .expect("valid client");
    let started = tokio::time::Instant::now();

    let error = client
        .send(ApiRequest::get("test", "resource.get", url))
        .await
        .expect_err("nothing listens");
    let Error::Http(error) = error else {
        panic!("expected an HTTP error, got {error:?}");
    };
    assert_eq!(error.attempts(), 2);
    assert!(started.elapsed() >= Duration::from_millis(750));
}
