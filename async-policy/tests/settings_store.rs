//! Visibility settings persisted with their history, applied at once, and audited.

mod common;

use std::sync::Arc;

use async_core::ids::{PersonId, TenantId};
use async_core::store::{EncryptedStore, KeyValueStore, Keyring, MemoryStore, Namespace};
use async_policy::{
    AccessRequest, AuditEvent, DataCategory, Error, Guard, MemoryAuditLog, Purpose, RulesEngine,
    SETTINGS_COLLECTION, Visibility, VisibilityStore,
};

use common::Record;

fn encrypted(store: &Arc<MemoryStore>, keyring: &Keyring) -> EncryptedStore<Arc<MemoryStore>> {
    EncryptedStore::new(Arc::clone(store), keyring.clone())
}

#[tokio::test]
async fn changes_persist_with_history_and_reload() {
    let (raw, keyring) = (Arc::new(MemoryStore::new()), Keyring::generate());
    let tenant = TenantId::new("acme");
    let store = VisibilityStore::open(encrypted(&raw, &keyring), tenant.clone())
        .await
        .expect("opens");
    let engine = RulesEngine::new(common::organization(), store.load().await.expect("empty"));
    let guard = Guard::new(engine, MemoryAuditLog::new()).with_settings_history(store);
    let dana = PersonId::new("dana");
    let request = AccessRequest::individual("lee", "dana", DataCategory::Chat, Purpose::Standup);

    guard
        .change_visibility(&dana, &dana, DataCategory::Chat, Visibility::OnlyMe)
        .await
        .expect("stored");
    assert!(
        guard
            .authorize(&request, Record::of("dana", "chat"))
            .await
            .is_err(),
        "applies at once"
    );
    guard
        .change_visibility(&dana, &dana, DataCategory::Chat, Visibility::Managers)
        .await
        .expect("stored");

    let reopened = VisibilityStore::open(encrypted(&raw, &keyring), tenant)
        .await
        .expect("reopens");
    let history = reopened.history_of(&dana).await.expect("readable");
    let settings = reopened.load().await.expect("readable");
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[0].change.from, history[0].change.to),
        (Visibility::Team, Visibility::OnlyMe)
    );
    assert_eq!(
        settings.visibility(&dana, DataCategory::Chat),
        Visibility::Managers
    );
    let audited = guard.accesses_to(&dana).await.expect("readable");
    let changes = audited
        .iter()
        .filter(|entry| matches!(entry.record.event, AuditEvent::VisibilityChange(_)))
        .count();
    assert_eq!(changes, 2);
}

#[tokio::test]
async fn settings_are_sealed_at_rest() {
    let (raw, keyring) = (Arc::new(MemoryStore::new()), Keyring::generate());
    let tenant = TenantId::new("acme");
    let store = VisibilityStore::open(encrypted(&raw, &keyring), tenant.clone())
        .await
        .expect("opens");
    let engine = RulesEngine::new(common::organization(), Default::default());
    let guard = Guard::new(engine, MemoryAuditLog::new()).with_settings_history(store);
    let dana = PersonId::new("dana");
    guard
        .change_visibility(&dana, &dana, DataCategory::MeetingMetrics, Visibility::Team)
        .await
        .expect("stored");

    let page = raw
        .scan_prefix(&Namespace::new(tenant, SETTINGS_COLLECTION), "", None, 10)
        .await
        .expect("scan");

    let bytes = &page.entries[0].1.value;
    assert!(!String::from_utf8_lossy(bytes).contains("dana"));
}

#[tokio::test]
async fn an_unknown_stored_category_fails_to_load_instead_of_defaulting() {
    let (raw, keyring) = (Arc::new(MemoryStore::new()), Keyring::generate());
    let tenant = TenantId::new("acme");
    let sealed = encrypted(&raw, &keyring);
    let foreign = serde_json::json!({
        "sequence": 0,
        "at": "2026-11-26T09:00:00Z",
        "change": {"person": "dana", "category": "salary", "from": "only_me", "to": "team"}
    });
    sealed
        .put(
            &Namespace::new(tenant.clone(), SETTINGS_COLLECTION),
            "h/00000000000000000000",
            serde_json::to_vec(&foreign).expect("json"),
        )
        .await
        .expect("put");

    let error = VisibilityStore::open(encrypted(&raw, &keyring), tenant)
        .await
        .expect_err("refused");

    assert!(matches!(error, Error::SettingsUnreadable { .. }), "{error}");
}
