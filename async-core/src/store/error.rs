//! Storage, encryption and key errors.
//!
//! No variant contains a stored value, a plaintext, key material or the text of a key file:
//! messages name the storage key, the key id or the file path, and say what to do next.

use std::error::Error as StdError;
use std::io;
use std::path::PathBuf;

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
    /// A scan was asked for zero entries per page.
    #[error("scan limit must be at least 1")]
    InvalidScanLimit,
    /// The tenant id is reserved for the store's own metadata.
    #[error("tenant `{tenant}` is reserved for the store's own metadata; use another tenant id")]
    ReservedTenant {
        /// The reserved tenant id that was used.
        tenant: String,
    },
    /// A database was created by a newer schema than this release understands.
    #[error(
        "{backend} database has schema version {found}, newer than the supported {supported}; upgrade async-core"
    )]
    UnsupportedSchema {
        /// The backend (`"sqlite"`).
        backend: &'static str,
        /// The schema version found in the database.
        found: i64,
        /// The newest schema version this release reads.
        supported: i64,
    },
    /// A database file belongs to another application: it has tables of its own and no
    /// store schema version.
    #[error(
        "{backend} database holds tables of another application ({tables}), so the store will not write to it; open the store on a new file"
    )]
    ForeignDatabase {
        /// The backend (`"sqlite"`).
        backend: &'static str,
        /// The names of the tables found, comma-separated.
        tables: String,
    },
    /// Store metadata (such as a seal counter) is not in the expected format.
    #[error("store metadata `{key}` is corrupt: {reason}; restore it from a backup")]
    CorruptMetadata {
        /// The metadata key.
        key: String,
        /// The problem found.
        reason: &'static str,
    },
    /// The store does not implement an optional operation.
    #[error("this store cannot {operation}; use a store that implements it, such as SqliteStore")]
    Unsupported {
        /// The operation requested.
        operation: &'static str,
    },
    /// A record could not be encoded or decoded.
    ///
    /// The serializer's own message is not kept, because it can quote record contents.
    #[error(
        "record `{key}` could not be {operation}; it may have been written by an incompatible release"
    )]
    Codec {
        /// The storage key of the record.
        key: String,
        /// `"encoded"` or `"decoded"`.
        operation: &'static str,
    },
}

impl StorageError {
    /// Returns whether retrying the operation may succeed.
    ///
    /// Only a busy or locked SQLite database is retryable: another connection held a lock
    /// for longer than the busy timeout.
    pub fn is_retryable(&self) -> bool {
        let StorageError::Backend { source, .. } = self else {
            return false;
        };
        let Some(rusqlite::Error::SqliteFailure(failure, _)) = source.downcast_ref() else {
            return false;
        };
        matches!(
            failure.code,
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
        )
    }

    /// Returns whether a conditional write failed because the key's version changed.
    pub fn is_version_conflict(&self) -> bool {
        matches!(self, StorageError::VersionConflict { .. })
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
    /// A stored value is too short to be an envelope.
    #[error(
        "stored value for `{key}` has {length} bytes, fewer than the {minimum}-byte envelope minimum; it was truncated or never sealed"
    )]
    Truncated {
        /// The key whose value failed.
        key: String,
        /// The length found.
        length: usize,
        /// The shortest possible envelope.
        minimum: usize,
    },
    /// A stored value uses an envelope format version this release cannot read.
    #[error(
        "stored value for `{key}` uses envelope format version {version}, which this release cannot read; upgrade async-core"
    )]
    UnsupportedVersion {
        /// The key whose value failed.
        key: String,
        /// The format version byte found.
        version: u8,
    },
    /// A stored value names an algorithm this release does not implement.
    #[error(
        "stored value for `{key}` was sealed with algorithm {algorithm}, which this release does not implement; upgrade async-core"
    )]
    UnsupportedAlgorithm {
        /// The key whose value failed.
        key: String,
        /// The algorithm byte found.
        algorithm: u8,
    },
    /// The active key has sealed as many values as random nonces safely allow.
    #[error(
        "encryption key {key_id} has sealed {limit} values, the safe limit for random nonces; add a new active key to the keyring and rotate"
    )]
    KeyExhausted {
        /// The exhausted key's id.
        key_id: u32,
        /// The limit that was reached.
        limit: u64,
    },
    /// A seal limit outside the safe range was configured.
    #[error("seal limit {requested} is invalid; choose a value from 1 to {maximum}")]
    InvalidSealLimit {
        /// The limit requested.
        requested: u64,
        /// The largest limit allowed.
        maximum: u64,
    },
    /// The cipher refused to seal a value, which happens only for values larger than
    /// AES-GCM allows (about 64 GiB).
    #[error("value for `{key}` could not be sealed; AES-GCM accepts at most about 64 GiB")]
    SealFailed {
        /// The key being written.
        key: String,
    },
}

/// A key that could not be loaded or found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A key had the wrong length.
    #[error(
        "encryption key has {actual} bytes; AES-256 needs 32 (generate one with `openssl rand -base64 32`)"
    )]
    WrongLength {
        /// The length found.
        actual: usize,
    },
    /// Key text was not valid base64.
    ///
    /// The decoder's own message is not kept, because it quotes the offending character.
    #[error(
        "encryption key is not valid base64; expected 32 random bytes in standard base64 (generate one with `openssl rand -base64 32`)"
    )]
    NotBase64,
    /// A key file could not be read.
    #[error("encryption key file {} could not be read; check that it exists and is readable", path.display())]
    FileUnreadable {
        /// The file's path.
        path: PathBuf,
        /// The I/O error, which never contains the file's contents.
        #[source]
        source: io::Error,
    },
    /// A key id was added to a keyring twice.
    #[error("key id {key_id} is already in the keyring; give every key its own id")]
    DuplicateKeyId {
        /// The repeated key id.
        key_id: u32,
    },
    /// A stored value names a key id that the keyring does not hold.
    #[error(
        "stored value for `{key}` was sealed under key id {key_id}, which is not in the keyring; add that key as a retired key"
    )]
    UnknownKeyId {
        /// The storage key whose value could not be opened.
        key: String,
        /// The key id found in the envelope.
        key_id: u32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_failure(code: i32) -> StorageError {
        StorageError::Backend {
            backend: "sqlite",
            operation: "put",
            source: Box::new(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                None,
            )),
        }
    }

    #[test]
    fn busy_and_locked_sqlite_are_retryable() {
        assert!(sqlite_failure(rusqlite::ffi::SQLITE_BUSY).is_retryable());
        assert!(sqlite_failure(rusqlite::ffi::SQLITE_LOCKED).is_retryable());
        assert!(!sqlite_failure(rusqlite::ffi::SQLITE_CORRUPT).is_retryable());
    }

    #[test]
    fn conflicts_are_not_retryable() {
        let conflict = StorageError::VersionConflict {
            key: "k".into(),
            expected: Some(1),
            actual: Some(2),
        };

        assert!(conflict.is_version_conflict());
        assert!(!conflict.is_retryable());
    }
}
