//! Teams, nested teams, roles and names: the engine's view of the organisation.
//!
//! Nesting works in two directions. A member of a sub-team is also a member of every team
//! above it, so a department's aggregate covers its teams. A manager of a team also
//! manages every team below it, so a director counts as a manager of each team in the
//! department. Teammates are people who share a team: a member of a sibling team is not
//! a teammate, even though both are members of the department.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use async_core::ids::{PersonId, TeamId};
use async_core::model::Team;

use crate::Error;

/// A role of a person in a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A member of the team or of a team below it.
    Member,
    /// A manager of the team or of a team above it.
    Manager,
    /// Configures the system. Grants no access to anyone's data.
    Administrator,
}

impl Role {
    /// The role's name (`"manager"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Manager => "manager",
            Role::Administrator => "administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How explanations refer to a person who is the object of their own sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Pronoun {
    /// "herself".
    She,
    /// "himself".
    He,
    /// "themselves", used unless a person states otherwise.
    #[default]
    They,
}

impl Pronoun {
    /// The reflexive form (`"herself"`).
    pub fn reflexive(self) -> &'static str {
        match self {
            Pronoun::She => "herself",
            Pronoun::He => "himself",
            Pronoun::They => "themselves",
        }
    }
}

/// A person as explanations name them: an id, a display name and a pronoun.
///
/// Cheap to clone (a reference count), so decisions carry people without copying text.
#[derive(Clone, PartialEq, Eq)]
pub struct Person(Arc<PersonInfo>);

#[derive(Debug, PartialEq, Eq)]
struct PersonInfo {
    id: PersonId,
    name: String,
    pronoun: Pronoun,
}

impl Person {
    fn new(id: PersonId, name: String, pronoun: Pronoun) -> Self {
        Self(Arc::new(PersonInfo { id, name, pronoun }))
    }

    /// A person the organisation does not know, named by their id.
    pub(crate) fn unknown(id: &PersonId) -> Self {
        Self::new(id.clone(), id.as_str().to_owned(), Pronoun::They)
    }

    /// The person's id.
    pub fn id(&self) -> &PersonId {
        &self.0.id
    }

    /// The name explanations use.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The pronoun explanations use.
    pub fn pronoun(&self) -> Pronoun {
        self.0.pronoun
    }
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Person").field(&self.0.id).finish()
    }
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.name)
    }
}

/// A team as explanations name it. Cheap to clone.
#[derive(Clone, PartialEq, Eq)]
pub struct TeamName(Arc<(TeamId, String)>);

impl TeamName {
    pub(crate) fn unknown(id: &TeamId) -> Self {
        Self(Arc::new((id.clone(), id.as_str().to_owned())))
    }

    /// The team's id.
    pub fn id(&self) -> &TeamId {
        &self.0.0
    }
}

impl fmt::Debug for TeamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TeamName").field(&self.0.0).finish()
    }
}

impl fmt::Display for TeamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.1)
    }
}

/// Index of a person in [`Organization::people`].
pub(crate) type PersonIndex = usize;
/// Index of a team in [`Organization::teams`].
pub(crate) type TeamIndex = usize;

/// One team as configured, with its precomputed size.
#[derive(Debug, Clone)]
pub(crate) struct TeamEntry {
    pub(crate) team: Team,
    pub(crate) name: TeamName,
    pub(crate) parent: Option<TeamId>,
    pub(crate) administrators: Vec<PersonId>,
    /// Distinct members of the team and of every team below it.
    pub(crate) size: usize,
}

/// One person's place in the organisation, precomputed so a decision is a few lookups.
#[derive(Debug, Clone)]
pub(crate) struct PersonEntry {
    pub(crate) person: Person,
    /// Teams the person is directly a member of, sorted.
    pub(crate) direct_teams: Vec<TeamIndex>,
    /// Teams the person is a member of, directly or through a sub-team, sorted.
    pub(crate) member_of: Vec<TeamIndex>,
    /// Teams the person manages, directly or through a team above, sorted.
    pub(crate) manager_of: Vec<TeamIndex>,
    /// Teams the person administers, sorted.
    pub(crate) administrator_of: Vec<TeamIndex>,
}

/// The teams of one organisation, how they nest, the roles people hold, and names.
///
/// Build a flat organisation with [`Organization::new`] or a nested one with
/// [`Organization::builder`].
#[derive(Debug, Clone, Default)]
pub struct Organization {
    teams: Vec<TeamEntry>,
    team_index: HashMap<TeamId, TeamIndex>,
    people: Vec<PersonEntry>,
    person_index: HashMap<PersonId, PersonIndex>,
}

impl Organization {
    /// Builds a flat organisation (no nesting, no administrators) from its teams.
    pub fn new(teams: Vec<Team>) -> Self {
        let builder = teams
            .into_iter()
            .fold(Organization::builder(), |b, team| b.team(team));
        builder.index()
    }

    /// Starts an organisation with nested teams, administrators, names or pronouns.
    pub fn builder() -> OrganizationBuilder {
        OrganizationBuilder::default()
    }

    /// Records the name to use for a person in explanations.
    #[must_use]
    pub fn with_name(mut self, person: impl Into<PersonId>, name: impl Into<String>) -> Self {
        let person = person.into();
        if let Some(&index) = self.person_index.get(&person) {
            let entry = &mut self.people[index];
            entry.person = Person::new(person, name.into(), entry.person.pronoun());
        }
        self
    }

    /// Returns the team with `id`.
    pub fn team(&self, id: &TeamId) -> Option<&Team> {
        self.team_index
            .get(id)
            .map(|&index| &self.teams[index].team)
    }

    /// Returns the team directly above `id`, if any.
    pub fn parent_of(&self, id: &TeamId) -> Option<&TeamId> {
        self.team_entry(id).and_then(|entry| entry.parent.as_ref())
    }

    /// Returns the administrators of team `id`.
    pub fn administrators_of(&self, id: &TeamId) -> &[PersonId] {
        self.team_entry(id)
            .map(|entry| entry.administrators.as_slice())
            .unwrap_or_default()
    }

    /// Returns every team.
    pub fn teams(&self) -> impl Iterator<Item = &Team> {
        self.teams.iter().map(|entry| &entry.team)
    }

    /// Returns every person the organisation knows: members, managers and administrators.
    pub fn people(&self) -> impl Iterator<Item = &Person> {
        self.people.iter().map(|entry| &entry.person)
    }

    /// Returns the number of distinct members of team `id`, sub-teams included.
    pub fn size_of(&self, id: &TeamId) -> Option<usize> {
        self.team_entry(id).map(|entry| entry.size)
    }

    /// Returns the roles `person` has in `team`, counting nesting.
    pub fn roles(&self, person: &PersonId, team: &TeamId) -> Vec<Role> {
        let (Some(person), Some(&team)) = (self.person_entry(person), self.team_index.get(team))
        else {
            return Vec::new();
        };
        let held = [
            (Role::Member, &person.member_of),
            (Role::Manager, &person.manager_of),
            (Role::Administrator, &person.administrator_of),
        ];
        held.into_iter()
            .filter(|(_, teams)| teams.binary_search(&team).is_ok())
            .map(|(role, _)| role)
            .collect()
    }

    /// Returns the teams `person` is directly a member of.
    pub fn teams_of(&self, person: &PersonId) -> impl Iterator<Item = &Team> {
        self.person_entry(person)
            .into_iter()
            .flat_map(|entry| entry.direct_teams.iter())
            .map(|&index| &self.teams[index].team)
    }

    /// Returns whether `person` is a member, manager or administrator of any team.
    pub fn knows(&self, person: &PersonId) -> bool {
        self.person_index.contains_key(person)
    }

    /// Returns the person with `id`, if known.
    pub fn person(&self, id: &PersonId) -> Option<&Person> {
        self.person_entry(id).map(|entry| &entry.person)
    }

    /// Returns the name to use for `person` in explanations: the recorded name, else the id.
    pub fn name_of<'a>(&'a self, person: &'a PersonId) -> &'a str {
        self.person_entry(person)
            .map(|entry| entry.person.name())
            .unwrap_or_else(|| person.as_str())
    }

    pub(crate) fn person_index(&self, id: &PersonId) -> Option<PersonIndex> {
        self.person_index.get(id).copied()
    }

    pub(crate) fn team_position(&self, id: &TeamId) -> Option<TeamIndex> {
        self.team_index.get(id).copied()
    }

    pub(crate) fn entry(&self, index: PersonIndex) -> &PersonEntry {
        &self.people[index]
    }

    pub(crate) fn team_at(&self, index: TeamIndex) -> &TeamEntry {
        &self.teams[index]
    }

    pub(crate) fn person_count(&self) -> usize {
        self.people.len()
    }

    fn person_entry(&self, id: &PersonId) -> Option<&PersonEntry> {
        self.person_index.get(id).map(|&index| &self.people[index])
    }

    fn team_entry(&self, id: &TeamId) -> Option<&TeamEntry> {
        self.team_index.get(id).map(|&index| &self.teams[index])
    }
}

/// Builds an [`Organization`] with nested teams, administrators, names and pronouns.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct OrganizationBuilder {
    teams: BTreeMap<TeamId, Team>,
    parents: BTreeMap<TeamId, TeamId>,
    administrators: BTreeMap<TeamId, Vec<PersonId>>,
    names: BTreeMap<PersonId, String>,
    pronouns: BTreeMap<PersonId, Pronoun>,
}

impl OrganizationBuilder {
    /// Adds a team; a later team with the same id replaces it.
    pub fn team(mut self, team: Team) -> Self {
        self.teams.insert(team.id.clone(), team);
        self
    }

    /// Places team `child` directly below team `parent`.
    pub fn subteam(mut self, child: impl Into<TeamId>, parent: impl Into<TeamId>) -> Self {
        self.parents.insert(child.into(), parent.into());
        self
    }

    /// Makes `person` an administrator of `team`.
    pub fn administrator(mut self, team: impl Into<TeamId>, person: impl Into<PersonId>) -> Self {
        self.administrators
            .entry(team.into())
            .or_default()
            .push(person.into());
        self
    }

    /// Records the name to use for a person in explanations.
    pub fn name(mut self, person: impl Into<PersonId>, name: impl Into<String>) -> Self {
        self.names.insert(person.into(), name.into());
        self
    }

    /// Records the pronoun to use for a person in explanations.
    pub fn pronoun(mut self, person: impl Into<PersonId>, pronoun: Pronoun) -> Self {
        self.pronouns.insert(person.into(), pronoun);
        self
    }

    /// Checks the nesting and builds the organisation.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidOrganization`] when a nesting or an administrator names a
    /// team that was not added, or when the nesting has a cycle.
    pub fn build(self) -> Result<Organization, Error> {
        self.check()?;
        Ok(self.index())
    }

    fn check(&self) -> Result<(), Error> {
        let invalid = |problem: String| Err(Error::InvalidOrganization { problem });
        let named = self.parents.iter().flat_map(|(c, p)| [c, p]);
        for team in named.chain(self.administrators.keys()) {
            if !self.teams.contains_key(team) {
                return invalid(format!("team `{team}` is used but was never added"));
            }
        }
        for start in self.parents.keys() {
            let mut current = start;
            for _ in 0..=self.parents.len() {
                match self.parents.get(current) {
                    Some(parent) if parent == start => {
                        return invalid(format!("team `{start}` is nested inside itself"));
                    }
                    Some(parent) => current = parent,
                    None => break,
                }
            }
        }
        Ok(())
    }

    /// Precomputes memberships and sizes. Nesting is assumed acyclic; walks are bounded by
    /// the number of teams anyway, so a cycle cannot loop forever.
    fn index(self) -> Organization {
        let team_ids: Vec<TeamId> = self.teams.keys().cloned().collect();
        let team_index: HashMap<TeamId, TeamIndex> = team_ids
            .iter()
            .enumerate()
            .map(|(index, id)| (id.clone(), index))
            .collect();
        let parent = |team: TeamIndex| -> Option<TeamIndex> {
            self.parents
                .get(&team_ids[team])
                .and_then(|parent| team_index.get(parent).copied())
        };
        let ancestors = |team: TeamIndex| -> Vec<TeamIndex> {
            let mut chain = vec![team];
            while let Some(next) = chain.last().copied().and_then(parent) {
                if chain.len() > team_ids.len() || chain.contains(&next) {
                    break;
                }
                chain.push(next);
            }
            chain
        };
        let chains: Vec<Vec<TeamIndex>> = (0..team_ids.len()).map(ancestors).collect();

        let mut people = PeopleIndex::default();
        for (index, team) in self.teams.values().enumerate() {
            for member in &team.members {
                let entry = people.entry(member);
                insert_sorted(&mut entry.direct_teams, index);
                for &above in &chains[index] {
                    insert_sorted(&mut entry.member_of, above);
                }
            }
            for manager in &team.managers {
                let entry = people.entry(manager);
                // Every team whose chain passes through this one lies below it.
                for (below, chain) in chains.iter().enumerate() {
                    if chain.contains(&index) {
                        insert_sorted(&mut entry.manager_of, below);
                    }
                }
            }
        }
        for (team, admins) in &self.administrators {
            let Some(&index) = team_index.get(team) else {
                continue;
            };
            for admin in admins {
                insert_sorted(&mut people.entry(admin).administrator_of, index);
            }
        }

        let mut sizes = vec![0usize; team_ids.len()];
        for entry in &people.entries {
            for &team in &entry.member_of {
                sizes[team] += 1;
            }
        }
        let teams = self
            .teams
            .into_values()
            .enumerate()
            .map(|(index, team)| TeamEntry {
                name: TeamName(Arc::new((team.id.clone(), team.name.clone()))),
                parent: self.parents.get(&team.id).cloned(),
                administrators: self
                    .administrators
                    .get(&team.id)
                    .cloned()
                    .unwrap_or_default(),
                size: sizes[index],
                team,
            })
            .collect();
        let people_entries = people.finish(&self.names, &self.pronouns);
        let person_index = people_entries
            .iter()
            .enumerate()
            .map(|(index, entry)| (entry.person.id().clone(), index))
            .collect();
        Organization {
            teams,
            team_index,
            people: people_entries,
            person_index,
        }
    }
}

/// People collected while indexing, in first-seen order.
#[derive(Default)]
struct PeopleIndex {
    ids: HashMap<PersonId, usize>,
    entries: Vec<PersonEntry>,
}

impl PeopleIndex {
    fn entry(&mut self, id: &PersonId) -> &mut PersonEntry {
        let next = self.entries.len();
        let index = *self.ids.entry(id.clone()).or_insert(next);
        if index == next {
            self.entries.push(PersonEntry {
                person: Person::unknown(id),
                direct_teams: Vec::new(),
                member_of: Vec::new(),
                manager_of: Vec::new(),
                administrator_of: Vec::new(),
            });
        }
        &mut self.entries[index]
    }

    fn finish(
        mut self,
        names: &BTreeMap<PersonId, String>,
        pronouns: &BTreeMap<PersonId, Pronoun>,
    ) -> Vec<PersonEntry> {
        for entry in &mut self.entries {
            let id = entry.person.id().clone();
            let name = names.get(&id).cloned().unwrap_or_else(|| id.to_string());
            let pronoun = pronouns.get(&id).copied().unwrap_or_default();
            entry.person = Person::new(id, name, pronoun);
        }
        self.entries
    }
}

fn insert_sorted(teams: &mut Vec<TeamIndex>, team: TeamIndex) {
    if let Err(position) = teams.binary_search(&team) {
        teams.insert(position, team);
    }
}

/// Distinct members of a team and its sub-teams, computed from the configuration alone.
///
/// The Cedar backend sizes teams with this instead of the native index, so the two engines
/// share as little code as possible.
#[cfg_attr(not(feature = "cedar"), allow(dead_code))]
pub(crate) fn members_below(organization: &Organization, team: &TeamId) -> BTreeSet<PersonId> {
    let mut members = BTreeSet::new();
    let mut pending = vec![team.clone()];
    let mut seen = BTreeSet::new();
    while let Some(current) = pending.pop() {
        if !seen.insert(current.clone()) {
            continue;
        }
        if let Some(found) = organization.team(&current) {
            members.extend(found.members.iter().cloned());
        }
        let children = organization
            .teams()
            .filter(|child| organization.parent_of(&child.id) == Some(&current));
        pending.extend(children.map(|child| child.id.clone()));
    }
    members
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
        assert_eq!(organization.size_of(&TeamId::from("payments")), Some(2));
    }

    #[test]
    fn nesting_spreads_membership_up_and_management_down() {
        let organization = Organization::builder()
            .team(team("engineering", &[], &["vp"]))
            .team(team("payments", &["dana", "eli"], &["mara"]))
            .team(team("checkout", &["lee"], &[]))
            .subteam("payments", "engineering")
            .subteam("checkout", "engineering")
            .build()
            .expect("valid nesting");
        let roles = |person: &str, team: &str| organization.roles(&person.into(), &team.into());

        assert_eq!(roles("dana", "engineering"), [Role::Member]);
        assert_eq!(roles("vp", "payments"), [Role::Manager]);
        assert!(roles("mara", "engineering").is_empty());
        assert!(roles("lee", "payments").is_empty());
        assert_eq!(organization.size_of(&"engineering".into()), Some(3));
        assert_eq!(members_below(&organization, &"engineering".into()).len(), 3);
    }

    #[test]
    fn cycles_and_unknown_teams_are_rejected() {
        let cycle = Organization::builder()
            .team(team("a", &[], &[]))
            .team(team("b", &[], &[]))
            .subteam("a", "b")
            .subteam("b", "a")
            .build();
        let unknown = Organization::builder()
            .team(team("a", &[], &[]))
            .subteam("a", "ghost")
            .build();

        assert!(
            cycle
                .expect_err("cycle")
                .to_string()
                .contains("inside itself")
        );
        assert!(unknown.expect_err("unknown").to_string().contains("ghost"));
    }

    #[test]
    fn knows_members_managers_and_administrators() {
        let organization = Organization::builder()
            .team(team("payments", &["dana"], &["mara"]))
            .administrator("payments", "ops")
            .build()
            .expect("valid");

        assert!(organization.knows(&PersonId::from("dana")));
        assert!(organization.knows(&PersonId::from("mara")));
        assert!(organization.knows(&PersonId::from("ops")));
        assert!(!organization.knows(&PersonId::from("stranger")));
    }
}
