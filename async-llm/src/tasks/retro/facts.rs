//! The facts a retrospective is written from, and their conversion from domain records.

use async_core::ids::{SprintId, TeamId, WorkItemKey};
use async_core::model::{ChangeField, PullRequest, Sprint, SprintState, StatusCategory, WorkItem};
use async_policy::{Attributed, Scope};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The sprint a retrospective looks back on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SprintSummary {
    /// The sprint's id.
    pub id: SprintId,
    /// The sprint's name.
    pub name: String,
    /// The sprint goal, if one was set.
    pub goal: Option<String>,
    /// When the sprint started.
    pub start: Option<DateTime<Utc>>,
    /// When the sprint closed: its completion, else its planned end.
    pub closed_at: Option<DateTime<Utc>>,
}

impl SprintSummary {
    /// Takes the summary of a closed sprint.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when the sprint is not closed, because a
    /// retrospective of a running sprint would call unfinished work carried over.
    pub fn from_sprint(sprint: &Sprint) -> Result<Self, Error> {
        if sprint.state != SprintState::Closed {
            return Err(Error::InvalidConfig(format!(
                "sprint {} ({}) is not closed; write the retrospective after the sprint closes",
                sprint.name, sprint.id
            )));
        }
        Ok(Self {
            id: sprint.id.clone(),
            name: sprint.name.clone(),
            goal: sprint.goal.clone(),
            start: sprint.start,
            closed_at: sprint.completed_at.or(sprint.end),
        })
    }
}

/// The state of a work item at the sprint's close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SprintOutcome {
    /// Finished by the close.
    Completed,
    /// Not finished by the close.
    CarriedOver,
}

/// One work item of the sprint, without its assignee: a retrospective is about the
/// team's work, not about who did it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintItem {
    /// The key (`PAY-12`).
    pub key: WorkItemKey,
    /// The summary.
    pub title: String,
    /// The page a reader opens, if known.
    pub url: Option<String>,
    /// Completed or carried over.
    pub outcome: SprintOutcome,
    /// Whether the item joined the sprint after it started.
    pub added_after_start: bool,
    /// Whether the item was flagged as an impediment during the sprint.
    pub flagged: bool,
    /// The estimate in the board's unit, if set.
    pub estimate: Option<f64>,
}

/// The work items of one sprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintWork {
    /// The team whose sprint it is; the items are approved as that team's aggregate.
    pub team: TeamId,
    /// The items, in any order; the prompt orders them.
    pub items: Vec<SprintItem>,
}

impl Attributed for SprintWork {
    fn attribution(&self) -> Scope {
        Scope::TeamAggregate(self.team.clone())
    }
}

impl SprintWork {
    /// Takes the items of `items` that belong to `sprint`, the sprint of `team`, and
    /// decides their outcome at the sprint's close.
    ///
    /// An item is completed when its status is done and it was resolved by the close (an
    /// item without a resolution time counts as resolved in time). It was added after the
    /// start when a sprint change naming the sprint happened after the start. It was
    /// flagged when it is flagged now or a flag change happened during the sprint.
    ///
    /// NOTE: an item moved out of the sprint before its close still lists the sprint
    /// in `sprint_ids`, so it appears here as carried over.
    pub fn from_records(team: TeamId, sprint: &SprintSummary, items: &[WorkItem]) -> Self {
        let items = items
            .iter()
            .filter(|item| item.sprint_ids.contains(&sprint.id))
            .map(|item| sprint_item(sprint, item))
            .collect();
        Self { team, items }
    }
}

fn sprint_item(sprint: &SprintSummary, item: &WorkItem) -> SprintItem {
    let in_sprint = |at: DateTime<Utc>| {
        sprint.start.is_none_or(|start| at >= start)
            && sprint.closed_at.is_none_or(|close| at <= close)
    };
    let done_in_time = item.status_category == StatusCategory::Done
        && match (item.resolved_at, sprint.closed_at) {
            (Some(resolved), Some(close)) => resolved <= close,
            _ => true,
        };
    let added_after_start = item.changes.iter().any(|change| {
        change.field == ChangeField::Sprint
            && sprint.start.is_some_and(|start| change.at > start)
            && change
                .to
                .as_deref()
                .is_some_and(|to| to.contains(sprint.name.as_str()))
    });
    let flagged = item.is_flagged
        || item
            .changes
            .iter()
            .any(|change| change.field == ChangeField::Flagged && in_sprint(change.at));
    SprintItem {
        key: item.key.clone(),
        title: item.summary.clone(),
        url: item.url.clone(),
        outcome: if done_in_time {
            SprintOutcome::Completed
        } else {
            SprintOutcome::CarriedOver
        },
        added_after_start,
        flagged,
        estimate: item.estimate,
    }
}

/// How long one pull request opened in the sprint waited for its first review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewWait {
    /// The reference readers search for (`acme/payments#40`).
    pub reference: String,
    /// The title.
    pub title: String,
    /// The page a reader opens, if known.
    pub url: Option<String>,
    /// Whole hours from opening to the first review by someone else; `None` when no one
    /// reviewed it by the sprint's close.
    pub wait_hours: Option<u64>,
}

/// The first-review waits of the pull requests opened during one sprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintReviews {
    /// The team whose sprint it is; the waits are approved as that team's aggregate.
    pub team: TeamId,
    /// One entry per pull request, in any order.
    pub pulls: Vec<ReviewWait>,
}

impl Attributed for SprintReviews {
    fn attribution(&self) -> Scope {
        Scope::TeamAggregate(self.team.clone())
    }
}

impl SprintReviews {
    /// Takes the pull requests opened between the start and close of `sprint`, the sprint
    /// of `team`, and measures how long each waited for a first review from someone other
    /// than its author.
    ///
    /// Waits are counted in calendar hours; a review after the close counts as none.
    pub fn from_pull_requests(team: TeamId, sprint: &SprintSummary, pulls: &[PullRequest]) -> Self {
        let opened_in_sprint = |pull: &&PullRequest| {
            sprint.start.is_none_or(|start| pull.created_at >= start)
                && sprint
                    .closed_at
                    .is_none_or(|close| pull.created_at <= close)
        };
        let pulls = pulls
            .iter()
            .filter(opened_in_sprint)
            .map(|pull| {
                let reviewed = pull
                    .first_review_at()
                    .filter(|at| sprint.closed_at.is_none_or(|close| *at <= close));
                let wait_hours = reviewed
                    .map(|at| u64::try_from((at - pull.created_at).num_hours()).unwrap_or(0));
                ReviewWait {
                    reference: format!("{}#{}", pull.repository, pull.number),
                    title: pull.title.clone(),
                    url: pull.url.clone(),
                    wait_hours,
                }
            })
            .collect();
        Self { team, pulls }
    }
}
