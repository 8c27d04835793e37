//! One behaviour suite for every `KeyValueStore` backend.
//!
//! Each check is an async function taking `&dyn KeyValueStore` and a fresh store.
//! `store_conformance_tests!(factory)` expands to one `#[tokio::test]` per check, where
//! `factory` is an async expression that returns a fresh store, or a [`Guarded`] store
//! when something (such as a temporary directory) must outlive it. A new backend gets
//! the whole suite with:
//!
//! ```ignore
//! #[macro_use]
//! #[path = "common/store_conformance.rs"]
//! mod store_conformance;
//!
//! mod postgres {
//!     store_conformance_tests!(async { PostgresStore::connect(URL).await.expect("connects") });
//! }
//! ```

use std::sync::Arc;

use async_core::Error;
use async_core::ids::TenantId;
use async_core::secret::{ExposeSecret, SecretString};
use async_core::store::{
    CredentialStore, EncryptedStore, KeyValueStore, Keyring, META_TENANT, Namespace, OAuthTokens,
    ScanPage, StorageError, Version, Versioned,
};
use async_trait::async_trait;

/// Expands to one test per conformance check, each on a store built by `$factory`.
#[macro_export]
macro_rules! store_conformance_tests {
    ($factory:expr) => {
        $crate::store_conformance_tests!(@tests $factory;
            get_missing_is_none,
            put_then_get_round_trips,
            versions_increase_per_key,
            versions_increase_across_keys,
            rewrite_after_delete_rejects_old_version,
            credentials_rewritten_after_delete_reject_stale_refresh,
            put_if_absent_creates_once,
            put_if_version_detects_stale,
            delete_reports_existence,
            namespaces_are_isolated,
            scan_orders_by_bytes,
            scan_prefix_treats_wildcards_literally,
            scan_pages_with_cursor,
            scan_cursor_outside_prefix,
            scan_zero_limit_is_rejected,
            collections_lists_tenant_collections,
            concurrent_creates_have_one_winner,
            large_value_round_trips,
        );
    };
    (@tests $factory:expr; $($check:ident),+ $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $check() {
            use $crate::store_conformance::AsStore as _;

            let fixture = $factory.await;
            $crate::store_conformance::$check(fixture.as_store()).await;
        }
    )+};
}

/// Gives the suite a `&dyn KeyValueStore` from what a factory returned.
pub(crate) trait AsStore {
    fn as_store(&self) -> &dyn KeyValueStore;
}

impl<S: KeyValueStore> AsStore for S {
    fn as_store(&self) -> &dyn KeyValueStore {
        self
    }
}

/// A store with a value that must live as long as the store, such as its directory.
#[allow(dead_code, reason = "only file-backed suites build it")]
#[derive(Debug)]
pub(crate) struct Guarded<S, G> {
    pub(crate) store: S,
    pub(crate) guard: G,
}

impl<S: KeyValueStore, G> AsStore for Guarded<S, G> {
    fn as_store(&self) -> &dyn KeyValueStore {
        &self.store
    }
}

fn namespace(tenant: &str, collection: &str) -> Namespace {
    Namespace::new(TenantId::new(tenant), collection)
}

async fn keys_of_scan(store: &dyn KeyValueStore, ns: &Namespace, prefix: &str) -> Vec<String> {
    let page = store
        .scan_prefix(ns, prefix, None, 1000)
        .await
        .expect("scan works");
    assert_eq!(page.next_cursor, None, "a scan below its limit is complete");
    page.entries.into_iter().map(|(key, _)| key).collect()
}

pub(crate) async fn get_missing_is_none(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "notes");

    assert_eq!(store.get(&ns, "missing").await.expect("get works"), None);
}

pub(crate) async fn put_then_get_round_trips(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "notes");
    let binary: Vec<u8> = (0..=255).collect();

    store
        .put(&ns, "binary", binary.clone())
        .await
        .expect("put works");
    store
        .put(&ns, "empty", Vec::new())
        .await
        .expect("put works");
    store
        .put(&ns, "", b"empty key".to_vec())
        .await
        .expect("put works");
    store
        .put(&ns, "nul\0é🙂", b"odd key".to_vec())
        .await
        .expect("put works");

    let get = |key: &'static str| store.get(&ns, key);
    assert_eq!(
        get("binary")
            .await
            .expect("get works")
            .expect("present")
            .value,
        binary
    );
    assert_eq!(
        get("empty")
            .await
            .expect("get works")
            .expect("present")
            .value,
        b""
    );
    assert_eq!(
        get("").await.expect("get works").expect("present").value,
        b"empty key"
    );
    assert_eq!(
        get("nul\0é🙂")
            .await
            .expect("get works")
            .expect("present")
            .value,
        b"odd key"
    );
}

pub(crate) async fn versions_increase_per_key(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "notes");

    let first = store.put(&ns, "k", b"1".to_vec()).await.expect("put");
    let second = store.put(&ns, "k", b"2".to_vec()).await.expect("put");
    let stored = store.get(&ns, "k").await.expect("get").expect("present");
    assert!(second > first, "{second:?} follows {first:?}");
    assert_eq!(stored.version, second);
    assert_eq!(stored.value, b"2");

    let third = store
        .put_if_version(&ns, "k", b"3".to_vec(), Some(second))
        .await
        .expect("current version");
    assert!(third > second, "{third:?} follows {second:?}");

    assert!(store.delete(&ns, "k").await.expect("delete"));
    let recreated = store
        .put_if_version(&ns, "k", b"4".to_vec(), None)
        .await
        .expect("key absent after delete");
    let rewritten = store.put(&ns, "k", b"5".to_vec()).await.expect("put");
    assert!(recreated > third, "{recreated:?} follows {third:?}");
    assert!(rewritten > recreated, "{rewritten:?} follows {recreated:?}");
}

pub(crate) async fn versions_increase_across_keys(store: &dyn KeyValueStore) {
    let notes = namespace("acme", "notes");
    let other = namespace("globex", "tokens");

    let a = store.put(&notes, "a", Vec::new()).await.expect("put");
    let b = store.put(&other, "b", Vec::new()).await.expect("put");
    assert!(store.delete(&notes, "a").await.expect("delete"));
    let a_again = store.put(&notes, "a", Vec::new()).await.expect("put");

    assert!(b > a, "{b:?} follows {a:?}");
    assert!(a_again > b, "{a_again:?} follows {b:?}");
}

pub(crate) async fn rewrite_after_delete_rejects_old_version(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "tokens");
    let old = store.put(&ns, "github", b"A".to_vec()).await.expect("put");
    assert!(store.delete(&ns, "github").await.expect("delete"));
    let new = store.put(&ns, "github", b"B".to_vec()).await.expect("put");

    let stale = store
        .put_if_version(&ns, "github", b"A refreshed".to_vec(), Some(old))
        .await
        .expect_err("the version was read before the delete");

    assert_ne!(new, old);
    match stale {
        Error::Storage(StorageError::VersionConflict {
            expected, actual, ..
        }) => {
            assert_eq!(expected, Some(old.0));
            assert_eq!(actual, Some(new.0));
        }
        other => panic!("expected a version conflict, got {other:?}"),
    }
    let stored = store
        .get(&ns, "github")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored.value, b"B");
    assert_eq!(stored.version, new);
}

pub(crate) async fn credentials_rewritten_after_delete_reject_stale_refresh(
    store: &dyn KeyValueStore,
) {
    let sealed = EncryptedStore::new(CountersMoved(store), Keyring::generate());
    let credentials = CredentialStore::new(Arc::new(sealed), TenantId::new("acme"));
    credentials
        .put("github", &github_tokens("gho_token_a"))
        .await
        .expect("stored");
    let read = credentials
        .get("github")
        .await
        .expect("read")
        .expect("present");

    assert!(credentials.delete("github").await.expect("deleted"));
    credentials
        .put("github", &github_tokens("gho_token_b"))
        .await
        .expect("stored again");
    let stale = credentials
        .replace_if_version(
            "github",
            &github_tokens("gho_token_a_refreshed"),
            read.version,
        )
        .await
        .expect_err("the refresh read the tokens before the delete");

    assert!(matches!(stale, Error::Storage(ref error) if error.is_version_conflict()));
    let stored = credentials
        .get("github")
        .await
        .expect("read")
        .expect("present");
    assert_eq!(stored.tokens.access_token.expose_secret(), "gho_token_b");
}

fn github_tokens(access_token: &str) -> OAuthTokens {
    OAuthTokens {
        access_token: SecretString::from(access_token),
        refresh_token: None,
        expires_at: None,
        scopes: vec!["repo".to_owned()],
    }
}

/// The tenant that [`CountersMoved`] stores seal counters under instead of [`META_TENANT`].
const MOVED_COUNTER_TENANT: &str = "moved-seal-counters";

/// Forwards to the store under test, moving seal counters out of [`META_TENANT`].
///
/// A `CredentialStore` needs an `EncryptedStore`, whose seal counters live under
/// [`META_TENANT`]. When the store under test is itself an `EncryptedStore`, it rejects
/// that tenant, so the counters move to an ordinary tenant and every backend runs the
/// credential checks.
#[derive(Debug)]
struct CountersMoved<'a>(&'a dyn KeyValueStore);

impl CountersMoved<'_> {
    fn map(namespace: &Namespace) -> Namespace {
        if namespace.tenant().as_str() != META_TENANT {
            return namespace.clone();
        }
        Namespace::new(TenantId::new(MOVED_COUNTER_TENANT), namespace.collection())
    }
}

#[async_trait]
impl KeyValueStore for CountersMoved<'_> {
    async fn get(&self, namespace: &Namespace, key: &str) -> Result<Option<Versioned>, Error> {
        self.0.get(&Self::map(namespace), key).await
    }

    async fn put(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
    ) -> Result<Version, Error> {
        self.0.put(&Self::map(namespace), key, value).await
    }

    async fn put_if_version(
        &self,
        namespace: &Namespace,
        key: &str,
        value: Vec<u8>,
        expected: Option<Version>,
    ) -> Result<Version, Error> {
        self.0
            .put_if_version(&Self::map(namespace), key, value, expected)
            .await
    }

    async fn delete(&self, namespace: &Namespace, key: &str) -> Result<bool, Error> {
        self.0.delete(&Self::map(namespace), key).await
    }

    async fn scan_prefix(
        &self,
        namespace: &Namespace,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, Error> {
        self.0
            .scan_prefix(&Self::map(namespace), prefix, cursor, limit)
            .await
    }
}

pub(crate) async fn put_if_absent_creates_once(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "tokens");

    let created = store
        .put_if_version(&ns, "github", b"first".to_vec(), None)
        .await
        .expect("key absent");
    let second = store
        .put_if_version(&ns, "github", b"second".to_vec(), None)
        .await
        .expect_err("key exists");

    match second {
        Error::Storage(StorageError::VersionConflict {
            expected, actual, ..
        }) => {
            assert_eq!(expected, None);
            assert_eq!(actual, Some(created.0));
        }
        other => panic!("expected a version conflict, got {other:?}"),
    }
    let stored = store
        .get(&ns, "github")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored.value, b"first");
}

pub(crate) async fn put_if_version_detects_stale(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "tokens");
    let v1 = store.put(&ns, "slack", b"v1".to_vec()).await.expect("put");
    let v2 = store.put(&ns, "slack", b"v2".to_vec()).await.expect("put");

    let stale = store
        .put_if_version(&ns, "slack", b"stale".to_vec(), Some(v1))
        .await
        .expect_err("the first version is stale");
    let fresh = store
        .put_if_version(&ns, "slack", b"v3".to_vec(), Some(v2))
        .await
        .expect("the second version is current");
    let missing = store
        .put_if_version(&ns, "absent", b"x".to_vec(), Some(v1))
        .await
        .expect_err("key absent");

    match stale {
        Error::Storage(
            ref error @ StorageError::VersionConflict {
                ref key,
                expected,
                actual,
            },
        ) => {
            assert!(error.is_version_conflict());
            assert_eq!(key, "slack");
            assert_eq!(expected, Some(v1.0));
            assert_eq!(actual, Some(v2.0));
        }
        other => panic!("expected a version conflict, got {other:?}"),
    }
    assert!(fresh > v2, "{fresh:?} follows {v2:?}");
    match missing {
        Error::Storage(StorageError::VersionConflict {
            expected, actual, ..
        }) => {
            assert_eq!(expected, Some(v1.0));
            assert_eq!(actual, None);
        }
        other => panic!("expected a version conflict, got {other:?}"),
    }
    let stored = store
        .get(&ns, "slack")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored.value, b"v3");
    assert_eq!(store.get(&ns, "absent").await.expect("get"), None);
}

pub(crate) async fn delete_reports_existence(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "notes");
    store.put(&ns, "k", b"v".to_vec()).await.expect("put");

    assert!(store.delete(&ns, "k").await.expect("delete"));
    assert!(!store.delete(&ns, "k").await.expect("delete"));
    assert!(
        !store
            .delete(&namespace("other", "notes"), "k")
            .await
            .expect("delete")
    );
    assert_eq!(store.get(&ns, "k").await.expect("get"), None);
}

pub(crate) async fn namespaces_are_isolated(store: &dyn KeyValueStore) {
    let a = namespace("acme", "notes");
    let b = namespace("acme", "tokens");
    let c = namespace("globex", "notes");
    store.put(&a, "k", b"a".to_vec()).await.expect("put");
    store.put(&b, "k", b"b".to_vec()).await.expect("put");
    store.put(&c, "k", b"c".to_vec()).await.expect("put");

    assert_eq!(
        store
            .get(&a, "k")
            .await
            .expect("get")
            .expect("present")
            .value,
        b"a"
    );
    assert_eq!(
        store
            .get(&b, "k")
            .await
            .expect("get")
            .expect("present")
            .value,
        b"b"
    );
    assert_eq!(
        store
            .get(&c, "k")
            .await
            .expect("get")
            .expect("present")
            .value,
        b"c"
    );
    assert!(store.delete(&b, "k").await.expect("delete"));
    assert_eq!(keys_of_scan(store, &a, "").await, ["k"]);
    assert_eq!(keys_of_scan(store, &b, "").await, Vec::<String>::new());
    assert_eq!(keys_of_scan(store, &c, "").await, ["k"]);
}

pub(crate) async fn scan_orders_by_bytes(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "order");
    let keys = [
        "b",
        "a/b",
        "B",
        "é",
        "a",
        "\u{10ffff}",
        "a0",
        "",
        "Z",
        "a\u{7f}",
    ];
    for key in keys {
        store
            .put(&ns, key, key.as_bytes().to_vec())
            .await
            .expect("put");
    }

    let mut expected: Vec<String> = keys.iter().map(|key| key.to_string()).collect();
    expected.sort_by(|left, right| left.as_bytes().cmp(right.as_bytes()));
    assert_eq!(keys_of_scan(store, &ns, "").await, expected);

    let page = store.scan_prefix(&ns, "", None, 100).await.expect("scan");
    for (key, stored) in page.entries {
        assert_eq!(stored.value, key.as_bytes(), "value of `{key}`");
    }
}

pub(crate) async fn scan_prefix_treats_wildcards_literally(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "wildcards");
    for key in ["a%b", "axb", "a_c", "abc", "a\\d", "a", "b%", "A%b"] {
        store.put(&ns, key, Vec::new()).await.expect("put");
    }

    assert_eq!(keys_of_scan(store, &ns, "a%").await, ["a%b"]);
    assert_eq!(keys_of_scan(store, &ns, "a_").await, ["a_c"]);
    assert_eq!(keys_of_scan(store, &ns, "a\\").await, ["a\\d"]);
    assert_eq!(
        keys_of_scan(store, &ns, "a").await,
        ["a", "a%b", "a\\d", "a_c", "abc", "axb"]
    );
    assert_eq!(keys_of_scan(store, &ns, "c").await, Vec::<String>::new());
}

pub(crate) async fn scan_pages_with_cursor(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "pages");
    for index in 0..25 {
        store
            .put(&ns, &format!("item/{index:03}"), vec![index])
            .await
            .expect("put");
    }
    store.put(&ns, "other", Vec::new()).await.expect("put");

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut page_sizes = Vec::new();
    loop {
        let page = store
            .scan_prefix(&ns, "item/", cursor.as_deref(), 10)
            .await
            .expect("scan");
        page_sizes.push(page.entries.len());
        seen.extend(page.entries.into_iter().map(|(key, _)| key));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }

    let expected: Vec<String> = (0..25).map(|index| format!("item/{index:03}")).collect();
    assert_eq!(seen, expected);
    assert_eq!(page_sizes, [10, 10, 5]);

    // A last page that is exactly full still ends the scan without an empty extra page.
    let first = store
        .scan_prefix(&ns, "item/", None, 25)
        .await
        .expect("scan");
    assert_eq!(first.entries.len(), 25);
    assert_eq!(first.next_cursor, None);
}

pub(crate) async fn scan_cursor_outside_prefix(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "cursor");
    for key in ["a", "m/1", "m/2", "z"] {
        store.put(&ns, key, Vec::new()).await.expect("put");
    }

    let before = store
        .scan_prefix(&ns, "m/", Some("b"), 10)
        .await
        .expect("scan");
    let after = store
        .scan_prefix(&ns, "m/", Some("n"), 10)
        .await
        .expect("scan");
    let inside = store
        .scan_prefix(&ns, "m/", Some("m/1"), 10)
        .await
        .expect("scan");

    let keys =
        |entries: Vec<(String, _)>| entries.into_iter().map(|(key, _)| key).collect::<Vec<_>>();
    assert_eq!(keys(before.entries), ["m/1", "m/2"]);
    assert_eq!(keys(after.entries), Vec::<String>::new());
    assert_eq!(keys(inside.entries), ["m/2"]);
}

pub(crate) async fn scan_zero_limit_is_rejected(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "notes");

    let error = store
        .scan_prefix(&ns, "", None, 0)
        .await
        .expect_err("zero limit");

    assert!(matches!(
        error,
        Error::Storage(StorageError::InvalidScanLimit)
    ));
}

pub(crate) async fn collections_lists_tenant_collections(store: &dyn KeyValueStore) {
    let tenant = TenantId::new("acme");
    for collection in ["tokens", "records", "notes"] {
        store
            .put(&Namespace::new(tenant.clone(), collection), "k", Vec::new())
            .await
            .expect("put");
    }
    store
        .put(&namespace("globex", "other"), "k", Vec::new())
        .await
        .expect("put");
    store
        .delete(&namespace("acme", "notes"), "k")
        .await
        .expect("delete");
    let failed = store
        .put_if_version(
            &namespace("acme", "never"),
            "k",
            Vec::new(),
            Some(Version(3)),
        )
        .await;
    assert!(
        failed.is_err(),
        "a failed conditional write creates nothing"
    );

    let collections = store.collections(&tenant).await.expect("list");
    let empty = store
        .collections(&TenantId::new("nobody"))
        .await
        .expect("list");

    assert_eq!(collections, ["records", "tokens"]);
    assert_eq!(empty, Vec::<String>::new());
}

pub(crate) async fn concurrent_creates_have_one_winner(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "race");
    let attempt = |value: u8| store.put_if_version(&ns, "token", vec![value], None);

    let results = tokio::join!(
        attempt(1),
        attempt(2),
        attempt(3),
        attempt(4),
        attempt(5),
        attempt(6)
    );
    let results = [
        results.0, results.1, results.2, results.3, results.4, results.5,
    ];

    let winners: Vec<Version> = results
        .iter()
        .filter_map(|result| result.as_ref().ok().copied())
        .collect();
    assert_eq!(winners.len(), 1);
    for result in &results {
        if let Err(error) = result {
            assert!(matches!(
                error,
                Error::Storage(StorageError::VersionConflict { .. })
            ));
        }
    }
    let stored = store
        .get(&ns, "token")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored.version, winners[0]);
}

pub(crate) async fn large_value_round_trips(store: &dyn KeyValueStore) {
    let ns = namespace("acme", "large");
    let value: Vec<u8> = (0..300_000u32).map(|index| (index % 251) as u8).collect();

    store.put(&ns, "blob", value.clone()).await.expect("put");

    let stored = store.get(&ns, "blob").await.expect("get").expect("present");
    assert_eq!(stored.value, value);
}
