//! Teams, roles and names: the engine's view of the organisation.

use std::collections::{BTreeMap, BTreeSet};

use async_core::ids::{PersonId, TeamId};
use async_core::model::Team;

/// A role of a person in a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A member of the team.
    Member,
    /// A manager of the team.
    Manager,
    /// Configures the system. Grants no access to anyone's individual data.
    Administrator,
}

/// The teams of one organisation, the roles people hold in them, and display names.
#[derive(Debug, Clone, Default)]
pub struct Organization {
    teams: BTreeMap<TeamId, Team>,
    administrators: BTreeMap<TeamId, Vec<PersonId>>,
    names: BTreeMap<PersonId, String>,
    /// The teams each person is a member of, in team id order. Built once so a decision
    /// looks up the subject's teams instead of scanning every team.
    memberships: BTreeMap<PersonId, Vec<TeamId>>,
    /// Everyone who is a member or manager of some team.
    known: BTreeSet<PersonId>,
}

impl Organization {
    /// Builds an organisation from its teams.
    pub fn new(teams: Vec<Team>) -> Self {
        let teams: BTreeMap<TeamId, Team> = teams
            .into_iter()
            .map(|team| (team.id.clone(), team))
            .collect();

        let mut memberships: BTreeMap<PersonId, Vec<TeamId>> = BTreeMap::new();
        let mut known = BTreeSet::new();
        for team in teams.values() {
            for member in &team.members {
                let teams_of_member = memberships.entry(member.clone()).or_default();
                // A mapping may list a member twice; one entry keeps `teams_of` unique.
                if !teams_of_member.contains(&team.id) {
                    teams_of_member.push(team.id.clone());
                }
            }
            known.extend(team.members.iter().chain(&team.managers).cloned());
        }

        Self {
            teams,
            administrators: BTreeMap::new(),
            names: BTreeMap::new(),
            memberships,
            known,
        }
    }

    /// Records the name to use for a person in explanations.
    #[must_use]
    pub fn with_name(mut self, person: impl Into<PersonId>, name: impl Into<String>) -> Self {
        self.names.insert(person.into(), name.into());
        self
    }

    /// Makes `person` an administrator of `team`.
    #[must_use]
    pub fn with_administrator(
        mut self,
        team: impl Into<TeamId>,
        person: impl Into<PersonId>,
    ) -> Self {
        self.administrators
            .entry(team.into())
            .or_default()
            .push(person.into());
        self
    }

    /// Returns the team with `id`.
    pub fn team(&self, id: &TeamId) -> Option<&Team> {
        self.teams.get(id)
    }

    /// Returns every team.
    pub fn teams(&self) -> impl Iterator<Item = &Team> {
        self.teams.values()
    }

    /// Returns the roles `person` has in `team`.
    pub fn roles(&self, person: &PersonId, team: &TeamId) -> Vec<Role> {
        let mut roles = Vec::new();
        if let Some(found) = self.teams.get(team) {
            if found.members.contains(person) {
                roles.push(Role::Member);
            }
            if found.managers.contains(person) {
                roles.push(Role::Manager);
            }
        }
        if self
            .administrators
            .get(team)
            .is_some_and(|admins| admins.contains(person))
        {
            roles.push(Role::Administrator);
        }
        roles
    }

    /// Returns the teams `person` is a member of.
    pub fn teams_of(&self, person: &PersonId) -> impl Iterator<Item = &Team> {
        self.memberships
            .get(person)
            .into_iter()
            .flatten()
            .filter_map(|team| self.teams.get(team))
    }

    /// Returns whether `person` is a member or manager of any team.
    pub fn knows(&self, person: &PersonId) -> bool {
        self.known.contains(person)
    }

    /// Returns the name to use for `person` in explanations: the recorded name, else the id.
    pub fn name_of<'a>(&'a self, person: &'a PersonId) -> &'a str {
        self.names
            .get(person)
            .map(String::as_str)
            .unwrap_or_else(|| person.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(id: &str, members: &[&str], managers: &[&str]) -> Team {
        Team {
            id: TeamId::from(id),
            name: id.to_owned(),
            members: members.iter().copied().map(PersonId::from).collect(),
            managers: managers.iter().copied().map(PersonId::from).collect(),
        }
    }

    #[test]
    fn teams_of_lists_each_team_once() {
        let organization = Organization::new(vec![
            team("payments", &["dana", "dana", "eli"], &["mara"]),
            team("checkout", &["dana"], &[]),
        ]);

        let dana: Vec<&str> = organization
            .teams_of(&PersonId::from("dana"))
            .map(|found| found.id.as_str())
            .collect();
        let mara = organization.teams_of(&PersonId::from("mara")).count();

        assert_eq!(dana, ["checkout", "payments"]);
        assert_eq!(mara, 0, "managing a team is not membership");
    }

    #[test]
    fn knows_members_and_managers_only() {
        let organization = Organization::new(vec![team("payments", &["dana"], &["mara"])]);

        assert!(organization.knows(&PersonId::from("dana")));
        assert!(organization.knows(&PersonId::from("mara")));
        assert!(!organization.knows(&PersonId::from("stranger")));
    }
}
