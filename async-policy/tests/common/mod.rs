//! Shared organisation fixtures for the policy tests.

#![allow(dead_code, unreachable_pub)]

use async_core::ids::{PersonId, TeamId};
use async_core::model::Team;
use async_policy::{Organization, RulesEngine, VisibilitySettings};

/// Payments: dana, lee, sam and ari, managed by morgan, administered by root.
/// Platform: kim and lee (two members, below the default minimum group size).
pub fn organization() -> Organization {
    Organization::new(vec![
        team("payments", &["dana", "lee", "sam", "ari"], &["morgan"]),
        team("platform", &["kim", "lee"], &["morgan"]),
        team("mobile", &["noa", "eli", "uri"], &["tess"]),
    ])
    .with_name("dana", "Dana")
    .with_name("lee", "Lee")
    .with_administrator("payments", "root")
}

pub fn engine(settings: VisibilitySettings) -> RulesEngine {
    RulesEngine::new(organization(), settings)
}

fn team(id: &str, members: &[&str], managers: &[&str]) -> Team {
    Team {
        id: TeamId::new(id),
        name: id.to_owned(),
        members: members.iter().map(|m| PersonId::new(*m)).collect(),
        managers: managers.iter().map(|m| PersonId::new(*m)).collect(),
    }
}
