//! Decisions, the rules that make them, and their reasons.
//!
//! A reason is structured data (who, whose, which category, which setting) and becomes a
//! sentence only when displayed, so deciding costs no string formatting.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::organization::{Person, Role, TeamName};
use crate::{DataCategory, Visibility};

/// The rule that decided a request.
///
/// Ids are stable: they are stored in audit entries (as the plain id string) and matched
/// by machines.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleId {
    /// Rule 1: a person may always see their own data.
    SelfAccess,
    /// Rule 2: team members and managers see whole-team aggregates above the minimum size.
    TeamAggregate,
    /// Rule 3: others' individual data by role, setting and audit.
    OthersIndividual,
    /// Nothing allowed the request.
    DefaultDeny,
    /// The Cedar backend reported an evaluation error, so it denied.
    EvaluationError,
    /// An organisation's own Cedar policy, by its `@id`.
    Organization(Arc<str>),
}

impl RuleId {
    /// The rule's stable id (`"self-access"`); an organisation policy's id is its own.
    pub fn as_str(&self) -> &str {
        match self {
            RuleId::SelfAccess => "self-access",
            RuleId::TeamAggregate => "team-aggregate",
            RuleId::OthersIndividual => "others-individual",
            RuleId::DefaultDeny => "default-deny",
            RuleId::EvaluationError => "evaluation-error",
            RuleId::Organization(id) => id,
        }
    }
}

impl RuleId {
    /// Reads a stored id: a built-in rule's id, else an organisation policy's.
    pub fn parse(id: &str) -> RuleId {
        match id {
            "self-access" => RuleId::SelfAccess,
            "team-aggregate" => RuleId::TeamAggregate,
            "others-individual" => RuleId::OthersIndividual,
            "default-deny" => RuleId::DefaultDeny,
            "evaluation-error" => RuleId::EvaluationError,
            other => RuleId::Organization(Arc::from(other)),
        }
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Ok(RuleId::parse(&id))
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a decision allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Allowed.
    Allow,
    /// Denied.
    Deny,
}

impl Effect {
    /// `"allow"` or `"deny"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "allow",
            Effect::Deny => "deny",
        }
    }
}

/// The explanation of a decision, which displays as a sentence a person understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The viewer asked for their own data.
    OwnData {
        /// The viewer.
        viewer: Person,
    },
    /// The subject's setting covers a role the viewer holds.
    Shared {
        /// The viewer.
        viewer: Person,
        /// The role that the setting covers.
        role: Role,
        /// Whose data.
        subject: Person,
        /// Which category.
        category: DataCategory,
        /// The subject's setting.
        visibility: Visibility,
    },
    /// The subject keeps this category to themselves.
    OnlySelf {
        /// Whose data.
        subject: Person,
        /// Which category.
        category: DataCategory,
    },
    /// The subject's setting does not cover the viewer's roles.
    NotCovered {
        /// The viewer.
        viewer: Person,
        /// Whose data.
        subject: Person,
        /// Which category.
        category: DataCategory,
        /// The subject's setting.
        visibility: Visibility,
    },
    /// The viewer holds no role in any team of the subject.
    NoRole {
        /// The viewer.
        viewer: Person,
        /// Whose data.
        subject: Person,
    },
    /// The viewer only administers a team of the subject.
    AdministratorOnly {
        /// The viewer.
        viewer: Person,
        /// Whose data.
        subject: Person,
    },
    /// A person in the request is not in the organisation.
    UnknownPerson {
        /// The unknown person, named by id.
        person: Person,
    },
    /// The team in the request is not in the organisation.
    UnknownTeam {
        /// The unknown team, named by id.
        team: TeamName,
    },
    /// The viewer is neither a member nor a manager of the team.
    NotInTeam {
        /// The viewer.
        viewer: Person,
        /// The team.
        team: TeamName,
    },
    /// The viewer may see the team's aggregates.
    WholeTeam {
        /// The viewer.
        viewer: Person,
        /// The team.
        team: TeamName,
    },
    /// The team is smaller than the minimum group size, so its aggregate is suppressed.
    GroupTooSmall {
        /// The team.
        team: TeamName,
        /// Its distinct members.
        size: usize,
        /// The minimum group size in force.
        minimum: usize,
    },
    /// A Cedar policy permitted the request.
    PermittedBy {
        /// The viewer.
        viewer: Person,
        /// The policy's id.
        policy: Arc<str>,
    },
    /// A Cedar policy forbade the request.
    ForbiddenBy {
        /// The policy's id.
        policy: Arc<str>,
        /// The policy's `@reason` annotation, if it has one.
        explanation: Option<Arc<str>>,
    },
    /// No Cedar policy permitted the request.
    NotPermitted {
        /// The viewer.
        viewer: Person,
        /// Which category.
        category: DataCategory,
    },
    /// Cedar reported an error while evaluating a policy.
    EvaluationFailed {
        /// The ids of the policies that failed.
        policies: Vec<Arc<str>>,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::OwnData { viewer } => {
                write!(f, "{viewer} may always see {} own data", possessive(viewer))
            }
            Reason::Shared {
                viewer,
                role,
                subject,
                category,
                visibility,
            } => write!(
                f,
                "{viewer} is {} of {subject}, who shares {category} with {}",
                role_phrase(*role),
                audience(*visibility, subject)
            ),
            Reason::OnlySelf { subject, category } => {
                write!(
                    f,
                    "{subject} shares {category} with nobody but {}",
                    reflexive(subject)
                )
            }
            Reason::NotCovered {
                subject,
                category,
                visibility,
                ..
            } => write!(
                f,
                "{subject} shares {category} with {}",
                audience(*visibility, subject)
            ),
            Reason::NoRole { viewer, subject } => {
                write!(f, "{viewer} holds no role in any team of {subject}")
            }
            Reason::AdministratorOnly { viewer, subject } => write!(
                f,
                "{viewer} administers a team of {subject}, which grants no access to individual data"
            ),
            Reason::UnknownPerson { person } => {
                write!(f, "{} is not known to the organisation", person.id())
            }
            Reason::UnknownTeam { team } => write!(f, "team {} is not known", team.id()),
            Reason::NotInTeam { viewer, team } => {
                write!(f, "{viewer} is neither a member nor a manager of {team}")
            }
            Reason::WholeTeam { viewer, team } => {
                write!(f, "{viewer} may see aggregates over the whole of {team}")
            }
            Reason::GroupTooSmall {
                team,
                size,
                minimum,
            } => write!(
                f,
                "{team} has {size} members, fewer than the minimum group size of {minimum}, so its aggregates are suppressed"
            ),
            Reason::PermittedBy { viewer, policy } => {
                write!(f, "policy {policy} permits {viewer} this access")
            }
            Reason::ForbiddenBy {
                policy,
                explanation: Some(text),
            } => write!(f, "{text} (policy {policy})"),
            Reason::ForbiddenBy {
                policy,
                explanation: None,
            } => write!(f, "the organisation's policy {policy} forbids it"),
            Reason::NotPermitted { viewer, category } => {
                write!(f, "no rule lets {viewer} see this {category}")
            }
            Reason::EvaluationFailed { policies } => {
                f.write_str("the policy could not be evaluated (")?;
                for (position, policy) in policies.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(policy)?;
                }
                f.write_str(" failed), so it denies")
            }
        }
    }
}

fn role_phrase(role: Role) -> &'static str {
    match role {
        Role::Member => "a teammate",
        Role::Manager => "a manager",
        Role::Administrator => "an administrator",
    }
}

fn reflexive(person: &Person) -> &'static str {
    person.pronoun().reflexive()
}

fn possessive(person: &Person) -> &'static str {
    match person.pronoun() {
        crate::Pronoun::She => "her",
        crate::Pronoun::He => "his",
        crate::Pronoun::They => "their",
    }
}

/// The audience a setting admits, as a phrase about `subject`.
struct Audience<'a>(Visibility, &'a Person);

impl fmt::Display for Audience<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Visibility::OnlyMe => write!(f, "nobody but {}", reflexive(self.1)),
            Visibility::Managers => write!(f, "{} managers only", possessive(self.1)),
            Visibility::Team => write!(f, "{} team and managers", possessive(self.1)),
        }
    }
}

fn audience(visibility: Visibility, subject: &Person) -> Audience<'_> {
    Audience(visibility, subject)
}

/// The outcome of a policy decision, with the rule and a reason a person can read.
///
/// The enum is exhaustive on purpose: adding an outcome must break every `match` on it.
/// It displays as `allowed: ...` or `denied: ...`; [`Decision::rule`] gives the rule id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The data may be released.
    Allow {
        /// The rule that allowed it.
        rule: RuleId,
        /// Why.
        reason: Reason,
        /// Whether the access must be written to the audit log before the data is released.
        requires_audit: bool,
    },
    /// The data must not be released.
    Deny {
        /// The rule that denied it.
        rule: RuleId,
        /// Why.
        reason: Reason,
    },
}

impl Decision {
    /// Returns whether the decision allows the access.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow { .. })
    }

    /// The effect of the decision.
    pub fn effect(&self) -> Effect {
        match self {
            Decision::Allow { .. } => Effect::Allow,
            Decision::Deny { .. } => Effect::Deny,
        }
    }

    /// The rule that decided.
    pub fn rule(&self) -> &RuleId {
        match self {
            Decision::Allow { rule, .. } | Decision::Deny { rule, .. } => rule,
        }
    }

    /// The reason; display it for a sentence.
    pub fn reason(&self) -> &Reason {
        match self {
            Decision::Allow { reason, .. } | Decision::Deny { reason, .. } => reason,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Allow { reason, .. } => write!(f, "allowed: {reason}"),
            Decision::Deny { reason, .. } => write!(f, "denied: {reason}"),
        }
    }
}
