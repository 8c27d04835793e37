//! A local HTTP server that replays recorded GitHub, Slack and Jira responses.
//!
//! The sandbox exists so that the demo runs offline through the real connectors. The
//! `standup` example points the GitHub, Slack and Jira clients at
//! [`Sandbox::github_base`], [`Sandbox::slack_base`] and [`Sandbox::jira_base`] instead of
//! `api.github.com`, `slack.com` and `api.atlassian.com`. Every request, pagination step
//! and response parse then runs as it would against the provider. Nothing is stubbed
//! inside the SDK, and only the network is replaced.
//!
//! # How it answers
//!
//! The server reads the route manifest `routes.json` of a demo directory (see
//! [`crate::demo::Demo`]) and serves each request from the recording it names:
//!
//! - A route matches on the exact method and the exact (percent-decoded) path. Its
//!   optional `query` object is a subset of parameters that must all be present in the
//!   request; among matching routes the one with the most query parameters wins, so a
//!   route for `{"cursor": "..."}` takes the second page while the route without a query
//!   serves the first.
//! - `{{base}}` in bodies and headers is replaced by the server's own
//!   `http://127.0.0.1:PORT`, so `Link` headers and URLs in bodies lead back to it.
//! - A request without an `Authorization` header gets the provider's answer to missing
//!   credentials: 401 from GitHub and Jira, and HTTP 200 with
//!   `{"ok": false, "error": "not_authed"}` from Slack, as the real Web API does. Any
//!   header value is accepted.
//! - A request with no recording gets 404 with a provider-shaped JSON body, and the
//!   server prints `sandbox: no recording for GET /path` to stderr. The query string is
//!   never printed.
//!
//! # Why not a mock server per test
//!
//! Test mocks (`mockito`) suit one connector and one behaviour at a time. The demo needs
//! one consistent fictional company across three providers, with identities and
//! blockers that only make sense together, and it must run from the example binary
//! without a test harness. A recorded workspace served by one small server gives both.
//!
//! # Examples
//!
//! ```
//! use async_examples::demo::Demo;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), async_examples::sandbox::Error> {
//! let sandbox = Demo::bundled().start_sandbox().await?;
//! assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(sandbox.slack_base(), format!("{}/slack/api", sandbox.base_url()));
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod error;
mod routes;
mod service;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

pub use error::{Error, RouteProblem};
use routes::RouteTable;

/// How long the accept loop pauses after a failed accept (for example when the process
/// is out of file descriptors), so that it does not spin.
const ACCEPT_RETRY_DELAY: Duration = Duration::from_millis(50);

/// A running sandbox server on `127.0.0.1` with an ephemeral port.
///
/// Dropping the value signals the server to stop: it accepts no new connections and closes
/// the open ones once their current response is sent. [`Sandbox::shutdown`] does the
/// same and waits until it has happened.
#[derive(Debug)]
pub struct Sandbox {
    address: SocketAddr,
    base_url: String,
    shutdown: Option<watch::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Loads the recordings of `demo_dir` and starts serving them.
    ///
    /// Every file is read and checked before the server accepts its first request.
    ///
    /// # Errors
    ///
    /// [`Error::Bind`] when no loopback port is available; [`Error::Read`],
    /// [`Error::Json`] or [`Error::InvalidRoute`], naming the file, when `routes.json` or
    /// a body file it names is missing, unreadable or malformed.
    pub async fn start(demo_dir: impl AsRef<Path>) -> Result<Sandbox, Error> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|source| Error::Bind { source })?;
        let address = listener
            .local_addr()
            .map_err(|source| Error::Bind { source })?;
        let base_url = format!("http://{address}");

        let table = load_table(demo_dir.as_ref().to_owned(), base_url.clone()).await?;
        let (shutdown, stop) = watch::channel(());
        let server = tokio::spawn(accept_loop(listener, Arc::new(table), stop));

        Ok(Sandbox {
            address,
            base_url,
            shutdown: Some(shutdown),
            server: Some(server),
        })
    }

    /// Returns the server's socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// Returns the server's base URL, `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Returns the base URL to give the GitHub connector in place of `https://api.github.com`.
    pub fn github_base(&self) -> String {
        format!("{}/github", self.base_url)
    }

    /// Returns the base URL to give the Slack connector in place of `https://slack.com/api`.
    pub fn slack_base(&self) -> String {
        format!("{}/slack/api", self.base_url)
    }

    /// Returns the base URL to give the Jira connector in place of a Jira Cloud site or
    /// `https://api.atlassian.com/ex/jira/{cloudId}`.
    pub fn jira_base(&self) -> String {
        format!("{}/jira", self.base_url)
    }

    /// Stops the server and waits until every open connection is closed.
    pub async fn shutdown(mut self) {
        self.shutdown.take();
        let Some(server) = self.server.take() else {
            return;
        };
        if let Err(error) = server.await {
            eprintln!("sandbox: the server task failed: {error}");
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Dropping the sender wakes every receiver, so the server task winds down alone.
        self.shutdown.take();
    }
}

/// Loads the route table off the async runtime, because it reads every recording.
async fn load_table(demo_dir: PathBuf, base_url: String) -> Result<RouteTable, Error> {
    let loading = tokio::task::spawn_blocking(move || RouteTable::load(&demo_dir, &base_url));
    match loading.await {
        Ok(result) => result,
        Err(error) => Err(Error::Load { source: error }),
    }
}

async fn accept_loop(listener: TcpListener, table: Arc<RouteTable>, stop: watch::Receiver<()>) {
    let mut connections = JoinSet::new();
    let mut stop_accepting = stop.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, table.clone(), stop.clone()));
                }
                Err(error) => {
                    eprintln!("sandbox: accepting a connection failed: {error}");
                    tokio::time::sleep(ACCEPT_RETRY_DELAY).await;
                }
            },
            _ = stop_accepting.changed() => break,
        }
        // Reap finished connections so the set does not grow over a long demo.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

async fn serve_connection(
    stream: TcpStream,
    table: Arc<RouteTable>,
    mut stop: watch::Receiver<()>,
) {
    let service = service_fn(move |request| service::handle(table.clone(), request));
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);

    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = stop.changed() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        // A client that hangs up between requests is normal, not worth a line.
        if !error.is_incomplete_message() {
            eprintln!("sandbox: serving a connection failed: {error}");
        }
    }
}
