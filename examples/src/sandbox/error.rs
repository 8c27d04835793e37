//! The sandbox's error type.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A failure to load the demo recordings or to start the sandbox server.
///
/// Every variant that concerns a file names it, so a broken demo directory can be fixed
/// without a debugger.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file of the demo directory could not be read.
    #[error("cannot read demo file `{}`", path.display())]
    Read {
        /// The file that could not be read.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// A file of the demo directory is not valid JSON, or the manifest has the wrong shape.
    #[error("demo file `{}` is not valid JSON of the expected shape", path.display())]
    Json {
        /// The file that failed to parse.
        path: PathBuf,
        /// The parser's error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// A route of the manifest cannot be served as written.
    #[error("route {index} of `{}` is invalid: {problem}", manifest.display())]
    InvalidRoute {
        /// The route manifest.
        manifest: PathBuf,
        /// The route's position in the manifest's `routes` array, from 0.
        index: usize,
        /// The problem found in the route.
        problem: RouteProblem,
    },
    /// Loading the recordings stopped before it finished (the loading task panicked or
    /// the runtime shut down).
    #[error("loading the demo recordings was interrupted")]
    Load {
        /// The task's error.
        #[source]
        source: tokio::task::JoinError,
    },
    /// The server could not listen on a loopback port.
    #[error("cannot listen on 127.0.0.1")]
    Bind {
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

/// A problem in one route of the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteProblem {
    /// The method is not a valid HTTP method token.
    Method(String),
    /// The path does not start with `/`, or carries a query string.
    Path(String),
    /// The status is not a valid HTTP status code.
    Status(u16),
    /// A header name is not a valid HTTP header name.
    HeaderName(String),
    /// A header value, after `{{base}}` substitution, is not a valid HTTP header value.
    HeaderValue(String),
    /// The body path is absolute or leaves the demo directory.
    BodyPath(PathBuf),
}

impl fmt::Display for RouteProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteProblem::Method(method) => write!(f, "`{method}` is not an HTTP method"),
            RouteProblem::Path(path) => write!(
                f,
                "path `{path}` must start with `/` and carry no query (use the `query` object)"
            ),
            RouteProblem::Status(status) => write!(f, "{status} is not an HTTP status code"),
            RouteProblem::HeaderName(name) => write!(f, "`{name}` is not an HTTP header name"),
            RouteProblem::HeaderValue(name) => {
                write!(
                    f,
                    "the value of header `{name}` is not a valid header value"
                )
            }
            RouteProblem::BodyPath(path) => write!(
                f,
                "body `{}` must be a relative path inside the demo directory",
                path.display()
            ),
        }
    }
}
