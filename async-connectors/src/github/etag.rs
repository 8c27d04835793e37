//! Conditional requests: pages remembered by URL with their `ETag`.
//!
//! GitHub responds to a request carrying `If-None-Match` with `304 Not Modified` when the
//! resource has not changed, and a 304 does not count against the primary rate limit. The
//! client stores each successful page's `ETag`, body and next-page link under its URL, sends
//! the `ETag` back on the next request for that URL, and reuses the stored page on a 304.
//!
//! Stored pages leave out the text people wrote (`body`, `body_html`, `body_text`,
//! `diff_hunk` of each item): the SDK never reads it, so it is not kept either.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use async_core::secret::{EncryptionKey, ExposeSecret};
use async_core::store::{EncryptedStore, KeyValueStore, Namespace};
use async_trait::async_trait;
use hmac::{Hmac, Mac};
use secrecy::zeroize::Zeroizing;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::OnceCell;

use crate::error::Error;

/// A page remembered for a conditional request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedPage {
    /// The `ETag` header exactly as GitHub sent it, quotes and `W/` prefix included.
    pub etag: String,
    /// The response's JSON without the prose fields of its items.
    pub body: String,
    /// The `rel="next"` link the response carried, if any.
    pub next: Option<String>,
}

/// A store of pages for conditional requests, looked up by the full request URL.
///
/// GitHub computes ETags per `Accept` and `Authorization` header, so one cache should serve
/// one token. The client logs a failing cache and then treats it as empty.
#[async_trait]
pub trait EtagCache: Send + Sync + std::fmt::Debug {
    /// Returns the page stored for `url`, if any.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Core`] when the backing store fails.
    async fn get(&self, url: &str) -> Result<Option<CachedPage>, Error>;

    /// Stores `page` for `url`, replacing any earlier page.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Core`] when the backing store fails.
    async fn put(&self, url: &str, page: CachedPage) -> Result<(), Error>;
}

/// An [`EtagCache`] in process memory, the client's default. It grows with every distinct
/// URL fetched and is dropped with the last clone of the client.
#[derive(Debug, Clone, Default)]
pub struct MemoryEtagCache {
    pages: Arc<Mutex<HashMap<String, CachedPage>>>,
}

impl MemoryEtagCache {
    /// Creates an empty cache.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl EtagCache for MemoryEtagCache {
    async fn get(&self, url: &str) -> Result<Option<CachedPage>, Error> {
        // A poisoned lock only means another thread panicked mid-insert, and the map is still
        // a valid cache.
        let pages = self
            .pages
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        Ok(pages.get(url).cloned())
    }

    async fn put(&self, url: &str, page: CachedPage) -> Result<(), Error> {
        let mut pages = self
            .pages
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        pages.insert(url.to_owned(), page);
        Ok(())
    }
}

/// The storage key of the secret that keys the URL hashes. A page's key is 64 hex
/// digits, so the two never collide.
const HASH_KEY_ENTRY: &str = "url-hash-key";

/// How often creating the hash key retries after another process wrote it first.
const HASH_KEY_ATTEMPTS: usize = 3;

/// An [`EtagCache`] in an [`EncryptedStore`], so cached pages survive restarts without
/// reaching the disk in plaintext.
///
/// A cached page names people, branches, files and commits, so the cache takes only an
/// encrypting store: every page is sealed with AES-256-GCM before it reaches the backend.
/// Storage keys are not encrypted, so a page is stored under the HMAC-SHA256 of its URL
/// (64 lowercase hex digits) instead of the URL, which names the organization and
/// repository. The HMAC key is 32 random bytes, created on first use and stored sealed in
/// the same namespace under `url-hash-key`. Without the encryption key, a reader of the
/// backend therefore cannot confirm a guessed URL either.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// use async_connectors::github::{CachedPage, EtagCache, StoreEtagCache};
/// use async_core::ids::TenantId;
/// use async_core::store::{EncryptedStore, Keyring, MemoryStore, Namespace};
///
/// # tokio::runtime::Runtime::new().expect("runtime").block_on(async {
/// let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
/// let cache = StoreEtagCache::new(store, Namespace::new(TenantId::new("acme"), "github-etags"));
///
/// let url = "https://api.github.com/repos/octo-org/payments/pulls?per_page=100";
/// let page = CachedPage {
///     etag: "\"5f1c0e7a\"".to_owned(),
///     body: "[]".to_owned(),
///     next: None,
/// };
/// cache.put(url, page.clone()).await?;
/// assert_eq!(cache.get(url).await?, Some(page));
/// # Ok::<(), async_connectors::Error>(())
/// # }).expect("example");
/// ```
#[derive(Debug)]
pub struct StoreEtagCache<S> {
    store: Arc<EncryptedStore<S>>,
    namespace: Namespace,
    /// The HMAC key, read or created on first use and shared by clones.
    hash_key: Arc<OnceCell<EncryptionKey>>,
}

impl<S> Clone for StoreEtagCache<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            namespace: self.namespace.clone(),
            hash_key: Arc::clone(&self.hash_key),
        }
    }
}

impl<S: KeyValueStore> StoreEtagCache<S> {
    /// Creates a cache that keeps sealed pages in `namespace` of `store`.
    ///
    /// Give the cache a namespace of its own: it stores its HMAC key there too.
    pub fn new(store: Arc<EncryptedStore<S>>, namespace: Namespace) -> Self {
        Self {
            store,
            namespace,
            hash_key: Arc::new(OnceCell::new()),
        }
    }

    /// Computes the storage key of `url`: the hex HMAC-SHA256 of the URL.
    async fn storage_key(&self, url: &str) -> Result<String, Error> {
        let key = self
            .hash_key
            .get_or_try_init(|| load_or_create_hash_key(&self.store, &self.namespace))
            .await?;

        let mut mac =
            HmacSha256::new_from_slice(key.expose_secret()).map_err(|_| invalid_hash_key())?;
        mac.update(url.as_bytes());
        Ok(to_hex(&mac.finalize().into_bytes()))
    }
}

type HmacSha256 = Hmac<Sha256>;

/// Reads the cache's HMAC key, or creates it when it is missing or not 32 bytes long.
///
/// The key is created with a conditional write, so when two processes create it at
/// once, one write fails with a version conflict and that process reads the winner's key.
async fn load_or_create_hash_key<S: KeyValueStore>(
    store: &EncryptedStore<S>,
    namespace: &Namespace,
) -> Result<EncryptionKey, Error> {
    for _ in 0..HASH_KEY_ATTEMPTS {
        let stored = store.get(namespace, HASH_KEY_ENTRY).await?;
        let expected = stored.as_ref().map(|stored| stored.version);
        if let Some(stored) = stored {
            let bytes = Zeroizing::new(stored.value);
            // A value of another length cannot be a key this release wrote. It is replaced
            // below, and pages stored under the old key become unreachable misses.
            if let Ok(key) = EncryptionKey::from_slice(&bytes) {
                return Ok(key);
            }
        }

        let key = EncryptionKey::generate();
        let value = key.expose_secret().to_vec();
        match store
            .put_if_version(namespace, HASH_KEY_ENTRY, value, expected)
            .await
        {
            Ok(_) => return Ok(key),
            Err(async_core::Error::Storage(error)) if error.is_version_conflict() => {}
            Err(error) => return Err(error.into()),
        }
    }
    Err(Error::Config {
        what: "ETag cache",
        reason: format!(
            "the URL hash key in `{}` kept changing during {HASH_KEY_ATTEMPTS} attempts to read it; \
             check that no other writer rewrites `{HASH_KEY_ENTRY}`",
            namespace.collection()
        ),
    })
}

fn invalid_hash_key() -> Error {
    Error::Config {
        what: "ETag cache",
        reason: "the URL hash key was rejected by HMAC-SHA256".to_owned(),
    }
}

/// Formats `bytes` as lowercase hex digits.
fn to_hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Writing to a String cannot fail.
        let _ = write!(text, "{byte:02x}");
    }
    text
}

#[async_trait]
impl<S: KeyValueStore + 'static> EtagCache for StoreEtagCache<S> {
    async fn get(&self, url: &str) -> Result<Option<CachedPage>, Error> {
        let key = self.storage_key(url).await?;
        let Some(stored) = self.store.get(&self.namespace, &key).await? else {
            return Ok(None);
        };
        // An entry that no longer parses (written by another version) is a cache miss,
        // not a failure: the next successful response overwrites it.
        Ok(serde_json::from_slice(&stored.value).ok())
    }

    async fn put(&self, url: &str, page: CachedPage) -> Result<(), Error> {
        // Serializing a struct of strings cannot fail. Should it ever, skipping the entry
        // only costs a full request next time.
        let Ok(value) = serde_json::to_vec(&page) else {
            return Ok(());
        };
        let key = self.storage_key(url).await?;
        self.store.put(&self.namespace, &key, value).await?;
        Ok(())
    }
}

/// The item fields that contain text people wrote, which cached pages leave out.
const PROSE_FIELDS: [&str; 4] = ["body", "body_html", "body_text", "diff_hunk"];

/// Returns `body` as JSON text without the prose fields of its items, or `None` when it is
/// not JSON (such a page is not worth caching: it cannot be decoded either).
pub(crate) fn without_prose(body: &[u8]) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    match &mut value {
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_prose),
        item => strip_prose(item),
    }
    serde_json::to_string(&value).ok()
}

fn strip_prose(item: &mut serde_json::Value) {
    if let Some(object) = item.as_object_mut() {
        for field in PROSE_FIELDS {
            object.remove(field);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_left_out_of_cached_pages() {
        let page = br#"[{"id":1,"body":"secret plan","diff_hunk":"@@ -1 +1 @@","commit":{"message":"Fix"}}]"#;

        let kept = without_prose(page).expect("valid JSON");

        let kept: serde_json::Value = serde_json::from_str(&kept).expect("valid JSON");
        assert_eq!(
            kept,
            serde_json::json!([{"id": 1, "commit": {"message": "Fix"}}])
        );
        assert_eq!(without_prose(b"<html>"), None);
    }

    #[tokio::test]
    async fn memory_cache_round_trips_and_replaces() {
        let cache = MemoryEtagCache::new();
        let first = CachedPage {
            etag: "W/\"a\"".to_owned(),
            body: "[]".to_owned(),
            next: None,
        };
        let second = CachedPage {
            etag: "\"b\"".to_owned(),
            body: "[1]".to_owned(),
            next: Some("https://api.github.com/x?page=2".to_owned()),
        };

        assert_eq!(cache.get("u").await.expect("get works"), None);
        cache.put("u", first).await.expect("put works");
        cache.put("u", second.clone()).await.expect("put works");

        assert_eq!(cache.get("u").await.expect("get works"), Some(second));
        assert_eq!(cache.get("other").await.expect("get works"), None);
    }
}
