//! One-line blocker summaries and evidence labels.

use async_core::ids::{ChannelId, PersonId};
use async_core::insights::{
    Blocker, BlockerKind, Evidence, LinkedStatus, MessageEvidence, PullRequestRef, RecordKind,
    WorkItemRef,
};
use async_core::model::StatusCategory;
use chrono::{TimeZone, Utc};

fn item() -> Evidence {
    Evidence::WorkItem(WorkItemRef {
        id: "10042".into(),
        key: "PAY-12".into(),
        summary: "Retry refunds".into(),
        status: "In Progress".into(),
        url: Some("https://acme.atlassian.net/browse/PAY-12".into()),
    })
}

fn blocker(kind: BlockerKind, evidence: Vec<Evidence>) -> Blocker {
    Blocker {
        person: Some(PersonId::new("dana")),
        kind,
        evidence,
        since: None,
    }
}

fn link(other: &str, status: LinkedStatus) -> Evidence {
    Evidence::BlockingItem {
        link_type: "Blocks".into(),
        description: "is blocked by".into(),
        other: other.into(),
        status,
    }
}

#[test]
fn work_item_summaries() {
    let cases = [
        (
            blocker(BlockerKind::Flagged, vec![item()]),
            "PAY-12 is flagged as an impediment",
        ),
        (
            blocker(
                BlockerKind::BlockedByLink,
                vec![
                    item(),
                    link("OPS-9", LinkedStatus::OnLink(StatusCategory::InProgress)),
                    link("OPS-10", LinkedStatus::Unknown),
                ],
            ),
            "PAY-12 is blocked by OPS-9 (in progress), OPS-10 (status unknown)",
        ),
        (
            blocker(
                BlockerKind::BlockedStatus,
                vec![
                    item(),
                    Evidence::Status {
                        name: "On Hold".into(),
                    },
                ],
            ),
            "PAY-12 is in status On Hold",
        ),
        (
            blocker(
                BlockerKind::StaleInProgress,
                vec![
                    item(),
                    Evidence::LastTouched {
                        at: Utc
                            .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
                            .single()
                            .expect("valid"),
                        working_days: 4,
                    },
                ],
            ),
            "PAY-12 is in progress with no update for 4 working days",
        ),
    ];

    for (blocker, expected) in cases {
        assert_eq!(blocker.summary(), expected);
        assert_eq!(blocker.kind.record_kind(), RecordKind::WorkItem);
    }
}

#[test]
fn pull_request_summary_and_label() {
    let pull = Evidence::PullRequest(PullRequestRef {
        id: "acme/pay#42".into(),
        repository: "acme/pay".into(),
        number: 42,
        title: "Retry refunds".into(),
        url: Some("https://github.com/acme/pay/pull/42".into()),
    });
    let wait = Evidence::ReviewWait {
        hours: 30,
        requested_reviewers: Vec::new(),
    };
    let found = blocker(
        BlockerKind::AwaitingFirstReview,
        vec![pull.clone(), wait.clone()],
    );

    assert_eq!(
        found.summary(),
        "acme/pay#42 has waited 30 hours for a first review"
    );
    assert_eq!(found.kind.record_kind(), RecordKind::PullRequest);
    assert_eq!(pull.label().as_deref(), Some("acme/pay#42"));
    assert_eq!(pull.url(), Some("https://github.com/acme/pay/pull/42"));
    assert_eq!(wait.label(), None);
    assert_eq!(wait.url(), None);
}

#[test]
fn chat_summary_quotes_excerpt() {
    let message = Evidence::Message(MessageEvidence {
        channel: ChannelId::new("C0TEAM"),
        channel_name: Some("payments".into()),
        ts: "1767690000.000100".into(),
        thread_ts: None,
        excerpt: "Blocked on the schema review".into(),
        phrase: "blocked on".into(),
        mentions: Vec::new(),
        work_items: Vec::new(),
    });
    let found = blocker(BlockerKind::ChatMessage, vec![message.clone()]);

    assert_eq!(
        found.summary(),
        "message in #payments: \"Blocked on the schema review\""
    );
    assert_eq!(found.kind.record_kind(), RecordKind::ChatMessage);
    assert_eq!(
        message.label().as_deref(),
        Some("#payments 1767690000.000100")
    );
}
