//! The chain's hash function and its verification.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::{AuditEntry, AuditEvent, AuditRecord, Verified};
use crate::request::Scope;
use crate::{Error, Tampering};

/// Domain separation for the chain's hash input.
const CHAIN_DOMAIN: &[u8] = b"async-audit-v2";

/// A SHA-256 hash in the chain; serialized as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    /// The hash before the first entry: all zeros.
    pub const GENESIS: ChainHash = ChainHash([0; 32]);

    /// Parses 64 hex digits.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditUnreadable`] when `text` is not 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, Error> {
        let bytes = text.as_bytes();
        let invalid = || Error::AuditUnreadable {
            reason: format!("`{text}` is not a 64-digit hex hash"),
        };
        if bytes.len() != 64 {
            return Err(invalid());
        }
        let mut hash = [0u8; 32];
        for (slot, pair) in hash.iter_mut().zip(bytes.chunks_exact(2)) {
            let high = hex_value(pair[0]).ok_or_else(invalid)?;
            let low = hex_value(pair[1]).ok_or_else(invalid)?;
            *slot = (high << 4) | low;
        }
        Ok(ChainHash(hash))
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({self})")
    }
}

impl Serialize for ChainHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ChainHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ChainHash::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// Computes the hash of the entry at `sequence` holding `record` after `previous`.
pub(crate) fn chain_hash(sequence: u64, previous: &ChainHash, record: &AuditRecord) -> ChainHash {
    let mut hasher = Sha256::new();
    hasher.update(CHAIN_DOMAIN);
    hasher.update(previous.0);
    hasher.update(sequence.to_be_bytes());
    // Seconds and nanoseconds as integers: exact, and no formatting on the append path.
    hasher.update(record.at.timestamp().to_be_bytes());
    hasher.update(record.at.timestamp_subsec_nanos().to_be_bytes());
    let mut field = |text: &str| {
        hasher.update((text.len() as u64).to_be_bytes());
        hasher.update(text.as_bytes());
    };
    match &record.event {
        AuditEvent::Access(access) => {
            let (kind, id) = match &access.scope {
                Scope::Individual(person) => ("individual", person.as_str()),
                Scope::TeamAggregate(team) => ("team", team.as_str()),
            };
            for text in [
                "access",
                access.viewer.as_str(),
                kind,
                id,
                access.category.key(),
                access.purpose.key(),
                access.effect.as_str(),
                access.rule.as_str(),
            ] {
                field(text);
            }
        }
        AuditEvent::VisibilityChange(change) => {
            for text in [
                "visibility",
                change.person.as_str(),
                change.category.key(),
                change.from.key(),
                change.to.key(),
            ] {
                field(text);
            }
        }
    }
    ChainHash(hasher.finalize().into())
}

/// Checks that exported `entries` form an unbroken chain from the genesis hash.
///
/// # Errors
///
/// Returns [`Error::AuditTampered`] naming the first entry that does not verify.
pub fn verify_chain(entries: &[AuditEntry]) -> Result<Verified, Error> {
    let mut previous = ChainHash::GENESIS;
    for (position, entry) in entries.iter().enumerate() {
        let tampered = |problem| Error::AuditTampered {
            sequence: position as u64,
            problem,
        };
        if entry.sequence != position as u64 {
            return Err(tampered(Tampering::OutOfSequence {
                found: entry.sequence,
            }));
        }
        if entry.previous_hash != previous {
            return Err(tampered(Tampering::ChainBroken));
        }
        if chain_hash(entry.sequence, &entry.previous_hash, &entry.record) != entry.hash {
            return Err(tampered(Tampering::Edited));
        }
        previous = entry.hash;
    }
    Ok(Verified {
        entries: entries.len() as u64,
        head: previous,
        checkpointed: None,
    })
}

/// Builds the entry that follows `last` (or starts the chain).
pub(crate) fn next_entry(last: Option<(u64, ChainHash)>, record: AuditRecord) -> AuditEntry {
    let (sequence, previous_hash) = match last {
        Some((sequence, hash)) => (sequence + 1, hash),
        None => (0, ChainHash::GENESIS),
    };
    let hash = chain_hash(sequence, &previous_hash, &record);
    AuditEntry {
        sequence,
        record,
        previous_hash,
        hash,
    }
}
