//! References to records that a writer can name and link.

use serde::{Deserialize, Serialize};

use crate::ids::{PullRequestId, RepositoryId, WorkItemId, WorkItemKey};
use crate::model::{PullRequest, WorkItem};

/// A pull request as a standup names it: repository, number, title and link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PullRequestRef {
    /// The pull request's id, unique across repositories.
    pub id: PullRequestId,
    /// The repository, as `owner/name`.
    pub repository: RepositoryId,
    /// The number within the repository.
    pub number: u64,
    /// The title.
    pub title: String,
    /// The page a person opens to see it.
    pub url: Option<String>,
}

impl From<&PullRequest> for PullRequestRef {
    fn from(pull: &PullRequest) -> Self {
        Self {
            id: pull.id.clone(),
            repository: pull.repository.clone(),
            number: pull.number,
            title: pull.title.clone(),
            url: pull.url.clone(),
        }
    }
}

/// A work item as a standup names it: key, summary, status and link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkItemRef {
    /// The provider's numeric id.
    pub id: WorkItemId,
    /// The human key (`PAY-12`).
    pub key: WorkItemKey,
    /// The one-line summary.
    pub summary: String,
    /// The current status's name.
    pub status: String,
    /// The page a person opens to see it.
    pub url: Option<String>,
}

impl From<&WorkItem> for WorkItemRef {
    fn from(item: &WorkItem) -> Self {
        Self {
            id: item.id.clone(),
            key: item.key.clone(),
            summary: item.summary.clone(),
            status: item.status.clone(),
            url: item.url.clone(),
        }
    }
}
