//! One suite of exchanges run against every provider implementation.
//!
//! Each provider gets the same scenarios from a mockito server, with bodies shaped like
//! the provider's real traffic (`tests/fixtures/<provider>/`). The scenarios are a plain completion,
//! a stream, 429 with and without retry headers, overload, an exhausted quota, an error
//! inside a stream before and after content, a blocked prompt, an unknown stop reason, a
//! usage-only final chunk, a JSON error body on an event stream and a stalled stream.
//! Every provider must give the same neutral answer to each. Retry delays are
//! milliseconds (see `common::fast_retries`), so the suite runs in well under a second
//! apart from the stalled-stream case, which waits out a 500 ms idle timeout. The
//! timeout is that long so that a loaded CI machine does not trip it in other cases.

mod common;

use std::time::Duration;

use async_llm::{
    AnthropicModel, CompletionRequest, Error, GeminiModel, LanguageModel, Message, OpenAiModel,
    StopReason, StreamEvent, Usage,
};
use common::{API_KEY, fast_retries, fixture, loopback_client};
use futures::StreamExt;
use mockito::{Mock, ServerGuard};
use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The idle timeout of streams in this suite.
const IDLE_TIMEOUT: Duration = Duration::from_millis(500);

/// The answer every `complete_ok` and `stream_ok` fixture carries.
const ANSWER: &str = "PAY-12 is merged.";

/// What the suite needs to know about one provider.
struct Provider {
    /// The fixture folder and the provider name in errors.
    name: &'static str,
    /// The path (and query) of a completion and of a stream.
    complete_path: &'static str,
    stream_path: &'static str,
    /// The statuses the provider uses for overload, an exhausted quota and a bad model.
    overload_status: usize,
    quota_status: usize,
    invalid_status: usize,
    /// Builds the model against a mock server's base URL.
    build: fn(&str) -> Box<dyn LanguageModel>,
}

const ANTHROPIC: Provider = Provider {
    name: "anthropic",
    complete_path: "/v1/messages",
    stream_path: "/v1/messages",
    overload_status: 529,
    quota_status: 429,
    invalid_status: 404,
    build: |base| {
        Box::new(
            AnthropicModel::builder(SecretString::from(API_KEY), "claude-sonnet-4-5")
                .base_url(base)
                .http_client(loopback_client())
                .retry_policy(fast_retries())
                .idle_timeout(IDLE_TIMEOUT)
                .build()
                .expect("model builds"),
        )
    },
};

const OPENAI: Provider = Provider {
    name: "openai",
    complete_path: "/v1/chat/completions",
    stream_path: "/v1/chat/completions",
    overload_status: 503,
    quota_status: 429,
    invalid_status: 404,
    build: |base| {
        Box::new(
            OpenAiModel::builder(SecretString::from(API_KEY), "gpt-4.1-mini")
                .base_url(format!("{base}/v1"))
                .http_client(loopback_client())
                .retry_policy(fast_retries())
                .idle_timeout(IDLE_TIMEOUT)
                .build()
                .expect("model builds"),
        )
    },
};

const GEMINI: Provider = Provider {
    name: "gemini",
    complete_path: "/v1beta/models/gemini-2.5-flash:generateContent",
    stream_path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    overload_status: 503,
    quota_status: 429,
    invalid_status: 404,
    build: |base| {
        Box::new(
            GeminiModel::builder(SecretString::from(API_KEY), "gemini-2.5-flash")
                .base_url(base)
                .http_client(loopback_client())
                .retry_policy(fast_retries())
                .idle_timeout(IDLE_TIMEOUT)
                .build()
                .expect("model builds"),
        )
    },
};

fn request() -> CompletionRequest {
    CompletionRequest::new(vec![Message::user("Facts: PAY-12 merged.")], 256)
        .with_system("Use only the facts.")
}

impl Provider {
    fn fixture(&self, file: &str) -> String {
        fixture(&format!("{}/{file}", self.name))
    }

    /// Mocks one JSON answer on the completion path, expected `hits` times.
    async fn json(
        &self,
        server: &mut ServerGuard,
        status: usize,
        headers: &[(&str, &str)],
        file: &str,
        hits: usize,
    ) -> Mock {
        let mut mock = server
            .mock("POST", self.complete_path)
            .with_status(status)
            .with_header("content-type", "application/json")
            .with_body(self.fixture(file));
        for (name, value) in headers {
            mock = mock.with_header(*name, value);
        }
        mock.expect(hits).create_async().await
    }

    /// Mocks one event-stream answer on the stream path, expected `hits` times.
    async fn sse(&self, server: &mut ServerGuard, file: &str, hits: usize) -> Mock {
        server
            .mock("POST", self.stream_path)
            .with_status(200)
            .with_header("content-type", "text/event-stream")
            .with_header("request-id", "req-stream")
            .with_header("x-request-id", "req-stream")
            .with_body(self.fixture(file))
            .expect(hits)
            .create_async()
            .await
    }

    async fn complete(&self, server: &ServerGuard) -> Result<async_llm::CompletionResponse, Error> {
        (self.build)(&server.url()).complete(&request()).await
    }

    /// Streams the request, returning the events before the end and the outcome.
    async fn stream(
        &self,
        base_url: &str,
    ) -> (
        Vec<StreamEvent>,
        Result<async_llm::CompletionResponse, Error>,
    ) {
        let mut stream = match (self.build)(base_url).stream(&request()).await {
            Ok(stream) => stream,
            Err(error) => return (Vec::new(), Err(error)),
        };
        let mut events = Vec::new();
        while let Some(event) = stream.next().await {
            match event {
                Ok(StreamEvent::Completed(response)) => return (events, Ok(response)),
                Ok(event) => events.push(event),
                Err(error) => return (events, Err(error)),
            }
        }
        panic!(
            "{}: the stream ended without a final event or an error",
            self.name
        );
    }
}

fn assert_answer(provider: &Provider, response: &async_llm::CompletionResponse) {
    assert_eq!(response.text(), ANSWER, "{}", provider.name);
    assert_eq!(
        response.stop_reason,
        StopReason::EndTurn,
        "{}",
        provider.name
    );
}

fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::TextDelta(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn assert_no_key(provider: &Provider, error: &Error) {
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains(API_KEY),
        "{}: key leaked: {shown}",
        provider.name
    );
}

async fn plain_completion(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let mock = provider
        .json(
            &mut server,
            200,
            &[("request-id", "req-1"), ("x-request-id", "req-1")],
            "complete_ok.json",
            1,
        )
        .await;

    let response = provider.complete(&server).await.expect("completion");

    mock.assert_async().await;
    assert_answer(&provider, &response);
    assert_eq!(
        response.usage.uncached_input_tokens,
        Some(20),
        "{}",
        provider.name
    );
    assert_eq!(response.usage.output_tokens, Some(6), "{}", provider.name);
    assert_eq!(
        response.request_id.as_deref(),
        Some("req-1"),
        "{}",
        provider.name
    );
}

async fn stream(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let mock = provider.sse(&mut server, "stream_ok.sse", 1).await;

    let (events, outcome) = provider.stream(&server.url()).await;
    let response = outcome.expect("stream completes");

    mock.assert_async().await;
    assert_answer(&provider, &response);
    assert_eq!(text_of(&events), ANSWER, "{}", provider.name);
    assert!(
        events
            .iter()
            .filter(|e| matches!(e, StreamEvent::TextDelta(_)))
            .count()
            >= 2,
        "{}: text arrives in pieces",
        provider.name
    );
    assert!(events.iter().any(|e| matches!(
        e,
        StreamEvent::Stop {
            reason: StopReason::EndTurn,
            ..
        }
    )));
    assert_eq!(
        response.usage.uncached_input_tokens,
        Some(20),
        "{}",
        provider.name
    );
    assert_eq!(
        response.usage.output_tokens,
        Some(6),
        "{}: running totals, not sums",
        provider.name
    );
    assert_eq!(
        response.request_id.as_deref(),
        Some("req-stream"),
        "{}",
        provider.name
    );
}

async fn rate_limit_with_retry_header(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let limited = provider
        .json(
            &mut server,
            429,
            &[("retry-after-ms", "20")],
            "rate_limit.json",
            1,
        )
        .await;
    let ok = provider
        .json(&mut server, 200, &[], "complete_ok.json", 1)
        .await;

    let response = provider
        .complete(&server)
        .await
        .expect("the retry succeeds");

    limited.assert_async().await;
    ok.assert_async().await;
    assert_answer(&provider, &response);
}

async fn rate_limit_without_retry_header(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let limited = provider
        .json(
            &mut server,
            429,
            &[("request-id", "req-429"), ("x-request-id", "req-429")],
            "rate_limit.json",
            3,
        )
        .await;

    let error = provider.complete(&server).await.expect_err("still limited");

    limited.assert_async().await;
    assert!(error.is_rate_limited(), "{}: {error:?}", provider.name);
    assert!(error.is_retryable());
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), None, "{}", provider.name);
    assert_eq!(error.request_id(), Some("req-429"), "{}", provider.name);
    assert_no_key(&provider, &error);
}

async fn overloaded(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let status = provider.overload_status;
    let busy = provider
        .json(&mut server, status, &[], "overloaded.json", 3)
        .await;

    let error = provider.complete(&server).await.expect_err("overloaded");

    busy.assert_async().await;
    assert!(
        matches!(error, Error::Overloaded { .. }),
        "{}: {error:?}",
        provider.name
    );
    assert_eq!(error.status(), Some(u16::try_from(status).expect("status")));
}

async fn quota_exhausted(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let mock = provider
        .json(&mut server, provider.quota_status, &[], "quota.json", 1)
        .await;

    let error = provider.complete(&server).await.expect_err("quota");

    mock.assert_async().await;
    assert!(error.is_quota_exhausted(), "{}: {error:?}", provider.name);
    assert!(!error.is_retryable());
}

async fn error_inside_stream(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let mock = provider.sse(&mut server, "stream_error.sse", 1).await;

    let (events, outcome) = provider.stream(&server.url()).await;
    let error = outcome.expect_err("the stream fails after text");

    mock.assert_async().await;
    assert_eq!(text_of(&events), "PAY-", "{}", provider.name);
    assert!(
        matches!(error, Error::StreamInterrupted { .. }),
        "{}: {error:?}",
        provider.name
    );
    assert_eq!(error.partial_text(), Some("PAY-"), "{}", provider.name);
    assert!(!error.is_retryable(), "{}: text had arrived", provider.name);
    let source = std::error::Error::source(&error).expect("the classified cause");
    assert!(!source.to_string().is_empty());
}

async fn error_before_stream_content_retried(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let failed = provider.sse(&mut server, "stream_error_first.sse", 1).await;
    let ok = provider.sse(&mut server, "stream_ok.sse", 1).await;

    let (events, outcome) = provider.stream(&server.url()).await;
    let response = outcome.expect("the second attempt completes");

    failed.assert_async().await;
    ok.assert_async().await;
    assert_answer(&provider, &response);
    assert_eq!(
        text_of(&events),
        ANSWER,
        "{}: text is not repeated",
        provider.name
    );
}

async fn blocked_prompt(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let mock = provider
        .json(&mut server, 200, &[], "blocked.json", 1)
        .await;

    let error = provider.complete(&server).await.expect_err("blocked");

    mock.assert_async().await;
    assert!(error.is_content_filtered(), "{}: {error:?}", provider.name);
    assert!(!error.is_retryable());
}

async fn unknown_stop_reason(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let mock = provider
        .json(&mut server, 200, &[], "unknown_stop.json", 1)
        .await;

    let response = provider.complete(&server).await.expect("an answer");

    mock.assert_async().await;
    assert_eq!(response.text(), ANSWER);
    assert!(
        matches!(&response.stop_reason, StopReason::Other(raw) if !raw.is_empty()),
        "{}: {:?}",
        provider.name,
        response.stop_reason
    );
}

async fn usage_only_final_chunk(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let mock = provider.sse(&mut server, "stream_usage_last.sse", 1).await;

    let (events, outcome) = provider.stream(&server.url()).await;
    let response = outcome.expect("stream completes");

    mock.assert_async().await;
    let expected = Usage::new()
        .with_uncached_input(20)
        .with_cache_read(100)
        .with_output(6);
    assert_eq!(
        response.usage.uncached_input_tokens, expected.uncached_input_tokens,
        "{}",
        provider.name
    );
    assert_eq!(
        response.usage.cache_read_tokens, expected.cache_read_tokens,
        "{}",
        provider.name
    );
    assert_eq!(
        response.usage.output_tokens, expected.output_tokens,
        "{}",
        provider.name
    );
    let reported = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::Usage(_)))
        .count();
    assert_eq!(
        reported, 1,
        "{}: usage arrives once, at the end",
        provider.name
    );
}

async fn json_error_on_event_stream(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("POST", provider.stream_path)
        .with_status(provider.invalid_status)
        .with_header("content-type", "text/event-stream")
        .with_body(provider.fixture("invalid.json"))
        .expect(1)
        .create_async()
        .await;

    let (_, outcome) = provider.stream(&server.url()).await;
    let error = outcome.expect_err("not found");

    mock.assert_async().await;
    assert!(
        matches!(error, Error::InvalidRequest { .. }),
        "{}: {error:?}",
        provider.name
    );
    assert_eq!(
        error.status(),
        Some(u16::try_from(provider.invalid_status).expect("status"))
    );
    assert!(
        error.context().and_then(|c| c.message.as_deref()).is_some(),
        "{}",
        provider.name
    );
}

async fn json_error_with_status_200(provider: Provider) {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("POST", provider.stream_path)
        .with_status(200)
        .with_header("content-type", "text/event-stream")
        .with_body(format!("\n{}", provider.fixture("overloaded.json")))
        .expect(3)
        .create_async()
        .await;

    let (events, outcome) = provider.stream(&server.url()).await;
    let error = outcome.expect_err("an error body, not events");

    mock.assert_async().await;
    assert!(events.is_empty(), "{}", provider.name);
    assert!(
        matches!(error, Error::Overloaded { .. } | Error::Server { .. }),
        "{}: {error:?}",
        provider.name
    );
    assert!(
        error.is_retryable(),
        "{}: retried before any text",
        provider.name
    );
}

async fn stalled_stream_times_out(provider: Provider) {
    // A plain socket server, because a stall inside a mockito body would block the
    // mockito runtime that every other test's server shares.
    let head = provider.fixture("stream_stall_head.sse");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        read_request(&mut socket).await;
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 100000\r\n\r\n{head}"
        );
        socket.write_all(response.as_bytes()).await.expect("write");
        tokio::time::sleep(Duration::from_millis(1500)).await;
    });

    let (events, outcome) = provider.stream(&format!("http://{address}")).await;
    let error = outcome.expect_err("idle timeout");
    server.abort();

    assert_eq!(text_of(&events), "PAY-");
    assert_eq!(
        error.partial_text(),
        Some("PAY-"),
        "{}: {error:?}",
        provider.name
    );
}

/// Reads one request's headers and its `content-length` body.
async fn read_request(socket: &mut tokio::net::TcpStream) {
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        let read = socket.read(&mut buffer).await.expect("read");
        received.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&received);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_owned())
                })
                .and_then(|value| value.parse::<usize>().ok())
                .unwrap_or(0);
            if received.len() >= end + 4 + length || read == 0 {
                return;
            }
        }
        if read == 0 {
            return;
        }
    }
}

/// Runs every scenario against one provider, one test each.
macro_rules! conformance {
    ($module:ident, $provider:expr) => {
        mod $module {
            use super::*;

            #[tokio::test]
            async fn plain_completion() {
                super::plain_completion($provider).await;
            }

            #[tokio::test]
            async fn stream() {
                super::stream($provider).await;
            }

            #[tokio::test]
            async fn rate_limit_with_retry_header() {
                super::rate_limit_with_retry_header($provider).await;
            }

            #[tokio::test]
            async fn rate_limit_without_retry_header() {
                super::rate_limit_without_retry_header($provider).await;
            }

            #[tokio::test]
            async fn overloaded() {
                super::overloaded($provider).await;
            }

            #[tokio::test]
            async fn quota_exhausted() {
                super::quota_exhausted($provider).await;
            }

            #[tokio::test]
            async fn error_inside_stream() {
                super::error_inside_stream($provider).await;
            }

            #[tokio::test]
            async fn error_before_stream_content_retried() {
                super::error_before_stream_content_retried($provider).await;
            }

            #[tokio::test]
            async fn blocked_prompt() {
                super::blocked_prompt($provider).await;
            }

            #[tokio::test]
            async fn unknown_stop_reason() {
                super::unknown_stop_reason($provider).await;
            }

            #[tokio::test]
            async fn usage_only_final_chunk() {
                super::usage_only_final_chunk($provider).await;
            }

            #[tokio::test]
            async fn json_error_on_event_stream() {
                super::json_error_on_event_stream($provider).await;
            }

            #[tokio::test]
            async fn json_error_with_status_200() {
                super::json_error_with_status_200($provider).await;
            }

            #[tokio::test]
            async fn stalled_stream_times_out() {
                super::stalled_stream_times_out($provider).await;
            }
        }
    };
}

conformance!(anthropic, ANTHROPIC);
conformance!(openai, OPENAI);
conformance!(gemini, GEMINI);
