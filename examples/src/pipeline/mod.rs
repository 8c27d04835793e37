//! The standup job, step by step: collect, store, resolve, compute, authorize, write.
//!
//! The `standup` binary is a thin command-line shell around these functions, so that the
//! integration tests and the benchmarks run exactly what a user runs.
//!
//! 1. [`sources`] builds the GitHub, Slack and Jira connectors, pointed at the demo
//!    sandbox or, with `--live`, at the real providers.
//! 2. [`sync()`] collects every source for the window and stores the records sealed in an
//!    [`EncryptedStore`](async_core::store::EncryptedStore) over SQLite ([`store`]).
//! 3. The records are read back from the store, identities are resolved and the standup
//!    insights are computed for `now`.
//! 4. [`policy`] opens the privacy policy: visibility settings and the audit log kept in
//!    the same encrypted store, the settings file applied as audited changes. Then
//!    [`authorize`] requests the policy guard's decision, for the viewer, on each part of
//!    each person's facts, and builds the standup facts from what it approved.
//! 5. A language model writes the standup from those facts.

pub mod authorize;
mod error;
pub mod policy;
pub mod settings;
pub mod sources;
pub mod store;
pub mod sync;

pub use authorize::{Withheld, authorize_standup, organization_of};
pub use error::JobError;
pub use policy::{PolicySetup, open_policy};
pub use settings::load_visibility;
pub use sources::{LiveConfig, Sources};
pub use store::{KeySource, Stores, open_records, open_stores};
pub use sync::{SyncProgress, SyncSummary, sync};
