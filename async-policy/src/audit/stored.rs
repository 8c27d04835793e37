//! The audit log persisted through an `EncryptedStore`, with signed checkpoints.

use async_core::ids::TenantId;
use async_core::secret::EncryptionKey;
use async_core::store::{EncryptedStore, KeyValueStore, Namespace};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use super::chain::{chain_hash, next_entry};
use super::{AuditEntry, AuditLog, AuditRecord, ChainHash, Checkpoint, Verified};
use crate::{Error, Tampering};

/// The collection that contains a tenant's audit entries.
pub const AUDIT_COLLECTION: &str = "policy-audit";

/// The collection that contains a tenant's audit checkpoints, in the checkpoint store.
pub const CHECKPOINT_COLLECTION: &str = "policy-audit-checkpoints";

/// Entries are keyed `e/` and a zero-padded sequence, so key order is chain order.
const ENTRY_PREFIX: &str = "e/";
/// The newest checkpoint's key in the checkpoint store.
const CHECKPOINT_KEY: &str = "head";
/// The head pointer's key beside the entries.
const HEAD_KEY: &str = "head";
/// Entries read per scan page by `verify`.
const PAGE: usize = 1024;

/// A pointer to the last entry, kept with the entries to find the head without a scan.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Head {
    sequence: u64,
    hash: ChainHash,
}

/// An audit log stored through an [`EncryptedStore`] on any [`KeyValueStore`].
///
/// Each entry is sealed with AES-256-GCM under its own key (`e/00000000000000000042`), so
/// an edited ciphertext or an entry moved to another slot fails to open. The chain catches
/// what someone holding the encryption key could still do: edit, drop, insert or reorder
/// entries. Checkpoints catch the rest: after every `interval` appends the log signs its
/// length and head hash with HMAC-SHA256 under a separate key and writes the checkpoint
/// to a second store `C`, so a cut-off tail, or a chain rewritten from scratch, no longer
/// matches the newest checkpoint.
///
/// Keep the checkpoint store and key apart from the entries: a person who can roll both
/// back to an older state together cannot be detected by the log alone.
///
/// One process appends to a tenant's log at a time; a second writer's append fails
/// instead of forking the chain, because entries are written with a conditional put.
#[derive(Debug)]
pub struct StoredAuditLog<S, C> {
    store: EncryptedStore<S>,
    checkpoints: C,
    tenant: TenantId,
    entries_at: Namespace,
    checkpoints_at: Namespace,
    key: EncryptionKey,
    interval: u64,
    head: Mutex<Option<Head>>,
}

impl<S: KeyValueStore, C: KeyValueStore> StoredAuditLog<S, C> {
    /// Opens the log of `tenant`, its entries in `store` and its checkpoints in
    /// `checkpoints`, signed with `checkpoint_key`. A checkpoint is taken after every append.
    ///
    /// Opening finds the last entry; it does not verify the log. Call
    /// [`AuditLog::verify`] for that.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditUnreadable`] when the stored head cannot be read.
    pub async fn open(
        store: EncryptedStore<S>,
        checkpoints: C,
        tenant: TenantId,
        checkpoint_key: EncryptionKey,
    ) -> Result<Self, Error> {
        let log = Self {
            entries_at: Namespace::new(tenant.clone(), AUDIT_COLLECTION),
            checkpoints_at: Namespace::new(tenant.clone(), CHECKPOINT_COLLECTION),
            store,
            checkpoints,
            tenant,
            key: checkpoint_key,
            interval: 1,
            head: Mutex::new(None),
        };
        let head = log.find_head().await?;
        *log.head.lock().await = head;
        Ok(log)
    }

    /// Takes a checkpoint after every `interval` appends instead of after each (at least 1).
    ///
    /// Entries appended after the newest checkpoint can be cut off without detection, so a
    /// larger interval trades that window for fewer writes.
    #[must_use]
    pub fn with_checkpoint_interval(mut self, interval: u64) -> Self {
        self.interval = interval.max(1);
        self
    }

    /// The store holding the entries.
    pub fn store(&self) -> &EncryptedStore<S> {
        &self.store
    }

    /// The store holding the checkpoints.
    pub fn checkpoint_store(&self) -> &C {
        &self.checkpoints
    }

    /// Signs and stores a checkpoint of the current head.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditWriteFailed`] when the checkpoint cannot be stored.
    pub async fn checkpoint(&self) -> Result<(), Error> {
        let head = *self.head.lock().await;
        self.write_checkpoint(head).await
    }

    /// Returns the newest stored checkpoint, if any, without checking its signature.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditUnreadable`] when it cannot be read or parsed.
    pub async fn latest_checkpoint(&self) -> Result<Option<Checkpoint>, Error> {
        let stored = self
            .checkpoints
            .get(&self.checkpoints_at, CHECKPOINT_KEY)
            .await
            .map_err(unreadable)?;
        stored
            .map(|stored| serde_json::from_slice(&stored.value).map_err(unreadable))
            .transpose()
    }

    async fn write_checkpoint(&self, head: Option<Head>) -> Result<(), Error> {
        let (entries, hash) = match head {
            Some(head) => (head.sequence + 1, head.hash),
            None => (0, ChainHash::GENESIS),
        };
        let checkpoint = Checkpoint::sign(&self.key, &self.tenant, entries, hash, Utc::now());
        let bytes = serde_json::to_vec(&checkpoint).map_err(write_failed)?;
        self.checkpoints
            .put(&self.checkpoints_at, CHECKPOINT_KEY, bytes)
            .await
            .map_err(write_failed)?;
        Ok(())
    }

    /// Reads the head pointer, then walks forward over entries written after it (an
    /// append that stopped between writing its entry and the pointer).
    async fn find_head(&self) -> Result<Option<Head>, Error> {
        let stored = self.store.get(&self.entries_at, HEAD_KEY).await;
        let mut head: Option<Head> = match stored.map_err(unreadable)? {
            Some(stored) => Some(serde_json::from_slice(&stored.value).map_err(unreadable)?),
            None => None,
        };
        loop {
            let next = head.map_or(0, |head| head.sequence + 1);
            let Some(entry) = self.read_entry(next).await? else {
                return Ok(head);
            };
            head = Some(Head {
                sequence: entry.sequence,
                hash: entry.hash,
            });
        }
    }

    async fn read_entry(&self, sequence: u64) -> Result<Option<AuditEntry>, Error> {
        let stored = self.store.get(&self.entries_at, &entry_key(sequence)).await;
        match stored.map_err(unreadable)? {
            Some(stored) => Ok(Some(
                serde_json::from_slice(&stored.value).map_err(unreadable)?,
            )),
            None => Ok(None),
        }
    }

    /// Reads every entry in order, checking each against its key as it goes.
    async fn scan(
        &self,
        mut visit: impl FnMut(u64, AuditEntry) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        let mut cursor: Option<String> = None;
        let mut position = 0u64;
        loop {
            let page = self
                .store
                .scan_prefix(&self.entries_at, ENTRY_PREFIX, cursor.as_deref(), PAGE)
                .await
                .map_err(|_| Error::AuditTampered {
                    sequence: position,
                    problem: Tampering::Unreadable,
                })?;
            for (key, stored) in page.entries {
                let entry: AuditEntry =
                    serde_json::from_slice(&stored.value).map_err(|_| Error::AuditTampered {
                        sequence: position,
                        problem: Tampering::Unreadable,
                    })?;
                if key != entry_key(entry.sequence) {
                    return Err(Error::AuditTampered {
                        sequence: position,
                        problem: Tampering::OutOfSequence {
                            found: entry.sequence,
                        },
                    });
                }
                visit(position, entry)?;
                position += 1;
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(position),
            }
        }
    }

    async fn verified_checkpoint(&self) -> Result<Option<Checkpoint>, Error> {
        let Some(checkpoint) = self.latest_checkpoint().await? else {
            return Ok(None);
        };
        if !checkpoint.is_signed_by(&self.key, &self.tenant) {
            return Err(Error::AuditTampered {
                sequence: checkpoint.entries,
                problem: Tampering::CheckpointForged,
            });
        }
        Ok(Some(checkpoint))
    }
}

impl<S: KeyValueStore, C: KeyValueStore> AuditLog for StoredAuditLog<S, C> {
    async fn append(&self, record: AuditRecord) -> Result<AuditEntry, Error> {
        let mut head = self.head.lock().await;
        let entry = next_entry(head.map(|head| (head.sequence, head.hash)), record);
        let bytes = serde_json::to_vec(&entry).map_err(write_failed)?;
        self.store
            .put_if_version(&self.entries_at, &entry_key(entry.sequence), bytes, None)
            .await
            .map_err(write_failed)?;

        let new_head = Head {
            sequence: entry.sequence,
            hash: entry.hash,
        };
        let pointer = serde_json::to_vec(&new_head).map_err(write_failed)?;
        self.store
            .put(&self.entries_at, HEAD_KEY, pointer)
            .await
            .map_err(write_failed)?;
        *head = Some(new_head);
        if (entry.sequence + 1).is_multiple_of(self.interval) {
            self.write_checkpoint(*head).await?;
        }
        Ok(entry)
    }

    async fn entries(&self) -> Result<Vec<AuditEntry>, Error> {
        let mut entries = Vec::new();
        self.scan(|_, entry| {
            entries.push(entry);
            Ok(())
        })
        .await?;
        Ok(entries)
    }

    async fn verify(&self) -> Result<Verified, Error> {
        let checkpoint = self.verified_checkpoint().await?;
        let mut previous = ChainHash::GENESIS;
        let mut at_checkpoint = None;
        let wanted = checkpoint.as_ref().map(|checkpoint| checkpoint.entries);
        let count = self
            .scan(|position, entry| {
                check_link(position, &entry, &previous)?;
                previous = entry.hash;
                if Some(position + 1) == wanted {
                    at_checkpoint = Some(entry.hash);
                }
                Ok(())
            })
            .await?;

        if let Some(checkpoint) = &checkpoint {
            check_checkpoint(checkpoint, count, at_checkpoint)?;
        }
        Ok(Verified {
            entries: count,
            head: previous,
            checkpointed: checkpoint.map(|checkpoint| checkpoint.entries),
        })
    }
}

fn check_link(position: u64, entry: &AuditEntry, previous: &ChainHash) -> Result<(), Error> {
    let tampered = |problem| Error::AuditTampered {
        sequence: position,
        problem,
    };
    if entry.sequence != position {
        return Err(tampered(Tampering::OutOfSequence {
            found: entry.sequence,
        }));
    }
    if entry.previous_hash != *previous {
        return Err(tampered(Tampering::ChainBroken));
    }
    if chain_hash(entry.sequence, &entry.previous_hash, &entry.record) != entry.hash {
        return Err(tampered(Tampering::Edited));
    }
    Ok(())
}

fn check_checkpoint(
    checkpoint: &Checkpoint,
    count: u64,
    at_checkpoint: Option<ChainHash>,
) -> Result<(), Error> {
    if count < checkpoint.entries {
        return Err(Error::AuditTampered {
            sequence: count,
            problem: Tampering::Truncated {
                checkpointed: checkpoint.entries,
                found: count,
            },
        });
    }
    let head = at_checkpoint.unwrap_or(ChainHash::GENESIS);
    if head != checkpoint.head {
        return Err(Error::AuditTampered {
            sequence: checkpoint.entries.saturating_sub(1),
            problem: Tampering::HeadMismatch,
        });
    }
    Ok(())
}

fn entry_key(sequence: u64) -> String {
    format!("{ENTRY_PREFIX}{sequence:020}")
}

fn write_failed(error: impl std::fmt::Display) -> Error {
    Error::AuditWriteFailed {
        reason: error.to_string(),
    }
}

fn unreadable(error: impl std::fmt::Display) -> Error {
    Error::AuditUnreadable {
        reason: error.to_string(),
    }
}
