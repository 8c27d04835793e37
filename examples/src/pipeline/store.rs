//! The encrypted record store the job syncs into.

use std::path::Path;
use std::sync::Arc;

use async_core::ids::TenantId;
use async_core::store::{EncryptedStore, Keyring, RecordStore, SqliteStore};

use super::JobError;

/// The key id the job's keyring uses for its one key.
const KEY_ID: u32 = 1;

/// Where the store key came from, so the job can say so.
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
/// Returns [`JobError::Config`] when the key is not valid base64 of 32 bytes, and
/// [`JobError::Core`] when the file cannot be opened.
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
    Ok((RecordStore::new(encrypted, tenant), source))
}
