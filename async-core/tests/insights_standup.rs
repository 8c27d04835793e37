//! The standup result: people, teams, unattributed blockers, and determinism.

use async_core::identity::{IdentityConfig, IdentityResolver};
use async_core::ids::{PersonId, TeamId};
use async_core::insights::synthetic::{self, build};
use async_core::insights::{BlockerKind, InsightConfig, StandupInsights, standup_insights};
use async_core::model::{AccountKey, ActivityBatch, Provider, StatusCategory, TimeWindow};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

const MAPPING: &str = r#"
[[person]]
id = "dana"
name = "Dana"
accounts = ["jira:j-dana"]

[[person]]
id = "lee"
name = "Lee"
accounts = ["jira:j-lee"]

[[person]]
id = "morgan"
name = "Morgan"
accounts = ["jira:j-morgan"]

[[team]]
id = "payments"
name = "Payments"
members = ["dana", "lee"]
managers = ["morgan"]

[[team]]
id = "platform"
name = "Platform"
members = ["lee"]
"#;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 7, 9, 0, 0)
        .single()
        .expect("valid date")
}

fn window() -> TimeWindow {
    TimeWindow::new(now() - TimeDelta::days(1), now())
}

fn jira(id: &str) -> Option<AccountKey> {
    Some(AccountKey::new(Provider::Jira, id))
}

fn blocked(key: &str, assignee: Option<AccountKey>) -> async_core::model::WorkItem {
    build::work_item(key, "Blocked", StatusCategory::InProgress, assignee, now())
}

#[test]
fn blockers_grouped_per_person_team_and_unattributed() {
    let batch = ActivityBatch {
        work_items: vec![
            blocked("PAY-1", jira("j-dana")),
            blocked("PAY-2", jira("j-lee")),
            blocked("PAY-3", jira("j-morgan")),
            blocked("PAY-4", None),
        ],
        ..ActivityBatch::default()
    };
    let config = IdentityConfig::from_toml_str(MAPPING).expect("valid mapping");
    let identity = IdentityResolver::new(config)
        .expect("valid config")
        .resolve_batch(&batch);

    let insights = standup_insights(
        &batch,
        &identity,
        window(),
        now(),
        &InsightConfig::default(),
    );

    let people: Vec<&str> = insights
        .people
        .iter()
        .map(|entry| entry.activity.person.as_str())
        .collect();
    assert_eq!(people, vec!["dana", "lee", "morgan"]);
    let dana = insights.person(&PersonId::new("dana")).expect("member");
    assert_eq!(dana.blockers.len(), 1);
    assert_eq!(dana.blockers[0].kind, BlockerKind::BlockedStatus);

    let payments = insights.team(&TeamId::new("payments")).expect("team");
    let subjects: Vec<String> = insights
        .team_blockers(payments)
        .map(|b| b.subject())
        .collect();
    // The manager is not a member, so Morgan's blocker is not the team's.
    assert_eq!(subjects, vec!["PAY-1", "PAY-2"]);
    let platform = insights.team(&TeamId::new("platform")).expect("team");
    assert_eq!(insights.team_blockers(platform).count(), 1);

    assert_eq!(insights.unattributed_blockers.len(), 1);
    assert_eq!(insights.unattributed_blockers[0].subject(), "PAY-4");
    assert_eq!(insights.window, window());
    assert_eq!(insights.now, now());
}

#[test]
fn synthetic_workspace_gives_identical_results() {
    let (batch, config) = synthetic::workspace(30, 42);
    let identity = IdentityResolver::new(config)
        .expect("generated config is valid")
        .resolve_batch(&batch);
    let run = || {
        standup_insights(
            &batch,
            &identity,
            synthetic::window(),
            synthetic::now(),
            &InsightConfig::default(),
        )
    };

    let first = run();
    let second = run();

    assert_eq!(first, second);
    assert_eq!(
        serde_json::to_string(&first).expect("serializable"),
        serde_json::to_string(&second).expect("serializable")
    );
    assert_eq!(first.teams.len(), 5);

    let json = serde_json::to_string(&first).expect("serializable");
    let back: StandupInsights = serde_json::from_str(&json).expect("deserializable");
    assert_eq!(back, first);
}

#[test]
fn synthetic_workspace_exercises_every_rule() {
    let (batch, config) = synthetic::workspace(60, 3);
    let identity = IdentityResolver::new(config)
        .expect("generated config is valid")
        .resolve_batch(&batch);

    let insights = standup_insights(
        &batch,
        &identity,
        synthetic::window(),
        synthetic::now(),
        &InsightConfig::default(),
    );

    assert!(
        identity.conflicts().is_empty(),
        "{:?}",
        identity.conflicts()
    );
    // Jira accounts that hide their e-mail and are missing from the mapping stay people
    // of their own; bots never become people.
    let extra: Vec<&str> = insights
        .people
        .iter()
        .map(|entry| entry.activity.person.as_str())
        .filter(|id| !id.starts_with('p'))
        .collect();
    assert_eq!(insights.people.len() - extra.len(), 60);
    assert!(extra.iter().all(|id| id.starts_with("jira:")), "{extra:?}");
    let kinds: std::collections::BTreeSet<BlockerKind> = insights
        .people
        .iter()
        .flat_map(|entry| &entry.blockers)
        .map(|blocker| blocker.kind)
        .collect();
    for kind in [
        BlockerKind::Flagged,
        BlockerKind::BlockedByLink,
        BlockerKind::BlockedStatus,
        BlockerKind::StaleInProgress,
        BlockerKind::AwaitingFirstReview,
        BlockerKind::ChatMessage,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} missing");
    }
    let active = insights
        .people
        .iter()
        .filter(|entry| !entry.activity.opened.is_empty() || !entry.activity.reviewed.is_empty())
        .count();
    assert!(active > 0);
}
