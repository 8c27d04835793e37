//! Copilot answers offline and with a scripted model.

use async_core::ids::{PersonId, RepositoryId, WorkItemKey};
use async_policy::{DataCategory, Purpose};
use chrono::{TimeZone, Utc};

use super::*;
use crate::OfflineModel;
use crate::structured::MismatchKind;
use crate::tasks::standup::{
    BlockerFact, BlockerSource, CodeFacts, Evidence, Progress, PullRequestFact, PullRequestStatus,
    WorkFacts, WorkItemFact,
};
use crate::tasks::tokens::estimate_tokens;
use crate::test_support::{Scripted, approve, approve_team, guard};

fn item(key: &str, title: &str, progress: Progress, day: u32) -> WorkItemFact {
    WorkItemFact {
        key: WorkItemKey::new(key),
        title: title.into(),
        url: Some(format!("https://acme.atlassian.net/browse/{key}")),
        status: match progress {
            Progress::Done => "Done".into(),
            _ => "In Progress".into(),
        },
        progress,
        updated_at: Utc.with_ymd_and_hms(2026, 12, day, 9, 0, 0).single(),
    }
}

fn no_work(person: &str) -> WorkFacts {
    WorkFacts {
        person: PersonId::new(person),
        items: Vec::new(),
    }
}

fn facts() -> CopilotFacts {
    let guard = guard();
    let purpose = Purpose::CopilotAnswer;
    let dana_work = WorkFacts {
        person: PersonId::new("dana"),
        items: vec![
            item("PAY-12", "Fix refund rounding", Progress::Done, 2),
            item("PAY-13", "Refund audit trail", Progress::InProgress, 3),
            item("PAY-99", "Not started yet", Progress::ToDo, 3),
        ],
    };
    let lee_code = CodeFacts {
        person: PersonId::new("lee"),
        pull_requests: vec![PullRequestFact {
            repository: RepositoryId::new("acme/ledger"),
            number: 7,
            title: "Split the ledger export".into(),
            url: Some("https://github.com/acme/ledger/pull/7".into()),
            status: PullRequestStatus::Open,
            updated_at: Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).single(),
            work_items: vec![WorkItemKey::new("LED-4")],
        }],
        reviews: Vec::new(),
    };
    let blocker = BlockerFact {
        person: PersonId::new("dana"),
        summary: "PAY-13 is blocked by PAY-15".into(),
        source: BlockerSource::WorkItem,
        since: None,
        evidence: vec![Evidence::new("PAY-15", None)],
    };
    let notes = TeamNotes::new(
        "payments",
        vec![Note::new(
            "review-wait",
            "Median first-review wait of team payments: 14 hours",
        )],
    );

    CopilotFacts::new("dana")
        .with_work(
            "Dana",
            &approve(&guard, "dana", DataCategory::Work, purpose, dana_work),
        )
        .and_then(|facts| {
            facts.with_code(
                "Lee",
                &approve(&guard, "lee", DataCategory::Code, purpose, lee_code),
            )
        })
        .and_then(|facts| {
            facts.with_blocker(
                "Dana",
                &approve(&guard, "dana", DataCategory::Work, purpose, blocker),
            )
        })
        .and_then(|facts| {
            facts.with_notes(&approve_team(&guard, DataCategory::Code, purpose, notes))
        })
        .expect("facts approved for the copilot")
}

#[test]
fn facts_get_stable_ids() {
    let facts = facts();
    let ids: Vec<&str> = facts
        .facts()
        .iter()
        .map(|fact| fact.id().as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "item:PAY-12",
            "item:PAY-13",
            "pr:acme/ledger#7",
            "blocker:PAY-15",
            "note:review-wait"
        ]
    );
}

#[test]
fn standup_approval_is_rejected() {
    let guard = guard();
    let work = approve(
        &guard,
        "dana",
        DataCategory::Work,
        Purpose::Standup,
        no_work("dana"),
    );
    let error = CopilotFacts::new("dana")
        .with_work("Dana", &work)
        .expect_err("standup approval");
    assert!(matches!(error, Error::AuthorizationMismatch(_)));
    assert!(
        error
            .to_string()
            .contains("standup purpose, not copilot answer")
    );
}

#[test]
fn other_viewer_is_rejected() {
    let guard = guard();
    let work = approve(
        &guard,
        "dana",
        DataCategory::Work,
        Purpose::CopilotAnswer,
        no_work("dana"),
    );
    let error = CopilotFacts::new("lee")
        .with_work("Dana", &work)
        .expect_err("another viewer");
    assert!(
        error
            .to_string()
            .contains("approved for viewer dana, not lee")
    );
}

#[test]
fn chat_blocker_needs_chat_approval() {
    let guard = guard();
    let blocker = BlockerFact {
        person: PersonId::new("dana"),
        summary: "said in #payments: blocked on keys".into(),
        source: BlockerSource::Chat,
        since: None,
        evidence: Vec::new(),
    };
    let approved = approve(
        &guard,
        "dana",
        DataCategory::Work,
        Purpose::CopilotAnswer,
        blocker,
    );
    let error = CopilotFacts::new("dana")
        .with_blocker("Dana", &approved)
        .expect_err("chat blocker approved as work");
    assert!(error.to_string().contains("the slot needs chat"));
}

#[tokio::test]
async fn offline_lists_relevant_facts() {
    let answer = answer_question(
        &OfflineModel::new(),
        &facts(),
        "What blocks the refund audit trail?",
        &CopilotOptions::default(),
    )
    .await
    .expect("offline answer");

    let cited: Vec<&str> = answer.citations.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(cited[0], "item:PAY-13");
    assert!(cited.contains(&"blocker:PAY-15"), "{cited:?}");
    assert!(!cited.contains(&"pr:acme/ledger#7"), "{cited:?}");
    assert!(answer.answer.contains("[item:PAY-13]"));
    assert!(answer.markdown.contains("**Sources**"));
    assert!(
        answer
            .markdown
            .contains("[PAY-13](https://acme.atlassian.net/browse/PAY-13)")
    );
    assert!(answer.usage.is_none());
    assert_eq!(answer.given_facts, 5);
}

#[tokio::test]
async fn offline_says_when_nothing_matches() {
    let answer = answer_question(
        &OfflineModel::new(),
        &facts(),
        "Which kubernetes cluster is down?",
        &CopilotOptions::default(),
    )
    .await
    .expect("offline answer");

    assert!(answer.citations.is_empty());
    assert!(answer.answer.starts_with("None of the 5 facts"));
}

#[tokio::test]
async fn offline_answer_is_deterministic() {
    let question = "What did Lee do on the ledger?";
    let first = answer_question(
        &OfflineModel::new(),
        &facts(),
        question,
        &CopilotOptions::default(),
    )
    .await
    .expect("first");
    let second = answer_question(
        &OfflineModel::new(),
        &facts(),
        question,
        &CopilotOptions::default(),
    )
    .await
    .expect("second");
    assert_eq!(first.markdown, second.markdown);
    assert_eq!(first.citations[0].id.as_str(), "pr:acme/ledger#7");
}

#[tokio::test]
async fn model_citations_are_resolved() {
    let model = Scripted::new(&[
        r#"{"answer": "PAY-13 waits on PAY-15.", "citations": ["blocker:PAY-15", "item:PAY-13", "blocker:PAY-15"]}"#,
    ]);

    let answer = answer_question(
        &model,
        &facts(),
        "What blocks PAY-13?",
        &CopilotOptions::default(),
    )
    .await
    .expect("valid answer");

    let cited: Vec<&str> = answer.citations.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(cited, ["blocker:PAY-15", "item:PAY-13"]);
    assert_eq!(answer.answer, "PAY-13 waits on PAY-15.");
    let request = &model.requests()[0];
    let user = request.messages[0].content[0].as_text().expect("text");
    assert!(user.starts_with("Question: What blocks PAY-13?"));
    assert!(user.contains("\nitem:PAY-13 | Dana | work item | PAY-13 | Refund audit trail"));
}

#[tokio::test]
async fn unknown_citation_is_retried_then_rejected() {
    let invented = r#"{"answer": "See PAY-77.", "citations": ["item:PAY-77"]}"#;
    let model = Scripted::new(&[invented, invented]);

    let error = answer_question(
        &model,
        &facts(),
        "What blocks PAY-13?",
        &CopilotOptions::default(),
    )
    .await
    .expect_err("invented citation");

    let mismatch = error.schema_mismatch().expect("schema mismatch");
    assert_eq!(mismatch.kind(), &MismatchKind::Schema);
    assert_eq!(mismatch.violations()[0].instance_path, "/citations/0");
    assert_eq!(mismatch.violations()[0].keyword, "enum");
    assert_eq!(mismatch.raw_text(), invented);
    assert_eq!(model.requests().len(), 2);
}

#[tokio::test]
async fn unknown_citation_then_valid() {
    let model = Scripted::new(&[
        r#"{"answer": "See PAY-77.", "citations": ["item:PAY-77"]}"#,
        r#"{"answer": "PAY-13 is in progress.", "citations": ["item:PAY-13"]}"#,
    ]);

    let answer = answer_question(
        &model,
        &facts(),
        "How is PAY-13 going?",
        &CopilotOptions::default(),
    )
    .await
    .expect("second reply valid");

    assert_eq!(answer.citations[0].id.as_str(), "item:PAY-13");
}

#[test]
fn citation_check_rejects_ids_outside_the_prompt() {
    let reply = Reply {
        answer: "x".into(),
        citations: vec![FactId::new("item", "PAY-12"), FactId::new("item", "PAY-1")],
    };
    let known = FactId::new("item", "PAY-12");
    let given = BTreeSet::from([&known]);
    let violations = unknown_citations(&reply, &given);
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].instance_path, "/citations/1");
}

#[test]
fn prompt_respects_budget() {
    let facts = facts();
    let options = CopilotOptions::default();
    let info = ModelInfo::new("test", "test");
    let full = copilot_prompt(&facts, "What blocks PAY-13?", &options, &info).expect("prompt");
    assert_eq!(full.omitted_facts, 0);

    for budget in [full.estimated_tokens - 1, full.estimated_tokens - 60] {
        let options = options.with_max_prompt_tokens(budget);
        let prompt = copilot_prompt(&facts, "What blocks PAY-13?", &options, &info).expect("fits");
        let whole = estimate_tokens(&prompt.system) + estimate_tokens(&prompt.user);
        assert!(whole <= budget, "{whole} tokens over a budget of {budget}");
        assert!(prompt.omitted_facts > 0);
        assert_eq!(prompt.fact_ids.len() + prompt.omitted_facts, 5);
    }
}

#[test]
fn small_budget_keeps_most_relevant() {
    let facts = facts();
    let info = ModelInfo::new("test", "test");
    let full = copilot_prompt(
        &facts,
        "What blocks PAY-13?",
        &CopilotOptions::default(),
        &info,
    )
    .expect("prompt");
    let options = CopilotOptions::default().with_max_prompt_tokens(full.estimated_tokens - 60);

    let prompt = copilot_prompt(&facts, "What blocks PAY-13?", &options, &info).expect("prompt");

    assert_eq!(prompt.fact_ids[0].as_str(), "item:PAY-13");
    assert!(prompt.user.contains("less relevant facts were left out"));
}

#[test]
fn tiny_budget_is_config_error() {
    let options = CopilotOptions::default().with_max_prompt_tokens(50);
    let error = copilot_prompt(
        &facts(),
        "What blocks PAY-13?",
        &options,
        &ModelInfo::new("t", "t"),
    )
    .expect_err("budget too small");
    assert!(matches!(error, Error::InvalidConfig(_)));
    assert!(error.to_string().contains("raise max_prompt_tokens"));
}

#[test]
fn empty_question_is_rejected() {
    let error = copilot_prompt(
        &facts(),
        "  ",
        &CopilotOptions::default(),
        &ModelInfo::new("t", "t"),
    )
    .expect_err("empty question");
    assert!(error.to_string().contains("question is empty"));
}

#[test]
fn self_approval_cannot_wrap_others_work() {
    let guard = guard();
    let own = async_policy::AccessRequest::individual(
        "dana",
        "dana",
        DataCategory::Work,
        Purpose::CopilotAnswer,
    );
    let lee_work = WorkFacts {
        person: PersonId::new("lee"),
        items: vec![item(
            "PAY-20",
            "Lee's private spike",
            Progress::InProgress,
            3,
        )],
    };

    let error = guard
        .authorize_now(&own, lee_work)
        .expect_err("Lee's work is not Dana's own data");

    assert!(error.is_attribution_mismatch(), "{error}");
    assert!(guard.log().is_empty());
}

#[test]
fn self_approval_cannot_pass_team_notes() {
    let guard = guard();
    let own = async_policy::AccessRequest::individual(
        "dana",
        "dana",
        DataCategory::Code,
        Purpose::CopilotAnswer,
    );
    let notes = TeamNotes::new("payments", vec![Note::new("review-wait", "14 hours")]);

    let error = guard
        .authorize_now(&own, notes)
        .expect_err("team notes are not Dana's own data");

    assert!(error.is_attribution_mismatch(), "{error}");
}

#[test]
fn others_approved_work_keeps_its_owner() {
    let guard = guard();
    let lee_work = WorkFacts {
        person: PersonId::new("lee"),
        items: vec![item("PAY-20", "Refund retries", Progress::InProgress, 3)],
    };
    let approved = approve(
        &guard,
        "lee",
        DataCategory::Work,
        Purpose::CopilotAnswer,
        lee_work,
    );

    let facts = CopilotFacts::new("dana")
        .with_work("Lee", &approved)
        .expect("Lee's work approved as Lee's");

    assert_eq!(facts.facts()[0].person(), Some("Lee"));
    assert_eq!(
        approved.scope(),
        &async_policy::Scope::Individual(PersonId::new("lee"))
    );
}
