//! Typed records and OAuth credentials stored through the encrypted store.

use std::sync::Arc;

use async_core::Error;
use async_core::ids::{
    AccountId, BoardId, ChannelId, CommitSha, DocumentId, MeetingId, MessageId, PullRequestId,
    RepositoryId, SprintId, TenantId, WorkItemId, WorkItemKey,
};
use async_core::model::{
    AccountKey, ActivityBatch, Board, BoardKind, ChatChannel, ChatMessage, Commit, Document,
    Meeting, Provider, ProviderAccount, PullRequest, PullRequestState, Sprint, SprintState,
    StatusCategory, Transcript, TranscriptCue, WorkItem,
};
use async_core::secret::{ExposeSecret, SecretString};
use async_core::store::{
    CredentialStore, EncryptedStore, KeyValueStore, Keyring, MemoryStore, OAuthTokens, RecordStore,
    SqliteStore, StorageError, Version,
};
use chrono::{DateTime, TimeZone, Utc};

const ACCESS_TOKEN: &str = "xoxe.xoxp-1-Mi0yLTE0NzQ2NTQ0MjkxNy1fictional-access";
const REFRESH_TOKEN: &str = "xoxe-1-My0xLTE0NzQ2NTQ0MjkxNy1fictional-refresh";

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, hour, 0, 0)
        .single()
        .expect("valid time")
}

fn dana() -> AccountKey {
    AccountKey::new(Provider::GitHub, AccountId::new("583231"))
}

fn pull_request(number: u64) -> PullRequest {
    PullRequest {
        id: PullRequestId::new(format!("acme/payments#{number}")),
        repository: RepositoryId::new("acme/payments"),
        number,
        title: format!("Retry settlement webhooks ({number})"),
        url: None,
        author: Some(dana()),
        state: PullRequestState::Open,
        is_draft: false,
        created_at: at(9),
        updated_at: at(10),
        closed_at: None,
        merged_at: None,
        base_branch: Some("main".into()),
        head_branch: Some("retry-webhooks".into()),
        requested_reviewers: vec![],
        reviews: vec![],
        review_comments: vec![],
        commits: vec![Commit {
            sha: CommitSha::new("9fceb02d0ae598e95dc970b74767f19372d61af8"),
            author: Some(dana()),
            author_email: None,
            authored_at: Some(at(8)),
            committed_at: Some(at(8)),
            headline: "Retry on 502".into(),
        }],
        work_items: vec![WorkItemKey::new("PAY-12")],
    }
}

fn work_item() -> WorkItem {
    WorkItem {
        id: WorkItemId::new("10042"),
        key: WorkItemKey::new("PAY-12"),
        project_key: "PAY".into(),
        summary: "Settlement retries".into(),
        url: None,
        issue_type: "Story".into(),
        status: "In Progress".into(),
        status_category: StatusCategory::InProgress,
        assignee: Some(dana()),
        reporter: None,
        created_at: at(7),
        updated_at: at(11),
        resolved_at: None,
        due_date: None,
        estimate: Some(3.0),
        is_flagged: false,
        links: vec![],
        status_history: vec![],
        changes: vec![],
        sprint_ids: vec![SprintId::new("37")],
        parent: None,
        labels: vec!["payments".into()],
    }
}

fn message(ts: &str, text: &str) -> ChatMessage {
    ChatMessage {
        id: MessageId::new(format!("C012AB3CD/{ts}")),
        channel: ChannelId::new("C012AB3CD"),
        ts: ts.into(),
        thread_ts: None,
        author: Some(AccountKey::new(
            Provider::Slack,
            AccountId::new("U024BE7LH"),
        )),
        text: text.into(),
        posted_at: at(12),
        reply_count: 0,
        is_bot: false,
        subtype: None,
    }
}

fn batch() -> ActivityBatch {
    ActivityBatch {
        accounts: vec![ProviderAccount::new(dana())],
        pull_requests: vec![pull_request(42), pull_request(7)],
        work_items: vec![work_item()],
        sprints: vec![Sprint {
            id: SprintId::new("37"),
            board_id: Some(BoardId::new("5")),
            name: "Sprint 37".into(),
            state: SprintState::Active,
            start: Some(at(0)),
            end: None,
            completed_at: None,
            goal: None,
        }],
        boards: vec![Board {
            id: BoardId::new("5"),
            name: "Payments".into(),
            kind: BoardKind::Scrum,
            project_key: Some("PAY".into()),
            estimation_field: None,
        }],
        channels: vec![ChatChannel {
            id: ChannelId::new("C012AB3CD"),
            name: Some("payments".into()),
            is_private: false,
        }],
        messages: vec![
            message("1700000000.000100", "blocked on the settlement API"),
            message("1700000100.000200", "unblocked"),
        ],
        meetings: vec![Meeting {
            id: MeetingId::new("4444AAAiAAAAAiAiAiiAii=="),
            series_id: Some("85746065432".into()),
            topic: "Payments standup".into(),
            host: None,
            start_time: at(9),
            end_time: Some(at(10)),
            duration_minutes: 15,
            is_recurring: true,
            participants: vec![],
        }],
        transcripts: vec![Transcript {
            meeting: MeetingId::new("4444AAAiAAAAAiAiAiiAii=="),
            cues: vec![TranscriptCue {
                index: 1,
                start_ms: 0,
                end_ms: 2500,
                speaker: Some("Dana".into()),
                speaker_account: None,
                text: "The settlement fix is ready for review.".into(),
            }],
        }],
        documents: vec![Document {
            id: DocumentId::new("65868"),
            space_key: Some("PAY".into()),
            title: "Settlement runbook".into(),
            url: None,
            author: Some(dana()),
            created_at: at(1),
            updated_at: at(2),
            parent: None,
            labels: vec![],
            versions: vec![],
        }],
    }
}

fn records() -> (
    Arc<EncryptedStore<Arc<MemoryStore>>>,
    RecordStore<Arc<MemoryStore>>,
) {
    let store = Arc::new(EncryptedStore::new(
        Arc::new(MemoryStore::new()),
        Keyring::generate(),
    ));
    let records = RecordStore::new(Arc::clone(&store), TenantId::new("acme"));
    (store, records)
}

#[tokio::test]
async fn batch_round_trips() {
    let (_, records) = records();
    let written = batch();

    let count = records.put_batch(&written).await.expect("stored");
    let loaded = records.load_batch().await.expect("loaded");

    assert_eq!(count, written.len());
    let mut expected = written;
    // Records come back in ascending id order: "acme/payments#42" sorts before "#7".
    expected.pull_requests.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(loaded, expected);
}

#[tokio::test]
async fn records_use_kind_and_stable_id() {
    let (store, records) = records();
    records.put_batch(&batch()).await.expect("stored");

    let page = store
        .inner()
        .scan_prefix(records.namespace(), "", None, 100)
        .await
        .expect("scan");
    let keys: Vec<String> = page.entries.into_iter().map(|(key, _)| key).collect();

    assert!(keys.contains(&"pull_request/acme/payments#42".to_owned()));
    assert!(keys.contains(&"work_item/PAY-12".to_owned()));
    assert!(keys.contains(&"message/C012AB3CD/1700000000.000100".to_owned()));
    assert!(keys.contains(&"account/github:583231".to_owned()));
    assert!(keys.contains(&"transcript/4444AAAiAAAAAiAiAiiAii==".to_owned()));
    assert_eq!(keys.len(), 12);
}

#[tokio::test]
async fn stored_records_are_sealed() {
    let (store, records) = records();
    records.put_batch(&batch()).await.expect("stored");

    let page = store
        .inner()
        .scan_prefix(records.namespace(), "", None, 100)
        .await
        .expect("scan");

    for (key, stored) in page.entries {
        let text = String::from_utf8_lossy(&stored.value);
        assert!(!text.contains("settlement"), "{key} holds plaintext");
        assert!(!text.contains("Settlement"), "{key} holds plaintext");
    }
}

#[tokio::test]
async fn get_put_delete_single_record() {
    let (_, records) = records();

    let first = records.put(&pull_request(42)).await.expect("stored");
    let mut changed = pull_request(42);
    changed.state = PullRequestState::Merged;
    let version = records.put(&changed).await.expect("replaced");

    assert!(version > first, "{version:?} follows {first:?}");
    let loaded: Option<PullRequest> = records.get("acme/payments#42").await.expect("read");
    assert_eq!(loaded, Some(changed));
    assert!(
        records
            .delete::<PullRequest>("acme/payments#42")
            .await
            .expect("deleted")
    );
    let gone: Option<PullRequest> = records.get("acme/payments#42").await.expect("read");
    assert_eq!(gone, None);
}

#[tokio::test]
async fn record_of_wrong_kind_is_codec_error() {
    let (store, records) = records();
    store
        .put(
            records.namespace(),
            "work_item/PAY-99",
            b"{\"salary\":\"confidential-figure\"}".to_vec(),
        )
        .await
        .expect("stored");

    let error = records
        .get::<WorkItem>("PAY-99")
        .await
        .expect_err("wrong shape");

    assert!(matches!(
        error,
        Error::Storage(StorageError::Codec { ref key, operation: "decoded" }) if key == "work_item/PAY-99"
    ));
    assert!(!error.to_string().contains("confidential-figure"));
    assert!(!format!("{error:?}").contains("confidential-figure"));
}

#[tokio::test]
async fn tenants_do_not_see_each_other() {
    let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
    let acme = RecordStore::new(Arc::clone(&store), TenantId::new("acme"));
    let globex = RecordStore::new(Arc::clone(&store), TenantId::new("globex"));

    acme.put_batch(&batch()).await.expect("stored");

    assert!(globex.load_batch().await.expect("loaded").is_empty());
    assert_eq!(globex.get::<WorkItem>("PAY-12").await.expect("read"), None);
}

fn tokens(access: &str) -> OAuthTokens {
    OAuthTokens {
        access_token: SecretString::from(access),
        refresh_token: Some(SecretString::from(REFRESH_TOKEN)),
        expires_at: Some(at(13)),
        scopes: vec!["channels:history".into(), "users:read".into()],
    }
}

fn credentials() -> CredentialStore<MemoryStore> {
    let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
    CredentialStore::new(store, TenantId::new("acme"))
}

#[tokio::test]
async fn credentials_round_trip() {
    let credentials = credentials();

    let version = credentials
        .put("slack-T0001", &tokens(ACCESS_TOKEN))
        .await
        .expect("stored");
    let stored = credentials
        .get("slack-T0001")
        .await
        .expect("read")
        .expect("present");

    assert_eq!(stored.version, version);
    assert_eq!(stored.tokens.access_token.expose_secret(), ACCESS_TOKEN);
    let refresh = stored.tokens.refresh_token.as_ref().expect("refresh token");
    assert_eq!(refresh.expose_secret(), REFRESH_TOKEN);
    assert_eq!(stored.tokens.expires_at, Some(at(13)));
    assert_eq!(stored.tokens.scopes, ["channels:history", "users:read"]);
    assert_eq!(
        credentials
            .get("github-acme")
            .await
            .expect("read")
            .map(|s| s.version),
        None
    );
}

#[tokio::test]
async fn racing_refreshes_keep_newer_token() {
    let credentials = credentials();
    credentials
        .put("slack-T0001", &tokens("old-access"))
        .await
        .expect("stored");
    let first = credentials
        .get("slack-T0001")
        .await
        .expect("read")
        .expect("present");
    let second = credentials
        .get("slack-T0001")
        .await
        .expect("read")
        .expect("present");

    let winner = credentials
        .replace_if_version("slack-T0001", &tokens("access-from-first"), first.version)
        .await
        .expect("first refresh wins");
    let loser = credentials
        .replace_if_version("slack-T0001", &tokens("access-from-second"), second.version)
        .await
        .expect_err("second refresh read a stale version");

    assert!(
        winner > first.version,
        "{winner:?} follows {:?}",
        first.version
    );
    assert!(matches!(loser, Error::Storage(ref error) if error.is_version_conflict()));
    let stored = credentials
        .get("slack-T0001")
        .await
        .expect("read")
        .expect("present");
    assert_eq!(
        stored.tokens.access_token.expose_secret(),
        "access-from-first"
    );
}

#[tokio::test]
async fn deleted_credentials_are_gone() {
    let credentials = credentials();
    credentials
        .put("slack-T0001", &tokens(ACCESS_TOKEN))
        .await
        .expect("stored");

    assert!(credentials.delete("slack-T0001").await.expect("deleted"));
    assert!(!credentials.delete("slack-T0001").await.expect("deleted"));
    let error = credentials
        .replace_if_version("slack-T0001", &tokens("late"), Version(1))
        .await
        .expect_err("deleted");
    assert!(matches!(
        error,
        Error::Storage(StorageError::VersionConflict { actual: None, .. })
    ));
    assert!(
        credentials
            .get("slack-T0001")
            .await
            .expect("read")
            .is_none()
    );
}

#[tokio::test]
async fn credential_store_debug_is_redacted() {
    let credentials = credentials();
    credentials
        .put("slack-T0001", &tokens(ACCESS_TOKEN))
        .await
        .expect("stored");
    let stored = credentials
        .get("slack-T0001")
        .await
        .expect("read")
        .expect("present");

    for debug in [format!("{credentials:?}"), format!("{stored:?}")] {
        assert!(!debug.contains(ACCESS_TOKEN), "{debug}");
        assert!(!debug.contains(REFRESH_TOKEN), "{debug}");
        assert!(!debug.contains("fictional"), "{debug}");
    }
}

#[test]
fn token_debug_is_redacted() {
    let debug = format!("{:?}", tokens(ACCESS_TOKEN));

    assert!(!debug.contains(ACCESS_TOKEN), "{debug}");
    assert!(!debug.contains(REFRESH_TOKEN), "{debug}");
    assert!(!debug.contains("fictional"), "{debug}");
    assert!(debug.contains("REDACTED"), "{debug}");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn sqlite_file_never_holds_token_text() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("tokens.db");
    let sqlite = SqliteStore::open(&path).await.expect("opens");
    let store = Arc::new(EncryptedStore::new(sqlite, Keyring::generate()));
    let credentials = CredentialStore::new(Arc::clone(&store), TenantId::new("acme"));

    credentials
        .put("slack-T0001", &tokens(ACCESS_TOKEN))
        .await
        .expect("stored");
    credentials
        .put("slack-T0002", &tokens(ACCESS_TOKEN))
        .await
        .expect("stored");
    let read = credentials
        .get("slack-T0001")
        .await
        .expect("read")
        .expect("present");
    assert_eq!(read.tokens.access_token.expose_secret(), ACCESS_TOKEN);

    let wal = dir.path().join("tokens.db-wal");
    assert!(
        wal.exists(),
        "WAL mode keeps recent writes in the -wal file"
    );
    let mut files_checked = 0;
    for file in [path.clone(), wal] {
        let bytes = std::fs::read(&file).expect("readable");
        for secret in [ACCESS_TOKEN, REFRESH_TOKEN, "fictional"] {
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "{} holds {secret}",
                file.display()
            );
        }
        files_checked += 1;
    }
    assert_eq!(files_checked, 2);

    // The key names are stored in plaintext, which shows the scan above reads real data.
    let wal_bytes = std::fs::read(dir.path().join("tokens.db-wal")).expect("readable");
    let db_bytes = std::fs::read(&path).expect("readable");
    assert!(contains(&wal_bytes, b"slack-T0001") || contains(&db_bytes, b"slack-T0001"));
}
