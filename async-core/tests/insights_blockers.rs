//! Work item and pull request blockers: flags, links, statuses, staleness, review waits.

use async_core::identity::{IdentityConfig, IdentityMap, IdentityResolver};
use async_core::ids::PersonId;
use async_core::insights::synthetic::build;
use async_core::insights::{
    Blocker, BlockerKind, Evidence, InsightConfig, LinkedStatus, detect_blockers,
};
use async_core::model::{
    AccountKey, ActivityBatch, ChangeField, IssueLink, LinkDirection, Provider, ProviderAccount,
    PullRequestState, ReviewState, StatusCategory, StatusChange, TimeWindow, WorkItem,
    WorkItemChange,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

const MAPPING: &str = r#"
[[person]]
id = "dana"
name = "Dana"
accounts = ["github:1", "github:11", "jira:j-dana"]

[[person]]
id = "lee"
name = "Lee"
accounts = ["github:2", "jira:j-lee"]
"#;

/// Monday, January 12, 2026 at `hour`:00 UTC, offset by `days`.
fn at(days: i64, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, hour, 0, 0)
        .single()
        .expect("valid date")
        + TimeDelta::days(days)
}

/// Returns the evaluation instant, Monday 10:00.
fn now() -> DateTime<Utc> {
    at(0, 10)
}

fn jira(id: &str) -> AccountKey {
    AccountKey::new(Provider::Jira, id)
}

fn github(id: &str) -> AccountKey {
    AccountKey::new(Provider::GitHub, id)
}

fn identity(batch: &ActivityBatch) -> IdentityMap {
    let config = IdentityConfig::from_toml_str(MAPPING).expect("valid mapping");
    IdentityResolver::new(config)
        .expect("valid config")
        .resolve_batch(batch)
}

fn detect_with(batch: &ActivityBatch, config: &InsightConfig) -> Vec<Blocker> {
    let window = TimeWindow::new(now() - TimeDelta::days(1), now());
    detect_blockers(batch, &identity(batch), window, now(), config)
}

fn detect(batch: &ActivityBatch) -> Vec<Blocker> {
    detect_with(batch, &InsightConfig::default())
}

fn items(items: Vec<WorkItem>) -> ActivityBatch {
    ActivityBatch {
        work_items: items,
        ..ActivityBatch::default()
    }
}

fn kinds(blockers: &[Blocker]) -> Vec<BlockerKind> {
    blockers.iter().map(|blocker| blocker.kind).collect()
}

/// Builds an in-progress item assigned to Dana, touched an hour before `now`.
fn fresh(key: &str) -> WorkItem {
    build::work_item(
        key,
        "In Progress",
        StatusCategory::InProgress,
        Some(jira("j-dana")),
        now() - TimeDelta::hours(1),
    )
}

fn blocks_link(other: &str, category: Option<StatusCategory>) -> IssueLink {
    IssueLink {
        link_type: "Blocks".into(),
        direction: LinkDirection::Inward,
        description: "is blocked by".into(),
        other: other.into(),
        other_status_category: category,
    }
}

#[test]
fn flagged_item_with_flag_time() {
    let mut item = fresh("PAY-1");
    item.is_flagged = true;
    item.changes.push(WorkItemChange {
        at: at(-1, 9),
        author: Some(jira("j-dana")),
        field: ChangeField::Flagged,
        from: None,
        to: Some("Impediment".into()),
    });

    let blockers = detect(&items(vec![item]));

    assert_eq!(kinds(&blockers), vec![BlockerKind::Flagged]);
    assert_eq!(blockers[0].person, Some(PersonId::new("dana")));
    assert_eq!(blockers[0].since, Some(at(-1, 9)));
    assert_eq!(blockers[0].subject(), "PAY-1");
}

#[test]
fn done_items_raise_nothing() {
    let mut item = build::work_item(
        "PAY-2",
        "Blocked",
        StatusCategory::Done,
        Some(jira("j-dana")),
        at(-20, 9),
    );
    item.is_flagged = true;
    item.links
        .push(blocks_link("PAY-3", Some(StatusCategory::ToDo)));

    assert!(detect(&items(vec![item])).is_empty());
}

#[test]
fn blocking_link_to_open_item() {
    let mut item = fresh("PAY-4");
    item.links
        .push(blocks_link("OPS-9", Some(StatusCategory::InProgress)));

    let blockers = detect(&items(vec![item]));

    assert_eq!(kinds(&blockers), vec![BlockerKind::BlockedByLink]);
    assert!(blockers[0].evidence.contains(&Evidence::BlockingItem {
        link_type: "Blocks".into(),
        description: "is blocked by".into(),
        other: "OPS-9".into(),
        status: LinkedStatus::OnLink(StatusCategory::InProgress),
    }));
}

#[test]
fn blocking_link_to_done_item_is_resolved() {
    let mut item = fresh("PAY-5");
    item.links
        .push(blocks_link("OPS-1", Some(StatusCategory::Done)));
    // Status unknown on the link, but the batch has the item and it is done.
    item.links.push(blocks_link("OPS-2", None));
    let other = build::work_item("OPS-2", "Closed", StatusCategory::Done, None, at(-1, 9));

    assert!(detect(&items(vec![item, other])).is_empty());
}

#[test]
fn blocking_link_status_looked_up_or_unknown() {
    let mut item = fresh("PAY-6");
    item.links.push(blocks_link("OPS-3", None));
    item.links.push(blocks_link("OPS-4", None));
    let other = build::work_item("OPS-3", "To Do", StatusCategory::ToDo, None, at(-1, 9));

    let blockers = detect(&items(vec![item, other]));

    assert_eq!(kinds(&blockers), vec![BlockerKind::BlockedByLink]);
    let statuses: Vec<(String, LinkedStatus)> = blockers[0]
        .evidence
        .iter()
        .filter_map(|evidence| match evidence {
            Evidence::BlockingItem { other, status, .. } => Some((other.to_string(), *status)),
            _ => None,
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            (
                "OPS-3".to_owned(),
                LinkedStatus::InBatch(StatusCategory::ToDo)
            ),
            ("OPS-4".to_owned(), LinkedStatus::Unknown),
        ]
    );
}

#[test]
fn outward_and_other_link_types_are_ignored() {
    let mut item = fresh("PAY-7");
    let mut outward = blocks_link("OPS-5", Some(StatusCategory::ToDo));
    outward.direction = LinkDirection::Outward;
    outward.description = "blocks".into();
    let mut relates = blocks_link("OPS-6", Some(StatusCategory::ToDo));
    relates.link_type = "Relates".into();
    item.links = vec![outward, relates];

    assert!(detect(&items(vec![item])).is_empty());
}

#[test]
fn blocked_status_is_case_insensitive() {
    let mut item = build::work_item(
        "PAY-8",
        "on hold",
        StatusCategory::ToDo,
        Some(jira("j-lee")),
        now(),
    );
    item.status_history.push(StatusChange {
        at: at(-2, 15),
        author: None,
        from: Some("To Do".into()),
        to: "On Hold".into(),
    });

    let blockers = detect(&items(vec![item]));

    assert_eq!(kinds(&blockers), vec![BlockerKind::BlockedStatus]);
    assert_eq!(blockers[0].person, Some(PersonId::new("lee")));
    assert_eq!(blockers[0].since, Some(at(-2, 15)));
}

#[test]
fn blocked_statuses_are_configurable() {
    let item = build::work_item("PAY-9", "Needs Vendor", StatusCategory::ToDo, None, now());
    let batch = items(vec![item]);

    assert!(detect(&batch).is_empty());
    let config = InsightConfig::default().with_blocked_statuses(["Needs vendor"]);
    let blockers = detect_with(&batch, &config);
    assert_eq!(kinds(&blockers), vec![BlockerKind::BlockedStatus]);
    assert_eq!(blockers[0].person, None);
}

#[test]
fn stale_after_three_working_days() {
    // Wednesday 10:00 to Monday 10:00: three working days.
    let stale = build::work_item(
        "PAY-10",
        "In Progress",
        StatusCategory::InProgress,
        Some(jira("j-dana")),
        at(-5, 10),
    );

    let blockers = detect(&items(vec![stale]));

    assert_eq!(kinds(&blockers), vec![BlockerKind::StaleInProgress]);
    assert_eq!(blockers[0].since, Some(at(-5, 10)));
    assert!(blockers[0].evidence.contains(&Evidence::LastTouched {
        at: at(-5, 10),
        working_days: 3,
    }));
}

#[test]
fn weekend_does_not_make_item_stale() {
    // Thursday 11:00 to Monday 10:00: four calendar days, under two working days.
    let item = build::work_item(
        "PAY-11",
        "In Progress",
        StatusCategory::InProgress,
        Some(jira("j-dana")),
        at(-4, 11),
    );

    assert!(detect(&items(vec![item])).is_empty());
}

#[test]
fn recent_history_counts_as_touch() {
    let mut item = build::work_item(
        "PAY-12",
        "In Progress",
        StatusCategory::InProgress,
        Some(jira("j-dana")),
        at(-10, 9),
    );
    item.changes.push(WorkItemChange {
        at: at(-1, 9),
        author: None,
        field: ChangeField::Assignee,
        from: None,
        to: Some("Dana".into()),
    });

    assert!(detect(&items(vec![item])).is_empty());
}

#[test]
fn stale_threshold_is_configurable() {
    // Friday 09:00 to Monday 10:00: one working day and one hour.
    let item = build::work_item(
        "PAY-13",
        "In Progress",
        StatusCategory::InProgress,
        None,
        at(-3, 9),
    );
    let config = InsightConfig::default().with_stale_after_working_days(1);

    assert_eq!(
        kinds(&detect_with(&items(vec![item]), &config)),
        vec![BlockerKind::StaleInProgress]
    );
}

#[test]
fn to_do_item_is_never_stale() {
    let item = build::work_item("PAY-14", "To Do", StatusCategory::ToDo, None, at(-30, 9));

    assert!(detect(&items(vec![item])).is_empty());
}

fn pulls(pulls: Vec<async_core::model::PullRequest>) -> ActivityBatch {
    ActivityBatch {
        pull_requests: pulls,
        ..ActivityBatch::default()
    }
}

#[test]
fn pull_request_waiting_over_a_day() {
    let mut pull = build::pull_request(
        "acme/pay",
        42,
        Some(github("1")),
        now() - TimeDelta::hours(25),
    );
    pull.requested_reviewers.push(github("2"));

    let blockers = detect(&pulls(vec![pull]));

    assert_eq!(kinds(&blockers), vec![BlockerKind::AwaitingFirstReview]);
    let blocker = &blockers[0];
    assert_eq!(blocker.person, Some(PersonId::new("dana")));
    assert_eq!(blocker.since, Some(now() - TimeDelta::hours(25)));
    assert_eq!(blocker.subject(), "acme/pay#42");
    assert!(blocker.evidence.contains(&Evidence::ReviewWait {
        hours: 25,
        requested_reviewers: vec![github("2")],
    }));
}

#[test]
fn pull_request_at_23_hours_is_not_blocked() {
    let pull = build::pull_request(
        "acme/pay",
        43,
        Some(github("1")),
        now() - TimeDelta::hours(23),
    );

    assert!(detect(&pulls(vec![pull])).is_empty());
}

#[test]
fn pull_request_with_outside_review_is_not_blocked() {
    let mut pull = build::pull_request("acme/pay", 44, Some(github("1")), at(-3, 9));
    pull.reviews.push(build::review(
        "r1",
        github("2"),
        ReviewState::Commented,
        at(-2, 9),
    ));

    assert!(detect(&pulls(vec![pull])).is_empty());
}

#[test]
fn self_and_bot_reviews_do_not_count() {
    let mut pull = build::pull_request("acme/pay", 45, Some(github("1")), at(-3, 9));
    pull.reviews = vec![
        build::review("r1", github("1"), ReviewState::Commented, at(-2, 9)),
        // Dana's second account.
        build::review("r2", github("11"), ReviewState::Approved, at(-2, 10)),
        build::review("r3", github("49699333"), ReviewState::Commented, at(-2, 11)),
    ];
    let mut bot = ProviderAccount::new(github("49699333"));
    bot.is_bot = true;
    let mut batch = pulls(vec![pull]);
    batch.accounts.push(bot);

    assert_eq!(
        kinds(&detect(&batch)),
        vec![BlockerKind::AwaitingFirstReview]
    );
}

#[test]
fn drafts_and_closed_pull_requests_are_skipped() {
    let mut draft = build::pull_request("acme/pay", 46, Some(github("1")), at(-5, 9));
    draft.is_draft = true;
    let mut merged = build::pull_request("acme/pay", 47, Some(github("1")), at(-5, 9));
    merged.state = PullRequestState::Merged;
    let mut closed = build::pull_request("acme/pay", 48, Some(github("1")), at(-5, 9));
    closed.state = PullRequestState::Closed;

    assert!(detect(&pulls(vec![draft, merged, closed])).is_empty());
}

#[test]
fn review_wait_is_configurable() {
    let pull = build::pull_request(
        "acme/pay",
        49,
        Some(github("2")),
        now() - TimeDelta::hours(9),
    );
    let config = InsightConfig::default().with_first_review_wait(TimeDelta::hours(8));

    let blockers = detect_with(&pulls(vec![pull]), &config);

    assert_eq!(kinds(&blockers), vec![BlockerKind::AwaitingFirstReview]);
    assert_eq!(blockers[0].person, Some(PersonId::new("lee")));
}

#[test]
fn blockers_are_sorted_person_then_kind() {
    let mut flagged = fresh("PAY-20");
    flagged.is_flagged = true;
    let lee_status = build::work_item(
        "PAY-21",
        "Blocked",
        StatusCategory::InProgress,
        Some(jira("j-lee")),
        now(),
    );
    let nobody = build::work_item("PAY-22", "Blocked", StatusCategory::ToDo, None, now());
    let mut batch = items(vec![nobody, lee_status, flagged]);
    batch.pull_requests.push(build::pull_request(
        "acme/pay",
        50,
        Some(github("1")),
        at(-3, 9),
    ));

    let blockers = detect(&batch);

    let order: Vec<(Option<&str>, BlockerKind)> = blockers
        .iter()
        .map(|blocker| (blocker.person.as_ref().map(PersonId::as_str), blocker.kind))
        .collect();
    assert_eq!(
        order,
        vec![
            (Some("dana"), BlockerKind::Flagged),
            (Some("dana"), BlockerKind::AwaitingFirstReview),
            (Some("lee"), BlockerKind::BlockedStatus),
            (None, BlockerKind::BlockedStatus),
        ]
    );
}

#[test]
fn bot_pull_request_is_not_a_blocker() {
    let pull = build::pull_request("acme/pay", 51, Some(github("49699333")), at(-3, 9));
    let mut bot = ProviderAccount::new(github("49699333"));
    bot.is_bot = true;
    let mut batch = pulls(vec![pull]);
    batch.accounts.push(bot);

    assert!(detect(&batch).is_empty());
}
