//! Commits of a pull request.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::user::{User, nullable_user};

/// A commit from `GET /repos/{owner}/{repo}/pulls/{number}/commits`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Commit {
    /// The commit hash.
    pub sha: String,
    /// The git data: author and committer signatures and the message.
    pub commit: GitCommit,
    /// The GitHub account linked to the author e-mail, or `null` or `{}` when none matches.
    #[serde(default, deserialize_with = "nullable_user")]
    pub author: Option<User>,
    /// The GitHub account linked to the committer e-mail, or `null` or `{}` when none matches.
    #[serde(default, deserialize_with = "nullable_user")]
    pub committer: Option<User>,
}

/// The git object behind a commit.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GitCommit {
    /// The author signature recorded in git.
    #[serde(default)]
    pub author: Option<GitSignature>,
    /// The committer signature recorded in git.
    #[serde(default)]
    pub committer: Option<GitSignature>,
    /// The full commit message.
    #[serde(default)]
    pub message: String,
}

/// A git author or committer line. Every part is author-supplied and may be empty.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GitSignature {
    /// The name recorded in git.
    #[serde(default)]
    pub name: Option<String>,
    /// The e-mail recorded in git, or `""` when there is none.
    #[serde(default)]
    pub email: Option<String>,
    /// The date recorded in git, which can be far in the past or the future.
    #[serde(default)]
    pub date: Option<DateTime<Utc>>,
}
