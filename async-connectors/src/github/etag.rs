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
use std::sync::{Arc, Mutex};

use async_core::store::{KeyValueStore, Namespace};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

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

/// A store of pages for conditional requests, keyed by the full request URL.
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

/// An [`EtagCache`] over any [`KeyValueStore`], so cached pages survive restarts.
///
/// Wrap the store in `EncryptedStore` when pages come from private repositories, because a
/// stored page still names branches, files, commits and people.
#[derive(Debug, Clone)]
pub struct StoreEtagCache {
    store: Arc<dyn KeyValueStore>,
    namespace: Namespace,
}

impl StoreEtagCache {
    /// Creates a cache that keeps pages in `namespace` of `store`.
    pub fn new(store: Arc<dyn KeyValueStore>, namespace: Namespace) -> Self {
        Self { store, namespace }
    }
}

#[async_trait]
impl EtagCache for StoreEtagCache {
    async fn get(&self, url: &str) -> Result<Option<CachedPage>, Error> {
        let Some(stored) = self.store.get(&self.namespace, url).await? else {
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
        self.store.put(&self.namespace, url, value).await?;
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
