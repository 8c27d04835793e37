//! An in-memory store for tests and examples.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use super::{KeyValueStore, Namespace, ScanPage, StorageError, Version, Versioned};
use crate::error::Error;
use crate::ids::TenantId;

type Collection = BTreeMap<String, Versioned>;

/// A [`KeyValueStore`] that keeps everything in process memory, ordered by key.
///
/// Nothing survives the process. Versions start at 1 for a new key (including a key
/// written again after a delete) and grow by one with each write. `Debug` prints only
/// the number of namespaces, never values.
///
/// # Examples
///
/// ```
/// use async_core::ids::TenantId;
/// use async_core::store::{KeyValueStore, MemoryStore, Namespace, Version};
///
/// # tokio::runtime::Runtime::new().expect("runtime").block_on(async {
/// let store = MemoryStore::new();
/// let namespace = Namespace::new(TenantId::new("acme"), "notes");
///
/// let version = store.put(&namespace, "greeting", b"hello".to_vec()).await?;
/// assert_eq!(version, Version(1));
/// let stored = store.get(&namespace, "greeting").await?.expect("present");
/// assert_eq!(stored.value, b"hello");
/// # Ok::<(), async_core::Error>(())
/// # }).expect("example");
/// ```
#[derive(Default)]
pub struct MemoryStore {
    namespaces: Mutex<BTreeMap<Namespace, Collection>>,
}

impl MemoryStore {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Locks the map. A panic while the lock was held cannot leave a half-written entry,
    /// because every mutation is a single map operation, so a poisoned lock is reused.
    fn lock(&self) -> MutexGuard<'_, BTreeMap<Namespace, Collection>> {
        self.namespaces
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("namespaces", &self.lock().len())
            .finish()
    }
}

/// Returns the version that follows `current`.
fn next_version(current: Option<&Versioned>) -> Version {
    Version(current.map_or(1, |stored| stored.version.0.saturating_add(1)))
}

#[async_trait]
impl KeyValueStore for MemoryStore {
    async fn get(&self, namespace: &Namespace, key: &str) -> Result<Option<Versioned>, Error> {
        let namespaces = self.lock();
        Ok(namespaces
            .get(namespace)
            .and_then(|collection| collection.get(key))
            .cloned())
    }

    async fn put(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
    ) -> Result<Version, Error> {
        let mut namespaces = self.lock();
        let collection = namespaces.entry(namespace.clone()).or_default();

        let version = next_version(collection.get(key));
        collection.insert(key.to_owned(), Versioned { value, version });
        Ok(version)
    }

    async fn put_if_version(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
        expected: Option<Version>,
    ) -> Result<Version, Error> {
        let mut namespaces = self.lock();
        let current = namespaces
            .get(namespace)
            .and_then(|collection| collection.get(key));

        // Check before creating the collection, so a failed write leaves no empty one.
        let actual = current.map(|stored| stored.version);
        if actual != expected {
            return Err(Error::Storage(StorageError::VersionConflict {
                key: key.to_owned(),
                expected: expected.map(|version| version.0),
                actual: actual.map(|version| version.0),
            }));
        }

        let version = next_version(current);
        let collection = namespaces.entry(namespace.clone()).or_default();
        collection.insert(key.to_owned(), Versioned { value, version });
        Ok(version)
    }

    async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, Error> {
        let mut namespaces = self.lock();
        let Some(collection) = namespaces.get_mut(namespace) else {
            return Ok(false);
        };

        let existed = collection.remove(key).is_some();
        if collection.is_empty() {
            namespaces.remove(namespace);
        }
        Ok(existed)
    }

    async fn scan_prefix(
        &self,
        namespace: &Namespace,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, Error> {
        if limit == 0 {
            return Err(Error::Storage(StorageError::InvalidScanLimit));
        }
        let namespaces = self.lock();
        let Some(collection) = namespaces.get(namespace) else {
            return Ok(ScanPage {
                entries: Vec::new(),
                next_cursor: None,
            });
        };

        // Start after the cursor when it lies past the prefix's first key.
        let start = match cursor {
            Some(cursor) if cursor >= prefix => Bound::Excluded(cursor),
            _ => Bound::Included(prefix),
        };
        let mut entries: Vec<(String, Versioned)> = collection
            .range::<str, _>((start, Bound::Unbounded))
            .take_while(|(key, _)| key.starts_with(prefix))
            .take(limit.saturating_add(1))
            .map(|(key, stored)| (key.clone(), stored.clone()))
            .collect();

        let next_cursor = if entries.len() > limit {
            entries.truncate(limit);
            entries.last().map(|(key, _)| key.clone())
        } else {
            None
        };
        Ok(ScanPage {
            entries,
            next_cursor,
        })
    }

    async fn collections(&self, tenant: &TenantId) -> Result<Vec<String>, Error> {
        let namespaces = self.lock();
        Ok(namespaces
            .keys()
            .filter(|namespace| namespace.tenant() == tenant)
            .map(|namespace| namespace.collection().to_owned())
            .collect())
    }
}
