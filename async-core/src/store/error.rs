//! Storage, encryption and key errors.

use std::error::Error as StdError;

/// A storage backend failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The backend reported an error.
    #[error("{backend} store failed to {operation}")]
    Backend {
        /// The backend (`"sqlite"`, `"memory"`).
        backend: &'static str,
        /// What it was doing (`"put"`, `"scan"`).
        operation: &'static str,
        /// The backend's own error.
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
    /// A conditional write found another version than expected.
    #[error("version conflict on `{key}`: expected {expected:?}, found {actual:?}")]
    VersionConflict {
        /// The key written.
        key: String,
        /// The version the caller expected.
        expected: Option<u64>,
        /// The version found.
        actual: Option<u64>,
    },
}

impl StorageError {
    /// Returns whether retrying the operation may succeed.
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// A failure to seal or open a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A stored value did not authenticate: it was altered, moved to another slot, or
    /// sealed under another key.
    #[error(
        "stored value for `{key}` failed authentication; it was altered, moved or sealed under another key"
    )]
    Tampered {
        /// The key whose value failed.
        key: String,
    },
}

/// A key that could not be loaded or found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A key had the wrong length.
    #[error("encryption key has {actual} bytes; AES-256 needs 32")]
    WrongLength {
        /// The length found.
        actual: usize,
    },
}
