//! Retrospectives offline and with a scripted model.

use async_core::ids::{
    PersonId, PullRequestId, RepositoryId, ReviewId, SprintId, TeamId, WorkItemId, WorkItemKey,
};
use async_core::model::{
    AccountKey, ChangeField, Provider, PullRequest, PullRequestState, Review, ReviewState, Sprint,
    SprintState, StatusCategory, WorkItem, WorkItemChange,
};
use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::OfflineModel;
use crate::structured::MismatchKind;
use crate::tasks::standup::{BlockerSource, Evidence};
use crate::test_support::{Scripted, approve, approve_team, guard};

fn payments() -> TeamId {
    TeamId::new("payments")
}

fn day(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0)
        .single()
        .expect("valid date")
}

fn sprint() -> Sprint {
    Sprint {
        id: SprintId::new("14"),
        board_id: None,
        name: "PAY Sprint 14".into(),
        state: SprintState::Closed,
        start: Some(day(16)),
        end: Some(day(27)),
        completed_at: Some(day(27)),
        goal: Some("Ship refund retries".into()),
    }
}

fn work_item(key: &str, category: StatusCategory, resolved: Option<u32>) -> WorkItem {
    WorkItem {
        id: WorkItemId::new(key),
        key: WorkItemKey::new(key),
        project_key: "PAY".into(),
        summary: format!("Summary of {key}"),
        url: Some(format!("https://acme.atlassian.net/browse/{key}")),
        issue_type: "Story".into(),
        status: "Done".into(),
        status_category: category,
        assignee: Some(AccountKey::new(Provider::Jira, "acct-dana")),
        reporter: None,
        created_at: day(10),
        updated_at: day(26),
        resolved_at: resolved.map(day),
        due_date: None,
        estimate: Some(3.0),
        is_flagged: false,
        links: Vec::new(),
        status_history: Vec::new(),
        changes: Vec::new(),
        sprint_ids: vec![SprintId::new("14")],
        parent: None,
        labels: Vec::new(),
    }
}

fn items() -> Vec<WorkItem> {
    let mut added = work_item("PAY-14", StatusCategory::InProgress, None);
    added.changes.push(WorkItemChange {
        at: day(20),
        author: None,
        field: ChangeField::Sprint,
        from: None,
        to: Some("PAY Sprint 14".into()),
    });
    let mut other_sprint = work_item("PAY-99", StatusCategory::Done, Some(20));
    other_sprint.sprint_ids = vec![SprintId::new("13")];
    vec![
        work_item("PAY-12", StatusCategory::Done, Some(25)),
        work_item("PAY-11", StatusCategory::Done, Some(28)),
        added,
        other_sprint,
    ]
}

fn pull(number: u64, opened: u32, reviewed: Option<u32>) -> PullRequest {
    let author = AccountKey::new(Provider::GitHub, "dana");
    PullRequest {
        id: PullRequestId::new(format!("acme/payments#{number}")),
        repository: RepositoryId::new("acme/payments"),
        number,
        title: format!("Change {number}"),
        url: Some(format!("https://github.com/acme/payments/pull/{number}")),
        author: Some(author),
        state: PullRequestState::Open,
        is_draft: false,
        created_at: day(opened),
        updated_at: day(opened),
        closed_at: None,
        merged_at: None,
        base_branch: None,
        head_branch: None,
        requested_reviewers: Vec::new(),
        reviews: reviewed
            .map(|reviewed| Review {
                id: ReviewId::new(format!("r{number}")),
                reviewer: Some(AccountKey::new(Provider::GitHub, "lee")),
                state: ReviewState::Approved,
                submitted_at: Some(day(reviewed)),
            })
            .into_iter()
            .collect(),
        review_comments: Vec::new(),
        commits: Vec::new(),
        work_items: Vec::new(),
    }
}

fn retro_facts() -> RetroFacts {
    let guard = guard();
    let purpose = Purpose::Retrospective;
    let summary = SprintSummary::from_sprint(&sprint()).expect("closed sprint");
    let work = SprintWork::from_records(payments(), &summary, &items());
    let reviews = SprintReviews::from_pull_requests(
        payments(),
        &summary,
        &[
            pull(40, 17, Some(20)),
            pull(41, 18, Some(18)),
            pull(42, 24, None),
            pull(7, 2, None),
        ],
    );
    let blocker = BlockerFact {
        person: PersonId::new("dana"),
        summary: "PAY-14 is blocked by PAY-15".into(),
        source: BlockerSource::WorkItem,
        since: Some(day(21)),
        evidence: vec![Evidence::new("PAY-15", None)],
    };
    RetroFacts::new("dana", summary)
        .with_work(&approve_team(&guard, DataCategory::Work, purpose, work))
        .and_then(|f| f.with_reviews(&approve_team(&guard, DataCategory::Code, purpose, reviews)))
        .and_then(|f| {
            f.with_blocker(&approve(
                &guard,
                "dana",
                DataCategory::Work,
                purpose,
                blocker,
            ))
        })
        .expect("approved retrospective facts")
}

#[test]
fn open_sprint_is_rejected() {
    let mut running = sprint();
    running.state = SprintState::Active;
    let error = SprintSummary::from_sprint(&running).expect_err("active sprint");
    assert!(error.to_string().contains("is not closed"));
}

#[test]
fn outcomes_at_sprint_close() {
    let summary = SprintSummary::from_sprint(&sprint()).expect("closed");
    let work = SprintWork::from_records(payments(), &summary, &items());
    assert_eq!(work.team, payments());
    let outcomes: Vec<(&str, SprintOutcome, bool)> = work
        .items
        .iter()
        .map(|item| (item.key.as_str(), item.outcome, item.added_after_start))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("PAY-12", SprintOutcome::Completed, false),
            ("PAY-11", SprintOutcome::CarriedOver, false),
            ("PAY-14", SprintOutcome::CarriedOver, true),
        ]
    );
}

#[test]
fn review_waits_in_sprint() {
    let summary = SprintSummary::from_sprint(&sprint()).expect("closed");
    let reviews = SprintReviews::from_pull_requests(
        payments(),
        &summary,
        &[pull(40, 17, Some(20)), pull(42, 24, None), pull(7, 2, None)],
    );
    assert_eq!(reviews.team, payments());
    let waits: Vec<(&str, Option<u64>)> = reviews
        .pulls
        .iter()
        .map(|p| (p.reference.as_str(), p.wait_hours))
        .collect();
    assert_eq!(
        waits,
        [("acme/payments#40", Some(72)), ("acme/payments#42", None)]
    );
}

#[tokio::test]
async fn offline_retrospective_from_facts() {
    let retro = write_retrospective(
        &OfflineModel::new(),
        &retro_facts(),
        &RetroOptions::default(),
    )
    .await
    .expect("offline retrospective");

    let texts = |points: &[RetroPoint]| -> Vec<String> {
        points.iter().map(|point| point.text.clone()).collect()
    };
    assert_eq!(
        texts(&retro.went_well),
        ["The team completed 1 of 3 items."]
    );
    assert_eq!(
        texts(&retro.did_not_go_well),
        [
            "2 items were carried over: PAY-11, PAY-14.",
            "Pull requests waited long for a first review.",
            "Blocked: PAY-14 is blocked by PAY-15.",
            "1 item was added after the sprint started.",
        ]
    );
    assert_eq!(retro.actions.len(), 4);
    let carried_ids: Vec<&str> = retro.did_not_go_well[0]
        .facts
        .iter()
        .map(|fact| fact.id.as_str())
        .collect();
    assert_eq!(
        carried_ids,
        ["sprint:completion", "item:PAY-11", "item:PAY-14"]
    );
    assert!(retro.markdown.starts_with("# Retrospective: PAY Sprint 14"));
    assert!(
        retro
            .markdown
            .contains("[PAY-11](https://acme.atlassian.net/browse/PAY-11)")
    );
    assert!(!retro.markdown.contains("acct-dana"));
    assert!(retro.usage.is_none());
}

#[test]
fn prompt_names_no_assignee() {
    let prompt = retrospective_prompt(
        &retro_facts(),
        &RetroOptions::default(),
        &ModelInfo::new("t", "t"),
    )
    .expect("prompt");
    assert!(
        prompt
            .user
            .starts_with("Sprint: PAY Sprint 14 (2026-11-16 to 2026-11-27)")
    );
    assert!(prompt.user.contains(
        "sprint:completion | sprint completion | Completed 1 of 3 items (3 of 9 estimate points)"
    ));
    assert!(prompt.user.contains("reviews:first-wait | review waits | First-review wait over 3 pull requests: median 36 hours, longest acme/payments#40 at 72 hours; 1 never reviewed"));
    assert!(!prompt.user.contains("acct-dana"));
}

#[test]
fn budget_drops_completed_items_first() {
    let facts = retro_facts();
    let info = ModelInfo::new("t", "t");
    let full = retrospective_prompt(&facts, &RetroOptions::default(), &info).expect("prompt");
    assert_eq!(full.omitted_facts, 0);

    let budget = full.estimated_tokens - 20;
    let prompt = retrospective_prompt(
        &facts,
        &RetroOptions::default().with_max_prompt_tokens(budget),
        &info,
    )
    .expect("prompt");

    assert!(prompt.omitted_facts >= 1);
    let ids: Vec<&str> = prompt.fact_ids.iter().map(FactId::as_str).collect();
    assert!(!ids.contains(&"item:PAY-12"), "{ids:?}");
    assert!(ids.contains(&"sprint:completion"), "{ids:?}");
    assert!(ids.contains(&"blocker:PAY-15"), "{ids:?}");
    let whole = estimate_tokens(&prompt.system) + estimate_tokens(&prompt.user);
    assert!(whole <= budget, "{whole} over {budget}");
}

#[tokio::test]
async fn offline_cites_only_kept_facts() {
    let facts = retro_facts();
    let info = ModelInfo::new("offline", "offline");
    let full = retrospective_prompt(&facts, &RetroOptions::default(), &info).expect("prompt");
    let options = RetroOptions::default().with_max_prompt_tokens(full.estimated_tokens - 20);

    let retro = write_retrospective(&OfflineModel::new(), &facts, &options)
        .await
        .expect("offline retrospective");

    assert!(retro.omitted_facts >= 1);
    let cited: Vec<&str> = retro
        .went_well
        .iter()
        .flat_map(|point| point.facts.iter().map(|fact| fact.id.as_str()))
        .collect();
    assert!(!cited.contains(&"item:PAY-12"), "{cited:?}");
}

#[tokio::test]
async fn model_points_resolve_facts() {
    let reply = r#"{
        "went_well": [{"text": "PAY-12 shipped.", "fact_ids": ["item:PAY-12"]}],
        "did_not_go_well": [{"text": "Reviews were slow.", "fact_ids": ["reviews:first-wait", "pr:acme/payments#40"]}],
        "actions": [{"text": "Set a review target.", "fact_ids": ["reviews:first-wait"]}]
    }"#;
    let model = Scripted::new(&[reply]);

    let retro = write_retrospective(&model, &retro_facts(), &RetroOptions::default())
        .await
        .expect("valid retrospective");

    assert_eq!(retro.did_not_go_well[0].facts[1].label, "acme/payments#40");
    assert_eq!(
        retro.did_not_go_well[0].facts[1].url.as_deref(),
        Some("https://github.com/acme/payments/pull/40")
    );
    assert_eq!(retro.usage.and_then(|u| u.uncached_input_tokens), Some(100));
}

#[tokio::test]
async fn point_without_facts_is_rejected() {
    let reply = r#"{"went_well": [{"text": "Great vibes.", "fact_ids": []}], "did_not_go_well": [], "actions": []}"#;
    let model = Scripted::new(&[reply, reply]);

    let error = write_retrospective(&model, &retro_facts(), &RetroOptions::default())
        .await
        .expect_err("uncited point");

    let mismatch = error.schema_mismatch().expect("mismatch");
    assert_eq!(mismatch.kind(), &MismatchKind::Schema);
    assert_eq!(
        mismatch.violations()[0].instance_path,
        "/went_well/0/fact_ids"
    );
    assert_eq!(mismatch.violations()[0].keyword, "minItems");
}

#[test]
fn unknown_ids_are_listed() {
    let reply = Reply {
        went_well: Vec::new(),
        did_not_go_well: Vec::new(),
        actions: vec![ReplyPoint {
            text: "x".into(),
            fact_ids: vec![FactId::new("item", "PAY-77")],
        }],
    };
    let problems = unknown_ids(&reply, &BTreeSet::new());
    assert_eq!(problems[0].instance_path, "/actions/0/fact_ids/0");
}

#[test]
fn own_data_approval_is_rejected_for_sprint_work() {
    let guard = guard();
    let own = |category| {
        async_policy::AccessRequest::individual("dana", "dana", category, Purpose::Retrospective)
    };
    let work = SprintWork {
        team: payments(),
        items: Vec::new(),
    };
    let reviews = SprintReviews {
        team: payments(),
        pulls: Vec::new(),
    };

    let work_error = guard
        .authorize_now(&own(DataCategory::Work), work)
        .expect_err("sprint work is not Dana's own data");
    let reviews_error = guard
        .authorize_now(&own(DataCategory::Code), reviews)
        .expect_err("sprint reviews are not Dana's own data");

    assert!(work_error.is_attribution_mismatch(), "{work_error}");
    assert!(reviews_error.is_attribution_mismatch(), "{reviews_error}");
}

#[test]
fn standup_approval_is_rejected() {
    let guard = guard();
    let work = SprintWork {
        team: payments(),
        items: Vec::new(),
    };
    let work = approve_team(&guard, DataCategory::Work, Purpose::Standup, work);
    let summary = SprintSummary::from_sprint(&sprint()).expect("closed");
    let error = RetroFacts::new("dana", summary)
        .with_work(&work)
        .expect_err("standup approval");
    assert!(
        error
            .to_string()
            .contains("standup purpose, not retrospective")
    );
}
