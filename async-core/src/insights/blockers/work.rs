//! Work item rules: flagged, blocked by a link, blocked status, stale in progress.

use chrono::{DateTime, Utc};

use super::{Blocker, BlockerKind, Evidence, LinkedStatus};
use crate::id_hash::IdMap;
use crate::identity::IdentityMap;
use crate::ids::WorkItemKey;
use crate::insights::{InsightConfig, WorkItemRef, working_days_between};
use crate::model::{ActivityBatch, ChangeField, LinkDirection, StatusCategory, WorkItem};

/// The link type whose inward direction reads "is blocked by" in Jira's default scheme.
const BLOCKS_LINK_TYPE: &str = "Blocks";

pub(super) fn detect(
    batch: &ActivityBatch,
    identity: &IdentityMap,
    now: DateTime<Utc>,
    config: &InsightConfig,
    blockers: &mut Vec<Blocker>,
) {
    let categories: IdMap<&WorkItemKey, StatusCategory> = batch
        .work_items
        .iter()
        .map(|item| (&item.key, item.status_category))
        .collect();

    for item in &batch.work_items {
        if item.status_category == StatusCategory::Done {
            continue;
        }
        // Most items raise no blocker, so the person and the item's reference are copied
        // only into a blocker that fires.
        let person = item
            .assignee
            .as_ref()
            .and_then(|account| identity.person_of(account));
        let blocker = |kind, evidence, since| Blocker {
            person: person.cloned(),
            kind,
            evidence,
            since,
        };
        let subject = || Evidence::WorkItem(WorkItemRef::from(item));

        if item.is_flagged {
            blockers.push(blocker(
                BlockerKind::Flagged,
                vec![subject()],
                flagged_since(item),
            ));
        }

        let links = unresolved_blocking_links(item, &categories);
        if !links.is_empty() {
            let mut evidence = vec![subject()];
            evidence.extend(links);
            blockers.push(blocker(BlockerKind::BlockedByLink, evidence, None));
        }

        if config.is_blocked_status(&item.status) {
            let status = Evidence::Status {
                name: item.status.clone(),
            };
            blockers.push(blocker(
                BlockerKind::BlockedStatus,
                vec![subject(), status],
                entered_current_status(item),
            ));
        }

        if item.status_category == StatusCategory::InProgress {
            let touched = last_touched(item);
            let working_days = working_days_between(touched, now);
            if working_days >= config.stale_after_working_days {
                let evidence = vec![
                    subject(),
                    Evidence::LastTouched {
                        at: touched,
                        working_days,
                    },
                ];
                blockers.push(blocker(
                    BlockerKind::StaleInProgress,
                    evidence,
                    Some(touched),
                ));
            }
        }
    }
}

/// Returns when the current flag was set: the latest flag change, if it set a value.
fn flagged_since(item: &WorkItem) -> Option<DateTime<Utc>> {
    let latest = item
        .changes
        .iter()
        .filter(|change| change.field == ChangeField::Flagged)
        .max_by_key(|change| change.at)?;
    let set = latest.to.as_deref().is_some_and(|to| !to.trim().is_empty());
    set.then_some(latest.at)
}

/// Returns the evidence of every inward "Blocks" link whose other item is not done.
fn unresolved_blocking_links(
    item: &WorkItem,
    categories: &IdMap<&WorkItemKey, StatusCategory>,
) -> Vec<Evidence> {
    let mut evidence: Vec<Evidence> = item
        .links
        .iter()
        .filter(|link| {
            link.direction == LinkDirection::Inward
                && link.link_type.trim().eq_ignore_ascii_case(BLOCKS_LINK_TYPE)
        })
        .filter_map(|link| {
            let status = match (link.other_status_category, categories.get(&link.other)) {
                (Some(category), _) => LinkedStatus::OnLink(category),
                (None, Some(category)) => LinkedStatus::InBatch(*category),
                (None, None) => LinkedStatus::Unknown,
            };
            let done = matches!(
                status,
                LinkedStatus::OnLink(StatusCategory::Done)
                    | LinkedStatus::InBatch(StatusCategory::Done)
            );
            (!done).then(|| Evidence::BlockingItem {
                link_type: link.link_type.clone(),
                description: link.description.clone(),
                other: link.other.clone(),
                status,
            })
        })
        .collect();

    evidence.sort_by(|a, b| blocking_key(a).cmp(&blocking_key(b)));
    evidence
}

fn blocking_key(evidence: &Evidence) -> Option<&WorkItemKey> {
    match evidence {
        Evidence::BlockingItem { other, .. } => Some(other),
        _ => None,
    }
}

/// Returns when the item last moved into its current status.
fn entered_current_status(item: &WorkItem) -> Option<DateTime<Utc>> {
    item.status_history
        .iter()
        .filter(|change| change.to.trim().eq_ignore_ascii_case(item.status.trim()))
        .map(|change| change.at)
        .max()
}

/// Returns the latest of the item's update time, last status change and last field
/// change, because a connector may fill `updated_at` from a coarser source than the history.
fn last_touched(item: &WorkItem) -> DateTime<Utc> {
    let statuses = item.status_history.iter().map(|change| change.at);
    let changes = item.changes.iter().map(|change| change.at);
    statuses.chain(changes).fold(item.updated_at, DateTime::max)
}
