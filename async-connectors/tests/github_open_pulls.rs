//! Open pull requests are collected however long ago they were last updated, while closed
//! ones stay limited to the window.

mod common {
    pub(crate) mod github;
}

use async_connectors::github::GitHubSource;
use async_core::model::{PullRequestState, TimeWindow};
use async_core::source::ActivitySource;
use chrono::{DateTime, Duration, Utc};
use common::github::{PULLS_PATH, REPO, client, fixture, open_pulls_query, pulls_query};
use mockito::{Matcher, Mock, ServerGuard};
use serde_json::Value;

/// Returns fixture pull request #56 renumbered, in `state`, created and last updated at
/// `at`, with no reviewers requested.
fn pull_at(number: u64, state: &str, at: DateTime<Utc>) -> Value {
    let page: Vec<Value> =
        serde_json::from_str(&fixture("pulls_page1.json")).expect("fixture is a list");
    let mut pull = page
        .into_iter()
        .find(|pull| pull["number"] == 56)
        .expect("fixture holds #56");
    let stamp = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    pull["number"] = number.into();
    pull["state"] = state.into();
    pull["created_at"] = stamp.clone().into();
    pull["updated_at"] = stamp.clone().into();
    pull["requested_reviewers"] = Value::Array(Vec::new());
    if state == "closed" {
        pull["closed_at"] = stamp.into();
    }
    pull
}

async fn listing(server: &mut ServerGuard, query: Matcher, pulls: &[Value]) -> Mock {
    server
        .mock("GET", PULLS_PATH)
        .match_query(query)
        .with_body(Value::Array(pulls.to_vec()).to_string())
        .expect(1)
        .create_async()
        .await
}

async fn empty_activity(server: &mut ServerGuard, number: u64) -> Vec<Mock> {
    let mut mocks = Vec::new();
    for child in ["reviews", "commits", "comments"] {
        let path = format!("{PULLS_PATH}/{number}/{child}");
        let mock = server.mock("GET", path.as_str()).match_query(Matcher::Any);
        mocks.push(mock.with_body("[]").expect(1).create_async().await);
    }
    mocks
}

#[tokio::test]
async fn idle_open_pull_is_collected() {
    let mut server = mockito::Server::new_async().await;
    let now = Utc::now();
    let window = TimeWindow::new(now - Duration::days(1), now);
    let idle = pull_at(61, "open", now - Duration::days(5));
    let old_closed = pull_at(60, "closed", now - Duration::days(6));
    // The windowed listing stops at its first page: nothing on it changed in the window.
    let all = listing(&mut server, pulls_query(), &[idle.clone(), old_closed]).await;
    let open = listing(&mut server, open_pulls_query(), std::slice::from_ref(&idle)).await;
    let activity = empty_activity(&mut server, 61).await;

    let source = GitHubSource::new(client(&server), [REPO])
        .expect("valid repository")
        .with_profiles(false);
    let batch = source.collect(window).await.expect("collection succeeds");

    let numbers: Vec<u64> = batch.pull_requests.iter().map(|pull| pull.number).collect();
    assert_eq!(numbers, [61]);
    let pull = &batch.pull_requests[0];
    assert_eq!(pull.state, PullRequestState::Open);
    assert!(pull.reviews.is_empty());
    assert!(pull.updated_at < window.start);
    for mock in [all, open].into_iter().chain(activity) {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn open_pull_in_both_listings_is_kept_once() {
    let mut server = mockito::Server::new_async().await;
    let now = Utc::now();
    let window = TimeWindow::new(now - Duration::days(1), now);
    let active = pull_at(62, "open", now - Duration::hours(2));
    listing(&mut server, pulls_query(), std::slice::from_ref(&active)).await;
    listing(&mut server, open_pulls_query(), &[active]).await;
    // `expect(1)` on each activity request proves the duplicate is not read twice.
    let activity = empty_activity(&mut server, 62).await;

    let source = GitHubSource::new(client(&server), [REPO])
        .expect("valid repository")
        .with_profiles(false);
    let batch = source.collect(window).await.expect("collection succeeds");

    let numbers: Vec<u64> = batch.pull_requests.iter().map(|pull| pull.number).collect();
    assert_eq!(numbers, [62]);
    for mock in activity {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn open_pull_opened_after_window_is_skipped() {
    let mut server = mockito::Server::new_async().await;
    let now = Utc::now();
    let window = TimeWindow::new(now - Duration::days(3), now - Duration::days(2));
    let later = pull_at(63, "open", now - Duration::hours(1));
    listing(&mut server, pulls_query(), &[]).await;
    listing(&mut server, open_pulls_query(), &[later]).await;

    let source = GitHubSource::new(client(&server), [REPO])
        .expect("valid repository")
        .with_profiles(false);
    let batch = source.collect(window).await.expect("collection succeeds");

    assert!(batch.pull_requests.is_empty());
}
