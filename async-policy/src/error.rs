//! The crate's error type.

use std::fmt;

use async_core::ids::PersonId;

use crate::Decision;
use crate::request::Scope;

/// Everything the policy layer can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The policy denied the access.
    #[error("{decision}")]
    Denied {
        /// The denying decision, with its rule and reason.
        decision: Decision,
    },
    /// The value handed to the guard belongs to another scope than the request names, so
    /// nothing was decided, audited or released.
    #[error(
        "the value belongs to {value} but access was requested for {requested}; request access for the value's own subject"
    )]
    AttributionMismatch {
        /// The scope the request named.
        requested: Scope,
        /// The scope the value names as its own.
        value: Scope,
    },
    /// The access was allowed but could not be written to the audit log, so the data was
    /// not released.
    #[error("access not released because the audit log could not record it: {reason}")]
    AuditWriteFailed {
        /// Why the write failed.
        reason: String,
    },
    /// The audit log could not be read.
    #[error("the audit log could not be read: {reason}")]
    AuditUnreadable {
        /// Why.
        reason: String,
    },
    /// The audit log does not verify.
    #[error("audit log entry {sequence} does not verify: {problem}")]
    AuditTampered {
        /// The position of the first entry that does not verify.
        sequence: u64,
        /// What is wrong with it.
        problem: Tampering,
    },
    /// A person the organisation does not know.
    #[error("`{person}` is not known to the organisation; add them to a team first")]
    UnknownPerson {
        /// The person.
        person: PersonId,
    },
    /// A data category this version does not know.
    #[error(
        "unknown data category `{category}`; expected one of work, code, chat, chat_metrics, meeting_metrics, docs"
    )]
    UnknownCategory {
        /// The text that was given.
        category: String,
    },
    /// A visibility setting this version does not know.
    #[error("unknown visibility `{visibility}`; expected only_me, managers or team")]
    UnknownVisibility {
        /// The text that was given.
        visibility: String,
    },
    /// A person tried to change a setting that is not theirs.
    #[error("{actor} may not change the settings of {person}; only a person changes their own")]
    NotOwnSetting {
        /// Who tried.
        actor: PersonId,
        /// Whose setting.
        person: PersonId,
    },
    /// A visibility change could not be stored.
    #[error("the visibility change could not be stored: {reason}")]
    SettingsWriteFailed {
        /// Why.
        reason: String,
    },
    /// Stored visibility settings could not be read.
    #[error("stored visibility settings could not be read: {reason}")]
    SettingsUnreadable {
        /// Why.
        reason: String,
    },
    /// The organisation's configuration is inconsistent.
    #[error("invalid organisation: {problem}")]
    InvalidOrganization {
        /// What is wrong.
        problem: String,
    },
    /// Cedar policies, schema or entities are not valid.
    #[error("invalid Cedar policy configuration: {problem}")]
    InvalidPolicy {
        /// What is wrong, with Cedar's own message.
        problem: String,
    },
}

impl Error {
    /// Returns whether the error is a policy denial.
    pub fn is_denied(&self) -> bool {
        matches!(self, Error::Denied { .. })
    }

    /// Returns whether the value given to the guard belongs to another scope than the
    /// request.
    pub fn is_attribution_mismatch(&self) -> bool {
        matches!(self, Error::AttributionMismatch { .. })
    }

    /// Returns whether the error reports a tampered audit log.
    pub fn is_tampered(&self) -> bool {
        matches!(self, Error::AuditTampered { .. })
    }

    /// The decision behind a denial.
    pub fn decision(&self) -> Option<&Decision> {
        match self {
            Error::Denied { decision } => Some(decision),
            _ => None,
        }
    }

    /// What is wrong with a tampered audit log.
    pub fn tampering(&self) -> Option<&Tampering> {
        match self {
            Error::AuditTampered { problem, .. } => Some(problem),
            _ => None,
        }
    }
}

/// How an audit log failed verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tampering {
    /// An entry's contents do not match its hash: it was edited.
    Edited,
    /// An entry sits at the wrong position: one was dropped, inserted or moved.
    OutOfSequence {
        /// The sequence number the entry claims.
        found: u64,
    },
    /// An entry does not link to the one before it.
    ChainBroken,
    /// A stored entry could not be opened or parsed: its ciphertext was altered or moved.
    Unreadable,
    /// The log contains fewer entries than its newest checkpoint covered: its tail was cut.
    Truncated {
        /// Entries the checkpoint covered.
        checkpointed: u64,
        /// Entries found.
        found: u64,
    },
    /// The entry at the checkpoint's position is not the one the checkpoint signed: the
    /// chain was rewritten.
    HeadMismatch,
    /// The checkpoint's signature does not verify.
    CheckpointForged,
}

impl fmt::Display for Tampering {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tampering::Edited => f.write_str("its contents do not match its hash; it was edited"),
            Tampering::OutOfSequence { found } => write!(
                f,
                "it claims sequence {found}; an entry was dropped, inserted or moved"
            ),
            Tampering::ChainBroken => f.write_str("it does not link to the entry before it"),
            Tampering::Unreadable => {
                f.write_str("it cannot be opened; its stored bytes were altered or moved")
            }
            Tampering::Truncated {
                checkpointed,
                found,
            } => write!(
                f,
                "the newest checkpoint covers {checkpointed} entries but only {found} remain; the tail was cut off"
            ),
            Tampering::HeadMismatch => {
                f.write_str("it is not the entry the checkpoint signed; the chain was rewritten")
            }
            Tampering::CheckpointForged => {
                f.write_str("the checkpoint's signature does not verify")
            }
        }
    }
}
