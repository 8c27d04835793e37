//! Helpers for the HTTP client tests: clients aimed at local mock servers and raw
//! listeners for what mockito cannot do.

use std::net::SocketAddr;
use std::time::Duration;

use async_core::http::{ApiRequest, EgressPolicy, HttpClient, HttpClientBuilder};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use url::Url;

/// A builder for a client that may reach loopback mock servers over plain HTTP and backs
/// off for at most a few milliseconds, so retry tests stay fast.
pub(crate) fn loopback_builder() -> HttpClientBuilder {
    HttpClient::builder()
        .egress_policy(EgressPolicy::deny_all().allow_insecure_loopback_for_testing())
        .retry_base_delay(Duration::from_millis(1))
        .retry_max_delay(Duration::from_millis(4))
}

/// A client built from [`loopback_builder`].
pub(crate) fn loopback_client() -> HttpClient {
    loopback_builder().build().expect("valid test client")
}

/// The URL of `path` on a mockito server.
pub(crate) fn url_of(server: &mockito::ServerGuard, path: &str) -> Url {
    Url::parse(&format!("{}{path}", server.url())).expect("valid mock URL")
}

/// A GET request for `path` on a mockito server.
pub(crate) fn get(server: &mockito::ServerGuard, path: &str) -> ApiRequest {
    ApiRequest::get("test", "resource.get", url_of(server, path))
}

/// A POST request with a JSON body for `path` on a mockito server.
pub(crate) fn post(server: &mockito::ServerGuard, path: &str) -> ApiRequest {
    ApiRequest::post("test", "resource.create", url_of(server, path)).json_body(r#"{"a":1}"#)
}

/// Starts a listener on 127.0.0.1 that accepts connections, reads the requests and never
/// responds, and returns its address.
pub(crate) async fn silent_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0_u8; 1024];
                while matches!(socket.read(&mut buffer).await, Ok(read) if read > 0) {}
            });
        }
    });
    address
}

/// Returns a loopback address on which nothing listens.
pub(crate) async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    listener.local_addr().expect("local address")
}
