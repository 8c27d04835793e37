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
/// Nothing survives the process. Every successful write takes the next number of one
/// counter shared by all namespaces, so versions never repeat for a key, even after a
/// delete. `Debug` prints only the number of namespaces, never values.
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
    state: Mutex<State>,
}

/// The namespaces and the last version handed out, behind one lock so that a write
/// takes its version and stores its value in one step.
#[derive(Default)]
struct State {
    namespaces: BTreeMap<Namespace, Collection>,
    last_version: u64,
}

impl State {
    /// Takes the next version of the store-wide sequence.
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::CorruptMetadata`] when the sequence is exhausted, which
    /// takes 2^64 writes.
    fn next_version(&mut self) -> Result<Version, Error> {
        let next = self.last_version.checked_add(1).ok_or_else(|| {
            Error::Storage(StorageError::CorruptMetadata {
                key: "version sequence".to_owned(),
                reason: "it reached the largest version",
            })
        })?;
        self.last_version = next;
        Ok(Version(next))
    }
}

impl MemoryStore {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Locks the state. A panic while the lock was held cannot leave a half-written
    /// entry, because every mutation is a single map operation after the version is
    /// taken, so a poisoned lock is reused.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("namespaces", &self.lock().namespaces.len())
            .finish()
    }
}

#[async_trait]
impl KeyValueStore for MemoryStore {
    async fn get(&self, namespace: &Namespace, key: &str) -> Result<Option<Versioned>, Error> {
        let state = self.lock();
        Ok(state
            .namespaces
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
        let mut state = self.lock();
        let version = state.next_version()?;

        let collection = state.namespaces.entry(namespace.clone()).or_default();
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
        let mut state = self.lock();
        let current = state
            .namespaces
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

        let version = state.next_version()?;
        let collection = state.namespaces.entry(namespace.clone()).or_default();
        collection.insert(key.to_owned(), Versioned { value, version });
        Ok(version)
    }

    async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, Error> {
        let mut state = self.lock();
        let Some(collection) = state.namespaces.get_mut(namespace) else {
            return Ok(false);
        };

        // The version sequence stays where it is, so a later write of this key gets a
        // version above every one it had.
        let existed = collection.remove(key).is_some();
        if collection.is_empty() {
            state.namespaces.remove(namespace);
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
        let state = self.lock();
        let Some(collection) = state.namespaces.get(namespace) else {
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
        let state = self.lock();
        Ok(state
            .namespaces
            .keys()
            .filter(|namespace| namespace.tenant() == tenant)
            .map(|namespace| namespace.collection().to_owned())
            .collect())
    }
}
