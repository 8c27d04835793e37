//! Conditional requests: a stored `ETag` is sent back and a 304 reuses the stored page.

mod common {
    pub(crate) mod github;
}

use std::sync::Arc;

use async_connectors::github::CachedPage;
use async_connectors::github::{EtagCache, GitHubClient, RepoName, StoreEtagCache};
use async_core::ids::TenantId;
use async_core::store::{
    EncryptedStore, KeyValueStore, Keyring, MemoryStore, Namespace, SqliteStore,
};
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

fn etag_namespace() -> Namespace {
    Namespace::new(TenantId::new("acme"), "github-etags")
}

#[tokio::test]
async fn not_modified_reuses_page_from_store() {
    let mut server = mockito::Server::new_async().await;
    let mocks = serve_reviews(&mut server).await;
    let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
    let cache = Arc::new(StoreEtagCache::new(Arc::clone(&store), etag_namespace()));
    let client = client_with(&server, cache);

    assert_second_read_reuses_pages(&client, mocks).await;

    let stored = store
        .scan_prefix(&etag_namespace(), "", None, 10)
        .await
        .expect("scan works");
    let (pages, hash_keys): (Vec<_>, Vec<_>) = stored
        .entries
        .into_iter()
        .partition(|(key, _)| key != "url-hash-key");
    assert_eq!(pages.len(), 2);
    assert_eq!(hash_keys.len(), 1);
    for (key, entry) in pages {
        assert_eq!(key.len(), 64, "`{key}` is an HMAC-SHA256 in hex");
        assert!(
            key.bytes().all(|byte| byte.is_ascii_hexdigit()),
            "`{key}` is hex"
        );
        let text = String::from_utf8(entry.value).expect("UTF-8 entry");
        assert!(!text.contains("Private review text"), "prose was stored");
        assert!(text.contains("ben-reviews"), "the page was stored");
    }
}

#[tokio::test]
async fn store_cache_keeps_hash_key_across_instances() {
    let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
    let url = format!("https://api.github.com/repos/{REPO}/pulls?per_page=100");
    let page = CachedPage {
        etag: FIRST_ETAG.to_owned(),
        body: "[]".to_owned(),
        next: None,
    };

    let first = StoreEtagCache::new(Arc::clone(&store), etag_namespace());
    first.put(&url, page.clone()).await.expect("put works");
    let second = StoreEtagCache::new(Arc::clone(&store), etag_namespace());

    assert_eq!(second.get(&url).await.expect("get works"), Some(page));
    assert_eq!(
        second
            .get("https://api.github.com/other")
            .await
            .expect("get works"),
        None
    );
}

#[tokio::test]
async fn store_cache_replaces_malformed_hash_key() {
    let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
    store
        .put(&etag_namespace(), "url-hash-key", b"short".to_vec())
        .await
        .expect("put works");
    let page = CachedPage {
        etag: FIRST_ETAG.to_owned(),
        body: "[]".to_owned(),
        next: None,
    };

    let cache = StoreEtagCache::new(Arc::clone(&store), etag_namespace());
    cache
        .put("https://api.github.com/u", page.clone())
        .await
        .expect("put works");

    let hash_key = store
        .get(&etag_namespace(), "url-hash-key")
        .await
        .expect("get works")
        .expect("present");
    assert_eq!(hash_key.value.len(), 32);
    let reopened = StoreEtagCache::new(Arc::clone(&store), etag_namespace());
    assert_eq!(
        reopened
            .get("https://api.github.com/u")
            .await
            .expect("get works"),
        Some(page)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_caches_created_together_share_hash_key() {
    let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
    let caches: Vec<_> = (0..4)
        .map(|_| StoreEtagCache::new(Arc::clone(&store), etag_namespace()))
        .collect();
    let page = |index: usize| CachedPage {
        etag: format!("\"{index}\""),
        body: "[]".to_owned(),
        next: None,
    };

    let writes = caches.iter().enumerate().map(|(index, cache)| {
        let url = format!("https://api.github.com/u{index}");
        async move { cache.put(&url, page(index)).await }
    });
    for written in futures::future::join_all(writes).await {
        written.expect("put works");
    }

    for (index, cache) in caches.iter().enumerate() {
        for other in 0..caches.len() {
            let url = format!("https://api.github.com/u{other}");
            let found = cache.get(&url).await.expect("get works");
            assert_eq!(found, Some(page(other)), "cache {index} reads page {other}");
        }
    }
}

#[tokio::test]
async fn sqlite_file_holds_no_login_or_path() {
    let mut server = mockito::Server::new_async().await;
    let mocks = serve_reviews(&mut server).await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("etags.db");
    let sqlite = SqliteStore::open(&path).await.expect("opens");
    let store = Arc::new(EncryptedStore::new(sqlite, Keyring::generate()));
    let cache = Arc::new(StoreEtagCache::new(Arc::clone(&store), etag_namespace()));
    let client = client_with(&server, cache);

    assert_second_read_reuses_pages(&client, mocks).await;

    let wal = dir.path().join("etags.db-wal");
    let mut bytes = std::fs::read(&path).expect("database file");
    bytes.extend(std::fs::read(&wal).expect("write-ahead log"));
    let contains = |needle: &str| {
        bytes
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    };
    assert!(contains("github-etags"), "the search reads the right bytes");
    assert!(!contains("ben-reviews"), "a login reached the file");
    assert!(!contains("octo-org"), "the URL's owner reached the file");
    assert!(
        !contains("pulls/57/reviews"),
        "the URL's path reached the file"
    );
    assert!(
        !contains(NEXT_REVIEWS_PATH),
        "the next link reached the file"
    );
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

/// An [`EtagCache`] whose backend is down.
#[derive(Debug)]
struct BrokenCache;

#[async_trait]
impl EtagCache for BrokenCache {
    async fn get(&self, _url: &str) -> Result<Option<CachedPage>, async_connectors::Error> {
        Err(broken())
    }

    async fn put(&self, _url: &str, _page: CachedPage) -> Result<(), async_connectors::Error> {
        Err(broken())
    }
}

fn broken() -> async_connectors::Error {
    async_connectors::Error::Config {
        what: "test cache",
        reason: "the backend is down".to_owned(),
    }
}

#[tokio::test]
async fn broken_cache_does_not_fail_requests() {
    let mut server = mockito::Server::new_async().await;
    let user = server
        .mock("GET", "/github/users/ada-dev")
        .match_header("if-none-match", Matcher::Missing)
        .with_header("etag", FIRST_ETAG)
        .with_body(fixture("user_ada.json"))
        .expect(2)
        .create_async()
        .await;
    let client = client_with(&server, Arc::new(BrokenCache));

    for _ in 0..2 {
        let profile = client.user("ada-dev").await.expect("user loads");
        assert_eq!(profile.login, "ada-dev");
    }

    user.assert_async().await;
}
