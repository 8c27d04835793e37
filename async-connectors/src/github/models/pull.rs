//! Pull requests as `GET /repos/{owner}/{repo}/pulls` lists them.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::user::{User, nullable_user};

/// A pull request from the list endpoint (GitHub's `pull-request-simple`).
///
/// The list endpoint has no `merged` boolean: a pull request is merged when `merged_at` is
/// set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PullRequest {
    /// The global numeric id.
    pub id: u64,
    /// The number within the repository.
    pub number: u64,
    /// `open` or `closed`. Merged pull requests are `closed`.
    pub state: PullRequestState,
    /// The title.
    pub title: String,
    /// The author, or `null` when the account was deleted.
    #[serde(default, deserialize_with = "nullable_user")]
    pub user: Option<User>,
    /// The page a person opens to see the pull request.
    #[serde(default)]
    pub html_url: Option<String>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When anything about it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was closed or merged.
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    /// When it was merged.
    #[serde(default)]
    pub merged_at: Option<DateTime<Utc>>,
    /// Whether it is a draft. The API description marks the field optional.
    #[serde(default)]
    pub draft: Option<bool>,
    /// The branch it merges from.
    pub head: Branch,
    /// The branch it merges into.
    pub base: Branch,
    /// Accounts asked to review that have not reviewed yet.
    #[serde(default)]
    pub requested_reviewers: Option<Vec<User>>,
}

/// One side of a pull request: a branch at a commit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Branch {
    /// The branch name (`feature/PAY-12-retry`).
    #[serde(rename = "ref")]
    pub name: String,
    /// The commit the branch pointed at.
    pub sha: String,
}

/// The `state` of a pull request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum PullRequestState {
    /// Open.
    Open,
    /// Closed, with or without merging.
    Closed,
    /// A state this SDK does not know yet, kept as GitHub sent it.
    Other(String),
}

impl From<String> for PullRequestState {
    fn from(value: String) -> Self {
        match value.as_str() {
            "open" => PullRequestState::Open,
            "closed" => PullRequestState::Closed,
            _ => PullRequestState::Other(value),
        }
    }
}
