//! `SlackSource::collect` against a local mock server.
#![cfg(feature = "slack")]

#[path = "common/slack.rs"]
mod support;

use async_connectors::Error;
use async_connectors::ErrorClass;
use async_connectors::slack::SlackSource;
use async_core::ids::ChannelId;
use async_core::model::{AccountKey, ChatChannel, Provider, TimeWindow};
use async_core::source::ActivitySource;
use chrono::{DateTime, Utc};
use mockito::{Matcher, ServerGuard};
use support::{TOKEN, client, fixture, method_path};

const CHANNEL: &str = "C07ENGINE1";
const THREAD: &str = "1767603600.000200";

fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("valid instant")
}

fn engineering() -> ChatChannel {
    ChatChannel {
        id: ChannelId::new(CHANNEL),
        name: Some("engineering".to_owned()),
        is_private: false,
    }
}

async fn mock_users(server: &mut ServerGuard) {
    let path = method_path("users.list");
    server
        .mock("GET", path.as_str())
        .match_query(Matcher::Regex("^limit=200$".to_owned()))
        .with_body(fixture("users_page1"))
        .create_async()
        .await;
    server
        .mock("GET", path.as_str())
        .match_query(Matcher::UrlEncoded(
            "cursor".to_owned(),
            "dXNlcjpVMDdCT0JCWTAy".to_owned(),
        ))
        .with_body(fixture("users_page2"))
        .create_async()
        .await;
}

async fn mock_history(server: &mut ServerGuard, latest: &str) {
    let path = method_path("conversations.history");
    let window = Matcher::AllOf(vec![
        Matcher::UrlEncoded("channel".to_owned(), CHANNEL.to_owned()),
        // The default thread look-back starts the history seven days before the window.
        Matcher::UrlEncoded("oldest".to_owned(), "1766966400.000000".to_owned()),
        Matcher::UrlEncoded("latest".to_owned(), latest.to_owned()),
        Matcher::UrlEncoded("inclusive".to_owned(), "true".to_owned()),
        Matcher::UrlEncoded("limit".to_owned(), "15".to_owned()),
    ]);
    let pages = [
        (None, "history_page1"),
        (Some("bmV4dF90czoxNzY3NjAzNjAw"), "history_page2"),
        (Some("bmV4dF90czoxNzY3NjAwMDAw"), "history_page3"),
    ];
    for (cursor, name) in pages {
        let cursor = match cursor {
            Some(cursor) => Matcher::UrlEncoded("cursor".to_owned(), cursor.to_owned()),
            None => Matcher::Regex("^[^&]*(&[^c][^&]*)*$".to_owned()),
        };
        server
            .mock("GET", path.as_str())
            .match_query(Matcher::AllOf(vec![window.clone(), cursor]))
            .with_body(fixture(name))
            .expect(1)
            .create_async()
            .await;
    }
}

async fn mock_replies(server: &mut ServerGuard) {
    let path = method_path("conversations.replies");
    let thread = Matcher::AllOf(vec![
        Matcher::UrlEncoded("channel".to_owned(), CHANNEL.to_owned()),
        Matcher::UrlEncoded("ts".to_owned(), THREAD.to_owned()),
    ]);
    server
        .mock("GET", path.as_str())
        .match_query(Matcher::AllOf(vec![
            thread.clone(),
            Matcher::Regex("^channel=C07ENGINE1&ts=1767603600.000200&limit=15$".to_owned()),
        ]))
        .with_body(fixture("replies_page1"))
        .expect(1)
        .create_async()
        .await;
    server
        .mock("GET", path.as_str())
        .match_query(Matcher::AllOf(vec![
            thread,
            Matcher::UrlEncoded("cursor".to_owned(), "cmVwbGllczoxNzY3NjA0MjAw".to_owned()),
        ]))
        .with_body(fixture("replies_page2"))
        .expect(1)
        .create_async()
        .await;
}

#[tokio::test]
async fn collect_reads_members_history_and_threads() {
    let mut server = mockito::Server::new_async().await;
    mock_users(&mut server).await;
    mock_history(&mut server, "1767657600.000000").await;
    mock_replies(&mut server).await;
    let source = SlackSource::new(client(&server), [engineering()]).page_size(15);

    let batch = source
        .collect(TimeWindow::new(
            instant(1_767_571_200),
            instant(1_767_657_600),
        ))
        .await
        .expect("collect succeeds");

    assert_eq!(source.provider(), Provider::Slack);
    assert_eq!(batch.channels, vec![engineering()]);
    assert_eq!(batch.accounts.len(), 3);
    let ids: Vec<&str> = batch
        .messages
        .iter()
        .map(|message| message.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "C07ENGINE1/1767607200.000300",
            "C07ENGINE1/1767603600.000200",
            "C07ENGINE1/1767600000.000100",
            "C07ENGINE1/1767596400.000100",
            "C07ENGINE1/1767604200.000300",
            "C07ENGINE1/1767607800.000400",
            "C07ENGINE1/1767610800.000500",
        ]
    );
    let replies = batch
        .messages
        .iter()
        .filter(|message| message.is_reply())
        .count();
    assert_eq!(replies, 3);
    let bob = AccountKey::new(Provider::Slack, "U07BOBBY02");
    assert_eq!(batch.messages[4].author.as_ref(), Some(&bob));
    assert_eq!(batch.messages[0].author, None);

    let logs = support::logs().text();
    assert!(logs.contains("collected Slack activity"), "{logs}");
    assert!(!logs.contains("ledger"), "message text in logs: {logs}");
    assert!(!logs.contains(TOKEN), "token in logs: {logs}");
}

#[tokio::test]
async fn collect_drops_replies_after_window_end() {
    let mut server = mockito::Server::new_async().await;
    mock_users(&mut server).await;
    mock_history(&mut server, "1767610000.000000").await;
    mock_replies(&mut server).await;
    let source = SlackSource::new(client(&server), [engineering()]).page_size(15);

    let batch = source
        .collect(TimeWindow::new(
            instant(1_767_571_200),
            instant(1_767_610_000),
        ))
        .await
        .expect("collect succeeds");

    let late = batch
        .messages
        .iter()
        .any(|message| message.ts == "1767610800.000500");
    assert!(!late, "a reply after the window end was kept");
    assert_eq!(batch.messages.len(), 6);
}

#[tokio::test]
async fn collect_keeps_broadcast_reply_once() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", method_path("users.list").as_str())
        .match_query(Matcher::Any)
        .with_body(r#"{"ok":true,"members":[],"response_metadata":{"next_cursor":""}}"#)
        .create_async()
        .await;
    let parent = r#"{"type":"message","user":"U1","text":"p","ts":"100.000001","thread_ts":"100.000001","reply_count":1}"#;
    let broadcast = r#"{"type":"message","subtype":"thread_broadcast","user":"U2","text":"r","ts":"200.000002","thread_ts":"100.000001"}"#;
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::Any)
        .with_body(format!(
            r#"{{"ok":true,"messages":[{broadcast},{parent}],"has_more":false}}"#
        ))
        .create_async()
        .await;
    server
        .mock("GET", method_path("conversations.replies").as_str())
        .match_query(Matcher::Any)
        .with_body(format!(
            r#"{{"ok":true,"messages":[{parent},{broadcast}]}}"#
        ))
        .expect(1)
        .create_async()
        .await;
    let source = SlackSource::new(client(&server), [engineering()]);

    let batch = source
        .collect(TimeWindow::new(instant(0), instant(1_000)))
        .await
        .expect("collect succeeds");

    let timestamps: Vec<&str> = batch
        .messages
        .iter()
        .map(|message| message.ts.as_str())
        .collect();
    assert_eq!(timestamps, ["200.000002", "100.000001"]);
}

#[tokio::test]
async fn collect_fails_when_bot_is_not_in_channel() {
    let mut server = mockito::Server::new_async().await;
    mock_users(&mut server).await;
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::Any)
        .with_body(r#"{"ok":false,"error":"not_in_channel"}"#)
        .create_async()
        .await;
    let source = SlackSource::new(client(&server), [engineering()]);

    let error = source
        .collect(TimeWindow::new(
            instant(1_767_571_200),
            instant(1_767_657_600),
        ))
        .await
        .expect_err("not_in_channel");

    match error {
        Error::Api(api) => {
            assert_eq!(api.class, ErrorClass::Forbidden);
            assert_eq!(api.code.as_deref(), Some("not_in_channel"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn collect_rejects_malformed_ts() {
    let mut server = mockito::Server::new_async().await;
    mock_users(&mut server).await;
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::Any)
        .with_body(r#"{"ok":true,"messages":[{"type":"message","user":"U1","ts":"1.5.6"}]}"#)
        .create_async()
        .await;
    let source = SlackSource::new(client(&server), [engineering()]);

    let error = source
        .collect(TimeWindow::new(instant(0), instant(1_000)))
        .await
        .expect_err("malformed ts");

    assert!(
        matches!(&error, Error::Decode { endpoint, .. } if endpoint == "conversations.history"),
        "{error:?}"
    );
}
