//! Canary facts the policy denies never reach a standup prompt, checked per canary.
//!
//! Every person's work, code and blockers carry a unique canary string. Each fact goes
//! through the policy guard for the viewer; only what the guard releases can be put into
//! the standup's facts, because the facts take `Authorized` values only. The test then
//! builds the prompt and writes the standup, and checks each canary against the policy's
//! own decision: present exactly when allowed.

use async_core::ids::{PersonId, TeamId, WorkItemKey};
use async_core::model::Team;
use async_llm::LanguageModel as _;
use async_llm::OfflineModel;
use async_llm::tasks::standup::{
    BlockerFact, BlockerSource, CodeFacts, PersonFacts, Progress, PullRequestFact,
    PullRequestStatus, StandupFacts, StandupOptions, WorkFacts, WorkItemFact, standup_prompt,
    write_standup,
};
use async_policy::{
    AccessRequest, DataCategory, Guard, MemoryAuditLog, Organization, Purpose, RulesEngine,
    Visibility, VisibilitySettings,
};

type TestGuard = Guard<RulesEngine, MemoryAuditLog>;

const VIEWER: &str = "dana";

fn guard() -> TestGuard {
    let team = |id: &str, members: &[&str], managers: &[&str]| Team {
        id: TeamId::new(id),
        name: id.to_owned(),
        members: members.iter().map(|m| PersonId::new(*m)).collect(),
        managers: managers.iter().map(|m| PersonId::new(*m)).collect(),
    };
    let organization = Organization::new(vec![
        team("payments", &["dana", "lee", "sam"], &["morgan"]),
        team("mobile", &["zed", "yan", "xia"], &[]),
    ]);
    let settings = VisibilitySettings::new()
        .with("lee", DataCategory::Work, Visibility::OnlyMe)
        .with("lee", DataCategory::Chat, Visibility::OnlyMe)
        .with("sam", DataCategory::Code, Visibility::Managers);
    Guard::new(
        RulesEngine::new(organization, settings),
        MemoryAuditLog::new(),
    )
}

fn canary(person: &str, category: DataCategory) -> String {
    format!("CANARY-{person}-{}", category.key())
}

fn work(person: &str) -> WorkFacts {
    WorkFacts {
        person: PersonId::new(person),
        items: vec![WorkItemFact {
            key: WorkItemKey::new(format!("PAY-{}", person.len())),
            title: canary(person, DataCategory::Work),
            url: None,
            status: "In Progress".into(),
            progress: Progress::InProgress,
            updated_at: None,
        }],
    }
}

fn code(person: &str) -> CodeFacts {
    CodeFacts {
        person: PersonId::new(person),
        pull_requests: vec![PullRequestFact {
            repository: async_core::ids::RepositoryId::new("acme/payments"),
            number: 7,
            title: canary(person, DataCategory::Code),
            url: None,
            status: PullRequestStatus::Open,
            updated_at: None,
            work_items: Vec::new(),
        }],
        reviews: Vec::new(),
    }
}

fn chat_blocker(person: &str) -> BlockerFact {
    BlockerFact {
        person: PersonId::new(person),
        summary: canary(person, DataCategory::Chat),
        source: BlockerSource::Chat,
        since: None,
        evidence: Vec::new(),
    }
}

/// Offers every fact of every person to the guard and keeps what it releases; returns
/// the facts and, per canary, whether the policy allowed it.
async fn facts(guard: &TestGuard) -> (StandupFacts, Vec<(String, bool)>) {
    let mut facts = StandupFacts::new(VIEWER);
    let mut expected = Vec::new();
    for person in ["dana", "lee", "sam", "zed", "ghost"] {
        let request =
            |category| AccessRequest::individual(VIEWER, person, category, Purpose::Standup);
        let mut entry = PersonFacts::new(person, person);
        let work = guard
            .authorize(&request(DataCategory::Work), work(person))
            .await;
        expected.push((canary(person, DataCategory::Work), work.is_ok()));
        if let Ok(work) = work {
            entry = entry.with_work(work);
        }
        let code = guard
            .authorize(&request(DataCategory::Code), code(person))
            .await;
        expected.push((canary(person, DataCategory::Code), code.is_ok()));
        if let Ok(code) = code {
            entry = entry.with_code(code);
        }
        let chat = guard
            .authorize(&request(DataCategory::Chat), chat_blocker(person))
            .await;
        expected.push((canary(person, DataCategory::Chat), chat.is_ok()));
        if let Ok(chat) = chat {
            entry = entry.with_blocker(chat);
        }
        facts = facts.with_person(entry);
    }
    (facts, expected)
}

#[tokio::test]
async fn no_canary_the_viewer_may_not_see_reaches_the_prompt() {
    let guard = guard();
    let (facts, expected) = facts(&guard).await;
    let options = StandupOptions::default().with_max_prompt_tokens(1 << 20);
    let model = OfflineModel::new();

    let prompt = standup_prompt(&facts, &options, &model.describe()).expect("prompt builds");
    let standup = write_standup(&model, &facts, &options)
        .await
        .expect("standup");

    let denied: Vec<&String> = expected
        .iter()
        .filter(|(_, allowed)| !allowed)
        .map(|(c, _)| c)
        .collect();
    assert!(
        denied.len() >= 8,
        "the fixture must hide canaries: {denied:?}"
    );
    for (canary, allowed) in &expected {
        let in_prompt =
            prompt.user.contains(canary.as_str()) || prompt.system.contains(canary.as_str());
        assert_eq!(in_prompt, *allowed, "{canary} in prompt: {in_prompt}");
        if !allowed {
            assert!(
                !standup.markdown.contains(canary.as_str()),
                "{canary} in the standup"
            );
        }
    }
}

#[tokio::test]
async fn data_approved_for_another_viewer_is_refused() {
    let guard = guard();
    // Morgan manages sam and may see sam's code; Dana may not.
    let for_morgan =
        AccessRequest::individual("morgan", "sam", DataCategory::Code, Purpose::Standup);
    let approved = guard
        .authorize(&for_morgan, code("sam"))
        .await
        .expect("a manager may");
    let facts =
        StandupFacts::new(VIEWER).with_person(PersonFacts::new("sam", "sam").with_code(approved));
    let model = OfflineModel::new();

    let prompt = standup_prompt(&facts, &StandupOptions::default(), &model.describe());

    assert!(
        prompt.is_err(),
        "a prompt was built from another viewer's approval"
    );
}
