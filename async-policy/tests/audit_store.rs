//! The stored audit log: persistence, and tampering with the stored bytes in every way.

use std::sync::Arc;

use async_core::ids::{PersonId, TenantId};
use async_core::secret::EncryptionKey;
use async_core::store::{EncryptedStore, KeyValueStore, Keyring, MemoryStore, Namespace};
use async_policy::{
    AUDIT_COLLECTION, AccessEvent, AuditEvent, AuditLog, AuditRecord, DataCategory, Effect,
    Purpose, RuleId, Scope, StoredAuditLog, Tampering,
};
use chrono::{TimeDelta, TimeZone, Utc};

type Log = StoredAuditLog<Arc<MemoryStore>, Arc<MemoryStore>>;

const ENTRIES: u64 = 6;

struct Fixture {
    entries: Arc<MemoryStore>,
    checkpoints: Arc<MemoryStore>,
    keyring: Keyring,
    checkpoint_key: String,
}

fn tenant() -> TenantId {
    TenantId::new("acme")
}

fn namespace() -> Namespace {
    Namespace::new(tenant(), AUDIT_COLLECTION)
}

fn key(sequence: u64) -> String {
    format!("e/{sequence:020}")
}

fn record(index: u64) -> AuditRecord {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 26, 9, 0, 0)
        .single()
        .expect("time")
        + TimeDelta::seconds(i64::try_from(index).expect("small"));
    let viewer = if index.is_multiple_of(2) {
        "lee"
    } else {
        "morgan"
    };
    AuditRecord {
        at,
        event: AuditEvent::Access(AccessEvent {
            viewer: PersonId::new(viewer),
            scope: Scope::Individual(PersonId::new("dana")),
            category: DataCategory::Work,
            purpose: Purpose::Standup,
            effect: Effect::Allow,
            rule: RuleId::OthersIndividual,
        }),
    }
}

impl Fixture {
    async fn new() -> Self {
        let checkpoint_key = EncryptionKey::generate();
        let fixture = Self {
            entries: Arc::new(MemoryStore::new()),
            checkpoints: Arc::new(MemoryStore::new()),
            keyring: Keyring::generate(),
            checkpoint_key: checkpoint_key_text(&checkpoint_key),
        };
        let log = fixture.open().await;
        for index in 0..ENTRIES {
            log.append(record(index)).await.expect("stored");
        }
        fixture
    }

    fn encrypted(&self) -> EncryptedStore<Arc<MemoryStore>> {
        EncryptedStore::new(self.entries.clone(), self.keyring.clone())
    }

    async fn open(&self) -> Log {
        let key = EncryptionKey::from_base64(&self.checkpoint_key).expect("key");
        StoredAuditLog::open(self.encrypted(), self.checkpoints.clone(), tenant(), key)
            .await
            .expect("opens")
    }

    /// Rewrites the entries as someone holding the encryption key (but not the
    /// checkpoint key) could: read all, change them with `edit`, store them back.
    async fn rewrite(&self, edit: impl FnOnce(&mut Vec<serde_json::Value>)) {
        let store = self.encrypted();
        let mut values = Vec::new();
        for sequence in 0..ENTRIES {
            let stored = store.get(&namespace(), &key(sequence)).await.expect("get");
            let bytes = stored.expect("present").value;
            values.push(serde_json::from_slice(&bytes).expect("json"));
            store
                .delete(&namespace(), &key(sequence))
                .await
                .expect("delete");
        }
        edit(&mut values);
        for (position, value) in values.iter().enumerate() {
            let bytes = serde_json::to_vec(value).expect("json");
            store
                .put(&namespace(), &key(position as u64), bytes)
                .await
                .expect("put");
        }
    }

    async fn problem(&self) -> Tampering {
        let error = self
            .open()
            .await
            .verify()
            .await
            .expect_err("tampering detected");
        *error
            .tampering()
            .unwrap_or_else(|| panic!("not a tampering error: {error}"))
    }
}

fn checkpoint_key_text(key: &EncryptionKey) -> String {
    use async_core::secret::ExposeSecret;
    key.to_base64().expose_secret().to_owned()
}

#[tokio::test]
async fn an_intact_log_verifies_and_reopens_at_its_head() {
    let fixture = Fixture::new().await;
    let log = fixture.open().await;

    let verified = log.verify().await.expect("intact");
    log.append(record(ENTRIES))
        .await
        .expect("appends after reopening");

    assert_eq!(verified.entries, ENTRIES);
    assert_eq!(verified.checkpointed, Some(ENTRIES));
    assert_eq!(log.verify().await.expect("intact").entries, ENTRIES + 1);
    let about = log
        .entries_about(&PersonId::new("dana"))
        .await
        .expect("readable");
    assert_eq!(about.len() as u64, ENTRIES + 1);
}

#[tokio::test]
async fn entries_are_sealed_at_rest() {
    let fixture = Fixture::new().await;

    let raw = fixture
        .entries
        .get(&namespace(), &key(0))
        .await
        .expect("get");
    let raw = raw.expect("present").value;

    let text = String::from_utf8_lossy(&raw);
    assert!(!text.contains("morgan") && !text.contains("lee") && !text.contains("dana"));
}

#[tokio::test]
async fn an_edited_ciphertext_is_detected() {
    let fixture = Fixture::new().await;
    let mut raw = fixture
        .entries
        .get(&namespace(), &key(2))
        .await
        .expect("get")
        .expect("present");
    let last = raw.value.len() - 1;
    raw.value[last] ^= 1;
    fixture
        .entries
        .put(&namespace(), &key(2), raw.value)
        .await
        .expect("put");

    assert_eq!(fixture.problem().await, Tampering::Unreadable);
}

#[tokio::test]
async fn an_edited_entry_is_detected() {
    let fixture = Fixture::new().await;
    fixture
        .rewrite(|values| {
            values[3]["record"]["event"]["access"]["viewer"] = "someone-else".into();
        })
        .await;

    assert_eq!(fixture.problem().await, Tampering::Edited);
}

#[tokio::test]
async fn a_dropped_entry_is_detected() {
    let fixture = Fixture::new().await;
    fixture
        .encrypted()
        .delete(&namespace(), &key(2))
        .await
        .expect("delete");

    assert!(matches!(
        fixture.problem().await,
        Tampering::OutOfSequence { found: 3 }
    ));
}

#[tokio::test]
async fn reordered_entries_are_detected() {
    let fixture = Fixture::new().await;
    fixture.rewrite(|values| values.swap(1, 4)).await;

    assert!(matches!(
        fixture.problem().await,
        Tampering::OutOfSequence { .. }
    ));
}

#[tokio::test]
async fn an_inserted_entry_is_detected() {
    let fixture = Fixture::new().await;
    fixture
        .rewrite(|values| {
            let mut forged = values[2].clone();
            forged["record"]["event"]["access"]["viewer"] = "intruder".into();
            values.insert(3, forged);
            values.pop();
        })
        .await;

    assert!(matches!(
        fixture.problem().await,
        Tampering::OutOfSequence { .. } | Tampering::ChainBroken | Tampering::Edited
    ));
}

#[tokio::test]
async fn a_truncated_tail_is_detected_by_the_checkpoint() {
    let fixture = Fixture::new().await;
    let store = fixture.encrypted();
    store
        .delete(&namespace(), &key(ENTRIES - 1))
        .await
        .expect("delete");
    store
        .delete(&namespace(), &key(ENTRIES - 2))
        .await
        .expect("delete");
    store.delete(&namespace(), "head").await.expect("delete");

    assert_eq!(
        fixture.problem().await,
        Tampering::Truncated {
            checkpointed: ENTRIES,
            found: ENTRIES - 2
        }
    );
}

#[tokio::test]
async fn a_chain_rewritten_with_fresh_hashes_fails_the_checkpoint() {
    let fixture = Fixture::new().await;
    // Rebuild the whole chain with one entry removed, hashes and all, as an attacker with
    // the encryption key and the source code could; only the checkpoint key is missing.
    let forged = async_policy::MemoryAuditLog::new();
    for index in (0..ENTRIES).filter(|index| *index != 2) {
        forged.append(record(index)).await.expect("memory");
    }
    let forged_entries = forged.entries().await.expect("memory");
    let store = fixture.encrypted();
    for sequence in 0..ENTRIES {
        store
            .delete(&namespace(), &key(sequence))
            .await
            .expect("delete");
    }
    for entry in &forged_entries {
        let bytes = serde_json::to_vec(entry).expect("json");
        store
            .put(&namespace(), &key(entry.sequence), bytes)
            .await
            .expect("put");
    }

    assert!(matches!(
        fixture.problem().await,
        Tampering::Truncated { .. } | Tampering::HeadMismatch
    ));
}

#[tokio::test]
async fn a_forged_checkpoint_is_detected() {
    let fixture = Fixture::new().await;
    let at = Namespace::new(tenant(), async_policy::CHECKPOINT_COLLECTION);
    let stored = fixture
        .checkpoints
        .get(&at, "head")
        .await
        .expect("get")
        .expect("present");
    let mut checkpoint: serde_json::Value = serde_json::from_slice(&stored.value).expect("json");
    checkpoint["entries"] = 2.into();
    let bytes = serde_json::to_vec(&checkpoint).expect("json");
    fixture
        .checkpoints
        .put(&at, "head", bytes)
        .await
        .expect("put");

    assert_eq!(fixture.problem().await, Tampering::CheckpointForged);
}

#[tokio::test]
async fn a_failed_entry_write_is_reported() {
    // Two writers opened at the same head: the entry key already exists for the second,
    // so its conditional put fails instead of forking the chain.
    let fixture = Fixture::new().await;
    let first = fixture.open().await;
    let second = fixture.open().await;

    first.append(record(ENTRIES)).await.expect("first writer");
    let error = second
        .append(record(ENTRIES))
        .await
        .expect_err("second writer");

    assert!(
        matches!(error, async_policy::Error::AuditWriteFailed { .. }),
        "{error}"
    );
}
