//! The standup prompt of the demo team against pasting the provider JSON of the same
//! window: the prompt must cost at least 20 times fewer input tokens.
//!
//! Both sides are counted with the same estimate, four characters per token, which is
//! what the tasks budget with. The raw side is every GitHub page, every Jira search page
//! and every Slack history, replies and user page the demo serves for the standup window.
//! Everyone keeps the default visibility, so the prompt contains every fact the team has.

use async_core::identity::{IdentityConfig, IdentityResolver};
use async_core::insights::{InsightConfig, standup_insights};
use async_core::model::ActivityBatch;
use async_examples::demo::Demo;
use async_examples::pipeline::{Sources, authorize_standup, organization_of};
use async_llm::ModelInfo;
use async_llm::tasks::standup::{StandupOptions, standup_prompt};
use async_policy::{Guard, MemoryAuditLog, RulesEngine, VisibilitySettings};

mod common;

use common::{estimate_tokens, raw_json};

async fn window_batch() -> ActivityBatch {
    let demo = Demo::bundled();
    let sandbox = demo.start_sandbox().await.expect("sandbox starts");
    let sources = Sources::demo(&sandbox).expect("sources build");
    let mut batch = ActivityBatch::default();
    for source in sources.iter() {
        batch.merge(
            source
                .collect(Demo::window())
                .await
                .expect("source collects"),
        );
    }
    batch
}

#[tokio::test]
async fn standup_prompt_is_20x_smaller_than_raw_json() {
    let batch = window_batch().await;
    let text = std::fs::read_to_string(Demo::bundled().identities_path()).expect("identities");
    let config = IdentityConfig::from_toml_str(&text).expect("valid identities");
    let identity = IdentityResolver::new(config)
        .expect("valid mapping")
        .resolve_batch(&batch);
    let insights = standup_insights(
        &batch,
        &identity,
        Demo::window(),
        Demo::now(),
        &InsightConfig::default(),
    );
    let team = insights.teams.first().expect("the demo has a team");

    let engine = RulesEngine::new(organization_of(&identity), VisibilitySettings::default());
    let guard = Guard::new(engine, MemoryAuditLog::new());
    let viewer = async_core::ids::PersonId::new(Demo::viewer().id);
    let (facts, withheld) = authorize_standup(&guard, &viewer, team, &insights).await;
    assert!(withheld.is_empty(), "default visibility withholds nothing");
    let options = StandupOptions::default().with_max_prompt_tokens(100_000);
    let prompt =
        standup_prompt(&facts, &options, &ModelInfo::new("measure", "measure")).expect("prompt");
    assert!(prompt.user.contains("PAY-"), "the prompt names work items");

    let demo = Demo::bundled();
    let github = raw_json(&demo.dir().join("github"), &|_| true);
    let jira = raw_json(&demo.dir().join("jira"), &|path| {
        path.to_string_lossy().contains("search-jql")
    });
    let slack = raw_json(&demo.dir().join("slack"), &|path| {
        !path.to_string_lossy().contains("chat.postMessage")
    });
    let prompt_tokens = estimate_tokens(prompt.system) + estimate_tokens(&prompt.user);
    let raw_tokens = estimate_tokens(&github) + estimate_tokens(&jira) + estimate_tokens(&slack);
    let ratio = raw_tokens as f64 / prompt_tokens as f64;
    eprintln!(
        "standup prompt: {prompt_tokens} tokens ({} in the system prompt); \
         raw provider JSON: {raw_tokens} tokens; ratio {ratio:.1}",
        estimate_tokens(prompt.system)
    );

    assert!(ratio >= 20.0, "only {ratio:.1} times fewer tokens");
}
