//! The hash-chained audit log.
//!
//! Each entry's hash is `SHA-256("async-audit-v1" ‖ previous hash ‖ canonical entry)`, where
//! the canonical entry is a fixed, length-prefixed byte layout (not JSON, whose field order
//! and escaping are not guaranteed stable). Changing, removing, inserting or reordering an
//! entry breaks the chain from that entry on.

use std::sync::Mutex;

use async_core::ids::PersonId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::request::Scope;
use crate::{DataCategory, Effect, Error, Purpose, RuleId};

/// Domain separation for the chain's hash input.
const CHAIN_DOMAIN: &[u8] = b"async-audit-v1";

/// What happened: one decision about one access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When the decision was made.
    pub at: DateTime<Utc>,
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

/// A record with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The entry's position, starting at 0 with no gaps.
    pub sequence: u64,
    /// The record.
    pub record: AuditRecord,
    /// The previous entry's hash, hex-encoded (64 zeros for the first entry).
    pub previous_hash: String,
    /// This entry's hash, hex-encoded.
    pub hash: String,
}

/// An append-only, tamper-evident log of access decisions.
pub trait AuditLog: Send + Sync {
    /// Appends a record and returns the chained entry.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditWriteFailed`] when the record could not be stored.
    fn append(&self, record: AuditRecord) -> Result<AuditEntry, Error>;

    /// Returns every entry in order.
    fn entries(&self) -> Vec<AuditEntry>;

    /// Returns the entries about `subject`'s individual data, so a person can see who
    /// accessed their data, when and why.
    fn entries_about(&self, subject: &PersonId) -> Vec<AuditEntry> {
        self.entries()
            .into_iter()
            .filter(|entry| matches!(&entry.record.scope, Scope::Individual(person) if person == subject))
            .collect()
    }

    /// Checks the hash chain.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditTampered`] naming the first entry that does not verify.
    fn verify(&self) -> Result<(), Error> {
        verify_chain(&self.entries())
    }
}

/// An audit log kept in memory.
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
}

impl AuditLog for MemoryAuditLog {
    fn append(&self, record: AuditRecord) -> Result<AuditEntry, Error> {
        let mut entries = self.entries.lock().map_err(|_| Error::AuditWriteFailed {
            reason: "the log's lock was poisoned by a panic in another thread".to_owned(),
        })?;
        let (sequence, previous_hash) = match entries.last() {
            Some(last) => (last.sequence + 1, last.hash.clone()),
            None => (0, genesis_hash()),
        };
        let hash = chain_hash(sequence, &previous_hash, &record);
        let entry = AuditEntry {
            sequence,
            record,
            previous_hash,
            hash,
        };
        entries.push(entry.clone());
        Ok(entry)
    }

    fn entries(&self) -> Vec<AuditEntry> {
        match self.entries.lock() {
            Ok(entries) => entries.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// Checks that exported `entries` form an unbroken chain from the genesis hash.
///
/// # Errors
///
/// Returns [`Error::AuditTampered`] naming the first entry that does not verify.
pub fn verify_chain(entries: &[AuditEntry]) -> Result<(), Error> {
    let mut previous = genesis_hash();
    for (position, entry) in entries.iter().enumerate() {
        let tampered = |reason: &str| Error::AuditTampered {
            sequence: entry.sequence,
            reason: reason.to_owned(),
        };
        if entry.sequence != position as u64 {
            return Err(tampered(
                "sequence number out of order; an entry was dropped, inserted or moved",
            ));
        }
        if entry.previous_hash != previous {
            return Err(tampered("previous hash does not match the entry before it"));
        }
        if chain_hash(entry.sequence, &entry.previous_hash, &entry.record) != entry.hash {
            return Err(tampered(
                "entry contents do not match its hash; it was edited",
            ));
        }
        previous = entry.hash.clone();
    }
    Ok(())
}

fn genesis_hash() -> String {
    "0".repeat(64)
}

fn chain_hash(sequence: u64, previous_hash: &str, record: &AuditRecord) -> String {
    let mut hasher = Sha256::new();
    hasher.update(CHAIN_DOMAIN);
    hasher.update(previous_hash.as_bytes());
    hasher.update(sequence.to_be_bytes());
    // The fields are hashed straight from the record, so an entry costs one allocation
    // (the timestamp) instead of one per field.
    let at = record
        .at
        .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    for field in canonical_fields(record, &at) {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex(&hasher.finalize())
}

/// The record's fields in their fixed hashing order, `at` being its formatted timestamp.
fn canonical_fields<'a>(record: &'a AuditRecord, at: &'a str) -> [&'a str; 8] {
    let (scope_kind, scope_id) = match &record.scope {
        Scope::Individual(person) => ("individual", person.as_str()),
        Scope::TeamAggregate(team) => ("team", team.as_str()),
    };
    let effect = match record.effect {
        Effect::Allow => "allow",
        Effect::Deny => "deny",
    };
    [
        at,
        record.viewer.as_str(),
        scope_kind,
        scope_id,
        record.category.as_str(),
        record.purpose.as_str(),
        effect,
        record.rule.as_str(),
    ]
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}
