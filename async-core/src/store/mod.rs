//! Storage: the [`KeyValueStore`] trait, its backends, and encryption at rest.

mod error;

pub use error::{CryptoError, KeyError, StorageError};

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

/// A value's version, incremented by every successful write of its key.
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
#[async_trait]
pub trait KeyValueStore: Send + Sync + std::fmt::Debug {
    /// Reads a value.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Storage`] when the backend fails.
    async fn get(&self, namespace: &Namespace, key: &str) -> Result<Option<Versioned>, Error>;

    /// Writes a value unconditionally and returns its new version.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Storage`] when the backend fails.
    async fn put(&self, namespace: &Namespace, key: &str, value: Vec<u8>)
    -> Result<Version, Error>;

    /// Writes a value only if the key's current version is `expected` (`None`: the key must
    /// not exist), and returns the new version.
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
    /// # Errors
    ///
    /// Returns [`Error::Storage`] when the backend fails.
    async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, Error>;

    /// Lists up to `limit` entries whose keys start with `prefix`, in ascending key order,
    /// starting after `cursor`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Storage`] when the backend fails.
    async fn scan_prefix(
        &self,
        namespace: &Namespace,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, Error>;
}
