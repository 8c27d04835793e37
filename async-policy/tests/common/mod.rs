//! Shared organisation fixtures for the policy tests.

#![allow(dead_code, unreachable_pub)]

pub mod random;

use async_core::ids::{PersonId, TeamId};
use async_core::model::Team;
use async_policy::{Attributed, Organization, Pronoun, RulesEngine, Scope, VisibilitySettings};

/// Engineering (managed by vp) holds payments and platform.
/// Payments: dana, lee, sam and ari, managed by morgan, administered by root.
/// Platform: kim and lee (two members, below the default minimum group size), managed by morgan.
/// Mobile: noa, eli and uri, managed by tess, outside engineering.
pub fn organization() -> Organization {
    Organization::builder()
        .team(team("engineering", &[], &["vp"]))
        .team(team(
            "payments",
            &["dana", "lee", "sam", "ari"],
            &["morgan"],
        ))
        .team(team("platform", &["kim", "lee"], &["morgan"]))
        .team(team("mobile", &["noa", "eli", "uri"], &["tess"]))
        .subteam("payments", "engineering")
        .subteam("platform", "engineering")
        .administrator("payments", "root")
        .name("dana", "Dana")
        .pronoun("dana", Pronoun::She)
        .name("lee", "Lee")
        .build()
        .expect("valid organisation")
}

pub fn engine(settings: VisibilitySettings) -> RulesEngine {
    RulesEngine::new(organization(), settings)
}

pub fn team(id: &str, members: &[&str], managers: &[&str]) -> Team {
    Team {
        id: TeamId::new(id),
        name: id.to_owned(),
        members: members.iter().map(|m| PersonId::new(*m)).collect(),
        managers: managers.iter().map(|m| PersonId::new(*m)).collect(),
    }
}

/// A value the tests hand to the guard: some text that belongs to `owner`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub owner: Scope,
    pub text: &'static str,
}

impl Record {
    /// Creates `person`'s individual record.
    pub fn of(person: &str, text: &'static str) -> Self {
        Self {
            owner: Scope::Individual(PersonId::new(person)),
            text,
        }
    }

    /// Creates an aggregate record over `team`.
    pub fn of_team(team: &str, text: &'static str) -> Self {
        Self {
            owner: Scope::TeamAggregate(TeamId::new(team)),
            text,
        }
    }

    /// Creates an empty record that belongs to `scope`.
    pub fn owned_by(scope: &Scope) -> Self {
        Self {
            owner: scope.clone(),
            text: "",
        }
    }
}

impl Attributed for Record {
    fn attribution(&self) -> Scope {
        self.owner.clone()
    }
}
