//! The three rules as a pure decision function.

use std::sync::{PoisonError, RwLock};

use async_core::ids::{PersonId, TeamId};

use crate::decision::Reason;
use crate::organization::{Organization, Person, PersonIndex, Role, TeamIndex, TeamName};
use crate::request::{AccessRequest, Scope};
use crate::settings::{Visibility, VisibilitySettings};
use crate::{DataCategory, Decision, Error, RuleId};

/// The smallest minimum group size the engine accepts: an aggregate over one person is
/// that person's individual data.
pub const MIN_GROUP_SIZE_FLOOR: usize = 2;

/// The minimum group size used unless configured otherwise.
pub const DEFAULT_MIN_GROUP_SIZE: usize = 3;

/// A decision function from an access request to a decision, over an organisation and
/// everyone's visibility settings.
///
/// Implementations: [`RulesEngine`] (native) and, with the `cedar` feature,
/// `CedarEngine`, plus forwarding impls for `&T`, `Arc<T>` and `Box<T>`. Both engines
/// must decide every request the same way, and a differential property test checks that they do.
///
/// The trait is sealed: code outside this crate cannot implement it. A [`Guard`] is only
/// as strict as its engine, and a custom engine could allow what the three rules deny,
/// which would make every [`Authorized`] value meaningless. An organisation that needs
/// stricter rules adds Cedar `forbid` policies to `CedarEngine` (feature `cedar`), which
/// can narrow access but never widen it.
///
/// ```compile_fail
/// use async_core::ids::PersonId;
/// use async_policy::{AccessRequest, DataCategory, Decision, Error, PolicyEngine, Visibility};
///
/// /// An engine that would allow everything: it does not compile.
/// struct AllowAll;
///
/// impl PolicyEngine for AllowAll {
///     fn decide(&self, _: &AccessRequest) -> Decision {
///         unimplemented!()
///     }
///
///     fn visibility(&self, _: &PersonId, _: DataCategory) -> Option<Visibility> {
///         None
///     }
///
///     fn set_visibility(&self, _: &PersonId, _: DataCategory, _: Visibility) -> Result<(), Error> {
///         Ok(())
///     }
/// }
/// ```
///
/// [`Guard`]: crate::Guard
/// [`Authorized`]: crate::Authorized
pub trait PolicyEngine: sealed::Sealed + Send + Sync {
    /// Decides a request. There is no error case: anything the engine cannot decide is denied.
    fn decide(&self, request: &AccessRequest) -> Decision;

    /// Returns `person`'s setting for `category`, or `None` for a person the organisation
    /// does not know.
    fn visibility(&self, person: &PersonId, category: DataCategory) -> Option<Visibility>;

    /// Changes `person`'s setting for `category`; the next decision uses it.
    ///
    /// Call it through [`Guard::change_visibility`](crate::Guard::change_visibility), which
    /// also stores and audits the change.
    ///
    /// # Errors
    ///
    /// Returns [`Error::UnknownPerson`] when the organisation does not know `person`.
    fn set_visibility(
        &self,
        person: &PersonId,
        category: DataCategory,
        visibility: Visibility,
    ) -> Result<(), Error>;
}

/// The private supertrait that keeps [`PolicyEngine`] closed to other crates.
pub(crate) mod sealed {
    /// Implemented only by this crate's engines and the wrappers that forward to them.
    pub trait Sealed {}
}

macro_rules! forward_engine {
    ($($wrapper:ty),*) => {$(
        impl<T: PolicyEngine + ?Sized> sealed::Sealed for $wrapper {}

        impl<T: PolicyEngine + ?Sized> PolicyEngine for $wrapper {
            fn decide(&self, request: &AccessRequest) -> Decision {
                (**self).decide(request)
            }

            fn visibility(&self, person: &PersonId, category: DataCategory) -> Option<Visibility> {
                (**self).visibility(person, category)
            }

            fn set_visibility(
                &self,
                person: &PersonId,
                category: DataCategory,
                visibility: Visibility,
            ) -> Result<(), Error> {
                (**self).set_visibility(person, category, visibility)
            }
        }
    )*};
}

forward_engine!(&T, std::sync::Arc<T>, Box<T>);

/// Settings indexed by person, so a decision reads one array slot.
type SettingsTable = Vec<[Visibility; DataCategory::ALL.len()]>;

/// The native engine: the three rules over an organisation and visibility settings.
#[derive(Debug)]
pub struct RulesEngine {
    organization: Organization,
    settings: RwLock<(VisibilitySettings, SettingsTable)>,
    min_group_size: usize,
}

impl RulesEngine {
    /// Creates an engine with the default minimum group size of 3.
    ///
    /// Settings of people the organisation does not know are kept but never consulted.
    pub fn new(organization: Organization, settings: VisibilitySettings) -> Self {
        let table = table_of(&organization, &settings);
        Self {
            organization,
            settings: RwLock::new((settings, table)),
            min_group_size: DEFAULT_MIN_GROUP_SIZE,
        }
    }

    /// Sets the minimum group size for aggregates; values below
    /// [`MIN_GROUP_SIZE_FLOOR`] are raised to it.
    #[must_use]
    pub fn with_min_group_size(mut self, size: usize) -> Self {
        self.min_group_size = size.max(MIN_GROUP_SIZE_FLOOR);
        self
    }

    /// The minimum group size in force.
    pub fn min_group_size(&self) -> usize {
        self.min_group_size
    }

    /// The organisation the engine decides over.
    pub fn organization(&self) -> &Organization {
        &self.organization
    }

    /// A copy of the visibility settings in force.
    pub fn settings(&self) -> VisibilitySettings {
        self.read(|(settings, _)| settings.clone())
    }

    fn read<R>(&self, f: impl FnOnce(&(VisibilitySettings, SettingsTable)) -> R) -> R {
        // A poisoned lock still holds consistent settings: writers replace whole values.
        let guard = self.settings.read().unwrap_or_else(PoisonError::into_inner);
        f(&guard)
    }

    fn setting(&self, subject: PersonIndex, category: DataCategory) -> Visibility {
        self.read(|(_, table)| table[subject][category as usize])
    }

    fn decide_individual(&self, request: &AccessRequest, subject_id: &PersonId) -> Decision {
        let Some(viewer) = self.organization.person_index(&request.viewer) else {
            return unknown_person(&request.viewer);
        };
        let Some(subject) = self.organization.person_index(subject_id) else {
            return unknown_person(subject_id);
        };
        if viewer == subject {
            let viewer = self.person(viewer);
            return allow(RuleId::SelfAccess, Reason::OwnData { viewer }, false);
        }

        let visibility = self.setting(subject, request.category);
        let roles = self.roles_towards(viewer, subject);
        let covering = [Role::Manager, Role::Member]
            .into_iter()
            .find(|role| roles.contains(role) && covers(visibility, *role));
        let (viewer, subject_person) = (self.person(viewer), self.person(subject));
        if let Some(role) = covering {
            let reason = Reason::Shared {
                viewer,
                role,
                subject: subject_person,
                category: request.category,
                visibility,
            };
            return allow(RuleId::OthersIndividual, reason, true);
        }
        deny(
            RuleId::OthersIndividual,
            uncovered(viewer, subject_person, request.category, visibility, &roles),
        )
    }

    /// The roles `viewer` has in the teams `subject` is directly a member of.
    fn roles_towards(&self, viewer: PersonIndex, subject: PersonIndex) -> RoleSet {
        let viewer = self.organization.entry(viewer);
        let mut roles = RoleSet::default();
        for team in &self.organization.entry(subject).direct_teams {
            roles.member |= holds(&viewer.member_of, *team);
            roles.manager |= holds(&viewer.manager_of, *team);
            roles.administrator |= holds(&viewer.administrator_of, *team);
        }
        roles
    }

    fn decide_aggregate(&self, request: &AccessRequest, team_id: &TeamId) -> Decision {
        let Some(viewer) = self.organization.person_index(&request.viewer) else {
            return unknown_person(&request.viewer);
        };
        let Some(team) = self.organization.team_position(team_id) else {
            let team = TeamName::unknown(team_id);
            return deny(RuleId::DefaultDeny, Reason::UnknownTeam { team });
        };
        let entry = self.organization.entry(viewer);
        let name = self.team_name(team);
        if !holds(&entry.member_of, team) && !holds(&entry.manager_of, team) {
            let viewer = self.person(viewer);
            return deny(
                RuleId::DefaultDeny,
                Reason::NotInTeam { viewer, team: name },
            );
        }
        let size = self.organization.team_at(team).size;
        if size < self.min_group_size {
            let minimum = self.min_group_size;
            let reason = Reason::GroupTooSmall {
                team: name,
                size,
                minimum,
            };
            return deny(RuleId::TeamAggregate, reason);
        }
        let viewer = self.person(viewer);
        allow(
            RuleId::TeamAggregate,
            Reason::WholeTeam { viewer, team: name },
            false,
        )
    }

    fn person(&self, index: PersonIndex) -> Person {
        self.organization.entry(index).person.clone()
    }

    fn team_name(&self, index: TeamIndex) -> TeamName {
        self.organization.team_at(index).name.clone()
    }
}

impl sealed::Sealed for RulesEngine {}

impl PolicyEngine for RulesEngine {
    fn decide(&self, request: &AccessRequest) -> Decision {
        match &request.scope {
            Scope::Individual(subject) => self.decide_individual(request, subject),
            Scope::TeamAggregate(team) => self.decide_aggregate(request, team),
        }
    }

    fn visibility(&self, person: &PersonId, category: DataCategory) -> Option<Visibility> {
        let index = self.organization.person_index(person)?;
        Some(self.setting(index, category))
    }

    fn set_visibility(
        &self,
        person: &PersonId,
        category: DataCategory,
        visibility: Visibility,
    ) -> Result<(), Error> {
        let Some(index) = self.organization.person_index(person) else {
            return Err(Error::UnknownPerson {
                person: person.clone(),
            });
        };
        let mut guard = self
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        guard.0.set(person.clone(), category, visibility);
        guard.1[index][category as usize] = visibility;
        Ok(())
    }
}

/// The roles a viewer has towards a subject.
#[derive(Debug, Default, Clone, Copy)]
struct RoleSet {
    member: bool,
    manager: bool,
    administrator: bool,
}

impl RoleSet {
    fn contains(&self, role: &Role) -> bool {
        match role {
            Role::Member => self.member,
            Role::Manager => self.manager,
            Role::Administrator => self.administrator,
        }
    }
}

/// Whether a setting lets a holder of `role` see the data. Administrators never.
fn covers(visibility: Visibility, role: Role) -> bool {
    match role {
        Role::Manager => visibility >= Visibility::Managers,
        Role::Member => visibility >= Visibility::Team,
        Role::Administrator => false,
    }
}

fn holds(teams: &[TeamIndex], team: TeamIndex) -> bool {
    teams.binary_search(&team).is_ok()
}

fn uncovered(
    viewer: Person,
    subject: Person,
    category: DataCategory,
    visibility: Visibility,
    roles: &RoleSet,
) -> Reason {
    if visibility == Visibility::OnlyMe {
        Reason::OnlySelf { subject, category }
    } else if roles.member || roles.manager {
        Reason::NotCovered {
            viewer,
            subject,
            category,
            visibility,
        }
    } else if roles.administrator {
        Reason::AdministratorOnly { viewer, subject }
    } else {
        Reason::NoRole { viewer, subject }
    }
}

fn table_of(organization: &Organization, settings: &VisibilitySettings) -> SettingsTable {
    (0..organization.person_count())
        .map(|index| {
            let person = organization.entry(index).person.id();
            DataCategory::ALL.map(|category| settings.visibility(person, category))
        })
        .collect()
}

fn unknown_person(id: &PersonId) -> Decision {
    let person = Person::unknown(id);
    deny(RuleId::DefaultDeny, Reason::UnknownPerson { person })
}

fn allow(rule: RuleId, reason: Reason, requires_audit: bool) -> Decision {
    Decision::Allow {
        rule,
        reason,
        requires_audit,
    }
}

fn deny(rule: RuleId, reason: Reason) -> Decision {
    Decision::Deny { rule, reason }
}
