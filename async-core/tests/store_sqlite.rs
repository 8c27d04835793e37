//! The conformance suite on SQLite, plus what only a database file can show.

#[macro_use]
#[path = "common/store_conformance.rs"]
mod store_conformance;

use std::sync::Arc;

use async_core::Error;
use async_core::ids::TenantId;
use async_core::store::{KeyValueStore, Namespace, SqliteStore, StorageError, Version};
use store_conformance::Guarded;

mod in_memory {
    store_conformance_tests!(async {
        async_core::store::SqliteStore::open_in_memory()
            .await
            .expect("opens")
    });
}

/// A store on a file in a temporary directory that lives as long as the store.
type FileStore = Guarded<SqliteStore, tempfile::TempDir>;

async fn file_store() -> FileStore {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(dir.path().join("store.db"))
        .await
        .expect("opens");
    Guarded { store, guard: dir }
}

mod on_file {
    store_conformance_tests!(super::file_store());
}

mod encrypted_on_file {
    use async_core::store::{EncryptedStore, Keyring};

    use crate::store_conformance::Guarded;

    store_conformance_tests!(async {
        let file = super::file_store().await;
        Guarded {
            store: EncryptedStore::new(file.store, Keyring::generate()),
            guard: file.guard,
        }
    });
}

fn namespace() -> Namespace {
    Namespace::new(TenantId::new("acme"), "notes")
}

#[tokio::test]
async fn values_survive_reopen() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("store.db");

    let store = SqliteStore::open(&path).await.expect("opens");
    store
        .put(&namespace(), "k", b"one".to_vec())
        .await
        .expect("put");
    store
        .put(&namespace(), "k", b"two".to_vec())
        .await
        .expect("put");
    drop(store);

    let reopened = SqliteStore::open(&path).await.expect("reopens");
    let stored = reopened
        .get(&namespace(), "k")
        .await
        .expect("get")
        .expect("present");

    assert_eq!(stored.value, b"two");
    assert_eq!(stored.version, Version(2));
    assert_eq!(reopened.path(), Some(path.as_path()));
}

#[tokio::test]
async fn file_uses_wal_journal() {
    let file = file_store().await;
    file.store
        .put(&namespace(), "k", b"v".to_vec())
        .await
        .expect("put");

    let path = file.store.path().expect("file store").to_path_buf();
    let connection = rusqlite::Connection::open(&path).expect("opens");
    let mode: String = connection
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("pragma");

    assert_eq!(mode, "wal");
    assert!(path.with_extension("db-wal").exists());
}

#[tokio::test]
async fn newer_schema_is_rejected() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("future.db");
    let connection = rusqlite::Connection::open(&path).expect("opens");
    connection
        .pragma_update(None, "user_version", 99)
        .expect("pragma");
    drop(connection);

    let error = SqliteStore::open(&path).await.expect_err("newer schema");

    assert!(matches!(
        error,
        Error::Storage(StorageError::UnsupportedSchema {
            found: 99,
            supported: 2,
            ..
        })
    ));
    assert!(error.to_string().contains("upgrade async-core"));
}

#[tokio::test]
async fn other_application_database_is_left_alone() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("notes.db");
    let connection = rusqlite::Connection::open(&path).expect("opens");
    connection
        .execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep');")
        .expect("notes written");
    drop(connection);
    let before = std::fs::read(&path).expect("database file");

    let error = SqliteStore::open(&path)
        .await
        .expect_err("foreign database");

    assert!(matches!(
        error,
        Error::Storage(StorageError::ForeignDatabase { ref tables, .. }) if tables == "notes"
    ));
    assert!(error.to_string().contains("open the store on a new file"));
    assert_eq!(std::fs::read(&path).expect("database file"), before);
}

#[tokio::test]
async fn unopenable_path_is_backend_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("missing-dir").join("store.db");

    let error = SqliteStore::open(&path)
        .await
        .expect_err("no such directory");

    assert!(matches!(
        error,
        Error::Storage(StorageError::Backend {
            backend: "sqlite",
            operation: "open",
            ..
        })
    ));
    assert!(!error.is_retryable());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_writers_all_land() {
    let file = file_store().await;
    let store: Arc<dyn KeyValueStore> = Arc::new(file.store.clone());

    let mut tasks = Vec::new();
    for task in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            for index in 0..20 {
                let key = format!("task{task}/{index:02}");
                store
                    .put(&namespace(), &key, vec![task])
                    .await
                    .expect("put");
            }
        }));
    }
    for task in tasks {
        task.await.expect("task finished");
    }

    let page = store
        .scan_prefix(&namespace(), "", None, 1000)
        .await
        .expect("scan");
    assert_eq!(page.entries.len(), 160);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_connections_share_one_file() {
    let file = file_store().await;
    let path = file.store.path().expect("file store").to_path_buf();
    let other = SqliteStore::open(&path).await.expect("second connection");

    file.store
        .put(&namespace(), "k", b"from first".to_vec())
        .await
        .expect("put");
    let conflict = other
        .put_if_version(&namespace(), "k", b"stale".to_vec(), None)
        .await
        .expect_err("key exists");
    let written = other
        .put_if_version(&namespace(), "k", b"from second".to_vec(), Some(Version(1)))
        .await
        .expect("current version");

    assert!(matches!(
        conflict,
        Error::Storage(StorageError::VersionConflict { .. })
    ));
    assert_eq!(written, Version(2));
    let stored = file
        .store
        .get(&namespace(), "k")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored.value, b"from second");
}

#[tokio::test]
async fn version_sequence_survives_reopen() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("store.db");
    let store = SqliteStore::open(&path).await.expect("opens");
    let old = store
        .put(&namespace(), "k", b"before".to_vec())
        .await
        .expect("put");
    assert!(store.delete(&namespace(), "k").await.expect("delete"));
    drop(store);

    let reopened = SqliteStore::open(&path).await.expect("reopens");
    let new = reopened
        .put(&namespace(), "k", b"after".to_vec())
        .await
        .expect("put");
    let stale = reopened
        .put_if_version(&namespace(), "k", b"stale".to_vec(), Some(old))
        .await;

    assert!(new > old, "{new:?} follows {old:?}");
    assert!(matches!(stale, Err(Error::Storage(ref error)) if error.is_version_conflict()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_share_version_sequence() {
    let file = file_store().await;
    let path = file.store.path().expect("file store").to_path_buf();
    let other = SqliteStore::open(&path).await.expect("second connection");

    let mut versions = Vec::new();
    for index in 0..4 {
        let writer = if index % 2 == 0 { &file.store } else { &other };
        let version = writer
            .put(&namespace(), &format!("k{index}"), Vec::new())
            .await
            .expect("put");
        versions.push(version);
    }

    assert!(
        versions.windows(2).all(|pair| pair[0] < pair[1]),
        "{versions:?} strictly increase"
    );
}

#[tokio::test]
async fn schema_one_database_is_upgraded() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("old.db");
    let connection = rusqlite::Connection::open(&path).expect("opens");
    connection
        .execute_batch(
            "CREATE TABLE kv (
                tenant TEXT NOT NULL, collection TEXT NOT NULL, key TEXT NOT NULL,
                value BLOB NOT NULL, version INTEGER NOT NULL,
                PRIMARY KEY (tenant, collection, key)
            ) WITHOUT ROWID;
            INSERT INTO kv VALUES ('acme', 'notes', 'kept', x'6b', 7);
            PRAGMA user_version = 1;",
        )
        .expect("schema 1");
    drop(connection);

    let store = SqliteStore::open(&path).await.expect("upgrades");
    let kept = store
        .get(&namespace(), "kept")
        .await
        .expect("get")
        .expect("present");
    let created = store
        .put(&namespace(), "new", Vec::new())
        .await
        .expect("put");
    let replaced = store
        .put_if_version(&namespace(), "kept", b"k2".to_vec(), Some(Version(7)))
        .await
        .expect("version 7 is current");

    assert_eq!(kept.version, Version(7));
    assert_eq!(
        created,
        Version(8),
        "the sequence starts above stored versions"
    );
    assert_eq!(replaced, Version(9));
    let check = rusqlite::Connection::open(&path).expect("opens");
    let schema: i64 = check
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("pragma");
    assert_eq!(schema, 2);
}
