//! One-line descriptions and citation labels, so writers need not match on evidence.

use super::{Blocker, BlockerKind, Evidence, LinkedStatus, RecordKind};
use crate::model::StatusCategory;

impl BlockerKind {
    /// Returns the kind of record the rule reads, which decides the data category (work,
    /// code or chat) a viewer must be allowed to see.
    pub fn record_kind(self) -> RecordKind {
        match self {
            BlockerKind::Flagged
            | BlockerKind::BlockedByLink
            | BlockerKind::BlockedStatus
            | BlockerKind::StaleInProgress => RecordKind::WorkItem,
            BlockerKind::AwaitingFirstReview => RecordKind::PullRequest,
            BlockerKind::ChatMessage => RecordKind::ChatMessage,
        }
    }
}

impl Blocker {
    /// Describes the blocker in one plain English line built only from its evidence, for
    /// example `PAY-12 is blocked by OPS-9 (in progress)`.
    ///
    /// The line carries no prose from a model, so it can be shown as is or handed to one.
    pub fn summary(&self) -> String {
        let subject = self.subject();
        match self.kind {
            BlockerKind::Flagged => format!("{subject} is flagged as an impediment"),
            BlockerKind::BlockedByLink => format!("{subject} {}", self.link_phrase()),
            BlockerKind::BlockedStatus => {
                let status = self.evidence.iter().find_map(|evidence| match evidence {
                    Evidence::Status { name } => Some(name.as_str()),
                    _ => None,
                });
                format!("{subject} is in status {}", status.unwrap_or("blocked"))
            }
            BlockerKind::StaleInProgress => {
                let days = self.evidence.iter().find_map(|evidence| match evidence {
                    Evidence::LastTouched { working_days, .. } => Some(*working_days),
                    _ => None,
                });
                let days = days.unwrap_or_default();
                format!("{subject} is in progress with no update for {days} working days")
            }
            BlockerKind::AwaitingFirstReview => {
                let hours = self.evidence.iter().find_map(|evidence| match evidence {
                    Evidence::ReviewWait { hours, .. } => Some(*hours),
                    _ => None,
                });
                let hours = hours.unwrap_or_default();
                format!("{subject} has waited {hours} hours for a first review")
            }
            BlockerKind::ChatMessage => self.message_phrase(),
        }
    }

    /// Lists the blocking items after the first link's own phrase (`is blocked by`).
    fn link_phrase(&self) -> String {
        let links: Vec<(&str, String)> = self
            .evidence
            .iter()
            .filter_map(|evidence| match evidence {
                Evidence::BlockingItem {
                    description,
                    other,
                    status,
                    ..
                } => Some((
                    description.trim(),
                    format!("{other} ({})", status_words(*status)),
                )),
                _ => None,
            })
            .collect();

        let description = links
            .first()
            .map(|(description, _)| *description)
            .filter(|description| !description.is_empty())
            .unwrap_or("is blocked by");
        let others: Vec<&str> = links.iter().map(|(_, other)| other.as_str()).collect();
        format!("{description} {}", others.join(", "))
    }

    fn message_phrase(&self) -> String {
        let message = self.evidence.iter().find_map(|evidence| match evidence {
            Evidence::Message(message) => Some(message),
            _ => None,
        });
        let Some(message) = message else {
            return "a chat message reports a blocker".to_owned();
        };
        let channel = message
            .channel_name
            .as_ref()
            .map_or_else(|| message.channel.to_string(), |name| format!("#{name}"));
        format!("message in {channel}: \"{}\"", message.excerpt)
    }
}

fn status_words(status: LinkedStatus) -> &'static str {
    let category = match status {
        LinkedStatus::OnLink(category) | LinkedStatus::InBatch(category) => category,
        LinkedStatus::Unknown => return "status unknown",
    };
    match category {
        StatusCategory::ToDo => "not started",
        StatusCategory::InProgress => "in progress",
        StatusCategory::Done => "done",
        StatusCategory::Unknown => "status unknown",
    }
}

impl Evidence {
    /// Returns the reference a reader knows the evidence by (`PAY-12`, `acme/pay#42`,
    /// `#payments 1700000000.000100`), or `None` for evidence that is a measurement.
    pub fn label(&self) -> Option<String> {
        match self {
            Evidence::WorkItem(item) => Some(item.key.to_string()),
            Evidence::BlockingItem { other, .. } => Some(other.to_string()),
            Evidence::PullRequest(pull) => Some(pull.id.to_string()),
            Evidence::Message(message) => {
                let channel = message
                    .channel_name
                    .as_ref()
                    .map_or_else(|| message.channel.to_string(), |name| format!("#{name}"));
                Some(format!("{channel} {}", message.ts))
            }
            Evidence::Status { .. }
            | Evidence::LastTouched { .. }
            | Evidence::ReviewWait { .. } => None,
        }
    }

    /// Returns the page a reader opens to check the evidence, when the record has one.
    pub fn url(&self) -> Option<&str> {
        match self {
            Evidence::WorkItem(item) => item.url.as_deref(),
            Evidence::PullRequest(pull) => pull.url.as_deref(),
            _ => None,
        }
    }
}
