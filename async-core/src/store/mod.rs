//! Storage: the [`KeyValueStore`] trait, its backends, and encryption at rest.
//!
//! # Layers
//!
//! - Backends implement [`KeyValueStore`]: [`MemoryStore`] for tests and [`SqliteStore`],
//!   the embedded default. Each keeps keys in byte order within a [`Namespace`] (a tenant
//!   and a collection) and offers a conditional put on a [`Version`].
//! - [`EncryptedStore`] wraps any backend and seals every value with AES-256-GCM under the
//!   active key of a [`Keyring`]. It is itself a `KeyValueStore`.
//! - [`RecordStore`] stores domain records and [`CredentialStore`] stores OAuth tokens,
//!   both only through an `EncryptedStore`.
//!
//! # Envelope
//!
//! A sealed value is `version (1 byte) | algorithm (1 byte) | key id (u32 big-endian) |
//! nonce (12 bytes) | ciphertext | tag (16 bytes)`, 34 bytes more than the plaintext. The
//! associated data is the 6-byte header followed by the length-prefixed tenant, collection
//! and key, so a value copied to another slot or tenant, or a header edited to name
//! another key, fails to open with [`CryptoError::Tampered`]. The key id lets values sealed
//! under retired keys open after a rotation. See [`envelope`] for the byte layout.
//!
//! # Why random nonces and a counter
//!
//! Random nonces need no coordination between processes or replicas that share a key,
//! and nothing breaks when a database is restored from a backup, which would make a
//! stored nonce counter repeat. Their cost is a bound: with 96-bit random nonces a key may
//! seal at most 2^32 values before the chance of a repeated nonce, which under GCM
//! exposes plaintexts and allows forgeries, exceeds what NIST SP 800-38D accepts. The
//! store therefore counts seals per key id, persisted in the wrapped backend, and stops at
//! 2^31 by default (see [`SealLimits`]), so a key is rotated long before the bound.
//!
//! # Reserved namespace
//!
//! Seal counters live under the tenant [`META_TENANT`] in the collection
//! [`COUNTER_COLLECTION`], unencrypted (a count is not secret). `EncryptedStore` rejects
//! that tenant id in every operation.

mod counter;
mod credentials;
mod encrypted;
pub mod envelope;
mod error;
mod keyring;
mod memory;
mod records;
mod sqlite;

pub use counter::{COUNTER_COLLECTION, META_TENANT, SealLimits};
pub use credentials::{CREDENTIALS_COLLECTION, CredentialStore, OAuthTokens, StoredTokens};
pub use encrypted::{EncryptedStore, RotationReport};
pub use error::{CryptoError, KeyError, StorageError};
pub use keyring::Keyring;
pub use memory::MemoryStore;
pub use records::{RECORDS_COLLECTION, Record, RecordStore};
pub use sqlite::SqliteStore;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::TenantId;

/// Where a value lives: a tenant and a collection within it.
///
/// Every key belongs to exactly one namespace, and no operation reads across namespaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Namespace {
    tenant: TenantId,
    collection: String,
}

impl Namespace {
    /// Creates the namespace of `collection` within `tenant`.
    pub fn new(tenant: TenantId, collection: impl Into<String>) -> Self {
        Self {
            tenant,
            collection: collection.into(),
        }
    }

    /// The tenant.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// The collection within the tenant.
    pub fn collection(&self) -> &str {
        &self.collection
    }
}

/// A value's version: a number the store hands out with each successful write.
///
/// Versions of one key strictly increase and never repeat, even across a delete. They
/// are not consecutive, so they do not count a key's writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Version(pub u64);

/// A stored value together with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned {
    /// The stored bytes.
    pub value: Vec<u8>,
    /// The version of these bytes.
    pub version: Version,
}

/// One page of an ordered prefix scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanPage {
    /// Keys and values in ascending key order.
    pub entries: Vec<(String, Versioned)>,
    /// The cursor to pass to the next call, or `None` when the scan is complete.
    pub next_cursor: Option<String>,
}

/// An asynchronous, object-safe key-value store.
///
/// Implementations keep keys in byte order within a namespace and never mix namespaces.
/// The conformance tests in this crate's `tests/` run one suite against every backend.
///
/// # Versions
///
/// Every successful write takes its [`Version`] from one monotonically increasing
/// sequence per store, shared by all namespaces and kept in the same place as the data,
/// so every process that shares the backend draws from it. A write's version is higher
/// than every version the store handed out before, for any key. A key written again
/// after a delete therefore never gets back a version it had, and a conditional write
/// that passes a version read before the delete fails with a version conflict
/// instead of replacing the new value. An OAuth refresh or a key rotation that raced a
/// delete and a rewrite depends on this. Versions are not consecutive for one key.
#[async_trait]
pub trait KeyValueStore: Send + Sync + std::fmt::Debug {
    /// Reads a value.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Storage`] when the backend fails.
    async fn get(&self, namespace: &Namespace, key: &str) -> Result<Option<Versioned>, Error>;

    /// Writes a value unconditionally and returns its new version, the next number of the
    /// store's version sequence.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Storage`] when the backend fails.
    async fn put(&self, namespace: &Namespace, key: &str, value: Vec<u8>)
    -> Result<Version, Error>;

    /// Writes a value only if the key's current version is `expected` (`None`: the key must
    /// not exist), and returns the new version, the next number of the store's version
    /// sequence.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Storage`] with a version conflict when the current version differs,
    /// and [`Error::Storage`] when the backend fails.
    async fn put_if_version(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
        expected: Option<Version>,
    ) -> Result<Version, Error>;

    /// Deletes a key and returns whether it existed.
    ///
    /// The version sequence does not move back, so a later write of the key gets a
    /// version above every version the key had.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Storage`] when the backend fails.
    async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, Error>;

    /// Lists up to `limit` entries whose keys start with `prefix`, in ascending key order,
    /// starting after `cursor`.
    ///
    /// The returned `next_cursor` is the last key of a full page when more entries follow,
    /// and `None` exactly when the scan is complete.
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::InvalidScanLimit`] when `limit` is 0, and [`Error::Storage`]
    /// when the backend fails.
    async fn scan_prefix(
        &self,
        namespace: &Namespace,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, Error>;

    /// Lists the collections of `tenant` that hold at least one key, in ascending order.
    ///
    /// Rotation, export and deletion of a whole tenant start here. The default
    /// implementation returns [`StorageError::Unsupported`], so stores written before this
    /// method existed keep compiling; every backend in this crate overrides it.
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::Unsupported`] when the store cannot list collections, and
    /// [`Error::Storage`] when the backend fails.
    async fn collections(&self, tenant: &TenantId) -> Result<Vec<String>, Error> {
        let _ = tenant;
        Err(Error::Storage(StorageError::Unsupported {
            operation: "list collections",
        }))
    }
}

/// Implements [`KeyValueStore`] for a smart pointer by forwarding to the pointee.
macro_rules! forward_store {
    ($($pointer:ty),+) => {$(
        #[async_trait]
        impl<T: KeyValueStore + ?Sized> KeyValueStore for $pointer {
            async fn get(&self, namespace: &Namespace, key: &str) -> Result<Option<Versioned>, Error> {
                (**self).get(namespace, key).await
            }

            async fn put(
                &self,
                namespace: &Namespace,
                key: &str,
                value: Vec<u8>,
            ) -> Result<Version, Error> {
                (**self).put(namespace, key, value).await
            }

            async fn put_if_version(
                &self,
                namespace: &Namespace,
                key: &str,
                value: Vec<u8>,
                expected: Option<Version>,
            ) -> Result<Version, Error> {
                (**self).put_if_version(namespace, key, value, expected).await
            }

            async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, Error> {
                (**self).delete(namespace, key).await
            }

            async fn scan_prefix(
                &self,
                namespace: &Namespace,
                prefix: &str,
                cursor: Option<&str>,
                limit: usize,
            ) -> Result<ScanPage, Error> {
                (**self).scan_prefix(namespace, prefix, cursor, limit).await
            }

            async fn collections(&self, tenant: &TenantId) -> Result<Vec<String>, Error> {
                (**self).collections(tenant).await
            }
        }
    )+};
}

forward_store!(Arc<T>, Box<T>);
