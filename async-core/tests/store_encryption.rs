//! Encryption at rest: tampering, moved values, wrong keys, rotation and the seal counter.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_core::Error;
use async_core::ids::TenantId;
use async_core::secret::{EncryptionKey, ExposeSecret};
use async_core::store::envelope::{HEADER_LEN, OVERHEAD};
use async_core::store::{
    CryptoError, EncryptedStore, KeyError, KeyValueStore, Keyring, META_TENANT, MemoryStore,
    Namespace, ScanPage, SealLimits, StorageError, Version, Versioned,
};
use async_trait::async_trait;

const SECRET: &[u8] = b"refresh token rt-4f9a-secret-value";

fn tokens() -> Namespace {
    Namespace::new(TenantId::new("acme"), "tokens")
}

fn key_from(byte: u8) -> EncryptionKey {
    EncryptionKey::from_slice(&[byte; 32]).expect("32 bytes")
}

fn encrypted(keyring: Keyring) -> EncryptedStore<Arc<MemoryStore>> {
    EncryptedStore::new(Arc::new(MemoryStore::new()), keyring)
}

async fn raw(store: &EncryptedStore<Arc<MemoryStore>>, ns: &Namespace, key: &str) -> Versioned {
    store
        .inner()
        .get(ns, key)
        .await
        .expect("get")
        .expect("present")
}

#[tokio::test]
async fn flipping_any_byte_fails() {
    let store = encrypted(Keyring::new(1, key_from(1)));
    store
        .put(&tokens(), "github", SECRET.to_vec())
        .await
        .expect("put");
    let sealed = raw(&store, &tokens(), "github").await.value;
    assert_eq!(sealed.len(), SECRET.len() + OVERHEAD);

    for index in 0..sealed.len() {
        let mut altered = sealed.clone();
        altered[index] ^= 0x01;
        store
            .inner()
            .put(&tokens(), "github", altered)
            .await
            .expect("put");

        let result = store.get(&tokens(), "github").await;

        let error = result.expect_err("an altered envelope never opens");
        assert!(
            matches!(
                error,
                Error::Crypto(
                    CryptoError::Tampered { .. }
                        | CryptoError::UnsupportedVersion { .. }
                        | CryptoError::UnsupportedAlgorithm { .. }
                ) | Error::Key(KeyError::UnknownKeyId { .. })
            ),
            "byte {index}: {error:?}"
        );
    }
}

#[tokio::test]
async fn truncating_fails() {
    let store = encrypted(Keyring::generate());
    store
        .put(&tokens(), "github", SECRET.to_vec())
        .await
        .expect("put");
    let sealed = raw(&store, &tokens(), "github").await.value;

    for length in 0..sealed.len() {
        store
            .inner()
            .put(&tokens(), "github", sealed[..length].to_vec())
            .await
            .expect("put");

        let error = store.get(&tokens(), "github").await.expect_err("truncated");

        if length < OVERHEAD {
            assert!(matches!(
                error,
                Error::Crypto(CryptoError::Truncated { .. })
            ));
        } else {
            assert!(matches!(error, Error::Crypto(CryptoError::Tampered { .. })));
        }
    }
}

#[tokio::test]
async fn tampered_error_names_key_not_contents() {
    let store = encrypted(Keyring::generate());
    store
        .put(&tokens(), "github", SECRET.to_vec())
        .await
        .expect("put");
    let mut sealed = raw(&store, &tokens(), "github").await.value;
    let last = sealed.len() - 1;
    sealed[last] ^= 0x80;
    store
        .inner()
        .put(&tokens(), "github", sealed)
        .await
        .expect("put");

    let error = store.get(&tokens(), "github").await.expect_err("tampered");

    let message = error.to_string();
    assert!(message.contains("`github`"), "{message}");
    assert!(!message.contains("rt-4f9a"), "{message}");
    assert!(!format!("{error:?}").contains("rt-4f9a"));
}

#[tokio::test]
async fn large_value_tampering_fails() {
    let store = encrypted(Keyring::generate());
    let value = vec![7u8; 200_000];
    store
        .put(&tokens(), "blob", value.clone())
        .await
        .expect("put");
    let mut sealed = raw(&store, &tokens(), "blob").await.value;
    sealed[100_000] ^= 0x04;
    store
        .inner()
        .put(&tokens(), "blob", sealed)
        .await
        .expect("put");

    let error = store.get(&tokens(), "blob").await.expect_err("tampered");

    assert!(matches!(error, Error::Crypto(CryptoError::Tampered { .. })));
}

#[tokio::test]
async fn value_moved_to_other_slot_fails() {
    let store = encrypted(Keyring::generate());
    store
        .put(&tokens(), "github", SECRET.to_vec())
        .await
        .expect("put");
    let sealed = raw(&store, &tokens(), "github").await.value;

    let other_key = (tokens(), "slack");
    let other_collection = (Namespace::new(TenantId::new("acme"), "records"), "github");
    let other_tenant = (Namespace::new(TenantId::new("globex"), "tokens"), "github");
    for (ns, key) in [other_key, other_collection, other_tenant] {
        store
            .inner()
            .put(&ns, key, sealed.clone())
            .await
            .expect("put");

        let error = store.get(&ns, key).await.expect_err("moved value");

        assert!(
            matches!(error, Error::Crypto(CryptoError::Tampered { .. })),
            "{ns:?}/{key}: {error:?}"
        );
    }
}

#[tokio::test]
async fn other_key_bytes_under_same_id_fail() {
    let inner = Arc::new(MemoryStore::new());
    let writer = EncryptedStore::new(Arc::clone(&inner), Keyring::new(1, key_from(1)));
    let reader = EncryptedStore::new(Arc::clone(&inner), Keyring::new(1, key_from(2)));
    writer
        .put(&tokens(), "github", SECRET.to_vec())
        .await
        .expect("put");

    let error = reader
        .get(&tokens(), "github")
        .await
        .expect_err("wrong key");

    assert!(matches!(error, Error::Crypto(CryptoError::Tampered { .. })));
}

#[tokio::test]
async fn header_naming_another_key_fails() {
    let keyring = Keyring::new(1, key_from(1))
        .with_retired(2, key_from(2))
        .expect("distinct ids");
    let store = encrypted(keyring);
    store
        .put(&tokens(), "github", SECRET.to_vec())
        .await
        .expect("put");
    let mut sealed = raw(&store, &tokens(), "github").await.value;
    sealed[2..HEADER_LEN].copy_from_slice(&2u32.to_be_bytes());
    store
        .inner()
        .put(&tokens(), "github", sealed)
        .await
        .expect("put");

    let error = store.get(&tokens(), "github").await.expect_err("other key");

    assert!(matches!(error, Error::Crypto(CryptoError::Tampered { .. })));
}

#[tokio::test]
async fn unknown_key_id_is_named() {
    let inner = Arc::new(MemoryStore::new());
    let writer = EncryptedStore::new(Arc::clone(&inner), Keyring::new(7, key_from(1)));
    let reader = EncryptedStore::new(Arc::clone(&inner), Keyring::new(8, key_from(1)));
    writer
        .put(&tokens(), "github", SECRET.to_vec())
        .await
        .expect("put");

    let error = reader
        .get(&tokens(), "github")
        .await
        .expect_err("unknown id");

    assert!(matches!(
        error,
        Error::Key(KeyError::UnknownKeyId { key_id: 7, ref key }) if key == "github"
    ));
    assert!(error.to_string().contains("key id 7"));
    assert!(error.to_string().contains("add that key as a retired key"));
}

#[tokio::test]
async fn unencrypted_value_is_reported() {
    let store = encrypted(Keyring::generate());
    store
        .inner()
        .put(&tokens(), "legacy", b"{\"plain\":true}".to_vec())
        .await
        .expect("put");

    let error = store
        .get(&tokens(), "legacy")
        .await
        .expect_err("not sealed");

    assert!(matches!(
        error,
        Error::Crypto(CryptoError::Truncated { length: 14, .. })
    ));
}

#[tokio::test]
async fn scan_opens_every_entry_and_fails_on_tampering() {
    let store = encrypted(Keyring::generate());
    for index in 0..5u8 {
        store
            .put(&tokens(), &format!("k{index}"), vec![index; 10])
            .await
            .expect("put");
    }

    let page = store
        .scan_prefix(&tokens(), "k", None, 10)
        .await
        .expect("scan");
    let values: Vec<Vec<u8>> = page
        .entries
        .into_iter()
        .map(|(_, stored)| stored.value)
        .collect();
    assert_eq!(
        values,
        (0..5u8).map(|index| vec![index; 10]).collect::<Vec<_>>()
    );

    let mut sealed = raw(&store, &tokens(), "k3").await.value;
    sealed[HEADER_LEN + 2] ^= 0x10;
    store
        .inner()
        .put(&tokens(), "k3", sealed)
        .await
        .expect("put");
    let error = store
        .scan_prefix(&tokens(), "k", None, 10)
        .await
        .expect_err("tampered");
    assert!(matches!(error, Error::Crypto(CryptoError::Tampered { ref key }) if key == "k3"));
}

#[tokio::test]
async fn reserved_tenant_is_rejected() {
    let store = encrypted(Keyring::generate());
    let meta = Namespace::new(TenantId::new(META_TENANT), "seal_counters");

    let put = store
        .put(&meta, "1", vec![0; 8])
        .await
        .expect_err("reserved");
    let get = store.get(&meta, "1").await.expect_err("reserved");
    let rotate = store
        .rotate_tenant(&TenantId::new(META_TENANT))
        .await
        .expect_err("reserved");

    for error in [put, get, rotate] {
        assert!(matches!(
            error,
            Error::Storage(StorageError::ReservedTenant { .. })
        ));
    }
}

#[tokio::test]
async fn rotation_keeps_every_value() {
    let inner = Arc::new(MemoryStore::new());
    let old = EncryptedStore::new(Arc::clone(&inner), Keyring::new(1, key_from(1)));
    let tenant = TenantId::new("acme");
    let mut expected = Vec::new();
    for collection in ["records", "tokens"] {
        let ns = Namespace::new(tenant.clone(), collection);
        for index in 0..300u32 {
            let key = format!("item/{index:04}");
            let value = format!("{collection} value {index}").into_bytes();
            let version = old.put(&ns, &key, value.clone()).await.expect("put");
            expected.push((ns.clone(), key, value, version));
        }
    }
    let untouched = Namespace::new(TenantId::new("globex"), "tokens");
    old.put(&untouched, "k", b"other tenant".to_vec())
        .await
        .expect("put");

    let keyring = Keyring::new(1, key_from(1))
        .rotated_to(2, key_from(2))
        .expect("new id");
    let new = EncryptedStore::new(Arc::clone(&inner), keyring);
    let report = new.rotate_tenant(&tenant).await.expect("rotation");

    assert_eq!(report.resealed, 600);
    assert_eq!(report.already_current, 0);
    assert!(report.is_complete());
    let only_new = EncryptedStore::new(Arc::clone(&inner), Keyring::new(2, key_from(2)));
    for (ns, key, value, version) in &expected {
        let stored = only_new
            .get(ns, key)
            .await
            .expect("opens under key 2")
            .expect("present");
        assert_eq!(&stored.value, value);
        assert!(stored.version > *version, "{key} was written again");
    }
    let other = inner
        .get(&untouched, "k")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(other.value[2..HEADER_LEN], 1u32.to_be_bytes());

    let again = new.rotate_tenant(&tenant).await.expect("rotation");
    assert_eq!(again.resealed, 0);
    assert_eq!(again.already_current, 600);
}

#[tokio::test]
async fn rotation_skips_unreadable_values() {
    let inner = Arc::new(MemoryStore::new());
    let old = EncryptedStore::new(Arc::clone(&inner), Keyring::new(1, key_from(1)));
    old.put(&tokens(), "good", b"kept".to_vec())
        .await
        .expect("put");
    old.put(&tokens(), "bad", b"damaged".to_vec())
        .await
        .expect("put");
    let mut damaged = inner
        .get(&tokens(), "bad")
        .await
        .expect("get")
        .expect("present")
        .value;
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    inner
        .put(&tokens(), "bad", damaged.clone())
        .await
        .expect("put");

    let keyring = Keyring::new(1, key_from(1))
        .rotated_to(2, key_from(2))
        .expect("new id");
    let new = EncryptedStore::new(Arc::clone(&inner), keyring);
    let report = new.rotate(&tokens()).await.expect("rotation");

    assert_eq!(report.resealed, 1);
    assert_eq!(report.unreadable, [(tokens(), "bad".to_owned())]);
    assert!(!report.is_complete());
    let left = inner
        .get(&tokens(), "bad")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(left.value, damaged);
}

/// A store that lets another writer change a key just before the first conditional write.
#[derive(Debug)]
struct RacingStore {
    inner: MemoryStore,
    raced: AtomicBool,
    /// Whether the other writer deletes the key before writing it again.
    delete_first: bool,
    /// The version the other writer stored.
    raced_version: std::sync::Mutex<Option<Version>>,
}

impl RacingStore {
    /// Creates a store whose race is off until `raced` is set to false.
    fn new(delete_first: bool) -> Self {
        Self {
            inner: MemoryStore::new(),
            raced: AtomicBool::new(true),
            delete_first,
            raced_version: std::sync::Mutex::default(),
        }
    }
}

#[async_trait]
impl KeyValueStore for RacingStore {
    async fn get(&self, namespace: &Namespace, key: &str) -> Result<Option<Versioned>, Error> {
        self.inner.get(namespace, key).await
    }

    async fn put(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
    ) -> Result<Version, Error> {
        self.inner.put(namespace, key, value).await
    }

    async fn put_if_version(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
        expected: Option<Version>,
    ) -> Result<Version, Error> {
        let is_data = namespace.tenant().as_str() != META_TENANT;
        if is_data && !self.raced.swap(true, Ordering::SeqCst) {
            let current = self
                .inner
                .get(namespace, key)
                .await?
                .expect("rotated key exists");
            if self.delete_first {
                self.inner.delete(namespace, key).await?;
            }
            let version = self.inner.put(namespace, key, current.value).await?;
            *self.raced_version.lock().expect("unpoisoned") = Some(version);
        }
        self.inner
            .put_if_version(namespace, key, value, expected)
            .await
    }

    async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, Error> {
        self.inner.delete(namespace, key).await
    }

    async fn scan_prefix(
        &self,
        namespace: &Namespace,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, Error> {
        self.inner
            .scan_prefix(namespace, prefix, cursor, limit)
            .await
    }
}

/// Rotates `a` and `b` while another writer rewrites `a` (after deleting it when
/// `delete_first`) and checks that the rotation leaves the other writer's value.
async fn check_rotation_keeps_racing_write(delete_first: bool) {
    let inner = Arc::new(RacingStore::new(delete_first));
    let old = EncryptedStore::new(Arc::clone(&inner), Keyring::new(1, key_from(1)));
    old.put(&tokens(), "a", b"first".to_vec())
        .await
        .expect("put");
    old.put(&tokens(), "b", b"second".to_vec())
        .await
        .expect("put");
    inner.raced.store(false, Ordering::SeqCst);

    let keyring = Keyring::new(1, key_from(1))
        .rotated_to(2, key_from(2))
        .expect("new id");
    let new = EncryptedStore::new(Arc::clone(&inner), keyring);
    let report = new.rotate(&tokens()).await.expect("rotation");
    let raced_version = inner
        .raced_version
        .lock()
        .expect("unpoisoned")
        .expect("the racing write ran");

    assert_eq!(report.resealed, 1);
    assert_eq!(report.changed_concurrently, [(tokens(), "a".to_owned())]);
    let a = new
        .get(&tokens(), "a")
        .await
        .expect("opens")
        .expect("present");
    assert_eq!(a.value, b"first");
    assert_eq!(a.version, raced_version, "the concurrent write stays");
    let sealed_a = inner
        .get(&tokens(), "a")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(
        sealed_a.value[2..HEADER_LEN],
        1u32.to_be_bytes(),
        "still sealed by the other writer's key"
    );
    let b = new
        .get(&tokens(), "b")
        .await
        .expect("opens")
        .expect("present");
    assert_eq!(b.value, b"second");
}

#[tokio::test]
async fn rotation_never_overwrites_concurrent_write() {
    check_rotation_keeps_racing_write(false).await;
}

#[tokio::test]
async fn rotation_never_overwrites_rewrite_after_delete() {
    check_rotation_keeps_racing_write(true).await;
}

#[tokio::test]
async fn rotate_tenant_needs_collection_listing() {
    let store = EncryptedStore::new(RacingStore::new(false), Keyring::generate());

    let error = store
        .rotate_tenant(&TenantId::new("acme"))
        .await
        .expect_err("unsupported");

    assert!(matches!(
        error,
        Error::Storage(StorageError::Unsupported { .. })
    ));
}

#[tokio::test]
async fn counter_refuses_past_limit() {
    let limits = SealLimits::new(5).expect("valid").with_reservation_block(2);
    let inner = Arc::new(MemoryStore::new());
    let store =
        EncryptedStore::with_limits(Arc::clone(&inner), Keyring::new(1, key_from(1)), limits);

    for index in 0..5u8 {
        store
            .put(&tokens(), "k", vec![index])
            .await
            .expect("within limit");
    }
    let error = store
        .put(&tokens(), "k", vec![9])
        .await
        .expect_err("limit reached");

    assert!(matches!(
        error,
        Error::Crypto(CryptoError::KeyExhausted {
            key_id: 1,
            limit: 5
        })
    ));
    assert!(error.to_string().contains("rotate"));
    let stored = store
        .get(&tokens(), "k")
        .await
        .expect("opens")
        .expect("present");
    assert_eq!(stored.value, [4], "the refused value was not written");
    assert_eq!(store.reserved_seals(1).await.expect("readable"), 5);

    let keyring = Keyring::new(1, key_from(1))
        .rotated_to(2, key_from(2))
        .expect("new id");
    let rotated = EncryptedStore::with_limits(Arc::clone(&inner), keyring, limits);
    rotated
        .put(&tokens(), "k", vec![10])
        .await
        .expect("new key has its own count");
    assert_eq!(
        rotated
            .get(&tokens(), "k")
            .await
            .expect("opens")
            .expect("present")
            .value,
        [10]
    );
}

#[tokio::test]
async fn counter_survives_restart_without_reuse() {
    let limits = SealLimits::new(6).expect("valid").with_reservation_block(4);
    let inner = Arc::new(MemoryStore::new());
    let first =
        EncryptedStore::with_limits(Arc::clone(&inner), Keyring::new(1, key_from(1)), limits);
    first
        .put(&tokens(), "k", vec![1])
        .await
        .expect("first seal");
    assert_eq!(first.reserved_seals(1).await.expect("readable"), 4);
    drop(first);

    let restarted =
        EncryptedStore::with_limits(Arc::clone(&inner), Keyring::new(1, key_from(1)), limits);
    restarted
        .put(&tokens(), "k", vec![2])
        .await
        .expect("count 4");
    restarted
        .put(&tokens(), "k", vec![3])
        .await
        .expect("count 5");
    let error = restarted
        .put(&tokens(), "k", vec![4])
        .await
        .expect_err("limit 6 reached");

    assert!(matches!(
        error,
        Error::Crypto(CryptoError::KeyExhausted { .. })
    ));
    assert_eq!(restarted.reserved_seals(1).await.expect("readable"), 6);
}

#[tokio::test]
async fn counter_writes_once_per_block() {
    let inner = Arc::new(MemoryStore::new());
    let store = EncryptedStore::new(Arc::clone(&inner), Keyring::generate());

    for index in 0..1500u32 {
        store
            .put(&tokens(), "k", index.to_be_bytes().to_vec())
            .await
            .expect("put");
    }

    let meta = Namespace::new(TenantId::new(META_TENANT), "seal_counters");
    let counter = inner.get(&meta, "1").await.expect("get").expect("present");
    // Each counter write reserves one block, so 2048 means exactly two writes. The
    // version cannot count them, because the data writes advance the same sequence.
    assert_eq!(
        counter.value,
        2048u64.to_be_bytes(),
        "two blocks of 1024 reserved"
    );
}

#[test]
fn debug_never_shows_key_bytes() {
    let bytes: Vec<u8> = (0xA0..0xC0).collect();
    let key = EncryptionKey::from_slice(&bytes).expect("32 bytes");
    let base64_text = key.to_base64().expose_secret().to_owned();
    let keyring = Keyring::new(1, EncryptionKey::from_slice(&bytes).expect("32 bytes"));
    let store = EncryptedStore::new(MemoryStore::new(), keyring.clone());

    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    let decimal = format!("{bytes:?}");
    let outputs = [
        format!("{key:?}"),
        format!("{key:#?}"),
        format!("{keyring:?}"),
        format!("{keyring:#?}"),
        format!("{store:?}"),
        format!("{store:#?}"),
    ];
    for output in &outputs {
        assert!(!output.contains(&hex), "{output}");
        assert!(!output.contains(&decimal[1..20]), "{output}");
        assert!(!output.contains("160, 161"), "{output}");
        assert!(!output.contains(&base64_text[..12]), "{output}");
    }
    assert_eq!(outputs[0], "EncryptionKey([REDACTED])");
    assert_eq!(outputs[2], "Keyring { active_key_id: 1, key_ids: [1] }");
}

#[test]
fn key_file_errors_name_path_not_contents() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let missing = dir.path().join("missing.key");
    let short = dir.path().join("short.key");
    std::fs::write(&short, "c2hvcnQta2V5LW1hdGVyaWFs\n").expect("written");
    let good = dir.path().join("good.key");
    std::fs::write(
        &good,
        format!("  {}\n\n", key_from(3).to_base64().expose_secret()),
    )
    .expect("written");

    let unreadable = Keyring::from_file(1, &missing).expect_err("missing file");
    let wrong_length = Keyring::from_file(1, &short).expect_err("18 bytes");
    let loaded = Keyring::from_file(4, &good).expect("valid key file");

    assert!(matches!(
        unreadable,
        Error::Key(KeyError::FileUnreadable { .. })
    ));
    assert!(unreadable.to_string().contains("missing.key"));
    assert!(matches!(
        wrong_length,
        Error::Key(KeyError::WrongLength { actual: 18 })
    ));
    assert!(!wrong_length.to_string().contains("c2hvcnQ"));
    assert!(!format!("{wrong_length:?}").contains("c2hvcnQ"));
    assert_eq!(loaded.active_key_id(), 4);
}
