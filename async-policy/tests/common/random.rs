//! Random organisations, settings and requests for the property and differential tests.

use std::collections::BTreeSet;

use async_core::ids::{PersonId, TeamId};
use async_core::model::Team;
use async_policy::{
    AccessRequest, DataCategory, Organization, Purpose, Visibility, VisibilitySettings,
};
use proptest::prelude::*;

/// The people a random organisation draws from, plus one nobody knows.
pub const PEOPLE: [&str; 8] = ["ana", "ben", "cy", "dee", "eve", "fay", "gus", "hal"];
pub const STRANGER: &str = "ghost";
pub const NO_TEAM: &str = "no-such-team";

/// A random organisation as plain data, so tests can reason about it independently.
#[derive(Debug, Clone)]
pub struct Spec {
    pub teams: Vec<TeamSpec>,
    pub settings: Vec<(usize, DataCategory, Visibility)>,
    pub min_group_size: usize,
}

#[derive(Debug, Clone)]
pub struct TeamSpec {
    pub members: BTreeSet<usize>,
    pub managers: BTreeSet<usize>,
    pub administrators: BTreeSet<usize>,
    /// Index of the team above, always lower than this team's index: no cycles.
    pub parent: Option<usize>,
}

pub fn team_id(index: usize) -> String {
    format!("t{index}")
}

impl Spec {
    pub fn organization(&self) -> Organization {
        let mut builder = Organization::builder();
        for (index, team) in self.teams.iter().enumerate() {
            let people =
                |set: &BTreeSet<usize>| set.iter().map(|p| PersonId::new(PEOPLE[*p])).collect();
            builder = builder.team(Team {
                id: TeamId::new(team_id(index)),
                name: team_id(index),
                members: people(&team.members),
                managers: people(&team.managers),
            });
            for admin in &team.administrators {
                builder = builder.administrator(team_id(index), PEOPLE[*admin]);
            }
            if let Some(parent) = team.parent {
                builder = builder.subteam(team_id(index), team_id(parent));
            }
        }
        builder.build().expect("random organisations are valid")
    }

    pub fn settings(&self) -> VisibilitySettings {
        self.settings.iter().fold(
            VisibilitySettings::new(),
            |settings, (person, category, visibility)| {
                settings.with(PEOPLE[*person], *category, *visibility)
            },
        )
    }

    /// Every person the organisation knows.
    pub fn known(&self) -> BTreeSet<usize> {
        self.teams
            .iter()
            .flat_map(|t| t.members.iter().chain(&t.managers).chain(&t.administrators))
            .copied()
            .collect()
    }

    /// Distinct members of a team and every team below it, by walking the parents.
    pub fn size(&self, team: usize) -> usize {
        let below = |mut current: usize| loop {
            if current == team {
                return true;
            }
            match self.teams[current].parent {
                Some(parent) => current = parent,
                None => return false,
            }
        };
        let members: BTreeSet<usize> = (0..self.teams.len())
            .filter(|index| below(*index))
            .flat_map(|index| self.teams[index].members.iter().copied())
            .collect();
        members.len()
    }

    /// Every request worth asking: each viewer (and a stranger) about each subject in each
    /// category, and about each team's aggregate, with purposes cycling.
    pub fn requests(&self) -> Vec<AccessRequest> {
        let names: Vec<&str> = PEOPLE.iter().copied().chain([STRANGER]).collect();
        let teams: Vec<String> = (0..self.teams.len())
            .map(team_id)
            .chain([NO_TEAM.to_owned()])
            .collect();
        let mut requests = Vec::new();
        let mut purpose = Purpose::ALL.iter().cycle();
        for viewer in &names {
            for subject in &names {
                for category in DataCategory::ALL {
                    let purpose = *purpose.next().expect("cycle");
                    requests.push(AccessRequest::individual(
                        *viewer, *subject, category, purpose,
                    ));
                }
            }
            for team in &teams {
                let purpose = *purpose.next().expect("cycle");
                let category = DataCategory::ALL[requests.len() % DataCategory::ALL.len()];
                requests.push(AccessRequest::team_aggregate(
                    *viewer,
                    team.as_str(),
                    category,
                    purpose,
                ));
            }
        }
        requests
    }
}

pub fn category() -> impl Strategy<Value = DataCategory> {
    proptest::sample::select(DataCategory::ALL.to_vec())
}

pub fn visibility() -> impl Strategy<Value = Visibility> {
    prop_oneof![
        Just(Visibility::OnlyMe),
        Just(Visibility::Managers),
        Just(Visibility::Team)
    ]
}

fn people(max: usize) -> impl Strategy<Value = BTreeSet<usize>> {
    proptest::collection::btree_set(0..PEOPLE.len(), 0..=max)
}

fn team(index: usize) -> impl Strategy<Value = TeamSpec> {
    let parent = if index == 0 {
        Just(None).boxed()
    } else {
        proptest::option::weighted(0.4, 0..index).boxed()
    };
    (people(6), people(2), people(1), parent).prop_map(
        |(members, managers, administrators, parent)| TeamSpec {
            members,
            managers,
            administrators,
            parent,
        },
    )
}

pub fn spec() -> impl Strategy<Value = Spec> {
    let teams = (1usize..=4).prop_flat_map(|count| (0..count).map(team).collect::<Vec<_>>());
    let settings = proptest::collection::vec((0..PEOPLE.len(), category(), visibility()), 0..12);
    (teams, settings, 0usize..=5).prop_map(|(teams, settings, min_group_size)| Spec {
        teams,
        settings,
        min_group_size,
    })
}
