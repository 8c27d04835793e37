//! Access requests.

use std::fmt;

use async_core::ids::{PersonId, TeamId};
use serde::{Deserialize, Serialize};

use crate::{DataCategory, Purpose};

/// Whose data a request is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One person's individual-level data.
    Individual(PersonId),
    /// An aggregate over one whole team.
    TeamAggregate(TeamId),
}

impl fmt::Display for Scope {
    /// Writes `person dana` or `team payments`, the form error messages use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Individual(person) => write!(f, "person {person}"),
            Scope::TeamAggregate(team) => write!(f, "team {team}"),
        }
    }
}

/// A request to see one category of data for one purpose.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccessRequest {
    /// The person requesting the data.
    pub viewer: PersonId,
    /// Whose data it is.
    pub scope: Scope,
    /// The category of data.
    pub category: DataCategory,
    /// Why.
    pub purpose: Purpose,
}

impl AccessRequest {
    /// Creates a request by `viewer` for `subject`'s individual-level data.
    pub fn individual(
        viewer: impl Into<PersonId>,
        subject: impl Into<PersonId>,
        category: DataCategory,
        purpose: Purpose,
    ) -> Self {
        Self {
            viewer: viewer.into(),
            scope: Scope::Individual(subject.into()),
            category,
            purpose,
        }
    }

    /// Creates a request by `viewer` for an aggregate over `team`.
    pub fn team_aggregate(
        viewer: impl Into<PersonId>,
        team: impl Into<TeamId>,
        category: DataCategory,
        purpose: Purpose,
    ) -> Self {
        Self {
            viewer: viewer.into(),
            scope: Scope::TeamAggregate(team.into()),
            category,
            purpose,
        }
    }

    /// Returns the subject person, for individual requests.
    pub fn subject(&self) -> Option<&PersonId> {
        match &self.scope {
            Scope::Individual(subject) => Some(subject),
            Scope::TeamAggregate(_) => None,
        }
    }
}
