//! The retrospective prompt of the demo sprint against pasting the provider JSON it was
//! built from: the prompt must cost at least 20 times fewer input tokens.
//!
//! Both sides are counted with the same estimate, four characters per token, which is
//! what the tasks budget with. The raw side is every Jira page of the sprint's issues and
//! every GitHub pull request page, review, comment and commit list the demo serves.

use async_core::ids::{PersonId, SprintId};
use async_core::model::ActivityBatch;
use async_examples::demo::Demo;
use async_examples::pipeline::Sources;
use async_llm::ModelInfo;
use async_llm::tasks::retro::{
    RetroFacts, RetroOptions, SprintReviews, SprintSummary, SprintWork, retrospective_prompt,
};
use async_policy::{
    AccessRequest, DataCategory, Guard, MemoryAuditLog, Organization, Purpose, RulesEngine,
    VisibilitySettings,
};

mod common;

use common::{estimate_tokens, raw_json};

async fn sprint_batch() -> ActivityBatch {
    let demo = Demo::bundled();
    let sandbox = demo.start_sandbox().await.expect("sandbox starts");
    let sources = Sources::demo(&sandbox).expect("sources build");
    let mut batch = ActivityBatch::default();
    for source in sources.iter() {
        batch.merge(
            source
                .collect(Demo::sprint_window())
                .await
                .expect("source collects"),
        );
    }
    batch
}

#[tokio::test]
async fn retro_prompt_is_20x_smaller_than_raw_json() {
    let batch = sprint_batch().await;
    let window = Demo::sprint_window();
    // The demo's sprint is still active, so the summary is built as if it closed at its
    // planned end rather than through `SprintSummary::from_sprint`.
    let sprint = SprintSummary {
        id: SprintId::new(Demo::SPRINT_ID.to_string()),
        name: Demo::SPRINT_NAME.into(),
        goal: None,
        start: Some(window.start),
        closed_at: Some(window.end),
    };
    let work = SprintWork::from_records(Demo::TEAM_ID.into(), &sprint, &batch.work_items);
    let reviews =
        SprintReviews::from_pull_requests(Demo::TEAM_ID.into(), &sprint, &batch.pull_requests);
    assert!(work.items.len() >= 5, "the demo sprint has items");
    assert!(
        !reviews.pulls.is_empty(),
        "the demo sprint has pull requests"
    );

    let team = async_core::model::Team {
        id: Demo::TEAM_ID.into(),
        name: "Payments".into(),
        members: Demo::people()
            .iter()
            .map(|person| PersonId::new(person.id))
            .collect(),
        managers: Vec::new(),
    };
    let guard = Guard::new(
        RulesEngine::new(Organization::new(vec![team]), VisibilitySettings::default()),
        MemoryAuditLog::new(),
    );
    let viewer = Demo::viewer().id;
    let request = |category| {
        AccessRequest::team_aggregate(viewer, Demo::TEAM_ID, category, Purpose::Retrospective)
    };
    let work = guard
        .authorize_now(&request(DataCategory::Work), work)
        .expect("team aggregate");
    let reviews = guard
        .authorize_now(&request(DataCategory::Code), reviews)
        .expect("team aggregate");
    let facts = RetroFacts::new(viewer, sprint)
        .with_work(&work)
        .and_then(|facts| facts.with_reviews(&reviews))
        .expect("matching approvals");
    let prompt = retrospective_prompt(
        &facts,
        &RetroOptions::default().with_max_prompt_tokens(100_000),
        &ModelInfo::new("measure", "measure"),
    )
    .expect("prompt");
    assert_eq!(prompt.omitted_facts, 0);

    let demo = Demo::bundled();
    let jira = raw_json(&demo.dir().join("jira"), &|path| {
        path.to_string_lossy().contains("sprint-412-issues")
    });
    let github = raw_json(&demo.dir().join("github").join("repos"), &|_| true);
    let prompt_tokens = estimate_tokens(&prompt.system) + estimate_tokens(&prompt.user);
    let raw_tokens = estimate_tokens(&jira) + estimate_tokens(&github);
    let ratio = raw_tokens as f64 / prompt_tokens as f64;
    eprintln!(
        "retrospective prompt: {prompt_tokens} tokens ({} in the system prompt and schema); \
         raw provider JSON: {raw_tokens} tokens; ratio {ratio:.1}",
        estimate_tokens(&prompt.system)
    );

    assert!(ratio >= 20.0, "only {ratio:.1} times fewer tokens");
}
