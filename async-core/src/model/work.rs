//! Work items, their history and links, sprints and boards.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::AccountKey;
use crate::ids::{BoardId, SprintId, WorkItemId, WorkItemKey};

/// The provider's coarse grouping of statuses (Jira's status category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCategory {
    /// Not started (Jira `new`).
    ToDo,
    /// Started (Jira `indeterminate`).
    InProgress,
    /// Finished (Jira `done`).
    Done,
    /// A category this SDK does not know.
    Unknown,
}

/// A work item (a Jira issue) with its current state and history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItem {
    /// The provider's numeric id.
    pub id: WorkItemId,
    /// The human key (`PAY-12`).
    pub key: WorkItemKey,
    /// The project the item belongs to (`PAY`).
    pub project_key: String,
    /// The one-line summary.
    pub summary: String,
    /// The page a person opens to see the item.
    pub url: Option<String>,
    /// The issue type's name (`Story`, `Bug`, ...).
    pub issue_type: String,
    /// The current status's name.
    pub status: String,
    /// The current status's category.
    pub status_category: StatusCategory,
    /// The assignee, if any.
    pub assignee: Option<AccountKey>,
    /// The reporter, if known.
    pub reporter: Option<AccountKey>,
    /// When the item was created.
    pub created_at: DateTime<Utc>,
    /// When anything about the item last changed.
    pub updated_at: DateTime<Utc>,
    /// When the item was resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// The due date, if set.
    pub due_date: Option<NaiveDate>,
    /// The estimate in the board's unit (story points when the board estimates in them).
    pub estimate: Option<f64>,
    /// Whether the item is flagged as an impediment.
    pub is_flagged: bool,
    /// Links to other items.
    pub links: Vec<IssueLink>,
    /// Status transitions, oldest first.
    pub status_history: Vec<StatusChange>,
    /// Other field changes that insights read (flags, assignee, sprint, estimate), oldest first.
    pub changes: Vec<WorkItemChange>,
    /// The sprints the item has belonged to.
    pub sprint_ids: Vec<SprintId>,
    /// The parent item (an epic or a story), if any.
    pub parent: Option<WorkItemKey>,
    /// Labels.
    pub labels: Vec<String>,
}

/// The direction of a link, seen from the item that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkDirection {
    /// The other item acts on this one ("is blocked by").
    Inward,
    /// This item acts on the other one ("blocks").
    Outward,
}

/// A link from a work item to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueLink {
    /// The link type's name (`Blocks`, `Relates`).
    pub link_type: String,
    /// The link's direction.
    pub direction: LinkDirection,
    /// The phrase for this direction (`is blocked by`).
    pub description: String,
    /// The linked item.
    pub other: WorkItemKey,
    /// The linked item's status category, when the provider included it.
    pub other_status_category: Option<StatusCategory>,
}

/// One status transition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    /// When the transition happened.
    pub at: DateTime<Utc>,
    /// The account that made it.
    pub author: Option<AccountKey>,
    /// The status before, if any.
    pub from: Option<String>,
    /// The status after.
    pub to: String,
}

/// A field of a work item whose changes are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeField {
    /// The impediment flag.
    Flagged,
    /// The assignee.
    Assignee,
    /// Sprint membership.
    Sprint,
    /// The estimate.
    Estimate,
    /// Another field, by the provider's name for it.
    Other(String),
}

/// One change to a work item field other than its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItemChange {
    /// When the change happened.
    pub at: DateTime<Utc>,
    /// The account that made it.
    pub author: Option<AccountKey>,
    /// Which field changed.
    pub field: ChangeField,
    /// The value before, as the provider shows it.
    pub from: Option<String>,
    /// The value after, as the provider shows it.
    pub to: Option<String>,
}

/// The state of a sprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SprintState {
    /// Planned, not started.
    Future,
    /// Running.
    Active,
    /// Finished.
    Closed,
    /// A state this SDK does not know.
    Unknown,
}

/// A sprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sprint {
    /// The provider's id.
    pub id: SprintId,
    /// The board the sprint was created on.
    pub board_id: Option<BoardId>,
    /// The sprint's name.
    pub name: String,
    /// Whether it is planned, running or finished.
    pub state: SprintState,
    /// The planned start.
    pub start: Option<DateTime<Utc>>,
    /// The planned end.
    pub end: Option<DateTime<Utc>>,
    /// When it was actually completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// The sprint goal.
    pub goal: Option<String>,
}

/// The kind of board.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardKind {
    /// A scrum board with sprints.
    Scrum,
    /// A kanban board.
    Kanban,
    /// A team-managed ("simple") board.
    Simple,
    /// A kind this SDK does not know.
    Other(String),
}

/// A board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    /// The provider's id.
    pub id: BoardId,
    /// The board's name.
    pub name: String,
    /// Scrum, kanban or simple.
    pub kind: BoardKind,
    /// The project the board shows, when it shows one.
    pub project_key: Option<String>,
    /// The field the board estimates with (for example `customfield_10016`), if any.
    pub estimation_field: Option<String>,
}
