//! Helpers shared by the integration tests.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_core::http::{EgressPolicy, HttpClient};
use async_llm::{AnthropicModel, CompletionRequest, RetryPolicy};
use secrecy::SecretString;

/// A fictional API key; tests assert it never shows up anywhere.
pub(crate) const API_KEY: &str = "sk-ant-test-key-7f3a9c";

/// The model id the tests ask for.
pub(crate) const MODEL: &str = "claude-sonnet-4-5";

/// Joins a request's system prompt and the text of every message part, one per line, as
/// a test double records what a model was sent.
pub(crate) fn request_text(request: &CompletionRequest) -> String {
    let mut text = request.system.clone().unwrap_or_default();
    for message in &request.messages {
        for part in &message.content {
            text.push('\n');
            text.push_str(part.as_text().unwrap_or_default());
        }
    }
    text
}

/// Reads a fixture from `tests/fixtures/<path>`.
pub(crate) fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("fixture {full}: {error}"))
}

/// A client that may reach local mock servers over plain HTTP, retrying within
/// milliseconds and giving up at once when a server requests a wait over 100 ms.
pub(crate) fn loopback_client() -> HttpClient {
    HttpClient::builder()
        .egress_policy(EgressPolicy::default().allow_insecure_loopback_for_testing())
        .retry_base_delay(Duration::from_millis(1))
        .retry_max_delay(Duration::from_millis(5))
        .max_retry_after(Duration::from_millis(100))
        .build()
        .expect("client builds")
}

/// The vendors' retry rules with millisecond delays: backoff from 1 ms, and a
/// server-named delay honoured only up to 100 ms (a longer one falls back to backoff).
pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
        .with_max_server_delay(Duration::from_millis(100))
}

/// Builds an Anthropic model that sends to `server`.
pub(crate) fn anthropic(server: &mockito::ServerGuard) -> AnthropicModel {
    AnthropicModel::builder(SecretString::from(API_KEY), MODEL)
        .base_url(server.url())
        .http_client(loopback_client())
        .retry_policy(fast_retries())
        .build()
        .expect("model builds")
}

/// A writer that keeps everything logged, for asserting what logs contain.
#[derive(Clone, Default)]
pub(crate) struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    /// Returns everything written so far.
    pub(crate) fn contents(&self) -> String {
        let bytes = self.0.lock().expect("log lock").clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
