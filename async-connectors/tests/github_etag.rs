//! Conditional requests: a stored `ETag` is sent back and a 304 reuses the stored page.

mod common {
    pub(crate) mod github;
}

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_connectors::github::{EtagCache, GitHubClient, RepoName, StoreEtagCache};
use async_core::ids::TenantId;
use async_core::store::{KeyValueStore, Namespace, ScanPage, StorageError, Version, Versioned};
use async_trait::async_trait;
use common::github::{REPO, TOKEN, fixture, http, next_link};
use mockito::{Matcher, ServerGuard};
use secrecy::SecretString;

const REVIEWS_PATH: &str = "/github/repos/octo-org/payments/pulls/57/reviews";
const NEXT_REVIEWS_PATH: &str = "/github/repositories/42/pulls/57/reviews";
const FIRST_ETAG: &str = "W/\"5f1c0e7a9d3b\"";
const SECOND_ETAG: &str = "\"8a2d4c6e0f1b\"";

fn repo() -> RepoName {
    REPO.parse().expect("valid repository")
}

fn client_with(server: &ServerGuard, cache: Arc<dyn EtagCache>) -> GitHubClient {
    GitHubClient::builder(http(), SecretString::from(TOKEN))
        .base_url(format!("{}/github", server.url()))
        .etag_cache(cache)
        .build()
        .expect("client builds")
}

/// Serves two review pages with ETags, then 304 to requests that send them back.
async fn serve_reviews(server: &mut ServerGuard) -> Vec<mockito::Mock> {
    let first_query = Matcher::UrlEncoded("per_page".into(), "100".into());
    let second_query = Matcher::UrlEncoded("page".into(), "2".into());
    vec![
        server
            .mock("GET", REVIEWS_PATH)
            .match_query(first_query.clone())
            .match_header("if-none-match", Matcher::Missing)
            .with_header("etag", FIRST_ETAG)
            .with_header("link", &next_link(server, NEXT_REVIEWS_PATH, 2))
            .with_body(fixture("reviews_page1.json"))
            .expect(1)
            .create_async()
            .await,
        server
            .mock("GET", NEXT_REVIEWS_PATH)
            .match_query(second_query.clone())
            .match_header("if-none-match", Matcher::Missing)
            .with_header("etag", SECOND_ETAG)
            .with_body(fixture("reviews_page2.json"))
            .expect(1)
            .create_async()
            .await,
        // A 304 has no body and no Link header: both come from the stored page.
        server
            .mock("GET", REVIEWS_PATH)
            .match_query(first_query)
            .match_header("if-none-match", FIRST_ETAG)
            .with_status(304)
            .expect(1)
            .create_async()
            .await,
        server
            .mock("GET", NEXT_REVIEWS_PATH)
            .match_query(second_query)
            .match_header("if-none-match", SECOND_ETAG)
            .with_status(304)
            .expect(1)
            .create_async()
            .await,
    ]
}

async fn assert_second_read_reuses_pages(client: &GitHubClient, mocks: Vec<mockito::Mock>) {
    let fresh = client.list_reviews(&repo(), 57).await.expect("first read");
    let reused = client.list_reviews(&repo(), 57).await.expect("second read");

    assert_eq!(fresh.len(), 4);
    assert_eq!(reused, fresh);
    for mock in mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn not_modified_reuses_page_from_memory() {
    let mut server = mockito::Server::new_async().await;
    let mocks = serve_reviews(&mut server).await;
    let client = common::github::client(&server);

    assert_second_read_reuses_pages(&client, mocks).await;
}

#[tokio::test]
async fn not_modified_reuses_page_from_store() {
    let mut server = mockito::Server::new_async().await;
    let mocks = serve_reviews(&mut server).await;
    let store = Arc::new(MapStore::default());
    let namespace = Namespace::new(TenantId::new("acme"), "github-etags");
    let cache = Arc::new(StoreEtagCache::new(store.clone(), namespace.clone()));
    let client = client_with(&server, cache);

    assert_second_read_reuses_pages(&client, mocks).await;

    let stored = store
        .scan_prefix(&namespace, "", None, 10)
        .await
        .expect("scan works");
    assert_eq!(stored.entries.len(), 2);
    for (_, entry) in stored.entries {
        let text = String::from_utf8(entry.value).expect("UTF-8 entry");
        assert!(!text.contains("Private review text"), "prose was stored");
    }
}

#[tokio::test]
async fn not_modified_without_stored_page_is_error() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/github/users/ada-dev")
        .with_status(304)
        .create_async()
        .await;

    let error = common::github::client(&server)
        .user("ada-dev")
        .await
        .expect_err("a 304 without a stored page cannot be used");

    match error {
        async_connectors::Error::Api(api) => assert_eq!(api.status, 304),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// A minimal in-memory [`KeyValueStore`] for exercising [`StoreEtagCache`].
#[derive(Debug, Default)]
struct MapStore {
    entries: Mutex<BTreeMap<(Namespace, String), Versioned>>,
}

#[async_trait]
impl KeyValueStore for MapStore {
    async fn get(
        &self,
        namespace: &Namespace,
        key: &str,
    ) -> Result<Option<Versioned>, async_core::Error> {
        let entries = self.entries.lock().expect("lock");
        Ok(entries.get(&(namespace.clone(), key.to_owned())).cloned())
    }

    async fn put(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
    ) -> Result<Version, async_core::Error> {
        let mut entries = self.entries.lock().expect("lock");
        let slot = (namespace.clone(), key.to_owned());
        let version = Version(entries.get(&slot).map_or(1, |old| old.version.0 + 1));
        entries.insert(slot, Versioned { value, version });
        Ok(version)
    }

    async fn put_if_version(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
        expected: Option<Version>,
    ) -> Result<Version, async_core::Error> {
        let actual = self.get(namespace, key).await?.map(|old| old.version);
        if actual != expected {
            return Err(async_core::Error::Storage(StorageError::VersionConflict {
                key: key.to_owned(),
                expected: expected.map(|version| version.0),
                actual: actual.map(|version| version.0),
            }));
        }
        self.put(namespace, key, value).await
    }

    async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, async_core::Error> {
        let mut entries = self.entries.lock().expect("lock");
        Ok(entries
            .remove(&(namespace.clone(), key.to_owned()))
            .is_some())
    }

    async fn scan_prefix(
        &self,
        namespace: &Namespace,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, async_core::Error> {
        let entries = self.entries.lock().expect("lock");
        let page: Vec<(String, Versioned)> = entries
            .iter()
            .filter(|((space, key), _)| space == namespace && key.starts_with(prefix))
            .filter(|((_, key), _)| cursor.is_none_or(|after| key.as_str() > after))
            .take(limit)
            .map(|((_, key), value)| (key.clone(), value.clone()))
            .collect();
        Ok(ScanPage {
            entries: page,
            next_cursor: None,
        })
    }
}
