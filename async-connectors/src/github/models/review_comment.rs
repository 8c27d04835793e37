//! Review comments on a pull request's diff.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::user::{User, nullable_user};

/// A comment from `GET /repos/{owner}/{repo}/pulls/{number}/comments`. The body and the
/// diff hunk are not read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReviewComment {
    /// The comment id.
    pub id: u64,
    /// The review the comment belongs to, if any.
    #[serde(default)]
    pub pull_request_review_id: Option<u64>,
    /// The comment this one replies to, if any.
    #[serde(default)]
    pub in_reply_to_id: Option<u64>,
    /// The author, or `null` when the account was deleted.
    #[serde(default, deserialize_with = "nullable_user")]
    pub user: Option<User>,
    /// The file the comment is on.
    #[serde(default)]
    pub path: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub updated_at: DateTime<Utc>,
}
