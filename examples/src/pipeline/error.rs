//! The job's error type.

use std::path::PathBuf;

/// Everything the standup job can fail with, each naming what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// A required environment variable or option is missing or invalid.
    #[error("{0}")]
    Config(String),
    /// A file could not be read.
    #[error("could not read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The store file could not be opened as this job's SQLite store.
    #[error(
        "could not open the store at {path}; restore the file from a backup or pass another --store path"
    )]
    StoreOpen {
        /// The store file.
        path: PathBuf,
        /// The SQLite or store error.
        #[source]
        source: async_core::Error,
    },
    /// The store contains values that do not open with the key.
    #[error(
        "the store at {path} does not open with this key: it was sealed with another key or altered; set ASYNC_STORE_KEY to the key used before, or pass a new --store path"
    )]
    ForeignStore {
        /// The store file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: async_core::Error,
    },
    /// The viewer is not a person of the workspace.
    #[error("unknown person `{viewer}` for --as; known people: {known}")]
    UnknownViewer {
        /// The requested viewer.
        viewer: String,
        /// The people of the identity mapping, comma-separated.
        known: String,
    },
    /// The demo sandbox failed.
    #[error("demo sandbox failed")]
    Sandbox(#[from] crate::sandbox::Error),
    /// A connector failed.
    #[error("{provider} sync failed")]
    Connector {
        /// The provider.
        provider: &'static str,
        /// The connector's error.
        #[source]
        source: async_connectors::Error,
    },
    /// Storage, identity or HTTP setup failed.
    #[error(transparent)]
    Core(#[from] async_core::Error),
    /// The identity resolver rejected the mapping.
    #[error("identity mapping is invalid")]
    Identity(#[from] async_core::identity::IdentityError),
    /// The identity mapping file does not parse or validate.
    #[error(
        "the identity mapping in {path} is invalid; fix the file, or with --live point ASYNC_IDENTITIES at another one"
    )]
    IdentityFile {
        /// The mapping file.
        path: PathBuf,
        /// The parse or validation error, with its line.
        #[source]
        source: async_core::identity::IdentityError,
    },
    /// The policy's stores failed or the audit log did not verify.
    #[error("the privacy policy failed")]
    Policy(#[from] async_policy::Error),
    /// The language model failed.
    #[error("writing the standup failed")]
    Model(#[from] async_llm::Error),
}
