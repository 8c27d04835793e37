//! What `GitHubSource::collect` writes to the logs: counts, never the token or prose.
//!
//! This test has its own binary because a thread-local `tracing` subscriber can miss
//! events when other tests in the same process hit the same call sites first.

mod common {
    pub(crate) mod github;
}

use std::io::Write;
use std::sync::{Arc, Mutex};

use async_connectors::github::GitHubSource;
use async_core::source::ActivitySource;
use common::github::{REPO, TOKEN, client, serve_collection, window};

/// Collects everything written through `tracing` into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_report_counts_without_token() {
    let mut server = mockito::Server::new_async().await;
    serve_collection(&mut server).await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test runtime is single-threaded, so a thread-local default receives every event.
    let _guard = tracing::subscriber::set_default(subscriber);

    let source = GitHubSource::new(client(&server), [REPO]).expect("valid repository");
    source.collect(window()).await.expect("collection succeeds");

    let logs = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("UTF-8 logs");
    assert!(logs.contains("collected GitHub activity"), "{logs}");
    assert!(logs.contains("pull_requests=3"), "{logs}");
    assert!(logs.contains("accounts=4"), "{logs}");
    assert!(!logs.contains(TOKEN), "token in logs");
    assert!(!logs.contains("Private"), "prose in logs");
}
