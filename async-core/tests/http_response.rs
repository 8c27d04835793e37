//! Request ids, timeouts and the response size limit of the HTTP client, against local
//! servers on 127.0.0.1.

#[path = "common/http.rs"]
#[allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]
mod support;

use std::time::Duration;

use async_core::error::{Error, HttpError, HttpErrorKind};
use async_core::http::ApiRequest;
use support::{get, loopback_builder, loopback_client, silent_server};
use url::Url;

fn http_error(error: Error) -> Box<HttpError> {
    match error {
        Error::Http(error) => error,
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn request_id_kept_per_provider() {
    let headers = [
        ("x-github-request-id", "CAFE:1234:5678"),
        ("request-id", "req_011CTest"),
        ("x-request-id", "openai-req-9"),
        ("x-arequestid", "jira-77"),
        ("x-slack-req-id", "slack-abc"),
    ];
    for (name, id) in headers {
        let mut server = mockito::Server::new_async().await;
        server
            .mock("GET", "/")
            .with_status(404)
            .with_header(name, id)
            .create_async()
            .await;

        let response = loopback_client()
            .send(get(&server, "/"))
            .await
            .expect("response");
        assert_eq!(response.status(), 404);
        assert_eq!(response.request_id(), Some(id), "{name}");
    }
}

#[tokio::test]
async fn request_id_kept_on_errors() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/big")
        .with_status(200)
        .with_header("x-github-request-id", "BIG:1")
        .with_body(vec![b'x'; 2048])
        .create_async()
        .await;
    let client = loopback_builder()
        .max_response_bytes(1024)
        .build()
        .expect("valid client");

    let error = http_error(
        client
            .send(get(&server, "/big"))
            .await
            .expect_err("too big"),
    );
    assert_eq!(error.request_id(), Some("BIG:1"));
    assert_eq!(error.status(), Some(200));
    assert!(error.to_string().contains("BIG:1"), "{error}");
}

#[tokio::test]
async fn declared_length_over_limit_rejected() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/big")
        .with_body(vec![b'x'; 4096])
        .create_async()
        .await;
    let client = loopback_builder()
        .max_response_bytes(1024)
        .build()
        .expect("valid client");

    let error = http_error(
        client
            .send(get(&server, "/big"))
            .await
            .expect_err("too big"),
    );
    assert_eq!(error.kind(), HttpErrorKind::BodyTooLarge);
    assert_eq!(error.body_limit(), Some(1024));
    assert!(error.to_string().contains("1024"), "{error}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn chunked_body_over_limit_rejected() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/stream")
        .with_chunked_body(|writer| {
            for _ in 0..64 {
                writer.write_all(&[b'y'; 512])?;
            }
            Ok(())
        })
        .create_async()
        .await;
    let client = loopback_builder()
        .max_response_bytes(4096)
        .build()
        .expect("valid client");

    let error = http_error(
        client
            .send(get(&server, "/stream"))
            .await
            .expect_err("too big"),
    );
    assert_eq!(error.kind(), HttpErrorKind::BodyTooLarge);
    assert_eq!(error.body_limit(), Some(4096));
}

#[tokio::test]
async fn body_at_limit_accepted() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/exact")
        .with_body(vec![b'z'; 1024])
        .create_async()
        .await;
    let client = loopback_builder()
        .max_response_bytes(1024)
        .build()
        .expect("valid client");

    let response = client.send(get(&server, "/exact")).await.expect("response");
    assert_eq!(response.body().len(), 1024);
    assert_eq!(response.text_lossy().len(), 1024);
}

#[tokio::test]
async fn silent_server_times_out() {
    let address = silent_server().await;
    let url = Url::parse(&format!("http://{address}/slow")).expect("valid url");
    let client = loopback_builder()
        .request_timeout(Duration::from_millis(100))
        .no_retries()
        .build()
        .expect("valid client");

    let error = client
        .send(ApiRequest::get("test", "slow.get", url))
        .await
        .expect_err("no answer");
    let error = http_error(error);
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.kind(), HttpErrorKind::Timeout);
    assert_eq!(error.provider(), "test");
    assert_eq!(error.operation(), "slow.get");
}

#[tokio::test]
async fn request_timeout_override_applies() {
    let address = silent_server().await;
    let url = Url::parse(&format!("http://{address}/slow")).expect("valid url");
    let client = loopback_builder()
        .no_retries()
        .build()
        .expect("valid client");
    let request = ApiRequest::get("test", "slow.get", url).timeout(Duration::from_millis(100));

    let error = http_error(client.send(request).await.expect_err("no answer"));
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn get_timeout_retried() {
    let address = silent_server().await;
    let url = Url::parse(&format!("http://{address}/slow")).expect("valid url");
    let client = loopback_builder()
        .request_timeout(Duration::from_millis(50))
        .max_attempts(2)
        .build()
        .expect("valid client");

    let error = client
        .send(ApiRequest::get("test", "slow.get", url))
        .await
        .expect_err("no answer");
    let error = http_error(error);
    assert!(error.is_timeout());
    assert_eq!(error.attempts(), 2);
}

#[tokio::test]
async fn post_timeout_not_retried() {
    let address = silent_server().await;
    let url = Url::parse(&format!("http://{address}/slow")).expect("valid url");
    let client = loopback_builder()
        .request_timeout(Duration::from_millis(50))
        .build()
        .expect("valid client");

    let error = client
        .send(ApiRequest::post("test", "slow.create", url).json_body("{}"))
        .await
        .expect_err("no answer");
    let error = http_error(error);
    assert!(error.is_timeout());
    assert_eq!(error.attempts(), 1);
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = format!("{error} / {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(" / {cause} / {cause:?}"));
        source = cause.source();
    }
    text
}

#[tokio::test]
async fn errors_omit_query_and_secrets() {
    let silent = silent_server().await;
    let refused = support::closed_port().await;
    let client = loopback_builder()
        .request_timeout(Duration::from_millis(50))
        .no_retries()
        .build()
        .expect("valid client");
    let token = secrecy::SecretString::from("bearer-SECRET-1");

    for address in [silent, refused] {
        let url = format!("http://{address}/api/conversations.history?token=query-SECRET-2");
        let url = Url::parse(&url).expect("valid url");
        let request = ApiRequest::get("slack", "conversations.history", url).bearer_auth(&token);

        let error = client.send(request).await.expect_err("no response");
        let text = error_chain(&error);
        assert!(!text.contains("SECRET"), "{text}");
        assert!(!text.contains("token="), "{text}");
        assert!(text.contains("conversations.history"), "{text}");
    }
}

#[tokio::test]
async fn head_length_not_counted_as_body() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("HEAD", "/archive")
        .with_header("content-length", "4096")
        .create_async()
        .await;
    let client = loopback_builder()
        .max_response_bytes(1024)
        .build()
        .expect("valid client");
    let request = ApiRequest::new(
        http::Method::HEAD,
        "test",
        "archive.head",
        support::url_of(&server, "/archive"),
    );

    let response = client.send(request).await.expect("HEAD has no body");
    assert_eq!(response.status(), 200);
    assert!(response.body().is_empty());
    assert_eq!(response.header("content-length"), Some("4096"));
}
