//! Cursor pagination of the Slack read methods against a local mock server.
#![cfg(feature = "slack")]

#[path = "common/slack.rs"]
mod support;

use async_connectors::slack::{HistoryRequest, RepliesRequest, UsersListRequest};
use futures::TryStreamExt;
use mockito::Matcher;
use support::{BEARER, client, fixture, method_path};

fn query(pairs: &[(&str, &str)]) -> Matcher {
    let matchers = pairs
        .iter()
        .map(|(name, value)| Matcher::UrlEncoded((*name).to_owned(), (*value).to_owned()))
        .collect();
    Matcher::AllOf(matchers)
}

#[tokio::test]
async fn history_follows_cursors_across_empty_page() {
    let mut server = mockito::Server::new_async().await;
    let path = method_path("conversations.history");
    let base = [("channel", "C07ENGINE1"), ("limit", "2")];
    let first = server
        .mock("GET", path.as_str())
        .match_header("authorization", BEARER)
        .match_query(Matcher::AllOf(vec![
            query(&base),
            Matcher::Regex("^channel=C07ENGINE1&limit=2$".to_owned()),
        ]))
        .with_body(fixture("history_page1"))
        .expect(1)
        .create_async()
        .await;
    let empty = server
        .mock("GET", path.as_str())
        .match_query(query(&[
            ("channel", "C07ENGINE1"),
            ("cursor", "bmV4dF90czoxNzY3NjAzNjAw"),
        ]))
        .with_body(fixture("history_page2"))
        .expect(1)
        .create_async()
        .await;
    let last = server
        .mock("GET", path.as_str())
        .match_query(query(&[
            ("channel", "C07ENGINE1"),
            ("cursor", "bmV4dF90czoxNzY3NjAwMDAw"),
        ]))
        .with_body(fixture("history_page3"))
        .expect(1)
        .create_async()
        .await;
    let slack = client(&server);

    let messages: Vec<_> = slack
        .conversations_history_stream(HistoryRequest::new("C07ENGINE1").limit(2))
        .try_collect()
        .await
        .expect("all pages load");

    let timestamps: Vec<&str> = messages.iter().map(|message| message.ts.as_str()).collect();
    assert_eq!(
        timestamps,
        [
            "1767607200.000300",
            "1767603600.000200",
            "1767600000.000100",
            "1767596400.000100"
        ]
    );
    first.assert_async().await;
    empty.assert_async().await;
    // The last page has `has_more: true` and an empty cursor, and the empty cursor ends it.
    last.assert_async().await;
}

#[tokio::test]
async fn history_page_reports_next_cursor() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(query(&[
            ("channel", "C07ENGINE1"),
            ("oldest", "1767571200.000000"),
            ("latest", "1767657600.000000"),
            ("inclusive", "true"),
        ]))
        .with_body(fixture("history_page1"))
        .create_async()
        .await;
    let request = HistoryRequest::new("C07ENGINE1")
        .oldest("1767571200.000000")
        .latest("1767657600.000000")
        .inclusive(true);

    let page = client(&server)
        .conversations_history(&request)
        .await
        .expect("page loads");

    assert_eq!(page.items.len(), 2);
    assert_eq!(page.next.as_deref(), Some("bmV4dF90czoxNzY3NjAzNjAw"));
    let bot = &page.items[0];
    assert!(bot.is_bot());
    assert_eq!(bot.user, None);
    assert!(page.items[1].has_replies());
}

#[tokio::test]
async fn history_query_encodes_channel_argument() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("GET", method_path("conversations.history").as_str())
        .match_query(Matcher::Regex(
            r"^channel=C1%26limit%3D1000%23x$".to_owned(),
        ))
        .with_body(fixture("history_page3"))
        .create_async()
        .await;

    let page = client(&server)
        .conversations_history(&HistoryRequest::new("C1&limit=1000#x"))
        .await
        .expect("page loads");

    assert_eq!(page.next, None);
    mock.assert_async().await;
}

#[tokio::test]
async fn replies_span_two_pages_without_parent() {
    let mut server = mockito::Server::new_async().await;
    let path = method_path("conversations.replies");
    let thread = [("channel", "C07ENGINE1"), ("ts", "1767603600.000200")];
    let first = server
        .mock("GET", path.as_str())
        .match_header("authorization", BEARER)
        .match_query(Matcher::AllOf(vec![
            query(&thread),
            Matcher::Regex("^channel=C07ENGINE1&ts=1767603600.000200$".to_owned()),
        ]))
        .with_body(fixture("replies_page1"))
        .expect(1)
        .create_async()
        .await;
    let second = server
        .mock("GET", path.as_str())
        .match_query(Matcher::AllOf(vec![
            query(&thread),
            query(&[("cursor", "cmVwbGllczoxNzY3NjA0MjAw")]),
        ]))
        .with_body(fixture("replies_page2"))
        .expect(1)
        .create_async()
        .await;

    let replies: Vec<_> = client(&server)
        .conversations_replies_stream(RepliesRequest::new("C07ENGINE1", "1767603600.000200"))
        .try_collect()
        .await
        .expect("thread loads");

    let timestamps: Vec<&str> = replies.iter().map(|reply| reply.ts.as_str()).collect();
    assert_eq!(
        timestamps,
        [
            "1767604200.000300",
            "1767607800.000400",
            "1767610800.000500"
        ]
    );
    assert!(
        replies
            .iter()
            .all(|reply| reply.parent_user_id.as_deref() == Some("U07ALICE01"))
    );
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn users_list_reads_every_page() {
    let mut server = mockito::Server::new_async().await;
    let path = method_path("users.list");
    let first = server
        .mock("GET", path.as_str())
        .match_query(Matcher::Regex("^limit=200$".to_owned()))
        .with_body(fixture("users_page1"))
        .expect(1)
        .create_async()
        .await;
    let second = server
        .mock("GET", path.as_str())
        .match_query(query(&[
            ("limit", "200"),
            ("cursor", "dXNlcjpVMDdCT0JCWTAy"),
        ]))
        .with_body(fixture("users_page2"))
        .expect(1)
        .create_async()
        .await;

    let users: Vec<_> = client(&server)
        .users_list_stream(UsersListRequest::new().limit(200))
        .try_collect()
        .await
        .expect("members load");

    let accounts: Vec<_> = users.iter().map(|user| user.to_account()).collect();
    assert_eq!(accounts.len(), 3);
    assert_eq!(accounts[0].email.as_deref(), Some("Alice@Example.com"));
    assert_eq!(accounts[0].display_name.as_deref(), Some("alice.e"));
    assert_eq!(accounts[0].time_zone.as_deref(), Some("Europe/Berlin"));
    assert!(accounts[1].is_bot);
    assert_eq!(accounts[1].email, None);
    assert!(accounts[2].is_deleted);
    assert_eq!(accounts[2].display_name.as_deref(), Some("Bobby Sample"));
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn empty_listing_ends_after_one_call() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("GET", method_path("users.list").as_str())
        .with_body(r#"{"ok":true,"members":[],"response_metadata":{"next_cursor":""}}"#)
        .expect(1)
        .create_async()
        .await;

    let users: Vec<_> = client(&server)
        .users_list_stream(UsersListRequest::new())
        .try_collect()
        .await
        .expect("empty listing loads");

    assert!(users.is_empty());
    mock.assert_async().await;
}
