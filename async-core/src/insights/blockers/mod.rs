//! Blocker detection: deterministic signals that someone's work is stuck.
//!
//! Each rule is high-precision on purpose: a standup that cries wolf gets ignored. Each
//! [`Blocker`] names the person it concerns (the assignee of a work item, the author of a
//! pull request, the writer of a message) and carries [`Evidence`] that a writer can cite
//! and a person can check.
//!
//! | kind | rule | why |
//! | --- | --- | --- |
//! | [`BlockerKind::Flagged`] | the work item is flagged (Jira's *Impediment* flag) | the team marked it explicitly |
//! | [`BlockerKind::BlockedByLink`] | an inward *Blocks* link ("is blocked by") to an item that is not done | the dependency is recorded; it ends when the other item is done |
//! | [`BlockerKind::BlockedStatus`] | the status name is in [`InsightConfig::blocked_statuses`] (default `Blocked`, `On Hold`, `Waiting`, `Impeded`, case-insensitive) | many workflows model waiting as a status |
//! | [`BlockerKind::StaleInProgress`] | in progress and untouched for [`InsightConfig::stale_after_working_days`] working days (default 3) | silent work is often stuck work; weekends are skipped so Monday is quiet |
//! | [`BlockerKind::AwaitingFirstReview`] | open, ready pull request by a person (not a bot) with no review from anyone but its author or a bot for longer than [`InsightConfig::first_review_wait`] (default 24 h) | an unreviewed change blocks its author |
//! | [`BlockerKind::ChatMessage`] | a message in a monitored channel reports its writer as blocked or waiting, and no later message resolves it | people mention it in chat before they update the tracker |
//!
//! Work items in the done category raise no blocker. Work item and pull request rules
//! describe the state at `now`; only chat messages are limited to the window, because a
//! message is an event while a flag or a status is a state.

mod chat;
mod describe;
mod lexicon;
mod review;
mod work;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{InsightConfig, PullRequestRef, WorkItemRef};
use crate::identity::IdentityMap;
use crate::ids::{ChannelId, PersonId, WorkItemKey};
use crate::model::{AccountKey, ActivityBatch, StatusCategory, TimeWindow};

pub use lexicon::{is_blocker_text, is_resolution_text};

/// Something that keeps a person, or the team, from moving on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blocker {
    /// The person it concerns, or `None` when the record's account resolved to no person.
    pub person: Option<PersonId>,
    /// The rule that found it.
    pub kind: BlockerKind,
    /// The facts a writer can cite: the item, the link, the pull request, the message.
    pub evidence: Vec<Evidence>,
    /// The instant it started, when the records show it.
    pub since: Option<DateTime<Utc>>,
}

impl Blocker {
    /// Returns the text that identifies the blocked record (`PAY-12`, `acme/pay#42`,
    /// `C012AB3CD/1700000000.000100`), used to order blockers.
    pub fn subject(&self) -> String {
        self.evidence
            .iter()
            .find_map(|evidence| match evidence {
                Evidence::WorkItem(item) => Some(item.key.to_string()),
                Evidence::PullRequest(pull) => Some(pull.id.to_string()),
                Evidence::Message(message) => Some(format!("{}/{}", message.channel, message.ts)),
                _ => None,
            })
            .unwrap_or_default()
    }
}

/// The rule that found a blocker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BlockerKind {
    /// The work item is flagged as an impediment.
    Flagged,
    /// The work item "is blocked by" an item that is not done.
    BlockedByLink,
    /// The work item's status is a blocked status.
    BlockedStatus,
    /// The work item is in progress but untouched for several working days.
    StaleInProgress,
    /// The pull request waits for its first review.
    AwaitingFirstReview,
    /// A chat message reports its writer as blocked or waiting.
    ChatMessage,
}

/// The kind of record a blocker was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A work item (work data).
    WorkItem,
    /// A pull request (code data).
    PullRequest,
    /// A chat message (chat data).
    ChatMessage,
}

/// One fact behind a blocker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
#[non_exhaustive]
pub enum Evidence {
    /// The blocked work item.
    WorkItem(WorkItemRef),
    /// The item a blocking link points at.
    BlockingItem {
        /// The link type's name (`Blocks`).
        link_type: String,
        /// The phrase for the link's direction (`is blocked by`).
        description: String,
        /// The other item's key.
        other: WorkItemKey,
        /// The other item's status, as far as it is known.
        status: LinkedStatus,
    },
    /// The work item's current status.
    Status {
        /// The status name.
        name: String,
    },
    /// When the work item was last touched.
    LastTouched {
        /// The latest of its update, last status change and last field change.
        at: DateTime<Utc>,
        /// Whole working days since then.
        working_days: u32,
    },
    /// The blocked pull request.
    PullRequest(PullRequestRef),
    /// How long a pull request has waited for review.
    ReviewWait {
        /// Whole hours since it was opened.
        hours: i64,
        /// Reviewers asked and not yet reviewing.
        requested_reviewers: Vec<AccountKey>,
    },
    /// The chat message.
    Message(MessageEvidence),
}

/// The known status of the item on the other end of a blocking link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "source", content = "category")]
pub enum LinkedStatus {
    /// The link itself carried the other item's status category.
    OnLink(StatusCategory),
    /// The other item was found among the batch's work items.
    InBatch(StatusCategory),
    /// The other item's status is unknown, so the link counts as unresolved.
    Unknown,
}

/// A chat message cited as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageEvidence {
    /// The channel it was posted in.
    pub channel: ChannelId,
    /// The channel's name, when the batch has it.
    pub channel_name: Option<String>,
    /// The message's provider timestamp, its key within the channel.
    pub ts: String,
    /// The thread it belongs to, if any.
    pub thread_ts: Option<String>,
    /// The start of the text (about 120 characters), whitespace collapsed.
    pub excerpt: String,
    /// The phrase that matched (`blocked on`).
    pub phrase: String,
    /// Accounts mentioned in the message: often whom the writer waits for.
    pub mentions: Vec<AccountKey>,
    /// Work item keys mentioned in the message.
    pub work_items: Vec<WorkItemKey>,
}

/// Finds every blocker in `batch` as of `now`; chat messages are read only inside
/// `window`.
///
/// The result is sorted by person (unattributed last), kind and subject.
///
/// # Examples
///
/// ```
/// use async_core::identity::IdentityMap;
/// use async_core::insights::{InsightConfig, detect_blockers};
/// use async_core::model::{ActivityBatch, TimeWindow};
/// use chrono::{TimeZone, Utc};
///
/// let now = Utc.with_ymd_and_hms(2026, 1, 7, 9, 0, 0).single().expect("valid date");
/// let window = TimeWindow::new(now - chrono::TimeDelta::days(1), now);
/// let blockers = detect_blockers(
///     &ActivityBatch::default(),
///     &IdentityMap::default(),
///     window,
///     now,
///     &InsightConfig::default(),
/// );
/// assert!(blockers.is_empty());
/// ```
pub fn detect_blockers(
    batch: &ActivityBatch,
    identity: &IdentityMap,
    window: TimeWindow,
    now: DateTime<Utc>,
    config: &InsightConfig,
) -> Vec<Blocker> {
    let mut blockers = Vec::new();

    work::detect(batch, identity, now, config, &mut blockers);
    review::detect(batch, identity, now, config, &mut blockers);
    chat::detect(batch, identity, window, now, config, &mut blockers);

    blockers.sort_by_cached_key(|blocker| {
        (
            blocker.person.is_none(),
            blocker.person.clone(),
            blocker.kind,
            blocker.subject(),
            blocker.since,
        )
    });
    blockers
}
