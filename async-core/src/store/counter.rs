//! The per-key seal counter that keeps random nonces within their safe bound.
//!
//! NIST SP 800-38D, section 8.3, allows at most 2^32 AES-GCM encryptions under one key
//! with random 96-bit nonces. Past that bound, two equal nonces become too likely, and one
//! repeated nonce leaks the XOR of two plaintexts and the authentication key. The counter
//! stops sealing at a lower bound, 2^31 by default, so a key is rotated long before.
//!
//! Counts are reserved in blocks. The store persists, per key id, the count up to which
//! seals have been reserved (`reserved_up_to`, a u64 big-endian) under
//! [`META_TENANT`]/[`COUNTER_COLLECTION`] with the key id in decimal as the key. A process
//! takes a block of [`SealLimits::DEFAULT_RESERVATION_BLOCK`] counts with one conditional
//! write, then seals that many values without writing the counter again. A restarted
//! process starts at the persisted value, so counts left in an unfinished block are
//! skipped, never reused; several processes sharing one store each take their own blocks.
//!
//! NOTE: the counter is stored unauthenticated next to the data, so restoring an older
//! backup, or anyone with write access to the backend, can move it back. It then
//! undercounts the seals made since; the gap between the 2^31 default and the 2^32 bound
//! absorbs moderate undercounts, not a counter reset over and over.

use std::collections::HashMap;

use tokio::sync::Mutex;

use super::{CryptoError, KeyValueStore, Namespace, StorageError, Version};
use crate::error::Error;
use crate::ids::TenantId;

/// The tenant id reserved for the store's own metadata; encrypted stores reject it.
pub const META_TENANT: &str = "_async_store";

/// The collection under [`META_TENANT`] that contains the seal counters.
pub const COUNTER_COLLECTION: &str = "seal_counters";

/// How often a reservation retries after another process reserved at the same time.
const MAX_RESERVATION_ATTEMPTS: usize = 16;

/// How many values one key may seal, and how many counts are reserved per write.
///
/// # Examples
///
/// ```
/// use async_core::store::SealLimits;
///
/// let limits = SealLimits::new(1_000)?.with_reservation_block(10);
/// assert_eq!(limits.max_seals_per_key(), 1_000);
/// assert!(SealLimits::new(1 << 40).is_err());
/// # Ok::<(), async_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealLimits {
    max_seals_per_key: u64,
    reservation_block: u64,
}

impl SealLimits {
    /// The default and largest number of seals per key: 2^31, half the 2^32 bound for
    /// random 96-bit nonces.
    pub const MAX_SEALS_PER_KEY: u64 = 1 << 31;

    /// The default number of counts reserved with one write of the counter.
    pub const DEFAULT_RESERVATION_BLOCK: u64 = 1024;

    /// Creates limits that stop each key after `max_seals_per_key` seals.
    ///
    /// # Errors
    ///
    /// Returns [`CryptoError::InvalidSealLimit`] when the limit is 0 or above
    /// [`SealLimits::MAX_SEALS_PER_KEY`].
    pub fn new(max_seals_per_key: u64) -> Result<Self, Error> {
        if max_seals_per_key == 0 || max_seals_per_key > Self::MAX_SEALS_PER_KEY {
            return Err(Error::Crypto(CryptoError::InvalidSealLimit {
                requested: max_seals_per_key,
                maximum: Self::MAX_SEALS_PER_KEY,
            }));
        }
        Ok(Self {
            max_seals_per_key,
            reservation_block: Self::DEFAULT_RESERVATION_BLOCK,
        })
    }

    /// Sets how many counts one counter write reserves; 0 is raised to 1.
    ///
    /// A larger block means fewer writes and more counts skipped when a process exits.
    #[must_use]
    pub fn with_reservation_block(mut self, block: u64) -> Self {
        self.reservation_block = block.max(1);
        self
    }

    /// The number of values one key may seal.
    pub fn max_seals_per_key(&self) -> u64 {
        self.max_seals_per_key
    }

    /// The number of counts reserved per counter write.
    pub fn reservation_block(&self) -> u64 {
        self.reservation_block
    }
}

impl Default for SealLimits {
    fn default() -> Self {
        Self {
            max_seals_per_key: Self::MAX_SEALS_PER_KEY,
            reservation_block: Self::DEFAULT_RESERVATION_BLOCK,
        }
    }
}

/// The counts a process has reserved for one key and not yet used.
#[derive(Debug, Default)]
struct Window {
    next: u64,
    end: u64,
}

/// Hands out seal counts per key id, reserving them from the store in blocks.
#[derive(Debug)]
pub(crate) struct SealCounter {
    limits: SealLimits,
    windows: Mutex<HashMap<u32, Window>>,
}

impl SealCounter {
    pub(crate) fn new(limits: SealLimits) -> Self {
        Self {
            limits,
            windows: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn limits(&self) -> SealLimits {
        self.limits
    }

    /// Takes one count for `key_id`, reserving a new block from `store` when needed.
    ///
    /// The lock is a Tokio mutex, held across the reservation so that two tasks never
    /// reserve for the same window at once.
    pub(crate) async fn acquire(
        &self,
        store: &(impl KeyValueStore + ?Sized),
        key_id: u32,
    ) -> Result<u64, Error> {
        let mut windows = self.windows.lock().await;
        let window = windows.entry(key_id).or_default();

        if window.next >= window.end {
            let (start, end) = reserve(store, key_id, self.limits).await?;
            *window = Window { next: start, end };
        }

        let count = window.next;
        window.next += 1;
        Ok(count)
    }
}

/// The namespace holding seal counters.
pub(crate) fn counter_namespace() -> Namespace {
    Namespace::new(TenantId::new(META_TENANT), COUNTER_COLLECTION)
}

/// Reads the persisted `reserved_up_to` of `key_id` and its version; 0 when absent.
pub(crate) async fn read_reserved(
    store: &(impl KeyValueStore + ?Sized),
    key_id: u32,
) -> Result<(u64, Option<Version>), Error> {
    let key = key_id.to_string();
    let Some(stored) = store.get(&counter_namespace(), &key).await? else {
        return Ok((0, None));
    };

    let bytes: [u8; 8] = stored.value.as_slice().try_into().map_err(|_| {
        Error::Storage(StorageError::CorruptMetadata {
            key: format!("{COUNTER_COLLECTION}/{key}"),
            reason: "a seal counter must be 8 bytes",
        })
    })?;
    Ok((u64::from_be_bytes(bytes), Some(stored.version)))
}

/// Reserves the next block of counts for `key_id` and returns its range.
async fn reserve(
    store: &(impl KeyValueStore + ?Sized),
    key_id: u32,
    limits: SealLimits,
) -> Result<(u64, u64), Error> {
    let namespace = counter_namespace();
    let key = key_id.to_string();
    let mut attempt = 0;

    loop {
        let (start, version) = read_reserved(store, key_id).await?;
        if start >= limits.max_seals_per_key {
            return Err(Error::Crypto(CryptoError::KeyExhausted {
                key_id,
                limit: limits.max_seals_per_key,
            }));
        }

        let end = start
            .saturating_add(limits.reservation_block)
            .min(limits.max_seals_per_key);
        let written = store
            .put_if_version(&namespace, &key, end.to_be_bytes().to_vec(), version)
            .await;

        attempt += 1;
        match written {
            Ok(_) => return Ok((start, end)),
            // Another process reserved a block in between: read its value and try again.
            Err(Error::Storage(error))
                if error.is_version_conflict() && attempt < MAX_RESERVATION_ATTEMPTS => {}
            Err(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[tokio::test]
    async fn counts_are_sequential_within_blocks() {
        let store = MemoryStore::new();
        let counter = SealCounter::new(
            SealLimits::new(100)
                .expect("valid")
                .with_reservation_block(3),
        );

        let mut counts = Vec::new();
        for _ in 0..7 {
            counts.push(counter.acquire(&store, 1).await.expect("within limit"));
        }

        assert_eq!(counts, [0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(read_reserved(&store, 1).await.expect("readable").0, 9);
    }

    #[tokio::test]
    async fn restart_skips_unused_counts() {
        let store = MemoryStore::new();
        let limits = SealLimits::new(100)
            .expect("valid")
            .with_reservation_block(10);
        let first = SealCounter::new(limits);
        first.acquire(&store, 1).await.expect("within limit");

        let restarted = SealCounter::new(limits);
        let count = restarted.acquire(&store, 1).await.expect("within limit");

        assert_eq!(count, 10);
        assert_eq!(read_reserved(&store, 1).await.expect("readable").0, 20);
    }

    #[tokio::test]
    async fn keys_count_separately() {
        let store = MemoryStore::new();
        let counter = SealCounter::new(SealLimits::new(2).expect("valid"));

        counter.acquire(&store, 1).await.expect("first");
        counter.acquire(&store, 1).await.expect("second");

        assert!(counter.acquire(&store, 1).await.is_err());
        assert_eq!(counter.acquire(&store, 2).await.expect("other key"), 0);
    }

    #[tokio::test]
    async fn corrupt_counter_is_reported() {
        let store = MemoryStore::new();
        store
            .put(&counter_namespace(), "1", vec![1, 2, 3])
            .await
            .expect("written");

        let error = read_reserved(&store, 1).await.expect_err("corrupt");

        assert!(matches!(
            error,
            Error::Storage(StorageError::CorruptMetadata { .. })
        ));
    }

    #[test]
    fn limits_reject_zero_and_above_maximum() {
        assert!(SealLimits::new(0).is_err());
        assert!(SealLimits::new(SealLimits::MAX_SEALS_PER_KEY + 1).is_err());
        assert!(SealLimits::new(SealLimits::MAX_SEALS_PER_KEY).is_ok());
        assert_eq!(SealLimits::default().max_seals_per_key(), 1 << 31);
    }
}
