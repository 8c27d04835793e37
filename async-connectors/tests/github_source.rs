//! `GitHubSource::collect` end to end against a mock GitHub: listing, activity, profiles,
//! and conversion into the domain model.

mod common {
    pub(crate) mod github;
}

use async_connectors::github::GitHubSource;
use async_core::ids::{AccountId, WorkItemKey};
use async_core::model::{
    AccountKey, ActivityBatch, Provider, PullRequest, PullRequestState, ReviewState,
};
use async_core::source::ActivitySource;
use common::github::{REPO, at, client, serve_collection, window};
use mockito::ServerGuard;

fn github(id: &str) -> AccountKey {
    AccountKey::new(Provider::GitHub, id)
}

async fn collect(server: &ServerGuard) -> ActivityBatch {
    let source = GitHubSource::new(client(server), [REPO]).expect("valid repository");
    source.collect(window()).await.expect("collection succeeds")
}

fn pull(batch: &ActivityBatch, number: u64) -> &PullRequest {
    batch
        .pull_requests
        .iter()
        .find(|pull| pull.number == number)
        .unwrap_or_else(|| panic!("pull request #{number} collected"))
}

#[tokio::test]
async fn collect_lists_pulls_in_window() {
    let mut server = mockito::Server::new_async().await;
    let mocks = serve_collection(&mut server).await;

    let batch = collect(&server).await;

    let numbers: Vec<u64> = batch.pull_requests.iter().map(|pull| pull.number).collect();
    assert_eq!(numbers, [57, 56, 55]);
    for mock in mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn merged_pull_request_converts() {
    let mut server = mockito::Server::new_async().await;
    serve_collection(&mut server).await;

    let batch = collect(&server).await;
    let merged = pull(&batch, 57);

    assert_eq!(merged.id.as_str(), "octo-org/payments#57");
    assert_eq!(merged.repository.as_str(), "octo-org/payments");
    assert_eq!(merged.state, PullRequestState::Merged);
    assert_eq!(merged.author, Some(github("5101")));
    assert_eq!(merged.merged_at, Some(at("2026-11-06T16:30:00Z")));
    assert_eq!(
        merged.head_branch.as_deref(),
        Some("feature/PAY-12-retry-refunds")
    );
    assert_eq!(merged.work_items, [WorkItemKey::new("PAY-12")]);
    assert_eq!(merged.requested_reviewers, [github("5190")]);
}

#[tokio::test]
async fn reviews_keep_deleted_and_pending() {
    let mut server = mockito::Server::new_async().await;
    serve_collection(&mut server).await;

    let batch = collect(&server).await;
    let reviews = &pull(&batch, 57).reviews;

    let states: Vec<&ReviewState> = reviews.iter().map(|review| &review.state).collect();
    assert_eq!(
        states,
        [
            &ReviewState::ChangesRequested,
            &ReviewState::Commented,
            &ReviewState::Approved,
            &ReviewState::Pending
        ]
    );
    assert_eq!(reviews[0].reviewer, Some(github("5102")));
    assert_eq!(reviews[1].reviewer, None, "deleted reviewer");
    assert_eq!(reviews[3].submitted_at, None, "pending review");
    assert_eq!(
        pull(&batch, 57).first_review_at(),
        Some(at("2026-11-04T09:15:00Z"))
    );
}

#[tokio::test]
async fn comments_and_commits_convert() {
    let mut server = mockito::Server::new_async().await;
    serve_collection(&mut server).await;

    let batch = collect(&server).await;
    let merged = pull(&batch, 57);

    let comment_ids: Vec<&str> = merged
        .review_comments
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(comment_ids, ["8001", "8002", "8003"], "creation order");
    assert_eq!(
        merged.review_comments[1]
            .in_reply_to
            .as_ref()
            .map(|id| id.as_str()),
        Some("8001")
    );
    assert_eq!(merged.review_comments[2].author, None, "deleted commenter");

    let linked = &merged.commits[0];
    assert_eq!(linked.author, Some(github("5101")));
    assert_eq!(linked.author_email.as_deref(), Some("ada@payments.example"));
    assert_eq!(linked.headline, "Retry failed refunds");
    let unlinked = &merged.commits[1];
    assert_eq!(unlinked.author, None, "empty author object");
    assert_eq!(unlinked.author_email, None, "empty e-mail");
    assert_eq!(unlinked.authored_at, Some(at("2026-11-05T14:00:00Z")));
}

#[tokio::test]
async fn deleted_author_and_draft_convert() {
    let mut server = mockito::Server::new_async().await;
    serve_collection(&mut server).await;

    let batch = collect(&server).await;
    let orphan = pull(&batch, 56);
    let draft = pull(&batch, 55);

    assert_eq!(orphan.author, None);
    assert_eq!(orphan.state, PullRequestState::Open);
    assert!(!orphan.is_draft, "absent draft means not a draft");
    assert!(orphan.work_items.is_empty());
    assert!(draft.is_draft);
    assert_eq!(draft.work_items, [WorkItemKey::new("OPS2-7")]);
}

#[tokio::test]
async fn accounts_carry_profiles() {
    let mut server = mockito::Server::new_async().await;
    serve_collection(&mut server).await;

    let batch = collect(&server).await;

    let ids: Vec<&AccountId> = batch.accounts.iter().map(|a| &a.key.account_id).collect();
    assert_eq!(
        ids,
        ["5101", "5102", "5190", "19864447"]
            .map(AccountId::new)
            .iter()
            .collect::<Vec<_>>()
    );
    let ada = &batch.accounts[0];
    assert_eq!(ada.login.as_deref(), Some("ada-dev"));
    assert_eq!(ada.display_name.as_deref(), Some("Ada Dev"));
    assert_eq!(ada.email.as_deref(), Some("ada@payments.example"));
    assert!(!ada.is_bot);
    assert!(batch.accounts[2].is_bot, "Bot type");
    assert_eq!(batch.accounts[3].login.as_deref(), Some("web-flow"));
    assert_eq!(batch.accounts[3].display_name, None);
}
