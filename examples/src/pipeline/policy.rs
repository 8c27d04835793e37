//! The privacy policy of the job: stored settings, a stored audit log, and the guard.

use async_core::identity::IdentityMap;
use async_core::ids::TenantId;
use async_core::secret::EncryptionKey;
use async_core::store::{EncryptedStore, MemoryStore, SqliteStore};
use async_policy::{
    Guard, PolicyEngine, RulesEngine, StoredAuditLog, VisibilitySettings, VisibilityStore,
};

use super::{JobError, organization_of};

/// The job's guard: the native engine, the audit log and settings history in the store.
pub type PolicyGuard =
    Guard<RulesEngine, StoredAuditLog<SqliteStore, MemoryStore>, VisibilityStore<SqliteStore>>;

/// The opened policy, and how many settings of the file changed the stored ones.
#[derive(Debug)]
pub struct PolicySetup {
    /// The guard every decision goes through.
    pub guard: PolicyGuard,
    /// Settings from the file that differed from the stored ones and were applied.
    pub changed: usize,
}

/// Opens the policy of `tenant` in `sealed`: loads the stored settings, builds the engine
/// over the resolved teams, then applies each setting of `wanted` that differs from the
/// stored one as an audited change by its owner.
///
/// The audit log's checkpoints are signed with a key generated for this run and kept in
/// memory, so they protect this run's entries.
///
/// # Errors
///
/// Returns [`JobError::Policy`] when the stored settings or the audit log cannot be read,
/// or a change cannot be stored.
pub async fn open_policy(
    sealed: EncryptedStore<SqliteStore>,
    tenant: TenantId,
    identity: &IdentityMap,
    wanted: &VisibilitySettings,
) -> Result<PolicySetup, JobError> {
    let settings = VisibilityStore::open(sealed.clone(), tenant.clone()).await?;
    let engine = RulesEngine::new(organization_of(identity), settings.load().await?);
    // NOTE: a service keeps checkpoints in a separate durable store under a managed key;
    // this run keeps them in memory, so they cover no run but this one.
    let log = StoredAuditLog::open(
        sealed,
        MemoryStore::new(),
        tenant,
        EncryptionKey::generate(),
    )
    .await?;
    let guard = Guard::new(engine, log).with_settings_history(settings);

    let mut changed = 0;
    for (person, category, visibility) in wanted.overrides() {
        // People outside every team have no data the engine decides about.
        match guard.engine().visibility(person, category) {
            None => continue,
            Some(current) if current == visibility => continue,
            Some(_) => {}
        }
        guard
            .change_visibility(person, person, category, visibility)
            .await?;
        changed += 1;
    }
    Ok(PolicySetup { guard, changed })
}
