//! The HTTP client's logs name the call but never a token, a query string or a body.

#[path = "common/http.rs"]
#[allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]
mod support;

use std::io;
use std::sync::{Arc, Mutex};

use async_core::http::ApiRequest;
use http::{HeaderName, HeaderValue};
use secrecy::SecretString;
use support::{loopback_client, url_of};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

/// A log sink that appends everything written to a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        let bytes = self.0.lock().expect("log buffer").clone();
        String::from_utf8(bytes).expect("UTF-8 logs")
    }
}

impl io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn logs_name_the_call_without_secrets() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", "/api/chat.postMessage")
        .match_query(mockito::Matcher::Any)
        .with_status(429)
        .with_header("retry-after-ms", "1")
        .with_header("set-cookie", "session=cookie-SECRET-789")
        .expect(1)
        .create_async()
        .await;
    server
        .mock("POST", "/api/chat.postMessage")
        .match_query(mockito::Matcher::Any)
        .with_status(200)
        .with_header("x-slack-req-id", "slack-req-42")
        .with_body(r#"{"ok":true,"message":{"text":"reply-SECRET-000"}}"#)
        .expect(1)
        .create_async()
        .await;

    let mut url = url_of(&server, "/api/chat.postMessage");
    url.set_query(Some("token=query-SECRET-456&channel=C1"));
    let request = ApiRequest::post("slack", "chat.postMessage", url)
        .bearer_auth(&SecretString::from("xoxb-bearer-SECRET-123"))
        .secret_header(
            HeaderName::from_static("x-api-key"),
            SecretString::from("key-SECRET-321"),
        )
        .header(
            HeaderName::from_static("x-trace-note"),
            HeaderValue::from_static("header-SECRET-654"),
        )
        .json_body(r#"{"channel":"C1","text":"body-SECRET-111"}"#);
    let response = loopback_client().send(request).await.expect("response");
    assert_eq!(response.status(), 200);

    let address = server.host_with_port();
    let with_password = format!("http://admin:password-SECRET-222@{address}/?token=query-SECRET-3");
    let with_password = url::Url::parse(&with_password).expect("valid url");
    let denied = loopback_client()
        .send(ApiRequest::get("slack", "auth.test", with_password))
        .await;
    assert!(denied.is_err());

    let logs = captured.text();
    assert!(
        !logs.contains("SECRET"),
        "a secret reached the logs:\n{logs}"
    );
    assert!(
        !logs.contains("token="),
        "the query reached the logs:\n{logs}"
    );
    assert!(logs.contains("async_core::http"), "{logs}");
    assert!(logs.contains("provider=\"slack\""), "{logs}");
    assert!(logs.contains("operation=\"chat.postMessage\""), "{logs}");
    assert!(logs.contains("method=POST"), "{logs}");
    assert!(logs.contains("host=\"127.0.0.1\""), "{logs}");
    assert!(logs.contains("path=\"/api/chat.postMessage\""), "{logs}");
    assert!(logs.contains("retrying request"), "{logs}");
    assert!(logs.contains("delay_ms=1"), "{logs}");
    assert!(logs.contains("attempt=2"), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("slack-req-42"), "{logs}");
    assert!(logs.contains("egress denied"), "{logs}");
}
