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
/// [`JobError::Core`] when the file cannot be opened, and [`JobError::ForeignStore`] when
/// records already in the file do not open with the key, before anything is written.
pub async fn open_records(
    path: &Path,
    key_base64: Option<&str>,
    tenant: TenantId,
) -> Result<(RecordStore<SqliteStore>, KeySource), JobError> {
    let (keyring, source) = match key_base64 {
        Some(text) => {
            let keyring = Keyring::from_base64(KEY_ID, text).map_err(|error| {
                JobError::Config(format!("ASYNC_STORE_KEY is invalid: {error}"))
            })?;
            (keyring, KeySource::Environment)
        }
        None => (Keyring::generate(), KeySource::Generated),
    };
    let sqlite = SqliteStore::open(path).await?;
    let encrypted = Arc::new(EncryptedStore::new(sqlite, keyring));

    // Reading one stored record proves the key before the sync overwrites anything.
    let namespace = Namespace::new(tenant.clone(), RECORDS_COLLECTION);
    if let Err(error) = encrypted.scan_prefix(&namespace, "", None, 1).await {
        return Err(JobError::ForeignStore {
            path: path.to_owned(),
            source: error,
        });
    }
    Ok((RecordStore::new(encrypted, tenant), source))
}
