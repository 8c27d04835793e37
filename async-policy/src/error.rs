//! The crate's error type.

use crate::Decision;

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
    /// The access was allowed but could not be written to the audit log, so the data was
    /// not released.
    #[error("access not released because the audit log could not record it: {reason}")]
    AuditWriteFailed {
        /// Why the write failed.
        reason: String,
    },
    /// The audit log's hash chain does not verify.
    #[error("audit log entry {sequence} does not verify: {reason}")]
    AuditTampered {
        /// The first entry that does not verify.
        sequence: u64,
        /// What is wrong with it.
        reason: String,
    },
}

impl Error {
    /// Returns whether the error is a policy denial.
    pub fn is_denied(&self) -> bool {
        matches!(self, Error::Denied { .. })
    }

    /// The decision behind a denial.
    pub fn decision(&self) -> Option<&Decision> {
        match self {
            Error::Denied { decision } => Some(decision),
            _ => None,
        }
    }
}
