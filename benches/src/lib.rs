//! Shared inputs of the ASYNC SDK benchmarks.
//!
//! The standup pipeline benchmark runs the same steps as the `standup` example, from
//! records already in memory to the prompt a network model would receive, for every team of
//! a workspace: identity resolution, insights, policy decisions with audit, and prompt
//! building.

use async_core::identity::{IdentityConfig, IdentityResolver};
use async_core::insights::{InsightConfig, standup_insights};
use async_core::model::{ActivityBatch, TimeWindow};
use async_examples::pipeline::{authorize_standup, organization_of};
use async_llm::tasks::standup::{StandupOptions, standup_prompt};
use async_llm::{LanguageModel, OfflineModel};
use async_policy::{Guard, MemoryAuditLog, RulesEngine, VisibilitySettings};
use chrono::{DateTime, Utc};

/// A workspace to run the pipeline on.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The records.
    pub batch: ActivityBatch,
    /// The identity mapping, with the teams.
    pub identities: IdentityConfig,
    /// The standup window.
    pub window: TimeWindow,
    /// The standup time.
    pub now: DateTime<Utc>,
}

/// What one pipeline run produced, so the benchmark can check it did the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineOutput {
    /// Standups prepared, one per team.
    pub teams: usize,
    /// Characters of prompt built, over all teams.
    pub prompt_chars: usize,
}

/// Runs the standup pipeline for every team of `workspace`, each seen by its first member.
///
/// # Panics
///
/// Panics when the workspace's identity mapping is invalid or a prompt cannot be built,
/// which would make the measurement meaningless.
pub fn run_pipeline(workspace: &Workspace) -> PipelineOutput {
    let resolver = IdentityResolver::new(workspace.identities.clone()).expect("valid mapping");
    let identity = resolver.resolve_batch(&workspace.batch);
    let insights = standup_insights(
        &workspace.batch,
        &identity,
        workspace.window,
        workspace.now,
        &InsightConfig::default(),
    );

    let engine = RulesEngine::new(organization_of(&identity), VisibilitySettings::default());
    let guard = Guard::new(engine, MemoryAuditLog::new());
    // A budget large enough for every fact, so each run does work proportional to its input.
    let options = StandupOptions::default().with_max_prompt_tokens(1 << 30);
    let info = OfflineModel::new().describe();

    let mut output = PipelineOutput {
        teams: 0,
        prompt_chars: 0,
    };
    for team in &insights.teams {
        let Some(viewer) = team.members.first() else {
            continue;
        };
        // The in-memory audit log never waits, so blocking on the future costs nothing.
        let (facts, _withheld) =
            futures::executor::block_on(authorize_standup(&guard, viewer, team, &insights));
        let prompt = standup_prompt(&facts, &options, &info).expect("prompt builds");
        output.teams += 1;
        output.prompt_chars += prompt.user.len();
    }
    output
}

/// Builds a synthetic workspace of `people` people in teams of six.
pub fn synthetic(people: usize) -> Workspace {
    let (batch, identities) = async_core::insights::synthetic::workspace(people, 7);
    Workspace {
        batch,
        identities,
        window: async_core::insights::synthetic::window(),
        now: async_core::insights::synthetic::now(),
    }
}
