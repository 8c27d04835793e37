//! Typed, encrypted storage of domain records.

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::{EncryptedStore, KeyValueStore, Namespace, StorageError, Version};
use crate::error::Error;
use crate::ids::TenantId;
use crate::model::{
    ActivityBatch, Board, ChatChannel, ChatMessage, Document, Meeting, Person, ProviderAccount,
    PullRequest, Sprint, Team, Transcript, WorkItem,
};

/// The collection that contains a tenant's records.
pub const RECORDS_COLLECTION: &str = "records";

/// How many records a listing reads per scan page.
const LIST_PAGE: usize = 256;

/// A domain record that [`RecordStore`] can keep, stored under `"{KIND}/{record_id}"`.
pub trait Record: Serialize + DeserializeOwned + Send + Sync {
    /// The kind of record, the first segment of its key. It contains no `/`.
    const KIND: &'static str;

    /// The record's stable id within its kind, the rest of its key.
    fn record_id(&self) -> String;
}

/// Implements [`Record`] for a model type from a kind and an id expression.
macro_rules! record {
    ($type:ty, $kind:literal, |$record:ident| $id:expr) => {
        impl Record for $type {
            const KIND: &'static str = $kind;

            fn record_id(&self) -> String {
                let $record = self;
                $id
            }
        }
    };
}

record!(ProviderAccount, "account", |account| account
    .key
    .to_string());
record!(PullRequest, "pull_request", |pull| pull.id.to_string());
record!(WorkItem, "work_item", |item| item.key.to_string());
record!(Sprint, "sprint", |sprint| sprint.id.to_string());
record!(Board, "board", |board| board.id.to_string());
record!(ChatChannel, "channel", |channel| channel.id.to_string());
record!(ChatMessage, "message", |message| message.id.to_string());
record!(Meeting, "meeting", |meeting| meeting.id.to_string());
record!(Transcript, "transcript", |transcript| transcript
    .meeting
    .to_string());
record!(Document, "document", |document| document.id.to_string());
record!(Person, "person", |person| person.id.to_string());
record!(Team, "team", |team| team.id.to_string());

/// Stores serde records of one tenant, sealed through an [`EncryptedStore`].
///
/// Records live in the tenant's [`RECORDS_COLLECTION`] under `"{kind}/{id}"`: a pull
/// request under its id (`pull_request/acme/payments#42`), a work item under its key, a
/// message under its id, an account under `provider:account_id`, a transcript under its
/// meeting's id. Writing a record with an existing id replaces it.
///
/// NOTE: values are sealed but keys are stored as they are, so record ids (issue keys,
/// account ids, message timestamps) are visible to anyone who can read the backend.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// use async_core::ids::{TenantId, TeamId};
/// use async_core::model::Team;
/// use async_core::store::{EncryptedStore, Keyring, MemoryStore, RecordStore};
///
/// # tokio::runtime::Runtime::new().expect("runtime").block_on(async {
/// let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
/// let records = RecordStore::new(store, TenantId::new("acme"));
///
/// let team = Team { id: TeamId::new("payments"), name: "Payments".into(), members: vec![], managers: vec![] };
/// records.put(&team).await?;
///
/// let loaded: Option<Team> = records.get("payments").await?;
/// assert_eq!(loaded, Some(team));
/// # Ok::<(), async_core::Error>(())
/// # }).expect("example");
/// ```
#[derive(Debug)]
pub struct RecordStore<S> {
    store: Arc<EncryptedStore<S>>,
    namespace: Namespace,
}

impl<S> Clone for RecordStore<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            namespace: self.namespace.clone(),
        }
    }
}

impl<S: KeyValueStore> RecordStore<S> {
    /// Creates a record store for `tenant` on top of `store`.
    pub fn new(store: Arc<EncryptedStore<S>>, tenant: TenantId) -> Self {
        Self {
            store,
            namespace: Namespace::new(tenant, RECORDS_COLLECTION),
        }
    }

    /// The namespace the records live in.
    pub fn namespace(&self) -> &Namespace {
        &self.namespace
    }

    /// Seals and writes one record, replacing any record of the same kind and id.
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::Codec`] when the record cannot be serialized, and the
    /// errors of [`EncryptedStore`]'s `put`.
    pub async fn put<R: Record>(&self, record: &R) -> Result<Version, Error> {
        let key = record_key::<R>(&record.record_id());
        let bytes = serde_json::to_vec(record).map_err(|_| codec_error(&key, "encoded"))?;

        self.store.put(&self.namespace, &key, bytes).await
    }

    /// Reads one record by id.
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::Codec`] when the stored bytes are not a record of type `R`,
    /// and the errors of [`EncryptedStore`]'s `get` (such as a tampered value).
    pub async fn get<R: Record>(&self, id: &str) -> Result<Option<R>, Error> {
        let key = record_key::<R>(id);
        let Some(stored) = self.store.get(&self.namespace, &key).await? else {
            return Ok(None);
        };

        decode(&key, stored.value).map(Some)
    }

    /// Deletes one record by id and returns whether it existed.
    ///
    /// # Errors
    ///
    /// Returns the wrapped store's errors.
    pub async fn delete<R: Record>(&self, id: &str) -> Result<bool, Error> {
        self.store
            .delete(&self.namespace, &record_key::<R>(id))
            .await
    }

    /// Reads every record of type `R`, in ascending order of id.
    ///
    /// # Errors
    ///
    /// Returns the errors of [`RecordStore::get`] for the first record that fails.
    pub async fn list<R: Record>(&self) -> Result<Vec<R>, Error> {
        let prefix = format!("{}/", R::KIND);
        let mut records = Vec::new();
        let mut cursor: Option<String> = None;

        loop {
            let page = self
                .store
                .scan_prefix(&self.namespace, &prefix, cursor.as_deref(), LIST_PAGE)
                .await?;
            for (key, stored) in page.entries {
                records.push(decode(&key, stored.value)?);
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(records),
            }
        }
    }

    /// Writes every record of `batch` and returns how many were written.
    ///
    /// # Errors
    ///
    /// Returns the errors of [`RecordStore::put`]. Records written before the failing one
    /// stay written.
    pub async fn put_batch(&self, batch: &ActivityBatch) -> Result<usize, Error> {
        let mut written = 0;
        written += self.put_all(&batch.accounts).await?;
        written += self.put_all(&batch.pull_requests).await?;
        written += self.put_all(&batch.work_items).await?;
        written += self.put_all(&batch.sprints).await?;
        written += self.put_all(&batch.boards).await?;
        written += self.put_all(&batch.channels).await?;
        written += self.put_all(&batch.messages).await?;
        written += self.put_all(&batch.meetings).await?;
        written += self.put_all(&batch.transcripts).await?;
        written += self.put_all(&batch.documents).await?;
        Ok(written)
    }

    /// Reads every stored record of the kinds an [`ActivityBatch`] contains.
    ///
    /// Each list is in ascending order of id, not the order the records were written in,
    /// and contains one record per id.
    ///
    /// # Errors
    ///
    /// Returns the errors of [`RecordStore::list`].
    pub async fn load_batch(&self) -> Result<ActivityBatch, Error> {
        Ok(ActivityBatch {
            accounts: self.list().await?,
            pull_requests: self.list().await?,
            work_items: self.list().await?,
            sprints: self.list().await?,
            boards: self.list().await?,
            channels: self.list().await?,
            messages: self.list().await?,
            meetings: self.list().await?,
            transcripts: self.list().await?,
            documents: self.list().await?,
        })
    }

    async fn put_all<R: Record>(&self, records: &[R]) -> Result<usize, Error> {
        for record in records {
            self.put(record).await?;
        }
        Ok(records.len())
    }
}

fn record_key<R: Record>(id: &str) -> String {
    format!("{}/{id}", R::KIND)
}

/// Decodes a record; the plaintext buffer is cleared afterwards.
fn decode<R: Record>(key: &str, plaintext: Vec<u8>) -> Result<R, Error> {
    let plaintext = Zeroizing::new(plaintext);
    serde_json::from_slice(&plaintext).map_err(|_| codec_error(key, "decoded"))
}

fn codec_error(key: &str, operation: &'static str) -> Error {
    Error::Storage(StorageError::Codec {
        key: key.to_owned(),
        operation,
    })
}
