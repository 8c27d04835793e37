//! `SlackSource::collect` reads the in-window replies of threads started before the window
//! and keeps those threads' first messages as context.
#![cfg(feature = "slack")]

#[path = "common/slack.rs"]
mod support;

use std::time::Duration;

use async_connectors::slack::SlackSource;
use async_core::ids::ChannelId;
use async_core::model::{ActivityBatch, ChatChannel, ChatMessage, TimeWindow};
use async_core::source::ActivitySource;
use chrono::DateTime;
use mockito::{Matcher, Mock, ServerGuard};
use support::{client, method_path};

const CHANNEL: &str = "C07ENGINE1";

/// The window: 5 January 2026, 00:00 to 24:00 UTC.
const START: i64 = 1_767_571_200;
const END: i64 = START + 86_400;
const DAY: i64 = 86_400;

/// A thread started two days before the window whose newest reply is a blocker inside it.
const BLOCKED_THREAD: i64 = START - 2 * DAY;
/// A thread started three days before the window, resolved by a reply inside it.
const RESOLVED_THREAD: i64 = START - 3 * DAY;
/// A thread started four days before the window whose replies all predate it.
const QUIET_THREAD: i64 = START - 4 * DAY;

fn ts(seconds: i64) -> String {
    format!("{seconds}.000100")
}

fn message(seconds: i64, user: &str, text: &str) -> String {
    format!(
        r#"{{"type":"message","user":"{user}","text":"{text}","ts":"{}"}}"#,
        ts(seconds)
    )
}

fn parent(seconds: i64, user: &str, text: &str, latest_reply: i64) -> String {
    let ts = ts(seconds);
    format!(
        r#"{{"type":"message","user":"{user}","text":"{text}","ts":"{ts}","thread_ts":"{ts}","reply_count":2,"reply_users_count":1,"latest_reply":"{}"}}"#,
        self::ts(latest_reply)
    )
}

fn reply(seconds: i64, thread: i64, user: &str, text: &str) -> String {
    format!(
        r#"{{"type":"message","user":"{user}","text":"{text}","ts":"{}","thread_ts":"{}","parent_user_id":"U07ADA0001"}}"#,
        ts(seconds),
        ts(thread)
    )
}

fn engineering() -> ChatChannel {
    ChatChannel {
        id: ChannelId::new(CHANNEL),
        name: Some("engineering".to_owned()),
        is_private: false,
    }
}

async fn mock_users(server: &mut ServerGuard) {
    server
        .mock("GET", method_path("users.list").as_str())
        .match_query(Matcher::Any)
        .with_body(r#"{"ok":true,"members":[],"response_metadata":{"next_cursor":""}}"#)
        .create_async()
        .await;
}

/// Serves the channel history from `oldest`, newest first, as Slack orders it.
async fn mock_history(server: &mut ServerGuard, oldest: i64) -> Mock {
    let messages = [
        message(START + 3_600, "U07BOBBY02", "deploying the ledger fix"),
        message(START - DAY, "U07BOBBY02", "old chatter"),
        parent(
            BLOCKED_THREAD,
            "U07ADA0001",
            "refund retries",
            START + 7_200,
        ),
        parent(
            RESOLVED_THREAD,
            "U07ADA0001",
            "I'm blocked on PAY-7",
            START + 10_800,
        ),
        parent(QUIET_THREAD, "U07ADA0001", "schema question", START - DAY),
    ];
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("channel".to_owned(), CHANNEL.to_owned()),
            Matcher::UrlEncoded("oldest".to_owned(), format!("{oldest}.000000")),
            Matcher::UrlEncoded("latest".to_owned(), format!("{END}.000000")),
        ]))
        .with_body(format!(
            r#"{{"ok":true,"messages":[{}],"has_more":false}}"#,
            messages.join(",")
        ))
        .expect(1)
        .create_async()
        .await
}

async fn mock_replies(
    server: &mut ServerGuard,
    thread: i64,
    replies: &[String],
    hits: usize,
) -> Mock {
    server
        .mock("GET", method_path("conversations.replies").as_str())
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("channel".to_owned(), CHANNEL.to_owned()),
            Matcher::UrlEncoded("ts".to_owned(), ts(thread)),
        ]))
        .with_body(format!(
            r#"{{"ok":true,"messages":[{}],"has_more":false}}"#,
            replies.join(",")
        ))
        .expect(hits)
        .create_async()
        .await
}

/// Serves the three threads and returns their mocks: blocked, resolved, quiet.
async fn mock_threads(server: &mut ServerGuard) -> [Mock; 3] {
    let blocked = [
        parent(
            BLOCKED_THREAD,
            "U07ADA0001",
            "refund retries",
            START + 7_200,
        ),
        reply(
            BLOCKED_THREAD + 600,
            BLOCKED_THREAD,
            "U07ADA0001",
            "looking",
        ),
        reply(
            START + 7_200,
            BLOCKED_THREAD,
            "U07ADA0001",
            "I'm blocked on the ledger API",
        ),
    ];
    let resolved = [
        parent(
            RESOLVED_THREAD,
            "U07ADA0001",
            "I'm blocked on PAY-7",
            START + 10_800,
        ),
        reply(
            RESOLVED_THREAD + 600,
            RESOLVED_THREAD,
            "U07BOBBY02",
            "on it",
        ),
        reply(
            START + 10_800,
            RESOLVED_THREAD,
            "U07ADA0001",
            "unblocked now, thanks",
        ),
    ];
    // The quiet thread's newest reply predates the window, so it must never be read.
    [
        mock_replies(server, BLOCKED_THREAD, &blocked, 1).await,
        mock_replies(server, RESOLVED_THREAD, &resolved, 1).await,
        mock_replies(server, QUIET_THREAD, &[], 0).await,
    ]
}

async fn collect(source: &SlackSource) -> ActivityBatch {
    source
        .collect(TimeWindow::new(
            DateTime::from_timestamp(START, 0).expect("valid instant"),
            DateTime::from_timestamp(END, 0).expect("valid instant"),
        ))
        .await
        .expect("collect succeeds")
}

fn find(batch: &ActivityBatch, seconds: i64) -> Option<&ChatMessage> {
    batch
        .messages
        .iter()
        .find(|message| message.ts == ts(seconds))
}

#[tokio::test]
async fn older_thread_reply_is_collected() {
    let mut server = mockito::Server::new_async().await;
    mock_users(&mut server).await;
    let history = mock_history(&mut server, START - 7 * DAY).await;
    let threads = mock_threads(&mut server).await;

    let batch = collect(&SlackSource::new(client(&server), [engineering()])).await;

    let blocker = find(&batch, START + 7_200).expect("in-window blocker reply kept");
    assert!(blocker.is_reply());
    assert_eq!(
        blocker.thread_ts.as_deref(),
        Some(ts(BLOCKED_THREAD).as_str())
    );
    let resolution = find(&batch, START + 10_800).expect("in-window resolution kept");
    assert!(resolution.is_reply());
    assert!(
        find(&batch, START + 3_600).is_some(),
        "in-window message kept"
    );
    history.assert_async().await;
    for thread in threads {
        thread.assert_async().await;
    }
}

#[tokio::test]
async fn older_thread_parents_are_context() {
    let mut server = mockito::Server::new_async().await;
    mock_users(&mut server).await;
    mock_history(&mut server, START - 7 * DAY).await;
    mock_threads(&mut server).await;

    let batch = collect(&SlackSource::new(client(&server), [engineering()])).await;

    for thread in [BLOCKED_THREAD, RESOLVED_THREAD] {
        let parent = find(&batch, thread).expect("parent kept as context");
        assert!(!parent.is_reply());
        assert_eq!(parent.reply_count, 2);
        let start = DateTime::from_timestamp(START, 0).expect("valid instant");
        assert!(parent.posted_at < start, "context keeps its real time");
    }
    assert!(find(&batch, QUIET_THREAD).is_none(), "quiet thread dropped");
    assert!(find(&batch, START - DAY).is_none(), "old message dropped");
    let early_reply = find(&batch, BLOCKED_THREAD + 600);
    assert!(early_reply.is_none(), "reply before the window dropped");
    assert_eq!(batch.messages.len(), 5);
}

#[tokio::test]
async fn zero_lookback_reads_window_only() {
    let mut server = mockito::Server::new_async().await;
    mock_users(&mut server).await;
    let history = server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::UrlEncoded(
            "oldest".to_owned(),
            format!("{START}.000000"),
        ))
        .with_body(format!(
            r#"{{"ok":true,"messages":[{}],"has_more":false}}"#,
            message(START + 3_600, "U07BOBBY02", "deploying the ledger fix")
        ))
        .expect(1)
        .create_async()
        .await;
    let source = SlackSource::new(client(&server), [engineering()]).thread_lookback(Duration::ZERO);

    let batch = collect(&source).await;

    assert_eq!(batch.messages.len(), 1);
    history.assert_async().await;
}
