//! The encrypting wrapper around any store, and key rotation.

use std::sync::Arc;

use async_trait::async_trait;
use zeroize::Zeroizing;

use super::counter::{self, META_TENANT, SealCounter, SealLimits};
use super::envelope;
use super::keyring::Keyring;
use super::{KeyValueStore, Namespace, ScanPage, StorageError, Version, Versioned};
use crate::error::Error;
use crate::ids::TenantId;

/// Values larger than this are sealed and opened on Tokio's blocking pool. AES-GCM ran at
/// about 1 GB/s in the crate's benchmarks, so a larger value would hold a runtime thread
/// for more than about 65 µs.
const BLOCKING_THRESHOLD: usize = 64 * 1024;

/// How many entries rotation reads per scan page.
const ROTATION_PAGE: usize = 256;

/// A [`KeyValueStore`] that seals every value with AES-256-GCM before it reaches `S`.
///
/// Keys, namespaces and versions pass through unchanged, so versions follow the wrapped
/// store's sequence, which seal counter writes also advance. Values are stored as envelopes
/// (see [`envelope`](super::envelope)) whose associated data binds them to their tenant,
/// collection and key. Each seal takes a count from a per-key counter persisted in `S`
/// (see [`SealLimits`]), and sealing stops with
/// [`CryptoError::KeyExhausted`](super::CryptoError::KeyExhausted) at the limit.
///
/// The tenant id [`META_TENANT`] is reserved for the counters and rejected here.
///
/// # Examples
///
/// ```
/// use async_core::ids::TenantId;
/// use async_core::store::{EncryptedStore, Keyring, KeyValueStore, MemoryStore, Namespace};
///
/// # tokio::runtime::Runtime::new().expect("runtime").block_on(async {
/// let store = EncryptedStore::new(MemoryStore::new(), Keyring::generate());
/// let namespace = Namespace::new(TenantId::new("acme"), "notes");
///
/// store.put(&namespace, "plan", b"ship on friday".to_vec()).await?;
///
/// let opened = store.get(&namespace, "plan").await?.expect("present");
/// assert_eq!(opened.value, b"ship on friday");
/// let raw = store.inner().get(&namespace, "plan").await?.expect("present");
/// assert_ne!(raw.value, b"ship on friday");
/// # Ok::<(), async_core::Error>(())
/// # }).expect("example");
/// ```
#[derive(Debug, Clone)]
pub struct EncryptedStore<S> {
    inner: S,
    keyring: Arc<Keyring>,
    counter: Arc<SealCounter>,
}

/// The outcome of a rotation: counts of values and the keys left as they were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// Values opened and sealed again under the active key.
    pub resealed: u64,
    /// Values already sealed under the active key, left as they were.
    pub already_current: u64,
    /// Values written by someone else during the rotation, left as that writer stored
    /// them; rotate again to cover them.
    pub changed_concurrently: Vec<(Namespace, String)>,
    /// Values that did not open (tampered, truncated, or under a key missing from the
    /// keyring), left untouched.
    pub unreadable: Vec<(Namespace, String)>,
}

impl RotationReport {
    /// Returns whether every value now is sealed under the active key.
    pub fn is_complete(&self) -> bool {
        self.changed_concurrently.is_empty() && self.unreadable.is_empty()
    }

    fn merge(&mut self, other: RotationReport) {
        self.resealed += other.resealed;
        self.already_current += other.already_current;
        self.changed_concurrently.extend(other.changed_concurrently);
        self.unreadable.extend(other.unreadable);
    }
}

impl<S: KeyValueStore> EncryptedStore<S> {
    /// Wraps `inner`, sealing with the keyring's active key under the default
    /// [`SealLimits`].
    pub fn new(inner: S, keyring: Keyring) -> Self {
        Self::with_limits(inner, keyring, SealLimits::default())
    }

    /// Wraps `inner` with explicit seal limits.
    pub fn with_limits(inner: S, keyring: Keyring, limits: SealLimits) -> Self {
        Self {
            inner,
            keyring: Arc::new(keyring),
            counter: Arc::new(SealCounter::new(limits)),
        }
    }

    /// The wrapped store, which holds only envelopes.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The keyring.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The seal limits.
    pub fn limits(&self) -> SealLimits {
        self.counter.limits()
    }

    /// Returns how many seals have been reserved for `key_id` across all processes
    /// sharing the wrapped store; the key is exhausted when this reaches the limit.
    ///
    /// # Errors
    ///
    /// Returns the wrapped store's errors, and [`StorageError::CorruptMetadata`] when the
    /// stored counter is not 8 bytes.
    pub async fn reserved_seals(&self, key_id: u32) -> Result<u64, Error> {
        Ok(counter::read_reserved(&self.inner, key_id).await?.0)
    }

    /// Seals `plaintext` for `key` in `namespace` under the active key, without storing it.
    ///
    /// # Errors
    ///
    /// Returns [`CryptoError::KeyExhausted`](super::CryptoError::KeyExhausted) when the
    /// active key reached its seal limit, [`StorageError::ReservedTenant`] for the
    /// metadata tenant, and the wrapped store's errors from reserving counts.
    pub async fn seal(
        &self,
        namespace: &Namespace,
        key: &str,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, Error> {
        check_tenant(namespace.tenant())?;
        let (key_id, cipher) = self.keyring.active_cipher();
        self.counter.acquire(&self.inner, key_id).await?;

        if plaintext.len() <= BLOCKING_THRESHOLD {
            return envelope::seal(key_id, &cipher, namespace, key, plaintext);
        }
        let (namespace, key) = (namespace.clone(), key.to_owned());
        let plaintext = Zeroizing::new(plaintext.to_vec());
        run_blocking(move || envelope::seal(key_id, &cipher, &namespace, &key, &plaintext)).await
    }

    /// Opens an envelope stored for `key` in `namespace`.
    ///
    /// # Errors
    ///
    /// Returns [`CryptoError::Tampered`](super::CryptoError::Tampered) when the envelope
    /// does not authenticate for this slot,
    /// [`KeyError::UnknownKeyId`](super::KeyError::UnknownKeyId) when its key is not in
    /// the keyring, and `Truncated`, `UnsupportedVersion` or `UnsupportedAlgorithm` when
    /// it is not an envelope this release reads.
    pub async fn open(
        &self,
        namespace: &Namespace,
        key: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>, Error> {
        check_tenant(namespace.tenant())?;
        if sealed.len() <= BLOCKING_THRESHOLD {
            return envelope::open(&self.keyring, namespace, key, sealed);
        }

        let keyring = Arc::clone(&self.keyring);
        let (namespace, key, sealed) = (namespace.clone(), key.to_owned(), sealed.to_vec());
        run_blocking(move || envelope::open(&keyring, &namespace, &key, &sealed)).await
    }

    /// Re-seals every value in `namespace` under the active key.
    ///
    /// Each value is written back with a conditional put on the version it was read at,
    /// so a concurrent write is never overwritten, including a delete followed by a
    /// rewrite, because a rewritten key never gets back a version it had. The report lists such values, and
    /// values that do not open, which stay untouched. Retired keys stay usable
    /// for reading until removed from the keyring.
    ///
    /// # Errors
    ///
    /// Returns the wrapped store's errors and
    /// [`CryptoError::KeyExhausted`](super::CryptoError::KeyExhausted) when the active key
    /// reaches its limit during the rotation; values re-sealed before the error stay
    /// re-sealed, and a second call continues.
    pub async fn rotate(&self, namespace: &Namespace) -> Result<RotationReport, Error> {
        check_tenant(namespace.tenant())?;
        let mut report = RotationReport::default();
        let mut cursor: Option<String> = None;

        loop {
            let page = self
                .inner
                .scan_prefix(namespace, "", cursor.as_deref(), ROTATION_PAGE)
                .await?;
            for (key, stored) in page.entries {
                self.rotate_entry(namespace, key, stored, &mut report)
                    .await?;
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(report),
            }
        }
    }

    /// Re-seals every value in every collection of `tenant` under the active key.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// use async_core::ids::TenantId;
    /// use async_core::secret::EncryptionKey;
    /// use async_core::store::{EncryptedStore, Keyring, KeyValueStore, MemoryStore, Namespace};
    ///
    /// # tokio::runtime::Runtime::new().expect("runtime").block_on(async {
    /// let backend = Arc::new(MemoryStore::new());
    /// let old_key = EncryptionKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
    /// let store = EncryptedStore::new(Arc::clone(&backend), Keyring::new(1, old_key));
    /// let namespace = Namespace::new(TenantId::new("acme"), "notes");
    /// store.put(&namespace, "plan", b"ship on friday".to_vec()).await?;
    ///
    /// // Key 2 becomes active; key 1 stays in the keyring so old values still open.
    /// let keyring = Keyring::from_base64(1, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?
    ///     .rotated_to(2, EncryptionKey::generate())?;
    /// let rotated = EncryptedStore::new(backend, keyring);
    /// let report = rotated.rotate_tenant(&TenantId::new("acme")).await?;
    ///
    /// assert_eq!(report.resealed, 1);
    /// assert!(report.is_complete());
    /// # Ok::<(), async_core::Error>(())
    /// # }).expect("example");
    /// ```
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::Unsupported`] when the wrapped store cannot list
    /// collections, and the errors of [`EncryptedStore::rotate`].
    pub async fn rotate_tenant(&self, tenant: &TenantId) -> Result<RotationReport, Error> {
        check_tenant(tenant)?;
        let mut report = RotationReport::default();

        for collection in self.inner.collections(tenant).await? {
            let namespace = Namespace::new(tenant.clone(), collection);
            report.merge(self.rotate(&namespace).await?);
        }
        Ok(report)
    }

    async fn rotate_entry(
        &self,
        namespace: &Namespace,
        key: String,
        stored: Versioned,
        report: &mut RotationReport,
    ) -> Result<(), Error> {
        let sealed_under = envelope::parse(&stored.value, &key).map(|parsed| parsed.key_id);
        if sealed_under.as_ref().ok() == Some(&self.keyring.active_key_id()) {
            report.already_current += 1;
            return Ok(());
        }

        let plaintext = match self.open(namespace, &key, &stored.value).await {
            Ok(plaintext) => Zeroizing::new(plaintext),
            Err(Error::Crypto(_) | Error::Key(_)) => {
                report.unreadable.push((namespace.clone(), key));
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        let resealed = self.seal(namespace, &key, &plaintext).await?;

        let written = self
            .inner
            .put_if_version(namespace, &key, resealed, Some(stored.version))
            .await;
        match written {
            Ok(_) => report.resealed += 1,
            Err(Error::Storage(error)) if error.is_version_conflict() => {
                report.changed_concurrently.push((namespace.clone(), key));
            }
            Err(error) => return Err(error),
        }
        Ok(())
    }
}

/// Rejects the tenant reserved for seal counters, so no caller can overwrite them.
fn check_tenant(tenant: &TenantId) -> Result<(), Error> {
    if tenant.as_str() == META_TENANT {
        return Err(Error::Storage(StorageError::ReservedTenant {
            tenant: tenant.to_string(),
        }));
    }
    Ok(())
}

async fn run_blocking<T, F>(work: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, Error> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|join_error| {
            Error::Storage(StorageError::Backend {
                backend: "encrypted",
                operation: "run crypto",
                source: Box::new(join_error),
            })
        })?
}

#[async_trait]
impl<S: KeyValueStore> KeyValueStore for EncryptedStore<S> {
    async fn get(&self, namespace: &Namespace, key: &str) -> Result<Option<Versioned>, Error> {
        check_tenant(namespace.tenant())?;
        let Some(stored) = self.inner.get(namespace, key).await? else {
            return Ok(None);
        };

        let value = self.open(namespace, key, &stored.value).await?;
        Ok(Some(Versioned {
            value,
            version: stored.version,
        }))
    }

    async fn put(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
    ) -> Result<Version, Error> {
        let value = Zeroizing::new(value);
        let sealed = self.seal(namespace, key, &value).await?;
        self.inner.put(namespace, key, sealed).await
    }

    async fn put_if_version(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
        expected: Option<Version>,
    ) -> Result<Version, Error> {
        let value = Zeroizing::new(value);
        let sealed = self.seal(namespace, key, &value).await?;
        self.inner
            .put_if_version(namespace, key, sealed, expected)
            .await
    }

    async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, Error> {
        check_tenant(namespace.tenant())?;
        self.inner.delete(namespace, key).await
    }

    async fn scan_prefix(
        &self,
        namespace: &Namespace,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, Error> {
        check_tenant(namespace.tenant())?;
        let page = self
            .inner
            .scan_prefix(namespace, prefix, cursor, limit)
            .await?;

        let mut entries = Vec::with_capacity(page.entries.len());
        for (key, stored) in page.entries {
            let value = self.open(namespace, &key, &stored.value).await?;
            let version = stored.version;
            entries.push((key, Versioned { value, version }));
        }
        Ok(ScanPage {
            entries,
            next_cursor: page.next_cursor,
        })
    }

    async fn collections(&self, tenant: &TenantId) -> Result<Vec<String>, Error> {
        check_tenant(tenant)?;
        self.inner.collections(tenant).await
    }
}
