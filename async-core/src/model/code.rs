//! Pull requests, reviews, review comments and commits.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AccountKey;
use crate::ids::{CommitSha, PullRequestId, RepositoryId, ReviewCommentId, ReviewId, WorkItemKey};

/// The lifecycle state of a pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PullRequestState {
    /// Open, whether draft or ready for review.
    Open,
    /// Closed without merging.
    Closed,
    /// Merged.
    Merged,
}

/// A pull request with its reviews, review comments and commits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    /// The pull request's id, unique across repositories.
    pub id: PullRequestId,
    /// The repository, as `owner/name`.
    pub repository: RepositoryId,
    /// The number within the repository.
    pub number: u64,
    /// The title.
    pub title: String,
    /// The page a person opens to see the pull request.
    pub url: Option<String>,
    /// The author's account; `None` when the provider reports a deleted user.
    pub author: Option<AccountKey>,
    /// Whether it is open, closed or merged.
    pub state: PullRequestState,
    /// Whether it is a draft.
    pub is_draft: bool,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When anything about it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was closed or merged.
    pub closed_at: Option<DateTime<Utc>>,
    /// When it was merged.
    pub merged_at: Option<DateTime<Utc>>,
    /// The branch it merges into.
    pub base_branch: Option<String>,
    /// The branch it merges from.
    pub head_branch: Option<String>,
    /// Accounts asked to review and not yet reviewed.
    pub requested_reviewers: Vec<AccountKey>,
    /// Reviews in submission order.
    pub reviews: Vec<Review>,
    /// Review comments in creation order. Bodies are not kept.
    pub review_comments: Vec<ReviewComment>,
    /// Commits in the pull request.
    pub commits: Vec<Commit>,
    /// Work item keys mentioned in the title or branch (`PAY-12`).
    pub work_items: Vec<WorkItemKey>,
}

impl PullRequest {
    /// Returns when the first review from someone other than the author was submitted.
    pub fn first_review_at(&self) -> Option<DateTime<Utc>> {
        self.reviews
            .iter()
            .filter(|review| review.reviewer.is_some() && review.reviewer != self.author)
            .filter_map(|review| review.submitted_at)
            .min()
    }
}

/// The verdict of a review.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Approved the change.
    Approved,
    /// Asked for changes.
    ChangesRequested,
    /// Commented without a verdict.
    Commented,
    /// Dismissed after submission.
    Dismissed,
    /// Started but not yet submitted.
    Pending,
    /// A state this SDK does not know yet, kept as the provider sent it.
    Other(String),
}

/// A review of a pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// The provider's id for the review.
    pub id: ReviewId,
    /// The reviewer; `None` for a deleted user.
    pub reviewer: Option<AccountKey>,
    /// The verdict.
    pub state: ReviewState,
    /// When it was submitted; pending reviews have none.
    pub submitted_at: Option<DateTime<Utc>>,
}

/// A comment on a pull request's diff. The comment text is not kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewComment {
    /// The provider's id for the comment.
    pub id: ReviewCommentId,
    /// The author; `None` for a deleted user.
    pub author: Option<AccountKey>,
    /// The review the comment belongs to, if any.
    pub review_id: Option<ReviewId>,
    /// The comment it answers, if any.
    pub in_reply_to: Option<ReviewCommentId>,
    /// The file the comment is on.
    pub path: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// A commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    /// The commit hash.
    pub sha: CommitSha,
    /// The provider account linked to the commit's author, when the provider could link one.
    pub author: Option<AccountKey>,
    /// The author e-mail recorded in the commit; it may be a provider no-reply address.
    pub author_email: Option<String>,
    /// When the change was authored.
    pub authored_at: Option<DateTime<Utc>>,
    /// When the commit was made.
    pub committed_at: Option<DateTime<Utc>>,
    /// The first line of the commit message.
    pub headline: String,
}
