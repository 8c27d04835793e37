//! What each person did in a window: pull requests, reviews and work items.
//!
//! Every entry carries a reference (ids, keys, titles, links) so that a writer can name
//! the work, not only count it.
//!
//! - **Opened**: pull requests the person authored whose `created_at` is in the window.
//! - **Merged**: pull requests the person authored whose `merged_at` is in the window.
//! - **Reviewed**: pull requests of *someone else* on which the person submitted a review
//!   in the window; reviews on one's own pull requests are not review work (a common
//!   metric pitfall). Pending reviews have no submission time and do not count.
//! - **Finished**: work items now in the done category whose move into their current
//!   status happened in the window (taken from the status history, else `resolved_at`).
//!   They are credited to the assignee, or to whoever made the transition when the item is
//!   unassigned.
//! - **In progress**: work items assigned to the person whose status category is
//!   in progress now, whatever the window.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{PullRequestRef, WorkItemRef};
use crate::id_hash::IdMap;
use crate::identity::IdentityMap;
use crate::ids::PersonId;
use crate::model::{
    AccountKey, ActivityBatch, PullRequest, ReviewState, StatusCategory, TimeWindow, WorkItem,
};

/// One person's activity in a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonActivity {
    /// The person.
    pub person: PersonId,
    /// The person's display name.
    pub display_name: String,
    /// Pull requests opened in the window, sorted by id.
    pub opened: Vec<PullRequestRef>,
    /// Pull requests merged in the window, sorted by id.
    pub merged: Vec<PullRequestRef>,
    /// Others' pull requests reviewed in the window, ordered by the person's latest review.
    pub reviewed: Vec<ReviewedPullRequest>,
    /// Work items finished in the window, oldest first.
    pub finished: Vec<FinishedWorkItem>,
    /// Work items assigned to the person and in progress now, by key.
    pub in_progress: Vec<WorkItemRef>,
}

impl PersonActivity {
    /// Creates an empty record for a person.
    pub fn new(person: PersonId, display_name: impl Into<String>) -> Self {
        Self {
            person,
            display_name: display_name.into(),
            opened: Vec::new(),
            merged: Vec::new(),
            reviewed: Vec::new(),
            finished: Vec::new(),
            in_progress: Vec::new(),
        }
    }

    /// Returns whether nothing was recorded for the person.
    pub fn is_empty(&self) -> bool {
        self.opened.is_empty()
            && self.merged.is_empty()
            && self.reviewed.is_empty()
            && self.finished.is_empty()
            && self.in_progress.is_empty()
    }
}

/// A pull request the person reviewed in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewedPullRequest {
    /// The pull request.
    pub pull_request: PullRequestRef,
    /// The pull request's author, when resolved.
    pub author: Option<PersonId>,
    /// How many reviews the person submitted on it in the window.
    pub reviews: u32,
    /// The verdict of the person's latest review in the window.
    pub latest_state: ReviewState,
    /// When the person's latest review in the window was submitted.
    pub latest_at: DateTime<Utc>,
}

/// A work item moved to the done category in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinishedWorkItem {
    /// The work item.
    pub item: WorkItemRef,
    /// When it moved into its done status.
    pub finished_at: DateTime<Utc>,
}

/// Computes the activity of every person who had any in `window`, keyed by person.
pub(crate) fn activity_by_person(
    batch: &ActivityBatch,
    identity: &IdentityMap,
    window: TimeWindow,
) -> BTreeMap<PersonId, PersonActivity> {
    let mut activity = Activity {
        identity,
        people: IdMap::default(),
    };

    for pull in &batch.pull_requests {
        activity.add_pull_request(pull, window);
    }
    for item in &batch.work_items {
        activity.add_work_item(item, window);
    }

    activity
        .people
        .into_iter()
        .map(|(person, mut entry)| {
            sort_entries(&mut entry);
            (person.clone(), entry)
        })
        .collect()
}

/// Returns when a done item moved into its current status, if that can be told.
pub(crate) fn finished_at(item: &WorkItem) -> Option<DateTime<Utc>> {
    if item.status_category != StatusCategory::Done {
        return None;
    }
    let entered_status = item
        .status_history
        .iter()
        .filter(|change| change.to.trim().eq_ignore_ascii_case(item.status.trim()))
        .map(|change| change.at)
        .max();
    entered_status.or(item.resolved_at)
}

/// Activity being gathered. People are borrowed from the identity map and kept in a hash
/// map, so a record costs one lookup and no allocation for its person; the result is
/// sorted once at the end.
struct Activity<'a> {
    identity: &'a IdentityMap,
    people: IdMap<&'a PersonId, PersonActivity>,
}

impl<'a> Activity<'a> {
    fn entry(&mut self, person: &'a PersonId) -> &mut PersonActivity {
        let identity = self.identity;
        self.people.entry(person).or_insert_with(|| {
            let name = identity
                .person(person)
                .map_or_else(|| person.to_string(), |found| found.display_name.clone());
            PersonActivity::new(person.clone(), name)
        })
    }

    fn person_of(&self, account: Option<&AccountKey>) -> Option<&'a PersonId> {
        account.and_then(|key| self.identity.person_of(key))
    }

    fn add_pull_request(&mut self, pull: &PullRequest, window: TimeWindow) {
        let author = self.person_of(pull.author.as_ref());

        if let Some(author) = author {
            if window.contains(pull.created_at) {
                self.entry(author).opened.push(pull.into());
            }
            if pull.merged_at.is_some_and(|merged| window.contains(merged)) {
                self.entry(author).merged.push(pull.into());
            }
        }

        self.add_reviews(pull, author, window);
    }

    fn add_reviews(
        &mut self,
        pull: &PullRequest,
        author: Option<&'a PersonId>,
        window: TimeWindow,
    ) {
        let mut by_reviewer: BTreeMap<&'a PersonId, ReviewedPullRequest> = BTreeMap::new();

        for review in &pull.reviews {
            let Some(submitted_at) = review.submitted_at.filter(|at| window.contains(*at)) else {
                continue;
            };
            let Some(reviewer) = self.person_of(review.reviewer.as_ref()) else {
                continue;
            };
            // Compare people when the author resolved, accounts otherwise, so a review
            // from the author's second account is still self-review.
            let own = match author {
                Some(author) => author == reviewer,
                None => review.reviewer == pull.author,
            };
            if own {
                continue;
            }

            by_reviewer
                .entry(reviewer)
                .and_modify(|entry| {
                    entry.reviews += 1;
                    if submitted_at >= entry.latest_at {
                        entry.latest_at = submitted_at;
                        entry.latest_state = review.state.clone();
                    }
                })
                .or_insert_with(|| ReviewedPullRequest {
                    pull_request: pull.into(),
                    author: author.cloned(),
                    reviews: 1,
                    latest_state: review.state.clone(),
                    latest_at: submitted_at,
                });
        }

        for (reviewer, reviewed) in by_reviewer {
            self.entry(reviewer).reviewed.push(reviewed);
        }
    }

    fn add_work_item(&mut self, item: &WorkItem, window: TimeWindow) {
        let assignee = self.person_of(item.assignee.as_ref());

        if item.status_category == StatusCategory::InProgress
            && let Some(assignee) = assignee
        {
            self.entry(assignee).in_progress.push(item.into());
        }

        let Some(finished_at) = finished_at(item).filter(|at| window.contains(*at)) else {
            return;
        };
        let credited = assignee.or_else(|| self.transition_author(item));
        if let Some(person) = credited {
            self.entry(person).finished.push(FinishedWorkItem {
                item: item.into(),
                finished_at,
            });
        }
    }

    fn transition_author(&self, item: &WorkItem) -> Option<&'a PersonId> {
        let change = item
            .status_history
            .iter()
            .filter(|change| change.to.trim().eq_ignore_ascii_case(item.status.trim()))
            .max_by_key(|change| change.at)?;
        self.person_of(change.author.as_ref())
    }
}

fn sort_entries(entry: &mut PersonActivity) {
    entry.opened.sort_by(|a, b| a.id.cmp(&b.id));
    entry.merged.sort_by(|a, b| a.id.cmp(&b.id));
    entry
        .reviewed
        .sort_by(|a, b| (a.latest_at, &a.pull_request.id).cmp(&(b.latest_at, &b.pull_request.id)));
    entry
        .finished
        .sort_by(|a, b| (a.finished_at, &a.item.key).cmp(&(b.finished_at, &b.item.key)));
    entry.in_progress.sort_by(|a, b| a.key.cmp(&b.key));
}
