//! Shared setup of the Slack integration tests: a client aimed at a local mock server,
//! the fixtures and a log capture.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]

use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use async_connectors::slack::SlackClient;
use async_core::http::{EgressPolicy, HttpClient};
use secrecy::SecretString;

/// The bot token every test client sends; tests assert it never leaks.
pub(crate) const TOKEN: &str = "xoxb-test-0000-secret-token";

/// The `Authorization` header value the mock server expects.
pub(crate) const BEARER: &str = "Bearer xoxb-test-0000-secret-token";

/// The path prefix under which the mock server serves the Web API.
pub(crate) const PREFIX: &str = "/slack/api";

/// Builds a client for `server`, with the Web API under [`PREFIX`].
pub(crate) fn client(server: &mockito::ServerGuard) -> SlackClient {
    logs();
    let policy = EgressPolicy::default().allow_insecure_loopback_for_testing();
    let http = HttpClient::new(policy).expect("HTTP client builds");

    SlackClient::builder(http, SecretString::from(TOKEN))
        .base_url(format!("{}{PREFIX}", server.url()))
        .build()
        .expect("test client builds")
}

/// Builds a client for `server` whose HTTP client sends each request exactly once, so a
/// test gets the classified error of the first response.
pub(crate) fn client_without_retries(server: &mockito::ServerGuard) -> SlackClient {
    logs();
    let http = HttpClient::builder()
        .egress_policy(EgressPolicy::default().allow_insecure_loopback_for_testing())
        .no_retries()
        .build()
        .expect("HTTP client builds");

    SlackClient::builder(http, SecretString::from(TOKEN))
        .base_url(format!("{}{PREFIX}", server.url()))
        .build()
        .expect("test client builds")
}

/// Returns the mock path of a Web API method.
pub(crate) fn method_path(method: &str) -> String {
    format!("{PREFIX}/{method}")
}

/// Returns the text of a fixture under `tests/fixtures/slack/`.
pub(crate) fn fixture(name: &str) -> &'static str {
    match name {
        "history_page1" => include_str!("../fixtures/slack/history_page1.json"),
        "history_page2" => include_str!("../fixtures/slack/history_page2.json"),
        "history_page3" => include_str!("../fixtures/slack/history_page3.json"),
        "replies_page1" => include_str!("../fixtures/slack/replies_page1.json"),
        "replies_page2" => include_str!("../fixtures/slack/replies_page2.json"),
        "users_page1" => include_str!("../fixtures/slack/users_page1.json"),
        "users_page2" => include_str!("../fixtures/slack/users_page2.json"),
        "post_message" => include_str!("../fixtures/slack/post_message.json"),
        "missing_scope" => include_str!("../fixtures/slack/missing_scope.json"),
        "invalid_auth" => include_str!("../fixtures/slack/invalid_auth.json"),
        "ratelimited" => include_str!("../fixtures/slack/ratelimited.json"),
        other => panic!("no Slack fixture named {other}"),
    }
}

/// Returns the log capture of this test binary, installing it on first use.
///
/// One global subscriber at TRACE level records the events of every test in the binary.
/// A per-test thread-local subscriber is not reliable because `tracing` caches whether a
/// call site is enabled, and a test running in parallel without one can disable it.
pub(crate) fn logs() -> &'static LogCapture {
    static CAPTURE: OnceLock<LogCapture> = OnceLock::new();

    CAPTURE.get_or_init(|| {
        let capture = LogCapture::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(capture.clone())
            .finish();
        // Another global subscriber would only mean this binary set one up before.
        let _ = tracing::subscriber::set_global_default(subscriber);
        capture
    })
}

/// Everything written through `tracing` by the tests of one binary.
#[derive(Clone, Default)]
pub(crate) struct LogCapture {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl LogCapture {
    /// Returns the captured text.
    pub(crate) fn text(&self) -> String {
        let buffer = self.buffer.lock().expect("log buffer lock");
        String::from_utf8_lossy(&buffer).into_owned()
    }
}
impl io::Write for LogCapture {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer
            .lock()
            .expect("log buffer lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
