//! The facts a standup is written from: small records that keep the references a writer
//! needs (keys, numbers, titles, links, status) and nothing else.
//!
//! Each record names the person it is about, and the policy guard checks that person
//! against the request that approves it (see [`Attributed`]).

use async_core::ids::{PersonId, RepositoryId, WorkItemKey};
use async_core::model::{PullRequest, PullRequestState, StatusCategory, WorkItem};
use async_policy::{Attributed, Scope};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The progress of a work item.
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
    /// The item's progress.
    pub progress: Progress,
    /// When the item last changed, if known. Older facts are dropped first when the
    /// prompt is over budget, and facts without a time go before any dated one.
    pub updated_at: Option<DateTime<Utc>>,
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
            updated_at: Some(item.updated_at),
        }
    }
}

/// One person's work items for a standup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkFacts {
    /// The person the items are assigned to; the facts are approved as their data.
    pub person: PersonId,
    /// The items, in any order; the prompt orders them.
    pub items: Vec<WorkItemFact>,
}

impl Attributed for WorkFacts {
    fn attribution(&self) -> Scope {
        Scope::Individual(self.person.clone())
    }
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
    /// Returns the lowercase word used in prompts and rendered standups.
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
    /// When the pull request last changed, if known; older facts are dropped first when
    /// the prompt is over budget.
    pub updated_at: Option<DateTime<Utc>>,
    /// Work item keys the pull request mentions.
    pub work_items: Vec<WorkItemKey>,
}

impl PullRequestFact {
    /// Returns the reference readers search for: `owner/name#number`.
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
            updated_at: Some(pull.updated_at),
            work_items: pull.work_items.clone(),
        }
    }
}

/// A review the person gave on someone else's pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewFact {
    /// The repository of the reviewed pull request, as `owner/name`.
    pub repository: RepositoryId,
    /// The number of the reviewed pull request.
    pub number: u64,
    /// The title of the reviewed pull request.
    pub title: String,
    /// The pull request's page, if known.
    pub url: Option<String>,
    /// The verdict of the latest review (`approved`, `changes requested`, `commented`).
    pub verdict: String,
    /// When the latest review was submitted.
    pub reviewed_at: Option<DateTime<Utc>>,
}

impl ReviewFact {
    /// Returns the reference readers search for: `owner/name#number`.
    pub fn reference(&self) -> String {
        format!("{}#{}", self.repository, self.number)
    }
}

/// One person's pull requests and reviews for a standup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeFacts {
    /// The author of the pull requests and the reviews; the facts are approved as their
    /// data.
    pub person: PersonId,
    /// The person's pull requests, in any order; the prompt orders them.
    pub pull_requests: Vec<PullRequestFact>,
    /// Reviews the person gave on others' pull requests; they count as done work.
    pub reviews: Vec<ReviewFact>,
}

impl Attributed for CodeFacts {
    fn attribution(&self) -> Scope {
        Scope::Individual(self.person.clone())
    }
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
    /// The person the blocker holds up; the fact is approved as their data.
    pub person: PersonId,
    /// One line saying what is blocked and by what.
    pub summary: String,
    /// The kind of record the blocker was found in.
    pub source: BlockerSource,
    /// When the blocker started, if known.
    pub since: Option<DateTime<Utc>>,
    /// The references that show the blocker.
    pub evidence: Vec<Evidence>,
}

impl Attributed for BlockerFact {
    fn attribution(&self) -> Scope {
        Scope::Individual(self.person.clone())
    }
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
            updated_at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single(),
            work_items: Vec::new(),
        };
        assert_eq!(fact.reference(), "acme/payments#42");
        assert!(!fact.status.is_finished());
        assert!(PullRequestStatus::Merged.is_finished());
    }
}
