//! Pull request rule: waiting too long for a first review.
//!
//! The wait is measured in wall-clock time from `created_at`, as alerting tools do: a
//! pull request opened on Friday evening has waited all weekend from its author's point
//! of view.
//!
//! NOTE: the domain model does not record when a draft was marked ready for review, so a
//! pull request opened as a draft and marked ready later is measured from when it was
//! opened and can be reported early.

use chrono::{DateTime, Utc};

use super::{Blocker, BlockerKind, Evidence};
use crate::identity::IdentityMap;
use crate::insights::{InsightConfig, PullRequestRef};
use crate::model::{ActivityBatch, PullRequest, PullRequestState};

pub(super) fn detect(
    batch: &ActivityBatch,
    identity: &IdentityMap,
    now: DateTime<Utc>,
    config: &InsightConfig,
    blockers: &mut Vec<Blocker>,
) {
    for pull in &batch.pull_requests {
        // A bot's pull request (a dependency bump) waiting for review holds up no person.
        let bot_author = pull
            .author
            .as_ref()
            .is_some_and(|author| identity.is_bot(author));
        if pull.state != PullRequestState::Open || pull.is_draft || bot_author {
            continue;
        }
        let waited = now - pull.created_at;
        if waited <= config.first_review_wait || has_outside_review(pull, identity, now) {
            continue;
        }

        let person = pull
            .author
            .as_ref()
            .and_then(|account| identity.person_of(account))
            .cloned();
        blockers.push(Blocker {
            person,
            kind: BlockerKind::AwaitingFirstReview,
            evidence: vec![
                Evidence::PullRequest(PullRequestRef::from(pull)),
                Evidence::ReviewWait {
                    hours: waited.num_hours(),
                    requested_reviewers: pull.requested_reviewers.clone(),
                },
            ],
            since: Some(pull.created_at),
        });
    }
}

/// Returns whether anyone other than the author submitted a review by `now`.
///
/// A review from another account of the same person is self-review, and a bot's review
/// (an automated checker) does not mean a person has looked at the change.
fn has_outside_review(pull: &PullRequest, identity: &IdentityMap, now: DateTime<Utc>) -> bool {
    let author_person = pull.author.as_ref().and_then(|a| identity.person_of(a));

    pull.reviews.iter().any(|review| {
        let Some(reviewer) = &review.reviewer else {
            return false;
        };
        let submitted = review.submitted_at.is_some_and(|at| at <= now);
        let is_author = Some(reviewer) == pull.author.as_ref()
            || (author_person.is_some() && identity.person_of(reviewer) == author_person);

        submitted && !is_author && !identity.is_bot(reviewer)
    })
}
