//! The hash-chained audit log.
//!
//! Each entry's hash is `SHA-256("async-audit-v2" ‖ previous hash ‖ sequence ‖ canonical
//! record)`, where the canonical record is a fixed, length-prefixed byte layout (not
//! JSON, whose field order and escaping are not guaranteed stable). Changing, removing,
//! inserting or reordering an entry breaks the chain from that entry on.
//!
//! A chain alone cannot show that entries were cut off its end, and someone who can
//! rewrite the whole store can recompute every hash. Checkpoints close both gaps: a
//! checkpoint records the length and head hash of the log, signed with HMAC-SHA256 under
//! a key the store does not hold, and is kept in a separate store (see
//! [`StoredAuditLog`]).

mod chain;
mod checkpoint;
mod memory;
mod stored;

use std::future::Future;

use async_core::ids::PersonId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use chain::{ChainHash, verify_chain};
pub use checkpoint::Checkpoint;
pub use memory::MemoryAuditLog;
pub use stored::{AUDIT_COLLECTION, CHECKPOINT_COLLECTION, StoredAuditLog};

use crate::request::Scope;
use crate::{DataCategory, Effect, Error, Purpose, RuleId, Visibility};

/// One access decision: who asked for whose data, which category, why, and the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEvent {
    /// Who asked.
    pub viewer: PersonId,
    /// Whose data.
    pub scope: Scope,
    /// Which category.
    pub category: DataCategory,
    /// Why.
    pub purpose: Purpose,
    /// Allowed or denied.
    pub effect: Effect,
    /// The rule that decided.
    pub rule: RuleId,
}

/// A person changed who may see one category of their data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisibilityChange {
    /// Whose setting.
    pub person: PersonId,
    /// Which category.
    pub category: DataCategory,
    /// The setting before.
    pub from: Visibility,
    /// The setting after.
    pub to: Visibility,
}

/// What an audit record is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditEvent {
    /// A decision about an access.
    Access(AccessEvent),
    /// A change of a visibility setting.
    VisibilityChange(VisibilityChange),
}

/// What happened and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    pub event: AuditEvent,
}

impl AuditRecord {
    /// Returns whether the record concerns `person`'s data: an access to their individual
    /// data, or a change of their settings.
    pub fn is_about(&self, person: &PersonId) -> bool {
        match &self.event {
            AuditEvent::Access(access) => {
                matches!(&access.scope, Scope::Individual(subject) if subject == person)
            }
            AuditEvent::VisibilityChange(change) => change.person == *person,
        }
    }

    /// The access, when the record is one.
    pub fn access(&self) -> Option<&AccessEvent> {
        match &self.event {
            AuditEvent::Access(access) => Some(access),
            AuditEvent::VisibilityChange(_) => None,
        }
    }
}

/// A record with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The entry's position, starting at 0 with no gaps.
    pub sequence: u64,
    /// The record.
    pub record: AuditRecord,
    /// The previous entry's hash (all zeros for the first entry).
    pub previous_hash: ChainHash,
    /// This entry's hash.
    pub hash: ChainHash,
}

/// What [`AuditLog::verify`] checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// How many entries the chain holds.
    pub entries: u64,
    /// The hash of the last entry (all zeros for an empty log).
    pub head: ChainHash,
    /// How many entries the newest valid checkpoint covered, if one was found.
    pub checkpointed: Option<u64>,
}

/// An append-only, tamper-evident log of access decisions and settings changes.
pub trait AuditLog: Send + Sync {
    /// Appends a record and returns the chained entry once it is stored.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditWriteFailed`] when the record could not be stored; the caller
    /// must then not release the data the record is about.
    fn append(&self, record: AuditRecord)
    -> impl Future<Output = Result<AuditEntry, Error>> + Send;

    /// Returns every entry in order.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditUnreadable`] when stored entries cannot be read or opened.
    fn entries(&self) -> impl Future<Output = Result<Vec<AuditEntry>, Error>> + Send;

    /// Returns the entries about `subject`: accesses to their individual data and changes
    /// of their settings, so a person can see who accessed their data, when and why.
    ///
    /// # Errors
    ///
    /// As [`AuditLog::entries`].
    fn entries_about(
        &self,
        subject: &PersonId,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, Error>> + Send {
        async move {
            let entries = self.entries().await?;
            Ok(entries
                .into_iter()
                .filter(|entry| entry.record.is_about(subject))
                .collect())
        }
    }

    /// Checks the hash chain, and the checkpoints where the log keeps them.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditTampered`] naming the first entry that does not verify, or
    /// [`Error::AuditUnreadable`] when the log cannot be read.
    fn verify(&self) -> impl Future<Output = Result<Verified, Error>> + Send {
        async move {
            let entries = self.entries().await?;
            verify_chain(&entries)
        }
    }
}
