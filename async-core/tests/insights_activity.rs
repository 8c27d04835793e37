//! Per-person activity: pull requests opened, merged and reviewed; work items finished
//! and in progress.

use async_core::identity::{IdentityConfig, IdentityMap, IdentityResolver};
use async_core::ids::PersonId;
use async_core::insights::synthetic::build;
use async_core::insights::{InsightConfig, StandupInsights, standup_insights};
use async_core::model::{
    AccountKey, ActivityBatch, Provider, ProviderAccount, PullRequestState, Review, ReviewState,
    StatusCategory, StatusChange, TimeWindow,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

const MAPPING: &str = r#"
[[person]]
id = "dana"
name = "Dana Whitfield"
accounts = ["github:1", "jira:j-dana"]

[[person]]
id = "lee"
name = "Lee Okafor"
accounts = ["github:2", "github:22", "jira:j-lee"]

[[person]]
id = "sam"
name = "Sam Ito"

[[team]]
id = "payments"
name = "Payments"
members = ["dana", "lee", "sam"]
"#;

/// Tuesday, January 6, 2026 at `hour`:00 UTC, offset by `days`.
fn at(days: i64, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 6, hour, 0, 0)
        .single()
        .expect("valid date")
        + TimeDelta::days(days)
}

fn window() -> TimeWindow {
    TimeWindow::new(at(0, 0), at(1, 0))
}

fn github(id: &str) -> AccountKey {
    AccountKey::new(Provider::GitHub, id)
}

fn jira(id: &str) -> AccountKey {
    AccountKey::new(Provider::Jira, id)
}

fn identity(batch: &ActivityBatch) -> IdentityMap {
    let config = IdentityConfig::from_toml_str(MAPPING).expect("valid mapping");
    IdentityResolver::new(config)
        .expect("valid config")
        .resolve_batch(batch)
}

fn run(batch: &ActivityBatch) -> StandupInsights {
    standup_insights(
        batch,
        &identity(batch),
        window(),
        at(1, 9),
        &InsightConfig::default(),
    )
}

fn person(id: &str) -> PersonId {
    PersonId::new(id)
}

#[test]
fn opened_and_merged_inside_window_only() {
    let mut batch = ActivityBatch::default();
    batch.pull_requests.push(build::pull_request(
        "acme/pay",
        1,
        Some(github("1")),
        at(0, 10),
    ));
    let mut merged = build::pull_request("acme/pay", 2, Some(github("1")), at(-3, 10));
    merged.state = PullRequestState::Merged;
    merged.merged_at = Some(at(0, 15));
    batch.pull_requests.push(merged);
    // Opened the day before the window: no entry.
    batch.pull_requests.push(build::pull_request(
        "acme/pay",
        3,
        Some(github("1")),
        at(-1, 23),
    ));

    let insights = run(&batch);
    let dana = &insights.person(&person("dana")).expect("present").activity;

    let opened: Vec<u64> = dana.opened.iter().map(|pull| pull.number).collect();
    let merged: Vec<u64> = dana.merged.iter().map(|pull| pull.number).collect();
    assert_eq!(opened, vec![1]);
    assert_eq!(merged, vec![2]);
    assert_eq!(dana.opened[0].title, "Change 1");
    assert_eq!(
        dana.opened[0].url.as_deref(),
        Some("https://github.com/acme/pay/pull/1")
    );
}

#[test]
fn reviews_count_only_on_others_pull_requests() {
    let mut pull = build::pull_request("acme/pay", 7, Some(github("1")), at(-2, 9));
    pull.reviews = vec![
        build::review("r1", github("2"), ReviewState::Commented, at(0, 9)),
        build::review("r2", github("2"), ReviewState::Approved, at(0, 11)),
        // Dana reviewing her own pull request is not review work.
        build::review("r3", github("1"), ReviewState::Commented, at(0, 12)),
        // Outside the window.
        build::review("r4", github("2"), ReviewState::Commented, at(-1, 12)),
        // Pending: never submitted.
        Review {
            id: "r5".into(),
            reviewer: Some(github("2")),
            state: ReviewState::Pending,
            submitted_at: None,
        },
    ];
    let mut own = build::pull_request("acme/pay", 8, Some(github("2")), at(-2, 9));
    // Lee's second account reviewing Lee's pull request is still self-review.
    own.reviews = vec![build::review(
        "r6",
        github("22"),
        ReviewState::Approved,
        at(0, 13),
    )];
    let batch = ActivityBatch {
        pull_requests: vec![pull, own],
        ..ActivityBatch::default()
    };

    let insights = run(&batch);
    let lee = &insights.person(&person("lee")).expect("present").activity;
    let dana = &insights.person(&person("dana")).expect("present").activity;

    assert_eq!(lee.reviewed.len(), 1);
    let reviewed = &lee.reviewed[0];
    assert_eq!(reviewed.pull_request.number, 7);
    assert_eq!(reviewed.reviews, 2);
    assert_eq!(reviewed.latest_state, ReviewState::Approved);
    assert_eq!(reviewed.latest_at, at(0, 11));
    assert_eq!(reviewed.author, Some(person("dana")));
    assert!(dana.reviewed.is_empty());
}

#[test]
fn bot_reviews_are_not_credited() {
    let mut pull = build::pull_request("acme/pay", 9, Some(github("1")), at(-2, 9));
    pull.reviews = vec![build::review(
        "r1",
        github("49699333"),
        ReviewState::Commented,
        at(0, 9),
    )];
    let mut bot = ProviderAccount::new(github("49699333"));
    bot.is_bot = true;
    let batch = ActivityBatch {
        accounts: vec![bot],
        pull_requests: vec![pull],
        ..ActivityBatch::default()
    };

    let insights = run(&batch);

    assert!(
        insights
            .people
            .iter()
            .all(|entry| entry.activity.reviewed.is_empty())
    );
    assert!(
        insights
            .people
            .iter()
            .all(|entry| !entry.activity.person.as_str().contains("49699333"))
    );
}

#[test]
fn finished_uses_transition_into_done_status() {
    let mut done = build::work_item(
        "PAY-1",
        "Done",
        StatusCategory::Done,
        Some(jira("j-dana")),
        at(0, 16),
    );
    done.status_history = vec![
        StatusChange {
            at: at(-2, 9),
            author: Some(jira("j-dana")),
            from: Some("To Do".into()),
            to: "In Progress".into(),
        },
        StatusChange {
            at: at(0, 15),
            author: Some(jira("j-dana")),
            from: Some("In Progress".into()),
            to: "DONE".into(),
        },
    ];
    // Resolved before the window, only touched (a comment) inside it: not finished now.
    let mut old = build::work_item(
        "PAY-2",
        "Done",
        StatusCategory::Done,
        Some(jira("j-dana")),
        at(0, 10),
    );
    old.resolved_at = Some(at(-4, 10));
    // No history: `resolved_at` decides.
    let mut resolved = build::work_item(
        "PAY-3",
        "Closed",
        StatusCategory::Done,
        Some(jira("j-dana")),
        at(0, 11),
    );
    resolved.resolved_at = Some(at(0, 11));
    let batch = ActivityBatch {
        work_items: vec![done, old, resolved],
        ..ActivityBatch::default()
    };

    let insights = run(&batch);
    let dana = &insights.person(&person("dana")).expect("present").activity;

    let keys: Vec<&str> = dana
        .finished
        .iter()
        .map(|item| item.item.key.as_str())
        .collect();
    assert_eq!(keys, vec!["PAY-3", "PAY-1"]);
    assert_eq!(dana.finished[1].finished_at, at(0, 15));
    assert_eq!(
        dana.finished[1].item.url.as_deref(),
        Some("https://acme.atlassian.net/browse/PAY-1")
    );
}

#[test]
fn unassigned_finished_item_credits_transition_author() {
    let mut item = build::work_item("PAY-4", "Done", StatusCategory::Done, None, at(0, 9));
    item.status_history.push(StatusChange {
        at: at(0, 9),
        author: Some(jira("j-lee")),
        from: None,
        to: "Done".into(),
    });
    let batch = ActivityBatch {
        work_items: vec![item],
        ..ActivityBatch::default()
    };

    let insights = run(&batch);
    let lee = &insights.person(&person("lee")).expect("present").activity;

    assert_eq!(lee.finished.len(), 1);
}

#[test]
fn in_progress_lists_current_items_whatever_the_window() {
    let batch = ActivityBatch {
        work_items: vec![
            build::work_item(
                "PAY-9",
                "In Review",
                StatusCategory::InProgress,
                Some(jira("j-lee")),
                at(-10, 9),
            ),
            build::work_item(
                "PAY-10",
                "To Do",
                StatusCategory::ToDo,
                Some(jira("j-lee")),
                at(0, 9),
            ),
        ],
        ..ActivityBatch::default()
    };

    let insights = run(&batch);
    let lee = &insights.person(&person("lee")).expect("present").activity;

    let keys: Vec<&str> = lee
        .in_progress
        .iter()
        .map(|item| item.key.as_str())
        .collect();
    assert_eq!(keys, vec!["PAY-9"]);
    assert_eq!(lee.in_progress[0].status, "In Review");
}

#[test]
fn every_team_member_is_present_without_activity() {
    let insights = run(&ActivityBatch::default());

    let ids: Vec<&str> = insights
        .people
        .iter()
        .map(|entry| entry.activity.person.as_str())
        .collect();
    assert_eq!(ids, vec!["dana", "lee", "sam"]);
    let sam = &insights.person(&person("sam")).expect("present").activity;
    assert!(sam.is_empty());
    assert_eq!(sam.display_name, "Sam Ito");
}

#[test]
fn unmapped_person_with_activity_is_listed() {
    let batch = ActivityBatch {
        pull_requests: vec![build::pull_request(
            "acme/pay",
            5,
            Some(github("77")),
            at(0, 9),
        )],
        ..ActivityBatch::default()
    };

    let insights = run(&batch);

    let outsider = insights
        .person(&person("github:77"))
        .expect("listed because of activity");
    assert_eq!(outsider.activity.opened.len(), 1);
}
