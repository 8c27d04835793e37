//! GitHub error responses become typed errors that keep the status and the request id, and
//! never carry the token.

mod common {
    pub(crate) mod github;
}

use std::time::Duration;

use async_connectors::{Error, ErrorClass};
use common::github::{TOKEN, client, client_without_retries, fixture};

const REQUEST_ID: &str = "C0DE:1234:5678AB:9ABCDE:6750A1F0";

fn api_error(error: &Error) -> &async_connectors::ApiError {
    match error {
        Error::Api(api) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn not_found_keeps_envelope_and_request_id() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/github/users/nobody-here")
        .with_status(404)
        .with_header("content-type", "application/json; charset=utf-8")
        .with_header("x-github-request-id", REQUEST_ID)
        .with_body(fixture("error_not_found.json"))
        .create_async()
        .await;

    let error = client(&server)
        .user("nobody-here")
        .await
        .expect_err("404 is an error");

    let api = api_error(&error);
    assert_eq!(api.status, 404);
    assert_eq!(api.class, ErrorClass::NotFound);
    assert_eq!(api.message.as_deref(), Some("Not Found"));
    assert_eq!(api.endpoint, "/users/{login}");
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    assert!(!error.is_rate_limited());
}

#[tokio::test]
async fn bad_credentials_is_auth_error() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/github/users/ada-dev")
        .with_status(401)
        .with_header("x-github-request-id", REQUEST_ID)
        .with_body(fixture("error_bad_credentials.json"))
        .create_async()
        .await;

    let error = client(&server)
        .user("ada-dev")
        .await
        .expect_err("401 is an error");

    let api = api_error(&error);
    assert_eq!(api.status, 401);
    assert_eq!(api.class, ErrorClass::Unauthorized);
    assert_eq!(api.message.as_deref(), Some("Bad credentials"));
    assert!(error.is_auth());
    assert!(api.needs_reauthorization());
    assert_eq!(error.request_id(), Some(REQUEST_ID));
}

#[tokio::test]
async fn non_json_bad_gateway_keeps_status() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/github/users/ada-dev")
        .with_status(502)
        .with_header("content-type", "text/html")
        .with_header("x-github-request-id", REQUEST_ID)
        .with_body("<html><body><h1>502 Bad Gateway</h1></body></html>")
        .create_async()
        .await;

    let error = client_without_retries(&server)
        .user("ada-dev")
        .await
        .expect_err("502 is an error");

    let api = api_error(&error);
    assert_eq!(api.status, 502);
    assert_eq!(api.class, ErrorClass::Server);
    assert_eq!(api.message, None);
    assert!(api.is_retryable());
    assert_eq!(error.request_id(), Some(REQUEST_ID));
}

#[tokio::test]
async fn malformed_json_is_decode_error() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/github/repos/octo-org/payments/pulls/57/commits")
        .match_query(mockito::Matcher::Any)
        .with_header("x-github-request-id", REQUEST_ID)
        .with_body(r#"[{"sha": "abc", "commit": {"message": 12"#)
        .create_async()
        .await;
    let repo = "octo-org/payments".parse().expect("valid repository");

    let error = client(&server)
        .list_commits(&repo, 57)
        .await
        .expect_err("truncated JSON is an error");

    match &error {
        Error::Decode {
            provider,
            endpoint,
            status,
            ..
        } => {
            assert_eq!(*provider, "github");
            assert_eq!(endpoint, "/repos/{owner}/{repo}/pulls/{number}/commits");
            assert_eq!(*status, 200);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(error.request_id(), Some(REQUEST_ID));
}

#[tokio::test]
async fn primary_limit_waits_until_reset() {
    let mut server = mockito::Server::new_async().await;
    let reset = chrono::Utc::now().timestamp() + 120;
    server
        .mock("GET", "/github/users/ada-dev")
        .with_status(403)
        .with_header("x-ratelimit-limit", "5000")
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-used", "5000")
        .with_header("x-ratelimit-reset", &reset.to_string())
        .with_header("x-ratelimit-resource", "core")
        .with_header("x-github-request-id", REQUEST_ID)
        .with_body(fixture("error_primary_limit.json"))
        .create_async()
        .await;

    let error = client_without_retries(&server)
        .user("ada-dev")
        .await
        .expect_err("an exhausted limit is an error");

    assert!(error.is_rate_limited());
    let wait = error.retry_after().expect("the reset gives a delay");
    assert!(wait <= Duration::from_secs(120), "{wait:?}");
    assert!(wait >= Duration::from_secs(100), "{wait:?}");
    assert_eq!(api_error(&error).status, 403);
}

#[tokio::test]
async fn too_many_requests_keeps_retry_after() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/github/users/ada-dev")
        .with_status(429)
        .with_header("retry-after", "30")
        .with_header("x-ratelimit-remaining", "4100")
        .with_header("x-github-request-id", REQUEST_ID)
        .with_body(fixture("error_secondary_limit.json"))
        .create_async()
        .await;

    let error = client_without_retries(&server)
        .user("ada-dev")
        .await
        .expect_err("429 is an error");

    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(api_error(&error).status, 429);
    assert_eq!(error.request_id(), Some(REQUEST_ID));
}

#[tokio::test]
async fn long_retry_after_reaches_caller() {
    let mut server = mockito::Server::new_async().await;
    // A delay longer than the HttpClient waits out itself is handed to the caller at once.
    let limited = server
        .mock("GET", "/github/users/ada-dev")
        .with_status(429)
        .with_header("retry-after", "3600")
        .with_body(fixture("error_secondary_limit.json"))
        .expect(1)
        .create_async()
        .await;

    let error = client(&server)
        .user("ada-dev")
        .await
        .expect_err("429 is an error");

    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    limited.assert_async().await;
}

#[tokio::test]
async fn secondary_limit_then_success() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/github/users/ada-dev")
        .with_status(403)
        .with_header("retry-after", "0")
        .with_header("x-ratelimit-remaining", "4990")
        .with_header("x-github-request-id", REQUEST_ID)
        .with_body(fixture("error_secondary_limit.json"))
        .expect(1)
        .create_async()
        .await;
    let recovered = server
        .mock("GET", "/github/users/ada-dev")
        .with_body(fixture("user_ada.json"))
        .expect(1)
        .create_async()
        .await;
    // The HttpClient retries a 403 that carries `retry-after` and returns the second
    // response, so the caller sees only the success.
    let profile = client(&server)
        .user("ada-dev")
        .await
        .expect("the retry succeeds");

    assert_eq!(profile.login, "ada-dev");
    limited.assert_async().await;
    recovered.assert_async().await;
}

#[tokio::test]
async fn secondary_limit_by_message_is_rate_limited() {
    let mut server = mockito::Server::new_async().await;
    // Without `retry-after` and with quota left, only the message identifies the limit,
    // and the HttpClient hands the response over unretried.
    let limited = server
        .mock("GET", "/github/users/ada-dev")
        .with_status(403)
        .with_header("x-ratelimit-remaining", "4990")
        .with_header("x-github-request-id", REQUEST_ID)
        .with_body(fixture("error_secondary_limit.json"))
        .expect(1)
        .create_async()
        .await;

    let error = client(&server)
        .user("ada-dev")
        .await
        .expect_err("a secondary limit is an error");

    assert!(error.is_rate_limited(), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(60)));
    assert_eq!(api_error(&error).status, 403);
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    limited.assert_async().await;
}

#[tokio::test]
async fn plain_forbidden_is_not_rate_limited() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/github/users/ada-dev")
        .with_status(403)
        .with_header("x-ratelimit-remaining", "4990")
        .with_body(r#"{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest/users/users#get-a-user","status":"403"}"#)
        .create_async()
        .await;

    let error = client(&server)
        .user("ada-dev")
        .await
        .expect_err("403 is an error");

    assert_eq!(api_error(&error).class, ErrorClass::Forbidden);
    assert!(error.is_auth());
    assert_eq!(error.retry_after(), None);
}

#[tokio::test]
async fn token_never_appears_in_debug_or_errors() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/github/users/ada-dev")
        .with_status(401)
        .with_body(fixture("error_bad_credentials.json"))
        .create_async()
        .await;
    server
        .mock("GET", "/github/users/ben-reviews")
        .with_body("{not json")
        .create_async()
        .await;
    let client = client(&server);

    let auth = client.user("ada-dev").await.expect_err("401 is an error");
    let decode = client
        .user("ben-reviews")
        .await
        .expect_err("bad JSON is an error");
    let config = client
        .user("..")
        .await
        .expect_err("a dot segment is refused");

    let mut printed = vec![format!("{client:?}")];
    for error in [&auth, &decode, &config] {
        printed.push(format!("{error}"));
        printed.push(format!("{error:?}"));
    }
    for text in printed {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains("FixtureToken"), "token part leaked: {text}");
    }
}
