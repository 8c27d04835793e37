//! Conversion of wire models into the `async-core` domain model.

use std::collections::BTreeMap;

use async_core::ids::{CommitSha, PullRequestId, RepositoryId, ReviewCommentId, ReviewId};
use async_core::model::{self, AccountKey, Provider, ProviderAccount, PullRequestState};

use super::models::{self as wire, User, UserType};
use super::repo::RepoName;
use super::work_items::collect_keys;

/// A pull request together with everything read about it.
#[derive(Debug, Clone)]
pub struct PullRequestActivity {
    /// The pull request from the list endpoint.
    pub pull: wire::PullRequest,
    /// Its reviews.
    pub reviews: Vec<wire::Review>,
    /// Its review comments.
    pub review_comments: Vec<wire::ReviewComment>,
    /// Its commits.
    pub commits: Vec<wire::Commit>,
}

/// Returns the domain key of a GitHub account: its numeric id, which survives renames.
pub fn account_key(user: &User) -> AccountKey {
    AccountKey::new(Provider::GitHub, user.id.to_string())
}

/// Converts a pull request of `repo` and its activity into the domain model.
///
/// The id is `owner/repo#number` and the state is `Merged` whenever `merged_at` is set.
/// Work item keys come from the title and the head branch. Review comment bodies are not kept.
pub fn pull_request(repo: &RepoName, activity: &PullRequestActivity) -> model::PullRequest {
    let pull = &activity.pull;
    let mut work_items = Vec::new();
    collect_keys(&pull.title, &mut work_items);
    collect_keys(&pull.head.name, &mut work_items);

    let mut review_comments: Vec<_> = activity
        .review_comments
        .iter()
        .map(review_comment)
        .collect();
    review_comments.sort_by_key(|comment| comment.created_at);

    model::PullRequest {
        id: PullRequestId::new(format!("{repo}#{}", pull.number)),
        repository: RepositoryId::new(repo.to_string()),
        number: pull.number,
        title: pull.title.clone(),
        url: pull.html_url.clone(),
        author: pull.user.as_ref().map(account_key),
        state: state(pull),
        is_draft: pull.draft.unwrap_or(false),
        created_at: pull.created_at,
        updated_at: pull.updated_at,
        closed_at: pull.closed_at,
        merged_at: pull.merged_at,
        base_branch: Some(pull.base.name.clone()),
        head_branch: Some(pull.head.name.clone()),
        requested_reviewers: pull
            .requested_reviewers
            .iter()
            .flatten()
            .map(account_key)
            .collect(),
        reviews: activity.reviews.iter().map(review).collect(),
        review_comments,
        commits: activity.commits.iter().map(commit).collect(),
        work_items,
    }
}

fn state(pull: &wire::PullRequest) -> PullRequestState {
    if pull.merged_at.is_some() {
        return PullRequestState::Merged;
    }
    match pull.state {
        wire::PullRequestState::Open => PullRequestState::Open,
        wire::PullRequestState::Closed => PullRequestState::Closed,
        // An unknown state is judged by `closed_at`, the one field that records closing.
        wire::PullRequestState::Other(_) if pull.closed_at.is_some() => PullRequestState::Closed,
        wire::PullRequestState::Other(_) => PullRequestState::Open,
    }
}

fn review(review: &wire::Review) -> model::Review {
    let state = match &review.state {
        wire::ReviewState::Approved => model::ReviewState::Approved,
        wire::ReviewState::ChangesRequested => model::ReviewState::ChangesRequested,
        wire::ReviewState::Commented => model::ReviewState::Commented,
        wire::ReviewState::Dismissed => model::ReviewState::Dismissed,
        wire::ReviewState::Pending => model::ReviewState::Pending,
        wire::ReviewState::Other(other) => model::ReviewState::Other(other.clone()),
    };
    model::Review {
        id: ReviewId::new(review.id.to_string()),
        reviewer: review.user.as_ref().map(account_key),
        state,
        submitted_at: review.submitted_at,
    }
}

fn review_comment(comment: &wire::ReviewComment) -> model::ReviewComment {
    model::ReviewComment {
        id: ReviewCommentId::new(comment.id.to_string()),
        author: comment.user.as_ref().map(account_key),
        review_id: comment
            .pull_request_review_id
            .map(|id| ReviewId::new(id.to_string())),
        in_reply_to: comment
            .in_reply_to_id
            .map(|id| ReviewCommentId::new(id.to_string())),
        path: comment.path.clone(),
        created_at: comment.created_at,
    }
}

fn commit(commit: &wire::Commit) -> model::Commit {
    let git = &commit.commit;
    let author_email = git
        .author
        .as_ref()
        .and_then(|author| author.email.clone())
        .filter(|email| !email.trim().is_empty());
    model::Commit {
        sha: CommitSha::new(commit.sha.clone()),
        author: commit.author.as_ref().map(account_key),
        author_email,
        authored_at: git.author.as_ref().and_then(|author| author.date),
        committed_at: git.committer.as_ref().and_then(|committer| committer.date),
        headline: git.message.lines().next().unwrap_or_default().to_owned(),
    }
}

/// The accounts seen while collecting, one record per account id.
#[derive(Debug, Clone, Default)]
pub struct AccountSet {
    accounts: BTreeMap<u64, ProviderAccount>,
}

impl AccountSet {
    /// Creates an empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every account a pull request's activity mentions.
    pub fn add_activity(&mut self, activity: &PullRequestActivity) {
        let pull = &activity.pull;
        pull.user.iter().for_each(|user| self.add(user));
        pull.requested_reviewers
            .iter()
            .flatten()
            .for_each(|user| self.add(user));
        activity
            .reviews
            .iter()
            .filter_map(|review| review.user.as_ref())
            .for_each(|user| self.add(user));
        activity
            .review_comments
            .iter()
            .filter_map(|comment| comment.user.as_ref())
            .for_each(|user| self.add(user));
        for commit in &activity.commits {
            commit
                .author
                .iter()
                .chain(&commit.committer)
                .for_each(|user| self.add(user));
        }
    }

    /// Adds an account, or fills in the fields an earlier sighting lacked (a profile from
    /// `GET /users/{login}` carries the name and public e-mail that listings omit).
    pub fn add(&mut self, user: &User) {
        let account = self
            .accounts
            .entry(user.id)
            .or_insert_with(|| ProviderAccount::new(account_key(user)));
        account.login = Some(user.login.clone());
        account.is_bot |= user.kind == UserType::Bot;
        if user.name.is_some() {
            account.display_name = user.name.clone();
        }
        if let Some(email) = user.email.as_ref().filter(|email| !email.trim().is_empty()) {
            account.email = Some(email.clone());
        }
    }

    /// Returns the logins of the accounts in the set, in account id order.
    pub fn logins(&self) -> Vec<String> {
        self.accounts
            .values()
            .filter_map(|account| account.login.clone())
            .collect()
    }

    /// Returns the number of accounts in the set.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    /// Returns whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Returns the accounts in account id order.
    pub fn into_accounts(self) -> Vec<ProviderAccount> {
        self.accounts.into_values().collect()
    }
}
