//! Values that passed the policy.

use async_core::ids::PersonId;

use crate::{DataCategory, Purpose};

/// A value the policy allowed one viewer to see for one purpose.
///
/// There is no public constructor: the only way to obtain one is a guard's decision that
/// allowed the access. Code that needs policy-approved data (prompt builders, exports)
/// takes `Authorized<T>`, so unapproved data cannot reach it by mistake.
#[derive(Debug, Clone)]
pub struct Authorized<T> {
    value: T,
    viewer: PersonId,
    category: DataCategory,
    purpose: Purpose,
}

impl<T> Authorized<T> {
    #[expect(dead_code, reason = "the guard that calls it lands with the engine")]
    pub(crate) fn new(
        value: T,
        viewer: PersonId,
        category: DataCategory,
        purpose: Purpose,
    ) -> Self {
        Self {
            value,
            viewer,
            category,
            purpose,
        }
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
        &self.viewer
    }

    /// The category of data the value belongs to.
    pub fn category(&self) -> DataCategory {
        self.category
    }

    /// The purpose the value was approved for.
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// Derives another value from the approved one, keeping the approval.
    ///
    /// Anything computed from approved data alone may be shown to the same viewer for the
    /// same purpose.
    pub fn map<U>(self, derive: impl FnOnce(T) -> U) -> Authorized<U> {
        Authorized {
            value: derive(self.value),
            viewer: self.viewer,
            category: self.category,
            purpose: self.purpose,
        }
    }
}
