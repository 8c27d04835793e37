//! The encrypted record store the job syncs into.

use std::path::Path;
use std::sync::Arc;

use async_core::ids::TenantId;
use async_core::store::{
    EncryptedStore, KeyValueStore, Keyring, Namespace, RECORDS_COLLECTION, RecordStore, SqliteStore,
};

use super::JobError;

/// The key id the job's keyring uses for its one key.
const KEY_ID: u32 = 1;

/// Where the store key came from, so the job can report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// Read from the `ASYNC_STORE_KEY` environment variable.
    Environment,
    /// Generated for this run; the store cannot be reopened after it ends.
    Generated,
}

/// Opens (or creates) the SQLite file at `path`, sealed with the key in `key_base64` or,
/// when it is `None`, a key generated for this run.
///
/// # Errors
///
/// Returns [`JobError::Config`] when the key is not valid base64 of 32 bytes,
/// [`JobError::StoreOpen`] when the file cannot be opened, and [`JobError::ForeignStore`] when
/// records already in the file do not open with the key, before anything is written.
pub async fn open_records(
    path: &Path,
    key_base64: Option<&str>,
    tenant: TenantId,
) -> Result<(RecordStore<SqliteStore>, KeySource), JobError> {
    let (stores, source) = open_stores(path, key_base64, tenant).await?;
    Ok((stores.records, source))
}

/// The job's stores, all sealed with one key in one SQLite file: the records, and the
/// same encrypted store again for the policy's audit log and visibility settings.
#[derive(Debug)]
pub struct Stores {
    /// The domain records.
    pub records: RecordStore<SqliteStore>,
    /// The encrypted store the records use, for the policy's collections.
    pub sealed: EncryptedStore<SqliteStore>,
}

/// Opens the SQLite file at `path` as [`open_records`] does, and returns the encrypted
/// store too.
///
/// # Errors
///
/// As [`open_records`].
pub async fn open_stores(
    path: &Path,
    key_base64: Option<&str>,
    tenant: TenantId,
) -> Result<(Stores, KeySource), JobError> {
    let (keyring, source) = match key_base64 {
        Some(text) => {
            let keyring = Keyring::from_base64(KEY_ID, text).map_err(|error| {
                JobError::Config(format!("ASYNC_STORE_KEY is invalid: {error}"))
            })?;
            (keyring, KeySource::Environment)
        }
        None => (Keyring::generate(), KeySource::Generated),
    };
    let sqlite = SqliteStore::open(path)
        .await
        .map_err(|source| JobError::StoreOpen {
            path: path.to_owned(),
            source,
        })?;
    let sealed = EncryptedStore::new(sqlite, keyring);
    let encrypted = Arc::new(sealed.clone());

    // Reading one stored record proves the key before the sync overwrites anything.
    let namespace = Namespace::new(tenant.clone(), RECORDS_COLLECTION);
    if let Err(error) = encrypted.scan_prefix(&namespace, "", None, 1).await {
        return Err(JobError::ForeignStore {
            path: path.to_owned(),
            source: error,
        });
    }
    let stores = Stores {
        records: RecordStore::new(encrypted, tenant),
        sealed,
    };
    Ok((stores, source))
}
