//! Conversions from the insights of `async_core::insights` into standup facts.
//!
//! A [`PersonActivity`] mixes two data categories: finished and ongoing work items (work)
//! and pull requests and reviews (code). The policy approves each category on its own, so
//! the activity is split into [`WorkFacts`] and [`CodeFacts`], and the caller authorizes
//! each part for its category before building a [`PersonFacts`](super::PersonFacts).

use std::collections::BTreeSet;

use async_core::insights::{
    Blocker, BlockerKind, Evidence as InsightEvidence, FinishedWorkItem, PersonActivity,
    PullRequestRef, ReviewedPullRequest, WorkItemRef,
};
use async_core::model::ReviewState;

use super::facts::{
    BlockerFact, BlockerSource, CodeFacts, Evidence, Progress, PullRequestFact, PullRequestStatus,
    ReviewFact, WorkFacts, WorkItemFact,
};

impl WorkFacts {
    /// Takes the work items of an activity: finished ones as done, the rest in progress.
    pub fn from_activity(activity: &PersonActivity) -> Self {
        let finished = activity.finished.iter().map(finished_item);
        let ongoing = activity.in_progress.iter().map(|item| WorkItemFact {
            key: item.key.clone(),
            title: item.summary.clone(),
            url: item.url.clone(),
            status: item.status.clone(),
            progress: Progress::InProgress,
            updated_at: None,
        });
        Self {
            person: activity.person.clone(),
            items: finished.chain(ongoing).collect(),
        }
    }
}

fn finished_item(finished: &FinishedWorkItem) -> WorkItemFact {
    WorkItemFact {
        key: finished.item.key.clone(),
        title: finished.item.summary.clone(),
        url: finished.item.url.clone(),
        status: finished.item.status.clone(),
        progress: Progress::Done,
        updated_at: Some(finished.finished_at),
    }
}

impl CodeFacts {
    /// Takes the pull requests and reviews of an activity.
    ///
    /// A pull request both opened and merged in the window appears once, as merged.
    /// Pull requests only opened count as open, because the activity does not say whether
    /// they are drafts or were closed since.
    pub fn from_activity(activity: &PersonActivity) -> Self {
        let merged_ids: BTreeSet<_> = activity.merged.iter().map(|pull| &pull.id).collect();
        let merged = activity
            .merged
            .iter()
            .map(|pull| pull_fact(pull, PullRequestStatus::Merged));
        let opened = activity
            .opened
            .iter()
            .filter(|pull| !merged_ids.contains(&pull.id))
            .map(|pull| pull_fact(pull, PullRequestStatus::Open));
        Self {
            person: activity.person.clone(),
            pull_requests: merged.chain(opened).collect(),
            reviews: activity.reviewed.iter().map(review_fact).collect(),
        }
    }
}

fn pull_fact(pull: &PullRequestRef, status: PullRequestStatus) -> PullRequestFact {
    PullRequestFact {
        repository: pull.repository.clone(),
        number: pull.number,
        title: pull.title.clone(),
        url: pull.url.clone(),
        status,
        updated_at: None,
        work_items: Vec::new(),
    }
}

fn review_fact(reviewed: &ReviewedPullRequest) -> ReviewFact {
    let verdict = match &reviewed.latest_state {
        ReviewState::Approved => "approved".to_owned(),
        ReviewState::ChangesRequested => "changes requested".to_owned(),
        ReviewState::Commented => "commented".to_owned(),
        ReviewState::Dismissed => "dismissed".to_owned(),
        ReviewState::Pending => "pending".to_owned(),
        ReviewState::Other(other) => other.to_lowercase(),
    };
    ReviewFact {
        repository: reviewed.pull_request.repository.clone(),
        number: reviewed.pull_request.number,
        title: reviewed.pull_request.title.clone(),
        url: reviewed.pull_request.url.clone(),
        verdict,
        reviewed_at: Some(reviewed.latest_at),
    }
}

impl BlockerFact {
    /// Converts a blocker of one person into a fact about that person.
    ///
    /// Writes a one-line summary from the blocker's rule and evidence, and keeps every
    /// citable reference (work items, linked items, pull requests, messages) as evidence.
    /// The source, which decides the data category that must approve the fact, is chat
    /// whenever a message is cited, so a chat excerpt never passes as work data.
    ///
    /// Returns `None` when the blocker's account resolved to no person, because such a
    /// fact cannot be approved as anyone's data.
    pub fn from_blocker(blocker: &Blocker) -> Option<Self> {
        let person = blocker.person.clone()?;
        Some(Self {
            person,
            summary: summary(blocker),
            source: source(blocker),
            since: blocker.since,
            evidence: blocker.evidence.iter().filter_map(evidence).collect(),
        })
    }
}

fn source(blocker: &Blocker) -> BlockerSource {
    let cites = |wanted: fn(&InsightEvidence) -> bool| blocker.evidence.iter().any(wanted);
    if blocker.kind == BlockerKind::ChatMessage
        || cites(|evidence| matches!(evidence, InsightEvidence::Message(_)))
    {
        BlockerSource::Chat
    } else if blocker.kind == BlockerKind::AwaitingFirstReview
        || cites(|evidence| matches!(evidence, InsightEvidence::PullRequest(_)))
    {
        BlockerSource::PullRequest
    } else {
        BlockerSource::WorkItem
    }
}

fn evidence(evidence: &InsightEvidence) -> Option<Evidence> {
    match evidence {
        InsightEvidence::WorkItem(item) => Some(work_item_evidence(item)),
        InsightEvidence::BlockingItem { other, .. } => Some(Evidence::new(other.as_str(), None)),
        InsightEvidence::PullRequest(pull) => Some(Evidence::new(
            format!("{}#{}", pull.repository, pull.number),
            pull.url.clone(),
        )),
        InsightEvidence::Message(message) => Some(Evidence::new(
            format!("{}/{}", message.channel, message.ts),
            None,
        )),
        // Status, last-touched and review-wait facts go into the summary instead.
        _ => None,
    }
}

fn work_item_evidence(item: &WorkItemRef) -> Evidence {
    Evidence::new(item.key.as_str(), item.url.clone())
}

fn summary(blocker: &Blocker) -> String {
    let subject = blocker.subject();
    let found =
        |pick: fn(&InsightEvidence) -> Option<String>| blocker.evidence.iter().find_map(pick);
    match blocker.kind {
        BlockerKind::Flagged => format!("{subject} is flagged as an impediment"),
        BlockerKind::BlockedByLink => found(|evidence| match evidence {
            InsightEvidence::BlockingItem {
                description, other, ..
            } => Some(format!("{description} {other}")),
            _ => None,
        })
        .map_or_else(
            || format!("{subject} is blocked by another item"),
            |link| format!("{subject} {link}"),
        ),
        BlockerKind::BlockedStatus => found(|evidence| match evidence {
            InsightEvidence::Status { name } => Some(name.clone()),
            _ => None,
        })
        .map_or_else(
            || format!("{subject} is in a blocked status"),
            |status| format!("{subject} is in status {status}"),
        ),
        BlockerKind::StaleInProgress => found(|evidence| match evidence {
            InsightEvidence::LastTouched { working_days, .. } => Some(working_days.to_string()),
            _ => None,
        })
        .map_or_else(
            || format!("{subject} has not moved"),
            |days| format!("{subject} has not moved for {days} working days"),
        ),
        BlockerKind::AwaitingFirstReview => {
            let pull = found(|evidence| match evidence {
                InsightEvidence::PullRequest(pull) => {
                    Some(format!("{}#{}", pull.repository, pull.number))
                }
                _ => None,
            })
            .unwrap_or(subject);
            let hours = found(|evidence| match evidence {
                InsightEvidence::ReviewWait { hours, .. } => Some(hours.to_string()),
                _ => None,
            });
            match hours {
                Some(hours) => format!("{pull} has waited {hours} hours for a first review"),
                None => format!("{pull} waits for a first review"),
            }
        }
        BlockerKind::ChatMessage => found(|evidence| match evidence {
            InsightEvidence::Message(message) => {
                let channel = message
                    .channel_name
                    .as_deref()
                    .map_or_else(|| message.channel.to_string(), |name| format!("#{name}"));
                Some(format!("said in {channel}: \"{}\"", message.excerpt))
            }
            _ => None,
        })
        .unwrap_or_else(|| "said in chat that they are blocked".to_owned()),
        _ => format!("{subject} is blocked"),
    }
}

#[cfg(test)]
mod tests {
    use async_core::ids::{
        ChannelId, PersonId, PullRequestId, RepositoryId, WorkItemId, WorkItemKey,
    };
    use async_core::insights::{LinkedStatus, MessageEvidence};
    use async_core::model::StatusCategory;
    use chrono::{DateTime, TimeZone, Utc};

    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 9, 0, 0)
            .single()
            .expect("valid date")
    }

    fn item(key: &str) -> WorkItemRef {
        WorkItemRef {
            id: WorkItemId::new("10042"),
            key: WorkItemKey::new(key),
            summary: format!("Summary of {key}"),
            status: "In Progress".into(),
            url: Some(format!("https://acme.atlassian.net/browse/{key}")),
        }
    }

    fn pull(number: u64) -> PullRequestRef {
        PullRequestRef {
            id: PullRequestId::new(format!("acme/payments#{number}")),
            repository: RepositoryId::new("acme/payments"),
            number,
            title: format!("Change {number}"),
            url: Some(format!("https://github.com/acme/payments/pull/{number}")),
        }
    }

    fn blocker(kind: BlockerKind, evidence: Vec<InsightEvidence>) -> Blocker {
        Blocker {
            person: Some(PersonId::new("dana")),
            kind,
            evidence,
            since: Some(at(1)),
        }
    }

    fn fact_of(blocker: Blocker) -> BlockerFact {
        BlockerFact::from_blocker(&blocker).expect("the blocker names Dana")
    }

    #[test]
    fn activity_splits_into_work_and_code() {
        let mut activity = PersonActivity::new(PersonId::new("dana"), "Dana");
        activity.finished.push(FinishedWorkItem {
            item: item("PAY-12"),
            finished_at: at(2),
        });
        activity.in_progress.push(item("PAY-13"));
        activity.opened = vec![pull(41), pull(42)];
        activity.merged = vec![pull(41)];
        activity.reviewed.push(ReviewedPullRequest {
            pull_request: pull(40),
            author: Some(PersonId::new("lee")),
            reviews: 2,
            latest_state: ReviewState::ChangesRequested,
            latest_at: at(3),
        });

        let work = WorkFacts::from_activity(&activity);
        let code = CodeFacts::from_activity(&activity);

        assert_eq!(work.person, PersonId::new("dana"));
        assert_eq!(code.person, PersonId::new("dana"));
        assert_eq!(work.items.len(), 2);
        assert_eq!(work.items[0].progress, Progress::Done);
        assert_eq!(work.items[0].updated_at, Some(at(2)));
        assert_eq!(work.items[1].progress, Progress::InProgress);
        let statuses: Vec<_> = code
            .pull_requests
            .iter()
            .map(|pull| (pull.number, pull.status))
            .collect();
        assert_eq!(
            statuses,
            [
                (41, PullRequestStatus::Merged),
                (42, PullRequestStatus::Open)
            ]
        );
        assert_eq!(code.reviews[0].verdict, "changes requested");
        assert_eq!(code.reviews[0].reference(), "acme/payments#40");
    }

    #[test]
    fn blocker_keeps_its_person() {
        let mut unresolved = blocker(
            BlockerKind::Flagged,
            vec![InsightEvidence::WorkItem(item("PAY-12"))],
        );
        let fact = BlockerFact::from_blocker(&unresolved).expect("resolved");
        assert_eq!(fact.person, PersonId::new("dana"));

        unresolved.person = None;
        assert_eq!(BlockerFact::from_blocker(&unresolved), None);
    }

    #[test]
    fn blocked_by_link_cites_both_items() {
        let fact = fact_of(blocker(
            BlockerKind::BlockedByLink,
            vec![
                InsightEvidence::WorkItem(item("PAY-12")),
                InsightEvidence::BlockingItem {
                    link_type: "Blocks".into(),
                    description: "is blocked by".into(),
                    other: WorkItemKey::new("PAY-15"),
                    status: LinkedStatus::OnLink(StatusCategory::InProgress),
                },
            ],
        ));

        assert_eq!(fact.summary, "PAY-12 is blocked by PAY-15");
        assert_eq!(fact.source, BlockerSource::WorkItem);
        let labels: Vec<_> = fact.evidence.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["PAY-12", "PAY-15"]);
        assert_eq!(fact.since, Some(at(1)));
    }

    #[test]
    fn review_wait_is_code_blocker() {
        let fact = fact_of(blocker(
            BlockerKind::AwaitingFirstReview,
            vec![
                InsightEvidence::PullRequest(pull(42)),
                InsightEvidence::ReviewWait {
                    hours: 30,
                    requested_reviewers: Vec::new(),
                },
            ],
        ));

        assert_eq!(
            fact.summary,
            "acme/payments#42 has waited 30 hours for a first review"
        );
        assert_eq!(fact.source, BlockerSource::PullRequest);
        assert_eq!(
            fact.evidence[0].url.as_deref(),
            Some("https://github.com/acme/payments/pull/42")
        );
    }

    #[test]
    fn message_makes_chat_blocker() {
        let message = MessageEvidence {
            channel: ChannelId::new("C012AB3CD"),
            channel_name: Some("payments".into()),
            ts: "1700000000.000100".into(),
            thread_ts: None,
            excerpt: "blocked on the refund API keys".into(),
            phrase: "blocked on".into(),
            mentions: Vec::new(),
            work_items: Vec::new(),
        };
        let fact = fact_of(blocker(
            BlockerKind::ChatMessage,
            vec![InsightEvidence::Message(message)],
        ));

        assert_eq!(fact.source, BlockerSource::Chat);
        assert_eq!(
            fact.summary,
            "said in #payments: \"blocked on the refund API keys\""
        );
        assert_eq!(fact.evidence[0].label, "C012AB3CD/1700000000.000100");
    }

    #[test]
    fn stale_and_status_summaries() {
        let stale = fact_of(blocker(
            BlockerKind::StaleInProgress,
            vec![
                InsightEvidence::WorkItem(item("PAY-13")),
                InsightEvidence::LastTouched {
                    at: at(1),
                    working_days: 4,
                },
            ],
        ));
        assert_eq!(stale.summary, "PAY-13 has not moved for 4 working days");

        let status = fact_of(blocker(
            BlockerKind::BlockedStatus,
            vec![
                InsightEvidence::WorkItem(item("PAY-14")),
                InsightEvidence::Status {
                    name: "On Hold".into(),
                },
            ],
        ));
        assert_eq!(status.summary, "PAY-14 is in status On Hold");
    }
}
