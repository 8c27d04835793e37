//! An audit log kept in memory.

use std::sync::{Mutex, PoisonError};

use super::chain::next_entry;
use super::{AuditEntry, AuditLog, AuditRecord};
use crate::Error;

/// An audit log kept in memory: for tests, benchmarks, and services that export entries
/// elsewhere. Appending costs one SHA-256 and a push.
#[derive(Debug, Default)]
pub struct MemoryAuditLog {
    entries: Mutex<Vec<AuditEntry>>,
}

impl MemoryAuditLog {
    /// Creates an empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads a log from exported entries without checking them; call
    /// [`AuditLog::verify`] to check.
    pub fn from_entries(entries: Vec<AuditEntry>) -> Self {
        Self {
            entries: Mutex::new(entries),
        }
    }

    /// Appends without going through a future, for synchronous callers.
    ///
    /// # Errors
    ///
    /// Never fails today; the signature matches [`AuditLog::append`].
    pub fn append_now(&self, record: AuditRecord) -> Result<AuditEntry, Error> {
        // Appends hold the lock only for a push; a panic elsewhere cannot leave a
        // half-written entry, so a poisoned lock is still a consistent log.
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let last = entries.last().map(|last| (last.sequence, last.hash));
        let entry = next_entry(last, record);
        entries.push(entry.clone());
        Ok(entry)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Returns whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl AuditLog for MemoryAuditLog {
    async fn append(&self, record: AuditRecord) -> Result<AuditEntry, Error> {
        self.append_now(record)
    }

    async fn entries(&self) -> Result<Vec<AuditEntry>, Error> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(entries.clone())
    }
}
