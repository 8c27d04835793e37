//! The embedded SQLite store.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{KeyValueStore, Namespace, ScanPage, StorageError, Version, Versioned};
use crate::error::Error;
use crate::ids::TenantId;

/// The schema version this release creates and reads, kept in `PRAGMA user_version`.
///
/// Version 2 added the `kv_sequence` table. Opening a version 1 database adds it.
const SCHEMA_VERSION: i64 = 2;

/// How long a statement waits for another connection's lock before failing as busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Creates the tables. `WITHOUT ROWID` stores rows in primary-key order, which is the
/// order scans read; the default `BINARY` collation compares keys byte by byte.
///
/// `kv_sequence` has one row with the last version handed out to any key. A database
/// created by schema version 1 kept no such row, so its sequence starts at the highest
/// version still stored, and `INSERT OR IGNORE` leaves an existing row alone.
const CREATE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS kv (
    tenant     TEXT    NOT NULL,
    collection TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      BLOB    NOT NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (tenant, collection, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv_sequence (
    id           INTEGER PRIMARY KEY CHECK (id = 0),
    last_version INTEGER NOT NULL
);
INSERT OR IGNORE INTO kv_sequence (id, last_version)
    SELECT 0, COALESCE(MAX(version), 0) FROM kv;
";

/// The storage key named in errors about the version sequence.
const SEQUENCE_KEY: &str = "kv_sequence";

/// A [`KeyValueStore`] in one SQLite database, the SDK's embedded default.
///
/// The database runs in WAL mode, so readers in other processes do not block the writer.
/// Every call runs on Tokio's blocking pool through
/// [`spawn_blocking`](tokio::task::spawn_blocking), and the connection's mutex is only
/// taken inside that blocking task, never across an `.await`. One connection serves all
/// calls, so calls run one at a time.
///
/// Every write takes its version from the one-row table `kv_sequence`, which the same
/// transaction reads and advances, so versions never repeat for a key, even after a
/// delete, and connections in other processes draw from the same sequence.
///
/// NOTE: a database created by schema version 1 starts its sequence at the highest
/// version it still stores. A version read before the upgrade from a key that was
/// deleted before the upgrade can therefore be handed out again, so stop the processes
/// of the older release before opening its database with this one.
///
/// Values are stored as given; wrap the store in
/// [`EncryptedStore`](super::EncryptedStore) to seal them.
///
/// # Examples
///
/// ```
/// use async_core::ids::TenantId;
/// use async_core::store::{KeyValueStore, Namespace, SqliteStore};
///
/// # tokio::runtime::Runtime::new().expect("runtime").block_on(async {
/// let store = SqliteStore::open_in_memory().await?;
/// let namespace = Namespace::new(TenantId::new("acme"), "notes");
///
/// store.put(&namespace, "a", b"1".to_vec()).await?;
/// let page = store.scan_prefix(&namespace, "", None, 10).await?;
/// assert_eq!(page.entries.len(), 1);
/// # Ok::<(), async_core::Error>(())
/// # }).expect("example");
/// ```
#[derive(Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Opens or creates the database file at `path`, switches it to WAL mode and creates
    /// the schema if needed.
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::Backend`] when the file cannot be opened or configured,
    /// [`StorageError::UnsupportedSchema`] when a newer release created it, and
    /// [`StorageError::ForeignDatabase`] when it is another application's database, which
    /// is then left unchanged.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let file = path.clone();
        let connection = blocking("open", move || initialize(Connection::open(&file))).await??;

        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            path: Some(path),
        })
    }

    /// Opens a private in-memory database, which disappears when the store is dropped.
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::Backend`] when SQLite cannot allocate the database.
    pub async fn open_in_memory() -> Result<Self, Error> {
        let connection = blocking("open", || initialize(Connection::open_in_memory())).await??;

        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            path: None,
        })
    }

    /// The database file, or `None` for an in-memory database.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `work` on the connection in a blocking task.
    async fn with_connection<T, F>(&self, operation: &'static str, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreFailure> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        let result = blocking(operation, move || {
            // A panic inside a transaction rolls it back when the transaction drops, so the
            // connection behind a poisoned lock is still consistent.
            let mut connection = connection.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut connection)
        })
        .await?;

        result.map_err(|failure| failure.into_error(operation))
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A failure inside a blocking task, turned into an [`Error`] with the operation's name.
#[derive(Debug)]
enum StoreFailure {
    Sqlite(rusqlite::Error),
    Storage(StorageError),
}

impl From<rusqlite::Error> for StoreFailure {
    fn from(error: rusqlite::Error) -> Self {
        StoreFailure::Sqlite(error)
    }
}

impl StoreFailure {
    fn into_error(self, operation: &'static str) -> Error {
        match self {
            StoreFailure::Sqlite(source) => backend_error(operation, source),
            StoreFailure::Storage(error) => Error::Storage(error),
        }
    }
}

fn backend_error(
    operation: &'static str,
    source: impl std::error::Error + Send + Sync + 'static,
) -> Error {
    Error::Storage(StorageError::Backend {
        backend: "sqlite",
        operation,
        source: Box::new(source),
    })
}

/// Runs `work` on Tokio's blocking pool.
async fn blocking<T, F>(operation: &'static str, work: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|join_error| backend_error(operation, join_error))
}

/// Configures a fresh connection and creates or checks the schema.
fn initialize(opened: Result<Connection, rusqlite::Error>) -> Result<Connection, Error> {
    let connection = opened.map_err(|source| backend_error("open", source))?;
    configure(&connection).map_err(|failure| failure.into_error("open"))?;
    Ok(connection)
}

fn configure(connection: &Connection) -> Result<(), StoreFailure> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreFailure::Storage(StorageError::UnsupportedSchema {
            backend: "sqlite",
            found,
            supported: SCHEMA_VERSION,
        }));
    }
    // Checked before anything is written, so another application's file stays as it was.
    if found == 0 {
        check_not_foreign(connection)?;
    }

    // An in-memory database returns "memory" here, which is expected.
    let _mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    // One transaction, so a second process opening the file at the same time sees either
    // no sequence table or a seeded one.
    let transaction = connection.unchecked_transaction()?;
    transaction.execute_batch(CREATE_SCHEMA)?;
    transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    transaction.commit()?;
    Ok(())
}

/// Rejects a database that has no store schema version but has tables other than `kv`
/// and `kv_sequence`. A file with only those two tables may come from a store release
/// that did not record its version yet.
fn check_not_foreign(connection: &Connection) -> Result<(), StoreFailure> {
    let mut statement = connection.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT IN ('kv', 'kv_sequence') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         ORDER BY name",
    )?;
    let tables: Vec<String> = statement
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    if tables.is_empty() {
        return Ok(());
    }
    Err(StoreFailure::Storage(StorageError::ForeignDatabase {
        backend: "sqlite",
        tables: tables.join(", "),
    }))
}

/// Converts a stored version; SQLite integers are signed.
fn version_from_sql(version: i64) -> Version {
    Version(u64::try_from(version).unwrap_or(0))
}

fn version_to_sql(version: Version) -> i64 {
    i64::try_from(version.0).unwrap_or(i64::MAX)
}

fn current_version(
    transaction: &Transaction<'_>,
    namespace: &Namespace,
    key: &str,
) -> Result<Option<Version>, rusqlite::Error> {
    transaction
        .query_row(
            "SELECT version FROM kv WHERE tenant = ?1 AND collection = ?2 AND key = ?3",
            params![namespace.tenant().as_str(), namespace.collection(), key],
            |row| row.get(0),
        )
        .optional()
        .map(|version| version.map(version_from_sql))
}

/// Takes the next version from `kv_sequence` inside the caller's transaction.
///
/// The result also exceeds `current`, the key's stored version, in case a writer of
/// schema version 1 still running on the file wrote the key without advancing the
/// sequence.
fn next_version(
    transaction: &Transaction<'_>,
    current: Option<Version>,
) -> Result<Version, StoreFailure> {
    let last: Option<i64> = transaction
        .query_row(
            "SELECT last_version FROM kv_sequence WHERE id = 0",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let Some(last) = last.filter(|last| *last >= 0) else {
        return Err(corrupt_sequence("its row is missing or negative"));
    };

    let floor = last.max(current.map_or(0, version_to_sql));
    let Some(next) = floor.checked_add(1) else {
        return Err(corrupt_sequence("it reached the largest version"));
    };
    transaction.execute(
        "UPDATE kv_sequence SET last_version = ?1 WHERE id = 0",
        [next],
    )?;
    Ok(version_from_sql(next))
}

fn corrupt_sequence(reason: &'static str) -> StoreFailure {
    StoreFailure::Storage(StorageError::CorruptMetadata {
        key: SEQUENCE_KEY.to_owned(),
        reason,
    })
}

/// Writes `value` at the next version of the sequence, inside the caller's transaction.
fn write_next(
    transaction: &Transaction<'_>,
    namespace: &Namespace,
    key: &str,
    value: &[u8],
    current: Option<Version>,
) -> Result<Version, StoreFailure> {
    let version = next_version(transaction, current)?;
    transaction.execute(
        "INSERT INTO kv (tenant, collection, key, value, version) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant, collection, key) DO UPDATE
         SET value = excluded.value, version = excluded.version",
        params![
            namespace.tenant().as_str(),
            namespace.collection(),
            key,
            value,
            version_to_sql(version)
        ],
    )?;
    Ok(version)
}

/// Returns the smallest string greater than every string that starts with `prefix`, or
/// `None` when no such string exists (the prefix is empty or all `char::MAX`).
///
/// UTF-8 byte order equals code point order, so incrementing the last character that
/// can be incremented bounds the prefix range for SQLite's byte-wise comparison. The
/// range comparison uses the primary key index, unlike `LIKE`, and needs no escaping.
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let successor = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(successor) = successor {
            chars.push(successor);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

fn scan(
    connection: &Connection,
    namespace: &Namespace,
    prefix: &str,
    cursor: Option<&str>,
    limit: usize,
) -> Result<ScanPage, rusqlite::Error> {
    // Start after the cursor when it lies past the prefix's first key. Both bounds are
    // plain range comparisons, so SQLite walks the primary key index from the start key
    // and stops at the upper bound.
    let (lower_op, lower) = match cursor {
        Some(cursor) if cursor >= prefix => (">", cursor),
        _ => (">=", prefix),
    };
    let upper = prefix_upper_bound(prefix);
    let upper_clause = if upper.is_some() {
        "AND key < ?4"
    } else {
        "AND ?4 IS NULL"
    };
    let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);

    let sql = format!(
        "SELECT key, value, version FROM kv
         WHERE tenant = ?1 AND collection = ?2 AND key {lower_op} ?3 {upper_clause}
         ORDER BY key
         LIMIT ?5"
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map(
        params![
            namespace.tenant().as_str(),
            namespace.collection(),
            lower,
            upper,
            fetch
        ],
        |row| {
            let key: String = row.get(0)?;
            let value: Vec<u8> = row.get(1)?;
            let version: i64 = row.get(2)?;
            Ok((
                key,
                Versioned {
                    value,
                    version: version_from_sql(version),
                },
            ))
        },
    )?;
    let mut entries = rows.collect::<Result<Vec<_>, _>>()?;

    let next_cursor = if entries.len() > limit {
        entries.truncate(limit);
        entries.last().map(|(key, _)| key.clone())
    } else {
        None
    };
    Ok(ScanPage {
        entries,
        next_cursor,
    })
}

#[async_trait]
impl KeyValueStore for SqliteStore {
    async fn get(&self, namespace: &Namespace, key: &str) -> Result<Option<Versioned>, Error> {
        let (namespace, key) = (namespace.clone(), key.to_owned());
        self.with_connection("get", move |connection| {
            let row = connection
                .prepare_cached(
                    "SELECT value, version FROM kv
                     WHERE tenant = ?1 AND collection = ?2 AND key = ?3",
                )?
                .query_row(
                    params![namespace.tenant().as_str(), namespace.collection(), key],
                    |row| {
                        Ok(Versioned {
                            value: row.get(0)?,
                            version: version_from_sql(row.get(1)?),
                        })
                    },
                )
                .optional()?;
            Ok(row)
        })
        .await
    }

    async fn put(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
    ) -> Result<Version, Error> {
        let (namespace, key) = (namespace.clone(), key.to_owned());
        self.with_connection("put", move |connection| {
            // IMMEDIATE takes the write lock before the reads, so the sequence cannot
            // advance in another connection between the read and the update.
            let transaction =
                connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let current = current_version(&transaction, &namespace, &key)?;
            let version = write_next(&transaction, &namespace, &key, &value, current)?;
            transaction.commit()?;
            Ok(version)
        })
        .await
    }

    async fn put_if_version(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
        expected: Option<Version>,
    ) -> Result<Version, Error> {
        let (namespace, key) = (namespace.clone(), key.to_owned());
        self.with_connection("put_if_version", move |connection| {
            // IMMEDIATE takes the write lock before the read, so no other connection can
            // change the version between the check and the write.
            let transaction =
                connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let actual = current_version(&transaction, &namespace, &key)?;
            if actual != expected {
                return Err(StoreFailure::Storage(StorageError::VersionConflict {
                    key,
                    expected: expected.map(|version| version.0),
                    actual: actual.map(|version| version.0),
                }));
            }

            let version = write_next(&transaction, &namespace, &key, &value, actual)?;
            transaction.commit()?;
            Ok(version)
        })
        .await
    }

    async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, Error> {
        let (namespace, key) = (namespace.clone(), key.to_owned());
        self.with_connection("delete", move |connection| {
            // The sequence keeps its value, so a later write of this key gets a version
            // above every one it had.
            let deleted = connection.execute(
                "DELETE FROM kv WHERE tenant = ?1 AND collection = ?2 AND key = ?3",
                params![namespace.tenant().as_str(), namespace.collection(), key],
            )?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn scan_prefix(
        &self,
        namespace: &Namespace,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, Error> {
        if limit == 0 {
            return Err(Error::Storage(StorageError::InvalidScanLimit));
        }
        let (namespace, prefix) = (namespace.clone(), prefix.to_owned());
        let cursor = cursor.map(str::to_owned);
        self.with_connection("scan", move |connection| {
            Ok(scan(
                connection,
                &namespace,
                &prefix,
                cursor.as_deref(),
                limit,
            )?)
        })
        .await
    }

    async fn collections(&self, tenant: &TenantId) -> Result<Vec<String>, Error> {
        let tenant = tenant.clone();
        self.with_connection("list collections", move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT DISTINCT collection FROM kv WHERE tenant = ?1 ORDER BY collection",
            )?;
            let rows = statement.query_map([tenant.as_str()], |row| row.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_bound_increments_last_char() {
        assert_eq!(prefix_upper_bound("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_upper_bound("a\u{7f}").as_deref(), Some("a\u{80}"));
        assert_eq!(prefix_upper_bound("é").as_deref(), Some("ê"));
    }

    #[test]
    fn upper_bound_skips_surrogates_and_max() {
        assert_eq!(prefix_upper_bound("\u{d7ff}").as_deref(), Some("\u{e000}"));
        assert_eq!(prefix_upper_bound("a\u{10ffff}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{10ffff}"), None);
        assert_eq!(prefix_upper_bound(""), None);
    }

    #[test]
    fn upper_bound_exceeds_every_extension() {
        let prefix = "pull_request/";
        let upper = prefix_upper_bound(prefix).expect("bounded");

        for suffix in ["", "\u{10ffff}", "zzzz", "\u{0}"] {
            assert!(format!("{prefix}{suffix}").as_str() < upper.as_str());
        }
        assert!("pull_request0" >= upper.as_str());
    }
}
