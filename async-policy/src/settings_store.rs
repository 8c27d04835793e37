//! Visibility settings persisted through an `EncryptedStore`, with their history.

use std::future::Future;

use async_core::ids::{PersonId, TenantId};
use async_core::store::{EncryptedStore, KeyValueStore, Namespace};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::audit::VisibilityChange;
use crate::{Error, VisibilitySettings};

/// The collection that holds a tenant's visibility settings history.
pub const SETTINGS_COLLECTION: &str = "policy-visibility";

/// Changes are keyed `h/` and a zero-padded sequence, so key order is history order.
const CHANGE_PREFIX: &str = "h/";
/// Changes read per scan page.
const PAGE: usize = 512;

/// One stored change of a visibility setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredChange {
    /// The change's position in the history, from 0.
    pub sequence: u64,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// What changed.
    pub change: VisibilityChange,
}

/// Where [`Guard::change_visibility`](crate::Guard::change_visibility) keeps changes.
///
/// `()` keeps nothing: the change lives only in the engine. [`VisibilityStore`] persists
/// every change.
pub trait SettingsHistory: Send + Sync {
    /// Stores one change.
    ///
    /// # Errors
    ///
    /// Returns [`Error::SettingsWriteFailed`] when the change could not be stored.
    fn record(
        &self,
        at: DateTime<Utc>,
        change: &VisibilityChange,
    ) -> impl Future<Output = Result<(), Error>> + Send;
}

impl SettingsHistory for () {
    async fn record(&self, _at: DateTime<Utc>, _change: &VisibilityChange) -> Result<(), Error> {
        Ok(())
    }
}

/// Everyone's visibility settings of one tenant, stored as an append-only history of
/// changes sealed by an [`EncryptedStore`].
///
/// The current settings are the history replayed in order, so the store answers both
/// "what is Dana's setting" and "when did Dana change it". A stored change that names a
/// category or setting this version does not know fails to load, so no setting is ever
/// silently read as the default.
#[derive(Debug)]
pub struct VisibilityStore<S> {
    store: EncryptedStore<S>,
    at: Namespace,
    next: Mutex<u64>,
}

impl<S: KeyValueStore> VisibilityStore<S> {
    /// Opens the settings of `tenant` in `store`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::SettingsUnreadable`] when the stored history cannot be read.
    pub async fn open(store: EncryptedStore<S>, tenant: TenantId) -> Result<Self, Error> {
        let settings = Self {
            store,
            at: Namespace::new(tenant, SETTINGS_COLLECTION),
            next: Mutex::new(0),
        };
        let count = settings.history().await?.len() as u64;
        *settings.next.lock().await = count;
        Ok(settings)
    }

    /// Returns every stored change, oldest first.
    ///
    /// # Errors
    ///
    /// Returns [`Error::SettingsUnreadable`] when a change cannot be read, opened or parsed,
    /// naming its key.
    pub async fn history(&self) -> Result<Vec<StoredChange>, Error> {
        let mut changes = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .store
                .scan_prefix(&self.at, CHANGE_PREFIX, cursor.as_deref(), PAGE)
                .await
                .map_err(|error| unreadable("the history", error))?;
            for (key, stored) in page.entries {
                let change: StoredChange = serde_json::from_slice(&stored.value)
                    .map_err(|error| unreadable(&key, error))?;
                changes.push(change);
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(changes),
            }
        }
    }

    /// Returns the changes `person` made, oldest first.
    ///
    /// # Errors
    ///
    /// As [`VisibilityStore::history`].
    pub async fn history_of(&self, person: &PersonId) -> Result<Vec<StoredChange>, Error> {
        let mut changes = self.history().await?;
        changes.retain(|stored| stored.change.person == *person);
        Ok(changes)
    }

    /// Returns the current settings: the history replayed over the defaults.
    ///
    /// # Errors
    ///
    /// As [`VisibilityStore::history`].
    pub async fn load(&self) -> Result<VisibilitySettings, Error> {
        let mut settings = VisibilitySettings::new();
        for stored in self.history().await? {
            let change = stored.change;
            settings.set(change.person, change.category, change.to);
        }
        Ok(settings)
    }
}

impl<S: KeyValueStore> SettingsHistory for VisibilityStore<S> {
    async fn record(&self, at: DateTime<Utc>, change: &VisibilityChange) -> Result<(), Error> {
        let mut next = self.next.lock().await;
        let stored = StoredChange {
            sequence: *next,
            at,
            change: change.clone(),
        };
        let bytes = serde_json::to_vec(&stored).map_err(write_failed)?;
        let key = format!("{CHANGE_PREFIX}{:020}", stored.sequence);
        // A conditional put: a second writer cannot overwrite a change it did not see.
        self.store
            .put_if_version(&self.at, &key, bytes, None)
            .await
            .map_err(write_failed)?;
        *next += 1;
        Ok(())
    }
}

fn unreadable(what: &str, error: impl std::fmt::Display) -> Error {
    Error::SettingsUnreadable {
        reason: format!("{what}: {error}"),
    }
}

fn write_failed(error: impl std::fmt::Display) -> Error {
    Error::SettingsWriteFailed {
        reason: error.to_string(),
    }
}
