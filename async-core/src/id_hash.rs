//! Hash maps and sets keyed by provider-assigned ids.
//!
//! Identity resolution and insights look up the person behind every account reference
//! of every record, so hashing an account key is one of the pipeline's hottest steps.
//! The standard library's SipHash guards against keys chosen to collide. Account ids are
//! assigned by the providers (GitHub, Slack, Jira), not chosen by the people who own
//! them, so these maps use `foldhash`, which is faster and still seeded at random per
//! process. Keys a person can choose freely, such as commit e-mail addresses, stay in
//! maps with the standard hasher.

use std::collections::{HashMap, HashSet};

/// The hasher of [`IdMap`] and [`IdSet`].
pub(crate) type IdHasher = foldhash::fast::RandomState;

/// A hash map keyed by provider-assigned ids.
pub(crate) type IdMap<K, V> = HashMap<K, V, IdHasher>;

/// A hash set of provider-assigned ids.
pub(crate) type IdSet<K> = HashSet<K, IdHasher>;
