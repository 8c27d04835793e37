//! The facts a standup is written from: small records that keep the references a writer
//! needs (keys, numbers, titles, links, status) and nothing else.

use async_core::ids::{RepositoryId, WorkItemKey};
use async_core::model::{PullRequest, PullRequestState, StatusCategory, WorkItem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a work item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// Not started; left out of standups.
    ToDo,
    /// Started and not finished.
    InProgress,
    /// Finished.
    Done,
}

/// One work item (a Jira issue) as a standup mentions it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItemFact {
    /// The human key, kept verbatim (`PAY-12`).
    pub key: WorkItemKey,
    /// The one-line summary.
    pub title: String,
    /// The page a reader opens, if known.
    pub url: Option<String>,
    /// The status name as the tracker shows it (`In Review`).
    pub status: String,
    /// Where the item stands.
    pub progress: Progress,
    /// When the item last changed; older finished items are dropped first.
    pub updated_at: DateTime<Utc>,
}

impl From<&WorkItem> for WorkItemFact {
    /// Keeps the key, summary, link and status. An unknown status category counts as not
    /// started, so no item is reported as done or in progress by guesswork.
    fn from(item: &WorkItem) -> Self {
        let progress = match item.status_category {
            StatusCategory::Done => Progress::Done,
            StatusCategory::InProgress => Progress::InProgress,
            StatusCategory::ToDo | StatusCategory::Unknown => Progress::ToDo,
        };
        Self {
            key: item.key.clone(),
            title: item.summary.clone(),
            url: item.url.clone(),
            status: item.status.clone(),
            progress,
            updated_at: item.updated_at,
        }
    }
}

/// One person's work items for a standup.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkFacts {
    /// The items, in any order; the prompt orders them.
    pub items: Vec<WorkItemFact>,
}

/// The state of a pull request as a standup names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PullRequestStatus {
    /// Open as a draft.
    Draft,
    /// Open and ready for review.
    Open,
    /// Merged.
    Merged,
    /// Closed without merging.
    Closed,
}

impl PullRequestStatus {
    /// The lowercase word used in prompts and rendered standups.
    pub fn as_str(self) -> &'static str {
        match self {
            PullRequestStatus::Draft => "draft",
            PullRequestStatus::Open => "open",
            PullRequestStatus::Merged => "merged",
            PullRequestStatus::Closed => "closed",
        }
    }

    /// Returns whether the pull request is finished (merged or closed).
    pub fn is_finished(self) -> bool {
        matches!(self, PullRequestStatus::Merged | PullRequestStatus::Closed)
    }
}

/// One pull request as a standup mentions it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequestFact {
    /// The repository as `owner/name`.
    pub repository: RepositoryId,
    /// The number within the repository.
    pub number: u64,
    /// The title.
    pub title: String,
    /// The page a reader opens, if known.
    pub url: Option<String>,
    /// Draft, open, merged or closed.
    pub status: PullRequestStatus,
    /// When the pull request last changed; older finished ones are dropped first.
    pub updated_at: DateTime<Utc>,
    /// Work item keys the pull request mentions.
    pub work_items: Vec<WorkItemKey>,
}

impl PullRequestFact {
    /// The reference readers search for: `owner/name#number`.
    pub fn reference(&self) -> String {
        format!("{}#{}", self.repository, self.number)
    }
}

impl From<&PullRequest> for PullRequestFact {
    fn from(pull: &PullRequest) -> Self {
        let status = match (pull.state, pull.is_draft) {
            (PullRequestState::Merged, _) => PullRequestStatus::Merged,
            (PullRequestState::Closed, _) => PullRequestStatus::Closed,
            (PullRequestState::Open, true) => PullRequestStatus::Draft,
            (PullRequestState::Open, false) => PullRequestStatus::Open,
        };
        Self {
            repository: pull.repository.clone(),
            number: pull.number,
            title: pull.title.clone(),
            url: pull.url.clone(),
            status,
            updated_at: pull.updated_at,
            work_items: pull.work_items.clone(),
        }
    }
}

/// One person's pull requests for a standup.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeFacts {
    /// The pull requests, in any order; the prompt orders them.
    pub pull_requests: Vec<PullRequestFact>,
}

/// Where a blocker was found; it decides which data category must approve it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerSource {
    /// A work item (flagged, or linked as blocked by another): needs work approval.
    WorkItem,
    /// A pull request (waiting for review, changes requested): needs code approval.
    PullRequest,
    /// A chat message: needs chat approval.
    Chat,
}

/// A reference that backs a blocker: an issue key, a pull request or a message link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The reference as readers know it, kept verbatim (`PAY-15`, `acme/payments#40`).
    pub label: String,
    /// The page a reader opens, if known.
    pub url: Option<String>,
}

impl Evidence {
    /// Creates evidence with a label and an optional link.
    pub fn new(label: impl Into<String>, url: Option<String>) -> Self {
        Self {
            label: label.into(),
            url,
        }
    }
}

/// Something that stops a person's work, with the references that show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockerFact {
    /// One line saying what is blocked and by what.
    pub summary: String,
    /// Where the blocker was found.
    pub source: BlockerSource,
    /// When the blocker started, if known.
    pub since: Option<DateTime<Utc>>,
    /// The references that show the blocker.
    pub evidence: Vec<Evidence>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn pull_request_reference_is_owner_name_number() {
        let fact = PullRequestFact {
            repository: RepositoryId::new("acme/payments"),
            number: 42,
            title: "Retry refunds".into(),
            url: None,
            status: PullRequestStatus::Open,
            updated_at: Utc
                .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
                .single()
                .expect("valid"),
            work_items: Vec::new(),
        };
        assert_eq!(fact.reference(), "acme/payments#42");
        assert!(!fact.status.is_finished());
        assert!(PullRequestStatus::Merged.is_finished());
    }
}
