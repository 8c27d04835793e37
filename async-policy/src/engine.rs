//! The three rules as a pure decision function.

use async_core::ids::{PersonId, TeamId};

use crate::organization::{Organization, Role};
use crate::request::{AccessRequest, Scope};
use crate::settings::{Visibility, VisibilitySettings};
use crate::{DataCategory, Decision, RuleId};

/// The smallest minimum group size the engine accepts: an aggregate over one person is
/// that person's individual data.
pub const MIN_GROUP_SIZE_FLOOR: usize = 2;

/// The minimum group size used unless configured otherwise.
const DEFAULT_MIN_GROUP_SIZE: usize = 3;

/// A pure decision function from an access request to a decision.
pub trait PolicyEngine: Send + Sync {
    /// Decides a request. There is no error case: anything the engine cannot decide is denied.
    fn decide(&self, request: &AccessRequest) -> Decision;
}

impl<T: PolicyEngine + ?Sized> PolicyEngine for &T {
    fn decide(&self, request: &AccessRequest) -> Decision {
        (**self).decide(request)
    }
}

impl<T: PolicyEngine + ?Sized> PolicyEngine for std::sync::Arc<T> {
    fn decide(&self, request: &AccessRequest) -> Decision {
        (**self).decide(request)
    }
}

impl<T: PolicyEngine + ?Sized> PolicyEngine for Box<T> {
    fn decide(&self, request: &AccessRequest) -> Decision {
        (**self).decide(request)
    }
}

/// The native engine: the three rules over an organisation and visibility settings.
#[derive(Debug, Clone)]
pub struct RulesEngine {
    organization: Organization,
    settings: VisibilitySettings,
    min_group_size: usize,
}

impl RulesEngine {
    /// Creates an engine with the default minimum group size of 3.
    pub fn new(organization: Organization, settings: VisibilitySettings) -> Self {
        Self {
            organization,
            settings,
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

    /// The visibility settings in force.
    pub fn settings(&self) -> &VisibilitySettings {
        &self.settings
    }

    /// Changes one person's setting; the next decision uses it.
    pub fn set_visibility(
        &mut self,
        person: PersonId,
        category: DataCategory,
        visibility: Visibility,
    ) {
        self.settings.set(person, category, visibility);
    }

    fn decide_individual(&self, request: &AccessRequest, subject: &PersonId) -> Decision {
        let viewer = &request.viewer;
        if viewer == subject {
            return allow(
                RuleId::SelfAccess,
                format!("{} may always see their own data", self.name(viewer)),
                false,
            );
        }
        if !self.organization.knows(subject) {
            return deny(
                RuleId::DefaultDeny,
                format!("{} is not a member of any known team", self.name(subject)),
            );
        }

        let visibility = self.settings.visibility(subject, request.category);
        if visibility == Visibility::OnlyMe {
            return deny(
                RuleId::OthersIndividual,
                self.sharing_sentence(subject, request.category),
            );
        }
        if let Some(role) = self.covering_role(viewer, subject, visibility) {
            let role = if role == Role::Manager {
                "a manager"
            } else {
                "a teammate"
            };
            let reason = format!(
                "{} is {role} of {}, who shares {} with {}",
                self.name(viewer),
                self.name(subject),
                request.category,
                visibility.audience()
            );
            return allow(RuleId::OthersIndividual, reason, true);
        }
        self.deny_uncovered(request, subject, visibility)
    }

    /// Returns the viewer's role in one of the subject's teams that the setting covers.
    fn covering_role(
        &self,
        viewer: &PersonId,
        subject: &PersonId,
        visibility: Visibility,
    ) -> Option<Role> {
        self.organization
            .teams_of(subject)
            .flat_map(|team| self.organization.roles(viewer, &team.id))
            .filter(|role| match role {
                Role::Manager => visibility >= Visibility::Managers,
                Role::Member => visibility >= Visibility::Team,
                Role::Administrator => false,
            })
            .max_by_key(|role| *role == Role::Manager)
    }

    fn deny_uncovered(
        &self,
        request: &AccessRequest,
        subject: &PersonId,
        visibility: Visibility,
    ) -> Decision {
        let viewer = &request.viewer;
        let roles: Vec<Role> = self
            .organization
            .teams_of(subject)
            .flat_map(|team| self.organization.roles(viewer, &team.id))
            .collect();
        let reason = if roles.is_empty() {
            format!(
                "{} holds no role in any team of {}",
                self.name(viewer),
                self.name(subject)
            )
        } else if roles.iter().all(|role| *role == Role::Administrator) {
            format!(
                "{} administers a team of {}, which grants no access to individual data",
                self.name(viewer),
                self.name(subject)
            )
        } else {
            format!(
                "{} shares {} with {}",
                self.name(subject),
                request.category,
                visibility.audience()
            )
        };
        deny(RuleId::OthersIndividual, reason)
    }

    fn decide_aggregate(&self, request: &AccessRequest, team_id: &TeamId) -> Decision {
        let viewer = &request.viewer;
        let Some(team) = self.organization.team(team_id) else {
            return deny(RuleId::DefaultDeny, format!("team {team_id} is not known"));
        };
        let roles = self.organization.roles(viewer, team_id);
        if !roles
            .iter()
            .any(|role| matches!(role, Role::Member | Role::Manager))
        {
            return deny(
                RuleId::DefaultDeny,
                format!(
                    "{} is neither a member nor a manager of {}",
                    self.name(viewer),
                    team.name
                ),
            );
        }
        // Distinct people, so a team listing one person three times is still one person.
        let size = team
            .members
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if size < self.min_group_size {
            return deny(
                RuleId::TeamAggregate,
                format!(
                    "{} has {size} members, fewer than the minimum group size of {}, so its aggregates are suppressed",
                    team.name, self.min_group_size
                ),
            );
        }
        allow(
            RuleId::TeamAggregate,
            format!(
                "{} may see aggregates over the whole of {}",
                self.name(viewer),
                team.name
            ),
            false,
        )
    }

    fn sharing_sentence(&self, subject: &PersonId, category: DataCategory) -> String {
        format!(
            "{} shares {category} with {}",
            self.name(subject),
            Visibility::OnlyMe.audience()
        )
    }

    fn name<'a>(&'a self, person: &'a PersonId) -> &'a str {
        self.organization.name_of(person)
    }
}

impl PolicyEngine for RulesEngine {
    fn decide(&self, request: &AccessRequest) -> Decision {
        match &request.scope {
            Scope::Individual(subject) => self.decide_individual(request, subject),
            Scope::TeamAggregate(team) => self.decide_aggregate(request, team),
        }
    }
}

fn allow(rule: RuleId, reason: String, requires_audit: bool) -> Decision {
    Decision::Allow {
        rule,
        reason,
        requires_audit,
    }
}

fn deny(rule: RuleId, reason: String) -> Decision {
    Decision::Deny { rule, reason }
}
