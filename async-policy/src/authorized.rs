//! Values that passed the policy.

use async_core::ids::PersonId;

use crate::request::{AccessRequest, Scope};
use crate::{DataCategory, Purpose, RuleId};

/// A value the policy allowed one viewer to see for one purpose.
///
/// ```compile_fail
/// // No constructor outside the crate: this does not compile.
/// let forged = async_policy::Authorized { value: 1 };
/// ```
///
/// There is no public constructor: the only way to obtain one is
/// [`Guard::authorize`](crate::Guard::authorize), after a decision that allowed the access
/// and, for another person's individual data, an audit record. Code that needs
/// policy-approved data (prompt builders, exports) takes `Authorized<T>`, so unapproved data
/// cannot reach it by mistake.
///
/// The value's own [`attribution`](crate::Attributed::attribution) equals
/// [`scope`](Self::scope): the guard rejects a value that names another subject than the
/// request. A caller who builds a value by hand and attributes another person's content
/// to the wrong person is outside what this crate can check.
#[derive(Debug, Clone)]
pub struct Authorized<T> {
    value: T,
    request: AccessRequest,
    rule: RuleId,
    audit_entry: Option<u64>,
}

impl<T> Authorized<T> {
    pub(crate) fn new(
        value: T,
        request: AccessRequest,
        rule: RuleId,
        audit_entry: Option<u64>,
    ) -> Self {
        Self {
            value,
            request,
            rule,
            audit_entry,
        }
    }

    /// The rule that allowed the access.
    pub fn rule(&self) -> &RuleId {
        &self.rule
    }

    /// The sequence number of the audit entry that recorded the access, when one was
    /// written (always for another person's individual data).
    pub fn audit_entry(&self) -> Option<u64> {
        self.audit_entry
    }

    /// Borrows the approved value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Unwraps the approved value, leaving the policy's protection behind.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The viewer the value was approved for.
    pub fn viewer(&self) -> &PersonId {
        &self.request.viewer
    }

    /// Whose data the value is.
    pub fn scope(&self) -> &Scope {
        &self.request.scope
    }

    /// The category of data the value belongs to.
    pub fn category(&self) -> DataCategory {
        self.request.category
    }

    /// The purpose the value was approved for.
    pub fn purpose(&self) -> Purpose {
        self.request.purpose
    }

    /// Borrows the approved value as an approved reference.
    pub fn as_ref(&self) -> Authorized<&T> {
        Authorized {
            value: &self.value,
            request: self.request.clone(),
            rule: self.rule.clone(),
            audit_entry: self.audit_entry,
        }
    }
}
